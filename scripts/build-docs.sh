#!/usr/bin/env bash
# Build the collection's HTML docs site with antsibull-docs and Sphinx into build/docs/html.
# Fails on any warning of either (antsibull-docs --fail-on-error, sphinx-build -W).
#
#   scripts/build-docs.sh          # then open build/docs/html/index.html
#
# Configuration: docs/site/ (conf.py, antsibull-docs.cfg, the front page index.rst). The Ansible docs' labels that the
# generated pages link to (common return values, configuration settings, plugin types, modules
# named with M()) are read
# from a local intersphinx inventory written here, so the build needs no network.
# Needs the test venv (scripts/setup-python.sh: antsibull-docs, sphinx-ansible-theme).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_collection_link

OUT="$REPO_ROOT/build/docs"
start="$(now)"
rm -rf "$OUT"
# antsibull-docs wants its destination directory writable by its owner only.
mkdir -p "$OUT"
mkdir -m 0700 "$OUT/rst"

# Only this checkout as a collection: ansible-doc then does not scan the test venv's ~100
# collections (minutes), and the docs are those of this tree.
export ANSIBLE_COLLECTIONS_PATH="$REPO_ROOT/tests/output/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

python3 - "$OUT/ansible_devel.inv" <<'PYEOF'
"""The Ansible docs labels the generated pages use (Sphinx inventory format 2)."""
import sys
import zlib

LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "callback_plugins": ("plugins/callback.html#callback-plugins", "Callback plugins"),
    "action_plugins": ("plugins/action.html#action-plugins", "Action plugins"),
    "ansible_collections.ansible.builtin.copy_module": (
        "collections/ansible/builtin/copy_module.html#ansible-collections-ansible-builtin-copy-module",
        "ansible.builtin.copy module"),
}
body = "".join("%s std:label -1 %s %s\n" % (name, uri, title) for name, (uri, title) in LABELS.items())
with open(sys.argv[1], "wb") as handle:
    handle.write(b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
                 b"# The remainder of this file is compressed using zlib.\n")
    handle.write(zlib.compress(body.encode("utf-8")))
PYEOF

log "antsibull-docs collection selfhosted.dokku (log: $OUT/antsibull-docs.log)"
if ! antsibull-docs --config-file docs/site/antsibull-docs.cfg collection --use-current \
  --cleanup everything --fail-on-error --dest-dir "$OUT/rst" selfhosted.dokku >"$OUT/antsibull-docs.log" 2>&1; then
  tail -n 30 "$OUT/antsibull-docs.log" >&2
  die "antsibull-docs failed (log: $OUT/antsibull-docs.log)"
fi
if grep -qiE 'warning|error' "$OUT/antsibull-docs.log"; then
  grep -iE 'warning|error' "$OUT/antsibull-docs.log" >&2
  die "antsibull-docs printed warnings or errors"
fi

cp docs/site/index.rst "$OUT/rst/index.rst"
log "sphinx-build (log: $OUT/sphinx.log)"
if ! sphinx-build -b html -c docs/site -W --keep-going -q "$OUT/rst" "$OUT/html" >"$OUT/sphinx.log" 2>&1; then
  cat "$OUT/sphinx.log" >&2
  die "sphinx-build failed or warned (log: $OUT/sphinx.log)"
fi
[ -s "$OUT/html/collections/selfhosted/dokku/dokku_app_module.html" ] || die "no page for dokku_app in $OUT/html"
log "docs site: $OUT/html/index.html, $(find "$OUT/html/collections/selfhosted/dokku" -name '*.html' | wc -l) pages ($(elapsed "$start")s)"
