# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Processes of an app: running state, exact scale, restart policy.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

PROCESS_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
RESTART_POLICY_RE = re.compile(r"^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")
NOT_DEPLOYED = (
    "app %s has not been deployed, so it cannot be %s: deploy it first "
    "(selfhosted.dokku.dokku_git_sync or selfhosted.dokku.dokku_git_image)"
)
# states after which ps:scale need not deploy: the app is stopped, or deployed again anyway
SKIP_DEPLOY_STATES = ("stopped", "restarted", "rebuilt")
ACTIONS = {"started": "start", "stopped": "stop", "restarted": "restart", "rebuilt": "rebuild"}


def report_read(app):
    return Read(["ps:report", app, "--format", "json"], ok_rcs=(0, 20))


def app_is_deployed(ctx, app):
    """``ps:report``'s ``deployed``: whether the app runs something a restart would restart."""
    return (ctx.app_report("ps", app, report_read(app), default={}) or {}).get("deployed") == "true"


def normalise_scale(scale):
    """``{type: count}`` with int counts, or raise ValueError naming the bad entry."""
    result = {}
    for proc, count in scale.items():
        if not isinstance(proc, str) or not PROCESS_TYPE_RE.match(proc):
            raise ValueError("process type %r is invalid: use letters, digits, '_' and '-', "
                             "starting with a letter or digit" % (proc,))
        if isinstance(count, str) and count.isdigit():
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("count of %s is %r: give a whole number from 0" % (proc, count))
        result[proc] = count
    return result


def scale_read(app):
    return Read(["ps:scale", app, "--format", "json"])


def read_ps(ctx, app, with_scale):
    """``ps:report`` (and, ``with_scale``, ``ps:scale``) of an app as a dict; an empty, undeployed app
    (after the missing-app answer: a failure, or a warning in check mode) when it does not exist."""
    report = ctx.app_report("ps", app, report_read(app))
    if report is None:
        ctx.runner.missing_app(app)
        return dict(deployed=False, running="false", can_scale=True, restart_policy="", scale={})
    state = dict(
        deployed=report.get("deployed") == "true",
        running=report.get("running", "false"),
        can_scale=report.get("can-scale") != "false",
        restart_policy=report.get("restart-policy", ""),
        scale={},
    )
    if with_scale:
        rows = ctx.json(scale_read(app)) or []  # empty or null: no formation
        state["scale"] = dict((row["process_type"], int(row["quantity"])) for row in rows)
    return state


def plan_scale(plan, app, wanted, current, skip_deploy):
    """The one ``ps:scale`` that makes the formation exactly ``wanted`` (unlisted types to 0).

    Adds the write (with ``--skip-deploy`` when asked) to ``plan``, or an error when the app's
    ``app.json`` owns its formation; returns the formation after it.
    """
    scale = current["scale"]
    changes = dict(
        (proc, wanted.get(proc, 0))
        for proc in set(scale) | set(wanted)
        if wanted.get(proc, 0) != scale.get(proc, 0)
    )
    result = dict(scale)
    result.update(changes)
    if changes:
        if not current["can_scale"]:
            plan.error = "app %s has a formation in its app.json, so Dokku refuses to scale it by hand" % app
        plan.write(["ps:scale"] + (["--skip-deploy"] if skip_deploy else []) + [app]
                   + ["%s=%d" % item for item in sorted(changes.items())])
    return result


def state_name(running):
    return "started" if running == "true" else "stopped" if running == "false" else running


class PsFamily(Family):
    """Desired: ``{state, scale, restart_policy}`` (each None when not managed)."""

    name = "ps"

    def validate(self, desired, scope):
        policy = desired.get("restart_policy")
        if policy and not RESTART_POLICY_RE.match(policy):
            return None, ("restart_policy: %r is invalid: use no, always, unless-stopped, on-failure or "
                          "on-failure:N (or an empty string for Dokku's default)" % policy)
        if desired.get("scale") is not None:
            try:
                desired = dict(desired, scale=normalise_scale(desired["scale"]))
            except ValueError as exc:
                return None, "scale: %s" % exc
        return desired, None

    def read(self, ctx, scope, desired):
        """ps:report (and ps:scale) as a dict; an empty, undeployed app in check mode when it is missing."""
        state = read_ps(ctx, scope, desired.get("scale") is not None)
        if desired.get("state") not in (None, "stopped") and not state["deployed"]:
            ctx.runner.missing(NOT_DEPLOYED % (scope, desired["state"]))
        return state

    def plan(self, scope, desired, current):
        state, policy, wanted_scale = desired.get("state"), desired.get("restart_policy"), desired.get("scale")
        before, after = {}, {}
        plan = Plan(dict(ps=before), dict(ps=after))
        running = current["running"]
        if policy is not None:
            before["restart_policy"], after["restart_policy"] = current["restart_policy"], policy
            if policy != current["restart_policy"]:
                plan.write(["ps:set", scope, "restart-policy"] + ([policy] if policy else []))
        scale = current["scale"]
        if wanted_scale is not None:
            skip_deploy = state in SKIP_DEPLOY_STATES or running != "true"
            scale = plan_scale(plan, scope, wanted_scale, current, skip_deploy)
            before["scale"], after["scale"] = current["scale"], scale
        plan.action = None
        if state in ("restarted", "rebuilt"):
            # an action, not a state: kept out of the value (a drift check has nothing to compare)
            plan.action = (state_name(running), state)
        elif state is not None:
            before["state"], after["state"] = state_name(running), state
        if state is not None:
            if state in ("restarted", "rebuilt") or state_name(running) != state:
                plan.write(["ps:" + ACTIONS[state], scope])
                running = "false" if state == "stopped" else "true"
        plan.running, plan.scale = running, scale
        plan.deployed, plan.restart_policy = current["deployed"], current["restart_policy"]
        return plan

    def classify(self, scope, path):
        return {"type": "ps", "app": scope_app(scope)}, "/".join(path[1:]) or "ps"
