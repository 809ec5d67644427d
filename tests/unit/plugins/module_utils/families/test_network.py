"""The network planner, pure: create when missing, destroy only with opt-in and when unattached."""

import pytest

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import GLOBAL
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import get
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.network import attachments

FAMILY = get("network")


def plan(networks, existing, attached=None, allow_destroy=True):
    desired, error = FAMILY.validate({"networks": networks, "allow_destroy": allow_destroy}, GLOBAL)
    assert error is None, error
    return FAMILY.plan(GLOBAL, desired, {"existing": existing, "attached": attached})


def test_create_missing_destroy_unwanted_leave_the_rest():
    result = plan([{"name": "a"}, {"name": "b"}, {"name": "c", "state": "absent"}, {"name": "d", "state": "absent"}],
                  {"b": True, "c": True, "other": True}, attached={})
    assert result.argvs() == [["dokku", "network:create", "a"], ["dokku", "network:destroy", "c", "--force"]]
    assert result.before == {"networks": {"a": "absent", "b": "present", "c": "present", "d": "absent"}}
    assert result.after == {"networks": {"a": "present", "b": "present", "c": "absent", "d": "absent"}}


def test_an_attached_network_is_never_destroyed():
    result = plan([{"name": "c", "state": "absent"}], {"c": True}, attached={"c": ["web", "--global"]})
    assert result.argvs() == []
    assert "attached to app web, the global setting" in result.error


def test_attachments_come_from_the_raw_properties():
    report = {"attach-post-create": "a,b", "attach-post-deploy": "", "initial-network": "c",
              "computed-initial-network": "z", "global-attach-post-deploy": "g", "tld": "x"}
    assert attachments(report) == {"a", "b", "c", "g"}


@pytest.mark.parametrize("networks, allow, problem", [
    ([{"name": "x", "state": "absent"}], False, "allow_destroy=true"),
    ([{"name": "bridge"}], False, "docker's own networks"),
    ([{"name": "-x"}], False, "is not a docker network name"),
    ([{"name": "a b"}], False, "is not a docker network name"),
    ([{"name": "x"}, {"name": "x"}], False, "listed twice"),
])
def test_bad_networks_are_refused(networks, allow, problem):
    desired, error = FAMILY.validate({"networks": networks, "allow_destroy": allow}, GLOBAL)
    assert desired is None and error.startswith("networks[") and problem in error, error
