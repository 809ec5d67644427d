"""The resource planner, pure: one call per process type and kind, clear forms, value checks."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.resource import parse_report

FAMILY = get("resource")


def plan(current, desired):
    checked, error = FAMILY.validate(desired, "res")
    assert error is None, error
    return FAMILY.plan("res", checked, current)


def test_the_transcript_report_parses_without_its_legacy_keys():
    report = {"_default_.limit.cpu": "1", "_default_.limit.memory": "512m", "_default_.reserve.memory": "128m",
              "resource-_default_.limit.cpu": "1", "resource-web.limit.cpu": "0.5", "web.limit.cpu": "0.5",
              "resource-worker.reserve.cpu": "0.25", "worker.reserve.cpu": "0.25"}
    assert parse_report(report) == {
        "limits": {"_default_": {"cpu": "1", "memory": "512m"}, "web": {"cpu": "0.5"}},
        "reservations": {"_default_": {"memory": "128m"}, "worker": {"cpu": "0.25"}},
    }


def test_one_call_per_process_type_sets_changed_keys_and_clears_dropped_ones():
    current = {"limits": {"_default_": {"cpu": "1", "memory": "512m"}, "web": {"memory": "256m"}},
               "reservations": {"_default_": {"memory": "128m"}}}
    result = plan(current, {"limits": {"_default_": {"cpu": 2}, "worker": {"memory": "1g", "cpu": "0.5"}}})
    assert result.argvs() == [
        ["dokku", "resource:limit", "res", "--cpu", "2", "--memory", "clear"],
        ["dokku", "resource:limit-clear", "res", "--process-type", "web"],
        ["dokku", "resource:limit", "res", "--process-type", "worker", "--cpu", "0.5", "--memory", "1g"],
    ]
    assert "reservations" not in result.after["resources"]  # a kind left out is left alone
    assert result.restart


def test_clearing_the_defaults_names_the_process_type():
    """The bare resource:limit-clear APP would delete the reservations too."""
    result = plan({"limits": {"_default_": {"cpu": "1"}}, "reservations": {"_default_": {"memory": "1g"}}},
                  {"limits": {}})
    assert result.argvs() == [["dokku", "resource:limit-clear", "res", "--process-type", "_default_"]]


def test_reservations_use_reserve_commands_and_nothing_to_do_is_no_call():
    result = plan({"limits": {}, "reservations": {}}, {"reservations": {"worker": {"cpu": "0.25"}}})
    assert result.argvs() == [["dokku", "resource:reserve", "res", "--process-type", "worker", "--cpu", "0.25"]]
    same = plan({"limits": {}, "reservations": {"worker": {"cpu": "0.25"}}}, {"reservations": {"worker": {"cpu": "0.25"}}})
    assert same.argvs() == [] and not same.changed


@pytest.mark.parametrize("desired, problem", [
    ({"limits": {"_default_": {"memory": "lots"}}}, "limits._default_.memory: 'lots' is not a memory size"),
    ({"limits": {"web": {"memory": "512M"}}}, "is not a memory size"),  # Dokku would pass 512Mm to docker
    ({"limits": {"web": {"cpu": "0"}}}, "is not a number of CPUs"),
    ({"limits": {"web": {"cpu": "half"}}}, "is not a number of CPUs"),
    ({"limits": {"web": {"memory-swap": "1024"}}}, "is not a swap size"),
    ({"limits": {"web": {"nvidia-gpu": "two"}}}, "is not a GPU count"),
    ({"limits": {"web": {"network": "10m"}}}, "limits.web.network: not a limit key"),
    ({"reservations": {"web": {"nvidia-gpu": "1"}}}, "not a reservation key"),
    ({"limits": {"web": {"cpu": True}}}, "must be a string or a number"),
    ({"limits": {"bad type!": {"cpu": "1"}}}, "is not a process type"),
    ({"limits": {"web": "1"}}, "must be a dict"),
])
def test_bad_values_are_refused(desired, problem):
    checked, error = FAMILY.validate(desired, "res")
    assert checked is None and error.startswith("resources.") and problem in error, error


def test_good_values_pass():
    checked, error = FAMILY.validate({"limits": {"_default_": {"cpu": 1.5, "memory": 512, "memory-swap": "-1",
                                                               "nvidia-gpu": "all"}}}, "res")
    assert error is None
    assert checked == {"limits": {"_default_": {"cpu": "1.5", "memory": "512", "memory-swap": "-1", "nvidia-gpu": "all"}}}


def test_one_changed_value_is_one_leaf():
    assert FAMILY.classify("app:res", ("resources", "limits", "web", "memory")) == (
        {"type": "resource_limit", "app": "res", "name": "web"}, "memory")
