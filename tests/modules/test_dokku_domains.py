"""dokku_domains against the double: app and global quartets, regex collateral, case, vhosts, bad input."""

import os

import pytest

DOMAINS = "selfhosted.dokku.dokku_domains"


def app_report(host, app="web"):
    return host.json("domains:report", app, "--format", "json")


def global_report(host):
    return host.json("domains:report", "--global", "--format", "json")


@pytest.fixture
def web(host):
    """Global domain example.com and an app ``web`` with its default domain web.example.com."""
    assert host.dokku("domains:set-global", "example.com")[0] == 0
    assert host.dokku("apps:create", "web")[0] == 0
    assert app_report(host)["app-vhosts"] == "web.example.com"
    return host


# ---------------------------------------------------------------- app scope
def test_app_present_quartet(web):
    check, real, _c2, _r2 = web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["www.example.com", "api.example.com", "web.example.com"]},
        [["dokku", "domains:add", "web", "www.example.com", "api.example.com"]],
    )
    assert check["diff"] == {
        "before": {"domains": ["web.example.com"], "vhosts_enabled": True},
        "after": {
            "domains": ["api.example.com", "web.example.com", "www.example.com"],
            "vhosts_enabled": True,
        },
    }
    assert real["domains"] == ["api.example.com", "web.example.com", "www.example.com"]
    assert app_report(web)["app-vhosts"] == "web.example.com www.example.com api.example.com"


def test_app_absent_quartet_removes_only_present_ones(web):
    web.dokku("domains:set", "web", "a.example.org", "b.example.org", "c.example.org")
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["b.example.org", "notthere.example.org"], "state": "absent"},
        [["dokku", "domains:remove", "web", "b.example.org"]],
    )
    assert check["diff"]["after"]["domains"] == ["a.example.org", "c.example.org"]
    assert app_report(web)["app-vhosts"] == "a.example.org c.example.org"


def test_app_exact_quartet(web):
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["b.example.org", "a.example.org"], "state": "exact"},
        [["dokku", "domains:set", "web", "b.example.org", "a.example.org"]],
    )
    assert check["diff"]["before"]["domains"] == ["web.example.com"]
    assert check["diff"]["after"]["domains"] == ["a.example.org", "b.example.org"]
    with open(web.home("web", "VHOST"), encoding="utf-8") as handle:
        assert handle.read() == "b.example.org\na.example.org\n"


def test_app_exact_is_order_insensitive(web):
    web.dokku("domains:set", "web", "a.example.org", "b.example.org")
    result = web.run(DOMAINS, {"app": "web", "domains": ["b.example.org", "a.example.org"], "state": "exact"}, tag="same")
    assert result["changed"] is False and result["commands"] == []
    assert web.writes("same") == []


def test_app_clear_quartet(web):
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS, {"app": "web", "domains": [], "state": "exact"}, [["dokku", "domains:clear", "web"]]
    )
    assert check["diff"]["after"] == {"domains": [], "vhosts_enabled": True}
    assert app_report(web)["app-vhosts"] == ""
    assert not os.path.exists(web.home("web", "VHOST"))


def test_removal_that_the_sed_regex_would_widen_uses_set(web):
    """Dokku's remove deletes with sed, where '.' matches any character."""
    web.dokku("domains:set", "web", "a.example.com", "aXexample.com", "other.example.org")
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["a.example.com"], "state": "absent"},
        [["dokku", "domains:set", "web", "aXexample.com", "other.example.org"]],
    )
    assert check["diff"]["after"]["domains"] == ["axexample.com", "other.example.org"]
    assert app_report(web)["app-vhosts"] == "aXexample.com other.example.org"


def test_removal_whose_regex_hits_only_removed_domains_uses_remove(web):
    web.dokku("domains:set", "web", "a.example.com", "aXexample.com")
    web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["a.example.com", "axexample.com"], "state": "absent"},
        [["dokku", "domains:remove", "web", "a.example.com", "aXexample.com"]],
    )
    assert app_report(web)["app-vhosts"] == ""


def test_mixed_case_input_is_lowercased_and_idempotent(web):
    web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["WWW.Example.COM"]},
        [["dokku", "domains:add", "web", "www.example.com"]],
    )
    assert app_report(web)["app-vhosts"] == "web.example.com www.example.com"


def test_stored_mixed_case_counts_as_present_and_is_removed_by_its_spelling(web):
    web.dokku("domains:add", "web", "Shop.Example.COM")
    results, _proc = web.run_tasks(
        [
            {"module": DOMAINS, "args": {"app": "web", "domains": ["shop.example.com"]}, "tag": "present"},
            {
                "module": DOMAINS,
                "args": {"app": "web", "domains": ["SHOP.example.com"], "state": "absent"},
                "tag": "absent",
            },
        ]
    )
    present, absent = results
    assert present["changed"] is False and web.writes("present") == []
    assert absent["changed"] is True
    assert absent["commands"] == [["dokku", "domains:remove", "web", "Shop.Example.COM"]]
    assert app_report(web)["app-vhosts"] == "web.example.com"


# ------------------------------------------------------------------- vhosts
def test_disable_vhosts_quartet(web):
    check, real, _c2, _r2 = web.quartet(
        DOMAINS, {"app": "web", "vhosts_enabled": False}, [["dokku", "domains:disable", "web"]]
    )
    assert check["diff"] == {
        "before": {"domains": ["web.example.com"], "vhosts_enabled": True},
        "after": {"domains": [], "vhosts_enabled": False},
    }
    assert real["vhosts_enabled"] is False
    report = app_report(web)
    assert (report["app-enabled"], report["app-vhosts"]) == ("false", "")


def test_enable_vhosts_quartet_restores_the_default_domain(web):
    web.dokku("domains:disable", "web")
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS, {"app": "web", "vhosts_enabled": True}, [["dokku", "domains:enable", "web"]]
    )
    assert check["diff"] == {
        "before": {"domains": [], "vhosts_enabled": False},
        "after": {"domains": ["web.example.com"], "vhosts_enabled": True},
    }
    report = app_report(web)
    assert (report["app-enabled"], report["app-vhosts"]) == ("true", "web.example.com")


def test_adding_to_a_disabled_app_enables_then_sets(web):
    """Enabling replaces the domains with the defaults, so the module sets the list after it."""
    web.dokku("domains:disable", "web")
    check, _real, _c2, _r2 = web.quartet(
        DOMAINS,
        {"app": "web", "domains": ["www.example.com"]},
        [["dokku", "domains:enable", "web"], ["dokku", "domains:set", "web", "www.example.com"]],
    )
    assert check["diff"]["after"] == {"domains": ["www.example.com"], "vhosts_enabled": True}
    report = app_report(web)
    assert (report["app-enabled"], report["app-vhosts"]) == ("true", "www.example.com")


def test_clearing_a_disabled_app_keeps_it_disabled(web):
    web.dokku("domains:disable", "web")
    result = web.run(DOMAINS, {"app": "web", "domains": [], "state": "exact"}, tag="clear")
    assert result["changed"] is False and web.writes("clear") == []
    assert app_report(web)["app-enabled"] == "false"


# ------------------------------------------------------------------- global
def test_global_present_quartet(host):
    check, _real, _c2, _r2 = host.quartet(
        DOMAINS,
        {"global": True, "domains": ["example.com", "Second.Example.com"]},
        [["dokku", "domains:add-global", "example.com", "second.example.com"]],
    )
    assert check["diff"] == {"before": {"domains": []}, "after": {"domains": ["example.com", "second.example.com"]}}
    with open(host.home("VHOST"), encoding="utf-8") as handle:
        assert handle.read() == "example.com\nsecond.example.com\n"


def test_global_exact_quartet(host):
    host.dokku("domains:set-global", "a.example.com", "b.example.com")
    host.quartet(
        DOMAINS,
        {"global": True, "domains": ["c.example.com", "b.example.com"], "state": "exact"},
        [["dokku", "domains:set-global", "c.example.com", "b.example.com"]],
    )
    assert global_report(host)["global-vhosts"] == "c.example.com b.example.com"


def test_global_absent_quartet(host):
    host.dokku("domains:set-global", "a.example.com", "b.example.com")
    host.quartet(
        DOMAINS,
        {"global": True, "domains": ["a.example.com"], "state": "absent"},
        [["dokku", "domains:remove-global", "a.example.com"]],
    )
    assert global_report(host)["global-vhosts"] == "b.example.com"


def test_global_clear_quartet_and_no_call_when_already_empty(host):
    host.dokku("domains:set-global", "example.com")
    host.quartet(
        DOMAINS, {"global": True, "domains": [], "state": "exact"}, [["dokku", "domains:clear-global"]]
    )
    assert global_report(host) == {"global-enabled": "false", "global-vhosts": ""}
    os.remove(host.home("VHOST"))  # clear-global would fail on a missing file
    result = host.run(DOMAINS, {"global": True, "domains": [], "state": "exact"}, tag="empty")
    assert result["changed"] is False and host.writes("empty") == []


# ---------------------------------------------------------------- bad input
BAD_INPUTS = [
    ({"app": "web", "domains": ["bad domain.com"]}, "domains: ", "whitespace"),
    ({"app": "web", "domains": ["example.com."]}, "domains: ", "trailing dot"),
    ({"app": "web", "domains": ["under_score.example.com"]}, "domains: ", "invalid label"),
    ({"app": "web", "domains": ["example.com:8080"]}, "domains: ", "invalid label"),
    ({"global": True, "domains": ["*.example.com"]}, "domains: ", "wildcard"),
    ({"app": "web", "domains": ["A.example.com", "a.example.com"]}, "domains: ", "listed twice"),
    ({"app": "web", "global": True, "domains": ["example.com"]}, "app: ", "not both"),
    ({"domains": ["example.com"]}, "app: ", "required unless global"),
    ({"app": "Web_App", "domains": ["example.com"]}, "app: ", "invalid"),
    ({"global": True}, "domains: ", "required with global"),
    ({"app": "web"}, "domains: ", "vhosts_enabled or both"),
    ({"global": True, "domains": ["example.com"], "vhosts_enabled": True}, "vhosts_enabled: ", "only for an app"),
    ({"app": "web", "domains": ["example.com"], "vhosts_enabled": False}, "vhosts_enabled: ", "cannot be combined"),
]


def test_bad_input_is_refused_before_any_call(web):
    tasks = [{"module": DOMAINS, "args": args, "tag": "bad-%d" % index} for index, (args, _p, _w) in enumerate(BAD_INPUTS)]
    results, _proc = web.run_tasks(tasks)
    for index, ((args, prefix, words), result) in enumerate(zip(BAD_INPUTS, results)):
        assert result.get("failed") is True, (args, result)
        assert result["msg"].startswith(prefix) and words in result["msg"], (args, result["msg"])
        assert web.calls(tag="bad-%d" % index) == [], args
    assert app_report(web)["app-vhosts"] == "web.example.com"
    assert global_report(web)["global-vhosts"] == "example.com"


def test_missing_app_fails_clearly_without_writes(host):
    result = host.run(DOMAINS, {"app": "nosuch", "domains": ["example.com"]}, tag="missing")
    assert result["failed"] is True
    assert result["msg"] == "app nosuch does not exist; create it first (selfhosted.dokku.dokku_app)"
    assert result["commands"] == []
    assert host.writes("missing") == []
