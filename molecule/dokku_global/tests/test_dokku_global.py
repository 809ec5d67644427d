"""dokku_global: the global domains and global config, read back from the double's files and reports."""


def test_global_domains_are_exactly_the_list(host, dokku):
    # /home/dokku/VHOST: one global domain per line, where real Dokku keeps them
    assert dokku.lines("/home/dokku/VHOST") == ["domain.com", "www.domain.com"]
    report = dokku.json("domains:report", "--global", "--format", "json")
    assert report["global-vhosts"].split() == ["domain.com", "www.domain.com"]
    assert report["global-enabled"] == "true"


def test_global_config_is_exactly_the_dict(dokku):
    assert dokku.json("config:export", "--format", "json", "--global") == {
        "CURL_CONNECT_TIMEOUT": "90",
        "CURL_TIMEOUT": "600",
    }
    # the ENV file where 0.38 keeps it; the stale var is gone
    env = dokku.env_file("--global")
    assert sorted(env) == ["CURL_CONNECT_TIMEOUT", "CURL_TIMEOUT"]


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()
