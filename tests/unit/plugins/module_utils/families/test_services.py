"""The services planner beyond create/link: expose, backups, upgrades; their checks and parsers. Pure."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import (
    ExportWrite,
    auth_args,
    check_cron,
    check_service,
    item,
    parse_exposed,
    parse_schedule,
)

SERVICES = get("services")
BASE = {"name": "db", "type": "postgres", "state": "present", "allow_destroy": False, "link": True, "alias": None,
        "querystring": None, "image": None, "image_version": None, "password": None, "custom_env": None,
        "config_options": None, "expose": None, "backup": None, "allow_upgrade": False, "upgrade_backup_dir": None}
AUTH = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "s3cr3t/Key+x", "region": None,
        "signature_version": None, "endpoint_url": None}


class Plain:
    @staticmethod
    def mask(values):
        return dict(values)


def facts(exists=True, image="postgres:18.4", exposed=(), schedule=None, auth=None, passphrase=None, kept=None):
    return {"exists": exists, "keys": [], "image": image, "blocking": [], "config": {}, "exposed": list(exposed),
            "schedule": schedule, "auth": auth, "passphrase": passphrase, "marker": Plain, "kept": kept}


def plan(service, current, scope=GLOBAL):
    desired = [item(dict(BASE, **service), "present", None if scope == GLOBAL else True,
                    report_image=bool(service.get("image") or service.get("image_version")))]
    return SERVICES.plan(scope, desired, [current])


def args(result):
    return [write.args for write in result.writes]


# ------------------------------------------------------------------- cron
@pytest.mark.parametrize("expression", [
    "0 3 * * *", "*/15 * * * *", "0 0-6/2 1,15 * mon", "30 4 * 1-3 0", "0 0 1 JAN *", "0 0 * * 7", "@daily", "@hourly",
    "5  3 *  * *"])
def test_valid_cron_schedules(expression):
    assert check_cron(expression) is None


@pytest.mark.parametrize("expression, message", [
    ("not a cron", "has 3 field(s)"),
    ("", "has 0 field(s)"),
    ("* * * *", "has 4 field(s)"),
    ("60 * * * *", "minute field '60': 60 is out of range"),
    ("0 24 * * *", "hour field '24'"),
    ("0 0 0 * *", "day of month field '0'"),
    ("0 0 * 13 *", "month field '13'"),
    ("0 0 * * 8", "day of week field '8'"),
    ("*/0 * * * *", "the step '0' is not a positive number"),
    ("5-1 * * * *", "the range 5-1 runs backwards"),
    ("0 3 * * funday", "'funday' is not a number"),
    ("@reboot", "'@reboot' is not a cron macro"),
    ("0 0 * jan-mar *", "month field 'jan-mar': cron takes a name only on its own"),
    ("0 0 * * mon,wed", "day of week field 'mon,wed': cron takes a name only on its own"),
    ("0 3 * * * /bin/evil", "has 6 field(s)"),
])
def test_invalid_cron_schedules_say_why(expression, message):
    assert message in check_cron(expression)


# ------------------------------------------------------------ bad inputs
@pytest.mark.parametrize("service, message", [
    ({"backup": {"schedule": "not a cron", "bucket": "b-1"}}, "backup.schedule: 'not a cron' has 3 field(s)"),
    ({"backup": {"schedule": "@daily"}}, "backup: schedule and bucket go together"),
    ({"backup": {"schedule": "@daily", "bucket": "Bad_Bucket"}}, "backup.bucket: 'Bad_Bucket' is not an S3 bucket"),
    ({"backup": {"use_iam": True}}, "backup.use_iam"),
    ({"backup": {"auth": dict(AUTH, secret_access_key="with space")}}, "backup.auth.secret_access_key: it must"),
    ({"backup": {"auth": dict(AUTH, access_key_id="--force")}}, "backup.auth.access_key_id: it must"),
    ({"backup": {"auth": dict(AUTH, region="EU West")}}, "backup.auth.region"),
    ({"backup": {"auth": dict(AUTH, endpoint_url="ftp://x")}}, "backup.auth.endpoint_url"),
    ({"backup": {"encryption_passphrase": "two words"}}, "backup.encryption_passphrase: it must"),
    ({"backup": {"state": "absent", "schedule": "@daily", "bucket": "bb1"}}, "backup: state=absent removes"),
    ({"expose": ["99999"]}, "expose: '99999' is not a host port"),
    ({"expose": ["300.1.1.1:5432"]}, "expose: '300.1.1.1:5432'"),
    ({"expose": ["1", "2"]}, "expose: the postgres plugin exposes 1 port(s)"),
    ({"allow_upgrade": True}, "upgrade_backup_dir: allow_upgrade=true needs"),
    ({"allow_upgrade": True, "upgrade_backup_dir": "relative/dir"}, "upgrade_backup_dir"),
])
def test_bad_settings_are_refused_naming_the_option(service, message):
    backup = service.get("backup")
    if backup is not None:
        service = dict(service, backup=dict({"state": "present", "schedule": None, "bucket": None, "use_iam": False,
                                             "auth": None, "encryption_passphrase": None}, **backup))
    assert check_service(dict(BASE, **service)).startswith(message)


# ---------------------------------------------------------------- expose
def test_expose_a_new_service_after_creating_it():
    result = plan({"expose": ["15432"]}, facts(exists=False, image=None))
    assert args(result) == [["postgres:create", "db"], ["postgres:expose", "db", "15432"]]
    assert result.before["services"]["postgres"]["db"]["exposed_ports"] == []
    assert result.after["services"]["postgres"]["db"]["exposed_ports"] == ["15432"]


@pytest.mark.parametrize("current, wanted, expected", [
    (["15432"], ["15432"], []),
    (["15432"], ["15433"], [["postgres:unexpose", "db"], ["postgres:expose", "db", "15433"]]),
    (["15432"], [], [["postgres:unexpose", "db"]]),
    ([], [], []),
    ([], ["127.0.0.1:15432"], [["postgres:expose", "db", "127.0.0.1:15432"]]),
])
def test_expose_diff(current, wanted, expected):
    assert args(plan({"expose": wanted}, facts(exposed=current))) == expected


def test_exposed_ports_and_schedule_are_parsed_from_dokku():
    assert parse_exposed("-\n") == []
    assert parse_exposed("5432->15432 \n") == ["15432"]
    assert parse_exposed("27017->1 27018->2 27019->3 28017->4 \n") == ["1", "2", "3", "4"]
    line = "0 3 * * * dokku /usr/local/bin/dokku postgres:backup db cap-bucket \n"
    assert parse_schedule("postgres", "db", line) == {"schedule": "0 3 * * *", "bucket": "cap-bucket", "use_iam": False}
    line = "@daily dokku /usr/bin/dokku postgres:backup db b/x --use-iam\n"
    assert parse_schedule("postgres", "db", line) == {"schedule": "@daily", "bucket": "b/x", "use_iam": True}


# ---------------------------------------------------------------- backups
def backup(**settings):
    return {"backup": dict({"state": "present", "schedule": None, "bucket": None, "use_iam": False, "auth": None,
                            "encryption_passphrase": None}, **settings)}


def test_backup_settings_on_a_service_without_any():
    result = plan(backup(schedule="0  3 * * *", bucket="bkt", auth=AUTH, encryption_passphrase="pass-phrase"),
                  facts())
    assert args(result) == [
        ["postgres:backup-auth", "db", "AKIAEXAMPLE", "s3cr3t/Key+x"],
        ["postgres:backup-schedule", "db", "0 3 * * *", "bkt"],
        ["postgres:backup-set-encryption", "db", "pass-phrase"],
    ]
    assert sorted(result.secrets) == ["AKIAEXAMPLE", "pass-phrase", "s3cr3t/Key+x"]
    after = result.after["services"]["postgres"]["db"]
    assert after["backup_schedule"] == "0 3 * * *" and after["backup_bucket"] == "bkt"
    assert result.before["services"]["postgres"]["db"]["backup_auth"] is None


def test_backup_settings_already_stored_change_nothing():
    stored = dict(AUTH)
    result = plan(backup(schedule="0 3 * * *", bucket="bkt", auth=AUTH, encryption_passphrase="pp-1"),
                  facts(schedule={"schedule": "0 3 * * *", "bucket": "bkt", "use_iam": False}, auth=stored,
                        passphrase="pp-1"))
    assert args(result) == [] and not result.changed


def test_changed_credentials_are_replaced_and_the_schedule_rewritten():
    result = plan(backup(schedule="@daily", bucket="bkt", use_iam=True, auth=dict(AUTH, endpoint_url="https://s3.x")),
                  facts(schedule={"schedule": "0 3 * * *", "bucket": "bkt", "use_iam": False}, auth=dict(AUTH)))
    assert args(result) == [
        ["postgres:backup-deauth", "db"],
        ["postgres:backup-auth", "db", "AKIAEXAMPLE", "s3cr3t/Key+x", "", "", "https://s3.x"],
        ["postgres:backup-schedule", "db", "@daily", "bkt", "--use-iam"],
    ]


def test_backup_absent_removes_only_what_is_there():
    result = plan({"backup": {"state": "absent"}}, facts(schedule={"schedule": "@daily", "bucket": "b", "use_iam": False},
                                                         passphrase="x"))
    assert args(result) == [["postgres:backup-unschedule", "db"], ["postgres:backup-unset-encryption", "db"]]
    assert args(plan({"backup": {"state": "absent"}}, facts())) == []


def test_auth_args_fill_positional_gaps():
    assert auth_args("redis", "c", dict(AUTH, region="eu-west-1")) == [
        "redis:backup-auth", "c", "AKIAEXAMPLE", "s3cr3t/Key+x", "eu-west-1"]


# --------------------------------------------------------------- upgrades
def test_a_different_image_without_the_opt_in_is_a_warning_only():
    result = plan({"image_version": "18.5"}, facts())
    assert args(result) == [] and "allow_upgrade=true" in result.warnings[0]


def test_upgrade_exports_first_and_keeps_env_and_options():
    service = {"image_version": "18.5", "allow_upgrade": True, "upgrade_backup_dir": "/var/backups"}
    result = plan(service, facts(image="postgis/postgis:17", kept={"custom_env": "A=1;B=2", "config_options": "-c x"}))
    export, upgrade = result.writes
    assert isinstance(export, ExportWrite) and export.args == ["postgres:export", "db"]
    assert export.directory == "/var/backups"
    assert upgrade.args == ["postgres:upgrade", "db", "--image", "postgis/postgis", "--image-version", "18.5",
                            "--custom-env", "A=1;B=2", "--config-options", "-c x"]
    assert result.secrets == ["A=1;B=2"]
    assert result.before["services"]["postgres"]["db"]["image"] == "postgis/postgis:17"
    assert result.after["services"]["postgres"]["db"]["image"] == "postgis/postgis:18.5"


def test_no_upgrade_when_the_image_matches_and_in_an_app_scope_the_image_is_in_the_diff():
    service = {"image_version": "18.4", "allow_upgrade": True, "upgrade_backup_dir": "/b"}
    result = plan(service, facts(), scope="web")
    assert result.argvs() == [["dokku", "--quiet", "postgres:link", "db", "web", "--no-restart"]]
    assert result.before["services"]["postgres"]["db"]["image"] == "postgres:18.4"


# -------------------------------------------------------------- drift
def test_each_field_is_its_own_drift_finding():
    resource = {"type": "service", "name": "db", "datastore": "postgres"}
    for field in ("exposed_ports", "backup_schedule", "backup_bucket", "backup_auth", "backup_encryption", "image"):
        assert SERVICES.classify("global", ("services", "postgres", "db", field)) == (resource, field)
        assert SERVICES.classify("app:web", ("services", "postgres", "db", field)) == (resource, field)


# ----------------------------------------------------------------- export
def test_export_puts_settings_on_the_first_linking_app_and_credentials_in_the_side_file():
    from ansible_collections.selfhosted.dokku.plugins.filter.dokku_inventory import dokku_inventory

    service = {"links": ["api", "web"], "image": "postgres:18.4", "exposed_ports": ["15432"],
               "backup_schedule": "@daily", "backup_bucket": "bkt", "backup_use_iam": False, "backup_auth": True,
               "backup_encryption": True, "backup_credentials": {"access_key_id": "K1", "secret_access_key": "S1"},
               "backup_encryption_passphrase": "P1"}
    facts = {"version": "0.38.27", "apps": ["api", "web"], "services": {"postgres": {"db": service}},
             "app_details": {"api": {"links": {"postgres": ["db"]}}, "web": {"links": {"postgres": ["db"]}}}}
    out = dokku_inventory(facts)
    api, web = out["vars"]["dokku_apps_apps"]
    assert web["services"] == [{"type": "postgres", "name": "db"}]
    assert api["services"][0]["expose"] == ["15432"]
    backup = api["services"][0]["backup"]
    assert (backup["schedule"], backup["bucket"]) == ("@daily", "bkt")
    assert backup["auth"] == "{{ dokku_export_secrets['services']['postgres']['db']['auth'] }}"
    assert out["secrets"]["dokku_export_secrets"]["services"] == {"postgres": {"db": {
        "auth": {"access_key_id": "K1", "secret_access_key": "S1"}, "encryption_passphrase": "P1"}}}
    assert "S1" not in repr(out["vars"]) and "P1" not in repr(out["vars"])
