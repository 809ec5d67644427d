# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Options every module shares (handled by the runner in module_utils).
    DOCUMENTATION = r"""
options:
  command_timeout:
    description:
      - Seconds after which one C(dokku) call is stopped and the task fails.
      - Uses C(timeout) from coreutils when it is installed on the host.
    type: int
    default: 600
  option_names:
    description:
      - How to name options in failure messages, option name to the variable the operator wrote.
        The roles pass their variables' names (C(apps) to C(dokku_apps_apps), for example),
        so that a refusal names C(dokku_apps_apps[web].config) instead of C(apps[web].config).
    type: dict
    default: {}
requirements:
  - Dokku 0.38 or newer on the managed host (the module runs C(/usr/bin/dokku) there).
  - Root privileges (C(become=true)) for commands Dokku reserves to root (plugins, SSH keys).
notes:
  - Every call of C(dokku) is an argument list, never a shell string; state is read from
    Dokku's JSON reports and C(config:export).
  - The C(commands) return value lists the mutating C(dokku) calls that ran, or would run
    in check mode, with secrets masked.
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation
        indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
  action_group:
    description: Use C(group/selfhosted.dokku.dokku) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - selfhosted.dokku.dokku
"""

    # Attributes for a module with actions that always run (dokku_ps: restarted, rebuilt).
    ATTRIBUTES_ACTIONS = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation
        indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
    support: partial
    details: >-
      O(selfhosted.dokku.dokku_ps#module:state=restarted) and O(selfhosted.dokku.dokku_ps#module:state=rebuilt)
      act on every run and so always report a change; every other option is idempotent.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
  action_group:
    description: Use C(group/selfhosted.dokku.dokku) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - selfhosted.dokku.dokku
"""

    # Attributes for modules that only read.
    ATTRIBUTES_INFO = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads state, so it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation
        indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
    support: full
    details: This module never changes anything.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
  action_group:
    description: Use C(group/selfhosted.dokku.dokku) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - selfhosted.dokku.dokku
"""
