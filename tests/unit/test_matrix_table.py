"""scripts/matrix_table.py: the README's matrix table must say what the run's records say."""

import os
import shutil
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))

import matrix_table  # noqa: E402  pylint: disable=wrong-import-position

SANITY = ["validate-modules", "ansible-doc", "runtime-metadata", "action-plugin-docs"]


@pytest.fixture
def table(tmp_path, monkeypatch):
    """A copy of README.md and meta/runtime.yml, and an empty records directory."""
    shutil.copy(os.path.join(REPO, "README.md"), tmp_path / "README.md")
    (tmp_path / "meta").mkdir()
    shutil.copy(os.path.join(REPO, "meta", "runtime.yml"), tmp_path / "meta" / "runtime.yml")
    monkeypatch.setattr(matrix_table, "README", str(tmp_path / "README.md"))
    monkeypatch.setattr(matrix_table, "RUNTIME", str(tmp_path / "meta" / "runtime.yml"))
    monkeypatch.setattr(matrix_table, "RECORDS", str(tmp_path / "records"))
    return tmp_path


def full_run(skip=()):
    for line in matrix_table.SMOKE_LINES:
        if (line, "controller") not in skip:
            matrix_table.record(line, "controller", sanity=SANITY, tests="smoke")
    matrix_table.record(matrix_table.FULL_LINE, "sanity", sanity=["all"])
    matrix_table.record(matrix_table.FULL_LINE, "controller", tests="full")
    if (matrix_table.FULL_LINE, "debian12") not in skip:
        matrix_table.record(matrix_table.FULL_LINE, "debian12", scenarios=["all"])
    matrix_table.record(matrix_table.FULL_LINE, "debian13", scenarios=["default", "dokku_install"])


def test_the_committed_readme_matches_a_full_run(table):
    full_run()
    matrix_table.check(partial=False, write=False)


def test_a_step_that_did_not_pass_fails_the_check(table):
    full_run(skip={("2.17", "controller")})
    with pytest.raises(SystemExit, match="no record for ansible-core 2.17 on controller"):
        matrix_table.check(partial=False, write=False)


def test_a_hand_edited_cell_fails_the_check(table):
    full_run()
    readme = table / "README.md"
    readme.write_text(readme.read_text().replace("molecule: every scenario", "molecule: most scenarios"))
    with pytest.raises(SystemExit, match="README says 'molecule: most scenarios'"):
        matrix_table.check(partial=False, write=False)


def test_a_partial_run_checks_only_what_it_recorded(table):
    full_run(skip={(matrix_table.FULL_LINE, "debian12")})
    with pytest.raises(SystemExit):
        matrix_table.check(partial=False, write=False)
    matrix_table.check(partial=True, write=False)


def test_requires_ansible_must_be_the_tested_lines(table):
    full_run()
    runtime = table / "meta" / "runtime.yml"
    runtime.write_text(runtime.read_text().replace('">=2.16.0,<2.20.0"', '">=2.16.0"'))
    with pytest.raises(SystemExit, match="requires_ansible must be '>=2.16.0,<2.20.0'"):
        matrix_table.check(partial=False, write=False)
