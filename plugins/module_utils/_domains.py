# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domains: validation and the plan of an app's or the global domains and vhost support.

Shared by dokku_domains (one scope) and dokku_apps (every app of a host), so both
behave the same.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

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
