#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run). On a fresh Debian 12 machine it
# sets up everything itself (Python venv, Docker engine, the local base image), then runs:
#   1. pytest: unit tests, the Dokku test double against the real-Dokku transcripts, and every
#      module through ansible-playbook against the double;
#   2. ansible-lint (production profile) and ansible-test sanity (no ignore entries);
#   3. ansible-doc for every module, and a build of the collection without test fixtures;
#   4. the reliability matrix (bad input, injected faults, unmanaged extras, canary secrets);
#   5. molecule test --all (every role, and site.yml, in a systemd container); its output must
#      not contain the canary secret the default scenario plants.
#
#   scripts/test.sh                 # everything (about 20-25 minutes on 2 cores)
#   scripts/test.sh --no-molecule   # steps 1-4 only, no Docker needed (about 7 minutes)
#   scripts/test.sh -h | --help     # this text
#
# Molecule instances are named ${SELFHOSTED_DOKKU_INSTANCE_PREFIX}-SCENARIO, a prefix unique to
# this checkout (scripts/lib.sh), so checkouts sharing a Docker engine do not collide. The
# slowest set-up steps on a fresh machine: pip (about 40 s) and debootstrap (1-2 minutes, once).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

molecule=1
for arg in "$@"; do
  case "$arg" in
    --no-molecule) molecule=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done

summary=()
step() {
  local name="$1" start
  shift
  start="$(now)"
  log "== $name"
  "$@"
  summary+=("$(printf '%-28s %6ss' "$name" "$(elapsed "$start")")")
}

# molecule test --all, its output kept; the default scenario plants a canary config value
# (molecule/default/converge.yml) that must appear nowhere in that output.
molecule_without_leaks() {
  local canary=canary-molecule-5e1b7c2a9d out="$REPO_ROOT/tests/output/molecule.log"
  mkdir -p "$(dirname "$out")"
  molecule test --all 2>&1 | tee "$out"
  if grep -q "$canary" "$out"; then
    die "the canary secret of molecule/default appears in molecule's output ($out)"
  fi
}

step "python environment" scripts/setup-python.sh
# shellcheck source=/dev/null
. "$REPO_ROOT/.venv/bin/activate"

step "pytest" python -m pytest -n 2 -p no:cacheprovider
step "ansible-lint" ansible-lint
step "ansible-test sanity" scripts/sanity.sh
step "ansible-doc and build" scripts/check-build.sh
step "reliability matrix" python scripts/reliability.py
if [ "$molecule" = 1 ]; then
  step "docker engine" scripts/setup-docker.sh
  step "base image" scripts/build-base-image.sh
  step "molecule test --all" molecule_without_leaks
fi

log "all checks passed"
printf '%s\n' "${summary[@]}" >&2
