"""dokku_k3s against the double (its scheduler-k3s plugin is reconstructed from the CLI contract, not
captured): initialize and join two nodes as a quartet, a removal refused without allow_remove (zero
writes) and done with it, bad inputs refused before any call, and dokku_info's k3s facts."""

import os

import pytest
import yaml
from harness import DokkuHost

K3S = "selfhosted.dokku.dokku_k3s"
A, B = "ssh://root@10.0.0.3", "ssh://root@10.0.0.4"


@pytest.fixture
def k3s_host(tmp_path):
    return DokkuHost(tmp_path, plugins=("scheduler-k3s",))


def urls(host):
    return dict((node["RemoteHost"], node["Roles"])
                for node in host.json("scheduler-k3s:cluster:list", "--format", "json"))


BAD = [
    ({"nodes": [{"url": "root@10.0.0.3"}]}, "nodes[0].url: 'root@10.0.0.3' is not an SSH URL"),
    ({"nodes": [{"url": "ssh://root@10.0.0.3 --role server"}]}, "is not an SSH URL"),
    ({"nodes": [{"url": A, "role": "agent"}]}, "role"),
    ({"nodes": [{"url": A, "taint_scheduling": True}]}, "only a server node can be tainted"),
    ({"nodes": [{"url": A}, {"url": A}]}, "listed twice"),
]


def test_initialize_join_refuse_and_remove(k3s_host):
    host = k3s_host
    nodes = [{"url": A, "role": "server"}, {"url": B}]
    expected = [["dokku", "scheduler-k3s:initialize", "--ingress-class", "nginx"],
                ["dokku", "scheduler-k3s:cluster:add", "--role", "server", A],
                ["dokku", "scheduler-k3s:cluster:add", "--role", "worker", B]]
    check, real, _check2, _real2 = host.quartet(K3S, {"ingress_class": "nginx", "nodes": nodes},
                                                expected_commands=expected)
    assert check["diff"] == {"before": {"initialized": False, "nodes": {}},
                             "after": {"initialized": True, "nodes": {A: "server", B: "worker"}}}
    assert real["family_diff"]["global"]["scheduler_k3s"]["after"] == {
        "k3s": {"initialized": True, "nodes": {A: "server", B: "worker"}}}
    assert urls(host) == {"": ["control-plane", "etcd", "master"], A: ["control-plane", "etcd", "master"], B: []}
    token = host.json("scheduler-k3s:report", "--global", "--format", "json")["global-token"]
    assert len(token) == 64

    tasks = [{"module": K3S, "args": {"nodes": [nodes[0]]}, "tag": "refused"},
             {"module": K3S, "args": {"nodes": [nodes[0]], "allow_remove": True}, "check": True, "tag": "rm-check"},
             {"module": K3S, "args": {"nodes": [nodes[0]], "allow_remove": True}, "tag": "rm"},
             {"module": K3S, "args": {"nodes": [nodes[0]], "allow_remove": True}, "tag": "rm-again"},
             {"module": "selfhosted.dokku.dokku_info", "args": {"k3s": True}, "tag": "info"}]
    tasks += [{"module": K3S, "args": args, "tag": "bad-%d" % i} for i, (args, _p) in enumerate(BAD)]
    results, _proc = host.run_tasks(tasks)
    refused, rm_check, removed, again, info = results[:5]
    assert refused.get("failed") and B in refused["msg"] and "allow_remove" in refused["msg"], refused
    assert host.writes("refused") == []
    assert rm_check["changed"] and host.writes("rm-check") == []
    assert removed["changed"] and removed["commands"] == rm_check["commands"]
    assert [argv[0] for argv in host.writes("rm")] == ["scheduler-k3s:cluster:remove"]
    assert host.writes("rm")[0][1].startswith("ip-10-0-0-4-")
    assert removed["diff"]["after"]["nodes"] == {A: "server"}
    assert not again["changed"] and host.writes("rm-again") == []
    assert urls(host) == {"": ["control-plane", "etcd", "master"], A: ["control-plane", "etcd", "master"]}
    k3s = info["dokku"]["k3s"]
    assert k3s["initialized"] and [(n["url"], n["role"]) for n in k3s["nodes"]] == [("", "server"), (A, "server")]

    for (args, problem), result in zip(BAD, results[5:]):
        assert result.get("failed") and problem in result["msg"], (args, result.get("msg"))
    assert [call for call in host.calls() if call.get("tag", "").startswith("bad-")] == []


def test_a_host_without_the_plugin_fails_clearly(bare_host):
    result = bare_host.run(K3S, {"nodes": [{"url": A}]})
    assert result.get("failed") and "scheduler-k3s plugin is not enabled" in result["msg"], result
    assert bare_host.writes() == []
    # dokku_info (and so the export) reads such a host as having no cluster
    info = bare_host.run("selfhosted.dokku.dokku_info", {"k3s": True, "properties": ["scheduler-k3s", "nginx"]}, tag="info")
    assert not info.get("failed") and info["dokku"]["k3s"] == {"initialized": False, "nodes": []}, info


def test_the_role_joins_the_hosts_of_the_inventory_groups(k3s_host):
    """The role, off by default, then on: every host of the server and worker groups by ssh://root@ansible_host,
    with the flags of its own dokku_k3s_node_* variables."""
    host = k3s_host
    inventory = {"all": {"children": {
        "dokku": {"hosts": {"localhost": {"ansible_connection": "local"}}},
        "dokku_k3s_servers": {"hosts": {"paas2": {"ansible_host": "10.0.0.3", "dokku_k3s_node_taint_scheduling": True,
                                                  "dokku_k3s_node_kubelet_args": ["max-pods=50", "v=2"]}}},
        "dokku_k3s_workers": {"hosts": {"paas3": {"ansible_host": "fd00::4"}, "paas4": {}}}}}}
    play = {"hosts": "dokku", "gather_facts": False, "tasks": [
        {"name": "off", "ansible.builtin.include_role": {"name": "selfhosted.dokku.dokku_k3s"}},
        {"name": "on", "ansible.builtin.include_role": {"name": "selfhosted.dokku.dokku_k3s"},
         # the nodes are not reachable here: their preparation is molecule/k3s's
         "vars": {"dokku_k3s_enabled": True, "dokku_k3s_prepare_nodes": False}}]}
    with open(os.path.join(host.workdir, "inventory.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle)
    with open(os.path.join(host.workdir, "k3s.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump([play], handle)
    _report, proc = host.playbook(["-i", os.path.join(host.workdir, "inventory.yml"),
                                   os.path.join(host.workdir, "k3s.yml")], tag="role")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert host.writes("role") == [
        ["scheduler-k3s:initialize", "--ingress-class", "nginx"],
        ["scheduler-k3s:cluster:add", "--role", "server", "--taint-scheduling", "--kubelet-args", "max-pods=50,v=2",
         "ssh://root@10.0.0.3"],
        ["scheduler-k3s:cluster:add", "--role", "worker", "ssh://root@[fd00::4]"],
        ["scheduler-k3s:cluster:add", "--role", "worker", "ssh://root@paas4"]]


def test_node_profiles_converge_before_their_nodes_join(k3s_host):
    """Profiles as a quartet, a node joining with one; a hand-made profile refused, then removed with
    allow_remove; without profiles the module never reads them."""
    host = k3s_host
    profiles = [{"name": "control", "role": "server", "taint_scheduling": True, "kubelet_args": ["max-pods=50"]}]
    nodes = [{"url": A, "role": "server", "profile": "control"}]
    expected = [["dokku", "scheduler-k3s:initialize"],
                ["dokku", "scheduler-k3s:profiles:add", "--role", "server", "--taint-scheduling", "--kubelet-args",
                 "max-pods=50", "control"],
                ["dokku", "scheduler-k3s:cluster:add", "--role", "server", "--profile", "control", A]]
    check, _real, _check2, _real2 = host.quartet(K3S, {"profiles": profiles, "nodes": nodes}, expected_commands=expected)
    assert check["diff"]["before"]["profiles"] == {}
    assert check["diff"]["after"]["profiles"] == {"control": {"role": "server", "taint_scheduling": True,
                                                              "kubelet_args": ["max-pods=50"], "allow_unknown_hosts": False}}
    assert host.json("scheduler-k3s:profiles:list", "--format", "json") == [
        {"name": "control", "role": "server", "taint_scheduling": True, "kubelet_args": ["max-pods=50"]}]

    assert host.dokku("scheduler-k3s:profiles:add", "by-hand")[0] == 0
    tasks = [{"module": K3S, "args": {"profiles": profiles, "nodes": nodes}, "tag": "refused"},
             {"module": K3S, "args": {"profiles": profiles, "nodes": nodes, "allow_remove": True}, "tag": "rm"},
             {"module": K3S, "args": {"nodes": nodes}, "tag": "unmanaged"}]
    (refused, removed, unmanaged), _proc = host.run_tasks(tasks)
    assert refused.get("failed") and "by-hand" in refused["msg"] and host.writes("refused") == [], refused
    assert removed["commands"] == [["dokku", "scheduler-k3s:profiles:remove", "by-hand"]]
    assert not unmanaged["changed"] and "profiles" not in unmanaged["diff"]["after"]
    assert not [c for c in host.calls() if c.get("tag") == "unmanaged" and "profiles:list" in c["argv"][0]]


def test_app_annotations_and_labels_through_dokku_apps(k3s_host):
    """An app's k3s annotations and labels as dokku_apps entry fields: set and delete by hand-made drift
    (a quartet), read back from the double's reports, dokku_info exports them, bad input makes no call."""
    host = k3s_host
    host.dokku("apps:create", "shop")
    host.dokku("scheduler-k3s:annotations:set", "shop", "by-hand", "x", "--resource-type", "pod")
    entry = {"name": "shop",
             "k3s_annotations": {"global.ingress": {"nginx.ingress.kubernetes.io/proxy-body-size": "20m"}},
             "k3s_labels": {"web.deployment": {"team": "payments"}}}
    check, _real, _c2, _r2 = host.quartet("selfhosted.dokku.dokku_apps", {"apps": [entry]}, [
        ["dokku", "scheduler-k3s:annotations:set", "shop", "nginx.ingress.kubernetes.io/proxy-body-size", "20m",
         "--resource-type", "ingress"],
        ["dokku", "scheduler-k3s:annotations:set", "shop", "by-hand", "--resource-type", "pod"],
        ["dokku", "scheduler-k3s:labels:set", "shop", "team", "payments", "--resource-type", "deployment",
         "--process-type", "web"],
    ])
    assert check["diff"]["before"]["apps"]["shop"]["k3s_annotations"] == {"global.pod": {"by-hand": "x"}}
    assert host.json("scheduler-k3s:annotations:report", "shop", "--format", "json") == {
        "global.ingress.nginx.ingress.kubernetes.io/proxy-body-size": "20m"}
    assert host.json("scheduler-k3s:labels:report", "shop", "--format", "json") == {"web.deployment.team": "payments"}

    results, _proc = host.run_tasks([
        {"module": "selfhosted.dokku.dokku_info", "args": {"k3s": True}, "tag": "no-k3s"},
        {"module": "selfhosted.dokku.dokku_apps",
         "args": {"apps": [dict(entry, k3s_labels={"global.keda_secret": {"a": "1"}})]}, "tag": "bad"},
    ])
    no_k3s, bad = results
    assert "k3s_labels" not in no_k3s["dokku"]["app_details"]["shop"]  # k3s not initialized: not read
    assert not [c for c in host.calls(tag="no-k3s") if ":labels:" in " ".join(c["argv"])]
    host.dokku("scheduler-k3s:initialize")
    info = host.run_tasks([{"module": "selfhosted.dokku.dokku_info", "args": {"k3s": True}}])[0][0]
    shop = info["dokku"]["app_details"]["shop"]
    assert (shop["k3s_annotations"], shop["k3s_labels"]) == (entry["k3s_annotations"], entry["k3s_labels"])
    assert bad["failed"] and "k3s_labels.global.keda_secret" in bad["msg"], bad
    assert host.writes("bad") == []


def test_chart_overrides_quartet_on_a_running_cluster(k3s_host):
    host = k3s_host
    host.dokku("scheduler-k3s:initialize")
    host.dokku("scheduler-k3s:charts:set", "vector.image.tag", "by-hand")
    charts = {"cert-manager": {"version": "1.13.3"}, "longhorn": {"defaultSettings.defaultReplicaCount": "2"}}
    check, _real, _c2, _r2 = host.quartet(K3S, {"charts": charts}, [
        ["dokku", "scheduler-k3s:charts:set", "cert-manager.version", "1.13.3"],
        ["dokku", "scheduler-k3s:charts:set", "longhorn.defaultSettings.defaultReplicaCount", "2"],
        ["dokku", "scheduler-k3s:charts:set", "vector.image.tag"],
        ["dokku", "scheduler-k3s:ensure-charts", "--charts", "cert-manager,longhorn,vector"],
    ])
    assert check["diff"]["before"]["charts"] == {"vector": {"image.tag": "by-hand"}}
    assert check["diff"]["after"]["charts"] == charts
    assert host.json("scheduler-k3s:charts:report", "--format", "json") == {
        "cert-manager.version": "1.13.3", "longhorn.defaultSettings.defaultReplicaCount": "2"}
    info = host.run_tasks([{"module": "selfhosted.dokku.dokku_info", "args": {"k3s": True}}])[0][0]
    assert info["dokku"]["k3s"]["charts"] == charts


def test_dokku_info_on_a_dokku_without_chart_and_map_reports(tmp_path):
    """Dokku 0.38.0-0.38.13 (supported) has no charts:report, annotations:report or labels:report:
    dokku_info with k3s: true still answers, without them; managing them fails naming the read."""
    host = DokkuHost(tmp_path, plugins=("scheduler-k3s",), version="0.38.10")
    host.dokku("apps:create", "shop")
    host.dokku("scheduler-k3s:initialize")
    results, _proc = host.run_tasks([
        {"module": "selfhosted.dokku.dokku_info", "args": {"k3s": True}, "tag": "info"},
        {"module": K3S, "args": {"charts": {"keda": {"a": "1"}}}, "tag": "charts"},
    ])
    info, charts = results
    assert info["dokku"]["k3s"]["initialized"] is True and "charts" not in info["dokku"]["k3s"], info
    assert "k3s_labels" not in info["dokku"]["app_details"]["shop"]
    assert charts["failed"] and "dokku scheduler-k3s:charts:report --format json failed" in charts["msg"], charts
    assert host.writes("charts") == []
