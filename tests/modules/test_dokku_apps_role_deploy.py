"""The dokku_apps role's deploy blocks and its restart handler, against the double.

A deploy runs once per new commit (or image); a re-run deploys nothing; a deployed app whose
settings changed is restarted once by the handler, at the end; an app deployed by the same run
is not restarted again; dokku_apps_restart_on_change=false turns the handler off.
"""

import json
import os

import pytest
from gitrepo import Source  # pylint: disable=import-error

IMAGE = "ghcr.io/example/api:1.0"


@pytest.fixture
def source(tmp_path):
    return Source(tmp_path / "src")


def converge(host, tag, apps, check=False, **role_vars):
    variables = dict(role_vars, dokku_apps_apps=apps)
    path = os.path.join(host.workdir, "vars-%s.json" % tag)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(variables, handle)
    play = os.path.join(host.workdir, "play-%s.yml" % tag)
    with open(play, "w", encoding="utf-8") as handle:
        handle.write("- hosts: localhost\n  gather_facts: false\n  roles:\n    - selfhosted.dokku.dokku_apps\n")
    args = ["-i", "localhost,", "-c", "local", play, "-e", "@" + path, "--diff"] + (["--check"] if check else [])
    report, proc = host.playbook(args, tag=tag)
    stats = report["stats"]["localhost"]
    assert stats["failures"] == 0, proc.stdout[-4000:]
    tasks = dict((task["task"]["name"].split(" : ")[-1], task["hosts"].get("localhost", {})) for task in report["plays"][0]["tasks"])
    return stats, tasks


def web(source, **extra):
    entry = {"name": "web", "config": {"GREETING": "hello"}, "domains": ["web.example.com"],
             "deploy": {"repository": source.url, "ref": "main"}}
    entry.update(extra)
    return entry


def test_a_deploy_block_deploys_once_then_nothing_until_a_new_commit(host, source):
    sha_a = source.commit("A")
    stats, _tasks = converge(host, "check", [web(source)], check=True)
    assert host.writes("check") == []

    stats, _tasks = converge(host, "first", [web(source)])
    writes = host.writes("first")
    assert ["git:sync", "--build", "web", source.url, sha_a] in writes
    # created, configured and deployed in one run: no restart on top of the deploy
    assert [w for w in writes if w[0].startswith("ps:")] == []
    assert host.json("apps:report", "web", "--format", "json")["deploy-source-metadata"] == "%s#%s" % (
        source.url, sha_a)

    stats, _tasks = converge(host, "again", [web(source)])
    assert stats["changed"] == 0 and host.writes("again") == []

    sha_b = source.commit("B")
    converge(host, "new-commit", [web(source)])
    assert host.writes("new-commit") == [["git:sync", "--build", "web", source.url, sha_b]]


def test_changed_settings_restart_a_deployed_app_once_at_the_end(host, source):
    source.commit("A")
    converge(host, "first", [web(source)])

    changed = web(source, config={"GREETING": "hi"}, domains=["web.example.com", "www.example.com"])
    stats, tasks = converge(host, "settings", [changed])
    assert host.writes("settings") == [
        ["config:import", "--no-restart", "--format", "json", "web", "-"],
        ["domains:set", "web", "web.example.com", "www.example.com"],
        ["ps:restart", "web"],
    ]
    assert tasks["Converge the apps"]["needs_restart"] == ["web"]
    assert stats["changed"] == 2  # the apps task and the handler

    converge(host, "domains-only", [web(source, config={"GREETING": "hi"}, domains=["web.example.com"])],
             dokku_apps_restart_mode="rebuild")
    assert host.writes("domains-only") == [["domains:set", "web", "web.example.com"], ["ps:rebuild", "web"]]


def test_check_mode_predicts_the_restart_and_changes_nothing(host, source):
    source.commit("A")
    converge(host, "first", [web(source)])
    stats, tasks = converge(host, "check", [web(source, config={"GREETING": "hi"})], check=True)
    assert host.writes("check") == []
    assert tasks["Restart the apps whose settings changed"]["changed"] is True
    assert stats["changed"] == 2


def test_a_run_that_deploys_the_app_does_not_restart_it_as_well(host, source):
    source.commit("A")
    converge(host, "first", [web(source)])
    sha_b = source.commit("B")
    converge(host, "both", [web(source, config={"GREETING": "hi"})])
    assert host.writes("both") == [
        ["config:import", "--no-restart", "--format", "json", "web", "-"],
        ["git:sync", "--build", "web", source.url, sha_b],
    ]


def test_the_handler_can_be_turned_off(host, source):
    source.commit("A")
    converge(host, "first", [web(source)])
    converge(host, "off", [web(source, config={"GREETING": "hi"})], dokku_apps_restart_on_change=False)
    assert host.writes("off") == [["config:import", "--no-restart", "--format", "json", "web", "-"]]


def test_an_image_deploy_block_and_an_app_without_one(host):
    apps = [{"name": "api", "deploy": {"image": IMAGE}}, {"name": "worker", "config": {"MODE": "batch"}}]
    converge(host, "first", apps)
    writes = host.writes("first")
    assert ["git:from-image", "api", IMAGE] in writes
    assert not [w for w in writes if w[0].startswith("git:") and "worker" in w]
    converge(host, "again", apps)
    assert host.writes("again") == []


def test_a_deploy_block_needs_exactly_one_source(host, source):
    play = os.path.join(host.workdir, "play.yml")
    with open(play, "w", encoding="utf-8") as handle:
        handle.write("- hosts: localhost\n  gather_facts: false\n  roles:\n    - selfhosted.dokku.dokku_apps\n")
    for deploy in ({"repository": source.url, "image": IMAGE}, {"ref": "main"}):
        variables = os.path.join(host.workdir, "vars.json")
        with open(variables, "w", encoding="utf-8") as handle:
            json.dump({"dokku_apps_apps": [{"name": "web", "deploy": deploy}]}, handle)
        report, _proc = host.playbook(["-i", "localhost,", "-c", "local", play, "-e", "@" + variables], tag="bad")
        assert report["stats"]["localhost"]["failures"] == 1
        assert host.writes("bad") == []
