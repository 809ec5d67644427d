#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_network
short_description: Manage the docker networks of a Dokku host
version_added: 0.1.0
description:
  - Creates the listed docker networks Dokku manages (C(dokku network:create)), and destroys those marked
    absent (C(dokku network:destroy NAME --force)) when O(allow_destroy=true), in one task.
  - The host's networks are read once with C(dokku network:list --format json); C(network:create) fails on
    an existing network, so it only runs for a missing one.
  - A network that an app attaches to (C(network:set APP attach-post-create), C(attach-post-deploy) or
    C(initial-network), or the same global setting) is never destroyed - the task fails before any change.
    The attachments are read from C(dokku network:report --format json) of the host and of every app, only
    when a destroy is planned.
  - Networks not listed are left alone. Which networks an app attaches to is not managed here.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  networks:
    description:
      - The networks, each at most once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Network name (letters, digits, C(_), C(.), C(-)). Docker's own C(bridge), C(host) and C(none) are
            refused.
        type: str
        required: true
      state:
        description: V(present) creates it when missing; V(absent) destroys it (needs O(allow_destroy)).
        type: str
        choices: [present, absent]
        default: present
  allow_destroy:
    description:
      - Explicit opt-in for O(networks[].state=absent).
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_info
"""

EXAMPLES = r"""
- name: A network for the app and its workers
  selfhosted.dokku.dokku_network:
    networks:
      - name: backend

- name: Retire a network no app attaches to any more
  selfhosted.dokku.dokku_network:
    networks:
      - name: old-backend
        state: absent
    allow_destroy: true
"""

RETURN = r"""
networks:
  description: The listed networks after the task (V(present) or V(absent)).
  returned: success
  type: dict
  sample: {"backend": "present"}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "network:create", "backend"]]
diff:
  description: The listed networks before and after.
  returned: always
  type: dict
  sample: {"before": {"networks": {"backend": "absent"}}, "after": {"networks": {"backend": "present"}}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global)), per family, the value C(before)
      and C(after).
  returned: always
  type: dict
  sample: {"global": {"network": {"before": {"networks": {"backend": "absent"}},
           "after": {"networks": {"backend": "present"}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

NETWORK = get("network")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            networks=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                state=dict(type="str", default="present", choices=["present", "absent"]),
            )),
            allow_destroy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    desired, error = NETWORK.validate(dict(networks=module.params["networks"],
                                           allow_destroy=module.params["allow_destroy"]), GLOBAL)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, NETWORK, GLOBAL, desired)
    exit_result(module, runner, plan.changed, plan.before, plan.after, networks=plan.after["networks"],
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
