"""dokku_install: installed at v0.38.26, then upgraded by the new pin to v0.38.27 (side_effect)."""

import pytest


def test_the_new_pin_is_installed(host, dokku):
    assert dokku.out("version").strip() == "dokku version 0.38.27"
    assert host.file("/var/lib/dokku/STABLE_VERSION").content_string.strip() == "0.38.27"
    # /usr/bin/dokku is the test double's launcher, put there by the stand-in bootstrap.sh
    launcher = host.file("/usr/bin/dokku")
    assert launcher.mode == 0o755
    assert "TEST DOUBLE" in launcher.content_string
    assert host.user("dokku").home == "/home/dokku"


def test_saved_bootstrap_matches_the_pinned_sha256(host, pinned_sha256):
    script = host.file("/root/dokku-bootstrap.sh")
    assert script.mode == 0o700
    assert script.sha256sum == pinned_sha256("v0.38.27")


@pytest.mark.parametrize(
    "question,value",
    [
        ("hostname", "dokku.domain.com"),
        ("vhost_enable", "true"),
        ("nginx_enable", "true"),
        ("skip_key_file", "false"),
        ("key_file", "/opt/dokku-double/src/fixtures/srv/k_ed25519.pub"),
    ],
)
def test_debconf_answers(host, question, value):
    selections = host.check_output("debconf-get-selections")
    answers = {}
    for line in selections.splitlines():
        fields = line.split("\t")
        if len(fields) == 4 and fields[0] == "dokku":
            answers[fields[1]] = fields[3]
    assert answers["dokku/" + question] == value


def test_vhost_written_once_on_the_fresh_install(dokku):
    # dokku/hostname was domain.com at install time; the upgrade keeps the existing file
    assert dokku.lines("/home/dokku/VHOST") == ["domain.com"]


def test_key_file_added_as_user_default_once(dokku):
    keys = dokku.authorized_keys()
    assert [name for name, _line in keys] == ["default"]
    assert "AAAAC3NzaC1lZDI1NTE5AAAAIIburf8atRcdiv2ccKGfiz9SMLzz196pfLmu0k5/WUb0" in keys[0][1]


def test_instance_runs_the_debian_release_of_its_image(host, expected_debian):
    assert host.system_info.distribution == "debian"
    assert host.system_info.release.split(".")[0] == expected_debian
