"""dokku_apps with the http_auth and maintenance options (community plugins; the double reconstructs them)."""

from harness import DokkuHost

APPS = "selfhosted.dokku.dokku_apps"
PASSWORD = "HttpAuthCanary4d8e2f"


def entry(**fields):
    value = {"name": "web", "maintenance": True,
             "http_auth": {"users": [{"username": "alice", "password": PASSWORD}], "allowed_ips": ["10.0.0.0/8"]}}
    value.update(fields)
    return value


def test_http_auth_and_maintenance_quartet(tmp_path):
    host = DokkuHost(tmp_path, plugins=("http-auth", "maintenance"))
    host.dokku("apps:create", "web")
    results, proc = host.run_tasks([
        {"module": APPS, "args": {"apps": [entry()]}, "check": True, "tag": "check"},
        {"module": APPS, "args": {"apps": [entry()]}, "tag": "real"},
        {"module": APPS, "args": {"apps": [entry()]}, "check": True, "tag": "check-again"},
        {"module": APPS, "args": {"apps": [entry()]}, "tag": "real-again"},
        {"module": APPS, "args": {"apps": [entry(maintenance=False, http_auth={
            "users": [{"username": "alice", "password": PASSWORD + "-new"}]})]}, "tag": "change"},
    ], verbosity=3)
    check, real, check2, real2, change = results
    expected = [
        ["dokku", "http-auth:enable", "web"],
        ["dokku", "http-auth:add-allowed-ip", "web", "10.0.0.0/8"],
        ["dokku", "http-auth:add-user", "web", "alice", "********"],
        ["dokku", "maintenance:enable", "web"],
    ]
    assert check["commands"] == expected == real["commands"], (check, real)
    assert host.writes("check") == [] and real["changed"]
    assert host.writes("real")[2] == ["http-auth:add-user", "web", "alice", PASSWORD]
    assert real["diff"]["after"]["apps"]["web"]["http_auth"] == {
        "enabled": True, "allowed_ips": ["10.0.0.0/8"], "users": {"alice": "******** (new)"}}
    for again in (check2, real2):
        assert again["changed"] is False and again["commands"] == [], again
    assert change["commands"] == [["dokku", "http-auth:add-user", "web", "alice", "********"],
                                  ["dokku", "maintenance:disable", "web"]]
    assert set(real["family_diff"]["app:web"]) == {"apps", "http_auth", "maintenance"}
    assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr
    rc, out, _err = host.dokku("http-auth:report", "web", "--http-auth-users")
    assert (rc, out) == (0, "alice\n")


def test_a_missing_plugin_fails_and_warns_in_check_mode(host):
    host.dokku("apps:create", "web")
    results, _proc = host.run_tasks([
        {"module": APPS, "args": {"apps": [entry()]}, "check": True, "tag": "check"},
        {"module": APPS, "args": {"apps": [entry()]}, "tag": "real"},
    ])
    check, real = results
    assert not check.get("failed") and any("dokku-http-auth plugin is not installed" in w for w in check["warnings"])
    assert any("dokku-maintenance plugin is not installed" in w for w in check["warnings"])
    assert real["failed"] and "dokku-http-auth plugin is not installed" in real["msg"]
    assert host.writes("real") == []
