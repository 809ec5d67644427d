"""The double reproduces every captured real-Dokku step it covers (see replay.py)."""

import pytest

from replay import load_uncovered, replay, scenario_names


@pytest.mark.parametrize("scenario", scenario_names())
def test_transcript_replays(scenario, tmp_path):
    problems = replay(scenario, str(tmp_path))
    assert not problems, "\n".join(problems)


def test_uncovered_steps_have_reasons():
    for scenario, steps in load_uncovered().items():
        assert scenario in scenario_names()
        for index, reason in steps.items():
            assert isinstance(index, int) and len(reason) > 20, (scenario, index)


def test_readme_lists_every_uncovered_step():
    import os

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for scenario, steps in load_uncovered().items():
        for index in steps:
            assert "| %s | step %d |" % (scenario, index) in readme, (scenario, index)
