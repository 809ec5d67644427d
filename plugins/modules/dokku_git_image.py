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
"""

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._deploy import MISSING_APP, read_deploy_source
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name

# Docker's reference grammar: [domain[:port]/]path[:tag][@algorithm:hex]
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?/)"
IMAGE_RE = re.compile(
    r"^%s?%s(?:/%s)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$" % (_DOMAIN, _COMPONENT, _COMPONENT)
)


def check_image(image):
    if not isinstance(image, str) or not IMAGE_RE.match(image) or len(image) > 255 + 72:
        return (
            "%r is not a valid image reference: use [registry[:port]/]name[:tag][@sha256:<64 hex>] "
            "with a lowercase name, for example nginx:1.27" % (image,)
        )
    return None


def image_in_place(runner, app, source):
    """The image the app's repository holds when its last deploy came from an image (else None)."""
    deploy_source, metadata = source
    if deploy_source not in ("docker-image", ""):
        return None
    report = runner.json_read(["git:report", app, "--format", "json"], default={})
    repository_image = report.get("source-image", "")
    deployed = metadata if deploy_source == "docker-image" else None
    if repository_image and repository_image != deployed:
        runner.module.warn(
            "app %s: its repository holds image %s, but the last successful deploy was %s; rebuild "
            "the app (selfhosted.dokku.dokku_ps state=rebuilt) to deploy it"
            % (app, repository_image, deployed or "none")
        )
    return repository_image or deployed


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            image=dict(type="str", required=True),
        ),
        supports_check_mode=True,
    )
    app, image = module.params["app"], module.params["image"]
    for name, error in (("app", check_app_name(app)), ("image", check_image(image))):
        if error:
            module.fail_json(msg="%s: %s" % (name, error))

    runner = DokkuRunner(module)
    runner.require_supported_version()
    source = read_deploy_source(runner, app)
    if source is None:
        runner.missing(MISSING_APP % app)
        current = None
    else:
        current = image_in_place(runner, app, source)

    if current != image:
        runner.write(["git:from-image", app, image])

    exit_result(
        module, runner, current != image, dict(image=current), dict(image=image),
        app=app, image=image, previous_image=current,
    )


if __name__ == "__main__":
    main()
