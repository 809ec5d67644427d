#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_ssh_key
short_description: Manage the SSH public keys allowed to push to Dokku
version_added: 0.1.0
description:
  - Registers SSH public keys with Dokku (C(dokku ssh-keys:add)) or removes them (C(dokku ssh-keys:remove)),
    so their owners can C(git push) to the host.
  - "One key: O(name) with O(key) and O(state). A different key already registered under the same name
    is replaced (removed, then added)."
  - "A list: O(keys). Every listed key is registered; with O(exclusive=true) every registered key that
    is not listed is removed."
  - Keys are compared by their SHA256 fingerprint, computed locally and read back with
    C(dokku ssh-keys:list --format json). The key comment plays no part.
  - Every name and key is checked before any command runs. A private key given by mistake is refused
    without being shown.
  - Dokku registers a key only once. When a wanted key is already registered under another name that
    this task does not remove, the task fails before changing anything.
  - Dokku finds keys by name with a regular expression where C(.) matches any character, so removing
    C(a.b) would also remove C(axb). The module refuses such a change instead of removing a key it was
    not asked to remove.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  name:
    description:
      - Name of one key. Letters, digits, C(_), C(.), C(@) and C(-); no spaces or quotes.
      - Mutually exclusive with O(keys).
    type: str
  key:
    description:
      - The public key of O(name), one line as in a C(.pub) file, for example C(ssh-ed25519 AAAA... me@laptop).
      - Required with O(name) and O(state=present); not used with O(state=absent).
    type: str
  state:
    description:
      - With O(name), V(present) registers O(key) under O(name) and V(absent) removes the key named O(name).
      - With O(keys), only V(present) is allowed; use O(exclusive) to remove keys.
    type: str
    choices: [present, absent]
    default: present
  keys:
    description:
      - Keys to register, each with its name. Names must be unique, and so must keys.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the key, as for O(name).
        type: str
        required: true
      key:
        description: The public key, as for O(key).
        type: str
        required: true
  exclusive:
    description:
      - With O(keys), also remove every registered key that is not listed. An empty O(keys) list then
        removes every key.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - C(ssh-keys:add) and C(ssh-keys:remove) need root on the Dokku host (C(become=true)).
  - The key is passed to C(dokku ssh-keys:add) on stdin, never on the command line.
"""

EXAMPLES = r"""
- name: Let the admin push
  selfhosted.dokku.dokku_ssh_key:
    name: admin
    key: "{{ lookup('ansible.builtin.file', 'files/admin.pub') }}"
  become: true

- name: Remove a former colleague's key
  selfhosted.dokku.dokku_ssh_key:
    name: bob
    state: absent
  become: true

- name: Exactly these keys, nothing else
  selfhosted.dokku.dokku_ssh_key:
    keys:
      - name: admin
        key: "{{ lookup('ansible.builtin.file', 'files/admin.pub') }}"
      - name: ci
        key: "{{ ci_deploy_public_key }}"
    exclusive: true
  become: true
"""

RETURN = r"""
fingerprints:
  description: Every registered key after the task (predicted in check mode), name to SHA256 fingerprint.
  returned: success
  type: dict
  sample: {"admin": "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"}
commands:
  description: The mutating dokku calls that ran (or would run in check mode). Keys go on stdin and do not appear.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "ssh-keys:remove", "admin"], ["dokku", "ssh-keys:add", "admin"]]
diff:
  description: Registered keys before and after, as maps of name to fingerprint.
  returned: always
  type: dict
  sample: {"before": {}, "after": {"admin": "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"global": {"ssh_keys": {"before": {"ssh_keys": {}}, "after": {"ssh_keys": {"admin": "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import parse_ssh_public_key
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ssh_keys import check_key_name

SSH_KEYS = get("ssh_keys")


def wanted_keys(module):
    """Validate the parameters (no dokku call yet): {name: (key, fingerprint)} and the name to remove."""
    params = module.params
    if params["keys"] is not None:
        if params["state"] == "absent":
            module.fail_json(msg="state: absent is only for one key given by name; with keys, "
                                 "set exclusive=true to remove the keys that are not listed")
        if params["key"] is not None:
            module.fail_json(msg="key: give each key inside keys, next to its name")
        entries = [("keys[%d]." % i, item["name"], item["key"]) for i, item in enumerate(params["keys"])]
    else:
        if params["exclusive"]:
            module.fail_json(msg="exclusive: only with keys (a list of every key to keep)")
        error = check_key_name(params["name"])
        if error:
            module.fail_json(msg="name: " + error)
        if params["state"] == "absent":
            if params["key"] is not None:
                module.fail_json(msg="key: not used with state=absent, which removes the key named %r "
                                     "whatever it is" % params["name"])
            return {}, params["name"]
        if params["key"] is None:
            module.fail_json(msg="key: required with state=present (the public key line of %r)" % params["name"])
        entries = [("", params["name"], params["key"])]

    wanted = {}
    owners = {}
    for label, name, key in entries:
        error = check_key_name(name)
        if error:
            module.fail_json(msg="%sname: %s" % (label, error))
        normalised, fingerprint, error = parse_ssh_public_key(key)
        if error:
            module.fail_json(msg="%skey: %s (key named %r)" % (label, error, name))
        if name in wanted and wanted[name][1] != fingerprint:
            module.fail_json(msg="keys: the name %r is given twice with different keys" % name)
        if owners.get(fingerprint, name) != name:
            module.fail_json(msg="keys: the same key is given as %r and as %r; Dokku registers a key "
                                 "under one name only" % (owners[fingerprint], name))
        wanted[name] = (normalised, fingerprint)
        owners[fingerprint] = name
    return wanted, None


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            name=dict(type="str"),
            key=dict(type="str", no_log=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            keys=dict(
                type="list",
                elements="dict",
                no_log=False,  # the names are not secret; each key value has no_log below
                options=dict(
                    name=dict(type="str", required=True),
                    key=dict(type="str", required=True, no_log=True),
                ),
            ),
            exclusive=dict(type="bool", default=False),
        ),
        mutually_exclusive=[["name", "keys"]],
        required_one_of=[["name", "keys"]],
        supports_check_mode=True,
    )
    name_options(module)
    wanted, removed_name = wanted_keys(module)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    desired = dict(keys=wanted, remove=removed_name, exclusive=module.params["exclusive"])
    plan, converger = converge_one(module, runner, SSH_KEYS, GLOBAL, desired)
    before, after = plan.before["ssh_keys"], plan.after["ssh_keys"]
    exit_result(module, runner, bool(plan.writes), before, after, fingerprints=after,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
