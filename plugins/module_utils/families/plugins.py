# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plugins: install from a URL, pin a committish, enable, disable, uninstall (opt-in).

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_plugin_name,
    check_plugin_url,
)

COMMITTISH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
COMMIT_PREFIX_RE = re.compile(r"^[0-9a-fA-F]{7,40}$")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
DEFAULT_LIB_ROOT = "/var/lib/dokku"
LIST_READ = Read(["plugin:list", "--format", "json"])
OFFICIAL_PLUGIN_URL = "https://github.com/dokku/dokku-%s.git"
OFFICIAL_PLUGINS = ("postgres", "mysql", "mariadb", "redis", "mongo", "memcached", "rabbitmq", "elasticsearch",
                    "couchdb", "rethinkdb", "clickhouse", "nats", "solr", "meilisearch", "typesense", "letsencrypt")


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
    """The ref plugn pinned the plugin to ("" when it was never pinned); Dokku has no report field for it."""
    lib_root = os.environ.get("DOKKU_LIB_ROOT") or DEFAULT_LIB_ROOT
    path = os.path.join(lib_root, "plugins", "available", name, ".plugin_committish")
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def pin_matches(ref, installed_sha, pinned):
    if ref == pinned:
        return True
    return bool(COMMIT_PREFIX_RE.match(ref)) and installed_sha.lower().startswith(ref.lower())


def read_plugin_list(ctx):
    """``plugin:list --format json`` as a list of entries (read again after changes: not memoised)."""
    plugins = ctx.runner.json_read(list(LIST_READ.args), default=[])
    if not isinstance(plugins, list):
        ctx.runner.fail("dokku plugin:list --format json did not return a list")
    return [entry for entry in plugins if isinstance(entry, dict)]


def installed_plugins(ctx):
    """``{name: entry}`` of ``plugin:list``, read once per run."""
    return ctx.memo("plugin:list", lambda: dict((entry.get("name"), entry) for entry in read_plugin_list(ctx)))


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


class PluginsFamily(Family):
    name = "plugins"
    scopes = ("global",)
    resource_type = "plugin"

    def validate(self, desired, scope):
        name, url, ref = desired["name"], desired.get("url"), desired.get("committish")
        error = check_plugin_name(name)
        if error:
            return None, "name: " + error
        if desired["state"] == "absent" and not desired.get("allow_uninstall"):
            return None, ("state=absent would uninstall plugin %r and everything it provides; "
                          "set allow_uninstall=true to confirm" % name)
        if desired["state"] == "present" and not url:
            return None, ("url: required with state=present: give the plugin's git or archive URL, "
                          "e.g. https://github.com/dokku/dokku-postgres.git")
        if url is not None:
            error = check_plugin_url(url)
            if error:
                return None, "url: " + error
        if ref is not None:
            error = check_committish(ref, url)
            if error:
                return None, "committish: " + error
        return desired, None

    def read(self, ctx, scope, desired):
        entry = dict((e.get("name"), e) for e in read_plugin_list(ctx)).get(desired["name"])
        return dict(entry=entry, pinned=pinned_ref(desired["name"]) if entry is not None else "")

    def plan(self, scope, desired, current):
        name, url, ref = desired["name"], desired.get("url"), desired.get("committish")
        entry, pinned = current["entry"], current["pinned"]
        before = state_of(name, entry, pinned)
        plan = Plan(dict(plugins={name: before}))
        if entry is not None and entry.get("core"):
            plan.error = ("name: %r is a core Dokku plugin: it ships with Dokku and cannot be installed, pinned, "
                          "disabled or uninstalled; manage third-party plugins only" % name)
            return plan
        if desired["state"] == "absent":
            if entry is not None:
                plan.write(["plugin:uninstall", name])
            after, predicted = state_of(name, None, ""), None
        elif entry is None:
            after, predicted = self.install(plan, name, url, ref, desired["enabled"])
        else:
            after, predicted = self.converge_installed(plan, entry, before, pinned, url, ref, desired["enabled"])
        plan.after = dict(plugins={name: after})
        plan.predicted = predicted
        return plan

    @staticmethod
    def install(plan, name, url, ref, want_enabled):
        """``plugin:install`` (which enables), then ``plugin:disable`` if wanted; returns (after, plugin)."""
        plan.write(["plugin:install", url] + (["--committish", ref] if ref else []) + ["--name", name])
        if not want_enabled:
            plan.write(["plugin:disable", name])
        source_url = "" if url.endswith(ARCHIVE_SUFFIXES) else url
        after = dict(name=name, state="present", enabled=want_enabled, committish=ref or "", source_url=source_url)
        plugin = dict(name=name, version="", enabled=want_enabled, core=False, description="",
                      source_url=source_url, committish="", branch="")
        return after, plugin

    @staticmethod
    def converge_installed(plan, entry, before, pinned, url, ref, want_enabled):
        """Pin and enable/disable an installed plugin; returns (after, plugin)."""
        name = entry["name"]
        source_url = entry.get("source_url", "")
        if source_url and source_url != url:
            plan.error = (
                "url: plugin %r is installed from %s, not from %s; Dokku cannot reinstall it from "
                "another URL: set url to the installed one, or uninstall it first "
                "(state=absent, allow_uninstall=true)" % (name, source_url, url)
            )
            return before, entry
        update = bool(ref) and not pin_matches(ref, entry.get("committish", ""), pinned)
        if update and not source_url:
            plan.error = (
                "committish: plugin %r was not installed from git (Dokku shows no source URL), "
                "so it cannot be pinned to %r" % (name, ref)
            )
            return before, entry
        is_enabled = bool(entry.get("enabled"))
        if not is_enabled and (want_enabled or update):
            plan.write(["plugin:enable", name])  # plugin:update refuses disabled plugins
        if update:
            plan.write(["plugin:update", name, ref])
        if not want_enabled and (is_enabled or update):
            plan.write(["plugin:disable", name])
        after = dict(before, enabled=want_enabled, committish=ref if update else before["committish"])
        plugin = dict(entry, enabled=want_enabled)
        if update:
            plugin.update(version="", committish="", branch="")
        return after, plugin

    def classify(self, scope, path):
        return {"type": "plugin", "name": path[1]}, path[2]

    def info(self, ctx, scope):
        if scope is not None:
            return None
        return dict(plugins=dict(
            (name, dict((k, entry.get(k)) for k in ("version", "enabled", "core", "source_url", "committish")))
            for name, entry in installed_plugins(ctx).items()
        ))

    def export(self, facts, scope, out):
        if scope is not None:
            return {}
        plugins = []
        for name, entry in sorted(facts.get("plugins", {}).items()):
            if entry.get("core"):
                continue
            plugin = {"name": name}
            if entry.get("source_url"):
                plugin["url"] = entry["source_url"]
                if entry.get("committish"):
                    plugin["committish"] = entry["committish"]
            elif name in OFFICIAL_PLUGINS:
                plugin["url"] = OFFICIAL_PLUGIN_URL % name
            else:
                out.skipped.append("plugin %s: Dokku does not know where it was installed from" % name)
                continue
            if not entry.get("enabled", True):
                plugin["enabled"] = False
            plugins.append(plugin)
        return {"dokku_plugins_plugins": plugins}
