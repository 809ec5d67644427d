"""dokku_ssh_keys: ~dokku/.ssh/authorized_keys holds exactly the listed keys, under their names."""

ADMIN = "AAAAC3NzaC1lZDI1NTE5AAAAIIburf8atRcdiv2ccKGfiz9SMLzz196pfLmu0k5/WUb0"
DEPLOY_HEAD = "AAAAB3NzaC1yc2EAAAADAQABAAABAQCiQfuVpd6ItvlY26ds"
STALE_HEAD = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKtszDbSFRXibWqDFBV3kOf8PMIaEa9cQoXbqkG7X4Sm"


def test_authorized_keys_has_exactly_the_listed_keys(host, dokku):
    keys = dokku.authorized_keys()
    assert [name for name, _line in keys] == ["admin", "deploy"]
    lines = dict(keys)
    assert "ssh-ed25519 " + ADMIN in lines["admin"]
    assert "ssh-rsa " + DEPLOY_HEAD in lines["deploy"]
    # sshcommand's forced command and restrictions on every line
    for line in lines.values():
        assert line.startswith('command="FINGERPRINT=')
        assert "`cat /home/dokku/.sshcommand` $SSH_ORIGINAL_COMMAND" in line
        assert "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding" in line
    content = host.file("/home/dokku/.ssh/authorized_keys").content_string
    assert STALE_HEAD not in content, "the stale key survived dokku_ssh_keys_exclusive"
    assert host.file("/home/dokku/.ssh/authorized_keys").mode == 0o600


def test_dokku_lists_the_keys_with_their_real_fingerprints(host, dokku):
    listed = {k["name"]: k["fingerprint"] for k in dokku.json("ssh-keys:list", "--format", "json")}
    assert sorted(listed) == ["admin", "deploy"]
    for name, fixture in (("admin", "k_ed25519.pub"), ("deploy", "k_rsa.pub")):
        out = host.check_output("ssh-keygen -lf /opt/dokku-double/src/fixtures/srv/%s" % fixture)
        assert listed[name] == out.split()[1], name


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()
