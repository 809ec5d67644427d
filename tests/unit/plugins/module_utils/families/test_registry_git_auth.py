"""Host-level credentials: registry logins and git hosts, compared with what the host stores."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.registry_login import (
    matches,
    password_hash,
)


def logins(*items):
    desired, error = get("registry_login").validate({"logins": list(items)}, "--global")
    assert error is None, error
    return desired


def test_registry_login_goes_on_stdin_only_when_the_stored_credentials_differ():
    family = get("registry_login")
    desired = logins({"server": "ghcr.io", "username": "bot", "password": "s3cret-token"},
                     {"server": "registry.example.com:5000", "username": "ci", "password": "pw-1234"},
                     {"server": "old.example.com", "state": "absent"})
    current = {"ghcr.io": ("bot", "s3cret-token", None), "registry.example.com:5000": ("ci", "other", None),
               "old.example.com": ("x", "y", None)}
    plan = family.plan("--global", desired, current)
    assert [w.args for w in plan.writes] == [
        ["registry:login", "--global", "--password-stdin", "registry.example.com:5000", "ci"],
        ["registry:logout", "--global", "old.example.com"],
    ]
    assert plan.writes[0].data == "pw-1234\n" and plan.secrets == ["pw-1234"]
    assert plan.before == {"registry_logins": {"ghcr.io": "bot ********", "registry.example.com:5000": "ci ********",
                                               "old.example.com": "x ********"}}
    assert plan.after == {"registry_logins": {"ghcr.io": "bot ********",
                                              "registry.example.com:5000": "ci ******** (new)",
                                              "old.example.com": None}}
    assert "s3cret" not in repr(plan.before) + repr(plan.after)


def test_docker_hub_names_are_one_registry():
    desired = logins({"server": "hub.docker.com", "username": "me", "password": "pw-1234"})
    plan = get("registry_login").plan("--global", desired, {"https://index.docker.io/v1/": ("me", "pw-1234", None)})
    assert plan.writes == []
    error = get("registry_login").validate({"logins": [
        {"server": "docker.io", "username": "a", "password": "pw-1234"},
        {"server": "docker.com", "username": "b", "password": "pw-1234"}]}, "--global")[1]
    assert "same registry" in error


def test_a_credential_helper_is_compared_with_the_collection_marker():
    salt = "00" * 16
    marker = {"username": "me", "salt": salt, "hash": password_hash("pw-1234", salt)}
    assert matches((None, None, marker), "me", "pw-1234")
    assert not matches((None, None, marker), "me", "other")
    assert not matches((None, None, None), "me", "pw-1234")  # helper without marker: log in once


@pytest.mark.parametrize("login, problem", [
    ({"server": "https://ghcr.io", "username": "a", "password": "pw-1234"}, "without a scheme"),
    ({"server": "ghcr.io", "username": "a b", "password": "pw-1234"}, "username of ghcr.io"),
    ({"server": "ghcr.io", "username": "a", "password": " pw"}, "password of ghcr.io"),
    ({"server": "ghcr.io", "username": "a"}, "password of ghcr.io"),
])
def test_registry_login_refuses_bad_input(login, problem):
    desired, error = get("registry_login").validate({"logins": [login]}, "--global")
    assert desired is None and error.startswith("logins: ") and problem in error


def test_git_auth_reuses_the_deploy_write_with_the_token_on_stdin():
    family = get("git_auth")
    desired, error = family.validate({"hosts": [
        {"host": "git.example.com", "username": "bot", "password": "t0ken-abc"},
        {"host": "old.example.com", "state": "absent"}]}, "--global")
    assert error is None
    plan = family.plan("--global", desired, {"git.example.com": ("bot", "other"), "old.example.com": ("u", "p")})
    assert [w.args for w in plan.writes] == [["git:auth", "git.example.com", "bot"], ["git:auth", "old.example.com"]]
    assert plan.writes[0].data == "t0ken-abc\n"
    assert plan.after == {"git_auth": {"git.example.com": "bot ******** (new)", "old.example.com": None}}
    assert family.plan("--global", desired, {"git.example.com": ("bot", "t0ken-abc")}).writes == []
    assert family.classify("global", ("git_auth", "git.example.com")) == (
        {"type": "git_auth", "name": "git.example.com"}, "credentials")


def test_deploy_credentials_go_on_stdin_too():
    plan = get("deploy").plan("web", {"repository": "https://git.example.com/a.git", "ref": "main",
                                      "auth_username": "bot", "auth_password": "t0ken-abc"},
                              {"source": ("", ""), "netrc": None, "host": "git.example.com", "commit": "a" * 40})
    assert plan.writes[0].args == ["git:auth", "git.example.com", "bot"] and plan.writes[0].data == "t0ken-abc\n"
