"""The ``storage`` plugin of the double (Go in Dokku 0.38): named entries, attachments, legacy mounts.

State is laid out as real Dokku 0.38.27 keeps it:

* entries: ``$DOKKU_LIB_ROOT/data/storage-registry/entries/<name>.json`` (the Go ``Entry``
  marshalled with two-space indentation);
* an app's attachments: the property list ``config/storage/APP/mounts``, one JSON
  ``Attachment`` per line, in the order they were added;
* directories: ``$DOKKU_LIB_ROOT/data/storage/<name>``.  The double creates them but cannot
  change their owner (it does not run as root), so ``ls -ld`` of them is not reproduced.

``storage:mount APP /host:/container[:opts]`` (the legacy colon form) synthesises a
``legacy-<sha1(host)[:10]>`` entry, as Dokku does, and that entry outlives the unmount.
Outputs follow the storage transcript; the global report, ``storage:set`` and the error
texts not in the transcript are reconstructed from Dokku's source (plugins/storage).
"""

import hashlib
import json
import os
import re

from ..apps import _confirm
from ..core import (
    GoFlags,
    command,
    go_report,
    list_apps,
    prop_path,
    read_file,
    read_lines,
    remove_path,
    verify_app,
    write_file,
    write_lines,
)

LEGACY_PREFIX = "legacy-"
DEFAULT_PROCESS_TYPE = "_default_"
_DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DIRECTORY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_MODE_RE = re.compile(r"^[0-7]{3,4}$")
_VOLUME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+:/")
CHOWN_IDS = {"herokuish": "32767", "heroku": "1000", "paketo": "2000", "packeto": "2000", "root": "0"}
# Go's Entry struct, in field order, with its omitempty fields
ENTRY_FIELDS = ("name", "scheduler", "host_path", "size", "access_mode", "storage_class", "namespace", "chown",
                "mode", "reclaim_policy", "annotations", "labels", "schema_version")
ATTACHMENT_FIELDS = ("entry_name", "container_path", "phases", "process_type", "subpath", "readonly",
                     "volume_options", "volume_chown")
ATTACHMENT_REQUIRED = ("entry_name", "container_path", "phases")


class StorageError(Exception):
    pass


def quoted(text):
    """Go's ``%q`` for the plain strings these messages quote."""
    return json.dumps(text, ensure_ascii=False)


def storage_dir(ctx, *parts):
    return ctx.libpath("data", "storage", *parts)


# ----------------------------------------------------------------- entries
def entries_dir(ctx):
    return ctx.libpath("data", "storage-registry", "entries")


def entry_path(ctx, name):
    return os.path.join(entries_dir(ctx), name + ".json")


def entry_exists(ctx, name):
    return bool(name) and os.path.exists(entry_path(ctx, name))


def load_entry(ctx, name):
    return json.loads(read_file(entry_path(ctx, name)))


def entry_json(entry, indent=True):
    ordered = {}
    for field in ENTRY_FIELDS:
        value = entry.get(field)
        if field in ("name", "scheduler", "schema_version") or value:
            ordered[field] = value
    return json.dumps(ordered, indent=2 if indent else None, ensure_ascii=False)


def save_entry(ctx, entry):
    entry.setdefault("schema_version", 1)
    write_file(entry_path(ctx, entry["name"]), entry_json(entry))


def list_entries(ctx):
    try:
        names = sorted(name[:-5] for name in os.listdir(entries_dir(ctx)) if name.endswith(".json"))
    except FileNotFoundError:
        return []
    return [load_entry(ctx, name) for name in names]


def legacy_entry(ctx, host):
    """Dokku's ``LegacyMountToEntry``: ``legacy-`` and the first 10 hex digits of sha1(host path).

    The double keeps Dokku's directories under a relocated root in tests, so the hash is taken
    over the path as it is on a real host (``/var/lib/dokku/...``): the names match the transcript.
    """
    source = host if host.startswith("/") else "vol:" + host
    for relocated, real in ((ctx.lib, "/var/lib/dokku"), (ctx.root, "/home/dokku")):
        if source == relocated or source.startswith(relocated.rstrip("/") + "/"):
            source = real + source[len(relocated.rstrip("/")):]
    return {"name": LEGACY_PREFIX + hashlib.sha1(source.encode("utf-8")).hexdigest()[:10],
            "scheduler": "docker-local", "host_path": host, "schema_version": 1}


def validate_entry_name(name, allow_legacy=False):
    if not name:
        raise StorageError("storage entry name is required")
    if len(name) > 45:
        raise StorageError("storage entry name %s is too long (max 45 characters); helm release names cap our budget"
                           % quoted(name))
    if not _DNS_LABEL_RE.match(name):
        raise StorageError("storage entry name %s must be a DNS-1123 label (lowercase letters, digits, and dashes; "
                           "cannot start or end with a dash)" % quoted(name))
    if not allow_legacy and name.startswith(LEGACY_PREFIX):
        raise StorageError("storage entry name %s must not start with reserved prefix %s"
                           % (quoted(name), quoted(LEGACY_PREFIX)))


def normalise_mode(mode):
    if not mode:
        return ""
    if not _MODE_RE.match(mode):
        raise StorageError("Unsupported directory mode %s. Value must be a 3 or 4 digit octal mode, such as 0755"
                           % quoted(mode))
    return "0" + mode if len(mode) == 3 else mode


def chown_id(value):
    if value == "false":
        return "false"
    if value in CHOWN_IDS:
        return CHOWN_IDS[value]
    if re.match(r"^[0-9]+$", value) and int(value) < 65536:
        return str(int(value))
    raise StorageError("Unsupported chown permissions")


def require_default_path(ctx, entry, flag):
    default = storage_dir(ctx, entry["name"])
    if entry["host_path"] != default:
        raise StorageError("%s is only supported when the storage entry uses the default host path (%s); omit %s and "
                           "manage %s manually" % (flag, default, flag, entry["host_path"]))


def ensure_path(ctx, entry):
    """Go ``ensureDockerLocalPath``: create the directory, then apply mode and owner."""
    wants_chown = entry.get("chown") not in (None, "", "false")
    if wants_chown:
        require_default_path(ctx, entry, "--chown")
    if entry.get("mode"):
        require_default_path(ctx, entry, "--mode")
    path = entry["host_path"]
    if not path.startswith("/"):
        return
    if os.path.exists(path) and not os.path.isdir(path):
        raise StorageError("storage entry path %s exists but is not a directory" % path)
    if not os.path.isdir(path):
        os.makedirs(path)
        ctx.verbose("Created %s" % path)
    if entry.get("mode"):
        ctx.verbose("Setting directory mode to %s" % entry["mode"])
        os.chmod(path, int(entry["mode"], 8))
    if wants_chown:
        uid = chown_id(entry["chown"])
        if uid != "false":
            ctx.verbose("Setting directory ownership to %s:%s" % (uid, uid))


def validate_entry(ctx, entry):
    validate_entry_name(entry["name"], allow_legacy=entry["name"].startswith(LEGACY_PREFIX))
    host = entry.get("host_path", "")
    if not host:
        raise StorageError("storage entry %s (docker-local) is missing host_path" % quoted(entry["name"]))
    if not host.startswith("/") and not re.match(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", host):
        raise StorageError("storage entry %s host_path must be an absolute path or a docker named volume token, got %s"
                           % (quoted(entry["name"]), quoted(host)))
    normalise_mode(entry.get("mode", ""))


# ------------------------------------------------------------- attachments
def attachments_path(ctx, app):
    return prop_path(ctx, "storage", app, "mounts")


def load_attachments(ctx, app):
    return [json.loads(line) for line in read_lines(attachments_path(ctx, app)) if line.strip()]


def attachment_json(attachment):
    ordered = {}
    for field in ATTACHMENT_FIELDS:
        value = attachment.get(field)
        if field in ATTACHMENT_REQUIRED or value:
            ordered[field] = value
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)


def save_attachments(ctx, app, attachments):
    if attachments:
        write_lines(attachments_path(ctx, app), [attachment_json(a) for a in attachments])
    else:
        remove_path(attachments_path(ctx, app))


def validate_attachment(attachment):
    path = attachment["container_path"]
    if not path:
        raise StorageError("attachment is missing container path")
    if not path.startswith("/"):
        raise StorageError("attachment container path %s must be absolute" % quoted(path))
    for phase in attachment["phases"]:
        if phase not in ("deploy", "run"):
            raise StorageError('attachment phase %s is not supported (must be "deploy" or "run")' % quoted(phase))


def same_slot(one, other):
    return (one["entry_name"], one["container_path"], one.get("process_type", "")) == (
        other["entry_name"], other["container_path"], other.get("process_type", ""))


def remove_attachment(ctx, app, entry_name, container_path):
    attachments = load_attachments(ctx, app)
    matches = [a for a in attachments
               if a["entry_name"] == entry_name and (not container_path or a["container_path"] == container_path)]
    if not matches:
        if not container_path:
            raise StorageError("storage entry %s is not mounted on app %s" % (quoted(entry_name), quoted(app)))
        raise StorageError("storage entry %s is not mounted at %s on app %s"
                           % (quoted(entry_name), quoted(container_path), quoted(app)))
    if len(matches) > 1 and not container_path:
        paths = ", ".join(sorted(a["container_path"] for a in matches))
        raise StorageError("storage entry %s is mounted at multiple paths on app %s (%s); pass --container-dir to "
                           "disambiguate" % (quoted(entry_name), quoted(app), paths))
    save_attachments(ctx, app, [a for a in attachments if a not in matches])


def mount_rows(ctx, app, phase):
    """``ListAppMountEntries``: attachments of a phase joined with their entries, sorted."""
    rows = []
    for attachment in load_attachments(ctx, app):
        if phase not in attachment["phases"] or not entry_exists(ctx, attachment["entry_name"]):
            continue
        entry = load_entry(ctx, attachment["entry_name"])
        rows.append(dict(entry_name=entry["name"], host_path=entry.get("host_path") or entry["name"],
                         container_path=attachment["container_path"], readonly=bool(attachment.get("readonly")),
                         volume_options=attachment.get("volume_options", "")))
    return sorted(rows, key=lambda row: (row["entry_name"], row["container_path"]))


def colon_form(row):
    options = ",".join((["ro"] if row["readonly"] else []) + ([row["volume_options"]] if row["volume_options"] else []))
    return "%s:%s" % (row["host_path"], row["container_path"]) + (":" + options if options else "")


def parse_mount_path(text):
    parts = text.split(":", 2)
    row = {"host_path": parts[0], "container_path": parts[1] if len(parts) > 1 else "", "readonly": False,
           "volume_options": ""}
    if len(parts) > 2 and parts[2]:
        tokens = parts[2].split(",")
        row["readonly"] = "ro" in tokens
        row["volume_options"] = ",".join(token for token in tokens if token != "ro")
    return row


def verify_paths(text):
    if text.startswith("/"):
        if not re.match(r"^/.*:/", text):
            raise StorageError("Storage path must be two valid paths divided by colon.")
    elif not _VOLUME_RE.match(text):
        raise StorageError("Volume name must be two characters or more. Volume name must not contain invalid "
                           "characters. Storage path must be two valid paths divided by colon.")


def run_storage(ctx, func):
    try:
        func()
    except StorageError as exc:
        ctx.fail(str(exc))


# ----------------------------------------------------------------- commands
@command("storage:ensure-directory", kind="write")
def cmd_ensure_directory(ctx, args):
    values, positional, _extra, _seen = GoFlags(
        "storage:ensure-directory", {"chown": ("string", "herokuish", "--chown: chown option")}).parse(ctx, args)
    ctx.warn("Deprecated: please use 'storage:create' instead of 'storage:ensure-directory'")
    directory = positional[0] if positional else ""

    def run():
        if not directory:
            raise StorageError("Please specify a directory to create")
        if not _DIRECTORY_RE.match(directory):
            raise StorageError("Directory can only contain the following set of characters: [A-Za-z0-9_-]")
        uid = chown_id(values["chown"])
        path = storage_dir(ctx, directory)
        ctx.info1("Ensuring %s exists" % path)
        os.makedirs(path, exist_ok=True)
        if uid != "false":
            ctx.verbose_quiet("Setting directory ownership to %s:%s" % (uid, uid))
        ctx.verbose_quiet("Directory ready for mounting")

    run_storage(ctx, run)


CREATE_FLAGS = {
    "scheduler": ("string", "docker-local", "--scheduler: target scheduler (docker-local, k3s)"),
    "chown": ("string", "", "--chown: chown option (docker-local only)"),
    "mode": ("string", "", "--mode: octal permissions for the host directory, such as 0755 (docker-local only)"),
    "reclaim-policy": ("string", "", "--reclaim-policy: reclaim policy for the underlying volume (Retain or Delete)"),
}


@command("storage:create", kind="write")
def cmd_create(ctx, args):
    values, positional, _extra, _seen = GoFlags("storage:create", CREATE_FLAGS).parse(ctx, args)
    name = positional[0] if positional else ""
    path = positional[1] if len(positional) > 1 else ""

    def run():
        validate_entry_name(name)
        if values["scheduler"] != "docker-local":
            raise StorageError("Not implemented in test double: storage:create --scheduler %s" % values["scheduler"])
        entry = {"name": name, "scheduler": "docker-local", "host_path": path or storage_dir(ctx, name),
                 "chown": values["chown"], "mode": normalise_mode(values["mode"]),
                 "reclaim_policy": values["reclaim-policy"], "schema_version": 1}
        validate_entry(ctx, entry)
        if entry_exists(ctx, name):
            ctx.info1_quiet("Storage entry %s already exists, leaving in place" % name)
        ensure_path(ctx, entry)
        save_entry(ctx, entry)
        ctx.info1("Storage entry %s created" % name)

    run_storage(ctx, run)


@command("storage:set", kind="write")
def cmd_set(ctx, args):
    """``storage:set NAME PROPERTY [VALUE]`` (the property form only; reconstructed from the source)."""
    _values, positional, _extra, _seen = GoFlags("storage:set").parse(ctx, args)
    name = positional[0] if positional else ""
    prop = positional[1] if len(positional) > 1 else ""
    value = positional[2] if len(positional) > 2 else ""

    def run():
        if not entry_exists(ctx, name):
            raise StorageError("storage entry %s does not exist" % quoted(name))
        entry = load_entry(ctx, name)
        if not prop:
            raise StorageError("No property specified")
        if prop == "chown":
            entry["chown"] = value
        elif prop == "mode":
            entry["mode"] = normalise_mode(value)
        elif prop == "reclaim-policy":
            entry["reclaim_policy"] = value
        else:
            raise StorageError("Invalid property specified, valid properties include: access-mode, chown, mode, "
                               "namespace, reclaim-policy, size, storage-class-name")
        validate_entry(ctx, entry)
        save_entry(ctx, entry)
        if prop in ("chown", "mode"):
            ensure_path(ctx, entry)
        ctx.info1("Storage entry %s updated" % name)

    run_storage(ctx, run)


def apps_using(ctx, name):
    return sorted(app for app in list_apps(ctx) if any(a["entry_name"] == name for a in load_attachments(ctx, app)))


@command("storage:destroy", kind="write")
def cmd_destroy(ctx, args):
    values, positional, _extra, _seen = GoFlags("storage:destroy", {
        "force": ("bool", False, "--force: force destroy without confirmation"),
        "destroy-host-dir": ("bool", False, "--destroy-host-dir: also remove the host directory and its contents"),
    }).parse(ctx, args)
    name = positional[0] if positional else ""

    def run():
        if not name:
            raise StorageError("storage entry name is required")
        if not entry_exists(ctx, name):
            raise StorageError("storage entry %s does not exist" % quoted(name))
        using = apps_using(ctx, name)
        if using:
            raise StorageError("storage entry %s is still mounted by app(s): %s" % (quoted(name), ", ".join(using)))
        entry = load_entry(ctx, name)
        remove_dir = False
        if values["destroy-host-dir"] or entry.get("reclaim_policy") == "Delete":
            try:
                require_default_path(ctx, entry, "--destroy-host-dir")
                remove_dir = True
            except StorageError:
                if values["destroy-host-dir"]:
                    raise
                ctx.warn("Leaving %s in place; reclaim policy Delete only removes the default host path"
                         % entry["host_path"])
        if not (values["force"] or ctx.force):
            if remove_dir:
                ctx.warn("Storage entry %s is backed by %s, which will be removed along with its contents."
                         % (name, entry["host_path"]))
            _confirm(ctx, "storage entry %s" % name, name)
        if remove_dir:
            remove_path(entry["host_path"])
            ctx.verbose("Removed %s" % entry["host_path"])
        remove_path(entry_path(ctx, name))
        ctx.info1("Storage entry %s destroyed" % name)

    run_storage(ctx, run)


@command("storage:info")
def cmd_info(ctx, args):
    values, positional, _extra, _seen = GoFlags(
        "storage:info", {"format": ("string", "text", "--format: output format (text, json)")}).parse(ctx, args)
    name = positional[0] if positional else ""

    def run():
        if not name:
            raise StorageError("storage entry name is required")
        if not entry_exists(ctx, name):
            raise StorageError("storage entry %s does not exist" % quoted(name))
        entry = load_entry(ctx, name)
        if values["format"] == "json":
            ctx.out(entry_json(entry))
            return
        ctx.info1_quiet("Storage entry %s" % name)
        ctx.verbose("Scheduler:        %s" % entry["scheduler"])
        for field, label in (("host_path", "Host path"), ("chown", "Chown"), ("mode", "Mode"),
                             ("reclaim_policy", "Reclaim policy")):
            if entry.get(field):
                ctx.verbose("%s%s" % ((label + ":").ljust(18), entry[field]))

    run_storage(ctx, run)


@command("storage:list-entries")
def cmd_list_entries(ctx, args):
    values, _positional, _extra, _seen = GoFlags("storage:list-entries", {
        "scheduler": ("string", "", "--scheduler: filter to a single scheduler"),
        "format": ("string", "text", "--format: output format (text, json)"),
    }).parse(ctx, args)
    entries = [e for e in list_entries(ctx) if not values["scheduler"] or e["scheduler"] == values["scheduler"]]
    if values["format"] == "json":
        if not entries:
            ctx.out("[]")
            return
        body = ",\n".join("\n".join("  " + line for line in entry_json(e).split("\n")) for e in entries)
        ctx.out("[\n%s\n]" % body)
        return
    if not entries:
        ctx.info1_quiet("No storage entries registered")
        return
    ctx.info1_quiet("Storage entries:")
    for entry in entries:
        ctx.verbose("%s\t%s\t%s" % (entry["name"], entry["scheduler"], entry.get("host_path", "")))


@command("storage:list")
def cmd_list(ctx, args):
    values, positional, _extra, _seen = GoFlags(
        "storage:list", {"format": ("string", "text", "--format: output format (text, json)")}).parse(ctx, args)
    app = verify_app(ctx, positional[0] if positional else "")
    if values["format"] not in ("text", "json"):
        ctx.fail("Invalid --format value specified")
    rows = mount_rows(ctx, app, "deploy")
    if values["format"] == "json":
        out = []
        for row in rows:
            item = {"entry_name": row["entry_name"], "host_path": row["host_path"],
                    "container_path": row["container_path"]}
            if row["readonly"]:
                item["readonly"] = True
            if row["volume_options"]:
                item["volume_options"] = row["volume_options"]
            out.append(item)
        ctx.out(json.dumps(out, separators=(",", ":"), ensure_ascii=False))
        return
    ctx.info1_quiet("%s volume bind-mounts:" % app)
    for row in rows:
        if ctx.quiet:
            ctx.out(colon_form(row))
        else:
            ctx.verbose(colon_form(row))


@command("storage:mount", kind="write")
def cmd_mount(ctx, args):
    values, positional, _extra, _seen = GoFlags("storage:mount", {
        "container-dir": ("string", "", "--container-dir: container path (named-entry form)"),
        "phase": ("string", "", "--phase: phase to mount in (deploy, run; default both)"),
        "process-type": ("string", "", "--process-type: process type to mount for"),
        "volume-subpath": ("string", "", "--volume-subpath: subpath within the entry"),
        "volume-readonly": ("bool", False, "--volume-readonly: mount the volume read-only"),
        "volume-chown": ("string", "", "--volume-chown: chown option applied at mount time"),
        "volume-options": ("string", "", "--volume-options: comma-separated mount options (e.g. Z, noexec,nosuid)"),
    }).parse(ctx, args)
    app = verify_app(ctx, positional[0] if positional else "")
    source = positional[1] if len(positional) > 1 else ""

    def legacy():
        verify_paths(source)
        row = parse_mount_path(source)
        if not row["container_path"]:
            raise StorageError("Storage path must be two valid paths divided by colon.")
        entry = legacy_entry(ctx, row["host_path"])
        if not entry_exists(ctx, entry["name"]):
            save_entry(ctx, entry)
        attachment = {"entry_name": entry["name"], "container_path": row["container_path"],
                      "phases": ["deploy", "run"], "process_type": DEFAULT_PROCESS_TYPE,
                      "readonly": row["readonly"], "volume_options": row["volume_options"]}
        validate_attachment(attachment)
        attachments = load_attachments(ctx, app)
        if any(same_slot(a, attachment) for a in attachments):
            raise StorageError("Mount path already exists.")
        save_attachments(ctx, app, attachments + [attachment])

    def named():
        if not entry_exists(ctx, source):
            raise StorageError("storage entry %s does not exist; create it first with `dokku storage:create`"
                               % quoted(source))
        if not values["container-dir"]:
            raise StorageError("--container-dir is required when mounting a named storage entry")
        phases = [p for p in values["phase"].split(",") if p] or ["deploy", "run"]
        attachment = {"entry_name": source, "container_path": values["container-dir"], "phases": phases,
                      "process_type": values["process-type"] or DEFAULT_PROCESS_TYPE,
                      "subpath": values["volume-subpath"], "readonly": values["volume-readonly"],
                      "volume_options": values["volume-options"], "volume_chown": values["volume-chown"]}
        validate_attachment(attachment)
        attachments = load_attachments(ctx, app)
        for index, existing in enumerate(attachments):
            if same_slot(existing, attachment):
                attachments[index] = attachment
                save_attachments(ctx, app, attachments)
                ctx.info1("Storage entry %s mount at %s on %s updated" % (source, attachment["container_path"], app))
                return
        save_attachments(ctx, app, attachments + [attachment])
        ctx.info1("Storage entry %s mounted at %s on %s" % (source, attachment["container_path"], app))

    run_storage(ctx, legacy if ":" in source else named)


@command("storage:unmount", kind="write")
def cmd_unmount(ctx, args):
    values, positional, _extra, _seen = GoFlags("storage:unmount", {
        "container-dir": ("string", "", "--container-dir: container path (named-entry form, disambiguates duplicates)"),
    }).parse(ctx, args)
    app = verify_app(ctx, positional[0] if positional else "")
    source = positional[1] if len(positional) > 1 else ""

    def legacy():
        verify_paths(source)
        row = parse_mount_path(source)
        if not row["container_path"]:
            raise StorageError("Storage path must be two valid paths divided by colon.")
        try:
            remove_attachment(ctx, app, legacy_entry(ctx, row["host_path"])["name"], row["container_path"])
        except StorageError as exc:
            if "is not mounted" in str(exc):
                raise StorageError("Mount path does not exist.") from exc
            raise

    run_storage(ctx, legacy if ":" in source else lambda: remove_attachment(ctx, app, source, values["container-dir"]))


def mounts_for_display(ctx, app, phase):
    return " ".join("-v " + colon_form(row) for row in mount_rows(ctx, app, phase))


def report_rows(ctx, app):
    rows = {"--storage-%s-mounts" % phase: mounts_for_display(ctx, app, phase) for phase in ("build", "deploy", "run")}
    index = 0
    for attachment in load_attachments(ctx, app):
        if not entry_exists(ctx, attachment["entry_name"]):
            ctx.warn("Skipping attachment on %s: missing entry %s" % (quoted(app), quoted(attachment["entry_name"])))
            continue
        entry = load_entry(ctx, attachment["entry_name"])
        index += 1
        prefix = "--storage-attachment.%d." % index
        rows[prefix + "entry-name"] = attachment["entry_name"]
        rows[prefix + "host-path"] = entry.get("host_path") or entry["name"]
        rows[prefix + "container-path"] = attachment["container_path"]
        rows[prefix + "phases"] = ",".join(attachment["phases"])
        rows[prefix + "process-type"] = attachment.get("process_type", "")
        rows[prefix + "subpath"] = attachment.get("subpath", "")
        rows[prefix + "readonly"] = "true" if attachment.get("readonly") else "false"
        rows[prefix + "volume-options"] = attachment.get("volume_options", "")
        rows[prefix + "volume-chown"] = attachment.get("volume_chown", "")
    return rows


@command("storage:report")
def cmd_report(ctx, args):
    if "--global" in args:
        # reconstructed (CommandReportGlobal): every entry with the apps that mount it
        fmt = "json" if "json" in args else "text"
        entries = list_entries(ctx)
        if fmt == "json":
            rows = [{"entry": json.loads(entry_json(e, indent=False)), "mounted_by": apps_using(ctx, e["name"])}
                    for e in entries]
            ctx.out(json.dumps(rows, indent=2, ensure_ascii=False) if rows else "[]")
            return
        if not entries:
            ctx.info1_quiet("No storage entries registered")
            return
        ctx.info1_quiet("Storage report (global):")
        for entry in entries:
            using = apps_using(ctx, entry["name"])
            ctx.verbose("%s\t%s\tmounted by: %s" % (entry["name"], entry["scheduler"],
                                                    ", ".join(using) if using else "\u2014"))
        return
    go_report(ctx, args, "storage:report", "storage", app_rows=lambda app: report_rows(ctx, app),
              json_strip="storage-", legacy_prefix=True)


def _entry_map_set(ctx, args, field, singular):
    _values, positional, _extra, _seen = GoFlags("storage:%s:set" % field).parse(ctx, args)
    name, key = (positional + ["", ""])[:2]
    value = positional[2] if len(positional) > 2 else ""

    def run():
        if not name:
            raise StorageError("storage entry name is required")
        if not key:
            raise StorageError("No %s key specified" % singular)
        if not entry_exists(ctx, name):
            raise StorageError("storage entry %s does not exist" % quoted(name))
        entry = load_entry(ctx, name)
        values = dict(entry.get(field) or {})
        if value:
            values[key] = value
            ctx.info2_quiet("Setting %s %s to %s" % (singular, key, value))
        else:
            values.pop(key, None)
            ctx.info2_quiet("Unsetting %s %s" % (singular, key))
        entry[field] = dict(sorted(values.items())) or None
        save_entry(ctx, entry)

    run_storage(ctx, run)


def _entry_map_report(ctx, args, field, label):
    _values, positional, _extra, _seen = GoFlags(
        "storage:%s:report" % field, {"format": ("string", "stdout", "format: [ stdout | json ]")}).parse(ctx, args)
    name = positional[0] if positional else ""
    if not name:
        ctx.fail("Not implemented in test double: storage:%s:report of every entry" % field)

    def run():
        if not entry_exists(ctx, name):
            raise StorageError("storage entry %s does not exist" % quoted(name))
        values = load_entry(ctx, name).get(field) or {}
        ctx.info2_quiet("%s %s information" % (name, field))
        width = max([31] + [len("%s %s:" % (label, key)) for key in values])
        for key in sorted(values):
            ctx.verbose(("%s %s:" % (label, key)).ljust(width) + values[key])

    run_storage(ctx, run)


@command("storage:labels:set", kind="write")
def cmd_labels_set(ctx, args):
    _entry_map_set(ctx, args, "labels", "label")


@command("storage:labels:report")
def cmd_labels_report(ctx, args):
    _entry_map_report(ctx, args, "labels", "Label")


@command("storage:annotations:set", kind="write")
def cmd_annotations_set(ctx, args):
    _entry_map_set(ctx, args, "annotations", "annotation")


@command("storage:annotations:report")
def cmd_annotations_report(ctx, args):
    _entry_map_report(ctx, args, "annotations", "Annotation")
