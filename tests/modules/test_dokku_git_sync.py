"""dokku_git_sync against the double: deploys from local repositories made by the tests."""

import json

import pytest
from gitrepo import Source  # pylint: disable=import-error

SYNC = "selfhosted.dokku.dokku_git_sync"
PASSWORD = "Tok3n-For-The-Private-Repo"


@pytest.fixture
def source(tmp_path):
    return Source(tmp_path / "src")


@pytest.fixture
def web(host):
    host.dokku("apps:create", "web")
    return host


def deployed(host, app="web"):
    data = host.json("apps:report", app, "--format", "json")
    return data["deploy-source"], data["deploy-source-metadata"]


def sync_cmd(url, sha, app="web"):
    return ["dokku", "git:sync", "--build", app, url, sha]


def test_deploy_quartet_then_a_new_commit_then_nothing(web, source):
    sha_a = source.commit("A")
    check, real, _c2, _r2 = web.quartet(SYNC, {"app": "web", "repository": source.url, "ref": "main"},
                                        [sync_cmd(source.url, sha_a)])
    assert check["diff"] == {
        "before": {"repository": None, "commit": None},
        "after": {"repository": source.url, "commit": sha_a},
    }
    assert (real["commit"], real["previous_commit"]) == (sha_a, None)
    assert deployed(web) == ("git-sync", "%s#%s" % (source.url, sha_a))
    assert web.json("ps:report", "web", "--format", "json")["running"] == "true"

    sha_b = source.commit("B")
    results, _proc = web.run_tasks([
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "main"}, "tag": "b"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": sha_b}, "tag": "b-again"},
    ])
    assert results[0]["changed"] is True
    assert results[0]["diff"]["before"]["commit"] == sha_a and results[0]["diff"]["after"]["commit"] == sha_b
    assert web.writes("b") == [sync_cmd(source.url, sha_b)[1:]]
    assert results[1]["changed"] is False and web.writes("b-again") == []
    assert [c["command"] for c in web.calls(tag="b-again")] == ["version", "apps:report"]  # a full id needs no git
    assert deployed(web) == ("git-sync", "%s#%s" % (source.url, sha_b))


def test_a_tag_resolves_to_its_commit_and_head_to_the_default_branch(web, source):
    sha_a = source.commit("A")
    source.git("tag", "-a", "v1", "-m", "release 1")
    source.commit("B")
    results, _proc = web.run_tasks([
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "v1"}, "tag": "tag"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "refs/tags/v1"}, "tag": "full"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url}, "tag": "head"},
    ])
    assert results[0]["commit"] == sha_a and web.writes("tag") == [sync_cmd(source.url, sha_a)[1:]]
    assert results[1]["changed"] is False
    assert results[2]["commit"] == source.git("rev-parse", "main") and results[2]["changed"] is True


def test_a_bad_ref_fails_cleanly_and_the_old_deploy_stays(web, source):
    sha_a = source.commit("A")
    web.run(SYNC, {"app": "web", "repository": source.url, "ref": "main"})
    source.git("tag", "main")  # now "main" names a branch and a tag
    results, _proc = web.run_tasks([
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "nosuch"}, "tag": "missing"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "abc1234"}, "tag": "short"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url, "ref": "main"}, "tag": "ambiguous"},
        {"module": SYNC, "args": {"app": "web", "repository": source.url + "-gone", "ref": "main"}, "tag": "repo"},
    ])
    assert results[0]["failed"] and results[0]["msg"] == "ref: 'nosuch' is not a branch or tag of the repository"
    assert "abbreviated commit ids cannot be resolved" in results[1]["msg"]
    assert results[2]["msg"] == "ref: 'main' is both a branch and a tag: write refs/heads/main or refs/tags/main"
    assert results[3]["msg"].startswith("git ls-remote failed with exit code 128: ")
    for tag in ("missing", "short", "ambiguous", "repo"):
        assert web.writes(tag) == []
    assert deployed(web) == ("git-sync", "%s#%s" % (source.url, sha_a))


def test_a_commit_the_repository_does_not_have_fails_in_dokku_and_the_old_deploy_stays(web, source):
    sha_a = source.commit("A")
    web.run(SYNC, {"app": "web", "repository": source.url, "ref": "main"})
    containers = {k: v for k, v in web.json("ps:report", "web", "--format", "json").items() if k.startswith("status-")}
    missing = "0123456789abcdef0123456789abcdef01234567"
    result = web.run(SYNC, {"app": "web", "repository": source.url, "ref": missing}, tag="bad")
    assert result["failed"] is True
    assert result["msg"] == "dokku git:sync failed with exit code 128: fatal: %s^{commit}: not a valid SHA1" % missing
    assert result["commands"] == [sync_cmd(source.url, missing)]
    assert deployed(web) == ("git-sync", "%s#%s" % (source.url, sha_a))
    report = web.json("ps:report", "web", "--format", "json")
    assert report["running"] == "true"
    assert {k: v for k, v in report.items() if k.startswith("status-")} == containers
    assert web.run(SYNC, {"app": "web", "repository": source.url, "ref": "main"})["changed"] is False


def test_another_repository_with_the_same_commit_is_redeployed(web, source, tmp_path):
    sha_a = source.commit("A")
    web.run(SYNC, {"app": "web", "repository": source.url, "ref": "main"})
    mirror = "file://%s" % (tmp_path / "mirror")
    source.git("clone", "-q", "--bare", str(source.path), str(tmp_path / "mirror"))
    result = web.run(SYNC, {"app": "web", "repository": mirror, "ref": "main"}, tag="mirror")
    assert result["changed"] is True and web.writes("mirror") == [sync_cmd(mirror, sha_a)[1:]]
    assert result["diff"]["before"] == {"repository": source.url, "commit": sha_a}


def test_credentials_go_to_netrc_once_and_are_never_shown(web, source):
    sha_a = source.commit("A")
    url = "https://git.example.com/team/web.git"
    # git (the module's ls-remote and Dokku's git:sync) reads Dokku's home: map the URL to the local repository
    with open(web.home(".gitconfig"), "w", encoding="utf-8") as handle:
        handle.write('[url "%s"]\n\tinsteadOf = %s\n' % (source.url, url))
    args = {"app": "web", "repository": url, "ref": "main", "auth_username": "deploy", "auth_password": PASSWORD}
    check, real, _c2, _r2 = web.quartet(SYNC, args)
    assert real["commands"] == [
        ["dokku", "git:auth", "git.example.com", "deploy"],
        sync_cmd(url, sha_a),
    ]
    assert web.writes("real") == [["git:auth", "git.example.com", "deploy"], sync_cmd(url, sha_a)[1:]]
    assert check["diff"]["after"]["auth"] == {"host": "git.example.com", "username": "deploy", "password": "******** (new)"}
    assert check["diff"]["before"]["auth"] == {"host": "git.example.com", "username": None, "password": None}
    with open(web.home(".netrc"), encoding="utf-8") as handle:
        assert handle.read() == "machine git.example.com\n  login deploy\n  password %s\n" % PASSWORD

    results, proc = web.run_tasks([{"module": SYNC, "args": dict(args, auth_password="An0ther-Token-Value"), "tag": "pw"}])
    assert results[0]["changed"] is True
    assert results[0]["commands"] == [["dokku", "git:auth", "git.example.com", "deploy"]]
    assert results[0]["diff"]["before"]["auth"]["password"] == "********"
    for text in (json.dumps([check, real, results[0]]), proc.stdout, proc.stderr):
        assert PASSWORD not in text and "An0ther-Token-Value" not in text


def test_check_mode_predicts_a_deploy_when_only_the_new_credentials_could_read_the_repository(web):
    url = "https://git.example.com/team/private.git"
    with open(web.home(".gitconfig"), "w", encoding="utf-8") as handle:  # stands for a refused login
        handle.write('[url "file:///nonexistent/private"]\n\tinsteadOf = %s\n' % url)
    args = {"app": "web", "repository": url, "ref": "main", "auth_username": "deploy", "auth_password": PASSWORD}
    results, proc = web.run_tasks([
        {"module": SYNC, "args": args, "check": True, "tag": "check"},
        {"module": SYNC, "args": args, "tag": "real"},
    ])
    check, real = results
    assert check["changed"] is True and check["commit"] is None
    assert check["commands"] == [["dokku", "git:auth", "git.example.com", "deploy"],
                                 ["dokku", "git:sync", "--build", "web", url, "main"]]
    assert "cannot resolve main before the new credentials are stored" in check["warnings"][0]
    assert real["failed"] is True and real["msg"].startswith("git ls-remote failed with exit code 128")
    assert web.writes("check") == [] and web.writes("real") == [["git:auth", "git.example.com", "deploy"]]
    assert PASSWORD not in json.dumps(results) + proc.stdout + proc.stderr


BAD_INPUT = [
    ({"repository": "https://user:secret@git.example.com/x.git"}, "repository: the URL carries credentials"),
    ({"repository": "https://ghp_token@github.com/x.git"}, "repository: the URL carries credentials"),
    ({"repository": "ftp://example.com/x.git"}, "repository: 'ftp://example.com/x.git' is not a git URL"),
    ({"repository": "relative/path"}, "is not a git URL"),
    ({"repository": "--upload-pack=evil"}, "repository: '--upload-pack=evil' starts with '-'"),
    ({"ref": "main branch"}, "ref: 'main branch' is not a valid git ref"),
    ({"ref": "-x"}, "ref: '-x' is not a valid git ref"),
    ({"ref": "HEAD~1"}, "is not a valid git ref"),
    ({"ref": "a..b"}, "is not a valid git ref"),
    ({"auth_username": "deploy"}, "auth_username and auth_password: give both"),
    ({"auth_username": "deploy", "auth_password": "x y z w v"}, "cannot hold whitespace"),
    ({"auth_username": "d", "auth_password": "pw-pw-pw-pw", "repository": "file:///srv/x"}, "only apply to http"),
    ({"app": "Web"}, "app: app name 'Web' is invalid"),
]


def test_bad_input_is_refused_before_any_call(web):
    tasks = [
        {"module": SYNC, "args": dict({"app": "web", "repository": "https://git.example.com/team/web.git"}, **args),
         "tag": "bad-%d" % index}
        for index, (args, _msg) in enumerate(BAD_INPUT)
    ]
    results, _proc = web.run_tasks(tasks)
    for index, ((_args, msg), result) in enumerate(zip(BAD_INPUT, results)):
        assert result["failed"] is True and msg in result["msg"], (msg, result["msg"])
        assert web.calls(tag="bad-%d" % index) == []


def test_missing_app_is_predicted_in_check_mode_and_fails_for_real(host, source):
    sha_a = source.commit("A")
    args = {"app": "later", "repository": source.url, "ref": "main"}
    results, _proc = host.run_tasks([
        {"module": SYNC, "args": args, "check": True, "tag": "check"},
        {"module": SYNC, "args": args, "tag": "real"},
    ])
    assert results[0]["changed"] is True and results[0]["commands"] == [sync_cmd(source.url, sha_a, app="later")]
    assert "check mode assumes an earlier task creates it" in results[0]["warnings"][0]
    assert results[1]["failed"] is True and results[1]["msg"].startswith("app later does not exist")
    assert host.writes("check") == [] and host.writes("real") == []
