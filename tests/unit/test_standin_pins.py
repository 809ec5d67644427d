"""Every place that pins the stand-in bootstrap.sh pins its current sha256.

The stand-in is served to the dokku_install role in molecule and the demo; a stale pin would
make those runs stop at the checksum check, so a change to the script must update every pin.
"""

import glob
import hashlib
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PINNING_FILES = ["molecule/dokku_install/molecule.yml", "molecule/default/group_vars/dokku/stand-in.yml",
                 "scripts/demo-inventory/group_vars/dokku.yml"]
# serves the stand-in against the role's official checksum table on purpose: it must be refused
REFUSED_ON_PURPOSE = ["molecule/dokku_install_checksum/converge.yml"]


def test_every_pin_of_the_stand_in_is_current():
    with open(os.path.join(REPO, "tests", "double", "bootstrap.sh"), "rb") as handle:
        current = hashlib.sha256(handle.read()).hexdigest()
    found = 0
    for relative in PINNING_FILES:
        with open(os.path.join(REPO, relative), encoding="utf-8") as handle:
            text = handle.read()
        pins = re.findall(r"v0\.\d+\.\d+: ([0-9a-f]{64})", text)
        assert pins, relative
        assert set(pins) == {current}, (relative, pins, current)
        found += len(pins)
    assert found >= 3


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_no_other_file_serves_the_stand_in_unpinned():
    serving = [path for path in glob.glob(os.path.join(REPO, "**", "*.yml"), recursive=True)
               if "/tests/output/" not in path and "/.venv/" not in path and "/.ansible/" not in path
               and re.search(r"bootstrap_url: file:///opt/dokku-double/src/bootstrap.sh", read(path))]
    assert sorted(os.path.relpath(p, REPO) for p in serving) == sorted(PINNING_FILES + REFUSED_ON_PURPOSE)
