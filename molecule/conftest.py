"""Testinfra helpers shared by the molecule scenarios (pytest loads this conftest for every
molecule/*/tests/ directory). They read the Dokku test double's real state on the instance:
its files (where real Dokku keeps them) and `dokku ... --format json` output."""

import json
import os
import re
import shlex

import pytest

NAME_RE = re.compile(r'NAME=\\"([^"\\]+)\\"')


class Dokku:
    """`dokku` on the instance, run as root like the roles run it."""

    def __init__(self, host):
        self.host = host

    def run(self, *args):
        return self.host.run("dokku " + " ".join(shlex.quote(a) for a in args))

    def out(self, *args):
        cmd = self.run(*args)
        assert cmd.rc == 0, (args, cmd.rc, cmd.stdout, cmd.stderr)
        return cmd.stdout

    def json(self, *args):
        return json.loads(self.out(*args))

    def authorized_keys(self):
        """[(name, line)] of ~dokku/.ssh/authorized_keys, in file order."""
        content = self.host.file("/home/dokku/.ssh/authorized_keys").content_string
        keys = []
        for line in content.splitlines():
            if line.strip():
                match = NAME_RE.search(line)
                keys.append((match.group(1) if match else None, line))
        return keys

    def env_file(self, scope):
        """KEY -> raw value of /var/lib/dokku/config/SCOPE/ENV (scope: an app or --global)."""
        content = self.host.file("/var/lib/dokku/config/%s/ENV" % scope).content_string
        pairs = {}
        for line in content.splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                pairs[key.removeprefix("export ").strip()] = value.strip()
        return pairs

    def lines(self, path):
        return self.host.file(path).content_string.split()

    def calls(self, tag):
        """The double's call log entries (argv, kind read/write, rc) made under DOKKU_DOUBLE_TAG=tag."""
        content = self.host.file("/var/lib/dokku/.double/calls.jsonl").content_string
        entries = [json.loads(line) for line in content.splitlines() if line.strip()]
        return [e for e in entries if e.get("tag") == tag]

    def assert_check_mode_wrote_nothing(self):
        """The check step (converge.yml tags it "check") read Dokku's state and changed nothing."""
        calls = self.calls("check")
        assert [e for e in calls if e["kind"] == "read"], "check mode never read Dokku's state"
        writes = [e["argv"] for e in calls if e["kind"] != "read"]
        assert writes == [], "check mode ran mutating dokku commands: %s" % writes


@pytest.fixture
def pinned_sha256(host):
    """tag -> the sha256 the scenario's inventory pins for bootstrap.sh (dokku_install_bootstrap_checksums)."""
    return host.ansible.get_variables()["dokku_install_bootstrap_checksums"].__getitem__


@pytest.fixture
def dokku(host):
    return Dokku(host)


@pytest.fixture
def expected_debian():
    """The Debian release the instance must run: the tag of the base image the scenario was
    started from (selfhosted-dokku/debian:12 unless SELFHOSTED_DOKKU_BASE_IMAGE names another)."""
    image = os.environ.get("SELFHOSTED_DOKKU_BASE_IMAGE", "selfhosted-dokku/debian:12")
    return image.rsplit(":", 1)[-1]
