"""The double's git family and the ps commands of deployed apps (no transcript shows a deploy).

Deploys run real git against repositories the tests make, so refs and shas are genuine.
"""

import json
import os
import stat

import pytest
from gitrepo import Source, git  # pylint: disable=import-error


@pytest.fixture
def repo(tmp_path):
    """Branch main at commit A (a Procfile with web and worker), annotated tag v1 on it."""
    source = Source(tmp_path / "src")
    source.sha_a = source.commit("A", {"Procfile": "web: python app.py\nworker: python worker.py\n"})
    git(source.path, "tag", "-a", "v1", "-m", "release 1")
    return source


def report(dokku, plugin, app="web"):
    rc, out, err = dokku(plugin + ":report", app, "--format", "json")
    assert rc == 0, err
    return json.loads(out)


def deploy_source(dokku, app="web"):
    data = report(dokku, "apps", app)
    return data["deploy-source"], data["deploy-source-metadata"]


def container_ids(dokku, app="web"):
    return {k: v for k, v in report(dokku, "ps", app).items() if k.startswith("status-")}


def test_a_new_app_is_an_empty_bare_repository(dokku):
    assert (dokku.home / "web" / "refs").is_dir()
    assert os.access(dokku.home / "web" / "hooks" / "pre-receive", os.X_OK)
    data = report(dokku, "git")
    assert data["last-updated-at"] == "" and data["source-image"] == ""
    assert data["computed-deploy-branch"] == "master" and data["rev-env-var"] == "GIT_REV"
    assert "git-sha" not in data  # no legacy prefixed keys in git:report


def test_sync_build_clones_a_branch_and_deploys(dokku, repo):
    rc, out, err = dokku("git:sync", "--build", "web", repo.url, "main")
    assert (rc, err) == (0, "")
    assert out.startswith(
        "-----> Cloning web from %s#main\n"
        "       Detected branch, setting deploy-branch to main\n"
        "-----> Cleaning up...\n"
        "-----> Building web from herokuish\n" % repo.url
    )
    assert "-----> Deploying web (count=1)\n-----> Deploying worker (count=0)\n" in out
    assert deploy_source(dokku) == ("git-sync", "%s#%s" % (repo.url, repo.sha_a))
    git_report = report(dokku, "git")
    assert git_report["sha"] == repo.sha_a and git_report["deploy-branch"] == "main"
    assert git_report["last-updated-at"].isdigit()
    ps = report(dokku, "ps")
    assert (ps["deployed"], ps["running"], ps["processes"]) == ("true", "true", "1")
    assert list(container_ids(dokku)) == ["status-web.1"]
    assert ps["status-web.1"].startswith("running (CID: ")
    rc, out, _err = dokku("config:get", "web", "GIT_REV")
    assert (rc, out) == (0, repo.sha_a + "\n")
    assert dokku("ps:scale", "web", "--format", "json")[1] == (
        '[{"process_type":"web","quantity":1},{"process_type":"worker","quantity":0}]\n'
    )


def test_build_if_changes_skips_the_same_commit_then_builds_a_new_one(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    before = container_ids(dokku)
    rc, out, _err = dokku("git:sync", "--build-if-changes", "web", repo.url, "main")
    assert (rc, out) == (0, "       Fetching remote code for web from %s#main\n"
                            "       Skipping build as no changes were detected\n" % repo.url)
    assert container_ids(dokku) == before
    sha_b = repo.commit("B", {"app.py": "print('B')\n"})
    rc, out, err = dokku("git:sync", "--build-if-changes", "web", repo.url, "main")
    assert rc == 0 and "-----> Building web from herokuish\n" in out
    assert "main       -> main" in err  # git fetch's own report
    assert deploy_source(dokku) == ("git-sync", "%s#%s" % (repo.url, sha_b))
    assert container_ids(dokku) != before


def test_a_commit_id_deploys_that_commit_on_the_deploy_branch(dokku, repo):
    sha_b = repo.commit("B", {"app.py": "print('B')\n"})
    assert dokku("git:sync", "--build", "web", repo.url, repo.sha_a)[0] == 0
    assert report(dokku, "git")["sha"] == repo.sha_a
    assert report(dokku, "git")["deploy-branch"] == ""  # a commit is not a branch: master stays
    rc, out, _err = dokku("git:sync", "--build", "web", repo.url, sha_b)
    assert rc == 0 and out.startswith("       Fetching remote code for web from %s#%s\n" % (repo.url, sha_b))
    assert deploy_source(dokku) == ("git-sync", "%s#%s" % (repo.url, sha_b))
    assert report(dokku, "git")["sha"] == sha_b


def test_an_annotated_tag_is_built_from_its_tag_object_id(dokku, repo):
    """Dokku records ``rev-parse TAG``: for an annotated tag that is the tag object, not the commit."""
    assert dokku("git:sync", "--build", "web", repo.url, "v1")[0] == 0
    tag_object = git(repo.path, "rev-parse", "v1")
    assert tag_object != repo.sha_a
    assert deploy_source(dokku) == ("git-sync", "%s#%s" % (repo.url, tag_object))
    assert report(dokku, "git")["sha"] == repo.sha_a


def test_a_bad_ref_fails_and_the_deployed_app_stays(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    before = (deploy_source(dokku), container_ids(dokku), dokku("config:get", "web", "GIT_REV")[1])
    for ref in ("nosuch", "0123456789012345678901234567890123456789"):
        rc, out, err = dokku("git:sync", "--build", "web", repo.url, ref)
        assert rc == 128
        assert out == "       Fetching remote code for web from %s#%s\n" % (repo.url, ref)
        assert err.endswith("fatal: %s^{commit}: not a valid SHA1\n" % ref)
    assert (deploy_source(dokku), container_ids(dokku), dokku("config:get", "web", "GIT_REV")[1]) == before
    assert report(dokku, "ps")["running"] == "true"


def test_a_bad_ref_on_a_new_app_leaves_it_without_code(dokku, repo):
    rc, out, err = dokku("git:sync", "--build", "web", repo.url, "nosuch")
    assert rc == 1
    assert out == "-----> Cloning web from %s#nosuch\n" % repo.url
    assert err == "error: pathspec 'nosuch' did not match any file(s) known to git\n"
    assert deploy_source(dokku) == ("", "")
    assert report(dokku, "ps")["deployed"] == "false"
    assert report(dokku, "git")["last-updated-at"] == ""


def test_an_unreachable_repository_fails_with_git_s_message(dokku, tmp_path):
    rc, out, _err = dokku("git:sync", "--build", "web", "file://%s/nosuch" % tmp_path, "main")
    assert rc == 128
    assert "does not appear to be a git repository" in out  # suppress_output prints it on stdout
    assert report(dokku, "ps")["deployed"] == "false"


@pytest.mark.parametrize(
    "args, rc, err",
    [
        (["git:sync", "--build", "web"], 1, " !     Missing GIT_REMOTE parameter\n"),
        (["git:sync", "nosuch", "file:///x"], 20, " !     App nosuch does not exist\n"),
        (["git:from-image", "web"], 1, " !     Please specify a docker image\n"),
        (["git:auth"], 1, " !     Please supply a git host\n"),
        (["git:auth", "example.com", "user"], 1, " !     Missing password for netrc auth entry\n"),
        (["git:set", "web", "nosuch", "x"], 1, " !     Invalid key specified, valid keys include: archive-max-files, "
         "archive-max-size, deploy-branch, keep-git-dir, rev-env-var, source-image\n"),
        (["git:public-key"], 1, " !     Not implemented in test double: git:public-key\n"),
        (["git:from-image", "--build-dir", "/tmp", "web", "nginx"], 1,
         " !     Not implemented in test double: git:from-image --build-dir\n"),
    ],
)
def test_errors(dokku, args, rc, err):
    assert dokku(*args) == (rc, "", err)


def test_a_locked_app_is_not_deployed(dokku, repo):
    dokku("apps:lock", "web")
    rc, _out, err = dokku("git:sync", "--build", "web", repo.url, "main")
    assert rc == 1 and "Not implemented in test double: deploying a locked app" in err


def test_from_image_deploys_once_per_image(dokku):
    rc, out, err = dokku("git:from-image", "web", "nginx:1.27")
    assert (rc, err) == (0, "")
    assert out.startswith(
        "-----> Generating build context\n"
        "-----> Pulling image\n"
        "-----> Updating git repository with specified build context\n"
        "-----> Cleaning up...\n"
        "-----> Building web from Dockerfile\n"
    )
    assert deploy_source(dokku) == ("docker-image", "nginx:1.27")
    assert report(dokku, "git")["source-image"] == "nginx:1.27"
    assert report(dokku, "ps")["deployed"] == "true"
    sha = report(dokku, "git")["sha"]

    rc, out, err = dokku("git:from-image", "web", "nginx:1.27")
    assert (rc, out, err) == (
        1,
        "-----> Generating build context\n"
        "-----> Image exists on host, skipping pull\n"
        "-----> Updating git repository with specified build context\n",
        " !     No changes detected, skipping git commit\n"
        " !     Call 'ps:rebuild' on app to rebuild the app from existing source\n",
    )
    assert report(dokku, "git")["sha"] == sha

    assert dokku("git:from-image", "web", "nginx:1.28")[0] == 0
    assert deploy_source(dokku) == ("docker-image", "nginx:1.28")
    assert git(dokku.home / "web", "show", "HEAD:Dockerfile") == (
        'FROM nginx:1.28\nLABEL com.dokku.docker-image-labeler/alternate-tags=[\\"nginx:1.28\\"]'
    )
    assert git(dokku.home / "web", "rev-list", "--count", "HEAD") == "2"


def test_from_image_after_git_sync_replaces_the_tree(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    assert dokku("git:from-image", "web", "nginx:1.27")[0] == 0
    assert deploy_source(dokku) == ("docker-image", "nginx:1.27")
    assert git(dokku.home / "web", "ls-tree", "--name-only", "HEAD") == "Dockerfile"


def test_auth_keeps_one_netrc_entry_per_host(dokku):
    assert dokku("git:auth", "git.example.com", "deploy", "s3cret") == (
        0, "-----> Setting netrc auth entry for host git.example.com\n", "")
    dokku("git:auth", "other.example.com", "bot", "t0ken")
    dokku("git:auth", "git.example.com", "deploy", "n3w")
    netrc = dokku.home / ".netrc"
    assert netrc.read_text(encoding="utf-8") == (
        "machine other.example.com\n  login bot\n  password t0ken\n"
        "machine git.example.com\n  login deploy\n  password n3w\n"
    )
    assert stat.S_IMODE(netrc.stat().st_mode) == 0o600
    assert dokku("git:auth", "other.example.com") == (
        0, "-----> Removing netrc auth entry for host other.example.com\n", "")
    assert netrc.read_text(encoding="utf-8") == "machine git.example.com\n  login deploy\n  password n3w\n"


def test_git_set_and_the_global_report(dokku):
    assert dokku("git:set", "--global", "deploy-branch", "main") == (0, "=====> Setting deploy-branch to main\n", "")
    assert dokku("git:set", "web", "keep-git-dir", "true")[0] == 0
    rc, out, _err = dokku("git:report", "--global", "--format", "json")
    assert rc == 0 and json.loads(out) == {
        "computed-archive-max-files": "10000",
        "computed-archive-max-size": "1073741824",
        "computed-deploy-branch": "main",
        "computed-keep-git-dir": "false",
        "global-archive-max-files": "",
        "global-archive-max-size": "",
        "global-deploy-branch": "main",
        "global-keep-git-dir": "",
    }
    assert report(dokku, "git")["computed-keep-git-dir"] == "true"
    assert dokku("git:set", "--global", "source-image", "x")[0] == 1  # not a global property
    assert dokku("git:set", "--global", "deploy-branch") == (0, "=====> Unsetting deploy-branch\n", "")


def test_scale_deploys_only_the_changed_process_types(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    web = container_ids(dokku)["status-web.1"]
    rc, out, _err = dokku("ps:scale", "web", "worker=2", "web=1")
    assert (rc, out) == (0, "-----> Scaling web processes: worker=2 web=1\n"
                            "-----> Deploying worker (count=2)\n-----> Running post-deploy\n")
    ids = container_ids(dokku)
    assert sorted(ids) == ["status-web.1", "status-worker.1", "status-worker.2"]
    assert ids["status-web.1"] == web
    assert report(dokku, "ps")["processes"] == "3"
    assert dokku("ps:scale", "--skip-deploy", "web", "web=2")[1] == "-----> Scaling web processes: web=2\n"
    assert "status-web.2" not in container_ids(dokku)


def test_stop_start_restart_and_rebuild(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    assert dokku("ps:stop", "web") == (0, "-----> Stopping web\n", "")
    ps = report(dokku, "ps")
    assert (ps["running"], ps["restore"], ps["deployed"]) == ("false", "false", "true")
    assert ps["status-web.1"].startswith("exited (CID: ")
    stopped_ids = container_ids(dokku)

    rc, out, err = dokku("ps:start", "web")
    assert (rc, err) == (0, " !     App has been detected as not running, releasing\n")
    assert out == "-----> Deploying web (count=1)\n-----> Deploying worker (count=0)\n-----> Running post-deploy\n"
    ps = report(dokku, "ps")
    assert (ps["running"], ps["restore"]) == ("true", "true")
    assert container_ids(dokku) != stopped_ids
    assert dokku("ps:start", "web") == (0, "", " !     App web already running\n")

    before = container_ids(dokku)
    assert dokku("ps:restart", "web")[0] == 0
    assert container_ids(dokku) != before

    rc, out, _err = dokku("ps:rebuild", "web")
    assert rc == 0 and out.startswith("-----> Cleaning up...\n-----> Building web from herokuish\n")
    assert deploy_source(dokku) == ("git-sync", "%s#%s" % (repo.url, repo.sha_a))


def test_ps_commands_on_an_app_never_deployed(dokku):
    for command in ("ps:start", "ps:stop", "ps:restart"):
        assert dokku(command, "web") == (0, "", " !     App web has not been deployed\n")
    assert report(dokku, "ps")["running"] == "false"
    assert not [key for key in report(dokku, "ps") if key.startswith("status-")]


def test_rename_keeps_the_repository(dokku, repo):
    dokku("git:sync", "--build", "web", repo.url, "main")
    assert dokku("apps:rename", "--skip-deploy", "web", "api")[0] == 0
    assert report(dokku, "git", "api")["sha"] == repo.sha_a
    hook = (dokku.home / "api" / "hooks" / "pre-receive").read_text(encoding="utf-8")
    assert 'git-hook "api"' in hook
