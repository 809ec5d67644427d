# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Config vars: validation, the read, the plan (exclusive, link keys kept), the writes, hiding values.

Shared by dokku_config (one scope) and dokku_apps (every app of a host), so both
behave the same.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import json
import os
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    normalise_config_value,
    parse_config_export,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_config_key,
    check_config_value,
)

# Keys Dokku itself writes: the collection never removes them unless told to by name.
DOKKU_OWN_KEYS = ("NO_VHOST", "GIT_REV")
DOKKU_OWN_PREFIX = "DOKKU_"
# A service link's value: <scheme>://<user:password>@dokku-<type>-<service>:<port>[/db][?query]
SERVICE_DSN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*@dokku-[a-z0-9]+-[A-Za-z0-9_.-]+:[0-9]+(?:[/?]\S*)?$")
MIN_MASKED_LENGTH = 4  # shorter values would mask unrelated text (key names, markers)
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def is_service_dsn(value):
    return bool(SERVICE_DSN_RE.match(value or ""))


def is_unmanaged(key, value):
    """True for keys set by Dokku or by service links (``DATABASE_URL`` and the like)."""
    return key in DOKKU_OWN_KEYS or key.startswith(DOKKU_OWN_PREFIX) or is_service_dsn(value)


class ValueMarker(object):
    """``<hidden sha256:XXXXXXXX>``: an HMAC of the value under a key drawn for this run.

    Equal values get equal markers within one run, so a diff still tells what
    differs; markers of different runs cannot be compared, and the value cannot
    be recovered from its marker.
    """

    def __init__(self):
        self._key = os.urandom(32)

    def __call__(self, value):
        digest = hmac.new(self._key, value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()
        return "<hidden sha256:%s>" % digest[:8]

    def mask(self, values):
        return dict((key, self(value)) for key, value in values.items())


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


def _leaves(value):
    """Every scalar inside a value, as text (what Ansible puts on its no_log list)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [str(value)]


def forget_values(module, values):
    """Take values off Ansible's list of ``no_log`` values, which it masks in all returned text."""
    module.no_log_values.difference_update(values)


def forget_short_values(module, config):
    """Config values shorter than MIN_MASKED_LENGTH would turn unrelated words into ``********``.

    So they are taken off Ansible's masking list; the caller then replaces the
    option's values in ``module.params`` with :func:`placeholders`, so the
    invocation returned with the result shows no value at all, whatever its length.
    """
    forget_values(module, [leaf for leaf in _leaves(config) if len(leaf) < MIN_MASKED_LENGTH])


def placeholders(config):
    return dict.fromkeys(config, NO_LOG_PLACEHOLDER)


def register_values(runner, config):
    """Mask the values long enough to be masked (see :func:`forget_short_values`)."""
    for value in config.values():
        if len(value) >= MIN_MASKED_LENGTH:
            runner.add_secret(value)


def read_config(runner, scope):
    """``config:export --format json``; its error text is not returned (it can quote values)."""
    res = runner.read(["config:export", "--format", "json", scope], fail_on_error=False)
    if res.rc == 20:
        runner.missing("app: app %s does not exist; create it first (selfhosted.dokku.dokku_app)" % scope)
        return {}
    if res.rc != 0:
        runner.fail(
            "cannot read the config vars of %s: dokku config:export exited with code %d (its message is "
            "not shown because it can quote config values; a value ending in a double quote leaves the "
            "ENV file unreadable)" % (scope, res.rc)
        )
    try:
        return parse_config_export(res.stdout)
    except ValueError:
        runner.fail("cannot parse the output of dokku config:export for %s" % scope)
    return {}


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


def app_is_deployed(runner, app):
    report = runner.json_read(["ps:report", app, "--format", "json"], default={}) or {}
    return report.get("deployed") == "true"
