# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate and key files read on the controller, for the action plugins of dokku_apps and dokku_certs.

The files are found like ``ansible.builtin.copy``'s ``src`` (``files/`` of the role, the playbook's
directory, ...), may be encrypted with Ansible Vault, and their text goes to the module in its
``cert`` and ``key`` options (``key`` is ``no_log`` there).  The pair is checked here, before the
module runs, with the ``cryptography`` package ansible-core brings (or the standard library),
so a key that does not belong to the certificate never reaches the host.

Private plugin_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.selfhosted.dokku.plugins.module_utils._tls import TLSError, check_pair


def read_controller_file(action, path, label):
    """The text of a controller file (Vault-decrypted); AnsibleActionFail naming ``label`` otherwise."""
    try:
        found = action._find_needle("files", path)  # pylint: disable=protected-access
        real = action._loader.get_real_file(found, decrypt=True)  # pylint: disable=protected-access
        try:
            with open(real, "rb") as handle:
                return to_text(handle.read(), errors="surrogate_or_strict")
        finally:
            action._loader.cleanup_tmp_file(real)  # pylint: disable=protected-access
    except (AnsibleError, OSError, UnicodeError) as exc:
        raise AnsibleActionFail("%s: cannot read %s on the controller: %s" % (label, path, to_text(exc)))


def load_certificate(action, options, label):
    """``options`` with ``cert`` and ``key`` read from ``cert_file`` and ``key_file``, pair checked."""
    if not isinstance(options, dict) or (options.get("state") or "present") != "present":
        return options
    options = dict(options)
    for file_key, text_key in (("cert_file", "cert"), ("key_file", "key")):
        if options.get(file_key) and options.get(text_key):
            raise AnsibleActionFail("%s: give %s or %s, not both" % (label, file_key, text_key))
        if options.get(file_key):
            options[text_key] = read_controller_file(action, options[file_key], "%s.%s" % (label, file_key))
    if options.get("cert") and options.get("key"):
        try:
            check_pair(options["cert"], options["key"])
        except TLSError as exc:
            where = " (%s, %s)" % (options["cert_file"], options["key_file"]) if options.get("cert_file") else ""
            raise AnsibleActionFail("%s: %s%s" % (label, exc, where))
    return options


def run_module(action, module_name, module_args, task_vars, result):
    """Run the module with ``module_args``; a refusal here is a failed result with no dokku call."""
    result.update(action._execute_module(module_name=module_name, module_args=module_args,  # pylint: disable=protected-access
                                         task_vars=task_vars))
    return result
