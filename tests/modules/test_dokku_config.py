"""dokku_config against the double: set/unset quartets, exclusivity, normalisation, secrecy."""

import json
import os
import re

CONFIG = "selfhosted.dokku.dokku_config"
MARKER_RE = re.compile(r"<hidden sha256:[0-9a-f]{8}>")
# -vvv lines go to stderr so that stdout stays the json callback's document


def import_cmd(scope):
    return ["dokku", "config:import", "--no-restart", "--format", "json", scope, "-"]


def shape(diff):
    """The diff with each marker replaced by the order of its first appearance.

    Markers are keyed per run, so check mode and the real run cannot give the
    same markers; their shapes (which keys, which values are equal) must match.
    """
    labels = {}

    def label(marker):
        assert MARKER_RE.fullmatch(marker), marker
        return labels.setdefault(marker, "value%d" % len(labels))

    return dict((side, dict((k, label(v)) for k, v in sorted(diff[side].items()))) for side in ("before", "after"))


def quartet(host, args, expected_commands):
    """host.quartet with diffs compared by shape, plus the module's own key lists."""
    results = host.quartet(CONFIG, args, expected_commands, diff_shape=shape)
    for again in results[2:]:
        assert again["changed_keys"] == [] and again["removed_keys"] == []
    return results


def export(host, scope):
    return host.json("config:export", "--format", "json", scope)


def test_set_app_quartet(host):
    host.dokku("apps:create", "web")
    host.dokku("config:set", "--no-restart", "web", "WEB_CONCURRENCY=2", "KEEP=same")
    check, real, _c2, _r2 = quartet(
        host,
        {"app": "web", "config": {"SECRET_KEY": "s3cret-value", "WEB_CONCURRENCY": "3", "KEEP": "same"}},
        [import_cmd("web")],
    )
    assert export(host, "web") == {
        "KEEP": "same", "NO_VHOST": "1", "SECRET_KEY": "s3cret-value", "WEB_CONCURRENCY": "3",
    }
    assert real["changed_keys"] == ["SECRET_KEY", "WEB_CONCURRENCY"] and real["removed_keys"] == []
    assert real["restarted"] is False
    assert shape(check["diff"]) == {
        "before": {"KEEP": "value0", "NO_VHOST": "value1", "WEB_CONCURRENCY": "value2"},
        "after": {"KEEP": "value0", "NO_VHOST": "value1", "SECRET_KEY": "value3", "WEB_CONCURRENCY": "value4"},
    }


def test_set_global_quartet(host):
    host.dokku("config:set", "--global", "OLD=kept")
    _check, real, _c2, _r2 = quartet(
        host, {"global": True, "config": {"TZ": "Europe/Paris"}}, [import_cmd("--global")]
    )
    assert real["changed_keys"] == ["TZ"]
    assert export(host, "--global") == {"OLD": "kept", "TZ": "Europe/Paris"}
    with open(host.lib("config", "--global", "ENV"), encoding="utf-8") as handle:
        assert handle.read() == 'OLD="kept"\nTZ="Europe/Paris"\n'


def test_exclusive_unsets_only_managed_keys(host):
    host.dokku("apps:create", "web")
    host.dokku(
        "config:set", "--no-restart", "web",
        "DATABASE_URL=postgres://postgres:0f1e2d3c@dokku-postgres-db1:5432/db1",
        "DOKKU_POSTGRES_AQUA_URL=postgres://postgres:4b5a6978@dokku-postgres-db2:5432/db2?sslmode=disable",
        "CACHE_URL=redis://:pw@dokku-redis-cache:6379",
        "GIT_REV=0123abc", "DOKKU_APP_TYPE=dockerfile",
        "STALE=x", "OLD=y", "KEEP=1", "NOT_A_LINK=postgres://db.example.com:5432/x",
    )
    _check, real, _c2, _r2 = quartet(
        host,
        {"app": "web", "config": {"KEEP": "1"}, "exclusive": True},
        [["dokku", "config:unset", "--no-restart", "web", "NOT_A_LINK", "OLD", "STALE"]],
    )
    assert real["changed_keys"] == [] and real["removed_keys"] == ["NOT_A_LINK", "OLD", "STALE"]
    assert sorted(export(host, "web")) == [
        "CACHE_URL", "DATABASE_URL", "DOKKU_APP_TYPE", "DOKKU_POSTGRES_AQUA_URL", "GIT_REV", "KEEP", "NO_VHOST",
    ]


def test_exclusive_manages_an_unmanaged_key_named_in_config(host):
    host.dokku("apps:create", "web")
    host.dokku("config:set", "--no-restart", "web", "DATABASE_URL=postgres://u:p@dokku-postgres-db1:5432/db1")
    _check, real, _c2, _r2 = quartet(
        host,
        {"app": "web", "config": {"DATABASE_URL": "postgres://app:pw@db.example.com/app", "NO_VHOST": "0"},
         "exclusive": True},
        [import_cmd("web")],
    )
    assert real["changed_keys"] == ["DATABASE_URL", "NO_VHOST"]
    assert export(host, "web") == {"DATABASE_URL": "postgres://app:pw@db.example.com/app", "NO_VHOST": "0"}


def test_integer_values_settle_the_way_dokku_stores_them(host):
    host.dokku("apps:create", "web")
    _check, real, _c2, _r2 = quartet(
        host, {"app": "web", "config": {"ZERO": "007", "PLUS": "+5", "PORT": 5000}}, [import_cmd("web")]
    )
    assert real["changed_keys"] == ["PLUS", "PORT", "ZERO"]
    assert export(host, "web") == {"NO_VHOST": "1", "PLUS": "5", "PORT": "5000", "ZERO": "7"}


def test_multiline_unicode_and_shell_characters_round_trip(host):
    values = {
        "MULTI": "line one\nline two\n",
        "UNI": "héllo wörld ✓ 日本 🚀",
        "SHELL": "$HOME ${PATH} `id` $(id) !x",
        "QUOTES": "it's \"quoted\" inside",
        "BACKSLASH": "a\\b\\nc",
        "SPACES": "  padded  ",
        "HASH": "a #not-a-comment",
        "EQUALS": "a=b=c",
        "TAB": "a\tb",
        "CR": "a\rb",
    }
    host.dokku("apps:create", "web")
    quartet(host, {"app": "web", "config": values}, [import_cmd("web")])
    stored = export(host, "web")
    assert stored == dict(values, NO_VHOST="1")
    assert host.dokku("config:get", "web", "MULTI")[1] == "line one\nline two\n\n"


BAD_INPUT = [
    ({"app": "web", "config": {"BAD-KEY": "v"}}, "config: config key 'BAD-KEY' is invalid"),
    ({"app": "web", "config": {"1ABC": "v"}}, "config: config key '1ABC' is invalid"),
    ({"app": "web", "config": {"Q": 'ends with "quote"'}}, "config: config value of Q ends with a double quote"),
    ({"app": "web", "config": {"B": "ends with \\"}}, "config: config value of B ends with a double quote or a backslash"),
    ({"app": "web", "config": {"L": ["a", "list"]}}, "config: config value of L must be a string"),
    ({"app": "web", "config": {"T": True}}, "config: config value of T must be a string"),
    ({"config": {"A": "b"}}, "app: give the app"),
    ({"app": "web", "global": True, "config": {"A": "b"}}, "app: give either app or global=true"),
    ({"app": "Web_App", "config": {"A": "b"}}, "app: app name 'Web_App' is invalid"),
    ({"global": True, "restart": True, "config": {"A": "b"}}, "restart: global config vars have no app"),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks(
        [{"module": CONFIG, "args": args, "tag": "bad%d" % i} for i, (args, _problem) in enumerate(BAD_INPUT)]
    )
    for i, ((_args, problem), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True
        assert result["msg"].startswith(problem), result["msg"]
        assert "quote\"" not in result["msg"] and "ends with \\" not in result["msg"]
        assert host.calls(tag="bad%d" % i) == []


def test_missing_app_fails_clearly_without_writes(host):
    result = host.run(CONFIG, {"app": "nope", "config": {"A": "b"}}, tag="missing")
    assert result["failed"] is True
    assert result["msg"] == "app nope does not exist; create it first (selfhosted.dokku.dokku_app)"
    assert host.writes("missing") == []
    assert [c["argv"] for c in host.calls(tag="missing")][-1] == ["config:export", "--format", "json", "nope"]


def test_unreadable_env_fails_without_quoting_it(host):
    host.dokku("apps:create", "web")
    host.dokku("config:set", "--no-restart", "web", 'Q=private "part"')
    host.dokku("config:set", "--no-restart", "web", "X=1")  # the damaged value is re-serialised
    result = host.run(CONFIG, {"app": "web", "config": {"A": "b"}}, tag="damaged")
    assert result["failed"] is True
    assert "config:export exited with code 1" in result["msg"]
    assert "private" not in json.dumps(result)
    assert host.writes("damaged") == []


def test_short_values_do_not_mask_unrelated_text(host):
    host.dokku("apps:create", "app1")
    results, _proc = host.run_tasks(
        [{"module": CONFIG, "args": {"app": "app1", "config": {"A1": "1", "B": "app"}}, "tag": "short"}],
        verbosity=3,
    )
    result = results[0]
    assert result["commands"] == [import_cmd("app1")]
    assert result["changed_keys"] == ["A1", "B"]
    assert result["invocation"]["module_args"]["config"] == {
        "A1": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "B": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
    }
    assert export(host, "app1") == {"A1": "1", "B": "app", "NO_VHOST": "1"}


def test_secret_canary_never_printed(host):
    canary = "canary-7d1f0b2e-do-not-print"
    second = "multi\nline-canary-5e6a"
    host.dokku("apps:create", "web")
    host.faults([{"command": "config:import", "on": "write", "nth": 1,
                  "stdout": "-----> Setting config var TOKEN=%s\n" % canary,
                  "stderr": " !     could not store %s\n" % canary}])
    args = {"app": "web", "config": {"TOKEN": canary, "OTHER": second}}
    results, proc = host.run_tasks(
        [
            {"module": CONFIG, "args": args, "tag": "fails"},
            {"module": CONFIG, "args": args, "check": True, "tag": "check"},
            {"module": CONFIG, "args": args, "tag": "real"},
            {"module": CONFIG, "args": dict(args, config={"OTHER": second}, exclusive=True), "tag": "unset"},
        ],
        verbosity=3,
    )
    failed, check, real, unset = results
    assert failed["failed"] is True and "********" in failed["stdout"] and "********" in failed["msg"]
    assert check["changed"] is True and real["changed"] is True
    assert unset["removed_keys"] == ["TOKEN"]
    everything = proc.stdout + proc.stderr + json.dumps(results)
    for secret in (canary, second, json.dumps(second)[1:-1], "line-canary-5e6a"):
        assert secret not in everything
    assert export(host, "web") == {"NO_VHOST": "1", "OTHER": second}


def test_restart_without_change_reads_nothing_more(host):
    host.dokku("apps:create", "web")
    host.dokku("config:set", "--no-restart", "web", "A=b")
    result = host.run(CONFIG, {"app": "web", "config": {"A": "b"}, "restart": True}, tag="same")
    assert result["changed"] is False and result["restarted"] is False
    assert [c["command"] for c in host.calls(tag="same")] == ["version", "config:export"]


def test_restart_once_when_changed_and_deployed(host):
    host.dokku("apps:create", "web")
    os.makedirs(host.lib("data", "ps", "web"))
    open(host.lib("data", "ps", "web", "deployed"), "w", encoding="utf-8").close()
    host.dokku("config:set", "--no-restart", "web", "STALE=x")
    _check, real, _c2, _r2 = quartet(
        host,
        {"app": "web", "config": {"A": "b"}, "exclusive": True, "restart": True},
        [import_cmd("web"), ["dokku", "config:unset", "--no-restart", "web", "STALE"], ["dokku", "ps:restart", "web"]],
    )
    assert real["restarted"] is True


def test_no_restart_for_an_app_never_deployed(host):
    host.dokku("apps:create", "web")
    result = host.run(CONFIG, {"app": "web", "config": {"A": "b"}, "restart": True}, tag="undeployed")
    assert result["changed"] is True and result["restarted"] is False
    assert host.writes("undeployed") == [import_cmd("web")[1:]]
    assert [c["command"] for c in host.calls(tag="undeployed")][-1] == "ps:report"
