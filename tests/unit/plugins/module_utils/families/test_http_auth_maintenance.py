"""http-auth (users compared by their sha512-crypt hash) and maintenance planners."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils._crypt import sha512_crypt
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.http_auth import parse_report, user_steps


def desired(**options):
    value, error = get("http_auth").validate(get("http_auth").desired({"http_auth": options}), "web")
    assert error is None, error
    return value


def state(enabled=True, ips=(), users=()):
    return {"enabled": enabled, "allowed_ips": list(ips), "users": list(users)}


def test_users_are_written_only_when_the_hash_is_not_of_the_password():
    stored = [("alice", sha512_crypt("alice-pw", "saltsalt")), ("bob", sha512_crypt("old", "saltsalt")),
              ("carol", sha512_crypt("x", "saltsalt"))]
    plan = get("http_auth").plan("web", desired(users=[{"username": "alice", "password": "alice-pw"},
                                                       {"username": "bob", "password": "bob-pw"}],
                                                allowed_ips=["10.0.0.0/8"]),
                                 state(ips=["127.0.0.1"], users=stored))
    assert [w.args for w in plan.writes] == [
        ["http-auth:add-allowed-ip", "web", "10.0.0.0/8"],
        ["http-auth:remove-allowed-ip", "web", "127.0.0.1"],
        ["http-auth:remove-user", "web", "carol"],
        ["http-auth:add-user", "web", "bob", "bob-pw"],
    ]
    assert plan.after["http_auth"]["users"] == {"alice": "********", "bob": "******** (new)"}
    assert plan.before["http_auth"]["users"] == {"alice": "********", "bob": "********", "carol": "********"}
    assert "bob-pw" in plan.secrets and "pw" not in repr(plan.before) + repr(plan.after)


def test_enable_then_users_and_disable_alone():
    plan = get("http_auth").plan("web", desired(users=[{"username": "a", "password": "pw-1"}]), state(enabled=False))
    assert [w.args for w in plan.writes] == [["http-auth:enable", "web"], ["http-auth:add-user", "web", "a", "pw-1"]]
    plan = get("http_auth").plan("web", desired(enabled=False), state(users=[("a", "x")]))
    assert [w.args for w in plan.writes] == [["http-auth:disable", "web"]]


def test_a_removal_that_also_deletes_a_wanted_user_writes_it_again():
    # sed "/^a.b:/d" removing the unlisted a.b also deletes axb
    steps = user_steps("web", [("a.b", "h1"), ("axb", sha512_crypt("pw-1", "s"))], {"axb": "pw-1"})
    assert steps == [["http-auth:remove-user", "web", "a.b"], ["http-auth:add-user", "web", "axb", "pw-1"]]


@pytest.mark.parametrize("options, problem", [
    ({"users": [{"username": "a:b", "password": "x"}]}, "is not a user name"),
    ({"users": [{"username": "a", "password": "-x"}]}, "starts with '-'"),
    ({"users": [{"username": "a.b", "password": "x"}, {"username": "axb", "password": "y"}]}, "clash"),
    ({"allowed_ips": ["example.com"]}, "not an IP address"),
    ({"enabled": False, "allowed_ips": ["10.0.0.1"]}, "need enabled=true"),
])
def test_http_auth_refuses_bad_input(options, problem):
    value, error = get("http_auth").validate(get("http_auth").desired({"http_auth": options}), "web")
    assert value is None and error.startswith("http_auth") and problem in error


def test_report_parsing_and_classify():
    text = ("=====> web http-auth information\n"
            "       Http auth enabled:             true                     \n"
            "       Http auth allowed ips:         10.0.0.1 10.0.0.2        \n"
            "       Http auth users:               alice bob                \n")
    assert parse_report(text) == {"enabled": True, "allowed_ips": ["10.0.0.1", "10.0.0.2"], "users": ["alice", "bob"]}
    assert get("http_auth").classify("app:web", ("http_auth", "users", "bob")) == (
        {"type": "http_auth", "app": "web", "name": "bob"}, "password")
    assert get("http_auth").classify("app:web", ("http_auth", "enabled")) == ({"type": "http_auth", "app": "web"}, "enabled")


@pytest.mark.parametrize("current, wanted, expected", [
    (False, True, [["dokku", "maintenance:enable", "web"]]),
    (True, False, [["dokku", "maintenance:disable", "web"]]),
    (True, True, []),
])
def test_maintenance(current, wanted, expected):
    assert get("maintenance").plan("web", {"enabled": wanted}, current).argvs() == expected
