"""The README's Modules and Roles tables name every module and role the collection ships."""

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def table_names(heading):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    section = text.split("\n## %s\n" % heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M))


def test_every_module_is_in_the_modules_table():
    modules = set(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                  if name.endswith(".py") and not name.startswith("_"))
    assert modules - table_names("Modules") == set()


def test_every_role_is_in_the_roles_table():
    roles = set(os.listdir(os.path.join(ROOT, "roles")))
    assert roles - table_names("Roles") == set()
