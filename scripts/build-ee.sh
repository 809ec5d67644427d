#!/usr/bin/env bash
# Build the execution environment of meta/execution-environment.yml on this machine, then run
# the tutorial's site.yml from inside it against the Dokku test double (twice: the second run
# must change nothing).
#
#   scripts/build-ee.sh
#
# No registry answers here, so the build starts from the local Debian 12 base image
# (scripts/build-base-image.sh) instead of the definition's base image, and the collection comes
# from a tarball of this checkout instead of Galaxy. Everything else (ansible-core, ansible-runner,
# requirements.txt, bindep.txt) is the definition's. The derived definition is
# build/ee/execution-environment.yml:
#  - images.base_image: $SD_BASE_IMAGE; options.package_manager_path: apt-get;
#  - a first build step installs Debian's python3-pip (Debian turns ensurepip off for its system
#    Python, so ansible-builder's own pip installation is skipped: options.skip_pip_install);
#  - when this machine's pip trusts a CA bundle of its own (PIP_CERT), the build does too.
# Needs a Docker engine (scripts/setup-docker.sh), the base image and the test venv.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

IMAGE=selfhosted-dokku-ee:local
OUT="$REPO_ROOT/build/ee"
start="$(now)"
docker_ok || die "no Docker engine answers: run scripts/setup-docker.sh first"
docker image inspect "$SD_BASE_IMAGE" >/dev/null 2>&1 || die "no $SD_BASE_IMAGE: run scripts/build-base-image.sh"

rm -rf "$OUT"
mkdir -p "$OUT/files"
ansible-galaxy collection build --output-path "$OUT/files" "$REPO_ROOT" >/dev/null
tarball="$(basename "$(ls "$OUT"/files/selfhosted-dokku-*.tar.gz)")"
cp requirements.txt bindep.txt "$OUT/"
ca=""
if [ -n "${PIP_CERT:-}" ] && [ -r "$PIP_CERT" ]; then
  cp "$PIP_CERT" "$OUT/files/build-ca.pem"
  ca=files/build-ca.pem
fi

python3 - "$OUT" "$SD_BASE_IMAGE" "$tarball" "$ca" <<'PYEOF'
import sys
import yaml

out, base_image, tarball, ca = sys.argv[1:]
with open("meta/execution-environment.yml", encoding="utf-8") as handle:
    ee = yaml.safe_load(handle)
ee["images"]["base_image"]["name"] = base_image
ee["options"]["package_manager_path"] = "/usr/bin/apt-get"
ee["options"]["skip_pip_install"] = True
ee["options"]["tags"] = ["selfhosted-dokku-ee:local"]
ee["dependencies"]["galaxy"] = {
    "collections": [{"name": "files/" + tarball, "type": "file"}],
}
ee["additional_build_files"] = [{"src": "files", "dest": "files"}]
steps = []
if ca:
    steps += [
        "COPY _build/files/build-ca.pem /etc/ssl/certs/build-ca.pem",
        "ENV PIP_CERT=/etc/ssl/certs/build-ca.pem",
    ]
steps.append(
    "RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q"
    " --no-install-recommends python3-pip"
)
ee["additional_build_steps"] = {"prepend_base": steps}
with open(out + "/execution-environment.yml", "w", encoding="utf-8") as handle:
    yaml.safe_dump(ee, handle, sort_keys=False)
PYEOF

t="$(now)"
log "ansible-builder build $IMAGE from $SD_BASE_IMAGE (log: $OUT/build.log)"
if ! ansible-builder build --container-runtime docker -f "$OUT/execution-environment.yml" \
  -c "$OUT/context" -t "$IMAGE" -v 3 >"$OUT/build.log" 2>&1; then
  tail -n 40 "$OUT/build.log" >&2
  die "ansible-builder build failed (log: $OUT/build.log)"
fi
log "built $IMAGE ($(elapsed "$t")s)"

# The tutorial from inside the EE, as AWX would run it: the EE's ansible-core and the collection
# installed in it (not this checkout), the example inventory, the Dokku test double as the host.
t="$(now)"
docker run --rm -v "$REPO_ROOT/tests/double:/double:ro" -v "$REPO_ROOT/inventory:/inventory:ro" \
  "$IMAGE" bash -ec '
    export DOKKU_ROOT=/tmp/dokku/home/dokku DOKKU_LIB_ROOT=/tmp/dokku/var/lib/dokku \
      DOKKU_DOUBLE_DIR=/tmp/dokku/double DOKKU_DOUBLE_EUID=0 PATH=/double/bin:$PATH \
      ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_NOCOLOR=1
    ansible --version | head -n 1
    ansible-galaxy collection list selfhosted.dokku | tail -n 1
    dokku-double-admin init >/dev/null
    printf "dokku:\n  hosts:\n    domain.com:\n      ansible_connection: local\n" >/tmp/local.yml
    run() {
      ansible-playbook selfhosted.dokku.site -i /inventory/example -i /tmp/local.yml \
        --skip-tags apt_upgrade,dokku_install -e ansible_become=false \
        -e ansible_python_interpreter=/usr/bin/python3 >"/tmp/$1.log" 2>&1 \
        || { tail -n 40 "/tmp/$1.log"; exit 1; }
      grep -E "^domain\.com +:" "/tmp/$1.log"
    }
    run converge | grep -q "failed=0" || exit 1
    run again | tee /dev/stderr | grep -q "changed=0 .*failed=0" \
      || { echo "the second run changed something"; exit 1; }
    dokku apps:list
  ' >&2 || die "the tutorial converge inside $IMAGE failed"
log "tutorial converged inside $IMAGE, second run unchanged ($(elapsed "$t")s)"
log "done ($(elapsed "$start")s)"
