"""Testinfra checks for the smoke scenario (run by `molecule verify -s smoke`)."""


def test_marker_written_by_converge(host):
    marker = host.file("/etc/selfhosted-dokku-smoke/marker")
    assert marker.is_file
    assert marker.user == "root"
    assert marker.mode == 0o644
    assert marker.content_string == "converged by molecule on Debian 12\n"


def test_systemd_is_pid1_and_up(host):
    assert host.check_output("ps -o comm= -p 1") == "systemd"
    state = host.run("systemctl is-system-running").stdout.strip()
    assert state in ("running", "degraded"), state
