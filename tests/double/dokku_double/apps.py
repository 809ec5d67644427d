"""``version`` and the ``apps`` plugin (Go in Dokku 0.38)."""

import os
import shutil
import time

from . import envfile, vhosts
from .core import (
    APP_NAME_RULE,
    NEW_APP_RE,
    NO_APPS,
    DokkuExit,
    GoFlags,
    app_exists,
    command,
    fire,
    go_json,
    go_report,
    libpath_glob,
    list_apps,
    prop_get,
    prop_set,
    read_file,
    reads_stdin,
    remove_path,
    verify_app,
    write_file,
)


@command("version", plugin="00_dokku-standard")
def cmd_version(ctx, _args):
    version = read_file(ctx.libpath("STABLE_VERSION")) or read_file(ctx.libpath("VERSION"))
    if not version or not version.strip():
        ctx.fail("Unable to determine dokku's version")
    version = version.strip()
    ctx.out("dokku version %s" % (version[1:] if version.startswith("v") else version))


def validate_new_name(ctx, app):
    if not app:
        ctx.fail("Please specify an app to run the command on")
    if not NEW_APP_RE.match(app):
        ctx.fail(APP_NAME_RULE)


def create_app(ctx, app):
    """``apps:create`` after validation: the app dir, then the post-create triggers."""
    if app_exists(ctx, app):
        ctx.fail("Name is already taken")
    ctx.info1_quiet("Creating %s..." % app)
    if len(app) > 244:
        os.makedirs(ctx.home(app), exist_ok=True)
        ctx.err("mkdir: cannot create directory '/home/dokku/%s/VHOST': File name too long" % app)
        raise DokkuExit(1)
    os.makedirs(ctx.home(app), exist_ok=True)
    prop_set(ctx, "apps", app, "created-at", str(int(time.time())))
    vhosts.domains_setup(ctx, app)
    fire(ctx, "post-create", app)
    vhosts.nginx_build(ctx, app)


def destroy_app_state(ctx, app):
    fire(ctx, "pre-delete", app)  # plugins' pre-delete output comes right after "Destroying APP"
    fire(ctx, "app-destroy", app)
    remove_path(ctx.home(app))
    remove_path(ctx.libpath("config", app))
    for path in libpath_glob(ctx, "config", "*", app) + libpath_glob(ctx, "data", "*", app):
        remove_path(path)


def copy_app_state(ctx, old, new):
    """Config, properties and domains follow an app through rename/clone."""
    env = envfile.load_or_fail(ctx, old)
    if env:
        envfile.save(ctx, new, env)
    for path in libpath_glob(ctx, "config", "*", old):
        plugin = os.path.basename(os.path.dirname(path))
        if plugin == "apps":
            continue
        target = ctx.libpath("config", plugin, new)
        remove_path(target)
        shutil.copytree(path, target)


@command("apps:create", kind="write")
def cmd_create(ctx, args):
    _values, positional, _extra, _seen = GoFlags("apps:create").parse(ctx, args)
    app = positional[0] if positional else ""
    validate_new_name(ctx, app)
    create_app(ctx, app)


def _confirm(ctx, subject, expected):
    ctx.warn("WARNING: Potentially Destructive Action")
    ctx.warn("This command will destroy %s." % subject)
    ctx.warn('To proceed, type "%s"' % expected)
    ctx.out("> ", nl=False)
    line = ctx.read_stdin_line()
    if line is None:
        ctx.fail("EOF")
    if line != expected:
        ctx.err("Confirmation did not match test. Aborted.")
        raise DokkuExit(1)


@command("apps:destroy", kind="write")
@reads_stdin(lambda args: "--force" not in args and "-f" not in args)
def cmd_destroy(ctx, args):
    values, positional, _extra, _seen = GoFlags(
        "apps:destroy", {"force": ("bool", False, "force destroy without asking for confirmation")}
    ).parse(ctx, args)
    app = positional[0] if positional else ""
    verify_app(ctx, app)
    if not (values["force"] or ctx.force):
        _confirm(ctx, "app %s" % app, app)
    ctx.info1("Destroying %s (including all add-ons)" % app)
    destroy_app_state(ctx, app)
    ctx.info1("Cleaning up...")
    ctx.info1("Retiring old containers and images")


@command("apps:exists")
def cmd_exists(ctx, args):
    verify_app(ctx, args[0] if args else "")


@command("apps:list")
def cmd_list(ctx, args):
    values, _pos, _extra, _seen = GoFlags(
        "apps:list", {"format": ("string", "stdout", "format: [ stdout | json ]")}
    ).parse(ctx, args)
    apps = list_apps(ctx)
    if values["format"] == "json":
        ctx.out(go_json(apps))
        return
    ctx.info2_quiet("My Apps")
    if not apps:
        ctx.err(NO_APPS)
    for app in apps:
        ctx.out(app)


def _locked(ctx, app):
    return os.path.exists(ctx.libpath("data", "apps", app, ".deploy.lock"))


def _app_rows(ctx, app):
    return {
        "--app-created-at": prop_get(ctx, "apps", app, "created-at"),
        "--app-deploy-source": prop_get(ctx, "apps", app, "deploy-source"),
        "--app-deploy-source-metadata": prop_get(ctx, "apps", app, "deploy-source-metadata"),
        "--app-dir": ctx.home(app),
        "--app-global-disable-autocreation": prop_get(ctx, "apps", "--global", "disable-autocreation"),
        "--app-locked": "true" if _locked(ctx, app) else "false",
    }


@command("apps:report")
def cmd_report(ctx, args):
    go_report(
        ctx, args, "apps:report", "app",
        app_rows=lambda app: _app_rows(ctx, app),
        global_rows=lambda: {
            "--app-global-disable-autocreation": prop_get(ctx, "apps", "--global", "disable-autocreation")
        },
        json_strip="app-", legacy_prefix=True,
    )


@command("apps:lock", kind="write")
def cmd_lock(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    write_file(ctx.libpath("data", "apps", app, ".deploy.lock"), "")
    ctx.info1("Deploy lock created")


@command("apps:unlock", kind="write")
def cmd_unlock(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    if not _locked(ctx, app):
        ctx.fail("Unable to remove deploy lock")
    ctx.warn("A deploy may be in progress.")
    ctx.warn("Removing the app lock will not stop in progress deploys.")
    remove_path(ctx.libpath("data", "apps", app, ".deploy.lock"))
    ctx.info1("Deploy lock removed")


@command("apps:locked")
def cmd_locked(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    if not _locked(ctx, app):
        ctx.fail("Deploy lock does not exist")
    ctx.quiet_out("Deploy lock exists")


def _rename_or_clone(ctx, args, verb, flags_spec):
    values, positional, _extra, _seen = GoFlags("apps:" + verb, flags_spec).parse(ctx, args)
    old = positional[0] if positional else ""
    new = positional[1] if len(positional) > 1 else ""
    verify_app(ctx, old)
    if not new:
        ctx.fail("Please specify an new app name")
    if app_exists(ctx, new):
        if values.get("ignore-existing"):
            ctx.warn("Name is already taken")
            return None, None
        ctx.fail("Name is already taken")
    validate_new_name(ctx, new)
    return old, new


@command("apps:rename", kind="write")
def cmd_rename(ctx, args):
    old, new = _rename_or_clone(
        ctx, args, "rename", {"skip-deploy": ("bool", False, "skip deploy of the renamed app")}
    )
    ctx.info1_quiet("Renaming %s to %s" % (old, new))
    create_app(ctx, new)
    copy_app_state(ctx, old, new)
    fire(ctx, "post-app-rename", old, new)
    ctx.info1("Destroying %s (including all add-ons)" % old)
    destroy_app_state(ctx, old)
    ctx.info1("Cleaning up...")
    ctx.info1("Retiring old containers and images")


@command("apps:clone", kind="write")
def cmd_clone(ctx, args):
    old, new = _rename_or_clone(
        ctx, args, "clone",
        {
            "skip-deploy": ("bool", False, "skip deploy of the cloned app"),
            "ignore-existing": ("bool", False, "exit 0 if the new app already exists"),
        },
    )
    if old is None:
        return
    ctx.info1_quiet("Cloning %s to %s" % (old, new))
    create_app(ctx, new)
    copy_app_state(ctx, old, new)
    # the clone's own rebuild prints no listener warning on real Dokku
    vhosts.nginx_build(ctx, new, warn_listeners=False)


@command("apps:set", kind="write")
def cmd_set(ctx, args):
    scope = args[0] if args else ""
    key = args[1] if len(args) > 1 else ""
    value = args[2] if len(args) > 2 else ""
    if scope != "--global":
        verify_app(ctx, scope)
        ctx.fail("Property can only be specified globally")
    if key != "disable-autocreation":
        ctx.fail("Invalid property specified, valid properties include: disable-autocreation")
    if value:
        ctx.info2_quiet("Setting %s to %s" % (key, value))
    else:
        ctx.info2_quiet("Unsetting %s" % key)
    prop_set(ctx, "apps", "--global", key, value)
