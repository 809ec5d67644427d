"""dokku_k3s across three containers: the cluster read back from the double on the Dokku host,
and the SSH trust the role laid down, proven by a real ssh from the dokku user to each node."""

import json
import shlex

import pytest

# every test runs on the Dokku host; the nodes are reached from it, as Dokku reaches them
testinfra_hosts = ["dokku"]

CLUSTER = "/var/lib/dokku/data/scheduler-k3s/cluster.json"


@pytest.fixture
def groups(host):
    return host.ansible.get_variables()["groups"]


def dokku_ssh(host, node, command):
    """Run COMMAND on NODE as root over SSH, as the dokku user, never prompting."""
    return host.run("runuser -u dokku -- ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 "
                    "root@%s %s" % (shlex.quote(node), shlex.quote(command)))


def test_cluster_is_the_dokku_host_and_the_server(dokku, groups):
    server = groups["dokku_k3s_servers"][0]
    nodes = dokku.json("scheduler-k3s:cluster:list", "--format", "json")
    assert sorted((n["RemoteHost"], n["Roles"]) for n in nodes) == [
        ("", ["control-plane", "etcd", "master"]),
        ("ssh://root@%s" % server, ["control-plane", "etcd", "master"]),
    ]
    assert dokku.json("scheduler-k3s:report", "--global", "--format", "json")["global-ingress-class"] \
        == "nginx"


def test_node_flags_came_from_the_nodes_host_vars(host, groups):
    state = json.loads(host.file(CLUSTER).content_string)
    joined = dict((n["RemoteHost"], n["double"]) for n in state["nodes"])
    server = joined["ssh://root@%s" % groups["dokku_k3s_servers"][0]]
    assert server["taint-scheduling"] is True
    assert server["kubelet-args"] == "max-pods=50"


def test_worker_was_removed_only_with_the_opt_in(dokku, groups):
    worker = "ssh://root@%s" % groups["dokku_k3s_workers"][0]
    added = [e["argv"] for e in dokku.calls("converge") if e["kind"] != "read"]
    assert ["scheduler-k3s:cluster:add", "--role", "worker", "--profile", "edge", "--kubelet-args",
            "max-pods=30,image-gc-high-threshold=80", worker] in added
    # the profile was made before the worker joined with it
    assert added.index(["scheduler-k3s:profiles:add", "--role", "worker", "--kubelet-args", "max-pods=30", "edge"]) \
        < added.index(["scheduler-k3s:cluster:add", "--role", "worker", "--profile", "edge", "--kubelet-args",
                       "max-pods=30,image-gc-high-threshold=80", worker])
    assert dokku.json("scheduler-k3s:profiles:list", "--format", "json") == [
        {"name": "edge", "role": "worker", "kubelet_args": ["max-pods=30"]}]
    # refused: the plan failed before any write
    assert [e["argv"] for e in dokku.calls("refused") if e["kind"] != "read"] == []
    assert dokku.calls("refused"), "the refused run never read the cluster"
    removed = [e["argv"] for e in dokku.calls("remove") if e["kind"] != "read"]
    assert len(removed) == 1 and removed[0][0] == "scheduler-k3s:cluster:remove", removed
    assert worker not in [n["RemoteHost"] for n in dokku.json("scheduler-k3s:cluster:list", "--format", "json")]


def test_chart_overrides_were_set_before_initialize(dokku):
    written = [e["argv"] for e in dokku.calls("converge") if e["kind"] != "read"]
    assert written.index(["scheduler-k3s:charts:set", "cert-manager.version", "1.13.3"]) \
        < written.index(["scheduler-k3s:initialize", "--ingress-class", "nginx"])
    assert not [argv for argv in written if argv[0] == "scheduler-k3s:ensure-charts"]  # initialize installed them
    assert dokku.json("scheduler-k3s:charts:report", "--format", "json") == {"cert-manager.version": "1.13.3"}


@pytest.mark.parametrize("group", ["dokku_k3s_servers", "dokku_k3s_workers"])
def test_the_dokku_user_reaches_each_node_as_root(host, groups, group):
    node = groups[group][0]
    cmd = dokku_ssh(host, node, "id -un && dpkg-query -W -f '${Package} ${Status}\\n' open-iscsi nfs-common wireguard-tools")
    assert cmd.rc == 0, (cmd.stdout, cmd.stderr)
    lines = cmd.stdout.splitlines()
    assert lines[0] == "root"
    assert sorted(lines[1:]) == ["%s install ok installed" % p for p in ("nfs-common", "open-iscsi", "wireguard-tools")]


def test_dokku_ssh_files(host, groups):
    key = host.file("/home/dokku/.ssh/id_ed25519")
    assert key.user == "dokku" and key.mode == 0o600
    known = host.file("/home/dokku/.ssh/known_hosts")
    assert known.user == "dokku"
    names = [line.split()[0] for line in known.content_string.splitlines() if line.strip()]
    assert sorted(names) == sorted([groups["dokku_k3s_servers"][0], groups["dokku_k3s_workers"][0]])


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()


def test_nothing_but_converge_and_remove_wrote(dokku):
    """The drift check (untagged: drift_check.yml sets no tag) made no write either."""
    content = dokku.host.file("/var/lib/dokku/.double/calls.jsonl").content_string
    entries = [json.loads(line) for line in content.splitlines() if line.strip()]
    writers = sorted(set(e.get("tag") for e in entries if e["kind"] != "read"))
    assert writers == ["converge", "remove"], writers
