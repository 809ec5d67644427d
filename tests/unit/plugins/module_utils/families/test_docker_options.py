"""The docker_options planner, pure: canonical forms, duplicates, phases grouped, refusals."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.docker_options import (
    canonical_options,
    check_phase_options,
)

FAMILY = get("docker_options")


def plan(current, phases, mode="exact"):
    desired, error = FAMILY.validate({"phases": phases, "mode": mode}, "web")
    assert error is None, error
    full = {"build": [], "deploy": [], "run": []}
    full.update(current)
    return FAMILY.plan("web", desired, full)


@pytest.mark.parametrize("given, stored", [
    ("--shm-size 256m", ["--shm-size 256m"]),
    ('--label "com.example.q=a b"', ["--label 'com.example.q=a b'"]),
    ("--label 'com.example.note=hello world'", ["--label 'com.example.note=hello world'"]),
    ("--label it\\'s", ["--label 'it'\\''s'"]),
    ("--build-arg X=Y --link a", ["--build-arg X=Y", "--link a"]),
    ("  -v   /a:/b  ", ["-v /a:/b"]),
    ("--env 'A=*'", ["--env 'A=*'"]),
])
def test_values_are_compared_in_the_form_dokku_stores(given, stored):
    assert canonical_options(given) == (stored, None)


@pytest.mark.parametrize("given, problem", [
    ("--env A=$HOME", "'$'"),
    ("--env A=`id`", "backquote"),
    ('--label "open', "unclosed double quote"),
    ("--label 'open", "unclosed single quote"),
    ("--env A=1; rm -rf /", "operator"),
    ("--env A #comment", "comment"),
    ("shm-size 1g", "must start with a docker flag"),
    ("--process web --shm-size 1g", "--process is not supported"),
    ("--quiet", "dokku flag"),
    ("", "is empty"),
    ("--a\nb", "line break"),
])
def test_bad_values_are_refused(given, problem):
    options, error = canonical_options(given)
    assert options is None and problem in error, error


def test_a_value_listed_twice_is_refused_even_in_two_spellings():
    options, error = check_phase_options("deploy", ['--label "a b"', "--label 'a b'"])
    assert options is None and "deploy[1]" in error and "listed twice" in error


def test_exact_removes_and_adds_grouped_by_option_across_phases():
    result = plan({"deploy": ["--shm-size 256m", "-v /a:/b"], "run": ["--shm-size 256m", "--ulimit nofile=12"]},
                  {"deploy": ["-v /a:/b", "--memory-swappiness 0"], "run": ["--ulimit nofile=12", "--memory-swappiness 0"]})
    assert result.argvs() == [
        ["dokku", "docker-options:remove", "web", "deploy,run", "--shm-size 256m"],
        ["dokku", "docker-options:add", "web", "deploy,run", "--memory-swappiness 0"],
    ]
    assert result.after == {"docker_options": {"deploy": ["--memory-swappiness 0", "-v /a:/b"],
                                               "run": ["--memory-swappiness 0", "--ulimit nofile=12"]}}
    assert result.restart


def test_a_duplicate_stored_by_add_is_removed_then_added_once():
    result = plan({"deploy": ["--shm-size 256m", "--shm-size 256m", "-v /a:/b"]},
                  {"deploy": ["--shm-size 256m", "-v /a:/b"]})
    assert result.argvs() == [
        ["dokku", "docker-options:remove", "web", "deploy", "--shm-size 256m"],
        ["dokku", "docker-options:add", "web", "deploy", "--shm-size 256m"],
    ]
    assert result.before["docker_options"]["deploy"] != result.after["docker_options"]["deploy"]


def test_nothing_kept_clears_the_phase_then_adds():
    result = plan({"build": ["--build-arg A=1", "--build-arg B=2"]}, {"build": ["--build-arg C=3"]})
    assert result.argvs() == [["dokku", "docker-options:clear", "web", "build"],
                              ["dokku", "docker-options:add", "web", "build", "--build-arg C=3"]]
    assert not result.restart  # build options apply at the next build


def test_an_empty_list_clears_and_an_omitted_phase_is_left_alone():
    result = plan({"deploy": ["--shm-size 1g"], "run": ["--ulimit nofile=12"]}, {"deploy": []})
    assert result.argvs() == [["dokku", "docker-options:clear", "web", "deploy"]]
    assert result.before == {"docker_options": {"deploy": ["--shm-size 1g"]}}


def test_quoting_variants_of_a_stored_value_change_nothing():
    result = plan({"deploy": ["--label 'com.example.q=a b'"]}, {"deploy": ['--label "com.example.q=a b"']})
    assert result.argvs() == [] and not result.changed


def test_present_and_absent():
    current = {"deploy": ["--shm-size 1g", "-v /a:/b"]}
    assert plan(current, {"deploy": ["--init"]}, "present").argvs() == [
        ["dokku", "docker-options:add", "web", "deploy", "--init"]]
    absent = plan(current, {"deploy": ["-v /a:/b", "--init"]}, "absent")
    assert absent.argvs() == [["dokku", "docker-options:remove", "web", "deploy", "-v /a:/b"]]
    assert absent.after == {"docker_options": {"deploy": ["--shm-size 1g"]}}


def test_drift_of_one_phase_is_one_leaf():
    assert FAMILY.classify("app:web", ("docker_options", "deploy")) == (
        {"type": "docker_options", "app": "web", "name": "deploy"}, "options")
