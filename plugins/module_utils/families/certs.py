# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A custom TLS certificate of an app (``certs:add`` / ``certs:remove``).

The certificate and key come from files on the Ansible controller: the action plugin of the
module (``plugins/action/``) reads them there, checks that the key belongs to the
certificate, and passes their text in the module's ``no_log`` options.  The module checks
the pair again, then sends both to ``certs:add APP`` as a tar archive on standard input: the
key never reaches a command line, a file outside the app's ``tls`` directory, or any output.

``certs:report`` has no fingerprint, so the certificate and key the app has are read from the
report's ``dir`` (``server.crt``, ``server.key``; root can read them) and compared by digest: a
different leaf certificate, chain or key is written again.  ``certs:add`` with a key that does
not match leaves SSL enabled with the bad pair (and exits 1), which is why the pair is checked
first.  ``certs:add`` also exits 1 when the host has no global domain file (an nginx rebuild
step fails after the files are installed): the module then reads the files back and only
warns when they hold what it sent.  Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Family, Plan, run_write, scope_app
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_json_document
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read, dokku_root
from ansible_collections.selfhosted.dokku.plugins.module_utils._tls import TLSError, cert_tar, check_pair, stored_summary

CERT_OPTIONS = dict(
    cert_file=dict(type="path", description=[
        "PEM file of the certificate (the server certificate first, then its chain) on the Ansible"
        " controller, found like M(ansible.builtin.copy)'s C(src) (a role's C(files/), the playbook's"
        " directory); it may be encrypted with Ansible Vault.",
    ]),
    key_file=dict(type="path", description=[
        "PEM file of its private key on the controller (unencrypted PEM, or encrypted with Ansible Vault);"
        " its content is never shown.",
    ]),
    cert=dict(type="str", description="The certificate as PEM text, instead of O(apps[].certificate.cert_file)."),
    key=dict(type="str", no_log=True,
             description="The private key as PEM text, instead of O(apps[].certificate.key_file)."),
    state=dict(type="str", choices=["present", "absent"], default="present",
               description="V(absent) removes the app's certificate (C(certs:remove)); nothing else removes it."),
)
FILES_NEEDED = ("give cert_file and key_file (files on the controller, read by the module's action plugin) "
                "or cert and key (PEM text)")


def report_read(app):
    return Read(["certs:report", app, "--format", "json"], ok_rcs=(0, 20))


def _read_text(ctx, path, strict):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError as exc:
        if strict:
            ctx.runner.fail("cannot read %s to compare the certificate: %s (run the task with become=true)"
                            % (path, exc.strerror))
        return ""


def read_stored(ctx, app, strict=True, fresh=False):
    """``{enabled, fingerprint, chain, key, report}`` of the app; None when the app is missing.

    ``fresh``: read again (after a write), not from this run's earlier reads."""
    res = ctx.runner.read(report_read(app)) if fresh else ctx.fetch(report_read(app))
    if res.rc == 20:
        return None
    try:
        report = parse_json_document(res.stdout, default={}) or {}
    except ValueError:
        report = ctx.runner.fail("cannot parse the output of dokku certs:report", args=["certs:report", app],
                                 rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    stored = dict(enabled=report.get("enabled") == "true", fingerprint=None, chain=None, key=None, report=report)
    if stored["enabled"]:
        directory = report.get("dir") or os.path.join(dokku_root(), app, "tls")
        stored.update(stored_summary(_read_text(ctx, os.path.join(directory, "server.crt"), strict),
                                     _read_text(ctx, os.path.join(directory, "server.key"), strict)))
    return stored


def shown(stored, wanted=None):
    """The one value of the diff: ``sha256:<leaf fingerprint>``, and what else differs from ``wanted``."""
    if not stored or not stored.get("enabled"):
        return None
    value = "sha256:%s" % (stored.get("fingerprint") or "unreadable")
    if wanted and stored.get("fingerprint") == wanted["fingerprint"]:
        if stored.get("chain") != wanted["chain"]:
            value += " (another chain)"
        if stored.get("key") != wanted["key"]:
            value += " (another key)"
    return value


class CertsFamily(Family):
    """Desired: ``{state: present, cert, key, summary}`` or ``{state: absent}``."""

    name = "certs"
    resource_type = "certificate"
    entry_options = dict(
        certificate=dict(
            type="dict", options=CERT_OPTIONS,
            description=[
                "A custom TLS certificate for the app (C(certs:add)), from files on the controller. It is"
                " written again when the app's certificate, chain or key differs (compared by SHA-256"
                " digest; the diff shows the certificate's fingerprint). The key is checked against the"
                " certificate before anything is sent, travels to Dokku on standard input inside a tar"
                " archive, and is never shown.",
                "Not together with O(apps[].letsencrypt=true), which manages the app's certificate itself."
                " Omitted, the app's certificate is left alone; only V(state=absent) removes it.",
            ],
        ),
    )

    def desired(self, entry):
        certificate = entry.get("certificate")
        if certificate is None:
            return None
        desired = dict((key, certificate.get(key)) for key in CERT_OPTIONS)
        desired["state"] = desired.get("state") or "present"
        desired["letsencrypt"] = entry.get("letsencrypt")
        return desired

    def validate(self, desired, scope):
        if desired["state"] == "absent":
            return dict(state="absent"), None
        if desired.get("letsencrypt"):
            return None, ("certificate: letsencrypt is true, and Let's Encrypt installs the app's certificate "
                          "itself: give one or the other")
        if not desired.get("cert") or not desired.get("key"):
            return None, "certificate: " + FILES_NEEDED
        try:
            summary, _checked = check_pair(desired["cert"], desired["key"])
        except TLSError as exc:
            where = " (%s, %s)" % (desired["cert_file"], desired["key_file"]) if desired.get("cert_file") else ""
            return None, "certificate: %s%s" % (exc, where)
        return dict(state="present", cert=desired["cert"], key=desired["key"], summary=summary), None

    def reads(self, ctx, scopes):
        return [report_read(scope) for scope, _desired in scopes]

    def read(self, ctx, scope, desired):
        if scope in ctx.created:
            return dict(enabled=False)
        stored = read_stored(ctx, scope)
        if stored is None:
            ctx.runner.missing_app(scope)
            return dict(enabled=False)
        return stored

    def fresh(self, ctx, scope, desired):
        return dict(enabled=False)

    def plan(self, scope, desired, current):
        wanted = desired.get("summary")
        before = shown(current, wanted)
        after = "sha256:%s" % wanted["fingerprint"] if wanted else None
        plan = Plan(dict(certificate=before), dict(certificate=after))
        if wanted and before != after:
            plan.secrets.append(desired["key"])
            plan.write(["certs:add", scope], data=cert_tar(desired["cert"], desired["key"]), fail_on_error=False)
            plan.restart = False  # certs:add rebuilds the proxy configuration itself
        elif not wanted and current.get("enabled"):
            plan.write(["certs:remove", scope])
        plan.wanted = wanted
        return plan

    def execute(self, ctx, plan):
        """The writes; a ``certs:add`` that exits non-zero counts when the app holds what was sent."""
        for write in plan.writes:
            res = run_write(ctx.runner, write)
            if write.args[0] != "certs:add" or res.skipped or res.rc == 0:
                continue
            stored = read_stored(ctx, write.args[1], fresh=True) or {}
            if stored.get("enabled") and shown(stored, plan.wanted) == plan.after["certificate"]:
                detail = (res.stderr or res.stdout or "").strip().splitlines()
                ctx.module.warn("dokku certs:add exited with code %d but installed the certificate of %s%s" % (
                    res.rc, write.args[1], ": " + ctx.runner.mask(detail[-1]) if detail else ""))
                continue
            ctx.runner.fail("dokku certs:add failed with exit code %d" % res.rc, args=write.args, rc=res.rc,
                            stdout=res.stdout, stderr=res.stderr)

    def classify(self, scope, path):
        return {"type": "certificate", "app": scope_app(scope)}, "fingerprint"

    def info(self, ctx, scope):
        if scope is None:
            return None
        stored = read_stored(ctx, scope, strict=False) or dict(enabled=False, report={})
        report = stored.get("report") or {}
        return dict(certificate=dict(
            enabled=stored["enabled"], fingerprint=stored.get("fingerprint"),
            subject=report.get("subject", ""), issuer=report.get("issuer", ""),
            hostnames=(report.get("hostnames") or "").split(), expires_at=report.get("expires-at", ""),
        ))

    def export(self, facts, scope, out):
        certificate = facts.get("certificate") or {}
        if scope is not None and certificate.get("enabled") and not (facts.get("letsencrypt") or {}).get("enabled"):
            out.skipped.append("app %s: its custom TLS certificate (%s) cannot be exported, the key stays on the "
                               "host: copy server.crt and server.key from its tls directory and set "
                               "certificate.cert_file and key_file" % (scope, certificate.get("subject") or "?"))
        return {}
