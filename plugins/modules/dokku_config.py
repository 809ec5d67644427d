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
"""

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._config import ValueMarker, is_unmanaged
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    normalise_config_value,
    parse_config_export,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_app_name,
    check_config_key,
    check_config_value,
)

GLOBAL = "--global"
MIN_MASKED_LENGTH = 4  # shorter values would mask unrelated text (key names, markers)
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def validate(params, raw_config):
    """Returns ``(scope, config)`` or ``(None, error message)``; runs before any dokku call."""
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
    config = {}
    for key, value in raw_config.items():
        error = check_config_key(key)
        if error:
            return None, "config: " + error
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, "config: config value of %s must be a string (quote it in YAML)" % key
        error = check_config_value(key, value)
        if error:
            return None, "config: " + error
        config[key] = value
    return (GLOBAL if params["global"] else app), config


def hide_config_param(module):
    """Ansible masks every value of a ``no_log`` option in all returned text.

    Values shorter than MIN_MASKED_LENGTH would turn unrelated words into
    ``********``, so they are taken off that list; the invocation returned with
    the result then shows no value at all, whatever its length.  Returns the
    option's own value.
    """
    config = module.params["config"] or {}
    module.no_log_values.difference_update([v for v in module.no_log_values if len(v) < MIN_MASKED_LENGTH])
    module.params["config"] = dict.fromkeys(config, NO_LOG_PLACEHOLDER)
    return config


def read_config(runner, scope):
    """``config:export --format json``; its error text is not returned (it can quote values)."""
    res = runner.read(["config:export", "--format", "json", scope], fail_on_error=False)
    if res.rc == 20:
        runner.missing("app: app %s does not exist; create it first (selfhosted.dokku.dokku_app)" % scope)
        return {}
    if res.rc != 0:
        runner.fail(
            "cannot read the config vars of %s: dokku config:export exited with code %d (its message is "
            "not shown because it can quote config values; a value ending in a double quote leaves the "
            "ENV file unreadable)" % (scope, res.rc)
        )
    try:
        return parse_config_export(res.stdout)
    except ValueError:
        runner.fail("cannot parse the output of dokku config:export for %s" % scope)
    return {}


def app_is_deployed(runner, app):
    report = runner.json_read(["ps:report", app, "--format", "json"], default={}) or {}
    return report.get("deployed") == "true"


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
    scope, config = validate(module.params, hide_config_param(module))
    if scope is None:
        module.fail_json(msg=config)

    runner = DokkuRunner(module)
    for value in config.values():
        if len(value) >= MIN_MASKED_LENGTH:
            runner.add_secret(value)
    runner.require_supported_version()

    current = read_config(runner, scope)
    target = dict((key, normalise_config_value(value)) for key, value in config.items())
    changed_keys = sorted(key for key, value in target.items() if current.get(key) != value)
    removed_keys = []
    if module.params["exclusive"]:
        removed_keys = sorted(
            key for key, value in current.items() if key not in target and not is_unmanaged(key, value)
        )
    final = dict((key, value) for key, value in current.items() if key not in removed_keys)
    final.update(target)

    if changed_keys:
        data = json.dumps(dict((key, config[key]) for key in changed_keys), sort_keys=True)
        runner.write(["config:import", "--no-restart", "--format", "json", scope, "-"], data=data)
    if removed_keys:
        runner.write(["config:unset", "--no-restart", scope] + removed_keys)
    changed = bool(changed_keys or removed_keys)
    restarted = False
    if changed and module.params["restart"] and app_is_deployed(runner, scope):
        runner.write(["ps:restart", scope])
        restarted = True

    marker = ValueMarker()
    exit_result(
        module, runner, changed, marker.mask(current), marker.mask(final),
        changed_keys=changed_keys, removed_keys=removed_keys, restarted=restarted,
    )


if __name__ == "__main__":
    main()
