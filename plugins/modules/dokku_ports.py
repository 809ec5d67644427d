#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_ports
short_description: Manage the port mappings of a Dokku app
version_added: 0.1.0
description:
  - Converges the port map of a Dokku app (C(dokku ports:set), C(dokku ports:clear)).
  - A mapping is C(scheme:host-port:container-port), for example C(http:80:5000). It is checked
    before any command runs.
  - The current map is read with C(dokku ports:report APP --ports-map), the cheapest read (an
    all-app ports report is slow).
  - Every change is one C(ports:set) with the whole resulting list (or one C(ports:clear) when it is
    empty), so Dokku rebuilds the proxy configuration once. C(ports:add) is never used because it
    fails on a mapping whose C(scheme:host-port) already exists.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  mappings:
    description:
      - Port mappings as C(scheme:host-port:container-port). Schemes are C(http), C(https), C(tcp),
        C(udp), C(grpc) and C(grpcs); ports are 1 to 65535.
      - Two mappings with the same C(scheme:host-port) are refused, as Dokku refuses them.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(exact) makes the app's map exactly O(mappings). An empty list clears the map, after which
        Dokku falls back to its detected mapping (C(http:80:5000) or the app's random port).
      - V(present) adds the missing mappings. An existing mapping with the same C(scheme:host-port)
        but another container port is replaced, as Dokku cannot hold both.
      - V(absent) removes the listed mappings that exist.
    type: str
    choices: [exact, present, absent]
    default: exact
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_app
  - module: selfhosted.dokku.dokku_letsencrypt
"""

EXAMPLES = r"""
- name: Serve the app on port 80 and 443
  selfhosted.dokku.dokku_ports:
    app: djangotutorial
    mappings:
      - http:80:8000
      - https:443:8000

- name: Also expose a TCP port, keeping the other mappings
  selfhosted.dokku.dokku_ports:
    app: djangotutorial
    mappings: [tcp:2222:22]
    state: present

- name: Drop every explicit mapping (Dokku falls back to the detected one)
  selfhosted.dokku.dokku_ports:
    app: djangotutorial
    mappings: []
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
mappings:
  description: The app's port map after the task, sorted as Dokku stores it.
  returned: success
  type: list
  elements: str
  sample: ["http:80:8000", "https:443:8000"]
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "ports:set", "djangotutorial", "http:80:8000", "https:443:8000"]]
diff:
  description: The port map before and after, sorted.
  returned: always
  type: dict
  sample: {"before": {"mappings": []}, "after": {"mappings": ["http:80:8000"]}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"ports": {"before": {"ports": []}, "after": {"ports": ["http:80:5000"]}}}}
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

PORTS = get("ports")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            mappings=dict(type="list", elements="str", required=True),
            state=dict(type="str", default="exact", choices=["exact", "present", "absent"]),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    app = module.params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = PORTS.validate(dict(mappings=module.params["mappings"], mode=module.params["state"]), app)
    if error:
        module.fail_json(msg=error.replace("ports: ", "mappings: ", 1))

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, PORTS, app, desired)
    before, after = plan.before["ports"], plan.after["ports"]
    exit_result(
        module, runner, before != after, dict(mappings=before), dict(mappings=after),
        app=app, mappings=after, family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
