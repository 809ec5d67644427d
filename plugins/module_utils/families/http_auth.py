# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP basic authentication of an app (the dokku-http-auth community plugin, 0.10).

State: ``http-auth:report APP`` (text only: enabled, allowed IPs, user names) and the app's
``htpasswd`` (``$DOKKU_ROOT/APP/htpasswd``, ``USER:$6$...`` lines written by ``mkpasswd -m
sha-512``; root can read it), whose hashes tell whether a user's password is the given one
(``_crypt.verify``), so a password is only written when it differs.

The plugin takes passwords on its command line only (``http-auth:add-user APP USER PASSWORD``):
they are masked in everything the collection returns, but visible in the host's process list
while the command runs.  ``add-user`` and ``remove-user`` delete lines with ``sed "/^USER:/d"``,
where a ``.`` in a name matches any character, so the planner simulates them.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._crypt import verify
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MASK, Read, dokku_root

PLUGIN_MISSING = ("the dokku-http-auth plugin is not installed: install it with the selfhosted.dokku.dokku_plugins "
                  "role (url https://github.com/dokku/dokku-http-auth.git)")
USER_RE = re.compile(r"^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$")
# an IPv4 or IPv6 address or CIDR block, or a unix: socket, as nginx's allow directive takes
ADDRESS_RE = re.compile(r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:/[0-9]{1,2})?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:/[0-9]{1,3})?|"
                        r"unix:)$")


def report_read(app):
    return Read(["http-auth:report", app], ok_rcs=(0, 1, 20))


def parse_report(text):
    """``{enabled, allowed_ips, users}`` from the plugin's text report."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep:
            values[key.strip().lower()] = value.strip()
    return dict(enabled=values.get("http auth enabled") == "true",
                allowed_ips=(values.get("http auth allowed ips") or "").split(),
                users=(values.get("http auth users") or "").split())


def _same_to_sed(pattern, name):
    """``sed "/^PATTERN:/d"`` deletes the line of ``name`` ('.' matches any character)."""
    return len(pattern) == len(name) and all(p in (".", c) for p, c in zip(pattern, name))


def read_htpasswd(ctx, app, strict=True):
    """``[(user, hash)]`` in file order."""
    path = os.path.join(dokku_root(), app, "htpasswd")
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        if exc.errno == 2 or not strict:
            return []
        return ctx.runner.fail("cannot read %s to compare the passwords: %s (run the task with become=true)"
                               % (path, exc.strerror))
    return [tuple(line.split(":", 1)) for line in lines if ":" in line]


def read_state(ctx, app, with_hashes=True):
    """The app's http-auth state; None when the app is missing; an empty state (after the missing-plugin
    answer: a failure, or a warning in check mode) when the plugin is not installed."""
    res = ctx.fetch(report_read(app))
    if res.rc == 20 or (res.rc == 1 and "does not exist" in (res.stderr or "")):
        return None
    if res.rc != 0:
        if ctx.runner.not_a_command(res):
            ctx.runner.missing(PLUGIN_MISSING)
            return dict(enabled=False, allowed_ips=[], users=[])
        ctx.runner.fail("dokku http-auth:report failed", args=["http-auth:report", app], rc=res.rc,
                        stdout=res.stdout, stderr=res.stderr)
    state = parse_report(res.stdout)
    state["users"] = read_htpasswd(ctx, app) if with_hashes else [(user, None) for user in state["users"]]
    return state


def user_steps(app, current, wanted):
    """The remove-user/add-user calls from ``current`` ``[(user, hash)]`` to ``wanted`` ``{user: password}``."""
    lines = list(current)
    steps = []
    for user, _hash in current:
        if user not in wanted and any(u == user for u, _h in lines):
            steps.append(["http-auth:remove-user", app, user])
            lines = [(u, h) for u, h in lines if not _same_to_sed(user, u)]
    for user in sorted(wanted):
        hashes = [h for u, h in lines if u == user]
        if len(hashes) == 1 and verify(wanted[user], hashes[0]):
            continue
        steps.append(["http-auth:add-user", app, user, wanted[user]])
        lines = [(u, h) for u, h in lines if not _same_to_sed(user, u)] + [(user, None)]
    return steps


class HttpAuthFamily(Family):
    """Desired: ``{enabled, users: {name: password} or None, allowed_ips: [..] or None}``."""

    name = "http_auth"
    entry_options = dict(
        http_auth=dict(
            type="dict",
            options=dict(
                enabled=dict(type="bool", default=True,
                             description="V(true) enables basic authentication (C(http-auth:enable)), V(false)"
                                         " disables it (C(http-auth:disable))."),
                users=dict(type="list", elements="dict", description=[
                    "The users, exactly: others are removed (C(http-auth:remove-user)), a user whose stored"
                    " hash is not of the given password is written again (C(http-auth:add-user)). Omitted,"
                    " the users are left alone.",
                    "The plugin takes the password on its command line: masked in the task's output, but"
                    " visible in the host's process list while the command runs.",
                ], options=dict(
                    username=dict(type="str", required=True,
                                  description="User name: letters, digits, C(_), C(@), C(.) and C(-)."),
                    password=dict(type="str", required=True, no_log=True,
                                  description="Password (not starting with C(-))."),
                )),
                allowed_ips=dict(type="list", elements="str", description=[
                    "Addresses or CIDR blocks allowed without a password (C(http-auth:add-allowed-ip)),"
                    " exactly; omitted, they are left alone.",
                ]),
            ),
            description=[
                "HTTP basic authentication in front of the app, with the dokku-http-auth plugin (install it"
                " with the C(selfhosted.dokku.dokku_plugins) role first; a missing plugin fails the task, or"
                " warns in check mode).",
            ],
        ),
    )

    def desired(self, entry):
        options = entry.get("http_auth")
        if options is None:
            return None
        users = options.get("users")
        return dict(enabled=options.get("enabled") is not False,
                    users=None if users is None else [(u.get("username"), u.get("password")) for u in users],
                    allowed_ips=options.get("allowed_ips"))

    def validate(self, desired, scope):
        if not desired["enabled"] and (desired["users"] or desired["allowed_ips"]):
            return None, "http_auth: users and allowed_ips need enabled=true"
        users = None
        if desired["users"] is not None:
            users = {}
            for username, password in desired["users"]:
                if not isinstance(username, str) or not USER_RE.match(username):
                    return None, ("http_auth.users: %r is not a user name: use letters, digits, '_', '@', '.' and "
                                  "'-'" % (username,))
                if not password or password.startswith("-") or "\n" in password:
                    return None, "http_auth.users: the password of %s is empty, starts with '-' or holds a newline" % username
                clash = [other for other in users if _same_to_sed(username, other) or _same_to_sed(other, username)]
                if clash:
                    return None, ("http_auth.users: %s and %s clash: the plugin matches '.' in a name as any "
                                  "character" % (clash[0], username))
                users[username] = password
        ips = None
        if desired["allowed_ips"] is not None:
            for address in desired["allowed_ips"]:
                if not isinstance(address, str) or not ADDRESS_RE.match(address):
                    return None, "http_auth.allowed_ips: %r is not an IP address or CIDR block" % (address,)
            ips = sorted(set(desired["allowed_ips"]))
        return dict(enabled=desired["enabled"], users=users, allowed_ips=ips), None

    def reads(self, ctx, scopes):
        return [report_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return dict(enabled=False, allowed_ips=[], users=[])
        state = read_state(ctx, scope, desired["users"] is not None)
        if state is None:
            ctx.runner.missing_app(scope)
            return dict(enabled=False, allowed_ips=[], users=[])
        return state

    def fresh(self, ctx, scope, desired):
        return dict(enabled=False, allowed_ips=[], users=[])

    def plan(self, scope, desired, current):
        before, after = dict(enabled=current["enabled"]), dict(enabled=desired["enabled"])
        plan = Plan(dict(http_auth=before), dict(http_auth=after))
        if not desired["enabled"]:
            if current["enabled"]:
                plan.write(["http-auth:disable", scope])
            return plan
        if not current["enabled"]:
            plan.write(["http-auth:enable", scope])
        if desired["allowed_ips"] is not None:
            before["allowed_ips"], after["allowed_ips"] = sorted(current["allowed_ips"]), desired["allowed_ips"]
            for address in desired["allowed_ips"]:
                if address not in current["allowed_ips"]:
                    plan.write(["http-auth:add-allowed-ip", scope, address])
            for address in current["allowed_ips"]:
                if address not in desired["allowed_ips"]:
                    plan.write(["http-auth:remove-allowed-ip", scope, address])
        if desired["users"] is not None:
            steps = user_steps(scope, current["users"], desired["users"])
            written = set(step[2] for step in steps if step[0] == "http-auth:add-user")
            before["users"] = dict((user, MASK) for user, _hash in current["users"])
            after["users"] = dict((user, MASK + (" (new)" if user in written else "")) for user in desired["users"])
            for step in steps:
                plan.write(step)
            plan.secrets += list(desired["users"].values())
        return plan

    def classify(self, scope, path):
        resource = {"type": "http_auth", "app": scope_app(scope)}
        if len(path) > 2 and path[1] == "users":
            resource["name"] = path[2]
            return resource, "password"
        return resource, path[1] if len(path) > 1 else "enabled"

    def info(self, ctx, scope):
        from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import installed_plugins

        if scope is None or not installed_plugins(ctx).get("http-auth", {}).get("enabled"):
            return None
        res = ctx.fetch(report_read(scope))
        if res.rc != 0:
            return None  # the plugin is not installed
        state = parse_report(res.stdout)
        return dict(http_auth=dict(enabled=state["enabled"], allowed_ips=state["allowed_ips"], users=state["users"]))

    def export(self, facts, scope, out):
        http_auth = facts.get("http_auth") or {}
        if scope is None or not http_auth.get("enabled"):
            return {}
        if http_auth.get("users"):
            out.skipped.append("app %s: the http-auth passwords of %s are stored hashed and cannot be exported; add "
                               "them to http_auth.users" % (scope, ", ".join(http_auth["users"])))
        return {"http_auth": dict(enabled=True, allowed_ips=list(http_auth.get("allowed_ips") or []))}
