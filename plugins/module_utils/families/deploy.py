# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deploys of an app: from a git repository and ref (``git:sync --build``) or from a container
image (``git:from-image``), only when what runs differs.

``apps:report APP --format json`` records the last *successful* deploy: ``deploy-source``
(``git-sync``, ``docker-image``, ``git``...) and ``deploy-source-metadata`` (``URL#<sha>`` after
``git:sync --build``, the image after ``git:from-image``).  A failed build leaves both unchanged,
so they are the truth about what runs.  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, Write, run_write, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import MASK, Read, dokku_root


def report_read(app):
    return Read(["apps:report", app, "--format", "json"], ok_rcs=(0, 20))


def read_deploy_source(ctx, app):
    """``(deploy-source, deploy-source-metadata)`` of ``app``; None when the app does not exist."""
    report = ctx.json(report_read(app))
    if report is None:
        return None
    return report.get("deploy-source", ""), report.get("deploy-source-metadata", "")


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


def check_auth(repository, username, password):
    if username is None and password is None:
        return None
    if not username or not password:
        return "auth_username and auth_password: give both, or neither"
    if urlsplit(repository).scheme not in ("http", "https"):
        return "auth_username: netrc credentials only apply to http:// and https:// repositories"
    if any(c.isspace() for c in username + password) or username.startswith("-") or password.startswith("-"):
        return "auth_username and auth_password: a .netrc entry cannot hold whitespace or start with '-'"
    return None


# Docker's reference grammar: [domain[:port]/]path[:tag][@algorithm:hex]
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?/)"
IMAGE_RE = re.compile(
    r"^%s?%s(?:/%s)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$" % (_DOMAIN, _COMPONENT, _COMPONENT)
)


def check_image(image):
    if not isinstance(image, str) or not IMAGE_RE.match(image) or len(image) > 255 + 72:
        return (
            "%r is not a valid image reference: use [registry[:port]/]name[:tag][@sha256:<64 hex>] "
            "with a lowercase name, for example nginx:1.27" % (image,)
        )
    return None


def image_in_place(ctx, app, source):
    """The image the app's repository holds when its last deploy came from an image (else None)."""
    deploy_source, metadata = source
    if deploy_source not in ("docker-image", ""):
        return None
    report = ctx.json(Read(["git:report", app, "--format", "json"]), default={}) or {}
    repository_image = report.get("source-image", "")
    deployed = metadata if deploy_source == "docker-image" else None
    if repository_image and repository_image != deployed:
        ctx.module.warn(
            "app %s: its repository holds image %s, but the last successful deploy was %s; rebuild "
            "the app (selfhosted.dokku.dokku_ps state=rebuilt) to deploy it"
            % (app, repository_image, deployed or "none")
        )
    return repository_image or deployed


def netrc_entries(ctx, strict=True):
    """``{machine: (login, password)}`` of Dokku's ``.netrc`` (as ``dokku git:auth`` writes it)."""
    path = os.path.join(dokku_root(), ".netrc")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as handle:
            tokens = handle.read().split()
    except OSError as exc:
        if not strict:
            return {}
        ctx.runner.fail("cannot read %s to compare the credentials: %s (run the task with become=true)"
                        % (path, exc.strerror))
    entries = {}
    machine = None
    for key, value in zip(tokens, tokens[1:]):
        if key == "machine":
            machine = value
            entries[machine] = ["", ""]
        elif machine is not None and key in ("login", "password"):
            entries[machine][key == "password"] = value
    return dict((machine, tuple(entry)) for machine, entry in entries.items())


def netrc_entry(ctx, host):
    """``(login, password)`` of ``host`` in Dokku's ``.netrc``, or None."""
    return netrc_entries(ctx).get(host)


def git_auth_write(plan, host, username, password=None):
    """``git:auth HOST USER`` with the password on standard input (Dokku 0.38 reads it there when it is
    not on the command line, so it never shows in the host's process list); ``git:auth HOST`` removes
    the host's entry.  The one home of the write, for deploys and host-level credentials."""
    if username is None:
        plan.write(["git:auth", host])
        return
    plan.secrets.append(password)
    plan.write(["git:auth", host, username], data=password + "\n")


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


def resolve(ctx, url, ref, may_fail):
    """The commit of ``ref``; None when ``may_fail`` and git could not read the repository."""
    if FULL_SHA_RE.match(ref):
        return ref.lower()
    res = ctx.runner.ls_remote(url, ref, fail_on_error=not may_fail)
    if res.rc not in (0, 2):
        ctx.module.warn(
            "cannot resolve %s before the new credentials are stored (git ls-remote exit code %d): "
            "predicting a deploy" % (ref, res.rc)
        )
        return None
    sha, error = pick_commit(res.stdout, ref)
    if error:
        if ABBREVIATED_SHA_RE.match(ref):
            error += " (abbreviated commit ids cannot be resolved without fetching: give all 40 characters)"
        ctx.runner.fail("ref: " + error)
    return sha


def git_state(ctx, desired, source):
    """What a git deploy plans with: the deployed source, the stored credentials, the ref's commit."""
    current = dict(source=source, netrc=None)
    username = desired.get("auth_username")
    if username is not None:
        current["host"] = urlsplit(desired["repository"]).hostname
        current["netrc"] = netrc_entry(ctx, current["host"])
    auth_changed = username is not None and current["netrc"] != (username, desired.get("auth_password"))
    current["deferred"] = auth_changed and not ctx.check_mode
    if current["deferred"]:
        current["commit"] = None  # only the new credentials may read the repository: resolved after git:auth
    else:
        current["commit"] = resolve(ctx, desired["repository"], desired["ref"], may_fail=ctx.check_mode and auth_changed)
    return current


DEPLOY_OPTIONS = dict(
    repository=dict(type="str", description="Git repository URL or absolute path on the host."),
    ref=dict(type="str", default="HEAD",
             description="Branch, tag or full commit id to deploy (V(HEAD) is the default branch)."),
    auth_username=dict(type="str", description="User name for an HTTP(S) repository, stored in Dokku's C(.netrc)."),
    auth_password=dict(type="str", no_log=True, description="Password or token for O(apps[].deploy.auth_username)."),
    image=dict(type="str", description="Container image reference to deploy (C(git:from-image))."),
)


class DeployFamily(Family):
    """Desired: ``{repository, ref, auth_username, auth_password}`` or ``{image}``."""

    name = "deploy"
    entry_options = dict(
        deploy=dict(
            type="dict", options=DEPLOY_OPTIONS,
            mutually_exclusive=[["repository", "image"]], required_one_of=[["repository", "image"]],
            description=[
                "Deploy the app (the tutorial's C(git push dokku main)) from a git repository (as"
                " M(selfhosted.dokku.dokku_git_sync)) or from a container image (as"
                " M(selfhosted.dokku.dokku_git_image)), only when the deployed commit or image differs.",
                "Deploys run after the app's settings are written; an app deployed by the task is not"
                " restarted on top of it.",
            ],
        ),
    )

    def desired(self, entry):
        deploy = entry.get("deploy")
        if not deploy or (entry.get("state") or "present") != "present":
            return None
        if deploy.get("image") is not None:
            return dict(image=deploy["image"])
        return dict(repository=deploy["repository"], ref=deploy.get("ref") or "HEAD",
                    auth_username=deploy.get("auth_username"), auth_password=deploy.get("auth_password"))

    def fresh(self, ctx, scope, desired):
        if desired.get("image") is not None:
            return dict(image=None)
        return git_state(ctx, desired, ("", ""))

    def validate(self, desired, scope):
        if desired.get("image") is not None:
            error = check_image(desired["image"])
            return (None, "image: " + error) if error else (desired, None)
        for name, error in (("repository", check_repository(desired["repository"])), ("ref", check_ref(desired["ref"]))):
            if error:
                return None, "%s: %s" % (name, error)
        error = check_auth(desired["repository"], desired.get("auth_username"), desired.get("auth_password"))
        return (None, error) if error else (desired, None)

    def read(self, ctx, scope, desired):
        source = read_deploy_source(ctx, scope)
        if source is None:
            ctx.runner.missing_app(scope)
        if desired.get("image") is not None:
            return dict(image=image_in_place(ctx, scope, source) if source is not None else None)
        return git_state(ctx, desired, source or ("", ""))

    def plan(self, scope, desired, current):
        if desired.get("image") is not None:
            plan = Plan(dict(deploy=dict(image=current["image"])), dict(deploy=dict(image=desired["image"])))
            if current["image"] != desired["image"]:
                plan.write(["git:from-image", scope, desired["image"]])
            return plan
        url, ref = desired["repository"], desired["ref"]
        deployed_url, deployed_commit = None, None
        if current["source"][0] == "git-sync":
            deployed_url, _hash, deployed_commit = current["source"][1].rpartition("#")
        before = dict(repository=deployed_url, commit=deployed_commit)
        after = dict(repository=url)
        plan = Plan(dict(deploy=before), dict(deploy=after))
        username, password = desired.get("auth_username"), desired.get("auth_password")
        if username is not None:
            stored, host = current["netrc"], current["host"]
            changed = stored != (username, password)
            before["auth"] = dict(host=host, username=stored[0] if stored else None, password=MASK if stored else None)
            after["auth"] = dict(host=host, username=username, password=MASK + (" (new)" if changed else ""))
            if changed:
                git_auth_write(plan, host, username, password)
        after["commit"] = current["commit"]
        if current.get("deferred") or (deployed_url, deployed_commit) != (url, after["commit"]):
            plan.write(["git:sync", "--build", scope, url, after["commit"] or ref])
        plan.previous_commit = deployed_commit
        plan.deferred = dict(url=url, ref=ref, deployed=(deployed_url, deployed_commit)) if current.get("deferred") else None
        return plan

    def execute(self, ctx, plan):
        """The writes; a ref only the new credentials can read is resolved after ``git:auth`` stored them."""
        for write in plan.writes:
            if write.args[0] == "git:sync" and getattr(plan, "deferred", None):
                deferred = plan.deferred
                sha = resolve(ctx, deferred["url"], deferred["ref"], may_fail=False)
                plan.after["deploy"]["commit"] = sha
                if deferred["deployed"] == (deferred["url"], sha):
                    continue
                write = Write(write.args[:-1] + [sha])
            run_write(ctx.runner, write)

    def classify(self, scope, path):
        return {"type": "deploy", "app": scope_app(scope)}, "/".join(path[1:]) or "deploy"
