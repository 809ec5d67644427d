# Copyright: selfhosted.dokku developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test sessions run by scripts/test.sh (nox with antsibull-nox; venvs made by uv).

From antsibull-nox.toml: ``docs-check`` (antsibull-docs lint-collection-docs) and
``build-import-check`` (ansible-galaxy collection build, then the Galaxy importer).

Defined here, one venv per ansible-core release line of the tested matrix:

- ``sanity-2.19``: every ansible-test sanity test, on the line the full suite runs on;
- ``matrix-2.16``, ``matrix-2.17``, ``matrix-2.18``: the sanity tests whose result depends on
  the ansible-core version (module docs, ansible-doc, meta/runtime.yml), then a smoke subset of
  the pytest suite that runs the modules, the roles and the drift callback through that line's
  ansible-playbook against the Dokku test double.

antsibull-nox's own ansible-test sessions run ``--docker`` with the default test container,
which these machines cannot pull, so the sessions here run ansible-test on the venv's Python
in the collection tree antsibull-nox prepares. Each session writes what passed to
tests/output/matrix/ for scripts/matrix_table.py (the README's matrix table).
"""

import importlib.util
import os
import platform
import shutil
import sys
from pathlib import Path

import nox

try:
    import antsibull_nox
    from antsibull_nox.sessions.collections import prepare_collections
except ImportError:
    print("You need to install antsibull-nox in the same Python environment as nox.")
    sys.exit(1)

sys.path.insert(0, str(Path(__file__).parent / "scripts"))
import matrix_table  # noqa: E402  pylint: disable=wrong-import-position

antsibull_nox.load_antsibull_nox_toml()

REPO = Path(__file__).parent.resolve()
PYTHON = "3.11"

# The sanity tests that read the collection through ansible-core's own code and schemas, so
# their result can change from one line to the next. The others (pep8, pylint, yamllint,
# shebang, ...) check the source against fixed rules: they run once, on the full-suite line.
CORE_DEPENDENT_SANITY = ["validate-modules", "ansible-doc", "runtime-metadata", "action-plugin-docs"]

# The pytest smoke subset for the other lines: the tutorial's site.yml through every Dokku role
# (check mode, converge, idempotence), the roles' argument specs, the drift callback, secret
# masking, and the module_utils unit tests that import ansible.module_utils.
SMOKE = [
    "tests/modules/test_site_tutorial.py",
    "tests/modules/test_roles.py::test_wrong_variables_stop_every_role_before_any_change",
    "tests/modules/test_drift.py::test_check_mode_drift_check_never_writes_even_on_an_empty_host",
    "tests/modules/test_dokku_config.py::test_secret_canary_never_printed",
    "tests/unit/test_runner.py",
    "tests/unit/test_validation.py",
]

# What the module tests need besides ansible-core (kept in step with tests/requirements.txt).
SMOKE_DEPS = ["pytest>=8", "pytest-xdist>=3", "jsonschema>=4"]


def _core_spec(line):
    major, minor = (int(part) for part in line.split("."))
    return "ansible-core>=%d.%d,<%d.%d" % (major, minor, major, minor + 1)


def _session_python(session, code):
    return session.run("python", "-c", code, silent=True).strip()


def _pip_bootstrap_stand_in(session):
    """ansible-test bootstraps pip in the venvs it makes (the import test) with get-pip.py from a
    host these machines cannot reach; it reuses ~/.ansible/test/cache/get_pip_<version>.py when
    present. The stand-in installs pip with ensurepip and passes the rest to pip install."""
    pip_version = _session_python(
        session,
        "from ansible_test._internal import python_requirements as r; "
        "import inspect, re; print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r)).group(1))",
    )
    stand_in = Path.home() / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % pip_version.replace(".", "_"))
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    stand_in.write_text(
        '"""Offline stand-in for get-pip.py (written by the noxfile of selfhosted.dokku)."""\n'
        "import subprocess\nimport sys\n\n"
        'args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]\n'
        'subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])\n'
        'subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)\n',
        encoding="utf-8",
    )


def _ansible_test_sanity(session, tests):
    _pip_bootstrap_stand_in(session)
    setup = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    if setup is None:
        session.error("could not lay out the collection for ansible-test")
    args = ["ansible-test", "sanity", "--color", "no", "--python", PYTHON, "--requirements"]
    for test in tests:
        args += ["--test", test]
    with session.chdir(setup.current_path):
        session.run(*args)
    return tests or ["all"]


def _link_test_collections(session):
    """The module tests print their results with ansible.posix.json; the venv gets the
    ansible.posix of the test venv (PyPI's ansible package), which supports ansible-core 2.15+."""
    spec = importlib.util.find_spec("ansible_collections.ansible.posix")
    if spec is None or not spec.submodule_search_locations:
        session.error("ansible.posix is not installed next to nox (pip install -r tests/requirements.txt)")
    source = Path(list(spec.submodule_search_locations)[0])
    purelib = Path(_session_python(session, "import sysconfig; print(sysconfig.get_path('purelib'))"))
    dest = purelib / "ansible_collections" / "ansible" / "posix"
    if not dest.exists():
        shutil.copytree(source, dest, symlinks=True)


def _record(session, line, **results):
    version = _session_python(session, "import ansible.release as r; print(r.__version__)")
    if not version.startswith(line + "."):
        session.error("the %s venv runs ansible-core %s" % (line, version))
    matrix_table.record(
        line, "controller", version=version, python=platform.python_version(), **results
    )


def _matrix_session(line):
    @nox.session(name="matrix-" + line, python=PYTHON, venv_params=["--seed"], default=True)
    def matrix(session):
        session.install(_core_spec(line), *SMOKE_DEPS)
        _link_test_collections(session)
        sanity = _ansible_test_sanity(session, CORE_DEPENDENT_SANITY)
        session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", *SMOKE,
                    external=False, env={"PYTEST_ADDOPTS": ""})
        _record(session, line, sanity=sanity, tests="smoke")

    matrix.__doc__ = "ansible-core %s: version-dependent sanity tests and the pytest smoke subset" % line
    return matrix


for _line in matrix_table.SMOKE_LINES:
    _matrix_session(_line)


@nox.session(name="sanity-" + matrix_table.FULL_LINE, python=PYTHON, venv_params=["--seed"], default=True)
def sanity_full(session):
    """Every ansible-test sanity test (no ignore entries) on the line of the full suite."""
    session.install(_core_spec(matrix_table.FULL_LINE))
    sanity = _ansible_test_sanity(session, [])
    version = _session_python(session, "import ansible.release as r; print(r.__version__)")
    matrix_table.record(matrix_table.FULL_LINE, "sanity", version=version,
                        python=platform.python_version(), sanity=sanity)


if __name__ == "__main__":
    os.chdir(REPO)
    nox.main()
