"""The ``config`` plugin (Go in Dokku 0.38): app and global environment variables.

Storage is ``envfile`` (godotenv 1.5.1 with its quirks).  ``set_many`` and
``unset_many`` are the plugin's ``SetMany``/``UnsetMany`` and may be used by
other families that change config vars (service links).
"""

import json
import re

from .. import envfile
from ..core import (
    DokkuExit,
    GoFlags,
    app_deployed,
    command,
    fire,
    go_json,
    prop_get,
    read_file,
    reads_stdin,
    verify_app,
)

GLOBAL = "--global"
_GLOBAL_FLAG = {"global": ("bool", False, "--global: use the global environment")}
_MERGED_FLAG = {"merged": ("bool", False, "--merged: merge app environment and global environment")}
_NO_RESTART_FLAG = {"no-restart": ("bool", False, "--no-restart: no restart")}
EXPORT_FORMATS = (
    "exports", "envfile", "docker-args", "docker-args-keys", "pack-keys", "shell", "pretty", "json", "json-list",
)
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_KEY_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


# ---------------------------------------------------------------------------
# Arguments and loading
# ---------------------------------------------------------------------------
def parse(ctx, name, args, spec):
    """Go flags, then the scope (APP or --global) and the remaining positionals."""
    flags = dict(_GLOBAL_FLAG)
    flags.update(spec)
    values, positional, _extra, _seen = GoFlags(name, flags).parse(ctx, args)
    if values["global"]:
        return values, GLOBAL, positional
    app = positional[0] if positional else ""
    verify_app(ctx, app)
    return values, app, positional[1:]


def load_env(ctx, scope, merged=False):
    env = envfile.load_or_fail(ctx, scope)
    if merged and scope != GLOBAL:
        combined = envfile.load_or_fail(ctx, GLOBAL)
        combined.update(env)
        return combined
    return env


def _validate_keys(ctx, keys):
    for key in keys:
        if not _KEY_RE.match(key):
            ctx.fail("Invalid key name: '%s'" % key)


def _no_trailing(ctx, rest):
    if rest:
        ctx.fail("Trailing argument(s): [%s]" % " ".join(rest))


def _restart(ctx, scope, restart):
    """``Restarting app`` only for a deployed app whose ps ``restore`` is not false."""
    if scope == GLOBAL or not restart or not app_deployed(ctx, scope):
        return
    if prop_get(ctx, "ps", scope, "restore") == "false":
        return
    ctx.info1("Restarting app %s" % scope)
    fire(ctx, "app-restart", scope)


def set_many(ctx, scope, entries, restart):
    """``SetMany``: validate keys, print the block, store (integers normalised), restart."""
    env = envfile.load_or_fail(ctx, scope)
    _validate_keys(ctx, entries)
    if entries:
        envfile.print_setting(ctx, entries)
        env.update(entries)
        envfile.save(ctx, scope, env)
    _restart(ctx, scope, restart)


def unset_many(ctx, scope, keys, restart):
    """``UnsetMany``: one line per key; the restart happens even when nothing changed."""
    env = envfile.load_or_fail(ctx, scope)
    _validate_keys(ctx, keys)
    changed = False
    for key in keys:
        if key in env:
            ctx.info1_quiet("Unsetting %s" % key)
            del env[key]
            changed = True
        else:
            ctx.info1_quiet("Skipping %s, it is not set in the environment" % key)
    if changed:
        envfile.save(ctx, scope, env)
    _restart(ctx, scope, restart)


# ---------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------
def single_quote(value):
    return "'" + value.replace("'", "'\\''") + "'"


def pretty(env):
    """columnize with ``KEY:`` padded to the longest, then two spaces (no indent)."""
    if not env:
        return ""
    width = max(len(key) + 1 for key in env)
    return "\n".join((key + ":").ljust(width) + "  " + env[key] for key in sorted(env))


def export(env, fmt):
    keys = sorted(env)
    if fmt == "exports":
        return "\n".join("export %s=%s" % (k, single_quote(env[k])) for k in keys) + "\n"
    if fmt == "envfile":
        return envfile.marshal(env)
    if fmt == "docker-args":
        return " ".join("--env=%s=%s" % (k, single_quote(env[k])) for k in keys) + "\n"
    if fmt == "docker-args-keys":
        return " ".join("--env=%s" % k for k in keys) + "\n"
    if fmt == "pack-keys":
        return " ".join("--env %s" % k for k in keys) + "\n"
    if fmt == "shell":
        return " ".join("%s=%s" % (k, single_quote(env[k])) for k in keys) + " "
    if fmt == "pretty":
        return pretty(env) + "\n"
    if fmt == "json":
        return go_json(dict((k, env[k]) for k in keys)) + "\n"
    # json-list: a nil slice when empty
    items = [{"name": k, "value": env[k]} for k in keys]
    return (go_json(items) if items else "null") + "\n"


class CorruptInputError(Exception):
    """Go's ``base64.CorruptInputError``."""

    def __init__(self, offset):
        super().__init__("illegal base64 data at input byte %d" % offset)


def _skip_newlines(src, si):
    while si < len(src) and src[si] in b"\r\n":
        si += 1
    return si


def go_base64_decode(text):
    """``base64.StdEncoding.DecodeString`` (Go's ``decodeQuantum``, its error offsets included)."""
    src = text.encode("utf-8", "surrogateescape")
    out = bytearray()
    si = 0
    while si < len(src):
        quantum = []
        while len(quantum) < 4:
            if si == len(src):
                if not quantum:
                    return bytes(out)
                raise CorruptInputError(si - len(quantum))
            char = src[si]
            si += 1
            if char in b"\r\n":
                continue
            if char != ord("="):
                if chr(char) not in _B64:
                    raise CorruptInputError(si - 1)
                quantum.append(_B64.index(chr(char)))
                continue
            # padding: only after two or three digits, "==" after two
            if len(quantum) < 2:
                raise CorruptInputError(si - 1)
            if len(quantum) == 2:
                si = _skip_newlines(src, si)
                if si == len(src):
                    raise CorruptInputError(len(src))
                if src[si] != ord("="):
                    raise CorruptInputError(si - 1)
                si += 1
            si = _skip_newlines(src, si)
            if si < len(src):
                raise CorruptInputError(si)
            break
        value = 0
        for digit in quantum + [0] * (4 - len(quantum)):
            value = (value << 6) | digit
        out.extend(value.to_bytes(3, "big")[: len(quantum) - 1])
    return bytes(out)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
@command("config:set", kind="write")
def cmd_set(ctx, args):
    values, scope, pairs = parse(
        ctx, "config:set", args,
        dict(_NO_RESTART_FLAG, encoded=("bool", False, "--encoded: interpret VALUEs as base64")),
    )
    if not pairs:
        ctx.fail("At least one env pair must be given")
    entries = {}
    for pair in pairs:
        if "=" not in pair:
            ctx.fail("Invalid env pair: %s" % pair)
        key, value = pair.split("=", 1)
        if values["encoded"]:
            try:
                value = go_base64_decode(value).decode("utf-8")
            except CorruptInputError as exc:
                ctx.fail("%s for key '%s'" % (exc, key))
            except UnicodeDecodeError:
                ctx.fail("Not implemented in test double: a decoded value that is not UTF-8")
        entries[key] = value
    set_many(ctx, scope, entries, not values["no-restart"])


@command("config:unset", kind="write")
def cmd_unset(ctx, args):
    values, scope, keys = parse(ctx, "config:unset", args, _NO_RESTART_FLAG)
    if not keys:
        ctx.fail("At least one key must be given")
    unset_many(ctx, scope, keys, not values["no-restart"])


@command("config:clear", kind="write")
def cmd_clear(ctx, args):
    # real Dokku prints the Unsetting lines in map order (random); the double sorts them
    values, scope, _rest = parse(ctx, "config:clear", args, _NO_RESTART_FLAG)
    unset_many(ctx, scope, sorted(load_env(ctx, scope)), not values["no-restart"])


@command("config:get")
def cmd_get(ctx, args):
    values, scope, keys = parse(ctx, "config:get", args, {"quoted": ("bool", False, "--quoted: get the value quoted")})
    if len(keys) > 1:
        ctx.fail("Unexpected argument(s): [%s]" % " ".join(keys[1:]))
    if not keys:
        ctx.fail("Expected: key")
    try:
        env = envfile.load(ctx, scope)
    except envfile.EnvParseError:
        env = {}  # Get() treats an unreadable ENV like a missing key
    key = keys[0]
    if not _KEY_RE.match(key) or key not in env:
        raise DokkuExit(1)  # os.Exit(1) without a message
    ctx.out(single_quote(env[key]) if values["quoted"] else env[key])


@command("config:show", aliases=("config",))
def cmd_show(ctx, args):
    values, scope, _rest = parse(
        ctx, "config:show", args,
        {"merged": ("bool", False, "--merged: display the app's environment merged with the global environment")},
    )
    env = load_env(ctx, scope, values["merged"])
    ctx.info2_quiet("%s env vars" % ("global" if scope == GLOBAL else scope))
    ctx.out(pretty(env))


@command("config:keys")
def cmd_keys(ctx, args):
    values, scope, rest = parse(ctx, "config:keys", args, _MERGED_FLAG)
    _no_trailing(ctx, rest)
    for key in sorted(load_env(ctx, scope, values["merged"])):
        ctx.out(key)


@command("config:export")
def cmd_export(ctx, args):
    values, scope, rest = parse(
        ctx, "config:export", args,
        dict(_MERGED_FLAG, format=(
            "string", "exports",
            "--format: [ exports | envfile | docker-args | docker-args-keys | shell | pretty | json "
            "| json-list ] which format to export as)",
        )),
    )
    _no_trailing(ctx, rest)
    env = load_env(ctx, scope, values["merged"])
    if values["format"] not in EXPORT_FORMATS:
        ctx.fail("Unknown export format: %s" % values["format"])
    ctx.out(export(env, values["format"]), nl=False)


@command("config:bundle")
def cmd_bundle(ctx, _args):
    ctx.fail("Not implemented in test double: config:bundle (a tar stream)")


def _import_source(ctx, source):
    if source == "-":
        return ctx.stdin_data or ""
    content = read_file(source)
    if content is None:
        ctx.fail("open %s: no such file or directory" % source)
    return content


def _parse_import(ctx, fmt, text):
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError:
            ctx.fail("Not implemented in test double: the Go error text for invalid JSON input")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            ctx.fail("Not implemented in test double: JSON input that is not an object of strings")
        return data
    try:
        return envfile.parse(text)
    except envfile.EnvParseError as exc:
        ctx.fail(str(exc))
    return {}  # not reached


@command("config:import", kind="write")
@reads_stdin(lambda args: "-" in args)
def cmd_import(ctx, args):
    values, scope, rest = parse(
        ctx, "config:import", args,
        dict(
            _NO_RESTART_FLAG,
            replace=("bool", False, "--replace: unset the keys that are not in the input"),
            format=("string", "envfile", "--format: [ envfile | json ] the format of the input"),
        ),
    )
    if values["format"] not in ("envfile", "json"):
        ctx.fail("Not implemented in test double: import format %s" % values["format"])
    if len(rest) != 1:
        ctx.fail("Not implemented in test double: config:import needs exactly one FILE or -")
    source = rest[0]
    ctx.info1_quiet("Reading config vars from %s" % ("stdin" if source == "-" else source))
    entries = _parse_import(ctx, values["format"], _import_source(ctx, source))
    env = envfile.load_or_fail(ctx, scope)
    _validate_keys(ctx, entries)
    if values["replace"]:
        unset_many(ctx, scope, sorted(key for key in env if key not in entries), restart=False)
    for key in sorted(entries):
        ctx.info1_quiet("Setting config var %s=%s" % (key, entries[key]))
    set_many(ctx, scope, entries, not values["no-restart"])
