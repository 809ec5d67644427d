"""dokku_registry_login and dokku_git_auth against the double: quartets in one run, refusals, secrets unseen."""

import json

REGISTRY = "selfhosted.dokku.dokku_registry_login"
GIT_AUTH = "selfhosted.dokku.dokku_git_auth"
PASSWORD = "RegistryCanary7f3e1a"
TOKEN = "GitTokenCanary5b2d9c"


def test_logins_and_git_credentials_quartets_in_one_run(host):
    logins = {"logins": [{"server": "ghcr.io", "username": "bot", "password": PASSWORD},
                         {"server": "registry.example.com:5000", "username": "ci", "password": PASSWORD + "2"}]}
    hosts = {"hosts": [{"host": "git.example.com", "username": "deploy", "password": TOKEN}]}
    tags = ["check", "real", "check-again", "real-again"]
    tasks = []
    for tag in tags:
        tasks.append({"module": REGISTRY, "args": logins, "check": tag.startswith("check"), "tag": "registry-" + tag})
        tasks.append({"module": GIT_AUTH, "args": hosts, "check": tag.startswith("check"), "tag": "git-" + tag})
    results, proc = host.run_tasks(tasks, verbosity=3)
    reg = dict(zip(tags, results[0::2]))
    git = dict(zip(tags, results[1::2]))
    expected_logins = [["dokku", "registry:login", "--global", "--password-stdin", "ghcr.io", "bot"],
                       ["dokku", "registry:login", "--global", "--password-stdin", "registry.example.com:5000", "ci"]]
    assert reg["check"]["changed"] and reg["check"]["commands"] == expected_logins == reg["real"]["commands"]
    assert reg["real"]["diff"] == {"before": {"ghcr.io": None, "registry.example.com:5000": None},
                                   "after": {"ghcr.io": "bot ******** (new)",
                                             "registry.example.com:5000": "ci ******** (new)"}}
    assert git["real"]["commands"] == [["dokku", "git:auth", "git.example.com", "deploy"]] == git["check"]["commands"]
    for tag in ("check-again", "real-again"):
        assert reg[tag]["changed"] is False and reg[tag]["commands"] == []
        assert git[tag]["changed"] is False and git[tag]["commands"] == []
        assert reg[tag]["diff"]["after"]["ghcr.io"] == "bot ********"
    for tag in ("check", "check-again", "real-again"):
        assert host.writes("registry-" + tag) == [] and host.writes("git-" + tag) == []
    assert host.writes("registry-real") == [c[1:] for c in expected_logins]
    with open(host.home(".docker", "config.json"), encoding="utf-8") as handle:
        assert sorted(json.load(handle)["auths"]) == ["ghcr.io", "registry.example.com:5000"]
    with open(host.home(".netrc"), encoding="utf-8") as handle:
        assert "machine git.example.com" in handle.read()
    for secret in (PASSWORD, TOKEN):
        assert secret not in proc.stdout and secret not in proc.stderr


def test_a_logout_or_another_login_by_hand_is_seen_and_fixed(host):
    args = {"logins": [{"server": "ghcr.io", "username": "bot", "password": PASSWORD}]}
    host.run(REGISTRY, args, tag="first")
    host.dokku("registry:login", "--global", "--password-stdin", "ghcr.io", "bot", stdin="changed-by-hand\n")
    result = host.run(REGISTRY, args, tag="fix")
    assert result["changed"] and result["diff"]["before"] == {"ghcr.io": "bot ********"}
    host.dokku("registry:logout", "--global", "ghcr.io")
    result = host.run(REGISTRY, args, tag="again")
    assert result["changed"] and result["diff"]["before"] == {"ghcr.io": None}
    result = host.run(REGISTRY, {"logins": [{"server": "ghcr.io", "state": "absent"}]}, tag="logout")
    assert host.writes("logout") == [["registry:logout", "--global", "ghcr.io"]]


def test_an_unreachable_registry_fails_with_the_password_masked(host):
    result = host.run(REGISTRY, {"logins": [{"server": "registry.example.invalid", "username": "u",
                                             "password": PASSWORD}]}, tag="unreachable")
    assert result["failed"] and "Unable to run docker login" in result["msg"]
    assert PASSWORD not in json.dumps(result)


def test_bad_credentials_are_refused_before_any_call(host):
    results, _proc = host.run_tasks([
        {"module": REGISTRY, "args": {"logins": [{"server": "https://ghcr.io", "username": "u", "password": "pw-1234"}]},
         "tag": "scheme"},
        {"module": REGISTRY, "args": {"logins": [{"server": "ghcr.io", "username": "u"}]}, "tag": "no-password"},
        {"module": GIT_AUTH, "args": {"hosts": [{"host": "git.example.com", "username": "u", "password": "a b"}]},
         "tag": "space"},
    ])
    assert [r["msg"].split(":")[0] for r in results] == ["logins", "logins", "hosts"]
    for tag in ("scheme", "no-password", "space"):
        assert host.calls(tag=tag) == [], tag
