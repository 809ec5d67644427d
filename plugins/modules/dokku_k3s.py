#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_k3s
short_description: Manage Dokku's k3s scheduler cluster and its nodes
version_added: 0.1.0
description:
  - Converges the k3s cluster of Dokku's C(scheduler-k3s) plugin, so apps can run across several
    servers - C(dokku scheduler-k3s:initialize) once, C(scheduler-k3s:cluster:add) for each node
    the cluster lacks and, only with O(allow_remove), C(scheduler-k3s:cluster:remove) for nodes
    not listed.
  - The cluster is read with C(dokku scheduler-k3s:cluster:list --format json). A node is known by
    the SSH URL Dokku joined it with (its C(RemoteHost)); the Dokku host itself, the first server,
    has none and is never touched.
  - C(initialize) is not idempotent on Dokku, so it runs only when the read says k3s is not
    installed. C(cluster:add) makes no duplicate check, so a node is added only when no node
    carries its URL. Dokku cannot change a node's role - a listed node whose role differs is
    refused.
  - Dokku 0.37.0 renamed C(cluster-add), C(cluster-list) and C(cluster-remove) to
    C(cluster:add), C(cluster:list) and C(cluster:remove); the module uses the name of the host's
    version.
  - The cluster's properties (C(token), C(ingress-class), C(network-interface), ...) are managed
    with M(selfhosted.dokku.dokku_property) (plugin C(scheduler-k3s)); to pin the join token, set
    it before the first run.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  initialized:
    description:
      - V(true) initializes k3s on the host when it is not installed. V(false) with no O(nodes)
        leaves a host without k3s alone; a host with k3s installed is refused (uninstalling is not
        managed).
    type: bool
    default: true
  ingress_class:
    description:
      - The ingress controller C(initialize) installs (C(--ingress-class)). Used only when the
        cluster is initialized; later changes are the global property C(scheduler-k3s.ingress-class).
    type: str
    choices: [nginx, traefik]
  nodes:
    description:
      - The nodes joined to the cluster besides the Dokku host, each once.
      - Exact with O(allow_remove) - a node not listed is removed; without it, a node not listed
        makes the task fail before any change.
    type: list
    elements: dict
    default: []
    suboptions:
      url:
        description:
          - C(ssh://user@host) or C(ssh://user@host:port), the user root or one with passwordless
            sudo. The C(dokku) user must be able to SSH there.
        type: str
        required: true
      role:
        description:
          - C(server) (a k3s server, part of the control plane) or C(worker).
        type: str
        choices: [server, worker]
        default: worker
      profile:
        description:
          - A node profile (C(scheduler-k3s:profiles:add), see O(profiles)) whose settings the node joins with;
            its flags given here win over the profile's.
        type: str
      taint_scheduling:
        description:
          - Taint a server node so no app runs on it (C(--taint-scheduling)); servers only.
        type: bool
        default: false
      kubelet_args:
        description:
          - Extra kubelet arguments, each C(key=value) (C(--kubelet-args)).
        type: list
        elements: str
      allow_unknown_host:
        description:
          - Join a host whose SSH host key the C(dokku) user does not know yet
            (C(--insecure-allow-unknown-hosts)). Better - add the key to C(~dokku/.ssh/known_hosts).
        type: bool
        default: false
  profiles:
    description:
      - The host's node profiles (C(scheduler-k3s:profiles:add)), which O(nodes[].profile) names. Left
        alone when not given.
      - Exact when given - a profile that differs is added again (Dokku overwrites it); one not listed is
        removed with O(allow_remove) and, without it, makes the task fail before any change.
      - Dokku's C(cluster:add) takes a node's C(--role) over its profile's, so a node must have the role
        of its profile.
    type: list
    elements: dict
    suboptions:
      name:
        description: Letters, digits and C(-) (not first or last), at most 32 characters.
        type: str
        required: true
      role:
        description: C(server) or C(worker).
        type: str
        choices: [server, worker]
        default: worker
      taint_scheduling:
        description: Taint the nodes so no app runs on them (C(--taint-scheduling)); server profiles only.
        type: bool
        default: false
      kubelet_args:
        description: Extra kubelet arguments, each C(key=value) (C(--kubelet-args)).
        type: list
        elements: str
      allow_unknown_hosts:
        description: Join nodes whose SSH host key the C(dokku) user does not know (C(--insecure-allow-unknown-hosts)).
        type: bool
        default: false
  charts:
    description:
      - "Overrides of the helm charts Dokku installs in the cluster (C(scheduler-k3s:charts:set CHART.PROPERTY
        VALUE)), as C({chart: {property: value}}) - charts V(cert-manager), V(ingress-nginx), V(keda),
        V(keda-add-ons-http), V(longhorn), V(traefik), V(vector); properties in helm's C(--set) dot form.
        Left alone when not given."
      - Exact when given - an override the host has and this lacks is unset. Set before C(initialize), which
        installs the charts with them; on a running cluster the changed charts are installed again
        (C(scheduler-k3s:ensure-charts --charts CHART,...)). Needs Dokku 0.38.14 or later (C(charts:report)).
    type: dict
  allow_remove:
    description:
      - Remove the nodes of the cluster that O(nodes) does not list (C(scheduler-k3s:cluster:remove)) and,
        when O(profiles) is given, the node profiles it does not list (C(scheduler-k3s:profiles:remove)).
    type: bool
    default: false
notes:
  - Tested against the collection's Dokku test double only, not against a real k3s cluster; see the
    collection's C(docs/multi-server.md) for what a real cluster needs.
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_property
"""

EXAMPLES = r"""
- name: A cluster of the Dokku host and two more servers
  selfhosted.dokku.dokku_k3s:
    ingress_class: nginx
    nodes:
      - url: ssh://root@10.0.0.3
        role: server
      - url: ssh://root@10.0.0.4
        role: worker

- name: A profile of tainted servers, and a node that joins with it
  selfhosted.dokku.dokku_k3s:
    profiles:
      - name: control
        role: server
        taint_scheduling: true
        kubelet_args: [max-pods=50]
    nodes:
      - url: ssh://root@10.0.0.3
        role: server
        profile: control

- name: Pin cert-manager's chart version and give longhorn two replicas
  selfhosted.dokku.dokku_k3s:
    charts:
      cert-manager:
        version: 1.13.3
      longhorn:
        defaultSettings.defaultReplicaCount: "2"

- name: Exactly these nodes (others are removed)
  selfhosted.dokku.dokku_k3s:
    nodes:
      - url: ssh://root@10.0.0.3
        role: server
    allow_remove: true
"""

RETURN = r"""
k3s:
  description:
    - The cluster after the task - whether k3s is installed, each joined node's role by URL and, when
      O(profiles) or O(charts) is given, the node profiles by name or the chart overrides by chart.
  returned: success
  type: dict
  sample: {"initialized": true, "nodes": {"ssh://root@10.0.0.3": "server"},
           "profiles": {"control": {"role": "server", "taint_scheduling": true, "kubelet_args": ["max-pods=50"],
                                    "allow_unknown_hosts": false}}}
commands:
  description: The mutating dokku calls that ran (or would run in check mode).
  returned: always
  type: list
  elements: list
  sample: [["dokku", "scheduler-k3s:initialize", "--ingress-class", "nginx"]]
diff:
  description: The cluster before and after.
  returned: always
  type: dict
  sample: {"before": {"initialized": false, "nodes": {}}, "after": {"initialized": true, "nodes": {}}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global)), per family, the value
      C(before) and C(after).
  returned: always
  type: dict
  sample: {"global": {"scheduler_k3s": {"before": {"k3s": {"initialized": false, "nodes": {}}},
           "after": {"k3s": {"initialized": true, "nodes": {}}}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

K3S = get("scheduler_k3s")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            initialized=dict(type="bool", default=True),
            ingress_class=dict(type="str", choices=["nginx", "traefik"]),
            nodes=dict(type="list", elements="dict", default=[], options=dict(
                url=dict(type="str", required=True),
                role=dict(type="str", default="worker", choices=["server", "worker"]),
                profile=dict(type="str"),
                taint_scheduling=dict(type="bool", default=False),
                kubelet_args=dict(type="list", elements="str"),
                allow_unknown_host=dict(type="bool", default=False),
            )),
            profiles=dict(type="list", elements="dict", options=dict(
                name=dict(type="str", required=True),
                role=dict(type="str", default="worker", choices=["server", "worker"]),
                taint_scheduling=dict(type="bool", default=False),
                kubelet_args=dict(type="list", elements="str"),
                allow_unknown_hosts=dict(type="bool", default=False),
            )),
            charts=dict(type="dict"),
            allow_remove=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    desired, error = K3S.validate(dict((key, module.params[key]) for key in (
        "initialized", "ingress_class", "nodes", "profiles", "charts", "allow_remove")), GLOBAL)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module)
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, K3S, GLOBAL, desired)
    exit_result(module, runner, plan.changed, plan.before["k3s"], plan.after["k3s"], k3s=plan.after["k3s"],
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
