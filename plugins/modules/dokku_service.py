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
"""

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value, parse_lines
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._services import (
    fail_unexpected,
    require_plugin,
    service_exists,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_datastore_type,
    check_service_name,
)

PASSWORD_RE = re.compile(r"^[A-Za-z0-9._~][A-Za-z0-9._~-]*$")
IMAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def validate(params):
    """The first problem with the input as ``param: message``, or None."""
    kind, name = params["type"], params["name"]
    checks = (("type", check_datastore_type(kind)), ("name", check_service_name(name)))
    for param, error in checks:
        if error:
            return "%s: %s" % (param, error)
    image = params["image"]
    if image is not None and (not IMAGE_RE.match(image) or ":" in image.rsplit("/", 1)[-1]):
        return (
            "image: %r is not an image name without tag, like 'postgres' or 'registry:5000/team/pg'; "
            "give the tag in image_version" % image
        )
    version = params["image_version"]
    if version is not None and not TAG_RE.match(version):
        return "image_version: %r is not a Docker tag (letters, digits, '_', '.' and '-')" % version
    password = params["password"]
    if password is not None and not PASSWORD_RE.match(password):
        return (
            "password: it must be non-empty, use only letters, digits and '.', '_', '~', '-' and not "
            "start with '-', because Dokku reads it as a command-line option and writes it unescaped "
            "into the service URL"
        )
    for key, value in (params["custom_env"] or {}).items():
        if not key or any(char in key for char in ";=\n\r"):
            return "custom_env: key %r is empty or contains ';', '=' or a line break" % key
        if not isinstance(value, str) or any(char in value for char in ";=\n\r"):
            return (
                "custom_env: the value of %s must be a string without ';', '=' or line breaks "
                "(Dokku passes custom_env as 'A=b;C=d')" % key
            )
    options = params["config_options"]
    if options is not None and ("\n" in options or "\r" in options):
        return "config_options: line breaks are not allowed"
    if params["state"] == "absent" and not params["allow_destroy"]:
        return (
            "state=absent would destroy %s service %r and its data; set allow_destroy=true to confirm"
            % (kind, name)
        )
    return None


def current_image(runner, kind, name):
    """``<type>:info SVC --version``: the running ``image:tag`` ("" without a container)."""
    return parse_flag_value(runner.read([kind + ":info", name, "--version"]).stdout) or None


def split_image(image):
    name, _sep, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, ""
    return name, tag


def wanted_image(params, current):
    """The requested ``image:tag`` with unrequested parts taken from ``current``."""
    image, version = params["image"], params["image_version"]
    if current is None:  # creation: the plugin's default image is named like the type
        if version is None:
            return None
        return "%s:%s" % (image or params["type"], version)
    current_name, current_tag = split_image(current)
    return "%s:%s" % (image or current_name, version or current_tag)


def create_args(runner, params):
    kind, name = params["type"], params["name"]
    args = [kind + ":create", name]
    if params["image"]:
        args += ["--image", params["image"]]
    if params["image_version"]:
        args += ["--image-version", params["image_version"]]
    if params["password"]:
        args += ["--password", params["password"]]
    if params["custom_env"]:
        custom_env = ";".join("%s=%s" % item for item in sorted(params["custom_env"].items()))
        runner.add_secret(custom_env)
        args += ["--custom-env", custom_env]
    if params["config_options"]:
        args += ["--config-options", params["config_options"]]
    return args


def linked_apps(runner, kind, name):
    args = [kind + ":links", name]
    res = runner.read(args, ok_rcs=(0, 1))
    if res.rc != 0:
        require_plugin(runner, kind, args, res)
        fail_unexpected(runner, args, res)
    return parse_lines(res.stdout)


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
    error = validate(params)
    if error:
        module.fail_json(msg=error)
    kind, name, state = params["type"], params["name"], params["state"]

    runner = DokkuRunner(module, secrets=[params["password"]])
    runner.require_supported_version()
    exists = service_exists(runner, kind, name)
    image = current_image(runner, kind, name) if exists else None
    before = dict(type=kind, name=name, state="present" if exists else "absent", image=image)
    after = dict(before, state=state)

    if state == "present":
        after["image"] = wanted_image(params, image)
        if not exists:
            runner.write(create_args(runner, params))
        elif image and after["image"] != image:
            module.warn(
                "%s service %s runs %s, not the requested %s; it was left as it is "
                "(Dokku changes it only with %s:upgrade)" % (kind, name, image, after["image"], kind)
            )
    elif exists:
        apps = linked_apps(runner, kind, name)
        if apps:
            runner.fail(
                "%s service %s is still linked to %s; unlink it first (selfhosted.dokku.dokku_service_link "
                "with state=absent), nothing was destroyed" % (kind, name, ", ".join(apps))
            )
        runner.write([kind + ":destroy", name, "--force"])
        after["image"] = None

    exit_result(module, runner, before["state"] != after["state"], before, after, service=name)


if __name__ == "__main__":
    main()
