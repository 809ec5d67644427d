# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Datastore services and links: validation, reads and decisions.

Shared by dokku_service, dokku_service_link and dokku_apps, so they behave the same.

The official datastore plugins (dokku-postgres, dokku-redis, dokku-mysql, ...)
share one command set, ``<type>:<subcommand>``.  A plugin that is not
installed makes Dokku answer ``is not a dokku command`` with exit code 1, the
same code as "service does not exist", so every read here tells the two apart.
Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value, parse_lines
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import (
    check_app_name,
    check_datastore_type,
    check_service_name,
)

PASSWORD_RE = re.compile(r"^[A-Za-z0-9._~][A-Za-z0-9._~-]*$")
IMAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
ALIAS_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
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


def current_image(runner, kind, name):
    """``<type>:info SVC --version``: the running ``image:tag`` ("" without a container)."""
    return parse_flag_value(runner.read([kind + ":info", name, "--version"]).stdout) or None


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


def create_args(runner, params):
    """``<type>:create SVC [flags]``; the custom env (it may hold secrets) is masked."""
    kind, name = params["type"], params["name"]
    args = [kind + ":create", name]
    if params["image"]:
        args += ["--image", params["image"]]
    if params["image_version"]:
        args += ["--image-version", params["image_version"]]
    if params["password"]:
        args += ["--password", params["password"]]
    if params["custom_env"]:
        custom_env = ";".join("%s=%s" % item for item in sorted(params["custom_env"].items()))
        runner.add_secret(custom_env)
        args += ["--custom-env", custom_env]
    if params["config_options"]:
        args += ["--config-options", params["config_options"]]
    return args


def list_services(runner, kind):
    """``--quiet <type>:list``: the names of every service of a type, or None without the plugin."""
    args = [kind + ":list"]
    res = runner.read(args, global_flags=["--quiet"], ok_rcs=(0, 1))
    if res.rc != 0:
        if not require_plugin(runner, kind, args, res):
            return None
        fail_unexpected(runner, args, res)
    return parse_lines(res.stdout)


def linked_apps(runner, kind, name):
    args = [kind + ":links", name]
    res = runner.read(args, ok_rcs=(0, 1))
    if res.rc != 0:
        require_plugin(runner, kind, args, res)
        fail_unexpected(runner, args, res)
    return parse_lines(res.stdout)


def still_linked_message(kind, name, apps):
    return (
        "%s service %s is still linked to %s; unlink it first (selfhosted.dokku.dokku_service_link "
        "with state=absent), nothing was destroyed" % (kind, name, ", ".join(apps))
    )


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


def service_host(kind, service):
    """The host name a link URL points at: ``dokku-<type>-<service>``, ``.`` and ``_`` as ``-``."""
    return ("dokku.%s.%s" % (kind, service)).replace(".", "-").replace("_", "-")


def link_keys(config, kind, service):
    """The app's config keys whose value is a URL of the service (``...@dokku-<type>-<service>:PORT...``).

    Linking writes the service URL into the app's config, and the plugin itself
    decides "linked" by looking for that URL there; matching the host alone tells
    the same without reading the service's password (one ``<type>:info`` per service).
    """
    pattern = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^@\s]*@%s:[0-9]+(?:[/?]\S*)?$" % re.escape(
        service_host(kind, service)))
    return sorted(key for key, value in config.items() if pattern.match(value))
