"""The double's datastore commands beyond create/link, and apps:destroy with services.

``apps:destroy`` runs every datastore plugin's ``pre-delete`` trigger right after
``Destroying APP``: dokku-postgres 1.48.0 prints ``Unlinking from SVC`` for every one of its
services (``fn-services-list false``: linked to the app or not) and takes the app out of the
LINKS file.  No transcript shows it (the captures destroyed apps only once no service was
left), so this pins what the plugin's ``pre-delete`` and Dokku's ``destroyApp`` print.
"""

import json
import os

import pytest
from dokku_double import cli  # pylint: disable=import-error
from dokku_double.admin import init_state  # pylint: disable=import-error


@pytest.fixture
def dokku(tmp_path):
    """A fresh double with the postgres plugin and the app ``web``."""
    env = dict(os.environ, DOKKU_ROOT=str(tmp_path / "home"), DOKKU_LIB_ROOT=str(tmp_path / "lib"),
               DOKKU_DOUBLE_DIR=str(tmp_path / "double"))
    init_state(env=env, plugins=("postgres",))

    def run(*args, stdin=None):
        return cli.run(list(args), env=env, stdin_data=stdin)

    run.home, run.lib = tmp_path / "home", tmp_path / "lib"
    assert run("apps:create", "web")[0] == 0
    return run


def ok(dokku, *args, stdin=None):
    rc, out, err = dokku(*args, stdin=stdin)
    assert rc == 0, (args, rc, out, err)
    return out


def test_destroying_an_app_prints_the_unlink_lines_of_every_service(dokku):
    ok(dokku, "postgres:create", "db1")
    ok(dokku, "postgres:create", "db2")
    ok(dokku, "--quiet", "postgres:link", "db1", "web", "--no-restart")
    rc, out, err = dokku("apps:destroy", "web", "--force")
    assert (rc, err) == (0, "")
    assert out == (
        "-----> Destroying web (including all add-ons)\n"
        "       Unlinking from db1\n"
        "       Unlinking from db2\n"
        "-----> Cleaning up...\n"
        "-----> Retiring old containers and images\n"
    )
    assert ok(dokku, "postgres:links", "db1") == ""
    assert ok(dokku, "postgres:destroy", "db1", "--force").endswith("Postgres container deleted: db1\n")


def test_the_unlink_lines_are_quiet_output_and_absent_without_services(dokku):
    ok(dokku, "postgres:create", "db1")
    assert ok(dokku, "--quiet", "apps:destroy", "web", "--force") == (
        "-----> Destroying web (including all add-ons)\n-----> Cleaning up...\n"
        "-----> Retiring old containers and images\n")
    ok(dokku, "apps:create", "other")
    ok(dokku, "postgres:destroy", "db1", "--force")
    assert "Unlinking" not in ok(dokku, "apps:destroy", "other", "--force")


def test_export_import_connect_round_trip(dokku):
    ok(dokku, "postgres:create", "src")
    ok(dokku, "postgres:create", "dst")
    out = ok(dokku, "postgres:connect", "src",
             stdin="CREATE TABLE users (id int, name text);\nINSERT INTO users VALUES (1, 'a;b'), (2, 'c');\n")
    assert out == "CREATE TABLE\nINSERT 0 2\n"
    count = "SELECT count(*) FROM users;\n"
    assert ok(dokku, "postgres:connect", "src", stdin=count) == " count \n-------\n     2\n(1 row)\n\n"
    dump = ok(dokku, "postgres:export", "src")
    rc, _out, err = dokku("postgres:connect", "dst", stdin=count)
    assert rc == 3 and err.startswith('psql:<stdin>:1: ERROR:  relation "users" does not exist\n')
    assert ok(dokku, "postgres:import", "dst", stdin=dump) == ""
    assert ok(dokku, "postgres:connect", "dst", stdin=count) == ok(dokku, "postgres:connect", "src", stdin=count)
    rc, _out, err = dokku("postgres:import", "dst", stdin="garbage")
    assert rc == 1 and "does not appear to be a valid archive" in err


def test_backup_settings_are_the_plugin_files(dokku):
    ok(dokku, "postgres:create", "db")
    ok(dokku, "postgres:backup-auth", "db", "KEYID", "SECRET", "eu-west-1")
    assert sorted(p.name for p in (dokku.lib / "services" / "postgres" / "db" / "backup").iterdir()) == [
        "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_SECRET_ACCESS_KEY"]
    rc, _out, err = dokku("postgres:backup-auth", "db", "KEYID", "SECRET")
    assert rc == 1 and "File exists" in err  # mkdir without -p
    ok(dokku, "postgres:backup-schedule", "db", "not a cron", "bucket")  # Dokku does not validate
    assert ok(dokku, "postgres:backup-schedule-cat", "db") == (
        "not a cron dokku /usr/local/bin/dokku postgres:backup db bucket \n")
    rc, _out, err = dokku("postgres:backup-unset-encryption", "db")
    assert rc == 1 and "No such file or directory" in err  # rm without -f
    ok(dokku, "postgres:destroy", "db", "--force")
    ok(dokku, "postgres:create", "db")
    assert dokku("postgres:backup-schedule-cat", "db")[0] == 1  # destroy unschedules


def test_expose_needs_every_port_of_the_datastore(dokku):
    from dokku_double.core import Ctx, write_plugin  # pylint: disable=import-outside-toplevel,import-error

    ctx = Ctx(env=dict(DOKKU_ROOT=str(dokku.home), DOKKU_LIB_ROOT=str(dokku.lib)))
    write_plugin(ctx, "mongo", "1.40.6", "dokku mongo service plugin")
    ok(dokku, "mongo:create", "m")
    rc, _out, err = dokku("mongo:expose", "m", "1234")
    assert rc == 1 and "4 ports to be exposed need to be provided in the following order: 27017 27018 27019 28017" in err
    ok(dokku, "mongo:expose", "m", "1", "2", "3", "4")
    assert ok(dokku, "mongo:info", "m", "--exposed-ports") == "27017->1 27018->2 27019->3 28017->4 \n"


def test_upgrade_rewrites_custom_env_and_keeps_the_data(dokku):
    ok(dokku, "postgres:create", "db", "--custom-env", "A=1")
    ok(dokku, "postgres:connect", "db", stdin="CREATE TABLE t (x int);")
    assert "Service db already running postgres:18.4" in ok(dokku, "postgres:upgrade", "db")
    out = ok(dokku, "postgres:upgrade", "db", "--image-version", "18.5")
    assert out.startswith("=====> Upgrading db to postgres:18.5\n") and out.endswith("=====> Done\n")
    assert (dokku.lib / "services" / "postgres" / "db" / "ENV").read_text() == "\n"  # service_commit_config
    assert json.loads((dokku.lib / "services" / "postgres" / "db" / "data" / "DOUBLE_TABLES.json").read_text())
