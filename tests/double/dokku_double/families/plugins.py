"""The ``plugin`` plugin of the double: ``plugin:*`` as Dokku 0.38.27 with plugn runs it (contract §7).

Layout (as ``core.write_plugin`` lays it out): a non-core plugin is the
directory ``$DOKKU_LIB_ROOT/plugins/available/NAME`` with its ``plugin.toml``,
``.double-git.json`` (source_url, committish sha, branch: what real Dokku reads
from the plugin's git checkout) and ``.plugin_committish`` (the ref plugn
pinned), and it is enabled while ``plugins/enabled/NAME`` exists.  Core plugins
are ``core.CORE_PLUGINS``; they are always available and enabled.

Sources, without network:

* ``file://`` tarballs are really unpacked with ``tar`` (so a missing file fails
  with tar's own messages), ``file://`` git repositories are really cloned and
  checked out with ``git``;
* the well-known plugin repositories in :data:`CATALOGUE` install from the
  catalogue's version and description, with a fake commit id per ref
  (:func:`fake_sha`);
* any other URL fails loudly (``Not implemented in test double``).

Enabled non-core plugins with an executable ``commands`` script serve their own
commands through :func:`script_command` (the routing of Dokku's ``commands``
walk, exit code 10 meaning "not mine").
"""

import hashlib
import json
import os
import re
import subprocess
import tomllib

from ..admin import KNOWN_PLUGINS
from ..core import (
    CORE_PLUGIN_NAMES,
    CORE_PLUGINS,
    NO_APPS,
    Command,
    DokkuExit,
    command,
    go_json,
    list_apps,
    not_implemented,
    plugin_dir,
    plugin_enabled,
    read_file,
    remove_path,
    set_plugin_enabled,
    write_file,
    write_plugin,
)

NOT_IMPLEMENTED_EXIT = 10
PLUGIN_NAME_RE = re.compile(r"^[0-9a-zA-Z_-]+$")
DEFAULT_BRANCH = "master"

# Repositories installable by URL without network: repository -> (version, description).
# postgres and letsencrypt are the versions of the captured host; the others are plausible
# current releases (their plugin.toml was not captured).
CATALOGUE = {
    "dokku-postgres": KNOWN_PLUGINS["postgres"],
    "dokku-letsencrypt": KNOWN_PLUGINS["letsencrypt"],
    "dokku-redis": ("1.42.0", "dokku redis service plugin"),
    "dokku-mysql": ("1.45.0", "dokku mysql service plugin"),
    "dokku-mariadb": ("1.43.0", "dokku mariadb service plugin"),
    "dokku-mongo": ("1.47.0", "dokku mongo service plugin"),
    "dokku-http-auth": KNOWN_PLUGINS["http-auth"],
    "dokku-maintenance": KNOWN_PLUGINS["maintenance"],
}
CATALOGUE_URL_RE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)dokku/([a-z-]+?)(?:\.git)?$"
)
VERSION_TAG_RE = re.compile(r"^v?(\d+\.\d+\.\d+)$")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
NO_GIT = {"source_url": "", "committish": "", "branch": ""}


# ---------------------------------------------------------------------------
# Reading the plugins
# ---------------------------------------------------------------------------
def _plugin_file(ctx, name, filename):
    return os.path.join(plugin_dir(ctx, name), filename)


def _toml(ctx, name):
    try:
        with open(_plugin_file(ctx, name, "plugin.toml"), "rb") as handle:
            return tomllib.load(handle).get("plugin", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def git_meta(ctx, name):
    """source_url, committish and branch of a plugin ("" each when not a git checkout)."""
    text = read_file(_plugin_file(ctx, name, ".double-git.json"))
    meta = json.loads(text) if text else {}
    return {key: meta.get(key, "") for key in NO_GIT}


def _save_git_meta(ctx, name, source_url, committish, branch):
    write_file(
        _plugin_file(ctx, name, ".double-git.json"),
        json.dumps({"source_url": source_url, "committish": committish, "branch": branch}),
    )


def pinned_ref(ctx, name):
    return (read_file(_plugin_file(ctx, name, ".plugin_committish")) or "").strip()


def installed(ctx, name):
    return name in CORE_PLUGIN_NAMES or os.path.isdir(plugin_dir(ctx, name))


def list_plugins(ctx):
    """``plugn list``: core plugins and ``plugins/available/*``, sorted by name."""
    entries = {}
    for name, version, description in CORE_PLUGINS:
        entries[name] = _entry(name, version, True, True, description, NO_GIT)
    try:
        names = os.listdir(ctx.libpath("plugins", "available"))
    except FileNotFoundError:
        names = []
    for name in names:
        if name in entries or not os.path.isdir(plugin_dir(ctx, name)):
            continue
        toml = _toml(ctx, name)
        entries[name] = _entry(
            name, str(toml.get("version", "")), plugin_enabled(ctx, name), False,
            str(toml.get("description", "")), git_meta(ctx, name),
        )
    return [entries[name] for name in sorted(entries)]


def _entry(name, version, enabled, core, description, git):
    return {
        "name": name,
        "version": version,
        "enabled": enabled,
        "core": core,
        "description": description,
        "source_url": git["source_url"],
        "committish": git["committish"],
        "branch": git["branch"],
    }


# ---------------------------------------------------------------------------
# Output shared by the subcommands (triggers as captured on a host without apps)
# ---------------------------------------------------------------------------
def _prime_completion(ctx):
    ctx.info1_quiet("Priming bash-completion cache")


def _install_trigger(ctx):
    ctx.out("Adding user dokku to group adm")
    if not list_apps(ctx):
        ctx.err(NO_APPS)


def _update_trigger(ctx):
    if not list_apps(ctx):
        ctx.err(NO_APPS)


def _safe_name(ctx, name):
    """Names the double can map to a directory (plugn itself does not check them)."""
    if "/" in name or name in (".", ".."):
        not_implemented(ctx, "plugin name %r" % name)
    return name


# ---------------------------------------------------------------------------
# Sources: tarballs, git repositories, the catalogue
# ---------------------------------------------------------------------------
def fake_sha(url, ref):
    """The commit id of REF in a catalogue repository (a full sha stands for itself)."""
    if SHA_RE.match(ref):
        return ref
    return hashlib.sha1(("%s\n%s" % (url, ref)).encode("utf-8")).hexdigest()


def _is_tarball(url):
    return url.endswith((".tar.gz", ".tgz"))


def _local_path(ctx, url):
    if not url.startswith("file://"):
        not_implemented(ctx, "cannot fetch %s (no network; file:// and the catalogue only)" % url)
    return url[len("file://"):]


def _run_git(args, cwd):
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    return subprocess.run(["git"] + args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _refresh_git_meta(ctx, name, source_url):
    base = plugin_dir(ctx, name)
    sha = _run_git(["rev-parse", "HEAD"], base).stdout.strip()
    branch = _run_git(["symbolic-ref", "-q", "--short", "HEAD"], base).stdout.strip()
    _save_git_meta(ctx, name, source_url, sha, branch)


def _download_tarball(ctx, url, name):
    """``curl -s URL | tar xz``: tar's own errors (and exit 2) for a missing file."""
    if name in CORE_PLUGIN_NAMES:
        not_implemented(ctx, "unpacking over the core plugin %s" % name)
    try:
        with open(_local_path(ctx, url), "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = b""
    target = plugin_dir(ctx, name)
    created = not os.path.isdir(target)
    os.makedirs(target, exist_ok=True)
    proc = subprocess.run(
        ["tar", "xz", "-C", target, "--strip-components=1"], input=data, capture_output=True, check=False
    )
    if proc.returncode != 0:
        if created:
            remove_path(target)
        ctx.err(proc.stderr.decode("utf-8", "replace"), nl=False)
        raise DokkuExit(proc.returncode)


def _clone(ctx, url, name):
    match = CATALOGUE_URL_RE.match(url)
    if match and match.group(1) in CATALOGUE:
        version, description = CATALOGUE[match.group(1)]
        ctx.err("Cloning into '%s'..." % name)
        write_plugin(ctx, name, version, description, source_url=url,
                     committish=fake_sha(url, DEFAULT_BRANCH), branch=DEFAULT_BRANCH, enabled=False)
        return
    _local_path(ctx, url)
    os.makedirs(ctx.libpath("plugins", "available"), exist_ok=True)
    proc = _run_git(["clone", url, name], ctx.libpath("plugins", "available"))
    ctx.err(proc.stderr, nl=False)
    if proc.returncode != 0:
        raise DokkuExit(proc.returncode)
    _refresh_git_meta(ctx, name, url)


def _download(ctx, url, name):
    """``plugn install URL NAME``."""
    if _is_tarball(url):
        _download_tarball(ctx, url, name)
        return
    if installed(ctx, name):
        source = git_meta(ctx, name)["source_url"]
        if not source:
            ctx.err("%s is already installed, but it does not seem to be a git repository" % name)
            raise DokkuExit(1)
        if source != url:
            ctx.err(
                "Plugin '%s' is already installed, but with a different url. "
                "To install anyway, uninstall it first." % name
            )
            raise DokkuExit(1)
        ctx.err("Plugin '%s' is already installed." % name)
        return
    _clone(ctx, url, name)


def _plugn_update(ctx, name, ref):
    """``plugn update NAME [REF]``: git errors are silenced, the message is printed anyway."""
    meta = git_meta(ctx, name)
    if not meta["source_url"]:
        ctx.out("Plugin (%s) not managed by git" % name)
        return
    if not ref and not meta["branch"]:
        ctx.out("Plugin pinned to %s" % pinned_ref(ctx, name))
        return
    base = plugin_dir(ctx, name)
    if os.path.isdir(os.path.join(base, ".git")):
        if ref:
            _run_git(["fetch", "--tags"], base)
            _run_git(["checkout", ref], base)
            write_file(_plugin_file(ctx, name, ".plugin_committish"), ref + "\n")
        else:
            _run_git(["pull"], base)
        _refresh_git_meta(ctx, name, meta["source_url"])
    elif ref:  # a catalogue plugin
        toml = _toml(ctx, name)
        tag = VERSION_TAG_RE.match(ref)
        write_plugin(
            ctx, name, tag.group(1) if tag else str(toml.get("version", "")), str(toml.get("description", "")),
            source_url=meta["source_url"], committish=fake_sha(meta["source_url"], ref), branch="",
            ref=ref, enabled=plugin_enabled(ctx, name),
        )
    if ref:
        ctx.out("Plugin (%s) updated and pinned to %s" % (name, ref))
    else:
        ctx.out("Plugin (%s) updated" % name)


def _enable(ctx, name):
    if plugin_enabled(ctx, name):
        ctx.fail("Plugin already enabled")
    if not installed(ctx, name):
        ctx.fail("Plugin does not exist")
    set_plugin_enabled(ctx, name, True)
    ctx.info1_quiet("Plugin %s enabled" % name)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
@command("plugin:list")
def cmd_list(ctx, args):
    fmt = "stdout"
    for index, arg in enumerate(args):
        if arg == "--format":
            fmt = args[index + 1] if index + 1 < len(args) else ""
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
    if fmt not in ("stdout", "json"):
        ctx.fail("Invalid output format specified, supported formats: json, stdout")
    entries = list_plugins(ctx)
    if fmt == "json":
        ctx.out(go_json(entries))
        return
    for entry in entries:
        state = "enabled" if entry["enabled"] else "disabled"
        ctx.out("  %-20s %-5s %-10s %s" % (entry["name"], entry["version"], state, entry["description"]))


@command("plugin:installed", root_only=True)
def cmd_installed(ctx, args):
    name = _safe_name(ctx, args[0] if args else "")
    if not name or not installed(ctx, name):
        raise DokkuExit(1)


@command("plugin:install", kind="write", root_only=True)
def cmd_install(ctx, args):
    if not args or args[0] == "--core":
        _install_trigger(ctx)
        _prime_completion(ctx)
        return
    url = args[0]
    if not url.startswith(("https:", "git", "ssh:", "file:")) and not _is_tarball(url):
        ctx.warn("First argument must be --core or url to plugin")
        ctx.warn("Valid prefixes: https:, git:, ssh:, file:")
        ctx.warn("Valid suffixes: .tar.gz, .tgz")
        ctx.fail("Please retry with valid arguments")
    committish, name, skip_trigger = "", "", False
    rest = args[1:]
    while rest:
        flag = rest.pop(0)
        if flag == "--committish" and rest:
            committish = rest.pop(0)
        elif flag == "--name" and rest:
            name = rest.pop(0)
        elif flag == "--skip-install-trigger":
            skip_trigger = True
    if not name:
        # plugin_name(): last path segment, `sed "s:.git::g"` (a regex: any char + "git"), minus "dokku-"
        name = re.sub(r"^dokku-", "", re.sub(r".git", "", url.split("/")[-1]))
    if not name:
        not_implemented(ctx, "no plugin name in %s" % url)
    _safe_name(ctx, name)
    ctx.info1_quiet("Cloning plugin repo %s to %s" % (url, plugin_dir(ctx, name)))
    _download(ctx, url, name)
    _enable(ctx, name)
    if committish:
        _plugn_update(ctx, name, committish)
    if not skip_trigger:
        _install_trigger(ctx)
    _prime_completion(ctx)


@command("plugin:update", kind="write", root_only=True)
def cmd_update(ctx, args):
    if args:
        name = args[0]
        if not PLUGIN_NAME_RE.match(name):
            ctx.fail("Invalid plugin name specified")
        if not plugin_enabled(ctx, name):
            ctx.fail("Specified plugin not enabled or installed")
        if name in CORE_PLUGIN_NAMES:
            ctx.fail("Cannot trigger plugin:update against core plugin, please update Dokku instead")
        _plugn_update(ctx, name, args[1] if len(args) > 1 else "")
    else:
        for entry in list_plugins(ctx):
            if entry["enabled"] and not entry["core"]:
                _plugn_update(ctx, entry["name"], "")
    _update_trigger(ctx)
    _prime_completion(ctx)


@command("plugin:enable", kind="write", root_only=True)
def cmd_enable(ctx, args):
    if not args:
        ctx.fail("Please specify a plugin to enable")
    _enable(ctx, _safe_name(ctx, args[0]))
    _prime_completion(ctx)


@command("plugin:disable", kind="write", root_only=True)
def cmd_disable(ctx, args):
    if not args:
        ctx.fail("Please specify a plugin to disable")
    name = _safe_name(ctx, args[0])
    if name in CORE_PLUGIN_NAMES:
        ctx.fail("Cannot disable a core plugin")
    if not plugin_enabled(ctx, name):
        ctx.fail("Plugin already disabled")  # also for a plugin that does not exist (§18.8)
    set_plugin_enabled(ctx, name, False)
    ctx.info1_quiet("Plugin %s disabled" % name)
    _prime_completion(ctx)


@command("plugin:uninstall", kind="write", root_only=True)
def cmd_uninstall(ctx, args):
    if not args:
        ctx.fail("Please specify a plugin to uninstall")
    name = _safe_name(ctx, args[0])
    if name in CORE_PLUGIN_NAMES:
        ctx.fail("Cannot uninstall a core plugin")
    if not installed(ctx, name):
        ctx.fail("Plugin (%s) is not currently installed" % name)
    set_plugin_enabled(ctx, name, False)
    remove_path(plugin_dir(ctx, name))
    ctx.info1_quiet("Plugin %s uninstalled" % name)
    _prime_completion(ctx)


@command("plugin:install-dependencies", kind="write", root_only=True)
def cmd_install_dependencies(_ctx, _args):
    """``plugn trigger dependencies``: the double has no system packages to install."""


# ---------------------------------------------------------------------------
# Commands of installed plugins: their ``commands`` scripts
# ---------------------------------------------------------------------------
def _command_scripts(ctx):
    scripts = []
    for entry in list_plugins(ctx):
        script = _plugin_file(ctx, entry["name"], "commands")
        if entry["enabled"] and not entry["core"] and os.access(script, os.X_OK):
            scripts.append(script)
    return scripts


def script_command(ctx, name):
    """A command NAME unknown to the double, offered to the enabled plugins' ``commands`` scripts.

    Returns None when no enabled non-core plugin has such a script.  Like Dokku,
    every script runs with the full argv; exit 10 means "not mine", and when no
    script takes the command it is not a dokku command.
    """
    scripts = _command_scripts(ctx)
    if not scripts:
        return None

    def run_scripts(ctx, args):
        argv = [name] + list(args)
        env = dict(
            ctx.env,
            DOKKU_ROOT=ctx.root,
            DOKKU_LIB_ROOT=ctx.lib,
            PLUGIN_PATH=ctx.libpath("plugins"),
            PLUGIN_AVAILABLE_PATH=ctx.libpath("plugins", "available"),
            PLUGIN_ENABLED_PATH=ctx.libpath("plugins", "enabled"),
            DOKKU_NOT_IMPLEMENTED_EXIT=str(NOT_IMPLEMENTED_EXIT),
            DOKKU_VALID_EXIT="0",
        )
        if ctx.quiet:
            env["DOKKU_QUIET_OUTPUT"] = "1"
        implemented = False
        for script in scripts:
            proc = subprocess.run(
                [script] + argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
            )
            ctx.out(proc.stdout, nl=False)
            ctx.err(proc.stderr, nl=False)
            if proc.returncode == NOT_IMPLEMENTED_EXIT:
                continue
            implemented = True
            if proc.returncode != 0:
                raise DokkuExit(proc.returncode)
        if not implemented:
            ctx.warn("`%s` is not a dokku command." % " ".join(argv))
            ctx.fail("See `dokku help` for a list of available commands.")

    return Command(name, run_scripts, "write", "plugin", False)
