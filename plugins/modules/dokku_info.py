#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_info
short_description: Read the state of a Dokku host and its apps
version_added: 0.1.0
description:
  - Reads, and never changes, what a Dokku host has. Host facts - the Dokku version, apps, global
    domains and config, plugins, SSH keys, datastore services with their links, the Let's Encrypt
    settings and auto-renew job. App facts, for the apps in O(apps) - config, domains, port
    mappings, linked services and Let's Encrypt state.
  - Everything comes from Dokku's JSON reports and C(config:export --format json).
  - Config values are masked unless O(show_config_values=true). Service passwords and DSNs are
    never returned; backup credentials and passphrases only with O(show_config_values=true).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  apps:
    description:
      - Apps to describe in RV(dokku.app_details). Default is every app on the host.
      - An app that does not exist fails the task.
    type: list
    elements: str
  show_config_values:
    description:
      - Return config values in clear text. By default each value is replaced by a marker.
      - Also return the backup credentials and encryption passphrases of the services (the export needs them).
    type: bool
    default: false
  properties:
    description:
      - Plugins whose stored properties (C(PLUGIN:set), see M(selfhosted.dokku.dokku_property)) to return, in
        RV(dokku.global_properties) and each app's C(properties); V([all]) for every plugin of the property table.
      - Each plugin costs one C(PLUGIN:report --format json) per app and one for the host, so none are read by
        default.
    type: list
    elements: str
    default: []
  k3s:
    description:
      - Return the k3s cluster of Dokku's scheduler-k3s plugin in RV(dokku.k3s) - whether k3s is initialized
        and its nodes (name, SSH URL, role, ready, version), as M(selfhosted.dokku.dokku_k3s) manages them.
      - With it, on a host where k3s is initialized, each app's C(k3s_annotations) and C(k3s_labels)
        (C(scheduler-k3s:annotations:report) and C(labels:report)) are returned too, in the shape of the
        O(selfhosted.dokku.dokku_apps#module:apps[].k3s_annotations) entry option.
      - Costs one C(scheduler-k3s:cluster:list --format json), one C(profiles:list) and two reads per app, so it
        is off by default.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES_INFO
seealso:
  - module: selfhosted.dokku.dokku_app
"""

EXAMPLES = r"""
- name: Read the host
  selfhosted.dokku.dokku_info:
  register: dokku_host

- name: Show the apps and their domains
  ansible.builtin.debug:
    msg: "{{ dokku_host.dokku.app_details | dict2items | map(attribute='value.domains') | list }}"

- name: Describe one app only
  selfhosted.dokku.dokku_info:
    apps: [djangotutorial]
"""

RETURN = r"""
dokku:
  description: What the host has.
  returned: always
  type: dict
  contains:
    version:
      description: Dokku version.
      type: str
      sample: 0.38.27
    apps:
      description: Names of all apps.
      type: list
      elements: str
    global_domains:
      description: Global domains.
      type: list
      elements: str
    global_config:
      description: Global config keys with their values masked (unless O(show_config_values=true)).
      type: dict
    global_properties:
      description:
        - "The stored global properties of the plugins in O(properties), as C({plugin: {property: value}}) (secret
          ones masked unless O(show_config_values=true)); each app's are in its C(properties)."
      returned: when O(properties) is not empty
      type: dict
    k3s:
      description:
        - The k3s cluster - C(initialized), and C(nodes), each with C(name), C(url) (the SSH URL it joined by,
          empty for the Dokku host), C(role) (server or worker), C(ready) and C(version).
      returned: when O(k3s=true)
      type: dict
    plugins:
      description: Installed plugins by name (version, enabled, core, source_url, committish).
      type: dict
    ssh_keys:
      description: SSH key names mapped to their SHA256 fingerprints.
      type: dict
    ssh_public_keys:
      description: SSH key names mapped to their public key lines (public keys are not secret).
      type: dict
    services:
      description:
        - Datastore services by type, then by name - the linked apps, the image, the exposed host ports and
          the backup schedule, and whether backup credentials and an encryption passphrase are set.
        - The credentials and the passphrase themselves (C(backup_credentials), C(backup_encryption_passphrase))
          only with O(show_config_values=true), for the export.
      type: dict
      sample:
        postgres:
          djangotutorial-datastore:
            links: [djangotutorial]
            image: postgres:18.4
            exposed_ports: ["15432"]
            backup_schedule: "0 3 * * *"
            backup_bucket: my-backups
            backup_use_iam: false
            backup_auth: true
            backup_encryption: true
    letsencrypt:
      description: Global Let's Encrypt email and server, and whether the auto-renew job is on.
      type: dict
    networks:
      description: Docker networks of the host by name, with whether Dokku manages them (C(dokku_managed)).
      type: dict
    app_details:
      description:
        - Per app - config (masked), domains, vhosts_enabled, ports, links by service type, letsencrypt.
        - Also C(storage) (the app's mounts, with the entry, host path, container directory, phases, process
          type and options of each), C(docker_options) (the options per phase) and C(resources) (limits and
          reservations per process type).
        - "With O(k3s=true) on a host where k3s is initialized, C(k3s_annotations) and C(k3s_labels)
          (C({PROCESS.RESOURCE: {key: value}}))."
      type: dict
commands:
  description: Always empty, this module changes nothing.
  returned: always
  type: list
  elements: list
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import StateReader
from ansible_collections.selfhosted.dokku.plugins.module_utils._properties import TABLE as PROPERTY_TABLE
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import DokkuRunner, dokku_argument_spec, name_options
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import FAMILIES


def property_plugins(module):
    """The plugins whose stored properties are returned (``all``: every plugin of the table)."""
    wanted = module.params["properties"]
    if "all" in wanted:
        return sorted(PROPERTY_TABLE)
    unknown = [plugin for plugin in wanted if plugin not in PROPERTY_TABLE]
    if unknown:
        module.fail_json(msg="properties: unknown plugins %s: use all or some of %s" % (
            ", ".join(unknown), ", ".join(sorted(PROPERTY_TABLE))))
    return sorted(set(wanted))


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            apps=dict(type="list", elements="str"),
            show_config_values=dict(type="bool", default=False),
            properties=dict(type="list", elements="str", default=[]),
            k3s=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    for app in module.params["apps"] or []:
        error = check_app_name(app)
        if error:
            module.fail_json(msg="apps: " + error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    ctx = StateReader(module, runner)
    ctx.info_mask = dict if module.params["show_config_values"] else ctx.marker.mask
    ctx.info_properties = property_plugins(module)
    ctx.info_k3s = module.params["k3s"]
    facts = dict(version=".".join(str(n) for n in runner.version))
    for family in FAMILIES:
        facts.update(family.info(ctx, None) or {})
    wanted = module.params["apps"] if module.params["apps"] is not None else facts["apps"]
    missing = [app for app in wanted if app not in facts["apps"]]
    if missing:
        module.fail_json(msg="apps: these apps do not exist: %s" % ", ".join(missing))
    facts["app_details"] = {}
    for app in wanted:
        details = facts["app_details"][app] = {}
        for family in FAMILIES:
            details.update(family.info(ctx, app) or {})
    module.exit_json(changed=False, dokku=facts, commands=[])


if __name__ == "__main__":
    main()
