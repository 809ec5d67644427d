"""SSH key names real Dokku accepts (it does not validate them): the double accepts them too, with
grep's and sed's reading of the name as a basic regular expression."""

import os

KEY_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "double", "fixtures", "srv")


def key(name):
    with open(os.path.join(KEY_DIR, name), encoding="utf-8") as handle:
        return handle.read().strip() + "\n"


def names(dokku):
    rc, out, _err = dokku("ssh-keys:list")
    return [line.split('NAME="', 1)[1].split('"', 1)[0] for line in out.splitlines()] if rc == 0 else []


def test_names_with_regex_characters_are_accepted(dokku):
    for name, fixture in (("a*b", "k_rsa.pub"), ("x[y", "k_ecdsa_p256.pub"), ("^$", "k_ed25519.pub")):
        rc, _out, err = dokku("ssh-keys:add", name, stdin=key(fixture))
        assert rc == 0, (name, err)
    assert names(dokku) == ["a*b", "x[y", "^$"]


def test_a_name_with_a_blank_is_written_then_fails_the_file_check(dokku):
    """The key is appended, then Dokku re-reads every line with `read` (which drops the backslashes
    around the name) and ssh-keygen no longer parses the options: exit 1, key in the file."""
    rc, _out, err = dokku("ssh-keys:add", "ops team", stdin=key("k_ed25519.pub"))
    assert rc == 1 and "failed ssh-keygen check" in err
    assert 'NAME=\\"ops team\\"' in (dokku.home / ".ssh" / "authorized_keys").read_text()


def test_a_regex_name_matches_others_in_the_duplicate_check_and_removal(dokku):
    assert dokku("ssh-keys:add", "aab", stdin=key("k_ed25519.pub"))[0] == 0
    # grep reads "a*b" as a regex that "aab" matches: a duplicate name to Dokku
    rc, _out, err = dokku("ssh-keys:add", "a*b", stdin=key("k_rsa.pub"))
    assert rc == 1 and "Duplicate ssh key name" in err
    assert dokku("ssh-keys:add", "other", stdin=key("k_rsa.pub"))[0] == 0
    # sed deletes every line the regex matches
    assert dokku("ssh-keys:remove", "a.b")[0] == 0
    assert names(dokku) == ["other"]


def test_a_slash_or_an_unmatched_bracket_makes_sed_fail_the_removal(dokku):
    assert dokku("ssh-keys:add", "x[y", stdin=key("k_ed25519.pub"))[0] == 0
    for name in ("x/y", "x[y"):
        rc, _out, err = dokku("ssh-keys:remove", name)
        assert rc == 1 and err.startswith("sed: -e expression #1") and "sshcommand returned an error 1" in err
    assert names(dokku) == ["x[y"]
    rc, _out, err = dokku("ssh-keys:remove", "--fingerprint")
    assert rc == 1 and "A fingerprint is required" in err
