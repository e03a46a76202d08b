"""`budgetsite check --translations`: what each project still lacks in English."""

from __future__ import annotations

import re
import shutil

from conftest import FIXTURES, REPO, copy_site, run_budgetsite

from builder.sources import discover

WUHUA = "wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance"


def report(root) -> str:
    result = run_budgetsite("check", "--translations", "--root", root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_real_content_is_fully_translated():
    text = report(REPO)
    projects = discover.load_content(REPO).projects
    for project in projects:
        texts = project.text_fields + len(project.narrative["zh"])
        assert f"{project.key}: 100% translated ({texts} of {texts} texts)\n" in text
    assert "missing English" not in text


def test_missing_english_is_listed_with_coverage(tmp_path):
    root = copy_site(tmp_path / "site")
    folder = root / "content/projects" / WUHUA
    yaml_text = (folder / "project.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("  en: Special fund for urban and rural medical assistance\n",
                                  "", 1)
    (folder / "project.yaml").write_text(yaml_text, encoding="utf-8")
    (root / "content/projects" / CHENGGONG / "en.md").unlink()
    lines = report(root).splitlines()

    wuhua = next(line for line in lines if line.startswith(WUHUA))
    done, total = map(int, re.search(r"\((\d+) of (\d+) texts\)", wuhua).groups())
    assert total - done == 1
    assert f"{100 * done // total}% translated" in wuhua and "100%" not in wuhua
    assert f"    content/projects/{WUHUA}/project.yaml: name" in lines

    chenggong = next(line for line in lines if line.startswith(CHENGGONG))
    assert "missing English" in chenggong
    for sid in ("overview", "activities", "funding-arrangement", "plan", "results"):
        assert f"    content/projects/{CHENGGONG}/en.md: #{sid}" in lines
    assert lines[-1].startswith("budgetsite: 2 project(s);")


def test_an_imported_project_has_no_english_yet(tmp_path):
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "content" / "projects")
    source = FIXTURES / "import" / "seed-002-chenggong-2026.txt"
    assert run_budgetsite("import", source, "--root", root, "--slug", "x").returncode == 0
    lines = report(root).splitlines()
    assert re.match(r"chenggong/2026/x: 0% translated \(0 of \d+ texts\); missing English:",
                    lines[0])
    assert "    content/projects/chenggong/2026/x/project.yaml: indicators[5].source" in lines
