# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deploy lock of an app (``apps:lock`` / ``apps:unlock``).

Read from ``apps:report APP --format json`` (``locked``), the read the deploy family makes too.
``apps:lock`` is idempotent on Dokku but ``apps:unlock`` fails without a lock, so each is only
called when the state differs.  The lock's writes run last among an app's: an entry that deploys
and locks deploys first.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.deploy import report_read


def read_locked(ctx, app):
    """True or False; None when the app does not exist."""
    report = ctx.json(report_read(app))
    if report is None:
        return None
    return report.get("locked") == "true"


class LockFamily(Family):
    """Desired: ``{locked: bool}``."""

    name = "lock"
    entry_options = dict(
        locked=dict(
            type="bool",
            description=[
                "V(true) holds the app's deploy lock (C(apps:lock)), so no deploy runs until it is released;"
                " V(false) releases it (C(apps:unlock)). Omitted, the lock is left alone.",
                "The lock is written after the app's other settings and its deploy, so an entry can deploy"
                " and lock in one run; an app locked on the host is unlocked only after the entry's deploy,"
                " which the lock blocks: unlock it in an earlier run.",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("locked") is None:
            return None
        return dict(locked=bool(entry["locked"]))

    def reads(self, ctx, scopes):
        return [report_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return False
        locked = read_locked(ctx, scope)
        if locked is None:
            ctx.runner.missing_app(scope)
            return False
        return locked

    def fresh(self, ctx, scope, desired):
        return False

    def plan(self, scope, desired, current):
        plan = Plan(dict(locked=current), dict(locked=desired["locked"]))
        if current != desired["locked"]:
            plan.write(["apps:lock" if desired["locked"] else "apps:unlock", scope])
        return plan

    def classify(self, scope, path):
        return {"type": "lock", "app": scope_app(scope)}, "locked"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(locked=bool(read_locked(ctx, scope)))

    def export(self, facts, scope, out):
        return {"locked": True} if scope is not None and facts.get("locked") else {}
