"""The ``checks`` plugin of the double: disable/enable/skip per process type (bash) and the report (Go).

State, as on real Dokku: the properties ``config/checks/APP/{disabled,skipped}`` (comma-separated,
``_all_`` for every process type) and ``wait-to-retire`` (app and ``--global``, which the property
table sets with ``checks:set``; the report reads it here).  The list helpers are bash's
``add_val_to_list`` / ``remove_val_from_list`` (plugins/common/functions), whose removal is a
substring replacement, modelled as such.  With ``checks:set`` (``properties.py``) it reproduces ``checks.json``.
"""

from ..core import command, go_report, prop_get, prop_set, verify_app

ALL = "_all_"


def _remove_val(value, text):
    text = text.replace(value, "").replace(",,", ",")
    if text.startswith(","):
        text = text[1:]
    if text.endswith(","):
        text = text[:-1]
    return text


def _in_list(value, text):
    return value in text.split(",")


def _store(ctx, app, name, value):
    prop_set(ctx, "checks", app, name, value)


def _toggle(ctx, args, action):
    """``checks:disable`` / ``checks:skip`` (``mine`` is the list the action writes)."""
    app = verify_app(ctx, args[0] if args else "")
    types = args[1] if len(args) > 1 and args[1] else ALL
    mine_name, other_name = ("disabled", "skipped") if action == "disable" else ("skipped", "disabled")
    verb = "Disabling" if action == "disable" else "Skipping"
    mine, other = prop_get(ctx, "checks", app, mine_name), prop_get(ctx, "checks", app, other_name)
    if types == ALL:
        ctx.info1("%s zero downtime for app (%s)" % (verb, app))
        _store(ctx, app, mine_name, ALL)
        _store(ctx, app, other_name, "")
        return
    ctx.info1("%s zero downtime for app's (%s) proctypes (%s)" % (verb, app, types))
    for proc in types.split(","):
        if not _in_list(proc, mine):
            mine += "," + proc
        if _in_list(proc, other):
            other = _remove_val(proc, other)
    _store(ctx, app, mine_name, _remove_val(ALL, mine))
    _store(ctx, app, other_name, other)


@command("checks:disable", kind="write")
def cmd_disable(ctx, args):
    _toggle(ctx, args, "disable")


@command("checks:skip", kind="write")
def cmd_skip(ctx, args):
    _toggle(ctx, args, "skip")


@command("checks:enable", kind="write")
def cmd_enable(ctx, args):
    app = verify_app(ctx, args[0] if args else "")
    types = args[1] if len(args) > 1 and args[1] else ALL
    if types == ALL:
        ctx.info1("Enabling zero downtime for app's (%s)" % app)
        _store(ctx, app, "disabled", "")
        _store(ctx, app, "skipped", "")
        return
    ctx.info1("Enabling zero downtime for app's (%s) proctypes (%s)" % (app, types))
    disabled, skipped = prop_get(ctx, "checks", app, "disabled"), prop_get(ctx, "checks", app, "skipped")
    for proc in types.split(","):
        disabled, skipped = _remove_val(proc, disabled), _remove_val(proc, skipped)
    _store(ctx, app, "disabled", disabled)
    _store(ctx, app, "skipped", skipped)


def _global_rows(ctx):
    value = prop_get(ctx, "checks", "--global", "wait-to-retire")
    return {"--checks-computed-wait-to-retire": value or "60", "--checks-global-wait-to-retire": value}


def _app_rows(ctx, app):
    rows = _global_rows(ctx)
    own = prop_get(ctx, "checks", app, "wait-to-retire")
    rows.update({
        "--checks-computed-wait-to-retire": own or rows["--checks-computed-wait-to-retire"],
        "--checks-disabled-list": prop_get(ctx, "checks", app, "disabled") or "none",
        "--checks-skipped-list": prop_get(ctx, "checks", app, "skipped") or "none",
        "--checks-wait-to-retire": own,
    })
    return rows


@command("checks:report")
def cmd_report(ctx, args):
    go_report(ctx, args, "checks:report", "checks",
              app_rows=lambda app: _app_rows(ctx, app), global_rows=lambda: _global_rows(ctx),
              json_strip="checks-")
