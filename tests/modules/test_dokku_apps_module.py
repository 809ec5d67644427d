"""dokku_apps (the bulk module) against the double: quartets, reads per family, batching, refusals."""

import json
import os
import re

import pytest

APPS = "selfhosted.dokku.dokku_apps"
MARKER_RE = re.compile(r"<hidden sha256:[0-9a-f]{8}>")
SECRET = "canary-bulk-7d1e0f"
PASSWORD = "BulkPassw0rd3c9b"


def shape(diff):
    """The diff with each marker replaced by the order of its first appearance (markers change per run)."""
    labels = {}

    def walk(value):
        if isinstance(value, dict):
            return dict((key, walk(value[key])) for key in sorted(value))
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str) and MARKER_RE.fullmatch(value):
            return labels.setdefault(value, "value%d" % len(labels))
        return value

    return walk(diff)


def app(name, **fields):
    entry = {
        "name": name,
        "config": {"A": "1", "SECRET_KEY": "%s-%s" % (SECRET, name)},
        "domains": ["%s.example.com" % name, "www.%s.example.com" % name],
        "ports": ["http:80:5000"],
        "services": [{"name": name + "-db"}],
    }
    entry.update(fields)
    return entry


def export(host, name):
    return host.json("config:export", "--format", "json", name)


def commands_of(host, tag):
    return [c["command"] for c in host.calls(tag=tag)]


@pytest.fixture
def domain_host(host):
    host.dokku("domains:set-global", "example.com")
    host.dokku("letsencrypt:set", "--global", "email", "ops@example.com")
    return host


def test_converge_three_apps_quartet(domain_host):
    host = domain_host
    entries = [app("web%d" % i, letsencrypt=True) for i in range(3)]
    expected = []
    for entry in entries:
        name = entry["name"]
        expected += [
            ["dokku", "apps:create", name],
            ["dokku", "config:import", "--no-restart", "--format", "json", name, "-"],
            ["dokku", "domains:set", name, name + ".example.com", "www.%s.example.com" % name],
            ["dokku", "ports:set", name, "http:80:5000"],
            ["dokku", "postgres:create", name + "-db"],
            ["dokku", "--quiet", "postgres:link", name + "-db", name, "--no-restart"],
            ["dokku", "letsencrypt:enable", name],
        ]
    check, real, _c2, _r2 = host.quartet(APPS, {"apps": entries}, expected, diff_shape=shape)
    assert real["changed_apps"] == ["web0", "web1", "web2"] and real["restarted"] == []
    web0 = shape(check["diff"])
    assert web0["before"]["apps"]["web0"] == {
        "state": "absent", "config": {}, "domains": ["web0.example.com"], "vhosts_enabled": True, "ports": [],
        "services": {"postgres": {"web0-db": {"state": "absent", "linked": False}}},
        "letsencrypt": {"enabled": False},
    }
    assert web0["after"]["apps"]["web0"] == {
        "state": "present", "config": {"A": "value0", "SECRET_KEY": "value1"},
        "domains": ["web0.example.com", "www.web0.example.com"], "vhosts_enabled": True, "ports": ["http:80:5000"],
        "services": {"postgres": {"web0-db": {"state": "present", "linked": True}}},
        "letsencrypt": {"enabled": True},
    }
    for entry in entries:
        name = entry["name"]
        config = export(host, name)
        assert config["SECRET_KEY"] == "%s-%s" % (SECRET, name) and config["A"] == "1"
        assert config["DATABASE_URL"].endswith("@dokku-postgres-%s-db:5432/%s_db" % (name, name))
        report = host.json("domains:report", name, "--format", "json")
        assert sorted(report["app-vhosts"].split()) == [name + ".example.com", "www.%s.example.com" % name]
        assert host.dokku("ports:report", name, "--ports-map")[1] == "http:80:5000\n"
        assert host.dokku("letsencrypt:active", name)[1] == "true\n"
    for result in (check, real):
        text = json.dumps(result)
        assert SECRET not in text


def test_noop_reads_each_family_once_and_config_per_app(domain_host):
    host = domain_host
    entries = [app("web%d" % i, letsencrypt=True) for i in range(3)]
    assert host.run(APPS, {"apps": entries}, tag="converge")["changed"] is True
    result = host.run(APPS, {"apps": entries}, tag="noop")
    assert result["changed"] is False and result["commands"] == []
    assert host.writes("noop") == []
    calls = commands_of(host, "noop")
    assert sorted(calls) == sorted(
        ["version", "apps:list", "postgres:list", "letsencrypt:list"]
        + ["config:export", "domains:report", "ports:report"] * 3
    )
    argvs = [c["argv"] for c in host.calls(tag="noop")]
    assert ["--quiet", "postgres:list"] in argvs and ["--quiet", "letsencrypt:list"] in argvs
    assert ["domains:report", "web1", "--domains-app-vhosts"] in argvs
    assert ["ports:report", "web2", "--ports-map"] in argvs
    assert result["diff"]["before"] == result["diff"]["after"]
    # one read at a time: the same reads, the same result
    serial = host.run(APPS, {"apps": entries, "parallel_reads": 1}, tag="serial")
    assert sorted(commands_of(host, "serial")) == sorted(calls)
    assert serial["changed"] is False and serial["diff"]["before"] == serial["diff"]["after"]
    assert serial["diff"]["after"]["apps"].keys() == result["diff"]["after"]["apps"].keys()


def test_only_the_families_an_entry_names_are_read(domain_host):
    host = domain_host
    host.dokku("apps:create", "web")
    result = host.run(APPS, {"apps": [{"name": "web", "ports": ["http:80:5000"]}]}, tag="ports")
    assert result["commands"] == [["dokku", "ports:set", "web", "http:80:5000"]]
    assert commands_of(host, "ports") == ["version", "apps:list", "ports:report", "ports:set"]
    assert result["diff"] == {"before": {"apps": {"web": {"state": "present", "ports": []}}},
                              "after": {"apps": {"web": {"state": "present", "ports": ["http:80:5000"]}}}}


def test_config_changes_are_one_import_per_app(domain_host):
    host = domain_host
    for name in ("web", "api"):
        host.dokku("apps:create", name)
        host.dokku("config:set", "--no-restart", name, "KEEP=same", "OLD=x", "CHANGE=before")
    entries = [
        {"name": "web", "config": {"KEEP": "same", "CHANGE": "after", "NEW": "n3w-value"}, "config_exclusive": True},
        {"name": "api", "config": {"CHANGE": "after", "NEW": "n3w-value"}},
    ]
    _check, real, _c2, _r2 = host.quartet(APPS, {"apps": entries}, [
        ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
        ["dokku", "config:unset", "--no-restart", "web", "OLD"],
        ["dokku", "config:import", "--no-restart", "--format", "json", "api", "-"],
    ], diff_shape=shape)
    assert export(host, "web") == {"KEEP": "same", "CHANGE": "after", "NEW": "n3w-value"}
    assert export(host, "api") == {"KEEP": "same", "OLD": "x", "CHANGE": "after", "NEW": "n3w-value"}
    assert "n3w-value" not in json.dumps(real)


def test_an_app_without_global_domain_is_planned_as_apps_create_leaves_it(host):
    # no global domain: apps:create disables vhosts (NO_VHOST=1); setting domains enables them first
    entry = {"name": "web", "config": {"A": "1"}, "config_exclusive": True, "domains": ["web.example.com"]}
    check, _real, _c2, _r2 = host.quartet(APPS, {"apps": [entry]}, [
        ["dokku", "apps:create", "web"],
        ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
        ["dokku", "domains:enable", "web"],
        ["dokku", "domains:set", "web", "web.example.com"],
    ], diff_shape=shape)
    assert shape(check["diff"])["before"]["apps"]["web"]["config"] == {"NO_VHOST": "value0"}
    assert export(host, "web") == {"A": "1", "NO_VHOST": "0"}


def test_drift_is_reported_in_check_mode_and_fixed(domain_host):
    host = domain_host
    entries = [app("web", letsencrypt=True), app("api")]
    host.run(APPS, {"apps": entries}, tag="converge")
    host.dokku("config:set", "--no-restart", "web", "A=2")
    host.dokku("domains:remove", "api", "www.api.example.com")
    host.dokku("postgres:unlink", "web-db", "web", "--no-restart")
    host.dokku("letsencrypt:disable", "web")
    results, _proc = host.run_tasks([
        {"module": APPS, "args": {"apps": entries}, "check": True, "tag": "check"},
        {"module": APPS, "args": {"apps": entries}, "tag": "fix"},
        {"module": APPS, "args": {"apps": entries}, "tag": "again"},
    ])
    check, fix, again = results
    assert host.writes("check") == []
    assert check["commands"] == fix["commands"] == [
        ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
        ["dokku", "--quiet", "postgres:link", "web-db", "web", "--no-restart"],
        ["dokku", "letsencrypt:enable", "web"],
        ["dokku", "domains:set", "api", "api.example.com", "www.api.example.com"],
    ]
    before, after = check["diff"]["before"]["apps"], check["diff"]["after"]["apps"]
    assert before["web"]["config"]["A"] != after["web"]["config"]["A"]
    assert before["web"]["services"]["postgres"]["web-db"]["linked"] is False
    assert before["web"]["letsencrypt"] == {"enabled": False}
    assert before["api"]["domains"] == ["api.example.com"]
    assert before["api"]["vhosts_enabled"] is True  # read, because a domains:set is planned
    assert fix["changed_apps"] == ["web", "api"]
    assert again["changed"] is False and host.writes("again") == []


def test_restart_once_per_deployed_app_at_the_end(domain_host):
    host = domain_host
    for name in ("web", "idle"):
        host.dokku("apps:create", name)
    os.makedirs(host.lib("data", "ps", "web"))
    open(host.lib("data", "ps", "web", "deployed"), "w", encoding="utf-8").close()
    host.dokku("postgres:create", "web-db")
    entries = [
        {"name": "web", "config": {"A": "1"}, "services": [{"name": "web-db"}]},
        {"name": "idle", "config": {"A": "1"}},
    ]
    result = host.run(APPS, {"apps": entries, "restart": True}, tag="restart")
    assert result["commands"] == [
        ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
        ["dokku", "--quiet", "postgres:link", "web-db", "web", "--no-restart"],
        ["dokku", "config:import", "--no-restart", "--format", "json", "idle", "-"],
        ["dokku", "ps:restart", "web"],
    ]
    assert result["restarted"] == ["web"] and result["needs_restart"] == []

    # without restart: the deployed app whose settings (here its domains) changed is returned
    later = host.run(APPS, {"apps": [{"name": "web", "domains": ["shop.example.com"]},
                                     {"name": "idle", "domains": ["idle.example.net"]}]}, tag="later")
    assert later["needs_restart"] == ["web"] and later["restarted"] == []
    assert [w for w in host.writes("later") if w[0].startswith("ps:")] == []


def test_absent_app_and_its_service_are_destroyed_only_with_opt_in(domain_host):
    host = domain_host
    host.run(APPS, {"apps": [app("web"), app("api", services=[{"name": "shared"}])]}, tag="converge")
    host.dokku("--quiet", "postgres:link", "shared", "web", "--no-restart")
    entries = [{"name": "web", "state": "absent", "allow_destroy": True,
                "services": [{"name": "web-db", "state": "absent", "allow_destroy": True}]}]
    _check, real, _c2, _r2 = host.quartet(APPS, {"apps": entries}, [
        ["dokku", "--force", "apps:destroy", "web"],
        ["dokku", "postgres:destroy", "web-db", "--force"],
    ])
    assert real["diff"] == {
        "before": {"apps": {"web": {"state": "present", "services": {"postgres": {"web-db": {"state": "present"}}}}}},
        "after": {"apps": {"web": {"state": "absent", "services": {"postgres": {"web-db": {"state": "absent"}}}}}},
    }
    assert host.json("apps:list", "--format", "json") == ["api"]
    # a service another app still uses is never destroyed
    refused = host.run(APPS, {"apps": [{"name": "web2", "services": [
        {"name": "shared", "state": "absent", "allow_destroy": True}]}]}, tag="refused")
    assert refused["failed"] and "postgres service shared is still linked to api" in refused["msg"]
    assert host.writes("refused") == []


def test_service_state_absent_unlinks_then_destroys(domain_host):
    host = domain_host
    host.run(APPS, {"apps": [app("web")]}, tag="converge")
    entries = [{"name": "web", "services": [{"name": "web-db", "state": "absent", "allow_destroy": True}]}]
    check, _real, _c2, _r2 = host.quartet(APPS, {"apps": entries}, [
        ["dokku", "postgres:unlink", "web-db", "web", "--no-restart"],
        ["dokku", "postgres:destroy", "web-db", "--force"],
    ])
    assert check["diff"]["before"]["apps"]["web"]["services"] == {
        "postgres": {"web-db": {"state": "present", "linked": True}}}
    assert "DATABASE_URL" not in export(host, "web")


def test_letsencrypt_list_form_never_creates_an_app(domain_host):
    host = domain_host
    host.run(APPS, {"apps": [app("web")]}, tag="converge")
    entries = [{"name": "web", "letsencrypt": True}, {"name": "ghost", "letsencrypt": True}]
    check = host.run(APPS, {"apps": entries, "create_apps": False}, check=True, tag="check")
    assert check["changed"] is True and host.writes("check") == []
    assert any("app ghost does not exist" in w for w in check.get("warnings", []))
    real = host.run(APPS, {"apps": entries, "create_apps": False}, tag="real")
    assert real["failed"] and "app ghost does not exist" in real["msg"]
    assert host.writes("real") == []
    assert host.json("apps:list", "--format", "json") == ["web"]


def test_letsencrypt_needs_an_email_before_any_write(host):
    host.dokku("domains:set-global", "example.com")
    result = host.run(APPS, {"apps": [app("web", letsencrypt=True)]}, tag="noemail")
    assert result["failed"] and "apps[web].letsencrypt: the app has no e-mail address" in result["msg"]
    assert host.writes("noemail") == []


def test_secrets_stay_out_of_every_output(domain_host):
    host = domain_host
    entry = app("web", services=[{"name": "web-db", "password": PASSWORD, "custom_env": {"TZ": "UTC-secret"}}])
    entry["config"]["SHORT"] = "ab"
    entry["config"]["ALLOWED_HOSTS"] = "web.example.com"  # shown anyway as a domain: not masked
    results, proc = host.run_tasks([{"module": APPS, "args": {"apps": [entry]}, "tag": "secret"}], verbosity=3)
    result = results[0]
    assert not result.get("failed"), result
    assert ["dokku", "postgres:create", "web-db", "--password", "********", "--custom-env", "********"] in \
        result["commands"]
    assert ["dokku", "domains:set", "web", "web.example.com", "www.web.example.com"] in result["commands"]
    assert result["diff"]["after"]["apps"]["web"]["domains"] == ["web.example.com", "www.web.example.com"]
    for text in (json.dumps(result), proc.stdout, proc.stderr):
        assert SECRET not in text and PASSWORD not in text and "UTC-secret" not in text
    invocation = result["invocation"]["module_args"]["apps"][0]
    assert set(invocation["config"].values()) == {"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    assert export(host, "web")["SHORT"] == "ab"


BAD = [
    ({"apps": [{"name": "Web"}]}, "apps[0].name: app name 'Web' is invalid"),
    ({"apps": [{"name": "web"}, {"name": "web"}]}, "apps: app 'web' is listed twice"),
    ({"apps": [{"name": "web", "state": "absent"}]}, "apps[web]: state=absent would destroy app 'web'"),
    ({"apps": [{"name": "web", "config": {"1BAD": "x"}}]}, "apps[web].config: config key '1BAD' is invalid"),
    ({"apps": [{"name": "web", "config": {"A": 'ends"'}}]}, "apps[web].config: config value of A ends with"),
    ({"apps": [{"name": "web", "domains": ["a_b.example.com"]}]}, "apps[web].domains: domain 'a_b.example.com'"),
    ({"apps": [{"name": "web", "domains": ["a.example.com"], "vhosts_enabled": False}]},
     "apps[web].vhosts_enabled: false deletes the app's domains"),
    ({"apps": [{"name": "web", "ports": ["http:80"]}]}, "apps[web].ports: port mapping 'http:80' is invalid"),
    ({"apps": [{"name": "web", "ports": ["http:80:5000", "http:80:6000"]}]}, "use the same scheme:host-port http:80"),
    ({"apps": [{"name": "web", "services": [{"name": "db", "type": "oracle"}]}]},
     "apps[web].services[db]: type: datastore type 'oracle' is unknown"),
    ({"apps": [{"name": "web", "services": [{"name": "db", "password": "-bad"}]}]},
     "apps[web].services[db]: password: it must be non-empty"),
    ({"apps": [{"name": "web", "services": [{"name": "db", "state": "absent"}]}]},
     "apps[web].services[db]: state=absent would destroy postgres service 'db'"),
    ({"apps": [{"name": "web", "services": [{"name": "db", "alias": "bad-alias"}]}]},
     "apps[web].services[db]: alias: 'bad-alias' is invalid"),
    ({"apps": [{"name": "web", "services": [{"name": "db"}, {"name": "db"}]}]},
     "apps[web].services[db]: listed twice for the app"),
    ({"apps": [{"name": "web"}], "parallel_reads": 0}, "parallel_reads must be 1 or more"),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks([{"module": APPS, "args": args, "tag": "bad%d" % i} for i, (args, _m) in enumerate(BAD)])
    for (args, message), result in zip(BAD, results):
        assert result["failed"], (args, result)
        assert message in result["msg"], (message, result["msg"])
    assert host.calls() == []


def test_letsencrypt_read_path_follows_the_latency_model(domain_host):
    host = domain_host
    entries = [app("web%d" % i, letsencrypt=True) for i in range(3)]
    host.run(APPS, {"apps": entries}, tag="converge")
    # one app of three: one letsencrypt:active (80 ms) beats letsencrypt:list (80 ms + 25 ms per app)
    one = host.run(APPS, {"apps": [{"name": "web1", "letsencrypt": True}], "create_apps": False}, tag="one")
    assert one["changed"] is False
    assert [c["argv"] for c in host.calls(tag="one")] == [
        ["version"], ["apps:list", "--format", "json"], ["letsencrypt:active", "web1"]]
    every = [{"name": e["name"], "letsencrypt": True} for e in entries]
    assert host.run(APPS, {"apps": every, "create_apps": False}, tag="all")["changed"] is False
    assert commands_of(host, "all") == ["version", "apps:list", "letsencrypt:list"]
