# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the deploy modules (dokku_git_sync, dokku_git_image) share.

``apps:report APP --format json`` records the last *successful* deploy:
``deploy-source`` (``git-sync``, ``docker-image``, ``git``...) and
``deploy-source-metadata`` (``URL#<sha>`` after ``git:sync --build``, the image
after ``git:from-image``).  A failed build leaves both unchanged, so they are
the truth about what runs.  Private module_utils: the API may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MISSING_APP = "app %s does not exist: create it first (selfhosted.dokku.dokku_app)"


def read_deploy_source(runner, app):
    """``(deploy-source, deploy-source-metadata)`` of ``app``; None when the app does not exist."""
    report = runner.json_read(["apps:report", app, "--format", "json"], ok_rcs=(0, 20))
    if report is None:
        return None
    return report.get("deploy-source", ""), report.get("deploy-source-metadata", "")
