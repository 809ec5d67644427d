#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_service_link
short_description: Link or unlink a Dokku datastore service and an app
version_added: 0.1.0
description:
  - Makes sure a datastore service (postgres, redis, mysql, ...) is linked to an app
    (C(dokku --quiet <type>:link SVC APP)) or not linked (C(dokku <type>:unlink SVC APP)).
  - Linking writes the service URL into the app's config, as C(DATABASE_URL) for postgres, mysql and
    mariadb (C(REDIS_URL), C(MONGO_URL) for those). When that variable is already taken, Dokku picks
    C(DOKKU_<TYPE>_<COLOR>_URL); set O(alias) to choose the name.
  - Dokku considers a service linked when its URL is in the app's config, whatever the variable.
    When the service is already linked under another O(alias) or with another O(querystring), the
    module leaves it as it is and warns; unlink it first to change them.
  - The link runs with C(--quiet), so the URL and its password are not printed.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  type:
    description:
      - The datastore plugin (C(postgres), C(redis), ...), which is also the command prefix.
    type: str
    default: postgres
  service:
    description:
      - Name of the service.
    type: str
    required: true
  app:
    description:
      - Name of the app.
    type: str
    required: true
  state:
    description:
      - V(present) links the service when it is not linked.
      - V(absent) unlinks it when it is linked. A missing app or service counts as not linked.
    type: str
    choices: [present, absent]
    default: present
  alias:
    description:
      - Name of the config variable, without C(_URL). Dokku upper-cases it and appends C(_URL)
        (V(analytics_db) gives C(ANALYTICS_DB_URL)).
      - Only used when the link is created.
    type: str
  querystring:
    description:
      - Query string appended to the URL, without the C(?) (V(sslmode=require&pool=5)).
      - Only used when the link is created.
    type: str
  restart:
    description:
      - Restart the app after the config change (only a deployed app is restarted).
      - V(false) passes C(--no-restart); restart the app later, for example with a handler.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_service
"""

EXAMPLES = r"""
- name: DATABASE_URL for the app
  selfhosted.dokku.dokku_service_link:
    service: djangotutorial-db
    app: djangotutorial

- name: A second database under its own name, with a query string, restarting the app
  selfhosted.dokku.dokku_service_link:
    service: analytics
    app: djangotutorial
    alias: analytics_db
    querystring: sslmode=disable
    restart: true

- name: Unlink a redis cache
  selfhosted.dokku.dokku_service_link:
    type: redis
    service: cache
    app: djangotutorial
    state: absent
"""

RETURN = r"""
service:
  description: Name of the service.
  returned: always
  type: str
  sample: djangotutorial-db
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "--quiet", "postgres:link", "djangotutorial-db", "djangotutorial", "--no-restart"]]
diff:
  description: Link state before and after. The service URL is never part of it.
  returned: always
  type: dict
  sample:
    before: {"service": "djangotutorial-db", "app": "djangotutorial", "linked": false}
    after: {"service": "djangotutorial-db", "app": "djangotutorial", "linked": true}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    app:web:
      services:
        before:
          services:
            postgres:
              db:
                linked: false
        after:
          services:
            postgres:
              db:
                linked: true
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import item

SERVICES = get("services")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            type=dict(type="str", default="postgres"),
            service=dict(type="str", required=True),
            app=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            alias=dict(type="str"),
            querystring=dict(type="str"),
            restart=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    params = module.params
    kind, service, app = params["type"], params["service"], params["app"]
    link = item(dict(params, name=service), None, params["state"] == "present", restart=params["restart"])
    desired, error = SERVICES.validate([link], app)
    if error:
        module.fail_json(msg=error.split(": ", 1)[1])

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, SERVICES, app, desired)
    linked = plan.before["services"][kind][service]["linked"]
    wanted = plan.after["services"][kind][service]["linked"]
    before = dict(service=service, app=app, linked=linked)
    after = dict(before, linked=wanted)
    exit_result(module, runner, linked != wanted, before, after, service=service, app=app,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
