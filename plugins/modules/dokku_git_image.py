#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_git_image
short_description: Deploy a Dokku app from a container image
version_added: 0.1.0
description:
  - Deploys an app from a container image with C(dokku git:from-image APP IMAGE), but only when the
    image reference differs from the one the app was deployed from.
  - Dokku commits a C(Dockerfile) with C(FROM IMAGE) to the app's repository and builds it. Given the
    same image again it changes nothing and fails (C(No changes detected)), so the module reads first
    and never runs it for the image already in place.
  - The image in place is C(source-image) of C(dokku git:report APP --format json) when the app's last
    deploy (C(dokku apps:report)) came from an image. An app last deployed from git (for example with
    M(selfhosted.dokku.dokku_git_sync)) is redeployed from the image.
  - The reference is compared as written. To follow a moving tag, pin the digest
    (C(name@sha256:...) or C(name:tag@sha256:...)); a new digest is a new reference and redeploys.
    Without it, a tag that moved in the registry is not noticed; rebuild with
    M(selfhosted.dokku.dokku_ps) (O(selfhosted.dokku.dokku_ps#module:state=rebuilt)) to pull it again.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  image:
    description:
      - The image reference, C([registry[:port]/]name[:tag][@sha256:digest]), for example
        C(nginx:1.27), C(ghcr.io/example/app:2.3.1) or C(ghcr.io/example/app@sha256:<64 hex digits>).
      - The registry must be reachable from the host and logged in when it is private.
    type: str
    required: true
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_app
  - module: selfhosted.dokku.dokku_git_sync
  - module: selfhosted.dokku.dokku_ps
notes:
  - A deploy can take longer than the default O(command_timeout) of 600 seconds (image pull, checks);
    raise it when needed.
  - When the app's repository already holds the image but its deploy did not finish, the module
    changes nothing and warns; rebuild the app with M(selfhosted.dokku.dokku_ps) once the cause is fixed.
"""

EXAMPLES = r"""
- name: Run a released image
  selfhosted.dokku.dokku_git_image:
    app: djangotutorial
    image: ghcr.io/example/djangotutorial:1.4.0

- name: Run exactly this build (a new digest redeploys)
  selfhosted.dokku.dokku_git_image:
    app: djangotutorial
    image: "ghcr.io/example/djangotutorial@sha256:{{ image_digest }}"
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
image:
  description: The image the app is deployed from after the task.
  returned: success
  type: str
  sample: ghcr.io/example/djangotutorial:1.4.0
previous_image:
  description: The image in place before the task, null when the app was not deployed from an image.
  returned: success
  type: str
  sample: ghcr.io/example/djangotutorial:1.3.2
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "git:from-image", "djangotutorial", "ghcr.io/example/djangotutorial:1.4.0"]]
diff:
  description: The image before and after.
  returned: always
  type: dict
  sample:
    before: {"image": "ghcr.io/example/djangotutorial:1.3.2"}
    after: {"image": "ghcr.io/example/djangotutorial:1.4.0"}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"deploy": {"before": {"deploy": {"image": null}}, "after": {"deploy": {"image": "nginx:1.27"}}}}}
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

DEPLOY = get("deploy")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            image=dict(type="str", required=True),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    app, image = module.params["app"], module.params["image"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = DEPLOY.validate(dict(image=image), app)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, DEPLOY, app, desired)
    before, after = plan.before["deploy"], plan.after["deploy"]
    exit_result(
        module, runner, before != after, before, after,
        app=app, image=image, previous_image=before["image"], family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
