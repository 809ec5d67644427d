"""site.yml with the example inventory: the tutorial's host, read back from the instance."""

import re

import pytest

ADMIN_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIburf8atRcdiv2ccKGfiz9SMLzz196pfLmu0k5/WUb0"


def test_packages_upgraded(host):
    listing = host.check_output("apt list --upgradable 2>/dev/null")
    assert [line for line in listing.splitlines() if line and not line.startswith("Listing")] == []
    # the role refreshed the lists (the image ships none) and upgraded what was behind
    assert host.check_output("ls /var/lib/apt/lists | grep -c _Packages") != "0"
    assert "Upgrade: " in host.file("/var/log/apt/history.log").content_string


def test_dokku_installed_from_the_verified_bootstrap(host, dokku, pinned_sha256):
    assert dokku.out("version").strip() == "dokku version 0.38.27"
    assert host.file("/root/dokku-bootstrap.sh").sha256sum == pinned_sha256("v0.38.27")
    selections = host.check_output("debconf-get-selections")
    assert re.search(r"^dokku\tdokku/hostname\tstring\tdomain\.com$", selections, re.M)
    assert re.search(r"^dokku\tdokku/vhost_enable\tboolean\ttrue$", selections, re.M)


def test_admin_key_in_authorized_keys(host, dokku):
    keys = dokku.authorized_keys()
    assert [name for name, _line in keys] == ["admin"]
    assert ADMIN_KEY in keys[0][1]
    assert host.file("/home/dokku/.ssh/authorized_keys").mode == 0o600


def test_global_domain(dokku):
    assert dokku.lines("/home/dokku/VHOST") == ["domain.com"]
    assert dokku.json("domains:report", "--global", "--format", "json")["global-vhosts"] == "domain.com"


@pytest.mark.parametrize("name,version", [("postgres", "1.48.0"), ("letsencrypt", "0.25.1")])
def test_plugins(dokku, name, version):
    plugins = {p["name"]: p for p in dokku.json("plugin:list", "--format", "json")}
    assert plugins[name]["enabled"] is True
    assert plugins[name]["version"] == version
    assert plugins[name]["source_url"] == "https://github.com/dokku/dokku-%s.git" % name


def test_app_config_domains_ports(dokku):
    assert dokku.json("apps:list", "--format", "json") == ["api", "djangotutorial"]
    config = dokku.json("config:export", "--format", "json", "djangotutorial")
    assert config["ALLOWED_HOSTS"] == "djangotutorial.domain.com"
    # the canary scripts/test.sh looks for in molecule's output (it must be found nowhere)
    assert config["SECRET_KEY"] == "canary-molecule-5e1b7c2a9d"
    assert dokku.lines("/home/dokku/djangotutorial/VHOST") == ["djangotutorial.domain.com"]
    assert dokku.out("ports:report", "djangotutorial", "--ports-map").split() == ["http:80:5000"]


def test_postgres_service_linked(host, dokku):
    assert dokku.run("postgres:exists", "djangotutorial-datastore").rc == 0
    assert dokku.lines("/var/lib/dokku/services/postgres/djangotutorial-datastore/LINKS") == ["djangotutorial"]
    config = dokku.json("config:export", "--format", "json", "djangotutorial")
    assert re.match(
        r"^postgres://postgres:[0-9a-f]+@dokku-postgres-djangotutorial-datastore:5432/djangotutorial_datastore$",
        config["DATABASE_URL"],
    )


def test_production_app_beside_the_tutorial(dokku):
    [entry] = dokku.json("storage:list-entries", "--format", "json")
    assert (entry["name"], entry["chown"]) == ("api-uploads", "herokuish")
    [mount] = dokku.json("storage:list", "api", "--format", "json")
    assert (mount["entry_name"], mount["container_path"]) == ("api-uploads", "/app/uploads")
    resources = dokku.json("resource:report", "api", "--format", "json")
    assert (resources["web.limit.cpu"], resources["web.limit.memory"], resources["web.reserve.memory"]) == ("1", "512m", "256m")
    assert dokku.json("checks:report", "api", "--format", "json")["skipped-list"] == "worker"
    nginx = dokku.json("nginx:report", "api", "--format", "json")
    assert (nginx["client-max-body-size"], nginx["proxy-read-timeout"]) == ("50m", "120s")
    assert "  client_max_body_size 50m;" in dokku.out("nginx:show-config", "api").splitlines()
    assert dokku.json("ps:report", "api", "--format", "json")["restart-policy"] == "unless-stopped"
    assert dokku.json("docker-options:report", "api", "--format", "json")["deploy-list"] == ["--shm-size 256m"]
    assert dokku.out("ps:scale", "api").splitlines()[-2:] == ["web:  2", "worker: 1"]
    assert dokku.lines("/var/lib/dokku/services/postgres/api-db/LINKS") == ["api"]
    assert dokku.out("postgres:backup-schedule-cat", "api-db").split()[-2:] == ["api-db", "my-backups/api"]


def test_letsencrypt(host, dokku):
    assert dokku.json("letsencrypt:report", "--global", "--format", "json")["global-email"] == "admin@domain.com"
    assert dokku.out("letsencrypt:active", "djangotutorial").strip() == "true"
    assert host.file("/var/lib/dokku/data/letsencrypt/--global/autorenew").exists
    assert "Auto-renew cron job is enabled" in dokku.out("letsencrypt:cron-job")


def test_deployed_once_from_the_deploy_block(host, dokku):
    head = host.check_output("git -C /srv/djangotutorial rev-parse HEAD")
    report = dokku.json("apps:report", "djangotutorial", "--format", "json")
    assert report["deploy-source-metadata"] == "/srv/djangotutorial#%s" % head
    assert dokku.json("ps:report", "djangotutorial", "--format", "json")["deployed"] == "true"
    # check mode, converge and the idempotence run: exactly one deploy, the converge's
    syncs = [e["argv"] for e in dokku.calls(None) if e["kind"] != "read" and "git:sync" in e["argv"]]
    assert syncs == [["git:sync", "--build", "djangotutorial", "/srv/djangotutorial", head]]


def test_instance_runs_the_debian_release_of_its_image(host, expected_debian):
    assert host.system_info.distribution == "debian"
    assert host.system_info.release.split(".")[0] == expected_debian
