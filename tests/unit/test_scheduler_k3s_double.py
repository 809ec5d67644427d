"""The double's scheduler-k3s plugin (reconstructed from the CLI contract, section 13)."""

import json
import os

import pytest
from dokku_double import cli
from dokku_double.admin import init_state


@pytest.fixture
def k3s(tmp_path):
    env = dict(os.environ, DOKKU_ROOT=str(tmp_path / "home"), DOKKU_LIB_ROOT=str(tmp_path / "lib"),
               DOKKU_DOUBLE_DIR=str(tmp_path / "double"))

    def run(*args, version=None):
        if version:
            init_state(env=env, version=version, plugins=("scheduler-k3s",), wipe=False)
        return cli.run(list(args), env=env, euid=0)

    init_state(env=env, plugins=("scheduler-k3s",))
    return run


def nodes(k3s):
    rc, out, err = k3s("scheduler-k3s:cluster:list", "--format", "json")
    assert rc == 0, err
    return json.loads(out)


def test_initialize_once_with_a_pre_seeded_token_and_the_ingress_class(k3s):
    rc, _out, err = k3s("scheduler-k3s:cluster:list", "--format", "json")
    assert rc == 1 and "kubernetes api not available" in err
    assert k3s("scheduler-k3s:set", "--global", "token", "seeded")[0] == 0
    assert k3s("scheduler-k3s:initialize", "--ingress-class", "bogus")[2] == " !     Invalid ingress-class: bogus\n"
    rc, out, _err = k3s("scheduler-k3s:initialize", "--ingress-class", "traefik")
    assert rc == 0 and out.startswith("-----> Initializing k3s\n=====> Updating apt\n")
    assert k3s("scheduler-k3s:initialize") == (1, "", " !     k3s already installed, cannot re-initialize k3s\n")
    report = json.loads(k3s("scheduler-k3s:report", "--global", "--format", "json")[1])
    assert (report["global-token"], report["global-ingress-class"]) == ("seeded", "traefik")
    assert "seeded" not in k3s("scheduler-k3s:report", "--global")[1]  # masked on stdout
    (first,) = nodes(k3s)
    assert first["RemoteHost"] == "" and first["Roles"] == ["control-plane", "etcd", "master"]
    assert first["Name"].startswith("ip-10-0-0-2-") and sorted(first) == ["Name", "Ready", "RemoteHost", "Roles",
                                                                          "Version"]


def test_cluster_add_list_remove_and_their_errors(k3s):
    assert "k3s not installed, cannot add node" in k3s("scheduler-k3s:cluster:add", "ssh://root@10.0.0.3")[2]
    k3s("scheduler-k3s:initialize")
    assert k3s("scheduler-k3s:cluster:add", "--role", "boss", "ssh://root@h")[2] == " !     Invalid role: boss\n"
    tainted = k3s("scheduler-k3s:cluster:add", "--taint-scheduling", "ssh://root@h")
    assert "only be used on the server role" in tainted[2]
    assert "Node profile p not found" in k3s("scheduler-k3s:cluster:add", "--profile", "p", "ssh://root@h")[2]
    assert k3s("scheduler-k3s:cluster:add", "--role", "server", "--taint-scheduling", "ssh://root@10.0.0.3:2222")[0] == 0
    assert k3s("scheduler-k3s:cluster:add", "ssh://root@10.0.0.3:2222")[0] == 0  # no duplicate check
    added = [node for node in nodes(k3s) if node["RemoteHost"]]
    assert [n["Roles"] for n in added] == [["control-plane", "etcd", "master"], []]
    assert all(n["Name"].startswith("ip-10-0-0-3-") for n in added)
    assert k3s("scheduler-k3s:cluster:remove", added[1]["Name"])[0] == 0
    assert k3s("scheduler-k3s:cluster:remove", added[1]["Name"])[0] == 1
    assert len(nodes(k3s)) == 2
    assert k3s("scheduler-k3s:cluster:list")[1].startswith("name ")


def test_the_037_rename(k3s):
    rc, _out, err = k3s("scheduler-k3s:cluster-list", "--format", "json")
    assert rc == 1 and "is not a dokku command" in err
    rc, _out, err = k3s("scheduler-k3s:cluster:list", "--format", "json", version="0.36.4")
    assert rc == 1 and "is not a dokku command" in err
    k3s("scheduler-k3s:initialize")
    assert k3s("scheduler-k3s:cluster-add", "ssh://root@10.0.0.9")[0] == 0
    rc, out, _err = k3s("scheduler-k3s:cluster-list", "--format", "json")
    assert rc == 0 and json.loads(out)[1]["RemoteHost"] == "ssh://root@10.0.0.9"


def test_node_profiles_add_list_remove_and_a_join_with_one(k3s):
    """From Dokku v0.38.27's CommandProfiles*/CommandClusterAdd: omitempty JSON, add overwrites, the
    node's --role (default worker) wins over the profile's, the profile's flags apply."""
    assert k3s("scheduler-k3s:profiles:list", "--format", "json")[:2] == (0, "[]\n")
    assert k3s("scheduler-k3s:profiles:add", "edge-")[2].startswith(" !     Invalid profile name")
    assert k3s("scheduler-k3s:profiles:add", "--role", "agent", "edge")[2] == " !     Invalid role: agent\n"
    assert k3s("scheduler-k3s:profiles:add", "x" * 33)[2].startswith(" !     Profile name is too long")
    rc, out, _err = k3s("scheduler-k3s:profiles:add", "--role", "server", "--taint-scheduling", "--kubelet-args",
                        "max-pods=50,v=2", "Control")
    assert (rc, out) == (0, "-----> Node profile Control added\n")
    assert k3s("scheduler-k3s:profiles:add", "edge")[0] == 0
    rc, out, _err = k3s("scheduler-k3s:profiles:list", "--format", "json")
    assert json.loads(out) == [{"name": "Control", "role": "server", "taint_scheduling": True,
                                "kubelet_args": ["max-pods=50", "v=2"]}, {"name": "edge", "role": "worker"}]
    assert k3s("scheduler-k3s:profiles:add", "--kubelet-args", "v=3", "edge")[0] == 0  # overwrites
    assert json.loads(k3s("scheduler-k3s:profiles:list", "--format", "json")[1])[1] == {
        "name": "edge", "role": "worker", "kubelet_args": ["v=3"]}

    assert k3s("scheduler-k3s:initialize")[0] == 0
    assert k3s("scheduler-k3s:cluster:add", "--profile", "nope", "ssh://root@10.0.0.9")[2] == \
        " !     Node profile nope not found\n"
    # the default --role worker wins over the server profile: its taint then fails the join
    assert k3s("scheduler-k3s:cluster:add", "--profile", "Control", "ssh://root@10.0.0.3")[2] == \
        " !     Taint scheduling can only be used on the server role\n"
    assert k3s("scheduler-k3s:cluster:add", "--role", "server", "--profile", "Control", "ssh://root@10.0.0.3")[0] == 0
    assert [n["RemoteHost"] for n in nodes(k3s)] == ["", "ssh://root@10.0.0.3"]

    rc, out, _err = k3s("scheduler-k3s:profiles:remove", "edge")
    assert (rc, out) == (0, "-----> Node profile edge removed\n")
    assert [p["name"] for p in json.loads(k3s("scheduler-k3s:profiles:list", "--format", "json")[1])] == ["Control"]


def test_annotations_and_labels_set_report_and_delete(k3s):
    """From Dokku v0.38.27's CommandAnnotationsSet/CommandLabelsSet and report.go: a map per process and
    resource type, no value deletes, the JSON report is flat with --global shown as global, an unknown
    resource type is stored but never reported, and a scheduler-k3s:set property is not an annotation."""
    assert k3s("apps:create", "web")[0] == 0
    assert k3s("scheduler-k3s:annotations:set", "web", "a.io/x", "1")[2] == " !     Missing resource-type\n"
    for args in (["web", "a.io/x", "1", "--resource-type", "deployment"],
                 ["web", "b", "two words", "--resource-type", "service", "--process-type", "worker"],
                 ["web", "c", "3", "--resource-type", "made_up"],
                 ["--global", "g", "4", "--resource-type", "pod"]):
        assert k3s("scheduler-k3s:annotations:set", *args)[0] == 0, args
    assert k3s("scheduler-k3s:labels:set", "web", "tier", "edge", "--resource-type", "deployment")[0] == 0
    assert k3s("scheduler-k3s:set", "web", "namespace", "apps")[0] == 0
    rc, out, _err = k3s("scheduler-k3s:annotations:report", "web", "--format", "json")
    assert rc == 0 and json.loads(out) == {"global.deployment.a.io/x": "1", "worker.service.b": "two words"}
    assert json.loads(k3s("scheduler-k3s:labels:report", "web", "--format", "json")[1]) == {
        "global.deployment.tier": "edge"}
    assert json.loads(k3s("scheduler-k3s:annotations:report", "--global", "--format", "json")[1]) == {
        "global.pod.g": "4"}
    rc, out, _err = k3s("scheduler-k3s:annotations:report", "web")
    assert out == ("=====> web annotations information\n"
                   "       Annotation (global/deployment) a.io/x:1\n"
                   "       Annotation (worker/service) b: two words\n")
    assert k3s("scheduler-k3s:annotations:report", "web", "--scheduler-k3s-annotations.worker.service.b")[1] == \
        "two words\n"
    assert k3s("scheduler-k3s:annotations:set", "web", "a.io/x", "--resource-type", "deployment")[0] == 0
    assert k3s("scheduler-k3s:annotations:set", "web", "absent", "--resource-type", "deployment")[0] == 0
    assert json.loads(k3s("scheduler-k3s:annotations:report", "web", "--format", "json")[1]) == {
        "worker.service.b": "two words"}
    assert k3s("scheduler-k3s:annotations:report", "nope", "--format", "json")[0] != 0


def test_chart_overrides_set_report_unset_and_ensure_charts(k3s):
    """From Dokku v0.38.27's CommandChartsSet/Report and CommandEnsureCharts."""
    assert k3s("scheduler-k3s:charts:set", "nope.version", "1")[2].startswith(' !     Invalid chart name "nope"')
    assert k3s("scheduler-k3s:charts:set", "cert-manager")[2] == \
        " !     Invalid property, expected format: <chart-name>.<property>\n"
    rc, out, _err = k3s("scheduler-k3s:charts:set", "cert-manager.version", "1.13.3")
    assert (rc, out) == (0, "=====> Setting chart.cert-manager.version to 1.13.3\n")
    assert k3s("scheduler-k3s:charts:set", "vector.service.annotations.prometheus.io/scrape", "true")[0] == 0
    assert json.loads(k3s("scheduler-k3s:charts:report", "--format", "json")[1]) == {
        "cert-manager.version": "1.13.3", "vector.service.annotations.prometheus.io/scrape": "true"}
    assert k3s("scheduler-k3s:charts:report", "cert-manager", "--scheduler-k3s-charts-cert-manager.version")[1] == \
        "1.13.3\n"
    assert k3s("scheduler-k3s:charts:set", "cert-manager.version")[0] == 0
    assert json.loads(k3s("scheduler-k3s:charts:report", "cert-manager", "--format", "json")[1]) == {}
    assert k3s("scheduler-k3s:ensure-charts", "--charts", "vector")[0] != 0  # no cluster yet
    assert k3s("scheduler-k3s:initialize")[0] == 0
    rc, out, _err = k3s("scheduler-k3s:ensure-charts", "--charts", "vector")
    assert rc == 0 and "Processing chart vector\n       Force installing chart" in out
