# -*- coding: utf-8 -*-
# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The family protocol: what every Dokku family (config, domains, ports, ...) declares, and the
one batched state reader every module plans with.

A *family* (one file under ``families/``, registered once in ``families/__init__.py``) is
the single home of what the collection knows about one part of Dokku:

* ``entry_options``: its options in a ``dokku_apps`` entry (an Ansible argument spec with
  descriptions): the module's argument spec, its documentation and the role's argument
  specs are generated from it (``scripts/family_specs.py``; a test keeps them current);
* ``desired(entry)`` and ``validate(desired)``: the desired state of one scope, checked
  before any dokku call;
* ``reads(ctx, scopes)``: the reads it will make, as :class:`Read` objects, so the state
  reader runs them ahead, side by side;
* ``read(ctx, scope, desired)``: the current state of one scope;
* ``plan(scope, desired, current)``: pure - the writes that converge it, the value before
  and after (the same shape in every module and in the drift report) and whether a
  deployed app needs a restart;
* ``classify(scope, path)``: the drift report's resource and field of a leaf of its value;
* ``info(ctx, scope)`` and ``export(facts)``: facts for ``dokku_info`` and the inventory
  variables ``playbooks/export.yml`` writes.

Private module_utils: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.selfhosted.dokku.plugins.module_utils._parsers import parse_json_document, zip_all_app_report
from ansible_collections.selfhosted.dokku.plugins.module_utils._runner import Read, as_read
from ansible_collections.selfhosted.dokku.plugins.module_utils._secrets import ValueMarker

GLOBAL = "--global"
GLOBAL_SCOPE = "global"
APP_SCOPE_PREFIX = "app:"

# Modelled milliseconds of Dokku's reads (real Dokku 0.38.27 on a 2-vCPU host, medians; the
# same figures as the test double's latency model, which a unit test checks).  The state
# reader compares them to read each family the cheapest way.
COST_MS = {
    "letsencrypt:active": 80,
    "letsencrypt:list": 80,
    "letsencrypt:list:per_app": 25,
    # PLUGIN:report APP; its all-app form costs as much once plus this per app on the host
    # (estimated from Dokku 0.38.27's source: Go reports of property files like apps:report,
    # ps:report inspects each app's containers, git:report runs git once per app)
    "PLUGIN:report": 49,
    "PLUGIN:report:all_apps_per_app": 10,
    "apps:report:all_apps_per_app": 6,
    "network:report": 50,
    "storage:report": 50,
    "resource:report": 50,
    "docker-options:report": 50,
    "ps:report:all_apps_per_app": 40,
    "git:report:all_apps_per_app": 15,
}
# what any call costs on top of Dokku's own time (the container exec or SSH round trip, measured)
CALL_MS = 66


def scope_key(scope):
    """The key of a scope in the uniform diff: ``global`` or ``app:NAME``."""
    return GLOBAL_SCOPE if scope in (None, GLOBAL) else APP_SCOPE_PREFIX + scope


def scope_app(key):
    """The app of a scope key (None for the global scope)."""
    return key[len(APP_SCOPE_PREFIX):] if key.startswith(APP_SCOPE_PREFIX) else None


class Write(object):
    """One planned mutating call."""

    __slots__ = ("args", "global_flags", "data", "ok_rcs", "fail_on_error")

    def __init__(self, args, global_flags=(), data=None, ok_rcs=(0,), fail_on_error=True):
        self.args = list(args)
        self.global_flags = list(global_flags)
        self.data = data
        self.ok_rcs = ok_rcs
        self.fail_on_error = fail_on_error

    def argv(self):
        return ["dokku"] + self.global_flags + [str(arg) for arg in self.args]

    def __repr__(self):
        return "Write(%r)" % self.argv()


class Plan(object):
    """What converging one family in one scope takes: writes in order, the value before and after."""

    def __init__(self, before=None, after=None):
        self.writes = []
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}
        self.restart = False  # a deployed app runs with old settings until restarted
        self.warnings = []
        self.secrets = []  # values the writes carry that must be masked (a --custom-env string)
        self.error = None  # the plan cannot be carried out: the task fails, nothing is written
        self.missing = None  # something the scope builds on is missing (fails, or warns in check mode)

    def write(self, args, global_flags=(), data=None, **kwargs):
        self.writes.append(Write(args, global_flags=global_flags, data=data, **kwargs))
        return self

    @property
    def changed(self):
        return bool(self.writes) or self.before != self.after

    def argvs(self):
        return [write.argv() for write in self.writes]


class Family(object):
    """The protocol every family implements (see the module docstring)."""

    name = None
    # "app", "global": the scopes the family manages
    scopes = ("app",)
    # options of a dokku_apps entry (Ansible argument spec entries plus "description")
    entry_options = {}
    # the drift report's resource type of the family's fields (see classify)
    resource_type = None
    # every resource type classify can return (the drift report schema's enum is their union)
    extra_resource_types = ()

    @property
    def resource_types(self):
        return (self.resource_type or self.name,) + tuple(self.extra_resource_types)

    def desired(self, entry):
        """The desired state of one scope from a ``dokku_apps`` entry, or None when not managed."""
        values = dict((option, entry.get(option)) for option in self.entry_options)
        return values if any(value is not None for value in values.values()) else None

    def validate(self, desired, scope):
        """``(desired, None)`` with normalised values, or ``(None, "option: problem")``."""
        return desired, None

    def reads(self, ctx, scopes):
        """The reads ``read`` makes for these ``(scope, desired)`` pairs (existing apps only)."""
        return []

    def fresh(self, ctx, scope, desired):
        """The state of an app ``apps:create`` has just made (nothing read)."""
        return None

    def read(self, ctx, scope, desired):
        raise NotImplementedError

    def plan(self, scope, desired, current):
        raise NotImplementedError

    def commit(self, ctx, scope, desired, plan):
        """Record what later scopes of the same run plan with (an app created, a service destroyed)."""

    def before_writes(self, ctx, scoped):
        """Checks across every planned scope, before any write (``(scope, desired, plan, label)``)."""

    def execute(self, ctx, plan):
        """Run the plan's writes, in order (a family may look at their results)."""
        for write in plan.writes:
            run_write(ctx.runner, write)

    def classify(self, scope, path):
        """``(resource, field)`` of a leaf of the family's value in the drift report."""
        resource = {"type": self.resource_type or self.name}
        app = scope_app(scope)
        if app is not None:
            resource["app"] = app
        return resource, "/".join(path[1:]) or path[0]

    def fix(self, resource, field, commands):
        """The commands of the family's plan that fix one drift finding (default: those naming the
        resource, else all of them)."""
        name = resource.get("name")
        hits = [command for command in commands if name is not None and name in command]
        return hits or list(commands)

    def info(self, ctx, scope):
        """Facts of a scope for dokku_info (None: the family has none)."""
        return None

    def export(self, facts, scope, out):
        """Inventory variables (a dokku_apps entry's fields, or role variables) from facts."""
        return {}


# ------------------------------------------------------------------ secrets in entry specs
def no_log_paths(options, prefix=()):
    """The paths of the no_log options of an argument spec (``services[].password``, ...)."""
    paths = []
    for name, spec in options.items():
        if spec.get("no_log"):
            paths.append(prefix + (name,))
        if spec.get("options"):
            paths += no_log_paths(spec["options"], prefix + (name,))
    return paths


def argument_spec(options):
    """An Ansible argument spec from documented options (descriptions and doc-only keys dropped)."""
    spec = {}
    for name, option in options.items():
        option = dict((key, value) for key, value in option.items()
                      if key not in ("description", "version_added", "doc_type", "doc_default"))
        if "options" in option:
            option["options"] = argument_spec(option["options"])
        spec[name] = option
    return spec


# --------------------------------------------------------------------- the state reader
class StateReader(object):
    """The host's state, each read made once, in the cheapest form, ahead and side by side.

    Every module plans with one: it asks the families for their reads (:class:`Read`
    objects), runs them through the runner's prefetch (keyed by the reads themselves),
    and serves each read once per planning phase (:meth:`fetch`), so two families that
    need the same read share it.  Host-level state (the apps, a datastore type's
    services, ...) is read lazily, at most once (:meth:`memo`).
    """

    def __init__(self, module, runner, parallel_reads=1):
        self.module = module
        self.runner = runner
        self.check_mode = runner.check_mode
        self.parallel_reads = parallel_reads
        self.marker = ValueMarker()
        self._results = {}
        self._memo = {}
        self._apps = None
        self.bulk = False  # a run over many scopes: list host-wide state once rather than probe it
        # apps whose state is planned, not read: created by this run (or, in check mode,
        # missing apps an earlier task would create)
        self.created = set()
        self.destroyed = set()  # apps this run destroys
        self.unlinked = {}  # (type, service) -> the apps this run unlinks from it

    # ---------------------------------------------------------------- reads
    def fetch(self, read, **kwargs):
        """Run a read (a :class:`Read` or argument list) once; later calls get the same result."""
        read = as_read(read, **dict((k, kwargs.pop(k)) for k in ("global_flags", "ok_rcs") if k in kwargs))
        if read not in self._results:
            self._results[read] = self.runner.read(read, **kwargs)
        return self._results[read]

    def json(self, read, default=None):
        """A ``--format json`` read decoded (``default`` for empty output or an accepted failure)."""
        read = as_read(read)
        res = self.fetch(read)
        if res.rc != 0:
            return default
        try:
            return parse_json_document(res.stdout, default=default)
        except ValueError as exc:
            self.runner.fail("cannot parse the output of dokku %s: %s" % (read.args[0], exc),
                             args=list(read.args), global_flags=read.global_flags,
                             rc=res.rc, stdout=res.stdout, stderr=res.stderr)
        return default

    def prefetch(self, reads):
        self.runner.prefetch([read for read in reads if read not in self._results], self.parallel_reads)

    def known(self, key):
        """Whether :meth:`memo` has computed ``key`` already."""
        return key in self._memo

    def memo(self, key, compute):
        """A value computed once per run (host-level state, choices of read forms)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # ------------------------------------------------------------------ apps
    def app_list(self):
        """``apps:list --format json`` (Dokku's order), read once."""
        return self.memo("apps:list", lambda: list(self.json(Read(["apps:list", "--format", "json"]), default=[]) or []))

    def load_apps(self):
        """The apps, read once: afterwards :meth:`app_exists` costs nothing."""
        if self._apps is None:
            self._apps = set(self.app_list())
            self.bulk = True
        return self._apps

    @property
    def apps(self):
        return self.load_apps()

    def app_exists(self, app):
        """From ``apps:list`` when it was read, else ``apps:exists`` (rc 0 yes, 20 no)."""
        if app in self.created:
            return True
        if self._apps is not None:
            return app in self._apps
        return self.fetch(Read(["apps:exists", app], ok_rcs=(0, 20))).rc == 0

    def cheaper(self, per_scope, scopes, host_wide, per_app=0, apps=0):
        """True when one host-wide read costs less than ``scopes`` per-scope reads."""
        return COST_MS[per_scope] * scopes > COST_MS[host_wide] + (COST_MS[per_app] if per_app else 0) * apps

    def all_app_report(self, plugin, apps):
        """Whether ``apps`` (existing apps) read ``PLUGIN:report`` cheaper in its all-app form.

        One call that reports every app on the host costs its start-up once plus a little per
        app; per-app calls each cost a call's round trip and the start-up.  Only worth it
        when most of the host's apps need the report, so a run over a few apps keeps the
        per-app reads.
        """
        apps = [app for app in apps if app not in self.created]
        if len(apps) < 2:
            return False
        per_call = CALL_MS + COST_MS.get(plugin + ":report", COST_MS["PLUGIN:report"])
        per_app = COST_MS.get(plugin + ":report:all_apps_per_app", COST_MS["PLUGIN:report:all_apps_per_app"])
        return per_call * len(apps) > per_call + per_app * len(self.app_list())

    def report_reads(self, plugin, apps, per_app):
        """The reads of ``PLUGIN:report`` for these apps: one all-app read when that costs less
        (:meth:`all_app_report`; remembered for :meth:`app_report`), else ``per_app(app)`` each."""
        if self.all_app_report(plugin, apps):
            self.memo("all-app reports", dict)[plugin] = True
            return [all_app_read(plugin)]
        return [per_app(app) for app in apps]

    def app_report(self, plugin, app, read, default=None):
        """An app's ``PLUGIN:report --format json``: its row of the all-app report when
        :meth:`report_reads` chose that form, else ``read`` (its per-app read) decoded."""
        row = self.app_row(plugin, app)
        return row if row is not None else self.json(read, default=default)

    def app_row(self, plugin, app):
        """The app's row of the all-app report when :meth:`report_reads` chose it, else None."""
        if not self.memo("all-app reports", dict).get(plugin):
            return None
        rows = self.app_rows(plugin)
        return rows.get(app) if rows is not None else None

    def app_rows(self, plugin):
        """The all-app report as ``{app: report}``; None when it failed or its rows do not pair
        with ``apps:list`` (the caller then reads per app)."""

        def compute():
            read = all_app_read(plugin)
            res = self.fetch(read)
            if res.rc != 0:
                return None
            try:
                return zip_all_app_report(self.app_list(), res.stdout)
            except ValueError:
                return None
        return self.memo(("all-app rows", plugin), compute)


def all_app_read(plugin):
    """``PLUGIN:report --format json`` of every app: one JSON object per line, in apps:list order
    (Dokku 0.38.27's Go reports loop over the apps), without the app's name.  Its failure (one app's
    report failing stops the loop) is not the run's: the apps are then read one by one."""
    return Read([plugin + ":report", "--format", "json"], ok_rcs=(0, 1))


class Converger(object):
    """Plans scopes family by family (reads only), then runs every write, in order.

    The single-resource modules plan one scope of one family; ``dokku_apps`` plans every
    family of every entry.  Both go through here, so the same desired state gives the
    same commands.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.scoped = []  # (scope, family, desired, plan, label), in write order

    def plan(self, family, scope, desired, label=None):
        """Read the scope (or take the fresh state of an app this run creates) and plan it."""
        ctx = self.ctx
        fresh = scope in ctx.created and family.name != "apps"
        current = family.fresh(ctx, scope, desired) if fresh else family.read(ctx, scope, desired)
        plan = family.plan(scope, desired, current)
        if plan.error:
            ctx.runner.fail(plan.error)
        if plan.missing:
            ctx.runner.missing(plan.missing)
        for warning in plan.warnings:
            ctx.module.warn(warning)
        family.commit(ctx, scope, desired, plan)
        self.scoped.append((scope, family, desired, plan, label or family.name))
        return plan

    def execute(self):
        """Cross-scope checks of every family, then the writes (secrets they carry masked first)."""
        families = []
        for _scope, family, _desired, _plan, _label in self.scoped:
            if family not in families:
                families.append(family)
        for family in families:
            family.before_writes(self.ctx, [(scope, desired, plan, label)
                                            for scope, fam, desired, plan, label in self.scoped if fam is family])
        for _scope, _family, _desired, plan, _label in self.scoped:
            for secret in plan.secrets:
                self.ctx.runner.add_secret(secret)
        for _scope, family, _desired, plan, _label in self.scoped:
            family.execute(self.ctx, plan)

    def family_diff(self):
        """The uniform diff: ``{scope key: {family: {"before", "after", "commands"}}}`` (deep copies;
        ``commands`` are the plan's writes, masked, so a drift finding can name its own fix)."""
        diff = {}
        for scope, family, _desired, plan, _label in self.scoped:
            diff.setdefault(scope_key(scope), {})[family.name] = {
                "before": copy.deepcopy(plan.before), "after": copy.deepcopy(plan.after),
                "commands": [self.ctx.runner.mask(write.argv()) for write in plan.writes]}
        return diff


def converge_one(module, runner, family, scope, desired, label=None):
    """What a single-resource module does: plan one scope of one family, run its writes.

    Returns ``(plan, converger)`` (``converger.ctx`` is the state reader, for later reads).
    """
    converger = Converger(StateReader(module, runner))
    plan = converger.plan(family, scope, desired, label=label)
    converger.execute()
    return plan, converger


def run_write(runner, write):
    """Run one planned write through the runner (recorded, skipped in check mode)."""
    return runner.write(write.args, global_flags=write.global_flags, data=write.data,
                        ok_rcs=write.ok_rcs, fail_on_error=write.fail_on_error)
