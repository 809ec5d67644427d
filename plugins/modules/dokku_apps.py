#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dokku_apps
short_description: Converge every app of a Dokku host in one task (config, domains, ports, services, Let's Encrypt)
version_added: 0.1.0
description:
  - Converges a list of apps in one task - each app, its config vars, domains, vhost support, port
    mappings, datastore services and their links, and its Let's Encrypt certificate - the way the
    single-resource modules (M(selfhosted.dokku.dokku_app), M(selfhosted.dokku.dokku_config),
    M(selfhosted.dokku.dokku_domains), M(selfhosted.dokku.dokku_ports),
    M(selfhosted.dokku.dokku_service), M(selfhosted.dokku.dokku_service_link),
    M(selfhosted.dokku.dokku_letsencrypt)) do it one by one. It shares their planning code, so
    the same input gives the same commands.
  - Reads the host once per family, each family by its cheapest read (see the notes), so a run
    that changes nothing costs about one Dokku read per app per family, plus a few per host.
  - Reads everything first, then writes. Per app, in order - C(apps:create), one C(config:import)
    with every changed key (values on standard input) and one C(config:unset), one domains write,
    one C(ports:set), services created then linked, Let's Encrypt enabled. Every write uses
    C(--no-restart); with O(restart=true) each deployed app whose config, domains or links changed is
    restarted once, at the end.
  - Only what an entry names is managed; an omitted field is left alone. Nothing is destroyed unless
    an entry says C(state=absent) with C(allow_destroy=true), for an app and for a service alike.
  - The entries have the schema of the C(dokku_apps_apps) variable of the C(selfhosted.dokku.dokku_apps)
    role, which is a thin wrapper around this module, plus O(apps[].letsencrypt).
author:
  - selfhosted.dokku developers (@selfhosted)
options:
  apps:
    description:
      - The apps, each at most once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: App name (lowercase letters, digits, dots and hyphens).
        type: str
        required: true
      state:
        description:
          - V(present) creates the app when it is missing (see O(create_apps)).
          - V(absent) destroys it (C(apps:destroy --force)), only with O(apps[].allow_destroy=true);
            its config, domains, ports and Let's Encrypt fields are then ignored.
        type: str
        choices: [present, absent]
        default: present
      allow_destroy:
        description: Explicit opt-in for O(apps[].state=absent).
        type: bool
        default: false
      config:
        description:
          - Config vars to set, C(KEY) to value, as in M(selfhosted.dokku.dokku_config). Values are
            sent on standard input and shown in the diff only as markers.
        type: dict
      config_exclusive:
        description:
          - Also unset the keys not in O(apps[].config), except the keys Dokku sets itself and those
            set by service links.
        type: bool
        default: false
      domains:
        description: The app's domains, exactly (compared lower-cased).
        type: list
        elements: str
      vhosts_enabled:
        description:
          - Turn virtual host support on or off. V(false) deletes the app's domains, so it cannot be
            combined with O(apps[].domains).
        type: bool
      ports:
        description: Port mappings, exactly (C(scheme:host-port:container-port)).
        type: list
        elements: str
      services:
        description: Datastore services of the app, created (when missing) and linked.
        type: list
        elements: dict
        suboptions:
          name:
            description: Service name.
            type: str
            required: true
          type:
            description: Datastore plugin (postgres, redis, mysql, mariadb, mongo, ...).
            type: str
            default: postgres
          state:
            description:
              - V(present), or V(absent) to unlink and destroy it (needs O(apps[].services[].allow_destroy)).
            type: str
            choices: [present, absent]
            default: present
          allow_destroy:
            description: Explicit opt-in for O(apps[].services[].state=absent).
            type: bool
            default: false
          link:
            description: Link the service to the app (V(false) unlinks it).
            type: bool
            default: true
          alias:
            description: Link alias (the config var becomes C(ALIAS_URL)), used when the link is made.
            type: str
          querystring:
            description: Query string appended to the link URL, used when the link is made.
            type: str
          image:
            description: Image of the service container, at creation.
            type: str
          image_version:
            description: Image tag, at creation.
            type: str
          password:
            description: Service password, at creation (generated when omitted).
            type: str
          custom_env:
            description: Environment of the service container, at creation.
            type: dict
          config_options:
            description: Extra options of the datastore server, at creation.
            type: str
      letsencrypt:
        description:
          - V(true) enables Let's Encrypt for the app (C(letsencrypt:enable)) when no certificate is
            active, V(false) disables it (C(letsencrypt:disable), which deletes the app's C(tls/)
            directory) when one is. Omitted, the certificate is left alone.
          - Enabling needs an e-mail address (global or the app's), a domain and an C(http) port
            mapping, as with M(selfhosted.dokku.dokku_letsencrypt).
        type: bool
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
  - selfhosted.dokku.dokku
  - selfhosted.dokku.dokku.ATTRIBUTES
notes:
  - "Read paths, one family at a time, each chosen by the modelled latency of real Dokku 0.38.27
    (C(tests/double/latency.json); the README's Performance section has the figures):
    apps - C(apps:list --format json), once (41 ms);
    config - C(config:export APP --format json) per app, the only per-app config read (38 ms);
    domains - C(domains:report APP --domains-app-vhosts) per app (38 ms; the all-app JSON report costs
    about 80 ms per app), plus C(--domains-app-enabled) only for an app whose vhost support is managed
    or about to be written;
    ports - C(ports:report APP --ports-map) per app (45 ms; the all-app report costs about 590 ms per app);
    services - C(--quiet <type>:list) once per datastore type; a link is read from the app's config
    (a value pointing at C(dokku-<type>-<service>), which is how the plugin itself decides that a
    service is linked), so it costs no read of its own;
    Let's Encrypt - C(--quiet letsencrypt:list) once (about 80 ms plus 25 ms per app), or
    C(letsencrypt:active APP) per app (80 ms) when fewer apps are managed than that pays for."
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
  - module: selfhosted.dokku.dokku_service
  - module: selfhosted.dokku.dokku_service_link
  - module: selfhosted.dokku.dokku_letsencrypt
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.selfhosted.dokku.plugins.module_utils._config import (
    ConfigPlan,
    ValueMarker,
    app_is_deployed,
    check_config,
    forget_short_values,
    forget_values,
    placeholders,
    read_config,
    register_values,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._domains import (
    check_domains,
    default_app_domains,
    needs_enabled_state,
    plan_app_domains,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._letsencrypt import (
    read_active,
    read_active_apps,
    read_settings,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_flag_value, split_words
from ansible_collections.selfhosted.dokku.plugins.module_utils._ports import (
    check_mappings,
    ports_write,
    read_mappings,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import (
    DokkuRunner,
    dokku_argument_spec,
    exit_result,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._services import (
    check_link,
    check_service,
    create_args,
    current_image,
    image_warning,
    link_args,
    link_keys,
    linked_apps,
    list_services,
    other_link_warning,
    still_linked_message,
    unlink_args,
)
from ansible_collections.selfhosted.dokku.plugins.module_utils._validation import check_app_name

SERVICE_SPEC = dict(
    name=dict(type="str", required=True),
    type=dict(type="str", default="postgres"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    allow_destroy=dict(type="bool", default=False),
    link=dict(type="bool", default=True),
    alias=dict(type="str"),
    querystring=dict(type="str"),
    image=dict(type="str"),
    image_version=dict(type="str"),
    password=dict(type="str", no_log=True),
    custom_env=dict(type="dict", no_log=True),
    config_options=dict(type="str"),
)
APP_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    allow_destroy=dict(type="bool", default=False),
    config=dict(type="dict", no_log=True),
    config_exclusive=dict(type="bool", default=False),
    domains=dict(type="list", elements="str"),
    vhosts_enabled=dict(type="bool"),
    ports=dict(type="list", elements="str"),
    services=dict(type="list", elements="dict", options=SERVICE_SPEC),
    letsencrypt=dict(type="bool"),
)
# Modelled milliseconds of the two Let's Encrypt reads (tests/double/latency.json, estimates):
# one letsencrypt:active per app, or one letsencrypt:list whose loop costs a little per app.
ACTIVE_MS = 80
LIST_MS = 80
LIST_PER_APP_MS = 25


def validate_entry(entry):
    """The entry's problem as ``apps[NAME]...: message``, or None; the config is checked by the caller."""
    name = entry["name"]
    where = "apps[%s]" % name
    if entry["state"] == "absent" and not entry["allow_destroy"]:
        return (
            "%s: state=absent would destroy app %r with its config and domains; set allow_destroy=true "
            "to confirm" % (where, name)
        )
    if entry["vhosts_enabled"] is False and entry["domains"] is not None:
        return (
            "%s.vhosts_enabled: false deletes the app's domains in Dokku, so it cannot be combined with "
            "domains" % where
        )
    if entry["domains"] is not None:
        entry["domains"], error = check_domains(entry["domains"], is_global=False)
        if error:
            return "%s.domains: %s" % (where, error)
    if entry["ports"] is not None:
        entry["ports"], error = check_mappings(entry["ports"])
        if error:
            return "%s.ports: %s" % (where, error)
    seen = set()
    for service in entry["services"] or []:
        label = "%s.services[%s]" % (where, service["name"])
        error = check_service(service) or check_link(dict(service, service=service["name"], app=name))
        if error:
            return "%s: %s" % (label, error)
        if (service["type"], service["name"]) in seen:
            return "%s: listed twice for the app" % label
        seen.add((service["type"], service["name"]))
    return None


def validate(module, raw_configs):
    """Every input check, before any dokku call; returns (entries, configs) with checked values."""
    if module.params["parallel_reads"] < 1:
        module.fail_json(msg="parallel_reads must be 1 or more, got %d" % module.params["parallel_reads"])
    entries, configs, names = [], [], set()
    for index, (entry, raw_config) in enumerate(zip(module.params["apps"], raw_configs)):
        error = check_app_name(entry["name"])
        if error:
            module.fail_json(msg="apps[%d].name: %s" % (index, error))
        if entry["name"] in names:
            module.fail_json(msg="apps: app %r is listed twice" % entry["name"])
        names.add(entry["name"])
        config, error = check_config(raw_config or {})
        if error:
            module.fail_json(msg="apps[%s].config: %s" % (entry["name"], error))
        entry = dict(entry)
        error = validate_entry(entry)
        if error:
            module.fail_json(msg=error)
        entries.append(entry)
        configs.append(config)
    return entries, configs


def hide_config_values(module):
    """Returns each entry's config; ``module.params`` keeps only placeholders (see forget_short_values)."""
    raw = [entry["config"] for entry in module.params["apps"]]
    for entry in module.params["apps"]:
        if entry["config"] is not None:
            forget_short_values(module, entry["config"])
            entry["config"] = placeholders(entry["config"])
    return raw


def shown_text(entries):
    """What the task shows anyway: app names, domains, port mappings, service names, aliases, query strings.

    A config value found in one of them (``ALLOWED_HOSTS`` holding the app's domain) is not
    masked, or the domains and commands of the result would be garbled with ``********``.
    """
    shown = []
    for entry in entries:
        shown += [entry["name"]] + (entry["domains"] or []) + (entry["ports"] or [])
        for service in entry["services"] or []:
            shown += [service["name"], service["alias"] or "", service["querystring"] or ""]
    return [text for text in shown if text]


def manages_config(entry):
    return entry["config"] is not None or entry["config_exclusive"]


def reads_config(entry):
    """The config is read to manage it, and for the services (their links live there)."""
    return manages_config(entry) or bool(entry["services"])


def manages_domains(entry):
    return entry["domains"] is not None or entry["vhosts_enabled"] is not None


class Host(object):
    """The host's state, each family read at most once and only when an entry needs it."""

    def __init__(self, module, runner, entries):
        self.module = module
        self.runner = runner
        self.apps = set(runner.json_read(["apps:list", "--format", "json"], default=[]) or [])
        self._global_vhosts = None
        self._services = {}
        self._active = None
        self.plans = []  # the apps planned so far, in the order given
        wanted = [e["name"] for e in entries if e["state"] == "present" and e["letsencrypt"] is not None]
        # letsencrypt:list when it costs less than one letsencrypt:active per existing app
        existing = len([name for name in wanted if name in self.apps])
        self._list_letsencrypt = ACTIVE_MS * existing > LIST_MS + LIST_PER_APP_MS * len(self.apps)
        runner.prefetch(self.app_reads(entries), module.params["parallel_reads"])

    def app_reads(self, entries):
        """The per-app reads the plans will make (see the ``reads_*`` predicates), in their order."""
        reads = []
        for entry in entries:
            name = entry["name"]
            if entry["state"] != "present" or name not in self.apps:
                continue
            if reads_config(entry):
                reads.append(["config:export", "--format", "json", name])
            if manages_domains(entry):
                reads.append(["domains:report", name, "--domains-app-vhosts"])
            if entry["ports"] is not None:
                reads.append(["ports:report", name, "--ports-map"])
            if entry["letsencrypt"] is not None and not self._list_letsencrypt:
                reads.append(["letsencrypt:active", name])
        return reads

    def global_vhosts(self):
        if self._global_vhosts is None:
            report = self.runner.json_read(["domains:report", "--global", "--format", "json"], default={})
            self._global_vhosts = split_words(report.get("global-vhosts"))
        return self._global_vhosts

    def services(self, kind):
        """The names of the services of a type (a set the plan updates as it creates and destroys)."""
        if kind not in self._services:
            self._services[kind] = set(list_services(self.runner, kind) or [])
        return self._services[kind]

    def letsencrypt_active(self, app):
        """Whether the app's certificate is active, by the cheaper of the two reads."""
        if not self._list_letsencrypt:
            return read_active(self.runner, app)
        if self._active is None:
            self._active = read_active_apps(self.runner)
        return app in self._active

    def domains_flag(self, app, flag):
        return parse_flag_value(self.runner.read(["domains:report", app, "--domains-app-" + flag]).stdout)


class AppPlan(object):
    """One app's reads, before and after, and its writes, in the order they run."""

    def __init__(self, host, entry, config, marker):
        self.host, self.entry, self.name = host, entry, entry["name"]
        self.config, self.marker = config, marker
        self.exists = self.name in host.apps
        self.before = dict(state="present" if self.exists else "absent")
        self.after = dict(state=entry["state"])
        self.writes = []  # (args, global_flags, data)
        self.settings_changed = False  # config, domains or links: what a restart is for
        self.unlinks = set()  # (type, service) this run unlinks (or the app's destroy does)

    def write(self, args, global_flags=(), data=None):
        self.writes.append((args, list(global_flags), data))

    def fresh(self):
        """The state ``apps:create`` gives an app: default domains, or NO_VHOST=1 without a global domain."""
        domains = default_app_domains(self.name, self.host.global_vhosts())
        return domains, ({} if domains else {"NO_VHOST": "1"})

    # ------------------------------------------------------------ families
    def plan(self):
        if self.entry["state"] == "absent":
            if self.exists:
                self.write(["apps:destroy", self.name], global_flags=["--force"])
                self.unlinks.update((s["type"], s["name"]) for s in self.entry["services"] or [])
            self.plan_services()
            return self
        if not self.exists:
            if self.host.module.params["create_apps"]:
                self.write(["apps:create", self.name])
            else:
                self.host.runner.missing(
                    "app %s does not exist; create it first (selfhosted.dokku.dokku_app or create_apps=true)"
                    % self.name
                )
        current_config = self.read_config()
        self.plan_config(current_config)
        self.plan_domains()
        self.plan_ports()
        self.plan_services(current_config)
        self.plan_letsencrypt()
        return self

    def read_config(self):
        """The app's config vars, read when the entry manages them or has services (links live there)."""
        entry = self.entry
        if not reads_config(entry):
            return None
        if not self.exists:
            return self.fresh()[1]
        return read_config(self.host.runner, self.name)

    def plan_config(self, current):
        entry = self.entry
        if not manages_config(entry):
            return
        plan = ConfigPlan(current, self.config, entry["config_exclusive"])
        for args, data in plan.commands(self.name):
            self.write(args, data=data)
        self.settings_changed = plan.changed
        self.before["config"] = self.marker.mask(plan.current)
        self.after["config"] = self.marker.mask(plan.final)

    def plan_domains(self):
        entry = self.entry
        desired, wanted_enabled = entry["domains"], entry["vhosts_enabled"]
        if not manages_domains(entry):
            return
        if self.exists:
            current = split_words(self.host.domains_flag(self.name, "vhosts"))
            enabled = None
            if needs_enabled_state("exact", desired, current, wanted_enabled):
                enabled = self.host.domains_flag(self.name, "enabled") == "true"
        else:
            current = self.fresh()[0]
            enabled = bool(current)
        writes, after_domains, after_enabled = plan_app_domains(
            self.name, "exact", desired, wanted_enabled, current, enabled, self.host.global_vhosts
        )
        for args in writes:
            self.write(args)
        self.settings_changed = self.settings_changed or bool(writes)
        self.before["domains"] = sorted(set(d.lower() for d in current))
        self.after["domains"] = sorted(set(after_domains))
        if enabled is not None:
            self.before["vhosts_enabled"], self.after["vhosts_enabled"] = enabled, after_enabled

    def plan_ports(self):
        desired = self.entry["ports"]
        if desired is None:
            return
        current = (read_mappings(self.host.runner, self.name) or []) if self.exists else []
        write = ports_write(self.name, current, desired)
        if write:
            self.write(write)
        self.before["ports"], self.after["ports"] = current, desired

    def plan_services(self, config=None):
        """Create, link, unlink and destroy, in that order per service, as the entry says."""
        app_present = self.entry["state"] == "present"
        for service in self.entry["services"] or []:
            kind, name = service["type"], service["name"]
            existing = self.host.services(kind)
            exists = name in existing
            before = dict(state="present" if exists else "absent")
            after = dict(state=service["state"])
            if service["state"] == "present" and not exists:
                self.write(create_args(self.host.runner, service))
                existing.add(name)
            elif service["state"] == "present" and (service["image"] or service["image_version"]):
                warning = image_warning(service, current_image(self.host.runner, kind, name))
                if warning:
                    self.host.module.warn(warning)
            if app_present:
                keys = link_keys(config, kind, name) if exists else []
                wanted = service["link"] and service["state"] == "present"
                before["linked"], after["linked"] = bool(keys), wanted
                self.plan_link(service, keys, config, wanted)
            if service["state"] == "absent" and exists:
                self.plan_destroy(kind, name)
                existing.discard(name)
            self.before.setdefault("services", {}).setdefault(kind, {})[name] = before
            self.after.setdefault("services", {}).setdefault(kind, {})[name] = after

    def plan_link(self, service, keys, config, wanted):
        kind, name = service["type"], service["name"]
        alias, querystring = service["alias"], service["querystring"]
        if wanted and not keys:
            self.write(link_args(kind, name, self.name, alias, querystring, False), global_flags=["--quiet"])
            self.settings_changed = True
        elif wanted and (alias is not None or querystring is not None):
            warning = other_link_warning(kind, name, self.name, config, keys, alias, querystring)
            if warning:
                self.host.module.warn(warning)
        elif not wanted and keys:
            self.write(unlink_args(kind, name, self.name, False))
            self.unlinks.add((kind, name))
            self.settings_changed = True

    def plan_destroy(self, kind, name):
        """Refused while an app other than the ones this run unlinks is linked (read only here)."""
        unlinked = set(plan.name for plan in self.host.plans if (kind, name) in plan.unlinks)
        unlinked |= set([self.name]) if (kind, name) in self.unlinks else set()
        apps = [app for app in linked_apps(self.host.runner, kind, name) if app not in unlinked]
        if apps:
            self.host.runner.fail(still_linked_message(kind, name, apps))
        self.write([kind + ":destroy", name, "--force"])

    def plan_letsencrypt(self):
        wanted = self.entry["letsencrypt"]
        if wanted is None:
            return
        active = self.host.letsencrypt_active(self.name) if self.exists else False
        if wanted != active:
            self.write(["letsencrypt:enable" if wanted else "letsencrypt:disable", self.name])
        self.before["letsencrypt"], self.after["letsencrypt"] = dict(enabled=active), dict(enabled=wanted)

    def enables_letsencrypt(self):
        return any(args[0] == "letsencrypt:enable" for args, _flags, _data in self.writes)


def check_letsencrypt_emails(runner, plans):
    """Before any write: every app to enable has an e-mail address (its own or the global one)."""
    enabling = [plan for plan in plans if plan.enables_letsencrypt()]
    if not enabling or runner.check_mode:
        return
    if read_settings(runner, None)[0]:
        return
    for plan in enabling:
        if not plan.exists or not read_settings(runner, plan.name)[2]:
            runner.fail(
                "apps[%s].letsencrypt: the app has no e-mail address for Let's Encrypt; set a global one "
                "first (dokku_letsencrypt_email, or selfhosted.dokku.dokku_letsencrypt with global=true "
                "and email)" % plan.name
            )


def main():
    module = AnsibleModule(
        argument_spec=dokku_argument_spec(
            apps=dict(type="list", elements="dict", required=True, options=APP_SPEC),
            create_apps=dict(type="bool", default=True),
            parallel_reads=dict(type="int", default=4),
            restart=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    entries, configs = validate(module, hide_config_values(module))

    services = [service for entry in entries for service in entry["services"] or []]
    # a short config value equal to a password or a custom_env value was taken off the list: back on
    runner = DokkuRunner(module, secrets=[s["password"] for s in services] + [
        value for s in services for value in (s["custom_env"] or {}).values()])
    shown = shown_text(entries)
    for config in configs:
        public = [value for value in config.values() if any(value in text for text in shown)]
        forget_values(module, public)
        register_values(runner, dict((key, value) for key, value in config.items() if value not in public))
    runner.require_supported_version()

    host = Host(module, runner, entries)
    marker = ValueMarker()
    for entry, config in zip(entries, configs):
        host.plans.append(AppPlan(host, entry, config, marker).plan())
    check_letsencrypt_emails(runner, host.plans)

    for plan in host.plans:
        for args, global_flags, data in plan.writes:
            runner.write(args, global_flags=global_flags, data=data)
    # the deployed apps whose settings changed: restarted here, or returned for a handler to
    # restart (an app created by this task was never deployed; nothing is read in a no-op run)
    stale = [plan.name for plan in host.plans
             if plan.settings_changed and plan.exists and app_is_deployed(runner, plan.name)]
    restarted = []
    if module.params["restart"]:
        for name in stale:
            runner.write(["ps:restart", name])
        restarted = stale

    before = dict(apps=dict((plan.name, plan.before) for plan in host.plans))
    after = dict(apps=dict((plan.name, plan.after) for plan in host.plans))
    exit_result(
        module, runner, bool(runner.commands), before, after,
        changed_apps=[plan.name for plan in host.plans if plan.writes], restarted=restarted,
        needs_restart=[name for name in stale if name not in restarted],
    )


if __name__ == "__main__":
    main()
