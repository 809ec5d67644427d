"""The scheduler_k3s family without Dokku: validation, the plan, the command names by version."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.scheduler_k3s import (
    PROFILES_READ,
    command_names,
    parse_nodes,
    plan_cluster,
    read_charts,
    read_json,
    read_profiles,
)

FAMILY = get("scheduler_k3s")
NEW = command_names((0, 38, 27))
OLD = command_names((0, 36, 0))
A, B, C = "ssh://root@10.0.0.3", "ssh://root@10.0.0.4", "ssh://admin@node-c.example.com:2222"
FIRST = {"Name": "ip-10-0-0-2-aaaaaa", "Roles": ["control-plane", "etcd", "master"], "Ready": True,
         "RemoteHost": "", "Version": "v1.33.1+k3s1"}


def desired(**kwargs):
    result, error = FAMILY.validate(kwargs, "--global")
    assert error is None, error
    return result


def current(nodes=(), initialized=True, names=None):
    listing = [FIRST] + [{"Name": "ip-%s" % url.rsplit("@", 1)[1].replace(".", "-"), "Roles": roles,
                          "RemoteHost": url, "Ready": True} for url, roles in nodes]
    return dict(initialized=initialized, nodes=parse_nodes(listing) if initialized else [], commands=names or NEW)


def test_command_names_follow_the_037_rename():
    assert NEW == {"add": "scheduler-k3s:cluster:add", "list": "scheduler-k3s:cluster:list",
                   "remove": "scheduler-k3s:cluster:remove"}
    assert OLD["add"] == "scheduler-k3s:cluster-add" and OLD["remove"] == "scheduler-k3s:cluster-remove"
    assert command_names((0, 37, 0))["list"] == "scheduler-k3s:cluster:list"


def test_a_new_cluster_is_initialized_once_and_every_node_added():
    want = desired(ingress_class="traefik", nodes=[{"url": A, "role": "server", "taint_scheduling": True},
                                                   {"url": B, "kubelet_args": ["max-pods=50"]}])
    plan = plan_cluster(want, current(initialized=False))
    assert plan.error is None
    assert plan.argvs() == [
        ["dokku", "scheduler-k3s:initialize", "--ingress-class", "traefik"],
        ["dokku", "scheduler-k3s:cluster:add", "--role", "server", "--taint-scheduling", A],
        ["dokku", "scheduler-k3s:cluster:add", "--role", "worker", "--kubelet-args", "max-pods=50", B]]
    assert plan.before == {"k3s": {"initialized": False, "nodes": {}}}
    assert plan.after == {"k3s": {"initialized": True, "nodes": {A: "server", B: "worker"}}}


def test_an_initialized_cluster_gets_only_its_missing_nodes_by_the_version_s_command():
    want = desired(nodes=[{"url": A, "role": "server"}, {"url": B}])
    plan = plan_cluster(want, current([(A, ["control-plane", "etcd", "master"])], names=OLD))
    assert plan.argvs() == [["dokku", "scheduler-k3s:cluster-add", "--role", "worker", B]]
    in_sync = plan_cluster(want, current([(A, ["control-plane", "master"]), (B, [])]))
    assert in_sync.writes == [] and not in_sync.changed


def test_unlisted_nodes_are_refused_without_allow_remove_and_removed_with_it():
    have = current([(A, ["control-plane"]), (B, [])])
    refused = plan_cluster(desired(nodes=[{"url": A, "role": "server"}]), have)
    assert refused.writes == [] and B in refused.error and "allow_remove" in refused.error
    assert "dokku_k3s_allow_remove" in refused.error
    removed = plan_cluster(desired(nodes=[{"url": A, "role": "server"}], allow_remove=True), have)
    assert removed.argvs() == [["dokku", "scheduler-k3s:cluster:remove", "ip-10-0-0-4"]]
    assert removed.after["k3s"]["nodes"] == {A: "server"}


def test_the_first_server_is_never_removed_and_a_role_change_is_refused():
    plan = plan_cluster(desired(nodes=[], allow_remove=True), current())
    assert plan.writes == [] and plan.error is None
    wrong = plan_cluster(desired(nodes=[{"url": A, "role": "worker"}]), current([(A, ["control-plane"])]))
    assert wrong.writes == [] and "joined the cluster as a server" in wrong.error


def test_uninstalling_is_not_managed():
    assert "not managed" in plan_cluster(desired(initialized=False), current()).error
    assert plan_cluster(desired(initialized=False), current(initialized=False)).writes == []


@pytest.mark.parametrize("value,problem", [
    ({"nodes": [{"url": "root@10.0.0.3"}]}, "nodes[0].url: 'root@10.0.0.3' is not an SSH URL"),
    ({"nodes": [{"url": "ssh://10.0.0.3"}]}, "is not an SSH URL"),
    ({"nodes": [{"url": "ssh://root@10.0.0.3:99999"}]}, "is not an SSH URL"),
    ({"nodes": [{"url": "ssh://root@host; rm -rf /"}]}, "is not an SSH URL"),
    ({"nodes": [{"url": A, "role": "agent"}]}, "nodes[0].role: must be server or worker"),
    ({"nodes": [{"url": A, "taint_scheduling": True}]}, "only a server node can be tainted"),
    ({"nodes": [{"url": A}, {"url": A}]}, "nodes[1].url: %s is listed twice" % A),
    ({"nodes": [{"url": A, "kubelet_args": ["max pods=1"]}]}, "kubelet_args"),
    ({"nodes": [{"url": A}], "initialized": False}, "must be initialized"),
    ({"ingress_class": "haproxy"}, "ingress_class: must be nginx or traefik"),
])
def test_bad_input_is_refused(value, problem):
    result, error = FAMILY.validate(value, "--global")
    assert result is None and problem in error


def test_good_urls_pass():
    assert desired(nodes=[{"url": C}, {"url": "ssh://root@[fd00::5]:22", "role": "server"}])["nodes"][0]["url"] == C


def test_drift_classification_and_export():
    assert FAMILY.classify("--global", ("k3s", "nodes", A)) == ({"type": "k3s_node", "name": A}, "role")
    assert FAMILY.classify("--global", ("k3s", "initialized")) == ({"type": "k3s_cluster"}, "initialized")
    facts = {"k3s": {"initialized": True, "nodes": parse_nodes(
        [FIRST, {"Name": "n", "Roles": [], "RemoteHost": B}])}}
    assert FAMILY.export(facts, None, None) == {"dokku_k3s_enabled": True,
                                                "dokku_k3s_nodes": [{"url": B, "role": "worker"}]}
    assert FAMILY.export({"k3s": {"initialized": False, "nodes": []}}, None, None) == {}


# ------------------------------------------------------------------------- node profiles
CONTROL = {"name": "control", "role": "server", "taint_scheduling": True, "kubelet_args": ["max-pods=50"]}


def with_profiles(state, **profiles):
    return dict(state, profiles=profiles)


def test_profiles_left_alone_unless_given():
    want = desired(nodes=[{"url": A, "role": "server", "profile": "made-by-hand"}])
    assert want["profiles"] is None
    # no profiles in the state (and the module reads none: test_dokku_k3s)
    plan = plan_cluster(want, current([(A, ["control-plane"])]))
    assert plan.writes == [] and "profiles" not in plan.before["k3s"]


def test_missing_and_changed_profiles_are_added_before_the_nodes_join():
    want = desired(profiles=[CONTROL, {"name": "Edge-1", "kubelet_args": "v=2,max-pods=30"}],
                   nodes=[{"url": A, "role": "server", "profile": "control"}, {"url": B, "profile": "Edge-1"}])
    have = with_profiles(current(initialized=False), **{"Edge-1": {"role": "worker", "taint_scheduling": False,
                                                                   "kubelet_args": ["v=2"], "allow_unknown_hosts": False}})
    plan = plan_cluster(want, have)
    assert plan.error is None
    assert plan.argvs() == [
        ["dokku", "scheduler-k3s:initialize"],
        ["dokku", "scheduler-k3s:profiles:add", "--role", "server", "--taint-scheduling", "--kubelet-args", "max-pods=50",
         "control"],
        ["dokku", "scheduler-k3s:profiles:add", "--role", "worker", "--kubelet-args", "v=2,max-pods=30", "Edge-1"],
        ["dokku", "scheduler-k3s:cluster:add", "--role", "server", "--profile", "control", A],
        ["dokku", "scheduler-k3s:cluster:add", "--role", "worker", "--profile", "Edge-1", B]]
    assert plan.before["k3s"]["profiles"] == {"Edge-1": {"role": "worker", "taint_scheduling": False,
                                                         "kubelet_args": ["v=2"], "allow_unknown_hosts": False}}
    assert plan.after["k3s"]["profiles"]["control"] == {"role": "server", "taint_scheduling": True,
                                                        "kubelet_args": ["max-pods=50"], "allow_unknown_hosts": False}
    # in sync: nothing to write
    same = with_profiles(current([(A, ["control-plane"]), (B, [])]),
                         control=plan.after["k3s"]["profiles"]["control"], **{"Edge-1": plan.after["k3s"]["profiles"]["Edge-1"]})
    assert plan_cluster(want, same).writes == []


def test_unlisted_profiles_are_refused_without_allow_remove_and_removed_last_with_it():
    spare = {"role": "worker", "taint_scheduling": False, "kubelet_args": [], "allow_unknown_hosts": False}
    refused = plan_cluster(desired(profiles=[]), with_profiles(current(), spare=spare))
    assert refused.writes == [] and "profiles: the host has node profiles the inventory does not list (spare)" \
        in refused.error and "dokku_k3s_allow_remove" in refused.error
    removed = plan_cluster(desired(profiles=[], allow_remove=True), with_profiles(current(), spare=spare))
    assert removed.argvs() == [["dokku", "scheduler-k3s:profiles:remove", "spare"]]
    assert removed.after["k3s"]["profiles"] == {}
    assert FAMILY.classify("--global", ("k3s", "profiles", "spare")) == (
        {"type": "k3s_profile", "name": "spare"}, "profile")
    assert FAMILY.classify("--global", ("k3s", "profiles", "spare", "role")) == (
        {"type": "k3s_profile", "name": "spare"}, "role")


@pytest.mark.parametrize("want,problem", [
    ({"profiles": [{"name": "-edge"}]}, "profiles[0].name: '-edge' is not a node profile name"),
    ({"profiles": [{"name": "x" * 33}]}, "at most 32"),
    ({"profiles": [{"name": "edge", "taint_scheduling": True}]}, "profiles[0].taint_scheduling: only a server"),
    ({"profiles": [{"name": "edge", "kubelet_args": ["max pods"]}]}, "profiles[0].kubelet_args"),
    ({"profiles": [{"name": "edge"}, {"name": "edge"}]}, "profiles[1].name: edge is listed twice"),
    ({"profiles": [{"name": "edge", "colour": "red"}]}, "profiles[0]: unknown keys colour"),
    ({"profiles": [], "nodes": [{"url": A, "profile": "edge"}]}, "nodes[0].profile: edge is not in profiles"),
    ({"profiles": [{"name": "edge"}], "nodes": [{"url": A, "role": "server", "profile": "edge"}]},
     "nodes[0].role: server, but its profile edge is a worker profile"),
])
def test_bad_profiles_are_refused(want, problem):
    result, error = FAMILY.validate(want, "--global")
    assert result is None and problem in error, error


def test_chart_overrides_are_set_before_initialize_which_installs_them():
    want = desired(charts={"cert-manager": {"version": "1.13.3"}})
    plan = plan_cluster(want, dict(current(initialized=False), charts={}))
    assert plan.argvs() == [["dokku", "scheduler-k3s:charts:set", "cert-manager.version", "1.13.3"],
                            ["dokku", "scheduler-k3s:initialize"]]
    assert plan.after["k3s"]["charts"] == {"cert-manager": {"version": "1.13.3"}}


def test_changed_chart_overrides_on_a_running_cluster_reinstall_only_those_charts():
    want = desired(charts={"longhorn": {"defaultSettings.defaultReplicaCount": "2"},
                           "cert-manager": {"version": "1.13.3"}})
    have = dict(current(), charts={"cert-manager": {"version": "1.13.3"}, "vector": {"image.tag": "0.40"}})
    plan = plan_cluster(want, have)
    assert plan.argvs() == [
        ["dokku", "scheduler-k3s:charts:set", "longhorn.defaultSettings.defaultReplicaCount", "2"],
        ["dokku", "scheduler-k3s:charts:set", "vector.image.tag"],
        ["dokku", "scheduler-k3s:ensure-charts", "--charts", "longhorn,vector"]]
    assert plan.before["k3s"]["charts"] == have["charts"]
    in_sync = plan_cluster(want, dict(current(), charts=want["charts"]))
    assert in_sync.writes == [] and not in_sync.changed
    assert "charts" not in plan_cluster(desired(), current()).after["k3s"]  # not given: not read or touched
    assert FAMILY.classify("--global", ("k3s", "charts", "vector", "image.tag")) == (
        {"type": "k3s_chart", "name": "vector"}, "image.tag")


@pytest.mark.parametrize("charts, problem", [
    ({"nginx": {"a": "1"}}, "charts.nginx: not a chart of Dokku's k3s scheduler"),
    ({"keda": ["a=1"]}, "charts.keda: must be a mapping"),
    ({"keda": {"a b": "1"}}, "a property is a helm dot path"),
    ({"keda": {"a": ""}}, "the value must be non-empty"),
    ({"keda": {"a": {"b": "1"}}}, "must be a string"),
    (["keda"], "charts: must be a mapping"),
])
def test_bad_chart_overrides_are_refused(charts, problem):
    result, error = FAMILY.validate({"charts": charts}, "--global")
    assert result is None and problem in error, error


def test_chart_overrides_need_an_initialized_cluster():
    plan = plan_cluster(desired(initialized=False, charts={}), dict(current(initialized=False), charts={}))
    assert plan.error.startswith("charts: chart overrides need an initialized cluster") and plan.writes == []


class _Failed(Exception):
    pass


class _Ctx(object):
    """Just what the JSON reads use: fetch, memo and the runner's fail."""

    def __init__(self, rc, stdout="", stderr=""):
        self.result = type("Result", (), dict(rc=rc, stdout=stdout, stderr=stderr))
        self.runner = self

    def fetch(self, read):
        return self.result

    def memo(self, key, compute):
        return compute()

    def fail(self, msg, **kwargs):
        raise _Failed(msg)


@pytest.mark.parametrize("reader, argv", [(read_profiles, "scheduler-k3s:profiles:list --format json"),
                                          (read_charts, "scheduler-k3s:charts:report --format json")])
def test_a_failed_or_garbled_json_read_fails_naming_the_command(reader, argv):
    with pytest.raises(_Failed, match="dokku %s failed" % argv):
        reader(_Ctx(1, stderr=" !     boom"))
    with pytest.raises(_Failed, match="cannot parse the output of dokku %s" % argv):
        reader(_Ctx(0, stdout="not json"))
    assert read_json(_Ctx(1), "k", PROFILES_READ, list, [], strict=False) is None
