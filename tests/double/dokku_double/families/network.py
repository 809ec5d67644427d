"""The ``network`` plugin of the double (Go in Dokku 0.38): docker networks Dokku creates.

There is no docker: the double keeps the host's docker networks in its own file
(``$DOKKU_DOUBLE_DIR/docker-networks.json``), with docker's ``bridge``, ``host`` and ``none``
always there.  ``network:create``/``network:destroy`` are as in the network transcript; the
outputs of ``network:exists``, ``network:list`` and ``network:info`` (and the errors docker
gives) were not captured - on a current Docker they are reconstructed from Dokku's source
(plugins/network/subcommands.go, functions.go) and marked so here.

``network:set`` and the app properties are the property family's; ``network:report`` is
registered here only when no other module registered it, reading the same properties
(``config/network/APP/<property>``), so that the collection can check attachments.
"""

import hashlib
import json

from ..apps import _confirm
from ..core import (
    COMMANDS,
    GoFlags,
    command,
    go_json,
    go_report,
    prop_get,
    read_file,
    write_file,
)

LABEL = "com.dokku.network-name"
BUILTIN = {"bridge": "bridge", "host": "host", "none": "null"}
# Dokku parses every network's CreatedAt with a constant (functions.go), so it is always this
CREATED_AT = "2024-02-25T01:55:24.275184461Z"


def _path(ctx):
    return ctx.double_path("docker-networks.json")


def _short_id(name):
    return hashlib.sha256(("network:" + name).encode("utf-8")).hexdigest()[:12]


def networks(ctx):
    """``{name: DockerNetwork}`` as Dokku's getNetworks builds it (reconstructed)."""
    stored = json.loads(read_file(_path(ctx)) or "{}")
    result = {}
    for name, driver in BUILTIN.items():
        result[name] = {"Driver": driver, "Labels": {}, "Scope": "local"}
    result.update(stored)
    out = {}
    for name, net in result.items():
        labels = dict(sorted(net["Labels"].items()))
        out[name] = {"CreatedAt": CREATED_AT, "DokkuManaged": LABEL in labels, "Driver": net["Driver"],
                     "ID": _short_id(name), "Internal": False, "IPv6": False, "Labels": labels, "Name": name,
                     "Scope": net["Scope"]}
    return out


def _save(ctx, stored):
    write_file(_path(ctx), json.dumps(stored, sort_keys=True))


def _stored(ctx):
    return json.loads(read_file(_path(ctx)) or "{}")


def _name(ctx, args, spec=None, command_name="network"):
    values, positional, _extra, _seen = GoFlags(command_name, spec or {}).parse(ctx, args)
    return values, positional[0] if positional else ""


@command("network:create", kind="write")
def cmd_create(ctx, args):
    _values, name = _name(ctx, args, command_name="network:create")
    ctx.info1_quiet("Creating network %s" % name)
    if not name:
        ctx.fail('Unable to create network: "docker network create" requires exactly 1 argument.')
    if name in networks(ctx):
        ctx.fail("Unable to create network: Error response from daemon: network with name %s already exists" % name)
    stored = _stored(ctx)
    stored[name] = {"Driver": "bridge", "Labels": {LABEL: name}, "Scope": "local"}
    _save(ctx, stored)


@command("network:destroy", kind="write")
def cmd_destroy(ctx, args):
    values, name = _name(ctx, args, {"force": ("bool", False, "--force: force destroy without confirmation")},
                         "network:destroy")
    if not (values["force"] or ctx.force):
        _confirm(ctx, "network %s" % name, name)
    ctx.info1_quiet("Destroying network %s" % name)
    if name in BUILTIN:  # reconstructed: docker's refusal
        ctx.fail("Unable to destroy network: Error response from daemon: %s is a pre-defined network and cannot be "
                 "removed" % name)
    stored = _stored(ctx)
    if name not in stored:
        ctx.fail("Unable to destroy network: Error response from daemon: network %s not found" % name)
    del stored[name]
    _save(ctx, stored)


@command("network:exists")
def cmd_exists(ctx, args):
    _values, name = _name(ctx, args, command_name="network:exists")
    if not name:
        ctx.fail("No network name specified")
    if name not in networks(ctx):
        ctx.fail("Network does not exist")
    ctx.info1_quiet("Network exists")


@command("network:list")
def cmd_list(ctx, args):
    values, _name_unused = _name(ctx, args, {
        "format": ("string", "text", "format: [ text | json ]"),
        "dokku-managed": ("bool", False, "show only dokku-managed networks"),
    }, "network:list")
    # Dokku ranges over a Go map (random order); the double lists them by name
    found = [net for _name_, net in sorted(networks(ctx).items())
             if net["DokkuManaged"] or not values["dokku-managed"]]
    if values["format"] == "json":
        ctx.out(go_json(found))
        return
    ctx.info2_quiet("Networks")
    for net in found:
        ctx.out(net["Name"])


@command("network:info")
def cmd_info(ctx, args):
    values, name = _name(ctx, args, {"format": ("string", "text", "format: [ text | json ]")}, "network:info")
    if not name:
        ctx.fail("No network name specified")
    if values["format"] not in ("json", "text"):
        ctx.fail("Invalid format specified, use either text or json")
    net = networks(ctx).get(name)
    if net is None:
        ctx.fail("Network does not exist")
    if values["format"] == "json":
        ctx.out(go_json(net))
        return
    ctx.info2_quiet("%s network information" % name)
    for label, key in (("ID:", "ID"), ("Name:", "Name"), ("Driver:", "Driver"), ("Scope:", "Scope"),
                       ("Dokku managed:", "DokkuManaged")):
        value = net[key]
        ctx.verbose(label.ljust(16) + (str(value).lower() if isinstance(value, bool) else value))


# ------------------------------------------------ the report (unless the property family has one)
APP_PROPERTIES = ("attach-post-create", "attach-post-deploy", "bind-all-interfaces", "initial-network", "tld")


def _global_rows(ctx):
    rows = {}
    for prop in APP_PROPERTIES:
        value = prop_get(ctx, "network", "--global", prop)
        rows["--network-global-" + prop] = value
        rows["--network-computed-" + prop] = value or ("false" if prop == "bind-all-interfaces" else "")
    return rows


def _app_rows(ctx, app):
    rows = _global_rows(ctx)
    for prop in APP_PROPERTIES + ("static-web-listener",):
        value = prop_get(ctx, "network", app, prop)
        rows["--network-" + prop] = value
        if prop in APP_PROPERTIES:
            computed = value or rows["--network-global-" + prop]
            rows["--network-computed-" + prop] = computed or ("false" if prop == "bind-all-interfaces" else "")
    rows["--network-web-listeners"] = ""
    return rows


def cmd_report(ctx, args):
    go_report(ctx, args, "network:report", "network", app_rows=lambda app: _app_rows(ctx, app),
              global_rows=lambda: _global_rows(ctx), json_strip="network-", legacy_prefix=True)


if "network:report" not in COMMANDS:
    command("network:report")(cmd_report)
