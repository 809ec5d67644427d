"""All-app reports: a dokku_apps run over most of a host's apps reads each report once for every app.

Dokku 0.38.27 prints ``PLUGIN:report --format json`` without an app as one JSON object per app, in
``apps:list`` order, without the app's name.  The state reader pairs the rows with ``apps:list``
when the latency model says one such call costs less than a call per app.  These tests prove the
pairing against the double: each app gets its own values (a misordered pairing would plan another
app's values), the plan equals what per-app reads give, and a failed all-app read falls back to them.
"""

APPS = "selfhosted.dokku.dokku_apps"
MANAGED = ["api", "beta", "cron-worker", "web"]
REPORTS = ["nginx:report", "ps:report", "checks:report", "resource:report", "docker-options:report", "storage:report"]


def entry(index, name):
    return {
        "name": name,
        "properties": {"nginx": {"client-max-body-size": "%dm" % (10 + index)}, "ps": {"restart-policy": "always"}},
        "checks": {"skipped": ["worker"]},
        "resources": {"limits": {"web": {"memory": "%dm" % (256 * (index + 1))}}},
        "docker_options": {"deploy": ["--shm-size %dm" % (64 * (index + 1))]},
        "storage": [{"name": name + "-data", "container_dir": "/app/data"}],
    }


ENTRIES = [entry(index, name) for index, name in enumerate(MANAGED)]


def arrange(host):
    """Five apps (one unmanaged), each managed app with another part already as desired."""
    for name in MANAGED + ["zeta"]:
        assert host.dokku("apps:create", name)[0] == 0
    for command in (["nginx:set", "api", "client-max-body-size", "10m"], ["nginx:set", "web", "client-max-body-size", "99m"],
                    ["resource:limit", "beta", "--process-type", "web", "--memory", "512m"],
                    ["docker-options:add", "cron-worker", "deploy", "--shm-size 192m"],
                    ["checks:skip", "web", "worker"], ["ps:set", "zeta", "restart-policy", "no"]):
        rc, out, err = host.dokku(*command)
        assert rc == 0, (command, out, err)


def reads(host, tag):
    return [call["argv"] for call in host.calls(tag=tag, kind="read")]


def per_app(diff, name):
    return diff["before"]["apps"][name], diff["after"]["apps"][name]


def app_commands(result, name):
    return [command for command in result["commands"] if command[2] in (name, name + "-data")]


def test_most_apps_read_each_report_once_and_plan_as_per_app_reads(host):
    arrange(host)
    bulk = host.run(APPS, {"apps": ENTRIES, "create_apps": False}, check=True, tag="bulk")
    assert bulk["changed"] is True and host.writes("bulk") == []
    argvs = reads(host, "bulk")
    for report in REPORTS:
        assert argvs.count([report, "--format", "json"]) == 1, (report, argvs)
        assert not [argv for argv in argvs if argv[0] == report and argv[1] in MANAGED], (report, argvs)
    for name in MANAGED:
        one = host.run(APPS, {"apps": [e for e in ENTRIES if e["name"] == name], "create_apps": False},
                       check=True, tag="one-" + name)
        assert [argv for argv in reads(host, "one-" + name) if argv[0] == "nginx:report"] == [
            ["nginx:report", name, "--format", "json"]]
        assert per_app(bulk["diff"], name) == per_app(one["diff"], name), name
        assert app_commands(bulk, name) == one["commands"], name
    # each app's own state, not a neighbour's: the parts already in sync are not planned
    assert ["dokku", "nginx:set", "api", "client-max-body-size", "10m"] not in bulk["commands"]
    assert ["dokku", "nginx:set", "web", "client-max-body-size", "13m"] in bulk["commands"]
    assert not [c for c in bulk["commands"] if c[1] == "resource:limit" and c[2] == "beta"]
    assert not [c for c in bulk["commands"] if c[1].startswith("docker-options:") and c[2] == "cron-worker"]
    assert not [c for c in bulk["commands"] if c[1] == "checks:skip" and c[2] == "web"]
    assert bulk["diff"]["before"]["apps"]["web"]["properties"]["nginx"]["client-max-body-size"] == "99m"

    real = host.run(APPS, {"apps": ENTRIES, "create_apps": False}, tag="real")
    assert real["commands"] == bulk["commands"]
    again = host.run(APPS, {"apps": ENTRIES, "create_apps": False}, check=True, tag="again")
    assert again["changed"] is False and again["commands"] == [] and host.writes("again") == []
    assert reads(host, "again").count(["nginx:report", "--format", "json"]) == 1


def test_a_failed_all_app_read_falls_back_to_per_app_reads(host):
    arrange(host)
    expected = host.run(APPS, {"apps": ENTRIES, "create_apps": False}, check=True, tag="expected")
    host.faults([{"on": "read", "command": "nginx:report", "rc": 1, "stderr": " !     boom\n"}])
    result = host.run(APPS, {"apps": ENTRIES, "create_apps": False}, check=True, tag="fallback")
    nginx = [argv for argv in reads(host, "fallback") if argv[0] == "nginx:report"]
    per_app_reads = [["nginx:report", name, "--format", "json"] for name in MANAGED]
    assert nginx == [["nginx:report", "--format", "json"]] + per_app_reads
    assert result["commands"] == expected["commands"] and result["diff"] == expected["diff"]


def test_a_few_apps_of_many_keep_per_app_reads(host):
    arrange(host)
    for index in range(8):
        assert host.dokku("apps:create", "extra%d" % index)[0] == 0
    host.run(APPS, {"apps": ENTRIES[:2], "create_apps": False}, check=True, tag="few")
    argvs = reads(host, "few")
    assert ["nginx:report", "--format", "json"] not in argvs
    # run ahead side by side: in either order
    assert sorted(argv for argv in argvs if argv[0] == "nginx:report") == [
        ["nginx:report", "api", "--format", "json"], ["nginx:report", "beta", "--format", "json"]]
