"""The buildpacks planner: the exact ordered list with the fewest writes, each plan proven by simulation."""

import itertools

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.buildpacks import (
    buildpack_steps,
    canonical,
    simulate,
)

PY = "https://github.com/heroku/heroku-buildpack-python.git"
NODE = "https://github.com/heroku/heroku-buildpack-nodejs.git"
RUBY = "https://github.com/heroku/heroku-buildpack-ruby.git"
GO = "https://github.com/heroku/heroku-buildpack-go.git"


def plan(current, target, replace=False):
    desired, error = get("buildpacks").validate({"buildpacks": target}, "web")
    assert error is None, error
    return get("buildpacks").plan("web", desired, {"buildpacks": current, "replace": replace})


@pytest.mark.parametrize("value, stored", [
    ("heroku/python", PY),
    ("heroku-community/apt", "https://github.com/heroku/heroku-buildpack-apt.git"),
    ("acme/thing", "https://github.com/acme/heroku-buildpack-thing.git"),
    (PY, PY),
    ("https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/php.tgz",
     "https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/php.tgz"),
    ("git@github.com:acme/buildpack.git", "git@github.com:acme/buildpack.git"),
])
def test_values_are_compared_as_dokku_stores_them(value, stored):
    assert canonical(value) == (stored, None)


@pytest.mark.parametrize("value", ["", "python", "heroku/py thon", "ftp://example.com/a/b", "a/b/c", " heroku/python",
                                   "https://example.com/a/b,c", "https://example.com"])
def test_bad_buildpacks_are_refused(value):
    desired, error = get("buildpacks").validate({"buildpacks": [value]}, "web")
    assert desired is None and error.startswith("buildpacks: ")


def test_a_buildpack_listed_twice_is_refused_even_in_two_spellings():
    desired, error = get("buildpacks").validate({"buildpacks": ["heroku/python", PY]}, "web")
    assert desired is None and "same buildpack" in error


def test_transcript_set_replaces_the_first_entry_in_one_write():
    assert plan([PY, NODE], ["heroku/ruby", "heroku/nodejs"]).argvs() == [
        ["dokku", "buildpacks:set", "--index", "1", "web", RUBY]]


@pytest.mark.parametrize("current, target, expected", [
    ([], [PY], [["buildpacks:add", "web", PY]]),
    ([PY], [PY, NODE], [["buildpacks:add", "web", NODE]]),
    ([NODE], [PY, NODE], [["buildpacks:add", "--index", "1", "web", PY]]),
    ([PY, RUBY, NODE], [PY, NODE], [["buildpacks:remove", "web", RUBY]]),
    ([PY, NODE], [], [["buildpacks:clear", "web"]]),
    ([PY, PY], [PY], [["buildpacks:remove", "web", PY], ["buildpacks:add", "web", PY]]),
    ([NODE, PY], [PY, NODE], [["buildpacks:remove", "web", PY], ["buildpacks:add", "--index", "1", "web", PY]]),
    ([PY, NODE, RUBY], [GO, NODE, PY], [["buildpacks:set", "--index", "1", "web", GO],
                                        ["buildpacks:set", "--index", "3", "web", PY]]),
    ([PY], [PY], []),
])
def test_fewest_writes(current, target, expected):
    steps = buildpack_steps("web", current, target)
    assert steps == expected
    assert simulate(current, steps) == target


def test_replace_is_one_write_where_more_would_be_needed_and_dokku_has_it():
    assert plan([NODE, PY], [PY, NODE], replace=True).argvs() == [
        ["dokku", "buildpacks:set", "--replace", "web", PY, NODE]]
    # one write either way: the plain command is kept
    assert plan([PY], [PY, NODE], replace=True).argvs() == [["dokku", "buildpacks:add", "web", NODE]]


def test_every_small_case_reaches_the_target_in_at_most_clear_plus_adds():
    pool = [PY, NODE, RUBY, GO]
    lists = [list(c) for n in range(4) for c in itertools.product(pool, repeat=n)]
    targets = [list(p) for n in range(4) for p in itertools.permutations(pool, n)]
    for current in lists:
        for target in targets:
            steps = buildpack_steps("web", current, target)
            assert simulate(current, steps) == target, (current, target, steps)
            assert len(steps) <= (1 if current else 0) + len(target)


def test_value_classify_info_and_export():
    result = plan([PY], ["heroku/nodejs"])
    assert result.before == {"buildpacks": [PY]} and result.after == {"buildpacks": [NODE]}
    family = get("buildpacks")
    assert family.classify("app:web", ("buildpacks",)) == ({"type": "buildpacks", "app": "web"}, "list")
    assert family.export({"buildpacks": [PY]}, "web", None) == {"buildpacks": [PY]}
    assert family.export({"buildpacks": []}, "web", None) == {}
