"""Fixtures for module tests against the Dokku double."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import DokkuHost  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def host(tmp_path):
    """A fresh Dokku host (the double) with the postgres and letsencrypt plugins."""
    return DokkuHost(tmp_path)


@pytest.fixture
def bare_host(tmp_path):
    """A fresh Dokku host with core plugins only."""
    return DokkuHost(tmp_path, plugins=())
