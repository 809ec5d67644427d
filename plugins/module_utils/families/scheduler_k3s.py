# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dokku's k3s scheduler across several servers: the cluster and its nodes (host scope).

Read from ``scheduler-k3s:cluster:list --format json`` (``[{Name, Roles, Ready, RemoteHost,
Version}]``, Go field names); a failure saying k3s is "not installed" or its "api not available"
means the host was never initialized.  ``scheduler-k3s:initialize`` is not idempotent (a second
run exits 1), so it is planned only when that read says so.  A node is the SSH URL Dokku joins it
by (``RemoteHost``, which ``cluster:add`` annotates on the node); the initial server has none and
is never touched.  ``cluster:add`` makes no duplicate check, so a node is added only when no node
carries its URL.  Nodes the inventory does not list are removed (``cluster:remove NAME``) only
with ``allow_remove``; without it the plan fails naming them, before any write.  Dokku 0.37.0
renamed ``cluster-add``/``-list``/``-remove`` to ``cluster:add``/``:list``/``:remove``: the name
follows the host's version.  Node profiles (``scheduler-k3s:profiles:add|list|remove``: a name, a
role, taint scheduling, kubelet args) are managed only when ``profiles`` is given, read then from
``profiles:list --format json``: a profile that differs is added again (``add`` overwrites), one not
listed is removed only with ``allow_remove``.  ``cluster:add`` always passes ``--role``, whose
default overrides a profile's role on Dokku, so a node must have its profile's role.  Helm chart
overrides (``charts:set CHART.PROPERTY [VALUE]``, read from ``charts:report --format json``, flat
``{"CHART.PROPERTY": value}``) are managed only when ``charts`` is given, exactly; they are set
before ``initialize`` (which installs the charts with them) and, on a cluster already running,
applied by ``ensure-charts --charts`` naming the charts that changed.  The cluster's properties
(``token``, ``ingress-class``, ...) belong to the property table (``properties: {scheduler-k3s: ...}``).

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_json_document
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import NOT_A_COMMAND, Read

PLUGIN = "scheduler-k3s"
RENAME_VERSION = (0, 37, 0)
ROLES = ("server", "worker")
INGRESS_CLASSES = ("nginx", "traefik")
SERVER_ROLES = ("control-plane", "master", "etcd")
SSH_URL_RE = re.compile(
    r"^ssh://[A-Za-z_][A-Za-z0-9_.-]{0,31}@(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::([0-9]{1,5}))?$")
# Dokku's rule (CommandProfilesAdd): letters, digits and dashes, not first or last, at most 32
PROFILE_RE = re.compile(r"^(?=.{1,32}$)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$")
PROFILE_KEYS = ("name", "role", "taint_scheduling", "kubelet_args", "allow_unknown_hosts")
KUBELET_ARG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*=[^\s,]*$")
NOT_INITIALIZED = ("not installed", "api not available")
# Dokku 0.38.27's HelmCharts release names (plugins/scheduler-k3s/scheduler_k3s.go): charts:set refuses others
HELM_CHARTS = ("cert-manager", "ingress-nginx", "keda", "keda-add-ons-http", "longhorn", "traefik", "vector")
ALLOW_REMOVE_HINT = "allow_remove (the role's dokku_k3s_allow_remove)"


def command_names(version):
    """``{add, list, remove}``: the cluster commands of a Dokku version (renamed in 0.37.0)."""
    sep = ":" if tuple(version) >= RENAME_VERSION else "-"
    return dict((verb, "%s:cluster%s%s" % (PLUGIN, sep, verb)) for verb in ("add", "list", "remove"))


def list_read(version):
    return Read([command_names(version)["list"], "--format", "json"], ok_rcs=(0, 1))


def check_node(index, node):
    """``(normalised node, None)`` or ``(None, "nodes[i].field: problem")``."""
    where = "nodes[%d]" % index
    if not isinstance(node, dict):
        return None, "%s: must be a dict with url and role" % where
    unknown = sorted(set(node) - set(("url", "role", "profile", "taint_scheduling", "kubelet_args",
                                      "allow_unknown_host")))
    if unknown:
        return None, "%s: unknown keys %s" % (where, ", ".join(unknown))
    url = node.get("url")
    match = SSH_URL_RE.match(url) if isinstance(url, str) else None
    if not match or (match.group(1) and not 0 < int(match.group(1)) < 65536):
        return None, ("%s.url: %r is not an SSH URL: give ssh://user@host or ssh://user@host:port (the user root "
                      "or one with passwordless sudo)" % (where, url))
    profile = node.get("profile")
    if profile is not None and not (isinstance(profile, str) and PROFILE_RE.match(profile)):
        return None, ("%s.profile: %r is not a node profile name (letters, digits and '-', not first or last, "
                      "at most 32)" % (where, profile))
    settings, error = check_join_settings(where, node, "node", "allow_unknown_host")
    if error:
        return None, error
    return dict(settings, url=url, profile=profile), None


def check_join_settings(where, item, noun, allow_key):
    """``({role, taint_scheduling, kubelet_args, <allow_key>}, None)`` or ``(None, problem)``: what a node
    joins with, given to ``cluster:add`` directly (``noun`` node) or through a profile (``noun`` profile)."""
    role = item.get("role") or "worker"
    if role not in ROLES:
        return None, "%s.role: must be server or worker, got %r" % (where, role)
    for flag in ("taint_scheduling", allow_key):
        if item.get(flag) is not None and not isinstance(item.get(flag), bool):
            return None, "%s.%s: must be true or false" % (where, flag)
    if item.get("taint_scheduling") and role != "server":
        return None, ("%s.taint_scheduling: only a server %s can be tainted (Dokku refuses it on a worker)"
                      % (where, noun))
    args, error = check_kubelet_args(where, item.get("kubelet_args"))
    if error:
        return None, error
    return {"role": role, "taint_scheduling": bool(item.get("taint_scheduling")), "kubelet_args": args,
            allow_key: bool(item.get(allow_key))}, None


def check_kubelet_args(where, args):
    """``(list, None)`` or ``(None, problem)``; a comma-separated string is split as Dokku's flag does."""
    if isinstance(args, str):
        args = [arg for arg in args.split(",") if arg]
    if args is None:
        return [], None
    if not isinstance(args, list) or not all(isinstance(a, str) and KUBELET_ARG_RE.match(a) for a in args):
        return None, "%s.kubelet_args: give a list of key=value kubelet arguments (no blanks or commas)" % where
    return args, None


def check_profile(index, profile):
    """``(normalised profile, None)`` or ``(None, "profiles[i].field: problem")``."""
    where = "profiles[%d]" % index
    if not isinstance(profile, dict):
        return None, "%s: must be a dict with name and role" % where
    unknown = sorted(set(profile) - set(PROFILE_KEYS))
    if unknown:
        return None, "%s: unknown keys %s" % (where, ", ".join(unknown))
    name = profile.get("name")
    if not (isinstance(name, str) and PROFILE_RE.match(name)):
        return None, ("%s.name: %r is not a node profile name (letters, digits and '-', not first or last, at most "
                      "32)" % (where, name))
    settings, error = check_join_settings(where, profile, "profile", "allow_unknown_hosts")
    if error:
        return None, error
    return dict(settings, name=name), None


def check_profiles(profiles):
    """``(None or [normalised profile], None)`` or ``(None, problem)``; None leaves profiles unmanaged."""
    if profiles is None:
        return None, None
    return check_unique_list("profiles", profiles, check_profile, "name")


def check_unique_list(field, items, check_item, key):
    """``([normalised item], None)`` or ``(None, problem)``: each item checked, none listed twice by ``key``."""
    if not isinstance(items, list):
        return None, "%s: must be a list of {%s, role}" % (field, key)
    checked, seen = [], set()
    for index, item in enumerate(items):
        item, error = check_item(index, item)
        if error:
            return None, error
        if item[key] in seen:
            return None, "%s[%d].%s: %s is listed twice" % (field, index, key, item[key])
        seen.add(item[key])
        checked.append(item)
    return checked, None


def helm_path_problem(prop):
    if not prop or prop.startswith(("-", ".")) or any(char.isspace() for char in prop):
        return "a property is a helm dot path: no spaces, not starting with '-' or '.'"
    return None


def check_string_pairs(where, pairs, key_problem):
    """``({key: value}, None)`` or ``(None, "where.key: problem")`` for a map written one key at a time by
    a ``*:set [--flags] KEY [VALUE]`` command: no value deletes a key and a leading ``-`` is a flag to
    Dokku, so values are non-empty strings not starting with ``-``; ``key_problem(key)`` says what is
    wrong with a key (None: nothing)."""
    checked = {}
    for key, value in pairs.items():
        at = "%s.%s" % (where, key)
        if value is None or isinstance(value, (dict, list)):
            return None, "%s: must be a string (an empty value would delete the key)" % at
        key, value = str(key), str(value)
        problem = key_problem(key)
        if problem:
            return None, "%s: %s" % (at, problem)
        if not value or value.startswith("-"):
            return None, "%s: the value must be non-empty and not start with '-' (Dokku reads it as a flag)" % at
        checked[key] = value
    return checked, None


def check_charts(charts):
    """``(None or {chart: {property: value}}, None)`` or ``(None, "charts.CHART: problem")``."""
    if charts is None:
        return None, None
    if not isinstance(charts, dict):
        return None, "charts: must be a mapping of chart to {property: value}"
    checked = {}
    for chart, overrides in charts.items():
        if chart not in HELM_CHARTS:
            return None, "charts.%s: not a chart of Dokku's k3s scheduler: one of %s" % (chart, ", ".join(HELM_CHARTS))
        if not isinstance(overrides, dict):
            return None, "charts.%s: must be a mapping of helm property to value" % chart
        overrides, error = check_string_pairs("charts.%s" % chart, overrides, helm_path_problem)
        if error:
            return None, error
        if overrides:
            checked[chart] = overrides
    return checked, None


def check_cluster(desired):
    """``(normalised desired, None)`` or ``(None, "field: problem")``."""
    initialized = desired.get("initialized")
    initialized = True if initialized is None else initialized
    if not isinstance(initialized, bool):
        return None, "initialized: must be true or false"
    ingress = desired.get("ingress_class")
    if ingress is not None and ingress not in INGRESS_CLASSES:
        return None, "ingress_class: must be nginx or traefik, got %r" % (ingress,)
    checked, error = check_unique_list("nodes", desired.get("nodes") or [], check_node, "url")
    if error:
        return None, error
    if checked and not initialized:
        return None, "nodes: a cluster with nodes must be initialized (initialized: true)"
    profiles, error = check_profiles(desired.get("profiles"))
    if error:
        return None, error
    if profiles is not None:
        roles = dict((profile["name"], profile["role"]) for profile in profiles)
        for index, node in enumerate(checked):
            if node["profile"] and node["profile"] not in roles:
                return None, ("nodes[%d].profile: %s is not in profiles (the profiles are managed: list it there)"
                              % (index, node["profile"]))
            if node["profile"] and roles[node["profile"]] != node["role"]:
                return None, ("nodes[%d].role: %s, but its profile %s is a %s profile: Dokku's cluster:add takes the "
                              "node's --role over the profile's, give both the same role"
                              % (index, node["role"], node["profile"], roles[node["profile"]]))
    charts, error = check_charts(desired.get("charts"))
    if error:
        return None, error
    allow_remove = desired.get("allow_remove")
    if allow_remove is not None and not isinstance(allow_remove, bool):
        return None, "allow_remove: must be true or false"
    return dict(initialized=initialized, ingress_class=ingress, nodes=checked, profiles=profiles, charts=charts,
                allow_remove=bool(allow_remove)), None


def node_role(roles):
    return "server" if any(role in SERVER_ROLES for role in roles or ()) else "worker"


def parse_nodes(listing):
    """``[{name, url, role, ready, version}]`` from ``cluster:list --format json``."""
    nodes = []
    for node in listing or []:
        if isinstance(node, dict):
            nodes.append(dict(name=node.get("Name") or "", url=node.get("RemoteHost") or "",
                              role=node_role(node.get("Roles")), ready=bool(node.get("Ready")),
                              version=node.get("Version") or ""))
    return nodes


def read_cluster(ctx, strict=True):
    """``{initialized, nodes, commands}``, read once per run; the plugin missing fails the task
    (``strict``) or reads as None."""
    if not strict:
        res = ctx.fetch(list_read(ctx.runner.version))
        if res.rc != 0 and NOT_A_COMMAND in (res.stderr or "") + (res.stdout or ""):
            return None

    def compute():
        version = ctx.runner.version
        read = list_read(version)
        res = ctx.fetch(read)
        names = command_names(version)
        if res.rc != 0:
            text = (res.stderr or "") + (res.stdout or "")
            if any(phrase in text for phrase in NOT_INITIALIZED):
                return dict(initialized=False, nodes=[], commands=names)
            if NOT_A_COMMAND in text:
                ctx.runner.fail("the scheduler-k3s plugin is not enabled on this host (dokku %s is not a dokku "
                                "command)" % names["list"], rc=res.rc, stderr=res.stderr)
            ctx.runner.fail("dokku %s failed" % names["list"], rc=res.rc, stdout=res.stdout, stderr=res.stderr)
        try:
            listing = parse_json_document(res.stdout, default=[])
        except ValueError as exc:
            ctx.runner.fail("cannot parse the output of dokku %s: %s" % (names["list"], exc), stdout=res.stdout)
        return dict(initialized=True, nodes=parse_nodes(listing), commands=names)
    return ctx.memo("k3s:cluster", compute)


# rc 1 (a Dokku error, or not a dokku command on an older host) is read_json's to judge
PROFILES_READ = Read([PLUGIN + ":profiles:list", "--format", "json"], ok_rcs=(0, 1))


def parse_profiles(listing):
    """``{name: {role, taint_scheduling, kubelet_args, allow_unknown_hosts}}`` from ``profiles:list --format json``."""
    profiles = {}
    for profile in listing or []:
        if isinstance(profile, dict) and profile.get("name"):
            profiles[profile["name"]] = dict(role=profile.get("role") or "worker",
                                             taint_scheduling=bool(profile.get("taint_scheduling")),
                                             kubelet_args=list(profile.get("kubelet_args") or []),
                                             allow_unknown_hosts=bool(profile.get("allow_unknown_hosts")))
    return profiles


def read_profiles(ctx):
    """The host's node profiles, read once per run."""
    return read_json(ctx, "k3s:profiles", PROFILES_READ, parse_profiles, [])


def node_flags(role, taint_scheduling, kubelet_args, allow_unknown_hosts, profile=None):
    """The flags ``cluster:add`` and ``profiles:add`` share, in Dokku's order."""
    args = ["--role", role] + (["--profile", profile] if profile else [])
    if taint_scheduling:
        args.append("--taint-scheduling")
    if kubelet_args:
        args += ["--kubelet-args", ",".join(kubelet_args)]
    if allow_unknown_hosts:
        args.append("--insecure-allow-unknown-hosts")
    return args


CHARTS_READ = Read([PLUGIN + ":charts:report", "--format", "json"], ok_rcs=(0, 1))


def unflatten(report, dots):
    """``{group: {key: value}}`` from a flat report ``{"GROUP.KEY": value}`` whose group has ``dots`` dots
    (the key keeps any further dots: ``cert-manager.a.b`` is chart ``cert-manager``, key ``a.b``)."""
    groups = {}
    for flat, value in (report or {}).items():
        parts = flat.split(".", dots + 1)
        if len(parts) == dots + 2 and parts[-1]:
            groups.setdefault(".".join(parts[:-1]), {})[parts[-1]] = value
    return groups


def map_changes(desired, current):
    """``(group, key, value)`` turning ``current`` into ``desired`` (both ``{group: {key: value}}``): the
    keys to set first, then those to delete (value None), each sorted."""
    sets = [(group, key, desired[group][key]) for group in sorted(desired) for key in sorted(desired[group])
            if current.get(group, {}).get(key) != desired[group][key]]
    deletes = [(group, key, None) for group in sorted(current) for key in sorted(current[group])
               if key not in desired.get(group, {})]
    return sets + deletes


def parse_charts(report):
    """``{chart: {property: value}}`` from the flat ``{"CHART.PROPERTY": value}`` (chart names have no dot)."""
    return unflatten(report, 0)


def read_json(ctx, key, read, parse, default, strict=True):
    """A ``--format json`` read of the plugin, decoded and parsed once per run; a failure fails the task
    (or, not ``strict``, gives None: a host without the scheduler-k3s plugin or a Dokku older than the
    command).  ``read`` accepts rc 1, so the runner leaves that judgement here."""
    def compute():
        command = " ".join(read.args)
        res = ctx.fetch(read)
        if res.rc != 0:
            if not strict:
                return None
            ctx.runner.fail("dokku %s failed" % command, rc=res.rc, stdout=res.stdout, stderr=res.stderr)
        try:
            return parse(parse_json_document(res.stdout, default=default))
        except ValueError as exc:
            ctx.runner.fail("cannot parse the output of dokku %s: %s" % (command, exc), stdout=res.stdout)
    return ctx.memo(key, compute)


def read_charts(ctx):
    """The host's chart overrides, read once per run."""
    return read_json(ctx, "k3s:charts", CHARTS_READ, parse_charts, {})


def plan_charts(plan, desired, current, running):
    """Writes turning ``current`` chart overrides into ``desired``; ``ensure-charts`` when the cluster runs."""
    changed = set()
    for chart, prop, value in map_changes(desired, current):
        plan.write([PLUGIN + ":charts:set", "%s.%s" % (chart, prop)] + ([value] if value is not None else []))
        changed.add(chart)
    if changed and running:
        plan.write([PLUGIN + ":ensure-charts", "--charts", ",".join(sorted(changed))])


def profile_args(profile):
    flags = node_flags(profile["role"], profile["taint_scheduling"], profile["kubelet_args"],
                       profile["allow_unknown_hosts"])
    return [PLUGIN + ":profiles:add"] + flags + [profile["name"]]


def profile_state(profile):
    return dict((key, profile[key]) for key in PROFILE_KEYS if key != "name")


def add_args(name, node):
    return ([name] + node_flags(node["role"], node["taint_scheduling"], node["kubelet_args"],
                                node["allow_unknown_host"], profile=node["profile"]) + [node["url"]])


def plan_cluster(desired, current):
    """``Plan``: initialize once, add the missing nodes, remove unlisted ones only when allowed."""
    names = current["commands"]
    joined = [node for node in current["nodes"] if node["url"]]
    have = {}
    for node in joined:
        have.setdefault(node["url"], node)
    before = dict(k3s=dict(initialized=current["initialized"],
                           nodes=dict((node["url"], node["role"]) for node in joined)))
    plan = Plan(before, dict(k3s=dict(initialized=current["initialized"] or desired["initialized"],
                                      nodes=dict(before["k3s"]["nodes"]))))
    after = plan.after["k3s"]["nodes"]
    profiles = desired.get("profiles")
    have_profiles = current.get("profiles") or {}
    if profiles is not None:
        before["k3s"]["profiles"] = dict((name, dict(state)) for name, state in have_profiles.items())
        plan.after["k3s"]["profiles"] = dict((name, dict(state)) for name, state in have_profiles.items())
    extra_profiles = sorted(set(have_profiles) - set(p["name"] for p in profiles or [])) if profiles is not None else []
    if extra_profiles and not desired["allow_remove"]:
        plan.error = ("profiles: the host has node profiles the inventory does not list (%s); list them, or set %s "
                      "to remove them; nothing was changed" % (", ".join(extra_profiles), ALLOW_REMOVE_HINT))
        return plan
    if current["initialized"] and not desired["initialized"]:
        plan.error = ("initialized: k3s is installed on this host; uninstalling it is not managed here "
                      "(dokku scheduler-k3s:uninstall); nothing was changed")
        return plan
    if not desired["initialized"]:
        if desired.get("charts") is not None:
            plan.error = "charts: chart overrides need an initialized cluster (initialized: true)"
        return plan
    wanted = dict((node["url"], node) for node in desired["nodes"])
    extra = [node for node in joined if node["url"] not in wanted]
    if extra and not desired["allow_remove"]:
        plan.error = ("nodes: the cluster has nodes the inventory does not list (%s); list them, or set %s to "
                      "remove them; nothing was changed" % (", ".join(sorted(set(n["url"] for n in extra))),
                                                            ALLOW_REMOVE_HINT))
        return plan
    for node in desired["nodes"]:
        found = have.get(node["url"])
        if found is not None and found["role"] != node["role"]:
            plan.error = ("nodes: %s joined the cluster as a %s, the inventory says %s; Dokku cannot change a "
                          "node's role: remove it (drop it from the list with %s) and add it again; nothing was "
                          "changed" % (node["url"], found["role"], node["role"], ALLOW_REMOVE_HINT))
            return plan
    charts = desired.get("charts")
    if charts is not None:
        before["k3s"]["charts"] = current.get("charts") or {}
        plan.after["k3s"]["charts"] = charts
        plan_charts(plan, charts, current.get("charts") or {}, running=current["initialized"])
    if not current["initialized"]:
        init = [PLUGIN + ":initialize"]
        if desired["ingress_class"]:
            init += ["--ingress-class", desired["ingress_class"]]
        plan.write(init)
    for profile in profiles or []:
        if have_profiles.get(profile["name"]) != profile_state(profile):
            plan.write(profile_args(profile))
        plan.after["k3s"]["profiles"][profile["name"]] = profile_state(profile)
    for node in desired["nodes"]:
        if node["url"] not in have:
            plan.write(add_args(names["add"], node))
        after[node["url"]] = node["role"]
    for node in extra:
        plan.write([names["remove"], node["name"]])
        after.pop(node["url"], None)
    for name in extra_profiles:
        plan.write([PLUGIN + ":profiles:remove", name])
        plan.after["k3s"]["profiles"].pop(name)
    return plan


class SchedulerK3sFamily(Family):
    """Desired: ``{initialized, ingress_class, nodes: [{url, role, ...}], profiles: None or [{name, role, ...}],
    allow_remove}`` (global scope)."""

    name = "scheduler_k3s"
    scopes = ("global",)
    resource_type = "k3s_node"
    extra_resource_types = ("k3s_cluster", "k3s_profile", "k3s_chart")

    def validate(self, desired, scope):
        return check_cluster(desired)

    def reads(self, ctx, scopes):
        reads = [list_read(ctx.runner.version)]
        for option, read in (("profiles", PROFILES_READ), ("charts", CHARTS_READ)):
            if any(desired.get(option) is not None for _scope, desired in scopes):
                reads.append(read)
        return reads

    def read(self, ctx, scope, desired):
        current = read_cluster(ctx)
        if desired.get("profiles") is not None:
            current = dict(current, profiles=read_profiles(ctx))
        if desired.get("charts") is not None:
            current = dict(current, charts=read_charts(ctx))
        return current

    def plan(self, scope, desired, current):
        return plan_cluster(desired, current)

    def classify(self, scope, path):
        if len(path) > 2 and path[1] == "nodes":
            return {"type": "k3s_node", "name": path[2]}, "role"
        if len(path) > 2 and path[1] == "profiles":
            return {"type": "k3s_profile", "name": path[2]}, path[3] if len(path) > 3 else "profile"
        if len(path) > 2 and path[1] == "charts":
            return {"type": "k3s_chart", "name": path[2]}, path[3] if len(path) > 3 else "overrides"
        return {"type": "k3s_cluster"}, path[-1]

    def info(self, ctx, scope):
        if scope is not None or not getattr(ctx, "info_k3s", False):
            return None
        cluster = read_cluster(ctx, strict=False)
        if cluster is None:  # a host without the scheduler-k3s plugin
            return dict(k3s=dict(initialized=False, nodes=[]))
        profiles = read_profiles(ctx)
        facts = dict(initialized=cluster["initialized"], nodes=cluster["nodes"],
                     profiles=[dict(profile_state(state), name=name) for name, state in sorted(profiles.items())])
        charts = read_json(ctx, "k3s:charts", CHARTS_READ, parse_charts, {}, strict=False)
        if charts is not None:  # None: Dokku before 0.38.14 has no charts:report
            facts["charts"] = charts
        return dict(k3s=facts)

    def export(self, facts, scope, out):
        cluster = facts.get("k3s") if scope is None else None
        if not cluster or not cluster.get("initialized"):
            return {}
        nodes = [dict(url=node["url"], role=node["role"]) for node in cluster.get("nodes") or [] if node.get("url")]
        out_vars = {"dokku_k3s_enabled": True, "dokku_k3s_nodes": nodes}
        if cluster.get("profiles"):
            out_vars["dokku_k3s_profiles"] = cluster["profiles"]
        if cluster.get("charts"):
            out_vars["dokku_k3s_charts"] = cluster["charts"]
        return out_vars
