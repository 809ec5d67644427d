#!/usr/bin/env bash
# ansible-doc must render every module of the collection (DOCUMENTATION, EXAMPLES, RETURN), and
# the built collection must hold no test fixture (the Dokku test double is never shipped).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_collection_link
export ANSIBLE_COLLECTIONS_PATH="$REPO_ROOT/tests/output/collections"
count=0
for path in plugins/modules/*.py; do
  module="selfhosted.dokku.$(basename "$path" .py)"
  out="$(ansible-doc "$module" 2>&1)" || die "ansible-doc $module failed: $out"
  grep -q "EXAMPLES:" <<<"$out" || die "ansible-doc $module shows no EXAMPLES"
  grep -q "RETURN VALUES:" <<<"$out" || die "ansible-doc $module shows no RETURN VALUES"
  count=$((count + 1))
done
log "ansible-doc renders all $count modules"

out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
ansible-galaxy collection build --output-path "$out_dir" "$REPO_ROOT" >/dev/null
shipped="$(tar tzf "$out_dir"/selfhosted-dokku-*.tar.gz)"
if grep -E '^(tests|molecule|scripts|\.ci|\.pytest_cache)/' <<<"$shipped"; then
  die "the built collection contains test or CI files (see build_ignore in galaxy.yml)"
fi
grep -q '^plugins/modules/dokku_app.py$' <<<"$shipped" || die "the built collection lacks its modules"
log "the built collection ships $(wc -l <<<"$shipped") files, no test fixtures"
