# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Maintenance mode of an app (the dokku-maintenance community plugin).

Read with ``maintenance:report APP --maintenance-enabled`` (``true``/``false``; every release of
the plugin has that flag, only recent ones a JSON report); written with ``maintenance:enable`` or
``maintenance:disable``, each only when the state differs.  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

PLUGIN_MISSING = ("the dokku-maintenance plugin is not installed: install it with the selfhosted.dokku.dokku_plugins "
                  "role (url https://github.com/dokku/dokku-maintenance.git)")


def enabled_read(app):
    return Read(["maintenance:report", app, "--maintenance-enabled"], ok_rcs=(0, 1, 20))


def read_enabled(ctx, app, strict=True):
    """True or False; None when the app is missing (or, not ``strict``, the plugin)."""
    res = ctx.fetch(enabled_read(app))
    if res.rc == 20 or (res.rc == 1 and "does not exist" in (res.stderr or "")):
        return None
    if res.rc != 0:
        if not strict:
            return None
        if ctx.runner.not_a_command(res):
            ctx.runner.missing(PLUGIN_MISSING)
            return False
        ctx.runner.fail("dokku maintenance:report failed", args=list(enabled_read(app).args), rc=res.rc,
                        stdout=res.stdout, stderr=res.stderr)
    return parse_flag_value(res.stdout) == "true"


class MaintenanceFamily(Family):
    """Desired: ``{enabled: bool}``."""

    name = "maintenance"
    entry_options = dict(
        maintenance=dict(
            type="bool",
            description=[
                "V(true) puts the app in maintenance mode (C(maintenance:enable): nginx serves a maintenance"
                " page), V(false) takes it out (C(maintenance:disable)). Omitted, left alone. Needs the"
                " dokku-maintenance plugin (install it with the C(selfhosted.dokku.dokku_plugins) role; a"
                " missing plugin fails the task, or warns in check mode).",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("maintenance") is None:
            return None
        return dict(enabled=bool(entry["maintenance"]))

    def reads(self, ctx, scopes):
        return [enabled_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return False
        enabled = read_enabled(ctx, scope)
        if enabled is None:
            ctx.runner.missing_app(scope)
            return False
        return enabled

    def fresh(self, ctx, scope, desired):
        return False

    def plan(self, scope, desired, current):
        plan = Plan(dict(maintenance=current), dict(maintenance=desired["enabled"]))
        if current != desired["enabled"]:
            plan.write(["maintenance:enable" if desired["enabled"] else "maintenance:disable", scope])
        return plan

    def classify(self, scope, path):
        return {"type": "maintenance", "app": scope_app(scope)}, "enabled"

    def info(self, ctx, scope):
        from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import installed_plugins

        if scope is None or not installed_plugins(ctx).get("maintenance", {}).get("enabled"):
            return None
        enabled = read_enabled(ctx, scope, strict=False)
        return None if enabled is None else dict(maintenance=enabled)

    def export(self, facts, scope, out):
        return {"maintenance": True} if scope is not None and facts.get("maintenance") else {}
