"""The dokku-letsencrypt 0.25.1 plugin of the double (bash in real Dokku).

Properties live in ``config/letsencrypt/<APP|--global>/<key>``; the auto-renew
marker is ``data/letsencrypt/--global/autorenew``.  The dokku user's crontab
is the double's file ``crontab-dokku`` (absent = "no crontab for dokku"),
edited exactly the way the plugin's bash does it, so the real
"missing newline before EOF" failure after a core cron regeneration happens
here too (contract §18.4).

``letsencrypt:enable`` needs no ACME server: after the same checks as the
plugin (domains, e-mail, an http(s) port mapping) it issues a stand-in
certificate valid for 90 days, installed like the plugin installs a real one
(``APP/letsencrypt/certs/<config hash>/``, the ``current`` link and
``APP/tls/server.crt``/``server.key``), so ``active``, ``expiration``, ``list``,
``auto-renew`` and the idempotent second ``enable`` behave as on a real host.
"""

import hashlib
import json
import os
import re
import time

from . import ports
from .. import vhosts
from ..core import (
    NO_APPS,
    DokkuExit,
    command,
    list_apps,
    not_implemented,
    plugin_enabled,
    prop_get,
    prop_set,
    read_file,
    remove_path,
    trigger,
    verify_app,
    write_file,
)

VALID_KEYS = ("dns-provider", "email", "graceperiod", "server", "lego-args", "lego-docker-options")
DEFAULT_GRACEPERIOD = str(60 * 60 * 24 * 30)
SERVERS = {
    "": "https://acme-v02.api.letsencrypt.org/directory",
    "default": "https://acme-v02.api.letsencrypt.org/directory",
    "staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}
CERT_LIFETIME = 90 * 24 * 60 * 60
# What core cron writes for the plugin's cron-entries trigger when it regenerates the crontab.
CRON_HEADER = "PATH=/usr/local/bin:/usr/bin:/bin\nSHELL=/bin/bash\n\n"
CRON_ENTRY = "24 6 * * * dokku letsencrypt:auto-renew &>> /var/log/dokku/letsencrypt.log"
_NOT_AFTER_RE = re.compile(r"^not-after: ([0-9]+)$", re.M)


# ---------------------------------------------------------------------------
# Properties and computed values
# ---------------------------------------------------------------------------
def _prop(ctx, scope, key):
    return prop_get(ctx, "letsencrypt", scope, key)


def _computed(ctx, app, key, default=""):
    return _prop(ctx, app, key) or _prop(ctx, "--global", key) or default


def computed_server(ctx, app):
    value = _computed(ctx, app, "server")
    return SERVERS.get(value, value)


def _global_dir(ctx, *parts):
    """``data/letsencrypt/--global`` with the shared ``accounts`` dir the plugin's install creates."""
    os.makedirs(ctx.libpath("data", "letsencrypt", "--global", "accounts"), exist_ok=True)
    return ctx.libpath("data", "letsencrypt", "--global", *parts)


def _marker(ctx):
    return ctx.libpath("data", "letsencrypt", "--global", "autorenew")


def autorenew_enabled(ctx):
    return os.path.exists(_marker(ctx))


def app_domains(ctx, app):
    """``get_app_domains`` without the ``_`` sentinel."""
    if not vhosts.app_vhost_enabled(ctx, app):
        return []
    return [domain for domain in vhosts.app_vhosts(ctx, app) if domain != "_"]


# ---------------------------------------------------------------------------
# The installed certificate
# ---------------------------------------------------------------------------
def _installed_cert(ctx, app):
    for name in ("server.letsencrypt.crt", "server.crt"):
        content = read_file(ctx.home(app, "tls", name))
        if content is not None:
            return content
    return None


def _current_cert(ctx, app):
    domains = app_domains(ctx, app)
    if not domains:
        return None
    base = ctx.home(app, "letsencrypt", "certs", "current", "certificates")
    if not os.path.exists(os.path.join(base, domains[0] + ".pem")):
        return None
    return read_file(os.path.join(base, domains[0] + ".crt"))


def is_active(ctx, app):
    if app == "--global" or not vhosts.cert_exists(ctx, app):
        return "false"
    current = _current_cert(ctx, app)
    return "true" if current is not None and current == _installed_cert(ctx, app) else "false"


def expiration(ctx, app):
    match = _NOT_AFTER_RE.search(_installed_cert(ctx, app) or "") if app != "--global" else None
    return match.group(1) if match else ""


def _config_hash(ctx, app, domains):
    config = "--server %s --email %s --graceperiod %s --dns-provider %s --lego-args %s --domains %s" % (
        computed_server(ctx, app),
        _computed(ctx, app, "email"),
        _computed(ctx, app, "graceperiod", DEFAULT_GRACEPERIOD),
        _computed(ctx, app, "dns-provider"),
        _computed(ctx, app, "lego-args"),
        " ".join(domains),
    )
    return hashlib.sha1(config.encode("utf-8")).hexdigest(), config


def _current_hash(ctx, app):
    link = ctx.home(app, "letsencrypt", "certs", "current")
    return os.path.basename(os.readlink(link)) if os.path.islink(link) else ""


def _install_certificate(ctx, app, domains, config_hash, config):
    """What lego + ``fn-letsencrypt-symlink-certs`` leave behind, with a stand-in certificate."""
    not_after = int(time.time()) + CERT_LIFETIME
    cert = (
        "-----BEGIN CERTIFICATE-----\n"
        "dokku test double stand-in certificate (not X.509)\n"
        "domains: %s\nnot-after: %d\n"
        "-----END CERTIFICATE-----\n" % (" ".join(domains), not_after)
    )
    key = "-----BEGIN PRIVATE KEY-----\ndokku test double stand-in key\n-----END PRIVATE KEY-----\n"
    certs_root = ctx.home(app, "letsencrypt", "certs")
    files = os.path.join(certs_root, config_hash, "certificates")
    write_file(os.path.join(certs_root, config_hash, "config"), config + "\n")
    write_file(os.path.join(files, domains[0] + ".crt"), cert)
    write_file(os.path.join(files, domains[0] + ".key"), key)
    write_file(os.path.join(files, domains[0] + ".pem"), cert + key)
    link = os.path.join(certs_root, "current")
    remove_path(link)
    os.symlink(config_hash, link)
    for name, content in (("server.crt", cert), ("server.letsencrypt.crt", cert), ("server.key", key)):
        write_file(ctx.home(app, "tls", name), content)


# ---------------------------------------------------------------------------
# letsencrypt:set
# ---------------------------------------------------------------------------
@command("letsencrypt:set", kind="write")
def cmd_set(ctx, args):
    scope, key, value = (args[i] if len(args) > i else "" for i in range(3))
    if scope != "--global":
        verify_app(ctx, scope)
    if not key:
        ctx.fail("No key specified")
    if key not in VALID_KEYS and not key.startswith("dns-provider-"):
        ctx.fail(
            "Invalid key specified, valid keys include: dns-provider, dns-provider-*, email, "
            "graceperiod, server, lego-args, lego-docker-options"
        )
    if value:
        ctx.info2_quiet("Setting %s to %s" % (key, value))
    else:
        ctx.info2_quiet("Unsetting %s" % key)
    prop_set(ctx, "letsencrypt", scope, key, value)


# ---------------------------------------------------------------------------
# letsencrypt:report
# ---------------------------------------------------------------------------
def _report_rows(ctx, app):
    """(flag, value) in the plugin's fixed, unsorted order."""
    rows = [("active", is_active(ctx, app)), ("autorenew", "true" if autorenew_enabled(ctx) else "false")]
    for key, default in (("dns-provider", ""), ("email", ""), ("expiration", None),
                         ("graceperiod", DEFAULT_GRACEPERIOD), ("lego-args", ""),
                         ("lego-docker-options", ""), ("server", "")):
        if default is None:
            rows.append((key, expiration(ctx, app)))
            continue
        computed = computed_server(ctx, app) if key == "server" else _computed(ctx, app, key, default)
        rows.append(("computed-" + key, computed))
        rows.append(("global-" + key, _prop(ctx, "--global", key)))
        rows.append((key, _prop(ctx, app, key)))
    if app == "--global":
        rows = [row for row in rows if row[0].startswith("global-")]
    return [("--letsencrypt-" + name, value) for name, value in rows]


def _parse_report_args(args):
    fmt, is_global, rest = "stdout", False, []
    items = iter(args)
    for arg in items:
        if arg == "--format":
            fmt = next(items, "")
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
        elif arg == "--global":
            is_global = True
        else:
            rest.append(arg)
    return fmt, is_global, rest


def _report_single(ctx, app, info_flag, fmt):
    if app != "--global":
        verify_app(ctx, app)
    rows = _report_rows(ctx, app)
    if fmt not in ("stdout", "json"):
        not_implemented(ctx, "letsencrypt:report --format %s" % fmt)
    if fmt == "json" and info_flag:
        ctx.fail("--format flag cannot be specified when specifying an info flag")
    if fmt == "json":
        data = {flag[len("--letsencrypt-"):]: value for flag, value in rows}
        ctx.out(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        return
    if not info_flag:
        ctx.info2_quiet("%s letsencrypt information" % ("global" if app == "--global" else app))
        for flag, value in rows:
            key = flag[2:].replace("-", " ") + ":"
            ctx.verbose("%-30s %-25s" % (key[:1].upper() + key[1:], value))
        return
    values = dict(rows)
    if info_flag not in values:
        ctx.fail("Invalid flag passed, valid flags: " + " ".join(flag for flag, _value in rows))
    if not values[info_flag]:
        ctx.fail("not deployed")
    ctx.out(values[info_flag])


@command("letsencrypt:report")
def cmd_report(ctx, args):
    fmt, is_global, rest = _parse_report_args(args)
    app = rest[0] if rest else ""
    info_flag = rest[1] if len(rest) > 1 else ""
    installed = list_apps(ctx)
    if not installed:  # `INSTALLED_APPS=$(dokku_apps)` fails under `set -e`
        ctx.err(NO_APPS)
        raise DokkuExit(1)
    if app.startswith("--"):
        app, info_flag = "", app
    if is_global:
        app = "--global"
    if app:
        _report_single(ctx, app, info_flag, fmt)
        return
    for each in installed:  # `... | tee || true`: one app's failure does not stop the others
        try:
            _report_single(ctx, each, info_flag, fmt)
        except DokkuExit:
            pass


# ---------------------------------------------------------------------------
# active / list / enable / disable / auto-renew
# ---------------------------------------------------------------------------
@command("letsencrypt:active")
def cmd_active(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    ctx.out(is_active(ctx, app))


def format_timediff(seconds):
    """``fn-letsencrypt-format-timediff``: ``1d, 2h, 3m, 4s`` (zero parts left out)."""
    negative = seconds < 0
    seconds = abs(seconds)
    parts = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        amount, seconds = divmod(seconds, size)
        if amount > 0:
            parts.append("%d%s" % (amount, unit))
    text = ", ".join(parts)
    return text + " ago" if negative else text


def _apps_with_expiry(ctx):
    """(app, expiry, seconds to expiry, seconds to renewal) for every active app."""
    rows = []
    now = int(time.time())
    for app in list_apps(ctx):
        if is_active(ctx, app) != "true":
            continue
        expiry = int(expiration(ctx, app) or 0)
        grace = int(_computed(ctx, app, "graceperiod", DEFAULT_GRACEPERIOD))
        rows.append((app, expiry, expiry - now, expiry - grace - now))
    return rows


@command("letsencrypt:list")
def cmd_list(ctx, _args):
    if not ctx.quiet:
        ctx.out("%-6s %-18s %-25s %-25s %-25s" % (
            "----->", "App name", "Certificate Expiry", "Time before expiry", "Time before renewal"))
    if not list_apps(ctx):
        ctx.err(NO_APPS)
        return
    for app, expiry, to_expiry, to_renewal in sorted(_apps_with_expiry(ctx), key=lambda row: row[1]):
        ctx.out("%-25s %-25s %-25s %-25s" % (
            app, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(expiry)),
            format_timediff(to_expiry), format_timediff(to_renewal)))


def _http_mapping_check(ctx, app):
    """Refuse apps without an http(s) mapping; add http:80 when only other http ports are mapped."""
    explicit = ports.get_port_maps(ctx, app)
    maps = explicit or ports.detected_port_maps(ctx, app)
    web = [m for m in maps if m.scheme in ("http", "https")]
    if not web:
        ctx.fail("Cannot enable letsencrypt for %s: no http or https proxy port mapping was found." % app)
    http = [m for m in web if m.scheme == "http"]
    if http and not any(m.host_port == 80 for m in http):
        added = ports.PortMap("http", 80, http[0].container_port)
        ctx.info1("Adding %s port mapping" % added)
        ports.set_port_maps(ctx, app, explicit + [added])


def enable(ctx, app, force):
    verify_app(ctx, app)
    domains = app_domains(ctx, app)
    if not domains:
        ctx.fail("No domains detected for %s" % app)
    ctx.info2("Enabling letsencrypt for %s" % app)
    if not _computed(ctx, app, "email"):
        ctx.warn("ERROR: Cannot request a certificate without an e-mail address!")
        ctx.warn("  please provide your e-mail address using")
        ctx.warn("  dokku letsencrypt:set %s email <e-mail>" % app)
        raise DokkuExit(1)
    _http_mapping_check(ctx, app)
    config_hash, config = _config_hash(ctx, app, domains)
    grace = int(_computed(ctx, app, "graceperiod", DEFAULT_GRACEPERIOD))
    current = is_active(ctx, app) == "true" and _current_hash(ctx, app) == config_hash
    if current and not force and int(expiration(ctx, app) or 0) - grace > time.time():
        ctx.info1("Certificate is still valid for %s, skipping certificate request" % app)
        ctx.info1("Pass --force to letsencrypt:enable to request a new certificate anyway")
        return
    _global_dir(ctx)
    ctx.info1("Enabling ACME proxy for %s..." % app)
    ctx.info1("Getting letsencrypt certificate for %s..." % app)
    for domain in domains:
        ctx.err("        - Domain '%s'" % domain)
    ctx.info1("Certificate retrieved successfully.")
    ctx.info1("Installing let's encrypt certificates")
    _install_certificate(ctx, app, domains, config_hash, config)
    ctx.info1("Disabling ACME proxy for %s..." % app)
    ctx.info1("Done")


@command("letsencrypt:enable", kind="write")
def cmd_enable(ctx, args):
    force = "--force" in args or "-f" in args or ctx.force
    positional = [arg for arg in args if arg not in ("--force", "-f")]
    app = positional[0] if positional else ""
    if app != "--all":
        enable(ctx, app, force)
        return
    installed = list_apps(ctx)
    if not installed:
        ctx.err(NO_APPS)
    for each in installed:
        enable(ctx, each, force)


@command("letsencrypt:disable", kind="write")
def cmd_disable(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    ctx.info1("Disabling letsencrypt for app")
    ctx.verbose("Removing letsencrypt files for %s" % app)
    remove_path(ctx.home(app, "letsencrypt"))
    ctx.verbose("Removing SSL endpoint from %s" % app)
    remove_path(ctx.home(app, "tls"))
    ctx.info1("Done")


@command("letsencrypt:auto-renew", kind="write")
def cmd_auto_renew(ctx, args):
    app = args[0] if args else ""
    if app:
        verify_app(ctx, app)
        if is_active(ctx, app) != "true":
            ctx.info1("Letsencrypt not enabled for %s" % app)
            return
        grace = int(_computed(ctx, app, "graceperiod", DEFAULT_GRACEPERIOD))
        to_renewal = int(expiration(ctx, app)) - grace - int(time.time())
        if to_renewal < 0:
            ctx.info2("Auto-renew %s..." % app)
            enable(ctx, app, False)
        else:
            ctx.verbose("%s still has %s left before renewal" % (app, format_timediff(to_renewal)))
        return
    ctx.info2("Auto-renewing all apps...")
    failed = False
    for each, _expiry, _to_expiry, to_renewal in sorted(_apps_with_expiry(ctx), key=lambda row: row[3]):
        if to_renewal < 0:
            ctx.info1("%s needs renewal" % each)
            try:
                enable(ctx, each, False)
            except DokkuExit:
                failed = True
        else:
            ctx.verbose("%s still has %s days left before renewal" % (each, format_timediff(to_renewal)))
    ctx.info2("Finished auto-renewal")
    if failed:
        ctx.fail("One or more apps failed to have their certificates renewed")


# ---------------------------------------------------------------------------
# cron-job and the dokku user's crontab
# ---------------------------------------------------------------------------
def _crontab_path(ctx):
    return ctx.double_path("crontab-dokku")


def _cron_cmd(ctx):
    return ctx.libpath("plugins", "available", "letsencrypt", "cron-job")


def _crontab_install(ctx, content):
    """``crontab -``: a non-empty file must end in a newline."""
    if content and not content.endswith("\n"):
        ctx.err("new crontab file is missing newline before EOF, can't install.")
        raise DokkuExit(1)
    write_file(_crontab_path(ctx), content)


def _crons_without_job(ctx):
    """``crons="$(crontab -l || true)"; crons="$(grep -v -F "$CMD" <<<"$crons")"``."""
    current = read_file(_crontab_path(ctx))
    if current is None:
        ctx.err("no crontab for dokku")
        current = ""
    kept = [line for line in (current.rstrip("\n") + "\n").split("\n")[:-1] if _cron_cmd(ctx) not in line]
    if not kept:
        raise DokkuExit(1)  # grep selected nothing: exit 1 under `set -e`
    return "\n".join(kept).rstrip("\n")


def _cron_kind(args):
    return "write" if args and args[0] in ("--add", "--remove") else "read"


@command("letsencrypt:cron-job", kind=_cron_kind)
def cmd_cron_job(ctx, args):
    flag = args[0] if args else ""
    if flag == "--add":
        write_file(_global_dir(ctx, "autorenew"), "")
        crons = _crons_without_job(ctx)
        _crontab_install(ctx, "%s\n@daily %s\n" % (crons, _cron_cmd(ctx)))
        ctx.info1("Added cron job to dokku's crontab.")
    elif flag == "--remove":
        remove_path(_marker(ctx))
        _crontab_install(ctx, _crons_without_job(ctx))
        ctx.info1("Removed cron job from dokku's crontab.")
    elif flag:
        ctx.fail("Invalid flag '%s', specify --add, --remove, or no flag to display status." % flag)
    elif autorenew_enabled(ctx):
        ctx.info2_quiet("Auto-renew cron job is enabled")
        ctx.verbose("Run 'dokku letsencrypt:cron-job --remove' to disable.")
    else:
        ctx.info2_quiet("Auto-renew cron job is not enabled")
        ctx.verbose("Run 'dokku letsencrypt:cron-job --add' to enable.")


@trigger("app-destroy")
def regenerate_crontab(ctx, _app):
    """Core cron rewrites the dokku crontab on app destroy while the plugin injects its entry."""
    if not plugin_enabled(ctx, "letsencrypt") or not autorenew_enabled(ctx):
        return
    ctx.info1("Updated schedule file")
    ctx.info1("Updated schedule file")
    write_file(_crontab_path(ctx), CRON_HEADER + CRON_ENTRY + "\n")


@command("letsencrypt:revoke", kind="write")
@command("letsencrypt:cleanup", kind="write")
def cmd_unmodelled(ctx, _args):
    not_implemented(ctx, "letsencrypt:revoke and letsencrypt:cleanup (they need an ACME server)")
