"""Core of the Dokku test double: context, output helpers, state paths, registry.

The double is a *test fixture* that imitates the ``dokku`` CLI of Dokku 0.38.27
(following the project's CLI contract, shared notes that are not part of this
repository).  It keeps its state in files laid out like real Dokku
(``DOKKU_ROOT`` defaults to ``/home/dokku``, ``DOKKU_LIB_ROOT`` to
``/var/lib/dokku``), so tests and testinfra read the same files they would
read on a real host.  It is never shipped with the collection.
"""

import json
import os
import re
import shutil
from collections import defaultdict

DEFAULT_VERSION = "0.38.27"

# Messages shared by several commands.
NO_APPS = " !     You haven't deployed any applications yet"
APP_NAME_RULE = (
    "App name must begin with lowercase alphanumeric character, and may only "
    "contain lowercase alphanumerics, dots, and hyphens"
)
NEW_APP_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
OLD_APP_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class DokkuExit(Exception):
    """Stop the command with an exit code (output already written to ctx)."""

    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


class Ctx:
    """One invocation of the double: parsed global flags, paths and output buffers."""

    def __init__(self, env=None, stdin_data=None, stdin_is_pipe=True):
        self.env = dict(os.environ if env is None else env)
        self.root = self.env.get("DOKKU_ROOT", "/home/dokku")
        self.lib = self.env.get("DOKKU_LIB_ROOT") or self.env.get("DOKKU_LIB_PATH") or "/var/lib/dokku"
        self.quiet = False
        self.force = False
        self.trace = False
        self.app_flag = None
        self.global_flags = []
        self.stdin_data = stdin_data
        self.stdin_is_pipe = stdin_is_pipe
        self._out = []
        self._err = []

    # ------------------------------------------------------------------ output
    @property
    def stdout(self):
        return "".join(self._out)

    @property
    def stderr(self):
        return "".join(self._err)

    def out(self, text="", nl=True):
        self._out.append(text + ("\n" if nl else ""))

    def err(self, text="", nl=True):
        self._err.append(text + ("\n" if nl else ""))

    def info1(self, msg):
        """``-----> msg`` on stdout (not suppressed by --quiet)."""
        self.out("-----> " + msg)

    def info1_quiet(self, msg):
        if not self.quiet:
            self.out("-----> " + msg)

    def info2(self, msg):
        self.out("=====> " + msg)

    def info2_quiet(self, msg):
        if not self.quiet:
            self.out("=====> " + msg)

    def verbose(self, msg):
        self.out("       " + msg)

    def verbose_quiet(self, msg):
        if not self.quiet:
            self.out("       " + msg)

    def quiet_out(self, msg):
        """Go ``LogQuiet``: raw line on stdout, hidden by --quiet."""
        if not self.quiet:
            self.out(msg)

    def warn(self, msg):
        self.err(" !     " + msg)

    def fail(self, msg, rc=1):
        self.err(" !     " + msg)
        raise DokkuExit(rc)

    # ------------------------------------------------------------------- paths
    def home(self, *parts):
        return os.path.join(self.root, *parts)

    def libpath(self, *parts):
        return os.path.join(self.lib, *parts)

    def double_path(self, *parts):
        """Files that belong to the double itself (call log, faults, crontab)."""
        base = self.env.get("DOKKU_DOUBLE_DIR") or self.libpath(".double")
        return os.path.join(base, *parts)

    # --------------------------------------------------------------- the stdin
    def read_stdin_line(self):
        """bash ``read -r`` on stdin: None when it would fail (EOF without newline)."""
        data = self.stdin_data or ""
        if "\n" not in data:
            return None
        return data.split("\n", 1)[0]


def not_implemented(ctx, what):
    """Anything the double does not model fails loudly (contract §17)."""
    ctx.fail("Not implemented in test double: %s" % what)


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def read_file(path, default=None):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return default


def write_file(path, content, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp-double"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(content)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def remove_path(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


def libpath_glob(ctx, *parts):
    """Existing paths under DOKKU_LIB_ROOT matching a glob (``*`` per segment)."""
    import glob  # pylint: disable=import-outside-toplevel

    return sorted(glob.glob(ctx.libpath(*parts)))


def read_lines(path):
    content = read_file(path)
    if content is None:
        return []
    return [line for line in content.split("\n") if line != ""]


def write_lines(path, lines):
    write_file(path, "".join(line + "\n" for line in lines))


# ---------------------------------------------------------------------------
# Properties: /var/lib/dokku/config/<plugin>/<APP|--global>/<property>
# ---------------------------------------------------------------------------
def prop_path(ctx, plugin, scope, name):
    return ctx.libpath("config", plugin, scope, name)


def prop_get(ctx, plugin, scope, name, default=""):
    value = read_file(prop_path(ctx, plugin, scope, name))
    if value is None:
        return default
    return value.rstrip("\n")


def prop_set(ctx, plugin, scope, name, value):
    if value in (None, ""):
        remove_path(prop_path(ctx, plugin, scope, name))
    else:
        write_file(prop_path(ctx, plugin, scope, name), str(value) + "\n")


# ---------------------------------------------------------------------------
# Apps
# ---------------------------------------------------------------------------
def is_app_dir_name(name):
    return bool(name) and not name.startswith(".") and not name[0].isupper()


def list_apps(ctx):
    try:
        entries = os.listdir(ctx.root)
    except FileNotFoundError:
        return []
    return sorted(
        name for name in entries if is_app_dir_name(name) and os.path.isdir(ctx.home(name))
    )


def app_exists(ctx, app):
    return bool(app) and is_app_dir_name(app) and os.path.isdir(ctx.home(app))


def verify_app(ctx, app):
    """Bash ``verify_app_name`` / Go ``VerifyAppName``."""
    if not app:
        ctx.fail("Please specify an app to run the command on")
    if not OLD_APP_RE.match(app):
        ctx.fail(APP_NAME_RULE)
    if not app_exists(ctx, app):
        ctx.fail("App %s does not exist" % app, rc=20)
    return app


def app_deployed(ctx, app):
    """The double's deploy marker (apps are never deployed unless a test or git:* says so)."""
    return os.path.exists(ctx.libpath("data", "ps", app, "deployed"))


# ---------------------------------------------------------------------------
# Plugins: which ones are enabled decides which commands exist.
# ---------------------------------------------------------------------------
CORE_PLUGINS = [
    ("00_dokku-standard", "0.38.27", "dokku core standard plugin"),
    ("20_events", "0.38.27", "dokku core events logging plugin"),
    ("app-json", "0.38.27", "dokku core app-json plugin"),
    ("apps", "0.38.27", "dokku core apps plugin"),
    ("builder", "0.38.27", "dokku core builder plugin"),
    ("builder-dockerfile", "0.38.27", "dokku core builder-dockerfile plugin"),
    ("builder-herokuish", "0.38.27", "dokku core builder-herokuish plugin"),
    ("builder-lambda", "0.38.27", "dokku core builder-lambda plugin"),
    ("builder-nixpacks", "0.38.27", "dokku core builder-nixpacks plugin"),
    ("builder-null", "0.38.27", "dokku core builder-null plugin"),
    ("builder-pack", "0.38.27", "dokku core builder-pack plugin"),
    ("builder-railpack", "0.38.27", "dokku core builder-railpack plugin"),
    ("buildpacks", "0.38.27", "dokku core buildpacks plugin"),
    ("builds", "0.34.0", "dokku core builds plugin"),
    ("caddy-vhosts", "0.38.27", "dokku core caddy-vhosts plugin"),
    ("certs", "0.38.27", "dokku core certificate management plugin"),
    ("checks", "0.38.27", "dokku core checks plugin"),
    ("common", "0.38.27", "dokku core common plugin"),
    ("config", "0.38.27", "dokku core config plugin"),
    ("cron", "0.38.27", "dokku core cron plugin"),
    ("docker-options", "0.38.27", "dokku core docker-options plugin"),
    ("domains", "0.38.27", "dokku core domains plugin"),
    ("enter", "0.38.27", "dokku core enter plugin"),
    ("git", "0.38.27", "dokku core git plugin"),
    ("haproxy-vhosts", "0.38.27", "dokku core haproxy-vhosts plugin"),
    ("logs", "0.38.27", "dokku core logs plugin"),
    ("network", "0.38.27", "dokku core network plugin"),
    ("nginx-vhosts", "0.38.27", "dokku core nginx-vhosts plugin"),
    ("openresty-vhosts", "0.38.27", "dokku core openresty-vhosts plugin"),
    ("plugin", "0.38.27", "dokku core plugin plugin"),
    ("ports", "0.38.27", "dokku core ports plugin"),
    ("proxy", "0.38.27", "dokku core proxy plugin"),
    ("ps", "0.38.27", "dokku core ps plugin"),
    ("registry", "0.38.27", "dokku core registry plugin"),
    ("repo", "0.38.27", "dokku core repo plugin"),
    ("resource", "0.38.27", "dokku core resource plugin"),
    ("run", "0.38.27", "dokku core run plugin"),
    ("scheduler", "0.38.27", "dokku core scheduler plugin"),
    ("scheduler-docker-local", "0.38.27", "dokku core scheduler-docker-local plugin"),
    ("scheduler-null", "0.38.27", "dokku core scheduler-null plugin"),
    ("shell", "0.38.27", "dokku core shell plugin"),
    ("ssh-keys", "0.38.27", "dokku core ssh-keys plugin"),
    ("storage", "0.38.27", "dokku core storage plugin"),
    ("trace", "0.38.27", "dokku core trace plugin"),
    ("traefik-vhosts", "0.38.27", "dokku core traefik-vhosts plugin"),
]
CORE_PLUGIN_NAMES = frozenset(name for name, _v, _d in CORE_PLUGINS)


def plugin_dir(ctx, name):
    return ctx.libpath("plugins", "available", name)


def write_plugin(ctx, name, version, description, source_url="", committish="", branch="",
                 ref="", enabled=True):
    """Lay out a non-core plugin the way the double reads it back.

    ``plugins/available/NAME/plugin.toml`` (version, description),
    ``plugins/available/NAME/.double-git.json`` (source_url, committish sha, branch),
    ``.plugin_committish`` (the pinned ref, as plugn writes it) and the
    ``plugins/enabled/NAME`` symlink.
    """
    base = plugin_dir(ctx, name)
    os.makedirs(base, exist_ok=True)
    write_file(
        os.path.join(base, "plugin.toml"),
        '[plugin]\ndescription = "%s"\nversion = "%s"\n' % (description, version),
    )
    write_file(
        os.path.join(base, ".double-git.json"),
        json.dumps({"source_url": source_url, "committish": committish, "branch": branch}),
    )
    if ref:
        write_file(os.path.join(base, ".plugin_committish"), ref + "\n")
    else:
        remove_path(os.path.join(base, ".plugin_committish"))
    set_plugin_enabled(ctx, name, enabled)


def set_plugin_enabled(ctx, name, enabled):
    link = ctx.libpath("plugins", "enabled", name)
    if enabled:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(os.path.join("..", "available", name), link)
    else:
        remove_path(link)


def plugin_enabled(ctx, name):
    if name in CORE_PLUGIN_NAMES:
        return True
    return os.path.isdir(ctx.libpath("plugins", "enabled", name))


# ---------------------------------------------------------------------------
# Command registry and triggers
# ---------------------------------------------------------------------------
class Command:
    def __init__(self, name, func, kind, plugin, root_only):
        self.name = name
        self.func = func
        self._kind = kind
        self.plugin = plugin
        self.root_only = root_only

    def kind(self, args):
        """'read' or 'write' for the call log and fault injection."""
        if callable(self._kind):
            return self._kind(args)
        return self._kind


COMMANDS = {}
TRIGGERS = defaultdict(list)


def command(name, kind="read", plugin=None, root_only=False, aliases=()):
    """Register a handler ``func(ctx, args)``; ``plugin`` gates availability."""

    def decorator(func):
        owner = plugin or name.split(":", 1)[0]
        for alias in (name,) + tuple(aliases):
            COMMANDS[alias] = Command(alias, func, kind, owner, root_only)
        return func

    return decorator


def reads_stdin(when=True):
    """Mark a handler that consumes stdin; ``when(args)`` may limit it to some calls.

    stdin is only read for such calls, so a caller that leaves an open pipe on
    stdin never blocks a command that does not read it.
    """

    def decorator(func):
        func.reads_stdin = when
        return func

    return decorator


def trigger(name):
    """Register a hook ``func(ctx, *args)`` run by :func:`fire`."""

    def decorator(func):
        TRIGGERS[name].append(func)
        return func

    return decorator


def fire(ctx, name, *args):
    for func in TRIGGERS[name]:
        func(ctx, *args)


# ---------------------------------------------------------------------------
# Go-style helpers (pflag parsing, report rendering, JSON encoding)
# ---------------------------------------------------------------------------
def go_json(value):
    """``encoding/json`` output: compact, HTML-escaped, UTF-8 kept."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class GoFlags:
    """A tiny ``spf13/pflag`` imitation for Go subcommands.

    ``spec`` maps long flag names (without ``--``) to ``(kind, default, usage)``
    where kind is ``bool`` or ``string``.  Unknown flags exit 2 with pflag's text.
    """

    def __init__(self, command_name, spec=None, passthrough_prefixes=()):
        self.command_name = command_name
        self.spec = spec or {}
        self.passthrough_prefixes = passthrough_prefixes

    def usage(self):
        lines = []
        rows = []
        for name in sorted(self.spec):
            kind, default, usage = self.spec[name]
            left = "      --%s" % name + (" string" if kind == "string" else "")
            right = usage
            if kind == "string" and default:
                right += ' (default "%s")' % default
            rows.append((left, right))
        width = max((len(left) for left, _r in rows), default=0)
        for left, right in rows:
            lines.append(left.ljust(width) + "   " + right)
        return "".join(line + "\n" for line in lines)

    def _unknown(self, ctx, text):
        ctx.err("Usage of %s:" % self.command_name)
        ctx.err(self.usage(), nl=False)
        ctx.err(text)
        raise DokkuExit(2)

    def parse(self, ctx, args):
        values = {name: spec[1] for name, spec in self.spec.items()}
        seen = set()
        positionals = []
        extra_flags = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                positionals.extend(args[i + 1:])
                break
            if arg.startswith("--") and len(arg) > 2:
                name, eq, inline = arg[2:].partition("=")
                if name in self.spec:
                    kind = self.spec[name][0]
                    if kind == "bool":
                        values[name] = (inline.lower() != "false") if eq else True
                    elif eq:
                        values[name] = inline
                    else:
                        i += 1
                        if i >= len(args):
                            self._unknown(ctx, "flag needs an argument: --%s" % name)
                        values[name] = args[i]
                    seen.add(name)
                elif any(name.startswith(prefix) for prefix in self.passthrough_prefixes):
                    extra_flags.append(arg)
                else:
                    self._unknown(ctx, "unknown flag: --%s" % name)
            elif arg.startswith("-") and len(arg) > 1:
                self._unknown(ctx, "unknown shorthand flag: '%s' in %s" % (arg[1], arg))
            else:
                positionals.append(arg)
            i += 1
        return values, positionals, extra_flags, seen


def report_key(flag, uppercase=True):
    """``--app-created-at`` -> ``App created at`` (``UppercaseFirstCharacter`` off: ``app created at``)."""
    text = flag[2:].replace("-", " ").replace(".", " ")
    return text[:1].upper() + text[1:] if uppercase else text


def render_go_report(ctx, subject, report_type, rows, uppercase=True):
    """Go renderer: header then rows sorted by flag, key padded to max(31, longest flag)."""
    flags = sorted(rows)
    width = max([31] + [len(flag) for flag in flags])
    ctx.info2_quiet("%s %s information" % (subject, report_type))
    for flag in flags:
        ctx.out("       " + (report_key(flag, uppercase) + ":").ljust(width) + rows[flag])


def go_report(ctx, args, command_name, report_type, app_rows, global_rows=None,
              legacy_prefix=None, json_strip=None, all_apps_cost=None, uppercase=True):
    """Shared ``PLUGIN:report [APP|--global] [--format stdout|json] [--FLAG]``.

    ``app_rows(app)`` returns ``{"--flag": value}``; ``global_rows()`` the global
    subset.  ``json_strip`` is the prefix removed for JSON keys ("app-" etc.);
    ``legacy_prefix`` keeps the prefixed keys too (apps, ps, ports, proxy).
    """
    fmt = "stdout"
    info_flags = []
    subjects = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--format":
            i += 1
            fmt = args[i] if i < len(args) else ""
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
        elif arg == "--global":
            subjects.append("--global")
        elif arg.startswith("--"):
            info_flags.append(arg)
        else:
            subjects.append(arg)
        i += 1
    if fmt not in ("stdout", "json"):
        ctx.fail('Format must be "stdout" or "json": "%s"' % fmt)

    def rows_for(subject):
        if subject == "--global":
            return global_rows() if global_rows else {}
        return app_rows(subject)

    if subjects:
        subject = subjects[0]
        if subject != "--global":
            verify_app(ctx, subject)
        targets = [subject]
    else:
        targets = list_apps(ctx)
        if not targets:
            ctx.err(NO_APPS)
            return

    if info_flags:
        if len(info_flags) > 1:
            return  # Go quirk: the parse error is swallowed, exit 0, no output
        if fmt == "json":
            ctx.fail("--format flag cannot be specified when specifying an info flag")
        rows = rows_for(targets[0])
        if info_flags[0] not in rows:
            ctx.fail("Invalid flag passed, valid flags: " + ", ".join(sorted(rows)))
        ctx.out(rows[info_flags[0]])
        return

    for subject in targets:
        rows = rows_for(subject)
        if fmt == "json":
            data = {}
            for flag, value in rows.items():
                key = flag[2:]
                if json_strip and key.startswith(json_strip):
                    data[key[len(json_strip):]] = value
                    if legacy_prefix:
                        data[key] = value
                else:
                    data[key] = value
            ctx.out(go_json(dict(sorted(data.items()))))
        else:
            render_go_report(ctx, subject, report_type, rows, uppercase)
