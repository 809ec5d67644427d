# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Datastore services and their links to apps: validation, reads and the plan.

The official datastore plugins (dokku-postgres, dokku-redis, dokku-mysql, ...) share one
command set, ``<type>:<subcommand>``.  A plugin that is not installed makes Dokku answer
``is not a dokku command`` with exit code 1, the same code as "service does not exist",
so every read here tells the two apart.

**Linked** has one definition in the collection: an app is linked to a service when its
config holds a URL of that service (``...@dokku-<type>-<service>:<port>...``).  That is
how the plugin itself decides it (``<type>:linked``, and ``<type>:link`` refusing a second
link), and it costs no read of its own: the app's config is read anyway.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    GLOBAL,
    Family,
    Plan,
    scope_app,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value, parse_lines
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    DATASTORE_TYPES,
    check_app_name,
    check_datastore_type,
    check_service_name,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.config import (
    export_read,
    fresh_config,
    read_config,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import installed_plugins

PASSWORD_RE = re.compile(r"^[A-Za-z0-9._~][A-Za-z0-9._~-]*$")
IMAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
ALIAS_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
DOES_NOT_EXIST = "does not exist"


def plugin_message(kind):
    return ("the %s plugin is not installed or not enabled on this host (dokku has no %s:* commands); "
            "install it first, for example with selfhosted.dokku.dokku_plugin" % (kind, kind))


def missing_service_message(kind, name):
    return "%s service %s does not exist; create it first (selfhosted.dokku.dokku_service)" % (kind, name)


def fail_unexpected(runner, read, res):
    runner.fail(
        "unexpected answer from dokku %s (exit code %d)" % (read.args[0], res.rc),
        args=list(read.args), global_flags=read.global_flags, rc=res.rc, stdout=res.stdout, stderr=res.stderr,
    )


def list_read(kind):
    return Read([kind + ":list"], global_flags=["--quiet"], ok_rcs=(0, 1))


def list_services(ctx, kind):
    """``--quiet <type>:list``, read once: the set of service names this run plans with (it is
    updated as plans create and destroy); empty without the plugin (after failing or warning)."""
    def compute():
        read = list_read(kind)
        res = ctx.fetch(read)
        if res.rc != 0:
            if ctx.runner.not_a_command(res):
                ctx.runner.missing(plugin_message(kind))
                return set()
            fail_unexpected(ctx.runner, read, res)
        return set(parse_lines(res.stdout))
    return ctx.memo(("services", kind), compute)


def service_exists(ctx, kind, name):
    """``<kind>:exists SVC`` for one service; a run over many apps lists each type once instead."""
    if ctx.bulk or ctx.known(("services", kind)):
        return name in list_services(ctx, kind)
    read = Read([kind + ":exists", name], ok_rcs=(0, 1))
    res = ctx.fetch(read)
    if res.rc == 0:
        return True
    if ctx.runner.not_a_command(res):
        ctx.runner.missing(plugin_message(kind))
    elif DOES_NOT_EXIST not in res.stderr:
        fail_unexpected(ctx.runner, read, res)
    return False


def current_image(ctx, kind, name):
    """``<type>:info SVC --version``: the running ``image:tag`` (None without a container)."""
    return parse_flag_value(ctx.fetch(Read([kind + ":info", name, "--version"])).stdout) or None


def service_host(kind, service):
    """The host name a link URL points at: ``dokku-<type>-<service>``, ``.`` and ``_`` as ``-``."""
    return ("dokku.%s.%s" % (kind, service)).replace(".", "-").replace("_", "-")


def link_keys(config, kind, service):
    """The app's config keys whose value is a URL of the service: the definition of *linked*.

    Matching the URL's host tells the same as the plugin's own check without reading the
    service's password (one ``<type>:info`` per service).
    """
    pattern = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^@\s]*@%s:[0-9]+(?:[/?]\S*)?$" % re.escape(
        service_host(kind, service)))
    return sorted(key for key, value in config.items() if pattern.match(value))


def linked_services(config):
    """``{type: [service, ...]}`` the app's config links it to (hosts ``dokku-<type>-<service>``)."""
    links = {}
    for value in config.values():
        match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^@\s]*@dokku-([a-z0-9]+)-([A-Za-z0-9_.-]+):[0-9]+(?:[/?]\S*)?$",
                         value or "")
        if match and match.group(1) in DATASTORE_TYPES:
            links.setdefault(match.group(1), set()).add(match.group(2))
    return dict((kind, sorted(names)) for kind, names in links.items())


def linked_apps(ctx, kind, name):
    """The apps linked to a service (by the definition above): every app's config is read."""
    return sorted(app for app in ctx.app_list() if link_keys(read_config(ctx, app) or {}, kind, name))


def still_linked_message(kind, name, apps):
    return (
        "%s service %s is still linked to %s; unlink it first (selfhosted.dokku.dokku_service_link "
        "with state=absent), nothing was destroyed" % (kind, name, ", ".join(apps))
    )


# ----------------------------------------------------------------- services
def check_service(params):
    """The first problem with a service's options as ``param: message``, or None.

    ``params`` has the options of dokku_service: type, name, state, image,
    image_version, password, custom_env, config_options, allow_destroy.
    """
    kind, name = params["type"], params["name"]
    checks = (("type", check_datastore_type(kind)), ("name", check_service_name(name)))
    for param, error in checks:
        if error:
            return "%s: %s" % (param, error)
    image = params["image"]
    if image is not None and (not IMAGE_RE.match(image) or ":" in image.rsplit("/", 1)[-1]):
        return (
            "image: %r is not an image name without tag, like 'postgres' or 'registry:5000/team/pg'; "
            "give the tag in image_version" % image
        )
    version = params["image_version"]
    if version is not None and not TAG_RE.match(version):
        return "image_version: %r is not a Docker tag (letters, digits, '_', '.' and '-')" % version
    password = params["password"]
    if password is not None and not PASSWORD_RE.match(password):
        return (
            "password: it must be non-empty, use only letters, digits and '.', '_', '~', '-' and not "
            "start with '-', because Dokku reads it as a command-line option and writes it unescaped "
            "into the service URL"
        )
    for key, value in (params["custom_env"] or {}).items():
        if not key or any(char in key for char in ";=\n\r"):
            return "custom_env: key %r is empty or contains ';', '=' or a line break" % key
        if not isinstance(value, str) or any(char in value for char in ";=\n\r"):
            return (
                "custom_env: the value of %s must be a string without ';', '=' or line breaks "
                "(Dokku passes custom_env as 'A=b;C=d')" % key
            )
    options = params["config_options"]
    if options is not None and ("\n" in options or "\r" in options):
        return "config_options: line breaks are not allowed"
    if params["state"] == "absent" and not params["allow_destroy"]:
        return (
            "state=absent would destroy %s service %r and its data; set allow_destroy=true to confirm"
            % (kind, name)
        )
    return None


def split_image(image):
    name, _sep, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, ""
    return name, tag


def wanted_image(params, current):
    """The requested ``image:tag`` with unrequested parts taken from ``current``."""
    image, version = params["image"], params["image_version"]
    if current is None:  # creation: the plugin's default image is named like the type
        if version is None:
            return None
        return "%s:%s" % (image or params["type"], version)
    current_name, current_tag = split_image(current)
    return "%s:%s" % (image or current_name, version or current_tag)


def image_warning(params, current):
    """The warning for an existing service that runs another image than requested, or None."""
    wanted = wanted_image(params, current)
    if not current or wanted == current:
        return None
    return (
        "%s service %s runs %s, not the requested %s; it was left as it is "
        "(Dokku changes it only with %s:upgrade)" % (params["type"], params["name"], current, wanted, params["type"])
    )


def create_args(params):
    """``<type>:create SVC [flags]``; the custom env (it may hold secrets) is returned to mask."""
    kind, name = params["type"], params["name"]
    args = [kind + ":create", name]
    if params.get("image"):
        args += ["--image", params["image"]]
    if params.get("image_version"):
        args += ["--image-version", params["image_version"]]
    if params.get("password"):
        args += ["--password", params["password"]]
    if params.get("custom_env"):
        args += ["--custom-env", custom_env_arg(params["custom_env"])]
    if params.get("config_options"):
        args += ["--config-options", params["config_options"]]
    return args


def custom_env_arg(custom_env):
    return ";".join("%s=%s" % item for item in sorted(custom_env.items()))


# -------------------------------------------------------------------- links
def dokku_alias(alias):
    """What Dokku makes of ``--alias``: upper-cased, a trailing ``_URL`` removed."""
    alias = alias.upper()
    return alias[:-4] if alias.endswith("_URL") else alias


def check_link(params):
    """The first problem with a link's options (type, service, app, alias, querystring), or None."""
    checks = (
        ("type", check_datastore_type(params["type"])),
        ("service", check_service_name(params["service"])),
        ("app", check_app_name(params["app"])),
    )
    for param, error in checks:
        if error:
            return "%s: %s" % (param, error)
    alias = params["alias"]
    if alias is not None and not ALIAS_RE.match(dokku_alias(alias)):
        return (
            "alias: %r is invalid: Dokku upper-cases it into the config key %s_URL, which must match "
            "^[A-Z_][A-Z0-9_]*$ (letters, digits and '_')" % (alias, dokku_alias(alias))
        )
    querystring = params["querystring"]
    if querystring is not None and (not querystring or querystring.startswith("?")
                                    or any(char.isspace() for char in querystring)):
        return "querystring: give it without the leading '?' and without spaces, like 'sslmode=require&pool=5'"
    return None


def link_args(kind, service, app, alias, querystring, restart):
    """``<type>:link`` (run with the global ``--quiet``, so the URL is not printed)."""
    args = [kind + ":link", service, app]
    if alias is not None:
        args += ["--alias", alias]
    if querystring is not None:
        args += ["--querystring", querystring]
    return args + ([] if restart else ["--no-restart"])


def unlink_args(kind, service, app, restart):
    return [kind + ":unlink", service, app] + ([] if restart else ["--no-restart"])


def other_link_warning(kind, service, app, config, keys, alias, querystring):
    """The warning for a link made under another alias or query string than requested, or None.

    ``keys`` are the app's config keys that hold the service's address
    (``user:password@host:port/db``, or only its host, see :func:`link_keys`).
    """
    wrong_alias = alias is not None and dokku_alias(alias) + "_URL" not in keys
    wrong_query = querystring is not None and not any(
        config[key].endswith("?" + querystring) for key in keys
    )
    if not (wrong_alias or wrong_query):
        return None
    return (
        "%s service %s is already linked to %s as %s, not with the requested alias or querystring; "
        "it was left as it is (unlink it with state=absent, then link it again)"
        % (kind, service, app, ", ".join(keys))
    )


# ------------------------------------------------------------------ the family
SERVICE_OPTIONS = dict(
    name=dict(type="str", required=True, description="Service name."),
    type=dict(type="str", default="postgres", description="Datastore plugin (postgres, redis, mysql, mariadb, mongo, ...)."),
    state=dict(type="str", default="present", choices=["present", "absent"],
               description="V(present), or V(absent) to unlink and destroy it (needs O(apps[].services[].allow_destroy))."),
    allow_destroy=dict(type="bool", default=False, description="Explicit opt-in for O(apps[].services[].state=absent)."),
    link=dict(type="bool", default=True, description="Link the service to the app (V(false) unlinks it)."),
    alias=dict(type="str", description="Link alias (the config var becomes C(ALIAS_URL)), used when the link is made."),
    querystring=dict(type="str", description="Query string appended to the link URL, used when the link is made."),
    image=dict(type="str", description="Image of the service container, at creation."),
    image_version=dict(type="str", description="Image tag, at creation."),
    password=dict(type="str", no_log=True, description="Service password, at creation (generated when omitted)."),
    custom_env=dict(type="dict", no_log=True, description="Environment of the service container, at creation."),
    config_options=dict(type="str", description="Extra options of the datastore server, at creation."),
)


def item(service, ensure, link, restart=False, report_image=False):
    """One service of a scope's desired state.

    ``ensure``: "present"/"absent" (create or destroy it), or None (it must exist to be linked);
    ``link``: True/False (link or unlink it to the scope's app), or None (links are not managed).
    """
    return dict(service, ensure=ensure, link=link, restart=restart, report_image=report_image)


class ServicesFamily(Family):
    """Services are host-wide; an app's entry names the services it uses and links."""

    name = "services"
    scopes = ("app", "global")
    entry_options = dict(
        services=dict(type="list", elements="dict", options=SERVICE_OPTIONS,
                      description="Datastore services of the app, created (when missing) and linked."),
    )

    def desired(self, entry):
        if not entry.get("services"):
            return None
        app_present = (entry.get("state") or "present") == "present"
        return [item(service, service["state"],
                     (service["link"] and service["state"] == "present") if app_present else None,
                     report_image=bool(service.get("image") or service.get("image_version")))
                for service in entry["services"]]

    def validate(self, desired, scope):
        seen = set()
        for service in desired:
            label = "services[%s]" % service["name"]
            error = None
            if service["ensure"] is not None:
                error = check_service(dict(service, state=service["ensure"]))
            if not error and scope != GLOBAL:
                error = check_link(dict(service, service=service["name"], app=scope))
            if error:
                return None, "%s: %s" % (label, error)
            if (service["type"], service["name"]) in seen:
                return None, "%s: listed twice for the app" % label
            seen.add((service["type"], service["name"]))
        return desired, None

    def reads(self, ctx, scopes):
        kinds = sorted(set(service["type"] for _scope, desired in scopes for service in desired))
        return [list_read(kind) for kind in kinds] + [
            export_read(scope) for scope, desired in scopes
            if scope != GLOBAL and any(service["link"] is not None for service in desired)]

    def read(self, ctx, scope, desired):
        """Per service: whether it exists, the app's link keys, its image and who blocks a destroy."""
        config = None
        if scope != GLOBAL and any(service["link"] is not None for service in desired):
            if scope in ctx.created:
                config = fresh_config(ctx, scope)
            else:
                config = read_config(ctx, scope)
                if config is None:  # a missing app: nothing to unlink, and linking fails (or warns)
                    if any(service["link"] for service in desired):
                        ctx.runner.missing_app(scope)
                    config = fresh_config(ctx, scope) if ctx.check_mode else {}
        state = []
        for service in desired:
            kind, name = service["type"], service["name"]
            exists = service_exists(ctx, kind, name)
            facts = dict(exists=exists, keys=[], image=None, blocking=[], config=config or {})
            if exists and config is not None:
                facts["keys"] = link_keys(config, kind, name)
            if exists and (service["report_image"] or scope == GLOBAL):
                facts["image"] = current_image(ctx, kind, name)
            if exists and service["ensure"] == "absent":
                spared = ctx.unlinked.get((kind, name), set()) | ctx.destroyed | set([scope])
                facts["blocking"] = [app for app in linked_apps(ctx, kind, name) if app not in spared]
            if not exists and service["ensure"] is None and service["link"]:
                ctx.runner.missing(missing_service_message(kind, name))
            state.append(facts)
        return state

    def fresh(self, ctx, scope, desired):
        return self.read(ctx, scope, desired)

    def plan(self, scope, desired, current):
        app = None if scope == GLOBAL else scope
        plan = Plan()
        for service, facts in zip(desired, current):
            kind, name = service["type"], service["name"]
            before, after = {}, {}
            if service["ensure"] is not None:
                before["state"] = "present" if facts["exists"] else "absent"
                after["state"] = service["ensure"]
            if scope == GLOBAL:
                before["image"] = facts["image"]
                after["image"] = wanted_image(service, facts["image"]) if service["ensure"] == "present" else None
            if service["ensure"] == "present" and not facts["exists"]:
                plan.write(create_args(service))
                if service.get("custom_env"):
                    plan.secrets.append(custom_env_arg(service["custom_env"]))
            elif service["ensure"] == "present" and service["report_image"]:
                warning = image_warning(service, facts["image"])
                if warning:
                    plan.warnings.append(warning)
            if service["link"] is not None:
                before["linked"], after["linked"] = bool(facts["keys"]), service["link"]
                self.plan_link(plan, app, service, facts)
            if service["ensure"] == "absent" and facts["exists"]:
                if facts["blocking"]:
                    plan.error = still_linked_message(kind, name, facts["blocking"])
                    return plan
                plan.write([kind + ":destroy", name, "--force"])
            plan.before.setdefault("services", {}).setdefault(kind, {})[name] = before
            plan.after.setdefault("services", {}).setdefault(kind, {})[name] = after
        return plan

    @staticmethod
    def plan_link(plan, app, service, facts):
        kind, name = service["type"], service["name"]
        alias, querystring = service.get("alias"), service.get("querystring")
        restart = service.get("restart", False)
        if service["link"] and not facts["keys"]:
            plan.write(link_args(kind, name, app, alias, querystring, restart), global_flags=["--quiet"])
            plan.restart = True
        elif service["link"] and (alias is not None or querystring is not None):
            warning = other_link_warning(kind, name, app, facts["config"], facts["keys"], alias, querystring)
            if warning:
                plan.warnings.append(warning)
        elif not service["link"] and facts["keys"]:
            plan.write(unlink_args(kind, name, app, restart))
            plan.restart = True

    def commit(self, ctx, scope, desired, plan):
        """What later scopes of the run plan with: the services created, destroyed and unlinked."""
        for write in plan.writes:
            kind, _sep, action = write.args[0].partition(":")
            if action not in ("create", "destroy", "unlink"):
                continue
            name = write.args[1]
            if action == "unlink":
                ctx.unlinked.setdefault((kind, name), set()).add(scope)
            elif ctx.known(("services", kind)):
                names = list_services(ctx, kind)
                (names.add if action == "create" else names.discard)(name)

    def classify(self, scope, path):
        kind, name = path[1], path[2]
        field = path[3] if len(path) > 3 else "state"
        if field == "linked":
            return {"type": "link", "name": name, "datastore": kind, "app": scope_app(scope)}, "linked"
        return {"type": "service", "name": name, "datastore": kind}, field

    def fix(self, resource, field, commands):
        named = [command for command in commands if resource["name"] in command]
        if resource["type"] == "link":
            return [command for command in named if any(arg.endswith((":link", ":unlink")) for arg in command)] or named
        return named or list(commands)

    def info(self, ctx, scope):
        if scope is not None:
            return dict(links=linked_services(read_config(ctx, scope) or {}))
        services = {}
        for kind in DATASTORE_TYPES:
            if not installed_plugins(ctx).get(kind, {}).get("enabled"):
                continue
            services[kind] = dict(
                (name, dict(links=linked_apps(ctx, kind, name), image=current_image(ctx, kind, name) or ""))
                for name in sorted(list_services(ctx, kind)))
        return dict(services=services)

    def export(self, facts, scope, out):
        if scope is None:
            linked = set((kind, name) for details in facts.get("app_details", {}).values()
                         for kind, names in details.get("links", {}).items() for name in names)
            for kind, services in sorted(facts.get("services", {}).items()):
                for name in sorted(services):
                    if (kind, name) not in linked:
                        out.skipped.append("%s service %s: no app links to it" % (kind, name))
            return {}
        services = [{"type": kind, "name": service}
                    for kind, names in sorted(facts.get("links", {}).items()) for service in sorted(names)]
        return {"services": services} if services else {}
