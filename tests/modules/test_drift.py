"""playbooks/drift_check.yml with the dokku_drift callback, against the Dokku double.

Each kind of drift made by hand on a converged host gives exactly one finding with the right
expected and actual values; no drift gives in_sync and exit code 0; an unreachable host gives
unreachable and exit code 1 while the other host is still reported; the check never writes; no
secret reaches the JSON, JUnit, textfile or console output.
"""

import copy
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from harness import DOUBLE, DokkuHost

SECRET = "canary-drift-5e2b9c1d"
PASSWORD = "DriftPassw0rd8f3a"
with open(os.path.join(DOUBLE, "fixtures", "srv", "k_ed25519.pub"), encoding="utf-8") as _handle:
    ADMIN_KEY = _handle.read().strip()
with open(os.path.join(DOUBLE, "fixtures", "srv", "k_ecdsa_p256.pub"), encoding="utf-8") as _handle:
    OTHER_KEY = _handle.read().strip()
POSTGRES_URL = "https://github.com/dokku/dokku-postgres.git"

INVENTORY_VARS = {
    "ansible_connection": "local",
    "ansible_become": False,
    "dokku_ssh_keys_keys": [{"name": "admin", "key": ADMIN_KEY}],
    "dokku_ssh_keys_allow_example_keys": True,  # a test fixture key
    "dokku_global_domains": ["domain.com"],
    "dokku_plugins_plugins": [
        {"name": "postgres", "url": POSTGRES_URL, "committish": "1.48.0"},
        {"name": "letsencrypt", "url": "https://github.com/dokku/dokku-letsencrypt.git", "committish": "0.25.1"},
    ],
    "dokku_apps_apps": [{
        "name": "djangotutorial",
        "config": {"ALLOWED_HOSTS": "djangotutorial.domain.com", "SECRET_KEY": SECRET},
        "config_exclusive": True,
        "domains": ["djangotutorial.domain.com", "www.djangotutorial.domain.com"],
        "ports": ["http:80:5000"],
        "services": [{"name": "djangotutorial-datastore", "password": PASSWORD, "expose": ["15432"],
                      "backup": {"schedule": "0 3 * * *", "bucket": "tutorial-backups"}}],
    }],
    "dokku_letsencrypt_email": "admin@domain.com",
    "dokku_letsencrypt_apps": ["djangotutorial"],
    "dokku_letsencrypt_cron_job": True,
}
SKIP = "apt_upgrade,dokku_install"  # they act on the machine itself; molecule covers them


class Fleet:
    def __init__(self, host, extra_hosts=None):
        self.host = host
        self.reports = os.path.join(host.workdir, "reports")
        inventory = {"dokku": {"hosts": {"domain.com": copy.deepcopy(INVENTORY_VARS)}}}
        inventory["dokku"]["hosts"].update(extra_hosts or {})
        self.inventory = os.path.join(host.workdir, "inventory.yml")
        with open(self.inventory, "w", encoding="utf-8") as handle:
            yaml.safe_dump(inventory, handle)

    def converge(self):
        report, proc = self.host.playbook(["playbooks/site.yml", "-i", self.inventory, "--skip-tags", SKIP],
                                          tag="converge")
        assert report["stats"]["domain.com"]["failures"] == 0, proc.stdout[-3000:]

    def drift(self, tag="drift", extra_args=(), extra_env=None, skip=SKIP):
        env = {
            "ANSIBLE_CALLBACKS_ENABLED": "selfhosted.dokku.dokku_drift",
            "DOKKU_DRIFT_REPORT_DIR": self.reports,
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        }
        env.update(extra_env or {})
        environ = self.host.ansible_env(env)
        environ["DOKKU_DOUBLE_TAG"] = tag
        proc = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "playbooks/drift_check.yml",
             "-i", self.inventory, "--skip-tags", skip] + list(extra_args),
            capture_output=True, text=True, env=environ, cwd=os.path.dirname(os.path.dirname(DOUBLE)), check=False,
        )
        with open(os.path.join(self.reports, "latest.json"), encoding="utf-8") as handle:
            report = json.load(handle)
        assert self.host.writes(tag) == [], "the drift check wrote: %r" % self.host.writes(tag)
        return report, proc


@pytest.fixture(scope="module")
def converged(tmp_path_factory):
    """The tutorial converged once per test module (and worker); each test works on a copy."""
    template = Fleet(DokkuHost(tmp_path_factory.mktemp("converged"), plugins=()))
    template.converge()
    return template.host


@pytest.fixture
def fleet(bare_host, converged):
    bare_host.copy_state_from(converged)
    return Fleet(bare_host)


def only_finding(report):
    host = report["hosts"]["domain.com"]
    assert host["status"] == "drifted", host
    assert len(host["findings"]) == 1, json.dumps(host["findings"], indent=1)
    assert report["exit_code"] == 2
    return host["findings"][0]


def test_no_drift_is_in_sync_with_exit_code_0(fleet):
    report, proc = fleet.drift()
    assert report["exit_code"] == 0 and report["check_mode"] is True
    host = report["hosts"]["domain.com"]
    assert host["status"] == "in_sync" and host["findings"] == [] and host["resources_checked"] > 10
    assert "exit code for schedulers: 0" in proc.stdout
    prom = open(os.path.join(fleet.reports, "dokku_drift.prom"), encoding="utf-8").read()
    assert 'dokku_drift_findings{host="domain.com"} 0' in prom
    assert 'dokku_drift_host_status{host="domain.com",status="in_sync"} 1' in prom
    suites = ET.parse(next(os.path.join(fleet.reports, f) for f in os.listdir(fleet.reports) if f.endswith(".xml")))
    cases = suites.getroot().findall(".//testcase")
    assert cases and all(c.find("failure") is None for c in cases)


# (label, commands that make the drift, expected resource, field, expected, actual)
CASES = [
    ("config value changed", [["config:set", "--no-restart", "djangotutorial", "ALLOWED_HOSTS=evil.example"]],
     {"type": "config_key", "name": "ALLOWED_HOSTS", "app": "djangotutorial"}, "value", "marker", "marker"),
    ("config key added", [["config:set", "--no-restart", "djangotutorial", "DEBUG=true"]],
     {"type": "config_key", "name": "DEBUG", "app": "djangotutorial"}, "value", None, "marker"),
    # not the first domain: the letsencrypt plugin keys the app's certificate by its first domain
    ("app domain removed", [["domains:remove", "djangotutorial", "www.djangotutorial.domain.com"]],
     {"type": "domains", "app": "djangotutorial"}, "domains",
     ["djangotutorial.domain.com", "www.djangotutorial.domain.com"], ["djangotutorial.domain.com"]),
    ("global domain changed", [["domains:set-global", "other.com"]],
     {"type": "global_domains"}, "domains", ["domain.com"], ["other.com"]),
    ("ssh key removed", [["ssh-keys:remove", "admin"]],
     {"type": "ssh_key", "name": "admin"}, "fingerprint", "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U", None),
    ("plugin missing", [["plugin:uninstall", "letsencrypt"]],
     {"type": "plugin", "name": "letsencrypt"}, "state", "present", "absent"),
    ("plugin at another committish", [["plugin:update", "postgres", "1.47.0"]],
     {"type": "plugin", "name": "postgres"}, "committish", "1.48.0", "1.47.0"),
    ("link missing", [["postgres:unlink", "djangotutorial-datastore", "djangotutorial", "--no-restart"]],
     {"type": "link", "name": "djangotutorial-datastore", "datastore": "postgres", "app": "djangotutorial"},
     "linked", True, False),
    ("service missing", [["postgres:unlink", "djangotutorial-datastore", "djangotutorial", "--no-restart"],
                         ["postgres:destroy", "djangotutorial-datastore", "--force"]],
     {"type": "service", "name": "djangotutorial-datastore", "datastore": "postgres"}, "state", "present", "absent"),
    ("backup schedule changed", [["postgres:backup-schedule", "djangotutorial-datastore", "0 4 * * *",
                                  "tutorial-backups"]],
     {"type": "service", "name": "djangotutorial-datastore", "datastore": "postgres"}, "backup_schedule",
     "0 3 * * *", "0 4 * * *"),
    ("letsencrypt disabled", [["letsencrypt:disable", "djangotutorial"]],
     {"type": "letsencrypt", "app": "djangotutorial"}, "enabled", True, False),
    ("cron job removed", [["letsencrypt:cron-job", "--remove"]],
     {"type": "letsencrypt_cron"}, "cron_job", True, False),
    ("app missing", [["apps:destroy", "djangotutorial", "--force"]],
     {"type": "app", "name": "djangotutorial"}, "state", "present", "absent"),
]


@pytest.mark.parametrize("label, commands, resource, field, expected, actual", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_drift_is_one_precise_finding(fleet, label, commands, resource, field, expected, actual):
    for args in commands:
        rc, out, err = fleet.host.dokku(*args)
        assert rc == 0, (label, args, out, err)
    report, proc = fleet.drift()
    finding = only_finding(report)
    assert finding["resource"] == resource, finding
    assert finding["field"] == field, finding
    for wanted, got in ((expected, finding["expected"]), (actual, finding["actual"])):
        if wanted == "marker":
            assert got.startswith("<hidden sha256:"), got
        else:
            assert got == wanted, (label, finding)
    if expected == "marker" and actual == "marker":
        assert finding["expected"] != finding["actual"]
    assert finding["fix"], "a finding names the command that fixes it"
    assert finding["role"] and finding["task"] and finding["module"].startswith("selfhosted.dokku.")
    assert "exit code for schedulers: 2" in proc.stdout


@pytest.mark.parametrize("label, commands, fix", [
    ("config value changed", [["config:set", "--no-restart", "djangotutorial", "ALLOWED_HOSTS=evil.example"]],
     [["dokku", "config:import", "--no-restart", "--format", "json", "djangotutorial", "-"]]),
    ("config key added", [["config:set", "--no-restart", "djangotutorial", "DEBUG=true"]],
     [["dokku", "config:unset", "--no-restart", "djangotutorial", "DEBUG"]]),
    ("link missing", [["postgres:unlink", "djangotutorial-datastore", "djangotutorial", "--no-restart"]],
     [["dokku", "--quiet", "postgres:link", "djangotutorial-datastore", "djangotutorial", "--no-restart"]]),
])
def test_a_finding_names_only_the_commands_that_fix_it(fleet, label, commands, fix):
    fleet.host.dokku("config:set", "--no-restart", "djangotutorial", "ALLOWED_HOSTS=other.example")
    for args in commands:
        assert fleet.host.dokku(*args)[0] == 0, (label, args)
    report, _proc = fleet.drift()
    findings = dict((f["resource"].get("name") or f["resource"]["type"], f) for f in report["hosts"]["domain.com"]["findings"])
    name = {"config value changed": "ALLOWED_HOSTS", "config key added": "DEBUG"}.get(label, "djangotutorial-datastore")
    assert findings[name]["fix"] == fix, findings[name]


def test_a_host_without_dokku_is_failed_not_in_sync(fleet):
    """Without Dokku every module skips in check mode: the host was not checked at all."""
    no_dokku = {"PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if "tests/double" not in p)}
    report, proc = fleet.drift(tag="no-dokku", extra_args=["--tags", "dokku_apps"], extra_env=no_dokku)
    host = report["hosts"]["domain.com"]
    assert host["status"] == "failed" and report["exit_code"] == 1, host
    assert any("Dokku is not installed" in error["msg"] for error in host["errors"]), host["errors"]
    assert "dokku is not installed on this host" in proc.stdout + proc.stderr  # the skip warns at normal verbosity


def test_the_full_check_of_a_host_without_dokku_says_so(fleet):
    """The install role runs too (offline, bootstrap.sh cannot be downloaded): the reason is still the
    missing Dokku, not only the download."""
    no_dokku = {"PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if "tests/double" not in p)}
    report, _proc = fleet.drift(tag="full-no-dokku", extra_env=no_dokku, skip="apt_upgrade", extra_args=[
        "-e", '{"dokku_install_bootstrap_url": "http://127.0.0.1:9/bootstrap.sh", '
        '"dokku_install_download_retries": 0}'])
    host = report["hosts"]["domain.com"]
    assert host["status"] == "failed" and report["exit_code"] == 1, host
    assert any("Dokku is not installed on this host" in error["msg"] for error in host["errors"]), host["errors"]


def test_a_host_whose_managed_resources_were_all_skipped_is_failed(fleet):
    report, _proc = fleet.drift(tag="skipped-all", extra_args=["--tags", "dokku_global", "-e",
                                                               '{"dokku_global_domains": []}'])
    host = report["hosts"]["domain.com"]
    assert host["status"] == "failed" and host["resources_checked"] == 0, host
    assert "manages" in host["errors"][0]["msg"] and report["exit_code"] == 1


def test_an_unreachable_host_is_reported_with_exit_code_1_and_the_other_host_still_is(bare_host, converged):
    bare_host.copy_state_from(converged)
    # a host with settings of its own (one without any is refused before a connection is tried)
    gone = {"ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": 1, "ansible_user": "nobody",
            "dokku_global_domains": ["gone.example"]}
    fleet = Fleet(bare_host, extra_hosts={"gone.example": gone})
    report, _proc = fleet.drift()
    assert report["exit_code"] == 1
    assert report["hosts"]["gone.example"]["status"] == "unreachable"
    assert report["hosts"]["domain.com"]["status"] == "in_sync"
    assert report["summary"] == {"in_sync": 1, "drifted": 0, "unreachable": 1, "failed": 0}
    prom = open(os.path.join(fleet.reports, "dokku_drift.prom"), encoding="utf-8").read()
    assert 'dokku_drift_host_status{host="gone.example",status="unreachable"} 1' in prom


def test_no_secret_reaches_any_report_or_the_console(fleet):
    fleet.host.dokku("config:set", "--no-restart", "djangotutorial", "SECRET_KEY=%s-changed" % SECRET)
    report, proc = fleet.drift()
    assert only_finding(report)["resource"]["name"] == "SECRET_KEY"
    outputs = [proc.stdout, proc.stderr]
    for name in os.listdir(fleet.reports):
        with open(os.path.join(fleet.reports, name), encoding="utf-8") as handle:
            outputs.append(handle.read())
    for text in outputs:
        assert SECRET not in text and PASSWORD not in text


def test_report_files_validate_against_the_documented_schema(fleet):
    jsonschema = pytest.importorskip("jsonschema")
    fleet.host.dokku("domains:set-global", "other.com")
    report, _proc = fleet.drift()
    with open(os.path.join(os.path.dirname(os.path.dirname(DOUBLE)), "docs", "drift-report.schema.json"),
              encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.validate(report, schema)
    root = ET.parse(next(os.path.join(fleet.reports, f) for f in os.listdir(fleet.reports)
                         if f.endswith(".xml"))).getroot()
    failures = root.findall(".//failure")
    assert len(failures) == 1 and "other.com" in failures[0].text


def test_check_mode_drift_check_never_writes_even_on_an_empty_host(bare_host):
    fleet = Fleet(bare_host)
    report, _proc = fleet.drift(tag="empty")
    assert report["hosts"]["domain.com"]["status"] == "drifted"
    assert report["exit_code"] == 2


def test_export_then_drift_check_is_in_sync(fleet):
    host = fleet.host
    # the live host diverged from the inventory by hand: export must capture what it has now
    for args in (["config:set", "--no-restart", "djangotutorial", "EXTRA=by-hand"],
                 ["domains:add", "djangotutorial", "extra.domain.com"],
                 ["apps:create", "second"],
                 ["postgres:create", "second-db"],
                 ["--quiet", "postgres:link", "second-db", "second", "--no-restart"],
                 ["postgres:create", "orphan-db"],
                 ["nginx:set", "djangotutorial", "client-max-body-size", "25m"],
                 ["registry:set", "--global", "server", "registry.example.com"],
                 ["traefik:set", "--global", "basic-auth-password", "TraefikExport4c9d"]):
        assert host.dokku(*args)[0] == 0, args
    exported = os.path.join(host.workdir, "exported")
    report, proc = host.playbook(["playbooks/export.yml", "-i", fleet.inventory, "-e", "dokku_export_dir=" + exported],
                                 tag="export")
    assert report["stats"]["domain.com"]["failures"] == 0, proc.stdout[-3000:]
    assert host.writes("export") == []
    host_vars = os.path.join(exported, "host_vars", "domain.com")
    with open(os.path.join(host_vars, "dokku.yml"), encoding="utf-8") as handle:
        public = handle.read()
    with open(os.path.join(host_vars, "dokku_secrets.yml"), encoding="utf-8") as handle:
        secrets = yaml.safe_load(handle)
    assert SECRET not in public and "by-hand" not in public and "TraefikExport4c9d" not in public
    exported_vars = yaml.safe_load(public)
    # plugin properties set by hand: the app's and the global ones, the secret one in the secrets file
    tutorial = next(entry for entry in exported_vars["dokku_apps_apps"] if entry["name"] == "djangotutorial")
    assert tutorial["properties"] == {"nginx": {"client-max-body-size": "25m"}}
    assert exported_vars["dokku_global_properties"]["registry"] == {"server": "registry.example.com"}
    assert secrets["dokku_export_secrets"]["global_properties"]["traefik"]["basic-auth-password"] == "TraefikExport4c9d"
    service = next(entry for entry in exported_vars["dokku_apps_apps"] if entry["name"] == "djangotutorial")["services"][0]
    assert service["expose"] == ["15432"] and service["backup"] == {"schedule": "0 3 * * *", "bucket": "tutorial-backups"}
    assert secrets["dokku_export_secrets"]["apps"]["djangotutorial"]["config"]["SECRET_KEY"] == SECRET
    assert "DATABASE_URL" not in secrets["dokku_export_secrets"]["apps"]["djangotutorial"]["config"]
    assert oct(os.stat(os.path.join(host_vars, "dokku_secrets.yml")).st_mode & 0o777) == "0o600"
    assert "orphan-db" in proc.stdout  # reported as not exportable

    # the exported variables alone, with a connection to the same host
    inventory = os.path.join(exported, "hosts.yml")
    with open(inventory, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"dokku": {"hosts": {"domain.com": {"ansible_connection": "local", "ansible_become": False,
                                                           "dokku_ssh_keys_allow_example_keys": True}}}},
                       handle)
    fleet.inventory = inventory
    report, _proc = fleet.drift(tag="after-export")
    assert report["hosts"]["domain.com"]["findings"] == [] and report["exit_code"] == 0, report
    assert report["hosts"]["domain.com"]["status"] == "in_sync"


def test_a_run_that_checks_no_host_is_an_error_not_in_sync(bare_host):
    fleet = Fleet(bare_host)
    with open(fleet.inventory, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"dokku": {"hosts": {}}, "other": {"hosts": {"elsewhere": {"ansible_connection": "local"}}}},
                       handle)
    report, _proc = fleet.drift(tag="nobody")
    assert report["hosts"] == {} and report["exit_code"] == 1
