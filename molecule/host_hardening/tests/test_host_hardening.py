"""host_hardening: the firewall, unattended security upgrades and SSH password login, read back from
the instance and tried from the controller."""

import re
import socket

import pytest


def connect(address, port):
    """What a TCP client on the controller gets: the banner, 'refused' (the firewall let the SYN
    through, nothing listens) or 'dropped' (no answer)."""
    try:
        with socket.create_connection((address, port), timeout=3) as conn:
            conn.settimeout(3)
            try:
                return conn.recv(64).decode("ascii", "replace")
            except socket.timeout:
                return "open"
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "dropped"


@pytest.fixture
def address(host):
    return host.check_output("hostname -I").split()[0]


@pytest.mark.parametrize("port", [22, 2222])
def test_the_ssh_ports_of_sshd_stay_open(address, port):
    assert connect(address, port).startswith("SSH-2.0-")


@pytest.mark.parametrize("port", [2022, 80, 443])
def test_the_session_port_http_and_https_pass_the_firewall(address, port):
    # nothing listens there yet: refused, not dropped
    assert connect(address, port) == "refused"


def test_every_other_port_is_dropped(host, address):
    assert host.run("curl -s -o /dev/null http://127.0.0.1:8080/").rc == 0  # listening, loopback passes
    assert connect(address, 8080) == "dropped"


def test_the_ruleset(host):
    table = host.check_output("nft list table inet host_hardening")
    assert "policy drop;" in table
    assert re.search(r'tcp dport \{ 22, 2022, 2222 \} accept comment "SSH"', table), table
    assert re.search(r'tcp dport \{ 80, 443 \} accept', table), table
    # only the role's table was replaced
    assert "table inet molecule_other" in host.check_output("nft list tables")
    assert host.service("nftables").is_enabled
    assert host.run("systemctl is-active host-hardening-firewall-rollback.timer").stdout.strip() != "active"


def test_unattended_upgrades_from_the_security_archive_only(host):
    periodic = host.check_output("apt-config dump APT::Periodic")
    assert 'APT::Periodic::Update-Package-Lists "1";' in periodic
    assert 'APT::Periodic::Unattended-Upgrade "1";' in periodic
    origins = host.check_output("apt-config dump Unattended-Upgrade::Origins-Pattern")
    patterns = re.findall(r'^Unattended-Upgrade::Origins-Pattern:: "(.*)";$', origins, re.M)
    assert patterns == ["origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
                        "origin=Debian,codename=${distro_codename},label=Debian-Security"]
    assert 'Unattended-Upgrade::Automatic-Reboot "false";' in host.check_output("apt-config dump Unattended-Upgrade")
    for timer in ("apt-daily.timer", "apt-daily-upgrade.timer"):
        assert host.service(timer).is_enabled and host.service(timer).is_running, timer


def test_ssh_password_login_is_off(host, address):
    effective = host.check_output("sshd -T").splitlines()
    assert "passwordauthentication no" in effective
    assert "kbdinteractiveauthentication no" in effective
    assert host.file("/etc/ssh/sshd_config.d/00-host-hardening.conf").exists
    # the running sshd took it and still answers
    assert connect(address, 22).startswith("SSH-2.0-")
