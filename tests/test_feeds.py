"""Atom feeds by publication date (from git), sitemap.xml, robots.txt and the 404 page."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import build, copy_site
from gitrepo import commit, init
from pagetree import page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BASE = "https://budget.example.org"
WUHUA = "wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """Wuhua published first, Chenggong later, then Wuhua corrected."""
    root = copy_site(tmp_path_factory.mktemp("feeds"))
    init(root)
    commit(root, "Publish Wuhua", "2024-03-01T09:00:00+08:00", "content/site.yaml",
           "content/districts.yaml", f"content/projects/{WUHUA}")
    commit(root, "Publish Chenggong", "2024-06-01T10:00:00+08:00",
           f"content/projects/{CHENGGONG}")
    path = root / "content/projects" / WUHUA / "zh.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    commit(root, "Correct Wuhua", "2024-07-20T11:00:00+08:00")
    return build(root, None, "--no-search")


def feed(out: Path, path: str) -> ET.Element:
    root = ET.parse(out / path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def local(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return url[len(BASE) + 1:]


def moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, f"{text} has no time zone (RFC 3339 needs one)"
    return parsed


@needs_git
def test_site_feed_lists_projects_newest_publication_first(published):
    root = feed(published, "zh/feed.xml")
    entries = root.findall(f"{ATOM}entry")
    assert [local(e.findtext(f"{ATOM}id")) for e in entries] == [f"zh/{CHENGGONG}/",
                                                                 f"zh/{WUHUA}/"]
    wuhua = entries[1]
    assert moment(wuhua.findtext(f"{ATOM}published")) == moment("2024-03-01T09:00:00+08:00")
    assert moment(wuhua.findtext(f"{ATOM}updated")) == moment("2024-07-20T11:00:00+08:00")
    assert wuhua.findtext(f"{ATOM}title") == "城乡医疗救助专项资金"
    assert moment(root.findtext(f"{ATOM}updated")) == moment("2024-07-20T11:00:00+08:00")


@needs_git
def test_feeds_are_valid_atom(published):
    paths = sorted(p.relative_to(published).as_posix() for p in published.rglob("feed.xml"))
    assert paths == ["en/chenggong/feed.xml", "en/feed.xml", "en/wuhua/feed.xml",
                     "en/years/2025/feed.xml", "en/years/2026/feed.xml",
                     "zh/chenggong/feed.xml", "zh/feed.xml", "zh/wuhua/feed.xml",
                     "zh/years/2025/feed.xml", "zh/years/2026/feed.xml"]
    for path in paths:
        root = feed(published, path)
        assert root.get(XML_LANG) == ("zh-CN" if path.startswith("zh/") else "en")
        for required in ("id", "title", "updated"):
            assert root.findtext(f"{ATOM}{required}"), (path, required)
        moment(root.findtext(f"{ATOM}updated"))
        self_link = root.find(f"{ATOM}link[@rel='self']")
        assert local(self_link.get("href")) == path
        assert self_link.get("type") == "application/atom+xml"
        assert root.find(f"{ATOM}author/{ATOM}name").text
        ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
        assert ids and len(ids) == len(set(ids))
        for entry in root.findall(f"{ATOM}entry"):
            for required in ("id", "title", "updated", "published"):
                assert entry.findtext(f"{ATOM}{required}"), (path, required)
            assert moment(entry.findtext(f"{ATOM}published")) <= \
                moment(entry.findtext(f"{ATOM}updated"))
            alternate = entry.find(f"{ATOM}link[@rel='alternate']")
            assert (published / local(alternate.get("href")) / "index.html").exists()


@needs_git
def test_district_and_year_feeds_hold_only_their_projects(published):
    def entries(path):
        return [local(e.findtext(f"{ATOM}id"))
                for e in feed(published, path).findall(f"{ATOM}entry")]
    assert entries("en/wuhua/feed.xml") == [f"en/{WUHUA}/"]
    assert entries("en/chenggong/feed.xml") == [f"en/{CHENGGONG}/"]
    assert entries("zh/years/2026/feed.xml") == [f"zh/{CHENGGONG}/"]
    wuhua = feed(published, "en/wuhua/feed.xml")
    assert wuhua.findtext(f"{ATOM}title").endswith("Wuhua District")
    assert moment(wuhua.findtext(f"{ATOM}updated")) == moment("2024-07-20T11:00:00+08:00")


@needs_git
def test_pages_link_their_feeds(published):
    def atom_links(path):
        head = page(published / path).find("head")
        return [link.attrs["href"] for link in head.find_all("link", rel="alternate",
                                                              type="application/atom+xml")]
    assert atom_links("zh/index.html") == ["/zh/feed.xml"]
    assert atom_links("en/scorecard/index.html") == ["/en/feed.xml"]
    assert atom_links(f"en/{WUHUA}/index.html") == [
        "/en/feed.xml", "/en/wuhua/feed.xml", "/en/years/2025/feed.xml",
        "/en/wuhua/changes.xml"]  # and the feed of its district's changes (test_provenance)
    assert atom_links("zh/wuhua/index.html") == ["/zh/feed.xml", "/zh/wuhua/feed.xml"]
    assert atom_links("zh/wuhua/2025/index.html") == ["/zh/feed.xml", "/zh/wuhua/feed.xml"]
    assert atom_links("en/years/2026/index.html") == ["/en/feed.xml", "/en/years/2026/feed.xml"]
    # A district without dated projects has no feed to announce.
    assert atom_links("zh/panlong/index.html") == ["/zh/feed.xml"]
    # The visible list of feeds in the downloads block matches the head.
    block = page(published / "zh/wuhua/index.html").find("section", class_="downloads")
    assert [a.attrs["href"] for a in block.find_all("a", type="application/atom+xml")] == \
        ["/zh/feed.xml", "/zh/wuhua/feed.xml"]
    for path in ("zh/index.html", f"zh/{CHENGGONG}/index.html"):
        for href in atom_links(path):
            assert (published / href.lstrip("/")).is_file()


def test_without_git_there_are_no_dates_and_so_no_feeds(real_site):
    assert not list(real_site.rglob("feed.xml"))
    head = page(real_site / "zh" / "index.html").find("head")
    assert head.find("link", type="application/atom+xml") is None


def sitemap_urls(out: Path) -> dict[str, ET.Element]:
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_every_page_with_its_alternates(real_site):
    urls = sitemap_urls(real_site)
    pages = sorted(p.relative_to(real_site).parent.as_posix() + "/"
                   for lang in ("zh", "en") for p in (real_site / lang).rglob("index.html"))
    assert sorted(local(loc) for loc in urls) == pages
    for loc, url in urls.items():
        alternates = {link.get("hreflang"): link.get("href")
                      for link in url.findall(f"{XHTML}link")}
        assert set(alternates) == {"zh-CN", "en", "x-default"}
        assert loc in alternates.values()
        assert alternates["x-default"] == alternates["zh-CN"]
        # Reciprocal: the other language lists the same alternates.
        other = urls[alternates["en" if local(loc).startswith("zh/") else "zh-CN"]]
        assert {link.get("href") for link in other.findall(f"{XHTML}link")} == \
            set(alternates.values())


@needs_git
def test_sitemap_gives_last_changed_dates_from_git(published):
    urls = sitemap_urls(published)
    assert moment(urls[f"{BASE}/en/{WUHUA}/"].findtext(f"{SITEMAP}lastmod")) == \
        moment("2024-07-20T11:00:00+08:00")
    assert urls[f"{BASE}/en/"].find(f"{SITEMAP}lastmod") is None


def test_robots_points_at_the_sitemap(real_site):
    lines = (real_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_404_page_speaks_both_languages(real_site):
    tree = page(real_site / "404.html")
    parts = {div.attrs["lang"]: div for div in tree.find_all("div", class_="not-found")}
    assert set(parts) == {"zh-CN", "en"}
    assert "页面不存在" in parts["zh-CN"].text and "does not exist" in parts["en"].text
    assert {a.attrs["href"] for a in parts["zh-CN"].find_all("a")} == {"/zh/", "/zh/search/"}
    assert {a.attrs["href"] for a in parts["en"].find_all("a")} == {"/en/", "/en/search/"}


def test_404_links_work_from_any_depth_under_a_base_path(tmp_path):
    out = build(copy_site(tmp_path), None, "--base-path", "/budget/", "--no-search")
    tree = page(out / "404.html")
    hrefs = {a.attrs["href"] for a in tree.find("main").find_all("a")}
    assert hrefs == {"/budget/zh/", "/budget/zh/search/", "/budget/en/", "/budget/en/search/"}
    stylesheet = tree.find("link", rel="stylesheet").attrs["href"]
    assert stylesheet == "/budget/static/style.css"
    assert urlsplit((out / "robots.txt").read_text().split("Sitemap: ")[1].strip()).path == \
        "/budget/sitemap.xml"
