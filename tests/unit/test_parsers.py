"""Parsers against outputs captured from real Dokku 0.38.27 (the transcripts)."""

import json
import os

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils import _parsers as p

TRANSCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "double", "transcripts")


def step(scenario, index, argv):
    """Step ``index`` of a scenario, checked to be the expected command."""
    with open(os.path.join(TRANSCRIPTS, scenario + ".json"), encoding="utf-8") as handle:
        entry = json.load(handle)["steps"][index]
    assert entry["argv"] == argv and entry["rc"] == 0
    return entry


def test_config_export_json_with_quotes_unicode_and_html_escapes():
    out = step("config", 34, ["dokku", "config:export", "cfg", "--format", "json"])["stdout"]
    data = p.parse_config_export(out)
    assert data["DQ"] == 'say "hi" twice'
    assert data["NL"] == "line one\nline two"
    assert data["UNI"] == "héllo wörld ✓ 日本"
    out = step("postgres", 46, ["dokku", "config:export", "pgapp2", "--format", "json"])["stdout"]
    assert p.parse_config_export(out)["DATABASE_URL"].endswith("?sslmode=disable&pool=5")


def test_all_app_report_is_zipped_with_apps_list():
    out = step("domains", 81, ["dokku", "domains:report", "--format", "json"])["stdout"]
    rows = p.zip_all_app_report(["web2", "web3"], out)
    assert rows["web3"]["app-vhosts"] == "web3.example.com"
    with pytest.raises(ValueError):
        p.zip_all_app_report(["web2"], out)


def test_ssh_keys_json_valid_and_broken_by_a_quote_in_a_comment():
    out = step("ssh-keys", 19, ["dokku", "ssh-keys:list", "--format", "json"])["stdout"]
    keys = p.parse_ssh_keys_json(out)
    assert [k["name"] for k in keys] == ["admin", "deploy"]
    assert keys[0]["fingerprint"] == "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"
    broken = out.replace("ed25519-fixed@example", 'my "laptop"')
    assert [k["name"] for k in p.parse_ssh_keys_json(broken)] == ["admin", "deploy"]
    assert p.ssh_keys_list_is_empty(1, "authorized_keys is empty for dokku\n")
    assert not p.ssh_keys_list_is_empty(1, " !     something else\n")


def test_plugin_list_json_exact_names():
    out = step("plugins", 1, ["dokku", "plugin:list", "--format", "json"])["stdout"]
    plugins = p.parse_plugin_list_json(out)
    assert plugins["postgres"]["version"] == "1.48.0"
    assert plugins["apps"]["core"] is True
    assert "postgre" not in plugins


@pytest.mark.parametrize("raw, stored", [("007", "7"), ("+5", "5"), ("-3", "-3"), ("5a", "5a"), ("", ""), ("9" * 30, "9" * 30)])
def test_normalise_config_value(raw, stored):
    assert p.normalise_config_value(raw) == stored


def test_lines_and_flags():
    assert p.parse_lines("pgapp\npgapp2\n") == ["pgapp", "pgapp2"]
    assert p.parse_flag_value("http:80:5000 https:443:5000\n") == "http:80:5000 https:443:5000"
    assert p.split_words("") == []
