"""scripts/release.sh on a copy of the checkout: refusals first, then a release of the next version."""

import os
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    dest = tmp_path_factory.mktemp("release") / "dokku"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = os.path.join(REPO, name)
        if not os.path.lexists(source):
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            target.write_bytes(open(source, "rb").read())
            os.chmod(target, os.stat(source).st_mode)
    return dest


def release(checkout, *args):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    return subprocess.run(["bash", "scripts/release.sh"] + list(args), cwd=checkout, env=env,
                          capture_output=True, text=True, check=False)


def galaxy_version(checkout):
    return yaml.safe_load((checkout / "galaxy.yml").read_text())["version"]


def next_minor(version):
    major, minor, _patch = (int(part) for part in version.split("."))
    return "%d.%d.0" % (major, minor + 1)


def test_bad_versions_are_refused_and_change_nothing(checkout):
    current = galaxy_version(checkout)
    major, minor, patch = (int(part) for part in current.split("."))
    lower = "%d.%d.%d" % (major, minor - 1, 0) if minor else "%d.%d.%d" % (major - 1, 0, 0)
    for bad, message in (("1.2", "not a version"), ("v1.2.3", "not a version"), (lower, "is lower than")):
        proc = release(checkout, bad)
        assert proc.returncode != 0 and message in proc.stderr, (bad, proc.stderr)
    assert galaxy_version(checkout) == current
    assert not (checkout / "CHANGELOG.md").exists()


def test_release_bumps_the_version_writes_the_changelog_and_builds_the_tarball(checkout):
    fragments = sorted(os.listdir(checkout / "changelogs" / "fragments"))
    assert fragments, "no changelog fragment to release"
    version = next_minor(galaxy_version(checkout))
    proc = release(checkout, version)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert galaxy_version(checkout) == version
    changes = yaml.safe_load((checkout / "changelogs" / "changelog.yaml").read_text())
    assert version in changes["releases"]
    assert changes["releases"][version]["changes"].get("release_summary")
    assert 'href="#v%s"' % version.replace(".", "-") in (checkout / "CHANGELOG.md").read_text()
    assert os.listdir(checkout / "changelogs" / "fragments") == []
    tarball = checkout / "build" / "release" / ("selfhosted-dokku-%s.tar.gz" % version)
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        manifest = tar.extractfile("MANIFEST.json").read().decode()
    assert '"version": "%s"' % version in manifest
    assert "CHANGELOG.md" in names and "plugins/modules/dokku_app.py" in names
    # the same version cannot be released twice
    again = release(checkout, version)
    assert again.returncode != 0 and "already has a release" in again.stderr
