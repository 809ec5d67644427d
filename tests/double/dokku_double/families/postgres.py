"""Datastore service plugins: dokku-postgres 1.48.0 and its siblings.

The official datastore plugins (postgres, redis, mysql, mariadb, mongo) share
one bash code base (``common-functions``) and differ only in a few settings:
the service label, the DSN, the default image and port.  One implementation
serves them all; each plugin's commands exist only while that plugin is
enabled (the registry gates on the command prefix).

postgres is the one checked byte for byte against the real transcript
(``transcripts/postgres.json``).  For the other four the double reuses the
postgres behaviour with their own settings; their default images and create
output were not captured from a real host.

State, as the plugins keep it: ``$DOKKU_LIB_ROOT/services/<plugin>/SVC/``
(``ID``, ``PASSWORD``, ``DATABASE_NAME``, ``LINKS``, ``IMAGE``,
``IMAGE_VERSION``, ``ENV``, ``CONFIG_OPTIONS``, ``data/``), network settings as
properties under ``config/<plugin>/SVC/``, links in the app's ENV and in the
app's ``DOCKER_OPTIONS_{BUILD,DEPLOY,RUN}`` files.  There is no docker: a
created service is always ``running`` with a random container id, and images
are always present (no pull output).
"""

import os
import re
import secrets

from .. import envfile
from ..core import (
    DokkuExit,
    command,
    plugin_enabled,
    read_file,
    read_lines,
    reads_stdin,
    remove_path,
    trigger,
    verify_app,
    write_file,
    write_lines,
)
from .config import set_many, unset_many

SERVICE_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
ALIAS_COLORS = (
    "AQUA", "BLACK", "BLUE", "FUCHSIA", "GRAY", "GREEN", "LIME", "MAROON",
    "NAVY", "OLIVE", "PURPLE", "RED", "SILVER", "TEAL", "WHITE", "YELLOW",
)
INFO_FLAGS = (
    "--config-dir", "--config-options", "--data-dir", "--dsn", "--exposed-ports", "--id",
    "--internal-ip", "--initial-network", "--links", "--post-create-network",
    "--post-start-network", "--service-root", "--status", "--version",
)
NETWORK_PROPERTIES = ("initial-network", "post-create-network", "post-start-network")
DOCKER_OPTION_PHASES = ("BUILD", "DEPLOY", "RUN")
NOT_IMPLEMENTED = "Not implemented in test double"

# service_parse_args: long names are rewritten to getopts letters first.
LONG_TO_SHORT = {
    "--alias": "-a",
    "--config-options": "-c",
    "--custom-env": "-C",
    "--image-version": "-I",
    "--image": "-i",
    "--initial-network": "-N",
    "--memory": "-m",
    "--no-restart": "-n",
    "--password": "-p",
    "--post-create-network": "-P",
    "--post-start-network": "-S",
    "--querystring": "-q",
    "--restart-apps": "-R",
    "--root-password": "-r",
    "--shm-size": "-s",
}
CREATE_OPTIONS = "cCiINmpPSsr"
LINK_OPTIONS = "aqn"
UNLINK_OPTIONS = "n"
NO_ARGUMENT = "n"


class Datastore:
    """The settings of one datastore plugin (its ``config`` file)."""

    def __init__(self, prefix, label, scheme, ports, default_alias, image, dsn_user,
                 database=True, config_suffix="config", create_steps=(), root_password=True):
        self.prefix = prefix              # PLUGIN_COMMAND_PREFIX
        self.label = label                # PLUGIN_SERVICE
        self.variable = prefix.upper()    # PLUGIN_VARIABLE
        self.scheme = scheme              # PLUGIN_SCHEME
        self.ports = ports                # PLUGIN_DATASTORE_PORTS
        self.port = ports[0]
        self.default_alias = default_alias
        self.alt_alias = "DOKKU_" + self.variable
        self.image, self.image_version = image.split(":")
        self.dsn_user = dsn_user          # None: the service name is the user
        self.database = database          # False: no database name in the DSN
        self.config_suffix = config_suffix
        self.create_steps = create_steps  # verbose lines after "Waiting for container to be ready"
        self.root_password = root_password

    def root(self, ctx, *parts):
        return ctx.libpath("services", self.prefix, *parts)


DATASTORES = (
    Datastore("postgres", "Postgres", "postgres", (5432,), "DATABASE", "postgres:18.4", "postgres",
              config_suffix="data",
              create_steps=("Creating container database", "Securing connection to database"),
              root_password=False),
    # Not captured from a real host: images and create output are the double's choice.
    Datastore("mysql", "MySQL", "mysql", (3306,), "DATABASE", "mysql:9.4.0", "mysql"),
    Datastore("mariadb", "MariaDB", "mysql", (3306,), "DATABASE", "mariadb:11.8.2", "mariadb"),
    Datastore("redis", "Redis", "redis", (6379,), "REDIS", "redis:8.2.1", "", database=False,
              root_password=False),
    Datastore("mongo", "Mongo", "mongodb", (27017, 27018, 27019, 28017), "MONGO", "mongo:8.0.12", None),
)


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------
def parse_options(ctx, args, letters):
    """``service_parse_args``: long names to letters, then bash ``getopts``.

    Returns ``{letter: value}`` (``True`` for ``-n``).  Like getopts, parsing
    stops at the first non-option; an option the double does not know fails.
    """
    words = [LONG_TO_SHORT.get(arg, arg) for arg in args]
    options = {}
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--" or not word.startswith("-") or word == "-":
            break
        letter = word[1]
        if letter not in letters or (len(word) > 2 and letter in NO_ARGUMENT):
            ctx.fail("%s: option %s" % (NOT_IMPLEMENTED, args[i]))
        if letter in NO_ARGUMENT:
            options[letter] = True
        elif len(word) > 2:
            options[letter] = word[2:]
        elif i + 1 < len(words):
            i += 1
            options[letter] = words[i]
        else:
            ctx.fail("%s: option %s without a value" % (NOT_IMPLEMENTED, args[i]))
        i += 1
    return options


def arg(args, index):
    return args[index] if len(args) > index else ""


# ---------------------------------------------------------------------------
# Service state
# ---------------------------------------------------------------------------
def service_names(ctx, store):
    try:
        return sorted(os.listdir(store.root(ctx)))
    except FileNotFoundError:
        return []


def verify_service(ctx, store, service):
    if not service:
        ctx.fail("Please specify a valid name for the service")
    if not os.path.isdir(store.root(ctx, service)):
        ctx.fail("%s service %s does not exist" % (store.label, service))
    return service


def service_file(ctx, store, service, name):
    return (read_file(store.root(ctx, service, name)) or "").rstrip("\n")


def network_property(ctx, store, service, name):
    return (read_file(ctx.libpath("config", store.prefix, service, name)) or "").rstrip("\n")


def dns_hostname(store, service):
    return ("dokku.%s.%s" % (store.prefix, service)).replace(".", "-").replace("_", "-")


def service_url(ctx, store, service, scheme):
    password = service_file(ctx, store, service, "PASSWORD")
    user = service if store.dsn_user is None else store.dsn_user
    url = "%s://%s:%s@%s:%d" % (scheme, user, password, dns_hostname(store, service), store.port)
    if store.database:
        url += "/" + service_file(ctx, store, service, "DATABASE_NAME")
    return url


def linked_apps(ctx, store, service):
    return read_lines(store.root(ctx, service, "LINKS"))


def write_links(ctx, store, service, apps):
    """``sort LINKS -u -o LINKS``."""
    write_lines(store.root(ctx, service, "LINKS"), sorted(set(apps)))


def internal_ip(container_id):
    return "172.17.0.%d" % (2 + int(container_id[:4], 16) % 250)


def info_rows(ctx, store, service):
    root = store.root(ctx, service)
    container_id = service_file(ctx, store, service, "ID")
    apps = linked_apps(ctx, store, service)
    ports = read_file(store.root(ctx, service, "PORT"))
    image = service_file(ctx, store, service, "IMAGE")
    version = service_file(ctx, store, service, "IMAGE_VERSION")
    return {
        "--config-dir": os.path.join(root, store.config_suffix),
        "--config-options": service_file(ctx, store, service, "CONFIG_OPTIONS"),
        "--data-dir": os.path.join(root, "data"),
        "--dsn": service_url(ctx, store, service, store.scheme),
        "--exposed-ports": exposed_ports(store, ports),
        "--id": container_id,
        "--internal-ip": internal_ip(container_id) if container_id else "",
        "--initial-network": network_property(ctx, store, service, "initial-network"),
        "--links": "".join(app + " " for app in apps) if apps else "-",
        "--post-create-network": network_property(ctx, store, service, "post-create-network"),
        "--post-start-network": network_property(ctx, store, service, "post-start-network"),
        "--service-root": root,
        "--status": "running" if container_id else "missing",
        "--version": "%s:%s" % (image, version) if container_id else "",
    }


def exposed_ports(store, port_file):
    """``service_exposed_ports``: ``C->H `` per datastore port, or ``-`` without a PORT file."""
    if port_file is None:
        return "-"
    hosts = port_file.split()
    return "".join("%d->%s " % (port, hosts[i] if i < len(hosts) else "") for i, port in enumerate(store.ports))


def cron_file(ctx, store, service):
    """``/etc/cron.d/dokku-<type>-SVC`` of a scheduled backup (kept in the double's own directory)."""
    return ctx.double_path("cron.d", "dokku-%s-%s" % (store.prefix, service))


def not_implemented_option(ctx, what):
    ctx.fail("%s: option %s" % (NOT_IMPLEMENTED, what))


def print_info(ctx, store, service):
    ctx.info2("%s %s service information" % (service, store.prefix))
    rows = info_rows(ctx, store, service)
    for flag in INFO_FLAGS:
        key = flag[2:].replace("-", " ")
        ctx.verbose("%-20s %-25s" % (key[:1].upper() + key[1:] + ":", rows[flag]))


# ---------------------------------------------------------------------------
# The app side of a link: config lines as the plugin greps them
# ---------------------------------------------------------------------------
def app_scheme(env, store):
    """``update_plugin_scheme_for_app``: <VAR>_DATABASE_SCHEME overrides the scheme."""
    return env.get(store.variable + "_DATABASE_SCHEME") or store.scheme


def config_lines(env):
    """``config_all``: the app's ``KEY:  value`` lines (multi-line values split)."""
    lines = []
    for key in sorted(env):
        lines.extend(("%s:  %s" % (key, env[key])).split("\n"))
    return lines


def grep(lines, text):
    return [line for line in lines if text in line]


def keys_holding(lines, url):
    """``grep "$SERVICE_URL" | cut -d: -f1``."""
    return [line.split(":", 1)[0] for line in grep(lines, url)]


def choose_alias(ctx, store, lines, requested):
    if requested:
        alias = requested.upper()
        if alias.endswith("_URL"):
            alias = alias[:-4]
        if grep(lines, alias + "_URL"):
            ctx.fail("Specified alias %s already in use" % alias)
        return alias
    if not grep(lines, store.default_alias + "_URL"):
        return store.default_alias
    for color in ALIAS_COLORS:
        alias = "%s_%s" % (store.alt_alias, color)
        if not grep(lines, alias + "_URL"):
            return alias
    ctx.fail("Unable to use default or generated URL alias")
    return None  # not reached


def docker_link_option(store, service):
    return "--link dokku.%s.%s:%s" % (store.prefix, service, dns_hostname(store, service))


def set_docker_option(ctx, app, option, present):
    for phase in DOCKER_OPTION_PHASES:
        path = ctx.home(app, "DOCKER_OPTIONS_" + phase)
        old = read_lines(path)
        new = [line for line in old if line != option] + ([option] if present else [])
        if new != old:
            write_lines(path, new)


def link_arguments(ctx, store, args):
    service, app = arg(args, 0), arg(args, 1)
    if not service:
        ctx.fail("Please specify a valid name for the service")
    if not app:
        ctx.fail("Please specify an app to run the command on")
    verify_app(ctx, app)
    verify_service(ctx, store, service)
    return service, app


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def cmd_create(ctx, store, args):
    service = arg(args, 0)
    if not SERVICE_NAME_RE.match(service):
        ctx.fail("Please specify a valid name for the service. Valid characters are: [A-Za-z0-9_]+")
    root = store.root(ctx, service)
    if os.path.isdir(root):
        ctx.fail("%s service %s already exists" % (store.label, service))
    options = parse_options(ctx, args[1:], CREATE_OPTIONS)
    env = ctx.env

    os.makedirs(os.path.join(root, "data"))
    os.makedirs(os.path.join(root, store.config_suffix), exist_ok=True)
    write_file(os.path.join(root, "LINKS"), "")
    password = secrets.token_hex(16)
    if options.get("p"):
        password = options["p"]
        ctx.warn("Specified password may not be as secure as the auto-generated password")
    write_file(os.path.join(root, "PASSWORD"), password + "\n", mode=0o640)
    if store.root_password:
        write_file(os.path.join(root, "ROOTPASSWORD"), (options.get("r") or secrets.token_hex(16)) + "\n",
                   mode=0o640)

    # service_commit_config
    custom_env = options.get("C") or env.get(store.variable + "_CUSTOM_ENV", "")
    write_file(os.path.join(root, "ENV"), custom_env.replace(";", "\n") + "\n")
    config_options = options.get("c") or env.get(store.variable + "_CONFIG_OPTIONS", "")
    if config_options:
        write_file(os.path.join(root, "CONFIG_OPTIONS"), config_options + "\n")
    for letter, name in (("m", "SERVICE_MEMORY"), ("s", "SHM_SIZE")):
        if options.get(letter):
            write_file(os.path.join(root, name), options[letter] + "\n")
    image = options.get("i") or env.get(store.variable + "_IMAGE") or store.image
    version = options.get("I") or env.get(store.variable + "_IMAGE_VERSION") or store.image_version
    write_file(os.path.join(root, "IMAGE"), image + "\n")
    write_file(os.path.join(root, "IMAGE_VERSION"), version + "\n")
    for letter, name in zip("NPS", NETWORK_PROPERTIES):
        if options.get(letter):
            write_file(ctx.libpath("config", store.prefix, service, name), options[letter] + "\n")
    if store.database:
        write_file(os.path.join(root, "DATABASE_NAME"), service.replace(".", "_").replace("-", "_") + "\n")

    # service_create_container
    write_file(os.path.join(root, "ID"), secrets.token_hex(32))
    container_created(ctx, store, service)


def container_created(ctx, store, service, upgrade=False):
    """What ``service_create_container`` prints once the container runs (an upgrade finds the database)."""
    for name, when in (("post-create-network", "create"), ("post-start-network", "start")):
        networks = network_property(ctx, store, service, name)
        if networks:
            ctx.verbose_quiet("Connecting to networks after container %s" % when)
            for network in networks.split(","):
                ctx.verbose_quiet("- " + network)
    ctx.verbose_quiet("Waiting for container to be ready")
    for index, step in enumerate(store.create_steps):
        ctx.verbose_quiet(step)
        if upgrade and index == 0:  # "Creating container database" finds the existing one
            ctx.verbose_quiet("Already exists")
    ctx.info2("%s container created: %s" % (store.label, service))
    print_info(ctx, store, service)


def cmd_exists(ctx, store, args):
    service = verify_service(ctx, store, arg(args, 0))
    ctx.info1("Service %s exists" % service)


def cmd_info(ctx, store, args):
    service = verify_service(ctx, store, arg(args, 0))
    flag = arg(args, 1)
    if not flag:
        print_info(ctx, store, service)
        return
    if flag not in INFO_FLAGS:
        ctx.fail("Invalid flag passed, valid flags: " + " ".join(INFO_FLAGS))
    ctx.out(info_rows(ctx, store, service)[flag])


def cmd_list(ctx, store, _args):
    services = service_names(ctx, store)
    if not services:
        ctx.warn("There are no %s services" % store.label)
        return
    ctx.info2_quiet("%s services" % store.label)
    for service in services:
        ctx.out(service)


def cmd_link(ctx, store, args):
    service, app = link_arguments(ctx, store, args)
    options = parse_options(ctx, args[2:], LINK_OPTIONS)
    env = envfile.load_or_fail(ctx, app)
    lines = config_lines(env)
    url = service_url(ctx, store, service, app_scheme(env, store))
    alias = choose_alias(ctx, store, lines, options.get("a"))
    linked_as = keys_holding(lines, url)
    if linked_as:
        ctx.fail("Already linked as " + "\n".join(linked_as))

    write_links(ctx, store, service, linked_apps(ctx, store, service) + [app])
    set_docker_option(ctx, app, docker_link_option(store, service), True)
    querystring = options.get("q", "")
    if querystring.startswith("?"):
        querystring = querystring[1:]
    if querystring:
        url += "?" + querystring
    # config_set: the plugin runs `dokku config:set [--no-restart] APP ALIAS_URL=...`
    set_many(ctx, app, {alias + "_URL": url}, restart=not options.get("n"))
    if options.get("n"):
        ctx.verbose("Skipping restart of linked app")


def cmd_unlink(ctx, store, args):
    service, app = link_arguments(ctx, store, args)
    no_restart = bool(parse_options(ctx, args[2:], UNLINK_OPTIONS).get("n"))
    env = envfile.load_or_fail(ctx, app)
    linked_as = keys_holding(config_lines(env), service_url(ctx, store, service, app_scheme(env, store)))

    # the LINKS entry and the docker option go before the "Not linked" check
    write_links(ctx, store, service, [a for a in linked_apps(ctx, store, service) if a != app])
    set_docker_option(ctx, app, docker_link_option(store, service), False)
    if not linked_as:
        ctx.fail("Not linked to app %s" % app)
    unset_many(ctx, app, linked_as, restart=not no_restart)
    if no_restart:
        ctx.verbose("Skipping restart of linked app")


def cmd_linked(ctx, store, args):
    service, app = link_arguments(ctx, store, args)
    env = envfile.load_or_fail(ctx, app)
    if not keys_holding(config_lines(env), service_url(ctx, store, service, app_scheme(env, store))):
        ctx.fail("Service %s is not linked to %s" % (service, app))
    ctx.info1("Service %s is linked to %s" % (service, app))


def cmd_links(ctx, store, args):
    service = verify_service(ctx, store, arg(args, 0))
    for app in linked_apps(ctx, store, service):
        ctx.out(app)


def cmd_app_links(ctx, store, args):
    app = verify_app(ctx, arg(args, 0))
    for service in service_names(ctx, store):
        if app in linked_apps(ctx, store, service):
            ctx.out(service)


def forced(args):
    return arg(args, 1) in ("force", "-f", "--force")


def cmd_destroy(ctx, store, args):
    service = verify_service(ctx, store, arg(args, 0))
    if linked_apps(ctx, store, service):
        ctx.fail("Cannot delete linked service")
    if not (ctx.force or forced(args)):
        ctx.warn("WARNING: Potentially Destructive Action")
        ctx.warn("This command will destroy %s %s service." % (service, store.label))
        ctx.warn('To proceed, type "%s"' % service)
        ctx.out("")
        answer = ctx.read_stdin_line()
        if answer is None:  # `read` fails at EOF and set -e ends the script silently
            raise DokkuExit(1)
        if answer != service:
            ctx.fail("Confirmation did not match %s. Aborted." % service)
    ctx.info2("Deleting %s" % service)
    ctx.info2_quiet("Pausing container")
    ctx.verbose_quiet("Container paused")
    remove_path(cron_file(ctx, store, service))  # service_backup_unschedule
    ctx.verbose_quiet("Removing container")
    ctx.verbose_quiet("Removing data")
    remove_path(store.root(ctx, service))
    remove_path(ctx.libpath("config", store.prefix, service))
    ctx.info2("%s container deleted: %s" % (store.label, service))


def cmd_not_implemented(ctx, _store, _args):
    ctx.fail(NOT_IMPLEMENTED)


SUBCOMMANDS = (
    ("create", "write", cmd_create),
    ("exists", "read", cmd_exists),
    ("info", "read", cmd_info),
    ("list", "read", cmd_list),
    ("link", "write", cmd_link),
    ("unlink", "write", cmd_unlink),
    ("linked", "read", cmd_linked),
    ("links", "read", cmd_links),
    ("app-links", "read", cmd_app_links),
    ("destroy", "write", cmd_destroy),
)
# The plugins' other subcommands exist on a real host; the double refuses them loudly.
UNMODELLED = (
    "backup", "backup-set-public-key-encryption", "backup-unset-public-key-encryption", "clone",
    "enter", "logs", "pause", "promote", "restart", "set", "start", "stop",
)


def bind(store, handler):
    def run(ctx, args):
        handler(ctx, store, args)

    return run


def _register(store):
    for name, kind, handler in SUBCOMMANDS:
        func = bind(store, handler)
        if handler is cmd_destroy:
            func = reads_stdin(lambda args: not forced(args) and "--force" not in args)(func)
        command("%s:%s" % (store.prefix, name), kind=kind)(func)
    for name in UNMODELLED:
        command("%s:%s" % (store.prefix, name), kind="write")(bind(store, cmd_not_implemented))


from . import datastore_extras  # noqa: E402  pylint: disable=wrong-import-position

for _store in DATASTORES:
    _register(_store)
    datastore_extras.register(_store)


@trigger("pre-delete")
def unlink_destroyed_app(ctx, app):
    """The plugins' ``pre-delete`` trigger, run by ``apps:destroy`` (and the destroy of a rename).

    Each enabled datastore plugin (plugn runs them in name order) prints ``Unlinking from SVC``
    for *every* one of its services, linked to the app or not (``fn-services-list false``), and
    takes the app out of the service's LINKS file.
    """
    for store in sorted(DATASTORES, key=lambda store: store.prefix):
        if not plugin_enabled(ctx, store.prefix):
            continue
        for service in service_names(ctx, store):
            ctx.verbose_quiet("Unlinking from %s" % service)
            apps = linked_apps(ctx, store, service)
            if app in apps:
                write_links(ctx, store, service, [a for a in apps if a != app])


@trigger("post-app-rename")
def move_links_of_renamed_app(ctx, old, new):
    """``post-app-rename-setup``: the renamed app keeps its services linked under its new name."""
    for store in DATASTORES:
        if not plugin_enabled(ctx, store.prefix):
            continue
        for service in service_names(ctx, store):
            apps = linked_apps(ctx, store, service)
            if old in apps:
                write_links(ctx, store, service, [new if a == old else a for a in apps])
