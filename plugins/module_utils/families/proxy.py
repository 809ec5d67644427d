# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether an app's proxy is enabled (``proxy:enable`` / ``proxy:disable``).

Read from ``proxy:report APP --format json`` (``enabled``), the read the properties family makes
for the proxy type too.  Both commands rebuild or delete the app's proxy configuration, so each
is called only when the state differs.  The proxy type itself is a property (``properties.proxy.type``).
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.properties import report_read


def read_enabled(ctx, app):
    report = ctx.app_report("proxy", app, report_read("proxy", app), default={}) or {}
    return report.get("enabled", "true") != "false"


class ProxyFamily(Family):
    """Desired: ``{proxy_enabled: bool}``."""

    name = "proxy"
    entry_options = dict(
        proxy_enabled=dict(
            type="bool",
            description=[
                "V(false) disables the app's proxy (C(proxy:disable): its web process is reached on its own"
                " ports, no nginx config), V(true) enables it again (C(proxy:enable)). Omitted, it is left alone.",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("proxy_enabled") is None:
            return None
        return dict(proxy_enabled=bool(entry["proxy_enabled"]))

    def reads(self, ctx, scopes):
        return ctx.report_reads("proxy", [scope for scope, _desired in scopes], lambda app: report_read("proxy", app))

    def read(self, ctx, scope, desired):
        if not ctx.app_exists(scope):
            ctx.runner.missing_app(scope)
            return True
        return read_enabled(ctx, scope)

    def fresh(self, ctx, scope, desired):
        return True

    def plan(self, scope, desired, current):
        plan = Plan(dict(proxy_enabled=current), dict(proxy_enabled=desired["proxy_enabled"]))
        if current != desired["proxy_enabled"]:
            plan.write(["proxy:enable" if desired["proxy_enabled"] else "proxy:disable", scope])
        return plan

    def classify(self, scope, path):
        return {"type": "proxy", "app": scope_app(scope)}, "enabled"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(proxy_enabled=read_enabled(ctx, scope))

    def export(self, facts, scope, out):
        return {"proxy_enabled": False} if scope is not None and facts.get("proxy_enabled") is False else {}
