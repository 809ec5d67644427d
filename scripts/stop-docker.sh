#!/usr/bin/env bash
# Stop the dockerd that scripts/setup-docker.sh started, and only that one
# (identified by the pid file it wrote). A Docker engine started any other way
# is left alone. Containers still running are stopped by dockerd on shutdown.
#   DOCKERD_STOP_WAIT=60   seconds to wait before SIGKILL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then exec sudo -n -E "$0" "$@"; fi

start="$(now)"
PIDFILE="$SD_RUN_DIR/dockerd.pid"
WAIT="${DOCKERD_STOP_WAIT:-60}"

if [ ! -f "$PIDFILE" ]; then
  log "no $PIDFILE: no dockerd started by setup-docker.sh, nothing to stop"
  exit 0
fi
pid="$(cat "$PIDFILE")"
# Guard against a recycled pid: only signal a process that is still dockerd.
if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
  log "dockerd pid ${pid:-?} from $PIDFILE is gone: removing the stale pid file"
  rm -f "$PIDFILE"
  exit 0
fi

log "stopping dockerd (pid $pid)"
kill -TERM "$pid"
for ((i = 0; i < WAIT * 4; i++)); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
if kill -0 "$pid" 2>/dev/null; then
  log "dockerd (pid $pid) still running after ${WAIT}s: sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
fi
rm -f "$PIDFILE"
log "dockerd stopped ($(elapsed "$start")s)"
