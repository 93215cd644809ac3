"""The dependency rule of the README's architecture holds in the code: mandates → managers → notifications →
manatnet, never the other way round. import-linter checks the import graph against the contract in
pyproject.toml; these tests run it, so CI does."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["mandates", "managers", "notifications", "manatnet"]


def lint_imports(cwd):
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--no-logo"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_no_app_imports_an_app_above_it():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_is_the_rule_the_readme_states():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    assert contract["type"] == "layers" and contract["layers"] == APPS
    readme = (ROOT / "README.md").read_text()
    assert "`mandates → managers → notifications → manatnet`" in readme


def test_an_import_against_the_rule_is_caught(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("templates", "reference", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "notifications" / "shortcut.py").write_text("from managers.models import ManagerProfile  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "notifications.shortcut -> managers.models" in result.stdout
