# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let's Encrypt (dokku-letsencrypt plugin): e-mail and server (global or per app), an app's
certificate enabled or disabled, the auto-renew cron job.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    GLOBAL,
    Family,
    Plan,
    run_write,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import (
    no_apps_message,
    parse_flag_value,
    parse_json_document,
    parse_lines,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_email

CRON_ENABLED = "Auto-renew cron job is enabled"
CRON_DISABLED = "Auto-renew cron job is not enabled"
CRONTAB_NEWLINE_ERROR = "missing newline before EOF"
PLUGIN_MISSING = ("the dokku-letsencrypt plugin is not installed: install it with "
                  "dokku plugin:install https://github.com/dokku/dokku-letsencrypt.git")
CRON_READ = Read(["letsencrypt:cron-job"], ok_rcs=(0, 1))
LIST_READ = Read(["letsencrypt:list"], global_flags=["--quiet"], ok_rcs=(0, 1))


def active_read(app):
    return Read(["letsencrypt:active", app], ok_rcs=(0, 1, 20))


def report_read(scope):
    return Read(["letsencrypt:report", scope, "--format", "json"], ok_rcs=(0, 1, 20))


def plugin_missing(ctx, res):
    """True when the plugin is absent (a real run fails here, check mode warns)."""
    if not ctx.runner.not_a_command(res):
        return False
    ctx.runner.missing(PLUGIN_MISSING)
    return True


def read_json(ctx, read):
    res = ctx.fetch(read)
    if res.rc == 0:
        try:
            return res, parse_json_document(res.stdout, default={})
        except ValueError as exc:
            ctx.runner.fail("cannot parse the output of dokku letsencrypt:report: %s" % exc,
                            args=list(read.args), rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    if plugin_missing(ctx, res):
        return res, {}  # check mode: predict as if nothing were set yet
    return res, None


def global_property_files(key):
    """The plugin's property file, read when ``letsencrypt:report --global`` fails for want of apps."""
    root = os.environ.get("DOKKU_LIB_ROOT") or os.environ.get("DOKKU_LIB_PATH") or "/var/lib/dokku"
    path = os.path.join(root, "config", "letsencrypt", "--global", key)
    try:
        with open(path) as handle:
            return handle.read().rstrip("\n")
    except OSError:
        return ""


def read_settings(ctx, app):
    """(email, server, computed email) as stored for the app (None: globally)."""
    if app is None:
        res, data = read_json(ctx, report_read(GLOBAL))
        if data is None:
            if not no_apps_message(res.stderr):
                ctx.runner.fail("dokku letsencrypt:report failed", args=["letsencrypt:report", GLOBAL],
                                rc=res.rc, stdout=res.stdout, stderr=res.stderr)
            email = global_property_files("email")
            return email, global_property_files("server"), email
        return data.get("global-email", ""), data.get("global-server", ""), data.get("global-email", "")
    res, data = read_json(ctx, report_read(app))
    if data is None:
        if res.rc == 20 or no_apps_message(res.stderr):
            ctx.runner.missing_app(app)
            return "", "", ""
        ctx.runner.fail("dokku letsencrypt:report failed", args=["letsencrypt:report", app],
                        rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    return data.get("email", ""), data.get("server", ""), data.get("computed-email", "")


def read_active(ctx, app):
    """``letsencrypt:active APP``: True when a Let's Encrypt certificate is installed and current."""
    res = ctx.fetch(active_read(app))
    if res.rc == 1:
        plugin_missing(ctx, res) or ctx.runner.fail(
            "dokku letsencrypt:active failed", args=["letsencrypt:active", app],
            rc=res.rc, stdout=res.stdout, stderr=res.stderr)
    return res.rc == 0 and parse_flag_value(res.stdout) == "true"


def read_active_apps(ctx):
    """``--quiet letsencrypt:list``: the apps whose certificate is active, in one call.

    The plugin lists exactly the apps ``letsencrypt:active`` calls active (one row each,
    the app name first); with no app at all it prints a warning and exits 0.
    """
    def compute():
        res = ctx.fetch(LIST_READ)
        if res.rc != 0:
            plugin_missing(ctx, res) or ctx.runner.fail(
                "dokku letsencrypt:list failed", args=list(LIST_READ.args), global_flags=LIST_READ.global_flags,
                rc=res.rc, stdout=res.stdout, stderr=res.stderr)
            return set()
        return set(line.split()[0] for line in parse_lines(res.stdout))
    return ctx.memo("letsencrypt:list", compute)


def is_active(ctx, app):
    """Whether the app's certificate is active, by the cheaper read (chosen in ``reads``)."""
    if ctx.memo("letsencrypt:use-list", lambda: False):
        return app in read_active_apps(ctx)
    return read_active(ctx, app)


def read_cron_job(ctx, fresh=False):
    """The status header of ``letsencrypt:cron-job`` (no --quiet: the header is the answer)."""
    res = ctx.runner.read(CRON_READ) if fresh else ctx.fetch(CRON_READ)
    if res.rc != 0 and plugin_missing(ctx, res):
        return False
    if CRON_DISABLED in res.stdout:
        return False
    if CRON_ENABLED in res.stdout:
        return True
    return ctx.runner.fail("cannot read the auto-renew cron job status", args=["letsencrypt:cron-job"],
                           rc=res.rc, stdout=res.stdout, stderr=res.stderr)


def stored_server(value):
    """An unset server and 'default' both mean Let's Encrypt production."""
    return value if value not in ("", None) else "default"


def check_server(server):
    if server is not None and server not in ("default", "staging"):
        if not server.startswith("https://") or any(c.isspace() for c in server) or len(server) <= 8:
            return "server: %r is not accepted: use 'default', 'staging' or an https:// ACME directory URL" % server
    return None


def no_email_message(app):
    return ("the app has no e-mail address for Let's Encrypt; set a global one first (dokku_letsencrypt_email, "
            "or selfhosted.dokku.dokku_letsencrypt with global=true and email) or give the app %s its own" % app)


class LetsencryptFamily(Family):
    name = "letsencrypt"
    extra_resource_types = ("letsencrypt_cron",)
    scopes = ("app", "global")
    entry_options = dict(
        letsencrypt=dict(
            type="bool",
            description=[
                "V(true) enables Let's Encrypt for the app (C(letsencrypt:enable)) when no certificate is"
                " active, V(false) disables it (C(letsencrypt:disable), which deletes the app's C(tls/)"
                " directory) when one is. Omitted, the certificate is left alone.",
                "Enabling needs an e-mail address (global or the app's), a domain and an C(http) port"
                " mapping, as with M(selfhosted.dokku.dokku_letsencrypt).",
            ],
        ),
    )

    def desired(self, entry):
        if entry.get("letsencrypt") is None:
            return None
        return dict(enabled=entry["letsencrypt"])

    def validate(self, desired, scope):
        if desired.get("email") is not None:
            error = check_email(desired["email"])
            if error:
                return None, "email: " + error
        error = check_server(desired.get("server"))
        if error:
            return None, error
        return desired, None

    def reads(self, ctx, scopes):
        """Per app ``letsencrypt:active``, or one ``letsencrypt:list`` when that costs less."""
        apps = [scope for scope, desired in scopes if scope != GLOBAL and desired.get("enabled") is not None]
        use_list = ctx.cheaper("letsencrypt:active", len(apps), "letsencrypt:list",
                               "letsencrypt:list:per_app", len(ctx.apps) if apps else 0) if apps else False
        ctx.memo("letsencrypt:use-list", lambda: use_list)
        return [] if use_list else [active_read(app) for app in apps]

    def read(self, ctx, scope, desired):
        current = {}
        if desired.get("email") is not None or desired.get("server") is not None:
            if scope in ctx.created:
                current["email"], current["server"] = "", ""
            else:
                current["email"], current["server"], _computed = read_settings(ctx, scope_app_name(scope))
        if desired.get("enabled") is not None:
            current["enabled"] = False if scope in ctx.created else is_active(ctx, scope)
        if desired.get("cron_job") is not None:
            current["cron_job"] = read_cron_job(ctx)
        return current

    def fresh(self, ctx, scope, desired):
        return dict(enabled=False) if desired.get("enabled") is not None else {}

    def plan(self, scope, desired, current):
        before, after = {}, {}
        if desired.get("email") is not None:
            before["email"], after["email"] = current["email"], desired["email"]
        if desired.get("server") is not None:
            before["server"], after["server"] = stored_server(current["server"]), desired["server"]
        if desired.get("enabled") is not None:
            before["enabled"], after["enabled"] = current["enabled"], desired["enabled"]
        if desired.get("cron_job") is not None:
            before["cron_job"], after["cron_job"] = current["cron_job"], desired["cron_job"]
        plan = Plan(dict(letsencrypt=before), dict(letsencrypt=after))
        for key in ("email", "server"):
            if key in after and before[key] != after[key]:
                value = [] if key == "server" and after[key] == "default" else [after[key]]
                plan.write(["letsencrypt:set", scope, key] + value)
        if before.get("enabled") != after.get("enabled"):
            plan.write(["letsencrypt:enable" if after["enabled"] else "letsencrypt:disable", scope])
        if before.get("cron_job") != after.get("cron_job"):
            if after["cron_job"]:
                plan.write(["letsencrypt:cron-job", "--add"])
            else:
                plan.write(["letsencrypt:cron-job", "--remove"], ok_rcs=(0, 1), fail_on_error=False)
        return plan

    def before_writes(self, ctx, scoped):
        """Before any write: every app to enable has an e-mail address (its own or the global one).

        ``scoped``: ``(scope, desired, plan, label)`` of every scope planned; the label
        prefixes the message (``apps[web].letsencrypt``).
        """
        enabling = [(scope, desired, label) for scope, desired, plan, label in scoped
                    if any(write.args[0] == "letsencrypt:enable" for write in plan.writes)]
        if not enabling or ctx.check_mode:
            return
        if read_settings(ctx, None)[0]:
            return
        for scope, desired, label in enabling:
            if desired.get("email"):
                continue
            if scope in ctx.created or not read_settings(ctx, scope)[2]:
                ctx.runner.fail("%s: %s" % (label, no_email_message(scope)))

    def execute(self, ctx, plan):
        """The writes; a failed ``cron-job --remove`` after a crontab rewrite is only a warning."""
        for write in plan.writes:
            res = run_write(ctx.runner, write)
            if write.args == ["letsencrypt:cron-job", "--remove"] and res.rc != 0:
                if CRONTAB_NEWLINE_ERROR in res.stderr and not read_cron_job(ctx, fresh=True):
                    ctx.module.warn(
                        "letsencrypt:cron-job --remove could not rewrite the dokku crontab (%s); the auto-renew "
                        "marker is gone, so Dokku drops the letsencrypt line at its next crontab rewrite"
                        % res.stderr.strip())
                    continue
                ctx.runner.fail("dokku letsencrypt:cron-job --remove failed", args=write.args,
                                rc=res.rc, stdout=res.stdout, stderr=res.stderr)

    def classify(self, scope, path):
        app = scope_app(scope)
        field = path[1] if len(path) > 1 else "enabled"
        if field == "cron_job":
            return {"type": "letsencrypt_cron"}, "cron_job"
        return {"type": "letsencrypt", "app": app if app is not None else GLOBAL}, field

    def info(self, ctx, scope):
        from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import installed_plugins

        if not installed_plugins(ctx).get("letsencrypt", {}).get("enabled"):
            return dict(letsencrypt={}) if scope is None else None
        if scope is None:
            res = ctx.fetch(report_read(GLOBAL))
            report = {}
            if res.rc == 0:
                report = parse_json_document(res.stdout, default={}) or {}
            elif not no_apps_message(res.stderr):  # Dokku refuses the global report while no app exists
                ctx.runner.fail("cannot read the letsencrypt report", args=["letsencrypt:report"], rc=res.rc,
                                stdout=res.stdout, stderr=res.stderr)
            return dict(letsencrypt=dict(email=report.get("global-email", ""), server=report.get("global-server", ""),
                                         cron_job=read_cron_job(ctx)))
        report = ctx.json(report_read(scope), default={}) or {}
        return dict(letsencrypt=dict(enabled=read_active(ctx, scope), email=report.get("email", ""),
                                     server=report.get("server", "")))

    def export(self, facts, scope, out):
        letsencrypt = facts.get("letsencrypt") or {}
        if scope is not None or not letsencrypt:
            return {}
        variables = {}
        if letsencrypt.get("email"):
            variables["dokku_letsencrypt_email"] = letsencrypt["email"]
        if letsencrypt.get("server"):
            variables["dokku_letsencrypt_server"] = letsencrypt["server"]
        variables["dokku_letsencrypt_cron_job"] = bool(letsencrypt.get("cron_job"))
        variables["dokku_letsencrypt_apps"] = sorted(
            name for name, details in facts.get("app_details", {}).items()
            if (details.get("letsencrypt") or {}).get("enabled"))
        return variables


def scope_app_name(scope):
    return None if scope == GLOBAL else scope
