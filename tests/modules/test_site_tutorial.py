"""playbooks/site.yml with the example inventory converges the tutorial's host on the double.

apt_upgrade and dokku_install act on the machine itself, so they are skipped here (molecule
runs them in a container); every Dokku role runs against the double.
"""

import os

from harness import REPO

INVENTORY = os.path.join(REPO, "inventory", "example")


def site(host, tag, check=False):
    local = os.path.join(host.workdir, "local.yml")
    with open(local, "w", encoding="utf-8") as handle:
        handle.write("dokku:\n  hosts:\n    domain.com:\n      ansible_connection: local\n")
    args = ["playbooks/site.yml", "-i", INVENTORY, "-i", local, "--skip-tags", "apt_upgrade,dokku_install",
            "-e", "ansible_become=false"] + (["--check"] if check else [])
    report, proc = host.playbook(args, tag=tag)
    stats = report["stats"]["domain.com"]
    assert stats["failures"] == 0 and stats["unreachable"] == 0, proc.stdout[-4000:]
    return stats


def test_tutorial_converges_then_stays_unchanged(bare_host):
    host = bare_host
    check = site(host, "check", check=True)
    assert check["changed"] > 0
    assert host.writes("check") == []

    first = site(host, "first")
    assert first["changed"] > 0
    writes = host.writes("first")
    assert ["apps:create", "djangotutorial"] in writes
    assert ["postgres:create", "djangotutorial-datastore"] in writes
    assert ["--quiet", "postgres:link", "djangotutorial-datastore", "djangotutorial", "--no-restart"] in writes
    assert ["letsencrypt:cron-job", "--add"] in writes

    second = site(host, "second")
    assert second["changed"] == 0
    assert host.writes("second") == []

    # the tutorial's end state, read back from the double
    assert host.json("apps:list", "--format", "json") == ["djangotutorial"]
    assert host.json("domains:report", "--global", "--format", "json")["global-vhosts"] == "domain.com"
    config = host.json("config:export", "--format", "json", "djangotutorial")
    assert config["ALLOWED_HOSTS"] == "djangotutorial.domain.com"
    assert config["DATABASE_URL"].startswith("postgres://postgres:")
    assert config["DATABASE_URL"].endswith("@dokku-postgres-djangotutorial-datastore:5432/djangotutorial_datastore")
    plugins = {p["name"]: p for p in host.json("plugin:list", "--format", "json")}
    assert plugins["postgres"]["enabled"] and plugins["letsencrypt"]["enabled"]
    keys = host.json("ssh-keys:list", "--format", "json")
    assert [k["name"] for k in keys] == ["admin"]
    assert host.dokku("letsencrypt:active", "djangotutorial")[1] == "true\n"
    assert host.json("letsencrypt:report", "--global", "--format", "json")["global-email"] == "admin@domain.com"
    assert "Auto-renew cron job is enabled" in host.dokku("letsencrypt:cron-job")[1]
