"""Domain files, the proxy port and the nginx rebuild output shared by several plugins.

apps:create, domains:* and ports:* all end in the same nginx rebuild; its
output (as captured on real Dokku 0.38.27 with no app deployed) is produced by
:func:`nginx_build` so every command prints it the same way.
"""

import os
import random
import re

from . import envfile
from .core import plugin_enabled, prop_get, prop_set, read_lines, remove_path, write_file, write_lines

_HOSTNAME_RE = re.compile(r"^[a-z0-9\.\*-]*[a-z0-9\*-]$")
_IPV4_RE = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")


def is_valid_hostname(domain):
    lowered = domain.lower()
    return lowered == "_" or bool(_HOSTNAME_RE.match(lowered))


def is_ip(domain):
    return bool(_IPV4_RE.match(domain)) or ":" in domain


def global_vhosts(ctx):
    return read_lines(ctx.home("VHOST"))


def global_vhost_enabled(ctx):
    return any(is_valid_hostname(line) for line in global_vhosts(ctx))


def app_vhosts(ctx, app):
    return read_lines(ctx.home(app, "VHOST"))


def set_app_vhosts(ctx, app, domains):
    write_lines(ctx.home(app, "VHOST"), domains)


def clear_app_vhosts(ctx, app):
    remove_path(ctx.home(app, "VHOST"))


def app_vhost_enabled(ctx, app):
    try:
        env = envfile.load(ctx, app)
    except envfile.EnvParseError:
        return True
    return env.get("NO_VHOST", "0") != "1"


def set_no_vhost(ctx, app, value):
    env = envfile.load_or_fail(ctx, app)
    env["NO_VHOST"] = value
    envfile.save(ctx, app, env)


def default_app_domains(ctx, app):
    """``APP.D`` for every non-IP global domain (a dotted app name is used as-is)."""
    domains = []
    for domain in global_vhosts(ctx):
        if not is_valid_hostname(domain) or is_ip(domain):
            continue
        entry = app if "." in app else "%s.%s" % (app, domain)
        if entry not in domains:
            domains.append(entry)
    return domains


def ports_map(ctx, app):
    return prop_get(ctx, "ports", app, "map").split()


def proxy_port(ctx, app):
    return prop_get(ctx, "proxy", app, "proxy-port")


def cert_exists(ctx, app):
    return all(os.path.exists(ctx.home(app, "tls", name)) for name in ("server.crt", "server.key"))


def nginx_conf_path(ctx, app):
    return ctx.home(app, "nginx.conf")


def nginx_build(ctx, app, warn_listeners=True):
    """The ``proxy-build-config`` output of nginx-vhosts for an undeployed app.

    It writes ``$DOKKU_ROOT/APP/nginx.conf`` (``nginx:show-config``); an app whose proxy is
    disabled gets none (``proxy-ps.json`` step 7).
    """
    if prop_get(ctx, "proxy", app, "disabled") == "true":
        ctx.info1("Nginx support is disabled for app (%s)" % app)
        if os.path.exists(nginx_conf_path(ctx, app)):
            ctx.info1("Deleting nginx.conf")
            remove_path(nginx_conf_path(ctx, app))
        return
    if not app_vhost_enabled(ctx, app):
        if not proxy_port(ctx, app):
            port = str(random.randint(10000, 60000))
            ctx.info1("No port set, setting to random open high port")
            ctx.info1("Random port %s" % port)
            prop_set(ctx, "proxy", app, "proxy-port", port)
    else:
        for domain in sorted(app_vhosts(ctx, app)):
            ctx.info1("Configuring %s...(using built-in template)" % domain)
    ctx.info1("Creating http nginx.conf")
    _write_nginx_conf(ctx, app)
    ctx.verbose("Reloading nginx")
    for mapping in ports_map(ctx, app):
        if mapping.startswith("https:") and not cert_exists(ctx, app):
            ctx.warn(
                "Ignoring detected https port mapping without an accompanying ssl certificate (%s)"
                % mapping
            )
    if warn_listeners:
        ctx.warn("No web listeners specified for %s" % app)


def _write_nginx_conf(ctx, app):
    from .families.properties import render_nginx_conf  # pylint: disable=import-outside-toplevel

    enabled = app_vhost_enabled(ctx, app)
    port = proxy_port(ctx, app) or prop_get(ctx, "proxy", "--global", "proxy-port") or "80"
    names = sorted(app_vhosts(ctx, app)) if enabled else ()
    write_file(nginx_conf_path(ctx, app), render_nginx_conf(ctx, app, port, names))


def letsencrypt_hint(ctx):
    if plugin_enabled(ctx, "letsencrypt"):
        ctx.warn("Please run dokku letsencrypt:enable to add https support to the new domain")


def domains_setup(ctx, app):
    """``domains_setup`` at app creation and ``domains:reset``."""
    defaults = default_app_domains(ctx, app)
    if defaults:
        ctx.info1("Creating new app virtual host file...")
        set_app_vhosts(ctx, app, defaults)
        return
    ctx.info1_quiet("Global server virtual host not set, disabling app vhost...")
    set_no_vhost(ctx, app, "1")
    nginx_build(ctx, app)
