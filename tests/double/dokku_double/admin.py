"""Set-up of the double's state (not a Dokku command): ``dokku-double-admin``.

``init`` lays out a fresh host: the dokku home with an empty authorized_keys,
the version file, and optionally the postgres and letsencrypt plugins, which is
the clean state the public transcripts start from.  ``init --upgrade`` keeps
the host's state (apps, config, keys, plugins, services) and only switches the
version, as a package upgrade does; the stand-in ``bootstrap.sh`` uses it on
every run after the first.
"""

import argparse
import os

from .core import Ctx, remove_path, write_file, write_plugin

KNOWN_PLUGINS = {
    "postgres": ("1.48.0", "dokku postgres service plugin"),
    "letsencrypt": ("0.25.1", "Automated installation of let's encrypt TLS certificates"),
    # community plugins whose commands the double reconstructs (families/community.py)
    "http-auth": ("0.10.0", "HTTP authentication for apps"),
    "maintenance": ("0.10.1", "Maintenance mode for apps"),
    # a core plugin the capture host lacked: enabled on request (families/scheduler_k3s.py)
    "scheduler-k3s": ("0.38.27", "dokku core scheduler-k3s plugin"),
}


def init_state(env=None, version="0.38.27", plugins=(), wipe=True):
    """Lay out a Dokku host; with ``wipe=False`` keep every existing file but the version."""
    ctx = Ctx(env=env)
    if wipe:
        for path in (ctx.root, ctx.lib):
            if os.path.isdir(path):
                for entry in os.listdir(path):
                    remove_path(os.path.join(path, entry))
    os.makedirs(ctx.home(".ssh"), exist_ok=True)
    if wipe or not os.path.exists(ctx.home(".ssh", "authorized_keys")):
        write_file(ctx.home(".ssh", "authorized_keys"), "", mode=0o600)
    write_file(ctx.home(".sshcommand"), "/usr/bin/dokku\n")
    write_file(ctx.libpath("STABLE_VERSION"), version + "\n")
    for name in plugins:
        plugin_version, description = KNOWN_PLUGINS[name]
        write_plugin(ctx, name, plugin_version, description)
    if "letsencrypt" in plugins:
        os.makedirs(ctx.libpath("data", "letsencrypt", "--global", "accounts"), exist_ok=True)
    os.makedirs(ctx.double_path(), exist_ok=True)
    return ctx


def admin_main(argv):
    parser = argparse.ArgumentParser(prog="dokku-double-admin")
    sub = parser.add_subparsers(dest="action", required=True)
    init = sub.add_parser("init", help="wipe and lay out a fresh Dokku host")
    init.add_argument("--version", default="0.38.27")
    init.add_argument("--plugins", default="", help="comma-separated: postgres,letsencrypt")
    init.add_argument(
        "--upgrade", action="store_true",
        help="keep the host's state and only switch the version (what a package upgrade does)",
    )
    args = parser.parse_args(argv)
    if args.action == "init":
        plugins = [p for p in args.plugins.split(",") if p]
        unknown = sorted(set(plugins) - set(KNOWN_PLUGINS))
        if unknown:
            parser.error("unknown plugin(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(KNOWN_PLUGINS))))
        if args.upgrade:
            ctx = init_state(version=args.version, plugins=plugins, wipe=False)
            print("switched %s to version %s, state kept" % (ctx.lib, args.version))
        else:
            ctx = init_state(version=args.version, plugins=plugins)
            print("initialised %s and %s" % (ctx.root, ctx.lib))
    return 0
