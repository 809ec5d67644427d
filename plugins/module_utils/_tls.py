# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS certificates and keys in PEM: fingerprints and the key-matches-certificate check.

Works with the Python standard library alone (a small DER reader): RSA keys (PKCS#1 or
PKCS#8), EC keys that carry their public point (as OpenSSL writes them) and Ed25519 keys
with their public key are checked against the certificate's public key.  Other keys are
checked with the ``cryptography`` package when it is importable (always on the Ansible
controller, where ansible-core requires it).  Nothing here ever returns or quotes key
material: errors name the problem only.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re

PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)
KEY_LABELS = ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")
OID_RSA = b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
OID_EC = b"\x2a\x86\x48\xce\x3d\x02\x01"
OID_ED25519 = b"\x2b\x65\x70"


class TLSError(ValueError):
    """A certificate or key that cannot be used (the message never holds key material)."""


def pem_blocks(text):
    """``[(label, der bytes, headers)]`` of every PEM block in ``text``."""
    blocks = []
    for label, body in PEM_RE.findall(text or ""):
        headers = [line for line in body.splitlines() if ":" in line]
        data = "".join(line.strip() for line in body.splitlines() if ":" not in line)
        try:
            der = base64.b64decode(data.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise TLSError("a %s block is not valid base64" % label.lower())
        blocks.append((label, der, headers))
    return blocks


# ----------------------------------------------------------------- a DER reader
def _item(data, pos):
    """``(tag, content start, content end)`` of the DER item at ``pos``."""
    try:
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4:
                raise TLSError("unsupported DER length")
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
    except IndexError:
        raise TLSError("truncated DER data")
    if pos + length > len(data):
        raise TLSError("truncated DER data")
    return tag, pos, pos + length


def _children(data, start, end):
    items, pos = [], start
    while pos < end:
        tag, cstart, cend = _item(data, pos)
        items.append((tag, cstart, cend))
        pos = cend
    return items


def _seq(data, item=None):
    """The children of a SEQUENCE (the whole of ``data`` when ``item`` is None)."""
    tag, start, end = item if item is not None else _item(data, 0)
    if tag != 0x30:
        raise TLSError("expected a DER sequence")
    return _children(data, start, end)


def _int(data, item):
    return int.from_bytes(data[item[1]:item[2]], "big")


def _bytes(data, item):
    return data[item[1]:item[2]]


# ------------------------------------------------------------- certificates
def certificates(text):
    """The DER of every CERTIFICATE block, leaf first; TLSError when there is none."""
    ders = [der for label, der, _h in pem_blocks(text) if label == "CERTIFICATE"]
    if not ders:
        raise TLSError("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
    return ders


def fingerprint(der):
    """The SHA-256 fingerprint of a DER certificate, lowercase hex."""
    return hashlib.sha256(der).hexdigest()


def _spki_public(data, spki):
    """``(kind, public value)`` from a SubjectPublicKeyInfo item."""
    alg, bits = _seq(data, spki)[:2]
    alg_items = _seq(data, alg)
    oid = _bytes(data, alg_items[0])
    raw = _bytes(data, bits)[1:]  # skip the unused-bits byte
    if oid == OID_RSA:
        numbers = _seq(raw)
        return "rsa", (_int(raw, numbers[0]), _int(raw, numbers[1]))
    if oid == OID_EC:
        return "ec", (_bytes(data, alg_items[1]), raw)
    if oid == OID_ED25519:
        return "ed25519", raw
    return "other", raw


def certificate_public(der):
    """The certificate's public key as ``(kind, value)``."""
    tbs = _seq(der, _seq(der)[0])
    if tbs and tbs[0][0] == 0xA0:  # explicit version
        tbs = tbs[1:]
    if len(tbs) < 6:
        raise TLSError("the certificate is not an X.509 certificate")
    return _spki_public(der, tbs[5])


# --------------------------------------------------------------------- keys
def private_key(text):
    """``(label, der)`` of the one private key in ``text``; TLSError otherwise (no key material quoted)."""
    blocks = pem_blocks(text)
    if any(label == "ENCRYPTED PRIVATE KEY" for label, _d, _h in blocks) or \
            any("ENCRYPTED" in header for _l, _d, headers in blocks for header in headers):
        raise TLSError("the private key is encrypted; nginx needs it without a passphrase")
    keys = [(label, der) for label, der, _h in blocks if label in KEY_LABELS]
    if not keys:
        raise TLSError("no PEM private key (-----BEGIN PRIVATE KEY-----) found")
    if len(keys) > 1:
        raise TLSError("more than one private key found; give exactly one")
    return keys[0]


def _ec_private(data, items, curve=None):
    """ECPrivateKey: (curve, public point or None)."""
    point = None
    for tag, start, end in items[2:]:
        if tag == 0xA0:
            curve = _bytes(data, _item(data, start))
        elif tag == 0xA1:
            point = _bytes(data, _item(data, start))[1:]
    return curve, point


def key_public(label, der):
    """The key's public key as ``(kind, value)``, or None when the standard library cannot derive it."""
    items = _seq(der)
    if label == "RSA PRIVATE KEY":
        return "rsa", (_int(der, items[1]), _int(der, items[2]))
    if label == "EC PRIVATE KEY":
        curve, point = _ec_private(der, items)
        return ("ec", (curve, point)) if point else None
    alg = _seq(der, items[1])
    oid, inner = _bytes(der, alg[0]), _bytes(der, items[2])
    if oid == OID_RSA:
        numbers = _seq(inner)
        return "rsa", (_int(inner, numbers[1]), _int(inner, numbers[2]))
    if oid == OID_EC:
        curve, point = _ec_private(inner, _seq(inner), _bytes(der, alg[1]) if len(alg) > 1 else None)
        return ("ec", (curve, point)) if point else None
    if oid == OID_ED25519:
        for tag, start, end in items[3:]:
            if tag == 0x81:  # [1] IMPLICIT BIT STRING publicKey (PKCS#8 v2)
                return "ed25519", der[start + 1:end]
    return None


def _with_cryptography(cert_der, key_text):
    """True/False from the cryptography package, or None when it is not importable."""
    try:
        from cryptography import x509  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    try:
        key = serialization.load_pem_private_key(key_text.encode("utf-8"), password=None)
        cert = x509.load_der_x509_certificate(cert_der)
    except (TypeError, ValueError):
        raise TLSError("the private key or the certificate cannot be loaded")
    raw = serialization.PublicFormat.SubjectPublicKeyInfo
    return key.public_key().public_bytes(serialization.Encoding.DER, raw) == \
        cert.public_key().public_bytes(serialization.Encoding.DER, raw)


def check_pair(cert_text, key_text):
    """Check that the key belongs to the certificate (its leaf).

    Returns ``(summary, checked)``: ``summary`` holds the leaf ``fingerprint``, the ``chain``
    digest (every certificate of the file) and the ``key`` digest (to compare with what a
    host stores, never shown); ``checked`` is False when neither the standard library nor
    ``cryptography`` could compare this kind of key.  Raises TLSError for a bad pair.
    """
    ders = certificates(cert_text)
    label, key_der = private_key(key_text)
    try:
        public = key_public(label, key_der)
        cert_public = certificate_public(ders[0])
    except (TLSError, IndexError):
        public, cert_public = None, None
    if public is not None and cert_public is not None:
        if public[0] == "ec" and cert_public[0] == "ec" and public[1][0] is None:
            public = ("ec", (cert_public[1][0], public[1][1]))
        matched = public == cert_public
    else:
        matched = _with_cryptography(ders[0], key_text)
    if matched is False:
        raise TLSError("the private key does not match the certificate (their public keys differ)")
    summary = dict(fingerprint=fingerprint(ders[0]), chain=hashlib.sha256(b"".join(ders)).hexdigest(),
                   key=hashlib.sha256(key_der).hexdigest())
    return summary, matched is True


def stored_summary(cert_text, key_text):
    """What a host stores, summarised as :func:`check_pair` does (None values where unreadable)."""
    summary = dict(fingerprint=None, chain=None, key=None)
    try:
        ders = certificates(cert_text)
        summary["fingerprint"] = fingerprint(ders[0])
        summary["chain"] = hashlib.sha256(b"".join(ders)).hexdigest()
    except TLSError:
        pass
    try:
        summary["key"] = hashlib.sha256(private_key(key_text)[1]).hexdigest()
    except TLSError:
        pass
    return summary


def cert_tar(cert_text, key_text):
    """A ustar archive of ``server.crt`` and ``server.key`` (mode 0600, owner 0:0, mtime 0), as bytes.

    ``certs:add APP`` reads it on standard input, so the key never reaches a command line or a
    file outside the app's ``tls`` directory.
    """
    import io  # pylint: disable=import-outside-toplevel
    import tarfile  # pylint: disable=import-outside-toplevel

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, text in (("server.crt", cert_text), ("server.key", key_text)):
            data = text.encode("utf-8")
            if not data.endswith(b"\n"):
                data += b"\n"
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
