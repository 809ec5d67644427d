"""The checks planner: disabled/skipped per process type, exactly, with the fewest calls."""

import itertools

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.checks import apply, check_steps, same


def lists(disabled=(), skipped=()):
    return {"disabled": list(disabled), "skipped": list(skipped)}


def plan(current, disabled=(), skipped=()):
    desired, error = get("checks").validate(lists(disabled, skipped), "web")
    assert error is None, error
    return get("checks").plan("web", desired, current)


def test_transcript_rules():
    state = apply(lists(), ["checks:disable", "chk"])
    assert state == lists(["_all_"])
    state = apply(lists(["web", "worker"]), ["checks:enable", "chk", "web"])
    assert state == lists(["worker"])
    state = apply(state, ["checks:skip", "chk", "worker"])
    assert state == lists([], ["worker"])
    assert apply(state, ["checks:skip", "chk"]) == lists([], ["_all_"])
    assert apply(lists(["_all_"]), ["checks:disable", "chk", "web"]) == lists(["web"])
    assert apply(lists(["_all_"]), ["checks:enable", "chk", "web"]) == lists(["_all_"])


@pytest.mark.parametrize("current, disabled, skipped, expected", [
    (lists(), ["web", "worker"], [], [["checks:disable", "web", "web,worker"]]),
    (lists(["web"]), ["web"], [], []),
    (lists(["web", "worker"]), ["worker"], [], [["checks:enable", "web", "web"]]),
    (lists(["worker"]), [], ["worker"], [["checks:skip", "web", "worker"]]),
    (lists(["web"]), ["_all_"], [], [["checks:disable", "web"]]),
    (lists(["_all_"]), [], ["web"], [["checks:enable", "web"], ["checks:skip", "web", "web"]]),
    (lists(["_all_"]), ["web"], [], [["checks:disable", "web", "web"]]),
    (lists(["web"], ["worker"]), [], [], [["checks:enable", "web"]]),
    (lists([], ["_all_"]), [], [], [["checks:enable", "web"]]),
])
def test_fewest_calls(current, disabled, skipped, expected):
    assert [w.args for w in plan(current, disabled, skipped).writes] == expected


def test_every_small_case_converges():
    types = ["web", "worker", "_all_"]
    states = []
    for d in range(3):
        for s in range(3):
            for dis in itertools.combinations(types, d):
                for skp in itertools.combinations(types, s):
                    states.append(lists(dis, skp))
    targets = [t for t in states if get("checks").validate(t, "web")[1] is None]
    for current in states:
        for target in targets:
            target = get("checks").validate(target, "web")[0]
            state = current
            for step in check_steps("web", current, target):
                state = apply(state, step)
            assert same(state, target), (current, target)


def test_value_is_one_status_per_process_type():
    result = plan(lists(["web"], ["worker"]), [], ["web"])
    assert result.before == {"checks": {"web": "disabled", "worker": "skipped"}}
    assert result.after == {"checks": {"web": "skipped", "worker": "enabled"}}
    assert get("checks").classify("app:web", ("checks", "worker")) == (
        {"type": "checks", "app": "web", "name": "worker"}, "status")


@pytest.mark.parametrize("disabled, skipped, problem", [
    (["web"], ["web"], "both disabled and skipped"),
    (["_all_", "web"], [], "list it alone"),
    (["_all_"], ["web"], "other list must be empty"),
    (["we b"], [], "is invalid"),
    (["web,worker"], [], "is invalid"),
    (["web", "web"], [], "listed twice"),
])
def test_bad_input_is_refused(disabled, skipped, problem):
    desired, error = get("checks").validate(lists(disabled, skipped), "web")
    assert desired is None and error.startswith("checks.") and problem in error


def test_export_lists_only_what_is_set():
    family = get("checks")
    assert family.export({"checks": lists(["web"])}, "web", None) == {"checks": {"disabled": ["web"]}}
    assert family.export({"checks": lists()}, "web", None) == {}


def test_substring_removal_of_dokku_is_avoided():
    # checks:enable APP web on "web,webhook" would leave "hook": the planner resets instead
    assert apply(lists(["web", "webhook"]), ["checks:enable", "chk", "web"]) == lists(["hook"])
    assert [w.args for w in plan(lists(["web", "webhook"]), ["webhook"]).writes] == [
        ["checks:enable", "web"], ["checks:disable", "web", "webhook"]]
