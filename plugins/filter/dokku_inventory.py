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
from ansible_collections.selfhosted.dokku.plugins.module_utils._config import is_unmanaged

OFFICIAL_PLUGIN_URL = "https://github.com/dokku/dokku-%s.git"
OFFICIAL_PLUGINS = ("postgres", "mysql", "mariadb", "redis", "mongo", "memcached", "rabbitmq", "elasticsearch",
                    "couchdb", "rethinkdb", "clickhouse", "nats", "solr", "meilisearch", "typesense", "letsencrypt")


def secret_ref(*path):
    return "{{ dokku_export_secrets%s }}" % "".join("[%r]" % part for part in path)


def managed(config):
    return dict((k, v) for k, v in sorted(config.items()) if not is_unmanaged(k, v))


def plugins(facts, skipped):
    out = []
    for name, entry in sorted(facts.get("plugins", {}).items()):
        if entry.get("core"):
            continue
        plugin = {"name": name}
        if entry.get("source_url"):
            plugin["url"] = entry["source_url"]
            if entry.get("committish"):
                plugin["committish"] = entry["committish"]
        elif name in OFFICIAL_PLUGINS:
            plugin["url"] = OFFICIAL_PLUGIN_URL % name
        else:
            skipped.append("plugin %s: Dokku does not know where it was installed from" % name)
            continue
        if not entry.get("enabled", True):
            plugin["enabled"] = False
        out.append(plugin)
    return out


def apps(facts, secrets):
    out = []
    for name, details in sorted(facts.get("app_details", {}).items()):
        app = {"name": name}
        config = managed(details.get("config", {}))
        if config:
            secrets.setdefault("apps", {})[name] = {"config": config}
            app["config"] = secret_ref("apps", name, "config")
        app["domains"] = sorted(details.get("domains", []))
        if not details.get("vhosts_enabled", True):
            app["vhosts_enabled"] = False
        if details.get("ports"):
            app["ports"] = sorted(details["ports"])
        services = [{"type": kind, "name": service}
                    for kind, names in sorted(details.get("links", {}).items()) for service in sorted(names)]
        if services:
            app["services"] = services
        out.append(app)
    return out


def dokku_inventory(facts):
    if not isinstance(facts, dict) or "apps" not in facts:
        raise AnsibleFilterError("dokku_inventory expects the 'dokku' facts of selfhosted.dokku.dokku_info")
    secrets, skipped = {}, []
    variables = {"dokku_install_version": facts["version"]}
    variables["dokku_ssh_keys_keys"] = [
        {"name": name, "key": key} for name, key in sorted(facts.get("ssh_public_keys", {}).items())
    ]
    if facts.get("global_domains"):
        variables["dokku_global_domains"] = list(facts["global_domains"])
    global_config = managed(facts.get("global_config", {}))
    if global_config:
        secrets["global_config"] = global_config
        variables["dokku_global_config"] = secret_ref("global_config")
    variables["dokku_plugins_plugins"] = plugins(facts, skipped)
    variables["dokku_apps_apps"] = apps(facts, secrets)
    linked = set((kind, name) for details in facts.get("app_details", {}).values()
                 for kind, names in details.get("links", {}).items() for name in names)
    for kind, services in sorted(facts.get("services", {}).items()):
        for name in sorted(services):
            if (kind, name) not in linked:
                skipped.append("%s service %s: no app links to it" % (kind, name))
    letsencrypt = facts.get("letsencrypt") or {}
    if letsencrypt:
        if letsencrypt.get("email"):
            variables["dokku_letsencrypt_email"] = letsencrypt["email"]
        if letsencrypt.get("server"):
            variables["dokku_letsencrypt_server"] = letsencrypt["server"]
        variables["dokku_letsencrypt_cron_job"] = bool(letsencrypt.get("cron_job"))
        variables["dokku_letsencrypt_apps"] = sorted(
            name for name, details in facts.get("app_details", {}).items()
            if (details.get("letsencrypt") or {}).get("enabled")
        )
    return {"vars": variables, "secrets": {"dokku_export_secrets": secrets}, "skipped": skipped}


class FilterModule(object):
    def filters(self):
        return {"dokku_inventory": dokku_inventory}
