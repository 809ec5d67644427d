#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_letsencrypt
short_description: Configure Let's Encrypt certificates of Dokku apps (dokku-letsencrypt plugin)
version_added: 0.1.0
description:
  - Sets the ACME e-mail and server globally (O(global=true)) or for one app (O(app)), with
    C(dokku letsencrypt:set), only for values that differ.
  - For an app, enables Let's Encrypt (C(dokku letsencrypt:enable), only when C(letsencrypt:active)
    says C(false)) or disables it (C(dokku letsencrypt:disable), only when it says C(true)).
  - Adds or removes the auto-renew cron job (C(dokku letsencrypt:cron-job --add/--remove)), only
    when the job's state differs.
  - Needs the dokku-letsencrypt plugin (0.25 or newer) on the host.
  - The legacy C(DOKKU_LETSENCRYPT_EMAIL) config variable is never used; the plugin reads only
    its properties at run time.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  global:
    description:
      - Manage the global settings. Mutually exclusive with O(app).
    type: bool
    default: false
  app:
    description:
      - Name of the app whose settings (and certificate) to manage. It must exist.
    type: str
  email:
    description:
      - The e-mail address given to the ACME server. Let's Encrypt needs one before it issues a
        certificate; the app value wins over the global one.
    type: str
  server:
    description:
      - The ACME server. V(default) is Let's Encrypt production (Dokku's default, stored as no
        value), V(staging) is the Let's Encrypt staging server, anything else must be an
        C(https://) directory URL.
    type: str
  state:
    description:
      - V(enabled) requests and installs a certificate when none is active for the app. The app
        needs at least one domain, an C(http) port mapping, an e-mail address and must be reachable
        on port 80; Dokku's error is returned when it refuses.
      - V(disabled) runs C(letsencrypt:disable) when a certificate is active. This deletes the
        app's whole C(tls/) directory, including certificates that did not come from Let's Encrypt.
      - Omitted, the certificate is left alone. Only valid with O(app).
    type: str
    choices: [enabled, disabled]
  cron_job:
    description:
      - V(true) makes sure the host-wide auto-renew cron job exists, V(false) that it does not.
        Omitted, it is left alone.
      - The job's state is the plugin's auto-renew marker, which is what
        C(letsencrypt:cron-job) reports.
      - After Dokku rewrote the dokku user's crontab (for example when an app is destroyed),
        C(letsencrypt:cron-job --remove) fails with C(new crontab file is missing newline before
        EOF) although the marker is gone. The module then reads the status again and succeeds
        with a warning when the job is off; the stale crontab line disappears at Dokku's next
        crontab rewrite.
    type: bool
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - With no app on the host, C(letsencrypt:report --global) fails; the global values are then read
    from the plugin's property files under C($DOKKU_LIB_ROOT/config/letsencrypt/--global/)
    (C(DOKKU_LIB_ROOT) from the environment, default C(/var/lib/dokku)).
seealso:
  - module: selfhosted.dokku.dokku_ports
  - module: selfhosted.dokku.dokku_domains
"""

EXAMPLES = r"""
- name: Set the ACME e-mail for every app and keep certificates renewed
  selfhosted.dokku.dokku_letsencrypt:
    global: true
    email: ops@example.com
    cron_job: true

- name: Get a certificate for an app
  selfhosted.dokku.dokku_letsencrypt:
    app: djangotutorial
    state: enabled

- name: Try the staging server for one app
  selfhosted.dokku.dokku_letsencrypt:
    app: staging-app
    server: staging
    state: enabled

- name: Drop the app's certificate (deletes its whole tls/ directory)
  selfhosted.dokku.dokku_letsencrypt:
    app: old-app
    state: disabled
"""

RETURN = r"""
letsencrypt:
  description: The managed settings after the task (only the fields the task manages).
  returned: success
  type: dict
  sample: {"email": "ops@example.com", "cron_job": true}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "letsencrypt:set", "--global", "email", "ops@example.com"]]
diff:
  description: The managed settings before and after.
  returned: always
  type: dict
  sample: {"before": {"email": ""}, "after": {"email": "ops@example.com"}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"global": {"letsencrypt": {"before": {"letsencrypt": {"cron_job": false}}, "after": {"letsencrypt": {"cron_job": true}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

LETSENCRYPT = get("letsencrypt")


def validate(module):
    """Every input check, before any dokku call; returns ``(scope, desired)``."""
    params = module.params
    if params["global"] and params["app"] is not None:
        module.fail_json(msg="global, app: give either global=true or an app, not both")
    if not params["global"] and params["app"] is None:
        module.fail_json(msg="app: give an app name, or global=true for the global settings")
    if params["app"] is not None:
        error = check_app_name(params["app"])
        if error:
            module.fail_json(msg="app: " + error)
    if params["global"] and params["state"] is not None:
        module.fail_json(msg="state: a certificate belongs to an app; give app instead of global=true")
    desired = dict(email=params["email"], server=params["server"], cron_job=params["cron_job"],
                   enabled=None if params["state"] is None else params["state"] == "enabled")
    desired, error = LETSENCRYPT.validate(desired, GLOBAL if params["global"] else params["app"])
    if error:
        module.fail_json(msg=error)
    return GLOBAL if params["global"] else params["app"], desired


def main():
    spec = dict(
        app=dict(type="str"),
        email=dict(type="str"),
        server=dict(type="str"),
        state=dict(type="str", choices=["enabled", "disabled"]),
        cron_job=dict(type="bool"),
    )
    spec["global"] = dict(type="bool", default=False)  # a Python keyword, so not a dict() argument
    module = AnsibleModule(argument_spec=dokku_argument_spec(**spec), supports_check_mode=True)
    name_options(module)
    scope, desired = validate(module)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, LETSENCRYPT, scope, desired, label="state=enabled")
    before, after = plan.before["letsencrypt"], plan.after["letsencrypt"]
    exit_result(module, runner, before != after, before, after, letsencrypt=after,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
