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
    never returned.
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
      description: Datastore services by type, then by name, with the linked apps and the image.
      type: dict
      sample: {"postgres": {"djangotutorial-datastore": {"links": ["djangotutorial"], "image": "postgres:18.4"}}}
    letsencrypt:
      description: Global Let's Encrypt email and server, and whether the auto-renew job is on.
      type: dict
    app_details:
      description: Per app - config (masked), domains, vhosts_enabled, ports, links by service type, letsencrypt.
      type: dict
commands:
  description: Always empty, this module changes nothing.
  returned: always
  type: list
  elements: list
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._config import ValueMarker
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    no_apps_message,
    parse_config_export,
    parse_json_document,
    parse_flag_value,
    parse_lines,
    parse_plugin_list_json,
    parse_ssh_keys_json,
    split_words,
    ssh_keys_list_is_empty,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    DATASTORE_TYPES,
    check_app_name,
)


def read_host(runner, mask):
    facts = dict(version=".".join(str(n) for n in runner.version))
    facts["apps"] = runner.json_read(["apps:list", "--format", "json"], default=[]) or []
    domains = runner.json_read(["domains:report", "--global", "--format", "json"], default={}) or {}
    facts["global_domains"] = split_words(domains.get("global-vhosts"))
    facts["global_config"] = mask(parse_config_export(
        runner.read(["config:export", "--format", "json", "--global"]).stdout))

    plugins = parse_plugin_list_json(runner.read(["plugin:list", "--format", "json"]).stdout)
    facts["plugins"] = dict(
        (name, dict((k, entry.get(k)) for k in ("version", "enabled", "core", "source_url", "committish")))
        for name, entry in plugins.items()
    )

    res = runner.read(["ssh-keys:list", "--format", "json"], ok_rcs=(0, 1))
    if res.rc == 0:
        keys = parse_ssh_keys_json(res.stdout)
        facts["ssh_keys"] = dict((k["name"], k["fingerprint"]) for k in keys)
        facts["ssh_public_keys"] = dict((k["name"], k["public_key"]) for k in keys)
    elif ssh_keys_list_is_empty(res.rc, res.stderr):
        facts["ssh_keys"], facts["ssh_public_keys"] = {}, {}
    else:
        runner.fail("cannot list SSH keys", args=["ssh-keys:list"], rc=res.rc, stdout=res.stdout, stderr=res.stderr)

    services = {}
    for kind in DATASTORE_TYPES:
        if not plugins.get(kind, {}).get("enabled"):
            continue
        names = parse_lines(runner.read([kind + ":list"], global_flags=["--quiet"]).stdout)
        services[kind] = dict(
            (name, dict(
                links=parse_lines(runner.read([kind + ":links", name]).stdout),
                image=parse_flag_value(runner.read([kind + ":info", name, "--version"]).stdout),
            ))
            for name in names
        )
    facts["services"] = services

    facts["letsencrypt"] = read_letsencrypt_global(runner) if plugins.get("letsencrypt", {}).get("enabled") else {}
    return facts, plugins


def read_letsencrypt_global(runner):
    res = runner.read(["letsencrypt:report", "--global", "--format", "json"], ok_rcs=(0, 1))
    if res.rc == 0:
        report = parse_json_document(res.stdout, default={}) or {}
    elif no_apps_message(res.stderr):
        report = {}  # Dokku refuses the global report while no app exists
    else:
        runner.fail("cannot read the letsencrypt report", args=["letsencrypt:report"], rc=res.rc,
                    stdout=res.stdout, stderr=res.stderr)
        report = {}
    status = runner.read(["letsencrypt:cron-job"]).stdout
    return dict(
        email=report.get("global-email", ""),
        server=report.get("global-server", ""),
        cron_job="Auto-renew cron job is enabled" in status,
    )


def read_app(runner, app, plugins, mask):
    details = {}
    details["config"] = mask(parse_config_export(runner.read(["config:export", "--format", "json", app]).stdout))
    domains = runner.json_read(["domains:report", app, "--format", "json"], default={}) or {}
    details["domains"] = split_words(domains.get("app-vhosts"))
    details["vhosts_enabled"] = domains.get("app-enabled") == "true"
    details["ports"] = split_words(parse_flag_value(runner.read(["ports:report", app, "--ports-map"]).stdout))
    links = {}
    for kind in DATASTORE_TYPES:
        if plugins.get(kind, {}).get("enabled"):
            linked = parse_lines(runner.read([kind + ":app-links", app]).stdout)
            if linked:
                links[kind] = linked
    details["links"] = links
    if plugins.get("letsencrypt", {}).get("enabled"):
        report = runner.json_read(["letsencrypt:report", app, "--format", "json"], default={}) or {}
        details["letsencrypt"] = dict(
            enabled=parse_flag_value(runner.read(["letsencrypt:active", app]).stdout) == "true",
            email=report.get("email", ""),
            server=report.get("server", ""),
        )
    return details


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            apps=dict(type="list", elements="str"),
            show_config_values=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    for app in module.params["apps"] or []:
        error = check_app_name(app)
        if error:
            module.fail_json(msg="apps: " + error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    mask = dict if module.params["show_config_values"] else ValueMarker().mask
    facts, plugins = read_host(runner, mask)
    wanted = module.params["apps"] if module.params["apps"] is not None else facts["apps"]
    missing = [app for app in wanted if app not in facts["apps"]]
    if missing:
        module.fail_json(msg="apps: these apps do not exist: %s" % ", ".join(missing))
    facts["app_details"] = dict((app, read_app(runner, app, plugins, mask)) for app in wanted)
    module.exit_json(changed=False, dokku=facts, commands=[])


if __name__ == "__main__":
    main()
