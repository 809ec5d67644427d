# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Port mappings: validation, the read, the plan and its one write.

Shared by dokku_ports (one app) and dokku_apps (every app of a host), so both
behave the same.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    parse_flag_value,
    split_words,
)
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


def read_mappings(runner, app):
    """``ports:report APP --ports-map``, the cheapest read (sorted); None when the app is missing."""
    report = runner.read(["ports:report", app, "--ports-map"], ok_rcs=(0, 20))
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
