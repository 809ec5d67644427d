#!/usr/bin/env bash
# Release the collection: bump galaxy.yml's version, release the changelog fragments into
# changelogs/changelog.yaml and CHANGELOG.md (antsibull-changelog), and build the tarball.
#
#   scripts/release.sh VERSION        # e.g. scripts/release.sh 0.2.0
#
# Refuses a version that is not semantic (X.Y.Z), that is lower than galaxy.yml's, or that the
# changelog already released, and a release without a release_summary fragment. Commits and
# tags nothing: it prints the git commands to run after a review of the diff.
# Output: build/release/selfhosted-dokku-VERSION.tar.gz. Needs the test venv (scripts/setup-python.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

[ "$#" -eq 1 ] || die "usage: scripts/release.sh VERSION"
version="$1"
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || die "not a version X.Y.Z: $version"

current="$(sed -n 's/^version: *//p' galaxy.yml)"
[ -n "$current" ] || die "no version in galaxy.yml"
lower="$(printf '%s\n%s\n' "$current" "$version" | sort -V | head -n 1)"
[ "$lower" = "$current" ] || die "$version is lower than galaxy.yml's version $current"
python3 - "$version" <<'PYEOF' || die "the changelog already has a release $version"
import sys
import yaml

with open("changelogs/changelog.yaml", encoding="utf-8") as handle:
    releases = (yaml.safe_load(handle) or {}).get("releases") or {}
sys.exit(1 if sys.argv[1] in releases else 0)
PYEOF
grep -lqs '^release_summary:' changelogs/fragments/*.yml changelogs/fragments/*.yaml \
  || die "no fragment in changelogs/fragments has a release_summary: add one for $version"

antsibull-changelog lint || die "antsibull-changelog lint found problems in the fragments"
sed -i "s/^version: .*/version: $version/" galaxy.yml
antsibull-changelog release --version "$version"
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

mkdir -p build/release
rm -f "build/release/selfhosted-dokku-$version.tar.gz"
ansible-galaxy collection build --output-path build/release "$REPO_ROOT" >/dev/null
tarball="build/release/selfhosted-dokku-$version.tar.gz"
[ -s "$tarball" ] || die "ansible-galaxy did not build $tarball"
log "released $version: galaxy.yml, changelogs/changelog.yaml, CHANGELOG.md; $tarball"
log "review, then: git add -A galaxy.yml changelogs CHANGELOG.md && git commit -m 'Release $version' && git tag $version"
