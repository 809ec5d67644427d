# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark stdout callback: prints nothing, counts the tasks each host ran.

A task counts when it ran on the host (ok, changed or failed; not skipped); each loop
item counts as one task, as each is a module run of its own.  At the end it writes
``{"tasks": {host: n}, "changed": [{host, task}, ...], "failures": [...]}`` to
``$BENCH_COUNT_FILE``; ``changed`` lists the tasks (loop items) that reported a change, which in
check mode is drift.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_count
type: stdout
short_description: Count executed tasks per host (benchmark only)
description: Used by bench/run.py; not part of the collection.
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "bench_count"

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.tasks = {}
        self.changed = []
        self.failures = []

    def _count(self, result):
        host = result._host.get_name()  # pylint: disable=protected-access
        self.tasks[host] = self.tasks.get(host, 0) + 1
        if result._result.get("changed"):  # pylint: disable=protected-access
            self.changed.append({"host": host, "task": result._task.get_name()})  # pylint: disable=protected-access

    def _fail(self, result):
        self._count(result)
        res = result._result  # pylint: disable=protected-access
        self.failures.append({"host": result._host.get_name(), "task": result._task.get_name(),  # pylint: disable=protected-access
                              "msg": str(res.get("msg", ""))[:2000]})

    def v2_runner_on_ok(self, result):
        if not result._result.get("results"):  # pylint: disable=protected-access
            self._count(result)

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._fail(result)

    def v2_runner_item_on_failed(self, result):
        self._fail(result)

    def v2_runner_on_unreachable(self, result):
        self._fail(result)

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["BENCH_COUNT_FILE"], "w") as handle:
            json.dump({"tasks": self.tasks, "changed": self.changed, "failures": self.failures}, handle)
