"""The ``buildpacks`` plugin of the double (Go in Dokku 0.38): the buildpack list and its report.

State, as on real Dokku: ``config/buildpacks/APP/buildpacks`` (one buildpack per line, in order,
duplicates kept) and the ``stack`` property (``config/buildpacks/{APP,--global}/stack``, which the
property table sets with ``buildpacks:set-property``; the report reads it here).  Reproduces
``builders.json`` steps 39-63; ``--index``, ``--replace`` and the error texts follow
Dokku 0.38.27's source (``plugins/buildpacks``), not a transcript.
"""

import re

from ..core import GoFlags, command, go_report, prop_get, read_lines, remove_path, verify_app, write_lines

DEFAULT_STACK = "gliderlabs/herokuish:latest-24"
_SHORT_RE = re.compile(r"^([\w-]+)/([\w-]+)$", re.M)
_URL_RE = re.compile(r"^(http|https|git)(://|@)([^/:]+)[/:]([^/:]+)/(.+)(.git(#derp)?)?$", re.M)


def _list_path(ctx, app):
    return ctx.libpath("config", "buildpacks", app, "buildpacks")


def get_list(ctx, app):
    return read_lines(_list_path(ctx, app))


def _write(ctx, app, items):
    write_lines(_list_path(ctx, app), items)


def valid_url(ctx, buildpack):
    """Go ``validBuildpackURL``: the stored form, or the command fails."""
    if not buildpack:
        ctx.fail("Must specify a buildpack url or reference")
    if _SHORT_RE.search(buildpack):
        namespace, name = buildpack.split("/", 1)
        if namespace == "heroku-community":
            namespace = "heroku"
        return "https://github.com/%s/heroku-buildpack-%s.git" % (namespace, name)
    if _URL_RE.search(buildpack):
        return buildpack
    ctx.fail("Invalid buildpack specified: %s" % buildpack)
    return None


def _flags(name, replace=False):
    spec = {"index": ("string", "0", "--index: the 1-based index of the URL in the list of URLs")}
    if replace:
        spec["replace"] = ("bool", False, "--replace: replace the entire ordered buildpack list")
    return GoFlags(name, spec)


def _parse(ctx, name, args, replace=False):
    values, positional, _extra, _seen = _flags(name, replace).parse(ctx, args)
    try:
        index = int(values["index"])
    except ValueError:
        ctx.fail("invalid value %r for flag -index" % values["index"])
    app = verify_app(ctx, positional[0] if positional else "")
    return values, index, app, positional[1:]


@command("buildpacks:add", kind="write")
def cmd_add(ctx, args):
    _values, index, app, rest = _parse(ctx, "buildpacks:add", args)
    url = valid_url(ctx, rest[0] if rest else "").strip()
    current = get_list(ctx, app)
    items = []
    for position, item in enumerate(current):
        if index != 0 and position == index - 1:
            items.append(url)
        items.append(item)
    if index == 0 or index > len(current):
        items.append(url)
    _write(ctx, app, items)


@command("buildpacks:set", kind="write")
def cmd_set(ctx, args):
    values, index, app, rest = _parse(ctx, "buildpacks:set", args, replace=True)
    if values["replace"]:
        if index != 0:
            ctx.fail("The --index flag cannot be used with --replace")
        if not rest:
            ctx.fail("Must specify at least one buildpack, use buildpacks:clear to remove all buildpacks")
        _write(ctx, app, [valid_url(ctx, item) for item in rest])
        return
    if len(rest) > 1:
        ctx.fail("Setting multiple buildpacks requires the --replace flag")
    if not rest:
        ctx.fail("Must specify a buildpack")
    url = valid_url(ctx, rest[0]).strip()
    position = index - 1 if index > 0 else 0
    items = get_list(ctx, app)
    if position >= len(items):
        items.append(url)
    else:
        items[position] = url
    _write(ctx, app, items)


@command("buildpacks:remove", kind="write")
def cmd_remove(ctx, args):
    _values, index, app, rest = _parse(ctx, "buildpacks:remove", args)
    url = rest[0] if rest else ""
    if index != 0 and url:
        ctx.fail("Please choose either index or Buildpack, but not both")
    if index == 0 and not url:
        ctx.fail("Must specify a buildpack to remove, either by index or URL")
    if index == 0:
        url = valid_url(ctx, url)
    items = get_list(ctx, app)
    if not items:
        ctx.fail("No buildpacks were found, next release on %s will detect buildpack normally" % app)
    if index != 0:
        if index - 1 >= len(items) or index < 1:
            ctx.fail("Index not found")
        url = items[index - 1]
    elif url not in items:
        ctx.fail("Value not found")
    ctx.info1_quiet("Removing %s" % url)
    _write(ctx, app, [item for item in items if item != url])


@command("buildpacks:clear", kind="write")
def cmd_clear(ctx, args):
    _values, _index, app, _rest = _parse(ctx, "buildpacks:clear", args)
    remove_path(_list_path(ctx, app))


@command("buildpacks:list")
def cmd_list(ctx, args):
    _values, _index, app, _rest = _parse(ctx, "buildpacks:list", args)
    ctx.info1_quiet("%s buildpack urls" % app)
    for item in get_list(ctx, app):
        ctx.verbose(item)


def _global_rows(ctx):
    return {"--buildpacks-global-stack": prop_get(ctx, "buildpacks", "--global", "stack")}


def _app_rows(ctx, app):
    rows = _global_rows(ctx)
    stack = prop_get(ctx, "buildpacks", app, "stack")
    rows.update({
        "--buildpacks-computed-stack": stack or rows["--buildpacks-global-stack"] or DEFAULT_STACK,
        "--buildpacks-list": ",".join(get_list(ctx, app)),
        "--buildpacks-stack": stack,
    })
    return rows


@command("buildpacks:report")
def cmd_report(ctx, args):
    go_report(ctx, args, "buildpacks:report", "buildpacks",
              app_rows=lambda app: _app_rows(ctx, app), global_rows=lambda: _global_rows(ctx),
              json_strip="buildpacks-", legacy_prefix=True)
