#!/usr/bin/env bash
# The main job in one command: converge the tutorial's Dokku host and show what it has.
#
#   scripts/demo.sh             # set up, run playbooks/site.yml on the local target, summarise
#   scripts/demo.sh --destroy   # remove the local target container and the demo's SSH key
#
# On a fresh machine it sets everything up itself: the Python environment
# (scripts/setup-python.sh, $VENV), a Docker engine (scripts/setup-docker.sh), the local Debian 12
# image (scripts/build-base-image.sh). The local target is a systemd container
# ($SELFHOSTED_DOKKU_DEMO_CONTAINER, default selfhosted-dokku-demo, hostname domain.com)
# started with the same options as the molecule instances, or reused when it exists. It runs the
# Dokku TEST DOUBLE (tests/double, a test fixture, not Dokku: real Dokku cannot be installed
# without the internet), which the dokku_install role installs through the stand-in
# tests/double/bootstrap.sh. The demo's own SSH key pair (tests/output/demo/id_ed25519, made once)
# replaces the example's placeholder key. Then:
#   ansible-playbook playbooks/site.yml -i inventory/example -i scripts/demo-inventory
# and selfhosted.dokku.dokku_info prints what the host now has. A second run changes nothing.
# Left on the machine: the container (until --destroy), the key pair (until --destroy), and what
# the tests share: .venv, the Docker engine, the base image and ~/.cache/selfhosted-dokku.
# A real VPS needs only an inventory: docs/getting-started.md
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

CONTAINER="${SELFHOSTED_DOKKU_DEMO_CONTAINER:-selfhosted-dokku-demo}"
DOUBLE_DIR=/opt/dokku-double/src
KEY_DIR="$REPO_ROOT/tests/output/demo"

destroy=0
for arg in "$@"; do
  case "$arg" in
    --destroy) destroy=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done

container_state() { docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null || true; }

if [ "$destroy" = 1 ]; then
  if ! command -v docker >/dev/null 2>&1 || ! docker_ok; then
    log "no Docker engine answers: nothing to remove"
  elif [ -n "$(container_state)" ]; then
    docker rm -f "$CONTAINER" >/dev/null
    log "removed the local target container $CONTAINER"
  else
    log "no container $CONTAINER: nothing to remove"
  fi
  if [ -e "$KEY_DIR/id_ed25519" ]; then
    rm -f "$KEY_DIR/id_ed25519" "$KEY_DIR/id_ed25519.pub"
    log "removed the demo's SSH key pair in ${KEY_DIR#"$REPO_ROOT"/}"
  fi
  exit 0
fi

start="$(now)"

# 1. Python environment, Docker engine, base image (each a no-op when already there)
scripts/setup-python.sh
# shellcheck source=/dev/null
. "${VENV:-$REPO_ROOT/.venv}/bin/activate"
scripts/setup-docker.sh
scripts/build-base-image.sh

# 2. The local target: a systemd container from the base image (molecule's run options)
case "$(container_state)" in
  true) log "reusing the running container $CONTAINER" ;;
  false)
    log "starting the existing container $CONTAINER"
    docker start "$CONTAINER" >/dev/null
    ;;
  *)
    log "starting the local target $CONTAINER (hostname domain.com) from $SD_BASE_IMAGE"
    docker run -d --name "$CONTAINER" --hostname domain.com "${SD_SYSTEMD_RUN_OPTS[@]}" \
      --stop-signal SIGRTMIN+3 "$SD_BASE_IMAGE" /lib/systemd/systemd >/dev/null
    ;;
esac
state=""
for _ in $(seq 1 120); do
  state="$(docker exec "$CONTAINER" systemctl is-system-running 2>/dev/null || true)"
  case "$state" in running | degraded) break ;; esac
  sleep 0.5
done
case "$state" in
  running | degraded) ;;
  *) docker logs --tail 20 "$CONTAINER" >&2 || true; die "systemd did not come up in $CONTAINER (state: '${state:-none}')" ;;
esac

# 3. The Dokku test double and its stand-in bootstrap.sh, copied into the container
docker exec "$CONTAINER" mkdir -p "$DOUBLE_DIR"
tar -C tests/double --exclude=__pycache__ --exclude=.pytest_cache -cf - . \
  | docker exec -i "$CONTAINER" tar -C "$DOUBLE_DIR" --no-same-owner -xf -
log "copied the Dokku test double into $CONTAINER:$DOUBLE_DIR"

# 4. The demo's own SSH key (never a published one), then the site playbook with the example
#    inventory, on the local target
if [ ! -s "$KEY_DIR/id_ed25519.pub" ]; then
  command -v ssh-keygen >/dev/null 2>&1 || apt_install openssh-client
  mkdir -p "$KEY_DIR"
  rm -f "$KEY_DIR/id_ed25519" "$KEY_DIR/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N "" -C "selfhosted-dokku-demo" -f "$KEY_DIR/id_ed25519"
  log "made the demo's SSH key pair ${KEY_DIR#"$REPO_ROOT"/}/id_ed25519 (the Dokku user admin)"
fi
export SELFHOSTED_DOKKU_DEMO_KEY="$KEY_DIR/id_ed25519.pub"
inventory=(-i inventory/example -i scripts/demo-inventory)
# scripts/demo-inventory names the default container; another one is passed on
if [ "$CONTAINER" != selfhosted-dokku-demo ]; then inventory+=(-e "ansible_host=$CONTAINER"); fi
recap="$(mktemp)"
trap 'rm -f "$recap"' EXIT
log "ansible-playbook playbooks/site.yml ${inventory[*]}"
ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-$([ -t 1 ] && echo 1 || echo 0)}" \
  ansible-playbook playbooks/site.yml "${inventory[@]}" | tee "$recap"
changed="$(sed -n 's/\x1b\[[0-9;]*m//g; s/^domain\.com *: .*changed=\([0-9]*\).*/\1/p' "$recap" | tail -n 1)"

# 5. What the host has now, from selfhosted.dokku.dokku_info
info="$(ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=ansible.posix.json \
  ansible domain.com "${inventory[@]}" -b -m selfhosted.dokku.dokku_info)" \
  || { printf '%s\n' "$info" >&2; die "dokku_info failed"; }
printf '%s' "$info" | CHANGED="${changed:-?}" CONTAINER="$CONTAINER" ELAPSED="$(elapsed "$start")" python3 -c '
import json, os, sys

result = json.load(sys.stdin)["plays"][0]["tasks"][0]["hosts"]["domain.com"]
if result.get("failed"):
    sys.exit("dokku_info failed: %s" % result.get("msg"))
d = result["dokku"]

def words(items):
    return ", ".join(items) if items else "(none)"

print()
print("=" * 78)
print("domain.com (container %s) now has, per selfhosted.dokku.dokku_info:" % os.environ["CONTAINER"])
print("  NOTE: this local target runs the Dokku TEST DOUBLE (a test fixture that imitates")
print("  the dokku CLI), not real Dokku; on a real VPS the same playbook installs Dokku.")
print("-" * 78)
print("Dokku version   %s" % d["version"])
print("Global domains  %s" % words(d["global_domains"]))
print("Global config   %s" % words(sorted(d["global_config"])))
print("SSH keys        %s" % words(["%s (%s)" % kv for kv in sorted(d["ssh_keys"].items())]))
plugins = [n for n, p in sorted(d["plugins"].items()) if not p.get("core")]
print("Plugins         %s" % words(["%s %s%s" % (n, d["plugins"][n]["version"],
                                                 "" if d["plugins"][n]["enabled"] else " (disabled)")
                                     for n in plugins]))
for kind, services in sorted(d["services"].items()):
    for name, svc in sorted(services.items()):
        print("Service         %s:%s (%s), linked to %s" % (kind, name, svc.get("image") or "?", words(svc["links"])))
le = d["letsencrypt"]
if le:
    print("Let\x27s Encrypt   email %s, server %s, auto-renew job %s" % (
        le.get("email") or "(unset)", le.get("server") or "default", "on" if le.get("cron_job") else "off"))
print("Apps            %s" % words(d["apps"]))
for app, det in sorted(d["app_details"].items()):
    print("  %s" % app)
    print("    domains     %s%s" % (words(det["domains"]), "" if det["vhosts_enabled"] else " (vhosts disabled)"))
    print("    ports       %s" % words(det["ports"]))
    print("    config keys %s" % words(sorted(det["config"])))
    links = ["%s:%s" % (k, s) for k, names in sorted(det["links"].items()) for s in names]
    print("    services    %s" % words(links))
    if "letsencrypt" in det:
        print("    letsencrypt %s" % ("active" if det["letsencrypt"]["enabled"] else "not active"))
print("-" * 78)
print("site.yml changed %s task(s) this run (0 = already converged); %ss in all." % (
    os.environ["CHANGED"], os.environ["ELAPSED"]))
print("Remove the local target with: scripts/demo.sh --destroy")
'
