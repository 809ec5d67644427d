# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Port mappings of an app: validation, the read, the plan and its one write.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    Family,
    Plan,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    parse_flag_value,
    split_words,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_port_mapping


def canonical(mapping):
    """How Dokku stores a mapping: ``http:080:5000`` -> ``http:80:5000``."""
    scheme, host, container = mapping.split(":")
    return "%s:%d:%d" % (scheme, int(host), int(container))


def scheme_host(mapping):
    return mapping.rsplit(":", 1)[0]


def check_mappings(mappings):
    """``(sorted canonical mappings, None)`` or ``(None, error)``."""
    seen = {}
    for mapping in mappings:
        error = check_port_mapping(mapping)
        if error:
            return None, error
        key = scheme_host(canonical(mapping))
        if key in seen and seen[key] != canonical(mapping):
            return None, (
                "%r and %r use the same scheme:host-port %s; Dokku keeps one mapping "
                "per scheme and host port" % (seen[key], mapping, key)
            )
        seen[key] = canonical(mapping)
    return sorted(set(seen.values())), None


def map_read(app):
    return Read(["ports:report", app, "--ports-map"], ok_rcs=(0, 20))


def read_mappings(ctx, app):
    """``ports:report APP --ports-map``, the cheapest read (sorted); None when the app is missing."""
    report = ctx.fetch(map_read(app))
    if report.rc == 20:
        return None
    return sorted(split_words(parse_flag_value(report.stdout)))


def target_mappings(state, current, desired):
    if state == "exact":
        return desired
    if state == "absent":
        return sorted(set(current) - set(desired))
    replaced = set(scheme_host(m) for m in desired)
    return sorted(set(m for m in current if scheme_host(m) not in replaced) | set(desired))


def ports_write(app, current, target):
    """The one write from ``current`` to ``target``: ``ports:set`` of the whole list, or ``ports:clear``."""
    if target == current:
        return None
    if target:
        return ["ports:set", app] + target
    return ["ports:clear", app]


class PortsFamily(Family):
    name = "ports"
    entry_options = dict(
        ports=dict(type="list", elements="str",
                   description="Port mappings, exactly (C(scheme:host-port:container-port))."),
    )

    def desired(self, entry):
        if entry.get("ports") is None:
            return None
        return dict(mappings=entry["ports"], mode=entry.get("ports_state", "exact"))

    def validate(self, desired, scope):
        mappings, error = check_mappings(desired["mappings"])
        if error:
            return None, "ports: " + error
        return dict(desired, mappings=mappings), None

    def reads(self, ctx, scopes):
        return [map_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return []
        current = read_mappings(ctx, scope)
        if current is None:
            ctx.runner.missing_app(scope)
            return []
        return current

    def fresh(self, ctx, scope, desired):
        return []

    def plan(self, scope, desired, current):
        target = target_mappings(desired["mode"], current, desired["mappings"])
        plan = Plan(dict(ports=current), dict(ports=target))
        write = ports_write(scope, current, target)
        if write:
            plan.write(write)
        return plan

    def classify(self, scope, path):
        return {"type": "ports", "app": scope_app(scope)}, "mappings"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(ports=read_mappings(ctx, scope) or [])

    def export(self, facts, scope, out):
        if scope is None or not facts.get("ports"):
            return {}
        return {"ports": sorted(facts["ports"])}
