"""The ``resource`` plugin of the double (Go in Dokku 0.38): limits and reservations.

Each value is a property ``config/resource/APP/<process type>.<limit|reserve>.<key>``.
Dokku stores any value it is given (``--memory lots`` exits 0); the value ``clear`` deletes
one key.  ``resource:limit-clear APP`` without ``--process-type`` deletes every resource
property of the app, reservations included (Dokku's ``clearByResourceType``), which is why
the collection always names the process type.  Go prints the set keys in map order; the
double prints them in Dokku's key order (the transcript shows cpu before memory).
"""

import os

from ..core import GoFlags, command, go_report, prop_get, prop_path, prop_set, remove_path, verify_app

KEYS = ("cpu", "memory", "memory-swap", "network", "network-ingress", "network-egress", "nvidia-gpu")
NOUNS = {"limit": "limits", "reserve": "reservation"}


def _flags(name, verb):
    spec = {"process-type": ("string", "", "process-type: A process type to manage")}
    for key in KEYS:
        spec[key] = ("string", "", "%s: The amount of %s to %s processes by" % (key, key, verb))
    return GoFlags(name, spec)


def properties(ctx, app):
    base = prop_path(ctx, "resource", app, "x")[:-1]
    try:
        names = sorted(os.listdir(base))
    except FileNotFoundError:
        return {}
    return dict((name, prop_get(ctx, "resource", app, name)) for name in names)


def _set(ctx, args, kind):
    values, positional, _extra, _seen = _flags("resource:" + kind, kind).parse(ctx, args)
    app = verify_app(ctx, positional[0] if positional else "")
    process = values["process-type"] or "_default_"
    noun = NOUNS[kind]
    if not any(values[key] for key in KEYS):
        title = "resource %s %s information" % (noun, app)
        ctx.info2_quiet(title + (" [defaults]" if process == "_default_" else " (%s)" % process))
        for key in KEYS:
            ctx.verbose("%s: %s" % (key, prop_get(ctx, "resource", app, "%s.%s.%s" % (process, kind, key))))
        return
    message = "Setting resource %s for %s" % (noun, app)
    ctx.info2_quiet(message + ("" if process == "_default_" else " (%s)" % process))
    for key in KEYS:
        value = values[key]
        if not value:
            continue
        name = "%s.%s.%s" % (process, kind, key)
        if value == "clear":
            ctx.verbose("%s: cleared" % key)
            prop_set(ctx, "resource", app, name, "")
        else:
            ctx.verbose("%s: %s" % (key, value))
            prop_set(ctx, "resource", app, name, value)


def _clear(ctx, args, kind):
    values, positional, _extra, _seen = GoFlags(
        "resource:%s-clear" % kind, {"process-type": ("string", "", "process-type: A process type to clear")}
    ).parse(ctx, args)
    app = verify_app(ctx, positional[0] if positional else "")
    process = values["process-type"]
    message = "clearing %s %s" % (app, NOUNS[kind])
    if process not in ("", "_default_"):
        message += " (%s)" % process
    ctx.info2_quiet(message)
    if not process:  # Dokku's quirk: every resource property of the app, whatever its kind
        for name in properties(ctx, app):
            remove_path(prop_path(ctx, "resource", app, name))
        return
    for key in KEYS:
        prop_set(ctx, "resource", app, "%s.%s.%s" % (process, kind, key), "")


@command("resource:limit", kind=lambda args: "write" if any(a.split("=")[0][2:] in KEYS for a in args) else "read")
def cmd_limit(ctx, args):
    _set(ctx, args, "limit")


@command("resource:reserve", kind=lambda args: "write" if any(a.split("=")[0][2:] in KEYS for a in args) else "read")
def cmd_reserve(ctx, args):
    _set(ctx, args, "reserve")


@command("resource:limit-clear", kind="write")
def cmd_limit_clear(ctx, args):
    _clear(ctx, args, "limit")


@command("resource:reserve-clear", kind="write")
def cmd_reserve_clear(ctx, args):
    _clear(ctx, args, "reserve")


@command("resource:report")
def cmd_report(ctx, args):
    go_report(ctx, args, "resource:report", "resource",
              app_rows=lambda app: dict(("--resource-" + name, value) for name, value in properties(ctx, app).items()),
              json_strip="resource-", legacy_prefix=True, uppercase=False)
