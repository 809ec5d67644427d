"""drift_schedule: the timer and the service as systemd sees them, the cron fallback's entry, and
real runs on the instance (the control node checking its own Dokku double): in sync, then drift
made by hand (the hook fires), each report checked against docs/drift-report.schema.json, old
reports pruned by count (timer) and by age (cron)."""

import json
import os

import jsonschema
import pytest

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "drift-report.schema.json")
with open(SCHEMA_PATH, encoding="utf-8") as _handle:
    SCHEMA = json.load(_handle)

NAME = "dokku-drift-check"
REPORTS = "/var/lib/dokku-drift-check"
CRON_NAME = "dokku-drift-check-cron"
CRON_REPORTS = "/var/lib/dokku-drift-check-cron"
HOOK_LOG = "/var/tmp/drift-hook.log"


def show(host, unit, *props):
    out = host.check_output("systemctl show %s %s" % (unit, " ".join("-p " + p for p in props)))
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def report(host, path):
    text = host.file(path).content_string
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA)
    return data


def json_reports(host, directory):
    return sorted(host.check_output("find %s -maxdepth 1 -name 'drift-*.json' -printf '%%f\\n'" % directory).split())


def start_service(host):
    """One run, the way the timer starts it (a oneshot: systemctl returns when it is over)."""
    cmd = host.run("systemctl start %s.service" % NAME)
    assert cmd.rc == 0, cmd.stderr
    return show(host, NAME + ".service", "Result", "ExecMainStatus")


@pytest.fixture(scope="module")
def in_sync_run(host):
    # Beyond the count limit (2): a report older than every run to come.
    host.run("touch %s/drift-20200101T000000Z.json %s/drift-20200101T000000Z.xml" % (REPORTS, REPORTS))
    status = start_service(host)
    return status, report(host, REPORTS + "/latest.json")


@pytest.fixture(scope="module")
def drift_run(host, in_sync_run):
    # Drift by hand: www.domain.com dropped from the global domains the inventory expects.
    host.check_output("dokku domains:set-global domain.com")
    status = start_service(host)
    return status, report(host, REPORTS + "/latest.json")


def test_timer_is_enabled_and_active(host):
    assert host.check_output("systemctl is-enabled %s.timer" % NAME) == "enabled"
    assert host.check_output("systemctl is-active %s.timer" % NAME) == "active"
    timer = show(host, NAME + ".timer", "TimersCalendar", "Persistent", "RandomizedDelayUSec", "Unit")
    assert "OnCalendar=*-01-01 04:00:00" in timer["TimersCalendar"]
    assert timer["Persistent"] == "yes"
    assert timer["RandomizedDelayUSec"] == "10min"
    assert timer["Unit"] == NAME + ".service"


def test_service_runs_the_wrapper(host):
    service = show(host, NAME + ".service", "ExecStart", "Type", "User", "SuccessExitStatus")
    assert "path=/usr/local/bin/%s ;" % NAME in service["ExecStart"]
    assert service["Type"] == "oneshot"
    assert service["User"] == "root"
    assert service["SuccessExitStatus"].split() == ["2"]
    wrapper = host.file("/usr/local/bin/" + NAME)
    assert wrapper.user == "root" and wrapper.mode == 0o750
    assert "ANSIBLE_PLAYBOOK=/opt/ansible/bin/ansible-playbook" in wrapper.content_string
    assert not host.file("/etc/cron.d/" + NAME).exists


def test_cron_fallback_has_its_entry_and_no_timer(host):
    entry = host.file("/etc/cron.d/" + CRON_NAME)
    assert entry.mode == 0o644
    assert "5 3 * * 1 root /usr/local/bin/%s >/dev/null" % CRON_NAME in entry.content_string.splitlines()
    assert not host.file("/etc/systemd/system/%s.timer" % CRON_NAME).exists
    assert not host.file("/etc/systemd/system/%s.service" % CRON_NAME).exists


def test_in_sync_run_reports_exit_code_0(host, in_sync_run):
    status, latest = in_sync_run
    assert status == {"Result": "success", "ExecMainStatus": "0"}
    assert latest["exit_code"] == 0 and latest["check_mode"] is True
    assert latest["hosts"]["domain.com"]["status"] == "in_sync"
    assert {"type": "global_domains"} in latest["hosts"]["domain.com"]["resources"]


def test_drift_run_reports_exit_code_2_and_runs_the_hook(host, drift_run):
    status, latest = drift_run
    # 2 is a result, not a unit failure (SuccessExitStatus=2)
    assert status == {"Result": "success", "ExecMainStatus": "2"}
    assert latest["exit_code"] == 2
    [finding] = latest["hosts"]["domain.com"]["findings"]
    assert finding["resource"] == {"type": "global_domains"}
    assert finding["expected"] == ["domain.com", "www.domain.com"] and finding["actual"] == ["domain.com"]
    prom = host.file(REPORTS + "/dokku_drift.prom").content_string
    assert "dokku_drift_exit_code 2" in prom
    assert 'dokku_drift_findings{host="domain.com"} 1' in prom
    # the copy for node_exporter's textfile collector, and no temporary file left next to it
    assert host.file("/var/lib/node-exporter-textfile/dokku_drift.prom").content_string == prom
    assert host.check_output("ls -A /var/lib/node-exporter-textfile") == "dokku_drift.prom"
    # the hook ran once, for this run only, with the archived report and the role's environment
    [line] = host.file(HOOK_LOG).content_string.splitlines()
    code, path, label = line.split(" ", 2)
    assert code == "2" and label == "nightly check"
    assert path.startswith(REPORTS + "/drift-") and report(host, path) == latest
    assert host.file(path[: -len(".json")] + ".xml").contains("<failure")
    assert host.file(path[: -len(".json")] + ".log").contains("exit code for schedulers: 2")
    assert host.file(REPORTS + "/last-run.log").contains("DOKKU DRIFT REPORT")


def test_count_retention_kept_the_last_two_runs(host, drift_run):
    names = json_reports(host, REPORTS)
    assert len(names) == 2 and "drift-20200101T000000Z.json" not in names
    assert not host.file(REPORTS + "/drift-20200101T000000Z.xml").exists
    assert host.check_output("find %s -maxdepth 1 -name '.run-*'" % REPORTS) == ""


def test_cron_entry_command_runs_the_check(host, drift_run):
    # the entry's command, in cron's bare environment
    line = next(l for l in host.file("/etc/cron.d/" + CRON_NAME).content_string.splitlines() if l.startswith("5 3"))
    command = line.split(None, 6)[6]
    host.run("touch -d '10 days ago' %s/drift-20200101T000000Z.json" % CRON_REPORTS)  # older than keep_days (7)
    host.run("touch %s/drift-20210101T000000Z.json" % CRON_REPORTS)  # recent: no count limit keeps it
    cmd = host.run("env -i HOME=/root LOGNAME=root SHELL=/bin/sh PATH=/usr/bin:/bin /bin/sh -c %s" % _quote(command))
    assert cmd.rc == 2, (cmd.stdout, cmd.stderr)  # the drift made above is still there
    assert cmd.stdout == "" and cmd.stderr == ""  # cron would mail nothing
    latest = report(host, CRON_REPORTS + "/latest.json")
    assert latest["exit_code"] == 2
    assert host.file(CRON_REPORTS + "/dokku_drift.prom").contains("dokku_drift_exit_code 2")
    names = json_reports(host, CRON_REPORTS)
    assert "drift-20200101T000000Z.json" not in names and "drift-20210101T000000Z.json" in names
    assert len(names) == 2
    assert len(host.file(HOOK_LOG).content_string.splitlines()) == 1  # no hook configured for this one


def _quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"
