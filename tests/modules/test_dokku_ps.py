"""dokku_ps against the double: state, exact scale and restart policy of a deployed app."""

import pytest

PS = "selfhosted.dokku.dokku_ps"


@pytest.fixture
def web(host):
    """App web deployed from an image: one web process, running."""
    host.dokku("apps:create", "web")
    assert host.dokku("git:from-image", "web", "nginx:1.27")[0] == 0
    return host


def ps(host, app="web"):
    return host.json("ps:report", app, "--format", "json")


def containers(host, app="web"):
    return dict((key, value) for key, value in ps(host, app).items() if key.startswith("status-"))


def scale(host, app="web"):
    return dict((row["process_type"], row["quantity"]) for row in host.json("ps:scale", app, "--format", "json"))


def test_quartet_policy_scale_and_stop(web):
    check, real, _c2, _r2 = web.quartet(
        PS,
        {"app": "web", "restart_policy": "unless-stopped", "scale": {"web": 3}, "state": "stopped"},
        [
            ["dokku", "ps:set", "web", "restart-policy", "unless-stopped"],
            ["dokku", "ps:scale", "--skip-deploy", "web", "web=3"],
            ["dokku", "ps:stop", "web"],
        ],
    )
    assert check["diff"] == {
        "before": {"restart_policy": "", "scale": {"web": 1}, "state": "started"},
        "after": {"restart_policy": "unless-stopped", "scale": {"web": 3}, "state": "stopped"},
    }
    assert (real["running"], real["scale"], real["restart_policy"]) == ("false", {"web": 3}, "unless-stopped")
    report = ps(web)
    assert (report["running"], report["restart-policy"], report["deployed"]) == ("false", "unless-stopped", "true")
    assert scale(web) == {"web": 3}
    assert list(containers(web)) == ["status-web.1"]  # --skip-deploy: the stopped app got no new container


def test_start_a_stopped_app_with_a_new_scale_deploys_once(web):
    web.dokku("ps:stop", "web")
    check, real, _c2, _r2 = web.quartet(
        PS, {"app": "web", "scale": {"web": 2}, "state": "started"},
        [["dokku", "ps:scale", "--skip-deploy", "web", "web=2"], ["dokku", "ps:start", "web"]],
    )
    assert check["diff"]["before"]["state"] == "stopped" and real["running"] == "true"
    assert sorted(containers(web)) == ["status-web.1", "status-web.2"]
    assert all(value.startswith("running (CID: ") for value in containers(web).values())


def test_exact_scale_of_a_running_app_deploys_the_changed_types(web):
    web.dokku("ps:scale", "web", "worker=2")
    web_container = containers(web)["status-web.1"]
    check, _real, _c2, _r2 = web.quartet(
        PS, {"app": "web", "scale": {"web": 1, "clock": 0}}, [["dokku", "ps:scale", "web", "worker=0"]],
    )
    assert check["diff"] == {
        "before": {"scale": {"web": 1, "worker": 2}},
        "after": {"scale": {"web": 1, "worker": 0}},
    }
    assert scale(web) == {"web": 1, "worker": 0}
    assert containers(web) == {"status-web.1": web_container}  # web was not redeployed
    assert ps(web)["running"] == "true"


def test_restarted_and_rebuilt_always_act_but_never_in_check_mode(web):
    before = containers(web)
    results, _proc = web.run_tasks([
        {"module": PS, "args": {"app": "web", "state": "restarted"}, "check": True, "tag": "check"},
        {"module": PS, "args": {"app": "web", "state": "restarted"}, "tag": "restart"},
        {"module": PS, "args": {"app": "web", "state": "restarted"}, "tag": "restart-again"},
        {"module": PS, "args": {"app": "web", "state": "rebuilt"}, "tag": "rebuild"},
    ])
    assert [r["changed"] for r in results] == [True, True, True, True]
    assert web.writes("check") == []
    assert results[1]["diff"] == {"before": {"state": "started"}, "after": {"state": "restarted"}}
    assert web.writes("restart") == [["ps:restart", "web"]] and web.writes("restart-again") == [["ps:restart", "web"]]
    assert web.writes("rebuild") == [["ps:rebuild", "web"]]
    assert containers(web) != before and ps(web)["running"] == "true"


def test_an_app_never_deployed(host):
    host.dokku("apps:create", "web")
    results, _proc = host.run_tasks([
        {"module": PS, "args": {"app": "web", "state": "stopped"}, "tag": "stopped"},
        {"module": PS, "args": {"app": "web", "state": "started"}, "check": True, "tag": "check"},
        {"module": PS, "args": {"app": "web", "state": "started", "scale": {"web": 3}}, "tag": "started"},
        {"module": PS, "args": {"app": "web", "scale": {"web": 2}, "restart_policy": "always"}, "tag": "settings"},
    ])
    assert results[0]["changed"] is False and results[0]["deployed"] is False
    assert results[1]["changed"] is True and "has not been deployed" in results[1]["warnings"][0]
    assert results[2]["failed"] is True
    assert results[2]["msg"].startswith("app web has not been deployed, so it cannot be started")
    assert host.writes("stopped") == [] and host.writes("started") == []  # nothing, not even the scale
    assert host.writes("settings") == [["ps:set", "web", "restart-policy", "always"],
                                       ["ps:scale", "--skip-deploy", "web", "web=2"]]
    assert scale(host) == {"web": 2} and ps(host)["deployed"] == "false"


def test_an_empty_restart_policy_returns_to_the_default(web):
    web.dokku("ps:set", "web", "restart-policy", "no")
    check, _real, _c2, _r2 = web.quartet(PS, {"app": "web", "restart_policy": ""},
                                         [["dokku", "ps:set", "web", "restart-policy"]])
    assert check["diff"] == {"before": {"restart_policy": "no"}, "after": {"restart_policy": ""}}
    report = ps(web)
    assert (report["restart-policy"], report["computed-restart-policy"]) == ("", "on-failure:10")


BAD_INPUT = [
    ({"scale": {"web": -1}}, "scale: count of web is -1: give a whole number from 0"),
    ({"scale": {"web": "two"}}, "scale: count of web is 'two'"),
    ({"scale": {"web": True}}, "scale: count of web is True"),
    ({"scale": {"web=2": 1}}, "scale: process type 'web=2' is invalid"),
    ({"scale": {"-web": 1}}, "scale: process type '-web' is invalid"),
    ({"restart_policy": "sometimes"}, "restart_policy: 'sometimes' is invalid"),
    ({"restart_policy": "on-failure:x"}, "restart_policy: 'on-failure:x' is invalid"),
    ({"app": "Web", "state": "started"}, "app: app name 'Web' is invalid"),
    ({}, "one of the following is required: state, scale, restart_policy"),
]


def test_bad_input_is_refused_before_any_call(host):
    results, _proc = host.run_tasks(
        [{"module": PS, "args": dict({"app": "web"}, **args), "tag": "bad-%d" % i} for i, (args, _m) in enumerate(BAD_INPUT)]
    )
    for index, ((_args, msg), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True and msg in result["msg"], (msg, result["msg"])
        assert host.calls(tag="bad-%d" % index) == []


def test_missing_app_is_predicted_in_check_mode_and_fails_for_real(host):
    args = {"app": "later", "scale": {"web": 1}}
    results, _proc = host.run_tasks([
        {"module": PS, "args": args, "check": True, "tag": "check"},
        {"module": PS, "args": args, "tag": "real"},
    ])
    assert results[0]["changed"] is True
    assert results[0]["commands"] == [["dokku", "ps:scale", "--skip-deploy", "later", "web=1"]]
    assert results[1]["failed"] is True and results[1]["msg"].startswith("app later does not exist")
    assert host.writes("check") == [] and host.writes("real") == []
