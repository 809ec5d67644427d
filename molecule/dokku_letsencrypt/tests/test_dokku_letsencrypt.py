"""dokku_letsencrypt: global properties, the app's certificate and the auto-renew job on the double."""


def test_global_properties(host, dokku):
    # properties, where the 0.25 plugin keeps them (not DOKKU_LETSENCRYPT_* config vars)
    assert host.file("/var/lib/dokku/config/letsencrypt/--global/email").content_string.strip() == "admin@domain.com"
    assert host.file("/var/lib/dokku/config/letsencrypt/--global/server").content_string.strip() == "staging"
    report = dokku.json("letsencrypt:report", "--global", "--format", "json")
    assert report["global-email"] == "admin@domain.com"
    assert report["global-server"] == "staging"
    assert "DOKKU_LETSENCRYPT_EMAIL" not in dokku.json("config:export", "--format", "json", "--global")


def test_app_has_an_active_certificate(host, dokku):
    assert dokku.out("letsencrypt:active", "djangotutorial").strip() == "true"
    assert host.file("/home/dokku/djangotutorial/tls/server.crt").exists
    assert host.file("/home/dokku/djangotutorial/tls/server.key").exists


def test_auto_renew_job(host, dokku):
    assert host.file("/var/lib/dokku/data/letsencrypt/--global/autorenew").exists
    assert "Auto-renew cron job is enabled" in dokku.out("letsencrypt:cron-job")


def test_check_mode_wrote_nothing(dokku):
    dokku.assert_check_mode_wrote_nothing()
