"""`budgetsite build`: the real content builds, builds are reproducible, a failed build
changes nothing, a base path reaches every link, and the command says what it did."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO, build, copy_site, run_budgetsite
from pagetext import read

WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance"
REPORT = re.compile(r"budgetsite: wrote (?P<pages>\d+) pages \((?P<files>\d+) files, (?P<written>\d+) changed\) to (?P<out>.+) "
                    r"in (?P<seconds>\d+\.\d+) s; (?P<warnings>\d+) warning\(s\)")


def real_projects() -> list[dict]:
    """Each project of the real content, as its project.yaml says."""
    found = []
    for path in sorted((REPO / "content" / "projects").glob("*/*/*/project.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append({"key": path.parent.relative_to(REPO / "content" / "projects").as_posix(),
                      "name": data["name"]})
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, and every folder (as None)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
            for path in sorted(folder.rglob("*"))}


# --- the real content ------------------------------------------------------------------

def test_the_real_content_has_both_seed_projects():
    assert [p["key"] for p in real_projects()] == [
        "chenggong/2026/civil-servant-medical-subsidy-insurance",
        "wuhua/2025/urban-rural-medical-assistance"]


@pytest.mark.parametrize("project", real_projects(), ids=lambda p: p["key"])
@pytest.mark.parametrize("lang, html_lang", [("zh", "zh-CN"), ("en", "en")])
def test_every_project_is_built_in_both_languages(real_site, project, lang, html_lang):
    page = real_site / lang / project["key"] / "index.html"
    assert page.is_file()
    document = read(page)
    assert document.find("html").attrs["lang"] == html_lang
    assert document.find("h1").text() == project["name"][lang]


def test_the_root_and_both_homes_are_built(real_site):
    for path in ("index.html", "zh/index.html", "en/index.html"):
        assert (real_site / path).is_file(), path


# --- reproducible -------------------------------------------------------------------------

def test_two_builds_are_byte_identical(tmp_path):
    """The same sources in two places, built from different folders with different hash
    seeds, give the same bytes in every file (but Pagefind's, below)."""
    first, second = copy_site(tmp_path / "one"), copy_site(tmp_path / "two")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    a = run_budgetsite("build", "--root", ".", cwd=first, env={"PYTHONHASHSEED": "0"})
    b = run_budgetsite("build", "--root", second, "--out", second / "public", cwd=elsewhere,
                       env={"PYTHONHASHSEED": "12345"})
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    one, two = snapshot(first / "public"), snapshot(second / "public")
    names = sorted(one.keys() | two.keys())
    assert len(names) > 50 and any(name.startswith("pagefind/filter/") for name in names)
    different = [name for name in names if one.get(name, b"missing") != two.get(name)]
    assert different == []


def test_the_search_index_is_byte_identical(tmp_path):
    root = copy_site(tmp_path / "site")
    one = snapshot(build(root, tmp_path / "one"))
    two = snapshot(build(root, tmp_path / "two"))
    assert {n: b for n, b in one.items() if n.startswith("pagefind/")} == \
        {n: b for n, b in two.items() if n.startswith("pagefind/")}


# --- a failed build changes nothing ------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A site folder whose public/ holds a finished build of the real content."""
    root = copy_site(tmp_path_factory.mktemp("published"))
    build(root, None, "--no-search")
    return root


@pytest.fixture
def site_with_output(published, tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(published, root)
    return root


def assert_failed_cleanly(root: Path, before: dict[str, bytes], result) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert snapshot(root / "public") == before
    # The build cache (.cache/) may stay; a staging folder may not.
    leftovers = sorted(p.name for p in root.iterdir() if p.name != ".cache")
    assert leftovers == ["content", "public"] or leftovers == ["content", "public",
                                                               "site_templates"], leftovers


def test_broken_content_leaves_public_as_it_was(site_with_output):
    root = site_with_output
    before = snapshot(root / "public")
    path = root / WUHUA / "project.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level2: quantity",
                                                             "level2: social"), encoding="utf-8")
    result = run_budgetsite("build", "--root", root)
    assert_failed_cleanly(root, before, result)
    assert "indicators[1].level2" in result.stderr and "nothing was written" in result.stderr


def test_warnings_with_strict_leave_public_as_it_was(site_with_output):
    root = site_with_output
    before = snapshot(root / "public")
    path = root / WUHUA / "project.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  legal_representative: {zh: 李洪武, en: Li Hongwu}", "  legal_representative: 李洪武"),
        encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--strict")
    assert_failed_cleanly(root, before, result)
    assert "unit.legal_representative: warning: no English" in result.stderr
    assert "[translation.missing]" in result.stderr
    named = run_budgetsite("build", "--root", root, "--strict", "translation.missing")
    assert_failed_cleanly(root, before, named)  # --strict with the code of that warning


def test_a_failure_after_staging_leaves_public_as_it_was(site_with_output):
    """A site template that hides the project pages from the search index fails the
    build after every page was already written to the staging folder."""
    root = site_with_output
    before = snapshot(root / "public")
    (root / "site_templates").mkdir()
    (root / "site_templates" / "pages").mkdir()
    (root / "site_templates" / "pages" / "project.html").write_text(
        '{% extends "layouts/base.html" %}\n{% block main %}<p>{{ project.name.zh }}</p>{% endblock %}\n',
        encoding="utf-8")
    result = run_budgetsite("build", "--root", root)
    assert_failed_cleanly(root, before, result)
    assert "search" in result.stderr


def test_a_new_build_replaces_the_old_one_entirely(site_with_output):
    root = site_with_output
    (root / "public" / "zh" / "stale.html").write_text("from an old build", encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (root / "public" / "zh" / "stale.html").exists()
    # Beside the site: the build cache, and the previous site kept as the next
    # build's staging folder; the stale file is in neither the site nor the cache's
    # account of that folder, so it cannot come back.
    assert sorted(p.name for p in root.iterdir()) == [".cache", ".public.staging", "content",
                                                      "public"]
    result = run_budgetsite("build", "--root", root, "--no-search", "--base-path", "/x/")
    assert result.returncode == 0, result.stderr
    assert not (root / "public" / "zh" / "stale.html").exists()


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    root = copy_site(tmp_path / "site")
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.txt").write_text("not a website", encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--out", out, "--no-search")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not written by budgetsite" in result.stderr and str(out) in result.stderr
    assert snapshot(out) == {"thesis.txt": b"not a website"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "site"]


def test_an_empty_folder_is_used(tmp_path):
    root = copy_site(tmp_path / "site")
    out = tmp_path / "empty"
    out.mkdir()
    assert run_budgetsite("build", "--root", root, "--out", out, "--no-search").returncode == 0
    assert (out / "zh" / "index.html").is_file()


# --- base path ---------------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "srcset", "poster", "data")


def test_base_path_reaches_every_internal_link(tmp_path):
    root = copy_site(tmp_path / "site")
    out = build(root, None, "--base-path", "/sub/", "--no-search")
    base_url = yaml.safe_load((root / "content" / "site.yaml").read_text("utf-8"))["base_url"]
    checked = 0
    for page in sorted(out.rglob("*.html")):
        for element in read(page).iter():
            for name, value in element.attrs.items():
                if value is None or not (name in URL_ATTRIBUTES or name.startswith("data-")):
                    continue
                if value.startswith(("#", "tel:", "mailto:")) or not value.strip():
                    continue
                if value.startswith(("http://", "https://")):
                    if value.startswith(base_url):
                        assert value.startswith(base_url.rstrip("/") + "/sub/"), (page, value)
                    continue
                if value.startswith("/") or name in URL_ATTRIBUTES:
                    assert value.startswith("/sub/"), f"{page.relative_to(out)}: {name}={value}"
                    checked += 1
    assert checked > 500


def test_base_path_links_lead_to_files_that_exist(tmp_path):
    root = copy_site(tmp_path / "site")
    out = build(root, None, "--base-path", "/sub/", "--no-search")
    page = read(out / "zh" / "wuhua" / "2025" / "urban-rural-medical-assistance" / "index.html")
    links = [e.attrs.get("href") or e.attrs.get("src") for e in page.iter()
             if e.tag in ("link", "script") and (e.attrs.get("href") or e.attrs.get("src"))
             and (e.attrs.get("href") or e.attrs.get("src")).startswith("/")]
    switcher = [a.attrs["href"] for a in page.find_all("a") if "data-keep-hash" in a.attrs]
    assert links and switcher
    for link in links + switcher:
        target = out / link.removeprefix("/sub/").split("#")[0]
        assert target.is_file() or (target / "index.html").is_file(), link


# --- what the command says ---------------------------------------------------------------

def test_build_reports_pages_warnings_and_time(tmp_path):
    root = copy_site(tmp_path / "site")
    path = root / WUHUA / "project.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  legal_representative: {zh: 李洪武, en: Li Hongwu}", "  legal_representative: 李洪武"),
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_budgetsite("build", "--root", root, "--out", out, "--no-search")
    assert result.returncode == 0, result.stderr
    report = REPORT.fullmatch(result.stdout.strip())
    assert report, result.stdout
    assert int(report["pages"]) == len(list(out.rglob("*.html")))
    assert int(report["files"]) >= int(report["pages"])
    assert report["out"] == str(out) and float(report["seconds"]) >= 0
    assert report["warnings"] == "1"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "legal_representative:" in text)
    assert result.stderr.strip() == (f"{WUHUA}/project.yaml:{line}:3: unit.legal_representative:"
                                     f" warning: no English translation yet"
                                     f" [translation.missing]")


def test_a_broken_site_template_is_named_by_file_and_line_without_a_traceback(tmp_path):
    root = copy_site(tmp_path / "site")
    (root / "site_templates").mkdir()
    (root / "site_templates" / "pages").mkdir()
    (root / "site_templates" / "pages" / "home.html").write_text(
        '{% extends "layouts/base.html" %}\n{% block main %}{% if %}{% endblock %}\n', encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 1
    assert "site_templates/pages/home.html:2:1: template:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "public").exists()


# --- one address, one page ------------------------------------------------------------------

def test_every_reserved_segment_is_read_off_the_urls_and_listed_in_the_docs():
    """The segments are not a list kept by hand: the scorecard, the explorer and the
    programmes (which a hand-kept list once forgot) are there, and the content model's
    documentation names exactly these."""
    from builder.site.urls import reserved_segments
    reserved = reserved_segments()
    assert {"scorecard", "indicators", "programmes", "embed", "years", "units", "search",
            "districts", "changes", "glossary", "about"} <= set(reserved)
    docs = (REPO / "docs/content-model.md").read_text(encoding="utf-8")
    paragraph = docs[docs.index("A district's `slug` is the first part"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    listed = re.findall(r"`([a-z-]+)`", paragraph.split("same):", 1)[1])
    assert tuple(listed) == reserved, listed


@pytest.mark.parametrize("slug", ["scorecard", "indicators", "programmes", "embed", "changes"])
def test_a_district_slug_a_page_of_the_site_uses_is_refused_at_its_line(tmp_path, slug):
    """A district `scorecard` would make /zh/scorecard/ either the scorecard or the
    district's page, the other lost, linked from the district list and listed twice in
    the sitemap; `check` and `build` refuse it where it is written."""
    root = copy_site(tmp_path / "site")
    districts = root / "content/districts.yaml"
    text = districts.read_text(encoding="utf-8")
    districts.write_text(text.replace("  - slug: panlong\n", f"  - slug: {slug}\n"),
                         encoding="utf-8")
    line = text[:text.index("  - slug: panlong\n")].count("\n") + 1
    expected = f"content/districts.yaml:{line}:5: districts[2].slug: '{slug}' cannot be"
    for command in ("check", "build"):
        extra = ("--no-search",) if command == "build" else ()
        result = run_budgetsite(command, "--root", root, *extra)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert expected in result.stderr and "[district.reserved]" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (root / "public").exists()


def test_the_renderer_refuses_two_pages_with_one_path():
    """Whatever makes them, two pages with one address are an error, never one page
    silently written over the other."""
    import dataclasses

    from builder.core.errors import BuildError
    from builder.render import renderer as render
    from builder.site import structure as site_stage
    from builder.sources import discover
    site = site_stage.make_site(discover.load_content(REPO))
    pages = site_stage.pages(site)
    scorecard = next(p for p in pages if p.path == "zh/scorecard/")
    district = next(p for p in pages if p.path == "zh/wuhua/")
    clash = dataclasses.replace(district, path=scorecard.path)
    for run in (lambda: render.render_all(site, pages + [clash], tuple(render.template_dirs(REPO))),
                lambda: render.page_keys(site, pages + [clash],
                                         render.Renderer(site, tuple(render.template_dirs(REPO))))):
        with pytest.raises(BuildError, match="two pages have the address /zh/scorecard/"):
            run()
