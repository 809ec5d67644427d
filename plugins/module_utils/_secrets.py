# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets policy of the collection, in one place.

* What is masked: every value registered with :meth:`Secrets.register` (passwords,
  tokens, config values, DSNs read back from Dokku), in ``commands``, errors, warnings
  and Ansible's own output (its ``no_log_values``).
* What is not: values shorter than :data:`MIN_MASKED_LENGTH` (``1``, ``true``), which
  would turn unrelated words into ``********`` (they never reach argv: config values go
  to Dokku on stdin), and values the task shows anyway (an app name, a domain), which
  :meth:`Secrets.register` is told about with ``shown``.
* How a secret is shown in a diff: :class:`ValueMarker`, ``<hidden sha256:XXXXXXXX>``,
  equal for equal values within one run; in ``commands`` and messages: :data:`MASK`.
* What a module's returned invocation holds for a no_log option: only placeholders
  (:func:`placeholders`), whatever the values' length.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import os

MASK = "********"
MIN_MASKED_LENGTH = 4  # shorter values would mask unrelated text (key names, markers)
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


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


def leaves(value):
    """Every scalar inside a value, as text (what Ansible puts on its no_log list)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in leaves(item)]
    return [str(value)]


def placeholders(values):
    """What the returned invocation shows for a dict of secret values."""
    return dict.fromkeys(values, NO_LOG_PLACEHOLDER)


def maskable(value):
    return value is not None and len(str(value)) >= MIN_MASKED_LENGTH


class Secrets(object):
    """Registers secrets with a runner and with Ansible's ``no_log_values``, by the policy above."""

    def __init__(self, module):
        self.module = module

    def forget(self, values):
        """Take values off Ansible's list of ``no_log`` values, which it masks in all returned text."""
        self.module.no_log_values.difference_update(values)

    def hide_option(self, value):
        """A no_log option's values: short ones taken off Ansible's list, the option shown as placeholders.

        Returns the values; the caller stores ``placeholders(value)`` back in ``module.params``.
        """
        if value is None:
            return None
        self.forget([leaf for leaf in leaves(value) if not maskable(leaf)])
        return value

    def register(self, runner, values, shown=()):
        """Mask these values from now on, except short ones and those found in text the task shows."""
        public = [value for value in values if any(value in text for text in shown if text)]
        self.forget(public)
        for value in values:
            if value not in public and maskable(value):
                runner.add_secret(value)
