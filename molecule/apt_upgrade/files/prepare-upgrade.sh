#!/usr/bin/env bash
# Prepare of the apt_upgrade scenario (runs inside the instance, as root).
#  1. sd-upgrade-probe: 1.0 installed with dpkg, 1.1 in a local flat apt repository
#     (file:/opt/sd-apt-probe/repo), so an upgrade is due whatever the Debian archive holds.
#  2. A background process (systemd unit sd-hold-dpkg-lock) takes the dpkg frontend lock, waits
#     until apt's package lists exist (the role's cache refresh; the image ships none), keeps the
#     lock 20 s more and releases it, logging the times in /var/tmp/sd-dpkg-lock.json.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# systemd-run needs a booted systemd
for _ in $(seq 1 60); do
  case "$(systemctl is-system-running 2>/dev/null || true)" in running | degraded) break ;; esac
  sleep 0.5
done

probe=/opt/sd-apt-probe
rm -rf "$probe"
mkdir -p "$probe/repo"
for version in 1.0 1.1; do
  root="$probe/build-$version"
  mkdir -p "$root/DEBIAN" "$root/usr/share/sd-upgrade-probe"
  cat >"$root/DEBIAN/control" <<CONTROL
Package: sd-upgrade-probe
Version: $version
Architecture: all
Maintainer: selfhosted.dokku tests <tests@localhost>
Section: misc
Priority: optional
Description: apt_upgrade scenario probe (a test fixture)
 Installed at 1.0; the role's upgrade must bring it to 1.1.
CONTROL
  echo "$version" >"$root/usr/share/sd-upgrade-probe/VERSION"
  dpkg-deb --root-owner-group --build "$root" "$probe/sd-upgrade-probe_${version}_all.deb" >/dev/null
done
mv "$probe/sd-upgrade-probe_1.1_all.deb" "$probe/repo/"
(cd "$probe/repo" && apt-ftparchive packages . >Packages && apt-ftparchive release . >Release)
echo "deb [trusted=yes] file:$probe/repo ./" >/etc/apt/sources.list.d/sd-apt-probe.list
dpkg -i "$probe/sd-upgrade-probe_1.0_all.deb" >/dev/null

cat >/usr/local/sbin/sd-hold-dpkg-lock <<'PY'
#!/usr/bin/python3
"""Hold the dpkg frontend lock until apt's lists exist, then 20 s more (apt_upgrade scenario)."""
import fcntl
import glob
import json
import time

LOG = "/var/tmp/sd-dpkg-lock.json"


def stamp():
    return time.strftime("%Y-%m-%d %H:%M:%S")  # dpkg.log's format and time zone


times = {}
with open("/var/lib/dpkg/lock-frontend", "w") as lock:
    fcntl.lockf(lock, fcntl.LOCK_EX)  # fcntl locks, as apt and dpkg take them
    times["acquired"] = stamp()
    deadline = time.time() + 90  # never longer than the role waits
    while not glob.glob("/var/lib/apt/lists/*_Packages*") and time.time() < deadline:
        time.sleep(0.2)
    times["lists_seen"] = stamp()
    time.sleep(20)
    times["released"] = stamp()
with open(LOG, "w") as log:
    json.dump(times, log)
PY
chmod 0755 /usr/local/sbin/sd-hold-dpkg-lock
rm -f /var/tmp/sd-dpkg-lock.json
systemd-run --unit sd-hold-dpkg-lock --collect /usr/local/sbin/sd-hold-dpkg-lock >/dev/null
for _ in $(seq 1 50); do
  python3 -c 'import fcntl, sys
with open("/var/lib/dpkg/lock-frontend", "w") as f:
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit(0)
sys.exit(1)' && break
  sleep 0.1
done
touch /var/tmp/sd-dpkg-lock.started
echo "sd-upgrade-probe 1.0 installed, 1.1 offered; dpkg frontend lock held by sd-hold-dpkg-lock"
