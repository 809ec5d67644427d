"""Entry point of the double: global flags, dispatch, call log, latency, faults."""

import fcntl
import importlib
import json
import os
import stat
import sys
import time
import types

from . import core
from .core import COMMANDS, Ctx, DokkuExit

_LATENCY_CACHE = {}
_BUILTIN_LATENCY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "latency.json")


def _stdin_is_pipe():
    try:
        return stat.S_ISFIFO(os.fstat(0).st_mode)
    except OSError:
        return False


def _stdin_is_file():
    try:
        return stat.S_ISREG(os.fstat(0).st_mode)
    except OSError:
        return False


def _read_stdin():
    try:
        data = sys.stdin.buffer.read()
    except (OSError, ValueError):
        return ""
    return data.decode("utf-8", "surrogateescape")


def split_global_flags(argv):
    """Leading ``--quiet``/``--trace``/``--force``/``--app X``; the rest is the command."""
    flags = {"quiet": False, "trace": False, "force": False, "app": None}
    args = list(argv)
    while args and args[0].startswith("-"):
        head = args[0]
        if head == "--quiet":
            flags["quiet"] = True
        elif head == "--trace":
            flags["trace"] = True
        elif head == "--force":
            flags["force"] = True
        elif head == "--app" and len(args) > 1:
            flags["app"] = args[1]
            args.pop(0)
        elif head in ("-v", "--version", "-h", "--help"):
            break
        else:
            break
        args.pop(0)
    # parse_args scans every argument, not only the leading ones (contract §1.1)
    for arg in args:
        if arg == "--quiet":
            flags["quiet"] = True
        elif arg == "--force":
            flags["force"] = True
        elif arg == "--trace":
            flags["trace"] = True
    return flags, args


# Importing a family registers its commands (and triggers).  Every call's start-up counts towards
# its modelled latency, and importing every family costs more than a cheap read on real Dokku, so a
# read imports only the module of its family (a read fires no trigger); anything else imports all.
_FAMILY_MODULES = {
    "version": "apps",
    "apps": "apps",
    "config": "families.config",
    "domains": "families.domains",
    "ports": "families.ports",
    "ps": "families.ports",
    "proxy": "families.ports",
    "git": "families.git",
    "letsencrypt": "families.letsencrypt",
    "ssh-keys": "families.ssh_keys",
    "plugin": "families.plugins",
    "postgres": "families.postgres",
    "buildpacks": "families.buildpacks",
    "checks": "families.checks",
    "certs": "families.certs",
    "http-auth": "families.community",
    "maintenance": "families.community",
    "mysql": "families.postgres",
    "mariadb": "families.postgres",
    "redis": "families.postgres",
    "mongo": "families.postgres",
    "storage": "families.storage",
    "docker-options": "families.docker_options",
    "resource": "families.resource",
    "network": "families.network",
    "registry": "families.properties",
    "nginx": "families.properties",
    "scheduler-k3s": "families.scheduler_k3s",
}
# the plugins whose report and setter only the property table serves
_FAMILY_MODULES.update((name, "families.properties") for name in (
    "app-json", "builder", "builder-dockerfile", "builder-herokuish", "builder-lambda", "builder-nixpacks",
    "builder-pack", "builder-railpack", "caddy", "cron", "haproxy", "logs", "openresty", "scheduler",
    "scheduler-docker-local", "traefik"))
_ALL_LOADED = []


def _families_package():
    """``dokku_double.families`` as a package whose ``__init__`` (importing every family) runs on demand.

    Built by hand rather than with ``importlib.util``, whose import alone costs a few milliseconds.
    """
    name = __package__ + ".families"
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__file__ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "families", "__init__.py")
        package.__path__ = [os.path.dirname(package.__file__)]
        package.__package__ = name
        package.init_pending = True
        sys.modules[name] = package
    return sys.modules[name]


def load_all():
    """Every family, as importing the ``families`` package does."""
    if not _ALL_LOADED:
        importlib.import_module(__package__ + ".apps")
        package = _families_package()
        if getattr(package, "init_pending", False):
            package.init_pending = False
            with open(package.__file__, encoding="utf-8") as handle:
                exec(compile(handle.read(), package.__file__, "exec"), package.__dict__)  # pylint: disable=exec-used
        _ALL_LOADED.append(True)


def command_for(name, rest):
    """The registered command ``name``, importing as little as serves a read."""
    module = _FAMILY_MODULES.get(name.split(":", 1)[0])
    if module and not _ALL_LOADED:
        _families_package()
        importlib.import_module("%s.%s" % (__package__, module))
        cmd = COMMANDS.get(name)
        if cmd is not None and cmd.kind(rest) == "read":
            return cmd
    load_all()
    return COMMANDS.get(name)


def _latency_model(ctx):
    source = ctx.env.get("DOKKU_DOUBLE_LATENCY", "")
    if not source:
        return None
    path = _BUILTIN_LATENCY if source in ("1", "builtin") else source
    if path not in _LATENCY_CACHE:
        with open(path, encoding="utf-8") as handle:
            _LATENCY_CACHE[path] = json.load(handle)
    return _LATENCY_CACHE[path]


def latency_ms(model, name, args, app_count):
    """Modelled milliseconds of one call (``app_count()``: the apps on the host).

    ``NAME:global`` is a report of the global scope, ``NAME:single_flag`` a report of one
    app's single flag (``domains:report APP --domains-app-vhosts``); a command run without
    an app that has ``NAME:all_apps_per_app`` (all-app reports, ``letsencrypt:list``) costs
    ``NAME:all_apps_base`` (default: ``NAME``) plus that much per app on the host.
    """
    table = model.get("commands", {})
    default = table.get(name, model.get("default_ms", 60))
    positional = [a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1:i] != ["--format"]]
    flags = [a for a in args if a.startswith("--")]
    if name.endswith(":report"):
        if "--global" in args and name + ":global" in table:
            return table[name + ":global"]
        if positional and flags and "--format" not in flags and name + ":single_flag" in table:
            return table[name + ":single_flag"]
    if not positional and "--global" not in args and name + ":all_apps_per_app" in table:
        base = table.get(name + ":all_apps_base", default)
        return base + table[name + ":all_apps_per_app"] * app_count()
    return default


def _deadline(ctx, name, rest, kind, started):
    """When the call ends under the latency model (None without one).

    A call lasts as long as on real Dokku: the double's own start-up (from the launcher's
    ``DOKKU_DOUBLE_T0``) and its work count towards it, and the sleep comes last, so
    little of the double's own time is left outside the modelled latency.
    """
    model = _latency_model(ctx)
    if not model:
        return None
    scale = float(ctx.env.get("DOKKU_DOUBLE_LATENCY_SCALE", "1"))
    if kind == "write":  # a benchmark may shorten the writes (seconds each) and keep the reads
        scale *= float(ctx.env.get("DOKKU_DOUBLE_LATENCY_WRITE_SCALE", "1"))
    start = float(ctx.env.get("DOKKU_DOUBLE_T0") or started)
    return start + latency_ms(model, name, rest, lambda: len(core.list_apps(ctx))) * scale / 1000.0


def _locked_json_update(path, update):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        data = json.loads(text) if text.strip() else None
        data, result = update(data)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(data))
        return result


def check_faults(ctx, name, kind):
    """Fault rules in ``<double dir>/faults.json`` (see README): fail the Nth matching call."""
    path = ctx.double_path("faults.json")
    if not os.path.exists(path):
        return None

    def update(rules):
        fired = None
        for rule in rules or []:
            on = rule.get("on", "write")
            if on != "any" and on != kind:
                continue
            wanted = rule.get("command")
            if wanted and not (name == wanted or name.startswith(wanted.rstrip("*"))):
                continue
            rule["seen"] = rule.get("seen", 0) + 1
            times = rule.get("times", 1)
            first = rule.get("nth", 1)
            if fired is None and first <= rule["seen"] < first + times:
                fired = dict(rule)
        return rules, fired

    return _locked_json_update(path, update)


def log_call(ctx, argv, name, kind, rc, started, fault):
    entry = {
        "ts": round(started, 6),
        "argv": argv,
        "command": name,
        "kind": kind,
        "rc": rc,
        "ms": round((time.time() - started) * 1000, 1),
    }
    if fault:
        entry["fault"] = True
    if ctx.env.get("DOKKU_DOUBLE_TAG"):
        entry["tag"] = ctx.env["DOKKU_DOUBLE_TAG"]
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = ctx.env.get("DOKKU_DOUBLE_LOG") or ctx.double_path("calls.jsonl")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line)


def run(argv, env=None, stdin_data=None, stdin_is_pipe=True, euid=None):
    """Run one call in-process; returns (rc, stdout, stderr).  Used by main() and tests."""
    started = time.time()
    ctx = Ctx(env=env, stdin_data=stdin_data, stdin_is_pipe=stdin_is_pipe)
    flags, args = split_global_flags(argv)
    ctx.quiet, ctx.trace, ctx.force, ctx.app_flag = flags["quiet"], flags["trace"], flags["force"], flags["app"]
    name = args[0] if args else "help"
    if name in ("-v", "--version"):
        name = "version"
    rest = args[1:]
    cmd = command_for(name, rest)
    if cmd is not None and not core.plugin_enabled(ctx, cmd.plugin):
        cmd = None
    if cmd is None:  # an enabled non-core plugin serves its own commands script
        load_all()
        from .families import plugins  # pylint: disable=import-outside-toplevel

        cmd = plugins.script_command(ctx, name)
    kind = "unknown" if cmd is None else cmd.kind(rest)
    fault = None
    deadline = None
    rc = 0
    if euid is None:
        euid = int(ctx.env.get("DOKKU_DOUBLE_EUID", os.geteuid()))
    try:
        if cmd is None:
            ctx.err(" !     `%s` is not a dokku command." % " ".join(args))
            ctx.err(" !     See `dokku help` for a list of available commands.")
            raise DokkuExit(1)
        deadline = _deadline(ctx, name, rest, kind, started)
        if cmd.root_only and euid != 0:
            ctx.fail("This command must be run as root")
        fault = check_faults(ctx, name, kind)
        if fault:
            if fault.get("hang_seconds"):
                time.sleep(float(fault["hang_seconds"]))
            if fault.get("stdout"):
                ctx.out(fault["stdout"], nl=False)
            ctx.err(fault.get("stderr", " !     injected fault"), nl=False)
            raise DokkuExit(int(fault.get("rc", 1)))
        if ctx.app_flag and cmd.name.split(":", 1)[0] not in ("plugin", "ssh-keys", "version"):
            rest = [ctx.app_flag] + rest
        cmd.func(ctx, rest)
    except DokkuExit as exc:
        rc = exc.rc
    if deadline:
        time.sleep(max(0.0, deadline - time.time()))
    log_call(ctx, list(argv), name, kind, rc, started, bool(fault))
    return rc, ctx.stdout, ctx.stderr


def main():
    argv = sys.argv[1:]
    is_pipe = _stdin_is_pipe()

    # stdin is read only when it is a pipe (like `[[ -p /dev/stdin ]]` in Dokku's bash) or a file
    # redirected in (`dokku postgres:import SVC < dump`); handlers that need a pipe check is_pipe
    stdin_data = _read_stdin() if (is_pipe or _stdin_is_file()) and _needs_stdin(argv) else None
    rc, out, err = run(argv, stdin_data=stdin_data, stdin_is_pipe=is_pipe)
    sys.stdout.write(out)
    sys.stdout.flush()
    sys.stderr.write(err)
    sys.stderr.flush()
    os._exit(rc)  # skip the interpreter's clean-up: nothing is left to do, and it would lengthen every call


def _needs_stdin(argv):
    _flags, args = split_global_flags(argv)
    if not args:
        return False
    cmd = command_for(args[0], args[1:])
    wants = getattr(cmd.func, "reads_stdin", None) if cmd else None
    if wants is None:
        return False
    return bool(wants(args[1:])) if callable(wants) else bool(wants)
