# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input validation, run before any command so bad input changes nothing.

Each ``check_*`` function returns an error message (naming the value's
problem and the accepted form) or ``None``.  Messages never echo secrets or
key material.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re
import struct

APP_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
APP_NAME_MAX = 244  # longer names fail half-way through apps:create (contract §18.6)
CONFIG_KEY_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
SERVICE_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
PLUGIN_NAME_RE = re.compile(r"^[0-9a-zA-Z_-]+$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
IPV4_RE = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")
PORT_MAP_RE = re.compile(r"^(http|https|tcp|udp|grpc|grpcs):(\d{1,5}):(\d{1,5})$")
# Key types and how many fields follow the type name inside the key data.
SSH_KEY_FIELDS = {
    "ssh-ed25519": 1,
    "ssh-rsa": 2,
    "ecdsa-sha2-nistp256": 2,
    "ecdsa-sha2-nistp384": 2,
    "ecdsa-sha2-nistp521": 2,
    "sk-ssh-ed25519@openssh.com": 2,
    "sk-ecdsa-sha2-nistp256@openssh.com": 3,
    "ssh-dss": 4,
}
SSH_KEY_TYPES = tuple(SSH_KEY_FIELDS)
DATASTORE_TYPES = (
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "mongo",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "couchdb",
    "rethinkdb",
    "clickhouse",
    "nats",
    "solr",
    "meilisearch",
    "typesense",
    "pushpin",
    "graphite",
    "omnisci",
)
PLUGIN_URL_PREFIXES = ("https://", "git@", "git://", "git+ssh://", "ssh://", "file://")


def check_app_name(name):
    if not isinstance(name, str) or name == "":
        return "app name is empty: give a name like 'my-app'"
    if len(name) > APP_NAME_MAX:
        return "app name %r is %d characters long; Dokku fails above %d" % (name[:40] + "...", len(name), APP_NAME_MAX)
    if not APP_NAME_RE.match(name):
        return (
            "app name %r is invalid: it must begin with a lowercase letter or digit and contain "
            "only lowercase letters, digits, dots and hyphens (^[a-z0-9][a-z0-9.-]*$)" % name
        )
    return None


def check_app_or_global(app, is_global):
    """The ``app``/``global`` pair of a module that manages an app or the global scope: the
    problem (``app: ...``), or None."""
    if is_global and app is not None:
        return "app: give either app or global=true, not both"
    if not is_global:
        if app is None:
            return "app: required unless global=true"
        error = check_app_name(app)
        if error:
            return "app: " + error
    return None


def check_config_key(key):
    if not isinstance(key, str) or not CONFIG_KEY_RE.match(key):
        return "config key %r is invalid: it must match ^[a-zA-Z_][a-zA-Z0-9_]*$" % (key,)
    return None


def check_config_value(key, value):
    """Values Dokku 0.38 cannot store faithfully (contract §18.1); the value is not echoed."""
    if not isinstance(value, str):
        return "config value of %s must be a string" % key
    if "\x00" in value:
        return "config value of %s contains a NUL byte, which Dokku cannot store" % key
    if value.endswith('"') or value.endswith("\\"):
        return (
            'config value of %s ends with a double quote or a backslash: Dokku 0.38 stores it '
            "damaged and then cannot read the app's config at all; change the value's last character" % key
        )
    return None


def normalise_domain(domain):
    return domain.strip().lower() if isinstance(domain, str) else domain


def check_domain(domain, allow_wildcard=True):
    """A hostname or IPv4 address as Dokku accepts it, with stricter label rules."""
    if not isinstance(domain, str) or domain == "":
        return "domain is empty: give a hostname like 'example.com'"
    if domain != domain.strip() or " " in domain or "\t" in domain:
        return "domain %r contains whitespace: give one hostname per list item" % domain
    lowered = domain.lower()
    if IPV4_RE.match(lowered):
        return None
    if lowered.endswith("."):
        return "domain %r ends with a dot: give it without the trailing dot" % domain
    if len(lowered) > 253:
        return "domain %r is longer than 253 characters" % domain
    labels = lowered.split(".")
    for index, label in enumerate(labels):
        if label == "*" and index == 0:
            if not allow_wildcard:
                return "domain %r is a wildcard, which is not allowed here" % domain
            if len(labels) < 3:
                return "wildcard domain %r must be like '*.example.com'" % domain
            continue
        if not label:
            return "domain %r has an empty label (two dots in a row)" % domain
        if len(label) > 63:
            return "domain %r has a label longer than 63 characters" % domain
        if not LABEL_RE.match(label):
            return (
                "domain %r has an invalid label %r: labels use letters, digits and inner hyphens only "
                "(no underscores, ports or other characters)" % (domain, label)
            )
    return None


def check_email(email):
    if not isinstance(email, str) or not EMAIL_RE.match(email):
        return "email %r is invalid: give an address like 'ops@example.com'" % (email,)
    return None


def check_service_name(name):
    if not isinstance(name, str) or not SERVICE_NAME_RE.match(name):
        return "service name %r is invalid: use letters, digits, '_' and '-' only ([A-Za-z0-9_-]+)" % (name,)
    return None


def check_datastore_type(kind):
    if kind not in DATASTORE_TYPES:
        return "datastore type %r is unknown: use one of %s" % (kind, ", ".join(DATASTORE_TYPES))
    return None


def check_plugin_name(name):
    if not isinstance(name, str) or not PLUGIN_NAME_RE.match(name):
        return "plugin name %r is invalid: use letters, digits, '_' and '-' only" % (name,)
    return None


def check_plugin_url(url):
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return "plugin url %r is not a URL" % (url,)
    if url.startswith(PLUGIN_URL_PREFIXES):
        return None
    if url.endswith((".tar.gz", ".tgz")) and "://" in url:
        return None
    return (
        "plugin url %r is not accepted by dokku plugin:install: use an https://, git@, git://, "
        "ssh:// or file:// URL, or a .tar.gz/.tgz archive URL" % url
    )


def check_port_mapping(mapping):
    match = PORT_MAP_RE.match(mapping or "") if isinstance(mapping, str) else None
    if not match or int(match.group(2)) > 65535 or int(match.group(3)) > 65535:
        return "port mapping %r is invalid: use scheme:host-port:container-port, e.g. http:80:5000" % (mapping,)
    return None


def _read_ssh_string(blob, offset):
    if offset + 4 > len(blob):
        raise ValueError("truncated")
    (length,) = struct.unpack(">I", blob[offset:offset + 4])
    end = offset + 4 + length
    if end > len(blob):
        raise ValueError("truncated")
    return blob[offset + 4:end], end


def parse_ssh_public_key(key):
    """Validate one OpenSSH public key line.

    Returns ``(normalised_key, fingerprint, error)``; the error never contains
    the key itself (a private key pasted by mistake must not be echoed).
    """
    if not isinstance(key, str) or not key.strip():
        return None, None, "the SSH public key is empty"
    if "PRIVATE KEY" in key:
        return None, None, "this is a PRIVATE key: give the public key (the .pub file), never the private one"
    text = key.strip()
    if "\n" in text or "\r" in text:
        return None, None, "the SSH public key must be a single line (one key per entry)"
    parts = text.split()
    if parts[0] not in SSH_KEY_TYPES:
        return None, None, (
            "the SSH public key must start with its type (%s); options such as command= are not allowed"
            % ", ".join(SSH_KEY_TYPES[:3])
        )
    if len(parts) < 2:
        return None, None, "the SSH public key has no key data after its type"
    try:
        blob = base64.b64decode(parts[1].encode("ascii"), validate=True)
        inner_type, offset = _read_ssh_string(blob, 0)
        if inner_type.decode("ascii", "replace") != parts[0]:
            return None, None, "the SSH public key data does not match its type %s" % parts[0]
        fields = []
        for _index in range(SSH_KEY_FIELDS[parts[0]]):
            field, offset = _read_ssh_string(blob, offset)
            fields.append(field)
        if offset != len(blob):
            raise ValueError("trailing bytes")
        if parts[0] == "ssh-ed25519" and len(fields[0]) != 32:
            raise ValueError("bad ed25519 key length")
        if parts[0] == "ssh-rsa" and len(fields[1].lstrip(b"\x00")) * 8 < 1024:
            raise ValueError("RSA key too short")
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None, None, "the SSH public key data is not valid (truncated, corrupted or not base64)"
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return " ".join(parts), "SHA256:" + digest, None
