"""dokku_letsencrypt against the double: settings, enable/disable, cron job, refusals."""

import os

LE = "selfhosted.dokku.dokku_letsencrypt"


def prop(host, scope, key):
    path = host.lib("config", "letsencrypt", scope, key)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def crontab(host):
    with open(os.path.join(host.env["DOKKU_DOUBLE_DIR"], "crontab-dokku"), encoding="utf-8") as handle:
        return handle.read()


def marker(host):
    return os.path.exists(host.lib("data", "letsencrypt", "--global", "autorenew"))


def web_app(host, app="le-app"):
    """An app Let's Encrypt can serve: a domain and an http:80 mapping."""
    host.dokku("apps:create", app)
    rc, _out, err = host.dokku("domains:set", app, "%s.example.com" % app)
    assert rc == 0, err
    rc, _out, err = host.dokku("ports:set", app, "http:80:5000")
    assert rc == 0, err


def test_global_email_quartet_without_apps(host):
    """No app: the global report fails, so the property files are read instead."""
    rc, _out, err = host.dokku("letsencrypt:report", "--global", "--format", "json")
    assert rc == 1 and "You haven't deployed any applications yet" in err
    check, real, _c2, _r2 = host.quartet(
        LE,
        {"global": True, "email": "ops@example.com"},
        [["dokku", "letsencrypt:set", "--global", "email", "ops@example.com"]],
    )
    assert check["diff"] == {"before": {"email": ""}, "after": {"email": "ops@example.com"}}
    assert real["letsencrypt"] == {"email": "ops@example.com"}
    assert prop(host, "--global", "email") == "ops@example.com\n"
    assert host.calls(tag="real", kind="write")[0]["argv"] == ["letsencrypt:set", "--global", "email", "ops@example.com"]
    # never the legacy config variable
    assert not os.path.exists(host.lib("config", "--global", "ENV"))


def test_global_email_change_with_apps_reads_the_report(host):
    host.dokku("apps:create", "other")
    host.dokku("letsencrypt:set", "--global", "email", "old@example.com")
    check, _real, _c2, _r2 = host.quartet(
        LE,
        {"global": True, "email": "new@example.com", "server": "staging"},
        [
            ["dokku", "letsencrypt:set", "--global", "email", "new@example.com"],
            ["dokku", "letsencrypt:set", "--global", "server", "staging"],
        ],
    )
    assert check["diff"] == {
        "before": {"email": "old@example.com", "server": "default"},
        "after": {"email": "new@example.com", "server": "staging"},
    }
    reads = [c["argv"] for c in host.calls(tag="check", kind="read")]
    assert ["letsencrypt:report", "--global", "--format", "json"] in reads
    report = host.json("letsencrypt:report", "--global", "--format", "json")
    assert report["global-email"] == "new@example.com"
    assert report["global-server"] == "staging"


def test_app_email_and_server_quartet(host):
    host.dokku("apps:create", "le-app")
    host.dokku("letsencrypt:set", "le-app", "server", "staging")
    check, _real, _c2, _r2 = host.quartet(
        LE,
        {"app": "le-app", "email": "app@example.com", "server": "default"},
        [
            ["dokku", "letsencrypt:set", "le-app", "email", "app@example.com"],
            ["dokku", "letsencrypt:set", "le-app", "server"],
        ],
    )
    assert check["diff"] == {
        "before": {"email": "", "server": "staging"},
        "after": {"email": "app@example.com", "server": "default"},
    }
    report = host.json("letsencrypt:report", "le-app", "--format", "json")
    assert report["email"] == "app@example.com"
    assert report["server"] == ""
    assert report["computed-server"] == "https://acme-v02.api.letsencrypt.org/directory"
    assert prop(host, "--global", "email") is None


def test_app_enable_quartet(host):
    web_app(host)
    host.dokku("letsencrypt:set", "--global", "email", "ops@example.com")
    check, real, _c2, _r2 = host.quartet(
        LE, {"app": "le-app", "state": "enabled"}, [["dokku", "letsencrypt:enable", "le-app"]]
    )
    assert check["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert real["letsencrypt"] == {"enabled": True}
    assert host.dokku("letsencrypt:active", "le-app")[1] == "true\n"
    assert os.path.exists(host.home("le-app", "tls", "server.crt"))
    reads = [c["argv"] for c in host.calls(tag="check-again", kind="read")]
    assert ["letsencrypt:active", "le-app"] in reads


def test_enable_and_email_in_one_task_sets_the_email_first(host):
    web_app(host)
    result = host.run(LE, {"app": "le-app", "email": "app@example.com", "state": "enabled"}, tag="both")
    assert result["changed"] is True
    assert host.writes("both") == [
        ["letsencrypt:set", "le-app", "email", "app@example.com"],
        ["letsencrypt:enable", "le-app"],
    ]
    assert host.dokku("letsencrypt:active", "le-app")[1] == "true\n"


def test_app_disable_quartet(host):
    web_app(host)
    host.dokku("letsencrypt:set", "--global", "email", "ops@example.com")
    rc, _out, err = host.dokku("letsencrypt:enable", "le-app")
    assert rc == 0, err
    check, _real, _c2, _r2 = host.quartet(
        LE, {"app": "le-app", "state": "disabled"}, [["dokku", "letsencrypt:disable", "le-app"]]
    )
    assert check["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    assert host.dokku("letsencrypt:active", "le-app")[1] == "false\n"
    assert not os.path.exists(host.home("le-app", "tls"))


def test_enable_without_domains_is_dokku_s_clear_failure(host):
    host.dokku("apps:create", "le-app")
    host.dokku("letsencrypt:set", "--global", "email", "ops@example.com")
    result = host.run(LE, {"app": "le-app", "state": "enabled"}, tag="no-domains")
    assert result["failed"] is True
    assert result["msg"] == "dokku letsencrypt:enable failed with exit code 1: No domains detected for le-app"
    assert result["rc"] == 1
    assert host.writes("no-domains") == [["letsencrypt:enable", "le-app"]]
    assert host.dokku("letsencrypt:active", "le-app")[1] == "false\n"


def test_enable_without_any_email_is_refused_before_writing(host):
    web_app(host)
    result = host.run(LE, {"app": "le-app", "state": "enabled"}, tag="no-email")
    assert result["failed"] is True
    assert "has no e-mail address" in result["msg"]
    assert host.writes("no-email") == []


def test_cron_job_add_quartet(host):
    check, _real, _c2, _r2 = host.quartet(
        LE, {"global": True, "cron_job": True}, [["dokku", "letsencrypt:cron-job", "--add"]]
    )
    assert check["diff"] == {"before": {"cron_job": False}, "after": {"cron_job": True}}
    assert marker(host)
    assert "@daily %s\n" % host.lib("plugins", "available", "letsencrypt", "cron-job") in crontab(host)
    reads = [c["argv"] for c in host.calls(tag="check", kind="read")]
    assert ["letsencrypt:cron-job"] in reads


def test_cron_job_remove_quartet(host):
    host.dokku("letsencrypt:cron-job", "--add")
    check, _real, _c2, _r2 = host.quartet(
        LE, {"global": True, "cron_job": False}, [["dokku", "letsencrypt:cron-job", "--remove"]]
    )
    assert check["diff"] == {"before": {"cron_job": True}, "after": {"cron_job": False}}
    assert not marker(host)
    assert crontab(host) == ""


def test_cron_job_remove_after_an_app_destroy_regenerated_the_crontab(host):
    host.dokku("apps:create", "doomed")
    host.dokku("letsencrypt:cron-job", "--add")
    rc, out, _err = host.dokku("apps:destroy", "doomed", "--force")
    assert rc == 0 and out.count("Updated schedule file") == 2
    regenerated = crontab(host)
    assert "24 6 * * * dokku letsencrypt:auto-renew" in regenerated

    _check, real, _c2, _r2 = host.quartet(
        LE, {"global": True, "cron_job": False}, [["dokku", "letsencrypt:cron-job", "--remove"]]
    )
    removal = host.calls(tag="real", kind="write")
    assert [c["rc"] for c in removal] == [1]
    assert any("missing newline before EOF" in w for w in real["warnings"])
    assert not marker(host)
    assert crontab(host) == regenerated  # the crontab itself could not be rewritten


def test_app_mode_missing_app_fails_clearly(host):
    host.dokku("apps:create", "other")
    result = host.run(LE, {"app": "ghost", "email": "a@example.com"}, tag="ghost")
    assert result["failed"] is True
    assert "app ghost does not exist" in result["msg"]
    assert host.writes("ghost") == []


BAD_INPUT = [
    ({"global": True, "email": "not-an-email"}, "email: email 'not-an-email' is invalid"),
    ({"global": True, "email": "ops@localhost"}, "email: "),
    ({"global": True, "server": "http://acme.example.com/dir"}, "server: "),
    ({"global": True, "server": "prod"}, "server: "),
    ({"global": True, "state": "enabled"}, "state: "),
    ({"global": True, "app": "le-app"}, "not both"),
    ({"email": "ops@example.com"}, "app: "),
    ({"app": "Le_App", "state": "enabled"}, "app: "),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks(
        [{"module": LE, "args": args, "tag": "bad-%d" % i} for i, (args, _problem) in enumerate(BAD_INPUT)]
    )
    for i, ((args, problem), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True, args
        assert problem in result["msg"], (args, result["msg"])
        assert host.calls(tag="bad-%d" % i) == [], args
