"""Every role validates its variables at start, and its README is generated from that spec."""

import os
import subprocess
import sys

import yaml

from harness import REPO, DokkuHost

WRONG = {
    "apt_upgrade": {"apt_upgrade_mode": "sideways"},
    "dokku_install": {"dokku_install_vhost_enable": "maybe"},
    "dokku_ssh_keys": {"dokku_ssh_keys_keys": "admin"},
    "dokku_global": {"dokku_global_domains": {"not": "a list"}},
    "dokku_plugins": {"dokku_plugins_plugins": [{"url": "https://github.com/dokku/dokku-postgres.git"}]},
    "dokku_apps": {"dokku_apps_apps": [{"name": "web", "config_exclusive": "sometimes"}]},
    "dokku_letsencrypt": {"dokku_letsencrypt_cron_job": "daily"},
    "dokku_k3s": {"dokku_k3s_ingress_class": "haproxy"},
    "host_hardening": {"host_hardening_firewall_tcp_ports": "http"},
    "restore_drill": {"restore_drill_type": "cassandra", "restore_drill_service": "db", "restore_drill_check": "SELECT 1;"},
    "drift_schedule": {"drift_schedule_method": "anacron", "drift_schedule_inventory": "/etc/dokku/inventory.yml"},
}


def test_every_role_is_covered():
    assert sorted(WRONG) == sorted(os.listdir(os.path.join(REPO, "roles")))


def test_wrong_variables_stop_every_role_before_any_change(bare_host):
    tasks = []
    for role, variables in sorted(WRONG.items()):
        tasks.append(
            {
                "name": role,
                "block": [{"ansible.builtin.include_role": {"name": "selfhosted.dokku." + role}, "vars": variables}],
                "rescue": [{"ansible.builtin.set_fact": {"failure_" + role: "{{ ansible_failed_result.msg }}"}}],
            }
        )
    path = os.path.join(bare_host.workdir, "roles.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], handle)
    report, proc = bare_host.playbook(["-i", "localhost,", "-c", "local", path], tag="roles")
    messages = {}
    for task in report["plays"][0]["tasks"]:
        result = task["hosts"]["localhost"]
        for key, value in result.get("ansible_facts", {}).items():
            messages[key[len("failure_"):]] = value
    assert sorted(messages) == sorted(WRONG), proc.stdout[-3000:]
    for role, variables in WRONG.items():
        name = next(iter(variables))
        assert name in messages[role], (role, messages[role])
    assert bare_host.calls(tag="roles") == []


def test_role_readmes_are_generated_from_the_specs():
    proc = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "role_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def run_role_refusals(host, role, cases):
    """Include ``role`` once per case (vars) in block/rescue; returns each case's failure message."""
    tasks = []
    for index, variables in enumerate(cases):
        tasks.append({
            "name": "case %d" % index,
            "block": [{"ansible.builtin.include_role": {"name": "selfhosted.dokku." + role}, "vars": variables}],
            "rescue": [{"ansible.builtin.set_fact": {"failure_%d" % index: "{{ ansible_failed_result.msg }}"}}],
        })
    path = os.path.join(host.workdir, "refusals.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], handle)
    report, proc = host.playbook(["-i", "localhost,", "-c", "local", path], tag="refusals")
    messages = {}
    for task in report["plays"][0]["tasks"]:
        for key, value in task["hosts"]["localhost"].get("ansible_facts", {}).items():
            messages[int(key[len("failure_"):])] = value
    assert sorted(messages) == list(range(len(cases))), proc.stdout[-3000:]
    return [messages[index] for index in range(len(cases))]


def test_dokku_install_refuses_a_bad_pin_naming_the_variable(bare_host):
    pinned = {"dokku_install_bootstrap_checksum": "0" * 64}
    leading_v, old, not_a_release = run_role_refusals(bare_host, "dokku_install", [
        {"dokku_install_version": "v0.38.27"},
        # a checksum pinned for it does not make an unsupported release acceptable
        dict(pinned, dokku_install_version="0.26.8"),
        {"dokku_install_version": "latest"},
    ])
    assert 'dokku_install_version is "v0.38.27"' in leading_v and "without the leading" in leading_v
    assert 'dokku_install_version: "0.38.27"' in leading_v and "vv0" not in leading_v
    assert 'dokku_install_version is "0.26.8", older than 0.38.0' in old
    assert 'dokku_install_version is "latest"' in not_a_release
    for message in (leading_v, old, not_a_release):
        assert "Nothing was changed" in message
    assert bare_host.calls(tag="refusals") == []


def test_dokku_install_minimum_is_the_modules_minimum(tmp_path):
    """The role refuses exactly the releases the modules refuse: the newest one below its minimum
    fails in a module, its minimum passes."""
    with open(os.path.join(REPO, "roles", "dokku_install", "vars", "main.yml"), encoding="utf-8") as handle:
        minimum = yaml.safe_load(handle)["dokku_install_minimum_version"]
    major, minor, _patch = (int(part) for part in minimum.split("."))
    assert minimum == "%d.%d.0" % (major, minor)
    below = DokkuHost(tmp_path / "below", plugins=(), version="%d.%d.99" % (major, minor - 1))
    assert below.run("selfhosted.dokku.dokku_info", {}).get("failed"), "a module accepted a release below the role's minimum"
    at = DokkuHost(tmp_path / "at", plugins=(), version=minimum)
    result = at.run("selfhosted.dokku.dokku_info", {})
    assert not result.get("failed"), result
