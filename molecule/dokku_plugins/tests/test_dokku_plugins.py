"""dokku_plugins: plugin:list and the plugin directories on the instance."""

import pytest

PINNED = {
    "postgres": ("1.48.0", "https://github.com/dokku/dokku-postgres.git"),
    "letsencrypt": ("0.25.1", "https://github.com/dokku/dokku-letsencrypt.git"),
    "redis": ("1.42.0", "https://github.com/dokku/dokku-redis.git"),
}


@pytest.fixture
def plugins(dokku):
    return {p["name"]: p for p in dokku.json("plugin:list", "--format", "json")}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_plugins_are_installed_at_their_tag(host, plugins, name):
    version, url = PINNED[name]
    assert plugins[name]["version"] == version
    assert plugins[name]["source_url"] == url
    assert plugins[name]["core"] is False
    assert host.file("/var/lib/dokku/plugins/available/%s/.plugin_committish" % name).content_string.strip() == version


def test_enabled_and_disabled(host, plugins):
    for name in ("postgres", "letsencrypt", "tiny"):
        assert plugins[name]["enabled"] is True, name
        assert host.file("/var/lib/dokku/plugins/enabled/%s" % name).exists, name
    assert plugins["redis"]["enabled"] is False
    assert not host.file("/var/lib/dokku/plugins/enabled/redis").exists
    # a disabled plugin's commands are gone, an enabled one's work
    assert host.run("dokku redis:list").rc != 0
    assert host.run("dokku postgres:list").rc == 0


def test_tarball_plugin_commands_run(dokku, plugins):
    assert plugins["tiny"]["version"] == "0.1.0"
    assert dokku.out("tiny:hello").strip()


def test_uninstalled_plugin_is_gone(host, plugins):
    assert "mongo" not in plugins
    assert not host.file("/var/lib/dokku/plugins/available/mongo").exists


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()
