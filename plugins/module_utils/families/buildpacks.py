# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The buildpacks of an app, an exact ordered list (``buildpacks:add/set/remove/clear``).

Dokku keeps the list as given, duplicates included: ``buildpacks:add`` appends (or inserts
with ``--index``), ``buildpacks:set`` replaces one entry (the first, or ``--index N``),
``buildpacks:remove URL`` removes *every* entry equal to URL, ``buildpacks:clear`` empties it and,
since Dokku 0.38.22, ``buildpacks:set --replace APP URL...`` writes the whole list at once.  A
short name ``NAMESPACE/NAME`` is stored as ``https://github.com/NAMESPACE/heroku-buildpack-NAME.git``
(``heroku-community`` becomes ``heroku``), so the collection compares that form.  The planner
simulates those commands and picks the sequence with the fewest writes.

The ``stack`` property of the same plugin belongs to the property table, not here.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

# Dokku's validBuildpackURL (plugins/buildpacks/functions.go, 0.38): a short NAMESPACE/NAME, or a
# URL of the form SCHEME(://|@)HOST[/:]OWNER/REST.
SHORT_RE = re.compile(r"^([\w-]+)/([\w-]+)$")
URL_RE = re.compile(r"^(http|https|git)(://|@)([^/:]+)[/:]([^/:]+)/(.+)$")
REPLACE_VERSION = (0, 38, 22)  # buildpacks:set --replace
MAX_SEARCHED = 8  # distinct buildpacks up to which every subset to keep is tried


def canonical(buildpack):
    """``(stored form, None)`` or ``(None, error)``: what Dokku would store for this value."""
    if not isinstance(buildpack, str) or not buildpack or buildpack != buildpack.strip() \
            or any(c.isspace() for c in buildpack) or "," in buildpack:
        return None, "%r is empty or holds whitespace or a comma" % (buildpack,)
    short = SHORT_RE.match(buildpack)
    if short:
        namespace = "heroku" if short.group(1) == "heroku-community" else short.group(1)
        return "https://github.com/%s/heroku-buildpack-%s.git" % (namespace, short.group(2)), None
    if URL_RE.match(buildpack):
        return buildpack, None
    return None, ("%r is not a buildpack Dokku accepts: give NAMESPACE/NAME (heroku/python) or an http(s):// "
                  "or git URL of the buildpack's repository or archive" % buildpack)


def report_read(app):
    return Read(["buildpacks:report", app, "--format", "json"], ok_rcs=(0, 20))


def read_list(ctx, app):
    """The app's buildpacks in order (``list``, comma-separated); None when the app is missing."""
    report = ctx.app_report("buildpacks", app, report_read(app))
    if report is None:
        return None
    return [item for item in (report.get("list") or "").split(",") if item]


# ------------------------------------------------------------------ the planner
def simulate(current, steps):
    """The list after ``steps`` (argument lists without ``dokku``), as Dokku computes it."""
    result = list(current)
    for step in steps:
        action, index = step[0], 0
        args = list(step[1:])
        if args[:1] == ["--index"]:
            index, args = int(args[1]), args[2:]
        if args[:1] == ["--replace"]:
            result = list(args[2:])
            continue
        url = args[1] if len(args) > 1 else None
        if action == "buildpacks:clear":
            result = []
        elif action == "buildpacks:add":
            if index == 0 or index > len(result):
                result.append(url)
            else:
                result.insert(index - 1, url)
        elif action == "buildpacks:set":
            position = index - 1 if index > 0 else 0
            if position >= len(result):
                result.append(url)
            else:
                result[position] = url
        elif action == "buildpacks:remove":
            result = [item for item in result if item != url]
    return result


def _is_subsequence(items, target):
    position = 0
    for item in items:
        while position < len(target) and target[position] != item:
            position += 1
        if position == len(target):
            return False
        position += 1
    return True


def _keep_subset(app, current, target, keep):
    """Remove every buildpack not in ``keep``, then insert the missing ones where they belong."""
    order = []
    for item in current:
        if item not in order:
            order.append(item)
    steps = [["buildpacks:remove", app, item] for item in order if item not in keep]
    remaining = [item for item in current if item in keep]
    if not _is_subsequence(remaining, target) or len(remaining) != len(set(remaining)):
        return None
    built = list(remaining)
    for position, item in enumerate(target):
        if position < len(built) and built[position] == item:
            continue
        if position == len(built):
            steps.append(["buildpacks:add", app, item])
        else:
            steps.append(["buildpacks:add", "--index", str(position + 1), app, item])
        built.insert(position, item)
    return steps


def _positional(app, current, target):
    """Replace the entries that differ in place (``set --index``), then append the rest."""
    if len(target) < len(current):
        return None
    steps = [["buildpacks:set", "--index", str(i + 1), app, target[i]]
             for i in range(len(current)) if current[i] != target[i]]
    return steps + [["buildpacks:add", app, item] for item in target[len(current):]]


def buildpack_steps(app, current, target, replace=False):
    """The fewest writes from ``current`` to ``target`` (each candidate proven by :func:`simulate`)."""
    if current == target:
        return []
    if not target:
        return [["buildpacks:clear", app]]
    candidates = []
    distinct = [item for item in set(current) if item in target]
    subsets = [distinct]
    if len(distinct) <= MAX_SEARCHED:
        subsets = [set(combo) for size in range(len(distinct), -1, -1)
                   for combo in itertools.combinations(sorted(distinct), size)]
    for keep in subsets:
        candidates.append(_keep_subset(app, current, target, set(keep)))
    candidates.append(_positional(app, current, target))
    candidates.append(([["buildpacks:clear", app]] if current else []) + [["buildpacks:add", app, item] for item in target])
    best = None
    for steps in candidates:
        if steps is not None and simulate(current, steps) == target and (best is None or len(steps) < len(best)):
            best = steps
    if replace and len(best) > 1:
        best = [["buildpacks:set", "--replace", app] + list(target)]
    return best


class BuildpacksFamily(Family):
    """Desired: ``{buildpacks: [stored form, ...]}``."""

    name = "buildpacks"
    entry_options = dict(
        buildpacks=dict(
            type="list", elements="str",
            description=[
                "The app's buildpacks, exactly and in this order (C(buildpacks:list)); V([]) clears them, so"
                " Dokku detects the buildpack again. A short name C(heroku/python) stands for"
                " C(https://github.com/heroku/heroku-buildpack-python.git), as Dokku stores it.",
                "Written with the fewest C(buildpacks:add), C(buildpacks:set --index), C(buildpacks:remove) or"
                " C(buildpacks:clear) calls (C(buildpacks:set --replace), one call, when more are needed and"
                " Dokku is 0.38.22 or newer). Takes effect at the next build.",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("buildpacks") is None:
            return None
        return dict(buildpacks=list(entry["buildpacks"]))

    def validate(self, desired, scope):
        stored, seen = [], {}
        for buildpack in desired["buildpacks"]:
            value, error = canonical(buildpack)
            if error:
                return None, "buildpacks: " + error
            if value in seen:
                return None, "buildpacks: %r and %r are the same buildpack (%s); list it once" % (
                    seen[value], buildpack, value)
            seen[value] = buildpack
            stored.append(value)
        return dict(buildpacks=stored), None

    def reads(self, ctx, scopes):
        return ctx.report_reads("buildpacks", [scope for scope, _desired in scopes], report_read)

    def read(self, ctx, scope, desired):
        current = [] if scope in ctx.created else read_list(ctx, scope)
        if current is None:
            ctx.runner.missing_app(scope)
            current = []
        return dict(buildpacks=current, replace=ctx.runner.at_least(*REPLACE_VERSION))

    def fresh(self, ctx, scope, desired):
        return dict(buildpacks=[], replace=ctx.runner.at_least(*REPLACE_VERSION))

    def plan(self, scope, desired, current):
        plan = Plan(dict(buildpacks=list(current["buildpacks"])), dict(buildpacks=list(desired["buildpacks"])))
        for step in buildpack_steps(scope, current["buildpacks"], desired["buildpacks"], current.get("replace")):
            plan.write(step)
        return plan

    def classify(self, scope, path):
        return {"type": "buildpacks", "app": scope_app(scope)}, "list"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(buildpacks=read_list(ctx, scope) or [])

    def export(self, facts, scope, out):
        if scope is None or not facts.get("buildpacks"):
            return {}
        return {"buildpacks": list(facts["buildpacks"])}
