#!/usr/bin/env bash
# Make a Docker engine available for molecule.
#
#   scripts/setup-docker.sh        # no-op when `docker info` already works
#   scripts/stop-docker.sh         # stops the dockerd this script started (only that one)
#
# No init system runs services on these machines, so when no engine answers we
# install Debian's docker.io if dockerd is missing, start dockerd in the
# background (log and pid under $SD_RUN_DIR, default /run/selfhosted-dokku) and
# wait for its socket. Environment:
#   DOCKER_STORAGE_DRIVER=overlay2|vfs   force a storage driver (default: overlay2
#                                        when an overlay mount works here, else vfs)
#   DOCKERD_WAIT=60                      seconds to wait for the daemon
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# dockerd runs as root; re-run this script as root when needed.
if [ "$(id -u)" -ne 0 ]; then exec sudo -n -E "$0" "$@"; fi

start="$(now)"
SOCK=/var/run/docker.sock
PIDFILE="$SD_RUN_DIR/dockerd.pid"
LOGFILE="$SD_RUN_DIR/dockerd.log"
WAIT="${DOCKERD_WAIT:-60}"
DATA_ROOT=/var/lib/docker

if docker_ok; then
  log "Docker engine already answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null), driver $(docker info -f '{{.Driver}}' 2>/dev/null)): nothing to do"
  exit 0
fi

# pid_is_dockerd PID: PID is alive and is a dockerd process.
pid_is_dockerd() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ]; }

# wait_for_engine PID: bounded wait for the socket, then for `docker info`.
wait_for_engine() {
  local pid="$1" i
  for ((i = 0; i < WAIT * 4; i++)); do
    if [ -S "$SOCK" ] && docker_ok; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd (pid $pid) exited during start-up; last lines of $LOGFILE:"
      tail -n 25 "$LOGFILE" >&2 2>/dev/null || true
      die "dockerd failed to start"
    fi
    sleep 0.25
  done
  log "last lines of $LOGFILE:"
  tail -n 25 "$LOGFILE" >&2 2>/dev/null || true
  if [ -S "$SOCK" ]; then
    die "$SOCK exists but the engine did not answer within ${WAIT}s"
  fi
  die "no $SOCK after ${WAIT}s (dockerd pid ${pid:-?})"
}

# A dockerd we started earlier may still be starting: wait for it, don't start another.
if [ -f "$PIDFILE" ]; then
  oldpid="$(cat "$PIDFILE")"
  if pid_is_dockerd "$oldpid"; then
    log "dockerd we started earlier (pid $oldpid) is running; waiting for it"
    wait_for_engine "$oldpid"
    log "Docker engine ready ($(elapsed "$start")s)"
    exit 0
  fi
  rm -f "$PIDFILE"
fi
other=""
for f in /proc/[0-9]*/comm; do
  if [ "$(cat "$f" 2>/dev/null)" = dockerd ]; then other="$other ${f//[!0-9]/}"; fi
done
if [ -n "$other" ]; then
  log "a dockerd we did not start is running (pid$other); waiting for it"
  wait_for_engine ""
  log "Docker engine ready ($(elapsed "$start")s)"
  exit 0
fi

# The docker CLI may already be installed on its own (e.g. /usr/local/bin/docker);
# the engine (dockerd + containerd + runc) comes with Debian's docker.io.
need_engine=0
for b in docker dockerd containerd runc; do command -v "$b" >/dev/null 2>&1 || need_engine=1; done
if [ "$need_engine" -eq 1 ]; then
  t="$(now)"
  apt_install docker.io
  log "installed docker.io ($(elapsed "$t")s)"
fi
# iptables is a dependency of docker.io; dockerd needs it for the bridge NAT.
command -v iptables >/dev/null 2>&1 || apt_install iptables

# Storage driver: overlay2 when an overlay mount works on the data root's
# filesystem (fails e.g. on an overlay root inside another container), else vfs
# (works everywhere, slower and bigger: every layer is a full copy).
pick_storage_driver() {
  local d
  mkdir -p "$DATA_ROOT"
  d="$(mktemp -d "$DATA_ROOT/.overlay-probe.XXXXXX")"
  mkdir -p "$d/lower" "$d/upper" "$d/work" "$d/merged"
  if mount -t overlay overlay \
    -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged" 2>/dev/null; then
    umount "$d/merged"
    echo overlay2
  else
    echo vfs
  fi
  rm -rf "$d"
}
driver="${DOCKER_STORAGE_DRIVER:-$(pick_storage_driver)}"

mkdir -p "$SD_RUN_DIR"
log "starting dockerd (storage driver $driver, log $LOGFILE)"
# setsid: own session, so the daemon outlives this script and the CI step's
# process group. Without job control a background child is not a group leader,
# so setsid execs dockerd in place and $! is dockerd's pid.
setsid dockerd --storage-driver "$driver" --data-root "$DATA_ROOT" \
  </dev/null >>"$LOGFILE" 2>&1 &
pid=$!
echo "$pid" >"$PIDFILE"
wait_for_engine "$pid"
pid_is_dockerd "$pid" || die "pid $pid is not dockerd ($(cat "/proc/$pid/comm" 2>/dev/null)); check $LOGFILE"

log "Docker engine ready: $(docker version -f 'server {{.Server.Version}}, client {{.Client.Version}}' 2>/dev/null), driver $(docker info -f '{{.Driver}}'), pid $pid ($(elapsed "$start")s)"
