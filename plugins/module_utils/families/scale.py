# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The process scale of an app as a ``dokku_apps`` entry option (``scale: {web: 2, worker: 1}``).

Read and planned by the code ``selfhosted.dokku.dokku_ps`` uses (``families/ps.py``): one
``ps:scale`` with the process types whose count differs, unlisted types scaled to 0, with
``--skip-deploy`` when the app is not running (a stopped or never deployed app stays so).
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import (
    normalise_scale,
    plan_scale,
    read_ps,
    report_read,
    scale_read,
)

# What apps:create leaves (the ps plugin's post-create trigger): one web process, not deployed.
FRESH = dict(deployed=False, running="false", can_scale=True, restart_policy="", scale={"web": 1})


class ScaleFamily(Family):
    """Desired: ``{scale: {process type: count}}``."""

    name = "scale"
    entry_options = dict(
        scale=dict(
            type="dict",
            description=[
                "The exact number of processes per process type (C(ps:scale)), for example C(web: 2) and"
                " C(worker: 1); process types of the app that are not listed are scaled to 0. Counts are"
                " whole numbers from 0; process type names use letters, digits, C(_) and C(-).",
                "Planned as M(selfhosted.dokku.dokku_ps) plans O(selfhosted.dokku.dokku_ps#module:scale): one"
                " C(ps:scale) with the changed types; Dokku deploys them at once when the app runs, and"
                " C(--skip-deploy) keeps a stopped or never deployed app as it is (its next deploy uses the"
                " counts).",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("scale") is None:
            return None
        return dict(scale=entry["scale"])

    def validate(self, desired, scope):
        try:
            return dict(scale=normalise_scale(desired["scale"])), None
        except ValueError as exc:
            return None, "scale: %s" % exc

    def reads(self, ctx, scopes):
        apps = [scope for scope, _desired in scopes]
        return ctx.report_reads("ps", apps, report_read) + [scale_read(app) for app in apps]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return dict(FRESH)
        return read_ps(ctx, scope, True)

    def fresh(self, ctx, scope, desired):
        return dict(FRESH)

    def plan(self, scope, desired, current):
        plan = Plan(dict(scale=dict(current["scale"])), {})
        after = plan_scale(plan, scope, desired["scale"], current, skip_deploy=current["running"] != "true")
        plan.after = dict(scale=after)
        return plan

    def classify(self, scope, path):
        if len(path) < 2:
            return {"type": "scale", "app": scope_app(scope)}, "scale"
        return {"type": "scale", "app": scope_app(scope), "name": path[1]}, "count"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(scale=dict((row["process_type"], int(row["quantity"]))
                               for row in ctx.json(scale_read(scope), default=[]) or []))

    def export(self, facts, scope, out):
        if scope is None or facts.get("scale") in (None, {}, FRESH["scale"]):
            return {}  # what every app gets at creation: nothing to manage
        return {"scale": dict(sorted(facts["scale"].items()))}
