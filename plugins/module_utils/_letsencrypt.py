# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let's Encrypt (dokku-letsencrypt plugin): the reads and the checks before enabling an app.

Shared by dokku_letsencrypt and dokku_apps, so both behave the same.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    no_apps_message,
    parse_flag_value,
    parse_json_document,
    parse_lines,
)

NOT_A_COMMAND = "is not a dokku command"


def plugin_missing(runner, res):
    """True when the plugin is absent (a real run fails here, check mode warns)."""
    if NOT_A_COMMAND not in res.stderr:
        return False
    runner.missing(
        "the dokku-letsencrypt plugin is not installed: install it with "
        "dokku plugin:install https://github.com/dokku/dokku-letsencrypt.git"
    )
    return True


def read_json(runner, args):
    res = runner.read(args, ok_rcs=(0, 1, 20))
    if res.rc == 0:
        try:
            return res, parse_json_document(res.stdout, default={})
        except ValueError as exc:
            runner.fail("cannot parse the output of dokku letsencrypt:report: %s" % exc,
                        args=args, rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    if plugin_missing(runner, res):
        return res, {}  # check mode: predict as if nothing were set yet
    return res, None


def global_property_files(key):
    """The plugin's property file, read when ``letsencrypt:report --global`` fails for want of apps."""
    root = os.environ.get("DOKKU_LIB_ROOT") or os.environ.get("DOKKU_LIB_PATH") or "/var/lib/dokku"
    path = os.path.join(root, "config", "letsencrypt", "--global", key)
    try:
        with open(path) as handle:
            return handle.read().rstrip("\n")
    except IOError:
        return ""


def read_settings(runner, app):
    """(email, server, computed email) as stored for the app (None: globally)."""
    if app is None:
        res, data = read_json(runner, ["letsencrypt:report", "--global", "--format", "json"])
        if data is None:
            if not no_apps_message(res.stderr):
                runner.fail("dokku letsencrypt:report failed", args=["letsencrypt:report", "--global"],
                            rc=res.rc, stdout=res.stdout, stderr=res.stderr)
            email = global_property_files("email")
            return email, global_property_files("server"), email
        return data.get("global-email", ""), data.get("global-server", ""), data.get("global-email", "")
    res, data = read_json(runner, ["letsencrypt:report", app, "--format", "json"])
    if data is None:
        if res.rc == 20 or no_apps_message(res.stderr):
            runner.missing("app %s does not exist: create it first (selfhosted.dokku.dokku_app)" % app)
            return "", "", ""
        runner.fail("dokku letsencrypt:report failed", args=["letsencrypt:report", app],
                    rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    return data.get("email", ""), data.get("server", ""), data.get("computed-email", "")


def read_active(runner, app):
    """``letsencrypt:active APP``: True when a Let's Encrypt certificate is installed and current."""
    res = runner.read(["letsencrypt:active", app], ok_rcs=(0, 1, 20))
    if res.rc == 1:
        plugin_missing(runner, res) or runner.fail(
            "dokku letsencrypt:active failed", args=["letsencrypt:active", app],
            rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    return res.rc == 0 and parse_flag_value(res.stdout) == "true"


def read_active_apps(runner):
    """``--quiet letsencrypt:list``: the apps whose certificate is active, in one call.

    The plugin lists exactly the apps ``letsencrypt:active`` calls active (one row
    each, the app name first); with no app at all it prints a warning and exits 0.
    """
    args = ["letsencrypt:list"]
    res = runner.read(args, global_flags=["--quiet"], ok_rcs=(0, 1))
    if res.rc != 0:
        plugin_missing(runner, res) or runner.fail(
            "dokku letsencrypt:list failed", args=args, global_flags=["--quiet"],
            rc=res.rc, stdout=res.stdout, stderr=res.stderr)
        return set()
    return set(line.split()[0] for line in parse_lines(res.stdout))
