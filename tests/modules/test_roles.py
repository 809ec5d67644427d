"""Every role validates its variables at start, and its README is generated from that spec."""

import os
import subprocess
import sys

import yaml

from harness import REPO

WRONG = {
    "apt_upgrade": {"apt_upgrade_mode": "sideways"},
    "dokku_install": {"dokku_install_vhost_enable": "maybe"},
    "dokku_ssh_keys": {"dokku_ssh_keys_keys": "admin"},
    "dokku_global": {"dokku_global_domains": {"not": "a list"}},
    "dokku_plugins": {"dokku_plugins_plugins": [{"url": "https://github.com/dokku/dokku-postgres.git"}]},
    "dokku_apps": {"dokku_apps_apps": [{"name": "web", "config_exclusive": "sometimes"}]},
    "dokku_letsencrypt": {"dokku_letsencrypt_cron_job": "daily"},
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
