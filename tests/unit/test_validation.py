"""Validators: the accepted forms, and messages that never echo key material."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils import _validation as v

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIburf8atRcdiv2ccKGfiz9SMLzz196pfLmu0k5/WUb0 ed25519-fixed@example"


@pytest.mark.parametrize("name", ["djangotutorial", "1app", "my.app", "a-b", "a" * 244])
def test_good_app_names(name):
    assert v.check_app_name(name) is None


@pytest.mark.parametrize("name", ["MyApp", "my_app", "-app", "", " ", "app:colon", "a" * 245, ".app"])
def test_bad_app_names(name):
    assert v.check_app_name(name)


@pytest.mark.parametrize("key", ["ALLOWED_HOSTS", "_x", "a1"])
def test_good_config_keys(key):
    assert v.check_config_key(key) is None


@pytest.mark.parametrize("key", ["BAD-KEY", "1A", "", "A B", "É"])
def test_bad_config_keys(key):
    assert v.check_config_key(key)


def test_config_values_that_dokku_damages_are_refused_without_echo():
    message = v.check_config_value("Q", 'ends with "quote"')
    assert message and "quote\"" not in message and "Q" in message
    assert v.check_config_value("Q", "trailing\\")
    assert v.check_config_value("Q", 'say "hi" twice') is None
    assert v.check_config_value("Q", "line one\nline two") is None


@pytest.mark.parametrize("domain", ["example.com", "Example.COM", "*.example.com", "10.0.0.5", "a-b.example.org"])
def test_good_domains(domain):
    assert v.check_domain(domain) is None


@pytest.mark.parametrize(
    "domain",
    ["bad domain.com", "example.com.", "under_score.example.com", "example.com:8080", "", "a..b", "-a.com", "*.com"],
)
def test_bad_domains(domain):
    assert v.check_domain(domain)


def test_wildcards_can_be_forbidden():
    assert v.check_domain("*.example.com", allow_wildcard=False)


@pytest.mark.parametrize("email", ["ops@example.com", "a.b+c@sub.example.org"])
def test_good_emails(email):
    assert v.check_email(email) is None


@pytest.mark.parametrize("email", ["nope", "a@b", "a b@example.com", "@example.com", ""])
def test_bad_emails(email):
    assert v.check_email(email)


def test_ssh_key_fingerprint_matches_real_dokku():
    key, fingerprint, error = v.parse_ssh_public_key(ED25519 + "\n")
    assert error is None and key == ED25519
    assert fingerprint == "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"


@pytest.mark.parametrize(
    "key, problem",
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "PRIVATE"),
        ('command="x" ' + ED25519, "start with its type"),
        (ED25519[:60], "not valid"),
        ("ssh-rsa " + ED25519.split()[1], "does not match"),
        ("", "empty"),
        (ED25519 + "\n" + ED25519, "single line"),
    ],
)
def test_bad_ssh_keys_are_refused_without_echo(key, problem):
    parsed, fingerprint, error = v.parse_ssh_public_key(key)
    assert parsed is None and fingerprint is None
    assert problem in error
    assert "AAAAC3Nza" not in error and "b3BlbnNza" not in error


@pytest.mark.parametrize("url", ["https://github.com/dokku/dokku-postgres.git", "git@github.com:x/y.git", "file:///srv/p.tar.gz"])
def test_good_plugin_urls(url):
    assert v.check_plugin_url(url) is None


@pytest.mark.parametrize("url", ["http://example.com/plugin.git", "postgres", "", "https://a b"])
def test_bad_plugin_urls(url):
    assert v.check_plugin_url(url)


def test_service_names_and_types_and_ports():
    assert v.check_service_name("djangotutorial-datastore") is None
    assert v.check_service_name("bad.name")
    assert v.check_datastore_type("postgres") is None
    assert v.check_datastore_type("oracle")
    assert v.check_port_mapping("http:80:5000") is None
    assert v.check_port_mapping("http:80")
    assert v.check_port_mapping("http:70000:5000")
