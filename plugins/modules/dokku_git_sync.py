#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_git_sync
short_description: Deploy a Dokku app from a git repository and ref
version_added: 0.1.0
description:
  - Deploys an app from a git repository with C(dokku git:sync --build APP URL COMMIT), but only
    when the deployed commit differs from the commit the ref points to.
  - The ref is resolved to its commit without deploying anything, so check mode predicts exactly.
    A full 40-character commit id is used as given; a branch, a tag or C(HEAD) is resolved with
    C(git ls-remote) on the managed host, as Dokku's user (with Dokku's C(.netrc)). Annotated tags
    resolve to the commit they point to.
  - The deployed commit is read from C(dokku apps:report APP --format json), which records the last
    B(successful) deploy (C(deploy-source) C(git-sync), C(deploy-source-metadata) C(URL#commit)).
    A failed build leaves it unchanged, so the next run tries again.
  - Dokku builds the resolved commit, so what is built is what was compared.
  - Credentials for a private HTTPS repository go to Dokku's netrc support (C(dokku git:auth HOST
    USER PASSWORD)), which git uses both here and inside Dokku. They are written only when the
    stored entry differs and are masked in everything the module returns.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  app:
    description:
      - Name of the app. It must exist.
    type: str
    required: true
  repository:
    description:
      - The git repository, as C(https://), C(http://), C(ssh://), C(git://) or C(file://) URL, as
        C(user@host:path), or as an absolute path on the host.
      - An HTTP(S) URL must not carry credentials (C(https://user:token@host/...)), because Dokku
        would print them and store them in the app's report; give them with O(auth_username) and
        O(auth_password).
    type: str
    required: true
    aliases: [url]
  ref:
    description:
      - The branch, tag or full 40-character commit id to deploy. V(HEAD) is the repository's
        default branch.
      - A branch name that is also a tag name is refused as ambiguous; write C(refs/heads/NAME) or
        C(refs/tags/NAME).
      - Abbreviated commit ids cannot be resolved without fetching, so they are refused.
    type: str
    default: HEAD
  auth_username:
    description:
      - User name for the repository's host, stored in Dokku's C(.netrc) with C(dokku git:auth).
      - Only for C(http://) and C(https://) repositories. Requires O(auth_password).
    type: str
  auth_password:
    description:
      - Password or access token for O(auth_username).
      - It goes to C(dokku git:auth HOST USER) on standard input, never on the command line, and is masked
        in everything the module returns.
    type: str
extends_documentation_fragment:
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
seealso:
  - module: selfhosted.dokku.dokku_app
  - module: selfhosted.dokku.dokku_git_image
  - module: selfhosted.dokku.dokku_ps
notes:
  - A build can take longer than the default O(command_timeout) of 600 seconds; raise it for slow builds.
  - C(git ls-remote) runs as the user Ansible connects as (normally root) with C(HOME) set to
    Dokku's home. For C(ssh://) and C(user@host:path) repositories ssh then uses that user's keys
    and known hosts, not Dokku's; give a full commit id as O(ref) when they differ.
  - After a failed deploy C(dokku git:report) can show a new commit although the old one still
    runs; this module therefore never uses it to decide.
"""

EXAMPLES = r"""
- name: Deploy the main branch of the tutorial app
  selfhosted.dokku.dokku_git_sync:
    app: djangotutorial
    repository: https://github.com/example/djangotutorial.git
    ref: main

- name: Deploy an exact release from a private repository
  selfhosted.dokku.dokku_git_sync:
    app: djangotutorial
    repository: https://gitlab.example.com/team/djangotutorial.git
    ref: v1.4.0
    auth_username: deploy
    auth_password: "{{ vault_gitlab_token }}"
    command_timeout: 1800
"""

RETURN = r"""
app:
  description: Name of the app.
  returned: always
  type: str
  sample: djangotutorial
commit:
  description: The commit the ref resolved to (null in check mode when new credentials are needed to resolve it).
  returned: success
  type: str
  sample: 0f5a3c1e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a49
previous_commit:
  description: The commit of the last successful git:sync deploy, null when there was none.
  returned: success
  type: str
  sample: 9e8d7c6b5a490f5a3c1e9b8d7a6f5e4d3c2b1a0f
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked.
  returned: always
  type: list
  elements: list
  sample: [["dokku", "git:sync", "--build", "djangotutorial", "https://github.com/example/djangotutorial.git",
            "0f5a3c1e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a49"]]
diff:
  description:
    - The deployed repository and commit before and after; C(auth) (host and user name, the password
      only as a mask) when credentials are given.
  returned: always
  type: dict
  sample:
    before: {"repository": null, "commit": null}
    after: {"repository": "https://github.com/example/djangotutorial.git", "commit": "0f5a3c1e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a49"}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample:
    app:web:
      deploy:
        before:
          deploy:
            repository: null
            commit: null
        after:
          deploy:
            repository: https://github.com/example/app.git
            commit: 8a75467f3747781bf96990434a28a814bb14a31e
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import converge_one
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get

DEPLOY = get("deploy")


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            app=dict(type="str", required=True),
            repository=dict(type="str", required=True, aliases=["url"]),
            ref=dict(type="str", default="HEAD"),
            auth_username=dict(type="str"),
            auth_password=dict(type="str", no_log=True),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    params = module.params
    app = params["app"]
    error = check_app_name(app)
    if error:
        module.fail_json(msg="app: " + error)
    desired, error = DEPLOY.validate(dict((key, params[key]) for key in (
        "repository", "ref", "auth_username", "auth_password")), app)
    if error:
        module.fail_json(msg=error)

    runner = DokkuRunner(module, secrets=[params["auth_password"]])
    runner.require_supported_version()
    plan, converger = converge_one(module, runner, DEPLOY, app, desired)
    before, after = plan.before["deploy"], plan.after["deploy"]
    exit_result(
        module, runner, before != after, before, after,
        app=app, commit=after["commit"], previous_commit=plan.previous_commit,
        family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
