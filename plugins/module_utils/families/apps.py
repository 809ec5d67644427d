# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apps: an app exists or not (``apps:create``, ``apps:destroy --force``).

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    Family,
    Plan,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MISSING_APP
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name

STATE = dict(
    type="str", default="present", choices=["present", "absent"],
    description=[
        "V(present) creates the app when it is missing.",
        "V(absent) destroys it (C(apps:destroy --force)), only with O(apps[].allow_destroy=true); the"
        " entry's other fields are then ignored, except its services.",
    ],
)
ALLOW_DESTROY = dict(type="bool", default=False, description="Explicit opt-in for O(apps[].state=absent).")


def destroy_refusal(app):
    return ("state=absent would destroy app %r with its config and domains; set allow_destroy=true to confirm"
            % app)


class AppsFamily(Family):
    name = "apps"
    resource_type = "app"
    entry_options = dict(
        name=dict(type="str", required=True,
                  description="App name (lowercase letters, digits, dots and hyphens)."),
        state=STATE,
        allow_destroy=ALLOW_DESTROY,
    )

    def desired(self, entry):
        return dict(state=entry.get("state") or "present", allow_destroy=bool(entry.get("allow_destroy")),
                    create=entry.get("create", True))

    def validate(self, desired, scope):
        error = check_app_name(scope)
        if error:
            return None, "name: " + error
        if desired["state"] == "absent" and not desired["allow_destroy"]:
            return None, destroy_refusal(scope)
        return desired, None

    def reads(self, ctx, scopes):
        return []  # apps:list (bulk) or apps:exists (one app), both through the state reader

    def read(self, ctx, scope, desired):
        return ctx.app_exists(scope)

    def fresh(self, ctx, scope, desired):
        return False

    def plan(self, scope, desired, current):
        """Create or destroy; a missing app that may not be created is reported in ``plan.missing``."""
        exists = current  # the state of an app is whether it exists
        plan = Plan(dict(state="present" if exists else "absent"), dict(state=desired["state"]))
        plan.missing = None
        if desired["state"] == "present" and not exists:
            if desired.get("create", True):
                plan.write(["apps:create", scope])
            else:
                plan.missing = MISSING_APP % scope + " (or create_apps=true)"
        elif desired["state"] == "absent" and exists:
            plan.write(["apps:destroy", scope], global_flags=["--force"])
        return plan

    def classify(self, scope, path):
        return {"type": "app", "name": scope_app(scope)}, "state"

    def info(self, ctx, scope):
        if scope is None:
            return dict(apps=ctx.app_list())
        return None
