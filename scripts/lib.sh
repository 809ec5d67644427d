# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Source it, do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Every caller runs with `set -euo pipefail`; the helpers below assume so.

# Repository root (this file lives in <root>/scripts/).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Per-user cache shared by all checkouts (rootfs tarballs, ...).
SD_CACHE_DIR="${SELFHOSTED_DOKKU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/selfhosted-dokku}"
# Machine-wide runtime state of the Docker engine we may start (pid file, log).
SD_RUN_DIR="${SELFHOSTED_DOKKU_RUN_DIR:-/run/selfhosted-dokku}"
# The local base image every molecule scenario uses (built by build-base-image.sh), and the
# Debian 13 one the default and dokku_install scenarios also run on (build-base-image.sh --debian 13).
SD_BASE_IMAGE="${SELFHOSTED_DOKKU_BASE_IMAGE:-selfhosted-dokku/debian:12}"
SD_BASE_IMAGE_13="${SELFHOSTED_DOKKU_BASE_IMAGE_13:-selfhosted-dokku/debian:13}"
export SD_CACHE_DIR SD_RUN_DIR SD_BASE_IMAGE SD_BASE_IMAGE_13

# A short id of this checkout (a hash of its path), for the names of what lives outside it:
# several checkouts may share one machine and one Docker engine.
SD_CHECKOUT_ID="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-8)"
# Molecule names each instance ${SELFHOSTED_DOKKU_INSTANCE_PREFIX:-sd}-SCENARIO
# (.config/molecule/config.yml); a plain `molecule test` outside these scripts uses sd-SCENARIO.
SELFHOSTED_DOKKU_INSTANCE_PREFIX="${SELFHOSTED_DOKKU_INSTANCE_PREFIX:-sd-$SD_CHECKOUT_ID}"
export SD_CHECKOUT_ID SELFHOSTED_DOKKU_INSTANCE_PREFIX

SD_SCRIPT_NAME="$(basename "${0}")"

log() { printf '[%s] %s\n' "${SD_SCRIPT_NAME}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${SD_SCRIPT_NAME}" "$*" >&2; exit 1; }

# as_root CMD...: run CMD as root (directly when already root, else via sudo -n).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or passwordless sudo) to run: $*"
  fi
}

# Seconds since the epoch with sub-second precision (bash 5 EPOCHREALTIME).
now() { printf '%s' "${EPOCHREALTIME:-$(date +%s)}"; }

# elapsed START: seconds since START (from `now`), one decimal.
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# run_with_progress LOG WHAT CMD...: run CMD with its output in LOG and, while it runs, print
# one line every $SD_PROGRESS_EVERY seconds (default 15) with the time so far and LOG's last
# line, so a slow step (pip, debootstrap) never looks hung. Returns CMD's exit code.
run_with_progress() {
  local logfile="$1" what="$2" pid t0 rc=0 waited=0 every="${SD_PROGRESS_EVERY:-15}" last
  shift 2
  t0="$(now)"
  "$@" >"$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % every)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
      last="$(tail -n 1 "$logfile" 2>/dev/null | tr -d '\r' | cut -c1-100)"
      log "$what: still running ($(elapsed "$t0")s)${last:+, last: $last}"
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# apt_install PKG...: install the Debian packages that are missing, without
# recommends, non-interactively. Runs `apt-get update` once per process and
# only when something has to be installed.
SD_APT_UPDATED=0
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$pkg")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
  log "apt-get install ${missing[*]}"
  local out
  out="$(mktemp)"
  if [ "$SD_APT_UPDATED" -eq 0 ]; then
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$out" 2>&1; then
      cat "$out" >&2; rm -f "$out"; die "apt-get update failed"
    fi
    SD_APT_UPDATED=1
  fi
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}" >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$out"
}

# sha256_of FILE...: one sha256 over the content of the given files.
sha256_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# debian_mirror [security]: the Debian archive URL from this machine's apt
# sources (deb822 *.sources first, then one-line sources.list). Without an
# argument: the archive of the plain release suites (default
# http://deb.debian.org/debian); with `security`: the archive serving
# *-security suites (empty when the host has none).
debian_mirror() {
  local want="${1:-main}" f url=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    url="$(awk -v want="$want" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; types = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[Uu][Rr][Ii][Ss]:/) { uris = $i;   sub(/^[^:]*:[ \t]*/, "", uris) }
          if ($i ~ /^[Ss]uites:/)        { suites = $i; sub(/^[^:]*:[ \t]*/, "", suites) }
          if ($i ~ /^[Tt]ypes:/)         { types = $i;  sub(/^[^:]*:[ \t]*/, "", types) }
        }
        sec = (suites ~ /-security/)
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && uris != "" && sec == (want == "security")) {
          split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$f")"
    [ -n "$url" ] && break
  done
  if [ -z "$url" ]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      url="$(awk -v want="$want" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
          if (($(i + 1) ~ /-security/) == (want == "security")) { print $i; exit }
        }' "$f")"
      [ -n "$url" ] && break
    done
  fi
  [ -z "$url" ] && [ "$want" != security ] && url=http://deb.debian.org/debian
  printf '%s\n' "${url%/}"
}

# docker_ok: the Docker engine answers (bounded, so a hung daemon cannot block us).
docker_ok() { timeout 20 docker info >/dev/null 2>&1; }

# The `docker run` options that boot systemd as PID 1 on these machines
# (--privileged fails here: one capability is missing from the bounding set).
# Keep in sync with molecule/*/molecule.yml.
SD_SYSTEMD_RUN_OPTS=(
  --cap-add SYS_ADMIN
  --tmpfs /run --tmpfs /run/lock
  -v /sys/fs/cgroup:/sys/fs/cgroup:ro
)

# check_systemd_container IMAGE: boot IMAGE with systemd as PID 1 and wait
# until `systemctl is-system-running` says running (or degraded, reported
# with the failed units); also check what Ansible roles rely on.
check_systemd_container() {
  local image="$1" name="sd-systemd-check-$$" state="" i t0
  t0="$(now)"
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" --hostname smoke.example.test \
    "${SD_SYSTEMD_RUN_OPTS[@]}" "$image" /lib/systemd/systemd >/dev/null \
    || die "docker run of a systemd container from $image failed"
  for i in $(seq 1 60); do
    state="$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)"
    case "$state" in running | degraded) break ;; esac
    [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
    sleep 1
  done
  if [ "$state" = degraded ]; then
    log "systemd in $image is degraded; failed units:"
    docker exec "$name" systemctl --failed --no-legend --plain >&2 || true
  fi
  if [ "$state" != running ] && [ "$state" != degraded ]; then
    log "systemd did not come up in $image (state: '${state:-none}' after ${i}s); container log:"
    docker logs --tail 30 "$name" >&2 2>&1 || true
    docker rm -f "$name" >/dev/null 2>&1 || true
    die "systemd container check failed"
  fi
  # What the roles/molecule rely on inside the instances.
  if ! docker exec "$name" sh -ec '
        test "$(stat -c %a /)" = 755
        hostname -f | grep -qx smoke.example.test
        python3 -c "import apt, apt_pkg, debian.deb822"
        command -v debconf-get-selections sudo ip ps crontab curl wget gpg >/dev/null
        test -x /usr/sbin/sshd' >&2; then
    docker rm -f "$name" >/dev/null 2>&1 || true
    die "image $image lacks something the roles need (see above)"
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  log "systemd container check: is-system-running=$state, hostname -f, python3-apt ok ($(elapsed "$t0")s)"
}

# ensure_collection_link: make this checkout importable as selfhosted.dokku at
# tests/output/collections/ansible_collections/selfhosted/dokku (a symlink to the
# repo root; tests/output is git-ignored). Same link tests/conftest.py creates;
# molecule scenarios put tests/output/collections on ANSIBLE_COLLECTIONS_PATH.
ensure_collection_link() {
  local link="$REPO_ROOT/tests/output/collections/ansible_collections/selfhosted/dokku"
  if [ -L "$link" ] && [ "$(readlink -f "$link")" = "$(readlink -f "$REPO_ROOT")" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$link")"
  if [ -L "$link" ]; then rm -f "$link"; fi
  [ -e "$link" ] && die "$link exists and is not a symlink; remove it"
  ln -s "$REPO_ROOT" "$link"
}
