#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_resource
short_description: Manage the resource limits and reservations of a Dokku app
version_added: 0.1.0
description:
  - Converges the resource limits and reservations of a Dokku app per process type
    (C(dokku resource:limit), C(resource:reserve), C(resource:limit-clear), C(resource:reserve-clear)).
  - The current values are read with C(dokku resource:report APP --format json).
  - Values are checked before any call, because Dokku stores anything (C(--memory lots) exits 0
    and breaks the next deploy). Limits - C(cpu) (a positive decimal, docker's C(--cpus)),
    C(memory) (a whole number with a unit b, k, m or g; Dokku reads a bare number as megabytes),
    C(memory-swap) (a size with a unit, or -1), C(nvidia-gpu) (a count, or V(all)). Reservations -
    C(cpu) and C(memory). Dokku's network keys are refused; no scheduler of Dokku 0.38 uses them.
  - One call per process type and kind sets the changed values and clears the dropped ones
    (C(--memory clear)); a process type left with none is cleared with
    C(resource:limit-clear APP --process-type TYPE). The bare C(resource:limit-clear APP) is never
    used, because Dokku then deletes the reservations too.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  limits:
    description:
      - "Limits per process type - V(_default_) (every process) or a Procfile process type - each a
        dict of values, for example C({_default_: {cpu: 1, memory: 512m}, web: {memory: 256m}})."
      - Exact - a value or process type not listed is cleared; an empty dict clears every limit.
        Omitted, the limits are left alone.
    type: dict
  reservations:
    description:
      - Reservations per process type, as O(limits).
    type: dict
notes:
  - New values apply when the app's containers are next created (a restart or deploy).
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_apps
"""

EXAMPLES = r"""
- name: One CPU and 512 MB for every process, less memory for web, a memory reservation
  selfhosted.dokku.dokku_resource:
    app: djangotutorial
    limits:
      _default_: {cpu: 1, memory: 512m}
      web: {memory: 256m}
    reservations:
      _default_: {memory: 128m}

- name: No limits at all (reservations left alone)
  selfhosted.dokku.dokku_resource:
    app: djangotutorial
    limits: {}
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
resources:
  description: The managed kinds after the task, per process type.
  returned: success
  type: dict
  sample: {"limits": {"_default_": {"cpu": "1", "memory": "512m"}}}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "resource:limit", "djangotutorial", "--cpu", "1", "--memory", "512m"]]
diff:
  description: The managed kinds before and after.
  returned: always
  type: dict
  sample: {"before": {"limits": {}}, "after": {"limits": {"_default_": {"cpu": "1"}}}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(app:NAME)), per family, the value
      C(before) and C(after).
  returned: always
  type: dict
  sample: {"app:web": {"resource": {"before": {"resources": {"limits": {}}},
           "after": {"resources": {"limits": {"_default_": {"cpu": "1"}}}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

RESOURCE = get("resource")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            limits=dict(type="dict"),
            reservations=dict(type="dict"),
        ),
        required_one_of=[["limits", "reservations"]],
        supports_check_mode=True,
    )
    name_options(module)
    app = module.params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = RESOURCE.validate(dict(limits=module.params["limits"],
                                            reservations=module.params["reservations"]), app)
    if error:
        module.fail_json(msg=error.replace("resources.", "", 1))

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, RESOURCE, app, desired)
    before, after = plan.before["resources"], plan.after["resources"]
    exit_result(module, runner, plan.changed, before, after, app=app, resources=after,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
