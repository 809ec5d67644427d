# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of selfhosted.dokku.dokku_certs: reads the certificate files on the controller.

See ``plugin_utils/_certificate_files.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.selfhosted.dokku.plugins.plugin_utils._certificate_files import load_certificate, run_module


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            args = load_certificate(self, dict(self._task.args), "certificate")
        except AnsibleActionFail as exc:
            result.update(failed=True, msg=str(exc), commands=[])
            return result
        return run_module(self, "selfhosted.dokku.dokku_certs", args, task_vars, result)
