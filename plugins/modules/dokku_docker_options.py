#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_docker_options
short_description: Manage the docker options of a Dokku app per phase
version_added: 0.1.0
description:
  - Converges the docker options of a Dokku app for the build, deploy and run phases
    (C(dokku docker-options:add), C(docker-options:remove), C(docker-options:clear)).
  - The current options are read with C(dokku docker-options:report APP --format json), whose
    C(build-list), C(deploy-list) and C(run-list) hold each stored option; they are compared as
    lists, never by substring.
  - Each value is compared in the form Dokku stores it - split into shell words, one option per
    flag, words with blanks or quotes in single quotes - so C(--label "a=b c") and
    C(--label 'a=b c') are the same option. C($), backquotes, line breaks and unquoted shell
    operators are refused, since Dokku would store them unexpanded.
  - C(docker-options:add) stores an option again when it is already there, and C(remove) removes
    every copy, so an option stored twice is removed, then added once. An option that leaves or joins
    several phases is one call for all of them.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  build:
    description:
      - Options of the build phase. Omitted, the phase is left alone.
    type: list
    elements: str
  deploy:
    description:
      - Options of the deploy phase (the app's running containers). Omitted, the phase is left alone.
    type: list
    elements: str
  run:
    description:
      - Options of the run phase (C(dokku run) and cron containers). Omitted, the phase is left alone.
    type: list
    elements: str
  state:
    description:
      - V(exact) makes each given phase exactly its list (an empty list clears the phase).
      - V(present) adds the missing options; V(absent) removes the listed ones.
    type: str
    choices: [exact, present, absent]
    default: exact
notes:
  - Options scoped to one process type (C(docker-options:add --process)) are not managed.
  - Options of the deploy and run phases apply when the app's containers are next created (a
    restart or deploy); build options, at the next build.
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_apps
  - module: selfhosted.dokku.dokku_storage
"""

EXAMPLES = r"""
- name: Shared memory and a label for the running app, a build argument for its build
  selfhosted.dokku.dokku_docker_options:
    app: djangotutorial
    build:
      - --build-arg PIP_INDEX_URL=https://pypi.example.com/simple
    deploy:
      - --shm-size 256m
      - --label "com.example.note=hello world"

- name: No run-phase options at all
  selfhosted.dokku.dokku_docker_options:
    app: djangotutorial
    run: []
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
options:
  description: The managed phases' options after the task, as Dokku stores them (sorted).
  returned: success
  type: dict
  sample: {"deploy": ["--label 'com.example.note=hello world'", "--shm-size 256m"]}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "docker-options:add", "djangotutorial", "deploy", "--shm-size 256m"]]
diff:
  description: The managed phases' options before and after.
  returned: always
  type: dict
  sample: {"before": {"deploy": []}, "after": {"deploy": ["--shm-size 256m"]}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(app:NAME)), per family, the value
      C(before) and C(after).
  returned: always
  type: dict
  sample: {"app:web": {"docker_options": {"before": {"docker_options": {"deploy": []}},
           "after": {"docker_options": {"deploy": ["--shm-size 256m"]}}}}}
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
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.docker_options import PHASES

DOCKER_OPTIONS = get("docker_options")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            build=dict(type="list", elements="str"),
            deploy=dict(type="list", elements="str"),
            run=dict(type="list", elements="str"),
            state=dict(type="str", default="exact", choices=["exact", "present", "absent"]),
        ),
        required_one_of=[list(PHASES)],
        supports_check_mode=True,
    )
    name_options(module)
    app = module.params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    phases = dict((phase, module.params[phase]) for phase in PHASES if module.params[phase] is not None)
    desired, error = DOCKER_OPTIONS.validate(dict(phases=phases, mode=module.params["state"]), app)
    if error:
        module.fail_json(msg=error.replace("docker_options.", "", 1))

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, DOCKER_OPTIONS, app, desired)
    before, after = plan.before["docker_options"], plan.after["docker_options"]
    exit_result(module, runner, plan.changed, before, after, app=app, options=after,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
