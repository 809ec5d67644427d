"""The scheduler-k3s core plugin of the double (Dokku's multi-server scheduler): reconstructed.

No transcript shows it (the capture host had no scheduler-k3s plugin): everything here follows the
project's Dokku CLI contract, section 13, and where that is silent it is a guess, said so below.
The plugin's commands exist when the plugin is enabled (``dokku-double-admin init --plugins
scheduler-k3s``, ``DokkuHost(plugins=(..., "scheduler-k3s"))``).

* ``scheduler-k3s:report [APP|--global] [--format json] [--FLAG]`` and ``scheduler-k3s:set``: the
  properties of section 13, through the property table's :class:`Plugin`; the ``token`` is shown
  as ``********`` on stdout (a guess at the mask) and raw in JSON.
* ``scheduler-k3s:initialize``: root only; refuses a second run (`` !     k3s already installed,
  cannot re-initialize k3s``, exit 1); stores a random token unless one is set, sets the global
  ``ingress-class`` (``nginx`` unless given); the host becomes the first node
  (``ip-<server ip>-<hex>``, roles control-plane/etcd/master, an empty ``RemoteHost``).  There is no
  network: the server IP is ``--server-ip``, else ``10.0.0.2`` (made up).
* ``scheduler-k3s:cluster:add`` / ``:list`` / ``:remove`` from Dokku 0.37.0, ``cluster-add`` /
  ``cluster-list`` / ``cluster-remove`` before it (the version file decides; the other spelling is
  not a dokku command).  ``cluster:add`` makes no duplicate check, as on Dokku; a node's name is
  ``ip-<host, dots as dashes>-<hex>``, its ``RemoteHost`` the SSH URL given.  A worker's ``Roles``
  is empty (a guess: kubectl shows ``<none>``).
* ``scheduler-k3s:profiles:add NAME [--role R] [--taint-scheduling] [--kubelet-args K=V[,..]]
  [--insecure-allow-unknown-hosts]`` / ``:list [--format json]`` / ``:remove NAME``, from Dokku
  v0.38.27's source (``CommandProfiles*``): a profile is the global property
  ``node-profile-NAME.json`` (a ``NodeProfile``: ``name``, ``role``, ``allow_unknown_hosts``,
  ``taint_scheduling``, ``kubelet_args``, the last three omitted when empty), written again by each
  ``add``; the list is in no particular order on Dokku (a map), sorted here.  They need no cluster.
  ``cluster:add --profile P`` takes the profile's role, flags and kubelet args.
* Node state lives in ``data/scheduler-k3s/cluster.json`` under ``DOKKU_LIB_ROOT`` (the double's
  stand-in for the k3s binary, its kubeconfig and the cluster's API).
"""

import json
import os
import re
import secrets

from ..core import (DEFAULT_VERSION, DokkuExit, GoFlags, command, go_report, list_apps, prop_get, prop_path, prop_set,
                    read_file, verify_app, write_file)
from .properties import TABLE, Plugin, Prop, _set_handler

PLUGIN = "scheduler-k3s"
ROLES = {"server": ["control-plane", "etcd", "master"], "worker": []}
K3S_VERSION = "v1.33.1+k3s1"
DEFAULT_SERVER_IP = "10.0.0.2"
SSH_URL_RE = re.compile(r"^ssh://([^@/\s]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::([0-9]{1,5}))?/?$")
MASK = "********"

_SPEC = Plugin(PLUGIN, [
    Prop("cert-issuer-kind"), Prop("cert-issuer-name"), Prop("deploy-timeout"), Prop("image-pull-secrets"),
    Prop("ingress-class", "g"), Prop("kube-context", "g"), Prop("kubeconfig-path", "g"),
    Prop("kustomize-root-path"), Prop("letsencrypt-email-prod"), Prop("letsencrypt-email-stag"),
    Prop("letsencrypt-server"), Prop("namespace"), Prop("network-interface", "g", "eth0"),
    Prop("node-sysctls-image", "g"), Prop("node-sysctls-pause-image", "g"), Prop("rollback-on-failure"),
    Prop("shm-size"), Prop("token", "g", computed=False),
])
TABLE[PLUGIN] = _SPEC


def _masked(rows):
    return dict((flag, MASK if flag.endswith("-token") and value else value) for flag, value in rows.items())


@command(PLUGIN + ":report", plugin=PLUGIN)
def cmd_report(ctx, args):
    as_json = "json" in args or "--format=json" in args
    show = (lambda rows: rows) if as_json else _masked
    go_report(ctx, args, PLUGIN + ":report", PLUGIN,
              app_rows=lambda app: show(_SPEC.app_rows(ctx, app)),
              global_rows=lambda: show(_SPEC.global_rows(ctx)),
              json_strip=PLUGIN + "-")


command(PLUGIN + ":set", kind="write", plugin=PLUGIN)(_set_handler(_SPEC))


# ------------------------------------------------------------------------- the cluster
def _state_path(ctx):
    return ctx.libpath("data", PLUGIN, "cluster.json")


def _load(ctx):
    text = read_file(_state_path(ctx))
    return json.loads(text) if text else None


def _save(ctx, state):
    os.makedirs(os.path.dirname(_state_path(ctx)), exist_ok=True)
    write_file(_state_path(ctx), json.dumps(state, indent=1, sort_keys=True) + "\n")


def _version(ctx):
    text = (read_file(ctx.libpath("STABLE_VERSION")) or DEFAULT_VERSION).strip().lstrip("v")
    try:
        return tuple(int(part) for part in text.split(".")[:3])
    except ValueError:
        return (0, 38, 27)


def _node_name(address):
    return "ip-%s-%s" % (re.sub(r"[^0-9A-Za-z]+", "-", address).strip("-").lower(), secrets.token_hex(3))


def _not_a_command(ctx, name, args):
    ctx.err(" !     `%s` is not a dokku command." % " ".join([name] + list(args)))
    ctx.err(" !     See `dokku help` for a list of available commands.")
    raise DokkuExit(1)


def _since(version, name):
    """A command Dokku added in ``version`` (v0.38.14: annotations:report, labels:report, charts:set and
    charts:report, from the tags' subcommands.go): not a dokku command on an older host."""
    def decorator(func):
        def handler(ctx, args):
            if _version(ctx) < version:
                _not_a_command(ctx, name, args)
            func(ctx, args)
        return handler
    return decorator


def _versioned(name, since_037):
    """A cluster command that exists under this spelling only (0.37.0 renamed cluster-add to cluster:add)."""
    def decorator(func):
        def handler(ctx, args):
            if (_version(ctx) >= (0, 37, 0)) != since_037:
                _not_a_command(ctx, name, args)
            func(ctx, name, args)
        return handler
    return decorator


@command(PLUGIN + ":initialize", kind="write", plugin=PLUGIN, root_only=True)
def cmd_initialize(ctx, args):
    values, _positional, _extra, _seen = GoFlags(PLUGIN + ":initialize", {
        "ingress-class": ("string", "nginx", "ingress class to use"),
        "kubelet-args": ("string", "", "kubelet arguments"),
        "server-ip": ("string", "", "server ip address"),
        "taint-scheduling": ("bool", False, "taint the server so no app runs on it"),
    }).parse(ctx, args)
    if _load(ctx) is not None:
        ctx.fail("k3s already installed, cannot re-initialize k3s")
    if values["ingress-class"] not in ("nginx", "traefik"):
        ctx.fail("Invalid ingress-class: %s" % values["ingress-class"])
    ctx.info1("Initializing k3s")
    ctx.info2("Updating apt")
    ctx.info2("Installing k3s dependencies")
    ctx.info2("Running k3s installer")
    if not prop_get(ctx, PLUGIN, "--global", "token"):
        prop_set(ctx, PLUGIN, "--global", "token", secrets.token_hex(32))
    prop_set(ctx, PLUGIN, "--global", "ingress-class", values["ingress-class"])
    address = values["server-ip"] or DEFAULT_SERVER_IP
    _save(ctx, {"nodes": [{"Name": _node_name(address), "Roles": ROLES["server"], "Ready": True,
                           "RemoteHost": "", "Version": K3S_VERSION,
                           "double": {"taint-scheduling": values["taint-scheduling"],
                                      "kubelet-args": values["kubelet-args"]}}]})
    ctx.info2("Installing helm charts")
    ctx.info1("k3s initialized")


def _add(ctx, name, args):
    values, positional, _extra, _seen = GoFlags(name, {
        "insecure-allow-unknown-hosts": ("bool", False, "insecure allow unknown hosts"),
        "kubelet-args": ("string", "", "kubelet arguments"),
        "profile": ("string", "", "node profile"),
        "role": ("string", "worker", "node role"),
        "server-ip": ("string", "", "server ip address"),
        "taint-scheduling": ("bool", False, "taint the node so no app runs on it"),
    }).parse(ctx, args)
    state = _load(ctx)
    if state is None:
        ctx.fail("k3s not installed, cannot add node to cluster: /usr/local/bin/k3s does not exist")
    if values["profile"]:
        # as CommandClusterAdd: the profile, then each flag given over it - and --role always is
        # (its default is worker), so a profile's own role never counts
        profile = _profile(ctx, values["profile"])
        if profile is None:
            ctx.fail("Node profile %s not found" % values["profile"])
        values["taint-scheduling"] = values["taint-scheduling"] or bool(profile.get("taint_scheduling"))
        values["kubelet-args"] = values["kubelet-args"] or ",".join(profile.get("kubelet_args") or [])
        values["insecure-allow-unknown-hosts"] = (values["insecure-allow-unknown-hosts"]
                                                  or bool(profile.get("allow_unknown_hosts")))
    if values["role"] not in ROLES:
        ctx.fail("Invalid role: %s" % values["role"])
    if values["taint-scheduling"] and values["role"] != "server":
        ctx.fail("Taint scheduling can only be used on the server role")
    url = positional[0] if positional else ""
    match = SSH_URL_RE.match(url)
    if not match:
        ctx.fail("Invalid remote host, must be in the format ssh://user@host:port: %s" % url)  # a guess at the text
    ctx.info1("Joining %s to k3s cluster as %s" % (match.group(2), values["role"]))
    ctx.info2("Updating apt")
    ctx.info2("Installing k3s dependencies")
    ctx.info2("Running k3s installer")
    node = {"Name": _node_name(match.group(2)), "Roles": ROLES[values["role"]], "Ready": True,
            "RemoteHost": url, "Version": K3S_VERSION,
            "double": {"profile": values["profile"], "taint-scheduling": values["taint-scheduling"],
                       "kubelet-args": values["kubelet-args"]}}
    state["nodes"].append(node)
    _save(ctx, state)
    ctx.info2("Annotating node %s with dokku.com/remote-host=%s" % (node["Name"], url))
    ctx.info1("Node %s joined the cluster" % node["Name"])


def _list(ctx, name, args):
    values, _positional, _extra, _seen = GoFlags(name, {
        "format": ("string", "stdout", "format: [ stdout | json ]")}).parse(ctx, args)
    if values["format"] not in ("stdout", "json"):
        ctx.fail("Invalid format specified, supported formats: json, stdout")
    state = _load(ctx)
    if state is None:
        ctx.fail("kubernetes api not available, cannot list cluster nodes: k3s not installed")
    nodes = [dict((k, v) for k, v in node.items() if k != "double") for node in state["nodes"]]
    if values["format"] == "json":
        ctx.out(json.dumps(nodes, separators=(",", ":")))
        return
    rows = [("name", "ready", "roles", "version")] + [
        (n["Name"], "true" if n["Ready"] else "false", ",".join(n["Roles"]) or "<none>", n["Version"])
        for n in nodes]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        ctx.out("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _remove(ctx, name, args):
    _values, positional, _extra, _seen = GoFlags(name, {}).parse(ctx, args)
    node_name = positional[0] if positional else ""
    if not node_name:
        ctx.fail("Missing node name")  # a guess at the text
    state = _load(ctx)
    if state is None:
        ctx.fail("kubernetes api not available, cannot remove node: k3s not installed")
    kept = [node for node in state["nodes"] if node["Name"] != node_name]
    if len(kept) == len(state["nodes"]):
        ctx.fail("Node %s not found" % node_name)  # a guess at the text
    ctx.info1("Removing %s from k3s cluster" % node_name)
    ctx.info2("Cordoning node")
    ctx.info2("Draining node")
    ctx.info2("Deleting node")
    state["nodes"] = kept
    _save(ctx, state)


for _colon, _dash, _func, _kind in (("cluster:add", "cluster-add", _add, "write"),
                                    ("cluster:list", "cluster-list", _list, "read"),
                                    ("cluster:remove", "cluster-remove", _remove, "write")):
    command(PLUGIN + ":" + _colon, kind=_kind, plugin=PLUGIN)(_versioned(PLUGIN + ":" + _colon, True)(_func))
    command(PLUGIN + ":" + _dash, kind=_kind, plugin=PLUGIN)(_versioned(PLUGIN + ":" + _dash, False)(_func))


# ------------------------------------------------------------------------- node profiles
PROFILE_NAME_RE = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$")
PROFILE_PREFIX = "node-profile-"


def _profile_name(ctx, name):
    if not name:
        ctx.fail("Missing profile name")
    if not PROFILE_NAME_RE.match(name):
        ctx.fail("Invalid profile name, must only contain alphanumeric characters and dashes and cannot start "
                 "with a dash: %s" % name)
    if len(name) > 32:
        ctx.fail("Profile name is too long, must be less than 32 characters: %s" % name)
    return name


def _profile(ctx, name):
    text = prop_get(ctx, PLUGIN, "--global", PROFILE_PREFIX + name + ".json")
    return json.loads(text) if text else None


@command(PLUGIN + ":profiles:add", kind="write", plugin=PLUGIN)
def cmd_profiles_add(ctx, args):
    values, positional, _extra, _seen = GoFlags(PLUGIN + ":profiles:add", {
        "insecure-allow-unknown-hosts": ("bool", False, "insecure-allow-unknown-hosts: allow unknown hosts"),
        "kubelet-args": ("string", "", "kubelet-args: repeatable key=value kubelet arguments"),
        "role": ("string", "worker", "role: [ server | worker ]"),
        "taint-scheduling": ("bool", False, "taint-scheduling: add a taint against scheduling app workloads"),
    }).parse(ctx, args)
    if values["role"] not in ROLES:
        ctx.fail("Invalid role: %s" % values["role"])
    name = _profile_name(ctx, positional[0] if positional else "")
    profile = {"name": name, "role": values["role"]}
    # Go's encoding/json with omitempty, in the struct's field order
    if values["insecure-allow-unknown-hosts"]:
        profile["allow_unknown_hosts"] = True
    if values["taint-scheduling"]:
        profile["taint_scheduling"] = True
    kubelet_args = [arg for arg in values["kubelet-args"].split(",") if arg]
    if kubelet_args:
        profile["kubelet_args"] = kubelet_args
    prop_set(ctx, PLUGIN, "--global", PROFILE_PREFIX + name + ".json", json.dumps(profile, separators=(",", ":")))
    ctx.info1("Node profile %s added" % name)


@command(PLUGIN + ":profiles:list", kind="read", plugin=PLUGIN)
def cmd_profiles_list(ctx, args):
    values, _positional, _extra, _seen = GoFlags(PLUGIN + ":profiles:list", {
        "format": ("string", "stdout", "format: [ stdout | json ]")}).parse(ctx, args)
    if values["format"] not in ("stdout", "json"):
        ctx.fail("Invalid format: %s" % values["format"])
    directory = os.path.dirname(prop_path(ctx, PLUGIN, "--global", "x"))
    names = sorted(entry[len(PROFILE_PREFIX):-len(".json")] for entry in
                   (os.listdir(directory) if os.path.isdir(directory) else [])
                   if entry.startswith(PROFILE_PREFIX) and entry.endswith(".json"))
    profiles = [_profile(ctx, name) for name in names]
    if values["format"] == "json":
        ctx.out(json.dumps(profiles, separators=(",", ":")))
        return
    rows = [("name", "role")] + [(p["name"], p["role"]) for p in profiles]
    width = max(len(row[0]) for row in rows)
    for row in rows:
        ctx.out("%s  %s" % (row[0].ljust(width), row[1]))


@command(PLUGIN + ":profiles:remove", kind="write", plugin=PLUGIN)
def cmd_profiles_remove(ctx, args):
    _values, positional, _extra, _seen = GoFlags(PLUGIN + ":profiles:remove", {}).parse(ctx, args)
    name = _profile_name(ctx, positional[0] if positional else "")
    prop_set(ctx, PLUGIN, "--global", PROFILE_PREFIX + name + ".json", "")
    ctx.info1("Node profile %s removed" % name)


# --------------------------------------------------------------- annotations and labels
# Dokku v0.38.27's CommandAnnotationsSet / CommandLabelsSet / Report*SingleApp (report.go): a map
# property per app (or --global), process type (``--global`` when none is given) and resource type:
# ``PROCESS.RESOURCE`` for annotations, ``labels.PROCESS.RESOURCE`` for labels, JSON files as
# common.PropertyMapWrite writes them.  No value deletes the key.  The report lists only the resource
# types Dokku knows, flat in JSON (``{"PROCESS.RESOURCE.KEY": value}``, ``--global`` shown as
# ``global``).  Reconstructed from the source: no transcript shows them.
GLOBAL_PROCESS = "--global"
CHARTS_AND_REPORTS = (0, 38, 14)
COMMON_TYPES = ["certificate", "cronjob", "deployment", "ingress", "job", "pod", "secret", "service",
                "serviceaccount", "traefik_ingressroute", "traefik_middleware"]
META = {
    "annotations": {"prefix": "", "row": "Annotation",
                    "types": COMMON_TYPES + ["keda_scaled_object", "keda_secret", "keda_trigger_authentication"]},
    "labels": {"prefix": "labels.", "row": "Label", "types": COMMON_TYPES},
}
RESERVED = ("chart.", "chart-overrides.", "labels.", "node-profile-", "node-sysctls.", "trigger-auth.")
SCOPE_FLAGS = {"process-type": ("string", "", "--process-type: scope to process-type"),
               "resource-type": ("string", "", "--resource-type: scope to resource-type")}


def _meta_set(kind):
    def handler(ctx, args):
        spec = dict(SCOPE_FLAGS, **{"global": ("bool", False, "--global: set a global property")})
        values, positional, _extra, _seen = GoFlags(PLUGIN + ":%s:set" % kind, spec).parse(ctx, args)
        scope = GLOBAL_PROCESS if values["global"] else (positional[0] if positional else "")
        rest = positional if values["global"] else positional[1:]
        key, value = (rest + ["", ""])[:2]
        if not values["resource-type"]:
            ctx.fail("Missing resource-type")
        prop = "%s%s.%s" % (META[kind]["prefix"], values["process-type"] or GLOBAL_PROCESS, values["resource-type"])
        text = prop_get(ctx, PLUGIN, scope, prop)
        mapping = json.loads(text) if text else {}
        if value:
            mapping[key] = value
        elif key in mapping:
            del mapping[key]
        else:
            return
        write_file(prop_path(ctx, PLUGIN, scope, prop), json.dumps(mapping, separators=(",", ":")))
    return handler


def _meta_entries(ctx, kind, scope, process, resource):
    directory = os.path.dirname(prop_path(ctx, PLUGIN, scope, "x"))
    entries = []
    for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        if kind == "annotations" and name.startswith(RESERVED):
            continue
        if not name.startswith(META[kind]["prefix"]):
            continue
        prop_process, dot, prop_resource = name[len(META[kind]["prefix"]):].rpartition(".")
        if not dot or not prop_process or prop_resource not in META[kind]["types"]:
            continue
        if (process and prop_process != process) or (resource and prop_resource != resource):
            continue
        text = prop_get(ctx, PLUGIN, scope, name)
        for key, value in sorted((json.loads(text) if text else {}).items()):
            entries.append(("global" if prop_process == GLOBAL_PROCESS else prop_process, prop_resource, key, value))
    return entries


def _meta_report_one(ctx, kind, scope, values, info_flag):
    if scope != "--global":
        verify_app(ctx, scope)
    entries = _meta_entries(ctx, kind, scope, values["process-type"], values["resource-type"])
    flat = dict(("%s.%s.%s" % (process, resource, key), value) for process, resource, key, value in entries)
    if info_flag:
        prefix = "--%s-%s." % (PLUGIN, kind)
        if info_flag[len(prefix):] not in flat:
            ctx.fail("Invalid flag passed, valid flags: %s" % ", ".join(sorted(prefix + key for key in flat)))
        ctx.out(flat[info_flag[len(prefix):]])
        return
    if values["format"] == "json":
        ctx.out(json.dumps(flat, separators=(",", ":"), sort_keys=True))
        return
    ctx.info2_quiet("%s %s information" % (scope, kind))
    groups = {}
    for process, resource, key, value in entries:
        groups.setdefault("%s/%s" % (process, resource), []).append((key, value))
    for group in sorted(groups):
        labels = [("%s (%s) %s:" % (META[kind]["row"], group, key), value) for key, value in sorted(groups[group])]
        width = max([31] + [len(label) for label, _value in labels])
        for label, value in labels:
            ctx.verbose(label.ljust(width) + value)


def _meta_report(kind):
    def handler(ctx, args):
        spec = dict(SCOPE_FLAGS, **{"global": ("bool", False, "--global: show the global report"),
                                    "format": ("string", "stdout", "format: [ stdout | json ]")})
        values, positional, extra, _seen = GoFlags(PLUGIN + ":%s:report" % kind, spec,
                                                   passthrough_prefixes=("%s-%s." % (PLUGIN, kind),)).parse(ctx, args)
        if values["format"] not in ("stdout", "json"):
            ctx.fail("Invalid format: %s" % values["format"])
        info_flag = extra[0] if extra else ""
        if info_flag and values["format"] == "json":
            ctx.fail("--format flag cannot be specified when specifying an info flag")
        if values["global"]:
            _meta_report_one(ctx, kind, "--global", values, info_flag)
        elif positional:
            _meta_report_one(ctx, kind, positional[0], values, info_flag)
        else:
            for app in list_apps(ctx):
                _meta_report_one(ctx, kind, app, values, info_flag)
    return handler


for _kind in META:
    command(PLUGIN + ":%s:set" % _kind, kind="write", plugin=PLUGIN)(_meta_set(_kind))
    command(PLUGIN + ":%s:report" % _kind, kind="read", plugin=PLUGIN)(
        _since(CHARTS_AND_REPORTS, PLUGIN + ":%s:report" % _kind)(_meta_report(_kind)))


# --------------------------------------------------------------- helm chart overrides
# Dokku v0.38.27's CommandChartsSet / CommandChartsReport / CommandEnsureCharts: a global map property
# ``chart-overrides.CHART`` per chart of HelmCharts; the JSON report is flat (``{"CHART.PROPERTY": v}``).
# ``ensure-charts`` needs the cluster's API (here: an initialized cluster) and installs nothing.
HELM_CHARTS = ["cert-manager", "longhorn", "traefik", "ingress-nginx", "keda", "keda-add-ons-http", "vector"]


def _chart_name(ctx, name):
    if name not in HELM_CHARTS:
        ctx.fail("Invalid chart name \"%s\", valid charts: %s" % (name, ", ".join(sorted(HELM_CHARTS))))
    return name


def _overrides(ctx, chart):
    text = prop_get(ctx, PLUGIN, "--global", "chart-overrides." + chart)
    return json.loads(text) if text else {}


def cmd_charts_set(ctx, args):
    _values, positional, _extra, _seen = GoFlags(PLUGIN + ":charts:set", {}).parse(ctx, args)
    prop, value = (positional + ["", ""])[:2]
    chart, dot, key = prop.partition(".")
    if not chart or not dot or not key:
        ctx.fail("Invalid property, expected format: <chart-name>.<property>")
    overrides = _overrides(ctx, _chart_name(ctx, chart))
    if value:
        ctx.info2_quiet("Setting chart.%s.%s to %s" % (chart, key, value))
        overrides[key] = value
    else:
        ctx.info2_quiet("Unsetting chart.%s.%s" % (chart, key))
        if key not in overrides:
            return
        del overrides[key]
    write_file(prop_path(ctx, PLUGIN, "--global", "chart-overrides." + chart), json.dumps(overrides, separators=(",", ":")))


def cmd_charts_report(ctx, args):
    values, positional, extra, _seen = GoFlags(PLUGIN + ":charts:report", {
        "format": ("string", "stdout", "format: [ stdout | json ]")},
        passthrough_prefixes=(PLUGIN + "-charts-",)).parse(ctx, args)
    if values["format"] not in ("stdout", "json"):
        ctx.fail("Invalid format: %s" % values["format"])
    if extra and values["format"] == "json":
        ctx.fail("--format flag cannot be specified when specifying an info flag")
    charts = [_chart_name(ctx, positional[0])] if positional else HELM_CHARTS
    by_chart = dict((chart, _overrides(ctx, chart)) for chart in charts)
    flat = dict(("%s.%s" % (chart, key), value) for chart in charts for key, value in by_chart[chart].items())
    if extra:
        key = extra[0][len("--%s-charts-" % PLUGIN):]
        if key not in flat:
            ctx.fail("Invalid flag passed, valid flags: %s" % ", ".join(sorted("--%s-charts-%s" % (PLUGIN, k) for k in flat)))
        ctx.out(flat[key])
        return
    if values["format"] == "json":
        ctx.out(json.dumps(flat, separators=(",", ":"), sort_keys=True))
        return
    width = max([31] + [len("Chart property %s:" % key) for chart in charts for key in by_chart[chart]])
    for chart in charts:
        ctx.info2_quiet("%s chart information" % chart)
        for key in sorted(by_chart[chart]):
            ctx.verbose(("Chart property %s:" % key).ljust(width) + by_chart[chart][key])


command(PLUGIN + ":charts:set", kind="write", plugin=PLUGIN)(_since(CHARTS_AND_REPORTS, PLUGIN + ":charts:set")(cmd_charts_set))
command(PLUGIN + ":charts:report", kind="read", plugin=PLUGIN)(
    _since(CHARTS_AND_REPORTS, PLUGIN + ":charts:report")(cmd_charts_report))


@command(PLUGIN + ":ensure-charts", kind="write", plugin=PLUGIN, root_only=True)
def cmd_ensure_charts(ctx, args):
    values, _positional, _extra, _seen = GoFlags(PLUGIN + ":ensure-charts", {
        "force": ("bool", False, "--force: force install all charts"),
        "charts": ("string", "", "--charts: comma separated list of chart names to force install")}).parse(ctx, args)
    if _load(ctx) is None:
        ctx.fail("Unable to create kubernetes client: k3s not installed")  # a guess at the wording
    ctx.info2_quiet("Installing helm charts")
    forced = [name for name in values["charts"].split(",") if name]
    for chart in HELM_CHARTS:
        ctx.info1("Processing chart %s" % chart)
        if values["force"] or chart in forced:
            ctx.verbose("Force installing chart")
        else:
            ctx.verbose("Skipping chart: already installed")
    ctx.info2_quiet("Done")
