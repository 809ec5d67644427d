#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_config
short_description: Manage the config vars (environment) of a Dokku app or of the whole host
version_added: 0.1.0
description:
  - Sets config vars of one app (O(app)) or the global config vars (O(global=true)) to the values in
    O(config), and with O(exclusive=true) unsets the other keys the collection manages.
  - Values never appear in the output, in C(commands) or in the command line of C(dokku). They are
    sent to C(dokku config:import --format json) on standard input. The diff shows each key with a
    marker C(<hidden sha256:XXXXXXXX>) that tells whether a value differs without revealing it.
  - Values are compared the way Dokku 0.38 stores them. An integer-looking value is stored
    re-formatted (V(007) becomes V(7), V(+5) becomes V(5)), so V(007) is already in place when
    Dokku holds V(7).
  - Every write uses C(--no-restart). With O(restart=true) the app is restarted once, at the end,
    when something changed and the app is deployed.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - The app whose config vars to manage. Give either O(app) or O(global=true).
    type: str
  global:
    description:
      - Manage the global config vars, which every app inherits (app values win).
    type: bool
    default: false
  config:
    description:
      - Config vars to set, C(KEY) to value. Keys must match C(^[a-zA-Z_][a-zA-Z0-9_]*$).
      - Values are strings; integers are accepted and turned into strings.
      - A value must not end with a double quote or a backslash, and must not contain a NUL byte.
        Dokku 0.38 stores such values damaged and then cannot read the app's config at all, so the
        module refuses them before running anything.
      - Values of 4 characters or more are masked in any text the task returns. Shorter values are
        never returned by this module, but are not masked in other text, where they would hide
        unrelated words.
    type: dict
    default: {}
  exclusive:
    description:
      - Also unset every key that is set but not in O(config).
      - Keys the collection does not manage are kept, unless they are named in O(config). These are
        the keys Dokku sets itself (C(NO_VHOST), C(GIT_REV), C(DOKKU_*)) and the keys set by service
        links, recognised by a value like C(postgres://user:pass@dokku-postgres-db:5432/db).
    type: bool
    default: false
  restart:
    description:
      - Restart the app (C(dokku ps:restart APP)) once at the end when a key was set or unset and
        the app is deployed. An app that was never deployed is not started.
      - Not allowed with O(global=true).
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - Reads the config with C(dokku config:export --format json) only. Merged (global plus app) values
    are never compared.
seealso:
  - module: selfhosted.dokku.dokku_app
  - module: selfhosted.dokku.dokku_info
"""

EXAMPLES = r"""
- name: Configure the tutorial app and restart it when it changed
  selfhosted.dokku.dokku_config:
    app: djangotutorial
    config:
      DJANGO_SETTINGS_MODULE: mysite.settings
      SECRET_KEY: "{{ vault_django_secret_key }}"
      WEB_CONCURRENCY: "3"
    restart: true

- name: Keep exactly these keys (service links and Dokku's own keys stay)
  selfhosted.dokku.dokku_config:
    app: djangotutorial
    config:
      DJANGO_SETTINGS_MODULE: mysite.settings
    exclusive: true

- name: A global config var for every app
  selfhosted.dokku.dokku_config:
    global: true
    config:
      TZ: Europe/Paris
"""

RETURN = r"""
changed_keys:
  description: Keys that were set (added or given a new value), sorted. Names only.
  returned: always
  type: list
  elements: str
  sample: [SECRET_KEY, WEB_CONCURRENCY]
removed_keys:
  description: Keys that were unset because of O(exclusive=true), sorted. Names only.
  returned: always
  type: list
  elements: str
  sample: [OLD_FLAG]
restarted:
  description: Whether the app was restarted (or would be, in check mode).
  returned: always
  type: bool
  sample: false
commands:
  description: The mutating dokku calls that ran (or would run in check mode). They hold no values.
  returned: always
  type: list
  elements: list
  sample:
    - ["dokku", "config:import", "--no-restart", "--format", "json", "djangotutorial", "-"]
    - ["dokku", "config:unset", "--no-restart", "djangotutorial", "OLD_FLAG"]
    - ["dokku", "ps:restart", "djangotutorial"]
diff:
  description: Every key of the scope before and after, each value replaced by a marker.
    Equal values have equal markers within one run; markers of different runs differ.
  returned: always
  type: dict
  sample: {"before": {"SECRET_KEY": "<hidden sha256:1f0c2a9e>"},
           "after": {"SECRET_KEY": "<hidden sha256:7b44d310>", "WEB_CONCURRENCY": "<hidden sha256:0e5d8c21>"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"config": {"before": {"config": {}}, "after": {"config": {"A": "<hidden sha256:1f0c2a9e>"}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._secrets import Secrets, placeholders
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import app_is_deployed

CONFIG = get("config")


def validate(params, raw_config):
    """Returns ``(scope, desired)`` or ``(None, error message)``; runs before any dokku call."""
    app = params["app"]
    if params["global"] and app:
        return None, "app: give either app or global=true, not both"
    if not params["global"]:
        if not app:
            return None, "app: give the app whose config vars to manage, or global=true for the global ones"
        error = check_app_name(app)
        if error:
            return None, "app: " + error
    if params["global"] and params["restart"]:
        return None, "restart: global config vars have no app to restart; restart the apps that use them"
    scope = GLOBAL if params["global"] else app
    desired, error = CONFIG.validate(dict(config=raw_config, exclusive=params["exclusive"]), scope)
    if error:
        return None, error
    return scope, desired


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str"),
            config=dict(type="dict", default={}, no_log=True),
            exclusive=dict(type="bool", default=False),
            restart=dict(type="bool", default=False),
            **{"global": dict(type="bool", default=False)}
        ),
        supports_check_mode=True,
    )
    name_options(module)
    secrets = Secrets(module)
    raw_config = secrets.hide_option(module.params["config"] or {})
    module.params["config"] = placeholders(raw_config)
    scope, desired = validate(module.params, raw_config)
    if scope is None:
        module.fail_json(msg=desired)

    runner = DokkuRunner(module)
    secrets.register(runner, list(desired["config"].values()))
    runner.require_supported_version()

    plan, converger = converge_one(module, runner, CONFIG, scope, desired)
    detail = plan.detail
    restarted = False
    if detail.changed and module.params["restart"] and app_is_deployed(converger.ctx, scope):
        runner.write(["ps:restart", scope])
        restarted = True

    exit_result(
        module, runner, detail.changed, plan.before["config"], plan.after["config"],
        changed_keys=detail.changed_keys, removed_keys=detail.removed_keys, restarted=restarted,
        family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
