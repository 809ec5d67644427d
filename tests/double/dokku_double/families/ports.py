"""The ``ports``, ``ps`` and ``proxy`` plugins of the double (Go in Dokku 0.38).

State lives in properties, as on real Dokku 0.38:

* ``ports/APP/map``: the port map, ONE line of space-separated
  ``scheme:host:container`` mappings sorted as strings (``vhosts.ports_map``
  reads it); ``ports/APP/map-detected`` optionally overrides the detected map;
* ``proxy/APP/{proxy-port,proxy-ssl-port,type,disabled}`` and their
  ``--global`` counterparts;
* ``ps/APP/scale`` (one ``type=qty`` per line) and the ``ps:set`` properties.

An app counts as deployed when ``core.app_deployed`` says so (``git:*`` deploys
set it through :func:`deploy`).  The double runs no containers: a deploy writes
one ``$DOKKU_ROOT/APP/CONTAINER.<type>.<n>`` file with a made-up container id
per process, as docker-local does, and ``ps:report`` shows them as
``--status-<type>.<n>``; ``ps:stop`` records ``data/ps/APP/stopped`` (and
``restore=false``), which ``ps:start``, ``ps:restart`` and every deploy clear.
The deploy lines printed are a reconstruction, not captured output.
"""

import glob
import os
import re
import secrets

from .. import vhosts
from ..core import (
    GoFlags,
    app_deployed,
    command,
    fire,
    go_json,
    go_report,
    not_implemented,
    prop_get,
    prop_set,
    read_lines,
    remove_path,
    trigger,
    verify_app,
    write_file,
    write_lines,
)

_ATOI_RE = re.compile(r"^[+-]?[0-9]+$")


def _positional(args, index):
    return args[index] if len(args) > index else ""


# ---------------------------------------------------------------------------
# ports
# ---------------------------------------------------------------------------
def go_atoi(text):
    """``strconv.Atoi``: ``(value, None)`` or ``(None, error text)``."""
    if not _ATOI_RE.match(text):
        return None, 'strconv.Atoi: parsing "%s": invalid syntax' % text
    value = int(text)
    if not -(2 ** 63) <= value < 2 ** 63:
        return None, 'strconv.Atoi: parsing "%s": value out of range' % text
    return value, None


class PortMap:
    """One mapping; ``scheme`` is ``__internal__`` for a bare host port (``ports:remove``)."""

    def __init__(self, scheme, host_port, container_port=0):
        self.scheme = scheme
        self.host_port = host_port
        self.container_port = container_port

    def __str__(self):
        return "%s:%d:%d" % (self.scheme, self.host_port, self.container_port)

    @property
    def by_port_only(self):
        return self.scheme == "__internal__"

    def as_json(self):
        return {"container_port": self.container_port, "host_port": self.host_port, "scheme": self.scheme}


class PortMapError(Exception):
    pass


def _atoi(entry, text):
    value, error = go_atoi(text)
    if error:
        raise PortMapError("Invalid port map %s [err=%s]" % (entry, error))
    return value


def _in_range(entry, value, label):
    if not 0 < value < 65536:
        raise PortMapError("Invalid port map %s [%s=%d]" % (entry, label, value))
    return value


def parse_port_maps(text):
    """Go ``parsePortMapString``: split on single spaces, ``SplitN(":", 3)``, Go's check order."""
    maps = []
    for entry in text.strip().split(" "):
        parts = entry.split(":", 2)
        if len(parts) == 1:  # a bare host port: only ports:remove gives it a meaning
            maps.append(PortMap("__internal__", _in_range(entry, _atoi(entry, entry), "hostPort")))
            continue
        if len(parts) != 3:
            raise PortMapError("Invalid port map %s [len=%d]" % (entry, len(parts)))
        host, container = _atoi(entry, parts[1]), _atoi(entry, parts[2])
        maps.append(PortMap(parts[0], _in_range(entry, host, "hostPort"),
                            _in_range(entry, container, "containerPort")))
    return maps


def _reused_scheme_host_port(maps):
    seen = set()
    for port_map in maps:
        key = "%s:%d" % (port_map.scheme, port_map.host_port)
        if key in seen:
            return "The same scheme:host-port is being reused: %s" % key
        seen.add(key)
    return None


def get_port_maps(ctx, app):
    text = " ".join(vhosts.ports_map(ctx, app))
    return parse_port_maps(text) if text else []


def set_port_maps(ctx, app, maps):
    values = sorted(str(m) for m in maps if not m.by_port_only)
    prop_set(ctx, "ports", app, "map", " ".join(values))


def computed_proxy_port(ctx, app, name="proxy-port"):
    return prop_get(ctx, "proxy", app, name) or prop_get(ctx, "proxy", "--global", name)


def detected_port_maps(ctx, app):
    """Go ``getDetectedPortMaps``: ``map-detected`` or http:<proxy port|80>:5000, plus https with a cert."""
    detected = prop_get(ctx, "ports", app, "map-detected").replace("\n", " ").strip()
    maps = parse_port_maps(detected) if detected else []
    if not maps:
        base, _error = go_atoi(computed_proxy_port(ctx, app) or "80")
        maps = [PortMap("http", base or 80, 5000)]
    if vhosts.cert_exists(ctx, app):
        ssl_port, _error = go_atoi(computed_proxy_port(ctx, app, "proxy-ssl-port") or "443")
        extra = [PortMap("https", ssl_port or 443, m.container_port)
                 for m in maps if m.scheme == "http" and m.host_port == 80]
        if extra:
            maps = maps + extra
        else:
            for port_map in maps:
                if port_map.scheme == "http":
                    port_map.scheme = "https"
    return maps


def _maps_json(maps):
    return go_json([m.as_json() for m in maps]) if maps else "null"


def _ports_rows(ctx, app):
    maps = get_port_maps(ctx, app)
    detected = detected_port_maps(ctx, app)
    return {
        "--ports-map": " ".join(str(m) for m in maps),
        "--ports-map-detected": " ".join(str(m) for m in detected),
        "--ports-map-detected-json": _maps_json(detected),
        "--ports-map-json": _maps_json(maps),
    }


@command("ports:report")
def cmd_ports_report(ctx, args):
    if "--global" in args:
        not_implemented(ctx, "ports:report --global")
    go_report(ctx, args, "ports:report", "ports",
              app_rows=lambda app: _ports_rows(ctx, app), json_strip="ports-", legacy_prefix=True)


def _columnize(lines, delim, prefix):
    """``ryanuber/columnize`` with Glue "  ": columns padded, the last one not."""
    rows = [line.split(delim) for line in lines]
    widths = {}
    for row in rows:
        for index, cell in enumerate(row[:-1]):
            widths[index] = max(widths.get(index, 0), len(cell))
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        out.append(prefix + "  ".join(cells))
    return out


@command("ports:list")
def cmd_ports_list(ctx, args):
    _values, positional, _extra, _seen = GoFlags("ports:list").parse(ctx, args)
    app = verify_app(ctx, _positional(positional, 0))
    maps = get_port_maps(ctx, app)
    if not maps:
        ctx.fail("No port mappings configured for app")
    lines = [str(m) for m in maps]
    if not ctx.quiet:
        lines.append("-----> scheme:host port:container port")
    ctx.info1_quiet("Port mappings for %s" % app)
    for line in _columnize(sorted(lines), ":", "    "):
        ctx.out(line)


def _parse_write_args(ctx, name, args):
    _values, positional, _extra, _seen = GoFlags(name).parse(ctx, args)
    app = verify_app(ctx, _positional(positional, 0))
    return app, positional[1:]


def _parse_or_fail(ctx, strings):
    if not strings:
        ctx.fail("No port mapping specified")
    try:
        return parse_port_maps(" ".join(strings))
    except PortMapError as exc:
        ctx.fail(str(exc))
    return []


@command("ports:set", kind="write")
def cmd_ports_set(ctx, args):
    app, strings = _parse_write_args(ctx, "ports:set", args)
    maps = _parse_or_fail(ctx, strings)
    error = _reused_scheme_host_port(maps)
    if error:
        ctx.fail("Error validating port mappings: %s" % error)
    set_port_maps(ctx, app, maps)
    vhosts.nginx_build(ctx, app)


@command("ports:add", kind="write")
def cmd_ports_add(ctx, args):
    app, strings = _parse_write_args(ctx, "ports:add", args)
    maps = _parse_or_fail(ctx, strings)
    error = _reused_scheme_host_port(maps)
    if error:
        ctx.fail("Error validating new port mappings: %s" % error)
    combined = get_port_maps(ctx, app) + maps
    error = _reused_scheme_host_port(combined)
    if error:
        ctx.fail("Error validating all port mappings: %s" % error)
    set_port_maps(ctx, app, combined)
    vhosts.nginx_build(ctx, app)


@command("ports:remove", kind="write")
def cmd_ports_remove(ctx, args):
    app, strings = _parse_write_args(ctx, "ports:remove", args)
    maps = _parse_or_fail(ctx, strings)
    by_port = {m.host_port for m in maps if m.by_port_only}
    exact = {str(m) for m in maps if not m.by_port_only}
    keep = [m for m in get_port_maps(ctx, app) if str(m) not in exact and m.host_port not in by_port]
    set_port_maps(ctx, app, keep)
    vhosts.nginx_build(ctx, app)


@command("ports:clear", kind="write")
def cmd_ports_clear(ctx, args):
    app, _strings = _parse_write_args(ctx, "ports:clear", args)
    prop_set(ctx, "ports", app, "map", "")
    prop_set(ctx, "ports", app, "map-detected", "")
    vhosts.nginx_build(ctx, app)


# ---------------------------------------------------------------------------
# ps
# ---------------------------------------------------------------------------
PS_PROPERTIES = ("dockerfile-start-cmd", "procfile-path", "restart-policy", "skip-deploy",
                 "start-cmd", "stop-timeout-seconds")
PS_GLOBAL_PROPERTIES = ("procfile-path", "restart-policy", "skip-deploy", "stop-timeout-seconds")
_RESTART_POLICY_RE = re.compile(r"^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")


def _stopped_marker(ctx, app):
    return ctx.libpath("data", "ps", app, "stopped")


def _running(ctx, app):
    if not app_deployed(ctx, app):
        return "false"
    return "false" if os.path.exists(_stopped_marker(ctx, app)) else "true"


def _scale_path(ctx, app):
    return ctx.libpath("config", "ps", app, "scale")


def formations(ctx, app):
    """``ps/APP/scale``: [(process type, quantity)] sorted by type."""
    result = {}
    for line in read_lines(_scale_path(ctx, app)):
        proc, _sep, qty = line.partition("=")
        result[proc] = int(qty)
    return sorted(result.items())


def _save_formations(ctx, app, counts):
    write_lines(_scale_path(ctx, app), ["%s=%d" % item for item in sorted(counts.items())])


@trigger("post-create")
def _default_formation(ctx, app):
    """The ps plugin's post-create trigger: a new app has the formation web=1 (proxy-ps.json step 36)."""
    _save_formations(ctx, app, {"web": 1})


def add_process_types(ctx, app, process_types):
    """A deploy adds the Procfile's new process types to the formation (web at 1, others at 0)."""
    counts = dict(formations(ctx, app))
    for proc in process_types:
        counts.setdefault(proc, 1 if proc == "web" else 0)
    _save_formations(ctx, app, counts)


def _containers(ctx, app):
    """[(``type.n``, container id)] from the ``CONTAINER.type.n`` files, sorted."""
    prefix = ctx.home(app, "CONTAINER.")
    return sorted(
        (path[len(prefix):], read_lines(path)[0]) for path in glob.glob(glob.escape(prefix) + "*")
    )


def _replace_containers(ctx, app, proc, qty):
    for path in glob.glob(glob.escape(ctx.home(app, "CONTAINER.%s." % proc)) + "*"):
        remove_path(path)
    for index in range(1, qty + 1):
        write_file(ctx.home(app, "CONTAINER.%s.%d" % (proc, index)), secrets.token_hex(32) + "\n")


def deploy(ctx, app, only=None):
    """A docker-local deploy: new containers for the process types in ``only`` (default all).

    The app is then deployed and running; an app without a formation runs one web process.
    """
    for proc, qty in formations(ctx, app) or [("web", 1)]:
        if only is None or proc in only:
            ctx.info1("Deploying %s (count=%d)" % (proc, qty))
            _replace_containers(ctx, app, proc, qty)
    ctx.info1("Running post-deploy")
    write_file(ctx.libpath("data", "ps", app, "deployed"), "")
    remove_path(_stopped_marker(ctx, app))
    prop_set(ctx, "ps", app, "restore", "")


def _ps_prop(ctx, scope, name):
    return prop_get(ctx, "ps", scope, name)


def _computed(ctx, app, name, default):
    return _ps_prop(ctx, app, name) or _ps_prop(ctx, "--global", name) or default


def _ps_global_rows(ctx, app):
    return {
        "--ps-computed-procfile-path": _computed(ctx, app, "procfile-path", "Procfile"),
        "--ps-computed-restart-policy": _computed(ctx, app, "restart-policy", "on-failure:10"),
        "--ps-computed-skip-deploy": _computed(ctx, app, "skip-deploy", "false"),
        "--ps-computed-stop-timeout-seconds": _computed(ctx, app, "stop-timeout-seconds", "30"),
        "--ps-global-procfile-path": _ps_prop(ctx, "--global", "procfile-path"),
        "--ps-global-restart-policy": _ps_prop(ctx, "--global", "restart-policy"),
        "--ps-global-skip-deploy": _ps_prop(ctx, "--global", "skip-deploy"),
        "--ps-global-stop-timeout-seconds": _ps_prop(ctx, "--global", "stop-timeout-seconds"),
    }


def _ps_rows(ctx, app):
    deployed = app_deployed(ctx, app)
    rows = _ps_global_rows(ctx, app)
    rows.update({
        "--deployed": "true" if deployed else "false",
        "--processes": str(sum(qty for _proc, qty in formations(ctx, app)) if deployed else 0),
        "--ps-can-scale": "true",
        "--ps-computed-dockerfile-start-cmd": _ps_prop(ctx, app, "dockerfile-start-cmd"),
        "--ps-computed-start-cmd": _ps_prop(ctx, app, "start-cmd"),
        "--ps-dockerfile-start-cmd": _ps_prop(ctx, app, "dockerfile-start-cmd"),
        "--ps-procfile-path": _ps_prop(ctx, app, "procfile-path"),
        "--ps-restart-policy": _ps_prop(ctx, app, "restart-policy"),
        "--ps-skip-deploy": _ps_prop(ctx, app, "skip-deploy"),
        "--ps-start-cmd": _ps_prop(ctx, app, "start-cmd"),
        "--ps-stop-timeout-seconds": _ps_prop(ctx, app, "stop-timeout-seconds"),
        "--restore": prop_get(ctx, "ps", app, "restore", default="true"),
        "--running": _running(ctx, app),
    })
    status = "running" if _running(ctx, app) == "true" else "exited"
    for process, container_id in _containers(ctx, app):
        rows["--status-" + process] = "%s (CID: %s)" % (status, container_id[:11])
    return rows


@command("ps:report")
def cmd_ps_report(ctx, args):
    go_report(ctx, args, "ps:report", "ps",
              app_rows=lambda app: _ps_rows(ctx, app),
              global_rows=lambda: _ps_global_rows(ctx, "--global"),
              json_strip="ps-", legacy_prefix=True)


def _scale_flags():
    return GoFlags("ps:scale", {
        "clear": ("bool", False, "reset the formation to the default scale"),
        "format": ("string", "stdout", "format: [ stdout | json ]"),
        "replace": ("bool", False, "replace the formation with the specified process tuples"),
        "skip-deploy": ("bool", False, "skip the deploy phase"),
    })


def _scale_kind(args):
    return "write" if any("=" in arg for arg in args if not arg.startswith("-")) else "read"


@command("ps:scale", kind=_scale_kind)
def cmd_ps_scale(ctx, args):
    values, positional, _extra, _seen = _scale_flags().parse(ctx, args)
    app = verify_app(ctx, _positional(positional, 0))
    tuples = positional[1:]
    if values["clear"] or values["replace"]:
        not_implemented(ctx, "ps:scale --clear/--replace")
    if not tuples:
        _scale_report(ctx, app, values["format"])
        return
    current = dict(formations(ctx, app))
    wanted = dict(current)
    for item in tuples:
        proc, sep, qty = item.partition("=")
        if not sep or qty == "":
            ctx.fail("Missing count for process type %s" % proc)
        number, error = go_atoi(qty)
        if error or number < 0:
            ctx.fail("Invalid count for process type %s" % proc)
        wanted[proc] = number
    ctx.info1("Scaling %s processes: %s" % (app, " ".join(tuples)))
    _save_formations(ctx, app, wanted)
    changed = [proc for proc, qty in wanted.items() if current.get(proc) != qty]
    if app_deployed(ctx, app) and not values["skip-deploy"] and changed:
        deploy(ctx, app, only=changed)


def _scale_report(ctx, app, fmt):
    rows = formations(ctx, app)
    if fmt == "json":
        ctx.out(go_json([{"process_type": proc, "quantity": qty} for proc, qty in rows]))
        return
    if fmt != "stdout":
        not_implemented(ctx, "ps:scale --format %s" % fmt)
    ctx.info1_quiet("Scaling for %s" % app)
    lines = [] if ctx.quiet else [("proctype", "qty"), ("--------", "---")]
    for proc, qty in lines + [(proc, str(qty)) for proc, qty in rows]:
        ctx.out(("%s:" % proc).ljust(5) + " " + qty)


def _single_app_flags(name):
    return GoFlags(name, {
        "all": ("bool", False, "run against all apps"),
        "parallel": ("string", "", "number of apps to run in parallel"),
    })


def _app_for(ctx, name, args):
    values, positional, _extra, _seen = _single_app_flags(name).parse(ctx, args)
    if values["all"]:
        not_implemented(ctx, "%s --all" % name)
    return verify_app(ctx, _positional(positional, 0))


def _not_deployed(ctx, app):
    if app_deployed(ctx, app):
        return False
    ctx.warn("App %s has not been deployed" % app)
    return True


@command("ps:restart", kind="write")
def cmd_ps_restart(ctx, args):
    app = _app_for(ctx, "ps:restart", args)
    if _not_deployed(ctx, app):
        return
    deploy(ctx, app)


@command("ps:start", kind="write")
def cmd_ps_start(ctx, args):
    app = _app_for(ctx, "ps:start", args)
    if _not_deployed(ctx, app):
        return
    if _running(ctx, app) == "true":
        ctx.warn("App %s already running" % app)
        return
    ctx.warn("App has been detected as not running, releasing")
    deploy(ctx, app)


@command("ps:stop", kind="write")
def cmd_ps_stop(ctx, args):
    app = _app_for(ctx, "ps:stop", args)
    if _not_deployed(ctx, app):
        return
    ctx.info1_quiet("Stopping %s" % app)
    write_file(_stopped_marker(ctx, app), "1\n")
    prop_set(ctx, "ps", app, "restore", "false")


@command("ps:rebuild", kind="write")
def cmd_ps_rebuild(ctx, args):
    """Rebuilds from the app's repository (the git plugin's ``receive-app`` trigger)."""
    app = _app_for(ctx, "ps:rebuild", args)
    if not app_deployed(ctx, app):
        not_implemented(ctx, "ps:rebuild of an app that was never deployed")
    fire(ctx, "receive-app", app)


def _property_args(ctx, name, args):
    """``PLUGIN:set [--global|APP] PROPERTY [VALUE]`` -> (scope, property, value)."""
    values, positional, _extra, _seen = GoFlags(
        name, {"global": ("bool", False, "set a global property")}
    ).parse(ctx, args)
    if values["global"]:
        positional = ["--global"] + positional
    return tuple(_positional(positional, i) for i in range(3))


def property_set(ctx, plugin, scope, name, value, valid, valid_global):
    """Go ``common.CommandPropertySet``."""
    if scope != "--global":
        verify_app(ctx, scope)
    elif name not in valid_global:
        ctx.fail("Property cannot be specified globally")
    if not name:
        ctx.fail("No property specified")
    if name not in valid:
        ctx.fail("Invalid property specified, valid properties include: %s" % ", ".join(sorted(valid)))
    if value:
        ctx.info2_quiet("Setting %s to %s" % (name, value))
    else:
        ctx.info2_quiet("Unsetting %s" % name)
    prop_set(ctx, plugin, scope, name, value)


@command("ps:set", kind="write")
def cmd_ps_set(ctx, args):
    scope, name, value = _property_args(ctx, "ps:set", args)
    if name == "restart-policy" and value and not _RESTART_POLICY_RE.match(value):
        ctx.fail("Invalid restart-policy specified")
    property_set(ctx, "ps", scope, name, value, PS_PROPERTIES, PS_GLOBAL_PROPERTIES)


# ---------------------------------------------------------------------------
# proxy
# ---------------------------------------------------------------------------
PROXY_PROPERTIES = ("proxy-port", "proxy-ssl-port", "type")


def _proxy_prop(ctx, scope, name):
    return prop_get(ctx, "proxy", scope, name)


def _proxy_disabled(ctx, app):
    return _proxy_prop(ctx, app, "disabled") == "true"


def _proxy_global_rows(ctx):
    return {
        "--proxy-computed-proxy-port": _proxy_prop(ctx, "--global", "proxy-port"),
        "--proxy-computed-proxy-ssl-port": _proxy_prop(ctx, "--global", "proxy-ssl-port"),
        "--proxy-computed-type": _proxy_prop(ctx, "--global", "type") or "nginx",
        "--proxy-global-proxy-port": _proxy_prop(ctx, "--global", "proxy-port"),
        "--proxy-global-proxy-ssl-port": _proxy_prop(ctx, "--global", "proxy-ssl-port"),
        "--proxy-global-type": _proxy_prop(ctx, "--global", "type"),
    }


def _proxy_rows(ctx, app):
    disabled = _proxy_disabled(ctx, app)
    rows = _proxy_global_rows(ctx)
    rows.update({
        "--proxy-computed-disabled": "true" if disabled else "false",
        "--proxy-computed-proxy-port": computed_proxy_port(ctx, app),
        "--proxy-computed-proxy-ssl-port": computed_proxy_port(ctx, app, "proxy-ssl-port"),
        "--proxy-computed-type": _proxy_prop(ctx, app, "type") or _proxy_prop(ctx, "--global", "type") or "nginx",
        "--proxy-disabled": _proxy_prop(ctx, app, "disabled"),
        "--proxy-enabled": "false" if disabled else "true",
        "--proxy-proxy-port": _proxy_prop(ctx, app, "proxy-port"),
        "--proxy-proxy-ssl-port": _proxy_prop(ctx, app, "proxy-ssl-port"),
        "--proxy-type": _proxy_prop(ctx, app, "type"),
    })
    return rows


@command("proxy:report")
def cmd_proxy_report(ctx, args):
    go_report(ctx, args, "proxy:report", "proxy",
              app_rows=lambda app: _proxy_rows(ctx, app),
              global_rows=lambda: _proxy_global_rows(ctx),
              json_strip="proxy-", legacy_prefix=True)


@command("proxy:set", kind="write")
def cmd_proxy_set(ctx, args):
    """``proxy:set APP|--global [TYPE]`` (no type unsets it, proxy-ps.json steps 10-15).

    The double also takes ``proxy:set APP PROPERTY VALUE`` for the proxy ports (not Dokku 0.38's syntax).
    """
    scope, name, value = _property_args(ctx, "proxy:set", args)
    if not (name in PROXY_PROPERTIES and value):
        name, value = "type", name
    if name == "type" and ":" in value:
        ctx.warn("Detected potential port mapping instead of proxy type")
        ctx.fail("Consider using ports:set command or specifying a valid proxy")
    property_set(ctx, "proxy", scope, name, value, PROXY_PROPERTIES, PROXY_PROPERTIES)


def _toggle_proxy(ctx, args, name, disable):
    """The proxy's rebuild when its type is nginx (proxy-ps.json steps 7-9).

    Fitted to the transcript: disabling drops the app's proxy ports with its nginx.conf, and
    enabling an app without a proxy port gives it port 80 (no "random port" line follows).
    """
    app = _app_for(ctx, name, args)
    if _proxy_disabled(ctx, app) == disable:
        ctx.info1("Proxy is already %s for app" % ("disable" if disable else "enabled"))
        return
    ctx.info1("%s proxy for app" % ("Disabling" if disable else "Enabling"))
    prop_set(ctx, "proxy", app, "disabled", "true" if disable else "")
    if _computed_type(ctx, app) == "nginx":
        if disable:
            prop_set(ctx, "proxy", app, "proxy-port", "")
            prop_set(ctx, "proxy", app, "proxy-ssl-port", "")
        elif not computed_proxy_port(ctx, app):
            prop_set(ctx, "proxy", app, "proxy-port", "80")
        vhosts.nginx_build(ctx, app)
    _not_deployed(ctx, app)


def _computed_type(ctx, app):
    return _proxy_prop(ctx, app, "type") or _proxy_prop(ctx, "--global", "type") or "nginx"


@command("proxy:build-config", kind="write")
def cmd_proxy_build_config(ctx, args):
    """The nginx rebuild (nginx.json steps 21 and 40).

    Reconstructed for the other proxy types: their ``proxy-build-config`` triggers configure
    containers by labels at deploy time and print nothing here (no transcript), rc 0.
    """
    app = _app_for(ctx, "proxy:build-config", args)
    if _computed_type(ctx, app) == "nginx":
        vhosts.nginx_build(ctx, app)


@command("proxy:disable", kind="write")
def cmd_proxy_disable(ctx, args):
    _toggle_proxy(ctx, args, "proxy:disable", True)


@command("proxy:enable", kind="write")
def cmd_proxy_enable(ctx, args):
    _toggle_proxy(ctx, args, "proxy:enable", False)
