"""The ENV file as Dokku 0.38 stores it: an imitation of joho/godotenv v1.5.1.

``marshal`` mirrors ``godotenv.Marshal`` (sorted keys, integer-looking values
re-formatted by ``strconv.Atoi``, everything else double-quoted and escaped) and
``parse`` mirrors ``godotenv.Unmarshal`` including its quirks, so the double
reproduces the real bug where a value ending in ``"`` comes back damaged and
the next write leaves the file unparseable (contract §18.1).
"""

import re

from .core import read_file, remove_path, write_file

_ATOI_RE = re.compile(r"^[+-]?[0-9]+$")
_ESCAPE_RE = re.compile(r"\\.")
_UNESCAPE_RE = re.compile(r"\\([^$])")
_EXPAND_RE = re.compile(r"(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?")
_EXPORT_RE = re.compile(r"^\s*(?:export\s+)?")
_KEY_RE = re.compile(r"^[A-Za-z0-9_.]+$")


class EnvParseError(Exception):
    pass


def atoi(value):
    """``strconv.Atoi``: returns the int or None (64-bit range)."""
    if not _ATOI_RE.match(value):
        return None
    number = int(value)
    if not -(2 ** 63) <= number < 2 ** 63:
        return None
    return number


def normalise(value):
    """What a value reads back as after one write (integers re-formatted)."""
    number = atoi(value)
    return str(number) if number is not None else value


def _double_quote_escape(value):
    for char in '\\\n\r"!$`':
        if char == "\n":
            replacement = "\\n"
        elif char == "\r":
            replacement = "\\r"
        else:
            replacement = "\\" + char
        value = value.replace(char, replacement)
    return value


def marshal(env):
    """godotenv ``Marshal``: one line per key, the *lines* sorted (``ENC2=`` before ``ENC=``)."""
    lines = []
    for key, value in env.items():
        number = atoi(value)
        if number is not None:
            lines.append("%s=%d" % (key, number))
        else:
            lines.append('%s="%s"' % (key, _double_quote_escape(value)))
    lines.sort()
    return "\n".join(lines) + ("\n" if lines else "")


def _expand_escapes(text):
    def repl(match):
        char = match.group(0)[1:]
        if char == "n":
            return "\n"
        if char == "r":
            return "\r"
        return match.group(0)

    out = _ESCAPE_RE.sub(repl, text)
    return _UNESCAPE_RE.sub(r"\1", out)


def _expand_variables(text, env):
    def repl(match):
        if match.group(1):  # escaped \$
            return match.group(0)[1:]
        name = match.group(4)
        if name is None:
            return match.group(0)
        return env.get(name, "")

    return _EXPAND_RE.sub(repl, text)


def parse(content):
    """``godotenv.Unmarshal`` (v1.5.1 parser) on the whole file."""
    env = {}
    src = content.replace("\r\n", "\n")
    while src:
        src = src.lstrip(" \t\n")
        if not src:
            break
        if src.startswith("#"):
            src = src.split("\n", 1)[1] if "\n" in src else ""
            continue
        src = _EXPORT_RE.sub("", src, count=1)
        end = 0
        while end < len(src) and src[end] not in "=:":
            if src[end] == "\n":
                raise EnvParseError("unexpected character %r in variable name" % "\n")
            end += 1
        if end >= len(src):
            raise EnvParseError("zero length string")
        key = src[:end].strip()
        src = src[end + 1:].lstrip(" \t")
        value, src = _extract_value(src, env)
        env[key] = value
    return env


def _extract_value(src, env):
    if not src or src[0] not in "\"'":
        line, _sep, rest = src.partition("\n")
        # unquoted: trailing inline comment removed, spaces trimmed
        comment = line.find(" #")
        if comment >= 0:
            line = line[:comment]
        value = line.strip()
        return _expand_variables(value, env), rest
    quote = src[0]
    for i in range(1, len(src)):
        if src[i] != quote:
            continue
        if src[i - 1] == "\\":
            continue
        value = src[0:i].rstrip(quote).lstrip(quote)
        if quote == '"':
            value = _expand_variables(_expand_escapes(value), env)
        rest = src[i + 1:]
        rest = rest.split("\n", 1)[1] if "\n" in rest else ""
        return value, rest
    first_line = src.split("\n", 1)[0]
    raise EnvParseError("unterminated quoted value %s" % first_line)


def env_path(ctx, scope):
    """``scope`` is an app name or ``--global``."""
    return ctx.libpath("config", scope, "ENV")


def load(ctx, scope):
    """Read the ENV of an app or ``--global``; raises EnvParseError when damaged."""
    content = read_file(env_path(ctx, scope))
    if content is None:
        return {}
    return parse(content)


def load_or_fail(ctx, scope):
    try:
        return load(ctx, scope)
    except EnvParseError as exc:
        ctx.fail(str(exc))
    return {}  # not reached


def save(ctx, scope, env):
    if env:
        write_file(env_path(ctx, scope), marshal(env))
    else:
        remove_path(env_path(ctx, scope))


def print_setting(ctx, pairs):
    """``config:set``'s block: ``-----> Setting config vars`` and columnized ``KEY:  value``.

    ``pairs`` maps keys to the values as given (before integer normalisation);
    keys are sorted byte-wise and the block is hidden by --quiet.
    """
    if ctx.quiet or not pairs:
        return
    ctx.info1("Setting config vars")
    width = max(len(key) + 1 for key in pairs)
    for key in sorted(pairs):
        ctx.out("       " + (key + ":").ljust(width) + "  " + pairs[key])
