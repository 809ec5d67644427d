# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zero-downtime checks of an app per process type: enabled, disabled or skipped.

Dokku keeps two comma-separated lists (``checks:report APP --format json``: ``disabled-list``
and ``skipped-list``, ``none`` when empty), each either ``_all_`` or process types:

* ``checks:disable APP [TYPES]``: with no types, ``disabled`` becomes ``_all_`` and ``skipped`` is
  emptied; with types, each is added to ``disabled`` and taken off ``skipped``, and ``_all_`` is
  dropped from ``disabled``;
* ``checks:skip APP [TYPES]``: the same with the lists swapped;
* ``checks:enable APP [TYPES]``: with no types, both lists are emptied; with types, each is taken
  off both lists (an ``_all_`` stays).

Taking a value off a list removes it as a substring (bash ``${list//value/}``), so the planner
simulates those rules exactly and picks the shortest sequence that really ends in the target.  The ``wait-to-retire``
property belongs to the property table, not here.  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import PROCESS_TYPE_RE

ALL = "_all_"
STATUSES = ("disabled", "skipped")


def report_read(app):
    return Read(["checks:report", app, "--format", "json"], ok_rcs=(0, 20))


def parse_list(value):
    return [] if value in (None, "", "none") else [item for item in value.split(",") if item]


def read_lists(ctx, app):
    """``{disabled: [...], skipped: [...]}`` as Dokku stores them; None when the app is missing."""
    report = ctx.app_report("checks", app, report_read(app))
    if report is None:
        return None
    return dict(disabled=parse_list(report.get("disabled-list")), skipped=parse_list(report.get("skipped-list")))


def check_types(desired):
    """``(normalised, None)`` or ``(None, error)``."""
    result = {}
    for status in STATUSES:
        types = desired.get(status) or []
        for proc in types:
            if proc != ALL and (not isinstance(proc, str) or not PROCESS_TYPE_RE.match(proc) or ALL in proc):
                return None, ("%s: process type %r is invalid: use letters, digits, '_' and '-', starting with a "
                              "letter or digit, or _all_" % (status, proc))
        if ALL in types and len(types) > 1:
            return None, "%s: _all_ stands for every process type: list it alone" % status
        if len(set(types)) != len(types):
            return None, "%s: a process type is listed twice" % status
        result[status] = sorted(types)
    both = sorted(set(result["disabled"]) & set(result["skipped"]))
    if both:
        return None, "a process type cannot be both disabled and skipped: %s" % ", ".join(both)
    if ALL in result["disabled"] + result["skipped"] and result["disabled"] and result["skipped"]:
        return None, "with _all_ disabled or skipped, the other list must be empty"
    return result, None


# ------------------------------------------------------------------ the planner
# Dokku's bash list helpers (plugins/common/functions), modelled exactly: removing a value removes
# it as a *substring* (``web`` taken off ``web,webhook`` leaves ``hook``), so plans are simulated.
def _remove_val(value, text):
    text = text.replace(value, "").replace(",,", ",")
    if text.startswith(","):
        text = text[1:]
    if text.endswith(","):
        text = text[:-1]
    return text


def _in_list(value, text):
    return value in text.split(",")


def apply(state, step):
    """Dokku's checks:enable/disable/skip on ``{disabled: [...], skipped: [...]}`` (a new dict)."""
    action = step[0].split(":", 1)[1]
    types = step[2].split(",") if len(step) > 2 else None
    disabled, skipped = ",".join(state["disabled"]), ",".join(state["skipped"])
    if action == "enable":
        if types is None:
            disabled, skipped = "", ""
        for proc in types or []:
            disabled, skipped = _remove_val(proc, disabled), _remove_val(proc, skipped)
    else:
        mine, other = (disabled, skipped) if action == "disable" else (skipped, disabled)
        if types is None:
            mine, other = ALL, ""
        else:
            for proc in types:
                if not _in_list(proc, mine):
                    mine += "," + proc
                if _in_list(proc, other):
                    other = _remove_val(proc, other)
            mine = _remove_val(ALL, mine)
        disabled, skipped = (mine, other) if action == "disable" else (other, mine)
    return dict(disabled=parse_list(disabled), skipped=parse_list(skipped))


def same(state, target):
    return all(sorted(state[s]) == sorted(target[s]) for s in STATUSES)


def _set_step(action, app, types):
    return ["checks:" + action, app] if types == [ALL] else ["checks:" + action, app, ",".join(types)]


def check_steps(app, current, target):
    """The fewest checks:enable/disable/skip calls from ``current`` to ``target`` (proven by :func:`apply`)."""
    if same(current, target):
        return []
    for action, status in (("disable", "disabled"), ("skip", "skipped")):
        if target[status] == [ALL]:  # sets this list to _all_ and empties the other one
            return [_set_step(action, app, [ALL])]
    listed = set(target["disabled"]) | set(target["skipped"])
    to_enable = sorted(set(p for s in STATUSES for p in current[s] if p != ALL) - listed)
    incremental = []
    if to_enable:
        incremental.append(["checks:enable", app, ",".join(to_enable)])
    for action, status in (("disable", "disabled"), ("skip", "skipped")):
        missing = [p for p in target[status] if p not in current[status]]
        if missing:
            incremental.append(_set_step(action, app, target[status] if target[status] == [ALL] else missing))
    reset = [] if not (current["disabled"] or current["skipped"]) else [["checks:enable", app]]
    for action, status in (("disable", "disabled"), ("skip", "skipped")):
        if target[status]:
            reset.append(_set_step(action, app, target[status]))
    best = None
    for steps in (reset, incremental):  # on a tie, the plain reset reads better
        state = current
        for step in steps:
            state = apply(state, step)
        if same(state, target) and (best is None or len(steps) < len(best)):
            best = steps
    return best


def statuses(lists, types):
    """``{process type: status}`` of ``types`` under ``lists`` (``_all_`` is a key of its own)."""
    result = {}
    for proc in types:
        result[proc] = next((s for s in STATUSES if proc in lists[s]), "enabled")
    return result


class ChecksFamily(Family):
    """Desired: ``{disabled: [...], skipped: [...]}`` (sorted; ``[_all_]`` for every process type)."""

    name = "checks"
    entry_options = dict(
        checks=dict(
            type="dict",
            options=dict(
                disabled=dict(type="list", elements="str", default=[],
                              description="Process types whose zero-downtime checks are disabled (C(checks:disable));"
                                          " V([_all_]) for every process type."),
                skipped=dict(type="list", elements="str", default=[],
                             description="Process types whose checks are skipped (C(checks:skip)); V([_all_]) for"
                                         " every process type."),
            ),
            description=[
                "The app's zero-downtime checks, exactly: the process types listed in O(apps[].checks.disabled)"
                " and O(apps[].checks.skipped) are disabled or skipped, every other process type has its"
                " checks enabled (V({}) enables them all). A process type is in at most one list; C(_all_)"
                " stands alone, with the other list empty.",
            ],
        ),
    )

    def desired(self, entry):
        checks = entry.get("checks")
        if checks is None:
            return None
        return dict(disabled=list(checks.get("disabled") or []), skipped=list(checks.get("skipped") or []))

    def validate(self, desired, scope):
        result, error = check_types(desired)
        return (None, "checks." + error) if error else (result, None)

    def reads(self, ctx, scopes):
        return ctx.report_reads("checks", [scope for scope, _desired in scopes], report_read)

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return dict(disabled=[], skipped=[])
        current = read_lists(ctx, scope)
        if current is None:
            ctx.runner.missing_app(scope)
            return dict(disabled=[], skipped=[])
        return current

    def fresh(self, ctx, scope, desired):
        return dict(disabled=[], skipped=[])

    def plan(self, scope, desired, current):
        types = sorted(set(p for s in STATUSES for p in current[s] + desired[s]))
        plan = Plan(dict(checks=statuses(current, types)), dict(checks=statuses(desired, types)))
        for step in check_steps(scope, current, desired):
            plan.write(step)
        return plan

    def classify(self, scope, path):
        resource = {"type": "checks", "app": scope_app(scope)}
        if len(path) > 1:
            resource["name"] = path[1]
        return resource, "status"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(checks=read_lists(ctx, scope) or dict(disabled=[], skipped=[]))

    def export(self, facts, scope, out):
        checks = facts.get("checks") or {}
        if scope is None or not (checks.get("disabled") or checks.get("skipped")):
            return {}
        return {"checks": dict((s, sorted(checks.get(s) or [])) for s in STATUSES if checks.get(s))}
