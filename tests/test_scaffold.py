"""`budgetsite new`: the scaffold, and `check` naming exactly the fields still empty."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import gitrepo
import yaml
from conftest import build, copy_site, run_budgetsite
from packaging.requirements import Requirement

from builder.core import glossary
from builder.sources import discover, load, narrative, schema
from builder.tools import init, scaffold

FOLDER = "content/projects/wuhua/2026/new-project"
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^:]+): "
                     r"(?P<message>.*)$")


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(tmp_path / "site")


def new(site: Path, *args: str):
    return run_budgetsite("new", *args, "--root", site)


def required_leaves(spec: schema.Record, prefix: str = "") -> list[str]:
    """The required fields that hold a value (not a group), as check names them, and
    those a new project writes out to be filled (schema.Field.shown)."""
    names = []
    for name, field in spec.fields.items():
        if not (field.required or field.shown):
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
    assert "basis" in fields and "unit.name" in fields


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


# ---- requirements.txt: the budgetsite a new site installs -------------------------------

def pinned(requirement: str) -> Requirement:
    parsed = Requirement(requirement)  # what pip reads: a valid requirement line
    assert parsed.name == "budgetsite"
    return parsed


@pytest.mark.parametrize("direct, expected", [
    ({"url": "https://github.com/owner/budgetsite",
      "vcs_info": {"vcs": "git", "commit_id": "0123abcd", "requested_revision": "main"}},
     "budgetsite @ git+https://github.com/owner/budgetsite@0123abcd"),
    ({"url": "https://example.org/budgetsite-0.1.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": "ab12"}}},
     "budgetsite @ https://example.org/budgetsite-0.1.0-py3-none-any.whl#sha256=ab12"),
    ({}, "budgetsite==0.1.0"),  # no direct_url.json: a package index served it
])
def test_requirements_pin_where_the_installed_budgetsite_came_from(monkeypatch, direct,
                                                                   expected):
    monkeypatch.setattr(init, "_installed", lambda package: ("0.1.0", direct))
    requirement, notes = init.source(init.PACKAGE)
    assert requirement == expected and pinned(requirement)
    assert notes and "cannot install" not in " ".join(notes)


def test_a_budgetsite_from_a_file_or_a_folder_without_remote_is_pinned_there_and_said(
        monkeypatch, tmp_path):
    wheel = tmp_path / "budgetsite-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(init, "_installed", lambda package: (
        "0.1.0", {"url": wheel.as_uri(), "archive_info": {}}))
    requirement, notes = init.source(init.PACKAGE)
    assert pinned(requirement).url == wheel.as_uri()
    assert str(wheel) in notes[0] and "cannot install" in " ".join(notes)

    monkeypatch.setattr(init, "_installed", lambda package: None)  # a checkout, no git
    checkout = tmp_path / "budgetsite"
    (checkout / "builder").mkdir(parents=True)
    requirement, notes = init.source(checkout / "builder")
    assert pinned(requirement).url == checkout.as_uri()
    assert "no git remote" in notes[0] and "cannot install" in " ".join(notes)


@pytest.mark.parametrize("remote, url", [
    ("https://github.com/owner/budgetsite.git", "git+https://github.com/owner/budgetsite.git"),
    ("git@github.com:owner/budgetsite.git", "git+ssh://git@github.com/owner/budgetsite.git"),
])
def test_a_checkout_with_a_remote_is_pinned_to_its_commit(monkeypatch, tmp_path, remote, url):
    checkout = tmp_path / "budgetsite"
    (checkout / "builder").mkdir(parents=True)
    (checkout / "builder/__init__.py").write_text('"""budgetsite."""\n', "utf-8")
    gitrepo.init(checkout)
    gitrepo.git(checkout, "remote", "add", "origin", remote)
    commit = gitrepo.commit(checkout, "budgetsite", "2026-01-05T09:00:00+08:00")
    monkeypatch.setattr(init, "_installed", lambda package: None)
    requirement, notes = init.source(checkout / "builder")
    assert requirement == f"budgetsite @ {url}@{commit}" and pinned(requirement)
    assert commit in notes[0] and "not committed" not in " ".join(notes)

    (checkout / "builder/__init__.py").write_text('"""changed."""\n', "utf-8")
    assert "not committed" in " ".join(init.source(checkout / "builder")[1])
    # Installed (not editable) from that folder: the same commit.
    monkeypatch.setattr(init, "_installed", lambda package: (
        "0.1.0", {"url": checkout.as_uri(), "dir_info": {}}))
    assert init.source(init.PACKAGE)[0] == requirement


def test_init_writes_the_requirement_with_its_comment(tmp_path):
    """The running budgetsite (this checkout, on the import path) is what the new site's
    requirements.txt names; every line but the requirement is a comment."""
    site = tmp_path / "site"
    result = run_budgetsite("init", site)
    assert result.returncode == 0, result.stderr
    lines = (site / "requirements.txt").read_text("utf-8").splitlines()
    [requirement] = [line for line in lines if not line.startswith("#")]
    assert requirement == init.source(init.PACKAGE)[0] and pinned(requirement)
    assert "budgetsite==" not in requirement  # no index serves this checkout's version
    # A path of this computer is said on the terminal too, not only in the file.
    local = requirement.startswith("budgetsite @ file:")
    assert ("a path on this computer" in result.stdout) == local
    assert ("cannot install" in "\n".join(lines)) == local


def test_the_glossary_every_site_ships_states_rules_not_facts_of_our_disclosures():
    """The glossary goes to every site `budgetsite init` starts: its points entry says
    the rule the checks apply (core/glossary.py EXPECTED_WEIGHTS), nothing about the
    two Kunming disclosures this repository publishes."""
    [meaning] = [m for key, _, m in glossary.TERMS if key == "points"]
    partial, whole = glossary.EXPECTED_WEIGHTS
    for text in (meaning.zh, meaning.en):
        assert f"{partial}" in text and f"{whole}" in text and f"{whole - partial}" in text
    for _, term, meaning in glossary.TERMS:
        assert not re.search(r"两份|本站公开的|both published|our disclosures",
                             meaning.zh + meaning.en), term.en


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
