"""Replay the captured real-Dokku transcripts against the double.

Each scenario starts from the transcripts' clean state (an empty
authorized_keys, core plugins plus postgres and letsencrypt) and runs every
step in order.  ``dokku`` steps must give the same rc, stdout and stderr as
real Dokku 0.38.27, placeholders aside; inspection steps (``cat``, ``ls``,
``crontab -l``) read the double's files.  Steps the double does not cover are
listed with their reason in ``uncovered/<scenario>.json`` (and the README); such a step
that starts matching is reported so the list stays honest.
"""

import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSCRIPTS = os.path.join(HERE, "transcripts")
FIXTURES = os.path.join(HERE, "fixtures", "srv")
UNCOVERED = os.path.join(HERE, "uncovered")

PLACEHOLDERS = {
    "<PASSWORD>": r"[0-9a-f]{32}",
    "<CONTAINER_ID>": r"[0-9a-f]{12,64}",
    "<IP>": r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}",
    "<TIMESTAMP>": r"[0-9]{9,11}|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}",
    "<RANDOM_PORT>": r"[0-9]{2,5}",
    "<TOKEN>": r"[A-Za-z0-9._~+/=-]+",
    "<TMPFILE>": r"/tmp/dokku-[0-9]+-[A-Za-z0-9_.-]+",
    "<DUMP>": r"(?s:.*)",
    "<PID>": r"[0-9]+",
    "<RESOLVER>": r"[0-9.:a-f\[\]]+",
    "<REGISTRY_HOST>": r"[A-Za-z0-9.-]+",
}
# Steps whose line order varies on real Dokku (index notes): compared as sorted lines.
UNORDERED_COMMANDS = {"config:clear"}


def scenario_names():
    return sorted(
        name[:-5] for name in os.listdir(TRANSCRIPTS) if name.endswith(".json") and name != "index.json"
    )


def load_scenario(name):
    with open(os.path.join(TRANSCRIPTS, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def load_uncovered():
    """``uncovered/<scenario>.json``: {step index: reason} for steps the double does not reproduce."""
    data = {}
    for name in sorted(os.listdir(UNCOVERED)):
        if name.endswith(".json"):
            with open(os.path.join(UNCOVERED, name), encoding="utf-8") as handle:
                data[name[:-5]] = {int(k): v for k, v in json.load(handle).items()}
    return data


def _pattern(expected, placeholders):
    if not placeholders:
        return None
    parts = re.split("(" + "|".join(re.escape(p) for p in PLACEHOLDERS) + ")", expected)
    regex = "".join(
        "(?:%s)" % PLACEHOLDERS[part] if part in PLACEHOLDERS else re.escape(part) for part in parts
    )
    return re.compile(regex + r"\Z", re.S)


def _strip_trailing(text):
    return "\n".join(line.rstrip() for line in text.split("\n"))


def matches(expected, actual, placeholders, unordered=False):
    if unordered:
        expected = "\n".join(sorted(expected.split("\n")))
        actual = "\n".join(sorted(actual.split("\n")))
    if not placeholders:
        return expected == actual
    # padded columns keep the original value's width: ignore trailing blanks
    pattern = _pattern(_strip_trailing(expected), placeholders)
    return bool(pattern.match(_strip_trailing(actual)))


class Host:
    """A fresh double state in ``workdir`` plus the fixture files of the transcripts."""

    def __init__(self, workdir):
        from dokku_double.admin import init_state  # pylint: disable=import-outside-toplevel

        self.workdir = workdir
        self.env = dict(os.environ)
        self.env.update(
            {
                "DOKKU_ROOT": os.path.join(workdir, "home", "dokku"),
                "DOKKU_LIB_ROOT": os.path.join(workdir, "var", "lib", "dokku"),
                "DOKKU_DOUBLE_DIR": os.path.join(workdir, "double"),
            }
        )
        self.env.pop("DOKKU_DOUBLE_LATENCY", None)
        self.env.pop("DOKKU_DOUBLE_LOG", None)
        self.fixtures = os.path.join(workdir, "srv", "fixtures")
        shutil.copytree(FIXTURES, self.fixtures)
        init_state(env=self.env, plugins=("postgres", "letsencrypt"))

    def _to_host(self, text):
        return (
            text.replace("/srv/fixtures", self.fixtures)
            .replace("/home/dokku", self.env["DOKKU_ROOT"])
            .replace("/var/lib/dokku", self.env["DOKKU_LIB_ROOT"])
        )

    def _from_host(self, text):
        return (
            text.replace(self.fixtures, "/srv/fixtures")
            .replace(self.env["DOKKU_ROOT"], "/home/dokku")
            .replace(self.env["DOKKU_LIB_ROOT"], "/var/lib/dokku")
        )

    def run_step(self, step):
        from dokku_double import cli  # pylint: disable=import-outside-toplevel

        argv = step["argv"]
        if argv[0] == "dokku":
            args = [self._to_host(arg) for arg in argv[1:]]
            attached = step.get("stdin_attached", True)
            rc, out, err = cli.run(
                args, env=self.env, stdin_data=step["stdin"] or "", stdin_is_pipe=attached
            )
            return rc, self._from_host(out), self._from_host(err)
        return self._inspect(argv)

    def _inspect(self, argv):
        if argv[0] == "cat":
            path = self._to_host(argv[1])
            try:
                with open(path, encoding="utf-8") as handle:
                    return 0, self._from_host(handle.read()), ""
            except FileNotFoundError:
                return 1, "", "cat: %s: No such file or directory\n" % argv[1]
        if argv[0] == "ls" and argv[1].startswith("-"):  # ls -ld: owner, mode and mtime (see uncovered/)
            return 1, "", "ls %s: not reproduced by the double\n" % argv[1]
        if argv[0] == "ls":
            path = self._to_host(argv[1])
            names = sorted(os.listdir(path))
            return 0, "".join(name + "\n" for name in names), ""
        if argv[:2] == ["crontab", "-l"]:
            path = os.path.join(self.env["DOKKU_DOUBLE_DIR"], "crontab-dokku")
            if not os.path.exists(path):
                return 1, "", "no crontab for dokku\n"
            with open(path, encoding="utf-8") as handle:
                return 0, self._from_host(handle.read()), ""
        raise ValueError("unknown inspection step %r" % argv)


def replay(name, workdir):
    """Run one scenario; returns a list of mismatch descriptions (empty when faithful)."""
    scenario = load_scenario(name)
    uncovered = load_uncovered().get(name, {})
    host = Host(workdir)
    problems = []
    for index, step in enumerate(scenario["steps"]):
        rc, out, err = host.run_step(step)
        placeholders = step.get("placeholders") or []
        command = step["argv"][1] if len(step["argv"]) > 1 else ""
        unordered = command in UNORDERED_COMMANDS
        same = (
            rc == step["rc"]
            and matches(step["stdout"], out, placeholders, unordered)
            and matches(step["stderr"], err, placeholders, unordered)
        )
        if index in uncovered:
            if same:
                problems.append(
                    "%s step %d now matches: remove it from uncovered/%s.json" % (name, index, name)
                )
            continue
        if not same:
            problems.append(
                "%s step %d %r\n  expected rc=%r out=%r err=%r\n  actual   rc=%r out=%r err=%r"
                % (name, index, step["argv"], step["rc"], step["stdout"], step["stderr"], rc, out, err)
            )
    return problems
