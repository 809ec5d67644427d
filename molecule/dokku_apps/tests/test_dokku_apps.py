"""dokku_apps: apps, config, domains, ports, services and links, read back from the double."""

import re

DSN = re.compile(r"^postgres://postgres:[0-9a-f]+@dokku-postgres-djangotutorial-datastore:5432/djangotutorial_datastore$")


def test_apps(host, dokku):
    assert sorted(dokku.json("apps:list", "--format", "json")) == ["api", "djangotutorial"]
    assert host.file("/home/dokku/djangotutorial").is_directory
    # legacy was destroyed, files and all
    assert host.run("dokku apps:exists legacy").rc == 20
    assert not host.file("/home/dokku/legacy").exists
    assert not host.file("/var/lib/dokku/config/legacy").exists


def test_tutorial_app_config_domains_ports(dokku):
    config = dokku.json("config:export", "--format", "json", "djangotutorial")
    assert config["ALLOWED_HOSTS"] == "djangotutorial.domain.com"
    assert config["DJANGO_DEBUG"] == "false"
    # the postgres link put DATABASE_URL into the app
    assert DSN.match(config["DATABASE_URL"]), config["DATABASE_URL"]
    env = dokku.env_file("djangotutorial")
    assert set(env) >= {"ALLOWED_HOSTS", "DJANGO_DEBUG", "DATABASE_URL"}
    assert dokku.lines("/home/dokku/djangotutorial/VHOST") == ["djangotutorial.domain.com"]
    domains = dokku.json("domains:report", "djangotutorial", "--format", "json")
    assert domains["app-vhosts"] == "djangotutorial.domain.com"
    assert domains["app-enabled"] == "true"
    assert dokku.out("ports:report", "djangotutorial", "--ports-map").split() == ["http:80:5000"]


def test_api_app_exact_config_and_vhosts_off(dokku):
    config = dokku.json("config:export", "--format", "json", "api")
    # exclusive: OLD_FLAG is gone; keys set by the service link and by Dokku (vhosts off) stay
    assert sorted(config) == ["CACHE_URL", "LOG_LEVEL", "NO_VHOST"]
    assert config["NO_VHOST"] == "1"
    assert config["LOG_LEVEL"] == "info"
    assert config["CACHE_URL"].startswith("redis://:")
    assert config["CACHE_URL"].endswith("@dokku-redis-api-cache:6379")
    assert dokku.json("domains:report", "api", "--format", "json")["app-enabled"] == "false"


def test_services_exist_and_are_linked(host, dokku):
    assert host.file("/var/lib/dokku/services/postgres/djangotutorial-datastore/PASSWORD").exists
    assert dokku.lines("/var/lib/dokku/services/postgres/djangotutorial-datastore/LINKS") == ["djangotutorial"]
    assert dokku.lines("/var/lib/dokku/services/redis/api-cache/LINKS") == ["api"]
    assert dokku.run("postgres:linked", "djangotutorial-datastore", "djangotutorial").rc == 0
    assert dokku.run("redis:linked", "api-cache", "api").rc == 0


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()
