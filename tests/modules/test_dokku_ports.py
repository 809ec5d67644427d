"""dokku_ports against the double: exact set, clear, present/absent, refusals."""

PORTS = "selfhosted.dokku.dokku_ports"


def ports_map(host, app):
    rc, out, err = host.dokku("ports:report", app, "--ports-map")
    assert rc == 0, err
    return out.split()


def test_exact_set_quartet(host):
    host.dokku("apps:create", "web")
    host.dokku("ports:set", "web", "http:8080:5000")
    check, real, _c2, _r2 = host.quartet(
        PORTS,
        {"app": "web", "mappings": ["https:443:5000", "http:080:5000"]},
        [["dokku", "ports:set", "web", "http:80:5000", "https:443:5000"]],
    )
    assert check["diff"] == {
        "before": {"mappings": ["http:8080:5000"]},
        "after": {"mappings": ["http:80:5000", "https:443:5000"]},
    }
    assert real["mappings"] == ["http:80:5000", "https:443:5000"]
    assert ports_map(host, "web") == ["http:80:5000", "https:443:5000"]
    with open(host.lib("config", "ports", "web", "map"), encoding="utf-8") as handle:
        assert handle.read() == "http:80:5000 https:443:5000\n"


def test_empty_list_clears_quartet(host):
    host.dokku("apps:create", "web")
    host.dokku("ports:set", "web", "http:80:5000", "tcp:2222:22")
    check, _real, _c2, _r2 = host.quartet(PORTS, {"app": "web", "mappings": []}, [["dokku", "ports:clear", "web"]])
    assert check["diff"] == {"before": {"mappings": ["http:80:5000", "tcp:2222:22"]}, "after": {"mappings": []}}
    assert ports_map(host, "web") == []
    # Dokku falls back to its detected mapping
    assert host.json("ports:report", "web", "--format", "json")["map-json"] == "null"


def test_present_adds_and_replaces_same_scheme_host_port(host):
    host.dokku("apps:create", "web")
    host.dokku("ports:set", "web", "http:80:5000", "https:443:5000")
    host.quartet(
        PORTS,
        {"app": "web", "mappings": ["http:80:8000", "tcp:2222:22"], "state": "present"},
        [["dokku", "ports:set", "web", "http:80:8000", "https:443:5000", "tcp:2222:22"]],
    )
    assert ports_map(host, "web") == ["http:80:8000", "https:443:5000", "tcp:2222:22"]


def test_absent_removes_only_listed_and_clears_when_nothing_is_left(host):
    host.dokku("apps:create", "web")
    host.dokku("ports:set", "web", "http:80:5000", "https:443:5000")
    results, _proc = host.run_tasks([
        {"module": PORTS, "args": {"app": "web", "mappings": ["https:443:5000", "tcp:1:1"], "state": "absent"},
         "tag": "remove-one"},
        {"module": PORTS, "args": {"app": "web", "mappings": ["http:80:5000"], "state": "absent"},
         "tag": "remove-last"},
        {"module": PORTS, "args": {"app": "web", "mappings": ["http:80:5000"], "state": "absent"},
         "tag": "again"},
    ])
    assert [r["changed"] for r in results] == [True, True, False]
    assert host.writes("remove-one") == [["ports:set", "web", "http:80:5000"]]
    assert host.writes("remove-last") == [["ports:clear", "web"]]
    assert host.writes("again") == []
    assert ports_map(host, "web") == []


def test_reads_only_the_ports_map_flag(host):
    host.dokku("apps:create", "web")
    host.run(PORTS, {"app": "web", "mappings": []}, tag="noop")
    reads = [c["argv"] for c in host.calls(tag="noop", kind="read")]
    assert reads == [["version"], ["ports:report", "web", "--ports-map"]]


def test_missing_app_fails_clearly_without_writes(host):
    result = host.run(PORTS, {"app": "ghost", "mappings": ["http:80:5000"]}, tag="ghost")
    assert result["failed"] is True
    assert "app ghost does not exist" in result["msg"]
    assert host.writes("ghost") == []


BAD_MAPPINGS = [
    (["http:80"], "port mapping 'http:80' is invalid"),
    (["http:80:5000:1"], "is invalid"),
    (["ftp:21:21"], "is invalid"),
    (["http:70000:5000"], "is invalid"),
    (["http:0x50:5000"], "is invalid"),
    (["http:80:5000", "http:80:8000"], "same scheme:host-port http:80"),
]


def test_bad_mappings_are_refused_before_any_call(host):
    host.dokku("apps:create", "web")
    results, _proc = host.run_tasks(
        [{"module": PORTS, "args": {"app": "web", "mappings": m}, "tag": "bad-%d" % i}
         for i, (m, _problem) in enumerate(BAD_MAPPINGS)]
    )
    for i, ((mappings, problem), result) in enumerate(zip(BAD_MAPPINGS, results)):
        assert result["failed"] is True, mappings
        assert result["msg"].startswith("mappings: "), result["msg"]
        assert problem in result["msg"], (mappings, result["msg"])
        assert host.calls(tag="bad-%d" % i) == [], mappings


def test_bad_app_name_is_refused_before_any_call(host):
    result = host.run(PORTS, {"app": "Web", "mappings": []}, tag="bad-app")
    assert result["failed"] is True
    assert result["msg"].startswith("app: ")
    assert host.calls(tag="bad-app") == []
