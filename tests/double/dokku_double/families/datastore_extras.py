"""Datastore services beyond create/link: expose, backups, export/import/connect, upgrade.

Checked byte for byte against ``transcripts/postgres-extras.json`` (dokku-postgres 1.48.0):
expose/unexpose, backup-auth/-deauth, backup-schedule/-cat/-unschedule,
backup-set/unset-encryption, export, import from stdin, upgrade.  Where the transcript has no
step, the behaviour follows the plugin's ``common-functions``/``functions`` and is marked
*reconstructed* below.

There is no docker and no database server.  A service's data is modelled as a few tables in
``data/DOUBLE_TABLES.json``:

* ``<type>:connect`` reads statements on stdin like ``psql -v ON_ERROR_STOP=1`` (a tiny subset:
  CREATE TABLE, INSERT INTO ... VALUES, SELECT count(*) FROM, DELETE FROM, DROP TABLE) and
  answers in psql's aligned format (reconstructed);
* ``<type>:export`` prints a dump of those tables (the double's own format, not pg_dump's);
* ``<type>:import`` restores such a dump like ``pg_restore -c --if-exists``: the tables of the
  dump replace tables of the same name.  The literal transcript placeholder ``<DUMP>`` stands for
  the captured dump of a database without user tables (the replay feeds it to import).

The other datastore types share this model (their real tools differ: redis-cli, mysql, ...).
"""

import json
import os
import random
import re
import secrets

from ..core import DokkuExit, command, read_file, remove_path, reads_stdin, write_file
from . import postgres as pg

# `which dokku` on the capture host (the plugin writes it into the backup cron line)
DOKKU_BIN = "/usr/local/bin/dokku"
DUMP_HEADER = "DOKKU-DOUBLE-DUMP 1\n"
TRANSCRIPT_DUMP = "<DUMP>"  # the placeholder of a captured dump (a database without user tables)
UPGRADE_OPTIONS = "cCiINmpPSsrRn"
PSQL_ERROR_RC = 3  # psql with ON_ERROR_STOP=1 after an SQL error


def arg(args, index):
    return args[index] if len(args) > index else ""


def require(ctx, value, message):
    if not value:
        ctx.fail(message)


# ---------------------------------------------------------------------------
# expose / unexpose (service_port_expose, service_port_unexpose)
# ---------------------------------------------------------------------------
def cmd_expose(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    ports = " ".join(args[1:]).split()
    if not ports:  # get_random_ports (reconstructed: bash $RANDOM, then the first free port)
        ports = [str(random.randint(1024, 32767)) for _port in store.ports]
    if len(ports) != len(store.ports):
        ctx.fail("%d ports to be exposed need to be provided in the following order: %s"
                 % (len(store.ports), " ".join(str(port) for port in store.ports)))
    port_file = read_file(store.root(ctx, service, "PORT"))
    if port_file and port_file.strip():
        ctx.fail("Service %s already exposed on port(s) %s" % (service, " ".join(port_file.split())))
    write_file(store.root(ctx, service, "PORT"), " ".join(ports) + "\n")
    ctx.info1("Service %s exposed on port(s) [container->host]: %s" % (service, pg.exposed_ports(store, " ".join(ports))))


def cmd_unexpose(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    remove_path(store.root(ctx, service, "PORT"))
    ctx.info1("Service %s unexposed" % service)


# ---------------------------------------------------------------------------
# Backups: files under SVC/backup and SVC/backup-encryption, a cron file per service
# ---------------------------------------------------------------------------
def cmd_backup_auth(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    require(ctx, arg(args, 1), "Please specify an aws access key id")
    require(ctx, arg(args, 2), "Please specify an aws secret access key")
    pg.verify_service(ctx, store, service)
    root = store.root(ctx, service, "backup")
    if os.path.exists(root):  # `mkdir` without -p under set -e (reconstructed)
        ctx.err("mkdir: cannot create directory '%s': File exists" % root)
        raise DokkuExit(1)
    os.makedirs(root)
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_SIGNATURE_VERSION", "ENDPOINT_URL")
    for index, name in enumerate(names):
        value = arg(args, index + 1)
        if value or index < 2:
            write_file(os.path.join(root, name), value + "\n")


def cmd_backup_deauth(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    remove_path(store.root(ctx, service, "backup"))


def cmd_backup_schedule(ctx, store, args):
    service, schedule, bucket, flag = arg(args, 0), arg(args, 1), arg(args, 2), arg(args, 3)
    require(ctx, service, "Please specify a valid name for the service")
    require(ctx, schedule, "Please specify a schedule for the backup")
    require(ctx, bucket, "Please specify an aws bucket for the backup")
    pg.verify_service(ctx, store, service)
    if flag and flag not in ("--use-iam", "-u"):
        ctx.fail("Invalid flag provided, only '--use-iam' allowed")
    # real Dokku writes whatever it is given: "not a cron" is accepted with rc 0
    write_file(pg.cron_file(ctx, store, service), "%s dokku %s %s:backup %s %s %s\n"
               % (schedule, DOKKU_BIN, store.prefix, service, bucket, flag))


def cmd_backup_schedule_cat(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    content = read_file(pg.cron_file(ctx, store, service))
    if content is None:
        ctx.fail("There is no scheduled backup for %s." % service)
    ctx.out(content, nl=False)


def cmd_backup_unschedule(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    remove_path(pg.cron_file(ctx, store, service))


def cmd_backup_set_encryption(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    require(ctx, arg(args, 1), "Please specify a GPG backup passphrase")
    pg.verify_service(ctx, store, service)
    write_file(store.root(ctx, service, "backup-encryption", "ENCRYPTION_KEY"), arg(args, 1) + "\n")


def cmd_backup_unset_encryption(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    path = store.root(ctx, service, "backup-encryption", "ENCRYPTION_KEY")
    if not os.path.exists(path):  # `rm` without -f (reconstructed)
        ctx.err("rm: cannot remove '%s': No such file or directory"
                % (store.root(ctx, service, "backup-encryption") + "//ENCRYPTION_KEY"))
        raise DokkuExit(1)
    os.unlink(path)


# ---------------------------------------------------------------------------
# Data: export, import, connect
# ---------------------------------------------------------------------------
def tables_path(ctx, store, service):
    return store.root(ctx, service, "data", "DOUBLE_TABLES.json")


def load_tables(ctx, store, service):
    return json.loads(read_file(tables_path(ctx, store, service)) or "{}")


def save_tables(ctx, store, service, tables):
    write_file(tables_path(ctx, store, service), json.dumps(tables, sort_keys=True))


def cmd_export(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    ctx.out(DUMP_HEADER + json.dumps(load_tables(ctx, store, service), sort_keys=True) + "\n", nl=False)


def cmd_import(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    data = ctx.stdin_data or ""  # a pipe or a file redirected in (`[[ -t 0 ]]` is the only check)
    if data == TRANSCRIPT_DUMP:
        return
    if not data.startswith(DUMP_HEADER):  # pg_restore's answers (reconstructed)
        if len(data.encode("utf-8", "surrogateescape")) < 5:
            ctx.err("pg_restore: error: input file is too short (read %d, expected 5)" % len(data))
        else:
            ctx.err("pg_restore: error: input file does not appear to be a valid archive")
        raise DokkuExit(1)
    try:
        restored = json.loads(data[len(DUMP_HEADER):])
    except ValueError:
        ctx.err("pg_restore: error: could not read from input file: end of file")
        raise DokkuExit(1) from None
    tables = load_tables(ctx, store, service)
    tables.update(restored)
    save_tables(ctx, store, service, tables)


# -- the psql subset of connect (reconstructed) ------------------------------
def split_statements(text):
    """Statements separated by ``;`` outside single quotes: ``[(line number, statement)]``."""
    statements, current, quoted, line, start_line = [], [], False, 1, None
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            statement = "".join(current).strip()
            if statement:
                statements.append((start_line or line, statement))
            current, start_line = [], None
            continue
        if start_line is None and not char.isspace():
            start_line = line
        if char == "\n":
            line += 1
        current.append(char)
    statement = "".join(current).strip()
    if statement:
        statements.append((start_line or line, statement))
    return statements


def split_values(text):
    """``(a, 'b'), (c, 'd')`` -> ``[["a", "b"], ["c", "d"]]``."""
    rows, row, value, quoted, depth = [], [], [], False, 0
    for char in text:
        if char == "'":
            quoted = not quoted
            value.append(char)
        elif quoted:
            value.append(char)
        elif char == "(":
            depth += 1
            row, value = [], []
        elif char == ")":
            depth -= 1
            row.append("".join(value).strip())
            rows.append(row)
        elif char == "," and depth:
            row.append("".join(value).strip())
            value = []
        elif depth:
            value.append(char)
    return rows


def psql_table(name, values, numeric=True):
    """psql's aligned output of one column."""
    width = max([len(name)] + [len(value) for value in values])
    lines = [" " + name.center(width) + " ", "-" * (width + 2)]
    for value in values:
        lines.append(" " + (value.rjust(width) if numeric else value.ljust(width).rstrip()))
    lines.append("(%d row%s)" % (len(values), "" if len(values) == 1 else "s"))
    return "\n".join(lines) + "\n\n"


class PsqlError(Exception):
    def __init__(self, message, statement=None, position=None):
        super().__init__(message)
        self.message = message
        self.statement = statement
        self.position = position


def missing_relation(statement, name):
    return PsqlError('relation "%s" does not exist' % name, statement, statement.lower().find(name.lower()))


def run_statement(tables, statement):
    """One statement against the tables: psql's output, or PsqlError."""
    words = statement.split()
    head = " ".join(words[:2]).upper()
    match = re.match(r"(?is)^create\s+table\s+(\w+)\s*\((.*)\)$", statement)
    if match:
        name = match.group(1).lower()
        if name in tables:
            raise PsqlError('relation "%s" already exists' % name)
        tables[name] = {"columns": [col.split()[0] for col in match.group(2).split(",") if col.strip()], "rows": []}
        return "CREATE TABLE\n"
    match = re.match(r"(?is)^insert\s+into\s+(\w+)\s*(\([^)]*\))?\s*values\s*(.*)$", statement)
    if match:
        name = match.group(1).lower()
        if name not in tables:
            raise missing_relation(statement, name)
        rows = split_values(match.group(3))
        tables[name]["rows"].extend(rows)
        return "INSERT 0 %d\n" % len(rows)
    match = re.match(r"(?is)^select\s+count\(\*\)\s+from\s+(\w+)$", statement)
    if match:
        name = match.group(1).lower()
        if name not in tables:
            raise missing_relation(statement, name)
        return psql_table("count", [str(len(tables[name]["rows"]))])
    match = re.match(r"(?is)^delete\s+from\s+(\w+)$", statement)
    if match:
        name = match.group(1).lower()
        if name not in tables:
            raise missing_relation(statement, name)
        count = len(tables[name]["rows"])
        tables[name]["rows"] = []
        return "DELETE %d\n" % count
    match = re.match(r"(?is)^drop\s+table\s+(\w+)$", statement)
    if match:
        name = match.group(1).lower()
        if name not in tables:
            raise PsqlError('table "%s" does not exist' % name)
        del tables[name]
        return "DROP TABLE\n"
    raise NotImplementedError(head)


def cmd_connect(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    text = ctx.stdin_data or ""
    tables = load_tables(ctx, store, service)
    rc = 0
    for line, statement in split_statements(text):
        try:
            ctx.out(run_statement(tables, statement), nl=False)
        except NotImplementedError:
            save_tables(ctx, store, service, tables)
            ctx.fail("Not implemented in test double: %s:connect statement %r" % (store.prefix, statement[:60]))
        except PsqlError as exc:
            ctx.err("psql:<stdin>:%d: ERROR:  %s" % (line, exc.message))
            if exc.statement is not None and exc.position is not None and exc.position >= 0:
                first = exc.statement.split("\n", 1)[0]
                ctx.err("LINE 1: " + first)
                ctx.err(" " * (len("LINE 1: ") + exc.position) + "^")
            rc = PSQL_ERROR_RC
            break
    save_tables(ctx, store, service, tables)
    if rc:
        raise DokkuExit(rc)


# ---------------------------------------------------------------------------
# upgrade (service-upgrade-cmd; output as in the transcript)
# ---------------------------------------------------------------------------
def commit_config(ctx, store, service, options):
    """``service_commit_config``: ENV and CONFIG_OPTIONS are rewritten from the flags (or emptied)."""
    root = store.root(ctx, service)
    env = ctx.env
    custom_env = options.get("C") or env.get(store.variable + "_CUSTOM_ENV", "")
    write_file(os.path.join(root, "ENV"), custom_env.replace(";", "\n") + "\n")
    config_options = options.get("c") or env.get(store.variable + "_CONFIG_OPTIONS", "")
    write_file(os.path.join(root, "CONFIG_OPTIONS"), config_options + "\n")
    for letter, name in (("m", "SERVICE_MEMORY"), ("s", "SHM_SIZE")):
        if options.get(letter):
            write_file(os.path.join(root, name), options[letter] + "\n")
    for letter, name in zip("NPS", pg.NETWORK_PROPERTIES):
        if options.get(letter):
            write_file(ctx.libpath("config", store.prefix, service, name), options[letter] + "\n")


def cmd_upgrade(ctx, store, args):
    service = arg(args, 0)
    require(ctx, service, "Please specify a valid name for the service")
    pg.verify_service(ctx, store, service)
    options = pg.parse_options(ctx, args[1:], UPGRADE_OPTIONS)
    # PLUGIN_IMAGE/PLUGIN_IMAGE_VERSION: the flags, else the plugin's defaults (not the service's files)
    image = options.get("i") or ctx.env.get(store.variable + "_IMAGE") or store.image
    version = options.get("I") or ctx.env.get(store.variable + "_IMAGE_VERSION") or store.image_version
    wanted = "%s:%s" % (image, version)
    if pg.info_rows(ctx, store, service)["--version"] == wanted:
        ctx.info1("Service %s already running %s" % (service, wanted))
        return
    if options.get("R") == "true":
        pg.not_implemented_option(ctx, "--restart-apps true")
    commit_config(ctx, store, service, options)
    write_file(store.root(ctx, service, "IMAGE"), image + "\n")
    write_file(store.root(ctx, service, "IMAGE_VERSION"), version + "\n")
    ctx.info2("Upgrading %s to %s" % (service, wanted))
    ctx.info2("Stopping %s" % service)
    ctx.info2_quiet("Pausing container")
    ctx.verbose_quiet("Container paused")
    ctx.verbose_quiet("Removing container")
    ctx.info2_quiet("Starting container")
    write_file(store.root(ctx, service, "ID"), secrets.token_hex(32))
    pg.container_created(ctx, store, service, upgrade=True)
    ctx.info2("Done")


SUBCOMMANDS = (
    ("expose", "write", cmd_expose),
    ("unexpose", "write", cmd_unexpose),
    ("backup-auth", "write", cmd_backup_auth),
    ("backup-deauth", "write", cmd_backup_deauth),
    ("backup-schedule", "write", cmd_backup_schedule),
    ("backup-schedule-cat", "read", cmd_backup_schedule_cat),
    ("backup-unschedule", "write", cmd_backup_unschedule),
    ("backup-set-encryption", "write", cmd_backup_set_encryption),
    ("backup-unset-encryption", "write", cmd_backup_unset_encryption),
    ("export", "read", cmd_export),
    ("import", "write", cmd_import),
    ("connect", "write", cmd_connect),  # the statements may change data
    ("upgrade", "write", cmd_upgrade),
)
STDIN_COMMANDS = ("import", "connect")


def register(store):
    for name, kind, handler in SUBCOMMANDS:
        func = pg.bind(store, handler)
        if name in STDIN_COMMANDS:
            func = reads_stdin(True)(func)
        command("%s:%s" % (store.prefix, name), kind=kind)(func)
