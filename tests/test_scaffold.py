"""`budgetsite new`: the scaffold, and `check` naming exactly the fields still empty."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import build, copy_site, run_budgetsite

from builder.sources import discover, load, narrative, schema
from builder.tools import scaffold

FOLDER = "content/projects/wuhua/2026/new-project"
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^:]+): "
                     r"(?P<message>.*)$")


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(tmp_path / "site")


def new(site: Path, *args: str):
    return run_budgetsite("new", *args, "--root", site)


def required_leaves(spec: schema.Record, prefix: str = "") -> list[str]:
    """The required fields that hold a value (not a group), as check names them."""
    names = []
    for name, field in spec.fields.items():
        if not field.required:
            continue
        path = f"{prefix}.{name}" if prefix else name
        kind = field.kind
        if isinstance(kind, schema.ListOf):
            kind, path = kind.item, path + "[1]"
        if isinstance(kind, schema.Record):
            names += required_leaves(kind, path)
        else:
            names.append(path)
    return names


def errors(result) -> list[dict]:
    return [m.groupdict() for line in result.stderr.splitlines()
            if (m := PROBLEM.match(line)) and not m["message"].startswith("warning:")]


def test_new_creates_the_three_files(site):
    result = new(site, "wuhua", "2026", "new-project")
    assert result.returncode == 0, result.stderr
    folder = site / FOLDER
    assert sorted(p.name for p in folder.iterdir()) == ["en.md", "project.yaml", "zh.md"]
    assert f"created {FOLDER}/" in result.stdout
    text = (folder / "project.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == scaffold.SCHEMA_LINE
    data = yaml.safe_load(text)
    assert (data["district"], data["year"]) == ("wuhua", 2026)


def test_every_field_is_there_with_a_comment_in_chinese_and_english(site):
    assert new(site, "wuhua", "2026", "new-project").returncode == 0
    lines = (site / FOLDER / "project.yaml").read_text(encoding="utf-8").splitlines()

    def walk(spec: schema.Record):
        for name, field in spec.fields.items():
            yield name, field
            kind = field.kind.item if isinstance(field.kind, schema.ListOf) else field.kind
            if isinstance(kind, schema.Record):
                yield from walk(kind)

    at = 0
    for name, field in walk(schema.PROJECT):  # the file follows the schema's order
        at = next((i for i in range(at + 1, len(lines))
                   if lines[i].lstrip("# -").startswith(f"{name}:")), None)
        assert at, f"{name} is not in the scaffold"
        comment = lines[at - 1]
        assert comment.lstrip().startswith("#"), name
        assert field.zh in comment and re.search(r"[A-Za-z]{3}", comment), comment


def test_check_names_exactly_the_empty_fields(site):
    assert new(site, "wuhua", "2026", "new-project").returncode == 0
    result = run_budgetsite("check", "--root", site)
    assert result.returncode == 1
    found = errors(result)
    assert found, result.stderr
    assert all(e["path"] == f"{FOLDER}/project.yaml" for e in found), result.stderr
    assert all(e["message"].startswith("is still empty: fill in ") for e in found)
    assert all(e["message"].endswith(" [schema.empty]") for e in found), result.stderr
    expected = [n for n in required_leaves(schema.PROJECT) if n not in ("district", "year")]
    assert sorted(e["field"] for e in found) == sorted(expected)
    assert "not valid YAML" not in result.stderr and "Traceback" not in result.stderr
    # the line of each problem is the line of its field
    lines = (site / FOLDER / "project.yaml").read_text(encoding="utf-8").splitlines()
    for e in found:
        leaf = re.sub(r"\[\d+\]", "", e["field"]).split(".")[-1]
        assert lines[int(e["line"]) - 1].lstrip(" -").startswith(f"{leaf}:"), e


def test_a_filled_field_leaves_the_list(site):
    assert new(site, "wuhua", "2026", "new-project").returncode == 0
    path = site / FOLDER / "project.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name:\n  zh:\n", "name:\n  zh: 示例项目\n", 1)
    text = text.replace("  budget_year:\n", "  budget_year: 1200000\n", 1)
    path.write_text(text, encoding="utf-8")
    fields = {e["field"] for e in errors(run_budgetsite("check", "--root", site))}
    assert "name" not in fields and "funding.budget_year" not in fields
    assert "basis" in fields and "indicators[1].id" in fields


def test_narrative_skeletons_carry_the_five_sections(site):
    assert new(site, "wuhua", "2026", "new-project").returncode == 0
    for lang in ("zh", "en"):
        text = (site / FOLDER / f"{lang}.md").read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+) \{#([a-z-]+)\}$", text, re.M)
        assert [sid for _, sid in headings] == list(narrative.SECTION_IDS)
        titles = [getattr(narrative.SECTION_TITLES[sid], lang) for sid in narrative.SECTION_IDS]
        assert [title for title, _ in headings] == titles
    result = run_budgetsite("check", "--root", site)
    for sid in narrative.SECTION_IDS:
        assert f"the section {{#{sid}}} is still empty" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("wuhua", "2026", "../escape"), "is not safe"),
    (("wuhua", "2026", "Has Spaces"), "is not safe"),
    (("wuhua", "2026", "a/b"), "is not safe"),
    (("wuhua", "2026", "trailing-"), "is not safe"),
    (("wuhua", "2026", "x" * 81), "is not safe"),
    (("nowhere", "2026", "fine"), "unknown district 'nowhere'"),
    (("../wuhua", "2026", "fine"), "unknown district"),
    (("wuhua", "20266", "fine"), "out of range"),
    (("wuhua", "2025", "urban-rural-medical-assistance"), "already exists"),
])
def test_new_refuses(site, args, message):
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = new(site, *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_the_writer_keeps_every_value(tmp_path):
    """project_yaml() writes what it is given: the real projects, rewritten, load the same."""
    root = copy_site(tmp_path / "site")
    real = {p.key: p for p in discover.load_content(root).projects}
    for key, project in real.items():
        folder = root / "content" / "projects" / key
        data = load.load_yaml(folder / "project.yaml", "project.yaml").data
        (folder / "project.yaml").write_text(scaffold.project_yaml(data), encoding="utf-8")
    again = {p.key: p for p in discover.load_content(root).projects}
    for key, project in real.items():
        assert again[key] == project
        assert again[key].missing_english == project.missing_english == ()


def test_untouched_english_skeleton_shows_the_chinese(tmp_path):
    root = copy_site(tmp_path / "site")
    folder = root / "content/projects/wuhua/2025/urban-rural-medical-assistance"
    (folder / "en.md").write_text(scaffold.narrative_md("en"), encoding="utf-8")
    result = run_budgetsite("check", "--root", root)
    assert result.returncode == 0, result.stderr
    assert "en.md:1:1: file: warning: no English narrative yet" in result.stderr
    assert "[translation.narrative]" in result.stderr
    out = build(root, None, "--no-search")
    page = (out / "en/wuhua/2025/urban-rural-medical-assistance/index.html").read_text("utf-8")
    overview = re.search(r'<section id="overview".*?</section>', page, re.S)[0]
    assert 'lang="zh-CN"' in overview and "not yet translated" in overview
    assert "在资助城乡困难群众" in overview
    assert "Translate the section" not in page  # the placeholder comment never shows


def test_optional_text_left_blank_is_named(tmp_path):
    root = copy_site(tmp_path / "site")
    path = root / "content/projects/chenggong/2026/civil-servant-medical-subsidy-insurance" \
                  "/project.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"  note:\n    zh: .*\n    en: .*\n", "  note:\n    zh:\n    en:\n", text)
    path.write_text(text, encoding="utf-8")
    result = run_budgetsite("check", "--root", root)
    assert result.returncode == 1
    assert ("funding.note: is still empty: fill in where the money comes from, or delete the "
            "field") in result.stderr
    assert "Traceback" not in result.stderr


PLACEHOLDER_LINE = re.compile(r"^(content/(?:site|districts)\.yaml):(\d+):(\d+): (\S+): "
                              r"warning: .* \[site\.placeholder\]$")


def test_a_new_site_names_every_placeholder_until_it_is_replaced(tmp_path):
    """`budgetsite init` writes placeholders that validate; `check` names each one where
    it is written, `--strict site.placeholder` refuses them, and a site with its own
    words, address and codes is silent."""
    site = tmp_path / "site"
    assert run_budgetsite("init", site).returncode == 0
    result = run_budgetsite("check", "--root", site)
    assert result.returncode == 0, result.stdout + result.stderr
    found = {(m.group(1), m.group(4)) for line in (result.stdout + result.stderr).splitlines()
             if (m := PLACEHOLDER_LINE.match(line))}
    assert {("content/site.yaml", "title.zh"), ("content/site.yaml", "title.en"),
            ("content/site.yaml", "base_url"), ("content/site.yaml", "publisher.zh"),
            ("content/districts.yaml", "city.code"), ("content/districts.yaml", "city.zh"),
            ("content/districts.yaml", "districts[1].code"),
            ("content/districts.yaml", "districts[1].en")} <= found
    strict = run_budgetsite("check", "--root", site, "--strict", "site.placeholder")
    assert strict.returncode == 1

    for name, replace in (("site.yaml", {"【某市】": "昆明市", "[City]": "Kunming",
                                         "【某市某部门】": "昆明市财政局",
                                         "[The publishing department]": "Kunming Finance Bureau",
                                         "https://example.org": "https://budget.km.example.cn"}),
                          ("districts.yaml", {'"000000"': '"530100"', "【某市】": "昆明市",
                                              "[City]": "Kunming", '"000001"': '"530102"',
                                              "【某区】": "五华区", "[Example] District": "Wuhua District"})):
        path = site / "content" / name
        text = path.read_text("utf-8")
        for old, new in replace.items():
            text = text.replace(old, new)
        path.write_text(text, "utf-8")
    result = run_budgetsite("check", "--root", site, "--strict", "site.placeholder")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "site.placeholder" not in result.stdout + result.stderr


def test_init_is_all_or_nothing(tmp_path):
    """When one file cannot be written (here a file .github stands where its folder
    belongs), init leaves nothing of its own behind, so a second try, once the cause is
    gone, is not refused for the files the first one wrote."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("ours\n", encoding="utf-8")
    (site / ".github").write_text("in the way\n", encoding="utf-8")
    result = run_budgetsite("init", site)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "could not write the new site" in result.stderr
    assert sorted(p.name for p in site.rglob("*")) == [".github", "notes.txt"]
    (site / ".github").unlink()
    result = run_budgetsite("init", site)
    assert result.returncode == 0, result.stderr
    assert (site / "content/site.yaml").is_file() and (site / "notes.txt").is_file()
