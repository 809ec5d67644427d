#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_storage
short_description: Manage the storage mounts of a Dokku app and the storage entries they use
version_added: 0.1.0
description:
  - Converges the storage mounts of a Dokku app, in Dokku 0.38's model - named storage entries
    (C(dokku storage:create)) mounted into an app (C(dokku storage:mount APP NAME --container-dir DIR)),
    or host paths mounted with Dokku's legacy C(host:container) form.
  - State is read with C(dokku storage:report APP --format json) (every mount with its phases, process
    type and options) and, when named entries are managed, C(dokku storage:list-entries --format json).
  - A missing named entry is created (C(storage:create NAME [PATH] [--chown PRESET] [--mode MODE])); a
    changed owner or mode of an existing one is set with C(storage:set), which keeps its labels. An existing
    entry's directory is never changed. A mount of a named entry is converged in place (C(storage:mount)
    is an upsert); a host-path mount whose options change is unmounted, then mounted again.
  - A host path in Dokku's storage root with an owner preset (O(mounts[].chown)) is created with
    C(storage:ensure-directory --chown PRESET) when it is missing; an existing directory's owner is not
    read back.
  - Dokku registers a host-path mount as a C(legacy-<hash>) storage entry that stays after the unmount. It
    holds no data and is reused when the same host path is mounted again; O(state=absent) with
    O(allow_destroy=true) removes it.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  mounts:
    description:
      - The mounts. The same fields as O(selfhosted.dokku.dokku_apps#module:apps[].storage).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - A named storage entry, created when missing. Lower-case letters, digits and dashes, at most 45
            characters; not starting with C(legacy-).
        type: str
      host_path:
        description:
          - Without O(mounts[].name), a host directory mounted with the legacy form. With it, the entry's
            directory when it is created (default C(/var/lib/dokku/data/storage/NAME)).
        type: str
      container_dir:
        description: Absolute path inside the app's containers.
        type: str
        required: true
      process_type:
        description: Mount a named entry for one process type only; default every process.
        type: str
      phases:
        description: Phases a named entry's mount applies to; default both.
        type: list
        elements: str
        choices: [deploy, run]
      readonly:
        description: Mount read-only.
        type: bool
        default: false
      volume_options:
        description: Comma-separated docker mount options, such as V(Z).
        type: str
      chown:
        description:
          - Owner of the directory - V(herokuish) (uid 32767), V(heroku) (1000), V(paketo) (2000), V(root),
            V(false) (leave it) or a numeric uid. Only for a directory of Dokku's storage root.
        type: str
      mode:
        description:
          - Octal permissions of a named entry's directory, such as V(0750). World-writable modes are refused.
        type: str
  state:
    description:
      - V(exact) makes the app's mounts exactly O(mounts) (others are unmounted, their data kept).
      - V(present) mounts the listed ones and leaves other mounts alone.
      - V(absent) unmounts the listed ones (only O(mounts[].name) or O(mounts[].host_path),
        O(mounts[].container_dir) and O(mounts[].process_type) are used).
    type: str
    choices: [exact, present, absent]
    default: exact
  allow_destroy:
    description:
      - With O(state=absent), also destroy the storage entries of the listed mounts (C(storage:destroy)) -
        a named entry's directory at the default path with its data (C(--destroy-host-dir)), a host path's
        C(legacy-<hash>) entry without touching the directory. Refused when another app still mounts one.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_apps
  - module: selfhosted.dokku.dokku_docker_options
"""

EXAMPLES = r"""
- name: Media files in a named entry owned by the herokuish user, and a read-only host directory
  selfhosted.dokku.dokku_storage:
    app: djangotutorial
    mounts:
      - name: djangotutorial-media
        container_dir: /app/media
        chown: herokuish
      - host_path: /srv/shared/config
        container_dir: /app/config
        readonly: true

- name: Unmount the media and destroy the entry with its data
  selfhosted.dokku.dokku_storage:
    app: djangotutorial
    mounts:
      - name: djangotutorial-media
        container_dir: /app/media
    state: absent
    allow_destroy: true
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
mounts:
  description: The app's mounts after the task - container directory (with C([process type]) when it is not every
    process) to the entry name or host path and its options.
  returned: success
  type: dict
  sample: {"/app/media": "djangotutorial-media", "/app/config": "/srv/shared/config (readonly)"}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "storage:create", "djangotutorial-media", "--chown", "herokuish"],
           ["dokku", "storage:mount", "djangotutorial", "djangotutorial-media", "--container-dir", "/app/media"]]
diff:
  description: The mounts (and the entries and directories the task manages) before and after.
  returned: always
  type: dict
  sample: {"before": {"storage": {}}, "after": {"storage": {"/app/media": "djangotutorial-media"}}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(app:NAME)), per family, the value
      C(before) and C(after).
  returned: always
  type: dict
  sample: {"app:web": {"storage": {"before": {"storage": {}}, "after": {"storage": {"/app/media": "web-media"}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import argument_spec, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.storage import MOUNT_OPTIONS

STORAGE = get("storage")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            mounts=dict(type="list", elements="dict", required=True, options=argument_spec(MOUNT_OPTIONS)),
            state=dict(type="str", default="exact", choices=["exact", "present", "absent"]),
            allow_destroy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    app, state = module.params["app"], module.params["state"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    if module.params["allow_destroy"] and state != "absent":
        module.fail_json(msg="allow_destroy: only with state=absent (it destroys the entries of the mounts removed)")
    desired, error = STORAGE.validate(dict(mounts=module.params["mounts"], mode=state,
                                           destroy=module.params["allow_destroy"]), app)
    if error:
        module.fail_json(msg=error.replace("storage", "mounts", 1))

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, STORAGE, app, desired)
    exit_result(module, runner, plan.changed, plan.before, plan.after, app=app, mounts=plan.after["storage"],
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
