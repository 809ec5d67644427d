"""Parity: for the same desired state, the single-resource modules and dokku_apps issue the same commands.

Each case arranges two identical hosts, runs on one the single-resource modules that reach a
desired state and on the other dokku_apps with the entry that says the same, and compares their
``commands``, the hosts' state afterwards and, for the families both report, their uniform
``family_diff``. Both plan through the same family code; this test fails when one path's
commands are changed by hand.
"""

import json

import pytest
from gitrepo import Source  # pylint: disable=import-error
from harness import DOUBLE, DokkuHost

APPS = "selfhosted.dokku.dokku_apps"
M = "selfhosted.dokku.%s"
DSN_PASSWORD = "ParityPassw0rd"


def arrange(host, *commands):
    for command in commands:
        rc, out, err = host.dokku(*command)
        assert rc == 0, (command, out, err)


CASES = [
    # (label, arrangement, single-module tasks, dokku_apps entry)
    ("create an app", [],
     [("dokku_app", {"name": "web"})],
     {"name": "web"}),
    ("destroy an app", [["apps:create", "web"]],
     [("dokku_app", {"name": "web", "state": "absent", "allow_destroy": True})],
     {"name": "web", "state": "absent", "allow_destroy": True}),
    ("config vars, exclusive", [["apps:create", "web"], ["config:set", "--no-restart", "web", "OLD=1", "KEEP=x"]],
     [("dokku_config", {"app": "web", "config": {"KEEP": "x", "NEW": "value-2"}, "exclusive": True})],
     {"name": "web", "config": {"KEEP": "x", "NEW": "value-2"}, "config_exclusive": True}),
    ("domains, exactly", [["domains:set-global", "example.com"], ["apps:create", "web"]],
     [("dokku_domains", {"app": "web", "domains": ["web.example.com", "www.example.com"], "state": "exact"})],
     {"name": "web", "domains": ["web.example.com", "www.example.com"]}),
    ("vhosts off", [["domains:set-global", "example.com"], ["apps:create", "web"]],
     [("dokku_domains", {"app": "web", "vhosts_enabled": False})],
     {"name": "web", "vhosts_enabled": False}),
    ("ports, exactly", [["apps:create", "web"], ["ports:set", "web", "http:8080:5000"]],
     [("dokku_ports", {"app": "web", "mappings": ["http:80:5000", "https:443:5000"]})],
     {"name": "web", "ports": ["http:80:5000", "https:443:5000"]}),
    ("a service created and linked", [["apps:create", "web"]],
     [("dokku_service", {"name": "web-db"}),
      ("dokku_service_link", {"service": "web-db", "app": "web", "alias": "PRIMARY"})],
     {"name": "web", "services": [{"name": "web-db", "alias": "PRIMARY"}]}),
    ("a service unlinked and destroyed",
     [["apps:create", "web"], ["postgres:create", "web-db", "--password", DSN_PASSWORD],
      ["--quiet", "postgres:link", "web-db", "web", "--no-restart"]],
     [("dokku_service_link", {"service": "web-db", "app": "web", "state": "absent"}),
      ("dokku_service", {"name": "web-db", "state": "absent", "allow_destroy": True})],
     {"name": "web", "services": [{"name": "web-db", "state": "absent", "allow_destroy": True}]}),
    ("a certificate", [["domains:set-global", "example.com"], ["apps:create", "web"],
                       ["ports:set", "web", "http:80:5000"], ["letsencrypt:set", "--global", "email", "a@example.com"]],
     [("dokku_letsencrypt", {"app": "web", "state": "enabled"})],
     {"name": "web", "letsencrypt": True}),
    ("storage, docker options and resources",
     [["apps:create", "web"], ["docker-options:add", "web", "deploy", "--shm-size 1g"],
      ["storage:mount", "web", "/srv/old:/old"]],
     [("dokku_storage", {"app": "web", "mounts": [{"name": "web-data", "container_dir": "/data", "chown": "heroku"}]}),
      ("dokku_docker_options", {"app": "web", "deploy": ['--label "a=b c"']}),
      ("dokku_resource", {"app": "web", "limits": {"_default_": {"memory": "512m"}}})],
     {"name": "web", "storage": [{"name": "web-data", "container_dir": "/data", "chown": "heroku"}],
      "docker_options": {"deploy": ['--label "a=b c"']}, "resources": {"limits": {"_default_": {"memory": "512m"}}}}),
    ("a custom certificate", [["domains:set-global", "example.com"], ["apps:create", "web"]],
     [("dokku_certs", {"app": "web", "cert_file": DOUBLE + "/fixtures/srv/certs/server.crt",
                       "key_file": DOUBLE + "/fixtures/srv/certs/server.key"})],
     {"name": "web", "certificate": {"cert_file": DOUBLE + "/fixtures/srv/certs/server.crt",
                                     "key_file": DOUBLE + "/fixtures/srv/certs/server.key"}}),
    ("an exact scale", [["apps:create", "web"], ["ps:scale", "--skip-deploy", "web", "clock=1"]],
     [("dokku_ps", {"app": "web", "scale": {"web": 2, "worker": 1}})],
     {"name": "web", "scale": {"web": 2, "worker": 1}}),
    ("an image deploy", [["apps:create", "web"]],
     [("dokku_git_image", {"app": "web", "image": "nginx:1.27"})],
     {"name": "web", "deploy": {"image": "nginx:1.27"}}),
]


def state(host):
    """What a parity case can change on a host, read back from the double."""
    apps = host.json("apps:list", "--format", "json")
    services = host.dokku("--quiet", "postgres:list")[1].split()
    return {
        "apps": apps,
        "services": services,
        "config": dict((app, sorted(host.json("config:export", "--format", "json", app))) for app in apps),
        "domains": dict((app, host.json("domains:report", app, "--format", "json")["app-vhosts"]) for app in apps),
        "ports": dict((app, host.dokku("ports:report", app, "--ports-map")[1]) for app in apps),
        "storage": dict((app, host.dokku("storage:report", app, "--format", "json")[1].replace(host.lib(), "LIB"))
                        for app in apps),
        "storage_entries": host.dokku("storage:list-entries", "--format", "json")[1].replace(host.lib(), "LIB"),
        "docker_options": dict((app, host.json("docker-options:report", app, "--format", "json")) for app in apps),
        "resources": dict((app, host.json("resource:report", app, "--format", "json")) for app in apps),
    }


@pytest.mark.parametrize("label, arrangement, singles, entry", CASES, ids=[case[0] for case in CASES])
def test_single_modules_and_dokku_apps_issue_the_same_commands(tmp_path, label, arrangement, singles, entry):
    single_host, bulk_host = DokkuHost(tmp_path / "single"), DokkuHost(tmp_path / "bulk")
    for host in (single_host, bulk_host):
        arrange(host, *arrangement)
    results, proc = single_host.run_tasks(
        [{"module": M % name, "args": args, "tag": "single-%d" % index} for index, (name, args) in enumerate(singles)])
    bulk, bulk_proc = bulk_host.run_tasks([{"module": APPS, "args": {"apps": [entry]}, "tag": "bulk"}])
    bulk = bulk[0]
    for result in results + [bulk]:
        assert not result.get("failed"), (label, result, proc.stderr[-2000:], bulk_proc.stderr[-2000:])
    single_commands = [command for result in results for command in result["commands"]]
    assert single_commands, label
    assert bulk["commands"] == single_commands, label
    assert state(single_host) == state(bulk_host), label
    # what the single modules report in the uniform shape, dokku_apps reports alike (config values
    # are markers of one run, and the app's own state is dokku_app's alone)
    for result in results:
        for scope, families in result["family_diff"].items():
            for family, sides in families.items():
                if scope == "global" or family in ("apps", "config"):
                    continue
                values = dict((side, sides[side]) for side in ("before", "after"))  # the commands are compared above
                if family == "ps":  # dokku_ps's scale is the scale option of a dokku_apps entry
                    family, values = "scale", dict((side, {"scale": value["ps"].get("scale")})
                                                   for side, value in values.items())
                theirs = bulk["family_diff"][scope][family]
                assert subset(relative(values, single_host), relative(theirs, bulk_host)), (label, scope, family)


def relative(value, host):
    """A value with the host's own Dokku directory (its test root) written as LIB."""
    return json.loads(json.dumps(value).replace(host.lib(), "LIB"))


def subset(mine, theirs):
    """Every leaf of ``mine`` is in ``theirs`` with the same value."""
    if isinstance(mine, dict):
        return isinstance(theirs, dict) and all(key in theirs and subset(value, theirs[key])
                                                for key, value in mine.items())
    return mine == theirs


def test_a_git_deploy_is_the_same_command_from_both(host, tmp_path):
    source = Source(tmp_path / "src")
    sha = source.commit("A")
    arrange(host, ["apps:create", "web"])
    results, _proc = host.run_tasks([
        {"module": M % "dokku_git_sync", "args": {"app": "web", "repository": source.url, "ref": "main"},
         "check": True, "tag": "single"},
        {"module": APPS, "args": {"apps": [{"name": "web", "deploy": {"repository": source.url, "ref": "main"}}]},
         "check": True, "tag": "bulk"},
    ])
    single, bulk = results
    assert single["commands"] == bulk["commands"] == [["dokku", "git:sync", "--build", "web", source.url, sha]]
    assert single["family_diff"]["app:web"]["deploy"] == bulk["family_diff"]["app:web"]["deploy"]
