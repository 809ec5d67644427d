# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of Dokku families: every family, once, in the order its writes run for an app.

Adding a family: write ``families/<name>.py`` (a :class:`Family` subclass, see ``_family.py``),
register it here, run ``scripts/family_specs.py`` (it writes the generated documentation and
role argument specs), add its part to the test double and its tests.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.selfhosted.dokku.plugins.module_utils._family import argument_spec
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.apps import AppsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.buildpacks import BuildpacksFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.certs import CertsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.checks import ChecksFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.config import ConfigFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.deploy import DeployFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.docker_options import DockerOptionsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.domains import DomainsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.git_auth import GitAuthFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.http_auth import HttpAuthFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.k3s_metadata import K3sMetadataFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.letsencrypt import LetsencryptFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.lock import LockFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.maintenance import MaintenanceFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.network import NetworkFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.plugins import PluginsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ports import PortsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.properties import PropertiesFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.proxy import ProxyFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import PsFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.registry_login import RegistryLoginFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.resource import ResourceFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.scale import ScaleFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.scheduler_k3s import SchedulerK3sFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.services import ServicesFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ssh_keys import SshKeysFamily
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.storage import StorageFamily

# The order an app's writes run in: the app, its config, domains, ports, proxy, storage, docker options
# and resources, checks, buildpacks, plugin properties, k3s annotations and labels, and scale (all before a deploy uses them), services and links,
# its deploy, its certificates, http-auth and maintenance, its deploy lock last; host-level
# families after them (network is host-level: it has no entry options).
FAMILIES = (
    AppsFamily(),
    ConfigFamily(),
    DomainsFamily(),
    PortsFamily(),
    ProxyFamily(),
    StorageFamily(),
    DockerOptionsFamily(),
    ResourceFamily(),
    ChecksFamily(),
    BuildpacksFamily(),
    PropertiesFamily(),
    K3sMetadataFamily(),
    ScaleFamily(),
    ServicesFamily(),
    DeployFamily(),
    CertsFamily(),
    LetsencryptFamily(),
    HttpAuthFamily(),
    MaintenanceFamily(),
    LockFamily(),
    NetworkFamily(),
    SshKeysFamily(),
    PluginsFamily(),
    RegistryLoginFamily(),
    GitAuthFamily(),
    PsFamily(),
    SchedulerK3sFamily(),
)
REGISTRY = dict((family.name, family) for family in FAMILIES)


def get(name):
    return REGISTRY[name]


def entry_families():
    """The families an entry of ``dokku_apps`` (one app) manages, in write order."""
    return [family for family in FAMILIES if family.entry_options]


def entry_options():
    """The documented options of a ``dokku_apps`` entry: every entry family's, merged."""
    options = {}
    for family in entry_families():
        for name, option in family.entry_options.items():
            if name in options:
                raise ValueError("entry option %s is declared by two families" % name)
            options[name] = option
    return options


def entry_spec():
    """The Ansible argument spec of a ``dokku_apps`` entry."""
    return argument_spec(entry_options())
