"""The drift check over storage, docker options, resources and networks: converge through the roles,
change one thing by hand per family, and the report has exactly one finding for each."""

import json
import os
import subprocess
import sys

import yaml
from ansible_collections.selfhosted.dokku.plugins.filter.dokku_inventory import dokku_inventory

from harness import REPO, validate_drift_report

INVENTORY_VARS = {
    "ansible_connection": "local",
    "ansible_become": False,
    "dokku_global_networks": [{"name": "backend"}],
    "dokku_apps_apps": [{
        "name": "web",
        "storage": [{"name": "web-data", "container_dir": "/data"}, {"host_path": "/srv/web", "container_dir": "/srv"}],
        "docker_options": {"deploy": ["--shm-size 256m"], "run": []},
        "resources": {"limits": {"_default_": {"memory": "512m", "cpu": "1"}}},
    }],
}
TAGS = "dokku_global,dokku_apps"


def playbook(host, name, inventory, env=None, tag="run"):
    environ = host.ansible_env(env)
    environ["DOKKU_DOUBLE_TAG"] = tag
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), os.path.join("playbooks", name),
         "-i", inventory, "--tags", TAGS],
        capture_output=True, text=True, env=environ, cwd=REPO, check=False)


def test_one_hand_change_per_family_is_one_finding_each(bare_host):
    host = bare_host
    inventory = os.path.join(host.workdir, "inventory.yml")
    with open(inventory, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"dokku": {"hosts": {"domain.com": INVENTORY_VARS}}}, handle)
    converge = playbook(host, "site.yml", inventory, tag="converge")
    assert converge.returncode == 0, converge.stdout[-3000:]
    # what dokku_info reads, exported, is the inventory again
    facts = host.run("selfhosted.dokku.dokku_info", {}, tag="info")["dokku"]
    exported = dokku_inventory(facts)
    web = [entry for entry in exported["vars"]["dokku_apps_apps"] if entry["name"] == "web"][0]
    wanted = INVENTORY_VARS["dokku_apps_apps"][0]
    assert web["storage"] == wanted["storage"] and web["resources"] == wanted["resources"]
    assert web["docker_options"] == {"deploy": ["--shm-size 256m"]}
    assert exported["vars"]["dokku_global_networks"] == [{"name": "backend"}] and not exported["skipped"]
    for args in (["storage:unmount", "web", "web-data", "--container-dir", "/data"],
                 ["docker-options:add", "web", "deploy", "--init"],
                 ["resource:limit", "web", "--memory", "1g"],
                 ["network:destroy", "backend", "--force"]):
        rc, out, err = host.dokku(*args)
        assert rc == 0, (args, out, err)

    reports = os.path.join(host.workdir, "reports")
    drift = playbook(host, "drift_check.yml", inventory, tag="drift", env={
        "ANSIBLE_CALLBACKS_ENABLED": "selfhosted.dokku.dokku_drift", "DOKKU_DRIFT_REPORT_DIR": reports,
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default"})
    assert host.writes("drift") == []
    with open(os.path.join(reports, "latest.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    validate_drift_report(report)
    findings = report["hosts"]["domain.com"]["findings"]
    got = sorted((f["resource"]["type"], f["resource"].get("name"), f["field"], f["expected"], f["actual"])
                 for f in findings)
    assert got == sorted([
        ("storage_mount", "/data", "mount", "web-data", None),
        ("docker_options", "deploy", "options", ["--shm-size 256m"], ["--init", "--shm-size 256m"]),
        ("resource_limit", "_default_", "memory", "512m", "1g"),
        ("network", "backend", "state", "present", "absent"),
    ]), json.dumps(findings, indent=1)
    assert report["exit_code"] == 2, drift.stdout[-2000:]
    assert all(f["fix"] for f in findings)
