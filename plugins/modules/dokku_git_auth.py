#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_git_auth
short_description: Credentials of private git hosts for Dokku, host-wide
version_added: 0.1.0
description:
  - Stores a user name and token per git host in Dokku's C(.netrc) (C(dokku git:auth HOST USER), the token on
    standard input, never on a command line), so C(git:sync) and deploys can fetch private HTTPS repositories;
    or removes a host's entry (C(dokku git:auth HOST)).
  - The stored entry is compared with the given one in C($DOKKU_ROOT/.netrc) (readable by root, so use
    C(become=true)), and the write runs only when they differ. The token is shown only as C(********).
  - The same entry is written by the C(deploy) block of M(selfhosted.dokku.dokku_apps) and by
    M(selfhosted.dokku.dokku_git_sync) (O(selfhosted.dokku.dokku_git_sync#module:auth_username)); give a host its
    credentials in one place.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  hosts:
    description: The git hosts, each at most once.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: Host name (and port) of the repositories, as in their C(https://) URLs.
        type: str
        required: true
      username:
        description: User name. Required with O(hosts[].state=present).
        type: str
      password:
        description: Password or access token. Required with O(hosts[].state=present).
        type: str
      state:
        description: V(present) stores the entry when it differs; V(absent) removes the host's entry.
        type: str
        choices: [present, absent]
        default: present
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_git_sync
"""

EXAMPLES = r"""
- name: Let Dokku fetch the company's private repositories
  selfhosted.dokku.dokku_git_auth:
    hosts:
      - host: git.example.com
        username: deploy-bot
        password: "{{ vault_git_token }}"
"""

RETURN = r"""
commands:
  description: The mutating dokku calls that ran (or would run in check mode); tokens never appear.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "git:auth", "git.example.com", "deploy-bot"]]
diff:
  description: Per host, the user name and a masked token (C(new) when it is written).
  returned: always
  type: dict
  sample: {"before": {"git.example.com": null}, "after": {"git.example.com": "deploy-bot ******** (new)"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    global:
      git_auth:
        before: {"git_auth": {"git.example.com": null}}
        after: {"git_auth": {"git.example.com": "deploy-bot ******** (new)"}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

GIT_AUTH = get("git_auth")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            hosts=dict(type="list", elements="dict", required=True, options=dict(
                host=dict(type="str", required=True),
                username=dict(type="str"),
                password=dict(type="str", no_log=True),
                state=dict(type="str", default="present", choices=["present", "absent"]),
            )),
        ),
        supports_check_mode=True,
    )
    desired, error = GIT_AUTH.validate(dict(hosts=module.params["hosts"]), GLOBAL)
    if error:
        module.fail_json(msg=error)
    runner = DokkuRunner(module, secrets=[entry["password"] for entry in desired["hosts"]])
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, GIT_AUTH, GLOBAL, desired)
    before, after = plan.before["git_auth"], plan.after["git_auth"]
    exit_result(module, runner, bool(plan.writes), before, after, family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
