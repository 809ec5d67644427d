#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_certs
short_description: Install or remove a custom TLS certificate of a Dokku app
version_added: 0.1.0
description:
  - Installs a certificate and its private key for an app (C(dokku certs:add APP), the pair as a tar
    archive on standard input), from files on the Ansible controller, or removes it (C(dokku certs:remove)).
  - The action plugin reads O(cert_file) and O(key_file) on the controller (Ansible Vault encrypted files
    work) and checks that the key belongs to the certificate before anything reaches the host; the module
    checks the pair again. The key is never shown - not in C(commands), the diff, errors or warnings.
  - C(certs:report) shows no fingerprint, so the module reads the app's C(server.crt) and C(server.key)
    (in the report's C(dir), readable by root) and compares them by SHA-256 digest. The certificate is
    written again when its leaf, its chain or the key differs. The diff shows the leaf certificate's
    SHA-256 fingerprint.
  - Dokku 0.38 exits 1 from C(certs:add) when the host has no global domain file, after it installed the
    files; the module then reads them back and only warns when they hold what it sent.
  - Let's Encrypt certificates are the business of M(selfhosted.dokku.dokku_letsencrypt); installing a
    custom certificate replaces whatever certificate the app has.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description: Name of the app. It must exist.
    type: str
    required: true
  cert_file:
    description:
      - PEM file of the certificate (server certificate first, then its chain) on the controller, found like
        M(ansible.builtin.copy)'s C(src).
    type: path
  key_file:
    description: PEM file of its private key (unencrypted PEM, or encrypted with Ansible Vault) on the controller.
    type: path
  cert:
    description: The certificate as PEM text, instead of O(cert_file).
    type: str
  key:
    description: The private key as PEM text, instead of O(key_file).
    type: str
  state:
    description: V(present) installs the certificate when the app's differs; V(absent) removes the app's certificate.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_letsencrypt
"""

EXAMPLES = r"""
- name: Install the certificate bought for the shop
  selfhosted.dokku.dokku_certs:
    app: shop
    cert_file: certs/shop.example.com.crt
    key_file: certs/shop.example.com.key   # encrypted with ansible-vault

- name: Remove it again
  selfhosted.dokku.dokku_certs:
    app: shop
    state: absent
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: shop
fingerprint:
  description: SHA-256 fingerprint of the app's leaf certificate after the task (null without one).
  returned: success
  type: str
  sample: sha256:d2620b1b3a2aebeb88ce51a16f6254388b1f81a68a1c3b916f429dcaaea45b85
commands:
  description: The mutating dokku calls that ran (or would run in check mode); the archive on stdin is not shown.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "certs:add", "shop"]]
diff:
  description: The certificate before and after, as its fingerprint (and what else differs, without showing it).
  returned: always
  type: dict
  sample: {"before": {"certificate": null}, "after": {"certificate": "sha256:d2620b1b..."}}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:shop": {"certs": {"before": {"certificate": null}, "after": {"certificate": "sha256:d262..."}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

CERTS = get("certs")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            cert_file=dict(type="path"),
            key_file=dict(type="path"),
            cert=dict(type="str"),
            key=dict(type="str", no_log=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    app = module.params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = CERTS.validate(CERTS.desired(dict(certificate=module.params)), app)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module, secrets=[module.params["key"]])
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, CERTS, app, desired)
    before, after = plan.before["certificate"], plan.after["certificate"]
    exit_result(
        module, runner, before != after, dict(certificate=before), dict(certificate=after),
        app=app, fingerprint=after, family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
