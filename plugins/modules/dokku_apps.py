#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_apps
short_description: Converge every app of a Dokku host in one task (config, domains, ports, services, deploys, Let's Encrypt)
version_added: 0.1.0
description:
  - Converges a list of apps in one task - each app, its config vars, domains, vhost support, port
    mappings, datastore services and their links, its deploy and its Let's Encrypt certificate - the
    way the single-resource modules (M(selfhosted.dokku.dokku_app), M(selfhosted.dokku.dokku_config),
    M(selfhosted.dokku.dokku_domains), M(selfhosted.dokku.dokku_ports),
    M(selfhosted.dokku.dokku_storage), M(selfhosted.dokku.dokku_docker_options),
    M(selfhosted.dokku.dokku_resource), M(selfhosted.dokku.dokku_service), M(selfhosted.dokku.dokku_service_link),
    M(selfhosted.dokku.dokku_git_sync), M(selfhosted.dokku.dokku_git_image),
    M(selfhosted.dokku.dokku_letsencrypt)) do it one by one. Both plan with the same family code
    (one per Dokku family), so the same input gives the same commands.
  - Reads the host once per family, each family by its cheapest read (see the notes), so a run
    that changes nothing costs about one Dokku read per app per family, plus a few per host.
  - Reads everything first, then writes. Per app, in order - C(apps:create), one C(config:import)
    with every changed key (values on standard input) and one C(config:unset), one domains write,
    one C(ports:set), storage entries and mounts, docker options, resource limits and reservations,
    services created then linked, the deploy, Let's Encrypt enabled. Every write
    uses C(--no-restart); with O(restart=true) each deployed app whose config, domains or links
    changed is restarted once, at the end (not an app the task deployed).
  - Only what an entry names is managed; an omitted field is left alone. Nothing is destroyed unless
    an entry says C(state=absent) with C(allow_destroy=true), for an app and for a service alike.
  - The entries have exactly the schema of the C(dokku_apps_apps) variable of the
    C(selfhosted.dokku.dokku_apps) role, which passes it to this module whole; both are generated
    from the families' declarations.
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  create_apps:
    description:
      - Create the listed apps that do not exist. With V(false) a missing app fails the task (in
        check mode it is a warning, as an earlier task would create it); the
        C(selfhosted.dokku.dokku_letsencrypt) role uses this to enable certificates of existing apps.
    type: bool
    default: true
  parallel_reads:
    description:
      - How many of the per-app reads (config, domains, ports, Let's Encrypt state) run at the same
        time, before anything is planned; V(1) runs them one after another. Only reads run side by
        side; the writes always run one after another, in order.
    type: int
    default: 4
  restart:
    description:
      - Restart each deployed app whose config vars, domains or service links changed, once, at the end.
        With V(false) those apps are returned in RV(needs_restart).
        An app that was never deployed is not started.
    type: bool
    default: false
extends_documentation_fragment:
  - selfhosted.dokku.app_entry
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - "Read paths, one family at a time, each chosen by the modelled latency of real Dokku 0.38.27
    (medians measured on a 2-vCPU host; the README's Performance section has the figures):
    apps - C(apps:list --format json), once (41 ms);
    config - C(config:export APP --format json) per app, the only per-app config read (38 ms);
    domains - C(domains:report APP --domains-app-vhosts) per app (38 ms; the all-app JSON report costs
    about 80 ms per app), plus C(--domains-app-enabled) only for an app whose vhost support is managed
    or about to be written;
    ports - C(ports:report APP --ports-map) per app (45 ms; the all-app report costs about 590 ms per app);
    storage - C(storage:report APP --format json) per app, plus C(storage:list-entries --format json) once
    when named entries are listed; docker options - C(docker-options:report APP --format json) per app;
    resources - C(resource:report APP --format json) per app (about 50 ms each, estimated);
    services - C(--quiet <type>:list) once per datastore type; a link is read from the app's config
    (a value pointing at C(dokku-<type>-<service>), which is how the plugin itself decides that a
    service is linked), so it costs no read of its own;
    Let's Encrypt - C(--quiet letsencrypt:list) once (about 80 ms plus 25 ms per app), or
    C(letsencrypt:active APP) per app (80 ms) when fewer apps are managed than that pays for;
    deploys - C(apps:report APP --format json) per app with a deploy block, and C(git ls-remote)
    for a ref that is not a full commit id."
  - "Read paths of the other entry options, one read per app each (estimated costs): checks -
    C(checks:report APP --format json); buildpacks - C(buildpacks:report APP --format json); scale -
    C(ps:report APP --format json) and C(ps:scale APP --format json); locked - C(apps:report APP --format
    json), shared with deploys; certificate - C(certs:report APP --format json) and the app's C(tls/)
    files; http_auth - C(http-auth:report APP) and the app's C(htpasswd); maintenance -
    C(maintenance:report APP --maintenance-enabled)."
  - The per-app reads run O(parallel_reads) at a time. The benchmark's double models each call on
    its own, so on a real host (where Dokku's reads share its CPUs) running them side by side gains
    less than the benchmark shows.
  - An app created by the task is planned from the state C(apps:create) gives it (its default domains
    from the global domains, no port mapping, no config var), read without another call.
  - Service links are recognised by their URL's host, without the password, so a URL left in the
    config by hand for a service that was destroyed and created again under the same name counts as
    linked.
  - Config values are masked in everything the task returns, except a value found in an app name,
    domain, port mapping or service name of the task (such as C(ALLOWED_HOSTS) holding the app's
    domain), which the result shows anyway.
seealso:
  - module: selfhosted.dokku.dokku_app
  - module: selfhosted.dokku.dokku_config
  - module: selfhosted.dokku.dokku_domains
  - module: selfhosted.dokku.dokku_ports
  - module: selfhosted.dokku.dokku_storage
  - module: selfhosted.dokku.dokku_docker_options
  - module: selfhosted.dokku.dokku_resource
  - module: selfhosted.dokku.dokku_service
  - module: selfhosted.dokku.dokku_service_link
  - module: selfhosted.dokku.dokku_letsencrypt
  - module: selfhosted.dokku.dokku_certs
  - module: selfhosted.dokku.dokku_ps
"""

EXAMPLES = r"""
- name: The tutorial's app with its database, in one task
  selfhosted.dokku.dokku_apps:
    apps:
      - name: djangotutorial
        config:
          ALLOWED_HOSTS: djangotutorial.domain.com
          SECRET_KEY: "{{ vault_django_secret_key }}"
        config_exclusive: true
        domains: [djangotutorial.domain.com]
        ports: [http:80:5000]
        services:
          - name: djangotutorial-datastore
    restart: true

- name: Certificates for apps that exist already
  selfhosted.dokku.dokku_apps:
    apps:
      - {name: djangotutorial, letsencrypt: true}
    create_apps: false
"""

RETURN = r"""
changed_apps:
  description: The apps that changed (or would change in check mode), in the order given.
  returned: always
  type: list
  elements: str
  sample: [djangotutorial]
restarted:
  description: The apps restarted at the end (or that would be, in check mode), with O(restart=true).
  returned: always
  type: list
  elements: str
  sample: []
needs_restart:
  description:
    - With O(restart=false), the deployed apps whose config vars, domains or service links changed
      (or would change), which run with the old settings until restarted or rebuilt. The
      C(selfhosted.dokku.dokku_apps) role's handler restarts them.
  returned: always
  type: list
  elements: str
  sample: []
commands:
  description: The mutating dokku calls that ran (or would run in check mode), secrets masked. They hold no config value.
  returned: always
  type: list
  elements: list
  sample:
    - ["dokku", "apps:create", "djangotutorial"]
    - ["dokku", "config:import", "--no-restart", "--format", "json", "djangotutorial", "-"]
    - ["dokku", "domains:set", "djangotutorial", "djangotutorial.domain.com"]
    - ["dokku", "ports:set", "djangotutorial", "http:80:5000"]
    - ["dokku", "postgres:create", "djangotutorial-datastore"]
    - ["dokku", "--quiet", "postgres:link", "djangotutorial-datastore", "djangotutorial", "--no-restart"]
diff:
  description:
    - Each app before and after, with only the fields its entry manages. Config values are markers
      C(<hidden sha256:XXXXXXXX>), equal for equal values within one run. C(vhosts_enabled) is
      there when the task read or set it.
  returned: always
  type: dict
  sample:
    before: {"apps": {"djangotutorial": {"state": "absent"}}}
    after:
      apps:
        djangotutorial:
          state: present
          config: {"ALLOWED_HOSTS": "<hidden sha256:1f0c2a9e>"}
          domains: [djangotutorial.domain.com]
          ports: ["http:80:5000"]
          services: {"postgres": {"djangotutorial-datastore": {"state": "present", "linked": true}}}
          letsencrypt: {"enabled": true}
family_diff:
  description:
    - The change in the shape every module of the collection shares, as the drift report (callback
      C(selfhosted.dokku.dokku_drift)) reads it - per scope (C(global) or C(app:NAME)), per family, the
      value C(before) and C(after). Secret values appear only as markers.
  returned: always
  type: dict
  sample: {"app:web": {"ports": {"before": {"ports": []}, "after": {"ports": ["http:80:5000"]}}}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._family import Converger, StateReader, no_log_paths
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
    name_options,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._secrets import Secrets, placeholders
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name
from ansible_collections.selfhosted.dokku.plugins.module_utils.families import (
    entry_families,
    entry_options,
    entry_spec,
    get,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils.families.ps import app_is_deployed

APPS = get("apps")
SERVICES = get("services")


def validate(module, raw_configs):
    """Every input check, before any dokku call: ``[(entry, {family name: desired})]``."""
    if module.params["parallel_reads"] < 1:
        module.fail_json(msg="parallel_reads must be 1 or more, got %d" % module.params["parallel_reads"])
    checked, names = [], set()
    for index, (entry, raw_config) in enumerate(zip(module.params["apps"], raw_configs)):
        name = entry["name"]
        error = check_app_name(name)
        if error:
            module.fail_json(msg="apps[%d].name: %s" % (index, error))
        if name in names:
            module.fail_json(msg="apps: app %r is listed twice" % name)
        names.add(name)
        entry = dict(entry, config=raw_config, create=module.params["create_apps"])
        wanted = {}
        for family in entry_families():
            if entry["state"] == "absent" and family not in (APPS, SERVICES):
                continue  # a destroyed app's other fields are ignored
            desired = family.desired(entry)
            if desired is None:
                continue
            desired, error = family.validate(desired, name)
            if error:
                where = "apps[%s]" % name
                module.fail_json(msg="%s%s" % (where, ": " + error if family is APPS else "." + error))
            wanted[family.name] = desired
        checked.append((entry, wanted))
    return checked


def hide_config_values(module, secrets):
    """Each entry's config values; ``module.params`` keeps only placeholders."""
    raw = [secrets.hide_option(entry["config"]) for entry in module.params["apps"]]
    for entry in module.params["apps"]:
        if entry["config"] is not None:
            entry["config"] = placeholders(entry["config"])
    return raw


def shown_text(checked):
    """What the task shows anyway: app names, domains, port mappings, service names, aliases, query strings.

    A config value found in one of them (``ALLOWED_HOSTS`` holding the app's domain) is not
    masked, or the domains and commands of the result would be garbled with ``********``.
    """
    shown = []
    for entry, _wanted in checked:
        shown += [entry["name"]] + (entry["domains"] or []) + (entry["ports"] or [])
        for service in entry["services"] or []:
            shown += [service["name"], service["alias"] or "", service["querystring"] or ""]
    return [text for text in shown if text]


def entry_secrets(checked):
    """The values of every no_log entry option but config (passwords, custom_env values, deploy
    credentials, certificate keys...): masked whatever their length."""
    values = []
    for entry, _wanted in checked:
        for path in no_log_paths(entry_options()):
            if path != ("config",):
                values += option_values(entry, path)
    return [value for value in values if value]


def option_values(value, path):
    """The leaves at ``path`` in an entry (lists of suboptions and dict values walked)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [leaf for item in value for leaf in option_values(item, path)]
    if not path:
        return [str(v) for v in value.values() if v is not None] if isinstance(value, dict) else [value]
    return option_values(value.get(path[0]) if isinstance(value, dict) else None, path[1:])


def prefetch(ctx, checked):
    """Every family's reads of the apps that exist, run ahead, ``parallel_reads`` at a time."""
    reads = []
    for family in entry_families():
        scopes = [(entry["name"], wanted[family.name]) for entry, wanted in checked
                  if family.name in wanted and entry["state"] == "present" and entry["name"] in ctx.apps]
        if scopes:
            reads += family.reads(ctx, scopes)
    ctx.prefetch(reads)


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            apps=dict(type="list", elements="dict", required=True, options=entry_spec()),
            create_apps=dict(type="bool", default=True),
            parallel_reads=dict(type="int", default=4),
            restart=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name_options(module)
    secrets = Secrets(module)
    checked = validate(module, hide_config_values(module, secrets))
    runner = DokkuRunner(module, secrets=entry_secrets(checked))
    shown = shown_text(checked)
    for entry, _wanted in checked:
        secrets.register(runner, list((entry["config"] or {}).values()), shown=shown)
    runner.require_supported_version()

    ctx = StateReader(module, runner, module.params["parallel_reads"])
    ctx.load_apps()
    prefetch(ctx, checked)
    converger = Converger(ctx)
    existed = {}
    for entry, wanted in checked:
        name = entry["name"]
        existed[name] = ctx.app_exists(name)
        app_plan = converger.plan(APPS, name, wanted["apps"])
        if not existed[name] and entry["state"] == "present":
            ctx.created.add(name)  # planned from the state apps:create gives (or, in check mode, assumed)
        elif existed[name] and entry["state"] == "absent":
            ctx.destroyed.add(name)
        for family in entry_families()[1:]:
            if family.name in wanted:
                converger.plan(family, name, wanted[family.name], label="apps[%s].%s" % (name, family.name))
        app_plan.app = name
    converger.execute()

    plans = {}
    for scope, family, _desired, plan, _label in converger.scoped:
        plans.setdefault(scope, []).append((family, plan))
    deployed = set(scope for scope, family_plans in plans.items()
                   for family, plan in family_plans if family.name == "deploy" and plan.writes)
    # the deployed apps whose settings changed: restarted here, or returned for a handler to
    # restart (an app created or deployed by this task needs none; nothing is read in a no-op run)
    stale = [name for name, family_plans in plans.items()
             if any(plan.restart for _family, plan in family_plans) and existed[name] and name not in deployed
             and app_is_deployed(ctx, name)]
    restarted = []
    if module.params["restart"]:
        for name in stale:
            runner.write(["ps:restart", name])
        restarted = stale

    before, after = {}, {}
    for name, family_plans in plans.items():
        for _family, plan in family_plans:
            before.setdefault(name, {}).update(plan.before)
            after.setdefault(name, {}).update(plan.after)
    exit_result(
        module, runner, bool(runner.commands), dict(apps=before), dict(apps=after),
        changed_apps=[name for name, family_plans in plans.items() if any(plan.writes for _f, plan in family_plans)],
        restarted=restarted, needs_restart=[name for name in stale if name not in restarted],
        family_diff=converger.family_diff(),
    )


if __name__ == "__main__":
    main()
