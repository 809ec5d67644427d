"""molecule/default converges the example inventory's apps (its play vars repeat them, plus a deploy
block and a canary secret): the two must not drift apart."""

import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_molecule_default_converges_the_example_apps():
    with open(os.path.join(ROOT, "inventory", "example", "host_vars", "domain.com", "dokku.yml"), encoding="utf-8") as h:
        example = yaml.safe_load(h)["dokku_apps_apps"]
    with open(os.path.join(ROOT, "molecule", "default", "converge.yml"), encoding="utf-8") as h:
        molecule = yaml.safe_load(h)[0]["vars"]["dokku_apps_apps"]
    for entry in molecule:  # what molecule adds: the tutorial's push and a canary secret
        entry.pop("deploy", None)
        entry["config"].pop("SECRET_KEY", None)
    assert molecule == example


def test_the_example_has_a_production_app_beyond_the_tutorial():
    with open(os.path.join(ROOT, "inventory", "example", "host_vars", "domain.com", "dokku.yml"), encoding="utf-8") as h:
        apps = dict((entry["name"], entry) for entry in yaml.safe_load(h)["dokku_apps_apps"])
    assert set(apps["api"]) >= {"storage", "resources", "checks", "docker_options", "scale", "services", "properties"}
    assert apps["api"]["services"][0]["backup"]["schedule"]
