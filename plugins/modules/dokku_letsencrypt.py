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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._letsencrypt import (
    plugin_missing,
    read_active,
    read_settings,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_app_name,
    check_email,
)

CRON_ENABLED = "Auto-renew cron job is enabled"
CRON_DISABLED = "Auto-renew cron job is not enabled"
CRONTAB_NEWLINE_ERROR = "missing newline before EOF"


def validate(module):
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
    if params["email"] is not None:
        error = check_email(params["email"])
        if error:
            module.fail_json(msg="email: " + error)
    server = params["server"]
    if server is not None and server not in ("default", "staging"):
        if not server.startswith("https://") or any(c.isspace() for c in server) or len(server) <= 8:
            module.fail_json(
                msg="server: %r is not accepted: use 'default', 'staging' or an https:// ACME directory URL"
                % server
            )


def stored_server(value):
    """An unset server and 'default' both mean Let's Encrypt production."""
    return value if value not in ("", None) else "default"


def read_cron_job(runner):
    """The status header of ``letsencrypt:cron-job`` (no --quiet: the header is the answer)."""
    res = runner.read(["letsencrypt:cron-job"], ok_rcs=(0, 1))
    if res.rc != 0 and plugin_missing(runner, res):
        return False
    if CRON_DISABLED in res.stdout:
        return False
    if CRON_ENABLED in res.stdout:
        return True
    return runner.fail("cannot read the auto-renew cron job status", args=["letsencrypt:cron-job"],
                       rc=res.rc, stdout=res.stdout, stderr=res.stderr)


def remove_cron_job(module, runner):
    res = runner.write(["letsencrypt:cron-job", "--remove"], ok_rcs=(0, 1), fail_on_error=False)
    if res.rc == 0:
        return
    if CRONTAB_NEWLINE_ERROR in res.stderr and not read_cron_job(runner):
        module.warn(
            "letsencrypt:cron-job --remove could not rewrite the dokku crontab (%s); the auto-renew "
            "marker is gone, so Dokku drops the letsencrypt line at its next crontab rewrite"
            % res.stderr.strip()
        )
        return
    runner.fail("dokku letsencrypt:cron-job --remove failed", args=["letsencrypt:cron-job", "--remove"],
                rc=res.rc, stdout=res.stdout, stderr=res.stderr)


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
    validate(module)
    params = module.params
    app = params["app"]
    scope = app if app is not None else "--global"

    runner = DokkuRunner(module)
    runner.require_supported_version()
    email, server, computed_email = read_settings(runner, app)

    before, after = {}, {}
    if params["email"] is not None:
        before["email"], after["email"] = email, params["email"]
    if params["server"] is not None:
        before["server"], after["server"] = stored_server(server), params["server"]
    if params["state"] is not None:
        active = read_active(runner, app)
        before["enabled"], after["enabled"] = active, params["state"] == "enabled"
        if after["enabled"] and not active and not (params["email"] or computed_email) and not runner.check_mode:
            runner.fail(
                "state=enabled: app %s has no e-mail address for Let's Encrypt; give email on this "
                "task or set a global one (global=true, email=...)" % app
            )
    if params["cron_job"] is not None:
        before["cron_job"], after["cron_job"] = read_cron_job(runner), params["cron_job"]

    for key in ("email", "server"):
        if key in after and before[key] != after[key]:
            value = [] if key == "server" and after[key] == "default" else [after[key]]
            runner.write(["letsencrypt:set", scope, key] + value)
    if before.get("enabled") != after.get("enabled"):
        runner.write(["letsencrypt:enable" if after["enabled"] else "letsencrypt:disable", app])
    if before.get("cron_job") != after.get("cron_job"):
        if after["cron_job"]:
            runner.write(["letsencrypt:cron-job", "--add"])
        else:
            remove_cron_job(module, runner)

    exit_result(module, runner, before != after, before, after, letsencrypt=after)


if __name__ == "__main__":
    main()
