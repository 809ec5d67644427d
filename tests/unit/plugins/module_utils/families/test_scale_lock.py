"""The scale entry option (planned by dokku_ps's code) and the deploy lock."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get


def ps_state(scale, running="true", can_scale=True):
    return dict(deployed=running != "never", running=running, can_scale=can_scale, restart_policy="", scale=scale)


def test_scale_of_a_running_app_deploys_the_changed_types_as_dokku_ps_does():
    desired = get("scale").validate({"scale": {"web": 2, "worker": "1"}}, "web")[0]
    plan = get("scale").plan("web", desired, ps_state({"web": 1, "clock": 1}))
    assert plan.argvs() == [["dokku", "ps:scale", "web", "clock=0", "web=2", "worker=1"]]
    ps_plan = get("ps").plan("web", {"scale": desired["scale"]}, ps_state({"web": 1, "clock": 1}))
    assert ps_plan.argvs() == plan.argvs()
    assert plan.before == {"scale": {"web": 1, "clock": 1}}
    assert plan.after == {"scale": {"web": 2, "clock": 0, "worker": 1}}


def test_scale_skips_the_deploy_of_an_app_that_does_not_run():
    desired = get("scale").validate({"scale": {"web": 2}}, "web")[0]
    assert get("scale").plan("web", desired, ps_state({"web": 1}, running="false")).argvs() == [
        ["dokku", "ps:scale", "--skip-deploy", "web", "web=2"]]
    assert get("scale").plan("web", desired, ps_state({"web": 2})).argvs() == []


def test_scale_refuses_an_app_json_formation():
    desired = get("scale").validate({"scale": {"web": 2}}, "web")[0]
    assert "app.json" in get("scale").plan("web", desired, ps_state({"web": 1}, can_scale=False)).error


@pytest.mark.parametrize("scale, problem", [
    ({"web": -1}, "whole number from 0"),
    ({"web": 1.5}, "whole number from 0"),
    ({"web": True}, "whole number from 0"),
    ({"we b": 1}, "is invalid"),
    ({"web=1": 1}, "is invalid"),
])
def test_scale_refuses_bad_counts_and_names(scale, problem):
    desired, error = get("scale").validate({"scale": scale}, "web")
    assert desired is None and error.startswith("scale: ") and problem in error


def test_scale_one_finding_per_process_type_and_export_skips_the_default():
    family = get("scale")
    assert family.classify("app:web", ("scale", "worker")) == (
        {"type": "scale", "app": "web", "name": "worker"}, "count")
    assert family.export({"scale": {"web": 1}}, "web", None) == {}
    assert family.export({"scale": {"web": 2}}, "web", None) == {"scale": {"web": 2}}


@pytest.mark.parametrize("current, locked, expected", [
    (False, True, [["dokku", "apps:lock", "web"]]),
    (True, False, [["dokku", "apps:unlock", "web"]]),
    (True, True, []),
    (False, False, []),
])
def test_lock(current, locked, expected):
    plan = get("lock").plan("web", {"locked": locked}, current)
    assert plan.argvs() == expected
    assert plan.before == {"locked": current} and plan.after == {"locked": locked}
    assert get("lock").classify("app:web", ("locked",)) == ({"type": "lock", "app": "web"}, "locked")
