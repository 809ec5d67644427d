#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_property
short_description: Set the plugin properties of a Dokku app or of the host (nginx, ps, registry, builder, ...)
version_added: 0.2.0
description:
  - Sets or unsets any C(PLUGIN:set) property of Dokku's core plugins, for an app or globally - for example
    C(nginx:set APP client-max-body-size 50m), C(ps:set APP restart-policy always),
    C(registry:set --global server registry.example.com), C(proxy:set APP caddy).
  - One property (O(plugin), O(property), O(value)) or several (O(properties)). Only the given properties are
    managed.
  - The stored values are read with C(PLUGIN:report APP --format json) (or C(--global)), once per plugin, and
    compared before anything is written. Drift compares the stored value, not the effective (computed) one.
  - A value of V(null) or an empty string unsets the property, and so does Dokku's default value - unless the app
    would then inherit a different global value, when the default is stored on the app explicitly.
  - Values are checked against the property's kind before any call (sizes, durations, whole numbers, booleans),
    and a property is refused in a scope Dokku does not have it in (C(caddy.image) is global only).
  - C(nginx:set) only stores a value, so after an app's nginx properties changed the module runs
    C(proxy:build-config APP) once, and the app's C(nginx.conf) has the new values. A global nginx change
    reaches each app at its next deploy or rebuild.
  - Booleans are written as Dokku reads them - V(true)/V(false), or V(on)/V(off) for the nginx and openresty
    properties of that kind (YAML reads an unquoted C(on) as a boolean; both forms are accepted).
  - The value of a secret property (C(traefik.basic-auth-password)) is masked in the diff, the commands and the
    output; Dokku only takes it as an argument.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist. Required unless O(global=true).
    type: str
  global:
    description:
      - Set the global values of the properties (C(PLUGIN:set --global)) instead of an app's.
    type: bool
    default: false
  plugin:
    description:
      - The plugin of O(property), for example V(nginx).
    type: str
  value:
    description:
      - The value of O(property). V(null) (or an empty string) unsets it.
    type: raw
  properties:
    description:
      - "Several properties at once, as C({plugin: {property: value}}), the form of a C(dokku_apps) entry's
        C(properties) and of the role variable C(dokku_global_properties)."
      - Mutually exclusive with O(property).
    type: dict
notes:
  - A property takes effect when the table says (a proxy rebuild, a restart, the next deploy, or at once).
    RV(restart_needed) tells when a deployed app runs with old values until it is restarted.
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
  - selfhosted.dokku.properties
seealso:
  - module: selfhosted.dokku.dokku_apps
"""

EXAMPLES = r"""
- name: Let nginx take 50 MB uploads and wait two minutes for djangotutorial
  selfhosted.dokku.dokku_property:
    app: djangotutorial
    properties:
      nginx:
        client-max-body-size: 50m
        proxy-read-timeout: 120s

- name: Restart djangotutorial's containers always
  selfhosted.dokku.dokku_property:
    app: djangotutorial
    plugin: ps
    property: restart-policy
    value: always

- name: Push every app's images to a registry (global)
  selfhosted.dokku.dokku_property:
    global: true
    properties:
      registry:
        server: registry.example.com
        push-on-release: true

- name: Back to Dokku's default deploy branch
  selfhosted.dokku.dokku_property:
    app: djangotutorial
    plugin: git
    property: deploy-branch
    value: null
"""

RETURN = r"""
app:
  description: Name of the app (absent with O(global=true)).
  returned: when O(app) is given
  type: str
  sample: djangotutorial
properties:
  description: "The managed properties after the task, as C({plugin: {property: value}}); V(null) when unset."
  returned: success
  type: dict
  sample: {"nginx": {"client-max-body-size": "50m"}}
restart_needed:
  description: A changed property takes effect only when the app's containers are next created.
  returned: success
  type: bool
  sample: false
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "nginx:set", "djangotutorial", "client-max-body-size", "50m"]]
diff:
  description: The managed properties before and after.
  returned: always
  type: dict
  sample: {"before": {"nginx": {"client-max-body-size": null}}, "after": {"nginx": {"client-max-body-size": "50m"}}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(app:NAME) or C(global)), per family, the value
      C(before) and C(after).
  returned: always
  type: dict
  sample: {"app:web": {"properties": {"before": {"properties": {"nginx": {"client-max-body-size": null}}},
           "after": {"properties": {"nginx": {"client-max-body-size": "50m"}}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_or_global
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

PROPERTIES = get("properties")


def validate(module):
    """Every input check, before any dokku call; returns ``(scope, desired)``."""
    params = module.params
    app, is_global = params["app"], params["global"]
    error = check_app_or_global(app, is_global)
    if error:
        module.fail_json(msg=error)
    if params["property"] is not None:
        if params["plugin"] is None:
            module.fail_json(msg="plugin: required with property")
        desired = {params["plugin"]: {params["property"]: params["value"]}}
    else:
        if params["plugin"] is not None or params["value"] is not None:
            module.fail_json(msg="plugin: plugin and value go with property; with properties, name the plugins inside it")
        desired = params["properties"]
    scope = GLOBAL if is_global else app
    desired, error = PROPERTIES.validate(desired, scope)
    if error:
        if params["property"] is not None:
            error = error.replace("properties.", "property ", 1)
        module.fail_json(msg=error)
    return scope, desired


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str"),
            plugin=dict(type="str"),
            property=dict(type="str"),
            value=dict(type="raw"),
            properties=dict(type="dict"),
            **{"global": dict(type="bool", default=False)}
        ),
        mutually_exclusive=[["property", "properties"]],
        required_one_of=[["property", "properties"]],
        supports_check_mode=True,
    )
    name_options(module)
    scope, desired = validate(module)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, PROPERTIES, scope, desired)
    before, after = plan.before["properties"], plan.after["properties"]
    extra = {} if scope == GLOBAL else dict(app=scope)
    exit_result(module, runner, plan.changed, before, after, properties=after, restart_needed=plan.restart,
                family_diff=converger.family_diff(), **extra)


if __name__ == "__main__":
    main()
