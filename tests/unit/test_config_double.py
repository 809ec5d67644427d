"""The double's config family beyond the transcripts: import fidelity, base64 errors, restarts, flags."""

import json
import os

import pytest
from dokku_double.families.config import CorruptInputError, go_base64_decode

from ansible_collections.selfhosted.dokku.plugins.module_utils.families.config import is_service_dsn, is_unmanaged


def export(dokku, scope="web"):
    rc, out, err = dokku("config:export", "--format", "json", scope)
    assert rc == 0, err
    return json.loads(out)


def test_json_import_stores_values_exactly(dokku):
    values = {
        "NL": "one\ntwo\n",
        "UNI": "héllo ✓ 日本 🚀",
        "DOLLAR": "$HOME ${PATH} \\$x",
        "QUOTES": "it's \"in\" here",
        "BACKSLASH": "a\\nb\\c",
        "NUM": "007",
    }
    stdin = json.dumps(values)  # ASCII with \u escapes, as the module sends it
    rc, out, _err = dokku("config:import", "--no-restart", "--format", "json", "web", "-", stdin=stdin)
    assert rc == 0
    assert out.startswith("-----> Reading config vars from stdin\n")
    stored = export(dokku)
    assert stored == dict(values, NUM="7", NO_VHOST="1")  # integer-looking values are normalised


def test_envfile_import_from_a_file_and_replace(dokku, tmp_path):
    dokku("config:set", "--no-restart", "web", "OLD=1", "KEEP=2")
    path = tmp_path / "in.env"
    path.write_text('KEEP=2\nNEW="two words"\n', encoding="utf-8")
    rc, out, _err = dokku("config:import", "--no-restart", "--replace", "web", str(path))
    assert rc == 0
    assert "-----> Unsetting OLD\n" in out and "-----> Setting config var NEW=two words\n" in out
    assert export(dokku) == {"KEEP": "2", "NEW": "two words"}


def test_import_refuses_invalid_keys_before_any_change(dokku):
    rc, _out, err = dokku("config:import", "--replace", "--format", "json", "web", "-", stdin='{"BAD-KEY":"x"}')
    assert (rc, err) == (1, " !     Invalid key name: 'BAD-KEY'\n")
    assert export(dokku) == {"NO_VHOST": "1"}


@pytest.mark.parametrize(
    "text, result",
    [("YWJj", b"abc"), ("YWJjZA==", b"abcd"), ("YWJjZGU=", b"abcde"), ("YWJj\nZA==", b"abcd"), ("", b"")],
)
def test_base64_decodes_like_go(text, result):
    assert go_base64_decode(text) == result


@pytest.mark.parametrize(
    "text, offset", [("not-base64!!", 3), ("YQ", 0), ("YQ=", 3), ("YQ=x", 2), ("Y===", 1), ("YWJjZA==YQ", 8)]
)
def test_base64_error_offsets_like_go(text, offset):
    with pytest.raises(CorruptInputError) as exc:
        go_base64_decode(text)
    assert str(exc.value) == "illegal base64 data at input byte %d" % offset


def test_restart_line_only_for_a_deployed_app(dokku):
    assert dokku("config:set", "web", "A=1")[1] == "-----> Setting config vars\n       A:  1\n"
    os.makedirs(dokku.lib / "data" / "ps" / "web")
    (dokku.lib / "data" / "ps" / "web" / "deployed").write_text("", encoding="utf-8")
    assert dokku("config:set", "web", "A=1")[1].endswith("-----> Restarting app web\n")
    assert "Restarting" not in dokku("config:set", "--no-restart", "web", "A=1")[1]
    # unset restarts even when nothing changed; --global never restarts
    assert dokku("config:unset", "web", "NOPE")[1].endswith("-----> Restarting app web\n")
    assert "Restarting" not in dokku("config:set", "--global", "G=1")[1]


def test_quiet_hides_the_setting_block_and_the_header(dokku):
    assert dokku("--quiet", "config:set", "web", "A=secret-ish")[1] == ""
    assert dokku("--quiet", "config:show", "web")[1] == "A:         secret-ish\nNO_VHOST:  1\n"


def test_unknown_flag_exits_2_with_usage(dokku):
    rc, out, err = dokku("config:export", "--bogus", "web")
    assert (rc, out) == (2, "")
    assert err.startswith("Usage of config:export:\n") and err.endswith("unknown flag: --bogus\n")


def test_bundle_fails_loudly(dokku):
    assert dokku("config:bundle", "web")[:2] == (1, "")


@pytest.mark.parametrize(
    "key, value, unmanaged",
    [
        ("DATABASE_URL", "postgres://postgres:abc@dokku-postgres-db1:5432/db1", True),
        ("ANALYTICS_URL", "postgres://u:p@dokku-postgres-my_db-2:5432/x?sslmode=disable&pool=5", True),
        ("CACHE", "redis://:pw@dokku-redis-cache:6379", True),
        ("NO_VHOST", "1", True),
        ("GIT_REV", "abc", True),
        ("DOKKU_ANYTHING", "x", True),
        ("DATABASE_URL", "postgres://app:pw@db.example.com:5432/app", False),
        ("URL", "https://dokku-postgres-x:5432/no-userinfo", False),
        ("PLAIN", "dokku-postgres-db1", False),
    ],
)
def test_unmanaged_keys(key, value, unmanaged):
    assert is_unmanaged(key, value) is unmanaged
    assert is_service_dsn(value) is (unmanaged and "://" in value)
