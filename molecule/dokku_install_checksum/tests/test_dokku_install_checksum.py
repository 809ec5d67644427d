"""dokku_install_checksum: after both refusals nothing of Dokku is on the host."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/usr/bin/dokku",
        "/usr/lib/dokku-double",
        "/root/dokku-bootstrap.sh",
        "/home/dokku",
        "/var/lib/dokku",
    ],
)
def test_nothing_installed(host, path):
    assert not host.file(path).exists


def test_no_dokku_user_and_no_debconf_answers(host):
    assert not host.user("dokku").exists
    assert host.check_output("debconf-show dokku") == ""
    assert "dokku/" not in host.check_output("debconf-get-selections")


def test_the_stand_in_was_there_to_be_refused(host):
    # the refusal was about the file, not about a missing one
    assert host.file("/opt/dokku-double/src/bootstrap.sh").exists
