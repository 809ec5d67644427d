"""The property table and the properties family's planner, without Dokku.

The table is checked against the reports real Dokku 0.38.27 printed (the transcripts): every
property it names is a key of its plugin's report in each scope it claims, and its default is
the report's computed value on a fresh app.
"""

import glob
import json
import os

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils import _properties as table
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
TRANSCRIPTS = os.path.join(ROOT, "tests", "double", "transcripts")

FAMILY = get("properties")
# defaults that depend on the app, or properties the capture had set before its first report
APP_DEPENDENT = {"nginx.access-log-path", "nginx.error-log-path", "openresty.access-log-path",
                 "openresty.error-log-path", "builder-lambda.lambdayml-path", "builder-nixpacks.nixpackstoml-path",
                 "builder-pack.projecttoml-path", "builder-railpack.railpackjson-path", "proxy.type",
                 "registry.image-repo", "letsencrypt.graceperiod"}


def first_reports():
    """``{(plugin, is_global): report}``: the first JSON report of each plugin in each scope."""
    reports = {}
    for path in sorted(glob.glob(os.path.join(TRANSCRIPTS, "*.json"))):
        if path.endswith("index.json"):
            continue
        with open(path, encoding="utf-8") as handle:
            steps = json.load(handle)["steps"]
        for step in steps:
            argv = step["argv"]
            if len(argv) == 5 and argv[1].endswith(":report") and argv[-2:] == ["--format", "json"] and step["rc"] == 0:
                key = (argv[1][:-len(":report")], argv[2] == "--global")
                if key not in reports:
                    reports[key] = json.loads(step["stdout"])
    return reports


REPORTS = first_reports()
ROWS = [prop for plugin in sorted(table.TABLE) for prop in table.TABLE[plugin].values()]


CAPTURED = [prop for prop in ROWS if (prop.plugin, False) in REPORTS]
# plugins no capture shows (the capture host had no scheduler-k3s): checked against the double's
# own, reconstructed report instead (tests/double/dokku_double/families/scheduler_k3s.py)
UNCAPTURED = [prop for prop in ROWS if (prop.plugin, False) not in REPORTS]


def double_reports(tmp_path, plugin):
    """``(app report, global report)`` of ``plugin`` from a fresh double with an app ``web``."""
    from dokku_double import cli  # pylint: disable=import-outside-toplevel
    from dokku_double.admin import KNOWN_PLUGINS, init_state  # pylint: disable=import-outside-toplevel

    env = dict(os.environ, DOKKU_ROOT=str(tmp_path / "home"), DOKKU_LIB_ROOT=str(tmp_path / "lib"),
               DOKKU_DOUBLE_DIR=str(tmp_path / "double"))
    init_state(env=env, plugins=[plugin] if plugin in KNOWN_PLUGINS else [])
    assert cli.run(["apps:create", "web"], env=env)[0] == 0
    reports = []
    for scope in ("web", "--global"):
        rc, out, err = cli.run([plugin + ":report", scope, "--format", "json"], env=env)
        assert rc == 0, err
        reports.append(json.loads(out))
    return reports


def test_only_plugins_the_capture_lacks_are_checked_against_the_double():
    assert sorted(set(prop.plugin for prop in UNCAPTURED)) == ["scheduler-k3s"]


@pytest.mark.parametrize("prop", UNCAPTURED, ids=[prop.key for prop in UNCAPTURED])
def test_uncaptured_properties_are_in_the_double_s_report(prop, tmp_path):
    app_report, global_report = double_reports(tmp_path, prop.plugin)
    check_reports(prop, app_report, global_report)


@pytest.mark.parametrize("prop", CAPTURED, ids=[prop.key for prop in CAPTURED])
def test_every_property_is_in_its_plugins_report(prop):
    app_report = REPORTS[(prop.plugin, False)]
    global_report = REPORTS.get((prop.plugin, True), app_report)
    check_reports(prop, app_report, global_report)


def check_reports(prop, app_report, global_report):
    assert (prop.name in app_report) == prop.app
    assert ("global-" + prop.name in global_report) == prop.global_
    computed = app_report.get("computed-" + prop.name, global_report.get("computed-" + prop.name))
    if prop.key not in APP_DEPENDENT and computed is not None:
        assert (prop.default or "") == computed


def test_the_issue_s_plugins_are_all_in_the_table():
    wanted = {"app-json", "builder", "builder-dockerfile", "builder-herokuish", "builder-lambda", "builder-nixpacks",
              "builder-pack", "builder-railpack", "buildpacks", "caddy", "checks", "cron", "git", "haproxy", "logs",
              "network", "nginx", "openresty", "proxy", "ps", "registry", "scheduler", "scheduler-docker-local",
              "traefik"}
    assert wanted <= set(table.TABLE)
    assert {"mailto", "mailfrom", "maintenance"} <= set(table.TABLE["cron"])
    assert {"deploy-branch", "keep-git-dir", "rev-env-var"} <= set(table.TABLE["git"])
    assert {"restart-policy", "procfile-path", "stop-timeout-seconds", "start-cmd"} <= set(table.TABLE["ps"])
    assert {"server", "image-repo", "push-on-release", "push-extra-tags"} <= set(table.TABLE["registry"])


@pytest.mark.parametrize("plugin,name,value,expected", [
    ("nginx", "client-max-body-size", "50m", "50m"),
    ("nginx", "client-max-body-size", 1024, "1024"),
    ("nginx", "hsts", False, "false"),
    ("nginx", "hsts", "yes", "true"),
    ("nginx", "underscore-in-headers", True, "on"),  # YAML's unquoted on
    ("nginx", "underscore-in-headers", "off", "off"),
    ("nginx", "proxy-read-timeout", "120s", "120s"),
    ("ps", "stop-timeout-seconds", "060", "60"),
    ("logs", "max-size", "unlimited", "unlimited"),
    ("ps", "start-cmd", "bin/start --port 5000", "bin/start --port 5000"),
    ("git", "deploy-branch", None, None),
    ("git", "deploy-branch", "", None),
])
def test_values_are_normalised_as_dokku_stores_them(plugin, name, value, expected):
    assert table.normalise(table.TABLE[plugin][name], value) == (expected, None)


@pytest.mark.parametrize("plugin,name,value,problem", [
    ("nginx", "client-max-body-size", "lots", "not a size"),
    ("nginx", "proxy-read-timeout", "2 minutes", "not a duration"),
    ("nginx", "hsts", "maybe", "not a boolean"),
    ("ps", "stop-timeout-seconds", True, "is a boolean"),
    ("ps", "stop-timeout-seconds", "-1", "not a whole number"),
    ("ps", "stop-timeout-seconds", 1.5, "not a whole value"),
    ("git", "deploy-branch", "main\nrm", "one line"),
    ("git", "deploy-branch", "two words", "not a single word"),
    ("registry", "server", ["a"], "single value"),
])
def test_bad_values_are_refused(plugin, name, value, problem):
    text, error = table.normalise(table.TABLE[plugin][name], value)
    assert text is None and problem in error


def test_scopes_and_names_are_checked_with_the_path_in_the_message():
    assert FAMILY.validate({"caddy": {"image": "x"}}, "web")[1] == (
        "properties.caddy.image: caddy.image is a global property: set it in the global scope "
        "(dokku_global_properties)")
    assert "per app only" in FAMILY.validate({"git": {"rev-env-var": "REV"}}, "--global")[1]
    assert FAMILY.validate({"ngnix": {"hsts": True}}, "web")[1].startswith("properties.ngnix: unknown plugin")
    assert "no settable property 'hst'" in FAMILY.validate({"nginx": {"hst": True}}, "web")[1]
    assert FAMILY.validate({"nginx": ["hsts"]}, "web")[1] == "properties.nginx: must be a dict of properties and values"


def current(plugin, raw, inherited=None):
    return {plugin: (raw, inherited)}


def test_plan_sets_changed_values_and_leaves_equal_ones():
    desired = {"nginx": {"client-max-body-size": "50m", "proxy-read-timeout": "120s"}}
    plan = FAMILY.plan("web", desired, current("nginx", {"client-max-body-size": "50m", "proxy-read-timeout": ""},
                                               {"client-max-body-size": "", "proxy-read-timeout": ""}))
    # nginx:set only stores the value: the app's nginx.conf is rendered again once, after the writes
    assert plan.argvs() == [["dokku", "nginx:set", "web", "proxy-read-timeout", "120s"],
                            ["dokku", "proxy:build-config", "web"]]
    assert plan.before == {"properties": {"nginx": {"client-max-body-size": "50m", "proxy-read-timeout": None}}}
    assert plan.after == {"properties": {"nginx": {"client-max-body-size": "50m", "proxy-read-timeout": "120s"}}}
    assert plan.restart is False


def test_null_unsets_and_an_unset_value_is_in_sync():
    desired = {"git": {"deploy-branch": None, "keep-git-dir": None}}
    plan = FAMILY.plan("web", desired, current("git", {"deploy-branch": "main", "keep-git-dir": ""},
                                               {"deploy-branch": "", "keep-git-dir": ""}))
    assert plan.argvs() == [["dokku", "git:set", "web", "deploy-branch"]]
    assert plan.after == {"properties": {"git": {"deploy-branch": None, "keep-git-dir": None}}}


def test_the_default_unsets_unless_a_global_value_would_be_inherited():
    desired = {"nginx": {"client-max-body-size": "1m"}}
    # unset and nothing global: the default is in effect, nothing to do
    assert not FAMILY.plan("web", desired, current("nginx", {"client-max-body-size": ""},
                                                   {"client-max-body-size": ""})).changed
    # set to another value: unset it (the default comes back)
    plan = FAMILY.plan("web", desired, current("nginx", {"client-max-body-size": "50m"}, {"client-max-body-size": ""}))
    assert plan.argvs() == [["dokku", "nginx:set", "web", "client-max-body-size"], ["dokku", "proxy:build-config", "web"]]
    # a global 10m would be inherited: the app stores the default itself
    plan = FAMILY.plan("web", desired, current("nginx", {"client-max-body-size": ""}, {"client-max-body-size": "10m"}))
    assert plan.argvs()[0] == ["dokku", "nginx:set", "web", "client-max-body-size", "1m"]
    # globally, the default always unsets (and no app's config is rebuilt by this task)
    plan = FAMILY.plan("--global", desired, current("nginx", {"client-max-body-size": "10m"}))
    assert plan.argvs() == [["dokku", "nginx:set", "--global", "client-max-body-size"]]


def test_proxy_type_and_buildpacks_stack_use_their_own_commands():
    plan = FAMILY.plan("web", {"proxy": {"type": "caddy"}}, current("proxy", {"type": ""}, {"type": ""}))
    assert plan.argvs() == [["dokku", "proxy:set", "web", "caddy"]]
    plan = FAMILY.plan("--global", {"buildpacks": {"stack": None}}, current("buildpacks", {"stack": "x/y:1"}))
    assert plan.argvs() == [["dokku", "buildpacks:set-property", "--global", "stack"]]


def test_a_restart_property_asks_for_a_restart():
    plan = FAMILY.plan("web", {"ps": {"restart-policy": "always"}},
                       current("ps", {"restart-policy": ""}, {"restart-policy": ""}))
    assert plan.restart is True


def test_a_secret_is_masked_in_the_diff_and_carried_for_the_runner():
    def marker(value):
        return "<hidden %d>" % len(value)

    state = {"traefik": ({"basic-auth-password": "old-password"}, None), "__marker__": marker}
    plan = FAMILY.plan("--global", {"traefik": {"basic-auth-password": "new-password-1"}}, state)
    assert plan.before == {"properties": {"traefik": {"basic-auth-password": "<hidden 12>"}}}
    assert plan.after == {"properties": {"traefik": {"basic-auth-password": "<hidden 14>"}}}
    assert plan.secrets == ["new-password-1"]


def test_fix_names_only_the_command_of_the_drifted_property():
    commands = [["dokku", "nginx:set", "web", "hsts", "false"], ["dokku", "nginx:set", "web", "hsts-max-age", "60"]]
    resource, field = FAMILY.classify("app:web", ("properties", "nginx", "hsts"))
    assert resource == {"type": "property", "app": "web", "name": "nginx.hsts"} and field == "value"
    assert FAMILY.fix(resource, field, commands) == commands[:1]


def test_export_round_trips_through_validation():
    exported = FAMILY.export({"properties": {"nginx": {"client-max-body-size": "50m", "hsts": "false"}}}, "web", None)
    assert FAMILY.validate(FAMILY.desired(exported), "web") == (
        {"nginx": {"client-max-body-size": "50m", "hsts": "false"}}, None)
    assert FAMILY.export({"global_properties": {"cron": {"mailto": "ops@example.com"}}}, None, None) == {
        "dokku_global_properties": {"cron": {"mailto": "ops@example.com"}}}
