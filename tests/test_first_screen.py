"""A project page's first screen (issue 24, points 1 and 2): the name, the amount with
what it is for, the district and the year, then the source in one line; the source's
details further down, with a transcription called a transcription. Every project of the
fixture sites, both languages, a phone (360 × 800) and a laptop (1280 × 800)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import FIXTURES, REPO, build, copy_site, serve
from pagetree import page as parsed

from builder.core import i18n
from builder.sources import discover

SITES = {"real": REPO / "content", "stored": FIXTURES / "stored-site" / "content",
         "indexes": FIXTURES / "indexes" / "content",
         "open-data": FIXTURES / "open-data" / "content"}
SCREENS = [(360, 800), (1280, 800)]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, tuple[list[str], object]]:
    """Each fixture site built without search: its project pages' paths, its output."""
    built = {}
    for name, content in SITES.items():
        root = copy_site(tmp_path_factory.mktemp(name), content)
        out = build(root, root / "public", "--no-search")
        keys = [p.key for p in discover.load_content(root).projects]
        built[name] = ([f"{lang}/{key}/" for key in keys for lang in i18n.LANGS], out)
    return built


@pytest.mark.browser
@pytest.mark.parametrize("width,height", SCREENS)
def test_the_amount_is_on_the_first_screen_of_every_project(sites, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page, below = context.new_page(), []
    for name, (paths, out) in sites.items():
        with serve(out) as address:
            for path in paths:
                assert page.goto(address + path).ok, path
                amount = page.locator("#summary .money .figure")
                box = amount.bounding_box()
                text = amount.inner_text()
                if box is None or box["y"] + box["height"] > height:
                    below.append(f"{name} {path}: {text} at {box}")
                assert ("万元" if path.startswith("zh/") else "CNY") in text, (path, text)
                # the page does not scroll sideways
                assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()
    assert not below, "\n".join(below)


def test_the_page_opens_with_the_summary_then_the_source_in_one_line(sites):
    paths, out = sites["stored"]
    for path in paths:
        tree = parsed(out / path / "index.html")
        ids = [e.attrs["id"] for e in tree.iter() if e.attrs.get("id")]
        assert ids.index("title") < ids.index("summary") < ids.index("contents-title") \
            < ids.index("basis") < ids.index("targets") < ids.index("source"), path
        line = tree.find("p", class_="source-line")
        summary = tree.by_id("summary")
        links = {a.attrs["href"] for a in line.find_all("a")}
        zh = path.startswith("zh/")
        assert "#source" in links, path
        if "2024" not in path:  # the made-up earlier year records no source
            assert any(h.endswith("/original.txt") for h in links), path
            assert ("转录文本（TXT）" if zh else "transcription (TXT)") in line.text, line.text
        assert ("发布日期未记录" if zh else "publication date not recorded") in line.text
        for shown in ("区县和年度", "用途") if zh else ("Where and when", "What it is for"):
            assert shown in summary.text, (path, shown)
        assert summary.find("a", href="#budget-year-target") is not None


def test_a_transcription_is_not_called_the_original_document(sites):
    paths, out = sites["stored"]
    for path in (p for p in paths if "2024" not in p):
        block = parsed(out / path / "index.html").by_id("source")
        rows = {div.find("dt").text: div.find("dd").text for div in block.find_all("div")
                if div.find("dt")}
        if path.startswith("zh/"):
            assert rows["原始文件"] == "本站未保存", rows
            assert rows["转录文本"].startswith("original.txt"), rows
        else:
            assert rows["Original document"] == "not kept on this site", rows
            assert "not the file the office published" in rows["Transcription"], rows


def test_one_english_title_for_the_same_chinese_title():
    """The document's heading and its title as published, when the Chinese is one text,
    read the same in English (the subtitle and the source block said it two ways)."""
    for project in discover.load_content(REPO).projects:
        title = project.source and project.source.title
        if title and title.zh == project.heading.zh:
            assert title.en == project.heading.en, project.key


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 768, 1280])
def test_the_project_pages_pass_axe(sites, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page, axe, found = context.new_page(), Axe(), []
    paths, out = sites["stored"]
    with serve(out) as address:
        for path in paths:
            page.goto(address + path)
            results = axe.run(page, options=WCAG_21_AA)
            found += [f"{path}: {v['id']}: {v['help']}" for v in results.response["violations"]]
    context.close()
    assert not found, "\n".join(found)
