"""dokku_service against the double: create/destroy quartets, refusals, secrets, other datastores."""

import json
import os

SERVICE = "selfhosted.dokku.dokku_service"
CANARY_PASSWORD = "CanaryPassw0rd42"
CANARY_ENV = "CanaryEnvValue77"


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def flag(host, kind, name, info_flag):
    rc, out, err = host.dokku(kind + ":info", name, info_flag)
    assert rc == 0, (out, err)
    return out.rstrip("\n")


def install_plugin(host, name):
    from dokku_double.core import Ctx, write_plugin  # pylint: disable=import-outside-toplevel

    write_plugin(Ctx(env=dict(os.environ, **host.env)), name, "1.0.0", "dokku %s service plugin" % name)


def test_create_default_quartet(host):
    check, _real, _c2, again = host.quartet(SERVICE, {"name": "db1"}, [["dokku", "postgres:create", "db1"]])
    assert check["diff"] == {
        "before": {"type": "postgres", "name": "db1", "state": "absent", "image": None},
        "after": {"type": "postgres", "name": "db1", "state": "present", "image": None},
    }
    # once it exists the image read from the service is reported on both sides
    assert again["diff"]["before"]["image"] == again["diff"]["after"]["image"] == "postgres:18.4"
    assert host.dokku("postgres:exists", "db1")[0] == 0
    assert flag(host, "postgres", "db1", "--version") == "postgres:18.4"
    assert host.calls(tag="check")[-1]["argv"] == ["postgres:exists", "db1"]


def test_create_with_options_quartet(host):
    args = {
        "name": "db3",
        "image_version": "17.6",
        "password": "s3cretPassw0rd",
        "custom_env": {"FOO": "bar", "BAZ": "qux"},
        "config_options": "--max-connections=50",
    }
    check, real, _c2, _r2 = host.quartet(SERVICE, args)
    assert real["commands"] == [
        ["dokku", "postgres:create", "db3", "--image-version", "17.6", "--password", "********",
         "--custom-env", "********", "--config-options", "--max-connections=50"]
    ]
    assert host.writes("real") == [
        ["postgres:create", "db3", "--image-version", "17.6", "--password", "s3cretPassw0rd",
         "--custom-env", "BAZ=qux;FOO=bar", "--config-options", "--max-connections=50"]
    ]
    assert check["diff"]["after"] == {"type": "postgres", "name": "db3", "state": "present", "image": "postgres:17.6"}
    assert flag(host, "postgres", "db3", "--version") == "postgres:17.6"
    assert flag(host, "postgres", "db3", "--config-options") == "--max-connections=50"
    assert read(host.lib("services", "postgres", "db3", "ENV")) == "BAZ=qux\nFOO=bar\n"
    assert read(host.lib("services", "postgres", "db3", "PASSWORD")) == "s3cretPassw0rd\n"


def test_destroy_quartet(host):
    host.dokku("postgres:create", "old-db")
    check, _real, _c2, _r2 = host.quartet(
        SERVICE,
        {"name": "old-db", "state": "absent", "allow_destroy": True},
        [["dokku", "postgres:destroy", "old-db", "--force"]],
    )
    assert check["diff"] == {
        "before": {"type": "postgres", "name": "old-db", "state": "present", "image": "postgres:18.4"},
        "after": {"type": "postgres", "name": "old-db", "state": "absent", "image": None},
    }
    assert host.dokku("postgres:exists", "old-db")[0] == 1
    assert not os.path.exists(host.lib("services", "postgres", "old-db"))


def test_destroy_without_opt_in_refuses_before_any_call(host):
    host.dokku("postgres:create", "keep-db")
    result = host.run(SERVICE, {"name": "keep-db", "state": "absent"}, tag="refused")
    assert result["failed"] is True
    assert "allow_destroy=true" in result["msg"]
    assert host.calls(tag="refused") == []
    assert host.dokku("postgres:exists", "keep-db")[0] == 0


def test_destroy_while_linked_names_the_apps_and_destroys_nothing(host):
    host.dokku("postgres:create", "shared-db")
    for app in ("app-one", "app-two"):
        host.dokku("apps:create", app)
        host.dokku("--quiet", "postgres:link", "shared-db", app, "--no-restart")
    result = host.run(SERVICE, {"name": "shared-db", "state": "absent", "allow_destroy": True}, tag="linked")
    assert result["failed"] is True
    assert "still linked to app-one, app-two" in result["msg"]
    assert host.writes("linked") == []
    assert host.dokku("postgres:exists", "shared-db")[0] == 0


BAD_INPUT = [
    ({"name": "bad.name"}, "name: service name 'bad.name' is invalid"),
    ({"name": "db", "type": "cassandra"}, "type: datastore type 'cassandra' is unknown"),
    ({"name": "db", "custom_env": {"A": "x;B=y"}}, "custom_env: the value of A"),
    ({"name": "db", "custom_env": {"A=B": "x"}}, "custom_env: key 'A=B'"),
    ({"name": "db", "password": "p@ss:word"}, "password: it must be non-empty"),
    ({"name": "db", "password": "-starts-with-dash"}, "password: it must be non-empty"),
    ({"name": "db", "password": "secret with spaces"}, "password: it must be non-empty"),
    ({"name": "db", "image": "postgres:17"}, "image: 'postgres:17' is not an image name without tag"),
    ({"name": "db", "image_version": "17 beta"}, "image_version: '17 beta' is not a Docker tag"),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks(
        [{"module": SERVICE, "args": args, "tag": "bad-%d" % index} for index, (args, _m) in enumerate(BAD_INPUT)]
    )
    for index, ((args, message), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True, result
        assert result["msg"].startswith(message), result["msg"]
        assert host.calls(tag="bad-%d" % index) == []
        if "password" in args:
            assert args["password"] not in json.dumps(result)


def test_secrets_never_appear_in_results_or_verbose_output(host):
    host.faults([{"command": "postgres:create", "nth": 2,
                  "stderr": " !     cannot use %s\n" % CANARY_PASSWORD}])
    args = {"name": "canary", "password": CANARY_PASSWORD, "custom_env": {"CANARY": CANARY_ENV}}
    results, proc = host.run_tasks(
        [
            {"module": SERVICE, "args": args, "tag": "create"},
            {"module": SERVICE, "args": dict(args, name="canary2"), "tag": "failing"},
        ],
        verbosity=3,
    )
    created, failing = results
    assert created["changed"] is True
    assert created["commands"][0][4:] == ["********", "--custom-env", "********"]
    assert failing["failed"] is True and "cannot use ********" in failing["msg"]
    for text in (json.dumps(results), proc.stdout, proc.stderr):
        assert CANARY_PASSWORD not in text
        assert CANARY_ENV not in text
    # the secrets did reach Dokku
    assert read(host.lib("services", "postgres", "canary", "PASSWORD")) == CANARY_PASSWORD + "\n"


def test_image_drift_is_reported_not_applied(host):
    host.dokku("postgres:create", "pinned", "--image-version", "17.6")
    result = host.run(SERVICE, {"name": "pinned", "image_version": "18.4"}, tag="drift")
    assert result["changed"] is False
    assert host.writes("drift") == []
    assert result["diff"]["before"]["image"] == "postgres:17.6"
    assert result["diff"]["after"]["image"] == "postgres:18.4"
    assert any("runs postgres:17.6, not the requested postgres:18.4" in w for w in result["warnings"])
    assert flag(host, "postgres", "pinned", "--version") == "postgres:17.6"


def test_redis_service_with_the_redis_plugin(host):
    install_plugin(host, "redis")
    host.quartet(SERVICE, {"type": "redis", "name": "cache"}, [["dokku", "redis:create", "cache"]])
    assert flag(host, "redis", "cache", "--dsn").startswith("redis://:")
    assert flag(host, "redis", "cache", "--dsn").endswith("@dokku-redis-cache:6379")
    assert host.dokku("postgres:exists", "cache")[0] == 1


def test_missing_plugin_is_a_clear_error_without_writes(host):
    result = host.run(SERVICE, {"type": "redis", "name": "cache"}, tag="no-plugin")
    assert result["failed"] is True
    assert "the redis plugin is not installed" in result["msg"]
    assert host.writes("no-plugin") == []
