"""DokkuRunner: argv handling, check mode, masking and the single failure path."""

import threading

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils import _runner
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MASK, DokkuRunner, parse_version


class Failed(Exception):
    pass


class FakeModule:
    """Just enough of AnsibleModule: records run_command calls, raises on fail_json."""

    def __init__(self, check_mode=False, responses=None):
        self.check_mode = check_mode
        self.params = {"command_timeout": 30}
        self.no_log_values = set()
        self.calls = []
        self.warnings = []
        self.responses = list(responses or [])

    def get_bin_path(self, name, required=False):
        return {"dokku": "/usr/bin/dokku", "timeout": "/usr/bin/timeout"}.get(name)

    def run_command(self, args, **kwargs):
        self.calls.append((args, kwargs))
        return self.responses.pop(0) if self.responses else (0, "", "")

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    def warn(self, msg):
        self.warnings.append(msg)


def test_argv_list_global_flags_first_no_shell_expansion_and_c_locale():
    module = FakeModule()
    runner = DokkuRunner(module)
    runner.write(["apps:destroy", "web"], global_flags=["--force"])
    args, kwargs = module.calls[0]
    assert args == ["/usr/bin/timeout", "--kill-after=10", "30", "/usr/bin/dokku", "--force", "apps:destroy", "web"]
    assert kwargs["expand_user_and_vars"] is False
    assert kwargs["environ_update"]["LC_ALL"] == "C"
    assert "use_unsafe_shell" not in kwargs
    assert runner.commands == [["dokku", "--force", "apps:destroy", "web"]]


def test_check_mode_runs_reads_but_records_and_skips_writes():
    module = FakeModule(check_mode=True, responses=[(0, "dokku version 0.38.27\n", "")])
    runner = DokkuRunner(module)
    assert runner.version == (0, 38, 27)
    result = runner.write(["apps:create", "web"])
    assert result.skipped is True
    assert len(module.calls) == 1  # only the version read ran
    assert runner.commands == [["dokku", "apps:create", "web"]]


def test_stdin_is_passed_explicitly_with_exactly_one_trailing_newline():
    module = FakeModule()
    runner = DokkuRunner(module)
    runner.write(["ssh-keys:add", "admin"], data="ssh-ed25519 AAAA key")
    runner.write(["ssh-keys:add", "admin"], data="ssh-ed25519 AAAA key\n")
    assert module.calls[0][1]["data"] == "ssh-ed25519 AAAA key"
    assert module.calls[0][1]["binary_data"] is False  # run_command appends the newline
    assert module.calls[1][1]["binary_data"] is True


def test_failure_carries_cmd_rc_stdout_stderr_all_masked():
    module = FakeModule(responses=[(1, "DSN postgres://u:s3cret@h/db\n", " !     bad s3cret\n")])
    runner = DokkuRunner(module, secrets=["s3cret"])
    with pytest.raises(Failed) as info:
        runner.write(["postgres:create", "db", "--password", "s3cret"])
    result = info.value.args[0]
    assert result["rc"] == 1
    assert result["cmd"] == "dokku postgres:create db --password " + MASK
    assert "s3cret" not in repr(result)
    assert result["stdout"] == "DSN postgres://u:%s@h/db\n" % MASK
    assert result["msg"].startswith("dokku postgres:create failed with exit code 1: bad " + MASK)
    assert "s3cret" in module.no_log_values


def test_secret_added_late_is_masked_in_earlier_commands():
    runner = DokkuRunner(FakeModule())
    runner.write(["config:set", "app", "K=topsecret"])
    runner.add_secret("topsecret")
    assert runner.masked_commands() == [["dokku", "config:set", "app", "K=" + MASK]]


class Exited(Exception):
    pass


@pytest.mark.parametrize("check_mode", [True, False])
def test_missing_dokku_skips_in_check_mode_and_fails_otherwise(check_mode):
    module = FakeModule(check_mode=check_mode)
    module.get_bin_path = lambda name, required=False: None

    def exit_json(**kwargs):
        raise Exited(kwargs)

    module.exit_json = exit_json
    with pytest.raises(Exited if check_mode else Failed) as info:
        DokkuRunner(module)
    result = info.value.args[0]
    assert "dokku is not installed" in result["msg"]
    if check_mode:
        assert result["skipped"] is True and result["changed"] is False


def test_ok_rcs_accepts_expected_codes():
    module = FakeModule(responses=[(20, "", " !     App x does not exist\n")])
    runner = DokkuRunner(module)
    assert runner.app_exists("x") is False


def test_timeout_is_reported_clearly():
    module = FakeModule(responses=[(124, "", "")])
    runner = DokkuRunner(module)
    with pytest.raises(Failed) as info:
        runner.read(["apps:list"])
    assert "timed out after 30 seconds" in info.value.args[0]["msg"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dokku version 0.38.27\n", (0, 38, 27)),
        ("dokku version v0.26.8\n", (0, 26, 8)),
        ("dokku version 0.38.27-12-gabcdef\n", (0, 38, 27)),
        ("nonsense", None),
    ],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_old_versions_refused_new_ones_warned():
    old = DokkuRunner(FakeModule(responses=[(0, "dokku version 0.26.8\n", "")]))
    with pytest.raises(Failed) as info:
        old.require_supported_version()
    assert "not supported" in info.value.args[0]["msg"]
    module = FakeModule(responses=[(0, "dokku version 0.39.1\n", "")])
    DokkuRunner(module).require_supported_version()
    assert module.warnings and "newer" in module.warnings[0]


def test_runner_is_the_only_place_running_commands():
    """No module calls run_command or subprocess itself."""
    import glob
    import os

    root = os.path.dirname(os.path.dirname(_runner.__file__))
    paths = glob.glob(os.path.join(root, "modules", "*.py")) + glob.glob(os.path.join(root, "module_utils", "**", "*.py"),
                                                                         recursive=True)
    assert any("families" in path for path in paths)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if path.endswith("_runner.py"):
            continue
        assert "run_command(" not in text, path
        assert "subprocess" not in text, path
        assert "use_unsafe_shell" not in text, path


class ConcurrentModule(FakeModule):
    """run_command answers by argv; with ``meet`` the calls wait for each other at a barrier,
    which only works when they run side by side (one after another, the barrier times out)."""

    def __init__(self, answers, meet=0):
        super().__init__()
        self.answers = answers
        self.barrier = threading.Barrier(meet, timeout=10) if meet else None

    def run_command(self, args, **kwargs):
        self.calls.append((args, kwargs))
        if self.barrier is not None:
            self.barrier.wait()
        return self.answers[tuple(args[4:])]


def test_prefetched_reads_run_side_by_side_once_and_are_checked_when_read():
    answers = {("config:export", "--format", "json", "a"): (0, "{}", ""),
               ("config:export", "--format", "json", "b"): (0, '{"K": "v"}', ""),
               ("ports:report", "c", "--ports-map"): (1, "", " !     boom s3cret\n")}
    module = ConcurrentModule(answers, meet=3)
    runner = DokkuRunner(module, secrets=["s3cret"])
    runner.prefetch([list(key) for key in answers] + [["config:export", "--format", "json", "a"]], workers=4)
    module.barrier = None
    assert len(module.calls) == 3  # the duplicate ran once
    assert runner.read(["config:export", "--format", "json", "b"]).stdout == '{"K": "v"}'
    assert len(module.calls) == 3  # served from the prefetch
    # a failed prefetched read fails when read, through the one masked failure path
    with pytest.raises(Failed) as info:
        runner.read(["ports:report", "c", "--ports-map"])
    assert info.value.args[0]["rc"] == 1 and "s3cret" not in repr(info.value.args[0])
    # each stored result serves one read; the next one runs the command again
    runner.read(["config:export", "--format", "json", "b"])
    assert len(module.calls) == 4
    assert runner.commands == []


def test_prefetch_with_one_worker_runs_nothing_ahead():
    module = ConcurrentModule({("apps:list",): (0, "[]", "")})
    runner = DokkuRunner(module)
    runner.prefetch([["apps:list"], ["apps:list", "x"]], workers=1)
    assert module.calls == []
