# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SHA-512-crypt (``$6$``), the hash ``mkpasswd -m sha-512`` writes to an htpasswd file, in pure Python.

Used to tell whether a stored hash is of the given password without the ``crypt`` module (deprecated,
gone in Python 3.13).  The algorithm is Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512".
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac

ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ORDER = ((0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48), (28, 49, 7),
         (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13), (56, 14, 35),
         (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41))
DEFAULT_ROUNDS = 5000


def _repeat(digest, length):
    return (digest * (length // len(digest) + 1))[:length]


def sha512_crypt(password, salt, rounds=None):
    """``$6$[rounds=N$]salt$hash`` of ``password`` (text) with ``salt`` (at most 16 characters used)."""
    key, salt_bytes = password.encode("utf-8"), salt.encode("utf-8")[:16]
    count = DEFAULT_ROUNDS if rounds is None else min(max(rounds, 1000), 999999999)
    alternate = hashlib.sha512(key + salt_bytes + key).digest()
    first = hashlib.sha512(key + salt_bytes)
    first.update(_repeat(alternate, len(key)))
    length = len(key)
    while length:
        first.update(alternate if length & 1 else key)
        length >>= 1
    result = first.digest()
    p_bytes = _repeat(hashlib.sha512(key * len(key)).digest(), len(key))
    s_bytes = _repeat(hashlib.sha512(salt_bytes * (16 + result[0])).digest(), len(salt_bytes))
    for index in range(count):
        step = hashlib.sha512(p_bytes if index & 1 else result)
        if index % 3:
            step.update(s_bytes)
        if index % 7:
            step.update(p_bytes)
        step.update(result if index & 1 else p_bytes)
        result = step.digest()
    out = []
    for a, b, c in ORDER + ((None, None, 63),):
        value = ((result[a] << 16) if a is not None else 0) | ((result[b] << 8) if b is not None else 0) | result[c]
        for _count in range(4 if a is not None else 2):
            out.append(ITOA64[value & 0x3F])
            value >>= 6
    prefix = "$6$" + ("rounds=%d$" % count if rounds is not None else "")
    return prefix + salt_bytes.decode("utf-8", "replace") + "$" + "".join(out)


def verify(password, stored):
    """True when ``stored`` (a ``$6$`` hash) is the hash of ``password``; False for any other scheme."""
    if not stored or not stored.startswith("$6$"):
        return False
    parts = stored[3:].split("$")
    rounds = None
    if parts and parts[0].startswith("rounds="):
        try:
            rounds = int(parts.pop(0)[len("rounds="):])
        except ValueError:
            return False
    if len(parts) != 2:
        return False
    return hmac.compare_digest(sha512_crypt(password, parts[0], rounds), stored)
