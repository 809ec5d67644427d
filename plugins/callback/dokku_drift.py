# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dokku_drift
type: aggregate
short_description: Turn a check-mode run into a drift report (JSON, JUnit XML, Prometheus textfile)
version_added: 0.1.0
author:
  - selfhosted.dokku developers (@selfhosted)
description:
  - Collects what a check-mode run of C(playbooks/drift_check.yml) (or any play of this collection's
    modules) would change and writes, per run, a JSON report (schema version 1, see
    C(docs/drift-report.schema.json)), a JUnit XML file (one test case per host and resource) and a
    Prometheus textfile for node_exporter's textfile collector; it also prints a one-screen summary.
  - Each host gets a status - V(in_sync), V(drifted), V(unreachable) or V(failed) - and each drifted
    resource one finding with the role, task, module, resource, field, expected and actual values
    and the commands that would fix it. Values are the ones the modules report, so secrets appear
    only as markers that still tell when two values differ.
  - The report's C(exit_code) is the scheduler contract - 0 in sync, 2 drift found, 1 error (a host
    unreachable or failed, or no host checked at all). The C(dokku-drift-check) wrapper of the
    C(drift_schedule) role exits with it.
  - Enable it with C(callbacks_enabled = selfhosted.dokku.dokku_drift) or
    C(ANSIBLE_CALLBACKS_ENABLED=selfhosted.dokku.dokku_drift).
options:
  report_dir:
    description: Directory that receives the reports (created when missing).
    type: path
    default: ./drift-reports
    env:
      - name: DOKKU_DRIFT_REPORT_DIR
    ini:
      - section: dokku_drift
        key: report_dir
  formats:
    description: Report files to write.
    type: list
    elements: str
    default: [json, junit, prometheus]
    env:
      - name: DOKKU_DRIFT_FORMATS
    ini:
      - section: dokku_drift
        key: formats
  prometheus_file:
    description: File name of the Prometheus textfile inside O(report_dir), rewritten atomically each run.
    type: str
    default: dokku_drift.prom
    env:
      - name: DOKKU_DRIFT_PROMETHEUS_FILE
    ini:
      - section: dokku_drift
        key: prometheus_file
"""

import datetime
import json
import os
import re
import tempfile
from xml.sax.saxutils import escape, quoteattr

from ansible.plugins.callback import CallbackBase
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import REGISTRY

SCHEMA_VERSION = 1
EXIT_IN_SYNC = 0
EXIT_ERROR = 1
EXIT_DRIFT = 2
PREFIX = "selfhosted.dokku."
NOT_INSTALLED = "dokku is not installed"  # the runner's words, compared lower-cased
# said by the inventory check of playbooks/drift_check.yml: how many resources the inventory manages
MANAGED_RE = re.compile(r"^selfhosted\.dokku manages ([0-9]+) resource")


def flatten(tree, path=()):
    """{path tuple: leaf}; an empty dict has no leaves (no keys on that side)."""
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            out.update(flatten(value, path + (str(key),)))
        return out
    return {path: tree}


def family_leaves(family_diff):
    """Every leaf of a module's uniform diff (``{scope: {family: {before, after, commands}}}``),
    classified by its family: ``{(resource id, field, path): (resource, field, before, after, fix)}``
    where ``fix`` holds only the commands that fix that leaf."""
    leaves = {}
    for scope, families in sorted((family_diff or {}).items()):
        for name, sides in sorted((families or {}).items()):
            family = REGISTRY.get(name)
            if family is None or not isinstance(sides, dict):
                continue
            before, after = flatten(sides.get("before") or {}), flatten(sides.get("after") or {})
            for path in sorted(set(before) | set(after)):
                resource, field = family.classify(scope, path)
                fix = family.fix(resource, field, sides.get("commands") or [])
                leaves[(resource_id(resource), field, path)] = (resource, field, before.get(path), after.get(path), fix)
    return leaves


def resource_id(resource):
    return " ".join("%s=%s" % (k, resource[k]) for k in ("type", "datastore", "app", "name") if k in resource)


def resource_label(resource):
    kind = resource["type"].replace("_", " ")
    parts = [kind]
    if "name" in resource:
        parts.append(str(resource["name"]))
    if "app" in resource:
        parts.append("of app %s" % resource["app"] if resource["app"] != "--global" else "(global)")
    return " ".join(parts)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "selfhosted.dokku.dokku_drift"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.hosts = {}
        self.playbook = None
        self.check_mode = True
        self.started = datetime.datetime.now(datetime.timezone.utc)

    # ----------------------------------------------------------------- events
    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(getattr(playbook, "_file_name", "") or "")

    def v2_playbook_on_play_start(self, play):
        if not getattr(play, "check_mode", False) and not self._context_check_mode():
            self.check_mode = False

    def _context_check_mode(self):
        try:
            from ansible import context  # pylint: disable=import-outside-toplevel

            return bool(context.CLIARGS.get("check"))
        except Exception:  # pylint: disable=broad-except
            return False

    def _host(self, result):
        name = result._host.get_name()  # pylint: disable=protected-access
        return self.hosts.setdefault(name, {"findings": [], "resources": {}, "errors": [], "status": None})

    def v2_runner_on_ok(self, result):
        host = self._host(result)
        res = result._result  # pylint: disable=protected-access
        managed = MANAGED_RE.match(str(res.get("msg") or ""))
        if managed:
            host["managed"] = int(managed.group(1))
        items = res.get("results") if isinstance(res.get("results"), list) else [res]
        for item in items:
            self._record(host, result._task, item)  # pylint: disable=protected-access

    def v2_runner_on_skipped(self, result):
        """A module of the collection skipped because Dokku is missing: the host was not checked."""
        res = result._result  # pylint: disable=protected-access
        action = getattr(result._task, "resolved_action", None) or result._task.action  # pylint: disable=protected-access
        if action.startswith(PREFIX) and NOT_INSTALLED in str(res.get("msg") or "").lower():
            host = self._host(result)
            host["status"] = "failed"
            if not any(NOT_INSTALLED in error["msg"].lower() for error in host["errors"]):
                host["errors"].append({"task": result._task.get_name(),  # pylint: disable=protected-access
                                       "msg": "Dokku is not installed on this host, so nothing could be checked"})

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if ignore_errors:
            return
        host = self._host(result)
        host["status"] = "failed"
        msg = result._result.get("msg") or "task failed"  # pylint: disable=protected-access
        host["errors"].append({"task": result._task.get_name(), "msg": str(msg)[:2000]})  # pylint: disable=protected-access

    def v2_runner_on_unreachable(self, result):
        host = self._host(result)
        host["status"] = "unreachable"
        msg = result._result.get("msg") or "unreachable"  # pylint: disable=protected-access
        host["errors"].append({"task": result._task.get_name(), "msg": str(msg)[:2000]})  # pylint: disable=protected-access

    def v2_runner_item_on_failed(self, result):
        self.v2_runner_on_failed(result)

    # --------------------------------------------------------------- findings
    def _record(self, host, task, res):
        module = getattr(task, "resolved_action", None) or task.action
        role = task._role.get_name() if task._role else None  # pylint: disable=protected-access
        family_diff = res.get("family_diff")
        if not module.startswith(PREFIX) or not isinstance(family_diff, dict):
            if res.get("changed"):
                resource = {"type": "task", "name": task.get_name()}
                self._finding(host, role, task, module, resource, "changed", "no change", "would change", res)
            return
        for (key, _field, _path), (resource, field, before, after, fix) in sorted(family_leaves(family_diff).items()):
            host["resources"].setdefault(key, resource)
            if res.get("changed") and before != after:
                self._finding(host, role, task, module, resource, field, after, before, dict(res, commands=fix))

    def _finding(self, host, role, task, module, resource, field, expected, actual, res):
        host["findings"].append({
            "role": role,
            "task": task.get_name(),
            "module": module,
            "resource": resource,
            "field": field,
            "expected": expected,
            "actual": actual,
            "fix": res.get("commands") or [],
        })

    @staticmethod
    def _fold(findings):
        """A missing app, service or plugin is one finding: its other fields, and what depends on
        it, ride along as ``consequences``."""
        roots = {}
        for finding in findings:
            resource = finding["resource"]
            if finding["field"] == "state" and resource["type"] in ("app", "service", "plugin"):
                roots.setdefault(resource_id(resource), finding)  # the first task that would fix it
        folded = []
        for finding in findings:
            resource = finding["resource"]
            parent = roots.get(resource_id(resource))  # other fields of a missing resource
            if parent is None and resource["type"] != "app" and resource.get("app") not in (None, "--global"):
                parent = roots.get(resource_id({"type": "app", "name": resource["app"]}))
            if parent is None:  # letsencrypt or datastore resources of a missing plugin
                plugin = "letsencrypt" if resource["type"].startswith("letsencrypt") else resource.get("datastore")
                parent = roots.get(resource_id({"type": "plugin", "name": plugin})) if plugin else None
            if parent is None and resource["type"] == "link":
                parent = roots.get(resource_id({"type": "service", "name": resource["name"],
                                                "datastore": resource["datastore"]}))
            if parent is not None and parent is not finding:
                parent.setdefault("consequences", []).append(
                    {"resource": resource, "field": finding["field"],
                     "expected": finding["expected"], "actual": finding["actual"]})
            else:
                folded.append(finding)
        return folded

    # ----------------------------------------------------------------- output
    def v2_playbook_on_stats(self, stats):
        for name in sorted(stats.processed):
            self.hosts.setdefault(name, {"findings": [], "resources": {}, "errors": [], "status": None})
        report = self._report()
        written = self._write(report)
        self._summary(report, written)

    def _report(self):
        finished = datetime.datetime.now(datetime.timezone.utc)
        hosts = {}
        for name, host in sorted(self.hosts.items()):
            findings = self._fold(host["findings"])
            status = host["status"] or ("drifted" if findings else "in_sync")
            if status == "in_sync" and not host["resources"] and host.get("managed"):
                status = "failed"  # a host whose inventory manages something, checked not at all, is not in sync
                host["errors"].append({"task": "drift check", "msg": (
                    "the inventory manages %d resource(s) on this host but the check read none (were the "
                    "roles skipped by tags or conditions?)" % host["managed"])})
            hosts[name] = {
                "status": status,
                "findings": findings,
                "resources_checked": len(host["resources"]),
                "resources": sorted(host["resources"].values(), key=resource_id),
                "errors": host["errors"],
            }
        statuses = [h["status"] for h in hosts.values()]
        if not hosts or any(s in ("failed", "unreachable") for s in statuses):
            exit_code = EXIT_ERROR  # no host checked is an error too, never "in sync"
        elif "drifted" in statuses:
            exit_code = EXIT_DRIFT
        else:
            exit_code = EXIT_IN_SYNC
        return {
            "schema_version": SCHEMA_VERSION,
            "generated_at": finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "started_at": self.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "playbook": self.playbook,
            "check_mode": self.check_mode,
            "exit_code": exit_code,
            "summary": dict((s, statuses.count(s)) for s in ("in_sync", "drifted", "unreachable", "failed")),
            "hosts": hosts,
        }

    def _write(self, report):
        directory = self.get_option("report_dir")
        formats = [f.strip() for f in self.get_option("formats") or []]
        os.makedirs(directory, exist_ok=True)
        stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        written = []
        if "json" in formats:
            text = json.dumps(report, indent=2, sort_keys=True) + "\n"
            path = os.path.join(directory, "drift-%s.json" % stamp)
            _atomic_write(path, text)
            _atomic_write(os.path.join(directory, "latest.json"), text)
            written.append(path)
        if "junit" in formats:
            path = os.path.join(directory, "drift-%s.xml" % stamp)
            _atomic_write(path, junit(report))
            written.append(path)
        if "prometheus" in formats:
            path = os.path.join(directory, self.get_option("prometheus_file"))
            _atomic_write(path, prometheus(report, self.started))
            written.append(path)
        return written

    def _summary(self, report, written):
        show = self._display.display
        counts = report["summary"]
        show("")
        show("DOKKU DRIFT REPORT%s: %d host(s) - %d in sync, %d drifted, %d unreachable, %d failed" % (
            "" if report["check_mode"] else " (NOT a check-mode run: changes were applied)",
            len(report["hosts"]), counts["in_sync"], counts["drifted"], counts["unreachable"], counts["failed"]))
        for name, host in report["hosts"].items():
            show("  %s: %s%s" % (name, host["status"],
                                 " (%d finding(s))" % len(host["findings"]) if host["findings"] else ""))
            for finding in host["findings"][:15]:
                show("    - %s: %s expected %s, actual %s" % (
                    resource_label(finding["resource"]), finding["field"],
                    _short(finding["expected"]), _short(finding["actual"])))
            if len(host["findings"]) > 15:
                show("    ... %d more in the JSON report" % (len(host["findings"]) - 15))
            for error in host["errors"][:3]:
                show("    ! %s: %s" % (error["task"], error["msg"].splitlines()[0] if error["msg"] else ""))
        for path in written:
            show("  report: %s" % path)
        show("  exit code for schedulers: %d (0 in sync, 2 drift found, 1 error)" % report["exit_code"])


def _short(value):
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


def _atomic_write(path, text):
    directory = os.path.dirname(path) or "."
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def junit(report):
    cases = []
    failures = errors = 0
    for name, host in report["hosts"].items():
        by_resource = {}
        for finding in host["findings"]:
            by_resource.setdefault(resource_id(finding["resource"]), []).append(finding)
        if host["status"] in ("failed", "unreachable"):
            errors += 1
            message = "; ".join(e["msg"].splitlines()[0] for e in host["errors"] if e["msg"]) or host["status"]
            cases.append('    <testcase classname=%s name="host"><error type=%s message=%s/></testcase>' % (
                quoteattr(name), quoteattr(host["status"]), quoteattr(message[:500])))
        ids = sorted(set(resource_id(r) for r in host["resources"]) | set(by_resource))
        for rid in ids:
            drift = by_resource.get(rid)
            if drift:
                failures += 1
                body = "\n".join("%s: expected %s, actual %s; fix: %s" % (
                    f["field"], json.dumps(f["expected"]), json.dumps(f["actual"]),
                    "; ".join(" ".join(c) for c in f["fix"])) for f in drift)
                cases.append('    <testcase classname=%s name=%s><failure type="drift" message=%s>%s</failure></testcase>' % (
                    quoteattr(name), quoteattr(rid), quoteattr("%d field(s) drifted" % len(drift)), escape(body)))
            else:
                cases.append('    <testcase classname=%s name=%s/>' % (quoteattr(name), quoteattr(rid)))
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="dokku drift check">',
        '  <testsuite name="dokku_drift" tests="%d" failures="%d" errors="%d" timestamp=%s>' % (
            len(cases), failures, errors, quoteattr(report["generated_at"])),
    ] + cases + ["  </testsuite>", "</testsuites>", ""])


def _label(value):
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus(report, started):
    lines = [
        "# HELP dokku_drift_findings Drift findings per host in the last drift check.",
        "# TYPE dokku_drift_findings gauge",
    ]
    for name, host in report["hosts"].items():
        lines.append("dokku_drift_findings{host=%s} %d" % (_label(name), len(host["findings"])))
    lines += [
        "# HELP dokku_drift_host_status The host's status in the last drift check (1 for its status).",
        "# TYPE dokku_drift_host_status gauge",
    ]
    for name, host in report["hosts"].items():
        for status in ("in_sync", "drifted", "unreachable", "failed"):
            lines.append("dokku_drift_host_status{host=%s,status=%s} %d" % (
                _label(name), _label(status), 1 if host["status"] == status else 0))
    lines += [
        "# HELP dokku_drift_last_run_timestamp_seconds When the last drift check started.",
        "# TYPE dokku_drift_last_run_timestamp_seconds gauge",
        "dokku_drift_last_run_timestamp_seconds %d" % int(started.timestamp()),
        "# HELP dokku_drift_exit_code The last drift check's exit code (0 in sync, 2 drift, 1 error).",
        "# TYPE dokku_drift_exit_code gauge",
        "dokku_drift_exit_code %d" % report["exit_code"],
    ]
    return "\n".join(lines) + "\n"
