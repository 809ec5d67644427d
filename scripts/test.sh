#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run). On a fresh Debian 12 machine it
# sets up everything itself (Python venv, Docker engine, the local base images), then runs:
#   1. pytest: unit tests, the Dokku test double against the real-Dokku transcripts, and every
#      module through ansible-playbook against the double (ansible-core 2.19);
#   2. ansible-lint (production profile) and every ansible-test sanity test (no ignore entries);
#   3. ansible-doc for every module, and a build of the collection without test fixtures;
#   4. the reliability matrix (bad input, injected faults, unmanaged extras, canary secrets);
#   5. the other ansible-core lines (2.16, 2.17, 2.18), each in its own venv: the sanity tests
#      that depend on the core version and a pytest smoke subset (noxfile.py);
#   6. antsibull-docs lint-collection-docs, the HTML docs site, antsibull-changelog lint,
#      `ansible-builder create` of meta/execution-environment.yml, the Galaxy importer on the
#      built tarball;
#   7. molecule test --all on Debian 12 (every role, and site.yml, in a systemd container), then
#      the default and dokku_install scenarios on Debian 13; molecule's output must not contain
#      the canary secret the default scenario plants;
#   8. the README's matrix table (ansible-core x target) against what this run passed.
#
#   scripts/test.sh                 # everything (about 30-35 minutes on 2 cores)
#   scripts/test.sh --no-molecule   # steps 1-6 and 8 only, no Docker needed (about 12 minutes)
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

# molecule test ARGS... with its output kept in tests/output/molecule-NAME.log; the default
# scenario plants a canary config value (molecule/default/converge.yml) that must appear nowhere
# in that output. Runs of several checkouts on one Docker engine also take turns (flock on
# /tmp/sd-molecule.lock): they share its CPUs.
molecule_without_leaks() {
  local name="$1" canary=canary-molecule-5e1b7c2a9d out
  shift
  out="$REPO_ROOT/tests/output/molecule-$name.log"
  mkdir -p "$(dirname "$out")"
  flock /tmp/sd-molecule.lock molecule test "$@" 2>&1 | tee "$out"
  if grep -q "$canary" "$out"; then
    die "the canary secret of molecule/default appears in molecule's output ($out)"
  fi
}

# The Debian 13 runs: the tutorial (default) and the install role, on selfhosted-dokku/debian:13.
molecule_debian13() {
  SELFHOSTED_DOKKU_BASE_IMAGE="$SD_BASE_IMAGE_13" molecule_without_leaks debian13-default -s default
  SELFHOSTED_DOKKU_BASE_IMAGE="$SD_BASE_IMAGE_13" molecule_without_leaks debian13-dokku_install -s dokku_install
}

# nox sessions (noxfile.py, antsibull-nox.toml) in venvs made by uv; uv trusts the system's CA
# store like pip does here.
run_nox() { UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}" nox --no-color --reuse-venv yes -db uv -s "$@"; }

record() { python scripts/matrix_table.py record "$@"; }

# ansible-builder create validates meta/execution-environment.yml against schema 3 and writes
# the build context; the context must install this collection and its requirements.
ee_create() {
  local ctx="$REPO_ROOT/build/ee-context" f
  for f in requirements.txt bindep.txt; do
    cmp -s "$f" "meta/$f" || die "meta/$f differs from $f (see meta/execution-environment.yml)"
  done
  rm -rf "$ctx"
  ansible-builder create -f meta/execution-environment.yml -c "$ctx" >/dev/null
  grep -q "selfhosted.dokku" "$ctx/_build/requirements.yml" || die "the EE context does not install selfhosted.dokku"
  grep -q "openssh" "$ctx/_build/bindep.txt" || die "the EE context lacks bindep.txt's packages"
  log "ansible-builder create: $ctx/Dockerfile"
}

step "python environment" scripts/setup-python.sh
# shellcheck source=/dev/null
. "$REPO_ROOT/.venv/bin/activate"

# What this run passes is recorded in tests/output/matrix/ (scripts/matrix_table.py).
rm -rf "$REPO_ROOT/tests/output/matrix"
mkdir -p "$REPO_ROOT/tests/output"

# The base images: debootstrap waits on the network and the disk most of the time, so both
# images are built in the background while the CPU-bound steps run; the molecule steps wait.
images_log="$REPO_ROOT/tests/output/base-images.log"
images_pid=""
if [ "$molecule" = 1 ]; then
  step "docker engine" scripts/setup-docker.sh
  { scripts/build-base-image.sh && scripts/build-base-image.sh --debian 13; } >"$images_log" 2>&1 &
  images_pid=$!
fi
wait_for_images() {
  if ! wait "$images_pid"; then
    cat "$images_log" >&2
    die "building the base images failed (log: $images_log)"
  fi
  cat "$images_log" >&2
}

step "pytest" python -m pytest -n 2 -p no:cacheprovider
record 2.19 controller --tests full
step "ansible-lint" ansible-lint
step "ansible-test sanity 2.19" run_nox sanity-2.19
step "ansible-doc and build" scripts/check-build.sh
step "reliability matrix" python scripts/reliability.py
step "ansible-core 2.16" run_nox matrix-2.16
step "ansible-core 2.17" run_nox matrix-2.17
step "ansible-core 2.18" run_nox matrix-2.18
step "docs lint" run_nox docs-check
step "docs site" scripts/build-docs.sh
step "changelog lint" antsibull-changelog lint
step "EE definition" ee_create
step "Galaxy importer" run_nox build-import-check
if [ "$molecule" = 1 ]; then
  step "base images (rest of)" wait_for_images
  step "molecule test --all" molecule_without_leaks all --all
  record 2.19 debian12 --scenarios all
  step "molecule on Debian 13" molecule_debian13
  record 2.19 debian13 --scenarios default,dokku_install
  step "matrix table" python scripts/matrix_table.py check
else
  step "matrix table" python scripts/matrix_table.py check --partial
fi

log "all checks passed"
printf '%s\n' "${summary[@]}" >&2
