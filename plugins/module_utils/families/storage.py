# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage mounts of an app, and the named storage entries they use (Dokku 0.38).

A mount is either of a *named entry* (``storage:create NAME``, then ``storage:mount APP NAME
--container-dir DIR``: the form Dokku 0.38 recommends, an upsert, with phases, process type,
read-only and volume options) or of a *host path* (``storage:mount APP /host:/container``,
Dokku's legacy colon form).  Dokku records a host-path mount as a ``legacy-<hash>`` entry that
stays registered after the unmount; the collection finds such mounts by their host path, never
destroys their entry unless asked (``allow_destroy`` in ``dokku_storage``), and mounts the same
host path again onto the same entry.

State: ``storage:report APP --format json`` (every attachment with its phases, process type
and options) per app, and ``storage:list-entries --format json`` once per run when named entries
are managed.  A host path with an owner preset (``chown``) is a directory of Dokku's storage
root, created by ``storage:ensure-directory --chown PRESET`` when it is missing.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read

DEFAULT_TYPE = "_default_"
PHASES = ("deploy", "run")
LEGACY_PREFIX = "legacy-"
ENTRY_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
PROCESS_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
DIRECTORY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
VOLUME_OPTION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9=_.-]*$")
MODE_RE = re.compile(r"^[0-7]{3,4}$")
CHOWN_PRESETS = ("herokuish", "heroku", "paketo", "root", "false")
ENTRIES_READ = Read(["storage:list-entries", "--format", "json"])
GLOBAL_REPORT_READ = Read(["storage:report", "--global", "--format", "json"])

MOUNT_OPTIONS = dict(
    name=dict(type="str", description=[
        "A named storage entry (Dokku 0.38's C(storage:create)), created when missing. Lower-case letters, digits"
        " and dashes, at most 45 characters.",
    ]),
    host_path=dict(type="str", description=[
        "Without O(apps[].storage[].name) - a host directory mounted with Dokku's legacy C(host:container) form"
        " (Dokku registers it as a C(legacy-<hash>) entry, which stays after an unmount).",
        "With O(apps[].storage[].name) - the entry's directory when it is created (default"
        " C(/var/lib/dokku/data/storage/NAME)); an existing entry's directory is never changed.",
    ]),
    container_dir=dict(type="str", required=True, description="Absolute path inside the app's containers."),
    process_type=dict(type="str", description=[
        "Mount it for one process type only (a named entry); default every process (V(_default_)).",
    ]),
    phases=dict(type="list", elements="str", choices=["deploy", "run"], description=[
        "Phases the mount applies to (a named entry); default both.",
    ]),
    readonly=dict(type="bool", default=False, description="Mount read-only."),
    volume_options=dict(type="str", description="Comma-separated docker mount options, such as V(Z) or V(nocopy)."),
    chown=dict(type="str", description=[
        "Owner of the directory, as Dokku's presets - V(herokuish) (uid 32767), V(heroku) (1000), V(paketo)"
        " (2000), V(root), V(false) (leave it) - or a numeric uid. Only for a directory of Dokku's storage root:"
        " a named entry at its default path (recorded in the entry, so a change is converged), or a host path"
        " C(/var/lib/dokku/data/storage/DIR) (created with C(storage:ensure-directory) when it is missing).",
    ]),
    mode=dict(type="str", description=[
        "Permissions of a named entry's directory, octal (V(0750)). World-writable modes such as V(0777) are"
        " refused.",
    ]),
)


# ------------------------------------------------------------------ validation
def storage_root():
    """Dokku's storage directory on this host (``$DOKKU_LIB_ROOT/data/storage``)."""
    return os.path.join(os.environ.get("DOKKU_LIB_ROOT") or "/var/lib/dokku", "data", "storage")


def check_path(path, what):
    if not isinstance(path, str) or not path.startswith("/") or path == "/":
        return "%s %r must be an absolute path (not /)" % (what, path)
    if re.search(r"[\s:,]", path):
        return "%s %r must not contain blanks, ':' or ','" % (what, path)
    if os.path.normpath(path) != path:
        return "%s %r is not in normal form: write %r" % (what, path, os.path.normpath(path))
    return None


def check_entry_name(name):
    if not ENTRY_NAME_RE.match(name) or len(name) > 45:
        return ("name %r is not a storage entry name: lower-case letters, digits and dashes, not starting or ending "
                "with a dash, at most 45 characters" % name)
    if name.startswith(LEGACY_PREFIX):
        return "name %r starts with legacy-, which Dokku reserves for host-path mounts: give host_path instead" % name
    return None


def check_chown(chown):
    if chown in CHOWN_PRESETS:
        return None
    if chown == "packeto":
        return "chown 'packeto' is Dokku's deprecated spelling: write paketo"
    if re.match(r"^(0|[1-9][0-9]{0,4})$", chown) and int(chown) < 65536:
        return None
    return "chown %r is not one of %s or a numeric uid (0-65535)" % (chown, ", ".join(CHOWN_PRESETS))


def normalise_mode(mode):
    """``(four-digit mode, None)`` or ``(None, error)``; world-writable modes are refused."""
    if not MODE_RE.match(mode):
        return None, "mode %r is not an octal mode of 3 or 4 digits such as 0750" % mode
    if int(mode, 8) & 0o002:
        return None, "mode %r makes the directory world-writable: give the app's user the access instead" % mode
    return mode.zfill(4), None


def check_mount(raw):
    """``(normalised mount, None)`` or ``(None, error)``."""
    name, host_path = raw.get("name"), raw.get("host_path")
    mount = dict(entry=name, host_path=host_path, container_dir=raw.get("container_dir"),
                 process_type=raw.get("process_type") or DEFAULT_TYPE, readonly=bool(raw.get("readonly")),
                 volume_options=raw.get("volume_options") or "", chown=raw.get("chown"), mode=raw.get("mode"))
    phases = raw.get("phases")
    error = check_path(mount["container_dir"], "container_dir")
    if error:
        return None, error
    if name is None and host_path is None:
        return None, "give name (a named storage entry) or host_path"
    if host_path is not None:
        error = check_path(host_path, "host_path")
        if error:
            return None, error
    if name is not None:
        error = check_entry_name(name)
        if error:
            return None, error
    if mount["process_type"] != DEFAULT_TYPE and not PROCESS_TYPE_RE.match(mount["process_type"]):
        return None, "process_type %r is not a process type" % mount["process_type"]
    if phases is not None:
        if not phases or len(set(phases)) != len(phases) or any(p not in PHASES for p in phases):
            return None, "phases must list deploy and/or run, each once"
    mount["phases"] = [phase for phase in PHASES if phases is None or phase in phases]
    options = mount["volume_options"].split(",") if mount["volume_options"] else []
    for option in options:
        if option == "ro":
            return None, "volume_options: write readonly: true rather than the option ro"
        if not VOLUME_OPTION_RE.match(option):
            return None, "volume_options %r is not a comma-separated list of mount options" % mount["volume_options"]
    if mount["chown"] is not None:
        error = check_chown(mount["chown"])
        if error:
            return None, error
    if mount["mode"] is not None:
        if name is None:
            return None, "mode is only for a named entry (storage:create --mode)"
        mount["mode"], error = normalise_mode(mount["mode"])
        if error:
            return None, error
    if name is None:
        if mount["process_type"] != DEFAULT_TYPE or mount["phases"] != list(PHASES):
            return None, ("process_type and phases need a named entry: Dokku mounts a host path for every process, "
                          "in the deploy and run phases")
        if mount["chown"] is not None:
            parent, directory = os.path.split(host_path)
            if parent != storage_root() or not DIRECTORY_RE.match(directory):
                return None, ("chown of a host path needs a directory of Dokku's storage root (%s/DIR, DIR of "
                              "letters, digits, '_' and '-'): Dokku's storage:ensure-directory only creates those"
                              % storage_root())
    elif host_path is not None and (mount["chown"] not in (None, "false") or mount["mode"]):
        if host_path != os.path.join(storage_root(), name):
            return None, ("chown and mode need the entry's default directory (%s): Dokku refuses them on another "
                          "path" % os.path.join(storage_root(), name))
    return mount, None


def check_mounts(raw_mounts, identity_only=False):
    """``(mounts, None)`` or ``(None, "storage[i]: problem")``; a container directory of a process type
    is mounted once, and an entry is defined once."""
    mounts, slots, entries = [], {}, {}
    for index, raw in enumerate(raw_mounts):
        mount, error = check_mount(raw)
        if error:
            return None, "[%d]: %s" % (index, error)
        slot = (mount["container_dir"], mount["process_type"])
        if slot in slots and not identity_only:
            return None, "[%d]: %s is already mounted by storage[%d]" % (index, mount_key(*slot), slots[slot])
        slots[slot] = index
        if mount["entry"] is not None:
            definition = (mount["host_path"], mount["chown"], mount["mode"])
            merged = merge_definition(entries.get(mount["entry"], (None, None, None)), definition)
            if merged is None:
                return None, "[%d]: entry %s is defined differently by another item (host_path, chown, mode)" % (
                    index, mount["entry"])
            entries[mount["entry"]] = merged
        mounts.append(mount)
    for mount in mounts:  # every mount of an entry carries its whole definition
        if mount["entry"] is not None:
            mount["host_path"], mount["chown"], mount["mode"] = entries[mount["entry"]]
    return mounts, None


def merge_definition(one, other):
    """Two ``(host_path, chown, mode)`` of one entry merged (None: a field they give differently)."""
    merged = []
    for mine, theirs in zip(one, other):
        if mine is not None and theirs is not None and mine != theirs:
            return None
        merged.append(mine if mine is not None else theirs)
    return tuple(merged)


# ----------------------------------------------------------------------- reads
def report_read(app):
    return Read(["storage:report", app, "--format", "json"], ok_rcs=(0, 20))


def parse_attachments(report):
    """The app's attachments from ``storage:report APP --format json``, in Dokku's order."""
    found = {}
    for key, value in (report or {}).items():
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "attachment" or not parts[1].isdigit():
            continue
        found.setdefault(int(parts[1]), {})[parts[2]] = value
    attachments = []
    for _index, fields in sorted(found.items()):
        phases = [phase for phase in (fields.get("phases") or "").split(",") if phase]
        attachments.append(dict(
            entry=fields.get("entry-name", ""), host_path=fields.get("host-path", ""),
            container_dir=fields.get("container-path", ""), process_type=fields.get("process-type") or DEFAULT_TYPE,
            phases=[phase for phase in PHASES if phase in phases] + [p for p in phases if p not in PHASES],
            readonly=fields.get("readonly") == "true", volume_options=fields.get("volume-options") or "",
            subpath=fields.get("subpath") or "", volume_chown=fields.get("volume-chown") or ""))
    return attachments


def read_attachments(ctx, app):
    row = ctx.app_row("storage", app)
    if row is not None:
        return parse_attachments(row)
    res = ctx.fetch(report_read(app))
    if res.rc == 20:
        return None
    return parse_attachments(ctx.json(report_read(app), default={}))


def read_entries(ctx):
    """``{name: {host_path, chown, mode}}`` of every registered entry, read once per run."""
    def compute():
        entries = ctx.json(ENTRIES_READ, default=[]) or []
        return dict((entry.get("name"), dict(host_path=entry.get("host_path", ""), chown=entry.get("chown", ""),
                                             mode=entry.get("mode", "")))
                    for entry in entries if isinstance(entry, dict))
    return ctx.memo("storage:entries", compute)


def read_mounted_by(ctx):
    """``{entry: [apps]}`` from the global storage report (only read before a destroy)."""
    rows = ctx.json(GLOBAL_REPORT_READ, default=[]) or []
    return dict(((row.get("entry") or {}).get("name"), list(row.get("mounted_by") or [])) for row in rows)


# --------------------------------------------------------------------- values
def mount_key(container_dir, process_type):
    return container_dir if process_type == DEFAULT_TYPE else "%s [%s]" % (container_dir, process_type)


def describe(mount):
    """One mount as one value of the diff: its source, and its options when not the defaults."""
    legacy = mount["entry"] is None or mount["entry"].startswith(LEGACY_PREFIX)
    source = mount["host_path"] if legacy else mount["entry"]
    options = []
    if list(mount["phases"]) != list(PHASES):
        options.append("phases=" + ",".join(mount["phases"]))
    if mount["readonly"]:
        options.append("readonly")
    for field, label in (("volume_options", "options"), ("subpath", "subpath"), ("volume_chown", "volume-chown")):
        if mount.get(field):
            options.append("%s=%s" % (label, mount[field]))
    return source + (" (%s)" % ", ".join(options) if options else "")


def describe_entry(entry):
    options = ["%s=%s" % (field, entry[field]) for field in ("chown", "mode") if entry.get(field)]
    return entry["host_path"] + (" (%s)" % ", ".join(options) if options else "")


def keyed(mounts):
    """``{diff key: mount}``; a key taken twice (two entries at one directory) gets the entry's name."""
    out = {}
    for mount in mounts:
        key = mount_key(mount["container_dir"], mount["process_type"])
        if key in out:
            key = "%s (%s)" % (key, mount["entry"] or mount["host_path"])
        out[key] = mount
    return out


def matches(desired, current):
    """Whether a current attachment is the desired mount's slot (same entry or host path, dir, type)."""
    if (desired["container_dir"], desired["process_type"]) != (current["container_dir"], current["process_type"]):
        return False
    if desired["entry"] is None:
        return current["entry"].startswith(LEGACY_PREFIX) and current["host_path"] == desired["host_path"]
    return current["entry"] == desired["entry"]


# ---------------------------------------------------------------------- writes
def mount_args(app, mount):
    if mount["entry"] is None:
        options = ",".join((["ro"] if mount["readonly"] else []) + ([mount["volume_options"]] if mount["volume_options"] else []))
        return ["storage:mount", app, "%s:%s%s" % (mount["host_path"], mount["container_dir"],
                                                   ":" + options if options else "")]
    args = ["storage:mount", app, mount["entry"], "--container-dir", mount["container_dir"]]
    if list(mount["phases"]) != list(PHASES):
        args += ["--phase", ",".join(mount["phases"])]
    if mount["process_type"] != DEFAULT_TYPE:
        args += ["--process-type", mount["process_type"]]
    if mount["readonly"]:
        args.append("--volume-readonly")
    if mount["volume_options"]:
        args += ["--volume-options", mount["volume_options"]]
    return args


def unmount_args(app, attachment):
    """The named-entry form for every attachment, legacy ones included (Dokku removes by entry and path)."""
    return ["storage:unmount", app, attachment["entry"], "--container-dir", attachment["container_dir"]]


def plan_entries(desired, entries, defined, root):
    """``(writes, before, after, error)`` for the named entries of the desired mounts."""
    writes, before, after = [], {}, {}
    seen = set()
    for mount in desired:
        name = mount["entry"]
        if name is None or name in seen:
            continue
        seen.add(name)
        other = defined.get(name)
        if other and merge_definition(other[1], (mount["host_path"], mount["chown"], mount["mode"])) is None:
            return [], {}, {}, ("entry %s is defined differently by %s in the same task (host_path, chown, mode)"
                                % (name, other[0]))
        default_path = os.path.join(root, name)
        current = entries.get(name)
        if current is None:
            args = ["storage:create", name] + ([mount["host_path"]] if mount["host_path"] not in (None, default_path)
                                               else [])
            args += (["--chown", mount["chown"]] if mount["chown"] else []) + (["--mode", mount["mode"]] if mount["mode"] else [])
            writes.append(args)
            after[name] = describe_entry(dict(host_path=mount["host_path"] or default_path,
                                              chown=mount["chown"] or "", mode=mount["mode"] or ""))
            continue
        before[name] = describe_entry(current)
        if mount["host_path"] is not None and mount["host_path"] != current["host_path"]:
            return [], {}, {}, ("entry %s exists with the directory %s, not %s: Dokku would only re-point the entry, "
                                "leaving the data behind; use another entry name" % (name, current["host_path"],
                                                                                     mount["host_path"]))
        if (mount["chown"] not in (None, "false") or mount["mode"]) and current["host_path"] != default_path:
            return [], {}, {}, ("entry %s lives in %s: Dokku sets chown and mode only on an entry's default directory "
                                "(%s)" % (name, current["host_path"], default_path))
        state = dict(current)
        for field in ("chown", "mode"):
            if mount[field] is not None and mount[field] != current[field]:
                writes.append(["storage:set", name, field, mount[field]])
                state[field] = mount[field]
        after[name] = describe_entry(state)
    return writes, before, after, None


def plan_storage(app, desired, current):
    """The pure plan of one app: see :class:`StorageFamily`."""
    mode = desired["mode"]
    mounts = desired["mounts"]
    attachments = current["attachments"]
    plan = Plan()
    entry_writes, entries_before, entries_after, error = plan_entries(
        mounts if mode != "absent" else [], current["entries"], current["defined"], current["root"])
    if error:
        plan.error = "storage: " + error
        return plan

    directories_before, directories_after, ensure = {}, {}, []
    for mount in mounts:
        if mode != "absent" and mount["entry"] is None and mount["chown"] is not None:
            exists = current["directories"].get(mount["host_path"], False)
            directories_before[mount["host_path"]] = "present" if exists else "absent"
            directories_after[mount["host_path"]] = "present"
            if not exists:
                ensure.append(["storage:ensure-directory", "--chown", mount["chown"], os.path.basename(mount["host_path"])])

    matched = {}  # index of current attachment -> desired mount
    for mount in mounts:
        for index, attachment in enumerate(attachments):
            if index not in matched and matches(mount, attachment):
                matched[index] = mount
                break
    unmounts, mounts_to_write = [], []
    kept = list(attachments)
    if mode == "absent":
        kept = [a for i, a in enumerate(attachments) if i not in matched]
        unmounts = [a for i, a in enumerate(attachments) if i in matched]
    else:
        if mode == "exact":
            unmounts = [a for i, a in enumerate(attachments) if i not in matched]
        matched_mounts = dict((id(m), i) for i, m in matched.items())
        for mount in mounts:
            index = matched_mounts.get(id(mount))
            if index is None:
                mounts_to_write.append(mount)
            elif describe(mount) != describe(attachments[index]):
                if mount["entry"] is None:  # the colon form refuses an existing slot: unmount, then mount
                    unmounts.append(attachments[index])
                mounts_to_write.append(mount)
        # Dokku unmounts an entry from a directory for every process type: mount again the ones that stay
        for attachment in unmounts:
            for mount in mounts:
                if (mount["entry"] or "") == attachment["entry"] and mount["container_dir"] == attachment["container_dir"] \
                        and mount not in mounts_to_write and mount["process_type"] != attachment["process_type"]:
                    mounts_to_write.append(mount)
        after_mounts = [a for i, a in enumerate(attachments) if i not in matched and mode == "present"]
        after_mounts += list(mounts)
        kept = after_mounts

    before = dict((key, describe(a)) for key, a in keyed(attachments).items())
    after = dict((key, describe(m)) for key, m in keyed(kept).items())
    plan.before = dict(storage=before)
    plan.after = dict(storage=after)
    if entries_before or entries_after:
        plan.before["storage_entries"], plan.after["storage_entries"] = entries_before, entries_after
    if directories_after:
        plan.before["storage_directories"], plan.after["storage_directories"] = directories_before, directories_after

    for args in ensure + entry_writes:
        plan.write(args)
    for attachment in sorted(unmounts, key=lambda a: (a["container_dir"], a["process_type"], a["entry"])):
        plan.write(unmount_args(app, attachment))
    for mount in mounts_to_write:
        plan.write(mount_args(app, mount))
    plan.restart = bool(unmounts or mounts_to_write)
    plan.entries_after = dict((m["entry"], (app, (m["host_path"], m["chown"], m["mode"]))) for m in mounts
                              if m["entry"] is not None and mode != "absent")

    if mode == "absent" and desired.get("destroy"):
        plan_destroys(plan, app, mounts, attachments, current)
    return plan


def plan_destroys(plan, app, mounts, attachments, current):
    """``storage:destroy`` of the entries of the listed mounts once no other app mounts them."""
    names = []
    for mount in mounts:
        if mount["entry"] is not None:
            names.append(mount["entry"])
            continue
        legacy = [name for name, entry in current["entries"].items()
                  if name.startswith(LEGACY_PREFIX) and entry["host_path"] == mount["host_path"]]
        names += legacy
    before, after = plan.before.setdefault("storage_entries", {}), plan.after.setdefault("storage_entries", {})
    for name in sorted(set(names)):
        entry = current["entries"].get(name)
        if entry is None:
            continue
        remaining = [a for a in attachments if a["entry"] == name and not any(matches(m, a) for m in mounts)]
        others = sorted(set(other for other in current["mounted_by"].get(name, []) if other != app))
        if remaining or others:
            where = others + (["%s at %s" % (app, a["container_dir"]) for a in remaining])
            plan.error = ("storage: entry %s is still mounted (%s): unmount it there before destroying it; nothing was "
                          "changed" % (name, ", ".join(where)))
            return
        before[name] = describe_entry(entry)
        after.pop(name, None)
        args = ["storage:destroy", name, "--force"]
        if entry["host_path"] == os.path.join(current["root"], name):
            args.append("--destroy-host-dir")
        plan.write(args)


class StorageFamily(Family):
    """Desired: ``{mounts: [...], mode: exact|present|absent, destroy: bool}``."""

    name = "storage"
    resource_type = "storage_mount"
    extra_resource_types = ("storage_entry", "storage_directory")
    entry_options = dict(
        storage=dict(
            type="list", elements="dict", options=MOUNT_OPTIONS,
            description=[
                "The app's storage mounts, exactly: a mount Dokku has that is not listed is unmounted (its data"
                " stays, and so does its storage entry). An empty list unmounts everything.",
                "Prefer named entries (O(apps[].storage[].name)): Dokku converges them in place. A host path is"
                " mounted with Dokku's legacy form, which registers a C(legacy-<hash>) entry that outlives the unmount"
                " (harmless; M(selfhosted.dokku.dokku_storage) with C(allow_destroy) removes it).",
                "A storage entry's data is never deleted by this option.",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("storage") is None:
            return None
        return dict(mounts=entry["storage"], mode="exact", destroy=False)

    def validate(self, desired, scope):
        mounts, error = check_mounts(desired["mounts"], identity_only=desired["mode"] == "absent")
        if error:
            return None, "storage" + error
        return dict(desired, mounts=mounts), None

    @staticmethod
    def _needs_entries(desired):
        return desired.get("destroy") or any(m["entry"] is not None for m in desired["mounts"])

    def reads(self, ctx, scopes):
        reads = ctx.report_reads("storage", [scope for scope, _desired in scopes], report_read)
        if any(self._needs_entries(desired) for _scope, desired in scopes):
            reads.append(ENTRIES_READ)
        return reads

    def _state(self, ctx, desired, attachments):
        entries = read_entries(ctx) if self._needs_entries(desired) else {}
        directories = ctx.memo("storage:directories", dict)
        for mount in desired["mounts"]:
            if mount["entry"] is None and mount["chown"] is not None and mount["host_path"] not in directories:
                directories[mount["host_path"]] = os.path.isdir(mount["host_path"])
        mounted_by = read_mounted_by(ctx) if desired.get("destroy") else {}
        return dict(attachments=attachments, entries=entries, directories=directories, mounted_by=mounted_by,
                    defined=ctx.memo("storage:defined", dict), root=storage_root())

    def read(self, ctx, scope, desired):
        attachments = [] if scope in ctx.created else read_attachments(ctx, scope)
        if attachments is None:
            ctx.runner.missing_app(scope)
            attachments = []
        return self._state(ctx, desired, attachments)

    def fresh(self, ctx, scope, desired):
        return self._state(ctx, desired, [])

    def plan(self, scope, desired, current):
        return plan_storage(scope, desired, current)

    def commit(self, ctx, scope, desired, plan):
        """Later apps of the same run see the entries and directories this one creates."""
        if plan.error:
            return
        defined = ctx.memo("storage:defined", dict)
        entries = read_entries(ctx) if self._needs_entries(desired) else None
        directories = ctx.memo("storage:directories", dict)
        for name, (app, (host_path, chown, mode)) in getattr(plan, "entries_after", {}).items():
            defined.setdefault(name, (app, (host_path, chown, mode)))
            if entries is not None:
                entry = entries.setdefault(name, dict(host_path=host_path or os.path.join(storage_root(), name),
                                                      chown="", mode=""))
                entry.update(dict((field, value) for field, value in (("chown", chown), ("mode", mode)) if value))
        for path in (plan.after.get("storage_directories") or {}):
            directories[path] = True

    def classify(self, scope, path):
        app = scope_app(scope)
        if path[0] == "storage_entries":
            return {"type": "storage_entry", "name": path[1]}, "definition"
        if path[0] == "storage_directories":
            return {"type": "storage_directory", "name": path[1]}, "state"
        return {"type": "storage_mount", "app": app, "name": path[1] if len(path) > 1 else ""}, "mount"

    def info(self, ctx, scope):
        if scope is None:
            return None
        attachments = read_attachments(ctx, scope) or []
        entries = read_entries(ctx) if attachments else {}
        facts = []
        for attachment in attachments:
            item = dict(attachment)
            definition = entries.get(attachment["entry"])
            if definition and not attachment["entry"].startswith(LEGACY_PREFIX):
                item.update(entry_chown=definition["chown"], entry_mode=definition["mode"],
                            entry_host_path=definition["host_path"],
                            entry_default_path=definition["host_path"] == os.path.join(storage_root(),
                                                                                       attachment["entry"]))
            facts.append(item)
        return dict(storage=facts)

    def export(self, facts, scope, out):
        if scope is None or not facts.get("storage"):
            return {}
        items = []
        for mount in facts["storage"]:
            if mount.get("subpath") or mount.get("volume_chown"):
                out.skipped.append("storage mount %s of app %s: subpath and volume-chown are not managed"
                                   % (mount["container_dir"], scope))
                continue
            if mount["entry"].startswith(LEGACY_PREFIX):
                item = {"host_path": mount["host_path"]}
            else:
                item = {"name": mount["entry"]}
                if mount.get("entry_host_path") and not mount.get("entry_default_path"):
                    item["host_path"] = mount["entry_host_path"]
                for field in ("chown", "mode"):
                    if mount.get("entry_" + field):
                        item[field] = mount["entry_" + field]
            item["container_dir"] = mount["container_dir"]
            if mount["process_type"] != DEFAULT_TYPE:
                item["process_type"] = mount["process_type"]
            if list(mount["phases"]) != list(PHASES):
                item["phases"] = list(mount["phases"])
            if mount["readonly"]:
                item["readonly"] = True
            if mount["volume_options"]:
                item["volume_options"] = mount["volume_options"]
            items.append(item)
        return {"storage": items} if items else {}
