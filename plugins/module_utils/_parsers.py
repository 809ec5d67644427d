# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for Dokku's machine-readable output (Dokku 0.38).

State is read from ``--format json`` reports and ``config:export --format json``;
text is parsed only where Dokku offers nothing structured (``postgres:info``
single flags, ``postgres:links``).  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

_ATOI_RE = re.compile(r"^[+-]?[0-9]+$")
_NO_APPS = "You haven't deployed any applications yet"


def parse_json_document(text, default=None):
    """One JSON document (an object or array); ``default`` for empty output."""
    text = (text or "").strip()
    if not text:
        return default
    return json.loads(text)


def parse_json_lines(text):
    """All-app reports print one JSON object per line (app-name order, no app name)."""
    return [json.loads(line) for line in (text or "").splitlines() if line.strip()]


def zip_all_app_report(apps, text):
    """Pair an all-app ``--format json`` report with ``apps:list --format json`` (same order)."""
    rows = parse_json_lines(text)
    if len(rows) != len(apps):
        raise ValueError("the all-app report has %d rows for %d apps" % (len(rows), len(apps)))
    return dict(zip(apps, rows))


def parse_config_export(text):
    """``config:export --format json APP|--global`` -> dict of strings."""
    data = parse_json_document(text, default={})
    if not isinstance(data, dict):
        raise ValueError("config:export did not print a JSON object")
    return dict((str(k), str(v)) for k, v in data.items())


def normalise_config_value(value):
    """How Dokku 0.38 stores a value: integer-looking strings are re-formatted (007 -> 7)."""
    if _ATOI_RE.match(value or ""):
        number = int(value)
        if -(2 ** 63) <= number < 2 ** 63:
            return str(number)
    return value


def split_words(value):
    """Space-separated report values (domains, port maps) -> list, empty-safe."""
    return (value or "").split()


_SSH_ENTRY_RE = re.compile(
    r'\{\s*"fingerprint":\s*"(?P<fingerprint>[^"]*)",\s*"name":\s*"(?P<name>[^"]*)",'
    r'\s*"SSHCOMMAND_ALLOWED_KEYS":\s*"(?P<allowed>[^"]*)"'
    r'(?:,\s*"public-key":\s*"(?P<key>.*?)")?\s*\}(?=\s*,\s*\{|\s*\]\s*$)'
)


def parse_ssh_keys_json(text):
    """``ssh-keys:list --format json``: a hand-built, unescaped JSON array.

    Decoded with ``json`` when it is valid; a key comment holding ``"`` makes
    it invalid, so fall back to a pattern over the fixed field order.
    """
    text = (text or "").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        data = [
            {
                "fingerprint": m.group("fingerprint"),
                "name": m.group("name"),
                "SSHCOMMAND_ALLOWED_KEYS": m.group("allowed"),
                "public-key": m.group("key") or "",
            }
            for m in _SSH_ENTRY_RE.finditer(text)
        ]
    return [
        dict(
            name=entry.get("name", ""),
            fingerprint=entry.get("fingerprint", ""),
            public_key=entry.get("public-key", ""),
        )
        for entry in data
    ]


def ssh_keys_list_is_empty(rc, stderr):
    """``ssh-keys:list`` exits 1 for an empty or missing authorized_keys: that means no keys."""
    return rc == 1 and ("authorized_keys is empty" in stderr or "authorized_keys not found" in stderr)


def parse_plugin_list_json(text):
    """``plugin:list --format json`` -> {name: entry}."""
    data = parse_json_document(text, default=[])
    return dict((entry["name"], entry) for entry in data)


def parse_lines(text):
    """One value per line (``postgres:links``, ``postgres:app-links``, ``apps:list --quiet``)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_flag_value(text):
    """A single-flag report value: the first line, trailing blanks removed."""
    return (text or "").split("\n", 1)[0].rstrip()


def no_apps_message(stderr):
    return _NO_APPS in (stderr or "")
