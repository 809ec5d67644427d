#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_service
short_description: Create or destroy a Dokku datastore service (postgres, redis, mysql, ...)
version_added: 0.1.0
description:
  - Makes sure a service of one of the official Dokku datastore plugins exists
    (C(dokku <type>:create)) or does not exist (C(dokku <type>:destroy SVC --force)).
  - The datastore plugin must be installed on the host (see M(selfhosted.dokku.dokku_plugin));
    the module fails with a clear message when it is not.
  - O(image), O(image_version), O(password), O(custom_env) and O(config_options) are applied only
    when the service is created; Dokku cannot change them on an existing service except through
    C(<type>:upgrade), which this module does not run.
  - When an existing service runs another image or version than requested, nothing is recreated;
    the module reports the difference in the diff and as a warning.
  - Destroying a service deletes its data. It needs the explicit O(allow_destroy=true), and it is
    refused while apps are linked to the service (unlink them with
    M(selfhosted.dokku.dokku_service_link) first).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  type:
    description:
      - The datastore plugin, which is also the command prefix (C(postgres:create), C(redis:create), ...).
    type: str
    default: postgres
  name:
    description:
      - Name of the service. Letters, digits, C(_) and C(-) only (no dots).
    type: str
    required: true
    aliases: [service]
  state:
    description:
      - V(present) creates the service when it is missing.
      - V(absent) destroys it when it exists, only together with O(allow_destroy=true).
    type: str
    choices: [present, absent]
    default: present
  image:
    description:
      - Docker image to create the service from, without its tag (C(postgres), C(postgis/postgis)).
      - Defaults to the plugin's image.
    type: str
  image_version:
    description:
      - Tag of the image (C(17.6)). Defaults to the plugin's default version.
    type: str
  password:
    description:
      - Password of the service's user. Dokku generates a random one when it is not given,
        which is the more secure choice.
      - Letters, digits and C(. _ ~ -) only, not starting with C(-), because Dokku puts it unescaped
        into the service URL.
      - Dokku only accepts it on the command line, so it is visible in the host's process list while
        C(<type>:create) runs. It is masked in everything the module returns.
    type: str
  custom_env:
    description:
      - Environment variables of the service container, passed as C(--custom-env "A=b;C=d").
      - Keys and values may not contain C(;), C(=) or line breaks, which that form cannot carry.
    type: dict
  config_options:
    description:
      - Extra arguments for the datastore process (C(--config-options), for example C(--max-connections=50)).
    type: str
  allow_destroy:
    description:
      - Explicit opt-in to destroy the service and its data when O(state=absent). Never implied.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_service_link
  - module: selfhosted.dokku.dokku_plugin
notes:
  - A later upgrade option may apply image and version changes through C(<type>:upgrade).
"""

EXAMPLES = r"""
- name: A postgres database for the app
  selfhosted.dokku.dokku_service:
    name: djangotutorial-db

- name: A pinned postgres version with extra settings
  selfhosted.dokku.dokku_service:
    name: analytics
    image_version: "17.6"
    custom_env:
      TZ: UTC
    config_options: "--max-connections=50"

- name: A redis cache (the redis plugin must be installed)
  selfhosted.dokku.dokku_service:
    type: redis
    name: cache

- name: Destroy a service that is no longer linked (explicit opt-in)
  selfhosted.dokku.dokku_service:
    name: old-db
    state: absent
    allow_destroy: true
"""

RETURN = r"""
service:
  description: Name of the service.
  returned: always
  type: str
  sample: djangotutorial-db
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "postgres:create", "djangotutorial-db"]]
diff:
  description:
    - State before and after. C(image) is C(image:tag); it is null when the plugin's default will be
      used and not yet known. The password and the service URL are never part of it.
  returned: always
  type: dict
  sample:
    before: {"type": "postgres", "name": "djangotutorial-db", "state": "absent", "image": null}
    after: {"type": "postgres", "name": "djangotutorial-db", "state": "present", "image": null}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"global": {"services": {"before": {"services": {"postgres": {"db": {"state": "absent", "image": null}}}}, "after": {"services": {"postgres": {"db": {"state": "present", "image": null}}}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import item

SERVICES = get("services")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            type=dict(type="str", default="postgres"),
            name=dict(type="str", required=True, aliases=["service"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            image=dict(type="str"),
            image_version=dict(type="str"),
            password=dict(type="str", no_log=True),
            custom_env=dict(type="dict", no_log=True),
            config_options=dict(type="str"),
            allow_destroy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    desired, error = SERVICES.validate([item(params, params["state"], None, report_image=True)], GLOBAL)
    if error:
        module.fail_json(msg=error.split(": ", 1)[1])
    kind, name = params["type"], params["name"]

    runner = DokkuRunner(module, secrets=[params["password"]])
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, SERVICES, GLOBAL, desired)
    before = dict(type=kind, name=name, **plan.before["services"][kind][name])
    after = dict(type=kind, name=name, **plan.after["services"][kind][name])
    exit_result(module, runner, before["state"] != after["state"], before, after, service=name,
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
