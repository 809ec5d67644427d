"""Run the collection's real modules through ansible-playbook against the Dokku double.

``DokkuHost`` is one fresh double state (its own DOKKU_ROOT / DOKKU_LIB_ROOT)
with helpers to read the double's call log and files.  ``run_tasks`` writes a
playbook of tasks, runs it once with the ``ansible.posix.json`` callback and
returns each task's result; every task carries a tag that the double writes
into its call log, so tests can count the reads and writes of each task.
``quartet`` runs check mode, real run, idempotent check, idempotent real run.
"""

import json
import os
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO, "tests", "output", "collections")
DOUBLE = os.path.join(REPO, "tests", "double")

BIN = os.path.join(DOUBLE, "bin")


class DokkuHost:
    def __init__(self, workdir, plugins=("postgres", "letsencrypt"), version="0.38.27"):
        from dokku_double.admin import init_state  # pylint: disable=import-outside-toplevel

        self.workdir = str(workdir)
        self.env = {
            "DOKKU_ROOT": os.path.join(self.workdir, "home", "dokku"),
            "DOKKU_LIB_ROOT": os.path.join(self.workdir, "var", "lib", "dokku"),
            "DOKKU_DOUBLE_DIR": os.path.join(self.workdir, "double"),
            # Ansible runs as root on a Dokku host; let a non-root developer run the tests too
            "DOKKU_DOUBLE_EUID": "0",
        }
        init_state(env=dict(os.environ, **self.env), version=version, plugins=plugins)

    def copy_state_from(self, other):
        """Take over another host's Dokku state (not its call log): a converged host costs one copy."""
        import shutil  # pylint: disable=import-outside-toplevel

        for key in ("DOKKU_ROOT", "DOKKU_LIB_ROOT"):
            shutil.rmtree(self.env[key])
            shutil.copytree(other.env[key], self.env[key], symlinks=True)
        # /etc/cron.d of the datastore backups lives in the double's own directory
        cron = os.path.join(other.env["DOKKU_DOUBLE_DIR"], "cron.d")
        if os.path.isdir(cron):
            shutil.copytree(cron, os.path.join(self.env["DOKKU_DOUBLE_DIR"], "cron.d"), dirs_exist_ok=True)

    # ------------------------------------------------------------- the double
    @property
    def log_path(self):
        return os.path.join(self.env["DOKKU_DOUBLE_DIR"], "calls.jsonl")

    def calls(self, tag=None, kind=None):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8") as handle:
            entries = [json.loads(line) for line in handle if line.strip()]
        return [
            e for e in entries
            if (tag is None or e.get("tag") == tag) and (kind is None or e["kind"] == kind)
        ]

    def writes(self, tag=None):
        return [e["argv"] for e in self.calls(tag=tag, kind="write")]

    def dokku(self, *args, stdin=None):
        """Run the double directly (outside Ansible), e.g. to arrange or read state."""
        env = dict(os.environ, **self.env)
        env["DOKKU_DOUBLE_TAG"] = "test-setup"
        proc = subprocess.run(
            [os.path.join(BIN, "dokku")] + list(args),
            input=stdin if stdin is not None else "",
            capture_output=True, text=True, env=env, check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr

    def json(self, *args):
        rc, out, err = self.dokku(*args)
        assert rc == 0, (args, rc, out, err)
        return json.loads(out)

    def home(self, *parts):
        return os.path.join(self.env["DOKKU_ROOT"], *parts)

    def lib(self, *parts):
        return os.path.join(self.env["DOKKU_LIB_ROOT"], *parts)

    def faults(self, rules):
        os.makedirs(self.env["DOKKU_DOUBLE_DIR"], exist_ok=True)
        with open(os.path.join(self.env["DOKKU_DOUBLE_DIR"], "faults.json"), "w", encoding="utf-8") as handle:
            json.dump(rules, handle)

    # ---------------------------------------------------------- ansible runs
    def ansible_env(self, extra_env=None):
        env = dict(os.environ, **self.env)
        env.update(
            {
                "PATH": BIN + os.pathsep + env.get("PATH", ""),
                "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
                "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
                "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "false",
                "ANSIBLE_VERBOSE_TO_STDERR": "1",
            }
        )
        env.update(extra_env or {})
        return env

    def playbook(self, args, tag="playbook", extra_env=None):
        """Run ansible-playbook with ``args``; returns (json report, proc)."""
        env = self.ansible_env(extra_env)
        env["DOKKU_DOUBLE_TAG"] = tag
        proc = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "ansible-playbook")] + list(args),
            capture_output=True, text=True, env=env, cwd=REPO, check=False,
        )
        try:
            report = json.loads(proc.stdout)
        except ValueError as exc:
            raise AssertionError("ansible-playbook output is not JSON:\n%s\n%s" % (proc.stdout, proc.stderr)) from exc
        return report, proc

    def run_tasks(self, tasks, extra_env=None, verbosity=0):
        """Run tasks in one playbook; returns ``(results, proc)``.

        Each task: ``{"module": FQCN, "args": {...}, "check": bool, "tag": str}``.
        Failures are kept (``ignore_errors``) and returned like other results.
        """
        play_tasks = []
        for index, task in enumerate(tasks):
            play_tasks.append(
                {
                    "name": task.get("tag", "task %d" % index),
                    task["module"]: task.get("args", {}),
                    "check_mode": bool(task.get("check", False)),
                    "diff": True,
                    "ignore_errors": True,
                    "environment": {"DOKKU_DOUBLE_TAG": task.get("tag", "task %d" % index)},
                }
            )
        playbook = [{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]
        path = os.path.join(self.workdir, "playbook-%d.yml" % len(os.listdir(self.workdir)))
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(playbook, handle, sort_keys=False)
        args = ["-i", "localhost,", "-c", "local", path] + (["-" + "v" * verbosity] if verbosity else [])
        report, proc = self.playbook(args, extra_env=extra_env)
        results = [task["hosts"]["localhost"] for task in report["plays"][0]["tasks"]]
        for result in results:  # every family reads what it declared it would (batching is not lost)
            assert not any("run ahead but never used" in w for w in result.get("warnings", [])), result["warnings"]
        return results, proc

    def run(self, module, args, check=False, tag="run"):
        results, _proc = self.run_tasks([{"module": module, "args": args, "check": check, "tag": tag}])
        return results[0]

    def quartet(self, module, args, expected_commands=None, diff_shape=None):
        """Check mode, real, idempotent check, idempotent real: the standard proof.

        Returns the four results after asserting ``changed``, ``diff`` and the
        double's call log (no write in check mode or on the idempotent runs).
        ``diff_shape`` maps a diff to what must agree between the check-mode and
        the real run (for modules whose value markers change from run to run).
        """
        tags = ["check", "real", "check-again", "real-again"]
        results, proc = self.run_tasks(
            [{"module": module, "args": args, "check": tag.startswith("check"), "tag": tag} for tag in tags]
        )
        check, real, check2, real2 = results
        for tag, result in zip(tags, results):
            assert not result.get("failed"), (tag, result, proc.stderr)
        assert check["changed"] is True, check
        assert self.writes("check") == [], "check mode wrote: %r" % self.writes("check")
        assert real["changed"] is True, real
        assert self.writes("real"), "the real run made no write"
        shape = diff_shape or (lambda diff: diff)
        assert shape(check["diff"]) == shape(real["diff"]), (check["diff"], real["diff"])
        assert check["diff"]["before"] != check["diff"]["after"]
        assert check["commands"] == real["commands"]
        if expected_commands is not None:
            assert real["commands"] == expected_commands, real["commands"]
            assert self.writes("real") == [c[1:] for c in expected_commands]
        for again in (check2, real2):
            assert again["changed"] is False, again
            assert again["commands"] == [], again["commands"]
            assert again["diff"]["before"] == again["diff"]["after"], again["diff"]
        assert self.writes("check-again") == [] and self.writes("real-again") == []
        return results


def validate_drift_report(report):
    """The drift report against docs/drift-report.schema.json (every resource type a finding carries)."""
    import jsonschema  # pylint: disable=import-outside-toplevel

    with open(os.path.join(REPO, "docs", "drift-report.schema.json"), encoding="utf-8") as handle:
        jsonschema.validate(report, json.load(handle))
