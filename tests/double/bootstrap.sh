#!/usr/bin/env bash
# TEST FIXTURE, NOT DOKKU: a stand-in for Dokku's bootstrap.sh that installs the Dokku test
# double (tests/double) as /usr/bin/dokku. Real Dokku cannot be installed without the internet,
# so the molecule scenarios and scripts/demo.sh serve this file to the dokku_install role
# (dokku_install_bootstrap_url: file:///opt/dokku-double/src/bootstrap.sh, its sha256 pinned
# next to that URL). The role's defaults keep the official URL and checksums.
#
#   sudo DOKKU_TAG=v0.38.27 bash bootstrap.sh
#
# What it keeps from the real script and the dokku package (contract §14.1):
#  - must run as root; `hostname -f` must succeed; the VERSION_ID check of the deb path;
#  - DOKKU_TAG (v-prefixed) picks the version; without it the newest the double imitates;
#  - the first install lays out a fresh host (dokku user, /home/dokku, /var/lib/dokku); later
#    runs keep the state and only switch the version, like a package upgrade;
#  - the package's preinst/postinst use of the preseeded debconf answers: /home/dokku/VHOST is
#    written from dokku/hostname only if dokku/vhost_enable is true and the file does not exist;
#    the dokku/key_file is added as the SSH user "default" unless dokku/skip_key_file is true
#    (a missing key file is reported, not fatal; a duplicate on re-runs fails harmlessly).
# Environment: DOKKU_TAG, DOKKU_DOUBLE_SRC (a copy of tests/double, default
# /opt/dokku-double/src). Installs into /usr/lib/dokku-double, /usr/bin/dokku and
# /usr/bin/dokku-double-admin.
set -euo pipefail

DOUBLE_SRC="${DOKKU_DOUBLE_SRC:-/opt/dokku-double/src}"
DOUBLE_LIB=/usr/lib/dokku-double
DOUBLE_DEFAULT_VERSION=0.38.27
DOKKU_ROOT=/home/dokku
DOKKU_LIB_ROOT=/var/lib/dokku

say() { echo "-----> [dokku test double] $*"; }
fail() {
  echo " !     [dokku test double] $*" >&2
  exit 1
}

# ensure-environment
[ "$(id -u)" -eq 0 ] || fail "This installation script must be run as root (sudo DOKKU_TAG=vX.Y.Z bash bootstrap.sh)"
if ! hostname -f >/dev/null 2>&1; then
  fail "This installation script requires that you have a hostname set for the instance. Please set a hostname for 127.0.0.1 in your /etc/hosts"
fi
[ -z "${DOKKU_BRANCH:-}" ] || fail "DOKKU_BRANCH (a source install) is not supported by this stand-in; set DOKKU_TAG"

version="$DOUBLE_DEFAULT_VERSION"
if [ -n "${DOKKU_TAG:-}" ]; then
  [[ "$DOKKU_TAG" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]] || fail "DOKKU_TAG must be a release tag like v0.38.27, got '$DOKKU_TAG'"
  version="${BASH_REMATCH[1]}"
fi
say "Stand-in bootstrap.sh: installing the Dokku TEST DOUBLE v$version (not Dokku) from $DOUBLE_SRC"

# install-dokku-from-deb-package: the same VERSION_ID list as the real script
# shellcheck source=/dev/null
version_id="$(. /etc/os-release && echo "${VERSION_ID:-}")"
case "$version_id" in
  22.04 | 24.04 | 10 | 11 | 12 | 13) ;;
  *) fail "Unsupported Linux distribution. Only the following versions are supported: Debian [11, 12, 13], Ubuntu [22.04, 24.04]" ;;
esac
# the dokku package's dependencies that the double uses (git: the apps' repositories)
missing=()
for pkg in python3 git; do command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
fi
if [ ! -f "$DOUBLE_SRC/dokku_double/cli.py" ] || [ ! -f "$DOUBLE_SRC/bin/dokku" ]; then
  fail "no copy of tests/double in $DOUBLE_SRC (set DOKKU_DOUBLE_SRC)"
fi

# debconf answers as the package's config script would see them (template defaults otherwise)
debconf_answer() {
  local value
  value="$(debconf-show dokku 2>/dev/null | sed -n "s|^[* ] dokku/$1: ||p" | head -n 1)"
  printf '%s' "${value:-$2}"
}
hostname_answer="$(debconf_answer hostname dokku.me)"
vhost_enable="$(debconf_answer vhost_enable false)"
skip_key_file="$(debconf_answer skip_key_file false)"
key_file="$(debconf_answer key_file /root/.ssh/id_rsa.pub)"
nginx_enable="$(debconf_answer nginx_enable true)"

# preinst
if [ "$skip_key_file" != true ] && [ ! -f "$key_file" ]; then
  echo "Error: keyfile '$key_file' not found." >&2
fi

fresh=1
if [ -x /usr/bin/dokku ] && [ -f "$DOKKU_LIB_ROOT/STABLE_VERSION" ]; then fresh=0; fi

# unpack: the double's package and its launchers
rm -rf "$DOUBLE_LIB.new"
mkdir -p "$DOUBLE_LIB.new"
cp -R "$DOUBLE_SRC/dokku_double" "$DOUBLE_SRC/bin" "$DOUBLE_LIB.new/"
if [ -f "$DOUBLE_SRC/latency.json" ]; then cp "$DOUBLE_SRC/latency.json" "$DOUBLE_LIB.new/"; fi
find "$DOUBLE_LIB.new" -name __pycache__ -type d -prune -exec rm -rf {} +
rm -rf "$DOUBLE_LIB"
mv "$DOUBLE_LIB.new" "$DOUBLE_LIB"
for name in dokku dokku-double-admin; do
  cat >"/usr/bin/$name.new" <<EOF
#!/usr/bin/env bash
# The Dokku TEST DOUBLE (a test fixture, not Dokku), installed by tests/double/bootstrap.sh.
export DOKKU_DOUBLE_LIB=$DOUBLE_LIB
exec $DOUBLE_LIB/bin/$name "\$@"
EOF
  chmod 0755 "/usr/bin/$name.new"
  mv -f "/usr/bin/$name.new" "/usr/bin/$name"
done

# postinst: the dokku user and the state
if ! getent passwd dokku >/dev/null; then
  useradd --system --user-group --home-dir "$DOKKU_ROOT" --create-home --shell /bin/bash dokku
fi
if [ "$fresh" = 1 ]; then
  /usr/bin/dokku-double-admin init --version "$version" >/dev/null
  say "fresh host laid out in $DOKKU_ROOT and $DOKKU_LIB_ROOT"
else
  previous="$(cat "$DOKKU_LIB_ROOT/STABLE_VERSION")"
  /usr/bin/dokku-double-admin init --upgrade --version "$version" >/dev/null
  say "switched from v$previous to v$version, state kept"
fi
chown dokku:dokku "$DOKKU_ROOT" "$DOKKU_ROOT/.ssh" "$DOKKU_ROOT/.ssh/authorized_keys" "$DOKKU_ROOT/.sshcommand"

if [ "$vhost_enable" = true ] && [ ! -e "$DOKKU_ROOT/VHOST" ]; then
  printf '%s\n' "$hostname_answer" >"$DOKKU_ROOT/VHOST"
  chown dokku:dokku "$DOKKU_ROOT/VHOST"
  say "global domain $hostname_answer written to $DOKKU_ROOT/VHOST"
fi
if [ -z "${DEBCONF_RECONFIGURE:-}" ] && [ "$skip_key_file" != true ] && [ -f "$key_file" ]; then
  if /usr/bin/dokku ssh-keys:add default "$key_file"; then
    say "added $key_file as SSH user default"
  else
    say "$key_file not added as SSH user default (see above)"
  fi
fi
if [ "$nginx_enable" != true ]; then
  say "dokku/nginx_enable=$nginx_enable noted (the double has no nginx)"
fi

say "done: $(/usr/bin/dokku version)"
