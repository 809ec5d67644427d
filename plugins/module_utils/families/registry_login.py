# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host-level logins to container registries (``registry:login --global --password-stdin``).

Dokku cannot tell whether the credentials it stored equal the given ones, so the collection
compares them where ``docker login`` (run by Dokku as the dokku user) keeps them: the
``auths`` of ``$DOKKU_ROOT/.docker/config.json``, whose ``auth`` is base64 of
``USER:PASSWORD`` - what a deploy will use, so a logout or another login by hand is seen.
When docker keeps the credentials in a credential helper instead (no ``auth`` in the file),
the collection compares them with a marker it writes after each login it made:
``$DOKKU_ROOT/.docker/selfhosted-dokku-logins.json`` (mode 0600) holding, per server, the user
name and a salted PBKDF2-SHA256 hash of the password, never the password.

The password goes to Dokku on standard input, never on the command line, and is shown only as
``********``.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import json
import os
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, Family, Plan, run_write
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MASK, dokku_root

SERVER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._/-]+)?$")
OFFICIAL = "https://index.docker.io/v1/"
MARKER = "selfhosted-dokku-logins.json"
ITERATIONS = 100000


def auth_key(server):
    """Where docker stores a server's credentials (Dokku maps hub.docker.com and docker.com to docker.io)."""
    if server in ("hub.docker.com", "docker.com", "docker.io", "index.docker.io"):
        return OFFICIAL
    return server


def docker_dir():
    return os.path.join(dokku_root(), ".docker")


def _load_json(ctx, path, strict=True):
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as handle:
            data = json.load(handle)
    except OSError as exc:
        if not strict:
            return {}
        return ctx.runner.fail("cannot read %s to compare the registry credentials: %s (run the task with "
                               "become=true)" % (path, exc.strerror))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def password_hash(password, salt):
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), binascii.unhexlify(salt), ITERATIONS).hex()


def stored_logins(ctx, strict=True):
    """``{auth key: (username, password or None, helper marker or None)}`` of the dokku user's docker."""
    config = _load_json(ctx, os.path.join(docker_dir(), "config.json"), strict)
    marker = _load_json(ctx, os.path.join(docker_dir(), MARKER), strict)
    logins = {}
    for key, entry in (config.get("auths") or {}).items():
        username, password = None, None
        if isinstance(entry, dict) and entry.get("auth"):
            try:
                username, _sep, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
            except (binascii.Error, ValueError):
                pass
        logins[key] = (username, password, marker.get(key) if password is None else None)
    return logins


def matches(stored, username, password):
    if stored is None:
        return False
    stored_user, stored_password, marker = stored
    if stored_password is not None:
        return (stored_user, stored_password) == (username, password)
    if isinstance(marker, dict) and marker.get("salt") and marker.get("username") == username:
        return marker.get("hash") == password_hash(password, marker["salt"])
    return False


def check_login(login):
    server, username, password = login.get("server"), login.get("username"), login.get("password")
    if not isinstance(server, str) or not SERVER_RE.match(server):
        return "server: %r is not a registry host name: give HOST[:PORT][/PATH] without a scheme" % (server,)
    if (login.get("state") or "present") == "absent":
        return None
    if not username or any(c.isspace() for c in username) or username.startswith("-"):
        return "username of %s: give a user name without whitespace, not starting with '-'" % server
    if not password or password != password.strip() or "\n" in password:
        return ("password of %s: give a non-empty password without leading or trailing whitespace (Dokku "
                "strips it) and without a newline" % server)
    return None


class RegistryLoginFamily(Family):
    """Desired: ``{logins: [{server, username, password, state}]}``."""

    name = "registry_login"
    scopes = ("global",)
    resource_type = "registry_login"

    def validate(self, desired, scope):
        seen = {}
        logins = []
        for login in desired["logins"]:
            error = check_login(login)
            if error:
                return None, "logins: " + error
            key = auth_key(login["server"])
            if key in seen:
                return None, "logins: %s and %s are the same registry; list it once" % (seen[key], login["server"])
            seen[key] = login["server"]
            logins.append(dict(login, state=login.get("state") or "present"))
        return dict(logins=logins), None

    def read(self, ctx, scope, desired):
        return stored_logins(ctx)

    def plan(self, scope, desired, current):
        before, after = {}, {}
        plan = Plan(dict(registry_logins=before), dict(registry_logins=after))
        plan.logged_in = []
        for login in desired["logins"]:
            server = login["server"]
            stored = current.get(auth_key(server))
            before[server] = None if stored is None else "%s %s" % (stored[0] or "?", MASK)
            if login["state"] == "absent":
                after[server] = None
                if stored is not None:
                    plan.write(["registry:logout", GLOBAL, server])
                continue
            same = matches(stored, login["username"], login["password"])
            after[server] = "%s %s%s" % (login["username"], MASK, "" if same else " (new)")
            if not same:
                plan.secrets.append(login["password"])
                plan.write(["registry:login", GLOBAL, "--password-stdin", server, login["username"]],
                           data=login["password"] + "\n")
                plan.logged_in.append(login)
        return plan

    def execute(self, ctx, plan):
        """The writes, then the marker of the logins made (for credential helpers; not in check mode)."""
        for write in plan.writes:
            run_write(ctx.runner, write)
        if plan.logged_in and not ctx.check_mode:
            path = os.path.join(docker_dir(), MARKER)
            marker = _load_json(ctx, path)
            for login in plan.logged_in:
                salt = binascii.hexlify(os.urandom(16)).decode("ascii")
                marker[auth_key(login["server"])] = dict(username=login["username"], salt=salt,
                                                         hash=password_hash(login["password"], salt))
            try:
                fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as handle:
                    json.dump(marker, handle, indent=1, sort_keys=True)
                os.replace(path + ".tmp", path)
            except OSError as exc:
                ctx.module.warn("cannot record the registry logins in %s: %s" % (path, exc.strerror))

    def classify(self, scope, path):
        return {"type": "registry_login", "name": path[1] if len(path) > 1 else "?"}, "credentials"

    def info(self, ctx, scope):
        if scope is not None:
            return None
        return dict(registry_logins=dict((key, username or "?") for key, (username, _p, _m) in
                                         sorted(stored_logins(ctx, strict=False).items())))

    def export(self, facts, scope, out):
        if scope is None:
            for server in sorted(facts.get("registry_logins") or {}):
                out.skipped.append("registry login %s: its password cannot be exported; add it to "
                                   "dokku_global_registry_logins" % server)
        return {}
