#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_registry_login
short_description: Log Dokku in to container registries, host-wide
version_added: 0.1.0
description:
  - Logs the Dokku host in to container registries (C(dokku registry:login --global --password-stdin SERVER USER)),
    so deploys can pull private images and push to a registry; or logs it out (C(dokku registry:logout --global SERVER)).
  - The password goes to Dokku on standard input, never on a command line, and is shown only as C(********).
  - Dokku cannot tell whether the credentials it stored equal the given ones. The module compares them with what
    C(docker login) stored for the dokku user (C(auths) in C($DOKKU_ROOT/.docker/config.json)), so a logout or
    another login made by hand is seen and fixed. When docker keeps credentials in a credential helper instead, it
    compares them with a marker it writes after each login (C($DOKKU_ROOT/.docker/selfhosted-dokku-logins.json),
    mode 0600, holding the user name and a salted PBKDF2 hash of the password).
  - Reading those files needs root (C(become=true)).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  logins:
    description: The registries, each at most once.
    type: list
    elements: dict
    required: true
    suboptions:
      server:
        description:
          - Registry host name, optionally with a port and a path (V(registry.example.com:5000), V(ghcr.io));
            no scheme. V(docker.io), V(hub.docker.com) and V(docker.com) are Docker Hub.
        type: str
        required: true
      username:
        description: User name. Required with O(logins[].state=present).
        type: str
      password:
        description:
          - Password or token (Dokku strips surrounding whitespace, so none is accepted). Required with
            O(logins[].state=present).
        type: str
      state:
        description: V(present) logs in when the stored credentials differ; V(absent) logs out when logged in.
        type: str
        choices: [present, absent]
        default: present
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
"""

EXAMPLES = r"""
- name: Pull private images from GitHub's registry
  selfhosted.dokku.dokku_registry_login:
    logins:
      - server: ghcr.io
        username: deploy-bot
        password: "{{ vault_ghcr_token }}"
"""

RETURN = r"""
commands:
  description: The mutating dokku calls that ran (or would run in check mode); passwords never appear.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "registry:login", "--global", "--password-stdin", "ghcr.io", "deploy-bot"]]
diff:
  description: Per server, the user name and a masked password (C(new) when it is written).
  returned: always
  type: dict
  sample: {"before": {"ghcr.io": null}, "after": {"ghcr.io": "deploy-bot ******** (new)"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    global:
      registry_login:
        before: {"registry_logins": {"ghcr.io": null}}
        after: {"registry_logins": {"ghcr.io": "deploy-bot ******** (new)"}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

LOGINS = get("registry_login")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            logins=dict(type="list", elements="dict", required=True, options=dict(
                server=dict(type="str", required=True),
                username=dict(type="str"),
                password=dict(type="str", no_log=True),
                state=dict(type="str", default="present", choices=["present", "absent"]),
            )),
        ),
        supports_check_mode=True,
    )
    desired, error = LOGINS.validate(dict(logins=module.params["logins"]), GLOBAL)
    if error:
        module.fail_json(msg=error)
    runner = DokkuRunner(module, secrets=[login["password"] for login in desired["logins"]])
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, LOGINS, GLOBAL, desired)
    before, after = plan.before["registry_logins"], plan.after["registry_logins"]
    exit_result(module, runner, bool(plan.writes), before, after, family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
