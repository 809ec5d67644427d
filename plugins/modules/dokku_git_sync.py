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
      - Dokku only accepts it on the command line, so it is visible in the host's process list while
        C(dokku git:auth) runs. It is masked in everything the module returns.
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
"""

import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._deploy import MISSING_APP, read_deploy_source
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    MASK,
    DokkuRunner,
    dokku_argument_spec,
    dokku_root,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name

FULL_SHA_RE = re.compile(r"^[0-9a-fA-F]{40}$")
ABBREVIATED_SHA_RE = re.compile(r"^[0-9a-fA-F]{4,39}$")
URL_SCHEMES = ("https", "http", "ssh", "git", "file")
SCP_LIKE_RE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]")
# git check-ref-format's forbidden characters and sequences, plus a leading "-" (an option to git).
BAD_REF_RE = re.compile(r"(^-|\.\.|@\{|[\x00-\x20\x7f~^:?*\[\\]|//|/$|\.$|\.lock$)")


def check_repository(url):
    if not isinstance(url, str) or not url or url != url.strip() or any(c.isspace() for c in url):
        return "%r is empty or contains whitespace" % (url,)
    if url.startswith("-"):
        return "%r starts with '-'" % url
    if url.startswith("/") or SCP_LIKE_RE.match(url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in URL_SCHEMES or (parts.scheme != "file" and not parts.hostname):
        return (
            "%r is not a git URL: use https://, http://, ssh://, git:// or file://, "
            "user@host:path, or an absolute path" % url
        )
    if parts.password is not None or (parts.scheme in ("http", "https") and parts.username is not None):
        return (
            "the URL carries credentials, which Dokku would print and store in the app's report; "
            "give them with auth_username and auth_password instead"
        )
    return None


def check_ref(ref):
    if not isinstance(ref, str) or not ref or BAD_REF_RE.search(ref):
        return (
            "%r is not a valid git ref: give a branch, a tag, HEAD or a full 40-character commit id "
            "(no spaces, '..', '~', '^', ':' or leading '-')" % (ref,)
        )
    return None


def check_auth(module):
    username, password = module.params["auth_username"], module.params["auth_password"]
    if username is None and password is None:
        return None
    if not username or not password:
        return "auth_username and auth_password: give both, or neither"
    if urlsplit(module.params["repository"]).scheme not in ("http", "https"):
        return "auth_username: netrc credentials only apply to http:// and https:// repositories"
    if any(c.isspace() for c in username + password) or username.startswith("-") or password.startswith("-"):
        return "auth_username and auth_password: a .netrc entry cannot hold whitespace or start with '-'"
    return None


def validate(module):
    for name, error in (
        ("app", check_app_name(module.params["app"])),
        ("repository", check_repository(module.params["repository"])),
        ("ref", check_ref(module.params["ref"])),
    ):
        if error:
            module.fail_json(msg="%s: %s" % (name, error))
    error = check_auth(module)
    if error:
        module.fail_json(msg=error)


def netrc_entry(runner, host):
    """``(login, password)`` of ``host`` in Dokku's ``.netrc`` (as ``dokku git:auth`` writes it), or None."""
    path = os.path.join(dokku_root(), ".netrc")
    if not os.path.exists(path):
        return None
    try:
        with open(path) as handle:
            tokens = handle.read().split()
    except (IOError, OSError) as exc:
        runner.fail("cannot read %s to compare the credentials: %s (run the task with become=true)"
                    % (path, exc.strerror))
    entries = {}
    machine = None
    for key, value in zip(tokens, tokens[1:]):
        if key == "machine":
            machine = value
            entries[machine] = ["", ""]
        elif machine is not None and key in ("login", "password"):
            entries[machine][key == "password"] = value
    return tuple(entries[host]) if host in entries else None


def pick_commit(ls_remote_output, ref):
    """The commit ``ref`` names in ``git ls-remote`` output: ``(sha, None)`` or ``(None, error)``."""
    refs = dict(
        (name, sha) for sha, _tab, name in (line.partition("\t") for line in ls_remote_output.splitlines())
    )
    if ref == "HEAD" or ref.startswith("refs/"):
        candidates = [ref]
    else:
        candidates = [name for name in ("refs/heads/" + ref, "refs/tags/" + ref) if name in refs]
        if len(candidates) > 1:
            return None, "%r is both a branch and a tag: write refs/heads/%s or refs/tags/%s" % (ref, ref, ref)
    for name in candidates:
        sha = refs.get(name + "^{}") or refs.get(name)  # an annotated tag peels to its commit
        if sha:
            return sha, None
    return None, "%r is not a branch or tag of the repository" % ref


def resolve(runner, url, ref, may_fail):
    """The commit of ``ref``; None when ``may_fail`` and git could not read the repository."""
    if FULL_SHA_RE.match(ref):
        return ref.lower()
    res = runner.ls_remote(url, ref, fail_on_error=not may_fail)
    if res.rc not in (0, 2):
        runner.module.warn(
            "cannot resolve %s before the new credentials are stored (git ls-remote exit code %d): "
            "predicting a deploy" % (ref, res.rc)
        )
        return None
    sha, error = pick_commit(res.stdout, ref)
    if error:
        if ABBREVIATED_SHA_RE.match(ref):
            error += " (abbreviated commit ids cannot be resolved without fetching: give all 40 characters)"
        runner.fail("ref: " + error)
    return sha


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
    validate(module)
    app, url, ref = module.params["app"], module.params["repository"], module.params["ref"]
    username, password = module.params["auth_username"], module.params["auth_password"]

    runner = DokkuRunner(module, secrets=[password])
    runner.require_supported_version()
    source = read_deploy_source(runner, app)
    if source is None:
        runner.missing(MISSING_APP % app)
        source = ("", "")
    deployed_url, deployed_commit = None, None
    if source[0] == "git-sync":
        deployed_url, _hash, deployed_commit = source[1].rpartition("#")
    before = dict(repository=deployed_url, commit=deployed_commit)
    after = dict(repository=url)

    auth_changed = False
    if username is not None:
        host = urlsplit(url).hostname
        stored = netrc_entry(runner, host)
        auth_changed = stored != (username, password)
        before["auth"] = dict(host=host, username=stored[0] if stored else None, password=MASK if stored else None)
        after["auth"] = dict(host=host, username=username, password=MASK + (" (new)" if auth_changed else ""))
        if auth_changed:
            runner.write(["git:auth", host, username, password])

    after["commit"] = resolve(runner, url, ref, may_fail=runner.check_mode and auth_changed)
    if (deployed_url, deployed_commit) != (url, after["commit"]):
        runner.write(["git:sync", "--build", app, url, after["commit"] or ref])

    exit_result(
        module, runner, before != after, before, after,
        app=app, commit=after["commit"], previous_commit=deployed_commit,
    )


if __name__ == "__main__":
    main()
