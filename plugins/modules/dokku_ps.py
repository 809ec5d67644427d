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
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"ps": {"before": {"ps": {"scale": {"web": 1}}}, "after": {"ps": {"scale": {"web": 2}}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

PS = get("ps")


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
    name_options(module)
    app = module.params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = PS.validate(dict((key, module.params[key]) for key in ("state", "scale", "restart_policy")), app)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, PS, app, desired)
    before, after = dict(plan.before["ps"]), dict(plan.after["ps"])
    if plan.action:
        before["state"], after["state"] = plan.action
    exit_result(
        module, runner, before != after, before, after,
        app=app, deployed=plan.deployed, running=plan.running, scale=plan.scale,
        restart_policy=after.get("restart_policy", plan.restart_policy), family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
