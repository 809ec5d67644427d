"""Shared pytest set-up: the collection importable as ``ansible_collections.selfhosted.dokku``.

Builds ``tests/output/collections/ansible_collections/selfhosted/dokku`` as a
symlink to the repository root (``tests/output`` is git-ignored), so the unit
tests import module_utils and ansible-playbook finds the collection by FQCN.
"""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, "tests", "output", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "selfhosted", "dokku")


def _ensure_collection_link():
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    if not os.path.islink(LINK):
        try:
            os.symlink(REPO, LINK)
        except FileExistsError:
            pass


_ensure_collection_link()
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
DOUBLE = os.path.join(REPO, "tests", "double")
if DOUBLE not in sys.path:
    sys.path.insert(0, DOUBLE)
