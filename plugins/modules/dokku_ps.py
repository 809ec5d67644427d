#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_ps
short_description: Start, stop, restart, rebuild and scale a Dokku app, and set its restart policy
version_added: 0.1.0
description:
  - Converges the processes of a deployed Dokku app, each part idempotent against
    C(dokku ps:report APP --format json) (and C(dokku ps:scale APP --format json) for the scale).
  - O(restart_policy) is set first (C(dokku ps:set APP restart-policy ...)); Dokku applies it to the
    containers of the next deploy, start or restart, so set it together with O(state) when it must
    take effect now.
  - O(scale) is applied next, in one C(dokku ps:scale) call with the process types whose count
    differs. Dokku deploys the changed process types of a running app at once. The call runs with
    C(--skip-deploy) when the app is not running (so a stopped app stays stopped) or when O(state)
    stops, restarts or rebuilds it (so it is deployed once).
  - O(state) comes last. V(started) and V(stopped) act only when the app is not in that state.
    V(restarted) and V(rebuilt) always act and so always report a change; to restart only when
    something else changed, notify a handler that uses them.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist; O(state) other than V(stopped) needs it deployed.
    type: str
    required: true
  state:
    description:
      - V(started) starts the app's processes when they are not running (C(dokku ps:start)).
      - V(stopped) stops them when they run (C(dokku ps:stop)); an app never deployed counts as stopped.
      - V(restarted) restarts them (C(dokku ps:restart)); V(rebuilt) builds the app again from its
        repository and deploys it (C(dokku ps:rebuild)). Both always run.
      - Omitted, the running state is left as it is.
    type: str
    choices: [started, stopped, restarted, rebuilt]
  scale:
    description:
      - The exact number of processes per process type, for example 2 for C(web) and 1 for C(worker).
        Process types of the app that are not listed are scaled to 0.
      - Counts are whole numbers from 0. Process type names use letters, digits, C(_) and C(-).
    type: dict
  restart_policy:
    description:
      - Docker restart policy of the app's containers, V(no), V(always), V(unless-stopped),
        V(on-failure) or C(on-failure:N).
      - An empty string removes the app's own policy, so Dokku's default (C(on-failure:10)) or the
        global one applies.
    type: str
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES_ACTIONS
seealso:
  - module: selfhosted.dokku.dokku_git_sync
  - module: selfhosted.dokku.dokku_git_image
"""

EXAMPLES = r"""
- name: Two web processes and one worker, restarted on failure at most 5 times, running
  selfhosted.dokku.dokku_ps:
    app: djangotutorial
    scale:
      web: 2
      worker: 1
    restart_policy: on-failure:5
    state: started

- name: Stop an app for maintenance
  selfhosted.dokku.dokku_ps:
    app: djangotutorial
    state: stopped

- name: Configure the app and restart it only when the configuration changed
  selfhosted.dokku.dokku_config:
    app: djangotutorial
    config:
      DEBUG: "false"
  notify: Restart djangotutorial

# ... and in the play's handlers:
- name: Restart djangotutorial
  selfhosted.dokku.dokku_ps:
    app: djangotutorial
    state: restarted
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
deployed:
  description: Whether the app has been deployed.
  returned: success
  type: bool
  sample: true
running:
  description: Whether its processes run after the task (C(true), C(false) or C(mixed), as Dokku reports it).
  returned: success
  type: str
  sample: "true"
scale:
  description: The process counts after the task.
  returned: success
  type: dict
  sample: {"web": 2, "worker": 1}
restart_policy:
  description: The app's own restart policy after the task (empty when Dokku's default applies).
  returned: success
  type: str
  sample: on-failure:5
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "ps:scale", "--skip-deploy", "djangotutorial", "web=2"], ["dokku", "ps:start", "djangotutorial"]]
diff:
  description: The parts of the state the task manages, before and after.
  returned: always
  type: dict
  sample:
    before: {"state": "stopped", "scale": {"web": 1}}
    after: {"state": "started", "scale": {"web": 2}}
"""

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._deploy import MISSING_APP
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name

PROCESS_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
RESTART_POLICY_RE = re.compile(r"^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")
NOT_DEPLOYED = (
    "app %s has not been deployed, so it cannot be %s: deploy it first "
    "(selfhosted.dokku.dokku_git_sync or selfhosted.dokku.dokku_git_image)"
)
# states after which ps:scale need not deploy: the app is stopped, or deployed again anyway
SKIP_DEPLOY_STATES = ("stopped", "restarted", "rebuilt")


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


def validate(module):
    error = check_app_name(module.params["app"])
    if error:
        module.fail_json(msg="app: " + error)
    policy = module.params["restart_policy"]
    if policy and not RESTART_POLICY_RE.match(policy):
        module.fail_json(
            msg="restart_policy: %r is invalid: use no, always, unless-stopped, on-failure or on-failure:N "
            "(or an empty string for Dokku's default)" % policy
        )
    if module.params["scale"] is None:
        return None
    try:
        return normalise_scale(module.params["scale"])
    except ValueError as exc:
        module.fail_json(msg="scale: %s" % exc)


def read_state(runner, app, with_scale):
    """ps:report (and ps:scale) as a dict; an empty, undeployed app in check mode when it is missing."""
    report = runner.json_read(["ps:report", app, "--format", "json"], ok_rcs=(0, 20))
    if report is None:
        runner.missing(MISSING_APP % app)
        return dict(deployed=False, running="false", can_scale=True, restart_policy="", scale={})
    state = dict(
        deployed=report.get("deployed") == "true",
        running=report.get("running", "false"),
        can_scale=report.get("can-scale") != "false",
        restart_policy=report.get("restart-policy", ""),
        scale={},
    )
    if with_scale:
        rows = runner.json_read(["ps:scale", app, "--format", "json"]) or []  # empty or null: no formation
        state["scale"] = dict((row["process_type"], int(row["quantity"])) for row in rows)
    return state


def state_name(running):
    return "started" if running == "true" else "stopped" if running == "false" else running


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            state=dict(type="str", choices=["started", "stopped", "restarted", "rebuilt"]),
            scale=dict(type="dict"),
            restart_policy=dict(type="str"),
        ),
        required_one_of=[["state", "scale", "restart_policy"]],
        supports_check_mode=True,
    )
    desired_scale = validate(module)
    app, state, policy = module.params["app"], module.params["state"], module.params["restart_policy"]

    runner = DokkuRunner(module)
    runner.require_supported_version()
    current = read_state(runner, app, with_scale=desired_scale is not None)
    if state not in (None, "stopped") and not current["deployed"]:
        runner.missing(NOT_DEPLOYED % (app, state))
    before, after = {}, {}
    running = current["running"]

    if policy is not None:
        before["restart_policy"], after["restart_policy"] = current["restart_policy"], policy
        if policy != current["restart_policy"]:
            runner.write(["ps:set", app, "restart-policy"] + ([policy] if policy else []))

    scale = current["scale"]
    if desired_scale is not None:
        changes = dict(
            (proc, desired_scale.get(proc, 0))
            for proc in set(scale) | set(desired_scale)
            if desired_scale.get(proc, 0) != scale.get(proc, 0)
        )
        scale = dict(scale)
        scale.update(changes)
        before["scale"], after["scale"] = current["scale"], scale
        if changes:
            if not current["can_scale"]:
                runner.fail("app %s has a formation in its app.json, so Dokku refuses to scale it by hand" % app)
            skip_deploy = state in SKIP_DEPLOY_STATES or running != "true"
            runner.write(["ps:scale"] + (["--skip-deploy"] if skip_deploy else []) + [app]
                         + ["%s=%d" % item for item in sorted(changes.items())])

    if state is not None:
        before["state"], after["state"] = state_name(running), state
        if state in ("restarted", "rebuilt") or state_name(running) != state:
            runner.write(["ps:" + {"started": "start", "stopped": "stop", "restarted": "restart",
                                   "rebuilt": "rebuild"}[state], app])
            running = "false" if state == "stopped" else "true"

    exit_result(
        module, runner, before != after, before, after,
        app=app, deployed=current["deployed"], running=running,
        scale=scale, restart_policy=after.get("restart_policy", current["restart_policy"]),
    )


if __name__ == "__main__":
    main()
