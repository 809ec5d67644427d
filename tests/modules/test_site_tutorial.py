"""playbooks/site.yml with the example inventory converges the tutorial's host on the double.

apt_upgrade and dokku_install act on the machine itself, so they are skipped here (molecule
runs them in a container); every Dokku role runs against the double.
"""

import json
import os

from harness import DOUBLE, REPO

INVENTORY = os.path.join(REPO, "inventory", "example")
with open(os.path.join(DOUBLE, "fixtures", "srv", "k_ed25519.pub"), encoding="utf-8") as _handle:
    FIXTURE_KEY = _handle.read().strip()


def site_run(host, tag, inventories, extra=None, check=False):
    """site.yml on the double (connection local); returns (stats of domain.com, report, proc)."""
    local = os.path.join(host.workdir, "local.yml")
    with open(local, "w", encoding="utf-8") as handle:
        handle.write("dokku:\n  hosts:\n    domain.com:\n      ansible_connection: local\n")
    args = ["playbooks/site.yml"]
    for inventory in inventories + [local]:
        args += ["-i", inventory]
    args += ["--skip-tags", "apt_upgrade,dokku_install", "-e", "ansible_become=false"]
    if extra is not None:
        args += ["-e", json.dumps(extra)]
    report, proc = host.playbook(args + (["--check"] if check else []), tag=tag)
    return report["stats"]["domain.com"], report, proc


def site(host, tag, check=False):
    # the example's placeholder key replaced, as an operator does, by a key (a test fixture here)
    extra = {"dokku_ssh_keys_keys": [{"name": "admin", "key": FIXTURE_KEY}], "dokku_ssh_keys_allow_example_keys": True}
    stats, _report, proc = site_run(host, tag, [INVENTORY], extra, check)
    assert stats["failures"] == 0 and stats["unreachable"] == 0, proc.stdout[-4000:]
    return stats


def refusal(report):
    """The message of the one failed task of a run refused before any change."""
    failed = [task["hosts"]["domain.com"] for task in report["plays"][0]["tasks"]
              if task["hosts"].get("domain.com", {}).get("failed")]
    assert len(failed) == 1, failed
    return failed[0]["msg"]


def test_the_example_as_shipped_is_refused_before_any_change(bare_host):
    stats, report, _proc = site_run(bare_host, "as-shipped", [INVENTORY])
    assert stats["failures"] == 1 and stats["changed"] == 0
    message = refusal(report)
    assert "dokku_ssh_keys_keys: the key of admin is not a public key line" in message
    assert "Nothing was changed" in message
    assert bare_host.calls(tag="as-shipped") == []


def test_a_fixture_key_is_refused_unless_allowed(bare_host):
    extra = {"dokku_ssh_keys_keys": [{"name": "admin", "key": FIXTURE_KEY.replace("ed25519-fixed@example", "me@laptop")}]}
    stats, report, _proc = site_run(bare_host, "fixture-key", [INVENTORY], extra)
    assert stats["failures"] == 1 and stats["changed"] == 0
    assert "the key of admin is a published example key" in refusal(report)
    assert "dokku_ssh_keys_allow_example_keys: true" in refusal(report)
    assert bare_host.calls(tag="fixture-key") == []


def test_the_parent_of_the_example_is_refused_not_run_with_defaults(bare_host):
    """-i inventory reads inventory/example/hosts.yml without its host_vars: refused, not a silent no-op."""
    stats, report, _proc = site_run(bare_host, "parent", [os.path.join(REPO, "inventory")])
    assert stats["failures"] == 1 and stats["changed"] == 0
    message = refusal(report)
    assert "domain.com has no selfhosted.dokku variables" in message and "-i inventory/example" in message
    assert bare_host.calls(tag="parent") == []


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
    assert host.json("apps:list", "--format", "json") == ["api", "djangotutorial"]
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

    # the production app beside it, every setting read back from the double
    assert host.json("config:export", "--format", "json", "api")["ALLOWED_HOSTS"] == "api.domain.com"
    assert host.json("domains:report", "api", "--format", "json")["app-vhosts"] == "api.domain.com"
    assert host.json("ports:report", "api", "--format", "json")["map"] == "http:80:5000"
    [entry] = host.json("storage:list-entries", "--format", "json")
    assert (entry["name"], entry["chown"]) == ("api-uploads", "herokuish")
    [mount] = host.json("storage:list", "api", "--format", "json")
    assert (mount["entry_name"], mount["container_path"]) == ("api-uploads", "/app/uploads")
    resources = host.json("resource:report", "api", "--format", "json")
    assert (resources["web.limit.cpu"], resources["web.limit.memory"], resources["web.reserve.memory"]) == ("1", "512m", "256m")
    assert host.json("checks:report", "api", "--format", "json")["skipped-list"] == "worker"
    nginx = host.json("nginx:report", "api", "--format", "json")
    assert (nginx["client-max-body-size"], nginx["proxy-read-timeout"]) == ("50m", "120s")
    assert host.json("ps:report", "api", "--format", "json")["restart-policy"] == "unless-stopped"
    assert host.json("docker-options:report", "api", "--format", "json")["deploy-list"] == ["--shm-size 256m"]
    assert host.dokku("ps:scale", "api")[1].splitlines()[-2:] == ["web:  2", "worker: 1"]
    assert host.dokku("postgres:links", "api-db")[1] == "api\n"
    assert host.dokku("postgres:backup-schedule-cat", "api-db")[1].split() == \
        ["0", "3", "*", "*", "*", "dokku", "/usr/local/bin/dokku", "postgres:backup", "api-db", "my-backups/api"]
