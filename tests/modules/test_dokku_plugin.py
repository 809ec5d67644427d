"""dokku_plugin against the double: install, pin, enable/disable, uninstall, refusals; the double's plugin:*."""

import json
import os
import subprocess

import pytest

from harness import DOUBLE

PLUGIN = "selfhosted.dokku.dokku_plugin"
FIXTURES = os.path.join(DOUBLE, "fixtures", "srv")
TINYGIT = "file://" + os.path.join(FIXTURES, "tinygit")
TINY_TARBALL = "file://" + os.path.join(FIXTURES, "tiny-plugin.tar.gz")
REDIS_URL = "https://github.com/dokku/dokku-redis.git"
POSTGRES_URL = "https://github.com/dokku/dokku-postgres.git"
NOT_A_COMMAND = " !     `postgres:list` is not a dokku command.\n"
ABSENT = {"state": "absent", "enabled": False, "committish": "", "source_url": ""}


def tag_sha(tag):
    proc = subprocess.run(
        ["git", "--git-dir", os.path.join(FIXTURES, "tinygit"), "rev-parse", tag + "^{commit}"],
        capture_output=True, text=True, check=True,
    )
    return proc.stdout.strip()


def listed(host, name):
    """The plugin:list --format json entry of NAME (exact match), or None."""
    return next((p for p in host.json("plugin:list", "--format", "json") if p["name"] == name), None)


def dokku_ok(host, *args):
    rc, out, err = host.dokku(*args)
    assert rc == 0, (args, out, err)


def install_tinygit(host, ref):
    dokku_ok(host, "plugin:install", TINYGIT, "--committish", ref, "--name", "tinygit")


# --------------------------------------------------------------------- installs
def test_install_known_url_quartet(host):
    check, real, _c2, _r2 = host.quartet(
        PLUGIN, {"name": "redis", "url": REDIS_URL}, [["dokku", "plugin:install", REDIS_URL, "--name", "redis"]]
    )
    assert check["diff"] == {
        "before": dict(ABSENT, name="redis"),
        "after": {"name": "redis", "state": "present", "enabled": True, "committish": "", "source_url": REDIS_URL},
    }
    entry = listed(host, "redis")
    assert entry["version"] == "1.42.0" and entry["enabled"] is True and entry["core"] is False
    assert entry["source_url"] == REDIS_URL and entry["branch"] == "master" and len(entry["committish"]) == 40
    assert real["plugin"] == entry
    assert check["plugin"] == dict(entry, version="", description="", committish="", branch="")
    assert host.dokku("plugin:installed", "redis")[0] == 0


def test_install_pinned_quartet_from_a_git_repository(host):
    check, real, _c2, _r2 = host.quartet(
        PLUGIN,
        {"name": "tinygit", "url": TINYGIT, "committish": "v0.1.0"},
        [["dokku", "plugin:install", TINYGIT, "--committish", "v0.1.0", "--name", "tinygit"]],
    )
    assert check["diff"]["after"] == {
        "name": "tinygit", "state": "present", "enabled": True, "committish": "v0.1.0", "source_url": TINYGIT,
    }
    entry = listed(host, "tinygit")
    assert (entry["version"], entry["committish"], entry["branch"]) == ("0.1.0", tag_sha("v0.1.0"), "")
    assert real["plugin"] == entry
    with open(host.lib("plugins", "available", "tinygit", ".plugin_committish"), encoding="utf-8") as handle:
        assert handle.read() == "v0.1.0\n"


def test_install_disabled_installs_then_disables(host):
    host.quartet(
        PLUGIN,
        {"name": "redis", "url": REDIS_URL, "enabled": False},
        [["dokku", "plugin:install", REDIS_URL, "--name", "redis"], ["dokku", "plugin:disable", "redis"]],
    )
    assert listed(host, "redis")["enabled"] is False


def test_install_from_a_tarball_has_no_source_url(host):
    check, _real, _c2, _r2 = host.quartet(
        PLUGIN, {"name": "tiny", "url": TINY_TARBALL}, [["dokku", "plugin:install", TINY_TARBALL, "--name", "tiny"]]
    )
    assert check["diff"]["after"]["source_url"] == ""
    entry = listed(host, "tiny")
    assert (entry["version"], entry["description"], entry["source_url"]) == ("0.1.0", "tiny test plugin", "")


# ------------------------------------------------------------------------- pins
def test_pin_change_runs_one_update(host):
    install_tinygit(host, "v0.1.0")
    check, real, _c2, _r2 = host.quartet(
        PLUGIN,
        {"name": "tinygit", "url": TINYGIT, "committish": "v0.2.0"},
        [["dokku", "plugin:update", "tinygit", "v0.2.0"]],
    )
    assert check["diff"]["before"]["committish"] == "v0.1.0"
    assert check["diff"]["after"]["committish"] == "v0.2.0"
    entry = listed(host, "tinygit")
    assert (entry["version"], entry["committish"]) == ("0.2.0", tag_sha("v0.2.0"))
    assert real["plugin"] == entry


def test_pin_given_as_a_commit_prefix(host):
    install_tinygit(host, "v0.2.0")
    short, old = tag_sha("v0.2.0")[:6], tag_sha("v0.1.0")[:7]
    args = {"name": "tinygit", "url": TINYGIT}
    results, _proc = host.run_tasks(
        [
            {"module": PLUGIN, "args": dict(args, committish=tag_sha("v0.2.0")[:10].upper()), "tag": "same"},
            {"module": PLUGIN, "args": dict(args, committish=short), "tag": "too-short"},
            {"module": PLUGIN, "args": dict(args, committish=old), "tag": "older"},
            {"module": PLUGIN, "args": dict(args, committish=old), "tag": "older-again"},
        ]
    )
    same, too_short, older, older_again = results
    assert same["changed"] is False and host.writes("same") == []
    # fewer than 7 hex digits is not taken as a commit id: the pin is set explicitly
    assert too_short["changed"] is True and host.writes("too-short") == [["plugin:update", "tinygit", short]]
    assert older["changed"] is True and host.writes("older") == [["plugin:update", "tinygit", old]]
    assert older_again["changed"] is False and host.writes("older-again") == []
    assert listed(host, "tinygit")["committish"] == tag_sha("v0.1.0")


def test_no_committish_never_updates(host):
    install_tinygit(host, "v0.1.0")
    result = host.run(PLUGIN, {"name": "tinygit", "url": TINYGIT}, tag="unpinned")
    assert result["changed"] is False and host.writes("unpinned") == []
    assert listed(host, "tinygit")["committish"] == tag_sha("v0.1.0")


def test_pin_change_of_a_disabled_plugin_enables_updates_and_disables(host):
    install_tinygit(host, "v0.1.0")
    dokku_ok(host, "plugin:disable", "tinygit")
    host.quartet(
        PLUGIN,
        {"name": "tinygit", "url": TINYGIT, "committish": "v0.2.0", "enabled": False},
        [
            ["dokku", "plugin:enable", "tinygit"],
            ["dokku", "plugin:update", "tinygit", "v0.2.0"],
            ["dokku", "plugin:disable", "tinygit"],
        ],
    )
    entry = listed(host, "tinygit")
    assert (entry["enabled"], entry["committish"]) == (False, tag_sha("v0.2.0"))


# ------------------------------------------------------------ enable / disable
def test_disable_quartet_and_command_gating(host):
    assert host.dokku("postgres:list")[0] == 0
    check, _real, _c2, _r2 = host.quartet(
        PLUGIN,
        {"name": "postgres", "url": POSTGRES_URL, "enabled": False},
        [["dokku", "plugin:disable", "postgres"]],
    )
    assert (check["diff"]["before"]["enabled"], check["diff"]["after"]["enabled"]) == (True, False)
    assert listed(host, "postgres")["enabled"] is False
    rc, _out, err = host.dokku("postgres:list")
    assert rc == 1 and err.startswith(NOT_A_COMMAND)


def test_enable_quartet(host):
    dokku_ok(host, "plugin:disable", "postgres")
    host.quartet(PLUGIN, {"name": "postgres", "url": POSTGRES_URL}, [["dokku", "plugin:enable", "postgres"]])
    assert listed(host, "postgres")["enabled"] is True


def test_install_makes_the_plugin_commands_exist(bare_host):
    rc, _out, err = bare_host.dokku("postgres:list")
    assert rc == 1 and err.startswith(NOT_A_COMMAND)
    result = bare_host.run(PLUGIN, {"name": "postgres", "url": POSTGRES_URL}, tag="install")
    assert result["changed"] is True
    assert bare_host.writes("install") == [["plugin:install", POSTGRES_URL, "--name", "postgres"]]
    rc, _out, err = bare_host.dokku("postgres:list")
    assert rc == 0 and NOT_A_COMMAND not in err


# -------------------------------------------------------------------- uninstall
def test_uninstall_quartet_with_opt_in(host):
    dokku_ok(host, "plugin:install", REDIS_URL)
    check, real, _c2, _r2 = host.quartet(
        PLUGIN,
        {"name": "redis", "state": "absent", "allow_uninstall": True},
        [["dokku", "plugin:uninstall", "redis"]],
    )
    assert check["diff"]["after"] == dict(ABSENT, name="redis")
    assert check["diff"]["before"]["source_url"] == REDIS_URL
    assert real["plugin"] == {}
    assert host.dokku("plugin:installed", "redis")[0] == 1
    assert not os.path.exists(host.lib("plugins", "available", "redis"))


# ------------------------------------------------------------------ exact names
def test_a_name_that_contains_an_installed_name_is_still_installed(host):
    host.quartet(
        PLUGIN,
        {"name": "postgres2", "url": POSTGRES_URL},
        [["dokku", "plugin:install", POSTGRES_URL, "--name", "postgres2"]],
    )
    assert listed(host, "postgres2")["source_url"] == POSTGRES_URL
    assert listed(host, "postgres")["enabled"] is True


def test_a_prefix_of_an_installed_name_is_absent(host):
    result = host.run(PLUGIN, {"name": "postgre", "state": "absent", "allow_uninstall": True}, tag="prefix")
    assert result["changed"] is False and host.writes("prefix") == []
    assert result["diff"]["before"] == dict(ABSENT, name="postgre")


# --------------------------------------------------------------------- refusals
def test_absent_without_opt_in_refuses_before_any_call(host):
    result = host.run(PLUGIN, {"name": "postgres", "state": "absent"}, tag="refused")
    assert result["failed"] is True and "allow_uninstall=true" in result["msg"]
    assert host.calls(tag="refused") == []
    assert listed(host, "postgres")["enabled"] is True


def test_core_plugins_are_refused_without_writes(host):
    cases = [
        {"name": "apps", "url": REDIS_URL},
        {"name": "apps", "url": REDIS_URL, "enabled": False},
        {"name": "nginx-vhosts", "state": "absent", "allow_uninstall": True},
    ]
    results, _proc = host.run_tasks(
        [{"module": PLUGIN, "args": args, "tag": "core-%d" % index} for index, args in enumerate(cases)]
    )
    for index, (args, result) in enumerate(zip(cases, results)):
        assert result["failed"] is True and "core Dokku plugin" in result["msg"], (args, result)
        assert host.writes("core-%d" % index) == []
        assert listed(host, args["name"])["enabled"] is True


def test_bad_input_is_refused_before_any_call(host):
    cases = [
        ({"name": "redis", "url": "http://example.com/plugin.git"}, "url: "),
        ({"name": "redis", "url": "github.com/dokku/dokku-redis"}, "url: "),
        ({"name": "redis"}, "url: required"),
        ({"name": "bad.name", "url": REDIS_URL}, "name: "),
        ({"name": "post gres", "url": REDIS_URL}, "name: "),
        ({"name": "", "url": REDIS_URL}, "name: "),
        ({"name": "redis", "url": REDIS_URL, "committish": "--help"}, "committish: "),
        ({"name": "redis", "url": REDIS_URL, "committish": "a..b"}, "committish: "),
        ({"name": "redis", "url": REDIS_URL, "committish": ""}, "committish: "),
        ({"name": "tiny", "url": TINY_TARBALL, "committish": "v1"}, "committish: "),
    ]
    results, _proc = host.run_tasks(
        [{"module": PLUGIN, "args": args, "tag": "bad-%d" % index} for index, (args, _p) in enumerate(cases)]
    )
    for index, ((args, problem), result) in enumerate(zip(cases, results)):
        assert result["failed"] is True and result["msg"].startswith(problem), (args, result["msg"])
        assert host.calls(tag="bad-%d" % index) == []


def test_a_different_url_is_refused_and_nothing_is_reinstalled(host):
    dokku_ok(host, "plugin:install", REDIS_URL)
    before = listed(host, "redis")
    other = "https://example.com/dokku-redis.git"
    result = host.run(PLUGIN, {"name": "redis", "url": other}, tag="other-url")
    assert result["failed"] is True
    assert REDIS_URL in result["msg"] and other in result["msg"] and "allow_uninstall" in result["msg"]
    assert host.writes("other-url") == []
    assert listed(host, "redis") == before


def test_pinning_a_plugin_without_git_source_is_refused(host):
    assert listed(host, "postgres")["source_url"] == ""
    result = host.run(PLUGIN, {"name": "postgres", "url": POSTGRES_URL, "committish": "1.48.0"}, tag="pin")
    assert result["failed"] is True and result["msg"].startswith("committish: ")
    assert host.writes("pin") == []


def test_a_credential_in_the_url_is_never_shown(host):
    token_url = "https://x-access-token:s3cr3tT0KEN@github.com/dokku/dokku-redis.git"
    result = host.run(PLUGIN, {"name": "redis", "url": token_url}, tag="token")
    assert result["failed"] is True  # the double fetches nothing but the catalogue's plain URLs
    assert host.writes("token") == [["plugin:install", token_url, "--name", "redis"]]
    assert "s3cr3tT0KEN" not in json.dumps(result)
    assert result["commands"] == [["dokku", "plugin:install", "https://x-access-token:********@github.com/dokku/dokku-redis.git", "--name", "redis"]]


# ---------------------------------------------------------------- the double
def test_double_plugin_list_matches_the_transcript_apart_from_fixture_commit_ids(tmp_path):
    """Steps 16 and 20 are uncovered only because of tinygit's commit ids (see uncovered/plugins.json)."""
    from replay import Host, load_scenario  # pylint: disable=import-outside-toplevel

    captured = {"v0.1.0": "c376ce4644401589113a63027ea75613f452d794", "v0.2.0": "068d2df6eaf1222e82c7219b9835b514d95ed0de"}
    replay_host = Host(str(tmp_path))
    compared = 0
    for index, step in enumerate(load_scenario("plugins")["steps"]):
        rc, out, err = replay_host.run_step(step)
        for tag, sha in captured.items():
            out = out.replace(tag_sha(tag), sha)
        if index in (16, 20):
            assert (rc, out, err) == (step["rc"], step["stdout"], step["stderr"]), index
            compared += 1
    assert compared == 2


def test_double_serves_plugin_commands_from_their_commands_script(tmp_path):
    from dokku_double import cli  # pylint: disable=import-outside-toplevel
    from dokku_double.core import Ctx, DokkuExit  # pylint: disable=import-outside-toplevel
    from dokku_double.families.plugins import script_command  # pylint: disable=import-outside-toplevel
    from replay import Host  # pylint: disable=import-outside-toplevel

    replay_host = Host(str(tmp_path))
    assert script_command(Ctx(env=replay_host.env), "tiny:hello") is None
    rc, _out, _err = cli.run(["plugin:install", TINY_TARBALL, "--name", "tiny"], env=replay_host.env)
    assert rc == 0

    ctx = Ctx(env=replay_host.env)
    script_command(ctx, "tiny:hello").func(ctx, [])
    assert (ctx.stdout, ctx.stderr) == ("hello from tiny\n", "")

    ctx = Ctx(env=replay_host.env)
    with pytest.raises(DokkuExit) as exc:
        script_command(ctx, "tiny:nosuch").func(ctx, ["x"])
    assert exc.value.rc == 1
    assert ctx.stderr == (
        " !     `tiny:nosuch x` is not a dokku command.\n !     See `dokku help` for a list of available commands.\n"
    )

    assert cli.run(["plugin:disable", "tiny"], env=replay_host.env)[0] == 0
    assert script_command(Ctx(env=replay_host.env), "tiny:hello") is None


def test_double_reinstall_and_uninstall_failures(tmp_path):
    from dokku_double import cli  # pylint: disable=import-outside-toplevel
    from replay import Host  # pylint: disable=import-outside-toplevel

    env = Host(str(tmp_path)).env
    assert cli.run(["plugin:install", POSTGRES_URL], env=env)[2] == (
        "postgres is already installed, but it does not seem to be a git repository\n"
    )
    assert cli.run(["plugin:install", REDIS_URL], env=env)[0] == 0
    rc, _out, err = cli.run(["plugin:install", REDIS_URL + "x"], env=env)
    assert rc == 1 and "Not implemented in test double" in err
    rc, _out, err = cli.run(["plugin:install", "https://github.com/dokku/dokku-redis", "--name", "redis"], env=env)
    assert (rc, err) == (
        1,
        "Plugin 'redis' is already installed, but with a different url. To install anyway, uninstall it first.\n",
    )
    assert cli.run(["plugin:update", "apps"], env=env)[2] == (
        " !     Cannot trigger plugin:update against core plugin, please update Dokku instead\n"
    )
    assert cli.run(["plugin:update", "nosuch"], env=env)[2] == " !     Specified plugin not enabled or installed\n"
    assert cli.run(["plugin:update", "postgres"], env=env)[1].startswith("Plugin (postgres) not managed by git\n")
    assert cli.run(["plugin:installed", "redis"], env=env, euid=1000)[2] == " !     This command must be run as root\n"
    assert cli.run(["plugin:list"], env=env, euid=1000)[0] == 0
