"""dokku_property and the properties of a dokku_apps entry against the double: quartets for an app and
for the global scope, unset, the default under an inherited global value, a secret, and refusals - in
one playbook."""

import json
import re

APPS = "selfhosted.dokku.dokku_apps"
PROPERTY = "selfhosted.dokku.dokku_property"
SECRET = "traefik-dashboard-pass-7f3a"


def arrange(host, *commands):
    for command in commands:
        rc, out, err = host.dokku(*command)
        assert rc == 0, (command, out, err)


def tasks_of(label, module, args):
    return [{"module": module, "args": args, "check": tag.startswith("check"), "tag": "%s-%s" % (label, tag)}
            for tag in ("check", "real", "check2", "real2")]


def unmarked(value):
    return re.sub(r"<hidden sha256:[0-9a-f]+>", "<hidden>", json.dumps(value, sort_keys=True))


def assert_quartet(host, label, results, commands):
    check, real, check2, real2 = results
    for result in results:
        assert not result.get("failed"), (label, result)
    assert check["changed"] and real["changed"], label
    shown = [["dokku"] + [("********" if arg == SECRET else arg) for arg in c] for c in commands]
    assert check["commands"] == real["commands"] == shown, (label, real["commands"])
    # a secret's marker differs from run to run (by design): compare the diffs without it
    assert unmarked(check["diff"]) == unmarked(real["diff"]) and check["diff"]["before"] != check["diff"]["after"], label
    assert host.writes(label + "-check") == [] and host.writes(label + "-real") == commands, label
    for again in (check2, real2):
        assert not again["changed"] and again["commands"] == [], (label, again)
    assert host.writes(label + "-check2") == [] and host.writes(label + "-real2") == [], label


BAD = [
    ({"app": "web", "properties": {"nginx": {"client-max-body-size": "lots"}}},
     "properties.nginx.client-max-body-size: 'lots' is not a size"),
    ({"app": "web", "properties": {"caddy": {"image": "caddy:2"}}}, "caddy.image is a global property"),
    ({"global": True, "plugin": "git", "property": "rev-env-var", "value": "REV"}, "per app only"),
    ({"app": "web", "plugin": "nginx", "property": "client_max_body_size", "value": "1m"},
     "no settable property 'client_max_body_size'"),
    ({"app": "web", "properties": {"ps": {"stop-timeout-seconds": True}}}, "is a boolean"),
    ({"app": "web", "property": "hsts", "value": True}, "plugin: required with property"),
]


def test_properties_quartets_unset_inheritance_secret_and_refusals(host):
    arrange(host, ["apps:create", "web"], ["apps:create", "api"],
            ["git:set", "web", "deploy-branch", "trunk"], ["nginx:set", "web", "proxy-read-timeout", "30s"])
    app_props = {"nginx": {"client-max-body-size": "50m", "hsts": False, "underscore-in-headers": True,
                           "proxy-read-timeout": None},
                 "ps": {"restart-policy": "always"}, "git": {"deploy-branch": "main"}}
    global_props = {"registry": {"server": "registry.example.com", "push-on-release": True},
                    "nginx": {"client-max-body-size": "10m"}, "letsencrypt": {"graceperiod": 1209600},
                    "traefik": {"basic-auth-password": SECRET, "basic-auth-username": "admin"}}
    quartets = [
        ("app", PROPERTY, {"app": "web", "properties": app_props}, [
            ["git:set", "web", "deploy-branch", "main"],
            ["nginx:set", "web", "client-max-body-size", "50m"],
            ["nginx:set", "web", "hsts", "false"],
            ["nginx:set", "web", "proxy-read-timeout"],
            ["nginx:set", "web", "underscore-in-headers", "on"],
            ["ps:set", "web", "restart-policy", "always"],
            ["proxy:build-config", "web"]]),
        ("global", PROPERTY, {"global": True, "properties": global_props}, [
            ["letsencrypt:set", "--global", "graceperiod", "1209600"],
            ["nginx:set", "--global", "client-max-body-size", "10m"],
            ["registry:set", "--global", "push-on-release", "true"],
            ["registry:set", "--global", "server", "registry.example.com"],
            ["traefik:set", "--global", "basic-auth-password", SECRET],
            ["traefik:set", "--global", "basic-auth-username", "admin"]]),
        ("single", PROPERTY, {"app": "api", "plugin": "proxy", "property": "type", "value": "caddy"}, [
            ["proxy:set", "api", "caddy"]]),
        # the default, with a global 10m the app would inherit: stored on the app explicitly
        ("inherit", PROPERTY, {"app": "api", "properties": {"nginx": {"client-max-body-size": "1m"}}}, [
            ["nginx:set", "api", "client-max-body-size", "1m"],
            ["proxy:build-config", "api"]]),
        ("proxy", APPS, {"apps": [{"name": "api", "proxy_enabled": False}]}, [["proxy:disable", "api"]]),
        ("entry", APPS, {"apps": [{"name": "new", "properties": {
            "scheduler": {"selected": "docker-local"}, "builder": {"selected": "dockerfile"}}}]}, [
            ["apps:create", "new"],
            ["builder:set", "new", "selected", "dockerfile"]]),
    ]
    tasks = []
    for label, module, args, _commands in quartets:
        tasks += tasks_of(label, module, args)
    tasks.append({"module": PROPERTY, "tag": "unset",
                  "args": {"app": "web", "plugin": "git", "property": "deploy-branch", "value": None}})
    tasks += [{"module": PROPERTY, "args": args, "tag": "bad-%d" % i} for i, (args, _p) in enumerate(BAD)]
    results, proc = host.run_tasks(tasks)

    for index, (label, _module, _args, commands) in enumerate(quartets):
        quartet = results[4 * index:4 * index + 4]
        if label == "entry":  # dokku_apps masks the secret-free commands the same way; the app is new
            assert [r["changed"] for r in quartet] == [True, True, False, False], quartet
            assert host.writes("entry-real") == commands and host.writes("entry-check") == []
            assert host.writes("entry-check2") == [] and host.writes("entry-real2") == []
            continue
        assert_quartet(host, label, quartet, commands)

    app_check, global_check = results[0], results[4]
    assert app_check["diff"]["before"] == {
        "git": {"deploy-branch": "trunk"}, "ps": {"restart-policy": None},
        "nginx": {"client-max-body-size": None, "hsts": None, "underscore-in-headers": None,
                  "proxy-read-timeout": "30s"}}
    assert app_check["restart_needed"] is True
    assert app_check["family_diff"]["app:web"]["properties"]["after"]["properties"]["nginx"]["hsts"] == "false"
    # the secret: masked in the diff and the commands, nowhere in Ansible's output
    password = global_check["diff"]["after"]["traefik"]["basic-auth-password"]
    assert password.startswith("<hidden") and SECRET not in str(global_check)
    assert SECRET not in proc.stdout and SECRET not in proc.stderr
    assert global_check["commands"][4][-1] == "********"

    # the state read back from the double
    nginx = host.json("nginx:report", "web", "--format", "json")
    assert (nginx["client-max-body-size"], nginx["hsts"], nginx["underscore-in-headers"], nginx["proxy-read-timeout"]) == (
        "50m", "false", "on", "")
    # rendered again by the proxy:build-config the module ran after its nginx:set calls
    assert "  client_max_body_size 50m;" in host.dokku("nginx:show-config", "web")[1].splitlines()
    assert host.json("ps:report", "web", "--format", "json")["restart-policy"] == "always"
    registry = host.json("registry:report", "--global", "--format", "json")
    assert (registry["global-server"], registry["global-push-on-release"]) == ("registry.example.com", "true")
    assert host.json("proxy:report", "api", "--format", "json")["type"] == "caddy"
    api_nginx = host.json("nginx:report", "api", "--format", "json")
    assert (api_nginx["client-max-body-size"], api_nginx["computed-client-max-body-size"]) == ("1m", "1m")
    assert host.json("builder:report", "new", "--format", "json")["selected"] == "dockerfile"
    assert host.json("traefik:report", "--global", "--format", "json")["global-basic-auth-password"] == SECRET
    assert host.json("letsencrypt:report", "--global", "--format", "json")["global-graceperiod"] == "1209600"

    assert host.json("proxy:report", "api", "--format", "json")["enabled"] == "false"
    assert results[16]["family_diff"]["app:api"]["proxy"] == {
        "before": {"proxy_enabled": True}, "after": {"proxy_enabled": False}, "commands": [["dokku", "proxy:disable", "api"]]}

    unset = results[24]
    assert unset["changed"] and host.writes("unset") == [["git:set", "web", "deploy-branch"]]
    assert host.json("git:report", "web", "--format", "json")["deploy-branch"] == ""

    for (args, problem), result in zip(BAD, results[25:]):
        assert result.get("failed") and problem in result["msg"], (args, result.get("msg"))
    assert [call for call in host.calls() if call.get("tag", "").startswith("bad-")] == []
