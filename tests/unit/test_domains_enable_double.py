"""The first domain added to an app whose vhosts are disabled: Dokku enables them with --no-restart,
which rebuilds nginx once for the enable and once more for the add (plugins/domains/functions)."""


def test_adding_a_domain_to_a_vhost_disabled_app_rebuilds_nginx_twice(dokku):
    assert dokku("domains:set-global", "example.com")[0] == 0
    assert dokku("domains:disable", "web")[0] == 0
    rc, out, err = dokku("domains:add", "web", "www.example.org")
    assert rc == 0, err
    assert out.startswith("-----> Added www.example.org to web\n")
    assert out.count("Creating http nginx.conf") == 2 and out.count("Reloading nginx") == 2
    # domains_enable wrote the default domains over the file after the add
    assert (dokku.home / "web" / "VHOST").read_text() == "web.example.com\n"


def test_enabling_by_hand_prints_nothing(dokku):
    assert dokku("domains:disable", "web")[0] == 0
    assert dokku("domains:enable", "web")[:2] == (0, "")
