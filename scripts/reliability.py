#!/usr/bin/env python
"""Reliability matrix against the Dokku test double: prints one table (and writes JSON).

1. bad input   - each case must fail before any dokku call (version reads aside where the check
                 needs the version), with a message naming the variable;
2. faults      - the Nth mutating call of a full tutorial converge fails (for every N), then a hang
                 past the timeout; the run must stop with an error naming the command, and a plain
                 re-run must converge to the same state as a run without faults;
3. nothing lost - unmanaged extras on the host survive a converge in exclusive modes;
4. secrets     - canary secrets in the inventory never appear in any output of the runs above,
                 nor in the default console output at -vvv with --diff.

Run: python scripts/reliability.py [--json PATH]  (CI runs it; it is a measurement, not a unit test).
"""

import argparse
import json
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(REPO, "tests"), os.path.join(REPO, "tests", "modules"), os.path.join(REPO, "tests", "double")]

import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from harness import DokkuHost  # noqa: E402  pylint: disable=wrong-import-position

CANARY_CONFIG = "canary-config-7d1f3e9b"
CANARY_PASSWORD = "CanaryPassw0rd5a2c"
CANARY_BACKUP_KEY_ID = "AKIACANARYc41d"
CANARY_BACKUP_SECRET = "CanaryBackupSecret/8e3b"
CANARY_PASSPHRASE = "CanaryPassphrase-2f7a"
CANARIES_BASE = (CANARY_CONFIG, CANARY_PASSWORD, CANARY_BACKUP_KEY_ID, CANARY_BACKUP_SECRET, CANARY_PASSPHRASE)
with open(os.path.join(REPO, "tests", "double", "fixtures", "srv", "k_ed25519.pub"), encoding="utf-8") as _handle:
    KEY = _handle.read().strip()
PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----"
)
M = "selfhosted.dokku."
CERTS = os.path.join(REPO, "tests", "double", "fixtures", "srv", "certs")
with open(os.path.join(CERTS, "server.key"), encoding="utf-8") as _handle:
    CANARY_KEY_LINE = _handle.read().splitlines()[1]  # a line of the certificate's private key
CANARY_REGISTRY = "CanaryRegistry3e8a1f"
CANARY_GIT_TOKEN = "CanaryGitToken9d4b7c"
CANARY_HTTP_AUTH = "CanaryHttpAuth6f2e0a"
CANARY_TRAEFIK = "CanaryTraefik8a5c3e"  # a secret plugin property, which Dokku takes only in argv
CANARIES = CANARIES_BASE + (CANARY_KEY_LINE, CANARY_REGISTRY, CANARY_GIT_TOKEN, CANARY_HTTP_AUTH, CANARY_TRAEFIK)

# (label, module, args, the variable the message must name)
BAD_INPUTS = [
    ("app name with uppercase", "dokku_app", {"name": "MyApp"}, "name"),
    ("app name with underscore", "dokku_app", {"name": "my_app"}, "name"),
    ("app name with a leading dash", "dokku_app", {"name": "-app"}, "name"),
    ("app name too long", "dokku_app", {"name": "a" * 245}, "name"),
    ("empty app name", "dokku_app", {"name": ""}, "name"),
    ("destroy without opt-in", "dokku_app", {"name": "web", "state": "absent"}, "allow_destroy"),
    ("config key with a dash", "dokku_config", {"app": "web", "config": {"BAD-KEY": "x"}}, "config"),
    ("config value ending in a quote", "dokku_config", {"app": "web", "config": {"Q": 'say "hi"'}}, "config"),
    ("domain with a space", "dokku_domains", {"app": "web", "domains": ["bad domain.com"]}, "domains"),
    ("domain with a trailing dot", "dokku_domains", {"app": "web", "domains": ["example.com."]}, "domains"),
    ("domain with an underscore", "dokku_domains", {"app": "web", "domains": ["a_b.example.com"]}, "domains"),
    ("domain with a port", "dokku_domains", {"app": "web", "domains": ["example.com:8080"]}, "domains"),
    ("wildcard global domain", "dokku_domains", {"global": True, "domains": ["*.example.com"]}, "domains"),
    ("malformed ssh key", "dokku_ssh_key", {"name": "admin", "key": "not-a-key"}, "key"),
    ("truncated ssh key", "dokku_ssh_key", {"name": "admin", "key": KEY[:60]}, "key"),
    ("private ssh key", "dokku_ssh_key", {"name": "admin", "key": PRIVATE_KEY}, "key"),
    ("duplicate key names", "dokku_ssh_key",
     {"keys": [{"name": "a", "key": KEY}, {"name": "a", "key": KEY.replace("IIburf", "IIburg")}]}, "keys"),
    ("invalid email", "dokku_letsencrypt", {"global": True, "email": "not-an-email"}, "email"),
    ("unknown datastore type", "dokku_service", {"type": "oracle", "name": "db"}, "type"),
    ("service name with a dot", "dokku_service", {"name": "bad.name"}, "name"),
    ("plugin url over http", "dokku_plugin", {"name": "x", "url": "http://example.com/x.git"}, "url"),
    ("plugin url that is no url", "dokku_plugin", {"name": "x", "url": "postgres"}, "url"),
    ("port mapping without container port", "dokku_ports", {"app": "web", "mappings": ["http:80"]}, "mappings"),
    ("memory limit that is no size", "dokku_resource", {"app": "web", "limits": {"_default_": {"memory": "lots"}}},
     "limits"),
    ("cpu limit of zero", "dokku_resource", {"app": "web", "limits": {"web": {"cpu": "0"}}}, "limits"),
    ("network bandwidth limit", "dokku_resource", {"app": "web", "limits": {"web": {"network": "10m"}}}, "limits"),
    ("docker option expanding a variable", "dokku_docker_options", {"app": "web", "deploy": ["--env A=$HOME"]},
     "deploy"),
    ("docker option with an unclosed quote", "dokku_docker_options", {"app": "web", "run": ["--label 'a"]}, "run"),
    ("docker option listed twice", "dokku_docker_options", {"app": "web", "build": ["--init", "--init"]}, "build"),
    ("world-writable storage directory", "dokku_storage",
     {"app": "web", "mounts": [{"name": "data", "container_dir": "/data", "mode": "0777"}]}, "mounts"),
    ("unknown storage owner preset", "dokku_storage",
     {"app": "web", "mounts": [{"name": "data", "container_dir": "/data", "chown": "nobody"}]}, "mounts"),
    ("relative container directory", "dokku_storage",
     {"app": "web", "mounts": [{"host_path": "/srv/data", "container_dir": "data"}]}, "mounts"),
    ("storage entry name reserved for legacy mounts", "dokku_storage",
     {"app": "web", "mounts": [{"name": "legacy-1a2b", "container_dir": "/data"}]}, "mounts"),
    ("network destroy without opt-in", "dokku_network", {"networks": [{"name": "old", "state": "absent"}]},
     "allow_destroy"),
    ("docker's own network", "dokku_network", {"networks": [{"name": "host"}]}, "networks"),
    ("backup schedule that is no cron", "dokku_service",
     {"name": "db", "backup": {"schedule": "not a cron", "bucket": "bkt"}}, "backup.schedule"),
    ("backup schedule with six fields", "dokku_service",
     {"name": "db", "backup": {"schedule": "0 3 * * * /bin/sh", "bucket": "bkt"}}, "backup.schedule"),
    ("backup bucket with a space", "dokku_service",
     {"name": "db", "backup": {"schedule": "@daily", "bucket": "my bucket"}}, "backup.bucket"),
    ("backup secret with a space", "dokku_service",
     {"name": "db", "backup": {"auth": {"access_key_id": "AKIA1", "secret_access_key": "a b"}}},
     "backup.auth.secret_access_key"),
    ("backup passphrase starting with a dash", "dokku_service",
     {"name": "db", "backup": {"encryption_passphrase": "--force"}}, "backup.encryption_passphrase"),
    ("exposed port out of range", "dokku_service", {"name": "db", "expose": ["70000"]}, "expose"),
    ("upgrade without a backup directory", "dokku_service",
     {"name": "db", "image_version": "18.5", "allow_upgrade": True}, "upgrade_backup_dir"),
    ("restore drill into the source itself", "dokku_restore_drill",
     {"service": "db", "scratch_service": "db", "check": "SELECT 1;"}, "scratch_service"),
    ("restore drill without a check", "dokku_restore_drill", {"service": "db", "check": " "}, "check"),
    ("process type both disabled and skipped", "dokku_apps",
     {"apps": [{"name": "web", "checks": {"disabled": ["web"], "skipped": ["web"]}}]}, "checks"),
    ("buildpack that is no url", "dokku_apps", {"apps": [{"name": "web", "buildpacks": ["python"]}]}, "buildpacks"),
    ("negative process count", "dokku_apps", {"apps": [{"name": "web", "scale": {"web": -1}}]}, "scale"),
    ("key of another certificate", "dokku_certs",
     {"app": "web", "cert_file": os.path.join(CERTS, "server.crt"), "key_file": os.path.join(CERTS, "other.key")},
     "certificate"),
    ("registry server with a scheme", "dokku_registry_login",
     {"logins": [{"server": "https://ghcr.io", "username": "bot", "password": CANARY_REGISTRY}]}, "logins"),
    ("git token with a space", "dokku_git_auth",
     {"hosts": [{"host": "git.example.com", "username": "bot", "password": CANARY_GIT_TOKEN + " x"}]}, "hosts"),
    ("http-auth user name with a colon", "dokku_apps",
     {"apps": [{"name": "web", "http_auth": {"users": [{"username": "a:b", "password": CANARY_HTTP_AUTH}]}}]},
     "http_auth"),
    ("nginx size that is no size", "dokku_property",
     {"app": "web", "properties": {"nginx": {"client-max-body-size": "lots"}}}, "properties"),
    ("global-only property on an app", "dokku_property",
     {"app": "web", "plugin": "caddy", "property": "image", "value": "caddy:2"}, "property"),
    ("unknown property", "dokku_property", {"global": True, "properties": {"nginx": {"client_max_body_size": "1m"}}},
     "properties"),
    ("property value on two lines", "dokku_property",
     {"app": "web", "plugin": "ps", "property": "start-cmd", "value": "a\nb"}, "property"),
]


# (label, role variables that differ from the converged tutorial, what the message must start with
# or contain: the role variable the operator wrote, with its path)
BAD_ROLE_INPUTS = [
    ("app name", {"dokku_apps_apps": [{"name": "Bad_App"}]}, "dokku_apps_apps[0].name"),
    ("config key", {"dokku_apps_apps": [{"name": "djangotutorial", "config": {"1BAD": "x"}}]},
     "dokku_apps_apps[djangotutorial].config"),
    ("app domain", {"dokku_apps_apps": [{"name": "djangotutorial", "domains": ["a_b.domain.com"]}]},
     "dokku_apps_apps[djangotutorial].domains"),
    ("port mapping", {"dokku_apps_apps": [{"name": "djangotutorial", "ports": ["http:80"]}]},
     "dokku_apps_apps[djangotutorial].ports"),
    ("backup schedule", {"dokku_apps_apps": [{"name": "djangotutorial", "services": [
        {"name": "djangotutorial-datastore", "backup": {"schedule": "not a cron", "bucket": "b"}}]}]},
     "dokku_apps_apps[djangotutorial].services[djangotutorial-datastore]"),
    ("global domain", {"dokku_global_domains": ["*.domain.com"]}, "dokku_global_domains"),
    ("global config key", {"dokku_global_config": {"BAD-KEY": "x"}}, "dokku_global_config"),
    ("ssh key", {"dokku_ssh_keys_keys": [{"name": "admin", "key": "not-a-key"}]}, "dokku_ssh_keys_keys"),
    ("plugin url", {"dokku_plugins_plugins": [{"name": "x", "url": "http://example.com/x.git"}]},
     "dokku_plugins_plugins[0].url"),
    ("letsencrypt email", {"dokku_letsencrypt_email": "not-an-email"}, "dokku_letsencrypt_email"),
    ("letsencrypt app", {"dokku_letsencrypt_apps": ["Bad_App"]}, "dokku_letsencrypt_apps[0].name"),
    ("network", {"dokku_global_networks": [{"name": "host"}]}, "dokku_global_networks"),
    ("global property", {"dokku_global_properties": {"nginx": {"hsts-max-age": "a year"}}}, "dokku_global_properties"),
    ("app property", {"dokku_apps_apps": [{"name": "djangotutorial", "properties": {"ps": {"stop-timeout-seconds": -1}}}]},
     "dokku_apps_apps[djangotutorial].properties"),
]


def tutorial_vars():
    return {
        "dokku_ssh_keys_keys": [{"name": "admin", "key": KEY}],
        "dokku_ssh_keys_allow_example_keys": True,  # a test fixture key
        "dokku_global_domains": ["domain.com"],
        "dokku_plugins_plugins": [],
        "dokku_apps_apps": [
            {
                "name": "djangotutorial",
                "config": {"ALLOWED_HOSTS": "djangotutorial.domain.com", "SECRET_KEY": CANARY_CONFIG},
                "domains": ["djangotutorial.domain.com"],
                "ports": ["http:80:5000"],
                "services": [{
                    "name": "djangotutorial-datastore", "password": CANARY_PASSWORD,
                    "backup": {"schedule": "0 3 * * *", "bucket": "tutorial-backups",
                               "auth": {"access_key_id": CANARY_BACKUP_KEY_ID,
                                        "secret_access_key": CANARY_BACKUP_SECRET},
                               "encryption_passphrase": CANARY_PASSPHRASE},
                }],
            }
        ],
        "dokku_letsencrypt_email": "admin@domain.com",
        "dokku_letsencrypt_apps": ["djangotutorial"],
        "dokku_letsencrypt_cron_job": True,
    }


def canary_vars():
    """The tutorial plus every other secret the collection handles: a certificate key, a registry
    password, a git token, an http-auth password and traefik's dashboard password, each a canary
    searched for in the output."""
    variables = tutorial_vars()
    variables["dokku_apps_apps"].append({
        "name": "shop",
        "certificate": {"cert_file": os.path.join(CERTS, "server.crt"), "key_file": os.path.join(CERTS, "server.key")},
        "http_auth": {"users": [{"username": "alice", "password": CANARY_HTTP_AUTH}]},
    })
    variables["dokku_global_registry_logins"] = [{"server": "ghcr.io", "username": "bot", "password": CANARY_REGISTRY}]
    variables["dokku_global_git_auth"] = [{"host": "git.example.com", "username": "bot", "password": CANARY_GIT_TOKEN}]
    variables["dokku_global_properties"] = {"traefik": {"basic-auth-password": CANARY_TRAEFIK}}
    return variables


def write_playbook(host, name, variables, timeout=None):
    """The tutorial's Dokku roles (apt and install act on the machine itself, so not here)."""
    path = os.path.join(host.workdir, name + ".yml")
    roles = ["dokku_ssh_keys", "dokku_global", "dokku_plugins", "dokku_apps", "dokku_letsencrypt"]
    play = {
        "hosts": "localhost", "gather_facts": False, "vars": variables,
        "roles": [{"role": M + r} for r in roles],
    }
    if timeout:
        play["module_defaults"] = {"group/selfhosted.dokku.dokku": {"command_timeout": timeout}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump([play], handle)
    return ["-i", "localhost,", "-c", "local", "--diff", path]


def snapshot(host):
    """The host's managed state, as the double reports it."""
    apps = host.json("apps:list", "--format", "json")
    return {
        "apps": apps,
        "config": {app: sorted(host.json("config:export", "--format", "json", app)) for app in apps},
        "domains": {app: host.json("domains:report", app, "--format", "json")["app-vhosts"] for app in apps},
        "global_domains": host.json("domains:report", "--global", "--format", "json")["global-vhosts"],
        "services": host.dokku("--quiet", "postgres:list")[1],
        "links": {app: host.dokku("postgres:app-links", app)[1] for app in apps},
        "keys": [k["name"] for k in host.json("ssh-keys:list", "--format", "json")],
        "ports": {app: host.dokku("ports:report", app, "--ports-map")[1] for app in apps},
        "letsencrypt": {app: host.dokku("letsencrypt:active", app)[1] for app in apps},
        "cron": host.dokku("letsencrypt:cron-job")[1],
        "backups": host.dokku("postgres:backup-schedule-cat", "djangotutorial-datastore")[1],
    }


def leaks(*texts):
    return sum(text.count(canary) for text in texts for canary in CANARIES)


def run_bad_inputs(workdir):
    host = DokkuHost(os.path.join(workdir, "bad"), plugins=("postgres", "letsencrypt"))
    host.dokku("apps:create", "web")
    tasks = [{"module": M + module, "args": args, "tag": "bad-%d" % i}
             for i, (_label, module, args, _var) in enumerate(BAD_INPUTS)]
    results, proc = host.run_tasks(tasks)
    refused, failures = 0, []
    for i, ((label, _module, _args, variable), result) in enumerate(zip(BAD_INPUTS, results)):
        calls = host.calls(tag="bad-%d" % i)
        ok = result.get("failed") and variable in result.get("msg", "") and not calls
        refused += bool(ok)
        if not ok:
            failures.append("%s: %s (calls: %d)" % (label, result.get("msg"), len(calls)))
    old = DokkuHost(os.path.join(workdir, "old"), version="0.26.8")
    result = old.run(M + "dokku_app", {"name": "web"}, tag="old")
    version_ok = result.get("failed") and "not supported" in result["msg"] and not old.writes("old")
    if not version_ok:
        failures.append("unsupported Dokku version: %s" % result.get("msg"))
    return {"tried": len(BAD_INPUTS) + 1, "refused": refused + bool(version_ok), "failures": failures,
            "leaks": leaks(proc.stdout, proc.stderr)}


def run_bad_role_inputs(workdir):
    """Bad role variables, one host each in one run, on a host the tutorial converged: each fails
    with a message naming the role variable, and nothing is written."""
    host = DokkuHost(os.path.join(workdir, "bad-roles"), plugins=("postgres", "letsencrypt"))
    report, proc = host.playbook(write_playbook(host, "converge", tutorial_vars()), tag="converge")
    assert report["stats"]["localhost"]["failures"] == 0, proc.stdout[-2000:]
    hosts = {}
    for index, (_label, override, _expected) in enumerate(BAD_ROLE_INPUTS):
        variables = tutorial_vars()
        variables.update(override)
        variables["ansible_connection"] = "local"
        hosts["case%d" % index] = variables
    inventory = os.path.join(host.workdir, "bad-roles.json")
    with open(inventory, "w", encoding="utf-8") as handle:
        json.dump({"all": {"hosts": hosts}}, handle)
    args = write_playbook(host, "bad-roles", {})
    args = ["-i", inventory, "--forks", "4"] + list(args[4:])
    with open(args[-1], encoding="utf-8") as handle:
        play = json.load(handle)
    play[0]["hosts"] = "all"
    with open(args[-1], "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    report, proc = host.playbook(args, tag="bad-roles")
    messages = {}
    for task in report["plays"][0]["tasks"]:
        for name, result in task["hosts"].items():
            if result.get("failed") and name not in messages:
                items = [item for item in result.get("results") or [] if item.get("failed")]
                messages[name] = str((items[0] if items else result).get("msg", ""))
    refused, failures = 0, []
    for index, (label, _override, expected) in enumerate(BAD_ROLE_INPUTS):
        msg = messages.get("case%d" % index, "")
        if expected in msg:
            refused += 1
        else:
            failures.append("role variable %s: %r does not name %s" % (label, msg[:300], expected))
    writes = host.writes("bad-roles")
    if writes:
        failures.append("bad role variables wrote: %r" % writes)
    return {"tried": len(BAD_ROLE_INPUTS), "refused": refused if not writes else 0, "failures": failures,
            "leaks": leaks(proc.stdout, proc.stderr)}


def run_faults(workdir):
    reference = DokkuHost(os.path.join(workdir, "reference"))
    report, proc = reference.playbook(write_playbook(reference, "site", tutorial_vars()), tag="reference")
    assert report["stats"]["localhost"]["failures"] == 0, proc.stdout[-3000:]
    writes = len(reference.writes("reference"))
    expected = snapshot(reference)
    total_leaks = leaks(proc.stdout, proc.stderr)
    cases = [{"on": "write", "nth": n, "rc": 1, "stderr": " !     injected failure\n"} for n in range(1, writes + 1)]
    cases.append({"on": "write", "nth": 2, "hang_seconds": 5, "rc": 1, "stderr": ""})
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda case: run_fault(workdir, expected, *case), enumerate(cases)))
    failures = [failure for failure, _leaks in outcomes if failure]
    return {"injected": len(cases), "survived": len(cases) - len(failures), "failures": failures,
            "leaks": total_leaks + sum(found for _failure, found in outcomes)}


def run_fault(workdir, expected, index, rule):
    """One injected fault, then a plain re-run: (failure description or None, canaries found)."""
    host = DokkuHost(os.path.join(workdir, "fault-%d" % index))
    host.faults([rule])
    timeout = 2 if rule.get("hang_seconds") else None
    report, proc = host.playbook(write_playbook(host, "site", tutorial_vars(), timeout), tag="faulted")
    stopped = report["stats"]["localhost"]["failures"] > 0
    named = "dokku " in proc.stdout and ("failed with exit code" in proc.stdout or "timed out" in proc.stdout)
    host.faults([])
    report2, proc2 = host.playbook(write_playbook(host, "rerun", tutorial_vars()), tag="rerun")
    converged = report2["stats"]["localhost"]["failures"] == 0 and snapshot(host) == expected
    found = leaks(proc.stdout, proc.stderr, proc2.stdout, proc2.stderr)
    if stopped and named and converged:
        return None, found
    return "fault %r: stopped=%s error named the command=%s converged=%s" % (rule, stopped, named, converged), found


def run_nothing_lost(workdir):
    host = DokkuHost(os.path.join(workdir, "extras"))
    extras = [
        ("apps:create", "unmanaged-app"),
        ("config:set", "--no-restart", "unmanaged-app", "KEEP_ME=1"),
        ("postgres:create", "unmanaged-db"),
        ("--quiet", "postgres:link", "unmanaged-db", "unmanaged-app", "--no-restart"),
    ]
    for args in extras:
        assert host.dokku(*args)[0] == 0, args
    host.dokku("ssh-keys:add", "unmanaged-key", stdin=KEY.replace("ed25519-fixed@example", "other") + "\n")
    variables = tutorial_vars()
    variables["dokku_apps_apps"][0]["config_exclusive"] = True
    variables["dokku_ssh_keys_keys"] = []
    before = snapshot(host)
    report, proc = host.playbook(write_playbook(host, "site", variables), tag="extras")
    after = snapshot(host)
    checks = {
        "unmanaged app": "unmanaged-app" in after["apps"],
        "its config key": "KEEP_ME" in after["config"].get("unmanaged-app", []),
        "its service": "unmanaged-db" in after["services"],
        "its link": "unmanaged-db" in after["links"].get("unmanaged-app", ""),
        "DATABASE_URL of the managed app (set by its link)": "DATABASE_URL" in after["config"]["djangotutorial"],
        "an unlisted SSH key (not exclusive)": before["keys"] == ["unmanaged-key"] and "unmanaged-key" in after["keys"],
    }
    lost = [name for name, kept in checks.items() if not kept]
    failed = report["stats"]["localhost"]["failures"]
    return {"checked": len(checks), "lost": len(lost), "failures": lost + (["converge failed"] if failed else []),
            "leaks": leaks(proc.stdout, proc.stderr)}


def run_verbose_secrets(workdir):
    """The default console output at -vvv with --diff, first converge and re-run."""
    import subprocess  # pylint: disable=import-outside-toplevel

    host = DokkuHost(os.path.join(workdir, "verbose"), plugins=("postgres", "letsencrypt", "http-auth"))
    env = host.ansible_env({"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default"})
    found = 0
    for name in ("first", "again"):
        proc = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv"]
            + write_playbook(host, name, canary_vars()),
            capture_output=True, text=True, env=env, cwd=REPO, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError("the verbose run failed:\n" + proc.stdout[-3000:])
        found += leaks(proc.stdout, proc.stderr)
    return found


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--json", default=os.path.join(REPO, "tests", "output", "reliability.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reliability-") as workdir:
        bad = run_bad_inputs(workdir)
        roles = run_bad_role_inputs(workdir)
        faults = run_faults(workdir)
        lost = run_nothing_lost(workdir)
        verbose = run_verbose_secrets(workdir)
    secrets = bad["leaks"] + roles["leaks"] + faults["leaks"] + lost["leaks"] + verbose
    rows = [
        ("bad inputs refused cleanly (zero writes)", "%d / %d" % (bad["refused"], bad["tried"])),
        ("bad role variables refused naming the variable", "%d / %d" % (roles["refused"], roles["tried"])),
        ("faults survived by a plain re-run", "%d / %d" % (faults["survived"], faults["injected"])),
        ("unmanaged resources lost", "%d of %d" % (lost["lost"], lost["checked"])),
        ("secrets leaked (canaries found in output)", "%d" % secrets),
    ]
    width = max(len(r[0]) for r in rows)
    print("| %s | result |" % "check".ljust(width))
    print("|%s|---:|" % ("-" * (width + 2)))
    for name, value in rows:
        print("| %s | %s |" % (name.ljust(width), value))
    for failure in bad["failures"] + roles["failures"] + faults["failures"] + lost["failures"]:
        print("FAILED: " + failure)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump({"bad_input": bad, "bad_role_variables": roles, "faults": faults, "nothing_lost": lost, "secrets_leaked": secrets}, handle, indent=2)
    ok = bad["refused"] == bad["tried"] and roles["refused"] == roles["tried"] and faults["survived"] == faults["injected"] and not lost["lost"] and not secrets
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
