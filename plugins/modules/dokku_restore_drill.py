#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_restore_drill
short_description: Prove that a Dokku datastore service can be restored from its export
version_added: 0.1.0
description:
  - Exports a service (C(<type>:export)) into a file on the Dokku host, imports that file into a new
    scratch service (C(<type>:create) with the source's image, then C(<type>:import) with the file on
    standard input), runs the same check on both (O(check) on the standard input of C(<type>:connect)),
    compares the outputs, destroys the scratch service and reports.
  - The scratch service must not exist beforehand; the module never touches a service it did not create.
    It is destroyed even when a step fails, unless O(keep_scratch=true).
  - In check mode nothing runs but the reads of the source service; RV(commands) lists what would run.
  - The dump goes straight from Dokku into the file (it is never held in memory) and is deleted
    afterwards unless O(keep_dump=true).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  type:
    description:
      - The datastore plugin (C(postgres), C(mysql), C(redis), ...).
    type: str
    default: postgres
  service:
    description:
      - The service to export. It must exist.
    type: str
    required: true
  scratch_service:
    description:
      - Name of the scratch service the export is imported into. Defaults to C(<service>-drill).
    type: str
  check:
    description:
      - What is sent on the standard input of C(<type>:connect) of the source and of the scratch service
        (for postgres, SQL for C(psql), for example C(SELECT count(*) FROM users;)). The drill passes when
        both outputs are the same and both exit with 0.
      - It must only read; it runs on the source service too.
    type: str
    required: true
  dump_dir:
    description:
      - Existing directory on the Dokku host for the dump (C(<type>-<service>-<UTC time>.dump), mode 0600).
        Defaults to a new temporary directory, removed afterwards.
    type: path
  keep_dump:
    description:
      - Keep the dump file (its path is in RV(report.dump_file)).
    type: bool
    default: false
  keep_scratch:
    description:
      - Leave the scratch service in place, to look into it. A later drill then needs another O(scratch_service).
    type: bool
    default: false
  fail_on_failed_check:
    description:
      - Fail the task when the drill does not pass. With V(false) the task succeeds and RV(report.passed) tells.
    type: bool
    default: true
extends_documentation_fragment:
  - selfhosted.dokku.dokku
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Only the source service is read; the commands that would run are returned.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
  action_group:
    description: Use C(group/selfhosted.dokku.dokku) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - selfhosted.dokku.dokku
seealso:
  - module: selfhosted.dokku.dokku_service
"""

EXAMPLES = r"""
- name: Restore the app's database into a scratch service and compare a row count
  selfhosted.dokku.dokku_restore_drill:
    service: djangotutorial-datastore
    check: "SELECT count(*) FROM polls_question;"
  register: drill

- name: Keep the dump in /var/backups/dokku
  selfhosted.dokku.dokku_restore_drill:
    service: djangotutorial-datastore
    check: "SELECT count(*) FROM polls_question;"
    dump_dir: /var/backups/dokku
    keep_dump: true
"""

RETURN = r"""
report:
  description: What the drill did and found.
  returned: always
  type: dict
  contains:
    passed:
      description: Whether the restored copy gave the same check output as the source (null in check mode).
      type: bool
    summary:
      description: One line for humans.
      type: str
    type:
      description: The datastore type.
      type: str
    service:
      description: The source service.
      type: str
    scratch_service:
      description: The scratch service.
      type: str
    image:
      description: The image (C(image:tag)) of the source, which the scratch service was created from.
      type: str
    dump_bytes:
      description: Size of the export.
      type: int
    dump_file:
      description: Path of the kept dump on the Dokku host (null unless O(keep_dump=true)).
      type: str
    source:
      description: C(rc) and C(stdout) of the check on the source.
      type: dict
    scratch:
      description: C(rc), C(stdout) and C(stderr) of the check on the scratch service.
      type: dict
    failed_step:
      description: The step that failed (C(export), C(check on the source), C(create), C(import), C(check on the copy)), or null.
      type: str
    scratch_destroyed:
      description: Whether the scratch service was destroyed again.
      type: bool
    seconds:
      description: Duration of the drill.
      type: float
  sample:
    passed: true
    summary: "postgres service db restored into db-drill: the check gave the same output on both (3 lines)"
    type: postgres
    service: db
    scratch_service: db-drill
    image: postgres:18.4
    dump_bytes: 852
    dump_file: null
    source: {"rc": 0, "stdout": " count \n-------\n     2\n(1 row)\n\n"}
    scratch: {"rc": 0, "stdout": " count \n-------\n     2\n(1 row)\n\n", "stderr": ""}
    failed_step: null
    scratch_destroyed: true
    seconds: 7.3
commands:
  description: The mutating dokku calls that ran (or would run in check mode), in order.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "postgres:export", "db"], ["dokku", "postgres:create", "db-drill", "--image", "postgres",
           "--image-version", "18.4"]]
"""

import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import DokkuRunner, dokku_argument_spec, name_options
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_datastore_type,
    check_service_name,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import (
    DOES_NOT_EXIST,
    plugin_message,
    split_image,
)


def validate(params):
    """The first problem with the options, or None (before any dokku call)."""
    checks = [("type", check_datastore_type(params["type"])), ("service", check_service_name(params["service"])),
              ("scratch_service", check_service_name(params["scratch_service"]))]
    for option, error in checks:
        if error:
            return "%s: %s" % (option, error)
    if params["scratch_service"] == params["service"]:
        return "scratch_service: it must differ from service, which the drill only reads"
    if not params["check"] or not params["check"].strip():
        return "check: give what to run on both services through <type>:connect (for postgres an SQL query)"
    if params["dump_dir"] is not None and not os.path.isabs(params["dump_dir"]):
        return "dump_dir: %r is not an absolute path on the Dokku host" % params["dump_dir"]
    return None


class Drill(object):
    def __init__(self, module, runner):
        self.module = module
        self.runner = runner
        params = module.params
        self.kind, self.service, self.scratch = params["type"], params["service"], params["scratch_service"]
        self.report = dict(passed=None, summary="", type=self.kind, service=self.service, scratch_service=self.scratch,
                           image=None, dump_bytes=None, dump_file=None, source=None, scratch=None, failed_step=None,
                           scratch_destroyed=False, seconds=0.0)

    def exists(self, name):
        res = self.runner.read([self.kind + ":exists", name], ok_rcs=(0, 1))
        if res.rc != 0 and self.runner.not_a_command(res):
            self.module.fail_json(msg=plugin_message(self.kind), commands=self.runner.masked_commands())
        if res.rc != 0 and DOES_NOT_EXIST not in res.stderr:
            self.runner.fail("unexpected answer from dokku %s:exists" % self.kind, rc=res.rc, stdout=res.stdout,
                             stderr=res.stderr)
        return res.rc == 0

    def preflight(self):
        if not self.exists(self.service):
            self.module.fail_json(msg="service: %s service %s does not exist" % (self.kind, self.service),
                                  commands=[])
        if self.exists(self.scratch):
            self.module.fail_json(
                msg="scratch_service: %s service %s already exists; the drill only destroys a scratch service it "
                    "created, so name another scratch_service or remove that one" % (self.kind, self.scratch),
                commands=[])
        self.report["image"] = parse_flag_value(self.runner.read([self.kind + ":info", self.service, "--version"]).stdout)

    def create_args(self):
        args = [self.kind + ":create", self.scratch]
        if self.report["image"]:
            image, tag = split_image(self.report["image"])
            args += ["--image", image] + (["--image-version", tag] if tag else [])
        return args

    def connect(self, name):
        res = self.runner.run([self.kind + ":connect", name], write=True, data=self.module.params["check"],
                              fail_on_error=False)
        return dict(rc=res.rc, stdout=res.stdout, stderr=res.stderr)

    def fail_step(self, step, detail):
        self.report["failed_step"] = step
        self.report["passed"] = False
        self.report["summary"] = "%s service %s: the restore drill failed at %s: %s" % (
            self.kind, self.service, step, detail.strip().splitlines()[-1] if detail.strip() else "no output")

    def run(self, path):
        """Export, check the source, create, import, check the copy (stops at the first failure)."""
        res = self.runner.stream([self.kind + ":export", self.service], stdout_path=path, fail_on_error=False)
        if self.runner.check_mode:
            self.runner.commands.append(self.runner.display_argv([self.kind + ":connect", self.service]))
            for args in (self.create_args(), [self.kind + ":import", self.scratch],
                         [self.kind + ":connect", self.scratch], [self.kind + ":destroy", self.scratch, "--force"]):
                self.runner.commands.append(self.runner.display_argv(args))
            self.report["summary"] = "%s service %s would be exported and restored into %s (check mode)" % (
                self.kind, self.service, self.scratch)
            return False
        self.report["dump_bytes"] = os.path.getsize(path)
        if res.rc != 0 or not self.report["dump_bytes"]:
            self.fail_step("export", res.stderr or "empty dump")
            return False
        source = self.connect(self.service)
        self.report["source"] = dict(rc=source["rc"], stdout=source["stdout"])
        if source["rc"] != 0:
            self.fail_step("check on the source", source["stderr"])
            return False
        res = self.runner.run(self.create_args(), write=True, fail_on_error=False)
        if res.rc != 0:
            self.fail_step("create", res.stderr)
            return False
        created = True
        res = self.runner.stream([self.kind + ":import", self.scratch], stdin_path=path, fail_on_error=False)
        if res.rc != 0:
            self.fail_step("import", res.stderr)
            return created
        copy = self.report["scratch"] = self.connect(self.scratch)
        if copy["rc"] != 0:
            self.fail_step("check on the copy", copy["stderr"])
        elif copy["stdout"] != source["stdout"]:
            self.fail_step("check on the copy", "its output differs from the source's")
        else:
            lines = len(source["stdout"].splitlines())
            self.report["passed"] = True
            self.report["summary"] = ("%s service %s restored into %s: the check gave the same output on both "
                                      "(%d line%s)" % (self.kind, self.service, self.scratch, lines,
                                                       "" if lines == 1 else "s"))
        return created

    def destroy_scratch(self):
        res = self.runner.run([self.kind + ":destroy", self.scratch, "--force"], write=True, fail_on_error=False)
        self.report["scratch_destroyed"] = res.rc == 0
        if res.rc != 0:
            self.report["passed"] = False
            self.report["summary"] += "; destroying the scratch service failed: %s" % res.stderr.strip()


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            type=dict(type="str", default="postgres"),
            service=dict(type="str", required=True),
            scratch_service=dict(type="str"),
            check=dict(type="str", required=True),
            dump_dir=dict(type="path"),
            keep_dump=dict(type="bool", default=False),
            keep_scratch=dict(type="bool", default=False),
            fail_on_failed_check=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    params = module.params
    if not params["scratch_service"] and isinstance(params["service"], str):
        params["scratch_service"] = params["service"] + "-drill"
    error = validate(params)
    if error:
        module.fail_json(msg=error, commands=[])
    if params["dump_dir"] is not None and not os.path.isdir(params["dump_dir"]):
        module.fail_json(msg="dump_dir: %s is not a directory on the Dokku host" % params["dump_dir"], commands=[])

    started = time.time()
    runner = DokkuRunner(module)
    runner.require_supported_version()
    drill = Drill(module, runner)
    drill.preflight()
    directory = params["dump_dir"] or (None if module.check_mode else tempfile.mkdtemp(prefix="dokku-drill-"))
    path = os.path.join(directory or "/tmp", "%s-%s-%s.dump" % (
        drill.kind, drill.service, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())))
    created = False
    try:
        created = drill.run(path)
    finally:
        if created and not params["keep_scratch"]:
            drill.destroy_scratch()
        if not module.check_mode:
            if params["keep_dump"]:
                drill.report["dump_file"] = path
            elif params["dump_dir"]:
                if os.path.exists(path):
                    os.unlink(path)
            else:
                shutil.rmtree(directory, ignore_errors=True)
    drill.report["seconds"] = round(time.time() - started, 3)
    result = dict(changed=bool(runner.commands), commands=runner.masked_commands(),
                  report=drill.report)
    if drill.report["passed"] is False and params["fail_on_failed_check"]:
        module.fail_json(msg=drill.report["summary"], **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
