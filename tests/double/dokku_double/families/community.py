"""Two community plugins of the double: dokku-http-auth 0.10.0 and dokku-maintenance 0.10.1.

RECONSTRUCTED: no transcript covers them.  Commands, messages and files follow the plugins' own
source (github.com/dokku/dokku-http-auth, github.com/dokku/dokku-maintenance), read, not copied:

* http-auth: ``$DOKKU_ROOT/APP/nginx.conf.d/http-auth.conf`` exists while enabled (and is written
  by ``add-allowed-ip``/``remove-allowed-ip`` too, as the plugin's template step does);
  ``$DOKKU_ROOT/APP/htpasswd`` holds ``USER:$6$...`` lines (``mkpasswd -m sha-512``); a user's line
  is deleted with ``sed "/^USER:/d"`` (so ``.`` matches any character); the allowed IPs are the
  property list ``http-auth/APP/allowed-ips``; the report is text only (``%-30s %-25s`` rows).
* maintenance: ``$DOKKU_ROOT/APP/nginx.conf.d/maintenance.conf`` exists while enabled; the report
  has ``--maintenance-enabled`` and ``--maintenance-custom-page-sha256`` (and ``--format json``).

nginx is not reloaded (the plugins send that output to /dev/null anyway).  The commands exist
only while the plugin is installed and enabled.
"""

import hashlib
import json
import os
import secrets

from ..core import command, prop_get, read_file, read_lines, remove_path, verify_app, write_file, write_lines

_ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ORDER = ((0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48), (28, 49, 7),
          (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13), (56, 14, 35),
          (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41))


def _repeat(digest, length):
    return (digest * (length // len(digest) + 1))[:length]


def mkpasswd_sha512(password, salt=None):
    """``mkpasswd -m sha-512 PASSWORD``: ``$6$SALT$HASH`` (5000 rounds, a random 16-character salt)."""
    salt = salt or "".join(secrets.choice(_ITOA64) for _index in range(16))
    key, salt_bytes = password.encode("utf-8"), salt.encode("ascii")
    alternate = hashlib.sha512(key + salt_bytes + key).digest()
    first = hashlib.sha512(key + salt_bytes + _repeat(alternate, len(key)))
    length = len(key)
    while length:
        first.update(alternate if length & 1 else key)
        length >>= 1
    result = first.digest()
    p_bytes = _repeat(hashlib.sha512(key * len(key)).digest(), len(key))
    s_bytes = _repeat(hashlib.sha512(salt_bytes * (16 + result[0])).digest(), len(salt_bytes))
    for index in range(5000):
        step = hashlib.sha512(p_bytes if index & 1 else result)
        if index % 3:
            step.update(s_bytes)
        if index % 7:
            step.update(p_bytes)
        step.update(result if index & 1 else p_bytes)
        result = step.digest()
    out = []
    for a, b, c in _ORDER:
        value = (result[a] << 16) | (result[b] << 8) | result[c]
        for _count in range(4):
            out.append(_ITOA64[value & 0x3F])
            value >>= 6
    value = result[63]
    out += [_ITOA64[value & 0x3F], _ITOA64[value >> 6]]
    return "$6$%s$%s" % (salt, "".join(out))


def _arg(args, index):
    return args[index] if len(args) > index else ""


def _row(ctx, key, value):
    ctx.verbose("%-30s %-25s" % (key, value))


def _flag_report(ctx, flags, info_flag, empty_ok=()):
    """The plugins' bash single-flag report: the value, or ``not deployed`` when it is empty."""
    if info_flag not in flags:
        ctx.fail("Invalid flag passed, valid flags: " + " ".join(flags))
    value = flags[info_flag]
    if value:
        ctx.out(value)
    elif info_flag not in empty_ok:
        ctx.fail("not deployed")


# --------------------------------------------------------------------------- http-auth
def _auth_conf(ctx, app):
    return ctx.home(app, "nginx.conf.d", "http-auth.conf")


def _htpasswd(ctx, app):
    return ctx.home(app, "htpasswd")


def _auth_enabled(ctx, app):
    return os.path.exists(_auth_conf(ctx, app))


def _allowed_ips(ctx, app):
    return read_lines(ctx.libpath("config", "http-auth", app, "allowed-ips"))


def _template(ctx, app):
    lines = ["allow %s;" % address for address in _allowed_ips(ctx, app)]
    if read_file(_htpasswd(ctx, app)):
        lines += ['auth_basic           "Restricted";', "auth_basic_user_file %s;" % _htpasswd(ctx, app)]
    if _allowed_ips(ctx, app):
        lines += ["satisfy any;", "deny all;"]
    write_lines(_auth_conf(ctx, app), lines)
    if read_file(_htpasswd(ctx, app)) is None:
        write_file(_htpasswd(ctx, app), "")


def _sed_delete(ctx, app, user):
    """``sed -i "/^USER:/d"``: '.' in USER matches any character."""
    def deleted(line):
        name = line.split(":", 1)[0]
        return ":" in line and len(name) == len(user) and all(u in (".", c) for u, c in zip(user, name))
    write_lines(_htpasswd(ctx, app), [line for line in read_lines(_htpasswd(ctx, app)) if not deleted(line)])


def _add_user(ctx, app, user, password):
    _sed_delete(ctx, app, user)
    write_lines(_htpasswd(ctx, app), read_lines(_htpasswd(ctx, app)) + ["%s:%s" % (user, mkpasswd_sha512(password))])


def _users(ctx, app):
    return [line.split(":", 1)[0] for line in read_lines(_htpasswd(ctx, app))]


@command("http-auth:enable", kind="write", aliases=("http-auth:on",))
def cmd_auth_enable(ctx, args):
    app = verify_app(ctx, _arg(args, 0))
    if _auth_enabled(ctx, app):
        ctx.info1("Authentication already enabled, use http-auth:add-user or http-auth:remove-user to modify users")
        return
    ctx.info1("Enabling HTTP auth for %s..." % app)
    _template(ctx, app)
    if _arg(args, 1) and _arg(args, 2):
        _add_user(ctx, app, args[1], args[2])
        _template(ctx, app)
    else:
        ctx.warn("Skipping user initialization")
    ctx.verbose("Done")


@command("http-auth:disable", kind="write", aliases=("http-auth:off",))
def cmd_auth_disable(ctx, args):
    app = verify_app(ctx, _arg(args, 0))
    if not _auth_enabled(ctx, app):
        ctx.info1("Authentication already disabled")
        return
    ctx.info1("Disabling HTTP auth for %s..." % app)
    remove_path(_auth_conf(ctx, app))
    ctx.verbose("Done")


def _enabled_app(ctx, args):
    app = verify_app(ctx, _arg(args, 0))
    if not _auth_enabled(ctx, app):
        ctx.fail("Authentication is disabled")
    if not _arg(args, 1):
        ctx.fail("Missing username")
    return app, args[1]


@command("http-auth:add-user", kind="write")
def cmd_auth_add_user(ctx, args):
    app, user = _enabled_app(ctx, args)
    if not _arg(args, 2):
        ctx.fail("Missing username")  # sic: the plugin's message for a missing password
    ctx.info1("Adding %s to basic auth list" % user)
    _add_user(ctx, app, user, args[2])


@command("http-auth:remove-user", kind="write")
def cmd_auth_remove_user(ctx, args):
    app, user = _enabled_app(ctx, args)
    ctx.info1("Removing %s from basic auth list" % user)
    _sed_delete(ctx, app, user)


@command("http-auth:add-allowed-ip", kind="write")
def cmd_auth_add_ip(ctx, args):
    if not _arg(args, 1):
        ctx.fail("Missing ip address")
    app = verify_app(ctx, _arg(args, 0))
    ctx.info1("Adding %s to allowed ip list" % args[1])
    if args[1] in _allowed_ips(ctx, app):
        return
    write_lines(ctx.libpath("config", "http-auth", app, "allowed-ips"), _allowed_ips(ctx, app) + [args[1]])
    _template(ctx, app)


@command("http-auth:remove-allowed-ip", kind="write")
def cmd_auth_remove_ip(ctx, args):
    app = verify_app(ctx, _arg(args, 0))
    if not _arg(args, 1):
        ctx.fail("Missing ip address")
    ctx.info1("Removing %s from allowed ip list" % args[1])
    write_lines(ctx.libpath("config", "http-auth", app, "allowed-ips"),
                [address for address in _allowed_ips(ctx, app) if address != args[1]])
    _template(ctx, app)


@command("http-auth:report")
def cmd_auth_report(ctx, args):
    app, info_flag = _arg(args, 0), _arg(args, 1)
    if app.startswith("--"):
        app, info_flag = "", app
    from ..core import list_apps  # pylint: disable=import-outside-toplevel

    for name in [app] if app else list_apps(ctx):
        verify_app(ctx, name)
        flags = {
            "--http-auth-enabled": "true" if _auth_enabled(ctx, name) else "false",
            "--http-auth-allowed-ips": " ".join(_allowed_ips(ctx, name)),
            "--http-auth-users": " ".join(_users(ctx, name)),
        }
        if info_flag:
            _flag_report(ctx, flags, info_flag, empty_ok=("--http-auth-allowed-ips",))
            continue
        ctx.info2_quiet("%s http-auth information" % name)
        for flag, value in flags.items():
            _row(ctx, flag[2:].replace("-", " ").capitalize() + ":", value)


# ------------------------------------------------------------------------- maintenance
def _maintenance_conf(ctx, app):
    return ctx.home(app, "nginx.conf.d", "maintenance.conf")


@command("maintenance:enable", kind="write", aliases=("maintenance:on",))
def cmd_maintenance_enable(ctx, args):
    app = _arg(args, 0)
    if not app:
        ctx.fail("Please specify an app to run the command on")
    verify_app(ctx, app)
    if os.path.exists(_maintenance_conf(ctx, app)):
        ctx.info1("Maintenance mode already enabled")
        return
    ctx.info1("Enabling maintenance mode for %s..." % app)
    write_file(_maintenance_conf(ctx, app), "location / { return 503; }\n")
    ctx.verbose("Done")


@command("maintenance:disable", kind="write", aliases=("maintenance:off",))
def cmd_maintenance_disable(ctx, args):
    app = _arg(args, 0)
    if not app:
        ctx.fail("Please specify an app to run the command on")
    verify_app(ctx, app)
    if not os.path.exists(_maintenance_conf(ctx, app)):
        ctx.info1("Maintenance mode already disabled")
        return
    ctx.info1("Disabling maintenance mode for %s..." % app)
    remove_path(_maintenance_conf(ctx, app))
    ctx.verbose("Done")


@command("maintenance:report")
def cmd_maintenance_report(ctx, args):
    fmt, rest = "stdout", []
    for index, arg in enumerate(args):
        if arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
        elif arg == "--format":
            fmt = _arg(args, index + 1)
        elif index == 0 or args[index - 1] != "--format":
            rest.append(arg)
    app, info_flag = _arg(rest, 0), _arg(rest, 1)
    if app.startswith("--"):
        app, info_flag = "", app
    verify_app(ctx, app)
    flags = {
        "--maintenance-enabled": "true" if os.path.exists(_maintenance_conf(ctx, app)) else "false",
        "--maintenance-custom-page-sha256": prop_get(ctx, "maintenance", app, "custom-page-sha256"),
    }
    if fmt != "stdout" and info_flag:
        ctx.fail("--format flag cannot be specified when specifying an info flag")
    if fmt == "json":
        ctx.out(json.dumps(dict((k[len("--maintenance-"):], v) for k, v in flags.items()), separators=(",", ":")))
    elif info_flag:
        _flag_report(ctx, flags, info_flag)
    else:
        ctx.info2_quiet("%s maintenance information" % app)
        for flag, value in flags.items():
            _row(ctx, flag[2:].replace("-", " ").capitalize() + ":", value)
