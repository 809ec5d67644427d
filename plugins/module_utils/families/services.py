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

import json
import os
import re
import time

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import (
    GLOBAL,
    Family,
    Plan,
    Write,
    run_write,
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
NO_SCHEDULE = "There is no scheduled backup"
# PLUGIN_DATASTORE_PORTS of the official plugins (how many host ports <type>:expose takes)
EXPOSE_PORT_COUNTS = {"postgres": 1, "mysql": 1, "mariadb": 1, "redis": 1, "mongo": 4, "rabbitmq": 4}
HOST_PORT_RE = re.compile(r"^(?:([0-9]{1,3}(?:\.[0-9]{1,3}){3}):)?([0-9]{1,5})$")
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/[A-Za-z0-9._/-]*)?$")
REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SIGNATURE_RE = re.compile(r"^[a-z0-9]+$")
ENDPOINT_RE = re.compile(r"^https?://[^\s*?\[\]]+$")
SECRET_TOKEN_RE = re.compile(r"^[!-~]+$")
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
CRON_FIELDS = (("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day of month", 1, 31, ()),
               ("month", 1, 12, MONTHS), ("day of week", 0, 7, WEEKDAYS))
AUTH_FIELDS = ("access_key_id", "secret_access_key", "region", "signature_version", "endpoint_url")
AUTH_FILES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_SIGNATURE_VERSION",
              "ENDPOINT_URL")
DEFAULT_LIB_ROOT = "/var/lib/dokku"


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
    return check_expose(kind, params.get("expose")) or check_backup(params.get("backup")) or check_upgrade(params)


# ------------------------------------------------------------ expose, backups, upgrades
def check_expose(kind, ports):
    """``expose``: the host ports (``PORT`` or ``IPv4:PORT``), one per datastore port; [] for none."""
    if ports is None:
        return None
    for port in ports:
        match = HOST_PORT_RE.match(str(port))
        if not match or not 1 <= int(match.group(2)) <= 65535 or (
                match.group(1) and any(int(part) > 255 for part in match.group(1).split("."))):
            return "expose: %r is not a host port (1-65535) or IPv4:PORT like '127.0.0.1:15432'" % (port,)
    if len(set(str(port) for port in ports)) != len(ports):
        return "expose: a host port is listed twice"
    count = EXPOSE_PORT_COUNTS.get(kind)
    if ports and count is not None and len(ports) != count:
        return ("expose: the %s plugin exposes %d port(s), so give exactly %d host port(s) in its order "
                "(or [] to unexpose)" % (kind, count, count))
    return None


def check_cron(expression):
    """None, or why ``expression`` is not a cron schedule (Dokku writes anything into the cron file)."""
    fields = (expression or "").split()
    if len(fields) == 1 and fields[0].startswith("@"):
        if fields[0] in CRON_MACROS:
            return None
        return "%r is not a cron macro; use one of %s" % (fields[0], ", ".join(CRON_MACROS))
    if len(fields) != 5:
        return ("%r has %d field(s); a cron schedule has 5 (minute hour day-of-month month day-of-week) "
                "or is a macro like @daily" % (expression, len(fields)))
    for value, (label, low, high, names) in zip(fields, CRON_FIELDS):
        for part in value.split(","):
            error = check_cron_part(part, low, high, names, alone="," not in value)
            if error:
                return "%s field %r: %s (allowed: %d-%d%s)" % (
                    label, value, error, low, high, ", or names like %s" % names[0] if names else "")
    return None


def check_cron_part(part, low, high, names, alone):
    base, slash, step = part.partition("/")
    if slash and (not step.isdigit() or int(step) < 1):
        return "the step %r is not a positive number" % step
    if base == "*":
        return None
    if base.lower() in names:
        return None if alone and not slash else "cron takes a name only on its own (no list, range or step)"
    start, dash, end = base.partition("-")
    bounds = [start, end] if dash else [start]
    if any(bound.lower() in names for bound in bounds):
        return "cron takes a name only on its own (no list, range or step)"
    if not all(bound.isdigit() for bound in bounds):
        return "%r is not a number, a range or *" % base
    numbers = [int(bound) for bound in bounds]
    if any(not low <= number <= high for number in numbers):
        return "%s is out of range" % base
    if dash and numbers[0] > numbers[1]:
        return "the range %s runs backwards" % base
    return None


def check_secret_token(label, value):
    if not isinstance(value, str) or not SECRET_TOKEN_RE.match(value) or value.startswith("-") or any(
            char in value for char in "*?[]"):
        return ("%s: it must be printable ASCII without spaces, not start with '-' and not contain * ? [ ], "
                "because the plugin passes it unquoted to the backup container" % label)
    return None


def check_backup(backup):
    """``backup``: a schedule with its bucket, credentials, an encryption passphrase (or state=absent)."""
    if backup is None:
        return None
    settings = ("schedule", "bucket", "auth", "encryption_passphrase")
    if backup.get("state") == "absent":
        given = [key for key in settings if backup.get(key) is not None] + (["use_iam"] if backup.get("use_iam") else [])
        if given:
            return "backup: state=absent removes the schedule, credentials and encryption; do not give %s" % (
                ", ".join(given))
        return None
    if (backup.get("schedule") is None) != (backup.get("bucket") is None):
        return "backup: schedule and bucket go together (the cron job backs up to that bucket)"
    if backup.get("use_iam") and backup.get("schedule") is None:
        return "backup.use_iam: it applies to the scheduled backups; give schedule and bucket too"
    if backup.get("schedule") is not None:
        error = check_cron(backup["schedule"])
        if error:
            return "backup.schedule: %s" % error
        if not BUCKET_RE.match(backup["bucket"]):
            return ("backup.bucket: %r is not an S3 bucket name (3-63 lower-case letters, digits, '.' and '-'), "
                    "optionally followed by /path" % backup["bucket"])
    auth = backup.get("auth")
    if auth is not None:
        for field in AUTH_FIELDS[:2]:
            error = check_secret_token("backup.auth.%s" % field, auth.get(field))
            if error:
                return error
        for field, regex, what in (("region", REGION_RE, "an AWS region like eu-west-1"),
                                   ("signature_version", SIGNATURE_RE, "a signature version like s3v4"),
                                   ("endpoint_url", ENDPOINT_RE, "an http(s) URL without spaces")):
            if auth.get(field) is not None and not regex.match(auth[field]):
                return "backup.auth.%s: %r is not %s" % (field, auth[field], what)
    if backup.get("encryption_passphrase") is not None:
        return check_secret_token("backup.encryption_passphrase", backup["encryption_passphrase"])
    return None


def check_upgrade(params):
    if params.get("allow_upgrade"):
        directory = params.get("upgrade_backup_dir")
        if not directory or not os.path.isabs(directory) or "\n" in directory:
            return ("upgrade_backup_dir: allow_upgrade=true needs the absolute path of a directory on the Dokku "
                    "host, where the service is exported before <type>:upgrade runs")
    return None


def backup_secrets(service):
    """The credentials and passphrase of a service's backup settings (to mask)."""
    backup = service.get("backup") or {}
    values = [value for key, value in sorted((backup.get("auth") or {}).items()) if key in AUTH_FIELDS[:2]]
    return [value for value in values + [backup.get("encryption_passphrase")] if value]


def service_dir(kind, name, *parts):
    """A file the plugin keeps for the service (``$DOKKU_LIB_ROOT/services/<type>/SVC/...``)."""
    root = os.environ.get("DOKKU_LIB_ROOT") or os.environ.get("DOKKU_LIB_PATH") or DEFAULT_LIB_ROOT
    return os.path.join(root, "services", kind, name, *parts)


def read_service_file(ctx, kind, name, *parts):
    """The content of a plugin file of the service (last line break removed), None when absent.

    The backup credentials and passphrase have no read command: the plugin only keeps them in
    files (root or the dokku user can read them).
    """
    path = service_dir(kind, name, *parts)
    try:
        with open(path) as handle:
            return handle.read().rstrip("\n")
    except (IOError, OSError) as exc:
        if os.path.exists(path):
            ctx.runner.fail("cannot read %s (%s); run the task as root (become: true)" % (path, exc))
        return None


def parse_exposed(text):
    """``<type>:info SVC --exposed-ports`` (``-`` or ``5432->15432 ``): the host ports."""
    value = parse_flag_value(text).strip()
    if value in ("", "-"):
        return []
    return [pair.split("->", 1)[1] for pair in value.split() if "->" in pair]


def parse_schedule(kind, name, text):
    """The line ``backup-schedule-cat`` prints: ``{schedule, bucket, use_iam}``."""
    line = (text or "").strip("\n").split("\n")[0]
    match = re.match(r"^(.+?) dokku \S+ %s:backup %s (\S+) ?(\S*)\s*$" % (re.escape(kind), re.escape(name)), line)
    if not match:
        return dict(schedule=line.strip(), bucket=None, use_iam=False)
    return dict(schedule=" ".join(match.group(1).split()), bucket=match.group(2),
                use_iam=match.group(3) in ("--use-iam", "-u"))


def schedule_read(kind, name):
    return Read([kind + ":backup-schedule-cat", name], ok_rcs=(0, 1))


def exposed_read(kind, name):
    return Read([kind + ":info", name, "--exposed-ports"])


def read_schedule(ctx, kind, name):
    read = schedule_read(kind, name)
    res = ctx.fetch(read)
    if res.rc == 0:
        return parse_schedule(kind, name, res.stdout)
    if NO_SCHEDULE not in res.stderr:
        fail_unexpected(ctx.runner, read, res)
    return None


def read_backup_files(ctx, kind, name):
    """What the plugin stores for backups: ``(credentials or None, passphrase or None)``."""
    auth = None
    if os.path.isdir(service_dir(kind, name, "backup")):
        auth = dict((field, read_service_file(ctx, kind, name, "backup", filename))
                    for field, filename in zip(AUTH_FIELDS, AUTH_FILES))
    return auth, read_service_file(ctx, kind, name, "backup-encryption", "ENCRYPTION_KEY")


def auth_args(kind, name, auth):
    """``backup-auth SVC KEY SECRET [REGION [SIGNATURE [ENDPOINT]]]`` (positional: blanks fill gaps)."""
    values = [auth.get(field) or "" for field in AUTH_FIELDS]
    while len(values) > 2 and not values[-1]:
        values.pop()
    return [kind + ":backup-auth", name] + values


def canonical_auth(auth):
    return json.dumps(dict((field, (auth or {}).get(field) or None) for field in AUTH_FIELDS), sort_keys=True)


class ExportWrite(Write):
    """``<type>:export SVC`` into a new file in ``directory`` (the backup before an upgrade)."""

    __slots__ = ("directory",)

    def __init__(self, args, directory):
        super(ExportWrite, self).__init__(args)
        self.directory = directory


def export_dump(runner, kind, name, directory):
    """Run ``<type>:export`` into ``DIR/<type>-<name>-<UTC time>.dump`` (mode 0600); its path.

    The dump goes straight into the file (it can be larger than memory); an empty or failed
    export fails the task before anything else runs.
    """
    if not os.path.isdir(directory):
        runner.fail("upgrade_backup_dir: %s is not a directory on the Dokku host; %s service %s was not upgraded"
                    % (directory, kind, name))
    path = os.path.join(directory, "%s-%s-%s.dump" % (kind, name, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())))
    res = runner.stream([kind + ":export", name], stdout_path=path)
    if res.skipped:  # check mode
        return None
    if os.path.getsize(path) == 0:
        runner.fail("dokku %s:export wrote an empty dump to %s; nothing was upgraded" % (kind, path))
    return path


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
        "(set allow_upgrade=true and upgrade_backup_dir to export it and run %s:upgrade)"
        % (params["type"], params["name"], current, wanted, params["type"])
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
BACKUP_AUTH_OPTIONS = dict(
    access_key_id=dict(type="str", required=True, no_log=True, description="Access key id (C(AWS_ACCESS_KEY_ID))."),
    secret_access_key=dict(type="str", required=True, no_log=True,
                           description="Secret access key (C(AWS_SECRET_ACCESS_KEY))."),
    region=dict(type="str", description="Region (C(AWS_DEFAULT_REGION)), for example C(eu-west-1)."),
    signature_version=dict(type="str", description="Signature version (C(AWS_SIGNATURE_VERSION)), for example C(s3v4)."),
    endpoint_url=dict(type="str", description="Endpoint of an S3-compatible store (C(ENDPOINT_URL))."),
)
BACKUP_OPTIONS = dict(
    state=dict(type="str", default="present", choices=["present", "absent"], description=[
        "V(present) applies the settings given here (those left out are not managed).",
        "V(absent) unschedules the backups and removes the credentials and the encryption passphrase."]),
    schedule=dict(type="str", description=[
        "Cron schedule of the backups (five fields like V(0 3 * * *), or a macro like V(@daily)), with O(apps[].services[].backup.bucket).",
        "Checked before any write: Dokku itself accepts any text."]),
    bucket=dict(type="str", description="S3 bucket (optionally C(bucket/path)) the scheduled backups go to."),
    use_iam=dict(type="bool", default=False, description="Scheduled backups authenticate with the host's IAM role (C(--use-iam))."),
    auth=dict(type="dict", options=BACKUP_AUTH_OPTIONS, description=[
        "S3 credentials of the backups (C(<type>:backup-auth)), compared with what the plugin stores.",
        "The plugin takes them only as arguments, so they are visible in the host's process list while the "
        "command runs; they are masked in everything the task returns."]),
    encryption_passphrase=dict(type="str", no_log=True, description=[
        "GPG passphrase the backups are encrypted with (C(<type>:backup-set-encryption)); an argument "
        "of that command like the credentials."]),
)
SERVICE_OPTIONS = dict(
    name=dict(type="str", required=True, description="Service name."),
    type=dict(type="str", default="postgres", description="Datastore plugin (postgres, redis, mysql, mariadb, mongo, ...)."),
    state=dict(type="str", default="present", choices=["present", "absent"],
               description="V(present), or V(absent) to unlink and destroy it (needs O(apps[].services[].allow_destroy))."),
    allow_destroy=dict(type="bool", default=False, description="Explicit opt-in for O(apps[].services[].state=absent)."),
    link=dict(type="bool", default=True, description="Link the service to the app (V(false) unlinks it)."),
    alias=dict(type="str", description="Link alias (the config var becomes C(ALIAS_URL)), used when the link is made."),
    querystring=dict(type="str", description="Query string appended to the link URL, used when the link is made."),
    image=dict(type="str", description="Image of the service container, at creation (later only with O(apps[].services[].allow_upgrade))."),
    image_version=dict(type="str", description="Image tag, at creation (later only with O(apps[].services[].allow_upgrade))."),
    password=dict(type="str", no_log=True, description="Service password, at creation (generated when omitted)."),
    custom_env=dict(type="dict", no_log=True, description="Environment of the service container, at creation."),
    config_options=dict(type="str", description="Extra options of the datastore server, at creation."),
    expose=dict(type="list", elements="str", description=[
        "Host ports the service is exposed on (C(<type>:expose)), one per datastore port, as C(PORT) or "
        "C(IPv4:PORT); V([]) unexposes it. Not managed when omitted."]),
    backup=dict(type="dict", options=BACKUP_OPTIONS, description="Scheduled S3 backups of the service. Not managed when omitted."),
    allow_upgrade=dict(type="bool", default=False, description=[
        "Explicit opt-in to move an existing service to the requested image and tag with C(<type>:upgrade).",
        "The service is first exported into a new file in O(apps[].services[].upgrade_backup_dir) in the same run; "
        "without the opt-in a different image is only a warning."]),
    upgrade_backup_dir=dict(type="path", description=[
        "Directory on the Dokku host for the export taken before an upgrade (C(<type>-<name>-<UTC time>.dump), mode 0600).",
        "Required with O(apps[].services[].allow_upgrade=true)."]),
)


def item(service, ensure, link, restart=False, report_image=False):
    """One service of a scope's desired state.

    ``ensure``: "present"/"absent" (create or destroy it), or None (it must exist to be linked);
    ``link``: True/False (link or unlink it to the scope's app), or None (links are not managed).
    """
    return dict(service, ensure=ensure, link=link, restart=restart, report_image=report_image)


def hide(marker, value):
    """A value as its marker (None stays None)."""
    return None if value is None else marker.mask({"value": value})["value"]


def manages_settings(service):
    return service["ensure"] == "present" and (
        service.get("expose") is not None or service.get("backup") is not None or service.get("allow_upgrade"))


def upgrade_args(kind, name, wanted, custom_env, config_options):
    """``<type>:upgrade`` with every setting it would otherwise reset.

    ``service_commit_config`` rewrites the image (the plugin's default unless ``--image``), the
    custom env and the config options (emptied unless given), so all of them are passed.
    """
    image, tag = split_image(wanted)
    args = [kind + ":upgrade", name, "--image", image, "--image-version", tag]
    if custom_env:
        args += ["--custom-env", custom_env]
    if config_options:
        args += ["--config-options", config_options]
    return args


def plan_upgrade(plan, service, facts, wanted):
    kind, name = service["type"], service["name"]
    kept = facts.get("kept") or {}
    custom_env = custom_env_arg(service["custom_env"]) if service.get("custom_env") else kept.get("custom_env")
    config_options = service.get("config_options") or kept.get("config_options")
    plan.writes.append(ExportWrite([kind + ":export", name], service["upgrade_backup_dir"]))
    plan.write(upgrade_args(kind, name, wanted, custom_env, config_options))
    if custom_env:
        plan.secrets.append(custom_env)


def plan_expose(plan, service, facts, before, after):
    kind, name, ports = service["type"], service["name"], service.get("expose")
    if ports is None:
        return
    ports = [str(port) for port in ports]
    before["exposed_ports"], after["exposed_ports"] = facts["exposed"], ports
    if facts["exposed"] != ports:  # the order matters: the Nth host port serves the Nth datastore port
        if facts["exposed"]:
            plan.write([kind + ":unexpose", name])
        if ports:
            plan.write([kind + ":expose", name] + ports)


def plan_backup(plan, service, facts, before, after):
    """Credentials, schedule and passphrase: each compared with what the plugin stores."""
    kind, name, backup = service["type"], service["name"], service.get("backup")
    if backup is None:
        return
    absent = backup.get("state") == "absent"
    marker = facts["marker"]
    stored_auth, stored_pass, schedule = facts["auth"], facts["passphrase"], facts["schedule"] or {}
    if absent or backup.get("schedule") is not None:
        want = {} if absent else dict(schedule=" ".join(backup["schedule"].split()), bucket=backup["bucket"],
                                      use_iam=bool(backup.get("use_iam")))
        before.update(backup_schedule=schedule.get("schedule"), backup_bucket=schedule.get("bucket"),
                      backup_use_iam=schedule.get("use_iam", False))
        after.update(backup_schedule=want.get("schedule"), backup_bucket=want.get("bucket"),
                     backup_use_iam=want.get("use_iam", False))
    if absent or backup.get("auth") is not None:
        before["backup_auth"] = hide(marker, None if stored_auth is None else canonical_auth(stored_auth))
        after["backup_auth"] = None if absent else hide(marker, canonical_auth(backup["auth"]))
    if absent or backup.get("encryption_passphrase") is not None:
        before["backup_encryption"] = hide(marker, stored_pass)
        after["backup_encryption"] = None if absent else hide(marker, backup["encryption_passphrase"])
    if absent:
        if schedule:
            plan.write([kind + ":backup-unschedule", name])
        if stored_auth is not None:
            plan.write([kind + ":backup-deauth", name])
        if stored_pass is not None:
            plan.write([kind + ":backup-unset-encryption", name])
        return
    if backup.get("auth") is not None and before["backup_auth"] != after["backup_auth"]:
        if stored_auth is not None:  # backup-auth makes its directory without -p: a second call fails
            plan.write([kind + ":backup-deauth", name])
        plan.write(auth_args(kind, name, backup["auth"]))
        plan.secrets += backup_secrets(dict(backup=dict(auth=backup["auth"])))
    if backup.get("schedule") is not None and any(before[key] != after[key] for key in (
            "backup_schedule", "backup_bucket", "backup_use_iam")):
        plan.write([kind + ":backup-schedule", name, after["backup_schedule"], after["backup_bucket"]]
                   + (["--use-iam"] if after["backup_use_iam"] else []))
    if backup.get("encryption_passphrase") is not None and stored_pass != backup["encryption_passphrase"]:
        plan.write([kind + ":backup-set-encryption", name, backup["encryption_passphrase"]])
        plan.secrets.append(backup["encryption_passphrase"])


def read_settings(ctx, service, facts):
    """Exposed ports, backup settings and (for an upgrade) what it must keep, of an existing service."""
    kind, name = service["type"], service["name"]
    if service.get("expose") is not None:
        facts["exposed"] = parse_exposed(ctx.fetch(exposed_read(kind, name)).stdout)
    backup = service.get("backup")
    if backup is not None:
        absent = backup.get("state") == "absent"
        if absent or backup.get("schedule") is not None:
            facts["schedule"] = read_schedule(ctx, kind, name)
        if absent or backup.get("auth") is not None or backup.get("encryption_passphrase") is not None:
            facts["auth"], facts["passphrase"] = read_backup_files(ctx, kind, name)
    wanted = wanted_image(service, facts["image"])
    if service.get("allow_upgrade") and facts["image"] and wanted != facts["image"]:
        env = read_service_file(ctx, kind, name, "ENV") or ""
        facts["kept"] = dict(custom_env=";".join(line for line in env.split("\n") if line.strip()),
                             config_options=(read_service_file(ctx, kind, name, "CONFIG_OPTIONS") or "").strip())
        if facts["kept"]["custom_env"]:
            ctx.runner.add_secret(facts["kept"]["custom_env"])


class ServicesFamily(Family):
    """Services are host-wide; an app's entry names the services it uses and links."""

    name = "services"
    resource_type = "service"
    extra_resource_types = ("link",)
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
            facts = dict(exists=exists, keys=[], image=None, blocking=[], config=config or {},
                         exposed=[], schedule=None, auth=None, passphrase=None, marker=ctx.marker)
            if exists and config is not None:
                facts["keys"] = link_keys(config, kind, name)
            if exists and (service["report_image"] or scope == GLOBAL):
                facts["image"] = current_image(ctx, kind, name)
            if exists and manages_settings(service):
                read_settings(ctx, service, facts)
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
            wanted = wanted_image(service, facts["image"]) if service["ensure"] == "present" else None
            if scope == GLOBAL or (service.get("allow_upgrade") and service["report_image"]):
                before["image"], after["image"] = facts["image"], wanted
            if service["ensure"] == "present" and not facts["exists"]:
                plan.write(create_args(service))
                if service.get("custom_env"):
                    plan.secrets.append(custom_env_arg(service["custom_env"]))
            elif service["ensure"] == "present" and service["report_image"]:
                if service.get("allow_upgrade") and facts["image"] and wanted != facts["image"]:
                    plan_upgrade(plan, service, facts, wanted)
                else:
                    warning = image_warning(service, facts["image"])
                    if warning:
                        plan.warnings.append(warning)
            if service["ensure"] == "present":
                plan_expose(plan, service, facts, before, after)
                plan_backup(plan, service, facts, before, after)
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

    def execute(self, ctx, plan):
        """The writes in order; an export before an upgrade goes into its file (the dump is not held)."""
        plan.backup_files = []
        for write in plan.writes:
            if isinstance(write, ExportWrite):
                path = export_dump(ctx.runner, write.args[0].split(":")[0], write.args[1], write.directory)
                plan.backup_files += [path] if path else []
            else:
                run_write(ctx.runner, write)

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
        clear = bool(ctx.module.params.get("show_config_values"))
        services = {}
        for kind in DATASTORE_TYPES:
            if not installed_plugins(ctx).get(kind, {}).get("enabled"):
                continue
            services[kind] = dict((name, service_info(ctx, kind, name, clear))
                                  for name in sorted(list_services(ctx, kind)))
        return dict(services=services)

    def export(self, facts, scope, out):
        if scope is None:
            linked = set((kind, name) for details in facts.get("app_details", {}).values()
                         for kind, names in details.get("links", {}).items() for name in names)
            # the settings of a service go to the first app entry (by name) that links it
            out.service_settings = {}
            for kind, services in sorted(facts.get("services", {}).items()):
                for name, details in sorted(services.items()):
                    if (kind, name) not in linked:
                        out.skipped.append("%s service %s: no app links to it" % (kind, name))
                    else:
                        out.service_settings[(kind, name)] = export_settings(kind, name, details, out)
            return {}
        services = []
        for kind, names in sorted(facts.get("links", {}).items()):
            for service in sorted(names):
                entry = {"type": kind, "name": service}
                entry.update(getattr(out, "service_settings", {}).pop((kind, service), None) or {})
                services.append(entry)
        return {"services": services} if services else {}


def service_info(ctx, kind, name, clear):
    """A service's facts: links, image, exposed ports, backup schedule; credentials only when ``clear``."""
    schedule = read_schedule(ctx, kind, name) or {}
    auth, passphrase = read_backup_files(ctx, kind, name)
    facts = dict(links=linked_apps(ctx, kind, name), image=current_image(ctx, kind, name) or "",
                 exposed_ports=parse_exposed(ctx.fetch(exposed_read(kind, name)).stdout),
                 backup_schedule=schedule.get("schedule"), backup_bucket=schedule.get("bucket"),
                 backup_use_iam=schedule.get("use_iam", False),
                 backup_auth=auth is not None, backup_encryption=passphrase is not None)
    if clear and auth is not None:
        facts["backup_credentials"] = dict((key, value) for key, value in auth.items() if value)
    if clear and passphrase is not None:
        facts["backup_encryption_passphrase"] = passphrase
    return facts


def export_settings(kind, name, details, out):
    """The ``expose`` and ``backup`` fields of an exported service entry (secrets to the side file)."""
    settings, backup = {}, {}
    if details.get("exposed_ports"):
        settings["expose"] = list(details["exposed_ports"])
    if details.get("backup_schedule"):
        backup.update(schedule=details["backup_schedule"], bucket=details["backup_bucket"])
        if details.get("backup_use_iam"):
            backup["use_iam"] = True
    secrets = out.secrets.setdefault("services", {}).setdefault(kind, {})
    if details.get("backup_credentials"):
        secrets.setdefault(name, {})["auth"] = details["backup_credentials"]
        backup["auth"] = out.secret_ref("services", kind, name, "auth")
    if details.get("backup_encryption_passphrase"):
        secrets.setdefault(name, {})["encryption_passphrase"] = details["backup_encryption_passphrase"]
        backup["encryption_passphrase"] = out.secret_ref("services", kind, name, "encryption_passphrase")
    if not secrets:
        out.secrets["services"].pop(kind)
    if not out.secrets["services"]:
        out.secrets.pop("services")
    if backup:
        settings["backup"] = backup
    return settings
