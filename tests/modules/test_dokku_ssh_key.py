"""dokku_ssh_key against the double: quartets, authorized_keys read back, refusals with zero calls."""

import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

MOD = "selfhosted.dokku.dokku_ssh_key"
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "double", "fixtures", "srv")


def fixture_key(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read().strip()


ED = fixture_key("k_ed25519.pub")
ED_FP = "SHA256:2xKrabIkzdX8A+mencsLEroPJoJlvhmdKn4J+jzRa2U"
ED_TYPE, ED_DATA, _ED_COMMENT = ED.split(" ", 2)
RSA = fixture_key("k_rsa.pub")
RSA_FP = "SHA256:IznClutDNbfq3r0ZgVar7R1iSp7XBmmR9ctVwEqHYjc"
EC = fixture_key("k_ecdsa_p256.pub")
EC_FP = "SHA256:Dd+L9lpLwN3fbS063bBIDPwYyeohMUddlAoC7WLLQTI"
DEPLOY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIELd3/TsDxLn6kWMN+3XzjbvRVm1Cxvlf+JqJMDa1/9/ deploy@example"
DEPLOY_FP = "SHA256:9AMyNUBW72gX6X0M7RUgjtleainRJ+iZ/q6KQoZ69sc"
OPTIONS = "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding"


def register(host, name, key):
    rc, out, err = host.dokku("ssh-keys:add", name, stdin=key + "\n")
    assert rc == 0, (out, err)


def authorized_keys(host):
    with open(host.home(".ssh", "authorized_keys"), encoding="utf-8") as handle:
        return handle.read()


def key_line(host, fingerprint, name, key):
    return 'command="FINGERPRINT=%s NAME=\\"%s\\" `cat %s` $SSH_ORIGINAL_COMMAND",%s %s\n' % (
        fingerprint, name, host.home(".sshcommand"), OPTIONS, key,
    )


def listed(host):
    """{name: fingerprint} as Dokku lists it ({} for an empty authorized_keys)."""
    rc, out, err = host.dokku("ssh-keys:list", "--format", "json")
    if rc == 1 and "authorized_keys is empty" in err:
        return {}
    assert rc == 0, (out, err)
    return dict((entry["name"], entry["fingerprint"]) for entry in json.loads(out))


# --------------------------------------------------------------------------- quartets
def test_add_quartet_writes_the_sshcommand_line(host):
    results = host.quartet(MOD, {"name": "admin", "key": ED}, [["dokku", "ssh-keys:add", "admin"]])
    check, real, _c2, _r2 = results
    assert check["diff"] == {"before": {}, "after": {"admin": ED_FP}}
    assert ED_DATA not in json.dumps(results)  # no_log: the key is never echoed
    assert real["fingerprints"] == {"admin": ED_FP}
    assert authorized_keys(host) == key_line(host, ED_FP, "admin", ED)
    # the key went in on stdin: no key file in the argv
    assert host.writes("real") == [["ssh-keys:add", "admin"]]


def test_replace_a_changed_key_under_the_same_name(host):
    register(host, "ci", RSA)
    register(host, "admin", DEPLOY)
    check, _real, _c2, _r2 = host.quartet(
        MOD,
        {"name": "admin", "key": ED},
        [["dokku", "ssh-keys:remove", "admin"], ["dokku", "ssh-keys:add", "admin"]],
    )
    assert check["diff"] == {
        "before": {"ci": RSA_FP, "admin": DEPLOY_FP},
        "after": {"ci": RSA_FP, "admin": ED_FP},
    }
    assert authorized_keys(host) == key_line(host, RSA_FP, "ci", RSA) + key_line(host, ED_FP, "admin", ED)


def test_absent_quartet_removes_only_that_key(host):
    register(host, "admin", ED)
    register(host, "ci", RSA)
    check, real, _c2, _r2 = host.quartet(
        MOD, {"name": "admin", "state": "absent"}, [["dokku", "ssh-keys:remove", "admin"]]
    )
    assert check["diff"] == {"before": {"admin": ED_FP, "ci": RSA_FP}, "after": {"ci": RSA_FP}}
    assert real["fingerprints"] == {"ci": RSA_FP}
    assert authorized_keys(host) == key_line(host, RSA_FP, "ci", RSA)


def test_exclusive_list_quartet(host):
    register(host, "old", DEPLOY)
    register(host, "admin", RSA)
    check, _real, _c2, _r2 = host.quartet(
        MOD,
        {"keys": [{"name": "admin", "key": ED}, {"name": "ecdsa", "key": EC}], "exclusive": True},
        [
            ["dokku", "ssh-keys:remove", "admin"],
            ["dokku", "ssh-keys:remove", "old"],
            ["dokku", "ssh-keys:add", "admin"],
            ["dokku", "ssh-keys:add", "ecdsa"],
        ],
    )
    assert check["diff"] == {
        "before": {"old": DEPLOY_FP, "admin": RSA_FP},
        "after": {"admin": ED_FP, "ecdsa": EC_FP},
    }
    assert authorized_keys(host) == key_line(host, ED_FP, "admin", ED) + key_line(host, EC_FP, "ecdsa", EC)


def test_list_without_exclusive_keeps_unlisted_keys_and_moves_a_renamed_key_only_when_exclusive(host):
    register(host, "old", DEPLOY)
    results, _proc = host.run_tasks(
        [
            {"module": MOD, "args": {"keys": [{"name": "admin", "key": ED}]}, "tag": "additive"},
            {"module": MOD, "args": {"keys": [{"name": "admin", "key": ED}, {"name": "new", "key": DEPLOY}]},
             "tag": "rename-refused"},
            {"module": MOD, "args": {"keys": [{"name": "admin", "key": ED}, {"name": "new", "key": DEPLOY}],
                                     "exclusive": True}, "tag": "rename"},
        ]
    )
    additive, refused, rename = results
    assert additive["changed"] is True and additive["commands"] == [["dokku", "ssh-keys:add", "admin"]]
    assert refused["failed"] is True
    assert "already registered as 'old'" in refused["msg"]
    assert host.writes("rename-refused") == []
    assert rename["commands"] == [["dokku", "ssh-keys:remove", "old"], ["dokku", "ssh-keys:add", "new"]]
    assert listed(host) == {"admin": ED_FP, "new": DEPLOY_FP}


def test_nothing_to_remove_on_an_empty_authorized_keys(host):
    results, _proc = host.run_tasks(
        [
            {"module": MOD, "args": {"name": "admin", "state": "absent"}, "tag": "absent"},
            {"module": MOD, "args": {"keys": [], "exclusive": True}, "tag": "exclusive-empty"},
        ]
    )
    for tag, result in zip(["absent", "exclusive-empty"], results):
        assert not result.get("failed"), result
        assert result["changed"] is False and result["diff"] == {"before": {}, "after": {}}
        assert host.writes(tag) == []
    assert authorized_keys(host) == ""


def test_exclusive_empty_list_removes_every_key(host):
    register(host, "admin", ED)
    register(host, "ci", RSA)
    result = host.run(MOD, {"keys": [], "exclusive": True}, tag="wipe")
    assert result["changed"] is True
    assert host.writes("wipe") == [["ssh-keys:remove", "admin"], ["ssh-keys:remove", "ci"]]
    assert authorized_keys(host) == ""


# --------------------------------------------------------------------------- refusals
def private_key_pem():
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode("ascii")


def test_a_private_key_is_refused_and_never_shown(host):
    private = private_key_pem()
    secret_lines = [line for line in private.splitlines() if "PRIVATE KEY" not in line]
    results, proc = host.run_tasks(
        [
            {"module": MOD, "args": {"name": "admin", "key": private}, "tag": "one"},
            {"module": MOD, "args": {"keys": [{"name": "admin", "key": private}]}, "tag": "list"},
        ],
        verbosity=3,
    )
    for tag, result in zip(["one", "list"], results):
        assert result["failed"] is True
        assert "PRIVATE key" in result["msg"]
        assert host.calls(tag=tag) == []
    assert "ESTABLISH LOCAL CONNECTION" in proc.stderr  # -vvv output is part of what is searched
    shown = proc.stdout + proc.stderr + json.dumps(results)
    assert secret_lines and not [line for line in secret_lines if line in shown]
    assert authorized_keys(host) == ""


BAD_KEYS = [
    ("truncated", "%s %s" % (ED_TYPE, ED_DATA[:-8]), "not valid"),
    ("not base64", "%s %s" % (ED_TYPE, ED_DATA[:-4] + "!!!!"), "not valid"),
    ("options prefix", "no-pty " + ED, "options such as command= are not allowed"),
    ("authorized_keys line", 'command="x" ' + ED, "options such as command= are not allowed"),
    ("wrong type", "ssh-rsa %s" % ED_DATA, "does not match its type"),
    ("type only", ED_TYPE, "no key data"),
    ("two keys", ED + "\n" + RSA, "single line"),
    ("empty", "", "empty"),
]


def test_malformed_keys_are_refused_with_zero_calls(host):
    tasks = [{"module": MOD, "args": {"name": "admin", "key": key}, "tag": tag} for tag, key, _p in BAD_KEYS]
    tasks.append({"module": MOD, "args": {"keys": [{"name": "ci", "key": RSA}, {"name": "admin", "key": ED_DATA}]},
                  "tag": "in-list"})
    results, _proc = host.run_tasks(tasks)
    for (tag, _key, problem), result in zip(BAD_KEYS, results):
        assert result["failed"] is True, tag
        assert result["msg"].startswith("key: ") and problem in result["msg"], (tag, result["msg"])
        assert host.calls(tag=tag) == [], tag
    in_list = results[-1]
    assert in_list["failed"] is True
    assert in_list["msg"].startswith("keys[1].key: ") and "'admin'" in in_list["msg"]
    assert host.calls(tag="in-list") == []
    assert authorized_keys(host) == ""


def test_a_truncated_rsa_key_is_refused_with_zero_calls(host):
    rsa_type, rsa_data, _comment = RSA.split(" ", 2)
    result = host.run(MOD, {"name": "ci", "key": "%s %s" % (rsa_type, rsa_data[:200])}, tag="rsa-cut")
    assert result["failed"] is True and result["msg"].startswith("key: ")
    assert host.calls(tag="rsa-cut") == []


def test_bad_names_and_option_mixes_are_refused_with_zero_calls(host):
    cases = [
        ("space", {"name": "my key", "key": ED}, "name: "),
        ("quote", {"name": 'a"b', "key": ED}, "name: "),
        ("slash", {"name": "a/b", "key": ED}, "name: "),
        ("empty-name", {"name": "", "key": ED}, "name: "),
        ("list-name", {"keys": [{"name": "ok", "key": ED}, {"name": "bad name", "key": RSA}]}, "keys[1].name: "),
        ("dup-name", {"keys": [{"name": "admin", "key": ED}, {"name": "admin", "key": RSA}]},
         "keys: the name 'admin' is given twice with different keys"),
        ("dup-key", {"keys": [{"name": "admin", "key": ED}, {"name": "laptop", "key": ED}]},
         "keys: the same key is given as 'admin' and as 'laptop'"),
        ("no-key", {"name": "admin"}, "key: required with state=present"),
        ("absent-key", {"name": "admin", "state": "absent", "key": ED}, "key: not used with state=absent"),
        ("exclusive-name", {"name": "admin", "key": ED, "exclusive": True}, "exclusive: only with keys"),
        ("absent-list", {"keys": [{"name": "admin", "key": ED}], "state": "absent"}, "state: absent is only"),
        ("key-and-list", {"keys": [{"name": "admin", "key": ED}], "key": RSA}, "key: give each key inside keys"),
    ]
    results, _proc = host.run_tasks([{"module": MOD, "args": args, "tag": tag} for tag, args, _m in cases])
    for (tag, _args, start), result in zip(cases, results):
        assert result["failed"] is True, tag
        assert result["msg"].startswith(start), (tag, result["msg"])
        assert host.calls(tag=tag) == [], tag


def test_the_same_key_twice_under_one_name_in_the_list_is_one_key(host):
    result = host.run(MOD, {"keys": [{"name": "admin", "key": ED}, {"name": "admin", "key": ED + " "}]}, tag="twice")
    assert result["changed"] is True
    assert host.writes("twice") == [["ssh-keys:add", "admin"]]
    assert listed(host) == {"admin": ED_FP}


def test_a_key_registered_under_another_name_fails_before_writing(host):
    register(host, "laptop", ED)
    before = authorized_keys(host)
    results, _proc = host.run_tasks(
        [
            {"module": MOD, "args": {"name": "admin", "key": ED}, "tag": "one", "check": True},
            {"module": MOD, "args": {"name": "admin", "key": ED}, "tag": "one-real"},
            {"module": MOD, "args": {"keys": [{"name": "admin", "key": ED}]}, "tag": "list"},
        ]
    )
    for tag, result in zip(["one", "one-real", "list"], results):
        assert result["failed"] is True, tag
        assert "already registered as 'laptop'" in result["msg"], result["msg"]
        assert result["commands"] == []
        assert host.writes(tag) == []
    assert authorized_keys(host) == before


def test_names_dokku_matches_as_the_same_are_never_removed_or_added_blindly(host):
    register(host, "a.b", ED)
    register(host, "axb", RSA)  # Dokku refuses it the other way round (see the next test)
    results, _proc = host.run_tasks(
        [
            {"module": MOD, "args": {"name": "a.b", "state": "absent"}, "tag": "remove-dot"},
            {"module": MOD, "args": {"name": "a.b", "key": DEPLOY}, "tag": "replace-dot"},
            {"module": MOD, "args": {"name": "ayb", "key": EC}, "tag": "add-ayb"},
            {"module": MOD, "args": {"keys": [{"name": "a.b", "key": ED}], "exclusive": True}, "tag": "exclusive"},
        ]
    )
    remove_dot, replace_dot, add_ayb, exclusive = results
    for result in (remove_dot, replace_dot):
        assert result["failed"] is True
        assert "would also remove 'axb'" in result["msg"], result["msg"]
    # 'ayb' is not matched by 'axb' or 'a.b' patterns in that direction: it is added
    assert add_ayb["changed"] is True, add_ayb
    # exclusive removes 'axb' and 'ayb' (both unlisted), keeps 'a.b' with its key
    assert exclusive["changed"] is True
    assert host.writes("exclusive") == [["ssh-keys:remove", "axb"], ["ssh-keys:remove", "ayb"]]
    assert host.writes("remove-dot") == [] and host.writes("replace-dot") == []
    assert listed(host) == {"a.b": ED_FP}


def test_adding_a_dotted_name_that_dokku_takes_for_a_registered_one_is_refused(host):
    register(host, "axb", RSA)
    result = host.run(MOD, {"name": "a.b", "key": ED}, tag="add-dot")
    assert result["failed"] is True
    assert "takes the registered key 'axb' for the same name" in result["msg"]
    assert host.writes("add-dot") == []
    assert listed(host) == {"axb": RSA_FP}


def test_a_failing_key_list_is_reported_without_writes(host):
    host.faults([{"on": "read", "command": "ssh-keys:list", "rc": 1,
                  "stderr": " !     /home/dokku/.ssh/authorized_keys line 2 failed ssh-keygen check.\n"}])
    result = host.run(MOD, {"name": "admin", "key": ED}, tag="broken")
    assert result["failed"] is True
    assert result["msg"] == (
        "cannot list the SSH keys: /home/dokku/.ssh/authorized_keys line 2 failed ssh-keygen check."
    )
    assert host.writes("broken") == []
