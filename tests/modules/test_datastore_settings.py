"""Datastore services beyond create/link, against the double: expose, backups, upgrade, restore drill.

Few playbook runs (each costs seconds): one quartet per module, and the restore drill playbook
once passing and once with a failing check.
"""

import json
import os

import yaml

from harness import REPO

SERVICE = "selfhosted.dokku.dokku_service"
APPS = "selfhosted.dokku.dokku_apps"
KEY_ID = "AKIACANARY7731"
SECRET = "CanaryBackupSecret/42x"
PASSPHRASE = "CanaryPassphrase-9f1e"
CANARIES = (KEY_ID, SECRET, PASSPHRASE)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def no_canary(*texts):
    for text in texts:
        for canary in CANARIES:
            assert canary not in text, canary


def test_service_settings_and_upgrade_quartet(host):
    """An existing postgres 18.4 service: upgraded after an export, exposed, backed up with encryption."""
    assert host.dokku("postgres:create", "db", "--custom-env", "TZ=UTC")[0] == 0
    dumps = os.path.join(host.workdir, "dumps")
    os.makedirs(dumps)
    args = {
        "name": "db", "image_version": "18.5", "allow_upgrade": True, "upgrade_backup_dir": dumps,
        "expose": ["127.0.0.1:15432"],
        "backup": {"schedule": "0 3 * * *", "bucket": "my-backups",
                   "auth": {"access_key_id": KEY_ID, "secret_access_key": SECRET, "region": "eu-west-1"},
                   "encryption_passphrase": PASSPHRASE},
    }
    expected = [
        ["dokku", "postgres:export", "db"],
        ["dokku", "postgres:upgrade", "db", "--image", "postgres", "--image-version", "18.5",
         "--custom-env", "********"],  # the custom env is masked: it may hold secrets
        ["dokku", "postgres:expose", "db", "127.0.0.1:15432"],
        ["dokku", "postgres:backup-auth", "db", "********", "********", "eu-west-1"],
        ["dokku", "postgres:backup-schedule", "db", "0 3 * * *", "my-backups"],
        ["dokku", "postgres:backup-set-encryption", "db", "********"],
    ]
    check, real, _check2, again = host.quartet(
        SERVICE, args, diff_shape=lambda diff: {side: dict(values, backup_auth=bool(values.get("backup_auth")),
                                                           backup_encryption=bool(values.get("backup_encryption")))
                                                for side, values in diff.items()})
    assert real["commands"] == expected and check["commands"] == expected
    assert ["postgres:backup-auth", "db", KEY_ID, SECRET, "eu-west-1"] in host.writes("real")  # unmasked to Dokku
    before, after = check["diff"]["before"], check["diff"]["after"]
    assert (before["image"], after["image"]) == ("postgres:18.4", "postgres:18.5")
    assert (before["exposed_ports"], after["exposed_ports"]) == ([], ["127.0.0.1:15432"])
    assert (before["backup_schedule"], after["backup_schedule"]) == (None, "0 3 * * *")
    assert before["backup_auth"] is None and after["backup_auth"].startswith("<hidden sha256:")
    assert after["backup_encryption"].startswith("<hidden sha256:")
    # the export went into its file before the upgrade; the upgrade kept the custom env
    assert real["upgrade_backup"].startswith(dumps + "/postgres-db-") and os.path.getsize(real["upgrade_backup"]) > 0
    assert check["upgrade_backup"] is None and again["upgrade_backup"] is None
    assert read(host.lib("services", "postgres", "db", "ENV")) == "TZ=UTC\n"
    assert host.dokku("postgres:info", "db", "--version")[1] == "postgres:18.5\n"
    assert host.dokku("postgres:info", "db", "--exposed-ports")[1] == "5432->127.0.0.1:15432 \n"
    assert host.dokku("postgres:backup-schedule-cat", "db")[1].startswith("0 3 * * * dokku ")
    assert read(host.lib("services", "postgres", "db", "backup-encryption", "ENCRYPTION_KEY")) == PASSPHRASE + "\n"
    no_canary(json.dumps([check, real, again]))


def test_apps_entry_quartet_then_bad_inputs_and_a_changed_secret(host):
    entry = {"name": "web", "services": [{
        "name": "web-db", "expose": ["15432"],
        "backup": {"schedule": "@daily", "bucket": "bkt", "use_iam": True, "encryption_passphrase": PASSPHRASE}}]}
    quartet = [{"module": APPS, "args": {"apps": [entry]}, "check": tag.startswith("check"), "tag": tag}
               for tag in ("check", "real", "check-again", "real-again")]
    bad = [
        ("schedule", {"schedule": "not a cron", "bucket": "bkt"}, "apps[web].services[web-db]: backup.schedule:"),
        ("bucket", {"schedule": "@daily", "bucket": "Bad Bucket"}, "apps[web].services[web-db]: backup.bucket:"),
        ("passphrase", {"encryption_passphrase": "two words"},
         "apps[web].services[web-db]: backup.encryption_passphrase:"),
    ]
    tasks = quartet + [
        {"module": APPS, "args": {"apps": [dict(entry, services=[dict(entry["services"][0], backup=backup)])]},
         "tag": "bad-" + label} for label, backup, _message in bad]
    tasks.append({"module": APPS, "tag": "new-passphrase", "args": {"apps": [dict(entry, services=[dict(
        entry["services"][0], backup=dict(entry["services"][0]["backup"], encryption_passphrase=PASSPHRASE + "2"))])]}})
    tasks.append({"module": "selfhosted.dokku.dokku_restore_drill", "check": True, "tag": "drill-check",
                  "args": {"service": "web-db", "check": "SELECT count(*) FROM users;"}})
    results, proc = host.run_tasks(tasks)
    check, real, check2, real2 = results[:4]
    expected = [
        ["dokku", "apps:create", "web"],
        ["dokku", "postgres:create", "web-db"],
        ["dokku", "postgres:expose", "web-db", "15432"],
        ["dokku", "postgres:backup-schedule", "web-db", "@daily", "bkt", "--use-iam"],
        ["dokku", "postgres:backup-set-encryption", "web-db", "********"],
        ["dokku", "--quiet", "postgres:link", "web-db", "web", "--no-restart"],
    ]
    assert check["commands"] == real["commands"] == expected, real
    assert host.writes("check") == [] and host.writes("check-again") == [] and host.writes("real-again") == []
    for again in (check2, real2):
        assert again["changed"] is False and again["commands"] == [], again
    service = real["diff"]["after"]["apps"]["web"]["services"]["postgres"]["web-db"]
    assert service["exposed_ports"] == ["15432"] and service["backup_use_iam"] is True
    diff = check2["family_diff"]["app:web"]["services"]
    assert diff["before"] == diff["after"]
    for (label, _backup, message), result in zip(bad, results[4:7]):
        assert result["failed"] and result["msg"].startswith(message), (label, result["msg"])
        assert host.calls(tag="bad-" + label) == []
    changed = results[7]
    assert changed["commands"] == [["dokku", "postgres:backup-set-encryption", "web-db", "********"]]
    assert read(host.lib("services", "postgres", "web-db", "backup-encryption", "ENCRYPTION_KEY")) == PASSPHRASE + "2\n"
    drill = results[8]
    assert drill["changed"] is True and drill["report"]["passed"] is None, drill
    assert drill["commands"] == [
        ["dokku", "postgres:export", "web-db"], ["dokku", "postgres:connect", "web-db"],
        ["dokku", "postgres:create", "web-db-drill", "--image", "postgres", "--image-version", "18.4"],
        ["dokku", "postgres:import", "web-db-drill"], ["dokku", "postgres:connect", "web-db-drill"],
        ["dokku", "postgres:destroy", "web-db-drill", "--force"]]
    assert host.writes("drill-check") == []
    no_canary(json.dumps(results), proc.stdout, proc.stderr)


def drill_run(host, extra_vars, tag):
    inventory = os.path.join(host.workdir, "drill-inventory.yml")
    with open(inventory, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"dokku": {"hosts": {"drill.example": {
            "ansible_connection": "local", "ansible_become": False}}}}, handle)
    variables = os.path.join(host.workdir, "drill-%s.json" % tag)
    with open(variables, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)
    report, proc = host.playbook(["selfhosted.dokku.restore_drill", "-i", inventory, "-e", "@" + variables], tag=tag)
    return report, proc


def test_restore_drill_playbook_passes_then_fails_on_a_different_copy(host):
    assert host.dokku("postgres:create", "db")[0] == 0
    sql = "CREATE TABLE users (id int, name text); INSERT INTO users VALUES (1, 'a'), (2, 'b');"
    assert host.dokku("postgres:connect", "db", stdin=sql)[0] == 0
    report_path = os.path.join(host.workdir, "drill-report.json")
    check = "SELECT count(*) FROM users;"
    report, proc = drill_run(host, {"restore_drill_service": "db", "restore_drill_check": check,
                                    "restore_drill_report_path": report_path}, "drill-pass")
    assert report["stats"]["drill.example"]["failures"] == 0, proc.stdout[-3000:]
    drill = json.loads(read(report_path))
    assert drill["passed"] is True and drill["failed_step"] is None and drill["scratch_destroyed"] is True
    assert drill["source"]["stdout"] == " count \n-------\n     2\n(1 row)\n\n"
    assert drill["image"] == "postgres:18.4" and drill["dump_bytes"] > 0 and drill["dump_file"] is None
    assert [call[0] for call in host.writes("drill-pass")] == [
        "postgres:connect", "postgres:create", "postgres:import", "postgres:connect", "postgres:destroy"]
    assert host.dokku("postgres:exists", "db-drill")[0] == 1

    # the copy answers differently (as a dump missing rows would): the double's second connect
    # of this run prints another count
    host.faults([{"on": "write", "command": "postgres:connect", "nth": 2, "rc": 0, "stderr": "",
                  "stdout": " count \n-------\n     1\n(1 row)\n\n"}])
    failing = check
    report, proc = drill_run(host, {"restore_drill_service": "db", "restore_drill_check": failing,
                                    "restore_drill_scratch_service": "scratch", "restore_drill_report_path": report_path},
                             "drill-fail")
    assert report["stats"]["drill.example"]["failures"] == 1
    drill = json.loads(read(report_path))
    assert drill["passed"] is False and drill["failed_step"] == "check on the copy"
    assert "its output differs from the source's" in drill["summary"]
    assert drill["scratch_destroyed"] is True and host.dokku("postgres:exists", "scratch")[0] == 1
    assert os.path.exists(os.path.join(REPO, "playbooks", "restore_drill.yml"))
