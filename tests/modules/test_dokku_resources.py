"""Storage, docker options, resources and networks against the double: dokku_apps with the three app
families in one quartet, the four single modules' quartets, destroys, and refusals - in two playbooks."""

import hashlib
import os

APPS = "selfhosted.dokku.dokku_apps"
M = "selfhosted.dokku.%s"


def arrange(host, *commands):
    for command in commands:
        rc, out, err = host.dokku(*command)
        assert rc == 0, (command, out, err)


def legacy(path):
    return "legacy-" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:10]


def mounts(host, app):
    report = host.json("storage:report", app, "--format", "json")
    count = len([key for key in report if key.startswith("attachment.") and key.endswith(".entry-name")])
    fields = ("entry-name", "container-path", "phases", "process-type", "readonly", "volume-options")
    return sorted(tuple(report["attachment.%d.%s" % (i, field)] for field in fields) for i in range(1, count + 1))


def entries(host):
    return dict((entry["name"], entry) for entry in host.json("storage:list-entries", "--format", "json"))


def options(host, app):
    report = host.json("docker-options:report", app, "--format", "json")
    return dict((phase, report[phase + "-list"]) for phase in ("build", "deploy", "run"))


def resources(host, app):
    report = host.json("resource:report", app, "--format", "json")
    return dict((key, value) for key, value in report.items() if not key.startswith("resource-"))


def test_dokku_apps_converges_storage_docker_options_and_resources_quartet(host):
    uploads = host.lib("data", "storage", "uploads")
    arrange(host, ["apps:create", "web"], ["storage:mount", "web", "/srv/old:/app/old"],
            ["docker-options:add", "web", "deploy", "--shm-size 256m"],
            ["docker-options:add", "web", "deploy", "--shm-size 256m"],
            ["docker-options:add", "web", "build", "--build-arg A=1"],
            ["resource:limit", "web", "--memory", "lots"])
    entry = {
        "name": "web",
        "storage": [{"name": "web-media", "container_dir": "/app/media", "chown": "heroku", "mode": "750"},
                    {"host_path": uploads, "container_dir": "/app/uploads", "chown": "herokuish", "readonly": True}],
        "docker_options": {"deploy": ["--shm-size 256m", '--label "com.example.note=hello world"'], "build": []},
        "resources": {"limits": {"_default_": {"cpu": 1, "memory": "512m"}, "web": {"memory": "256m"}},
                      "reservations": {"_default_": {"memory": "128m"}}},
    }
    expected = [
        ["storage:ensure-directory", "--chown", "herokuish", "uploads"],
        ["storage:create", "web-media", "--chown", "heroku", "--mode", "0750"],
        ["storage:unmount", "web", legacy("/srv/old"), "--container-dir", "/app/old"],
        ["storage:mount", "web", "web-media", "--container-dir", "/app/media"],
        ["storage:mount", "web", uploads + ":/app/uploads:ro"],
        ["docker-options:clear", "web", "build"],
        ["docker-options:clear", "web", "deploy"],  # nothing stored is kept as it is (a duplicate is not)
        ["docker-options:add", "web", "deploy", "--label 'com.example.note=hello world'"],
        ["docker-options:add", "web", "deploy", "--shm-size 256m"],
        ["resource:limit", "web", "--cpu", "1", "--memory", "512m"],
        ["resource:limit", "web", "--process-type", "web", "--memory", "256m"],
        ["resource:reserve", "web", "--memory", "128m"],
    ]
    check, _real, _c2, _r2 = host.quartet(APPS, {"apps": [entry]}, [["dokku"] + args for args in expected])
    assert check["diff"]["before"]["apps"]["web"] == {
        "state": "present",
        "storage": {"/app/old": "/srv/old"},
        "storage_entries": {},
        "storage_directories": {uploads: "absent"},
        "docker_options": {"build": ["--build-arg A=1"], "deploy": ["--shm-size 256m", "--shm-size 256m"]},
        "resources": {"limits": {"_default_": {"memory": "lots"}}, "reservations": {}},
    }
    assert check["diff"]["after"]["apps"]["web"]["storage"] == {"/app/media": "web-media",
                                                                "/app/uploads": uploads + " (readonly)"}
    assert check["family_diff"]["app:web"]["resource"]["after"] == {"resources": {
        "limits": {"_default_": {"cpu": "1", "memory": "512m"}, "web": {"memory": "256m"}},
        "reservations": {"_default_": {"memory": "128m"}}}}
    assert mounts(host, "web") == [("legacy-" + hashlib.sha1(b"/var/lib/dokku/data/storage/uploads").hexdigest()[:10],
                                    "/app/uploads", "deploy,run", "_default_", "true", ""),
                                   ("web-media", "/app/media", "deploy,run", "_default_", "false", "")]
    assert entries(host)["web-media"]["chown"] == "heroku" and entries(host)["web-media"]["mode"] == "0750"
    assert legacy("/srv/old") in entries(host)  # a legacy entry outlives its unmount
    assert os.path.isdir(uploads)
    assert options(host, "web") == {"build": [], "run": [],
                                    "deploy": ["--label 'com.example.note=hello world'", "--shm-size 256m"]}
    assert resources(host, "web") == {"_default_.limit.cpu": "1", "_default_.limit.memory": "512m",
                                      "web.limit.memory": "256m", "_default_.reserve.memory": "128m"}


def quartet_tasks(label, module, args):
    return [{"module": M % module, "args": args, "check": tag.startswith("check"), "tag": "%s-%s" % (label, tag)}
            for tag in ("check", "real", "check2", "real2")]


def assert_quartet(host, label, results, commands):
    check, real, check2, real2 = results
    for result in results:
        assert not result.get("failed"), (label, result)
    assert check["changed"] and real["changed"], label
    assert check["commands"] == real["commands"] == [["dokku"] + c for c in commands], (label, real["commands"])
    assert check["diff"] == real["diff"] and check["diff"]["before"] != check["diff"]["after"], label
    assert host.writes(label + "-check") == [] and host.writes(label + "-real") == commands, label
    for again in (check2, real2):
        assert not again["changed"] and again["commands"] == [], (label, again)
    assert host.writes(label + "-check2") == [] and host.writes(label + "-real2") == [], label


BAD = [
    ("dokku_resource", {"app": "api", "limits": {"_default_": {"memory": "lots"}}}, "limits._default_.memory: 'lots'"),
    ("dokku_resource", {"app": "api", "reservations": {"web": {"nvidia-gpu": 1}}}, "not a reservation key"),
    ("dokku_docker_options", {"app": "api", "deploy": ["--env HOME=$HOME"]}, "deploy[0]"),
    ("dokku_docker_options", {"app": "api", "run": ["--init", "--init"]}, "listed twice"),
    ("dokku_storage", {"app": "api", "mounts": [{"name": "x", "container_dir": "/x", "mode": "0777"}]}, "world-writable"),
    ("dokku_storage", {"app": "api", "mounts": [{"host_path": "/srv/x", "container_dir": "/x", "chown": "heroku"}]},
     "storage root"),
    ("dokku_storage", {"app": "api", "mounts": [{"name": "x", "container_dir": "/x"}], "allow_destroy": True},
     "allow_destroy: only with state=absent"),
    ("dokku_network", {"networks": [{"name": "bridge"}]}, "docker's own networks"),
    ("dokku_network", {"networks": [{"name": "gone", "state": "absent"}]}, "allow_destroy=true"),
]


def test_single_modules_quartets_destroys_and_refusals(host):
    config = "/srv/api-config"
    arrange(host, ["apps:create", "api"], ["apps:create", "web"],
            ["storage:create", "api-data", "--chown", "herokuish"],
            ["docker-options:add", "api", "build", "--build-arg A=0"],
            ["resource:reserve", "api", "--memory", "1g"], ["resource:limit", "api", "--cpu", "2"],
            ["network:create", "old"], ["network:create", "attached"])
    os.makedirs(host.lib("config", "network", "web"), exist_ok=True)
    with open(host.lib("config", "network", "web", "attach-post-deploy"), "w", encoding="utf-8") as handle:
        handle.write("attached\n")
    storage_mounts = [{"name": "api-data", "container_dir": "/data", "process_type": "worker", "phases": ["run"],
                       "chown": "root"},
                      {"host_path": config, "container_dir": "/config", "readonly": True, "volume_options": "Z"}]
    quartets = [
        ("storage", "dokku_storage", {"app": "api", "mounts": storage_mounts}, [
            ["storage:set", "api-data", "chown", "root"],
            ["storage:mount", "api", "api-data", "--container-dir", "/data", "--phase", "run", "--process-type", "worker"],
            ["storage:mount", "api", config + ":/config:ro,Z"]]),
        ("options", "dokku_docker_options", {"app": "api", "build": ["--build-arg A=1 --build-arg B=2"],
                                             "run": ["--ulimit nofile=12"]}, [
            ["docker-options:clear", "api", "build"],
            ["docker-options:add", "api", "build", "--build-arg A=1"],
            ["docker-options:add", "api", "build", "--build-arg B=2"],
            ["docker-options:add", "api", "run", "--ulimit nofile=12"]]),
        ("resource", "dokku_resource", {"app": "api", "limits": {"_default_": {"cpu": "2"}, "worker": {"cpu": "0.25"}},
                                        "reservations": {}}, [
            ["resource:limit", "api", "--process-type", "worker", "--cpu", "0.25"],
            ["resource:reserve-clear", "api", "--process-type", "_default_"]]),
        ("network", "dokku_network", {"networks": [{"name": "backend"}, {"name": "old", "state": "absent"}],
                                      "allow_destroy": True}, [
            ["network:create", "backend"], ["network:destroy", "old", "--force"]]),
    ]
    tasks = []
    for label, module, args, _commands in quartets:
        tasks += quartet_tasks(label, module, args)
    tasks += [
        {"module": M % "dokku_storage", "tag": "destroy",
         "args": {"app": "api", "mounts": storage_mounts, "state": "absent", "allow_destroy": True}},
        {"module": M % "dokku_network", "tag": "attached",
         "args": {"networks": [{"name": "attached", "state": "absent"}], "allow_destroy": True}},
    ]
    tasks += [{"module": M % module, "args": args, "tag": "bad-%d" % i} for i, (module, args, _p) in enumerate(BAD)]
    results, proc = host.run_tasks(tasks)

    for index, (label, _module, _args, commands) in enumerate(quartets):
        assert_quartet(host, label, results[4 * index:4 * index + 4], commands)
    storage_check = results[0]
    assert storage_check["diff"]["after"]["storage"] == {
        "/data [worker]": "api-data (phases=run)", "/config": config + " (readonly, options=Z)"}
    assert storage_check["family_diff"]["app:api"]["storage"]["after"]["storage_entries"] == {
        "api-data": host.lib("data", "storage", "api-data") + " (chown=root)"}
    assert results[12]["networks"] == {"backend": "present", "old": "absent"}
    assert options(host, "api")["build"] == ["--build-arg A=1", "--build-arg B=2"]
    assert resources(host, "api") == {"_default_.limit.cpu": "2", "worker.limit.cpu": "0.25"}

    destroy, attached = results[16], results[17]
    assert not destroy.get("failed"), destroy
    assert host.writes("destroy") == [
        ["storage:unmount", "api", legacy(config), "--container-dir", "/config"],
        ["storage:unmount", "api", "api-data", "--container-dir", "/data"],
        ["storage:destroy", "api-data", "--force", "--destroy-host-dir"],
        ["storage:destroy", legacy(config), "--force"],
    ]
    assert mounts(host, "api") == [] and entries(host) == {}
    assert not os.path.exists(host.lib("data", "storage", "api-data"))
    assert attached["failed"] and "attached to app web" in attached["msg"], attached
    assert host.writes("attached") == []
    assert "attached" in [n["Name"] for n in host.json("network:list", "--format", "json")]

    for i, ((module, _args, problem), result) in enumerate(zip(BAD, results[18:])):
        assert result.get("failed") and problem in result["msg"], (module, result.get("msg"), proc.stderr[-500:])
        assert host.calls(tag="bad-%d" % i) == [], module
