#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_plugin
short_description: Install, pin, enable, disable or uninstall a Dokku plugin
version_added: 0.1.0
description:
  - Makes sure a third-party Dokku plugin is installed (C(dokku plugin:install URL --name NAME)),
    pinned to a git ref (C(dokku plugin:update NAME REF)), enabled or disabled
    (C(dokku plugin:enable)/C(plugin:disable)), or uninstalled (C(dokku plugin:uninstall)).
  - State is read from C(dokku plugin:list --format json) only; the plugin is found by its exact name.
  - An installed plugin is never updated unless O(committish) is given and differs from the
    installed pin, so a run never pulls new plugin code by surprise.
  - Uninstalling needs the explicit O(allow_uninstall=true); O(state=absent) alone fails without
    touching anything.
  - Core plugins (those C(plugin:list) marks C(core)) ship with Dokku and are refused.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  name:
    description:
      - Name of the plugin as Dokku lists it, for example V(postgres). Letters, digits, V(_) and V(-).
      - It is passed to C(plugin:install --name), so it does not depend on the URL.
    type: str
    required: true
  url:
    description:
      - Where to install the plugin from. Required with O(state=present).
      - An V(https://), V(git@), V(git://), V(ssh://) or V(file://) git URL, or the URL of a
        V(.tar.gz)/V(.tgz) archive (V(http://) is refused, as Dokku refuses it).
      - When the plugin is installed from another git URL the task fails; Dokku cannot reinstall
        a plugin from a different URL without uninstalling it first, which this module never does
        on its own. Plugins installed from an archive or by hand have no known source, and any
        O(url) is accepted for them.
    type: str
  committish:
    description:
      - A git tag, branch or commit id to pin the plugin to (C(--committish) at install time,
        C(plugin:update NAME REF) later).
      - The installed plugin already matches when the ref it was pinned to (the file
        C(.plugin_committish) in the plugin's directory) equals this value, or when this value is a
        commit id of at least 7 hex digits that the installed commit starts with.
      - Only git URLs can be pinned.
    type: str
  state:
    description:
      - V(present) installs the plugin when it is missing.
      - V(absent) uninstalls it when it is installed, only together with O(allow_uninstall=true).
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - Whether the installed plugin is enabled. A disabled plugin stays installed, but its commands
        and triggers do not run.
    type: bool
    default: true
  allow_uninstall:
    description:
      - Explicit opt-in to uninstall the plugin when O(state=absent). Never implied.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - Every write (C(plugin:install), C(plugin:update), C(plugin:enable), C(plugin:disable),
    C(plugin:uninstall)) needs root on the Dokku host; use C(become=true).
  - The ref a plugin was pinned to is read from the file
    C($DOKKU_LIB_ROOT/plugins/available/NAME/.plugin_committish), because C(plugin:list) only shows
    the commit id. C(DOKKU_LIB_ROOT) comes from the module's environment and defaults to
    C(/var/lib/dokku).
  - Dokku prints success for C(plugin:update) even when the ref does not exist in the plugin's
    repository (git errors are silenced), and the ref is recorded as the pin all the same.
  - In check mode the returned RV(plugin) is a prediction; values only Dokku can know (the version,
    description and commit id of a plugin not installed yet, or after a new pin) are empty.
seealso:
  - module: selfhosted.dokku.dokku_app
"""

EXAMPLES = r"""
- name: Install the postgres plugin, pinned to a release
  selfhosted.dokku.dokku_plugin:
    name: postgres
    url: https://github.com/dokku/dokku-postgres.git
    committish: 1.48.0
  become: true

- name: Install letsencrypt at whatever its default branch is now (never updated later)
  selfhosted.dokku.dokku_plugin:
    name: letsencrypt
    url: https://github.com/dokku/dokku-letsencrypt.git
  become: true

- name: Keep the redis plugin installed but disabled
  selfhosted.dokku.dokku_plugin:
    name: redis
    url: https://github.com/dokku/dokku-redis.git
    enabled: false
  become: true

- name: Uninstall a plugin (explicit opt-in)
  selfhosted.dokku.dokku_plugin:
    name: mongo
    state: absent
    allow_uninstall: true
  become: true
"""

RETURN = r"""
plugin:
  description:
    - The plugin's C(plugin:list --format json) entry after the change (predicted in check mode).
    - Empty when the plugin is absent.
  returned: always
  type: dict
  sample:
    name: postgres
    version: 1.48.0
    enabled: true
    core: false
    description: dokku postgres service plugin
    source_url: https://github.com/dokku/dokku-postgres.git
    committish: 8cd6d7d3e0f5e4f07b9a2fd1f0e6c2b1a4c9d3e7
    branch: ""
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "plugin:install", "https://github.com/dokku/dokku-postgres.git", "--committish", "1.48.0", "--name", "postgres"]]
diff:
  description:
    - State before and after. C(committish) is the pinned ref when the plugin is pinned, otherwise
      the installed commit id (or the requested ref when a change pins it).
  returned: always
  type: dict
  sample:
    before: {"name": "postgres", "state": "absent", "enabled": false, "committish": "", "source_url": ""}
    after:
      name: postgres
      state: present
      enabled: true
      committish: 1.48.0
      source_url: https://github.com/dokku/dokku-postgres.git
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    global:
      plugins:
        before:
          plugins:
            postgres:
              name: postgres
              state: absent
              enabled: false
              committish: ''
              source_url: ''
        after:
          plugins:
            postgres:
              name: postgres
              state: present
              enabled: true
              committish: 1.48.0
              source_url: https://github.com/dokku/dokku-postgres.git
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
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import read_plugin_list, url_credential

PLUGINS = get("plugins")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            name=dict(type="str", required=True),
            url=dict(type="str"),
            committish=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            enabled=dict(type="bool", default=True),
            allow_uninstall=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    params = module.params
    desired, error = PLUGINS.validate(dict((key, params[key]) for key in (
        "name", "url", "committish", "state", "enabled", "allow_uninstall")), GLOBAL)
    if error:
        module.fail_json(msg=error)
    name, url = params["name"], params["url"]

    runner = DokkuRunner(module, secrets=[url_credential(url)] if url else None)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, PLUGINS, GLOBAL, desired)
    before, after = plan.before["plugins"][name], plan.after["plugins"][name]
    changed = before != after
    predicted = plan.predicted
    if changed and not module.check_mode:
        predicted = dict((entry.get("name"), entry) for entry in read_plugin_list(converger.ctx)).get(name)
    exit_result(module, runner, changed, before, after, plugin=predicted or {},
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
