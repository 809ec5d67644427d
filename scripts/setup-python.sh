#!/usr/bin/env bash
# Create or reuse the test virtualenv (.venv, git-ignored) from tests/requirements.txt.
#
#   scripts/setup-python.sh            # then: . .venv/bin/activate
#
# Idempotent and fast when nothing changed: pip only runs when the stamp file
# .venv/.requirements.sha256 (sha256 of tests/requirements.txt + the interpreter
# version) differs. Also links this checkout as the collection selfhosted.dokku
# under tests/output/collections (see ensure_collection_link in lib.sh).
# Environment:
#   PYTHON=/path/to/python3   interpreter for a new venv (default: python3 on PATH)
#   VENV=/path                venv location (default: <repo>/.venv)
#   FORCE=1                   rebuild the venv from scratch
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start="$(now)"
VENV="${VENV:-$REPO_ROOT/.venv}"
REQS="$REPO_ROOT/tests/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PY="${PYTHON:-python3}"

[ -r "$REQS" ] || die "missing $REQS"

if [ "${FORCE:-0}" = 1 ]; then
  log "FORCE=1: removing $VENV"
  rm -rf "$VENV"
fi

# Reuse an existing venv only while its interpreter still runs.
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c 'pass' >/dev/null 2>&1; then
  log "$VENV is broken (interpreter gone?): recreating"
  rm -rf "$VENV"
fi

# This checkout as the collection selfhosted.dokku for ansible-playbook/molecule
# (tests/output/collections/ansible_collections/selfhosted/dokku -> repo root).
ensure_collection_link

# stamp_value: sha256 of tests/requirements.txt + the venv interpreter's version.
stamp_value() {
  echo "$(sha256_of "$REQS") $("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
}

# Fast path: nothing changed since the last successful install.
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_value)" ]; then
  log "$VENV up to date ($(elapsed "$start")s)"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  command -v "$PY" >/dev/null 2>&1 || die "no '$PY' on PATH (set PYTHON=...)"
  # ansible-core 2.19 needs Python >= 3.11 on the controller.
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$("$PY" -V 2>&1) is too old: ansible-core 2.19 needs Python >= 3.11 (set PYTHON=...)"
  # Debian's /usr/bin/python3 ships without ensurepip unless python3-venv is installed.
  if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    case "$(command -v "$PY")" in
      /usr/bin/*) apt_install python3-venv ;;
      *) die "$PY has no venv/ensurepip module" ;;
    esac
  fi
  log "creating $VENV with $("$PY" -V 2>&1)"
  "$PY" -m venv "$VENV"
fi

PIPLOG="$VENV/pip-install.log"
log "pip install -r tests/requirements.txt (about 40 s on a fresh machine; log: $PIPLOG)"
# Drop the stamp first: an interrupted install must not look complete.
rm -f "$STAMP"
if ! run_with_progress "$PIPLOG" "pip install" "$VENV/bin/python" -m pip install \
  --disable-pip-version-check --progress-bar off -r "$REQS"; then
  tail -n 30 "$PIPLOG" >&2
  die "pip install failed (full log: $PIPLOG)"
fi
stamp_value >"$STAMP"

log "ready: $("$VENV/bin/ansible" --version | head -n1), molecule $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("molecule"))') ($(elapsed "$start")s)"
log "activate with: . ${VENV#"$PWD"/}/bin/activate"
