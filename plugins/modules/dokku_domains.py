#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_domains
short_description: Manage the domains of a Dokku app or the global domains
version_added: 0.1.0
description:
  - Adds, removes or sets the domains (virtual hosts) of one app (C(dokku domains:add), C(domains:remove),
    C(domains:set), C(domains:clear)) or the global domains (C(domains:add-global), C(domains:remove-global),
    C(domains:set-global), C(domains:clear-global)).
  - Turns an app's virtual host support on or off (C(dokku domains:enable), C(domains:disable)).
  - Domains are compared and written lower-cased. Dokku checks them lower-cased but stores them as given.
  - Changing the global domains does not change the domains of existing apps.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app whose domains are managed. Give either O(app) or O(global=true).
      - The app must exist.
    type: str
  global:
    description:
      - Manage the global domains instead of an app's domains.
      - New apps get a default domain C(APP.<global domain>) from each global domain.
    type: bool
    default: false
  domains:
    description:
      - Domain names, such as C(www.example.com), C(*.example.com) or an IPv4 address.
      - Wildcards are only allowed for app domains.
      - Compared lower-cased; the same name twice (after lower-casing) is an error.
      - Required with O(global=true). For an app it may be omitted when only O(vhosts_enabled) is managed.
    type: list
    elements: str
  state:
    description:
      - V(present) adds the listed domains that are missing and keeps the others.
      - V(absent) removes the listed domains that are present.
      - V(exact) makes the domains equal to O(domains) (order does not matter); an empty list removes them all.
      - Ignored when O(domains) is not given.
    type: str
    choices: [present, absent, exact]
    default: present
  vhosts_enabled:
    description:
      - Turn virtual host support of the app on (V(true)) or off (V(false)). Only for O(app).
      - V(false) deletes the app's domains in Dokku, so it cannot be combined with O(domains).
      - Dokku turns virtual host support back on whenever domains are added to or set on an app.
        The module then runs C(domains:enable) first and C(domains:set) after it, because enabling
        replaces the app's domains with its default domains.
      - V(true) alone restores the default domains (C(APP.<global domain>)) when it enables an app.
    type: bool
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - Dokku's C(domains:remove) treats C(.) as "any character", so removing C(a.example.com) would also
    remove C(aXexample.com). When that would hit a domain that stays, the module uses C(domains:set)
    with the remaining domains (or C(domains:clear)) instead.
seealso:
  - module: selfhosted.dokku.dokku_app
"""

EXAMPLES = r"""
- name: Serve the app on two more domains, keeping the others
  selfhosted.dokku.dokku_domains:
    app: djangotutorial
    domains:
      - www.example.com
      - example.com

- name: The app answers on exactly these domains
  selfhosted.dokku.dokku_domains:
    app: djangotutorial
    domains: [www.example.com]
    state: exact

- name: Remove every domain of an app
  selfhosted.dokku.dokku_domains:
    app: djangotutorial
    domains: []
    state: exact

- name: Set the global domain used for new apps
  selfhosted.dokku.dokku_domains:
    global: true
    domains: [apps.example.com]
    state: exact

- name: Serve a worker app on a port only (deletes its domains)
  selfhosted.dokku.dokku_domains:
    app: worker
    vhosts_enabled: false
"""

RETURN = r"""
domains:
  description: The domains after the run (lower-cased, sorted).
  returned: success
  type: list
  elements: str
  sample: ["djangotutorial.example.com", "www.example.com"]
vhosts_enabled:
  description: Whether virtual host support of the app is on after the run.
  returned: success and O(app) is given
  type: bool
  sample: true
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "domains:add", "djangotutorial", "www.example.com"]]
diff:
  description: Domains (sorted, lower-cased) and, for an app, vhost support before and after.
  returned: always
  type: dict
  sample: {"before": {"domains": [], "vhosts_enabled": true}, "after": {"domains": ["www.example.com"], "vhosts_enabled": true}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"global": {"domains": {"before": {"domains": []}, "after": {"domains": ["example.com"]}}}}
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

DOMAINS = get("domains")


def validate(module):
    """Every input check, before any dokku call; returns ``(scope, desired)``."""
    params = module.params
    app, is_global = params["app"], params["global"]
    error = check_app_or_global(app, is_global)
    if error:
        module.fail_json(msg=error)
    if not is_global and params["domains"] is None and params["vhosts_enabled"] is None:
        module.fail_json(msg="domains: give domains, vhosts_enabled or both")
    scope = GLOBAL if is_global else app
    desired = dict(domains=params["domains"], vhosts_enabled=params["vhosts_enabled"], mode=params["state"],
                   report_enabled=True)
    desired, error = DOMAINS.validate(desired, scope)
    if error:
        if error.startswith("vhosts_enabled: false"):
            error += "; manage them in a separate task"
        module.fail_json(msg=error)
    return scope, desired


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str"),
            domains=dict(type="list", elements="str"),
            state=dict(type="str", default="present", choices=["present", "absent", "exact"]),
            vhosts_enabled=dict(type="bool"),
            **{"global": dict(type="bool", default=False)}
        ),
        supports_check_mode=True,
    )
    name_options(module)
    scope, desired = validate(module)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, DOMAINS, scope, desired)
    extra = dict(domains=plan.after["domains"])
    if scope != GLOBAL:
        extra["vhosts_enabled"] = plan.after["vhosts_enabled"]
    exit_result(module, runner, bool(runner.commands), plan.before, plan.after,
                family_diff=converger.family_diff(), **extra)


if __name__ == "__main__":
    main()
