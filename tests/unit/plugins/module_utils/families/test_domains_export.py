"""The domains family's export writes an entry dokku_apps accepts."""

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get


def test_vhost_less_app_exports_only_vhosts_enabled_false():
    family = get("domains")
    exported = family.export({"domains": [], "vhosts_enabled": False}, "web", None)
    assert exported == {"vhosts_enabled": False}
    # and what it exports, the family accepts back (domains with vhosts_enabled false is refused)
    desired = family.desired(exported)
    assert family.validate(desired, "web")[1] is None


def test_app_with_domains_exports_them_sorted():
    family = get("domains")
    assert family.export({"domains": ["b.example.com", "a.example.com"], "vhosts_enabled": True}, "web", None) == {
        "domains": ["a.example.com", "b.example.com"]}


def test_an_entry_with_both_is_refused():
    family = get("domains")
    error = family.validate(family.desired({"domains": [], "vhosts_enabled": False}), "web")[1]
    assert error and "vhosts_enabled" in error
