"""Every family's planner, pure: a desired state and a current state in, writes and values out.

No double and no Ansible run: ``plan(scope, desired, current)`` only computes.  The module and
playbook tests prove the reads and the writes against the double; these prove the decisions.
"""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get, entry_options, FAMILIES
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import item


class Plain:
    """A marker that shows values as they are (the real one hides them behind an HMAC)."""

    @staticmethod
    def mask(values):
        return dict(values)


def argvs(plan):
    return plan.argvs()


# --------------------------------------------------------------------- apps
@pytest.mark.parametrize("state, exists, create, expected", [
    ("present", False, True, [["dokku", "apps:create", "web"]]),
    ("present", True, True, []),
    ("absent", True, True, [["dokku", "--force", "apps:destroy", "web"]]),
    ("absent", False, True, []),
    ("present", False, False, []),
])
def test_apps(state, exists, create, expected):
    plan = get("apps").plan("web", {"state": state, "allow_destroy": True, "create": create}, exists)
    assert argvs(plan) == expected
    assert plan.before == {"state": "present" if exists else "absent"} and plan.after == {"state": state}
    assert bool(plan.missing) == (state == "present" and not exists and not create)


def test_apps_refuses_a_destroy_without_opt_in():
    desired, error = get("apps").validate({"state": "absent", "allow_destroy": False}, "web")
    assert desired is None and "allow_destroy=true" in error


# ------------------------------------------------------------------- config
def config_plan(current, config, exclusive=False, scope="web"):
    return get("config").plan(scope, {"config": config, "exclusive": exclusive},
                              {"values": current, "marker": Plain()})


def test_config_sets_changed_keys_in_one_import_on_stdin():
    plan = config_plan({"A": "1", "B": "old"}, {"A": "1", "B": "new", "C": "007"})
    assert [w.args for w in plan.writes] == [["config:import", "--no-restart", "--format", "json", "web", "-"]]
    assert plan.writes[0].data == '{"B": "new", "C": "007"}'
    assert plan.after == {"config": {"A": "1", "B": "new", "C": "7"}} and plan.restart


def test_config_exclusive_keeps_dokku_and_link_keys():
    current = {"OLD": "x", "NO_VHOST": "1", "DOKKU_PROXY_PORT": "80",
               "DATABASE_URL": "postgres://postgres:pw@dokku-postgres-db:5432/db"}
    plan = config_plan(current, {}, exclusive=True)
    assert argvs(plan) == [["dokku", "config:unset", "--no-restart", "web", "OLD"]]


def test_config_in_place_writes_nothing_and_needs_no_restart():
    plan = config_plan({"N": "7"}, {"N": "007"}, scope=GLOBAL)
    assert argvs(plan) == [] and not plan.restart


# ------------------------------------------------------------------ domains
def domains_plan(desired, current, enabled=True, vhosts_enabled=None, mode="exact", global_vhosts=()):
    return get("domains").plan("web", {"domains": desired, "vhosts_enabled": vhosts_enabled, "mode": mode},
                               {"domains": current, "enabled": enabled, "global_vhosts": lambda: list(global_vhosts)})


def test_domains_exact_set_is_one_write():
    plan = domains_plan(["a.example.com", "b.example.com"], ["a.example.com"])
    assert argvs(plan) == [["dokku", "domains:set", "web", "a.example.com", "b.example.com"]] and plan.restart


def test_domains_compare_lower_cased():
    assert argvs(domains_plan(["a.example.com"], ["A.Example.com"])) == []


def test_domains_enable_first_when_vhosts_are_off():
    plan = domains_plan(["a.example.com"], [], enabled=False)
    assert argvs(plan) == [["dokku", "domains:enable", "web"], ["dokku", "domains:set", "web", "a.example.com"]]
    assert plan.after["vhosts_enabled"] is True


def test_domains_disable():
    plan = domains_plan(None, ["a.example.com"], vhosts_enabled=False)
    assert argvs(plan) == [["dokku", "domains:disable", "web"]] and plan.after == {"domains": [], "vhosts_enabled": False}


def test_domains_removal_that_sed_would_widen_becomes_a_set():
    # sed reads the dot of a.b.com as any character: removing it would take axb.com along
    plan = domains_plan(["a.b.com"], ["a.b.com", "axb.com"], mode="absent")
    assert argvs(plan) == [["dokku", "domains:set", "web", "axb.com"]]
    plan = domains_plan(["a.b.com"], ["a.b.com", "other.com"], mode="absent")
    assert argvs(plan) == [["dokku", "domains:remove", "web", "a.b.com"]]


def test_global_domains():
    plan = get("domains").plan(GLOBAL, {"domains": ["example.com"], "mode": "exact"}, {"domains": ["old.com"]})
    assert argvs(plan) == [["dokku", "domains:set-global", "example.com"]]


# -------------------------------------------------------------------- ports
@pytest.mark.parametrize("mode, current, wanted, expected", [
    ("exact", [], ["http:80:5000"], [["dokku", "ports:set", "web", "http:80:5000"]]),
    ("exact", ["http:80:5000"], ["http:80:5000"], []),
    ("exact", ["http:80:5000"], [], [["dokku", "ports:clear", "web"]]),
    ("present", ["http:80:5000"], ["https:443:5000"], [["dokku", "ports:set", "web", "http:80:5000", "https:443:5000"]]),
    ("absent", ["http:80:5000", "https:443:5000"], ["http:80:5000"], [["dokku", "ports:set", "web", "https:443:5000"]]),
])
def test_ports(mode, current, wanted, expected):
    assert argvs(get("ports").plan("web", {"mappings": wanted, "mode": mode}, current)) == expected


# ----------------------------------------------------------------- services
SERVICE = {"name": "db", "type": "postgres", "state": "present", "allow_destroy": False, "link": True, "alias": None,
           "querystring": None, "image": None, "image_version": None, "password": None, "custom_env": None,
           "config_options": None}
URL = "postgres://postgres:pw@dokku-postgres-db:5432/db"


def facts(exists, keys=(), image=None, blocking=(), config=None):
    return {"exists": exists, "keys": list(keys), "image": image, "blocking": list(blocking), "config": config or {}}


def test_services_create_then_link():
    plan = get("services").plan("web", [item(SERVICE, "present", True)], [facts(False)])
    assert argvs(plan) == [["dokku", "postgres:create", "db"],
                           ["dokku", "--quiet", "postgres:link", "db", "web", "--no-restart"]]
    assert plan.before == {"services": {"postgres": {"db": {"state": "absent", "linked": False}}}}
    assert plan.after == {"services": {"postgres": {"db": {"state": "present", "linked": True}}}}


def test_services_linked_is_read_from_the_config():
    plan = get("services").plan("web", [item(SERVICE, "present", True)],
                                [facts(True, keys=["DATABASE_URL"], config={"DATABASE_URL": URL})])
    assert argvs(plan) == [] and not plan.restart


def test_services_unlink_then_destroy_unless_another_app_is_linked():
    desired = [item(dict(SERVICE, state="absent", allow_destroy=True), "absent", False)]
    plan = get("services").plan("web", desired, [facts(True, keys=["DATABASE_URL"])])
    assert argvs(plan) == [["dokku", "postgres:unlink", "db", "web", "--no-restart"],
                           ["dokku", "postgres:destroy", "db", "--force"]]
    blocked = get("services").plan("web", desired, [facts(True, keys=["DATABASE_URL"], blocking=["api"])])
    assert "still linked to api" in blocked.error


def test_services_custom_env_is_masked_whole():
    service = dict(SERVICE, custom_env={"B": "2", "A": "1"}, password="pw")
    plan = get("services").plan(GLOBAL, [item(service, "present", None, report_image=True)], [facts(False)])
    assert argvs(plan) == [["dokku", "postgres:create", "db", "--password", "pw", "--custom-env", "A=1;B=2"]]
    assert plan.secrets == ["A=1;B=2"]
    assert plan.after == {"services": {"postgres": {"db": {"state": "present", "image": None}}}}


def test_services_other_image_is_a_warning_not_a_write():
    service = dict(SERVICE, image_version="17.6")
    plan = get("services").plan(GLOBAL, [item(service, "present", None, report_image=True)],
                                [facts(True, image="postgres:18.4")])
    assert argvs(plan) == [] and "postgres:upgrade" in plan.warnings[0]


# -------------------------------------------------------------- letsencrypt
def test_letsencrypt_enable_and_settings():
    le = get("letsencrypt")
    plan = le.plan("web", {"enabled": True, "email": "a@example.com"}, {"enabled": False, "email": "", "server": ""})
    assert argvs(plan) == [["dokku", "letsencrypt:set", "web", "email", "a@example.com"],
                           ["dokku", "letsencrypt:enable", "web"]]
    plan = le.plan(GLOBAL, {"server": "default", "cron_job": False}, {"server": "staging", "cron_job": True})
    assert argvs(plan) == [["dokku", "letsencrypt:set", "--global", "server"],
                           ["dokku", "letsencrypt:cron-job", "--remove"]]
    assert plan.writes[1].fail_on_error is False


# ----------------------------------------------------------------- ssh keys
def test_ssh_keys_replace_a_changed_key_and_remove_unlisted_ones():
    desired = {"keys": {"admin": ("ssh-ed25519 AAAA admin", "SHA256:new")}, "remove": None, "exclusive": True}
    plan = get("ssh_keys").plan(GLOBAL, desired, [("admin", "SHA256:old"), ("other", "SHA256:x")])
    assert argvs(plan) == [["dokku", "ssh-keys:remove", "admin"], ["dokku", "ssh-keys:remove", "other"],
                           ["dokku", "ssh-keys:add", "admin"]]
    assert plan.writes[2].data == "ssh-ed25519 AAAA admin\n"
    assert plan.after == {"ssh_keys": {"admin": "SHA256:new"}}


def test_ssh_keys_refuse_a_removal_that_takes_another_key_along():
    desired = {"keys": {}, "remove": "a.b", "exclusive": False}
    plan = get("ssh_keys").plan(GLOBAL, desired, [("a.b", "SHA256:1"), ("axb", "SHA256:2")])
    assert "would also remove 'axb'" in plan.error


# ------------------------------------------------------------------ plugins
def test_plugins_install_pin_and_refuse_core():
    plugins = get("plugins")
    desired = {"name": "postgres", "url": "https://github.com/dokku/dokku-postgres.git", "committish": "1.48.0",
               "state": "present", "enabled": True}
    plan = plugins.plan(GLOBAL, desired, {"entry": None, "pinned": ""})
    assert argvs(plan) == [["dokku", "plugin:install", desired["url"], "--committish", "1.48.0", "--name", "postgres"]]
    entry = {"name": "postgres", "enabled": True, "source_url": desired["url"], "committish": "abc"}
    plan = plugins.plan(GLOBAL, desired, {"entry": entry, "pinned": "1.47.0"})
    assert argvs(plan) == [["dokku", "plugin:update", "postgres", "1.48.0"]]
    plan = plugins.plan(GLOBAL, dict(desired, name="apps"), {"entry": {"name": "apps", "core": True}, "pinned": ""})
    assert "core Dokku plugin" in plan.error


# ------------------------------------------------------------------- deploy
def test_deploy_git_and_image():
    deploy = get("deploy")
    sha = "a" * 40
    desired = {"repository": "https://example.com/r.git", "ref": "main", "auth_username": None, "auth_password": None}
    plan = deploy.plan("web", desired, {"source": ("", ""), "netrc": None, "commit": sha})
    assert argvs(plan) == [["dokku", "git:sync", "--build", "web", "https://example.com/r.git", sha]]
    same = deploy.plan("web", desired, {"source": ("git-sync", "https://example.com/r.git#" + sha), "netrc": None,
                                        "commit": sha})
    assert argvs(same) == []
    image = deploy.plan("web", {"image": "nginx:1.27"}, {"image": "nginx:1.26"})
    assert argvs(image) == [["dokku", "git:from-image", "web", "nginx:1.27"]]


# ----------------------------------------------------------------------- ps
def test_ps_scale_exactly_and_keep_actions_out_of_the_value():
    ps = get("ps")
    current = {"deployed": True, "running": "true", "can_scale": True, "restart_policy": "", "scale": {"web": 1, "worker": 1}}
    plan = ps.plan("web", {"scale": {"web": 2}, "state": "restarted", "restart_policy": None}, current)
    assert argvs(plan) == [["dokku", "ps:scale", "--skip-deploy", "web", "web=2", "worker=0"], ["dokku", "ps:restart", "web"]]
    assert "state" not in plan.after["ps"] and plan.action == ("started", "restarted")


# ------------------------------------------------------------- the registry
def test_every_family_is_registered_once_with_a_unique_name_and_entry_options():
    names = [family.name for family in FAMILIES]
    assert len(names) == len(set(names))
    assert {"name", "state", "config", "domains", "ports", "services", "deploy", "letsencrypt"} <= set(entry_options())


def test_every_family_classifies_its_values_for_the_drift_report():
    for family in FAMILIES:
        resource, field = family.classify("app:web", (family.name, "x", "y", "z"))
        assert resource["type"] and field, family.name
