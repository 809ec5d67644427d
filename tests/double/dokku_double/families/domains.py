"""The ``domains`` plugin of the double (Dokku 0.38.27, contract §5).

The subcommands are bash in Dokku (positional arguments, no flag parsing);
``domains:report`` is Go since 0.38.22.  Reproduced quirks of 0.38.27:

* a domain is validated lower-cased but stored exactly as given;
* ``remove``/``remove-global`` print ``Removed`` for absent domains and delete
  with ``sed "\\|^DOMAIN$|d"``, so ``.`` in a domain matches any character;
* ``clear-global`` fails when the global VHOST file does not exist;
* ``enable``/``disable`` skip the app check (a missing app fails in ``touch``);
* ``disable`` deletes the app's VHOST file and ``enable`` restores only the
  default domains; ``add``/``set`` on a disabled app re-enable it through the
  same code, which rewrites the file with the default domains when there are
  any (read from the plugin's ``domains_enable``; not captured on real Dokku).
"""

import os
import re

from .. import vhosts
from ..core import (
    DokkuExit,
    command,
    go_report,
    list_apps,
    read_lines,
    remove_path,
    verify_app,
    write_file,
    write_lines,
)

NOT_IMPLEMENTED = "Not implemented in test double: %s"


def _touch(path):
    if not os.path.exists(path):
        write_file(path, "")


def _require_app_arg(ctx, args):
    if not args or not args[0]:
        ctx.fail("Please specify an app to run the command on")
    return args[0]


def _require_domains(ctx, args, usage_head):
    """``[[ -z $1 ]]`` on the first domain: the usage names what came before it."""
    if not args or not args[0]:
        ctx.fail("Please specify a domain name. Usage: dokku %s <domain> [<domain> ...]" % usage_head)
    return args


def _validate(ctx, domains):
    for domain in domains:
        if not vhosts.is_valid_hostname(domain):
            ctx.fail("%s is invalid. exiting..." % domain)


def _sed_line_regex(ctx, domain):
    """The address of ``sed "\\|^DOMAIN$|d"`` (GNU basic regex) as a Python regex.

    ``.`` matches any character and ``*`` repeats what precedes it (a leading
    ``*`` is literal); every other character a hostname can hold is literal.
    Brackets, backslashes and the ``|`` delimiter change the sed program
    itself and are not imitated.
    """
    if any(char in domain for char in "[\\|"):
        ctx.fail(NOT_IMPLEMENTED % ("sed semantics of %r" % domain))
    parts = []
    for index, char in enumerate(domain):
        if char == ".":
            parts.append(".")
        elif char == "*" and index > 0:
            if parts[-1] != "*":  # GNU sed: a run of stars is one star
                parts.append("*")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def _sed_delete(ctx, path, domain):
    pattern = _sed_line_regex(ctx, domain)
    write_lines(path, [line for line in read_lines(path) if not pattern.fullmatch(line)])


def _enable_vhosts(ctx, app, no_restart=False):
    """``domains_enable`` when vhosts are disabled: the defaults replace the file, NO_VHOST=0.

    With ``--no-restart`` (what domains:add and domains:set pass) ``enable_app_vhost`` also fires
    ``post-domains-update APP enable``, so nginx is rebuilt once more before the add/set trigger
    (reconstructed from Dokku's source: plugins/domains/functions; no transcript shows it).
    """
    defaults = vhosts.default_app_domains(ctx, app)
    if defaults:
        vhosts.set_app_vhosts(ctx, app, defaults)
    vhosts.set_no_vhost(ctx, app, "0")
    if no_restart:
        _post_domains_update(ctx, app, "enable")


def _post_domains_update(ctx, app, action):
    """The ``post-domains-update`` trigger: letsencrypt's hint, then nginx."""
    if action in ("add", "set"):
        vhosts.letsencrypt_hint(ctx)
    vhosts.nginx_build(ctx, app)


# ---------------------------------------------------------------------------
# App domains
# ---------------------------------------------------------------------------
@command("domains:add", kind="write")
def cmd_add(ctx, args):
    app = _require_app_arg(ctx, args)
    domains = _require_domains(ctx, args[1:], app + " ")
    verify_app(ctx, app)
    _validate(ctx, domains)
    path = ctx.home(app, "VHOST")
    for domain in domains:
        current = read_lines(path)
        if domain in current:
            ctx.info1("Skipping: %s already added to %s" % (domain, app))
        else:
            write_lines(path, current + [domain])
            ctx.info1("Added %s to %s" % (domain, app))
    if not vhosts.app_vhost_enabled(ctx, app):
        _enable_vhosts(ctx, app, no_restart=True)
    _post_domains_update(ctx, app, "add")


@command("domains:set", kind="write")
def cmd_set(ctx, args):
    app = _require_app_arg(ctx, args)
    domains = _require_domains(ctx, args[1:], app + " ")
    verify_app(ctx, app)
    _validate(ctx, domains)
    vhosts.set_app_vhosts(ctx, app, domains)
    ctx.info1("Set %s for %s" % (" ".join(domains), app))
    if not vhosts.app_vhost_enabled(ctx, app):
        _enable_vhosts(ctx, app, no_restart=True)
    _post_domains_update(ctx, app, "set")


@command("domains:remove", kind="write")
def cmd_remove(ctx, args):
    app = _require_app_arg(ctx, args)
    domains = _require_domains(ctx, args[1:], app + " ")
    verify_app(ctx, app)
    path = ctx.home(app, "VHOST")
    _touch(path)
    for domain in domains:
        _sed_delete(ctx, path, domain)
        ctx.info1("Removed %s from %s" % (domain, app))
    _post_domains_update(ctx, app, "remove")


def _clear_app(ctx, app):
    vhosts.clear_app_vhosts(ctx, app)
    _post_domains_update(ctx, app, "clear")
    ctx.info1("Cleared domains in %s" % app)


@command("domains:clear", kind="write")
def cmd_clear(ctx, args):
    app = _require_app_arg(ctx, args)
    if app == "--all":
        for name in list_apps(ctx):
            _clear_app(ctx, name)
        return
    verify_app(ctx, app)
    _clear_app(ctx, app)


@command("domains:reset", kind="write")
def cmd_reset(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    _clear_app(ctx, app)
    vhosts.domains_setup(ctx, app)
    _post_domains_update(ctx, app, "reset")
    ctx.info1_quiet("Reset domains for %s" % app)


def _enable_or_disable_target(ctx, args, verb):
    """0.38.27 checks the app name only when it is ``--all`` (and then rejects it)."""
    app = args[0] if args else ""
    if app == "--all":
        verify_app(ctx, app)
    if not app:
        ctx.fail(NOT_IMPLEMENTED % ("domains:%s without an app" % verb))
    path = ctx.home(app, "VHOST")
    if not os.path.isdir(ctx.home(app)):
        ctx.err("touch: cannot touch '%s': No such file or directory" % path)
        raise DokkuExit(1)
    _touch(path)
    return app


@command("domains:enable", kind="write")
def cmd_enable(ctx, args):
    app = _enable_or_disable_target(ctx, args, "enable")
    if vhosts.app_vhost_enabled(ctx, app):
        ctx.info1("Domains (VHOST) support is already enabled for app (%s)" % app)
        return
    _enable_vhosts(ctx, app)


@command("domains:disable", kind="write")
def cmd_disable(ctx, args):
    app = _enable_or_disable_target(ctx, args, "disable")
    if not vhosts.app_vhost_enabled(ctx, app):
        ctx.info1("Domains (VHOST) support is already disabled for app (%s)" % app)
        return
    ctx.info1("App virtual host support disabled")
    vhosts.clear_app_vhosts(ctx, app)
    vhosts.set_no_vhost(ctx, app, "1")
    vhosts.nginx_build(ctx, app)


# ---------------------------------------------------------------------------
# Global domains (bash: the VHOST file is touched before validation)
# ---------------------------------------------------------------------------
@command("domains:add-global", kind="write")
def cmd_add_global(ctx, args):
    domains = _require_domains(ctx, args, "")
    path = ctx.home("VHOST")
    _touch(path)
    _validate(ctx, domains)
    for domain in domains:
        current = read_lines(path)
        if domain in current:
            ctx.info1("Skipping %s: already added" % domain)
        else:
            write_lines(path, current + [domain])
            ctx.info1("Added %s" % domain)


@command("domains:set-global", kind="write")
def cmd_set_global(ctx, args):
    domains = _require_domains(ctx, args, "")
    path = ctx.home("VHOST")
    _touch(path)
    _validate(ctx, domains)
    write_lines(path, domains)
    ctx.info1("Set %s" % " ".join(domains))


@command("domains:remove-global", kind="write")
def cmd_remove_global(ctx, args):
    domains = _require_domains(ctx, args, "")
    path = ctx.home("VHOST")
    _touch(path)
    for domain in domains:
        _sed_delete(ctx, path, domain)
        ctx.info1("Removed %s" % domain)


@command("domains:clear-global", kind="write")
def cmd_clear_global(ctx, _args):
    ctx.info1_quiet("Clearing global domains")
    path = ctx.home("VHOST")
    if not os.path.exists(path):
        ctx.err("rm: cannot remove '%s': No such file or directory" % path)
        raise DokkuExit(1)
    remove_path(path)
    _touch(path)


# ---------------------------------------------------------------------------
# Report (Go)
# ---------------------------------------------------------------------------
def _global_rows(ctx):
    enabled = vhosts.global_vhost_enabled(ctx)
    return {
        "--domains-global-enabled": "true" if enabled else "false",
        "--domains-global-vhosts": " ".join(vhosts.global_vhosts(ctx)) if enabled else "",
    }


def _app_rows(ctx, app):
    rows = {
        "--domains-app-enabled": "true" if vhosts.app_vhost_enabled(ctx, app) else "false",
        "--domains-app-vhosts": " ".join(vhosts.app_vhosts(ctx, app)),
    }
    rows.update(_global_rows(ctx))
    return rows


@command("domains:report")
def cmd_report(ctx, args):
    go_report(
        ctx, args, "domains:report", "domains",
        app_rows=lambda app: _app_rows(ctx, app),
        global_rows=lambda: _global_rows(ctx),
        json_strip="domains-",
    )
