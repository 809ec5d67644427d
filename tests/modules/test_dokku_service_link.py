"""dokku_service_link against the double: link/unlink quartets, aliases, refusals, the hidden DSN."""

import json

import pytest

LINK = "selfhosted.dokku.dokku_service_link"
CANARY_PASSWORD = "CanaryPassw0rd42"


def config(host, app):
    return host.json("config:export", app, "--format", "json")


def dsn(host, service):
    rc, out, err = host.dokku("postgres:info", service, "--dsn")
    assert rc == 0, (out, err)
    return out.strip()


def links(host, service):
    return host.dokku("postgres:links", service)[1].split()


@pytest.fixture
def linked_host(host):
    """A service ``db1`` and an app ``app1``, not linked yet."""
    host.dokku("postgres:create", "db1")
    host.dokku("apps:create", "app1")
    return host


def test_link_quartet(linked_host):
    host = linked_host
    check, _real, _c2, _r2 = host.quartet(
        LINK, {"service": "db1", "app": "app1"},
        [["dokku", "--quiet", "postgres:link", "db1", "app1", "--no-restart"]],
    )
    assert check["diff"] == {
        "before": {"service": "db1", "app": "app1", "linked": False},
        "after": {"service": "db1", "app": "app1", "linked": True},
    }
    assert config(host, "app1")["DATABASE_URL"] == dsn(host, "db1")
    assert links(host, "db1") == ["app1"]
    assert host.dokku("postgres:linked", "db1", "app1")[0] == 0


def test_unlink_quartet(linked_host):
    host = linked_host
    host.dokku("--quiet", "postgres:link", "db1", "app1", "--no-restart")
    check, _real, _c2, _r2 = host.quartet(
        LINK, {"service": "db1", "app": "app1", "state": "absent"},
        [["dokku", "postgres:unlink", "db1", "app1", "--no-restart"]],
    )
    assert check["diff"]["before"]["linked"] is True and check["diff"]["after"]["linked"] is False
    assert "DATABASE_URL" not in config(host, "app1")
    assert links(host, "db1") == []


def test_link_with_alias_and_querystring_quartet(linked_host):
    host = linked_host
    host.quartet(
        LINK, {"service": "db1", "app": "app1", "alias": "analytics_db", "querystring": "sslmode=disable&pool=5"},
        [["dokku", "--quiet", "postgres:link", "db1", "app1", "--alias", "analytics_db",
          "--querystring", "sslmode=disable&pool=5", "--no-restart"]],
    )
    env = config(host, "app1")
    assert env["ANALYTICS_DB_URL"] == dsn(host, "db1") + "?sslmode=disable&pool=5"
    assert "DATABASE_URL" not in env


def test_link_with_restart_leaves_out_no_restart(linked_host):
    host = linked_host
    host.quartet(
        LINK, {"service": "db1", "app": "app1", "restart": True},
        [["dokku", "--quiet", "postgres:link", "db1", "app1"]],
    )
    assert config(host, "app1")["DATABASE_URL"] == dsn(host, "db1")


def test_second_service_gets_a_colour_alias(linked_host):
    host = linked_host
    host.dokku("postgres:create", "db2")
    results, _proc = host.run_tasks(
        [
            {"module": LINK, "args": {"service": "db1", "app": "app1"}, "tag": "first"},
            {"module": LINK, "args": {"service": "db2", "app": "app1"}, "tag": "second"},
        ]
    )
    assert [r["changed"] for r in results] == [True, True]
    env = config(host, "app1")
    assert env["DATABASE_URL"] == dsn(host, "db1")
    assert env["DOKKU_POSTGRES_AQUA_URL"] == dsn(host, "db2")


def test_other_alias_on_a_linked_service_is_a_warning_and_the_dsn_stays_hidden(host):
    host.dokku("postgres:create", "db1", "--password", CANARY_PASSWORD)
    host.dokku("apps:create", "app1")
    host.dokku("--quiet", "postgres:link", "db1", "app1", "--no-restart")
    results, proc = host.run_tasks(
        [{"module": LINK, "args": {"service": "db1", "app": "app1", "alias": "other"}, "tag": "other"}],
        verbosity=3,
    )
    result = results[0]
    assert result["changed"] is False
    assert host.writes("other") == []
    assert any("already linked to app1 as DATABASE_URL" in w for w in result["warnings"])
    # the link is read from the app's config, which holds the DSN with its password
    assert ["config:export", "--format", "json", "app1"] in [c["argv"] for c in host.calls(tag="other")]
    for text in (json.dumps(results), proc.stdout, proc.stderr):
        assert CANARY_PASSWORD not in text
    assert sorted(config(host, "app1")) == ["DATABASE_URL", "NO_VHOST"]


def test_link_to_a_missing_app_or_service_fails_clearly(linked_host):
    host = linked_host
    results, _proc = host.run_tasks(
        [
            {"module": LINK, "args": {"service": "db1", "app": "missing-app"}, "tag": "no-app"},
            {"module": LINK, "args": {"service": "nosuch", "app": "app1"}, "tag": "no-svc"},
        ]
    )
    no_app, no_service = results
    assert no_app["failed"] is True and no_app["msg"].startswith("app missing-app does not exist")
    assert no_service["failed"] is True and no_service["msg"].startswith("postgres service nosuch does not exist")
    assert host.writes("no-app") == [] and host.writes("no-svc") == []


def test_unlink_with_missing_app_or_service_is_already_done(linked_host):
    host = linked_host
    results, _proc = host.run_tasks(
        [
            {"module": LINK, "args": {"service": "db1", "app": "gone", "state": "absent"}, "tag": "no-app"},
            {"module": LINK, "args": {"service": "gone", "app": "app1", "state": "absent"}, "tag": "no-svc"},
        ]
    )
    for result in results:
        assert result["changed"] is False and not result.get("failed"), result
    assert host.writes("no-app") == [] and host.writes("no-svc") == []


BAD_INPUT = [
    ({"service": "bad.name", "app": "app1"}, "service: service name 'bad.name' is invalid"),
    ({"service": "db1", "app": "App_1"}, "app: app name 'App_1' is invalid"),
    ({"service": "db1", "app": "app1", "type": "nosql"}, "type: datastore type 'nosql' is unknown"),
    ({"service": "db1", "app": "app1", "alias": "my-db"}, "alias: 'my-db' is invalid"),
    ({"service": "db1", "app": "app1", "querystring": "?a=b"}, "querystring: give it without"),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks(
        [{"module": LINK, "args": args, "tag": "bad-%d" % index} for index, (args, _m) in enumerate(BAD_INPUT)]
    )
    for index, ((_args, message), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True, result
        assert result["msg"].startswith(message), result["msg"]
        assert host.calls(tag="bad-%d" % index) == []


def test_redis_link(host):
    from test_dokku_service import install_plugin  # pylint: disable=import-outside-toplevel

    install_plugin(host, "redis")
    host.dokku("redis:create", "cache")
    host.dokku("apps:create", "app1")
    host.quartet(
        LINK, {"type": "redis", "service": "cache", "app": "app1"},
        [["dokku", "--quiet", "redis:link", "cache", "app1", "--no-restart"]],
    )
    rc, out, _err = host.dokku("redis:info", "cache", "--dsn")
    assert rc == 0 and config(host, "app1")["REDIS_URL"] == out.strip()


def test_destroying_the_app_unlinks_the_service(linked_host):
    host = linked_host
    host.run(LINK, {"service": "db1", "app": "app1"})
    assert links(host, "db1") == ["app1"]
    host.dokku("apps:destroy", "app1", "--force")
    assert links(host, "db1") == []
    assert host.dokku("postgres:destroy", "db1", "--force")[0] == 0
