"""Command families of the double, one module per Dokku plugin family.

Importing this package registers every family's commands with the core registry.
"""

from . import config, domains, git, letsencrypt, plugins, ports, postgres, ssh_keys  # noqa: F401
from . import docker_options, network, resource, storage  # noqa: F401
from . import buildpacks, certs, checks, community, registry_login  # noqa: F401
from . import properties  # noqa: F401
from . import scheduler_k3s  # noqa: F401
