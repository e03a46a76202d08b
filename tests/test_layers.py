"""The house: the package's stages import only the stages below them, and the cache
knows every module of the package.

The layers are import-linter contracts in pyproject.toml (core ← sources ← history
← site ← render, outputs ← publish ← live, tools ← cli, and the orders inside
sources/ and site/); a module that imports a later stage, even inside a function or
only for a type annotation, breaks them. Beside them, a check of our own reads every
module's imports from its syntax tree (inside functions and `if TYPE_CHECKING:`
included) and finds no circle anywhere in the package.
"""

from __future__ import annotations

import ast
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


def module_imports(folder: Path, package: str) -> dict[str, set[str]]:
    """Each module of the package (by dotted name) → the package's modules it imports,
    wherever the import statement is: top level, inside a function, or under
    `if TYPE_CHECKING:`. `from a.b import c` names the module a.b.c when there is one,
    else a.b (c is a name in it)."""
    modules = {}
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[:len(here.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                               else base for alias in node.names)
        found[name] = {t for t in targets if t in modules and t != name}
    assert package in modules, package
    return found


def a_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports (its modules, the first repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once fully explored
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (circle := visit(target)):
                return circle
        state[module] = "done"
        path.pop()
        return None
    for module in sorted(graph):
        if module not in state and (circle := visit(module)):
            return circle
    return None


def test_no_import_circle_in_the_package_type_only_imports_included():
    graph = module_imports(REPO / "builder", "builder")
    # The walk sees the imports a run-time graph would miss: one under
    # `if TYPE_CHECKING:` and one inside a function.
    assert "builder.site.totals" in graph["builder.render.charts"]
    assert "builder.site.structure" in graph["builder.publish.build"]
    # The site model is at the bottom of site/: it reads none of the page makers.
    assert "builder.site.model" in graph["builder.site.embeds"]
    assert not graph["builder.site.model"] & {"builder.site.structure", "builder.site.embeds",
                                              "builder.site.explorer", "builder.site.feeds"}
    assert a_circle(graph) is None, " → ".join(a_circle(graph))


def test_the_circle_check_finds_a_circle_closed_by_a_type_only_import(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n\nclass A: ...\n")
    (package / "b.py").write_text("from __future__ import annotations\n"
                                  "from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from .a import A\n")
    (package / "c.py").write_text("def late():\n    from pkg import a\n")
    graph = module_imports(package, "pkg")
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": {"pkg.a"}}
    assert a_circle(graph) == ["pkg.a", "pkg.b", "pkg.a"]
    assert a_circle({"pkg.a": {"pkg.b"}, "pkg.b": set()}) is None


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
