"""The house plan is enforced: `lint-imports` (run by `make quality`) passes on the tree as it is
and fails as soon as a lower layer imports a higher one."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ["core", "governance", "questionnaires", "conferences", "referrals", "mutualisation"]
PACKAGES += ["portal", "demo"]

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter absent")


def _copy_tree(target: Path) -> None:
    """The Python sources only: the check reads imports, not templates or data."""
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=lambda directory, names: [
                n for n in names if not n.endswith(".py") and not (Path(directory) / n).is_dir()
            ],
        )


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        timeout=120,
    )


def test_the_tree_keeps_its_layers(tmp_path):
    _copy_tree(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/_probe.py", "from governance import models\n", "core is not allowed to import"),
        (
            "governance/_probe.py",
            "import conferences.models\n",
            "governance is not allowed to import conferences",
        ),
        (
            "mutualisation/_probe.py",
            "from referrals import models\n",
            "mutualisation is not allowed to import referrals",
        ),
        (
            "questionnaires/_probe.py",
            "import referrals\n",
            "questionnaires is not allowed to import referrals",
        ),
    ],
)
def test_an_import_against_the_layers_fails_the_check(tmp_path, module, line, broken):
    _copy_tree(tmp_path)
    (tmp_path / module).write_text(line)
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout
