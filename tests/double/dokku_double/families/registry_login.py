"""``registry:login`` and ``registry:logout`` of the double (the registry plugin's report and properties
belong to the property table).

Dokku runs ``docker login --username USER --password-stdin SERVER`` as the dokku user, so a global
login lands in ``$DOKKU_ROOT/.docker/config.json`` and an app's in
``/var/lib/dokku/config/registry/APP/config.json`` (``DOCKER_CONFIG``), as ``auths[SERVER].auth`` =
base64 of ``USER:PASSWORD``; ``docker.io`` (also given as ``hub.docker.com`` or ``docker.com``) is
stored under ``https://index.docker.io/v1/``.  The double has no network: a server whose host name
ends in ``.invalid`` fails as in ``registry.json`` steps 24-26 (the resolver is the capture's
placeholder); any other succeeds.  The success output (`` !     Login Succeeded for ...`` on stderr)
and the config file are reconstructed from Dokku 0.38.27's source and docker's file format.
"""

import base64
import json
import os

from ..core import GoFlags, command, read_file, reads_stdin, verify_app, write_file

OFFICIAL = "https://index.docker.io/v1/"
RESOLVER = "127.0.0.11:53"


def config_path(ctx, app):
    if app:
        return ctx.libpath("config", "registry", app, "config.json")
    return ctx.home(".docker", "config.json")


def _load(path):
    try:
        return json.loads(read_file(path) or "{}")
    except ValueError:
        return {}


def _key(server):
    server = "docker.io" if server in ("hub.docker.com", "docker.com") else server
    return OFFICIAL if server in ("docker.io", "index.docker.io") else server


def _host(server):
    return server.split("/", 1)[0].rsplit(":", 1)[0]


def _flags(name):
    return GoFlags(name, {
        "global": ("bool", False, "--global: login globally instead of per-app"),
        "password-stdin": ("bool", False, "--password-stdin: read password from stdin"),
    })


@command("registry:login", kind="write")
@reads_stdin(lambda args: "--password-stdin" in args)
def cmd_login(ctx, args):
    values, positional, _extra, _seen = _flags("registry:login").parse(ctx, args)
    from_stdin = values["password-stdin"]
    app = server = username = password = ""
    global_count = 2 if from_stdin else 3
    if values["global"] or len(positional) == global_count:
        if not values["global"]:
            ctx.warn("Deprecated: please use --global flag for global registry login")
        server, username = (positional + ["", ""])[:2]
        password = "" if from_stdin else (positional[2:3] or [""])[0]
    elif len(positional) >= global_count + 1:
        app, server, username = positional[:3]
        password = "" if from_stdin else (positional[3:4] or [""])[0]
    if from_stdin:
        password = (ctx.stdin_data or "").strip()
    for value, what in ((server, "server"), (username, "username"), (password, "password")):
        if not value:
            ctx.fail("Missing %s argument" % what)
    if app:
        verify_app(ctx, app)
        os.makedirs(os.path.dirname(config_path(ctx, app)), mode=0o700, exist_ok=True)
    key = _key(server)
    if _host(server).endswith(".invalid"):
        ctx.fail('Unable to run docker login: Error response from daemon: Get "https://%s/v2/": dial tcp: '
                 'lookup %s on %s: no such host\n' % (server, _host(server), RESOLVER))
    path = config_path(ctx, app)
    config = _load(path)
    token = base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
    config.setdefault("auths", {})[key] = {"auth": token}
    write_file(path, json.dumps(config, indent="\t") + "\n", mode=0o600)
    ctx.warn("Login Succeeded for %s" % (app if app else "global registry"))


@command("registry:logout", kind="write")
def cmd_logout(ctx, args):
    values, positional, _extra, _seen = GoFlags("registry:logout", {
        "global": ("bool", False, "--global: logout globally instead of per-app")}).parse(ctx, args)
    app = ""
    if values["global"] or len(positional) == 1:
        server = (positional + [""])[0]
    else:
        app, server = (positional + ["", ""])[:2]
    if not server:
        ctx.fail("Missing server argument")
    if app:
        verify_app(ctx, app)
        if not os.path.isdir(os.path.dirname(config_path(ctx, app))):
            ctx.fail("No registry credentials found for app %s" % app)
    path = config_path(ctx, app)
    config = _load(path)
    if config.get("auths", {}).pop(_key(server), None) is not None:
        write_file(path, json.dumps(config, indent="\t") + "\n", mode=0o600)
