"""dokku_apps with the list families: checks, buildpacks, scale, the deploy lock and a certificate in one entry."""

import os

from harness import DOUBLE

APPS = "selfhosted.dokku.dokku_apps"
FIXTURES = os.path.join(DOUBLE, "fixtures", "srv", "certs")
PY = "https://github.com/heroku/heroku-buildpack-python.git"
NODE = "https://github.com/heroku/heroku-buildpack-nodejs.git"
SERVER_FP = "sha256:d2620b1b3a2aebeb88ce51a16f6254388b1f81a68a1c3b916f429dcaaea45b85"


def entry(**fields):
    value = {
        "name": "web",
        "checks": {"disabled": ["worker"], "skipped": ["release"]},
        "buildpacks": ["heroku/python", "heroku/nodejs"],
        "scale": {"web": 2, "worker": 1},
        "locked": True,
        "certificate": {"cert_file": os.path.join(FIXTURES, "server.crt"),
                        "key_file": os.path.join(FIXTURES, "server.key")},
    }
    value.update(fields)
    return value


def test_lists_quartet_on_an_existing_app(host):
    host.dokku("domains:set-global", "example.com")
    host.dokku("apps:create", "web")
    host.dokku("checks:disable", "web", "web,worker")
    host.dokku("buildpacks:add", "web", "heroku/nodejs")
    check, real, _c2, _r2 = host.quartet(APPS, {"apps": [entry()]}, [
        ["dokku", "checks:enable", "web", "web"],
        ["dokku", "checks:skip", "web", "release"],
        ["dokku", "buildpacks:add", "--index", "1", "web", PY],
        ["dokku", "ps:scale", "--skip-deploy", "web", "web=2", "worker=1"],
        ["dokku", "certs:add", "web"],
        ["dokku", "apps:lock", "web"],
    ])
    assert check["diff"]["before"]["apps"]["web"] == {
        "state": "present",
        "checks": {"release": "enabled", "web": "disabled", "worker": "disabled"},
        "buildpacks": [NODE], "scale": {"web": 1}, "certificate": None, "locked": False,
    }
    assert real["diff"]["after"]["apps"]["web"] == {
        "state": "present",
        "checks": {"release": "skipped", "web": "enabled", "worker": "disabled"},
        "buildpacks": [PY, NODE], "scale": {"web": 2, "worker": 1}, "certificate": SERVER_FP, "locked": True,
    }
    assert set(real["family_diff"]["app:web"]) == {"apps", "checks", "buildpacks", "scale", "certs", "lock"}
    assert host.json("checks:report", "web", "--format", "json")["skipped-list"] == "release"
    assert host.json("buildpacks:report", "web", "--format", "json")["list"] == PY + "," + NODE
    assert host.json("ps:scale", "web", "--format", "json") == [
        {"process_type": "web", "quantity": 2}, {"process_type": "worker", "quantity": 1}]
    assert host.json("apps:report", "web", "--format", "json")["locked"] == "true"


def test_a_new_app_gets_them_in_one_run_with_one_read_per_family(host):
    host.dokku("domains:set-global", "example.com")
    results, _proc = host.run_tasks([
        {"module": APPS, "args": {"apps": [entry(name="fresh")]}, "tag": "create"},
        {"module": APPS, "args": {"apps": [entry(name="fresh")]}, "tag": "noop"},
    ])
    create, noop = results
    assert create["changed"] and not noop["changed"], (create, noop)
    assert host.writes("create") == [
        ["apps:create", "fresh"],
        ["checks:disable", "fresh", "worker"],
        ["checks:skip", "fresh", "release"],
        ["buildpacks:set", "--replace", "fresh", PY, NODE],  # Dokku 0.38.22+: one write for the whole list
        ["ps:scale", "--skip-deploy", "fresh", "web=2", "worker=1"],
        ["certs:add", "fresh"],
        ["apps:lock", "fresh"],
    ]
    reads = sorted(" ".join(c["argv"]) for c in host.calls(tag="noop", kind="read"))
    assert reads == sorted([
        "version", "apps:list --format json",
        "checks:report fresh --format json", "buildpacks:report fresh --format json",
        "ps:report fresh --format json", "ps:scale fresh --format json",
        "certs:report fresh --format json", "apps:report fresh --format json",
    ])


def test_bad_list_inputs_are_refused_before_any_call(host):
    bad = [
        ({"checks": {"disabled": ["web"], "skipped": ["web"]}}, "apps[web].checks.a process type cannot be both"),
        ({"buildpacks": ["not a buildpack"]}, "apps[web].buildpacks: "),
        ({"scale": {"web": -1}}, "apps[web].scale: count of web is -1"),
        ({"certificate": {"cert_file": os.path.join(FIXTURES, "server.crt"),
                          "key_file": os.path.join(FIXTURES, "other.key")}},
         "apps[web].certificate: the private key does not match"),
        ({"certificate": {"state": "present"}, "letsencrypt": True}, "apps[web].certificate: letsencrypt is true"),
    ]
    results, _proc = host.run_tasks([
        {"module": APPS, "args": {"apps": [dict({"name": "web"}, **fields)]}, "tag": "bad-%d" % i}
        for i, (fields, _msg) in enumerate(bad)])
    for i, ((fields, msg), result) in enumerate(zip(bad, results)):
        assert result.get("failed") and msg in result["msg"], (fields, result.get("msg"))
        assert host.calls(tag="bad-%d" % i) == [], fields
