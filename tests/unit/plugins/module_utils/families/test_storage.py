"""The storage planner, pure: named entries, legacy host-path mounts, order, exactness, refusals."""

import os

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.storage import parse_attachments

FAMILY = get("storage")
ROOT = "/var/lib/dokku/data/storage"


@pytest.fixture(autouse=True)
def lib_root(monkeypatch):
    monkeypatch.setenv("DOKKU_LIB_ROOT", "/var/lib/dokku")


def attachment(entry, container_dir, host_path=None, process_type="_default_", phases=("deploy", "run"),
               readonly=False, volume_options="", subpath=""):
    return dict(entry=entry, host_path=host_path or os.path.join(ROOT, entry), container_dir=container_dir,
                process_type=process_type, phases=list(phases), readonly=readonly, volume_options=volume_options,
                subpath=subpath, volume_chown="")


def state(attachments=(), entries=None, directories=None, mounted_by=None, defined=None):
    return dict(attachments=list(attachments), entries=entries or {}, directories=directories or {},
                mounted_by=mounted_by or {}, defined=defined or {}, root=ROOT)


def plan(mounts, current, mode="exact", destroy=False):
    desired, error = FAMILY.validate({"mounts": mounts, "mode": mode, "destroy": destroy}, "web")
    assert error is None, error
    return FAMILY.plan("web", desired, current)


def test_the_transcript_report_gives_the_attachments_in_order():
    report = {"attachment.1.container-path": "/app/data", "attachment.1.entry-name": "legacy-389f5fb9c4",
              "attachment.1.host-path": ROOT + "/stor-data", "attachment.1.phases": "deploy,run",
              "attachment.1.process-type": "_default_", "attachment.1.readonly": "false",
              "attachment.1.subpath": "", "attachment.1.volume-chown": "", "attachment.1.volume-options": "",
              "storage-attachment.1.container-path": "/app/data", "deploy-mounts": "-v x:/app/data"}
    assert parse_attachments(report) == [attachment("legacy-389f5fb9c4", "/app/data", ROOT + "/stor-data")]


def test_a_named_entry_is_created_then_mounted():
    result = plan([{"name": "media", "container_dir": "/app/media", "chown": "heroku", "mode": "750"}], state())
    assert result.argvs() == [
        ["dokku", "storage:create", "media", "--chown", "heroku", "--mode", "0750"],
        ["dokku", "storage:mount", "web", "media", "--container-dir", "/app/media"],
    ]
    assert result.after == {"storage": {"/app/media": "media"},
                            "storage_entries": {"media": ROOT + "/media (chown=heroku, mode=0750)"}}
    assert result.before == {"storage": {}, "storage_entries": {}}


def test_an_existing_entry_gets_storage_set_and_keeps_its_directory():
    entries = {"media": {"host_path": ROOT + "/media", "chown": "herokuish", "mode": ""}}
    result = plan([{"name": "media", "container_dir": "/app/media", "chown": "heroku"}],
                  state([attachment("media", "/app/media")], entries))
    assert result.argvs() == [["dokku", "storage:set", "media", "chown", "heroku"]]
    moved = plan([{"name": "media", "host_path": "/srv/media", "container_dir": "/app/media"}],
                 state([], entries))
    assert "exists with the directory" in moved.error and moved.argvs() == []


def test_named_mount_options_are_an_upsert_and_a_host_path_is_remounted():
    current = state([attachment("media", "/app/media"), attachment("legacy-1", "/app/cfg", "/srv/cfg")],
                    {"media": {"host_path": ROOT + "/media", "chown": "", "mode": ""}})
    result = plan([{"name": "media", "container_dir": "/app/media", "phases": ["run"], "readonly": True},
                   {"host_path": "/srv/cfg", "container_dir": "/app/cfg", "readonly": True, "volume_options": "Z"}],
                  current)
    assert result.argvs() == [
        ["dokku", "storage:unmount", "web", "legacy-1", "--container-dir", "/app/cfg"],
        ["dokku", "storage:mount", "web", "media", "--container-dir", "/app/media", "--phase", "run",
         "--volume-readonly"],
        ["dokku", "storage:mount", "web", "/srv/cfg:/app/cfg:ro,Z"],
    ]
    assert result.after["storage"] == {"/app/media": "media (phases=run, readonly)",
                                       "/app/cfg": "/srv/cfg (readonly, options=Z)"}


def test_a_host_path_matches_its_legacy_entry_and_nothing_is_written_again():
    result = plan([{"host_path": "/srv/cfg", "container_dir": "/app/cfg"}],
                  state([attachment("legacy-389f5fb9c4", "/app/cfg", "/srv/cfg")]))
    assert result.argvs() == [] and not result.changed


def test_a_named_entry_at_the_same_host_path_is_not_the_legacy_mount():
    result = plan([{"host_path": "/srv/cfg", "container_dir": "/app/cfg"}],
                  state([attachment("cfg", "/app/cfg", "/srv/cfg")]))
    assert result.argvs() == [["dokku", "storage:unmount", "web", "cfg", "--container-dir", "/app/cfg"],
                              ["dokku", "storage:mount", "web", "/srv/cfg:/app/cfg"]]


def test_exact_unmounts_what_is_not_listed_but_destroys_nothing():
    result = plan([], state([attachment("media", "/app/media"), attachment("legacy-1", "/app/cfg", "/srv/cfg")]))
    assert result.argvs() == [["dokku", "storage:unmount", "web", "legacy-1", "--container-dir", "/app/cfg"],
                              ["dokku", "storage:unmount", "web", "media", "--container-dir", "/app/media"]]
    assert result.after == {"storage": {}}


def test_present_leaves_other_mounts_and_absent_unmounts_only_the_listed():
    current = state([attachment("media", "/app/media"), attachment("logs", "/app/logs")],
                    {"media": {"host_path": ROOT + "/media", "chown": "", "mode": ""},
                     "logs": {"host_path": ROOT + "/logs", "chown": "", "mode": ""}})
    assert plan([{"name": "media", "container_dir": "/app/media"}], current, "present").argvs() == []
    absent = plan([{"name": "logs", "container_dir": "/app/logs"}], current, "absent")
    assert absent.argvs() == [["dokku", "storage:unmount", "web", "logs", "--container-dir", "/app/logs"]]
    assert absent.after == {"storage": {"/app/media": "media"}}


def test_unmounting_one_process_type_mounts_the_others_again():
    """Dokku removes an entry's attachments at a directory for every process type."""
    current = state([attachment("media", "/app/media", process_type="web"),
                     attachment("media", "/app/media", process_type="worker")],
                    {"media": {"host_path": ROOT + "/media", "chown": "", "mode": ""}})
    result = plan([{"name": "media", "container_dir": "/app/media", "process_type": "web"}], current)
    assert result.argvs() == [
        ["dokku", "storage:unmount", "web", "media", "--container-dir", "/app/media"],
        ["dokku", "storage:mount", "web", "media", "--container-dir", "/app/media", "--process-type", "web"],
    ]


def test_a_host_path_with_an_owner_preset_is_ensured_when_missing():
    mount = {"host_path": ROOT + "/uploads", "container_dir": "/app/uploads", "chown": "paketo"}
    missing = plan([mount], state(directories={ROOT + "/uploads": False}))
    assert missing.argvs() == [["dokku", "storage:ensure-directory", "--chown", "paketo", "uploads"],
                               ["dokku", "storage:mount", "web", ROOT + "/uploads:/app/uploads"]]
    assert missing.before["storage_directories"] == {ROOT + "/uploads": "absent"}
    there = plan([mount], state([attachment("legacy-2", "/app/uploads", ROOT + "/uploads")],
                                directories={ROOT + "/uploads": True}))
    assert there.argvs() == []


def test_destroy_needs_no_other_app_and_removes_data_only_at_the_default_path():
    entries = {"media": {"host_path": ROOT + "/media", "chown": "", "mode": ""},
               "legacy-1": {"host_path": "/srv/cfg", "chown": "", "mode": ""}}
    current = state([attachment("media", "/app/media"), attachment("legacy-1", "/app/cfg", "/srv/cfg")], entries,
                    mounted_by={"media": ["web"], "legacy-1": ["web"]})
    result = plan([{"name": "media", "container_dir": "/app/media"}, {"host_path": "/srv/cfg", "container_dir": "/app/cfg"}],
                  current, "absent", destroy=True)
    assert result.argvs() == [
        ["dokku", "storage:unmount", "web", "legacy-1", "--container-dir", "/app/cfg"],
        ["dokku", "storage:unmount", "web", "media", "--container-dir", "/app/media"],
        ["dokku", "storage:destroy", "legacy-1", "--force"],
        ["dokku", "storage:destroy", "media", "--force", "--destroy-host-dir"],
    ]
    shared = plan([{"name": "media", "container_dir": "/app/media"}],
                  state([attachment("media", "/app/media")], entries, mounted_by={"media": ["web", "api"]}),
                  "absent", destroy=True)
    assert "still mounted (api)" in shared.error


def test_two_apps_defining_one_entry_differently_is_an_error():
    result = plan([{"name": "media", "container_dir": "/app/media", "chown": "root"}],
                  state(defined={"media": ("api", (None, "heroku", None))}))
    assert "defined differently by api" in result.error


@pytest.mark.parametrize("mounts, problem", [
    ([{"name": "media"}], "container_dir None must be an absolute path"),
    ([{"name": "media", "container_dir": "app"}], "must be an absolute path"),
    ([{"name": "media", "container_dir": "/app/"}], "not in normal form"),
    ([{"name": "Media", "container_dir": "/a"}], "is not a storage entry name"),
    ([{"name": "legacy-abc", "container_dir": "/a"}], "starts with legacy-"),
    ([{"container_dir": "/a"}], "give name"),
    ([{"host_path": "/srv/a b", "container_dir": "/a"}], "must not contain blanks"),
    ([{"host_path": "/srv/a", "container_dir": "/a", "process_type": "web"}], "need a named entry"),
    ([{"host_path": "/srv/a", "container_dir": "/a", "chown": "heroku"}], "storage root"),
    ([{"name": "m", "container_dir": "/a", "chown": "nobody"}], "is not one of herokuish"),
    ([{"name": "m", "container_dir": "/a", "chown": "packeto"}], "write paketo"),
    ([{"name": "m", "container_dir": "/a", "mode": "0777"}], "world-writable"),
    ([{"name": "m", "container_dir": "/a", "mode": "rwx"}], "is not an octal mode"),
    ([{"name": "m", "host_path": "/srv/m", "container_dir": "/a", "mode": "0750"}], "default directory"),
    ([{"name": "m", "container_dir": "/a", "volume_options": "ro"}], "readonly: true"),
    ([{"name": "m", "container_dir": "/a", "phases": []}], "phases must list"),
    ([{"name": "m", "container_dir": "/a"}, {"name": "n", "container_dir": "/a"}], "already mounted by storage[0]"),
    ([{"name": "m", "container_dir": "/a", "chown": "root"}, {"name": "m", "container_dir": "/b", "chown": "heroku"}],
     "defined differently"),
])
def test_bad_mounts_are_refused(mounts, problem):
    desired, error = FAMILY.validate({"mounts": mounts, "mode": "exact"}, "web")
    assert desired is None and error.startswith("storage[") and problem in error, error


def test_one_changed_mount_is_one_leaf():
    assert FAMILY.classify("app:web", ("storage", "/app/media")) == (
        {"type": "storage_mount", "app": "web", "name": "/app/media"}, "mount")
    assert FAMILY.classify("app:web", ("storage_entries", "media")) == (
        {"type": "storage_entry", "name": "media"}, "definition")
