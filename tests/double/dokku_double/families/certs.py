"""The ``certs`` plugin of the double: add/update (files or a tar on stdin), remove, report.

State, as on real Dokku: ``$DOKKU_ROOT/APP/tls/server.{crt,key}`` (mode 0640) and the proxy's
``proxy-ssl-port`` property.  Reproduces ``certs.json``; the report's fields are read from the
certificate with a small DER reader (real Dokku runs ``openssl x509``).  Reconstructed from
Dokku 0.38.27's source, not captured: the dates are printed as ``YYYY-MM-DD HH:MM:SS`` (the
transcripts hide them behind a placeholder); ``verified`` is always ``self signed`` (the double
has no CA store); with a global domain file, ``certs:add`` ends with an https nginx rebuild and
exit 0 (``-----> Creating https nginx.conf``, ``       Reloading nginx``); with the app's domains all
in the certificate, the "No matching configured domains" lines are left out.
"""

import base64
import io
import os
import random
import re
import tarfile
import time

from .. import vhosts
from ..core import DokkuExit, command, go_report, prop_get, prop_set, read_file, reads_stdin, remove_path, verify_app, write_file

_PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S)
_NAMES = {b"\x55\x04\x03": "CN", b"\x55\x04\x06": "C", b"\x55\x04\x07": "L", b"\x55\x04\x08": "ST",
          b"\x55\x04\x0a": "O", b"\x55\x04\x0b": "OU"}
_SAN = b"\x55\x1d\x11"
VHOST_ERROR = "/var/lib/dokku/plugins/available/nginx-vhosts/functions: line 495: /home/dokku/VHOST: No such file or directory"


# ---------------------------------------------------------------- a DER reader
def _item(data, pos):
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, pos, pos + length


def _children(data, item):
    out, pos = [], item[1]
    while pos < item[2]:
        child = _item(data, pos)
        out.append(child)
        pos = child[2]
    return out


def _name(data, item):
    """[(short name, value)] of an X.501 Name, in order."""
    rdns = []
    for rdn in _children(data, item):
        for atv in _children(data, rdn):
            oid, value = _children(data, atv)[:2]
            key = _NAMES.get(data[oid[1]:oid[2]], "?")
            rdns.append((key, data[value[1]:value[2]].decode("utf-8", "replace")))
    return rdns


def _time(data, item):
    text = data[item[1]:item[2]].decode("ascii")
    if item[0] == 0x17:  # UTCTime YYMMDDHHMMSSZ
        text = ("19" if int(text[:2]) >= 50 else "20") + text
    return "%s-%s-%s %s:%s:%s" % (text[0:4], text[4:6], text[6:8], text[8:10], text[10:12], text[12:14])


def cert_details(text):
    """The report's view of a PEM certificate, or None when it cannot be read."""
    match = _PEM_RE.search(text or "")
    if not match:
        return None
    try:
        der = base64.b64decode("".join(match.group(1).split()))
        tbs = _children(der, _children(der, _item(der, 0))[0])
        extensions = [item for item in tbs if item[0] == 0xA3]
        if tbs[0][0] == 0xA0:
            tbs = tbs[1:]
        issuer, validity, subject = _name(der, tbs[2]), _children(der, tbs[3]), _name(der, tbs[4])
        sans = []
        for extension in (_children(der, _children(der, extensions[0])[0]) if extensions else []):
            parts = _children(der, extension)
            if der[parts[0][1]:parts[0][2]] == _SAN:
                names = _item(der, parts[-1][1])
                sans += [der[n[1]:n[2]].decode("ascii") for n in _children(der, names) if n[0] == 0x82]
    except (IndexError, ValueError):
        return None
    common = [value for key, value in subject if key == "CN"]
    return {
        "issuer": ", ".join("%s = %s" % pair for pair in issuer),
        "subject": "; ".join("%s=%s" % pair for pair in subject),
        "starts-at": _time(der, validity[0]),
        "expires-at": _time(der, validity[1]),
        "hostnames": sorted(set(common[:1] + sans)),
    }


# ------------------------------------------------------------------- commands
def _tls(ctx, app, *name):
    return ctx.home(app, "tls", *name)


def _wants_tar(args):
    return len([arg for arg in args if not arg.startswith("-")]) < 3


def _from_tar(ctx):
    """The .crt and .key of the archive on stdin (Dokku's fn-archive-extract-tar-stdin, then find)."""
    if not ctx.stdin_is_pipe:
        ctx.fail("Tar archive containing server.crt and server.key expected on stdin")
    stamp = int(time.time())
    tmp = "/tmp/dokku-%d-cmd-certs-set.%06d" % (os.getpid(), random.randint(0, 999999))
    for event in ("extraction_started", "extraction_completed"):
        ctx.err("[archive-security] timestamp=%d user=root event=%s archive_type=tar source=%s details=dest=%s"
                % (stamp, event, tmp + ".tar", tmp))
    data = (ctx.stdin_data or "").encode("utf-8", "surrogateescape")
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
        members = [m for m in archive.getmembers() if m.isfile() and not os.path.basename(m.name).startswith(".")]
        files = dict((m.name, archive.extractfile(m).read().decode("utf-8", "replace")) for m in members)
    except (tarfile.TarError, OSError):
        ctx.fail("Tar archive containing server.crt and server.key expected on stdin")
    found = {}
    for suffix, label in ((".crt", "crt"), (".key", "key")):
        names = [name for name in files if name.endswith(suffix)]
        if not names:
            ctx.fail("Tar archive is missing %s file" % suffix)
        if len(names) > 1:
            ctx.fail("Tar archive contains more than one %s file" % suffix)
        found[label] = files[names[0]]
    return found["crt"], found["key"]


@command("certs:add", kind="write", aliases=("certs:update",))
@reads_stdin(_wants_tar)
def cmd_add(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    if len(args) >= 3 and args[1] and args[2]:
        for path, label in ((args[1], "CRT"), (args[2], "KEY")):
            if not os.access(path, os.R_OK):
                ctx.fail("%s file specified not found, please check file paths" % label)
        crt, key = read_file(args[1]), read_file(args[2])
    else:
        crt, key = _from_tar(ctx)
    remove_path(_tls(ctx, app))
    write_file(_tls(ctx, app, "server.crt"), crt, mode=0o640)
    write_file(_tls(ctx, app, "server.key"), key, mode=0o640)
    os.chmod(_tls(ctx, app), 0o750)
    if not vhosts.app_vhost_enabled(ctx, app) and not prop_get(ctx, "proxy", app, "proxy-ssl-port"):
        ctx.info1("No ssl port set, setting to random open high port")
        prop_set(ctx, "proxy", app, "proxy-ssl-port", str(random.randint(10000, 60000)))
    details = cert_details(crt) or {"hostnames": []}
    domains = vhosts.app_vhosts(ctx, app) if vhosts.app_vhost_enabled(ctx, app) else []
    if not domains or any(domain not in details["hostnames"] for domain in domains):
        ctx.info1("No matching configured domains for %s found in SSL certificate. Your app will show as "
                  "insecure in a browser if accessed via SSL" % app)
        ctx.info1("Please add appropriate domains via the dokku domains command")
        ctx.info1("Domains found in SSL certificate:")
        for hostname in details["hostnames"]:
            ctx.info2(hostname)
    if not os.path.exists(ctx.home("VHOST")):
        _fail_raw(ctx, VHOST_ERROR)
    ctx.info1("Creating https nginx.conf")
    ctx.verbose("Reloading nginx")


def _fail_raw(ctx, line):
    """A bash error line (not a dokku_log_fail message), then exit 1."""
    ctx.err(line.replace("/home/dokku", ctx.root).replace("/var/lib/dokku", ctx.lib))
    raise DokkuExit(1)


@command("certs:remove", kind="write")
def cmd_remove(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    if not os.path.isdir(_tls(ctx, app)):
        ctx.fail("An app-specific SSL endpoint is not defined")
    ctx.info1("Removing SSL endpoint from %s" % app)
    remove_path(_tls(ctx, app))
    prop_set(ctx, "proxy", app, "proxy-ssl-port", "")
    vhosts.nginx_build(ctx, app)


def _rows(ctx, app):
    enabled = vhosts.cert_exists(ctx, app)
    details = (cert_details(read_file(_tls(ctx, app, "server.crt"))) if enabled else None) or {}
    return {
        "--ssl-dir": _tls(ctx, app),
        "--ssl-enabled": "true" if enabled else "false",
        "--ssl-expires-at": details.get("expires-at", ""),
        "--ssl-hostnames": " ".join(details.get("hostnames", [])),
        "--ssl-issuer": details.get("issuer", ""),
        "--ssl-starts-at": details.get("starts-at", ""),
        "--ssl-subject": details.get("subject", ""),
        "--ssl-verified": "self signed" if enabled else "",
    }


@command("certs:report")
def cmd_report(ctx, args):
    go_report(ctx, args, "certs:report", "ssl", app_rows=lambda app: _rows(ctx, app), json_strip="ssl-")
