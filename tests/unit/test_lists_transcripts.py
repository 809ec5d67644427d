"""The double reproduces the real-Dokku steps of the list families in the shared scenarios.

``builders.json``, ``checks.json``, ``proxy-ps.json`` and ``registry.json`` also hold property-table
steps, and the scenario files belong to that work; this test replays only the buildpacks, checks
enable/disable/skip, ps:scale and registry:login steps (with the apps:create and apps:destroy
around them), in order, from ``/work/shared/dokku-transcripts`` through replay.py's functions.
Where that folder is absent (a CI machine), the test is skipped.
"""

import json
import os

import pytest
from replay import UNORDERED_COMMANDS, Host, matches

SHARED = os.environ.get("DOKKU_TRANSCRIPTS_DIR", "/work/shared/dokku-transcripts")
STEPS = {
    "builders": [0] + list(range(39, 57)) + [63],
    "checks": [0] + list(range(13, 26)),
    "proxy-ps": [0] + list(range(35, 44)),
    "registry": [0, 24, 25, 26, 27, 28, 29],
}


@pytest.mark.parametrize("scenario", sorted(STEPS))
def test_list_family_steps_replay(scenario, tmp_path):
    path = os.path.join(SHARED, scenario + ".json")
    if not os.path.exists(path):
        pytest.skip("no shared transcripts at %s" % SHARED)
    with open(path, encoding="utf-8") as handle:
        steps = json.load(handle)["steps"]
    host = Host(str(tmp_path))
    problems = []
    for index in STEPS[scenario]:
        step = steps[index]
        rc, out, err = host.run_step(step)
        placeholders = step.get("placeholders") or []
        unordered = step["argv"][1] in UNORDERED_COMMANDS
        if not (rc == step["rc"] and matches(step["stdout"], out, placeholders, unordered)
                and matches(step["stderr"], err, placeholders, unordered)):
            problems.append("%s step %d %r\n  expected rc=%r out=%r err=%r\n  actual   rc=%r out=%r err=%r" % (
                scenario, index, step["argv"], step["rc"], step["stdout"], step["stderr"], rc, out, err))
    assert not problems, "\n".join(problems)
