#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_plugin
short_description: Install, pin, enable, disable or uninstall a Dokku plugin
version_added: 0.1.0
description:
  - Makes sure a third-party Dokku plugin is installed (C(dokku plugin:install URL --name NAME)),
    pinned to a git ref (C(dokku plugin:update NAME REF)), enabled or disabled
    (C(dokku plugin:enable)/C(plugin:disable)), or uninstalled (C(dokku plugin:uninstall)).
  - State is read from C(dokku plugin:list --format json) only; the plugin is found by its exact name.
  - An installed plugin is never updated unless O(committish) is given and differs from the
    installed pin, so a run never pulls new plugin code by surprise.
  - Uninstalling needs the explicit O(allow_uninstall=true); O(state=absent) alone fails without
    touching anything.
  - Core plugins (those C(plugin:list) marks C(core)) ship with Dokku and are refused.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  name:
    description:
      - Name of the plugin as Dokku lists it, for example V(postgres). Letters, digits, V(_) and V(-).
      - It is passed to C(plugin:install --name), so it does not depend on the URL.
    type: str
    required: true
  url:
    description:
      - Where to install the plugin from. Required with O(state=present).
      - An V(https://), V(git@), V(git://), V(ssh://) or V(file://) git URL, or the URL of a
        V(.tar.gz)/V(.tgz) archive (V(http://) is refused, as Dokku refuses it).
      - When the plugin is installed from another git URL the task fails; Dokku cannot reinstall
        a plugin from a different URL without uninstalling it first, which this module never does
        on its own. Plugins installed from an archive or by hand have no known source, and any
        O(url) is accepted for them.
    type: str
  committish:
    description:
      - A git tag, branch or commit id to pin the plugin to (C(--committish) at install time,
        C(plugin:update NAME REF) later).
      - The installed plugin already matches when the ref it was pinned to (the file
        C(.plugin_committish) in the plugin's directory) equals this value, or when this value is a
        commit id of at least 7 hex digits that the installed commit starts with.
      - Only git URLs can be pinned.
    type: str
  state:
    description:
      - V(present) installs the plugin when it is missing.
      - V(absent) uninstalls it when it is installed, only together with O(allow_uninstall=true).
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - Whether the installed plugin is enabled. A disabled plugin stays installed, but its commands
        and triggers do not run.
    type: bool
    default: true
  allow_uninstall:
    description:
      - Explicit opt-in to uninstall the plugin when O(state=absent). Never implied.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - Every write (C(plugin:install), C(plugin:update), C(plugin:enable), C(plugin:disable),
    C(plugin:uninstall)) needs root on the Dokku host; use C(become=true).
  - The ref a plugin was pinned to is read from the file
    C($DOKKU_LIB_ROOT/plugins/available/NAME/.plugin_committish), because C(plugin:list) only shows
    the commit id. C(DOKKU_LIB_ROOT) comes from the module's environment and defaults to
    C(/var/lib/dokku).
  - Dokku prints success for C(plugin:update) even when the ref does not exist in the plugin's
    repository (git errors are silenced), and the ref is recorded as the pin all the same.
  - In check mode the returned RV(plugin) is a prediction; values only Dokku can know (the version,
    description and commit id of a plugin not installed yet, or after a new pin) are empty.
seealso:
  - module: selfhosted.dokku.dokku_app
"""

EXAMPLES = r"""
- name: Install the postgres plugin, pinned to a release
  selfhosted.dokku.dokku_plugin:
    name: postgres
    url: https://github.com/dokku/dokku-postgres.git
    committish: 1.48.0
  become: true

- name: Install letsencrypt at whatever its default branch is now (never updated later)
  selfhosted.dokku.dokku_plugin:
    name: letsencrypt
    url: https://github.com/dokku/dokku-letsencrypt.git
  become: true

- name: Keep the redis plugin installed but disabled
  selfhosted.dokku.dokku_plugin:
    name: redis
    url: https://github.com/dokku/dokku-redis.git
    enabled: false
  become: true

- name: Uninstall a plugin (explicit opt-in)
  selfhosted.dokku.dokku_plugin:
    name: mongo
    state: absent
    allow_uninstall: true
  become: true
"""

RETURN = r"""
plugin:
  description:
    - The plugin's C(plugin:list --format json) entry after the change (predicted in check mode).
    - Empty when the plugin is absent.
  returned: always
  type: dict
  sample:
    name: postgres
    version: 1.48.0
    enabled: true
    core: false
    description: dokku postgres service plugin
    source_url: https://github.com/dokku/dokku-postgres.git
    committish: 8cd6d7d3e0f5e4f07b9a2fd1f0e6c2b1a4c9d3e7
    branch: ""
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "plugin:install", "https://github.com/dokku/dokku-postgres.git", "--committish", "1.48.0", "--name", "postgres"]]
diff:
  description:
    - State before and after. C(committish) is the pinned ref when the plugin is pinned, otherwise
      the installed commit id (or the requested ref when a change pins it).
  returned: always
  type: dict
  sample:
    before: {"name": "postgres", "state": "absent", "enabled": false, "committish": "", "source_url": ""}
    after:
      name: postgres
      state: present
      enabled: true
      committish: 1.48.0
      source_url: https://github.com/dokku/dokku-postgres.git
"""

import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_plugin_name,
    check_plugin_url,
)

COMMITTISH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
COMMIT_PREFIX_RE = re.compile(r"^[0-9a-fA-F]{7,40}$")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
DEFAULT_LIB_ROOT = "/var/lib/dokku"


def check_committish(ref, url):
    if not COMMITTISH_RE.match(ref) or ".." in ref:
        return (
            "%r is not a git ref: give a tag, branch or commit id (letters, digits, '.', '_', '/', '-', "
            "not starting with '-' or '.')" % ref
        )
    if url and url.endswith(ARCHIVE_SUFFIXES):
        return "%r cannot be pinned: the url is an archive, and only plugins installed from git can be pinned" % ref
    return None


def url_credential(url):
    """A credential inside the URL: its password, or a token given as the user of an https URL."""
    parts = urlsplit(url)
    return parts.password or (parts.username if parts.scheme == "https" else None)


def pinned_ref(name):
    """The ref plugn pinned the plugin to ("" when it was never pinned)."""
    lib_root = os.environ.get("DOKKU_LIB_ROOT") or DEFAULT_LIB_ROOT
    path = os.path.join(lib_root, "plugins", "available", name, ".plugin_committish")
    try:
        with open(path) as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return ""


def pin_matches(ref, installed_sha, pinned):
    if ref == pinned:
        return True
    return bool(COMMIT_PREFIX_RE.match(ref)) and installed_sha.lower().startswith(ref.lower())


def find_plugin(runner, name):
    plugins = runner.json_read(["plugin:list", "--format", "json"], default=[])
    if not isinstance(plugins, list):
        runner.fail("dokku plugin:list --format json did not return a list")
    for entry in plugins:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    return None


def state_of(name, entry, pinned):
    if entry is None:
        return dict(name=name, state="absent", enabled=False, committish="", source_url="")
    return dict(
        name=name,
        state="present",
        enabled=bool(entry.get("enabled")),
        committish=pinned or entry.get("committish", ""),
        source_url=entry.get("source_url", ""),
    )


def install(runner, name, url, ref, want_enabled):
    """``plugin:install`` (which enables), then ``plugin:disable`` if wanted; returns (after, plugin)."""
    runner.write(["plugin:install", url] + (["--committish", ref] if ref else []) + ["--name", name])
    if not want_enabled:
        runner.write(["plugin:disable", name])
    source_url = "" if url.endswith(ARCHIVE_SUFFIXES) else url
    after = dict(name=name, state="present", enabled=want_enabled, committish=ref or "", source_url=source_url)
    plugin = dict(name=name, version="", enabled=want_enabled, core=False, description="",
                  source_url=source_url, committish="", branch="")
    return after, plugin


def converge_installed(runner, entry, before, pinned, url, ref, want_enabled):
    """Pin and enable/disable an installed plugin; returns (after, plugin)."""
    name = entry["name"]
    source_url = entry.get("source_url", "")
    if source_url and source_url != url:
        runner.fail(
            "url: plugin %r is installed from %s, not from %s; Dokku cannot reinstall it from "
            "another URL: set url to the installed one, or uninstall it first "
            "(state=absent, allow_uninstall=true)" % (name, source_url, url)
        )
    update = bool(ref) and not pin_matches(ref, entry.get("committish", ""), pinned)
    if update and not source_url:
        runner.fail(
            "committish: plugin %r was not installed from git (Dokku shows no source URL), "
            "so it cannot be pinned to %r" % (name, ref)
        )
    is_enabled = bool(entry.get("enabled"))
    if not is_enabled and (want_enabled or update):
        runner.write(["plugin:enable", name])  # plugin:update refuses disabled plugins
    if update:
        runner.write(["plugin:update", name, ref])
    if not want_enabled and (is_enabled or update):
        runner.write(["plugin:disable", name])
    after = dict(before, enabled=want_enabled, committish=ref if update else before["committish"])
    plugin = dict(entry, enabled=want_enabled)
    if update:
        plugin.update(version="", committish="", branch="")
    return after, plugin


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            name=dict(type="str", required=True),
            url=dict(type="str"),
            committish=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            enabled=dict(type="bool", default=True),
            allow_uninstall=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name = module.params["name"]
    url = module.params["url"]
    ref = module.params["committish"]
    state = module.params["state"]
    want_enabled = module.params["enabled"]

    error = check_plugin_name(name)
    if error:
        module.fail_json(msg="name: " + error)
    if state == "absent" and not module.params["allow_uninstall"]:
        module.fail_json(
            msg="state=absent would uninstall plugin %r and everything it provides; "
            "set allow_uninstall=true to confirm" % name
        )
    if state == "present" and not url:
        module.fail_json(
            msg="url: required with state=present: give the plugin's git or archive URL, "
            "e.g. https://github.com/dokku/dokku-postgres.git"
        )
    if url is not None:
        error = check_plugin_url(url)
        if error:
            module.fail_json(msg="url: " + error)
    if ref is not None:
        error = check_committish(ref, url)
        if error:
            module.fail_json(msg="committish: " + error)

    runner = DokkuRunner(module, secrets=[url_credential(url)] if url else None)
    runner.require_supported_version()
    entry = find_plugin(runner, name)
    if entry is not None and entry.get("core"):
        runner.fail(
            "name: %r is a core Dokku plugin: it ships with Dokku and cannot be installed, pinned, "
            "disabled or uninstalled; manage third-party plugins only" % name
        )
    pinned = pinned_ref(name) if entry is not None else ""
    before = state_of(name, entry, pinned)
    if state == "absent":
        if entry is not None:
            runner.write(["plugin:uninstall", name])
        after, predicted = state_of(name, None, ""), None
    elif entry is None:
        after, predicted = install(runner, name, url, ref, want_enabled)
    else:
        after, predicted = converge_installed(runner, entry, before, pinned, url, ref, want_enabled)

    changed = before != after
    if changed and not module.check_mode:
        predicted = find_plugin(runner, name)
    exit_result(module, runner, changed, before, after, plugin=predicted or {})


if __name__ == "__main__":
    main()
