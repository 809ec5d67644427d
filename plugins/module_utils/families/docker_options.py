# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker options of an app per phase (build, deploy, run): validation, the read, the plan.

Dokku stores each option in a canonical form: the string is split into shell words (quotes
delimit words, nothing is expanded), grouped on flag boundaries (``--a x --b y`` becomes two
options) and every word holding a shell metacharacter is re-quoted in single quotes, so
``--label "a=b c"`` is stored as ``--label 'a=b c'``.  The planner computes the same form and
compares the lists exactly, never by substring.  ``docker-options:add`` appends even an
option already stored and ``remove`` drops every copy, so a duplicate is removed then added.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

PHASES = ("build", "deploy", "run")
# characters Dokku's quoteShellArg puts a word in single quotes for
_QUOTED = set(" \t\n\"'$`\\*?[]<>|&;(){}!#~")
# characters the collection refuses outside quotes: the shell would read them as operators
_OPERATORS = set(";&|<>(){}")
_EATEN = ("--quiet", "--trace", "--force")


def _quote(word):
    if word == "":
        return "''"
    if not any(char in _QUOTED for char in word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def shell_words(text):
    """``(words, None)`` - the shell words of ``text`` without expansion - or ``(None, error)``.

    Only the subset whose meaning is certain is accepted: no ``$`` or backquote (Dokku would
    store them unexpanded and docker would get them literally), no line breaks, no unquoted
    operator or comment.
    """
    for char, name in (("$", "'$'"), ("`", "a backquote"), ("\n", "a line break"), ("\r", "a line break"),
                       ("\x00", "a NUL byte")):
        if char in text:
            return None, "contains %s, which Dokku stores unexpanded: write the value itself" % name
    words, word, in_word, i = [], [], False, 0
    while i < len(text):
        char = text[i]
        if char in " \t":
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        elif char == "'":
            end = text.find("'", i + 1)
            if end < 0:
                return None, "has an unclosed single quote"
            word.append(text[i + 1:end])
            in_word, i = True, end
        elif char == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
                    i += 1
                word.append(text[i])
                i += 1
            if i >= len(text):
                return None, "has an unclosed double quote"
            in_word = True
        elif char == "\\":
            if i + 1 >= len(text):
                return None, "ends with a backslash"
            word.append(text[i + 1])
            in_word, i = True, i + 1
        elif char in _OPERATORS or (char == "#" and not in_word):
            return None, "has an unquoted %r, which the shell reads as an operator or a comment: quote it" % char
        else:
            word.append(char)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(word))
    return words, None


def canonical_options(text):
    """``(options, None)``: the options Dokku stores for ``text`` (one per flag), or ``(None, error)``."""
    if not isinstance(text, str) or not text.strip():
        return None, "is empty"
    words, error = shell_words(text)
    if error:
        return None, error
    if not (len(words[0]) > 1 and words[0].startswith("-")):
        return None, "must start with a docker flag (such as --label or -v), got %r" % words[0]
    groups = []
    for word in words:
        if len(word) > 1 and word.startswith("-") or not groups:
            groups.append([word])
        else:
            groups[-1].append(word)
    for group in groups:
        if group[0] == "--process" or group[0].startswith("--process="):
            return None, "--process is not supported: process-scoped options are not managed by the collection"
        if group[0] in _EATEN:
            return None, "%s is a dokku flag, not a docker option" % group[0]
    return [" ".join(_quote(word) for word in group) for group in groups], None


def check_phase_options(phase, values):
    """``(canonical sorted options, None)`` or ``(None, error)``."""
    options = []
    for index, value in enumerate(values):
        canonical, error = canonical_options(value)
        if error:
            return None, "%s[%d]: %r %s" % (phase, index, value, error)
        for option in canonical:
            if option in options:
                return None, "%s[%d]: the option %r is listed twice (Dokku would store it twice)" % (
                    phase, index, option)
            options.append(option)
    return sorted(options), None


def target_options(mode, current, desired):
    """The phase's options after converging (sorted as Dokku keeps them)."""
    if mode == "exact":
        return sorted(desired)
    if mode == "absent":
        return sorted(option for option in current if option not in desired)
    return sorted(current + [option for option in desired if option not in current])


def phase_steps(mode, current, desired):
    """``(clear, removals, additions)`` for one phase (values distinct, sorted)."""
    if mode == "absent":
        return False, sorted(set(option for option in current if option in desired)), []
    if mode == "present":
        return False, [], sorted(option for option in desired if option not in current)
    kept = [option for option in desired if current.count(option) == 1]
    again = [option for option in desired if current.count(option) > 1]  # stored twice: remove, then add
    removals = sorted(set(option for option in current if option not in desired) | set(again))
    additions = sorted(option for option in desired if option not in kept)
    if current and not kept and removals:
        return True, [], additions
    return False, removals, additions


def plan_writes(app, mode, phases):
    """The writes for ``{phase: (current, desired)}``: clears, then removals and additions grouped by
    option (one call for every phase an option leaves or joins)."""
    clears, removals, additions = [], {}, {}
    for phase in PHASES:
        if phase not in phases:
            continue
        current, desired = phases[phase]
        clear, removed, added = phase_steps(mode, current, desired)
        if clear:
            clears.append(phase)
        for option in removed:
            removals.setdefault(option, []).append(phase)
        for option in added:
            additions.setdefault(option, []).append(phase)
    writes = [["docker-options:clear", app, phase] for phase in clears]
    writes += [["docker-options:remove", app, ",".join(ph), option] for option, ph in sorted(removals.items())]
    writes += [["docker-options:add", app, ",".join(ph), option] for option, ph in sorted(additions.items())]
    return writes


def report_read(app):
    return Read(["docker-options:report", app, "--format", "json"], ok_rcs=(0, 20))


def read_options(ctx, app):
    """``{phase: [options]}`` from the JSON report's ``-list`` keys; None for a missing app."""
    report = ctx.app_row("docker-options", app)
    if report is None:
        res = ctx.fetch(report_read(app))
        if res.rc == 20:
            return None
        report = ctx.json(report_read(app), default={}) or {}
    phases = {}
    for phase in PHASES:
        values = report.get(phase + "-list")
        if not isinstance(values, list):
            ctx.runner.fail("dokku docker-options:report %s --format json has no %s-list: Dokku 0.38.27 or later "
                            "is needed to read docker options exactly" % (app, phase))
        phases[phase] = [value for value in values if isinstance(value, str)]
    return phases


class DockerOptionsFamily(Family):
    name = "docker_options"
    entry_options = dict(
        docker_options=dict(
            type="dict",
            description=[
                "Docker options per phase, exactly: a listed phase gets exactly these options (an empty list clears"
                " it), a phase left out is left alone. Options of one process type (C(--process)) are not managed.",
                "Each value is one option as given to C(dokku docker-options:add), such as C(--shm-size 256m) or"
                " C(--label \"com.example.note=hello world\"); it is compared in the form Dokku stores (quotes"
                " normalised, one option per flag). C($), backquotes and unquoted shell operators are refused.",
            ],
            options=dict(
                build=dict(type="list", elements="str", description="Options of the build phase."),
                deploy=dict(type="list", elements="str", description="Options of the deploy phase (running containers)."),
                run=dict(type="list", elements="str", description="Options of C(dokku run) and cron containers."),
            ),
        ),
    )

    def desired(self, entry):
        options = entry.get("docker_options")
        if options is None:
            return None
        phases = dict((phase, options[phase]) for phase in PHASES if options.get(phase) is not None)
        return dict(phases=phases, mode="exact") if phases else None

    def validate(self, desired, scope):
        phases = {}
        for phase, values in desired["phases"].items():
            options, error = check_phase_options(phase, values)
            if error:
                return None, "docker_options." + error
            phases[phase] = options
        return dict(desired, phases=phases), None

    def reads(self, ctx, scopes):
        return ctx.report_reads("docker-options", [scope for scope, _desired in scopes], report_read)

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return self.fresh(ctx, scope, desired)
        current = read_options(ctx, scope)
        if current is None:
            ctx.runner.missing_app(scope)
            return self.fresh(ctx, scope, desired)
        return current

    def fresh(self, ctx, scope, desired):
        return dict((phase, []) for phase in PHASES)

    def plan(self, scope, desired, current):
        mode = desired["mode"]
        phases = dict((phase, (current.get(phase, []), values)) for phase, values in desired["phases"].items())
        before = dict((phase, list(pair[0])) for phase, pair in phases.items())
        after = dict((phase, target_options(mode, pair[0], pair[1])) for phase, pair in phases.items())
        plan = Plan(dict(docker_options=before), dict(docker_options=after))
        for args in plan_writes(scope, mode, phases):
            plan.write(args)
        # options of running containers apply on the next restart; build options on the next build
        plan.restart = any(before[phase] != after[phase] for phase in before if phase != "build")
        return plan

    def classify(self, scope, path):
        return {"type": "docker_options", "app": scope_app(scope), "name": path[1]}, "options"

    def info(self, ctx, scope):
        if scope is None:
            return None
        return dict(docker_options=read_options(ctx, scope) or dict((phase, []) for phase in PHASES))

    def export(self, facts, scope, out):
        options = facts.get("docker_options") if scope is not None else None
        exported = {}
        for phase, values in sorted((options or {}).items()):
            kept = []
            for value in values:
                if canonical_options(value)[0] == [value]:
                    kept.append(value)
                else:
                    out.skipped.append("docker option %r of app %s (%s phase): not in a form the collection can "
                                       "manage" % (value, scope, phase))
            if kept:
                exported[phase] = kept
        return {"docker_options": exported} if exported else {}
