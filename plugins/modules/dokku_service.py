#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_service
short_description: Create or destroy a Dokku datastore service (postgres, redis, mysql, ...)
version_added: 0.1.0
description:
  - Makes sure a service of one of the official Dokku datastore plugins exists
    (C(dokku <type>:create)) or does not exist (C(dokku <type>:destroy SVC --force)).
  - The datastore plugin must be installed on the host (see M(selfhosted.dokku.dokku_plugin));
    the module fails with a clear message when it is not.
  - O(image), O(image_version), O(password), O(custom_env) and O(config_options) are applied only
    when the service is created; Dokku changes the image of an existing service only through
    C(<type>:upgrade), which this module runs only with O(allow_upgrade=true), after exporting the
    service into O(upgrade_backup_dir) in the same run.
  - When an existing service runs another image or version than requested and O(allow_upgrade) is
    false, nothing is recreated; the module reports the difference in the diff and as a warning.
  - O(expose) and O(backup) are compared with what the plugin reports (C(<type>:info --exposed-ports),
    C(<type>:backup-schedule-cat)) and stores (the files of the backup credentials and passphrase
    under C($DOKKU_LIB_ROOT/services/<type>/SVC/), so the task runs as root), and changed only when
    they differ.
  - Destroying a service deletes its data. It needs the explicit O(allow_destroy=true), and it is
    refused while apps are linked to the service (unlink them with
    M(selfhosted.dokku.dokku_service_link) first).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  type:
    description:
      - The datastore plugin, which is also the command prefix (C(postgres:create), C(redis:create), ...).
    type: str
    default: postgres
  name:
    description:
      - Name of the service. Letters, digits, C(_) and C(-) only (no dots).
    type: str
    required: true
    aliases: [service]
  state:
    description:
      - V(present) creates the service when it is missing.
      - V(absent) destroys it when it exists, only together with O(allow_destroy=true).
    type: str
    choices: [present, absent]
    default: present
  image:
    description:
      - Docker image to create the service from, without its tag (C(postgres), C(postgis/postgis)).
      - Defaults to the plugin's image.
    type: str
  image_version:
    description:
      - Tag of the image (C(17.6)). Defaults to the plugin's default version.
    type: str
  password:
    description:
      - Password of the service's user. Dokku generates a random one when it is not given,
        which is the more secure choice.
      - Letters, digits and C(. _ ~ -) only, not starting with C(-), because Dokku puts it unescaped
        into the service URL.
      - Dokku only accepts it on the command line, so it is visible in the host's process list while
        C(<type>:create) runs. It is masked in everything the module returns.
    type: str
  custom_env:
    description:
      - Environment variables of the service container, passed as C(--custom-env "A=b;C=d").
      - Keys and values may not contain C(;), C(=) or line breaks, which that form cannot carry.
    type: dict
  config_options:
    description:
      - Extra arguments for the datastore process (C(--config-options), for example C(--max-connections=50)).
    type: str
  allow_destroy:
    description:
      - Explicit opt-in to destroy the service and its data when O(state=absent). Never implied.
    type: bool
    default: false
  expose:
    description:
      - Host ports the service is exposed on (C(<type>:expose SVC PORT...)), one per datastore port
        (postgres, mysql, mariadb and redis have one, mongo and rabbitmq four), each C(PORT) or C(IPv4:PORT).
      - V([]) unexposes it (C(<type>:unexpose)). Not managed when omitted.
    type: list
    elements: str
  backup:
    description:
      - Scheduled S3 backups of the service. Not managed when omitted; only the settings given are.
    type: dict
    suboptions:
      state:
        description:
          - V(present) applies the settings given.
          - V(absent) unschedules the backups (C(backup-unschedule)) and removes the credentials
            (C(backup-deauth)) and the passphrase (C(backup-unset-encryption)) where they are set.
        type: str
        choices: [present, absent]
        default: present
      schedule:
        description:
          - Cron schedule (five fields such as V(0 3 * * *), or a macro such as V(@daily)) of
            C(<type>:backup-schedule). Checked before any write, since Dokku writes any text into the cron file.
          - Requires O(backup.bucket).
        type: str
      bucket:
        description:
          - S3 bucket (optionally C(bucket/path)) the scheduled backups go to.
        type: str
      use_iam:
        description:
          - The scheduled backups authenticate with the host's IAM role (C(--use-iam)).
        type: bool
        default: false
      auth:
        description:
          - S3 credentials (C(<type>:backup-auth)). Changed credentials are replaced (C(backup-deauth), then
            C(backup-auth)), since the plugin refuses a second C(backup-auth).
          - The plugin takes them only as command arguments, so they are visible in the host's process list
            while the command runs. They are masked in everything the module returns and shown in the diff
            only as a marker.
        type: dict
        suboptions:
          access_key_id:
            description: Access key id.
            type: str
            required: true
          secret_access_key:
            description: Secret access key.
            type: str
            required: true
          region:
            description: Region, for example C(eu-west-1).
            type: str
          signature_version:
            description: Signature version, for example C(s3v4).
            type: str
          endpoint_url:
            description: Endpoint URL of an S3-compatible store.
            type: str
      encryption_passphrase:
        description:
          - GPG passphrase the backups are encrypted with (C(<type>:backup-set-encryption)), a command
            argument like the credentials; masked, and shown in the diff only as a marker.
        type: str
  allow_upgrade:
    description:
      - Explicit opt-in to move an existing service to the requested O(image) and O(image_version) with
        C(<type>:upgrade SVC --image I --image-version V), passing its custom env and config options again
        (the plugin would reset them).
      - Before the upgrade the service is exported (C(<type>:export)) into a new file in O(upgrade_backup_dir);
        an empty or failed export stops the task before the upgrade.
    type: bool
    default: false
  upgrade_backup_dir:
    description:
      - Existing directory on the Dokku host for that export, named C(<type>-<name>-<UTC time>.dump) (mode 0600).
      - Required with O(allow_upgrade=true).
    type: path
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_service_link
  - module: selfhosted.dokku.dokku_plugin
notes:
  - Check mode predicts the export, the upgrade and every other command without running them.
"""

EXAMPLES = r"""
- name: A postgres database for the app
  selfhosted.dokku.dokku_service:
    name: djangotutorial-db

- name: A pinned postgres version with extra settings
  selfhosted.dokku.dokku_service:
    name: analytics
    image_version: "17.6"
    custom_env:
      TZ: UTC
    config_options: "--max-connections=50"

- name: A redis cache (the redis plugin must be installed)
  selfhosted.dokku.dokku_service:
    type: redis
    name: cache

- name: Exposed on localhost, backed up nightly to S3 with encryption
  selfhosted.dokku.dokku_service:
    name: djangotutorial-db
    expose: ["127.0.0.1:15432"]
    backup:
      schedule: "0 3 * * *"
      bucket: my-backups
      auth:
        access_key_id: "{{ vault_backup_key_id }}"
        secret_access_key: "{{ vault_backup_secret }}"
        region: eu-west-1
      encryption_passphrase: "{{ vault_backup_passphrase }}"

- name: Upgrade to a new pinned version, after an export into /var/backups/dokku
  selfhosted.dokku.dokku_service:
    name: analytics
    image_version: "18.4"
    allow_upgrade: true
    upgrade_backup_dir: /var/backups/dokku

- name: Destroy a service that is no longer linked (explicit opt-in)
  selfhosted.dokku.dokku_service:
    name: old-db
    state: absent
    allow_destroy: true
"""

RETURN = r"""
service:
  description: Name of the service.
  returned: always
  type: str
  sample: djangotutorial-db
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "postgres:create", "djangotutorial-db"]]
upgrade_backup:
  description: The file the service was exported into before C(<type>:upgrade) (null when there was no upgrade).
  returned: always
  type: str
  sample: /var/backups/dokku/postgres-analytics-20261204T031500Z.dump
diff:
  description:
    - State before and after. C(image) is C(image:tag); it is null when the plugin's default will be
      used and not yet known. The password and the service URL are never part of it.
    - C(exposed_ports), C(backup_schedule), C(backup_bucket) and C(backup_use_iam) when managed;
      C(backup_auth) and C(backup_encryption) as markers C(<hidden sha256:...>) (null when not set).
  returned: always
  type: dict
  sample:
    before: {"type": "postgres", "name": "djangotutorial-db", "state": "absent", "image": null}
    after: {"type": "postgres", "name": "djangotutorial-db", "state": "present", "image": null}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    global:
      services:
        before: {"services": {"postgres": {"db": {"state": "absent", "image": null}}}}
        after: {"services": {"postgres": {"db": {"state": "present", "image": null}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL, argument_spec, converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import (
    BACKUP_OPTIONS,
    backup_secrets,
    item,
)

SERVICES = get("services")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            type=dict(type="str", default="postgres"),
            name=dict(type="str", required=True, aliases=["service"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            image=dict(type="str"),
            image_version=dict(type="str"),
            password=dict(type="str", no_log=True),
            custom_env=dict(type="dict", no_log=True),
            config_options=dict(type="str"),
            allow_destroy=dict(type="bool", default=False),
            expose=dict(type="list", elements="str"),
            backup=dict(type="dict", options=argument_spec(BACKUP_OPTIONS)),
            allow_upgrade=dict(type="bool", default=False),
            upgrade_backup_dir=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    params = module.params
    desired, error = SERVICES.validate([item(params, params["state"], None, report_image=True)], GLOBAL)
    if error:
        module.fail_json(msg=error.split(": ", 1)[1])
    kind, name = params["type"], params["name"]

    runner = DokkuRunner(module, secrets=[params["password"]] + backup_secrets(params))
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, SERVICES, GLOBAL, desired)
    before = dict(type=kind, name=name, **plan.before["services"][kind][name])
    after = dict(type=kind, name=name, **plan.after["services"][kind][name])
    backups = getattr(plan, "backup_files", None) or [None]
    exit_result(module, runner, bool(plan.writes), before, after, service=name, upgrade_backup=backups[0],
                family_diff=converger.family_diff())


if __name__ == "__main__":
    main()
