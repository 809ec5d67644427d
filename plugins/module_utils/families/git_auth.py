# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host-level credentials for private git repositories (``git:auth HOST USER``, Dokku's ``.netrc``).

The same credentials a deploy block's ``auth_username``/``auth_password`` store, for hosts that
several apps (or ``git:sync`` by hand) use: read and written by the deploy family's code
(``netrc_entry``, ``git_auth_write``), so the password goes on standard input and the comparison is
the ``.netrc`` entry itself.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MASK
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.deploy import git_auth_write, netrc_entries, netrc_entry

HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")


def check_entry(entry):
    host = entry.get("host")
    if not isinstance(host, str) or not HOST_RE.match(host):
        return "host: %r is not a host name: give the repository's host (and port), e.g. github.com" % (host,)
    if (entry.get("state") or "present") == "absent":
        return None
    for key in ("username", "password"):
        value = entry.get(key)
        if not value or any(c.isspace() for c in value) or value.startswith("-"):
            return ("%s of %s: a .netrc entry needs a value without whitespace, not starting with '-'"
                    % (key, host))
    return None


class GitAuthFamily(Family):
    """Desired: ``{hosts: [{host, username, password, state}]}``."""

    name = "git_auth"
    scopes = ("global",)
    resource_type = "git_auth"

    def validate(self, desired, scope):
        seen, hosts = set(), []
        for entry in desired["hosts"]:
            error = check_entry(entry)
            if error:
                return None, "hosts: " + error
            if entry["host"] in seen:
                return None, "hosts: %s is listed twice" % entry["host"]
            seen.add(entry["host"])
            hosts.append(dict(entry, state=entry.get("state") or "present"))
        return dict(hosts=hosts), None

    def read(self, ctx, scope, desired):
        return dict((entry["host"], netrc_entry(ctx, entry["host"])) for entry in desired["hosts"])

    def plan(self, scope, desired, current):
        before, after = {}, {}
        plan = Plan(dict(git_auth=before), dict(git_auth=after))
        for entry in desired["hosts"]:
            host, stored = entry["host"], current.get(entry["host"])
            before[host] = "%s %s" % (stored[0], MASK) if stored else None
            if entry["state"] == "absent":
                after[host] = None
                if stored:
                    git_auth_write(plan, host, None)
                continue
            same = stored == (entry["username"], entry["password"])
            after[host] = "%s %s%s" % (entry["username"], MASK, "" if same else " (new)")
            if not same:
                git_auth_write(plan, host, entry["username"], entry["password"])
        return plan

    def classify(self, scope, path):
        return {"type": "git_auth", "name": path[1] if len(path) > 1 else "?"}, "credentials"

    def info(self, ctx, scope):
        if scope is not None:
            return None
        return dict(git_auth=dict((host, login) for host, (login, _password) in sorted(netrc_entries(ctx, False).items())))

    def export(self, facts, scope, out):
        if scope is None:
            for host in sorted(facts.get("git_auth") or {}):
                out.skipped.append("git credentials for %s: the token cannot be exported; add it to "
                                   "dokku_global_git_auth (or an app's deploy block)" % host)
        return {}
