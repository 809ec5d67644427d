"""The drift check of the list families: one change by hand per family, exactly one finding each.

A host converged by site.yml with an app using checks, buildpacks, scale, the deploy lock, a
certificate, http-auth, maintenance, plugin properties and k3s annotations and labels, plus host-level registry logins, git
credentials and global properties (one a secret); then
each family is changed by hand once and one drift run must report exactly one finding per family,
without any of the secrets.
"""

import copy
import os

import yaml

from harness import DOUBLE, DokkuHost, validate_drift_report
from test_drift import INVENTORY_VARS, Fleet

CERTS = os.path.join(DOUBLE, "fixtures", "srv", "certs")
REGISTRY_PASSWORD = "DriftRegistry9c1e4b"
GIT_TOKEN = "DriftGitToken2f7a5d"
HTTP_PASSWORD = "DriftHttpAuth6b3c8e"
TRAEFIK_PASSWORD = "DriftTraefik5d2e9a"
KEY_LINE = open(os.path.join(CERTS, "server.key"), encoding="utf-8").read().splitlines()[1]


def variables():
    variables = copy.deepcopy(INVENTORY_VARS)
    variables["dokku_plugins_plugins"] += [
        {"name": "http-auth", "url": "https://github.com/dokku/dokku-http-auth.git", "committish": "0.10.0"},
        {"name": "maintenance", "url": "https://github.com/dokku/dokku-maintenance.git", "committish": "0.10.1"},
    ]
    variables["dokku_apps_apps"].append({
        "name": "shop",
        "checks": {"disabled": ["worker"]},
        "buildpacks": ["heroku/python"],
        "scale": {"web": 1, "worker": 1},
        "locked": True,
        "certificate": {"cert_file": os.path.join(CERTS, "server.crt"), "key_file": os.path.join(CERTS, "server.key")},
        "http_auth": {"users": [{"username": "alice", "password": HTTP_PASSWORD}], "allowed_ips": ["10.0.0.0/8"]},
        "maintenance": True,
        "properties": {"nginx": {"client-max-body-size": "50m"}, "ps": {"restart-policy": "always"}},
        "proxy_enabled": True,
        "k3s_annotations": {"global.ingress": {"nginx.ingress.kubernetes.io/proxy-body-size": "50m"}},
        "k3s_labels": {"web.deployment": {"team": "payments"}},
    })
    variables["dokku_global_properties"] = {"registry": {"server": "registry.example.com"},
                                            "traefik": {"basic-auth-password": TRAEFIK_PASSWORD}}
    variables["dokku_global_registry_logins"] = [{"server": "ghcr.io", "username": "bot", "password": REGISTRY_PASSWORD}]
    variables["dokku_global_git_auth"] = [{"host": "git.example.com", "username": "deploy", "password": GIT_TOKEN}]
    return variables


HAND_CHANGES = [
    (["checks:skip", "shop", "worker"], {"type": "checks", "app": "shop", "name": "worker"}, "status"),
    (["buildpacks:add", "shop", "heroku/ruby"], {"type": "buildpacks", "app": "shop"}, "list"),
    (["ps:scale", "--skip-deploy", "shop", "worker=3"], {"type": "scale", "app": "shop", "name": "worker"}, "count"),
    (["apps:unlock", "shop"], {"type": "lock", "app": "shop"}, "locked"),
    (["certs:add", "shop", os.path.join(CERTS, "other.crt"), os.path.join(CERTS, "other.key")],
     {"type": "certificate", "app": "shop"}, "fingerprint"),
    (["http-auth:remove-allowed-ip", "shop", "10.0.0.0/8"], {"type": "http_auth", "app": "shop"}, "allowed_ips"),
    (["maintenance:disable", "shop"], {"type": "maintenance", "app": "shop"}, "enabled"),
    (["registry:logout", "--global", "ghcr.io"], {"type": "registry_login", "name": "ghcr.io"}, "credentials"),
    (["git:auth", "git.example.com", "deploy", "changed-by-hand"], {"type": "git_auth", "name": "git.example.com"},
     "credentials"),
    (["proxy:disable", "shop"], {"type": "proxy", "app": "shop"}, "enabled"),
    (["nginx:set", "shop", "client-max-body-size", "10m"],
     {"type": "property", "app": "shop", "name": "nginx.client-max-body-size"}, "value"),
    (["registry:set", "--global", "server", "other.example.com"], {"type": "property", "name": "registry.server"},
     "value"),
    (["scheduler-k3s:labels:set", "shop", "team", "ops", "--resource-type", "deployment", "--process-type", "web"],
     {"type": "k3s_label", "app": "shop", "name": "web.deployment"}, "team"),
    (["scheduler-k3s:annotations:set", "shop", "by-hand", "x", "--resource-type", "pod"],
     {"type": "k3s_annotation", "app": "shop", "name": "global.pod"}, "by-hand"),
    (["traefik:set", "--global", "basic-auth-password", "traefik-by-hand"],
     {"type": "property", "name": "traefik.basic-auth-password"}, "value"),
]


def test_one_finding_per_list_family_changed_by_hand(tmp_path):
    fleet = Fleet(DokkuHost(tmp_path, plugins=("scheduler-k3s",)))
    with open(fleet.inventory, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"dokku": {"hosts": {"domain.com": variables()}}}, handle)
    fleet.converge()
    report, _proc = fleet.drift(tag="in-sync")
    assert report["hosts"]["domain.com"]["status"] == "in_sync", report["hosts"]["domain.com"]["findings"]
    for args, _resource, _field in HAND_CHANGES:
        rc, out, err = fleet.host.dokku(*args)
        assert rc == 0, (args, out, err)
    report, proc = fleet.drift()
    validate_drift_report(report)
    findings = report["hosts"]["domain.com"]["findings"]
    found = sorted((f["resource"]["type"], f["field"]) for f in findings)
    assert found == sorted((resource["type"], field) for _args, resource, field in HAND_CHANGES), findings
    for _args, resource, field in HAND_CHANGES:
        assert any(f["resource"] == resource and f["field"] == field for f in findings), (resource, findings)
    outputs = [proc.stdout, proc.stderr]
    for name in os.listdir(fleet.reports):
        with open(os.path.join(fleet.reports, name), encoding="utf-8") as handle:
            outputs.append(handle.read())
    for text in outputs:
        for secret in (REGISTRY_PASSWORD, GIT_TOKEN, HTTP_PASSWORD, KEY_LINE, "changed-by-hand", TRAEFIK_PASSWORD,
                       "traefik-by-hand"):
            assert secret not in text
