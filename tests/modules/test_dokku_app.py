"""dokku_app against the double: quartets, opt-in destroy, bad names."""

import os

import pytest

APP = "selfhosted.dokku.dokku_app"


def test_create_quartet(host):
    check, real, _c2, _r2 = host.quartet(APP, {"name": "djangotutorial"}, [["dokku", "apps:create", "djangotutorial"]])
    assert check["diff"] == {
        "before": {"name": "djangotutorial", "state": "absent"},
        "after": {"name": "djangotutorial", "state": "present"},
    }
    assert real["app"] == "djangotutorial"
    assert host.json("apps:list", "--format", "json") == ["djangotutorial"]


def test_destroy_quartet(host):
    host.dokku("apps:create", "old-app")
    host.quartet(
        APP,
        {"name": "old-app", "state": "absent", "allow_destroy": True},
        [["dokku", "--force", "apps:destroy", "old-app"]],
    )
    assert host.json("apps:list", "--format", "json") == []
    assert not os.path.exists(host.home("old-app"))


def test_absent_without_opt_in_refuses_and_keeps_the_app(host):
    host.dokku("apps:create", "keep-me")
    result = host.run(APP, {"name": "keep-me", "state": "absent"}, tag="refused")
    assert result["failed"] is True
    assert "allow_destroy=true" in result["msg"]
    assert host.calls(tag="refused") == []
    assert host.json("apps:list", "--format", "json") == ["keep-me"]


@pytest.mark.parametrize(
    "name, problem",
    [
        ("MyApp", "invalid"),
        ("my_app", "invalid"),
        ("-app", "invalid"),
        ("", "empty"),
        ("a" * 245, "characters long"),
        ("app:colon", "invalid"),
    ],
)
def test_bad_names_are_refused_before_any_call(host, name, problem):
    result = host.run(APP, {"name": name}, tag="bad")
    assert result["failed"] is True
    assert result["msg"].startswith("name: ")
    assert problem in result["msg"]
    assert host.calls(tag="bad") == []


def test_unsupported_dokku_version_is_refused_without_writes(tmp_path):
    from harness import DokkuHost

    old = DokkuHost(tmp_path, version="0.26.8")
    result = old.run(APP, {"name": "app1"}, tag="old")
    assert result["failed"] is True
    assert "Dokku 0.26.8 is not supported" in result["msg"]
    assert old.writes("old") == []
