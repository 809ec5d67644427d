#!/usr/bin/env bash
# Build a local Debian base image the molecule scenarios boot (systemd as PID 1).
#
#   scripts/build-base-image.sh [--debian 12|13] [--force] [--verify|--no-verify]
#
# No registry can be pulled from here, so the image is made with debootstrap
# from the Debian archive in this machine's apt sources, then `docker import`ed.
#  - --debian 12 (default): bookworm as $SD_BASE_IMAGE (selfhosted-dokku/debian:12);
#    --debian 13: trixie as $SD_BASE_IMAGE_13 (selfhosted-dokku/debian:13).
#  - Skipped when the image already
#    carries the label io.selfhosted-dokku.recipe with this recipe's hash.
#  - The rootfs tarball is cached in $SD_CACHE_DIR (default
#    ~/.cache/selfhosted-dokku) under the rootfs recipe hash and reused when
#    present; downloaded .debs are cached there too (debootstrap --cache-dir).
#  - After a build (or with --verify) the image is booted once to check that
#    `systemctl is-system-running` reaches running/degraded.
# Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR (default: from /etc/apt/sources*),
# SELFHOSTED_DOKKU_BASE_IMAGE, SELFHOSTED_DOKKU_BASE_IMAGE_13,
# SELFHOSTED_DOKKU_CACHE. Needs root (debootstrap) and a Docker engine (scripts/setup-docker.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

force=0 verify=auto debian=12
all_args=("$@")
while [ "$#" -gt 0 ]; do
  arg="$1"
  shift
  case "$arg" in
    --debian)
      [ "$#" -gt 0 ] || die "--debian needs a release number (12 or 13)"
      debian="$1"
      shift
      ;;
    --debian=*) debian="${arg#--debian=}" ;;
    --force) force=1 ;;
    --verify) verify=1 ;;
    --no-verify) verify=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then exec sudo -n -E "$0" "${all_args[@]}"; fi

# ---------------------------------------------------------------- the recipe
case "$debian" in
  12) IMAGE="$SD_BASE_IMAGE" SUITE=bookworm ;;
  13) IMAGE="$SD_BASE_IMAGE_13" SUITE=trixie ;;
  *) die "unsupported --debian $debian (12 or 13)" ;;
esac
LABEL=io.selfhosted-dokku.recipe
VARIANT=minbase
MIRROR="${DEBIAN_MIRROR:-$(debian_mirror)}"
MIRROR="${MIRROR%/}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR-$(debian_mirror security)}"
SECURITY_MIRROR="${SECURITY_MIRROR%/}"
# What molecule, testinfra and the roles expect on a Debian host:
#   python3 + python3-apt (apt module), python3-debian (deb822_repository),
#   debconf-utils (debconf module), sudo (become), systemd/systemd-sysv/dbus
#   (PID 1, systemctl, hostnamectl), openssh-server (Dokku's git push), gnupg/curl/
#   wget/ca-certificates (repository keys), cron, iproute2 (network facts),
#   procps, netbase (/etc/services), lsb-release, apt-utils (quiet debconf),
#   less, git (a dependency of the dokku package: app repositories; the Dokku test
#   double's stand-in bootstrap.sh would apt-get it on every instance otherwise).
#   `hostname` (hostname -f) is in minbase already.
PACKAGES=(
  python3 python3-apt python3-debian debconf-utils apt-utils
  sudo ca-certificates gnupg curl wget
  systemd systemd-sysv dbus openssh-server cron
  iproute2 procps netbase lsb-release less git
)
# Image configuration applied by `docker import --change` (docker 20.10 accepts
# CMD ENTRYPOINT ENV EXPOSE LABEL ONBUILD USER VOLUME WORKDIR, not STOPSIGNAL;
# scenarios set stop_signal SIGRTMIN+3 themselves if they need a clean stop).
IMPORT_CHANGES=(
  'ENV container=docker'
  'CMD ["/lib/systemd/systemd"]'
)

# customize_rootfs DIR: make the debootstrapped tree a good systemd container image.
customize_rootfs() {
  local root="$1" u
  # The tree's top directory becomes the image's `/`: mktemp made it 0700, which
  # locks out every non-root user (dbus's messagebus hangs the boot) on
  # storage drivers that keep it (vfs).
  chmod 0755 "$root"
  # apt sources: the same archive as the host, plus -updates and -security.
  rm -f "$root/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
      "$MIRROR" "$SUITE" "$SUITE"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [ -n "$SECURITY_MIRROR" ]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
        "$SECURITY_MIRROR" "$SUITE"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$root/etc/apt/sources.list.d/debian.sources"
  # Each container gets its own machine id at boot.
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  # Units that cannot work in a container (no tty), or that would grab the dpkg
  # lock in the middle of a converge (apt-daily*).
  for u in getty.target console-getty.service getty@tty1.service \
    apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    ln -sfn /dev/null "$root/etc/systemd/system/$u"
  done
  # Smaller image, no stale state.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log \
    "$root"/var/log/apt/* "$root"/tmp/* "$root"/var/tmp/*
}

recipe_text() {
  printf '%s\n' "suite=$SUITE" "variant=$VARIANT" "mirror=$MIRROR" \
    "security=$SECURITY_MIRROR" "packages=${PACKAGES[*]}"
  declare -f customize_rootfs
}
ROOTFS_HASH="$(recipe_text | sha256sum | cut -c1-16)"
IMAGE_HASH="$( { echo "$ROOTFS_HASH"; printf '%s\n' "${IMPORT_CHANGES[@]}"; } | sha256sum | cut -c1-16)"
TARBALL="$SD_CACHE_DIR/rootfs-debian-$SUITE-$ROOTFS_HASH.tar"
PARTIAL="$TARBALL.$$.partial"  # per process: concurrent builds do not collide

# ---------------------------------------------------------------- build
start="$(now)"
docker_ok || die "no Docker engine answers: run scripts/setup-docker.sh first"

current="$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE" 2>/dev/null || true)"
if [ "$force" -eq 0 ] && [ "$current" = "$IMAGE_HASH" ]; then
  log "$IMAGE is up to date (recipe $IMAGE_HASH)"
  if [ "$verify" = 1 ]; then check_systemd_container "$IMAGE"; fi
  log "done ($(elapsed "$start")s)"
  exit 0
fi
old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
mkdir -p "$SD_CACHE_DIR"

ROOTFS=""
cleanup() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  # debootstrap mounts proc/sys inside the target; never rm -rf through a mount.
  awk -v r="$ROOTFS/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r \
    | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$ROOTFS"
  rm -f "$PARTIAL"
}
trap cleanup EXIT

if [ "$force" -eq 1 ] || [ ! -s "$TARBALL" ]; then
  apt_install debootstrap debian-archive-keyring
  ROOTFS="$(mktemp -d "$SD_CACHE_DIR/rootfs.XXXXXX")"
  mkdir -p "$SD_CACHE_DIR/debs"
  t="$(now)"
  log "debootstrap $SUITE ($VARIANT) from $MIRROR into $ROOTFS (about 1-2 minutes; log: $SD_CACHE_DIR/debootstrap.log)"
  if ! run_with_progress "$SD_CACHE_DIR/debootstrap.log" debootstrap \
    debootstrap --variant="$VARIANT" --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    --cache-dir="$SD_CACHE_DIR/debs" "$SUITE" "$ROOTFS" "$MIRROR"; then
    tail -n 30 "$SD_CACHE_DIR/debootstrap.log" >&2
    [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
    die "debootstrap failed (full log: $SD_CACHE_DIR/debootstrap.log)"
  fi
  log "debootstrap done ($(elapsed "$t")s)"
  customize_rootfs "$ROOTFS"
  t="$(now)"
  tar -C "$ROOTFS" --numeric-owner -cf "$PARTIAL" .
  mv -f "$PARTIAL" "$TARBALL"
  cleanup
  ROOTFS=""
  log "rootfs tarball $TARBALL ($(du -h "$TARBALL" | cut -f1), $(elapsed "$t")s)"
  # Keep only the current recipe's tarball.
  find "$SD_CACHE_DIR" -maxdepth 1 -name "rootfs-debian-$SUITE-*.tar" ! -name "$(basename "$TARBALL")" -delete
else
  log "reusing cached rootfs $TARBALL"
fi

t="$(now)"
changes=()
for c in "${IMPORT_CHANGES[@]}" "LABEL $LABEL=$IMAGE_HASH"; do changes+=(--change "$c"); done
docker import "${changes[@]}" --message "debootstrap $SUITE $VARIANT, recipe $IMAGE_HASH" \
  "$TARBALL" "$IMAGE" >/dev/null
log "imported $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }'), $(elapsed "$t")s)"
new_id="$(docker image inspect -f '{{.Id}}' "$IMAGE")"
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker image rm "$old_id" >/dev/null 2>&1 || log "previous image $old_id still in use; left in place"
fi

if [ "$verify" != 0 ]; then check_systemd_container "$IMAGE"; fi
log "done: $IMAGE recipe $IMAGE_HASH ($(elapsed "$start")s)"
