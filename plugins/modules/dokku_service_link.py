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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    parse_config_export,
    parse_flag_value,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._services import (
    DOES_NOT_EXIST,
    check_link,
    fail_unexpected,
    link_args,
    other_link_warning,
    require_plugin,
    unlink_args,
)

NOT_LINKED = "is not linked to"


def read_linked(runner, kind, service, app, must_exist):
    """``<type>:linked SVC APP``: 0 linked, 1 not linked or service missing, 20 app missing."""
    args = [kind + ":linked", service, app]
    res = runner.read(args, ok_rcs=(0, 1, 20))
    if res.rc == 0:
        return True
    if res.rc == 20:
        if must_exist:
            runner.missing("app %s does not exist; create it first (selfhosted.dokku.dokku_app)" % app)
        return False
    if not require_plugin(runner, kind, args, res):
        return False
    if DOES_NOT_EXIST in res.stderr:
        if must_exist:
            runner.missing(
                "%s service %s does not exist; create it first (selfhosted.dokku.dokku_service)" % (kind, service)
            )
        return False
    if NOT_LINKED not in res.stderr:
        fail_unexpected(runner, args, res)
    return False


def warn_on_other_link(module, runner, kind, service, app):
    """Already linked: say so when the variable or the query string differ from the request."""
    dsn = parse_flag_value(runner.read([kind + ":info", service, "--dsn"]).stdout)
    address = dsn.split("://", 1)[-1]  # <TYPE>_DATABASE_SCHEME on the app may change the scheme
    runner.add_secret(dsn)
    runner.add_secret(address.split("@", 1)[0].split(":", 1)[-1])  # the password alone
    config = parse_config_export(runner.read(["config:export", app, "--format", "json"]).stdout)
    keys = sorted(key for key, value in config.items() if address in value)
    warning = other_link_warning(
        kind, service, app, config, keys, module.params["alias"], module.params["querystring"]
    )
    if warning:
        module.warn(warning)


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
    params = module.params
    error = check_link(params)
    if error:
        module.fail_json(msg=error)
    kind, service, app = params["type"], params["service"], params["app"]
    wanted = params["state"] == "present"

    runner = DokkuRunner(module)
    runner.require_supported_version()
    linked = read_linked(runner, kind, service, app, must_exist=wanted)

    if wanted and not linked:
        args = link_args(kind, service, app, params["alias"], params["querystring"], params["restart"])
        runner.write(args, global_flags=["--quiet"])
    elif wanted and (params["alias"] is not None or params["querystring"] is not None):
        warn_on_other_link(module, runner, kind, service, app)
    elif not wanted and linked:
        runner.write(unlink_args(kind, service, app, params["restart"]))

    before = dict(service=service, app=app, linked=linked)
    after = dict(before, linked=wanted)
    exit_result(module, runner, linked != wanted, before, after, service=service, app=app)


if __name__ == "__main__":
    main()
