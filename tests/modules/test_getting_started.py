"""docs/getting-started.md, followed as an operator follows it, against the Dokku test double.

An infrastructure repository in a temporary folder installs the collection with ansible-galaxy
from a git URL (a commit of this checkout's files, so uncommitted work is what gets tested),
with the requirements.yml and ansible.cfg of the page; the page's shell steps run verbatim
(copy the example inventory, make it yours); then the playbooks run by their FQCN from the
installed copy: the placeholder key refused, a dry run, the converge, the first app deployed
with Let's Encrypt, a re-run with changed=0 and a drift check in sync.

The host is the double on this machine: the inventory's address stays as the page leaves it
and the runs add ansible_connection=local; apt_upgrade and dokku_install act on the machine
itself, so they are skipped here (molecule runs them in a container).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gitrepo import IDENTITY, Source  # pylint: disable=import-error

from harness import REPO

PAGE = os.path.join(REPO, "docs", "getting-started.md")
BIN = os.path.dirname(sys.executable)
ON_THE_DOUBLE = ["-e", json.dumps({"ansible_connection": "local", "ansible_become": False}),
                 "--skip-tags", "apt_upgrade,dokku_install"]


def page_blocks():
    """The page's fenced blocks: those after a `<!-- getting-started: NAME -->` marker by NAME,
    and every ```sh block in order."""
    with open(PAGE, encoding="utf-8") as handle:
        text = handle.read()
    named = dict(re.findall(r"<!-- getting-started: (\S+) -->\n```\w+\n(.*?)```", text, re.S))
    shell = re.findall(r"```sh\n(.*?)```", text, re.S)
    return named, shell


def snapshot_of_this_checkout(path):
    """A git repository holding this checkout's files as they are now (tracked and new ones)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = os.path.join(REPO, name)
        if os.path.lexists(source) and not os.path.isdir(source):
            os.makedirs(os.path.join(path, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(source, os.path.join(path, name), follow_symlinks=False)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    subprocess.run(["git", "-C", path] + IDENTITY + ["add", "-A"], check=True)
    subprocess.run(["git", "-C", path] + IDENTITY + ["commit", "-q", "-m", "snapshot"], check=True)
    return "git+file://" + path


def operator_key(home):
    """~/.ssh/id_ed25519.pub of a new operator: a fresh key, never a published one."""
    key = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    os.makedirs(os.path.join(home, ".ssh"))
    with open(os.path.join(home, ".ssh", "id_ed25519.pub"), "w", encoding="utf-8") as handle:
        handle.write(key + " operator@laptop\n")
    return key


class InfraRepo:
    def __init__(self, host, path):
        self.host = host
        self.path = str(path)
        self.home = os.path.join(self.path, "home")
        os.makedirs(self.home)

    def env(self, tag=None, extra=None):
        env = self.host.ansible_env(extra)
        # only the infrastructure repository's ansible.cfg says where collections are
        for name in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_CONFIG"):
            env.pop(name, None)
        env.update({"HOME": self.home, "PATH": BIN + os.pathsep + env["PATH"]})
        if tag:
            env["DOKKU_DOUBLE_TAG"] = tag
        return env

    def sh(self, script):
        proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=self.path, env=self.env(),
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, (script, proc.stdout, proc.stderr)
        return proc.stdout

    def playbook(self, name, tag, *args, extra_env=None):
        proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), name, "-i", "inventory"] + ON_THE_DOUBLE
                              + list(args), cwd=self.path, env=self.env(tag, extra_env),
                              capture_output=True, text=True, check=False)
        return proc

    def site(self, tag, *args, host="example.org"):
        proc = self.playbook("selfhosted.dokku.site", tag, *args)
        report = json.loads(proc.stdout)
        assert list(report["stats"]) == [host], proc.stdout[-3000:]
        return report["stats"][host], report, proc

    def host_vars(self, change):
        path = os.path.join(self.path, "inventory", "host_vars", "example.org", "dokku.yml")
        with open(path, encoding="utf-8") as handle:
            variables = yaml.safe_load(handle)
        change(variables)
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(variables, handle, sort_keys=False)


def test_the_getting_started_path_as_an_infrastructure_repository(bare_host, tmp_path):
    named, shell = page_blocks()
    infra = InfraRepo(bare_host, tmp_path / "dokku-infra")
    url = snapshot_of_this_checkout(str(tmp_path / "collection.git"))

    # 2. install the collection from its git URL, as the page says
    requirements = named["requirements.yml"]
    assert "https://github.com/selfhosted/dokku.git" in requirements
    with open(os.path.join(infra.path, "requirements.yml"), "w", encoding="utf-8") as handle:
        handle.write(requirements.replace("https://github.com/selfhosted/dokku.git", url))
    with open(os.path.join(infra.path, "ansible.cfg"), "w", encoding="utf-8") as handle:
        handle.write(named["ansible.cfg"])
    install = next(block for block in shell if "ansible-galaxy collection install" in block)
    infra.sh(install)
    installed = os.path.join(infra.path, "collections", "ansible_collections", "selfhosted", "dokku")
    assert os.path.isfile(os.path.join(installed, "playbooks", "site.yml"))
    assert not os.path.exists(os.path.join(installed, "tests")), "the test fixtures were installed"
    listing = infra.sh("ansible-galaxy collection list selfhosted.dokku")
    assert os.path.join(infra.path, "collections", "ansible_collections") in listing
    assert REPO not in listing

    # 3. copy the example inventory out of the installed collection
    infra.sh(next(block for block in shell if "inventory/example inventory" in block))

    # as copied, the placeholder key is refused before anything changes
    stats, _report, proc = infra.site("as-copied", "--check", host="domain.com")
    assert stats["failures"] == 1 and stats["changed"] == 0, proc.stdout[-3000:]
    assert "dokku_ssh_keys_keys: the key of admin is not a public key line" in proc.stdout
    assert bare_host.calls(tag="as-copied") == []

    # 4. make it yours, with the page's commands, then start without Let's Encrypt
    key = operator_key(infra.home)
    infra.sh(next(block for block in shell if "mv inventory/host_vars/domain.com" in block))
    infra.host_vars(lambda variables: variables.update(dokku_letsencrypt_apps=[]))

    # 5. a dry run writes nothing
    stats, _report, proc = infra.site("check", "--check", "--diff")
    assert stats["failures"] == 0 and stats["changed"] > 0, proc.stdout[-3000:]
    assert bare_host.writes("check") == []

    # 6. converge
    stats, _report, proc = infra.site("converge")
    assert stats["failures"] == 0 and stats["changed"] > 0, proc.stdout[-3000:]
    assert [k["name"] for k in bare_host.json("ssh-keys:list", "--format", "json")] == ["admin"]
    assert bare_host.json("domains:report", "--global", "--format", "json")["global-vhosts"] == "example.org"
    assert bare_host.json("config:export", "--format", "json", "djangotutorial")["ALLOWED_HOSTS"] == \
        "djangotutorial.example.org"
    assert key.split()[1] in open(bare_host.home(".ssh", "authorized_keys"), encoding="utf-8").read()

    # 7. and 8. the first app deployed from a repository, and Let's Encrypt once DNS points here
    source = Source(tmp_path / "djangotutorial")
    commit = source.commit("The tutorial's app", {"Procfile": "web: python manage.py runserver 0.0.0.0:5000\n"})

    def deploy_with_letsencrypt(variables):
        variables["dokku_apps_apps"][0]["deploy"] = {"repository": source.url, "ref": "main"}
        variables["dokku_letsencrypt_apps"] = ["djangotutorial"]

    infra.host_vars(deploy_with_letsencrypt)
    stats, _report, proc = infra.site("deploy")
    assert stats["failures"] == 0, proc.stdout[-3000:]
    assert ["git:sync", "--build", "djangotutorial", source.url, commit] in bare_host.writes("deploy")
    assert bare_host.dokku("letsencrypt:active", "djangotutorial")[1] == "true\n"

    # the same inventory again: nothing to do
    stats, _report, proc = infra.site("again")
    assert stats["failures"] == 0 and stats["changed"] == 0, proc.stdout[-3000:]
    assert bare_host.writes("again") == []

    # 10. the drift check, by FQCN with the callback: in sync
    reports = os.path.join(infra.path, "drift-reports")
    proc = infra.playbook("selfhosted.dokku.drift_check", "drift", extra_env={
        "ANSIBLE_CALLBACKS_ENABLED": "selfhosted.dokku.dokku_drift", "DOKKU_DRIFT_REPORT_DIR": reports,
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default"})
    with open(os.path.join(reports, "latest.json"), encoding="utf-8") as handle:
        drift = json.load(handle)
    assert drift["hosts"]["example.org"]["status"] == "in_sync", proc.stdout[-3000:]
    assert drift["exit_code"] == 0
    assert bare_host.writes("drift") == []

    # the page's scheduling playbook resolves the role from the installed collection
    with open(os.path.join(infra.path, "schedule-drift-check.yml"), "w", encoding="utf-8") as handle:
        handle.write(named["schedule-drift-check.yml"])
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "schedule-drift-check.yml", "--syntax-check"],
                          cwd=infra.path, env=infra.env(), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
