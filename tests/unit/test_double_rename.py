"""The double keeps service links across apps:rename, like dokku-postgres' rename hook."""

from replay import Host  # pylint: disable=import-error
from dokku_double import cli  # pylint: disable=import-error


def test_rename_moves_service_links(tmp_path):
    host = Host(str(tmp_path))

    def dokku(*args):
        rc, out, err = cli.run(list(args), env=host.env, stdin_data="")
        assert rc == 0, (args, out, err)
        return out

    dokku("apps:create", "old")
    dokku("postgres:create", "db")
    dokku("--quiet", "postgres:link", "db", "old")
    dokku("apps:rename", "old", "new")
    assert dokku("postgres:links", "db") == "new\n"
    assert "DATABASE_URL" in dokku("config:keys", "new")
