"""``ssh-keys`` (bash plugin wrapping sshcommand 0.20.2): add, remove, list.

Keys live in ``$DOKKU_ROOT/.ssh/authorized_keys``, one sshcommand line per key::

    command="FINGERPRINT=FP NAME=\\"NAME\\" `cat $DOKKU_ROOT/.sshcommand` $SSH_ORIGINAL_COMMAND",OPTIONS KEY

Every key is checked the way ``ssh-keygen -l -f`` (OpenSSH 9.2, as on the
captured host) reads it: the type name, the base64 blob and the blob's own
fields (inner type, key sizes, curve points).  Names are matched the way the
plugin's ``grep``/``sed`` do, so ``.`` in a name matches any character.
Anything whose real output is not known fails loudly.
"""

import base64
import binascii
import hashlib
import json
import os
import re

from ..core import DokkuExit, command, not_implemented, read_file, reads_stdin, write_file

SSH_USER = "dokku"
ALLOWED_KEYS = "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding"
# sshcommand's list reads lines with this shape (its sed expression)
LINE_RE = re.compile(
    r'^command="FINGERPRINT=(\S+) NAME=\\"(.*)\\" `cat \S+` \$SSH_ORIGINAL_COMMAND",(\S+) (.+)$'
)
# GNU basic regular expressions: what a backslash pair means (anything else it escapes is literal)
_BRE_ESCAPES = {"(": "(", ")": ")", "{": "{", "}": "}", "|": "|", "+": "+", "?": "?", "<": r"\b", ">": r"\b",
                "w": r"\w", "W": r"\W", "s": r"\s", "S": r"\S"}

# ssh-keygen knows these names too (certificates, DSA, signature-only and short names)
UNMODELLED_TYPES = frozenset(
    [
        "ssh-dss", "rsa-sha2-256", "rsa-sha2-512", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
        "RSA", "DSA", "ECDSA", "ECDSA-SK", "ED25519", "ED25519-SK",
        "RSA-CERT", "DSA-CERT", "ECDSA-CERT", "ECDSA-SK-CERT", "ED25519-CERT", "ED25519-SK-CERT",
    ]
)
# NIST curves: field prime p, coefficient b (a = -3) and the bit length of the group order
CURVES = {
    "nistp256": (
        2 ** 256 - 2 ** 224 + 2 ** 192 + 2 ** 96 - 1,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        256,
    ),
    "nistp384": (
        2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        384,
    ),
    "nistp521": (
        2 ** 521 - 1,
        0x51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        521,
    ),
}
KEY_TYPES = {
    "ssh-ed25519": None,
    "sk-ssh-ed25519@openssh.com": None,
    "ssh-rsa": None,
    "ecdsa-sha2-nistp256": "nistp256",
    "ecdsa-sha2-nistp384": "nistp384",
    "ecdsa-sha2-nistp521": "nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com": "nistp256",
}


# ---------------------------------------------------------------------------
# Reading keys like ssh-keygen
# ---------------------------------------------------------------------------
class _Blob:
    """The SSH wire format of a public key blob (strings and mpints)."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def string(self):
        if self.pos + 4 > len(self.data):
            raise ValueError("truncated")
        length = int.from_bytes(self.data[self.pos:self.pos + 4], "big")
        end = self.pos + 4 + length
        if end > len(self.data):
            raise ValueError("truncated")
        value = self.data[self.pos + 4:end]
        self.pos = end
        return value

    def mpint(self):
        """A positive bignum in its minimal encoding (sshbuf_get_bignum2)."""
        value = self.string()
        if value and value[0] & 0x80:
            raise ValueError("negative")
        if len(value) > 1 and value[0] == 0 and not value[1] & 0x80:
            raise ValueError("not minimal")
        return int.from_bytes(value, "big")

    def done(self):
        return self.pos == len(self.data)


def _ec_point_ok(curve, point):
    """An uncompressed point on the curve, both coordinates over half the order's bits."""
    prime, coeff_b, order_bits = CURVES[curve]
    size = (prime.bit_length() + 7) // 8
    if len(point) != 1 + 2 * size or point[0] != 4:
        return False
    x = int.from_bytes(point[1:1 + size], "big")
    y = int.from_bytes(point[1 + size:], "big")
    if x >= prime or y >= prime or min(x.bit_length(), y.bit_length()) <= order_bits // 2:
        return False
    return (y * y - (x * x * x - 3 * x + coeff_b)) % prime == 0


def _blob_valid(key_type, data):
    blob = _Blob(data)
    try:
        if blob.string() != key_type.encode("ascii"):
            return False
        curve = KEY_TYPES[key_type]
        if curve:
            valid = blob.string() == curve.encode("ascii") and _ec_point_ok(curve, blob.string())
        elif key_type == "ssh-rsa":
            blob.mpint()
            valid = blob.mpint().bit_length() >= 1024
        else:
            valid = len(blob.string()) == 32
        if key_type.startswith("sk-"):
            blob.string()  # the FIDO application
        return valid and blob.done()
    except ValueError:
        return False


def read_key(ctx, text):
    """``sshkey_read`` at the start of ``text``: the SHA256 fingerprint, or None."""
    match = re.match(r"[ \t]*([^ \t]+)[ \t]+([^ \t]+)", text)
    if not match:
        return None
    key_type, data = match.groups()
    if key_type in UNMODELLED_TYPES or key_type.endswith("-cert-v01@openssh.com"):
        not_implemented(ctx, "ssh keys of type %s" % key_type)
    if key_type not in KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    # b64_pton takes only the canonical form (exact padding, zero trailing bits)
    if base64.b64encode(blob).decode("ascii") != data or not _blob_valid(key_type, blob):
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def _after_first_token(line):
    """ssh-keygen skips one leading options/host token (quote-aware) before a retry."""
    quoted = False
    i = 0
    while i < len(line) and (quoted or line[i] not in " \t"):
        if line[i] == "\\" and line[i + 1:i + 2] == '"':
            i += 1
        elif line[i] == '"':
            quoted = not quoted
        i += 1
    return line[i + 1:] if i < len(line) else None


def keygen_line(ctx, line):
    """``ssh-keygen -l`` on a one-line file: ``(fingerprint, had_prefix)`` or None (not a key).

    The retry after a leading token is how ssh-keygen reads authorized_keys
    options and known_hosts host names.
    """
    result = _keygen_line(ctx, line.lstrip(" \t"))
    if result and "PRIVATE KEY" in line:
        # ssh-keygen first tries such a line as a private key file, which depends on the path
        not_implemented(ctx, "a public key line that contains 'PRIVATE KEY'")
    return result


def _keygen_line(ctx, line):
    if not line or line.startswith("#"):
        return None
    fingerprint = read_key(ctx, line)
    if fingerprint:
        return fingerprint, False
    ssh1 = re.match(r"[+-]?(\d+)[ \t]", line)
    if ssh1 and int(ssh1.group(1)) != 0:
        return None
    rest = _after_first_token(line)
    fingerprint = read_key(ctx, rest) if rest is not None else None
    return (fingerprint, True) if fingerprint else None


# ---------------------------------------------------------------------------
# authorized_keys
# ---------------------------------------------------------------------------
def keys_path(ctx):
    return ctx.home(".ssh", "authorized_keys")


def bre(pattern):
    """A GNU basic regular expression (what grep and sed read) as a Python one; None when grep
    and sed would refuse it (an unmatched ``[`` or ``\\(``, a trailing backslash)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                return None
            nxt = pattern[i + 1]
            out.append(_BRE_ESCAPES.get(nxt, re.escape(nxt)))
            i += 2
            continue
        if char == "[":
            end = i + 1 + (pattern[i + 1:i + 2] == "^")
            end += pattern[end:end + 1] == "]"
            end = pattern.find("]", end)
            if end < 0:
                return None
            body = pattern[i + 1:end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = end + 1
            continue
        if char == "*" and out and out[-1] not in ("(", "|"):
            out.append("*")
        else:
            out.append("." if char == "." else re.escape(char))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None


def name_pattern(name):
    """sshcommand's grep/sed pattern ``NAME=\\"name\\"`` (the name read as a basic regex), or None
    when grep and sed refuse it."""
    return bre('NAME=\\\\"%s\\\\"' % name)


def verify_key_file(ctx):
    """Dokku's ``verify_ssh_key_file``: a non-empty file whose every line ssh-keygen reads."""
    text = read_file(keys_path(ctx), "")
    if not text:
        ctx.fail("No public keys found.")
    # `while read key` sees only newline-terminated lines, with backslashes removed
    for number, line in enumerate(text.split("\n")[:-1], start=1):
        if keygen_line(ctx, re.sub(r"\\(.)", r"\1", line)) is None:
            ctx.fail("%s line %d failed ssh-keygen check." % (keys_path(ctx), number))
    return text


def _write_keys(ctx, text):
    write_file(keys_path(ctx), text, mode=0o600)


# ---------------------------------------------------------------------------
# ssh-keys:add
# ---------------------------------------------------------------------------
def _key_from_source(ctx, key_file):
    """The key file's content, or one line of a stdin pipe as ``read -r`` gets it."""
    if key_file:
        content = read_file(key_file, "")
    elif ctx.stdin_is_pipe:
        line = ctx.read_stdin_line()
        if line is None:
            raise DokkuExit(1)  # `read` hits EOF under `set -e`: silent exit 1
        content = line.strip(" \t") + "\n"
    else:
        ctx.fail("No key specified via file or pipe")
    if not content:
        ctx.fail("Empty key was specified")
    if content.count("\n") >= 2:
        ctx.fail("Too many keys provided, set one per invocation of dokku ssh-keys:add <NAME> <KEY_FILE>")
    key = content.rstrip("\n")
    if "\n" in key:
        not_implemented(ctx, "a key file whose last line has no newline")
    return key


@command("ssh-keys:add", kind="write", root_only=True)
@reads_stdin(lambda args: len(args) < 2 or not args[1])
def cmd_add(ctx, args):
    name = args[0] if args else ""
    key = _key_from_source(ctx, args[1] if len(args) > 1 else "")
    checked = keygen_line(ctx, key)
    if checked is None:
        ctx.fail("Key specified in is not a valid ssh public key")
    fingerprint, had_prefix = checked
    if had_prefix:
        not_implemented(ctx, "sshcommand's error for a key with an options or host prefix")
    if key != key.lstrip(" \t"):
        not_implemented(ctx, "a key file line with leading blanks")
    if not os.path.exists(keys_path(ctx)):
        _write_keys(ctx, "")

    # sshcommand acl-add dokku NAME KEY_FILE
    if not name:
        _sshcommand_error(ctx, "Usage: sshcommand acl-add <USER> <NAME> <KEY_FILE> ")
    text = read_file(keys_path(ctx), "")
    pattern = name_pattern(name)  # grep's error for an invalid pattern is ignored (`|| true`)
    if pattern is not None and pattern.search(text):
        _sshcommand_error(ctx, "Duplicate ssh key name")
    if "FINGERPRINT=%s " % fingerprint in text:
        _sshcommand_error(ctx, "Duplicate ssh public key specified")
    line = 'command="FINGERPRINT=%s NAME=\\"%s\\" `cat %s` $SSH_ORIGINAL_COMMAND",%s %s' % (
        fingerprint, name, ctx.home(".sshcommand"), ALLOWED_KEYS, key,
    )
    _write_keys(ctx, text + line + "\n")
    ctx.out(fingerprint)
    verify_key_file(ctx)


def _sed_error(ctx, what, value):
    """sed refusing the expression sshcommand built (reconstructed: GNU sed's wording, the
    character position approximated), then Dokku's ``sshcommand returned an error 1``."""
    ctx.err("sed: -e expression #1, char %d: %s" % (len(value) + 12, what))
    ctx.fail("sshcommand returned an error 1")


def _sshcommand_error(ctx, message):
    ctx.err(message)
    ctx.fail("sshcommand returned an error: 1")


# ---------------------------------------------------------------------------
# ssh-keys:remove
# ---------------------------------------------------------------------------
@command("ssh-keys:remove", kind="write", root_only=True)
def cmd_remove(ctx, args):
    text = verify_key_file(ctx)
    if not args or not args[0]:
        ctx.fail("A name is required to remove a key, ie: dokku ssh-keys:remove <name>")
    if args[0] == "--fingerprint":
        fingerprint = args[1] if len(args) > 1 else ""
        if not fingerprint:
            ctx.fail("A fingerprint is required to remove a key, ie: dokku ssh-keys:remove --fingerprint FINGERPRINT")
        if "#" in fingerprint:
            _sed_error(ctx, "unknown command: `%s'" % fingerprint.split("#", 1)[1][:1], fingerprint)
        doomed = bre('"FINGERPRINT=%s ' % fingerprint)
    else:
        # sed --in-place "/ NAME=\\"$NAME\\" /d": a '/' in the name ends the address early
        if "/" in args[0]:
            _sed_error(ctx, "unknown command: `%s'" % (args[0].split("/", 1)[1][:1] or "\\"), args[0])
        pattern = name_pattern(args[0])
        doomed = re.compile(" " + pattern.pattern + " ") if pattern is not None else None
    if doomed is None:
        _sed_error(ctx, "unterminated address regex", args[-1])
    kept = [line for line in text.split("\n")[:-1] if not doomed.search(line)]
    _write_keys(ctx, "".join(line + "\n" for line in kept))


# ---------------------------------------------------------------------------
# ssh-keys:list
# ---------------------------------------------------------------------------
def _list_entries(ctx):
    """sshcommand list: (fingerprint, name, options, public key) of every line."""
    text = read_file(keys_path(ctx))
    if text is None:
        ctx.err("authorized_keys not found for %s" % SSH_USER)
        raise DokkuExit(1)
    if not text:
        ctx.err("authorized_keys is empty for %s" % SSH_USER)
        raise DokkuExit(1)
    entries = []
    for line in text.split("\n")[:-1]:
        match = LINE_RE.match(line)
        if not match or keygen_line(ctx, line) is None:
            not_implemented(ctx, "ssh-keys:list of an authorized_keys line not written by sshcommand")
        entries.append(match.groups())
    return entries


@command("ssh-keys:list")
def cmd_list(ctx, args):
    fmt, name = "text", args[0] if args else ""
    if args and args[0] == "--format":
        if len(args) < 2:
            not_implemented(ctx, "ssh-keys:list --format without a value")
        fmt, name = args[1], args[2] if len(args) > 2 else ""
    if fmt not in ("json", "text"):
        ctx.fail("Invalid output format specified, supported formats: json, text")
    entries = _list_entries(ctx)
    if fmt == "json":
        data = "[%s]" % ",".join(
            '{ "fingerprint": "%s", "name": "%s", "SSHCOMMAND_ALLOWED_KEYS": "%s", "public-key": "%s" }' % entry
            for entry in entries
        )
        if name:
            data = _jq_select_name(ctx, data, name)
        ctx.out(data)
        return
    lines = [
        '%s NAME="%s" SSHCOMMAND_ALLOWED_KEYS="%s"' % (fingerprint, key_name, options)
        for fingerprint, key_name, options, _key in entries
    ]
    if name:  # grep "NAME=\"$NAME\"": the name is a basic regex (an invalid one matches nothing)
        pattern = bre('NAME="%s"' % name)
        lines = [line for line in lines if pattern is not None and pattern.search(line)]
    if not lines:
        raise DokkuExit(1)  # grep found nothing
    for line in lines:
        ctx.out(line)


def _jq_select_name(ctx, data, name):
    """``jq -cM`` keeping the entries named ``name`` (the hand-built JSON must parse)."""
    try:
        entries = json.loads(data)
    except ValueError:
        not_implemented(ctx, "jq's error for a key comment that breaks the JSON")
    selected = [entry for entry in entries if entry["name"] == name]
    return json.dumps(selected, ensure_ascii=False, separators=(",", ":"))
