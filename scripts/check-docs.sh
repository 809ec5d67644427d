#!/usr/bin/env bash
# ansible-doc must render every module of the collection (DOCUMENTATION, EXAMPLES, RETURN).
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
