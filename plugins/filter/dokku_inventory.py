# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dokku_inventory
short_description: Turn dokku_info facts into the inventory variables site.yml converges to
version_added: 0.1.0
author:
  - selfhosted.dokku developers (@selfhosted)
description:
  - Takes the C(dokku) facts of M(selfhosted.dokku.dokku_info) (read with C(show_config_values=true))
    and returns C(vars), the role variables that make C(playbooks/site.yml) converge to exactly
    that host, and C(secrets), the config values, meant for a separate file to encrypt with
    C(ansible-vault). C(vars) refers to them as C(dokku_export_secrets).
  - Config keys the collection does not manage (set by service links or by Dokku itself) are left
    out. Services that no app links to, and plugins whose source Dokku does not know and that are not
    official dokku plugins, cannot be expressed and are listed in C(skipped).
positional: _input
options:
  _input:
    description: The C(dokku) facts returned by M(selfhosted.dokku.dokku_info).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Read the host
  selfhosted.dokku.dokku_info:
    show_config_values: true
  register: host_state
  no_log: true

- name: Write its inventory variables
  ansible.builtin.copy:
    content: "{{ (host_state.dokku | selfhosted.dokku.dokku_inventory).vars | to_nice_yaml }}"
    dest: "host_vars/{{ inventory_hostname }}/dokku.yml"
    mode: "0644"
  delegate_to: localhost
"""

RETURN = r"""
_value:
  description: C(vars) (role variables), C(secrets) (config values) and C(skipped) (what could not be exported).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import FAMILIES


class Export(object):
    """What the families' exports write to besides the variables: secrets and what was skipped."""

    def __init__(self):
        self.secrets = {}
        self.skipped = []

    @staticmethod
    def secret_ref(*path):
        return "{{ dokku_export_secrets%s }}" % "".join("[%r]" % part for part in path)


def dokku_inventory(facts):
    if not isinstance(facts, dict) or "apps" not in facts:
        raise AnsibleFilterError("dokku_inventory expects the 'dokku' facts of selfhosted.dokku.dokku_info")
    out = Export()
    variables = {"dokku_install_version": facts["version"]}
    for family in FAMILIES:
        variables.update(family.export(facts, None, out))
    apps = []
    for name, details in sorted(facts.get("app_details", {}).items()):
        entry = {"name": name}
        for family in FAMILIES:
            entry.update(family.export(details, name, out))
        apps.append(entry)
    variables["dokku_apps_apps"] = apps
    return {"vars": variables, "secrets": {"dokku_export_secrets": out.secrets}, "skipped": out.skipped}


class FilterModule(object):
    def filters(self):
        return {"dokku_inventory": dokku_inventory}
