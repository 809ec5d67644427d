"""dokku_git_image against the double: image deploys, never the failing same-image call."""

import subprocess

IMAGE = "selfhosted.dokku.dokku_git_image"
DIGEST = "sha256:" + "ab" * 32


def deployed(host, app="web"):
    data = host.json("apps:report", app, "--format", "json")
    return data["deploy-source"], data["deploy-source-metadata"]


def test_deploy_quartet_and_a_new_image(host):
    host.dokku("apps:create", "web")
    check, real, _c2, _r2 = host.quartet(IMAGE, {"app": "web", "image": "nginx:1.27"},
                                         [["dokku", "git:from-image", "web", "nginx:1.27"]])
    assert check["diff"] == {"before": {"image": None}, "after": {"image": "nginx:1.27"}}
    assert (real["image"], real["previous_image"]) == ("nginx:1.27", None)
    assert deployed(host) == ("docker-image", "nginx:1.27")
    assert host.json("git:report", "web", "--format", "json")["source-image"] == "nginx:1.27"
    assert host.json("ps:report", "web", "--format", "json")["running"] == "true"

    pinned = "registry.example.com:5000/team/nginx:1.27@" + DIGEST
    results, _proc = host.run_tasks([
        {"module": IMAGE, "args": {"app": "web", "image": pinned}, "tag": "pinned"},
        {"module": IMAGE, "args": {"app": "web", "image": pinned}, "tag": "pinned-again"},
    ])
    assert results[0]["changed"] is True and results[0]["previous_image"] == "nginx:1.27"
    assert host.writes("pinned") == [["git:from-image", "web", pinned]]
    assert results[1]["changed"] is False and host.writes("pinned-again") == []
    assert deployed(host) == ("docker-image", pinned)


def test_an_app_deployed_from_git_is_redeployed_from_the_image(host, tmp_path):
    host.dokku("apps:create", "web")
    host.dokku("git:from-image", "web", "nginx:1.27")
    source = tmp_path / "src"
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    (source / "Procfile").write_text("web: python app.py\n", encoding="utf-8")
    git = ["git", "-C", str(source), "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    subprocess.run(git + ["add", "--all"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "A"], check=True)
    assert host.dokku("git:sync", "--build", "web", "file://%s" % source)[0] == 0
    # source-image still says nginx:1.27, but the app runs the git code
    assert host.json("git:report", "web", "--format", "json")["source-image"] == "nginx:1.27"
    result = host.run(IMAGE, {"app": "web", "image": "nginx:1.27"}, tag="again")
    assert result["changed"] is True and result["diff"]["before"] == {"image": None}
    assert host.writes("again") == [["git:from-image", "web", "nginx:1.27"]]
    assert deployed(host) == ("docker-image", "nginx:1.27")


def test_an_image_whose_deploy_did_not_finish_is_not_committed_again(host):
    """The repository holds image X but the last successful deploy was W (a build of X failed)."""
    host.dokku("apps:create", "web")
    host.dokku("git:from-image", "web", "nginx:1.27")
    host.dokku("git:from-image", "web", "nginx:1.28")
    with open(host.lib("config", "apps", "web", "deploy-source-metadata"), "w", encoding="utf-8") as handle:
        handle.write("nginx:1.27\n")
    results, _proc = host.run_tasks([
        {"module": IMAGE, "args": {"app": "web", "image": "nginx:1.28"}, "tag": "same"},
        {"module": IMAGE, "args": {"app": "web", "image": "nginx:1.27"}, "tag": "back"},
    ])
    assert results[0]["changed"] is False and host.writes("same") == []
    assert "holds image nginx:1.28, but the last successful deploy was nginx:1.27" in results[0]["warnings"][0]
    assert results[1]["changed"] is True and not results[1].get("failed")
    assert host.writes("back") == [["git:from-image", "web", "nginx:1.27"]]
    assert deployed(host) == ("docker-image", "nginx:1.27")


def test_bad_images_are_refused_before_any_call(host):
    bad = ["", "Nginx:1.27", "nginx:", "nginx:1.27 --force", "-x", "nginx@sha256:abc", "a//b", "nginx:" + "t" * 129]
    results, _proc = host.run_tasks(
        [{"module": IMAGE, "args": {"app": "web", "image": image}, "tag": "bad-%d" % i} for i, image in enumerate(bad)]
    )
    for index, (image, result) in enumerate(zip(bad, results)):
        assert result["failed"] is True, image
        assert result["msg"].startswith("image: %r is not a valid image reference" % image), result["msg"]
        assert host.calls(tag="bad-%d" % index) == []


def test_missing_app_is_predicted_in_check_mode_and_fails_for_real(host):
    args = {"app": "later", "image": "nginx:1.27"}
    results, _proc = host.run_tasks([
        {"module": IMAGE, "args": args, "check": True, "tag": "check"},
        {"module": IMAGE, "args": args, "tag": "real"},
    ])
    assert results[0]["changed"] is True
    assert results[0]["commands"] == [["dokku", "git:from-image", "later", "nginx:1.27"]]
    assert results[1]["failed"] is True and results[1]["msg"].startswith("app later does not exist")
    assert host.writes("check") == [] and host.writes("real") == []
