# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The property table: every ``PLUGIN:set`` property of Dokku 0.38.27's core plugins, once.

Planning, validation, the reads, the export, the drift report and the documentation of
``selfhosted.dokku.dokku_property`` all read this table: a new property is one row here.

The letsencrypt plugin (dokku-letsencrypt, a community plugin) is here for its remaining
properties; its email and server belong to the letsencrypt family and role.

Each row: plugin, property, scopes (``a`` app, ``g`` global), kind (how a value is checked and
written), Dokku's default (``None`` where it depends on the app or there is none), the effect
of a change (when a running app sees it) and a short description.  Dokku's ``PLUGIN:report
[APP|--global] --format json`` holds each property's stored value under its own name (app
scope) or ``global-NAME`` (global scope), empty when unset; drift compares those raw values,
never the ``computed-`` ones.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# kinds: how a value from the inventory is checked and written
BOOL, ONOFF, INT, SIZE, DURATION, TEXT, WORD, SECRET = (
    "bool", "on/off", "int", "size", "duration", "text", "word", "secret")
# effects: when the change reaches a running app
EFFECTS = {
    "proxy": "the app's proxy configuration is rebuilt (proxy:build-config, or the next deploy)",
    "restart": "the app's containers are next created (a restart or deploy)",
    "deploy": "the next deploy (or build)",
    "now": "at once",
}

EFFECT_WORDS = {"proxy": "proxy rebuild", "restart": "restart", "deploy": "deploy", "now": "at once"}


_ROWS = """
apps|disable-autocreation|g|bool|false|now|Refuse to create an app on its first push
app-json|appjson-path|ag|text|app.json|deploy|Path of app.json in the repository
builder|build-dir|ag|text||deploy|Subdirectory of the repository to build from
builder|selected|ag|word||deploy|Builder (dockerfile, herokuish, pack, nixpacks, railpack, lambda, null), or auto-detected when unset
builder|skip-cleanup|ag|bool|false|deploy|Keep the build's intermediate containers
builder-dockerfile|dockerfile-path|ag|text|Dockerfile|deploy|Path of the Dockerfile
builder-herokuish|allowed|ag|bool|false|deploy|Allow herokuish on an arm64 host
builder-lambda|lambdayml-path|ag|text|lambda.yml|deploy|Path of lambda.yml
builder-nixpacks|nixpackstoml-path|ag|text|nixpacks.toml|deploy|Path of nixpacks.toml
builder-pack|projecttoml-path|ag|text|project.toml|deploy|Path of project.toml
builder-railpack|railpackjson-path|ag|text|railpack.json|deploy|Path of railpack.json
buildpacks|stack|ag|text|gliderlabs/herokuish:latest-24|deploy|Builder image of herokuish and pack builds
caddy|image|g|text|lucaslorentz/caddy-docker-proxy:2.13|proxy|Image of the caddy proxy
caddy|letsencrypt-email|g|text||proxy|Email caddy registers with Let's Encrypt
caddy|letsencrypt-server|g|text|https://acme-v02.api.letsencrypt.org/directory|proxy|ACME server of caddy
caddy|log-level|g|word|ERROR|proxy|Log level of caddy
caddy|polling-interval|g|duration|5s|proxy|How often caddy looks for app changes
caddy|tls-internal|ag|bool|false|proxy|Use caddy's internal CA instead of Let's Encrypt
checks|wait-to-retire|ag|int|60|deploy|Seconds an old container keeps running after a deploy
cron|mailfrom|g|text||now|Sender of the cron mails
cron|mailto|g|text||now|Recipient of the cron mails
cron|maintenance|ag|bool|false|now|Suspend the app's cron tasks
git|archive-max-files|g|int|10000|now|Most files a deployed archive may hold
git|archive-max-size|g|int|1073741824|now|Largest deployed archive in bytes
git|deploy-branch|ag|word|master|deploy|Branch a git push deploys
git|keep-git-dir|ag|bool|false|deploy|Keep the .git directory in the build
git|rev-env-var|a|word||deploy|Environment variable that holds the deployed revision (Dokku sets GIT_REV on a new app)
git|source-image|a|text||deploy|Image the app was last deployed from (git:from-image)
haproxy|image|g|text|byjg/easy-haproxy:6.1.1|proxy|Image of the haproxy proxy
haproxy|letsencrypt-email|g|text||proxy|Email haproxy registers with Let's Encrypt
haproxy|letsencrypt-server|g|text|https://acme-v02.api.letsencrypt.org/directory|proxy|ACME server of haproxy
haproxy|log-level|g|word|ERROR|proxy|Log level of haproxy
haproxy|refresh-conf|g|int|10|proxy|Seconds between haproxy configuration refreshes
letsencrypt|dns-provider|ag|word||now|DNS provider of the dns-01 challenge (none opts an app out); the provider's credentials are config, not properties
letsencrypt|graceperiod|ag|int|2592000|now|Seconds before expiry a certificate is renewed
letsencrypt|lego-args|ag|text||now|Extra arguments of lego
letsencrypt|lego-docker-options|ag|text||now|Extra docker options of the lego container
logs|app-label-alias|ag|text|com.dokku.app-name|restart|Label that names the app in the log shipper
logs|max-size|ag|size|10m|restart|Largest container log file (docker's max-size, or unlimited)
logs|vector-cron-sink|ag|text||now|Vector sink of the cron tasks' logs
logs|vector-image|g|text|timberio/vector:0.57.0-debian|now|Image of the vector log shipper
logs|vector-networks|g|text||now|Networks the vector container joins
logs|vector-sink|ag|text||now|Vector sink of the app's logs
network|attach-post-create|ag|text||restart|Networks a container joins when it is created
network|attach-post-deploy|ag|text||restart|Networks a container joins after the deploy
network|bind-all-interfaces|ag|bool|false|restart|Bind web processes on all interfaces when no proxy runs
network|initial-network|ag|text||restart|Network a container starts on
network|static-web-listener|a|text||proxy|A fixed web listener (host:port) for an app that runs outside Dokku
network|tld|ag|text||restart|Domain suffix of the app's network alias
nginx|access-log-format|ag|text||proxy|Name of an nginx log format for the access log
nginx|access-log-path|ag|text||proxy|Access log path, or off
nginx|bind-address-ipv4|ag|text||proxy|IPv4 address nginx listens on
nginx|bind-address-ipv6|ag|text|::|proxy|IPv6 address nginx listens on
nginx|client-body-timeout|ag|duration|60s|proxy|nginx client_body_timeout
nginx|client-header-timeout|ag|duration|60s|proxy|nginx client_header_timeout
nginx|client-max-body-size|ag|size|1m|proxy|nginx client_max_body_size
nginx|disable-custom-config|ag|bool|false|proxy|Ignore the app's own nginx.conf.sigil
nginx|error-log-path|ag|text||proxy|Error log path, or off
nginx|hsts|ag|bool|true|proxy|Send the Strict-Transport-Security header
nginx|hsts-include-subdomains|ag|bool|true|proxy|HSTS includeSubDomains
nginx|hsts-max-age|ag|int|15724800|proxy|HSTS max-age in seconds
nginx|hsts-preload|ag|bool|false|proxy|HSTS preload
nginx|keepalive-timeout|ag|duration|75s|proxy|nginx keepalive_timeout
nginx|lingering-timeout|ag|duration|5s|proxy|nginx lingering_timeout
nginx|nginx-conf-sigil-path|ag|text|nginx.conf.sigil|proxy|Path of the app's nginx.conf.sigil in the repository
nginx|nginx-service-command|ag|text||proxy|Command that reloads nginx
nginx|proxy-buffer-size|ag|size|4k|proxy|nginx proxy_buffer_size
nginx|proxy-buffering|ag|on/off|on|proxy|nginx proxy_buffering
nginx|proxy-buffers|ag|text|8 4k|proxy|nginx proxy_buffers (number and size)
nginx|proxy-busy-buffers-size|ag|size|8k|proxy|nginx proxy_busy_buffers_size
nginx|proxy-connect-timeout|ag|duration|60s|proxy|nginx proxy_connect_timeout
nginx|proxy-keepalive|ag|int||proxy|Idle keepalive connections to the app per worker
nginx|proxy-read-timeout|ag|duration|60s|proxy|nginx proxy_read_timeout
nginx|proxy-send-timeout|ag|duration|60s|proxy|nginx proxy_send_timeout
nginx|send-timeout|ag|duration|60s|proxy|nginx send_timeout
nginx|underscore-in-headers|ag|on/off|off|proxy|nginx underscores_in_headers
nginx|x-forwarded-for-value|ag|text|$remote_addr|proxy|Value of X-Forwarded-For
nginx|x-forwarded-port-value|ag|text|$server_port|proxy|Value of X-Forwarded-Port
nginx|x-forwarded-proto-value|ag|text|$scheme|proxy|Value of X-Forwarded-Proto
nginx|x-forwarded-ssl|ag|on/off||proxy|Value of X-Forwarded-Ssl
openresty|access-log-format|ag|text||proxy|Name of a log format for the access log
openresty|access-log-path|ag|text||proxy|Access log path, or off
openresty|allowed-letsencrypt-domains-func-base64|g|text|cmV0dXJuIHRydWU=|proxy|Lua function (base64) that allows a domain a certificate
openresty|bind-address-ipv4|ag|text||proxy|IPv4 address openresty listens on
openresty|bind-address-ipv6|ag|text|::|proxy|IPv6 address openresty listens on
openresty|client-body-timeout|ag|duration|60s|proxy|client_body_timeout
openresty|client-header-timeout|ag|duration|60s|proxy|client_header_timeout
openresty|client-max-body-size|ag|size|1m|proxy|client_max_body_size
openresty|error-log-path|ag|text||proxy|Error log path, or off
openresty|hsts|ag|bool|true|proxy|Send the Strict-Transport-Security header
openresty|hsts-include-subdomains|ag|bool|true|proxy|HSTS includeSubDomains
openresty|hsts-max-age|ag|int|15724800|proxy|HSTS max-age in seconds
openresty|hsts-preload|ag|bool|false|proxy|HSTS preload
openresty|image|g|text|dokku/openresty-docker-proxy:0.12.1|proxy|Image of the openresty proxy
openresty|keepalive-timeout|ag|duration|75s|proxy|keepalive_timeout
openresty|letsencrypt-email|g|text||proxy|Email openresty registers with Let's Encrypt
openresty|letsencrypt-server|g|text|https://acme-v02.api.letsencrypt.org/directory|proxy|ACME server of openresty
openresty|lingering-timeout|ag|duration|5s|proxy|lingering_timeout
openresty|log-level|g|word|ERROR|proxy|Log level of openresty
openresty|proxy-buffer-size|ag|size|4k|proxy|proxy_buffer_size
openresty|proxy-buffering|ag|on/off|on|proxy|proxy_buffering
openresty|proxy-buffers|ag|text|8 4k|proxy|proxy_buffers (number and size)
openresty|proxy-busy-buffers-size|ag|size|8k|proxy|proxy_busy_buffers_size
openresty|proxy-connect-timeout|ag|duration|60s|proxy|proxy_connect_timeout
openresty|proxy-read-timeout|ag|duration|60s|proxy|proxy_read_timeout
openresty|proxy-send-timeout|ag|duration|60s|proxy|proxy_send_timeout
openresty|send-timeout|ag|duration|60s|proxy|send_timeout
openresty|underscore-in-headers|ag|on/off|off|proxy|underscores_in_headers
openresty|x-forwarded-for-value|ag|text|$remote_addr|proxy|Value of X-Forwarded-For
openresty|x-forwarded-port-value|ag|text|$server_port|proxy|Value of X-Forwarded-Port
openresty|x-forwarded-proto-value|ag|text|$scheme|proxy|Value of X-Forwarded-Proto
openresty|x-forwarded-ssl|ag|on/off||proxy|Value of X-Forwarded-Ssl
proxy|type|ag|word|nginx|proxy|Proxy implementation (nginx, caddy, haproxy, openresty, traefik, null)
ps|procfile-path|ag|text|Procfile|deploy|Path of the Procfile in the repository
ps|restart-policy|ag|word|on-failure:10|restart|Docker restart policy (no, always, unless-stopped, on-failure[:N])
ps|start-cmd|a|text||deploy|Command that starts a Dockerfile or image app
ps|stop-timeout-seconds|ag|int|30|restart|Seconds a container gets to stop before it is killed
registry|image-repo|a|text||deploy|Image repository the app is pushed to (default dokku/APP)
registry|image-repo-template|ag|text||deploy|Template of the image repository
registry|push-extra-tags|ag|text||deploy|Extra tags pushed with each release (comma-separated)
registry|push-on-release|ag|bool|false|deploy|Push the image on each release
registry|server|ag|text||deploy|Registry server the images are pushed to
scheduler|selected|ag|word|docker-local|deploy|Scheduler (docker-local, k3s, null)
scheduler|shell|ag|text||now|Shell of dokku enter and run
scheduler-docker-local|init-process|ag|bool|true|restart|Run an init process in the containers
scheduler-docker-local|parallel-schedule-count|ag|int|1|deploy|Process types scheduled in parallel
scheduler-k3s|cert-issuer-kind|ag|word||deploy|Kind of the cert-manager issuer of the app's certificates
scheduler-k3s|cert-issuer-name|ag|word||deploy|Name of the cert-manager issuer of the app's certificates
scheduler-k3s|deploy-timeout|ag|duration||deploy|How long a k3s deploy may take before it fails (300s)
scheduler-k3s|image-pull-secrets|ag|text||deploy|Kubernetes secret the nodes pull the app's images with
scheduler-k3s|ingress-class|g|word||deploy|Ingress controller of the cluster (nginx, traefik); initialize sets it
scheduler-k3s|kube-context|g|text||now|kubectl context Dokku talks to
scheduler-k3s|kubeconfig-path|g|text||now|Path of the kubeconfig Dokku uses (k3s: /etc/rancher/k3s/k3s.yaml)
scheduler-k3s|kustomize-root-path|ag|text||deploy|Path of the app's kustomize root in the repository
scheduler-k3s|letsencrypt-email-prod|ag|text||deploy|Email of the Let's Encrypt production issuer
scheduler-k3s|letsencrypt-email-stag|ag|text||deploy|Email of the Let's Encrypt staging issuer
scheduler-k3s|letsencrypt-server|ag|word||deploy|Let's Encrypt issuer the app uses (prod, stag)
scheduler-k3s|namespace|ag|word||deploy|Kubernetes namespace of the app
scheduler-k3s|network-interface|g|word|eth0|now|Network interface whose address nodes join the cluster on
scheduler-k3s|node-sysctls-image|g|text||deploy|Image of the node sysctls daemon set
scheduler-k3s|node-sysctls-pause-image|g|text||deploy|Pause image of the node sysctls daemon set
scheduler-k3s|rollback-on-failure|ag|bool||deploy|Roll a failed k3s deploy back
scheduler-k3s|shm-size|ag|text||restart|Size of /dev/shm in the app's pods
scheduler-k3s|token|g|secret||now|Cluster join token (masked; initialize creates one unless it is set first)
traefik|api-enabled|g|bool|false|proxy|Enable the traefik API
traefik|api-entry-point|g|text||proxy|Entry point of the traefik API
traefik|api-entry-point-address|g|text||proxy|Address of the traefik API entry point
traefik|api-vhost|g|text|traefik.dokku.me|proxy|Host name of the traefik API
traefik|basic-auth-password|g|secret||proxy|Password of the traefik dashboard (masked; Dokku takes it in argv)
traefik|basic-auth-username|g|text||proxy|User name of the traefik dashboard
traefik|challenge-mode|g|word|tls|proxy|ACME challenge mode (tls, http, dns)
traefik|dashboard-enabled|g|bool|false|proxy|Enable the traefik dashboard
traefik|dns-provider|g|text||proxy|DNS provider of the dns challenge
traefik|http-entry-point|g|text|http|proxy|Name of the http entry point
traefik|https-entry-point|g|text|https|proxy|Name of the https entry point
traefik|image|g|text|traefik:v3.7.10|proxy|Image of the traefik proxy
traefik|letsencrypt-email|g|text||proxy|Email traefik registers with Let's Encrypt
traefik|letsencrypt-server|g|text|https://acme-v02.api.letsencrypt.org/directory|proxy|ACME server of traefik
traefik|log-level|g|word|ERROR|proxy|Log level of traefik
"""

# How a plugin's values are written (every plugin reads them with PLUGIN:report):
#   "set" (default): PLUGIN:set APP|--global PROPERTY [VALUE]
#   "type": proxy:set APP|--global [TYPE] (the property is the proxy type itself)
#   "set-property": buildpacks:set-property APP|--global PROPERTY [VALUE]
SET_FORMS = {"proxy": "type", "buildpacks": "set-property"}
# plugins whose report may be missing on a host (scheduler-k3s can be left out of an install):
# dokku_info with properties [all] reads them as empty rather than failing
OPTIONAL_PLUGINS = ("scheduler-k3s",)
# plugins whose PLUGIN:report without an app reports every app, one JSON object per line in
# apps:list order (Dokku 0.38.27's Go reports loop over the apps); letsencrypt is a community
# plugin with its own report, and an optional plugin may be missing
ALL_APP_REPORTS = frozenset((
    "app-json", "apps", "builder", "builder-dockerfile", "builder-herokuish", "builder-lambda", "builder-nixpacks",
    "builder-pack", "builder-railpack", "buildpacks", "caddy", "checks", "cron", "git", "haproxy", "logs", "network",
    "nginx", "openresty", "proxy", "ps", "registry", "scheduler", "scheduler-docker-local", "traefik"))


class Property(object):
    """One row of the table."""

    __slots__ = ("plugin", "name", "app", "global_", "kind", "default", "effect", "description")

    def __init__(self, plugin, name, scopes, kind, default, effect, description):
        self.plugin, self.name, self.kind, self.effect, self.description = plugin, name, kind, effect, description
        self.app, self.global_ = "a" in scopes, "g" in scopes
        self.default = default or None

    @property
    def key(self):
        return "%s.%s" % (self.plugin, self.name)

    @property
    def secret(self):
        return self.kind == SECRET

    def report_key(self, is_global):
        return ("global-" + self.name) if is_global else self.name

    def set_argv(self, target, value):
        """The write that sets (``value``) or unsets (None) the property of ``target`` (an app or --global)."""
        form = SET_FORMS.get(self.plugin, "set")
        tail = [] if value is None else [value]
        if form == "type":
            return ["proxy:set", target] + tail
        command = "buildpacks:set-property" if form == "set-property" else self.plugin + ":set"
        return [command, target, self.name] + tail


def _load():
    table = {}
    for line in _ROWS.strip().splitlines():
        plugin, name, scopes, kind, default, effect, description = line.split("|")
        if effect not in EFFECTS:
            raise ValueError("unknown effect %s of %s.%s" % (effect, plugin, name))
        table.setdefault(plugin, {})[name] = Property(plugin, name, scopes, kind, default, effect, description)
    return table


TABLE = _load()


def report_read_args(plugin, target):
    return [plugin + ":report", target, "--format", "json"]


# ------------------------------------------------------------------ values
SIZE_RE = re.compile(r"^[0-9]+[kKmMgG]?$")
LOG_SIZE_RE = re.compile(r"^([0-9]+[kmg]?|unlimited)$")
DURATION_RE = re.compile(r"^[0-9]+(ms|s|m|h|d|w|M|y)?$")
WORD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$")
TRUE_WORDS = ("true", "yes", "on")
FALSE_WORDS = ("false", "no", "off")


def normalise(prop, value):
    """``(text or None, None)`` - None unsets - or ``(None, problem)``: the value as Dokku stores it."""
    if value is None or (isinstance(value, str) and value == ""):
        return None, None
    if isinstance(value, (dict, list, tuple)):
        return None, "must be a single value, not a %s" % type(value).__name__
    if prop.kind in (BOOL, ONOFF):
        if isinstance(value, bool):
            flag = value
        elif str(value).lower() in TRUE_WORDS:
            flag = True
        elif str(value).lower() in FALSE_WORDS:
            flag = False
        else:
            return None, "%r is not a boolean: give true or false" % (value,)
        if prop.kind == BOOL:
            return ("true" if flag else "false"), None
        return ("on" if flag else "off"), None
    if isinstance(value, bool):
        return None, "%r is a boolean, not a %s value (quote it if you mean the word)" % (value, prop.kind)
    if isinstance(value, float):
        return None, "%r is not a whole value: give it as a string" % (value,)
    text = str(value)
    if "\n" in text or "\r" in text or "\0" in text:
        return None, "must be one line"
    if text != text.strip():
        return None, "%r has leading or trailing blanks" % text
    if prop.kind == INT:
        if not text.isdigit():
            return None, "%r is not a whole number" % text
        return str(int(text)), None
    if prop.kind == SIZE:
        pattern = LOG_SIZE_RE if prop.plugin == "logs" else SIZE_RE
        if not pattern.match(text):
            return None, "%r is not a size: give a whole number with an optional unit k, m or g (512k, 50m)" % text
    elif prop.kind == DURATION:
        if not DURATION_RE.match(text):
            return None, "%r is not a duration: give a whole number with an optional unit (60s, 5m, 500ms)" % text
    elif prop.kind == WORD:
        if not WORD_RE.match(text):
            return None, "%r is not a single word" % text
    return text, None


def lookup(plugin, name, is_global):
    """``(Property, None)`` or ``(None, problem)``."""
    if plugin not in TABLE:
        return None, "unknown plugin %r: use one of %s" % (plugin, ", ".join(sorted(TABLE)))
    prop = TABLE[plugin].get(name)
    if prop is None:
        return None, "%s has no settable property %r: use one of %s" % (plugin, name, ", ".join(sorted(TABLE[plugin])))
    if is_global and not prop.global_:
        return None, "%s is set per app only, not globally" % prop.key
    if not is_global and not prop.app:
        return None, "%s is a global property: set it in the global scope (dokku_global_properties)" % prop.key
    return prop, None


def plan_value(prop, desired, raw, global_raw):
    """The value to write for one property, or False when it is in sync.

    ``desired`` is normalised (None: unset); ``raw`` the stored value ("" when unset);
    ``global_raw`` the stored global value an app inherits ("" when unset, None at global scope).
    Setting a property to Dokku's default unsets it - unless an app would then inherit a
    different global value, when the default is stored explicitly.
    """
    if desired is not None and desired == prop.default:
        if raw == desired or (raw == "" and not global_raw):
            return False
        return desired if global_raw else None
    if desired is None:
        return False if raw == "" else None
    return False if raw == desired else desired


def doc_table():
    """The table as documentation lines (ansible-doc of dokku_property and dokku_apps)."""
    lines = []
    for plugin in sorted(TABLE):
        items = []
        for name in sorted(TABLE[plugin]):
            prop = TABLE[plugin][name]
            scope = "app and global" if prop.app and prop.global_ else ("app" if prop.app else "global")
            default = (", default V(%s)" % prop.default) if prop.default else ""
            items.append("C(%s) (%s, %s%s; takes effect: %s)" % (name, scope, prop.kind, default, EFFECT_WORDS[prop.effect]))
        lines.append("B(%s): %s." % (plugin, "; ".join(items)))
    return lines
