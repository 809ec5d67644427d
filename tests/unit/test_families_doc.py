"""docs/families.md lists every registered family with the drift resource types it reports."""

import os
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import FAMILIES

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def rows():
    with open(os.path.join(ROOT, "docs", "families.md"), encoding="utf-8") as handle:
        text = handle.read()
    table = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 6 and cells[0] not in ("Family", "---"):
            table[cells[0]] = cells
    return text, table


def test_every_family_is_in_the_table_with_its_resource_types():
    _text, table = rows()
    assert sorted(table) == sorted(family.name for family in FAMILIES)
    for family in FAMILIES:
        drift = set(re.findall(r"`([a-z0-9_]+)`", table[family.name][4]))
        assert drift == set(family.resource_types), family.name


def test_the_docket_counts_add_up():
    text, _table = rows()
    match = re.search(r"has (\d+) kinds of task\. \*\*(\d+) have an equivalent here, (\d+) in\s+part, (\d+) none", text)
    total, equivalent, partial, none = (int(n) for n in match.groups())
    assert equivalent + partial + none == total == 73
    # the "none" list names each task kind it counts
    listed = text.split("None, and why:", 1)[1].split("Every other task kind", 1)[0]
    assert sum(int(n) for n in re.findall(r"\((\d+)\):", listed)) == none
