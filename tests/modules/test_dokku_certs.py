"""dokku_certs (and its action plugin) against the double: install, rotate, remove, refusals, the key unseen."""

import os

from harness import DOUBLE

CERTS = "selfhosted.dokku.dokku_certs"
FIXTURES = os.path.join(DOUBLE, "fixtures", "srv", "certs")
SERVER = {"cert_file": os.path.join(FIXTURES, "server.crt"), "key_file": os.path.join(FIXTURES, "server.key")}
OTHER = {"cert_file": os.path.join(FIXTURES, "other.crt"), "key_file": os.path.join(FIXTURES, "other.key")}
SERVER_FP = "sha256:d2620b1b3a2aebeb88ce51a16f6254388b1f81a68a1c3b916f429dcaaea45b85"


def key_lines(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return [line for line in handle.read().splitlines() if "-----" not in line]


def stored(host, app, name):
    with open(host.home(app, "tls", name), encoding="utf-8") as handle:
        return handle.read()


def test_install_rotate_and_remove(host):
    host.dokku("domains:set-global", "example.com")
    host.dokku("apps:create", "web")
    check, real, _c2, _r2 = host.quartet(CERTS, dict(SERVER, app="web"), [["dokku", "certs:add", "web"]])
    assert check["diff"] == {"before": {"certificate": None}, "after": {"certificate": SERVER_FP}}
    assert real["fingerprint"] == SERVER_FP and real["family_diff"]["app:web"]["certs"]["after"] == {
        "certificate": SERVER_FP}
    with open(SERVER["key_file"], encoding="utf-8") as handle:
        assert stored(host, "web", "server.key") == handle.read()
    assert host.json("certs:report", "web", "--format", "json")["hostnames"] == "crt.example.test www.crt.example.test"

    results, proc = host.run_tasks([
        {"module": CERTS, "args": dict(OTHER, app="web"), "tag": "rotate"},
        {"module": CERTS, "args": dict(OTHER, app="web"), "tag": "rotate-again"},
        {"module": CERTS, "args": {"app": "web", "state": "absent"}, "tag": "remove", "check": True},
        {"module": CERTS, "args": {"app": "web", "state": "absent"}, "tag": "remove"},
        {"module": CERTS, "args": {"app": "web", "state": "absent"}, "tag": "remove-again"},
    ], verbosity=3)
    rotate, again, remove_check, remove, remove_again = results
    assert rotate["changed"] and rotate["diff"]["before"] == {"certificate": SERVER_FP}
    assert rotate["diff"]["after"]["certificate"].startswith("sha256:") and rotate["commands"] == [["dokku", "certs:add", "web"]]
    assert again["changed"] is False and host.writes("rotate-again") == []
    assert remove_check["changed"] and host.writes("remove") == [["certs:remove", "web"]]
    assert remove["diff"]["after"] == {"certificate": None} and not os.path.exists(host.home("web", "tls"))
    assert remove_again["changed"] is False and host.writes("remove-again") == []
    for line in key_lines("server.key") + key_lines("other.key"):
        assert line not in proc.stdout and line not in proc.stderr


def test_a_changed_key_or_chain_is_written_again(host):
    host.dokku("domains:set-global", "example.com")
    host.dokku("apps:create", "web")
    host.dokku("certs:add", "web", SERVER["cert_file"], os.path.join(FIXTURES, "other.key"))  # a bad pair, by hand
    result = host.run(CERTS, dict(SERVER, app="web"), tag="fix")
    assert result["changed"] and result["diff"]["before"] == {"certificate": SERVER_FP + " (another key)"}
    assert host.writes("fix") == [["certs:add", "web"]]


def test_certs_add_exit_1_without_a_global_domain_file_is_a_warning(host):
    host.dokku("apps:create", "web")
    result = host.run(CERTS, dict(SERVER, app="web"), tag="add")
    assert not result.get("failed"), result
    assert result["changed"] and any("exited with code 1 but installed" in w for w in result["warnings"])
    assert host.json("certs:report", "web", "--format", "json")["enabled"] == "true"


def test_a_key_of_another_certificate_is_refused_before_any_call(host):
    host.dokku("apps:create", "web")
    results, proc = host.run_tasks([
        {"module": CERTS, "args": {"app": "web", "cert_file": SERVER["cert_file"], "key_file": OTHER["key_file"]},
         "tag": "mismatch"},
        {"module": CERTS, "args": {"app": "web", "cert_file": SERVER["cert_file"]}, "tag": "no-key"},
        {"module": CERTS, "args": {"app": "web", "cert_file": "missing.crt", "key_file": SERVER["key_file"]},
         "tag": "missing"},
        {"module": CERTS, "args": {"app": "web", "cert_file": SERVER["key_file"], "key_file": SERVER["key_file"]},
         "tag": "no-cert"},
    ])
    mismatch, no_key, missing, no_cert = results
    assert mismatch["failed"] and "does not match the certificate" in mismatch["msg"]
    assert no_key["failed"] and no_key["msg"].startswith("certificate: give cert_file and key_file")
    assert missing["failed"] and "certificate.cert_file: cannot read missing.crt" in missing["msg"]
    assert no_cert["failed"] and "no PEM certificate" in no_cert["msg"]
    for tag in ("mismatch", "no-key", "missing", "no-cert"):
        assert host.calls(tag=tag) == [], tag
    for line in key_lines("server.key") + key_lines("other.key"):
        assert line not in proc.stdout and line not in proc.stderr
