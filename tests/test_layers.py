"""The house: the package's stages import only the stages below them, and the cache
knows every module of the package.

The layers are import-linter contracts in pyproject.toml (core ← sources ← history
← site ← render, outputs ← publish ← live, tools ← cli, and the order inside
sources/); a module that imports a later stage, even inside a function, breaks them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_no_stage_imports_a_later_one(monkeypatch, capsys):
    from importlinter.cli import lint_imports
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))
    status = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True,
                          no_logo=True)
    said = capsys.readouterr().out
    assert status == 0, said[-3000:]
    assert "3 kept, 0 broken" in said, said[-2000:]


def test_every_stage_is_a_folder_that_says_what_it_owns():
    package = REPO / "builder"
    stages = sorted(p.parent.name for p in package.glob("*/__init__.py"))
    assert stages == ["core", "history", "live", "outputs", "publish", "render", "site",
                      "sources", "tools"]
    for stage in stages:
        doc = (package / stage / "__init__.py").read_text("utf-8").strip()
        assert doc.startswith('"""') and doc.endswith('"""') and "\n" not in doc, stage
    assert sorted(p.name for p in package.glob("*.py")) == ["__init__.py", "__main__.py",
                                                            "cli.py"]


def _code_version(package_parent: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", "from builder.core.cache import code_version; "
                               "print(code_version())"],
        cwd=package_parent, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"}).stdout.strip()


def test_the_cache_version_covers_every_module_of_every_stage(tmp_path):
    """A change to any module, in any subpackage, starts an empty cache: the cache's
    contents are made by the code, all of it."""
    copy = tmp_path / "copy"
    shutil.copytree(REPO / "builder", copy / "builder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = _code_version(copy)
    for module in ("sources/check.py", "outputs/links.py", "live/engine.py", "cli.py"):
        path = copy / "builder" / module
        original = path.read_text("utf-8")
        path.write_text(original + "\n# changed\n", "utf-8")
        assert _code_version(copy) != before, module
        path.write_text(original, "utf-8")
    assert _code_version(copy) == before
