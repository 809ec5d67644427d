"""The ``docker-options`` plugin of the double (Go in Dokku 0.38).

Options live in property lists ``config/docker-options/APP/<process>.<phase>`` (the default
scope is ``_default_``), one option per line, kept sorted; ``add`` appends without checking
for duplicates; ``remove`` drops every stored option equal word by word.  An option string is
split into shell words (quotes delimit words, nothing is expanded), grouped on flag
boundaries (one stored option per flag) and each word re-quoted in single quotes when it
holds a shell metacharacter, as Dokku's ``SplitOptionString``/``joinShellTokens`` do; the
transcript shows ``--label "com.example.q=a b"`` stored as ``--label 'com.example.q=a b'``.
Process-scoped options (``--process``) and the parser's error texts are reconstructed.
"""

from ..core import NO_APPS, command, go_json, list_apps, not_implemented, prop_path, read_lines, remove_path, verify_app, write_lines

PHASES = ("build", "deploy", "run")
DEFAULT = "_default_"
_NEEDS_QUOTING = set(" \t\n\"'$`\\*?[]<>|&;(){}!#~")


class ParseError(Exception):
    pass


def shell_words(text):
    """Shell words without expansion (``$`` stays as written); ParseError on an open quote."""
    words, word, in_word, i = [], [], False, 0
    while i < len(text):
        char = text[i]
        if char in " \t\n":
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        elif char == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ParseError("reached EOF without closing quote '")
            word.append(text[i + 1:end])
            in_word, i = True, end
        elif char == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in '$`"\\\n':
                    if text[i + 1] != "\n":
                        word.append(text[i + 1])
                    i += 2
                    continue
                word.append(text[i])
                i += 1
            if i >= len(text):
                raise ParseError('reached EOF without closing quote "')
            in_word = True
        elif char == "\\" and i + 1 < len(text):
            if text[i + 1] != "\n":
                word.append(text[i + 1])
            in_word, i = True, i + 1
        else:
            word.append(char)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(word))
    return words


def quote_word(word):
    if word == "":
        return "''"
    if not any(char in _NEEDS_QUOTING for char in word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def split_option(text):
    """``(options, processes)``: one canonical option per flag group, ``--process`` lifted out."""
    groups = []
    for word in shell_words(text):
        if len(word) > 1 and word[0] == "-" and groups:
            groups.append([word])
        elif groups:
            groups[-1].append(word)
        else:
            groups.append([word])
    options, processes = [], []
    for group in groups:
        if group[0] == "--process" or group[0].startswith("--process="):
            processes.append(group[1] if group[0] == "--process" else group[0].split("=", 1)[1])
            continue
        options.append(" ".join(quote_word(word) for word in group))
    return options, processes


def options_path(ctx, app, phase, process=DEFAULT):
    return prop_path(ctx, "docker-options", app, "%s.%s" % (process, phase))


def get_options(ctx, app, phase, process=DEFAULT):
    return [line.strip() for line in read_lines(options_path(ctx, app, phase, process)) if line.strip()]


def set_options(ctx, app, phase, options, process=DEFAULT):
    if options:
        write_lines(options_path(ctx, app, phase, process), sorted(options))
    else:
        remove_path(options_path(ctx, app, phase, process))


def same_option(stored, option):
    if stored == option:
        return True
    try:
        return shell_words(stored) == shell_words(option)
    except ParseError:
        return False


def parse_args(ctx, args, command_name):
    """``[--process P]... APP PHASES OPTION...`` (flags only before the app, as pflag with
    SetInterspersed(false))."""
    processes, rest = [], list(args)
    while rest and rest[0].startswith("--process"):
        head = rest.pop(0)
        if "=" in head:
            processes.append(head.split("=", 1)[1])
        elif rest:
            processes.append(rest.pop(0))
    if rest and rest[0].startswith("-") and rest[0] != "-":
        ctx.err("unknown flag: %s" % rest[0])
        ctx.fail("Not implemented in test double: %s flags" % command_name)
    app = verify_app(ctx, rest[0] if rest else "")
    phases_arg = rest[1] if len(rest) > 1 else ""
    option = " ".join(rest[2:])
    phases = phases_arg.split(",") if phases_arg else []
    if any(p not in PHASES for p in phases):
        ctx.fail("Phase(s) must be one of [build deploy run]")
    return app, processes, phases, option


def _options_or_fail(ctx, option, verb):
    try:
        options, processes = split_option(option) if option.strip() else ([], [])
    except ParseError as exc:
        ctx.fail("Unable to parse docker option: 1:1: %s" % exc)
    if processes:
        not_implemented(ctx, "docker-options --process")
    if not options:
        ctx.fail("Please specify docker options to %s the phase" % verb)
    return options


@command("docker-options:add", kind="write")
def cmd_add(ctx, args):
    app, processes, phases, option = parse_args(ctx, args, "docker-options:add")
    if processes:
        not_implemented(ctx, "docker-options --process")
    for value in _options_or_fail(ctx, option, "add to"):
        for phase in phases:
            set_options(ctx, app, phase, get_options(ctx, app, phase) + [value])


@command("docker-options:remove", kind="write")
def cmd_remove(ctx, args):
    app, processes, phases, option = parse_args(ctx, args, "docker-options:remove")
    if processes:
        not_implemented(ctx, "docker-options --process")
    for value in _options_or_fail(ctx, option, "remove from"):
        for phase in phases:
            set_options(ctx, app, phase, [o for o in get_options(ctx, app, phase) if not same_option(o, value)])


@command("docker-options:clear", kind="write")
def cmd_clear(ctx, args):
    app, processes, phases, _option = parse_args(ctx, args, "docker-options:clear")
    if processes:
        not_implemented(ctx, "docker-options:clear --process")
    if not phases:
        ctx.info1("Clearing docker-options for %s on all phases" % app)
        phases = list(PHASES)
    else:
        for phase in phases:
            ctx.info1("Clearing docker-options for %s on phase %s" % (app, phase))
    for phase in phases:
        set_options(ctx, app, phase, [])


@command("docker-options:report")
def cmd_report(ctx, args):
    fmt, flags, subjects, i = "stdout", [], [], 0
    while i < len(args):
        if args[i] == "--format":
            fmt, i = (args[i + 1] if i + 1 < len(args) else ""), i + 1
        elif args[i].startswith("--"):
            flags.append(args[i])
        else:
            subjects.append(args[i])
        i += 1
    if not subjects:
        # every app, one report after another (Go's loop over the apps, in apps:list order)
        apps = list_apps(ctx)
        if not apps:
            ctx.err(NO_APPS)
            return
        for app in apps:
            report_one(ctx, app, fmt, flags)
        return
    report_one(ctx, verify_app(ctx, subjects[0]), fmt, flags)


def report_one(ctx, app, fmt, flags):
    rows = {"--docker-options-%s" % phase: " ".join(get_options(ctx, app, phase)) for phase in PHASES}
    if fmt not in ("stdout", "json"):
        ctx.fail('Format must be "stdout" or "json": "%s"' % fmt)
    if flags:
        if fmt == "json":
            ctx.fail("--format flag cannot be specified when specifying an info flag")
        if flags[0] not in rows:
            ctx.fail("Invalid flag passed, valid flags: " + ", ".join(sorted(rows)))
        ctx.out(rows[flags[0]])
        return
    if fmt == "json":
        data = {}
        for phase in PHASES:
            data[phase] = data["docker-options-" + phase] = rows["--docker-options-" + phase]
            data[phase + "-list"] = get_options(ctx, app, phase)
        ctx.out(go_json(dict(sorted(data.items()))))
        return
    ctx.info2_quiet("%s docker-options information" % app)
    for flag in sorted(rows):
        key = flag[2:].replace("-", " ")
        ctx.out("       " + (key[:1].upper() + key[1:] + ":").ljust(31) + rows[flag])
