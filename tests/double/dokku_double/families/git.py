"""The ``git`` plugin of the double (bash in Dokku 0.38.27, with a Go ``git:report``).

Deploys run real ``git`` on local repositories, the way the plugin's
``internal-functions`` do (``fn-git-clone``, ``fn-git-fetch``,
``git-from-directory``), so refs, shas and git's own messages are genuine:

* ``apps:create`` makes ``$DOKKU_ROOT/APP`` a bare repository (``post-create``);
* ``git:sync`` clones (no code yet) or mirror-fetches (existing code) the
  repository into it, moves the deploy branch to the ref and, with
  ``--build``/``--build-if-changes``, builds and deploys (tests use ``file://``
  repositories; git's own errors answer for unreachable ones);
* ``git:from-image`` commits a ``Dockerfile`` (``FROM IMAGE``) and deploys it;
  the same image again changes nothing and fails with "No changes detected";
* a build records the ``GIT_REV`` config var (``rev-env-var``), marks the app
  deployed through the ps plugin (``ports.deploy``) and, for git:sync and
  git:from-image, sets ``apps:report``'s deploy-source and its metadata;
* ``git:auth`` keeps ``$DOKKU_ROOT/.netrc`` like Dokku's ``netrc`` tool, and git
  runs with ``HOME=$DOKKU_ROOT`` so it reads that file.

The build output (``Cleaning up...`` to ``Application deployed:``) is a
reconstruction: no transcript shows a real build, and real builds print the
builder's output and an ``ESC[1G`` prefix on every line, which the double omits.
There is no docker: pulled images are only remembered in ``<double dir>/images``
(so the second from-image of an image says it exists on the host).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

from .. import envfile, vhosts
from ..core import (
    DokkuExit,
    command,
    go_report,
    not_implemented,
    prop_get,
    prop_set,
    read_lines,
    reads_stdin,
    remove_path,
    trigger,
    verify_app,
    write_file,
    write_lines,
)
from .ports import add_process_types, deploy

PROPERTIES = ("archive-max-files", "archive-max-size", "deploy-branch", "keep-git-dir", "rev-env-var",
              "source-image")
GLOBAL_PROPERTIES = ("archive-max-files", "archive-max-size", "deploy-branch", "keep-git-dir")
# Repository entries of an app dir that follow the app through apps:rename (hooks are rewritten).
_REPO_ENTRIES = ("HEAD", "config", "description", "info", "objects", "packed-refs", "refs")
_PROCFILE_RE = re.compile(r"^([A-Za-z0-9_-]+):")


def _arg(args, index):
    return args[index] if len(args) > index else ""


# ---------------------------------------------------------------------------
# Running git as the dokku user would
# ---------------------------------------------------------------------------
def _git(ctx, args, cwd=None):
    """``git ARGS`` with Dokku's home as HOME (its .netrc), never prompting, never above DOKKU_ROOT."""
    env = {key: value for key, value in ctx.env.items() if not key.startswith("GIT_")}
    env.update(HOME=ctx.root, LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1",
               GIT_CEILING_DIRECTORIES=os.path.dirname(os.path.abspath(ctx.root)))
    return subprocess.run(["git"] + list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _run(ctx, args, cwd=None, capture=False):
    """A git call whose output Dokku shows; under ``set -e`` its failure ends the command.

    ``capture``: stdout is captured (``$(git ...)``) and returned instead of printed.
    """
    proc = _git(ctx, args, cwd)
    if not capture:
        ctx.out(proc.stdout, nl=False)
    ctx.err(proc.stderr, nl=False)
    if proc.returncode != 0:
        raise DokkuExit(proc.returncode)
    return proc.stdout.strip()


def _quiet(ctx, args, cwd=None):
    """``suppress_output``: nothing on success, git's whole output on stdout when it fails."""
    proc = _git(ctx, args, cwd)
    if proc.returncode != 0:
        ctx.out(proc.stdout + proc.stderr, nl=False)
        raise DokkuExit(proc.returncode)


def rev_parse(ctx, app, ref):
    """``git rev-parse REF`` in the app's repository (None when it does not resolve)."""
    proc = _git(ctx, ["rev-parse", ref], cwd=ctx.home(app))
    return proc.stdout.strip() if proc.returncode == 0 else None


def deploy_branch(ctx, app):
    return prop_get(ctx, "git", app, "deploy-branch") or prop_get(ctx, "git", "--global", "deploy-branch") or "master"


def create_hook(ctx, app):
    """``fn-git-create-hook``: a bare repository with Dokku's pre-receive hook."""
    root = ctx.home(app)
    if not os.path.isdir(os.path.join(root, "refs")):
        _quiet(ctx, ["init", "-q", "--bare", root])
    hook = os.path.join(root, "hooks", "pre-receive")
    write_file(hook, '#!/usr/bin/env bash\nset -e\nset -o pipefail\n\ncat | DOKKU_ROOT="%s" dokku git-hook "%s"\n'
               % (ctx.root, app), mode=0o755)


@trigger("post-create")
def _post_create(ctx, app):
    create_hook(ctx, app)
    os.makedirs(ctx.libpath("data", "git", app), exist_ok=True)


@trigger("post-app-rename")
def _post_app_rename(ctx, old, new):
    """``post-app-rename-setup``: the repository follows the app (the new app keeps its own hook)."""
    for entry in _REPO_ENTRIES:
        source, target = ctx.home(old, entry), ctx.home(new, entry)
        if os.path.isdir(source):
            remove_path(target)
            shutil.copytree(source, target)
        elif os.path.exists(source):
            shutil.copy2(source, target)


# ---------------------------------------------------------------------------
# Build and deploy (the receive-app trigger)
# ---------------------------------------------------------------------------
def _process_types(ctx, app, rev):
    """The Procfile's process types at ``rev`` (web alone without a Procfile)."""
    proc = _git(ctx, ["show", "%s:Procfile" % rev], cwd=ctx.home(app))
    if proc.returncode != 0:
        return ["web"]
    return [m.group(1) for m in (_PROCFILE_RE.match(line) for line in proc.stdout.splitlines()) if m]


def _set_rev_env_var(ctx, app, rev):
    """``git_build``: ``GIT_REV`` (or the ``rev-env-var`` property; an empty property disables it)."""
    name = rev_env_var(ctx, app)
    if name:
        env = envfile.load_or_fail(ctx, app)
        env[name] = rev
        envfile.save(ctx, app, env)


def build(ctx, app, rev=None):
    """``git_receive_app``: build the app from ``rev`` (default the deploy branch) and deploy it."""
    if not os.path.isdir(ctx.home(app, "refs")):
        return
    if os.path.exists(ctx.libpath("data", "apps", app, ".deploy.lock")):
        not_implemented(ctx, "deploying a locked app")
    if rev:
        _set_rev_env_var(ctx, app, rev)
    else:
        rev = rev_parse(ctx, app, "refs/heads/" + deploy_branch(ctx, app))
        if rev is None:
            not_implemented(ctx, "building an app without code on its deploy branch")
    has_dockerfile = _git(ctx, ["cat-file", "-e", "%s:Dockerfile" % rev], cwd=ctx.home(app)).returncode == 0
    ctx.info1("Cleaning up...")
    ctx.info1("Building %s from %s" % (app, "Dockerfile" if has_dockerfile else "herokuish"))
    ctx.info1("Releasing %s..." % app)
    add_process_types(ctx, app, _process_types(ctx, app, rev))
    deploy(ctx, app)
    ctx.info2("Application deployed:")
    if vhosts.app_vhost_enabled(ctx, app):
        for domain in sorted(vhosts.app_vhosts(ctx, app)):
            ctx.verbose("http://%s" % domain)


@trigger("receive-app")
def _receive_app(ctx, app):
    build(ctx, app)


def _set_deploy_source(ctx, app, source, metadata):
    prop_set(ctx, "apps", app, "deploy-source", source)
    prop_set(ctx, "apps", app, "deploy-source-metadata", metadata)


# ---------------------------------------------------------------------------
# git:sync
# ---------------------------------------------------------------------------
def _clone(ctx, app, remote, ref, skip_deploy_branch):
    """``fn-git-clone``: clone into a temporary dir, put the deploy branch on the ref, copy .git."""
    root = ctx.home(app)
    ref = ref or deploy_branch(ctx, app)
    with tempfile.TemporaryDirectory(prefix="dokku-fn-git-clone.") as tmp:
        probe, work = os.path.join(tmp, "probe"), os.path.join(tmp, "clone")
        is_ref = _git(ctx, ["clone", "--depth", "1", "-n", "--branch", ref, remote, probe]).returncode != 0
        if is_ref:
            _quiet(ctx, ["clone", "-n", remote, work])
            _run(ctx, ["checkout", "-qq", ref], cwd=work)
        else:
            _quiet(ctx, ["clone", "-n", "--branch", ref, remote, work])
            if _git(ctx, ["show-ref", "--verify", "refs/heads/" + ref], cwd=work).returncode == 0:
                if skip_deploy_branch:
                    ctx.verbose("Detected branch %s, skipping deploy-branch setting" % ref)
                else:
                    ctx.verbose("Detected branch, setting deploy-branch to %s" % ref)
                    prop_set(ctx, "git", app, "deploy-branch", ref)
        branch = deploy_branch(ctx, app)
        if ref != branch:
            if is_ref:
                _git(ctx, ["branch", "-qq", "-D", branch], cwd=work)
            _run(ctx, ["checkout", "-qq", "-b", branch], cwd=work)
        shutil.copytree(os.path.join(work, ".git"), root, dirs_exist_ok=True)
    create_hook(ctx, app)
    _run(ctx, ["config", "--add", "core.bare", "true"], cwd=root)


def _fetch(ctx, app, remote, ref):
    """``fn-git-fetch``: mirror-fetch the remote, then move the deploy branch to the ref."""
    root = ctx.home(app)
    branch = deploy_branch(ctx, app)
    if _git(ctx, ["check-ref-format", "--branch", branch], cwd=root).returncode != 0:
        ctx.warn("Invalid branch name '%s' specified via deploy-branch setting." % branch)
        ctx.warn("For more details, please see the man page for 'git-check-ref-format.'")
        return
    _git(ctx, ["remote", "rm", "remote"], cwd=root)
    _run(ctx, ["remote", "add", "--mirror=fetch", "--no-tags", "remote", remote], cwd=root)
    if ref:
        _run(ctx, ["fetch", "--update-head-ok", "remote"], cwd=root)
        _run(ctx, ["update-ref", "refs/heads/" + branch, ref + "^{commit}"], cwd=root)
    else:
        _run(ctx, ["fetch", "--update-head-ok", "remote", branch], cwd=root)
    _run(ctx, ["config", "--add", "core.bare", "true"], cwd=root)


@command("git:sync", kind="write")
def cmd_sync(ctx, args):
    """``git:sync [--build|--build-if-changes] [--skip-deploy-branch] APP REPO [REF]`` (flags anywhere)."""
    flag, skip_deploy_branch, rest = None, False, []
    for arg in args:
        if arg in ("--build", "--build-if-changes"):
            flag = arg
        elif arg == "--skip-deploy-branch":
            skip_deploy_branch = True
        else:
            rest.append(arg)
    app = verify_app(ctx, _arg(rest, 0))
    remote, ref = _arg(rest, 1), _arg(rest, 2)
    if not remote:
        ctx.fail("Missing GIT_REMOTE parameter")
    branch = deploy_branch(ctx, app)
    current = rev_parse(ctx, app, branch)
    if current is None:
        ctx.info1_quiet("Cloning %s from %s#%s" % (app, remote, ref))
        _clone(ctx, app, remote, ref, skip_deploy_branch)
    else:
        ctx.verbose("Fetching remote code for %s from %s#%s" % (app, remote, ref))
        _fetch(ctx, app, remote, ref)
    updated = rev_parse(ctx, app, deploy_branch(ctx, app))
    if flag == "--build-if-changes" and current == updated:
        ctx.verbose("Skipping build as no changes were detected")
        return
    if flag:
        rev = _run(ctx, ["rev-parse", ref], cwd=ctx.home(app), capture=True) if ref else updated
        build(ctx, app, rev)
        _set_deploy_source(ctx, app, "git-sync", "%s#%s" % (remote, rev))


# ---------------------------------------------------------------------------
# git:from-image
# ---------------------------------------------------------------------------
def _images_path(ctx):
    return ctx.double_path("images")


def _pull(ctx, image, force):
    images = read_lines(_images_path(ctx))
    if image in images and not force:
        ctx.info1("Image exists on host, skipping pull")
        return
    ctx.info1("Force pulling image" if force else "Pulling image")
    if image not in images:
        write_lines(_images_path(ctx), images + [image])


def _commit_build_context(ctx, app, image, user_name, user_email):
    """``git-from-directory`` with a Dockerfile ``FROM IMAGE``: the new commit, or exit 1 if unchanged."""
    root = ctx.home(app)
    identity = ["-c", "user.name=" + user_name, "-c", "user.email=" + user_email]
    dockerfile = 'FROM %s\nLABEL com.dokku.docker-image-labeler/alternate-tags=[\\"%s\\"]\n' % (image, image)
    ctx.info1("Updating git repository with specified build context")
    with tempfile.TemporaryDirectory(prefix="dokku-git-from-directory.") as tmp:
        work, clone = os.path.join(tmp, "work"), os.path.join(tmp, "clone")
        write_file(os.path.join(work, "Dockerfile"), dockerfile)
        if _git(ctx, ["count-objects"], cwd=root).stdout.strip() == "0 objects, 0 kilobytes":
            _quiet(ctx, ["init", "-q", work])
            _quiet(ctx, ["add", "--all"], cwd=work)
            _quiet(ctx, identity + ["commit", "-m", "Initial commit"], cwd=work)
            rev = _git(ctx, ["rev-parse", "HEAD"], cwd=work).stdout.strip()
            shutil.copytree(os.path.join(work, ".git"), root, dirs_exist_ok=True)
            create_hook(ctx, app)
            return rev
        # the context replaces the tree: files of the previous commit are staged as deleted
        _quiet(ctx, ["clone", root, clone])
        os.rename(os.path.join(clone, ".git"), os.path.join(work, ".git"))
        _quiet(ctx, ["add", "--all"], cwd=work)
        if _git(ctx, ["diff-index", "--quiet", "HEAD", "--"], cwd=work).returncode == 0:
            ctx.warn("No changes detected, skipping git commit")
            ctx.fail("Call 'ps:rebuild' on app to rebuild the app from existing source")
        _quiet(ctx, identity + ["commit", "-m", "Automated commit @ %d" % int(time.time())], cwd=work)
        rev = _git(ctx, ["rev-parse", "HEAD"], cwd=work).stdout.strip()
        _fetch(ctx, app, work, rev)
        return rev


@command("git:from-image", kind="write")
def cmd_from_image(ctx, args):
    """``git:from-image [--build-dir DIR] [--force] APP IMAGE [GIT_USER_NAME GIT_USER_EMAIL]``."""
    force, rest = False, []
    for arg in args:
        if arg == "--build-dir":
            not_implemented(ctx, "git:from-image --build-dir")
        if arg == "--force":
            force = True
        else:
            rest.append(arg)
    app = verify_app(ctx, _arg(rest, 0))
    image = _arg(rest, 1)
    if not image:
        ctx.fail("Please specify a docker image")
    ctx.info1("Generating build context")
    _pull(ctx, image, force)
    prop_set(ctx, "git", app, "source-image", image)
    rev = _commit_build_context(ctx, app, image, _arg(rest, 2) or "Dokku", _arg(rest, 3) or "automated@dokku.sh")
    build(ctx, app, rev)
    _set_deploy_source(ctx, app, "docker-image", image)


# ---------------------------------------------------------------------------
# git:auth (netrc), git:set, git:report
# ---------------------------------------------------------------------------
def _netrc_path(ctx):
    return ctx.home(".netrc")


def _read_netrc(ctx):
    """[(machine, login, password)] in file order (the layout ``_write_netrc`` writes)."""
    entries, tokens = [], " ".join(read_lines(_netrc_path(ctx))).split()
    for index, token in enumerate(tokens):
        if token == "machine" and index + 1 < len(tokens):
            entries.append([tokens[index + 1], "", ""])
        elif token in ("login", "password") and entries and index + 1 < len(tokens):
            entries[-1][1 if token == "login" else 2] = tokens[index + 1]
    return [tuple(entry) for entry in entries]


def _write_netrc(ctx, entries):
    lines = []
    for machine, login, password in entries:
        lines += ["machine " + machine, "  login " + login, "  password " + password]
    write_lines(_netrc_path(ctx), lines)
    os.chmod(_netrc_path(ctx), 0o600)


@command("git:auth", kind="write")
@reads_stdin(lambda args: len(args) == 2)
def cmd_auth(ctx, args):
    """``git:auth HOST [USER [PASS]]``: set (or, without USER, remove) the host's netrc entry.

    Without PASS, Dokku 0.38 reads it from stdin when stdin is a pipe (``IFS= read -r``: the first
    line, or everything before EOF); reconstructed from its source, no transcript covers git:auth.
    """
    host, user, password = _arg(args, 0), _arg(args, 1), _arg(args, 2)
    if user and not password and ctx.stdin_is_pipe and ctx.stdin_data:
        password = ctx.stdin_data.split("\n", 1)[0]
    if not host:
        ctx.fail("Please supply a git host")
    if user and not password:
        ctx.fail("Missing password for netrc auth entry")
    entries = [entry for entry in _read_netrc(ctx) if entry[0] != host]
    if user:
        ctx.info1("Setting netrc auth entry for host %s" % host)
        entries.append((host, user, password))
    else:
        ctx.info1("Removing netrc auth entry for host %s" % host)
    _write_netrc(ctx, entries)


@command("git:set", kind="write")
def cmd_set(ctx, args):
    """``git:set APP|--global KEY [VALUE]`` (bash: positional arguments only)."""
    scope, key, value = _arg(args, 0), _arg(args, 1), _arg(args, 2)
    if scope != "--global":
        verify_app(ctx, scope)
    if key not in PROPERTIES or (scope == "--global" and key not in GLOBAL_PROPERTIES):
        ctx.fail("Invalid key specified, valid keys include: %s" % ", ".join(PROPERTIES))
    if value:
        ctx.info2_quiet("Setting %s to %s" % (key, value))
    else:
        ctx.info2_quiet("Unsetting %s" % key)
    if key == "rev-env-var" and not value:  # an empty property: no revision variable (git.json step 20)
        write_file(ctx.libpath("config", "git", scope, key), "")
        return
    prop_set(ctx, "git", scope, key, value)


def rev_env_var(ctx, app):
    """``GIT_REV`` until ``rev-env-var`` is set; unset, the property is empty (no variable)."""
    path = ctx.libpath("config", "git", app, "rev-env-var")
    return prop_get(ctx, "git", app, "rev-env-var") if os.path.exists(path) else "GIT_REV"


def _global_rows(ctx, app):
    def computed(name, default):
        return prop_get(ctx, "git", app, name) or prop_get(ctx, "git", "--global", name) or default

    return {
        "--git-computed-archive-max-files": prop_get(ctx, "git", "--global", "archive-max-files") or "10000",
        "--git-computed-archive-max-size": prop_get(ctx, "git", "--global", "archive-max-size") or "1073741824",
        "--git-computed-deploy-branch": computed("deploy-branch", "master"),
        "--git-computed-keep-git-dir": computed("keep-git-dir", "false"),
        "--git-global-archive-max-files": prop_get(ctx, "git", "--global", "archive-max-files"),
        "--git-global-archive-max-size": prop_get(ctx, "git", "--global", "archive-max-size"),
        "--git-global-deploy-branch": prop_get(ctx, "git", "--global", "deploy-branch"),
        "--git-global-keep-git-dir": prop_get(ctx, "git", "--global", "keep-git-dir"),
    }


def _last_updated_at(ctx, app):
    try:
        return str(int(os.stat(ctx.home(app, "refs", "heads", deploy_branch(ctx, app))).st_mtime))
    except OSError:
        return ""


def _app_rows(ctx, app):
    rows = _global_rows(ctx, app)
    rows.update({
        "--git-deploy-branch": prop_get(ctx, "git", app, "deploy-branch"),
        "--git-keep-git-dir": prop_get(ctx, "git", app, "keep-git-dir"),
        "--git-last-updated-at": _last_updated_at(ctx, app),
        "--git-rev-env-var": rev_env_var(ctx, app),
        "--git-sha": rev_parse(ctx, app, "HEAD") or "",
        "--git-source-image": prop_get(ctx, "git", app, "source-image"),
    })
    return rows


@command("git:report")
def cmd_report(ctx, args):
    go_report(ctx, args, "git:report", "git",
              app_rows=lambda app: _app_rows(ctx, app),
              global_rows=lambda: _global_rows(ctx, "--global"),
              json_strip="git-")


def _not_modelled(name):
    def handler(ctx, _args):
        not_implemented(ctx, name)

    return handler


@command("git:allow-host", kind="write")
def cmd_allow_host(ctx, args):
    """``ssh-keyscan -t rsa HOST >> ~dokku/.ssh/known_hosts``; the double has no network.

    A host name under ``.invalid`` fails as ``git.json`` step 22 shows (ssh-keyscan's own message,
    with its CRLF); any other host gets a made-up key line and the plugin's message (reconstructed).
    """
    host = _arg(args, 0)
    if not host:
        ctx.fail("Please supply a git host")
    if host.rstrip(".").endswith(".invalid"):
        ctx.err("getaddrinfo %s: Name or service not known\r" % host)
        raise DokkuExit(1)
    path = ctx.home(".ssh", "known_hosts")
    lines = read_lines(path)
    lines.append("%s ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDdoubleDOUBLEdouble" % host)
    write_lines(path, lines)
    ctx.info1("%s added to known hosts" % host)


for _name, _kind in (("git:from-archive", "write"),
                     ("git:generate-deploy-key", "write"), ("git:initialize", "write"),
                     ("git:load-image", "write"), ("git:public-key", "read"), ("git:status", "read"),
                     ("git:unlock", "write")):
    command(_name, kind=_kind)(_not_modelled(_name))
