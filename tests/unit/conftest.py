"""Fixtures of the unit tests that drive the double in-process."""

import os

import pytest
from dokku_double import cli
from dokku_double.admin import init_state


@pytest.fixture
def dokku(tmp_path):
    """A fresh double state with the app ``web``: ``dokku(*args, stdin=None)`` -> (rc, out, err)."""
    env = dict(
        os.environ,
        DOKKU_ROOT=str(tmp_path / "home"),
        DOKKU_LIB_ROOT=str(tmp_path / "lib"),
        DOKKU_DOUBLE_DIR=str(tmp_path / "double"),
    )
    init_state(env=env)

    def run(*args, stdin=None):
        return cli.run(list(args), env=env, stdin_data=stdin)

    run.home = tmp_path / "home"
    run.lib = tmp_path / "lib"
    assert run("apps:create", "web")[0] == 0
    return run
