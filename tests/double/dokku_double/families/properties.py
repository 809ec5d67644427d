"""The property table of the double: ``PLUGIN:report`` and ``PLUGIN:set`` of Dokku 0.38.27's core plugins.

One table (``TABLE``) says, per plugin, which properties it has, in which scope (``a`` an app,
``g`` ``--global``) and Dokku's default; the reports and the setters are generated from it.
Values live where Dokku keeps them, ``config/<plugin>/<APP|--global>/<property>``
(:func:`core.prop_get`), so every family reads the same files.

Reports (Go ``PLUGIN:report [APP|--global] [--format json] [--FLAG]``) hold, for an app, the raw
``PROP`` of each app property, ``global-PROP`` of each global one and ``computed-PROP`` (the app
value, else the global value, else the default); for ``--global`` only the global and (for most
plugins) the computed rows.  Some plugins repeat every JSON key with the plugin prefix
(``legacy``).  Setters follow Go's ``common.CommandPropertySet`` (``ports.property_set``): no value
unsets.  Checked byte for byte against ``builders.json``, ``checks.json``, ``git.json``,
``nginx.json``, ``network.json``, ``properties-misc.json``, ``proxy-ps.json`` and ``registry.json``.

Plugins whose report lives in their own family (checks, buildpacks, network; git, ps and proxy
also have their own setters) only get their setter here.  The quirks the transcripts show are
modelled: the registry's computed server ends in ``/``; its computed image repo is
``dokku/APP``; the logs vector sinks are shown redacted (``scheme://redacted``) and a sink change
rewrites ``data/logs/vector.json``; openresty's global log paths use ``--global`` as the app name;
nginx's and two of builder's computed values are left out of the ``--global`` report.

Also here, from the nginx-vhosts plugin: ``nginx:show-config`` (the ``nginx.conf`` that
:func:`vhosts.nginx_build` writes, see :func:`render_nginx_conf`) and ``nginx:validate-config``.
"""

import json

from ..core import (
    GoFlags,
    command,
    go_report,
    list_apps,
    prop_get,
    read_file,
    verify_app,
    write_file,
)
from .ports import _property_args, property_set

ACME = "https://acme-v02.api.letsencrypt.org/directory"


class Prop:
    """One property: scopes ``a``/``g``, Dokku's default (text or ``f(scope)``), whether it has a computed row."""

    def __init__(self, name, scopes="ag", default="", computed=True, global_computed=True, show=None,
                 compute=None):
        self.name = name
        self.app = "a" in scopes
        self.glob = "g" in scopes
        self.default = default
        self.computed = computed
        self.global_computed = global_computed
        self.show = show or (lambda value: value)
        self.compute = compute or (lambda scope, value: value)

    def default_for(self, scope):
        return self.default(scope) if callable(self.default) else self.default


class Plugin:
    """A plugin of the table; ``report=False`` when its family has its own report."""

    def __init__(self, name, props, legacy=False, report=True, global_computed=True, extra=None,
                 set_command=None, after_set=None):
        self.name = name
        self.props = props
        self.legacy = legacy
        self.report = report
        self.global_computed = global_computed
        self.extra = extra or (lambda ctx, app: {})
        self.set_command = set_command or name + ":set"
        self.after_set = after_set

    def value(self, ctx, scope, prop):
        return prop_get(ctx, self.name, scope, prop.name)

    def app_rows(self, ctx, app):
        prefix = "--%s-" % self.name
        rows = {}
        for prop in self.props:
            own = self.value(ctx, app, prop) if prop.app else ""
            glob = self.value(ctx, "--global", prop) if prop.glob else ""
            if prop.app:
                rows[prefix + prop.name] = prop.show(own)
            if prop.glob:
                rows[prefix + "global-" + prop.name] = prop.show(glob)
            if prop.computed:
                rows[prefix + "computed-" + prop.name] = prop.show(
                    prop.compute(app, own or glob or prop.default_for(app)))
        rows.update((prefix + key, value) for key, value in self.extra(ctx, app).items())
        return rows

    def global_rows(self, ctx):
        prefix = "--%s-" % self.name
        rows = {}
        for prop in self.props:
            if not prop.glob:
                continue
            glob = self.value(ctx, "--global", prop)
            rows[prefix + "global-" + prop.name] = prop.show(glob)
            if prop.computed and prop.global_computed and self.global_computed:
                rows[prefix + "computed-" + prop.name] = prop.show(
                    prop.compute("--global", glob or prop.default_for("--global")))
        return rows


def _redact_sink(value):
    """The logs plugin shows a vector sink as ``scheme://redacted``."""
    if not value:
        return value
    scheme = value.split("://", 1)[0] if "://" in value else value.split(":", 1)[0]
    return scheme + "://redacted"


def _vector_config(ctx, _scope, name):
    """A sink change rewrites the vector config (the double keeps the sinks there, as JSON)."""
    if name not in ("vector-sink", "vector-cron-sink"):
        return
    path = ctx.libpath("data", "logs", "vector.json")
    sinks = {}
    for scope in ["--global"] + list_apps(ctx):
        for key in ("vector-sink", "vector-cron-sink"):
            value = prop_get(ctx, "logs", scope, key)
            if value:
                sinks["%s:%s" % (scope, key)] = value
    ctx.verbose("Writing updated vector config to %s" % path)
    write_file(path, json.dumps({"sinks": sinks}, sort_keys=True) + "\n")


NGINX_DEFAULTS = (
    ("access-log-format", ""), ("access-log-path", lambda app: "/var/log/nginx/%s-access.log" % app),
    ("bind-address-ipv4", ""), ("bind-address-ipv6", "::"), ("client-body-timeout", "60s"),
    ("client-header-timeout", "60s"), ("client-max-body-size", "1m"),
    ("error-log-path", lambda app: "/var/log/nginx/%s-error.log" % app), ("hsts", "true"),
    ("hsts-include-subdomains", "true"), ("hsts-max-age", "15724800"), ("hsts-preload", "false"),
    ("keepalive-timeout", "75s"), ("lingering-timeout", "5s"), ("proxy-buffer-size", "4k"),
    ("proxy-buffering", "on"), ("proxy-buffers", "8 4k"), ("proxy-busy-buffers-size", "8k"),
    ("proxy-connect-timeout", "60s"), ("proxy-read-timeout", "60s"), ("proxy-send-timeout", "60s"),
    ("send-timeout", "60s"), ("underscore-in-headers", "off"), ("x-forwarded-for-value", "$remote_addr"),
    ("x-forwarded-port-value", "$server_port"), ("x-forwarded-proto-value", "$scheme"), ("x-forwarded-ssl", ""),
)
_NGINX_ONLY = (("disable-custom-config", "false"), ("nginx-conf-sigil-path", "nginx.conf.sigil"),
               ("nginx-service-command", ""), ("proxy-keepalive", ""))
_OPENRESTY_GLOBAL = (("allowed-letsencrypt-domains-func-base64", "cmV0dXJuIHRydWU="),
                     ("image", "dokku/openresty-docker-proxy:0.12.1"), ("letsencrypt-email", ""),
                     ("letsencrypt-server", ACME), ("log-level", "ERROR"))


def _proxy_image_props(image, extra):
    return ([Prop("image", "g", image), Prop("letsencrypt-email", "g"), Prop("letsencrypt-server", "g", ACME),
             Prop("log-level", "g", "ERROR")] + extra)


def _registry_server(_scope, value):
    return value + "/" if value else value


TABLE = {}


def _add(plugin):
    TABLE[plugin.name] = plugin


_add(Plugin("app-json", [Prop("appjson-path", default="app.json")], legacy=True))
_add(Plugin("builder", [Prop("build-dir", global_computed=False), Prop("selected", global_computed=False),
                        Prop("skip-cleanup", default="false")],
            legacy=True, extra=lambda ctx, app: {"detected": prop_get(ctx, "builder", app, "detected")}))
for _name, _prop, _default in (("builder-dockerfile", "dockerfile-path", "Dockerfile"),
                               ("builder-herokuish", "allowed", "true"),
                               ("builder-lambda", "lambdayml-path", "lambda.yml"),
                               ("builder-nixpacks", "nixpackstoml-path", "nixpacks.toml"),
                               ("builder-pack", "projecttoml-path", "project.toml"),
                               ("builder-railpack", "railpackjson-path", "railpack.json")):
    _add(Plugin(_name, [Prop(_prop, default=_default)]))
_add(Plugin("buildpacks", [Prop("stack")], report=False, set_command="buildpacks:set-property"))
_add(Plugin("caddy", _proxy_image_props("lucaslorentz/caddy-docker-proxy:2.13", [
    Prop("polling-interval", "g", "5s"), Prop("tls-internal", default="false")])))
_add(Plugin("checks", [Prop("wait-to-retire", default="60")], report=False))
_add(Plugin("cron", [Prop("mailfrom", "g"), Prop("mailto", "g"), Prop("maintenance", default="false")],
            legacy=True, extra=lambda ctx, app: {"task-count": "0"}))
_add(Plugin("haproxy", _proxy_image_props("byjg/easy-haproxy:6.1.1", [Prop("refresh-conf", "g", "10")])))
_add(Plugin("logs", [Prop("app-label-alias", default="com.dokku.app-name"), Prop("max-size", default="10m"),
                     Prop("vector-cron-sink", show=_redact_sink), Prop("vector-image", "g",
                                                                       "timberio/vector:0.57.0-debian"),
                     Prop("vector-networks", "g"), Prop("vector-sink", show=_redact_sink)],
            legacy=True, after_set=_vector_config))
_add(Plugin("network", [Prop(name) for name in ("attach-post-create", "attach-post-deploy", "bind-all-interfaces",
                                                "initial-network", "tld")]
            + [Prop("static-web-listener", "a")], report=False))
_add(Plugin("nginx", [Prop(name, default=default) for name, default in sorted(NGINX_DEFAULTS + _NGINX_ONLY)],
            global_computed=False, extra=lambda ctx, app: {"last-visited-at": ""}))
_add(Plugin("openresty", [Prop(name, default=default) for name, default in NGINX_DEFAULTS]
            + [Prop(name, "g", default) for name, default in _OPENRESTY_GLOBAL]))
_add(Plugin("registry", [Prop("image-repo", "a", default=lambda app: "dokku/" + app),
                         Prop("image-repo-template"), Prop("push-extra-tags"),
                         Prop("push-on-release", default="false"), Prop("server", compute=_registry_server)],
            legacy=True, extra=lambda ctx, app: {"tag-version": prop_get(ctx, "registry", app, "tag-version")}))
_add(Plugin("scheduler", [Prop("selected", default="docker-local"), Prop("shell")], legacy=True))
_add(Plugin("scheduler-docker-local", [Prop("init-process", default="true"),
                                       Prop("parallel-schedule-count", default="1")]))
_add(Plugin("traefik", [Prop("api-enabled", "g", "false"), Prop("api-entry-point", "g"),
                        Prop("api-entry-point-address", "g"), Prop("api-vhost", "g", "traefik.dokku.me"),
                        Prop("basic-auth-password", "g"), Prop("basic-auth-username", "g"),
                        Prop("challenge-mode", "g", "tls"), Prop("dashboard-enabled", "g", "false"),
                        Prop("dns-provider", "g"), Prop("http-entry-point", "g", "http"),
                        Prop("https-entry-point", "g", "https"), Prop("image", "g", "traefik:v3.7.10"),
                        Prop("letsencrypt-email", "g"), Prop("letsencrypt-server", "g", ACME),
                        Prop("log-level", "g", "ERROR")]))


def computed(ctx, plugin, app, name):
    """A property's computed value for ``app`` (or ``--global``), as the plugin's report shows it."""
    spec = TABLE[plugin]
    prop = next(p for p in spec.props if p.name == name)
    own = prop_get(ctx, plugin, app, name) if prop.app and app != "--global" else ""
    glob = prop_get(ctx, plugin, "--global", name) if prop.glob else ""
    return prop.compute(app, own or glob or prop.default_for(app))


def _report_handler(spec):
    def handler(ctx, args):
        go_report(ctx, args, spec.name + ":report", spec.name,
                  app_rows=lambda app: spec.app_rows(ctx, app),
                  global_rows=lambda: spec.global_rows(ctx),
                  json_strip=spec.name + "-", legacy_prefix=spec.legacy)

    return handler


def _set_handler(spec):
    valid = tuple(p.name for p in spec.props)
    valid_global = tuple(p.name for p in spec.props if p.glob)

    def handler(ctx, args):
        scope, name, value = _property_args(ctx, spec.set_command, args)
        property_set(ctx, spec.name, scope, name, value, valid, valid_global)
        if spec.after_set:
            spec.after_set(ctx, scope, name)

    return handler


# the core plugin that serves the commands (its enabled state decides whether they exist)
_OWNERS = {"nginx": "nginx-vhosts", "caddy": "caddy-vhosts", "haproxy": "haproxy-vhosts",
           "openresty": "openresty-vhosts", "traefik": "traefik-vhosts"}

for _spec in TABLE.values():
    _owner = _OWNERS.get(_spec.name, _spec.name)
    if _spec.report:
        command(_spec.name + ":report", plugin=_owner)(_report_handler(_spec))
    command(_spec.set_command, kind="write", plugin=_owner)(_set_handler(_spec))


@command("cron:list")
def cmd_cron_list(ctx, args):
    """An app's cron tasks: none, as no deploy of the double reads app.json (properties-misc.json 25-26)."""
    values, positional, _extra, _seen = GoFlags("cron:list", {
        "format": ("string", "stdout", "format: [ stdout | json ]")}).parse(ctx, args)
    verify_app(ctx, positional[0] if positional else "")
    if values["format"] == "json":
        ctx.out("[]")
        return
    if values["format"] != "stdout":
        ctx.fail("Invalid format specified, supported formats: json, stdout")
    ctx.out("ID  Schedule  Concurrency  Maintenance  Command")


# ---------------------------------------------------------------------------
# nginx-vhosts: the generated nginx.conf
# ---------------------------------------------------------------------------
_ERROR_PAGES = """  error_page 400 401 402 403 405 406 407 408 409 410 411 412 413 414 415 416 417 418 420 422 423 424 426 428 \
429 431 444 449 450 451 /400-error.html;
  location /400-error.html {
    root /var/lib/dokku/data/nginx-vhosts/dokku-errors;
    internal;
  }

  error_page 404 /404-error.html;
  location /404-error.html {
    root /var/lib/dokku/data/nginx-vhosts/dokku-errors;
    internal;
  }

{blank}
  error_page 500 501 502 503 504 505 506 507 508 509 510 511 /500-error.html;
{blank}
  location /500-error.html {
    root /var/lib/dokku/data/nginx-vhosts/dokku-errors;
    internal;
  }
""".replace("{blank}", "  ")  # two-space lines, as Dokku's template renders them


def render_nginx_conf(ctx, app, port, server_names=()):
    """nginx-vhosts' ``nginx.conf.sigil`` for an app without web listeners (``return 502``).

    As captured in ``nginx.json`` for an app without domains; the ``server_name`` line of an app with
    domains fills the first of the template's blank lines (a reconstruction).
    """
    def value(name):
        return computed(ctx, "nginx", app, name)

    ipv6 = value("bind-address-ipv6")
    ipv4 = value("bind-address-ipv4")
    access = value("access-log-path")
    if access != "off" and value("access-log-format"):
        access += " " + value("access-log-format")
    names = "server_name %s;" % " ".join(server_names) if server_names else ""
    lines = [
        "",
        "server {",
        "  ",
        "  listen      [%s]:%s;" % (ipv6, port) if ipv6 else "  ",
        "  listen      %s%s;" % (ipv4 + ":" if ipv4 else "", port),
        "  " + names,
        "  ",
        "  ",
        "  access_log  %s;" % access,
        "  error_log   %s;" % value("error-log-path"),
        "  underscores_in_headers %s;" % value("underscore-in-headers"),
        "",
        "  client_body_timeout %s;" % value("client-body-timeout"),
        "  client_header_timeout %s;" % value("client-header-timeout"),
        "  keepalive_timeout %s;" % value("keepalive-timeout"),
        "  lingering_timeout %s;" % value("lingering-timeout"),
        "  send_timeout %s;" % value("send-timeout"),
        "",
        "  ",
        "",
        "  location    / {",
        "",
        "    return 502;",
        "",
        "  }",
        "",
        "  client_max_body_size %s;" % value("client-max-body-size"),
        "",
    ]
    text = "\n".join(lines) + "\n" + _ERROR_PAGES
    text += "\n  \n  include %s/*.conf;\n\n}\n\n" % ctx.home(app, "nginx.conf.d")
    return text


@command("nginx:show-config", plugin="nginx-vhosts")
def cmd_show_config(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    conf = read_file(ctx.home(app, "nginx.conf"))
    if conf is None:
        ctx.fail("No nginx.conf exists for %s" % app)
    ctx.out(conf, nl=False)


@command("nginx:validate-config", plugin="nginx-vhosts")
def cmd_validate_config(ctx, args):
    """``nginx -t`` passes: the double writes only configs it can render."""
    positional = [arg for arg in args if not arg.startswith("--")]
    if positional:
        verify_app(ctx, positional[0])
