# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource limits and reservations of an app per process type: validation, the read, the plan.

Dokku stores any value (``resource:limit APP --memory lots`` exits 0 and the next deploy
fails), so values are checked here against what the schedulers use them for
(plugins/resource/triggers.go: docker's ``--cpus``, ``--memory``, ``--memory-swap``,
``--gpus`` and ``--memory-reservation``; scheduler-k3s reads cpu and memory).  One call per
process type and kind sets the changed keys and clears the dropped ones (``--KEY clear``); a
process type whose every value goes is cleared with ``resource:limit-clear --process-type T``.
The bare ``resource:limit-clear APP`` is never used: it deletes every limit *and* reservation.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

DEFAULT = "_default_"
# entry field -> Dokku's word in the property name and the commands
KINDS = (("limits", "limit"), ("reservations", "reserve"))
KEY_ORDER = ("cpu", "memory", "memory-swap", "network", "network-ingress", "network-egress", "nvidia-gpu")
ALLOWED = {"limits": ("cpu", "memory", "memory-swap", "nvidia-gpu"), "reservations": ("cpu", "memory")}
PROCESS_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
CPU_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# Dokku appends "m" to a memory limit without one of these suffixes (addMemorySuffixForDocker)
MEMORY_RE = re.compile(r"^[1-9][0-9]*([bkmg]|[kmg]b|[KMG]B|B)?$")
SWAP_RE = re.compile(r"^(-1|[1-9][0-9]*([bkmg]|[kmg]b|[KMG]B|B))$")
GPU_RE = re.compile(r"^(all|[1-9][0-9]*)$")


def check_value(key, value):
    """``(value as a string, None)`` or ``(None, problem)``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, "must be a string or a number"
    text = str(value)
    if key == "cpu":
        if not CPU_RE.match(text) or float(text) <= 0:
            return None, "%r is not a number of CPUs: give a positive decimal such as 1 or 0.5" % text
    elif key == "memory":
        if not MEMORY_RE.match(text):
            return None, ("%r is not a memory size: give a whole number with a unit b, k, m or g (512m, 1g; a bare "
                          "number means megabytes)" % text)
    elif key == "memory-swap":
        if not SWAP_RE.match(text):
            return None, ("%r is not a swap size: give a whole number with a unit b, k, m or g (Dokku passes a bare "
                          "number to docker as bytes), or -1 for unlimited" % text)
    elif key == "nvidia-gpu":
        if not GPU_RE.match(text):
            return None, "%r is not a GPU count: give a positive whole number or all" % text
    return text, None


def check_resources(resources):
    """``(normalised {kind: {process type: {key: value}}}, None)`` or ``(None, "path: problem")``."""
    normalised = {}
    for kind, _word in KINDS:
        types = resources.get(kind)
        if types is None:
            continue
        if not isinstance(types, dict):
            return None, "%s: must be a dict of process types" % kind
        normalised[kind] = {}
        for process, values in types.items():
            where = "%s.%s" % (kind, process)
            if process != DEFAULT and not (isinstance(process, str) and PROCESS_TYPE_RE.match(process)):
                return None, ("%s: %r is not a process type: use _default_ (every process) or a Procfile process "
                              "type (letters, digits, '_', '-')" % (kind, process))
            if not isinstance(values, dict):
                return None, "%s: must be a dict such as {cpu: 1, memory: 512m}" % where
            normalised[kind][process] = {}
            for key, value in values.items():
                if key not in ALLOWED[kind]:
                    return None, "%s.%s: not a %s key: use %s (others have no effect on any scheduler of Dokku 0.38)" % (
                        where, key, kind[:-1], ", ".join(ALLOWED[kind]))
                text, error = check_value(key, value)
                if error:
                    return None, "%s.%s: %s" % (where, key, error)
                normalised[kind][process][key] = text
            if not normalised[kind][process]:
                del normalised[kind][process]
    return normalised, None


def parse_report(report):
    """``{kind: {process type: {key: value}}}`` from ``resource:report APP --format json``."""
    state = dict((kind, {}) for kind, _word in KINDS)
    words = dict((word, kind) for kind, word in KINDS)
    for name, value in (report or {}).items():
        if name.startswith("resource-") and name[len("resource-"):] in report:
            continue  # the legacy copy of a key
        parts = name.rsplit(".", 2)
        if len(parts) != 3 or parts[1] not in words or value in (None, ""):
            continue
        state[words[parts[1]]].setdefault(parts[0], {})[parts[2]] = value
    return state


def _type_order(types):
    return sorted(types, key=lambda process: (process != DEFAULT, process))


def plan_kind(app, word, current, desired):
    """The writes taking one kind (``limit``/``reserve``) from ``current`` to ``desired``."""
    writes = []
    for process in _type_order(set(current) | set(desired)):
        have, want = current.get(process, {}), desired.get(process, {})
        if have == want:
            continue
        if not want:
            writes.append(["resource:%s-clear" % word, app, "--process-type", process])
            continue
        args = ["resource:" + word, app] + ([] if process == DEFAULT else ["--process-type", process])
        for key in KEY_ORDER:
            if have.get(key) != want.get(key):
                args += ["--" + key, want.get(key, "clear")]
        writes.append(args)
    return writes


def report_read(app):
    return Read(["resource:report", app, "--format", "json"], ok_rcs=(0, 20))


def read_resources(ctx, app):
    row = ctx.app_row("resource", app)
    if row is not None:
        return parse_report(row)
    res = ctx.fetch(report_read(app))
    if res.rc == 20:
        return None
    return parse_report(ctx.json(report_read(app), default={}))


class ResourceFamily(Family):
    name = "resource"
    resource_type = "resource_limit"
    extra_resource_types = ("resource_reservation",)
    entry_options = dict(
        resources=dict(
            type="dict",
            description=[
                "Resource limits and reservations per process type. Under O(apps[].resources.limits) and"
                " O(apps[].resources.reservations), each key is a process type (V(_default_) for every process,"
                " or a Procfile process type such as V(web)) mapping to its values, for example"
                " C({_default_: {cpu: 1, memory: 512m}, web: {memory: 256m}}).",
                "A kind that is given is exact: its values not listed are cleared; a kind left out is left alone.",
                "Limits - C(cpu) (a positive decimal), C(memory) (a whole number with a unit b, k, m or g),"
                " C(memory-swap) (the same, or -1), C(nvidia-gpu) (a count, or all). Reservations - C(cpu),"
                " C(memory). Values are checked here because Dokku stores anything (C(--memory lots) is accepted and"
                " breaks the next deploy).",
            ],
            options=dict(
                limits=dict(type="dict", description="Limits per process type."),
                reservations=dict(type="dict", description="Reservations per process type."),
            ),
        ),
    )

    def desired(self, entry):
        resources = entry.get("resources")
        if resources is None or all(resources.get(kind) is None for kind, _word in KINDS):
            return None
        return dict((kind, resources.get(kind)) for kind, _word in KINDS)

    def validate(self, desired, scope):
        normalised, error = check_resources(desired)
        if error:
            return None, "resources." + error
        return normalised, None

    def reads(self, ctx, scopes):
        return ctx.report_reads("resource", [scope for scope, _desired in scopes], report_read)

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return self.fresh(ctx, scope, desired)
        current = read_resources(ctx, scope)
        if current is None:
            ctx.runner.missing_app(scope)
            return self.fresh(ctx, scope, desired)
        return current

    def fresh(self, ctx, scope, desired):
        return dict((kind, {}) for kind, _word in KINDS)

    def plan(self, scope, desired, current):
        before, after = {}, {}
        writes = []
        for kind, word in KINDS:
            if kind not in desired:
                continue
            before[kind], after[kind] = current.get(kind, {}), desired[kind]
            writes += plan_kind(scope, word, before[kind], after[kind])
        plan = Plan(dict(resources=before), dict(resources=after))
        for args in writes:
            plan.write(args)
        plan.restart = bool(writes)  # containers get their limits when they are (re)created
        return plan

    def classify(self, scope, path):
        kind = "resource_limit" if path[1] == "limits" else "resource_reservation"
        resource = {"type": kind, "app": scope_app(scope)}
        if len(path) > 2:
            resource["name"] = path[2]
        return resource, path[3] if len(path) > 3 else path[-1]

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(resources=read_resources(ctx, scope) or self.fresh(ctx, scope, None))

    def export(self, facts, scope, out):
        if scope is None:
            return {}
        resources = {}
        for kind, values in sorted((facts.get("resources") or {}).items()):
            kept = {}
            for process, keys in sorted(values.items()):
                for key, value in sorted(keys.items()):
                    if key in ALLOWED.get(kind, ()) and check_value(key, value)[1] is None:
                        kept.setdefault(process, {})[key] = value
                    else:
                        out.skipped.append("resource %s %s=%r of app %s, process type %s: not a value the collection "
                                           "manages" % (kind[:-1], key, value, scope, process))
            if kept:
                resources[kind] = kept
        return {"resources": resources} if resources else {}
