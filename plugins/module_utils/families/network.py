# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker networks Dokku manages (host-wide): create, and destroy only with an opt-in.

``network:create`` fails on an existing network, so the networks are read first, once
(``network:list --format json``).  A network is destroyed only with ``allow_destroy`` and only
when no app (nor the global setting) attaches to it: the attachment properties
(``attach-post-create``, ``attach-post-deploy``, ``initial-network``) are read from
``network:report --format json`` of the host and of every app, which happens only when a
destroy is planned.  The app properties themselves (``network:set``) are not this family's.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

NETWORK_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
DOCKER_NETWORKS = ("bridge", "host", "none")
ATTACH_PROPERTIES = ("attach-post-create", "attach-post-deploy", "initial-network")
LIST_READ = Read(["network:list", "--format", "json"])
GLOBAL_REPORT = Read(["network:report", "--global", "--format", "json"])


def check_networks(networks, allow_destroy):
    """``([{name, state}], None)`` or ``(None, "networks...: problem")``."""
    checked, seen = [], set()
    for index, network in enumerate(networks):
        name, state = network.get("name"), network.get("state") or "present"
        where = "networks[%d]" % index
        if not isinstance(name, str) or not NETWORK_NAME_RE.match(name):
            return None, ("%s.name: %r is not a docker network name (letters, digits, '_', '.', '-', starting with a "
                          "letter or digit)" % (where, name))
        if name in DOCKER_NETWORKS:
            return None, "%s.name: %r is one of docker's own networks, which Dokku cannot create or destroy" % (
                where, name)
        if name in seen:
            return None, "%s.name: network %r is listed twice" % (where, name)
        if state not in ("present", "absent"):
            return None, "%s.state: must be present or absent, got %r" % (where, state)
        if state == "absent" and not allow_destroy:
            return None, ("%s: state=absent would destroy network %r; set allow_destroy=true to confirm"
                          % (where, name))
        seen.add(name)
        checked.append(dict(name=name, state=state))
    return checked, None


def read_networks(ctx):
    """``{name: dokku managed}`` of the host's docker networks, read once."""
    def compute():
        found = ctx.json(LIST_READ, default=[]) or []
        return dict((net.get("Name"), bool(net.get("DokkuManaged"))) for net in found if isinstance(net, dict))
    return ctx.memo("network:list", compute)


def attachments(report):
    """The networks a ``network:report`` JSON object attaches to (raw, not computed, values)."""
    names = set()
    for prop in ATTACH_PROPERTIES:
        for key in (prop, "global-" + prop):
            names.update(name for name in (report.get(key) or "").split(",") if name)
    return names


def read_attached(ctx):
    """``{network: [apps, or "global"]}`` from the global and every app's network report."""
    def compute():
        attached = {}
        for name in attachments(ctx.json(GLOBAL_REPORT, default={}) or {}):
            attached.setdefault(name, []).append("--global")
        for app in ctx.app_list():
            report = ctx.json(Read(["network:report", app, "--format", "json"]), default={}) or {}
            for name in attachments(dict((k, v) for k, v in report.items() if not k.startswith("global-"))):
                attached.setdefault(name, []).append(app)
        return attached
    return ctx.memo("network:attached", compute)


def plan_networks(desired, existing, attached):
    """``(writes, before, after, error)``: create the missing, destroy the unwanted unattached ones."""
    writes, before, after = [], {}, {}
    for network in desired:
        name = network["name"]
        before[name] = "present" if name in existing else "absent"
        after[name] = network["state"]
        if network["state"] == "present" and name not in existing:
            writes.append(["network:create", name])
        elif network["state"] == "absent" and name in existing:
            users = (attached or {}).get(name)
            if users:
                return [], before, before, (
                    "networks: network %s is attached to %s (network:set attach-post-create, attach-post-deploy or "
                    "initial-network): change that first; nothing was changed" % (
                        name, ", ".join("the global setting" if user == "--global" else "app " + user
                                        for user in users)))
            writes.append(["network:destroy", name, "--force"])
    return writes, before, after, None


class NetworkFamily(Family):
    """Desired: ``{networks: [{name, state}], allow_destroy: bool}`` (global scope)."""

    name = "network"
    scopes = ("global",)
    resource_type = "network"

    def validate(self, desired, scope):
        networks, error = check_networks(desired["networks"], desired.get("allow_destroy"))
        if error:
            return None, error
        return dict(desired, networks=networks), None

    def reads(self, ctx, scopes):
        return [LIST_READ]

    def read(self, ctx, scope, desired):
        existing = read_networks(ctx)
        attached = None
        if any(n["state"] == "absent" and n["name"] in existing for n in desired["networks"]):
            attached = read_attached(ctx)
        return dict(existing=existing, attached=attached)

    def plan(self, scope, desired, current):
        writes, before, after, error = plan_networks(desired["networks"], current["existing"], current["attached"])
        plan = Plan(dict(networks=before), dict(networks=after))
        plan.error = error
        for args in writes:
            plan.write(args)
        return plan

    def classify(self, scope, path):
        return {"type": "network", "name": path[1]}, "state"

    def info(self, ctx, scope):
        if scope is not None:
            return None
        return dict(networks=dict((name, {"dokku_managed": managed}) for name, managed in read_networks(ctx).items()))

    def export(self, facts, scope, out):
        if scope is not None:
            return {}
        names = sorted(name for name, net in (facts.get("networks") or {}).items() if net.get("dokku_managed"))
        return {"dokku_global_networks": [{"name": name} for name in names]} if names else {}
