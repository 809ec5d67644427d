# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes annotations and labels the k3s scheduler puts on an app's resources.

Dokku 0.38.27 keeps them per app, process type and resource type, as maps
(``scheduler-k3s:annotations:set APP KEY [VALUE] --resource-type R [--process-type P]``, the same
with ``labels:set``; no value deletes the key; no process type means every process, which the
report calls ``global``).  They are read from ``scheduler-k3s:annotations:report APP --format
json`` and ``labels:report``: one flat object ``{"PROCESS.RESOURCE.KEY": value}``.  Dokku stores
a map under any resource type but reports (and renders) only the ones it knows, so the planner
accepts only those: anything else would be written on every run.  Each option, when given, is the
app's whole set: a key the report has and the option lacks is deleted.  They reach the cluster at
the app's next deploy.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import PROCESS_TYPE_RE
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.scheduler_k3s import (
    check_string_pairs,
    map_changes,
    read_cluster,
    read_json,
    unflatten,
)

PLUGIN = "scheduler-k3s"
ALL_PROCESSES = "global"  # the report's name of Dokku's --global process type (every process)
# Dokku 0.38.27's AnnotationResourceTypes and LabelResourceTypes (plugins/scheduler-k3s/scheduler_k3s.go)
COMMON_TYPES = ("certificate", "cronjob", "deployment", "ingress", "job", "pod", "secret", "service",
                "serviceaccount", "traefik_ingressroute", "traefik_middleware")
KINDS = dict(
    k3s_annotations=dict(command="annotations", resource="k3s_annotation",
                         types=COMMON_TYPES + ("keda_scaled_object", "keda_secret", "keda_trigger_authentication")),
    k3s_labels=dict(command="labels", resource="k3s_label", types=COMMON_TYPES),
)


def report_read(option, app):
    """Dokku 0.38.14 added these reports; rc 1 (also: not a dokku command before it) is read_json's to judge."""
    return Read([PLUGIN + ":%s:report" % KINDS[option]["command"], app, "--format", "json"], ok_rcs=(0, 1))


def parse_report(report):
    """``{"PROCESS.RESOURCE": {key: value}}`` from the flat ``{"PROCESS.RESOURCE.KEY": value}``."""
    return unflatten(report, 1)


def key_problem(key):
    if not key or key.startswith("-") or any(char.isspace() for char in key):
        return "a key is not empty, has no spaces and does not start with '-'"
    return None


def check_groups(option, groups):
    """``(normalised, None)`` or ``(None, "option.group: problem")``."""
    if not isinstance(groups, dict):
        return None, "%s: must be a mapping of PROCESS.RESOURCE to {key: value}" % option
    types = KINDS[option]["types"]
    result = {}
    for group, pairs in groups.items():
        where = "%s.%s" % (option, group)
        process, _dot, resource = str(group).partition(".")
        if process != ALL_PROCESSES and not PROCESS_TYPE_RE.match(process):
            return None, ("%s: %r is not a process type (or 'global' for every process): write PROCESS.RESOURCE, "
                          "as in global.deployment or web.service" % (where, process))
        if resource not in types:
            return None, ("%s: %r is not a resource type Dokku reports for %s: one of %s"
                          % (where, resource, KINDS[option]["command"], ", ".join(types)))
        if not isinstance(pairs, dict):
            return None, "%s: must be a mapping of key to value" % where
        checked, error = check_string_pairs(where, pairs, key_problem)
        if error:
            return None, error
        if checked:
            result[group] = checked
    return result, None


def set_args(option, app, group, key, value=None):
    process, _dot, resource = group.partition(".")
    args = [PLUGIN + ":%s:set" % KINDS[option]["command"], app, key] + ([value] if value is not None else [])
    args += ["--resource-type", resource]
    return args + (["--process-type", process] if process != ALL_PROCESSES else [])


def group_of(argv):
    """``PROCESS.RESOURCE`` of a ``dokku scheduler-k3s:*:set`` argv (see :func:`set_args`)."""
    flags = dict(zip(argv, argv[1:]))
    return "%s.%s" % (flags.get("--process-type", ALL_PROCESSES), flags.get("--resource-type"))


def plan_option(plan, option, app, desired, current):
    """Writes turning ``current`` groups into ``desired`` (sets first, then deletions)."""
    for group, key, value in map_changes(desired, current):
        plan.write(set_args(option, app, group, key, value))


class K3sMetadataFamily(Family):
    """Desired: ``{k3s_annotations: {group: {key: value}} or None, k3s_labels: ... or None}``."""

    name = "k3s_metadata"
    resource_type = "k3s_annotation"
    extra_resource_types = ("k3s_label",)
    entry_options = dict(
        k3s_annotations=dict(
            type="dict",
            description=[
                "The Kubernetes annotations the k3s scheduler puts on the app's resources"
                " (C(scheduler-k3s:annotations:set)), exactly: a mapping of V(PROCESS.RESOURCE) to"
                " V({key: value}), where PROCESS is a process type or V(global) (every process) and RESOURCE one"
                " of Dokku's annotation resource types (V(deployment), V(service), V(ingress), V(pod),"
                " V(keda_scaled_object), ...). A key the app has and this lacks is deleted; V({}) deletes them"
                " all. Omitted, they are left alone. They reach the cluster at the app's next deploy.",
            ],
        ),
        k3s_labels=dict(
            type="dict",
            description=[
                "The Kubernetes labels of the app's k3s resources (C(scheduler-k3s:labels:set)), exactly, in the"
                " shape of O(apps[].k3s_annotations) (Dokku's label resource types have no C(keda_*) ones).",
            ],
        ),
    )

    def desired(self, entry):
        values = dict((option, entry.get(option)) for option in KINDS)
        return values if any(value is not None for value in values.values()) else None

    def validate(self, desired, scope):
        result = {}
        for option in KINDS:
            if desired.get(option) is None:
                result[option] = None
                continue
            result[option], error = check_groups(option, desired[option])
            if error:
                return None, error
        return result, None

    def reads(self, ctx, scopes):
        return [report_read(option, scope) for scope, desired in scopes for option in KINDS
                if desired.get(option) is not None]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return self.fresh(ctx, scope, desired)
        if not ctx.app_exists(scope):
            ctx.runner.missing_app(scope)
            return self.fresh(ctx, scope, desired)
        return dict((option, read_option(ctx, option, scope)) for option in KINDS if desired.get(option) is not None)

    def fresh(self, ctx, scope, desired):
        return dict((option, {}) for option in KINDS if desired.get(option) is not None)

    def plan(self, scope, desired, current):
        managed = [option for option in KINDS if desired.get(option) is not None]
        plan = Plan(dict((option, current.get(option) or {}) for option in managed),
                    dict((option, desired[option]) for option in managed))
        for option in managed:
            plan_option(plan, option, scope, desired[option], current.get(option) or {})
        return plan

    def classify(self, scope, path):
        resource = {"type": KINDS.get(path[0], KINDS["k3s_annotations"])["resource"], "app": scope_app(scope)}
        if len(path) > 1:
            resource["name"] = path[1]
        return resource, path[2] if len(path) > 2 else "value"

    def fix(self, resource, field, commands):
        """The one ``set`` of this key in this process and resource type (commands are argv lists)."""
        group = resource.get("name")
        hits = [command for command in commands
                if len(command) > 3 and command[3] == field and group_of(command) == group]
        return hits or list(commands)

    def info(self, ctx, scope):
        if scope is None or not getattr(ctx, "info_k3s", False):
            return None
        cluster = read_cluster(ctx, strict=False)  # read once, for the k3s facts too
        if not cluster or not cluster["initialized"]:  # no k3s here: spare two reads per app
            return None
        facts = dict((option, read_option(ctx, option, scope, strict=False)) for option in KINDS)
        return facts if all(value is not None for value in facts.values()) else None

    def export(self, facts, scope, out):
        if scope is None:
            return {}
        return dict((option, facts[option]) for option in KINDS if facts.get(option))


def read_option(ctx, option, app, strict=True):
    """The app's annotations or labels as ``{group: {key: value}}`` (None when not strict and the
    read failed: a host without the scheduler-k3s plugin)."""
    return read_json(ctx, "k3s:%s:%s" % (option, app), report_read(option, app), parse_report, {}, strict=strict)
