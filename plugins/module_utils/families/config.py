# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Config vars of an app or of the host: validation, the read, the plan (exclusive, link keys kept).

Values go to Dokku on standard input (``config:import``) and are shown only as markers.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    GLOBAL,
    Family,
    Plan,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    normalise_config_value,
    parse_config_export,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_config_key,
    check_config_value,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.domains import default_app_domains, read_global_vhosts

# Keys Dokku itself writes: the collection never removes them unless told to by name.
DOKKU_OWN_KEYS = ("NO_VHOST", "GIT_REV")
DOKKU_OWN_PREFIX = "DOKKU_"
# A service link's value: <scheme>://<user:password>@dokku-<type>-<service>:<port>[/db][?query]
SERVICE_DSN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*@dokku-[a-z0-9]+-[A-Za-z0-9_.-]+:[0-9]+(?:[/?]\S*)?$")


def is_service_dsn(value):
    return bool(SERVICE_DSN_RE.match(value or ""))


def is_unmanaged(key, value):
    """True for keys set by Dokku or by service links (``DATABASE_URL`` and the like)."""
    return key in DOKKU_OWN_KEYS or key.startswith(DOKKU_OWN_PREFIX) or is_service_dsn(value)


def check_config(raw_config):
    """``(config, None)`` with every value a string, or ``(None, error)``; runs before any dokku call."""
    config = {}
    for key, value in raw_config.items():
        error = check_config_key(key)
        if error:
            return None, error
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, "config value of %s must be a string (quote it in YAML)" % key
        error = check_config_value(key, value)
        if error:
            return None, error
        config[key] = value
    return config, None


def export_read(scope):
    return Read(["config:export", "--format", "json", scope])


def read_config(ctx, scope):
    """``config:export --format json``; None for a missing app.  Its error text is not shown
    (it can quote config values)."""
    res = ctx.fetch(export_read(scope), fail_on_error=False)
    if res.rc == 20:
        return None
    if res.rc != 0:
        ctx.runner.fail(
            "cannot read the config vars of %s: dokku config:export exited with code %d (its message is "
            "not shown because it can quote config values; a value ending in a double quote leaves the "
            "ENV file unreadable)" % (scope, res.rc)
        )
    try:
        return parse_config_export(res.stdout)
    except ValueError:
        ctx.runner.fail("cannot parse the output of dokku config:export for %s" % scope)
    return {}


def fresh_config(ctx, app):
    """The config ``apps:create`` gives an app: NO_VHOST=1 when it gets no default domain."""
    return {} if default_app_domains(app, read_global_vhosts(ctx)) else {"NO_VHOST": "1"}


def app_config(ctx, app):
    """The app's config vars: read, or the fresh state of an app this run creates (or a missing one
    in check mode, after the warning)."""
    if app in ctx.created:
        return fresh_config(ctx, app)
    values = read_config(ctx, app)
    if values is None:
        ctx.runner.missing_app(app)
        return fresh_config(ctx, app)
    return values


class ConfigPlan(object):
    """What reaching ``config`` from ``current`` takes: keys to set and to unset, and the result.

    ``config`` holds the values as given; they are compared the way Dokku stores them
    (``007`` is stored as ``7``).  With ``exclusive`` every other key is unset, except
    the keys the collection does not manage (:func:`is_unmanaged`).
    """

    def __init__(self, current, config, exclusive):
        target = dict((key, normalise_config_value(value)) for key, value in config.items())
        self.config = config
        self.current = current
        self.changed_keys = sorted(key for key, value in target.items() if current.get(key) != value)
        self.removed_keys = []
        if exclusive:
            self.removed_keys = sorted(
                key for key, value in current.items() if key not in target and not is_unmanaged(key, value)
            )
        self.final = dict((key, value) for key, value in current.items() if key not in self.removed_keys)
        self.final.update(target)

    @property
    def changed(self):
        return bool(self.changed_keys or self.removed_keys)

    def commands(self, scope):
        """``(args, stdin)`` of one ``config:import`` (values on stdin) and one ``config:unset``, ``--no-restart``."""
        commands = []
        if self.changed_keys:
            data = json.dumps(dict((key, self.config[key]) for key in self.changed_keys), sort_keys=True)
            commands.append((["config:import", "--no-restart", "--format", "json", scope, "-"], data))
        if self.removed_keys:
            commands.append((["config:unset", "--no-restart", scope] + self.removed_keys, None))
        return commands


class ConfigFamily(Family):
    name = "config"
    resource_type = "config_key"
    scopes = ("app", "global")
    entry_options = dict(
        config=dict(
            type="dict", no_log=True,
            description=[
                "Config vars to set, C(KEY) to value, as in M(selfhosted.dokku.dokku_config). Values are"
                " sent on standard input and shown in the diff only as markers.",
            ],
        ),
        config_exclusive=dict(
            type="bool", default=False,
            description=[
                "Also unset the keys not in O(apps[].config), except the keys Dokku sets itself and those"
                " set by service links.",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("config") is None and not entry.get("config_exclusive"):
            return None
        return dict(config=entry.get("config") or {}, exclusive=bool(entry.get("config_exclusive")))

    def validate(self, desired, scope):
        config, error = check_config(desired["config"])
        if error:
            return None, "config: " + error
        return dict(desired, config=config), None

    def reads(self, ctx, scopes):
        return [export_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        values = read_config(ctx, scope) if scope == GLOBAL else app_config(ctx, scope)
        return dict(values=values, marker=ctx.marker)

    def fresh(self, ctx, scope, desired):
        return dict(values=fresh_config(ctx, scope), marker=ctx.marker)

    def plan(self, scope, desired, current):
        detail = ConfigPlan(current["values"], desired["config"], desired["exclusive"])
        marker = current["marker"]
        plan = Plan(dict(config=marker.mask(detail.current)), dict(config=marker.mask(detail.final)))
        for args, data in detail.commands(scope):
            plan.write(args, data=data)
        plan.restart = detail.changed
        plan.detail = detail
        return plan

    def classify(self, scope, path):
        app = scope_app(scope)
        return {"type": "config_key", "name": path[1], "app": app if app is not None else GLOBAL}, "value"

    def fix(self, resource, field, commands):
        """An unset key is fixed by the ``config:unset`` naming it, any other by the ``config:import``."""
        unsets = [command for command in commands if resource["name"] in command]
        return unsets or [command for command in commands if "config:import" in command]

    def info(self, ctx, scope):
        values = ctx.info_mask(read_config(ctx, GLOBAL if scope is None else scope) or {})
        return dict(global_config=values) if scope is None else dict(config=values)

    def export(self, facts, scope, out):
        managed = dict((k, v) for k, v in sorted(facts.get("config" if scope else "global_config", {}).items())
                       if not is_unmanaged(k, v))
        if not managed:
            return {}
        if scope is None:
            out.secrets["global_config"] = managed
            return {"dokku_global_config": out.secret_ref("global_config")}
        out.secrets.setdefault("apps", {})[scope] = {"config": managed}
        return {"config": out.secret_ref("apps", scope, "config")}
