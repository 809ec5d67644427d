# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSH keys of Dokku users: one named key, or an exclusive list; a changed key is replaced.

Keys go to ``ssh-keys:add`` on standard input.  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    parse_ssh_keys_json,
    ssh_keys_list_is_empty,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

KEY_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]+$")
LIST_READ = Read(["ssh-keys:list", "--format", "json"], ok_rcs=(0, 1))


def check_key_name(name):
    if not isinstance(name, str) or not KEY_NAME_RE.match(name):
        return "%r is not a valid key name: use letters, digits, '_', '.', '@' and '-' only" % (name,)
    return None


def same_to_dokku(pattern, name):
    """Dokku greps ``NAME=\\"pattern\\"``: a '.' in the pattern matches any character."""
    return len(pattern) == len(name) and all(p in (".", c) for p, c in zip(pattern, name))


def as_map(entries):
    """[(name, fingerprint)] -> {name: fingerprint}; a name registered twice maps to a list."""
    grouped = {}
    for name, fingerprint in entries:
        grouped.setdefault(name, []).append(fingerprint)
    return dict((name, fps[0] if len(fps) == 1 else fps) for name, fps in grouped.items())


def read_keys(ctx):
    """``[{name, fingerprint, public_key}]`` in authorized_keys order; an empty or missing file means none."""
    res = ctx.fetch(LIST_READ)
    if res.rc == 1:
        if ssh_keys_list_is_empty(res.rc, res.stderr):
            return []
        ctx.runner.fail("cannot list the SSH keys", args=list(LIST_READ.args), rc=res.rc,
                        stdout=res.stdout, stderr=res.stderr)
    return parse_ssh_keys_json(res.stdout)


def plan_steps(registered, wanted, removed_name, exclusive):
    """The (action, name) steps that converge, the keys registered after them, and an error.

    Removals run first, then additions, on a simulated authorized_keys, so that no step is
    one Dokku would refuse or one that removes more than asked.
    """
    current = as_map(registered)
    removals = set()
    if removed_name in current:
        removals.add(removed_name)
    for name, (_key, fingerprint) in wanted.items():
        if name in current and current[name] != fingerprint:
            removals.add(name)
    if exclusive:
        removals.update(name for name in current if name not in wanted)

    remaining = list(registered)
    steps = []
    for name in sorted(removals):
        hit = [other for other, _fp in remaining if same_to_dokku(name, other)]
        if name not in hit:
            continue  # already removed along with a name Dokku sees as the same
        spared = sorted(set(other for other in hit if other not in removals))
        if spared:
            return steps, remaining, (
                "removing the SSH key %r would also remove %s: Dokku matches '.' in a key name as any "
                "character; nothing was changed" % (name, ", ".join(repr(o) for o in spared)))
        remaining = [(other, fp) for other, fp in remaining if not same_to_dokku(name, other)]
        steps.append(("remove", name))

    for name, (_key, fingerprint) in wanted.items():
        if current.get(name) == fingerprint:
            continue
        clash = [other for other, _fp in remaining if same_to_dokku(name, other)]
        if clash:
            return steps, remaining, (
                "the SSH key %r cannot be added: Dokku takes the registered key %r for the same name "
                "('.' matches any character); nothing was changed" % (name, clash[0]))
        owner = [other for other, fp in remaining if fp == fingerprint]
        if owner:
            return steps, remaining, (
                "the key given for %r is already registered as %r and Dokku refuses the same key under "
                "a second name: remove %r or use that name; nothing was changed" % (name, owner[0], owner[0]))
        remaining.append((name, fingerprint))
        steps.append(("add", name))
    return steps, remaining, None


class SshKeysFamily(Family):
    """Desired: ``{keys: {name: (public key, fingerprint)}, remove: name or None, exclusive: bool}``."""

    name = "ssh_keys"
    scopes = ("global",)
    resource_type = "ssh_key"

    def reads(self, ctx, scopes):
        return [LIST_READ]

    def read(self, ctx, scope, desired):
        return [(entry["name"], entry["fingerprint"]) for entry in read_keys(ctx)]

    def plan(self, scope, desired, current):
        registered = current  # [(name, fingerprint)] in authorized_keys order
        steps, remaining, error = plan_steps(registered, desired["keys"], desired.get("remove"),
                                             desired.get("exclusive", False))
        plan = Plan(dict(ssh_keys=as_map(registered)), dict(ssh_keys=as_map(remaining)))
        plan.error = error
        for action, name in steps:
            if action == "remove":
                plan.write(["ssh-keys:remove", name])
            else:
                plan.write(["ssh-keys:add", name], data=desired["keys"][name][0] + "\n")
        return plan

    def classify(self, scope, path):
        return {"type": "ssh_key", "name": path[1]}, "fingerprint"

    def info(self, ctx, scope):
        if scope is not None:
            return None
        keys = read_keys(ctx)
        return dict(ssh_keys=dict((k["name"], k["fingerprint"]) for k in keys),
                    ssh_public_keys=dict((k["name"], k["public_key"]) for k in keys))

    def export(self, facts, scope, out):
        if scope is not None:
            return {}
        return {"dokku_ssh_keys_keys": [{"name": name, "key": key}
                                        for name, key in sorted(facts.get("ssh_public_keys", {}).items())]}
