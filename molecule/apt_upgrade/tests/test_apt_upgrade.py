"""apt_upgrade: the upgrade happened, nothing is left to upgrade, and it waited for the dpkg lock."""

import json
import re


def test_probe_package_was_upgraded(host):
    probe = host.package("sd-upgrade-probe")
    assert probe.is_installed
    assert probe.version == "1.1"
    assert host.file("/usr/share/sd-upgrade-probe/VERSION").content_string.strip() == "1.1"


def test_no_upgradable_packages_remain(host):
    # the lists are those the role refreshed; nothing (probe or Debian) is left behind
    listing = host.check_output("apt list --upgradable 2>/dev/null")
    assert [line for line in listing.splitlines() if line and not line.startswith("Listing")] == []
    assert "0 upgraded, 0 newly installed, 0 to remove" in host.check_output("apt-get -s upgrade")


def test_the_upgrade_waited_for_the_dpkg_lock(host):
    held = json.loads(host.file("/var/tmp/sd-dpkg-lock.json").content_string)
    # "2026-11-25 12:00:00 upgrade sd-upgrade-probe:all 1.0 1.1" in dpkg's own log
    upgrades = [
        line for line in host.file("/var/log/dpkg.log").content_string.splitlines()
        if " upgrade sd-upgrade-probe:all 1.0 1.1" in line
    ]
    assert len(upgrades) == 1, upgrades
    upgraded_at = upgrades[0][:19]
    # the lock was held while the role had already refreshed the lists ...
    assert held["acquired"] <= held["lists_seen"] < held["released"]
    # ... and the upgrade ran only once it was released
    assert upgraded_at >= held["released"], (upgraded_at, held)


def test_apt_history_records_the_upgrade(host):
    history = host.file("/var/log/apt/history.log").content_string
    # "Upgrade: ..., sd-upgrade-probe:amd64 (1.0, 1.1), ..." (apt names arch-all packages natively)
    assert re.search(r"^Upgrade: .*sd-upgrade-probe:\w+ \(1\.0, 1\.1\)", history, re.M), history
