"""The k3s annotations and labels planner: Dokku's flat JSON report, exact maps, refusals before any call."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.k3s_metadata import parse_report

FAMILY = get("k3s_metadata")


def validated(**options):
    desired, error = FAMILY.validate(FAMILY.desired(options), "web")
    assert error is None, error
    return desired


def test_the_flat_report_splits_at_the_first_two_dots_only():
    assert parse_report({"global.deployment.app.kubernetes.io/part-of": "shop", "worker.service.b": "x"}) == {
        "global.deployment": {"app.kubernetes.io/part-of": "shop"}, "worker.service": {"b": "x"}}
    assert parse_report({}) == {}


def test_sets_then_deletes_with_the_scope_flags_dokku_takes():
    desired = validated(k3s_annotations={"global.deployment": {"a.io/x": "1", "keep": "k"},
                                         "web.service": {"b": "two words"}})
    current = {"k3s_annotations": {"global.deployment": {"keep": "k", "old": "o"}, "worker.pod": {"gone": "g"}}}
    plan = FAMILY.plan("web", desired, current)
    assert [w.args for w in plan.writes] == [
        ["scheduler-k3s:annotations:set", "web", "a.io/x", "1", "--resource-type", "deployment"],
        ["scheduler-k3s:annotations:set", "web", "b", "two words", "--resource-type", "service",
         "--process-type", "web"],
        ["scheduler-k3s:annotations:set", "web", "old", "--resource-type", "deployment"],
        ["scheduler-k3s:annotations:set", "web", "gone", "--resource-type", "pod", "--process-type", "worker"],
    ]
    assert plan.before == current and plan.after == {"k3s_annotations": desired["k3s_annotations"]}
    assert "k3s_labels" not in plan.after  # not given: not read, not touched
    assert not FAMILY.plan("web", desired, {"k3s_annotations": desired["k3s_annotations"]}).changed


def test_labels_and_an_empty_map_clears_them():
    desired = validated(k3s_labels={})
    plan = FAMILY.plan("web", desired, {"k3s_labels": {"global.deployment": {"tier": "edge"}}})
    assert [w.args for w in plan.writes] == [
        ["scheduler-k3s:labels:set", "web", "tier", "--resource-type", "deployment"]]


def test_reads_only_the_options_given():
    assert [list(r.args) for r in FAMILY.reads(None, [("web", validated(k3s_labels={}))])] == [
        ["scheduler-k3s:labels:report", "web", "--format", "json"]]
    assert FAMILY.desired({"name": "web"}) is None


@pytest.mark.parametrize("options, problem", [
    ({"k3s_annotations": {"deployment": {"a": "1"}}}, "k3s_annotations.deployment: '' is not a resource type"),
    ({"k3s_annotations": {"global.made_up": {"a": "1"}}}, "'made_up' is not a resource type Dokku reports"),
    ({"k3s_labels": {"global.keda_secret": {"a": "1"}}}, "k3s_labels.global.keda_secret"),
    ({"k3s_annotations": {"Web!.pod": {"a": "1"}}}, "is not a process type"),
    ({"k3s_annotations": {"global.pod": {"a": ""}}}, "the value must be non-empty"),
    ({"k3s_annotations": {"global.pod": {"a": None}}}, "must be a string"),
    ({"k3s_annotations": {"global.pod": {"a": "--role"}}}, "not start with '-'"),
    ({"k3s_annotations": {"global.pod": {"-a": "1"}}}, "does not start with '-'"),
    ({"k3s_annotations": {"global.pod": ["a=1"]}}, "must be a mapping of key to value"),
    ({"k3s_labels": ["global.pod"]}, "k3s_labels: must be a mapping"),
])
def test_bad_input_is_refused_naming_the_option(options, problem):
    desired, error = FAMILY.validate(FAMILY.desired(options), "web")
    assert desired is None and problem in error, error


def test_drift_names_the_group_and_key_and_its_fix():
    resource, field = FAMILY.classify("app:web", ("k3s_labels", "web.service", "tier"))
    assert (resource, field) == ({"type": "k3s_label", "app": "web", "name": "web.service"}, "tier")
    commands = [["dokku", "scheduler-k3s:labels:set", "web", "tier", "edge", "--resource-type", "service",
                 "--process-type", "web"],
                ["dokku", "scheduler-k3s:labels:set", "web", "tier", "edge", "--resource-type", "deployment"]]
    assert FAMILY.fix(resource, field, commands) == commands[:1]
    assert FAMILY.fix({"type": "k3s_label", "app": "web", "name": "global.deployment"}, "tier", commands) == \
        commands[1:]


def test_export_writes_only_what_is_set():
    facts = {"k3s_annotations": {}, "k3s_labels": {"global.deployment": {"tier": "edge"}}}
    assert FAMILY.export(facts, "web", None) == {"k3s_labels": {"global.deployment": {"tier": "edge"}}}
    assert FAMILY.export(facts, None, None) == {}
