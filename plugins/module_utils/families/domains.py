# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domains of an app or of the host, and an app's vhost support: validation, reads, plan.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    GLOBAL,
    Family,
    Plan,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value, split_words
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_domain,
    normalise_domain,
)

# Characters whose meaning in ``sed "\|^DOMAIN$|d"`` the module knows (``.`` and ``*`` are special).
_SED_SAFE_RE = re.compile(r"^[A-Za-z0-9._*-]+$")
# Dokku's get_default_vhosts skips global domains that contain an IP address (unanchored regex).
_IPV4_IN_RE = re.compile(r"([0-9]{1,3}\.){3}[0-9]{1,3}")


def _unique(items):
    seen = set()
    return [item for item in items if not (item in seen or seen.add(item))]


def check_domains(domains, is_global):
    """``(lower-cased domains, None)`` or ``(None, error)``; the same name twice is an error."""
    normalised = []
    for domain in domains:
        error = check_domain(domain, allow_wildcard=not is_global)
        if error:
            return None, error
        domain = normalise_domain(domain)
        if domain in normalised:
            return None, "%r is listed twice (domains are compared lower-cased)" % domain
        normalised.append(domain)
    return normalised, None


def sed_line_regex(domain):
    """What ``sed "\\|^DOMAIN$|d"`` deletes: ``.`` is any character, ``*`` repeats (not when leading)."""
    parts = []
    for index, char in enumerate(domain):
        if char == ".":
            parts.append(".")
        elif char == "*" and index > 0:
            if parts[-1] != "*":
                parts.append("*")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def removal_hits_others(removed, kept):
    """True when ``domains:remove`` of ``removed`` would also delete one of ``kept``."""
    for domain in removed:
        if not _SED_SAFE_RE.match(domain):
            return True
        pattern = sed_line_regex(domain)
        if any(pattern.fullmatch(other) for other in kept):
            return True
    return False


def plan_domains(state, desired, current):
    """The target list (lower-cased) and the one write reaching it from ``current`` (as stored).

    The write is ``(action, domains)`` with action add/remove/set/clear, or None.
    Domains that stay keep their stored spelling; removals name the stored spelling
    because ``domains:remove`` is case-sensitive.
    """
    lowered = [domain.lower() for domain in current]
    if state == "present":
        missing = [domain for domain in desired if domain not in lowered]
        return _unique(lowered + missing), (("add", missing) if missing else None)
    if state == "absent":
        dropped = set(desired)
        removed = _unique([domain for domain in current if domain.lower() in dropped])
        kept = [domain for domain in current if domain.lower() not in dropped]
        target = _unique([domain.lower() for domain in kept])
        if not removed:
            return target, None
        if removal_hits_others(removed, kept):
            return target, (("set", _unique(kept)) if kept else ("clear", []))
        return target, ("remove", removed)
    if set(lowered) == set(desired):
        return list(desired), None
    return list(desired), (("set", desired) if desired else ("clear", []))


def default_app_domains(app, global_vhosts):
    """The domains ``domains:enable`` restores: ``APP.<global domain>`` (a dotted app name as-is)."""
    return _unique(
        app if "." in app else "%s.%s" % (app, vhost.lower())
        for vhost in global_vhosts
        if not (_IPV4_IN_RE.search(vhost) or ":" in vhost)
    )


def command_for(action, domains, app):
    """The dokku argv of one planned write (app or global scope)."""
    if app is None:
        return ["domains:%s-global" % action] + list(domains)
    return ["domains:%s" % action, app] + list(domains)


def needs_enabled_state(state, desired, current, wanted_enabled):
    """Whether planning an app needs to know if its vhost support is on.

    Only to turn it on or off, or before a write that adds or sets domains (which
    must enable it first); a read that only finds the domains in place does not.
    """
    if wanted_enabled is not None:
        return True
    if desired is None:
        return False
    _target, write = plan_domains(state, desired, current)
    return bool(write and write[0] in ("add", "set"))


def plan_app_domains(app, state, desired, wanted_enabled, current, enabled, global_vhosts):
    """The writes that converge an app's domains and vhost support, in order.

    ``current`` is the app's stored domains, ``enabled`` its vhost support
    (None when it was not read: see :func:`needs_enabled_state`), ``global_vhosts``
    a callable returning the global domains (only called when enabling restores the
    default domains).  Returns ``(writes, domains after, enabled after)``.
    """
    after_domains = [d.lower() for d in current]
    write = None
    writes = []
    if desired is not None:
        after_domains, write = plan_domains(state, desired, current)
    if wanted_enabled is False and enabled:
        writes.append(["domains:disable", app])
        enabled, after_domains = False, []
    # domains:add/set re-enable vhosts and enabling replaces the domains with the
    # defaults: enable explicitly first, then set the whole target list
    elif enabled is False and (wanted_enabled or (write and write[0] in ("add", "set"))):
        writes.append(["domains:enable", app])
        enabled = True
        if desired is None:
            after_domains = default_app_domains(app, global_vhosts()) or after_domains
        else:
            write = ("set", after_domains) if after_domains else ("clear", [])
    if write:
        writes.append(command_for(write[0], write[1], app))
    return writes, after_domains, enabled


GLOBAL_REPORT = Read(["domains:report", "--global", "--format", "json"])


def flag_read(app, flag):
    return Read(["domains:report", app, "--domains-app-" + flag], ok_rcs=(0, 20))


def read_global_vhosts(ctx):
    """The global domains (``domains:report --global``), read once."""
    return ctx.memo("global_vhosts", lambda: split_words((ctx.json(GLOBAL_REPORT, default={}) or {}).get("global-vhosts")))


def read_flag(ctx, app, flag):
    """One flag of the app's domains report; None when the app does not exist."""
    res = ctx.fetch(flag_read(app, flag))
    return None if res.rc == 20 else parse_flag_value(res.stdout)


class DomainsFamily(Family):
    name = "domains"
    extra_resource_types = ("global_domains",)
    scopes = ("app", "global")
    entry_options = dict(
        domains=dict(type="list", elements="str", description="The app's domains, exactly (compared lower-cased)."),
        vhosts_enabled=dict(
            type="bool",
            description=[
                "Turn virtual host support on or off. V(false) deletes the app's domains, so it cannot be"
                " combined with O(apps[].domains).",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("domains") is None and entry.get("vhosts_enabled") is None:
            return None
        return dict(domains=entry.get("domains"), vhosts_enabled=entry.get("vhosts_enabled"),
                    mode=entry.get("domains_state", "exact"), report_enabled=False)

    def validate(self, desired, scope):
        if scope == GLOBAL:
            if desired.get("vhosts_enabled") is not None:
                return None, "vhosts_enabled: only for an app, not with global=true"
            if desired["domains"] is None:
                return None, "domains: required with global=true"
        if desired.get("vhosts_enabled") is False and desired["domains"] is not None:
            return None, ("vhosts_enabled: false deletes the app's domains in Dokku, so it cannot be combined "
                          "with domains")
        if desired["domains"] is not None:
            domains, error = check_domains(desired["domains"], is_global=scope == GLOBAL)
            if error:
                return None, "domains: " + error
            desired = dict(desired, domains=domains)
        return desired, None

    def reads(self, ctx, scopes):
        return [flag_read(scope, "vhosts") for scope, _desired in scopes if scope != GLOBAL]

    def read(self, ctx, scope, desired):
        if scope == GLOBAL:
            return dict(domains=read_global_vhosts(ctx))
        if scope in ctx.created:
            return self.fresh(ctx, scope, desired)
        vhosts = read_flag(ctx, scope, "vhosts")
        if vhosts is None:
            ctx.runner.missing_app(scope)
            return self.fresh(ctx, scope, desired)
        current = split_words(vhosts)
        enabled = None
        if desired.get("report_enabled") or needs_enabled_state(
                desired["mode"], desired["domains"], current, desired.get("vhosts_enabled")):
            enabled = read_flag(ctx, scope, "enabled") == "true"
        return dict(domains=current, enabled=enabled, global_vhosts=lambda: read_global_vhosts(ctx))

    def fresh(self, ctx, scope, desired):
        domains = default_app_domains(scope, read_global_vhosts(ctx))
        return dict(domains=domains, enabled=bool(domains), global_vhosts=lambda: read_global_vhosts(ctx))

    def plan(self, scope, desired, current):
        if scope == GLOBAL:
            target, write = plan_domains(desired["mode"], desired["domains"], current["domains"])
            plan = Plan(dict(domains=sorted(set(d.lower() for d in current["domains"]))),
                        dict(domains=sorted(set(target))))
            if write:
                plan.write(command_for(write[0], write[1], None))
            return plan
        writes, after_domains, after_enabled = plan_app_domains(
            scope, desired["mode"], desired["domains"], desired.get("vhosts_enabled"),
            current["domains"], current["enabled"], current["global_vhosts"])
        plan = Plan(dict(domains=sorted(set(d.lower() for d in current["domains"]))),
                    dict(domains=sorted(set(after_domains))))
        if current["enabled"] is not None:
            plan.before["vhosts_enabled"], plan.after["vhosts_enabled"] = current["enabled"], after_enabled
        for args in writes:
            plan.write(args)
        plan.restart = bool(writes)
        return plan

    def classify(self, scope, path):
        app = scope_app(scope)
        if app is None:
            return {"type": "global_domains"}, "domains"
        return {"type": "domains", "app": app}, path[0]

    def info(self, ctx, scope):
        if scope is None:
            return dict(global_domains=read_global_vhosts(ctx))
        report = ctx.json(Read(["domains:report", scope, "--format", "json"]), default={}) or {}
        return dict(domains=split_words(report.get("app-vhosts")), vhosts_enabled=report.get("app-enabled") == "true")

    def export(self, facts, scope, out):
        if scope is None:
            return {"dokku_global_domains": list(facts["global_domains"])} if facts.get("global_domains") else {}
        if not facts.get("vhosts_enabled", True):
            # vhosts disabled leaves no domains in Dokku, and an entry may not list both
            return {"vhosts_enabled": False}
        return {"domains": sorted(facts.get("domains", []))}
