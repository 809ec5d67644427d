# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Config-var helpers: which keys the collection manages and how values are hidden.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import os
import re

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
