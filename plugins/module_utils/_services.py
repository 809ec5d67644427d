# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the datastore service modules (dokku_service, dokku_service_link).

The official datastore plugins (dokku-postgres, dokku-redis, dokku-mysql, ...)
share one command set, ``<type>:<subcommand>``.  A plugin that is not
installed makes Dokku answer ``is not a dokku command`` with exit code 1, the
same code as "service does not exist", so every read here tells the two apart.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOT_A_COMMAND = "is not a dokku command"
DOES_NOT_EXIST = "does not exist"


def require_plugin(runner, kind, args, res):
    """False (after failing, or warning in check mode) when ``dokku <kind>:...`` does not exist."""
    if NOT_A_COMMAND not in (res.stderr or ""):
        return True
    runner.missing(
        "the %s plugin is not installed or not enabled on this host (dokku has no %s:* commands); "
        "install it first, for example with selfhosted.dokku.dokku_plugin" % (kind, kind)
    )
    return False


def fail_unexpected(runner, args, res):
    runner.fail(
        "unexpected answer from dokku %s (exit code %d)" % (args[0], res.rc),
        args=args, rc=res.rc, stdout=res.stdout, stderr=res.stderr,
    )


def service_exists(runner, kind, service):
    """``<kind>:exists SVC``: True (rc 0) or False (rc 1 and "does not exist")."""
    args = [kind + ":exists", service]
    res = runner.read(args, ok_rcs=(0, 1))
    if res.rc == 0:
        return True
    if require_plugin(runner, kind, args, res) and DOES_NOT_EXIST not in res.stderr:
        fail_unexpected(runner, args, res)
    return False
