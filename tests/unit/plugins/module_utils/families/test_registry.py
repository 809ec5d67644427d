"""The registry is the single source: generated specs are current, costs follow the latency model."""

import json
import os
import subprocess
import sys

import yaml

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import COST_MS
from ansible_collections.selfhosted.dokku.plugins.module_utils._properties import ALL_APP_REPORTS
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import entry_options, entry_spec

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))


def test_generated_documentation_and_role_specs_are_current():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "family_specs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def names(options):
    return dict((name, names(option.get("options") or {})) for name, option in options.items())


def test_the_role_variable_has_exactly_the_module_entry_schema():
    with open(os.path.join(ROOT, "roles", "dokku_apps", "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        role = yaml.safe_load(handle)["argument_specs"]["main"]["options"]["dokku_apps_apps"]["options"]
    assert names(role) == names(entry_options())
    for name, option in entry_spec().items():
        for key in ("type", "default", "choices", "elements", "no_log"):
            assert role[name].get(key) == option.get(key), (name, key)


def test_read_costs_follow_the_latency_model_of_the_double():
    with open(os.path.join(ROOT, "tests", "double", "latency.json"), encoding="utf-8") as handle:
        model = json.load(handle)["commands"]
    aliases = {"letsencrypt:list:per_app": "letsencrypt:list:all_apps_per_app"}
    for read, cost in COST_MS.items():
        if not read.startswith("PLUGIN:"):
            assert model[aliases.get(read, read)] == cost, read
    # every report a family may read in its all-app form (StateReader.report_reads)
    for plugin in sorted(ALL_APP_REPORTS | {"storage", "resource", "docker-options"}):
        assert model[plugin + ":report"] == COST_MS.get(plugin + ":report", COST_MS["PLUGIN:report"]), plugin
        per_app = COST_MS.get(plugin + ":report:all_apps_per_app", COST_MS["PLUGIN:report:all_apps_per_app"])
        assert model[plugin + ":report:all_apps_per_app"] == per_app, plugin


def test_every_resource_type_a_family_classifies_with_is_declared_and_in_the_schema():
    import inspect
    import re

    from ansible_collections.selfhosted.dokku.plugins.module_utils.families import FAMILIES

    with open(os.path.join(ROOT, "docs", "drift-report.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    enum = schema["$defs"]["resource"]["properties"]["type"]["enum"]
    for family in FAMILIES:
        source = inspect.getsource(type(family).classify)
        for kind in re.findall(r'"type": "([a-z_]+)"', source) + re.findall(r'kind = "([a-z_]+)"', source):
            assert kind in family.resource_types, (family.name, kind)
        for kind in family.resource_types:
            assert kind in enum, (family.name, kind)
