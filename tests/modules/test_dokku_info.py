"""dokku_info reads the host and its apps from the double, masks config values and writes nothing."""

import os
import re

from harness import DOUBLE

INFO = "selfhosted.dokku.dokku_info"
with open(os.path.join(DOUBLE, "fixtures", "srv", "k_ed25519.pub"), encoding="utf-8") as _handle:
    KEY = _handle.read().strip()


def arrange(host):
    for args in (
        ["domains:set-global", "domain.com"],
        ["apps:create", "djangotutorial"],
        ["config:set", "--no-restart", "djangotutorial", "ALLOWED_HOSTS=djangotutorial.domain.com", "SECRET_KEY=canary-9f8e7d"],
        ["ports:set", "djangotutorial", "http:80:5000"],
        ["postgres:create", "djangotutorial-datastore"],
        ["--quiet", "postgres:link", "djangotutorial-datastore", "djangotutorial", "--no-restart"],
        ["letsencrypt:set", "--global", "email", "admin@domain.com"],
        ["letsencrypt:cron-job", "--add"],
    ):
        rc, out, err = host.dokku(*args)
        assert rc == 0, (args, out, err)
    rc, out, err = host.dokku("ssh-keys:add", "admin", stdin=KEY + "\n")
    assert rc == 0, (out, err)


def test_reads_everything_and_writes_nothing(host):
    arrange(host)
    results, _proc = host.run_tasks(
        [
            {"module": INFO, "args": {}, "tag": "masked"},
            {"module": INFO, "args": {"apps": ["djangotutorial"], "show_config_values": True}, "tag": "clear"},
            {"module": INFO, "args": {}, "check": True, "tag": "check"},
        ]
    )
    masked, clear, check = results
    assert host.writes("masked") == host.writes("clear") == host.writes("check") == []
    for result in results:
        assert result["changed"] is False and result["commands"] == [], result
    facts = masked["dokku"]
    assert facts["version"] == "0.38.27"
    assert facts["apps"] == ["djangotutorial"]
    assert facts["global_domains"] == ["domain.com"]
    assert facts["plugins"]["postgres"]["enabled"] is True and facts["plugins"]["apps"]["core"] is True
    assert facts["ssh_keys"] == {"admin": "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"}
    assert facts["ssh_public_keys"] == {"admin": KEY}
    assert facts["services"] == {
        "postgres": {"djangotutorial-datastore": {
            "links": ["djangotutorial"], "image": "postgres:18.4", "exposed_ports": [], "backup_schedule": None,
            "backup_bucket": None, "backup_use_iam": False, "backup_auth": False, "backup_encryption": False}}
    }
    assert facts["letsencrypt"] == {"email": "admin@domain.com", "server": "", "cron_job": True}
    app = facts["app_details"]["djangotutorial"]
    assert app["domains"] == ["djangotutorial.domain.com"] and app["vhosts_enabled"] is True
    assert app["ports"] == ["http:80:5000"]
    assert app["links"] == {"postgres": ["djangotutorial-datastore"]}
    assert app["letsencrypt"]["enabled"] is False
    assert set(app["config"]) == {"ALLOWED_HOSTS", "SECRET_KEY", "DATABASE_URL"}
    assert all(re.fullmatch(r"<hidden sha256:[0-9a-f]{8}>", v) for v in app["config"].values())
    # no secret leaves the host unless asked for: not the config values, not the DSN's password
    for result in (masked, check):
        assert "canary-9f8e7d" not in str(result) and "postgres://" not in str(result)
    shown = clear["dokku"]["app_details"]["djangotutorial"]["config"]
    assert shown["SECRET_KEY"] == "canary-9f8e7d"
    assert check["dokku"]["apps"] == ["djangotutorial"]


def test_an_unknown_app_fails_clearly(host):
    result = host.run(INFO, {"apps": ["nope"]}, tag="unknown")
    assert result["failed"] is True
    assert result["msg"] == "apps: these apps do not exist: nope"
    assert host.writes("unknown") == []


def test_an_empty_host(bare_host):
    facts = bare_host.run(INFO, {}, tag="empty")["dokku"]
    assert facts["apps"] == [] and facts["app_details"] == {}
    assert facts["ssh_keys"] == {} and facts["services"] == {} and facts["letsencrypt"] == {}
