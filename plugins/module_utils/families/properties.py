# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plugin properties (``nginx:set``, ``ps:set``, ``registry:set``, ...) of an app or of the host.

Desired: ``{plugin: {property: value}}``; a value of null (or an empty string) unsets the
property, and a value equal to Dokku's default unsets it too (unless an app would then
inherit another global value).  Only the listed properties are managed.  What each property
is, in which scope, of what kind and with which default lives in the property table
(``_properties.py``); this family reads each listed plugin's ``PLUGIN:report --format json``
once per scope and compares the stored (raw) values.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils import _properties as table
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

# property writes whose value reaches the app only once its proxy configuration is rendered again
REBUILT_BY = ("nginx:set",)
# what a property holds on an app apps:create has just made, where it is not empty
FRESH = {("git", "rev-env-var"): "GIT_REV"}


def target(scope):
    return GLOBAL if scope in (None, GLOBAL) else scope


def report_read(plugin, scope):
    # a core plugin a host may lack (its report is then "not a dokku command", read as empty)
    ok_rcs = (0, 1) if plugin in table.OPTIONAL_PLUGINS else (0,)
    return Read(table.report_read_args(plugin, target(scope)), ok_rcs=ok_rcs)


def check_properties(desired, is_global):
    """``({plugin: {property: text or None}}, None)`` or ``(None, "plugin.property: problem")``."""
    if not isinstance(desired, dict):
        return None, "must be a dict of plugins, each a dict of properties"
    result = {}
    for plugin in sorted(desired):
        values = desired[plugin]
        if plugin not in table.TABLE:
            return None, "%s: unknown plugin: use one of %s" % (plugin, ", ".join(sorted(table.TABLE)))
        if not isinstance(values, dict):
            return None, "%s: must be a dict of properties and values" % plugin
        for name in sorted(values):
            prop, error = table.lookup(plugin, name, is_global)
            if error:
                return None, "%s.%s: %s" % (plugin, name, error)
            value, error = table.normalise(prop, values[name])
            if error:
                return None, "%s.%s: %s" % (plugin, name, error)
            result.setdefault(plugin, {})[name] = value
    return result, None


class PropertiesFamily(Family):
    """Desired ``{plugin: {property: text or None}}``; current ``{plugin: (raw values, global raw values)}``."""

    name = "properties"
    scopes = ("app", "global")
    resource_type = "property"
    entry_options = dict(
        properties=dict(
            type="dict",
            description=[
                "Plugin properties of the app, as C({plugin: {property: value}}), for example"
                " C({nginx: {client-max-body-size: 50m}, ps: {restart-policy: always}}): the C(PLUGIN:set)"
                " properties of Dokku's core plugins, listed with their kinds and defaults in"
                " M(selfhosted.dokku.dokku_property).",
                "Only the listed properties are managed. A value of V(null) unsets the property, and so does"
                " Dokku's default value (unless the app would then inherit another global value). Booleans are"
                " written as Dokku wants them (V(true)/V(false), or V(on)/V(off) for nginx).",
            ],
        ),
    )

    def desired(self, entry):
        return entry.get("properties")

    def validate(self, desired, scope):
        result, error = check_properties(desired, target(scope) == GLOBAL)
        return (None, "properties." + error) if error else (result, None)

    def reads(self, ctx, scopes):
        """Per scope and plugin ``PLUGIN:report``, or one all-app report of a plugin most apps list."""
        scopes_of = {}
        for scope, desired in scopes:
            for plugin in sorted(desired or {}):
                scopes_of.setdefault(plugin, []).append(scope)
        reads = []
        for plugin in sorted(scopes_of):
            reads += [report_read(plugin, scope) for scope in scopes_of[plugin] if target(scope) == GLOBAL]
            apps = [scope for scope in scopes_of[plugin] if target(scope) != GLOBAL]
            if plugin in table.ALL_APP_REPORTS:
                reads += ctx.report_reads(plugin, apps, lambda app, plugin=plugin: report_read(plugin, app))
            else:
                reads += [report_read(plugin, app) for app in apps]
        return reads

    def _report(self, ctx, plugin, scope):
        if target(scope) == GLOBAL:
            return ctx.json(report_read(plugin, scope), default={}) or {}
        return ctx.app_report(plugin, scope, report_read(plugin, scope), default={}) or {}

    def _state(self, ctx, scope, desired, fresh):
        is_global = target(scope) == GLOBAL
        current = {}
        for plugin in sorted(desired):
            if fresh:
                report = ctx.json(report_read(plugin, None), default={}) or {}
                raw = dict((name, FRESH.get((plugin, name), "")) for name in desired[plugin])
            else:
                report = self._report(ctx, plugin, scope)
                raw = dict((name, report.get(table.TABLE[plugin][name].report_key(is_global), "") or "")
                           for name in desired[plugin])
            inherited = None if is_global else dict(
                (name, report.get("global-" + name, "") or "") for name in desired[plugin])
            current[plugin] = (raw, inherited)
        current["__marker__"] = ctx.marker
        return current

    def read(self, ctx, scope, desired):
        if target(scope) != GLOBAL and not ctx.app_exists(scope):
            ctx.runner.missing_app(scope)
            return self._state(ctx, scope, desired, fresh=True)
        return self._state(ctx, scope, desired, fresh=False)

    def fresh(self, ctx, scope, desired):
        return self._state(ctx, scope, desired, fresh=True)

    def plan(self, scope, desired, current):
        marker = current.get("__marker__")
        before, after = {}, {}
        plan = Plan(dict(properties=before), dict(properties=after))
        for plugin in sorted(desired):
            raw, inherited = current[plugin]
            for name in sorted(desired[plugin]):
                prop = table.TABLE[plugin][name]
                value = desired[plugin][name]
                now = raw[name] or None
                planned = table.plan_value(prop, value, raw[name], inherited[name] if inherited else None)
                then = now if planned is False else planned
                if prop.secret and marker is not None:
                    before.setdefault(plugin, {})[name] = None if now is None else marker(now)
                    after.setdefault(plugin, {})[name] = None if then is None else marker(then)
                    if value is not None:
                        plan.secrets.append(value)
                else:
                    before.setdefault(plugin, {})[name] = now
                    after.setdefault(plugin, {})[name] = then
                if planned is not False:
                    plan.write(prop.set_argv(target(scope), planned))
                    if prop.effect == "restart" and target(scope) != GLOBAL:
                        plan.restart = True
        rebuild = [w for w in plan.writes if w.args[0] in REBUILT_BY]
        if rebuild and target(scope) != GLOBAL:
            # nginx:set stores the value only: nginx.conf is rendered again by proxy:build-config
            plan.write(["proxy:build-config", scope])
        return plan

    def classify(self, scope, path):
        resource = {"type": "property"}
        app = scope_app(scope)
        if app is not None:
            resource["app"] = app
        if len(path) > 2:
            resource["name"] = "%s.%s" % (path[1], path[2])
        elif len(path) > 1:
            resource["name"] = path[1]
        return resource, "value"

    def fix(self, resource, field, commands):
        name = resource.get("name") or ""
        if "." not in name:
            return list(commands)
        plugin, prop = name.split(".", 1)
        wanted = table.TABLE.get(plugin, {}).get(prop)
        if wanted is None:
            return list(commands)
        hits = []
        for command in commands:
            args = command[1:] if command and command[0] == "dokku" else command
            probe = wanted.set_argv(args[1] if len(args) > 1 else "", None)
            if args[:len(probe)] == probe:
                hits.append(command)
        return hits or list(commands)

    def info(self, ctx, scope):
        plugins = getattr(ctx, "info_properties", None) or ()
        if not plugins:
            return None
        is_global = scope is None
        stored = {}
        for plugin in plugins:
            report = ctx.json(report_read(plugin, scope), default={}) or {}
            for name, prop in sorted(table.TABLE[plugin].items()):
                if not (prop.global_ if is_global else prop.app):
                    continue
                value = report.get(prop.report_key(is_global), "") or ""
                if value and value != FRESH.get((plugin, name)):
                    stored.setdefault(plugin, {})[name] = value
        for plugin, values in stored.items():
            secrets = dict((name, value) for name, value in values.items() if table.TABLE[plugin][name].secret)
            if secrets:
                values.update(ctx.info_mask(secrets))
        return {"global_properties" if is_global else "properties": stored}

    def export(self, facts, scope, out):
        stored = facts.get("global_properties" if scope is None else "properties")
        if not stored:
            return {}
        exported = {}
        for plugin, values in sorted(stored.items()):
            for name, value in sorted(values.items()):
                if table.TABLE[plugin][name].secret and out is not None:
                    # a secret goes to the secrets file, the variables refer to it
                    path = ("global_properties",) if scope is None else ("apps", scope, "properties")
                    holder = out.secrets
                    for part in path:
                        holder = holder.setdefault(part, {})
                    holder.setdefault(plugin, {})[name] = value
                    value = out.secret_ref(*(path + (plugin, name)))
                exported.setdefault(plugin, {})[name] = value
        return {"dokku_global_properties" if scope is None else "properties": exported}
