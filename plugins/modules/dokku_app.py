#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_app
short_description: Create or destroy a Dokku app
version_added: 0.1.0
description:
  - Makes sure a Dokku app exists (C(dokku apps:create)) or does not exist (C(dokku apps:destroy --force)).
  - Destroying an app deletes its containers, config and domains. It needs the explicit
    O(allow_destroy=true); O(state=absent) alone fails without touching anything.
  - The app name is checked against Dokku's naming rule before any command runs.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  name:
    description:
      - Name of the app. Lowercase letters, digits, dots and hyphens, starting with a letter or digit.
    type: str
    required: true
    aliases: [app]
  state:
    description:
      - V(present) creates the app when it is missing.
      - V(absent) destroys it when it exists, only together with O(allow_destroy=true).
    type: str
    choices: [present, absent]
    default: present
  allow_destroy:
    description:
      - Explicit opt-in to destroy the app when O(state=absent). Never implied.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_info
"""

EXAMPLES = r"""
- name: Create the app of the tutorial
  selfhosted.dokku.dokku_app:
    name: djangotutorial

- name: Destroy an app that is no longer wanted (explicit opt-in)
  selfhosted.dokku.dokku_app:
    name: old-app
    state: absent
    allow_destroy: true
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "apps:create", "djangotutorial"]]
diff:
  description: State before and after.
  returned: always
  type: dict
  sample: {"before": {"name": "djangotutorial", "state": "absent"}, "after": {"name": "djangotutorial", "state": "present"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"apps": {"before": {"state": "absent"}, "after": {"state": "present"}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

APPS = get("apps")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            name=dict(type="str", required=True, aliases=["app"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            allow_destroy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    name = module.params["name"]
    desired, error = APPS.validate(APPS.desired(module.params), name)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, APPS, name, desired)
    before = dict(name=name, state=plan.before["state"])
    after = dict(name=name, state=plan.after["state"])
    exit_result(module, runner, before != after, before, after, app=name, family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
