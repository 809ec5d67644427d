#!/usr/bin/env python
"""Benchmark: converge, no-op re-run and drift check of N apps against the Dokku test double.

Not a test: it prints figures and writes them to bench/results.json.  Each host is a fresh
double state whose every call lasts as long as the latency model of real Dokku 0.38.27 says
(tests/double/latency.json, taken from the project's shared measurement notes of real Dokku
0.38.27, not part of this repository); the double's own start-up counts towards it.  Per N it runs playbooks/site.yml (without apt_upgrade and dokku_install,
which act on the machine itself) from an empty host, the same again (no-op), then
playbooks/drift_check.yml (check mode), and reads the double's call log.  The fleet case
converges, then drift-checks, H hosts of A apps each with --forks.

The k3s fleet row (--k3s-nodes N, 0 to skip) is how a drift check scales with the nodes of a
k3s cluster: one Dokku host of one tutorial app with the double's scheduler-k3s plugin and
dokku_k3s_enabled, whose inventory puts N nodes (N//2 servers, the rest workers, each with an
ansible_host that is never connected to) in the groups dokku_k3s_servers and dokku_k3s_workers.
Node preparation is off (dokku_k3s_prepare_nodes: false: with it the role would also connect
to each node for SSH trust and packages, and the bench cannot reach them); the nodes are not in
the dokku group, so no play runs on them.  It converges (the double initializes the cluster and
joins the nodes, data/scheduler-k3s/cluster.json), then drift-checks, which must find no drift,
for 1+0 and 1+N nodes; the reads and tasks a node adds are the 1+N figures less the 1+0 ones,
over N.

  .venv/bin/python bench/run.py                 # N = 1, 10, 50, production 50, the 20 x 10 fleet and k3s 1+2
  .venv/bin/python bench/run.py --sizes 50 --production 50 --fleet 0x0 --k3s-nodes 0   # tutorial vs production
  .venv/bin/python bench/run.py --sizes 1,10,50,200
  .venv/bin/python bench/run.py --sizes 10 --fleet 0x0
  .venv/bin/python bench/run.py --sizes 1 --production 0 --fleet 0x0 --k3s-nodes 2   # k3s beside one app
  .venv/bin/python bench/run.py --baseline c17c84e   # also the no-op of the collection as it was at a commit

Writes are slept at --write-scale of their modelled latency (apps:create alone is 3.2 s; a
50-app converge would otherwise take ten minutes); the converge row also shows what the
writes would add at full latency.  Reads are always slept in full.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
DOUBLE = os.path.join(REPO, "tests", "double")
sys.path.insert(0, DOUBLE)

from dokku_double import cli  # noqa: E402  pylint: disable=wrong-import-position
from dokku_double.admin import init_state  # noqa: E402  pylint: disable=wrong-import-position

SKIP_TAGS = "apt_upgrade,dokku_install"
with open(os.path.join(DOUBLE, "fixtures", "srv", "k_ed25519.pub"), encoding="utf-8") as _handle:
    ADMIN_KEY = _handle.read().strip()
with open(cli._BUILTIN_LATENCY, encoding="utf-8") as _handle:  # pylint: disable=protected-access
    MODEL = json.load(_handle)


def modelled_ms(command, args, apps_on_host=0):
    """The model's milliseconds for one call (``apps_on_host`` for all-app reads)."""
    return cli.latency_ms(MODEL, command, args, lambda: apps_on_host)


def floor_ms(apps):
    """The cheapest reads a no-op must make on one host, one after another (modelled ms).

    One ``version``; apps once; per app its config (the only per-app config read); domains
    and ports per app or all at once, whichever is cheaper; the services of the type once
    (links are in the config); Let's Encrypt per app or listed once; and the host-level
    reads of the other roles: SSH keys, global domains, plugins, global Let's Encrypt
    settings and the cron job.
    """
    total = modelled_ms("version", []) + modelled_ms("apps:list", ["--format", "json"])
    total += apps * modelled_ms("config:export", ["--format", "json", "a"])
    for family, flag in (("domains", "--domains-app-vhosts"), ("ports", "--ports-map")):
        per_app = apps * modelled_ms(family + ":report", ["a", flag])
        total += min(per_app, modelled_ms(family + ":report", ["--format", "json"], apps))
    total += modelled_ms("postgres:list", [])
    total += min(apps * modelled_ms("letsencrypt:active", ["a"]), modelled_ms("letsencrypt:list", [], apps))
    total += modelled_ms("ssh-keys:list", ["--format", "json"])
    total += modelled_ms("domains:report", ["--global", "--format", "json"])
    total += modelled_ms("plugin:list", ["--format", "json"])
    total += modelled_ms("letsencrypt:report", ["--global", "--format", "json"])
    total += modelled_ms("letsencrypt:cron-job", [])
    return total


def app_entry(index):
    name = "app%03d" % index
    return {
        "name": name,
        "config": dict(("KEY%d" % k, "value-%d-of-%s" % (k, name)) for k in range(1, 5)),
        "domains": ["%s.bench.example" % name, "www.%s.bench.example" % name],
        "ports": ["http:80:5000"],
        "services": [{"name": name + "-db"}],
    }


def production_entry(index):
    """A production app: the tutorial's fields plus properties of five plugins, a storage entry,
    checks, resource limits, docker options and a nightly backup of its database."""
    entry = app_entry(index)
    name = entry["name"]
    entry.update({
        "properties": {"nginx": {"client-max-body-size": "50m", "proxy-read-timeout": "120s"},
                       "ps": {"restart-policy": "unless-stopped"}, "git": {"deploy-branch": "main"},
                       "logs": {"max-size": "20m"}, "registry": {"push-on-release": True}},
        "storage": [{"name": name + "-data", "container_dir": "/app/data", "chown": "herokuish"}],
        "checks": {"skipped": ["worker"]},
        "resources": {"limits": {"web": {"cpu": "1", "memory": "512m"}}},
        "docker_options": {"deploy": ["--shm-size 256m"]},
    })
    entry["services"][0]["backup"] = {"schedule": "0 3 * * *", "bucket": "backups/" + name}
    return entry


ENTRIES = {"tutorial": app_entry, "production": production_entry}


def host_vars(apps, interpreter, kind="tutorial"):
    entries = [ENTRIES[kind](i) for i in range(1, apps + 1)]
    for entry in entries:
        entry["config"]["SECRET_KEY"] = "secret-of-" + entry["name"]
    return {
        "ansible_connection": "local",
        "ansible_python_interpreter": interpreter,
        "dokku_ssh_keys_keys": [{"name": "admin", "key": ADMIN_KEY}],
        "dokku_ssh_keys_allow_example_keys": True,  # a test fixture key
        "dokku_global_domains": ["bench.example"],
        "dokku_plugins_plugins": [
            {"name": "postgres", "url": "https://github.com/dokku/dokku-postgres.git", "committish": "1.48.0"},
            {"name": "letsencrypt", "url": "https://github.com/dokku/dokku-letsencrypt.git", "committish": "0.25.1"},
        ],
        "dokku_apps_apps": entries,
        "dokku_letsencrypt_email": "ops@bench.example",
        "dokku_letsencrypt_apps": [entry["name"] for entry in entries],
        "dokku_letsencrypt_cron_job": True,
    }


# The Dokku host of the k3s row: k3s on, and node preparation off (with it the role would also
# connect to each node for SSH trust and packages; the bench's nodes are never reachable).
K3S_HOST_VARS = {"dokku_k3s_enabled": True, "dokku_k3s_prepare_nodes": False}
K3S_APPS = 1


def k3s_groups(label, nodes):
    """The inventory groups dokku_k3s joins: ``nodes // 2`` servers, the rest workers (N=2: one
    each), each with an address that is never connected to (no play runs on them)."""
    servers = nodes // 2
    groups = {"dokku_k3s_servers": {"hosts": {}}, "dokku_k3s_workers": {"hosts": {}}}
    for index in range(nodes):
        group, role = ("dokku_k3s_servers", "s") if index < servers else ("dokku_k3s_workers", "w")
        name = "%s-%s%02d" % (label, role, index + 1)
        groups[group]["hosts"][name] = {"ansible_host": "10.0.1.%d" % (11 + index)}
    return groups


class Bench:
    def __init__(self, workdir, write_scale, baseline=None):
        self.workdir = workdir
        self.write_scale = write_scale
        self.baseline = baseline
        self.python = os.path.realpath(sys.executable)
        # the double's launcher runs `python3` from PATH: the interpreter itself, not a shim
        self.pybin = os.path.join(workdir, "pybin")
        os.makedirs(self.pybin)
        os.symlink(self.python, os.path.join(self.pybin, "python3"))
        self.collections = {"current": os.path.join(workdir, "collections")}
        link = os.path.join(self.collections["current"], "ansible_collections", "selfhosted", "dokku")
        os.makedirs(os.path.dirname(link))
        os.symlink(REPO, link)
        if baseline:
            self.collections["baseline"] = self.baseline_collection(baseline)

    def baseline_collection(self, rev):
        """The whole collection as it was at ``rev`` (modules, module_utils, roles, playbooks), run
        against the same double, so that the old and the new code are timed in one run."""
        path = os.path.join(self.workdir, "baseline")
        root = os.path.join(path, "ansible_collections", "selfhosted", "dokku")
        os.makedirs(root)
        archive = subprocess.run(["git", "-C", REPO, "archive", rev, "galaxy.yml", "meta", "plugins", "roles",
                                  "playbooks"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", root], input=archive, check=True)
        return path

    def make_host(self, name, plugins=()):
        """A fresh double state (with ``plugins`` enabled, e.g. scheduler-k3s) and an interpreter
        wrapper that points the modules at it."""
        root = os.path.join(self.workdir, "hosts", name)
        env = {
            "DOKKU_ROOT": os.path.join(root, "home", "dokku"),
            "DOKKU_LIB_ROOT": os.path.join(root, "var", "lib", "dokku"),
            "DOKKU_DOUBLE_DIR": os.path.join(root, "double"),
            "DOKKU_DOUBLE_EUID": "0",
            "DOKKU_DOUBLE_LATENCY": "builtin",
            # the launcher then finds the double's package without running readlink and dirname
            "DOKKU_DOUBLE_LIB": DOUBLE,
        }
        init_state(env=dict(os.environ, **env), plugins=plugins)
        wrapper = os.path.join(root, "python")
        with open(wrapper, "w", encoding="utf-8") as handle:
            handle.write("#!/bin/sh\n")
            for key, value in sorted(env.items()):
                handle.write("export %s=%s\n" % (key, value))
            handle.write('export PATH=%s:%s:"$PATH"\n' % (self.pybin, os.path.join(DOUBLE, "bin")))
            handle.write('exec %s "$@"\n' % self.python)
        os.chmod(wrapper, 0o755)
        return wrapper, os.path.join(env["DOKKU_DOUBLE_DIR"], "calls.jsonl")

    def inventory(self, label, hosts, apps, kind="tutorial", k3s_nodes=None):
        """An inventory of ``hosts`` fresh Dokku hosts; with ``k3s_nodes`` (a number, 0 too) each has
        the scheduler-k3s plugin and the role dokku_k3s on, and the k3s groups hold that many nodes."""
        logs = {}
        inventory = {"dokku": {"hosts": {}}}
        plugins = ("scheduler-k3s",) if k3s_nodes is not None else ()
        for index in range(hosts):
            name = "%s-h%02d" % (label, index + 1)
            wrapper, logs[name] = self.make_host(name, plugins)
            inventory["dokku"]["hosts"][name] = host_vars(apps, wrapper, kind)
            if k3s_nodes is not None:
                inventory["dokku"]["hosts"][name].update(K3S_HOST_VARS)
        if k3s_nodes:
            inventory.update(k3s_groups(label, k3s_nodes))
        path = os.path.join(self.workdir, label + ".json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(inventory, handle)  # YAML is a superset of JSON
        return path, logs

    def play(self, playbook, inventory, logs, phase, forks=1, write_scale=1.0, collection="current"):
        counts = os.path.join(self.workdir, "counts.json")
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": self.collections[collection],
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(BENCH, "callback_plugins"),
            "ANSIBLE_STDOUT_CALLBACK": "bench_count",
            "ANSIBLE_PIPELINING": "true",
            "ANSIBLE_FORKS": str(forks),
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "BENCH_COUNT_FILE": counts,
            "DOKKU_DOUBLE_TAG": phase,
            "DOKKU_DOUBLE_LATENCY_WRITE_SCALE": str(write_scale),
        })
        argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook, "-i", inventory,
                "--skip-tags", SKIP_TAGS, "-e", "ansible_become=false"]
        started = time.time()
        proc = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.time() - started
        with open(counts, encoding="utf-8") as handle:
            count = json.load(handle)
        if proc.returncode != 0 or count["failures"]:
            raise SystemExit("%s failed (rc %d): %s\n%s" % (phase, proc.returncode, count["failures"], proc.stderr[-3000:]))
        changed = count.get("changed", [])
        calls = []
        for path in logs.values():
            with open(path, encoding="utf-8") as handle:
                calls += [c for c in map(json.loads, handle) if c.get("tag") == phase]
        writes = [c for c in calls if c["kind"] == "write"]
        return {
            "wall_s": round(wall, 2),
            "tasks_per_host": max(count["tasks"].values()),
            "reads": sum(1 for c in calls if c["kind"] == "read") // len(logs),
            "writes": len(writes) // len(logs),
            # tasks (loop items) that reported a change, all hosts together: drift in check mode
            "changed": len(changed),
            "changed_tasks": ["%s: %s" % (c["host"], c["task"]) for c in changed[:10]],
            "modelled_write_s": round(sum(modelled_ms(c["command"], strip(c["argv"])) for c in writes)
                                      / 1000.0 / len(logs), 1),
        }


def strip(argv):
    """The arguments after the command (global flags dropped), as the latency model sees them."""
    _flags, args = cli.split_global_flags(argv)
    return args[1:]


def run_size(bench, apps, kind="tutorial"):
    inventory, logs = bench.inventory("%s%d" % (kind[0], apps), 1, apps, kind)
    site, drift = os.path.join("playbooks", "site.yml"), os.path.join("playbooks", "drift_check.yml")
    converge = bench.play(site, inventory, logs, "converge", write_scale=bench.write_scale)
    converge["full_latency_s"] = round(converge["wall_s"] + converge["modelled_write_s"] * (1 - bench.write_scale), 1)
    noop = bench.play(site, inventory, logs, "noop")
    check = bench.play(drift, inventory, logs, "drift")
    floor = floor_ms(apps) / 1000.0
    result = {"apps": apps, "inventory": kind, "converge": converge, "noop": noop, "drift": check, "floor_s": round(floor, 2),
              "noop_vs_floor": round(noop["wall_s"] / floor, 2)}
    if bench.baseline:
        result["baseline_noop"] = bench.play(site, inventory, logs, "baseline-noop", collection="baseline")
        result["baseline_noop"]["rev"] = bench.baseline
    return result


def run_fleet(bench, hosts, apps, forks):
    inventory, logs = bench.inventory("fleet", hosts, apps)
    bench.play(os.path.join("playbooks", "site.yml"), inventory, logs, "converge", forks=forks,
               write_scale=bench.write_scale)
    fleet = bench.play(os.path.join("playbooks", "drift_check.yml"), inventory, logs, "drift", forks=forks)
    one_inventory, one_logs = bench.inventory("fleet-one", 1, apps)
    bench.play(os.path.join("playbooks", "site.yml"), one_inventory, one_logs, "converge",
               write_scale=bench.write_scale)
    one = bench.play(os.path.join("playbooks", "drift_check.yml"), one_inventory, one_logs, "drift")
    return {"hosts": hosts, "apps": apps, "forks": forks, "drift": fleet, "one_host_drift": one,
            "ratio": round(fleet["wall_s"] / one["wall_s"], 2)}


class RowFailure(Exception):
    """A row whose playbooks ran but whose figures would mean nothing (e.g. a drift check not in sync)."""


def k3s_host(bench, nodes):
    """Converge a Dokku host of K3S_APPS app(s) whose k3s cluster gets 1 + ``nodes`` nodes, then
    drift-check it; RowFailure unless the cluster has them all and the check finds no drift."""
    label = "k3s%d" % nodes
    inventory, logs = bench.inventory(label, 1, K3S_APPS, k3s_nodes=nodes)
    bench.play(os.path.join("playbooks", "site.yml"), inventory, logs, "converge", write_scale=bench.write_scale)
    cluster_file = os.path.join(bench.workdir, "hosts", "%s-h01" % label, "var", "lib", "dokku", "data", "scheduler-k3s",
                                "cluster.json")
    with open(cluster_file, encoding="utf-8") as handle:
        joined = len(json.load(handle)["nodes"])
    if joined != 1 + nodes:
        raise RowFailure("k3s 1+%d: the converge left %d node(s) in the double's cluster, not %d"
                         % (nodes, joined, 1 + nodes))
    check = bench.play(os.path.join("playbooks", "drift_check.yml"), inventory, logs, "drift")
    if check["changed"]:
        raise RowFailure("k3s 1+%d: the drift check after the converge is not in sync: %d change(s): %s"
                         % (nodes, check["changed"], "; ".join(check["changed_tasks"])))
    check["nodes"] = 1 + nodes
    return check


def run_k3s(bench, nodes):
    """The drift check of one Dokku host with k3s and no nodes (1+0) and with ``nodes`` more
    (1+N), and what each added node costs on top; ``failure`` instead of figures if either fails."""
    result = {"apps": K3S_APPS, "nodes": nodes, "servers": nodes // 2, "workers": nodes - nodes // 2,
              "node_preparation": False}
    try:
        base, fleet = k3s_host(bench, 0), k3s_host(bench, nodes)
    except RowFailure as exc:
        result["failure"] = str(exc)
        return result
    result.update({
        "drift_no_nodes": base, "drift": fleet,
        "reads_per_added_node": round((fleet["reads"] - base["reads"]) / float(nodes), 2),
        "tasks_per_added_node": round((fleet["tasks_per_host"] - base["tasks_per_host"]) / float(nodes), 2)})
    return result


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ansible = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible"), "--version"],
                             capture_output=True, text=True, check=False).stdout.splitlines()[0]
    return {"cpu": cpu, "cpus": os.cpu_count(), "load_average": os.getloadavg(),
            "python": platform.python_version(), "ansible": ansible, "system": platform.platform()}


def table(results):
    lines = [
        "| inventory | apps | phase | wall s | tasks/host | reads | reads/app | writes | floor s | wall / floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        for phase in ("converge", "noop", "drift", "baseline_noop"):
            row = size.get(phase)
            if row is None:
                continue
            wall = "%.1f" % row["wall_s"]
            label = phase
            if phase == "converge":
                wall += " (%.0f at full write latency)" % row["full_latency_s"]
            if phase == "baseline_noop":
                label = "no-op, roles at %s" % row["rev"]
            floor = ("%.1f" % size["floor_s"], "%.2f" % (row["wall_s"] / size["floor_s"])) if phase != "converge" else ("", "")
            lines.append("| %s | %d | %s | %s | %d | %d | %.1f | %d | %s | %s |" % (
                size.get("inventory", "tutorial"), size["apps"], label, wall, row["tasks_per_host"], row["reads"],
                row["reads"] / float(size["apps"]), row["writes"], floor[0], floor[1]))
    fleet = results.get("fleet")
    if fleet:
        lines.append("")
        lines.append("Fleet: drift check of %d hosts x %d apps with %d forks: %.1f s (one host: %.1f s, ratio %.2f); "
                     "%d reads and %d writes per host." % (
                         fleet["hosts"], fleet["apps"], fleet["forks"], fleet["drift"]["wall_s"],
                         fleet["one_host_drift"]["wall_s"], fleet["ratio"], fleet["drift"]["reads"],
                         fleet["drift"]["writes"]))
    k3s = results.get("k3s")
    if k3s and k3s.get("failure"):
        lines += ["", "k3s fleet: FAILED, no figures (node preparation off): %s" % k3s["failure"]]
    elif k3s:
        lines += ["", "k3s fleet: drift check of one Dokku host of %d app(s) whose k3s cluster has 1+N nodes "
                  "(N=%d: %d server(s), %d worker(s); node preparation off), in sync; per added node: "
                  "compared with 1+0." % (k3s["apps"], k3s["nodes"], k3s["servers"], k3s["workers"]), "",
                  "| k3s nodes | phase | wall s | tasks/host | reads | writes | tasks/added node | reads/added node |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for row, per_node in ((k3s["drift_no_nodes"], ("", "")),
                              (k3s["drift"], ("%+.1f" % k3s["tasks_per_added_node"], "%+.1f" % k3s["reads_per_added_node"]))):
            lines.append("| 1+%d | drift | %.1f | %d | %d | %d | %s | %s |" % (
                row["nodes"] - 1, row["wall_s"], row["tasks_per_host"], row["reads"], row["writes"],
                per_node[0], per_node[1]))
    return "\n".join(lines)


def app_counts(text):
    """The app counts of --sizes or --production; a 0 is skipped like an empty list (no row of 0 apps)."""
    return [int(n) for n in text.split(",") if n and int(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="1,10,50", help="app counts, comma-separated (200 takes several minutes)")
    parser.add_argument("--production", default="50", help="app counts of the production inventory (properties of "
                        "five plugins, storage, checks, resources, docker options, backups), comma-separated; "
                        "empty or 0 to skip")
    parser.add_argument("--fleet", default="20x10", help="HOSTSxAPPS for the fleet case, 0x0 to skip")
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--k3s-nodes", type=int, default=2, metavar="N", help="k3s row: drift check of a Dokku "
                        "host whose k3s cluster has 1+N nodes (N//2 servers, the rest workers) beside 1+0; 0 to skip")
    parser.add_argument("--write-scale", type=float, default=0.05, help="fraction of the modelled write latency slept")
    parser.add_argument("--baseline", metavar="REV", help="also time the no-op with the whole collection "
                        "as it was at this git revision")
    parser.add_argument("--out", default=os.path.join(BENCH, "results.json"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="dokku-bench-")
    try:
        bench = Bench(workdir, args.write_scale, args.baseline)
        results = {"machine": machine(), "latency_model": MODEL["source"], "write_scale": args.write_scale,
                   "command": " ".join(["bench/run.py"] + sys.argv[1:]), "sizes": []}
        for apps in app_counts(args.sizes):
            results["sizes"].append(run_size(bench, apps))
            print("N=%d done" % apps, file=sys.stderr)
        for apps in app_counts(args.production):
            results["sizes"].append(run_size(bench, apps, "production"))
            print("production N=%d done" % apps, file=sys.stderr)
        hosts, apps = [int(n) for n in args.fleet.split("x")]
        if hosts:
            results["fleet"] = run_fleet(bench, hosts, apps, args.forks)
        if args.k3s_nodes:
            results["k3s"] = run_k3s(bench, args.k3s_nodes)
            print("k3s 1+%d %s" % (args.k3s_nodes, "FAILED" if "failure" in results["k3s"] else "done"), file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["table"] = table(results)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")
    print(results["table"])
    if results.get("k3s", {}).get("failure"):
        sys.exit(1)


if __name__ == "__main__":
    main()
