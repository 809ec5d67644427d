# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that executes ``dokku``.

Every module builds a :class:`DokkuRunner` and calls :meth:`DokkuRunner.read`
for state and :meth:`DokkuRunner.write` for changes.  The runner

* runs argv lists only (never a shell) with ``expand_user_and_vars=False`` and
  ``LC_ALL=C``, global flags before the command and stdin passed explicitly;
* records every mutating call in ``commands`` and skips it in check mode;
* masks every registered secret in ``commands``, errors and returned output,
  and registers it with Ansible's own ``no_log_values``;
* fails through one path (:meth:`DokkuRunner.fail`) carrying cmd, rc, stdout
  and stderr;
* detects the Dokku version once and lets modules gate syntax on it;
* can run a batch of reads a few at a time (:meth:`DokkuRunner.prefetch`);
  their results are then checked by :meth:`DokkuRunner.read` in the module's
  own thread, exactly as if the read had run there.

This is a private module_utils file: its API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.selfhosted.dokku.plugins.module_utils._secrets import MASK

SUPPORTED_MIN_VERSION = (0, 38, 0)
TESTED_MAX_MINOR = (0, 38)
DEFAULT_TIMEOUT = 600
_VERSION_RE = re.compile(r"^dokku version v?(\S+)", re.M)
# What Dokku prints for a command no installed plugin provides (exit code 1).
NOT_A_COMMAND = "is not a dokku command"
MISSING_APP = "app %s does not exist; create it first (selfhosted.dokku.dokku_app)"

COMMON_ARGUMENT_SPEC = dict(
    command_timeout=dict(type="int", default=DEFAULT_TIMEOUT),
    option_names=dict(type="dict", default={}),
)


def dokku_argument_spec(**spec):
    """The module's own options plus the options every module shares."""
    merged = dict(COMMON_ARGUMENT_SPEC)
    merged.update(spec)
    return merged


def renamed(msg, names):
    """``msg`` with a leading option path (``apps[web].config: ...``) named as the operator wrote it."""
    if not isinstance(msg, str):
        return msg
    for option in sorted(names, key=len, reverse=True):
        if msg == option or (msg.startswith(option) and msg[len(option)] in "[.:, "):
            return str(names[option]) + msg[len(option):]
    return msg


def name_options(module):
    """Failures name the variables the operator wrote: a role passes ``option_names`` (option ->
    its variable, ``{"apps": "dokku_apps_apps"}``) and every message that starts with an option's
    path starts with the variable's instead.  Call it right after creating the module."""
    names = module.params.get("option_names") or {}
    if not names:
        return module
    fail_json = module.fail_json

    def fail_named(msg=None, **kwargs):
        return fail_json(msg=renamed(msg, names), **kwargs)

    module.fail_json = fail_named
    return module


def dokku_root():
    """Dokku's home (``DOKKU_ROOT`` from the environment, as Dokku reads it)."""
    return os.environ.get("DOKKU_ROOT") or "/home/dokku"


def parse_version(text):
    """``dokku version 0.38.27`` -> ``(0, 38, 27)``; None when it cannot be read."""
    match = _VERSION_RE.search(text or "")
    if not match:
        return None
    numbers = re.findall(r"\d+", match.group(1).split("-")[0])
    if len(numbers) < 2:
        return None
    return tuple(int(n) for n in numbers[:3])


class Read(object):
    """One read-only dokku call: its arguments, global flags and the exit codes it accepts.

    Families declare the reads they need as ``Read`` objects; two reads are the same
    read when their arguments and global flags are equal, which is how a result run
    ahead by :meth:`DokkuRunner.prefetch` is found again.  ``cost_ms`` is the modelled
    latency the state reader compares to pick the cheapest form (see ``_family.COST_MS``).
    """

    __slots__ = ("args", "global_flags", "ok_rcs")

    def __init__(self, args, global_flags=(), ok_rcs=(0,)):
        self.args = tuple(str(arg) for arg in args)
        self.global_flags = tuple(str(flag) for flag in global_flags)
        self.ok_rcs = tuple(ok_rcs)

    @property
    def key(self):
        return self.global_flags + self.args

    def __eq__(self, other):
        return isinstance(other, Read) and self.key == other.key

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return "Read(%r)" % (" ".join(self.key),)


def as_read(read, global_flags=(), ok_rcs=(0,)):
    """A :class:`Read` from a Read or an argument list."""
    if isinstance(read, Read):
        return read
    return Read(read, global_flags=global_flags, ok_rcs=ok_rcs)


class Result(object):
    """Outcome of one call.  ``skipped`` is True for a write not run in check mode."""

    def __init__(self, rc, stdout, stderr, skipped=False):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.skipped = skipped


class DokkuRunner(object):
    def __init__(self, module, secrets=None):
        self.module = module
        self.check_mode = module.check_mode
        self.commands = []
        self._secrets = set()
        self._version = None
        self._prefetched = {}  # Read -> (rc, stdout, stderr) of a read run by prefetch()
        self._bin = module.get_bin_path("dokku")
        if self._bin is None:
            if module.check_mode:
                # a fresh host in check mode: dokku_install would install Dokku first
                module.warn("dokku is not installed on this host: check mode skips this task, so it predicts "
                            "nothing here (a drift check reports the host as failed)")
                module.exit_json(
                    changed=False, skipped=True, commands=[],
                    msg="dokku is not installed on this host, so check mode cannot predict this task",
                )
            module.fail_json(msg="dokku is not installed on this host (no dokku command on the PATH)")
        self._timeout_bin = module.get_bin_path("timeout")
        self.timeout = module.params.get("command_timeout") or DEFAULT_TIMEOUT
        for secret in secrets or ():
            self.add_secret(secret)

    # ---------------------------------------------------------------- secrets
    def add_secret(self, value):
        """Mask ``value`` everywhere from now on (also in Ansible's own output)."""
        if value is None:
            return
        value = str(value)
        if not value:
            return
        self._secrets.add(value)
        self.module.no_log_values.add(value)

    def mask(self, value):
        """Mask secrets in a string, or in each string of a list."""
        if isinstance(value, (list, tuple)):
            return [self.mask(item) for item in value]
        if not isinstance(value, str):
            return value
        # longest first, so a secret containing another one is masked whole
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return value

    def masked_commands(self):
        """``commands`` with every secret known so far masked (also ones added late)."""
        return [self.mask(argv) for argv in self.commands]

    # -------------------------------------------------------------- execution
    def _argv(self, args, global_flags):
        return [self._bin] + list(global_flags) + [str(arg) for arg in args]

    def display_argv(self, args, global_flags=()):
        """The masked argv as reported in ``commands`` (``dokku`` first)."""
        return self.mask(["dokku"] + list(global_flags) + [str(arg) for arg in args])

    def _with_timeout(self, argv):
        """``argv`` run under coreutils ``timeout`` (rc 124 when it stops it), when there is one."""
        if self._timeout_bin and self.timeout:
            return [self._timeout_bin, "--kill-after=10", str(int(self.timeout))] + argv
        return argv

    def _execute(self, args, global_flags=(), data=None):
        """Run the command (stopped after ``command_timeout``); ``(rc, stdout, stderr)``, nothing checked."""
        return self.module.run_command(
            self._with_timeout(self._argv(args, global_flags)),
            data=data,
            # bytes (a tar archive) go as they are; text gets no newline added when it ends in one
            binary_data=isinstance(data, bytes) or (data is not None and data.endswith("\n")),
            check_rc=False,
            environ_update={"LC_ALL": "C", "LANG": "C"},
            expand_user_and_vars=False,
        )

    def run(self, args, write=False, data=None, global_flags=(), ok_rcs=(0,), fail_on_error=True):
        """Run ``dokku [global_flags] args``; writes are recorded and skipped in check mode."""
        if write:
            self.commands.append(self.display_argv(args, global_flags))
            if self.check_mode:
                return Result(0, "", "", skipped=True)
        key = Read(args, global_flags)
        if not write and data is None and key in self._prefetched:
            rc, out, err = self._prefetched.pop(key)
        else:
            rc, out, err = self._execute(args, global_flags, data)
        if self._timeout_bin and self.timeout and rc == 124:
            self.fail(
                "dokku %s timed out after %d seconds" % (self.mask(str(args[0])), self.timeout),
                args=args, global_flags=global_flags, rc=rc, stdout=out, stderr=err,
            )
        if fail_on_error and rc not in ok_rcs:
            self.fail(
                "dokku %s failed with exit code %d" % (self.mask(str(args[0])), rc),
                args=args, global_flags=global_flags, rc=rc, stdout=out, stderr=err,
            )
        return Result(rc, out, err)

    def stream(self, args, stdout_path=None, stdin_path=None, write=True, global_flags=(), ok_rcs=(0,),
               fail_on_error=True):
        """A call whose data is too big to hold in memory (a database dump), argv only, never a shell.

        Its stdout goes into ``stdout_path`` (a new file, mode 0600) and/or its stdin comes from
        ``stdin_path``; otherwise like :meth:`run` (recorded and skipped in check mode when
        ``write``, stopped after ``command_timeout``, one failure path).
        """
        if write:
            self.commands.append(self.display_argv(args, global_flags))
            if self.check_mode:
                return Result(0, "", "", skipped=True)
        argv = self._with_timeout(self._argv(args, global_flags))
        env = dict(os.environ, LC_ALL="C", LANG="C")
        out_fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) if stdout_path else None
        in_handle = open(stdin_path, "rb") if stdin_path else None
        try:
            proc = subprocess.Popen(argv, stdin=in_handle if in_handle else subprocess.PIPE,
                                    stdout=out_fd if out_fd is not None else subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env)
            out, err = proc.communicate(None if in_handle else b"")
            rc = proc.returncode
        finally:
            if out_fd is not None:
                os.close(out_fd)
            if in_handle:
                in_handle.close()
        out = (out or b"").decode("utf-8", "replace")
        err = (err or b"").decode("utf-8", "replace")
        if self._timeout_bin and self.timeout and rc == 124:
            self.fail("dokku %s timed out after %d seconds" % (self.mask(str(args[0])), self.timeout),
                      args=args, global_flags=global_flags, rc=rc, stdout=out, stderr=err)
        if fail_on_error and rc not in ok_rcs:
            self.fail("dokku %s failed with exit code %d" % (self.mask(str(args[0])), rc),
                      args=args, global_flags=global_flags, rc=rc, stdout=out, stderr=err)
        return Result(rc, out, err)

    def prefetch(self, reads, workers):
        """Run these reads (:class:`Read` objects or argument lists), ``workers`` at a time.

        Nothing is checked here: a later :meth:`read` of the same read takes the stored
        result and checks it as if it had run the command itself (rc, timeout, failure
        path), so a module reads the same way with or without a prefetch.  Each stored
        result is used once.  Reads only; writes always run one after another.
        """
        pending = []
        for read in reads:
            read = as_read(read)
            if read not in self._prefetched and read not in pending:
                pending.append(read)
        if workers < 2 or len(pending) < 2:
            return
        pool = ThreadPoolExecutor(max_workers=min(workers, len(pending)))
        try:
            results = pool.map(lambda read: self._execute(read.args, read.global_flags), pending)
            for read, result in zip(pending, results):
                self._prefetched[read] = result
        finally:
            pool.shutdown(wait=True)

    def unused_prefetches(self):
        """The reads run ahead that no :meth:`read` took (sorted)."""
        return sorted(self._prefetched, key=lambda read: read.key)

    def read(self, args, **kwargs):
        """A call that changes nothing: it also runs in check mode.

        ``args`` is an argument list or a :class:`Read` (whose global flags and accepted
        exit codes are used unless given here).
        """
        if isinstance(args, Read):
            kwargs.setdefault("global_flags", args.global_flags)
            kwargs.setdefault("ok_rcs", args.ok_rcs)
            args = list(args.args)
        return self.run(args, write=False, **kwargs)

    def write(self, args, **kwargs):
        """A mutating call: recorded in ``commands``, skipped in check mode."""
        return self.run(args, write=True, **kwargs)

    def fail(self, msg, args=None, global_flags=(), rc=None, stdout="", stderr="", **extra):
        """The single failure path: everything it returns is masked."""
        result = dict(msg=self.mask(msg), commands=self.masked_commands())
        if args is not None:
            result["cmd"] = " ".join(self.display_argv(args, global_flags))
            result["rc"] = rc
            result["stdout"] = self.mask(stdout or "")
            result["stderr"] = self.mask(stderr or "")
            detail = self.mask((stderr or stdout or "").strip())
            if detail:
                result["msg"] = "%s: %s" % (result["msg"], detail.splitlines()[-1].strip(" !"))
        for key, value in extra.items():
            result[key] = self.mask(value) if isinstance(value, (str, list)) else value
        self.module.fail_json(**result)

    def not_a_command(self, res):
        """True when Dokku answered that no installed plugin provides the command."""
        return res.rc != 0 and NOT_A_COMMAND in (res.stderr or "")

    def missing_app(self, app):
        """The one "app does not exist" answer (see :meth:`missing`)."""
        self.missing(MISSING_APP % app)

    def missing(self, msg):
        """Something the task builds on does not exist (an app, a service, a plugin).

        In check mode an earlier task of the same run would have created it, so the
        caller predicts against an empty state and the run gets a warning; a real run
        fails with ``msg``.
        """
        if not self.check_mode:
            self.fail(msg)
        self.module.warn(msg + " (check mode assumes an earlier task creates it)")

    # ---------------------------------------------------------------- version
    @property
    def version(self):
        """The Dokku version as a tuple, read once per module run."""
        if self._version is None:
            res = self.read(["version"])
            version = parse_version(res.stdout)
            if version is None:
                self.fail("cannot read the Dokku version from %r" % res.stdout.strip())
            self._version = version
        return self._version

    def require_supported_version(self):
        """Refuse Dokku versions whose output formats this collection does not parse."""
        version = self.version
        if version < SUPPORTED_MIN_VERSION:
            self.fail(
                "Dokku %s is not supported: this collection needs Dokku %s or newer "
                "(it reads the JSON reports and config:import added in 0.38)"
                % (".".join(map(str, version)), ".".join(map(str, SUPPORTED_MIN_VERSION)))
            )
        if version[:2] > TESTED_MAX_MINOR:
            self.module.warn(
                "Dokku %s is newer than the versions this collection was tested with (0.38.x)"
                % ".".join(map(str, version))
            )
        return version

    def at_least(self, *version):
        return self.version >= tuple(version)

    # -------------------------------------------------------------------- git
    def ls_remote(self, url, ref, ok_rcs=(0, 2), fail_on_error=True):
        """``git ls-remote --exit-code URL REF REF^{}``: a read (it also runs in check mode).

        The second pattern lists an annotated tag's commit (``refs/tags/REF^{}``).  git
        runs with Dokku's home as ``HOME`` (``DOKKU_ROOT``, default ``/home/dokku``) so it
        uses the ``.netrc`` that ``dokku git:auth`` writes, never prompts, and is stopped
        after ``command_timeout``.  rc 2 means that no ref matched.
        """
        args = ["ls-remote", "--exit-code", url, ref, ref + "^{}"]
        display = " ".join(self.mask(["git"] + args))
        git = self.module.get_bin_path("git")
        if git is None:
            self.fail("git is not installed on this host (it is needed to resolve %s)" % self.mask(ref))
        rc, out, err = self.module.run_command(
            self._with_timeout([git] + args),
            check_rc=False,
            environ_update={
                "LC_ALL": "C",
                "LANG": "C",
                "GIT_TERMINAL_PROMPT": "0",
                "HOME": dokku_root(),
            },
            expand_user_and_vars=False,
        )
        if self._timeout_bin and self.timeout and rc == 124:
            self.fail("git ls-remote timed out after %d seconds" % self.timeout, cmd=display)
        if fail_on_error and rc not in ok_rcs:
            detail = (err or out or "").strip()
            self.fail(
                "git ls-remote failed with exit code %d%s" % (rc, ": " + detail.splitlines()[-1] if detail else ""),
                cmd=display,
            )
        return Result(rc, out, err)

    # ----------------------------------------------------------- common reads
    def app_exists(self, app):
        """``apps:exists``: True (rc 0), False (rc 20); anything else fails."""
        res = self.read(["apps:exists", app], ok_rcs=(0, 20))
        return res.rc == 0

    def json_read(self, args, default=None, ok_rcs=(0,)):
        """Run a ``--format json`` read and decode it (one document)."""
        from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
            parse_json_document,
        )

        res = self.read(args, ok_rcs=ok_rcs)
        if res.rc != 0:
            return default
        try:
            return parse_json_document(res.stdout, default=default)
        except ValueError as exc:
            self.fail("cannot parse the output of dokku %s: %s" % (args[0], exc),
                      args=args, rc=res.rc, stdout=res.stdout, stderr=res.stderr)
        return default


UNUSED_PREFETCH = "reads were run ahead but never used (a family's reads and its planning disagree): "


def exit_result(module, runner, changed, before, after, **extra):
    """Finish a module run: ``changed``, ``diff`` (before/after), ``commands`` and, from the
    families, ``family_diff`` (the uniform diff the drift report reads).

    A read run ahead that planning never asked for means a family declares other reads than
    it makes, so batching is lost: that is said, not silently paid for.
    """
    if runner.unused_prefetches():
        module.warn(UNUSED_PREFETCH + ", ".join(" ".join(read.key) for read in runner.unused_prefetches()))
    result = dict(changed=changed, commands=runner.masked_commands(), diff=dict(before=before, after=after))
    result.update(extra)
    module.exit_json(**result)
