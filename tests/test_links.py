"""No broken links: every internal link and #anchor of the built site, both languages.

The checker is builder/outputs/links.py, the same code the build runs before it swaps a
new site into place; these tests run it on the real site and show that it
catches what it must.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import build, copy_site, run_budgetsite

from builder.outputs import links
from builder.site import structure as site_stage
from builder.site.urls import Urls
from builder.sources import discover

NARRATIVE = Path("content/projects/wuhua/2025/urban-rural-medical-assistance/zh.md")
PROJECT_PAGE = "zh/wuhua/2025/urban-rural-medical-assistance/index.html"


def site_urls(root: Path, base_path: str | None = None) -> Urls:
    return site_stage.make_site(discover.load_content(root), base_path).urls


def report(problems) -> str:
    return "\n".join(str(p) for p in problems)


@pytest.fixture(scope="module")
def real_root(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("links"))
    build(root)
    return root


def test_every_internal_link_and_anchor_of_the_real_site_works(real_root):
    out = real_root / "public"
    problems = links.check(out, site_urls(real_root))
    assert not problems, report(problems)
    pages = {p.relative_to(out).parts[0] for p in out.rglob("*.html")}
    assert {"zh", "en"} <= pages  # both languages were walked


def test_links_work_under_a_base_path(real_root, tmp_path):
    out = build(real_root, tmp_path / "sub", "--base-path", "/budget/sub/")
    problems = links.check(out, site_urls(real_root, "/budget/sub/"))
    assert not problems, report(problems)


def test_a_missing_page_is_reported_at_every_link_to_it(real_root, tmp_path):
    out = shutil.copytree(real_root / "public", tmp_path / "public")
    before = links.check(out, site_urls(real_root), "public")
    (out / PROJECT_PAGE).unlink()
    problems = [p for p in links.check(out, site_urls(real_root), "public") if p not in before]
    assert problems
    assert all("there is no zh/wuhua/2025/urban-rural-medical-assistance/index.html"
               in p.message for p in problems), report(problems)
    linking = {p.path for p in problems}
    assert "public/en/wuhua/2025/urban-rural-medical-assistance/index.html" in linking
    assert all(p.line >= 1 and p.col >= 1 for p in problems)


def test_a_missing_anchor_is_reported(real_root, tmp_path):
    out = shutil.copytree(real_root / "public", tmp_path / "public")
    page = out / PROJECT_PAGE
    html = page.read_text(encoding="utf-8")
    assert 'id="overview"' in html
    page.write_text(html.replace('id="overview"', 'id="renamed"'), encoding="utf-8")
    english = out / PROJECT_PAGE.replace("zh/", "en/", 1)
    english.write_text(english.read_text(encoding="utf-8").replace(
        "</main>", '<p><a href="/zh/wuhua/2025/urban-rural-medical-assistance/#overview">'
                   "x</a></p></main>"), encoding="utf-8")
    problems = links.check(out, site_urls(real_root), "public")
    assert any(p.path == f"public/{PROJECT_PAGE.replace('zh/', 'en/', 1)}"
               and 'has no element with id="overview"' in p.message for p in problems), \
        report(problems)


def test_the_build_names_the_page_and_the_link(tmp_path):
    root = copy_site(tmp_path / "site")
    narrative = root / NARRATIVE
    narrative.write_text(narrative.read_text(encoding="utf-8") + (
        "\n[本页](#overview) [无此页](/zh/no-such-page/) [无此锚点](#no-such-anchor)"
        " [外站](https://example.com/x) [电邮](mailto:a@example.com)\n"), encoding="utf-8")
    result = run_budgetsite("build", "--root", root)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": link: " in line]
    page = f"{(root / 'public').as_posix()}/{PROJECT_PAGE}"
    assert any(w.startswith(f"{page}:") and "/zh/no-such-page/: there is no "
               "zh/no-such-page/index.html" in w for w in warnings), warnings
    assert any(w.startswith(f"{page}:") and '#no-such-anchor: /zh/wuhua/2025/'
               'urban-rural-medical-assistance/ has no element with id="no-such-anchor"' in w
               for w in warnings), warnings
    assert not any("example.com" in w or "mailto" in w or "#overview" in w for w in warnings)


def test_strict_build_fails_on_a_broken_link_and_keeps_the_old_site(tmp_path):
    root = copy_site(tmp_path / "site")
    before = build(root)
    snapshot = {p: p.read_bytes() for p in before.rglob("*") if p.is_file()}
    narrative = root / NARRATIVE
    narrative.write_text(narrative.read_text(encoding="utf-8")
                         + "\n[无此页](/zh/no-such-page/)\n", encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--strict")
    assert result.returncode == 1
    assert "/zh/no-such-page/: there is no zh/no-such-page/index.html" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in before.rglob("*") if p.is_file()} == snapshot


def test_a_link_that_ignores_the_base_path_is_broken(tmp_path):
    root = copy_site(tmp_path / "site")
    narrative = root / NARRATIVE
    narrative.write_text(narrative.read_text(encoding="utf-8")
                         + "\n[五华区](/zh/wuhua/2025/urban-rural-medical-assistance/)\n",
                         encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--base-path", "/budget/")
    assert "/zh/wuhua/2025/urban-rural-medical-assistance/: outside the site's base path " \
           "/budget/" in result.stderr


def test_stylesheets_and_sitemaps_are_checked_too(tmp_path):
    out = tmp_path / "public"
    (out / "static").mkdir(parents=True)
    (out / "index.html").write_text('<link rel="stylesheet" href="static/a.css">', "utf-8")
    (out / "static/a.css").write_text("a { background: url('missing.svg') }\n"
                                      "b { background: url(data:image/png;base64,AA==) }")
    (out / "sitemap.xml").write_text("<urlset><url><loc>https://x.org/gone/</loc></url>"
                                     "<url><loc>https://x.org/</loc></url></urlset>")
    problems = links.check(out, Urls("/", "https://x.org"), "public")
    assert sorted((p.path, p.line, p.message) for p in problems) == [
        ("public/sitemap.xml", 1, "https://x.org/gone/: there is no gone/index.html in the site"),
        ("public/static/a.css", 1, "missing.svg: there is no static/missing.svg in the site"),
    ]
    assert {(p.code, p.warning) for p in problems} == {("link.broken", True)}
    assert str(problems[0]).endswith(" [link.broken]")
    # A style sheet's or an XML file's links are scanned without their places (which
    # are looked for only when one is broken): the same URLs, in the same order.
    for name, text in (("a.css", 'x{background:url( "a b.svg" )}\ny{src:url(c.woff2)}'
                                 "z{background:url('d.png')} w{background:url(c.woff2)}"),
                       ("s.xml", "<url><loc> https://x.org/a/ </loc>\n<xhtml:link "
                                 'rel="alternate" href="https://x.org/b/" /></url>')):
        found = links.scan_bytes(name, text.encode("utf-8"))[0]
        assert found == links.Scanned.of(set(), links._scan_text(name, text)[1])
        assert len(found.urls) == 3 if name == "a.css" else 2


ODD_URLS = ["#", "#%E4%B8%AD", "/", "/?x", "/#top", "/a//b", "/zh/x?q=1#y", "/zh/#a#b",
            "/zh/a b/", "/%7Ex/", "/sub", "/sub/", "/sub/zh/", "/zh/../en/", "/./zh/",
            "\\\\zh", "//other.org/x", "zh/", "../en/", "https://budget.example.org/zh/"]


@pytest.mark.parametrize("base_path", ["/", "/sub/"])
def test_the_quick_resolution_gives_urllibs_answer_for_every_link(real_root, base_path):
    """The link check resolves an anchor in the same folder and a path from the site's
    root without urllib (millions of links at 10,000 projects); for every link of the
    built site, and some odd ones, its answer is the one urllib's resolution gives."""
    out = real_root / "public"
    found = [(p.relative_to(out).as_posix(), link.url) for p in sorted(out.rglob("*.html"))
             for link in links._scan_text(p.name, p.read_text("utf-8"))[1]]
    found += [(page, url) for page in ("zh/a/index.html", "404.html") for url in ODD_URLS]
    site_root = "https://budget.example.org" + base_path
    quick = 0
    for name, url in found:
        here = links.page_url(name)
        answer = links._plain_target(url, here, base_path)
        if answer is None:
            continue
        quick += 1
        folder = "" if url.startswith("/") and not url.startswith("//") else here
        assert answer == links._resolve(site_root + folder[: folder.rfind("/") + 1], url,
                                        site_root, base_path), (name, url)
    assert quick > len(found) / 2  # most links take the quick way


def test_a_pages_check_gives_each_links_own_answer(real_root):
    """A page's links are checked with shortcuts (a path from the root worked out once
    for every page, an anchor on an index page against its own ids): for every link of
    the built site, and odd anchors on an index page, on another page and on a page
    that links only to its own anchors, each answer
    and the files it depends on are those of the link checked alone (_broken)."""
    out = real_root / "public"
    urls = site_urls(real_root)
    scanned = {name: links.scan_bytes(name, (out / name).read_bytes())[0]
               for name in (p.relative_to(out).as_posix() for p in out.rglob("*")
                            if p.is_file()) if name.endswith(links.SCANNED)}
    odd = ["#", "#overview", "#no-such-id", "#%E4%B8%AD", "#main", "?q#main"]
    for name in (PROJECT_PAGE, "404.html"):
        scan = scanned[name]
        scanned[name] = links.Scanned(scan.ids_text, links.SEP.join([*scan.urls, *odd]))
    plain_anchors = [url for url in odd if url.startswith("#") and "%" not in url]
    scanned["zh/anchors-only/index.html"] = links.Scanned("main",
                                                          links.SEP.join(plain_anchors))
    pages = links._Pages(scanned, urls)
    checked = 0
    for name, scan in sorted(scanned.items()):
        leads_to: set[str] = set()
        alone: set[str] = set()
        expected = {url: reason for url in scan.urls
                    if (reason := links._broken(url, name, scanned, urls, alone))}
        assert pages.reasons(name, leads_to) == expected, name
        assert leads_to == alone, name
        checked += len(scan.urls)
    assert checked > 1000
    assert pages.reasons(PROJECT_PAGE)["#no-such-id"].endswith('has no element with '
                                                               'id="no-such-id"')


def test_a_part_of_the_site_settles_only_links_that_work_in_the_whole_site(real_root):
    """A shard checks the links between its own files and ships the rest (links.Settle):
    with one district's files as the part, every link it settles works in the whole
    site, every broken one stays (one to a missing anchor of the part's own page, one to
    a missing file, one to a missing anchor of a file outside the part), and so does
    every link whose answer depends on a file outside the part."""
    out = real_root / "public"
    urls = site_urls(real_root)
    everything = {name: links.NOTHING for name in
                  (p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())}
    everything.update((name, links.scan_bytes(name, (out / name).read_bytes())[0])
                      for name in everything if name.endswith(links.SCANNED))
    mine = {name: scan for name, scan in everything.items()
            if name.split("/")[1:2] == ["wuhua"] or name.startswith("data/projects/wuhua/")}
    broken = ["#no-such-anchor", "/zh/wuhua/no-such-page/", "/zh/#no-home-anchor",
              "https://budget.example.org/zh/wuhua/#nor-this"]
    scan = mine[PROJECT_PAGE]
    mine[PROJECT_PAGE] = everything[PROJECT_PAGE] = links.Scanned(
        scan.ids_text, links.SEP.join([*scan.urls, *broken]))
    settle = links.Settle(mine, urls)
    settled = kept = 0
    for name, scan in sorted(mine.items()):
        if not scan.urls_text:
            continue
        left = settle.page(name).urls
        assert left == [url for url in scan.urls if url in left]
        for url in scan.urls:
            depends: set[str] = set()
            works = links._broken(url, name, everything, urls, depends) is None
            assert (url not in left) == (works and depends <= mine.keys()), (name, url)
            settled, kept = settled + (url not in left), kept + (url in left)
    left = settle.page(PROJECT_PAGE).urls
    assert set(broken) <= set(left) and "/zh/units/" in left
    assert "/zh/wuhua/" not in left and "#funding" not in left
    assert settled > 50 and kept > 50
    # Rows rendered for a page of the merge's: only paths from the root are settled.
    row = links.scan_fragment('<a href="/zh/wuhua/">a</a><a href="#top">b</a>'
                              '<a href="/zh/units/">c</a><a href="../wuhua/">d</a>')
    assert settle.fragment(row).urls == ["#top", "/zh/units/", "../wuhua/"]


def _write_page(out: Path, name: str, ids: list[str], hrefs: list[str]) -> None:
    body = "".join(f'<h2 id="{i}">x</h2>\n' for i in ids)
    body += "".join(f'<p><a href="{h}">y</a></p>\n' for h in hrefs)
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(f"<!doctype html>\n<main>\n{body}</main>\n", "utf-8")


@pytest.mark.parametrize("seed", range(6))
def test_a_page_checked_before_is_checked_again_when_a_target_changes(tmp_path, seed):
    """With the cache, a page keeps its last result only while neither its bytes nor the
    files its links lead to (their presence, their ids) changed: after random changes to
    pages, targets and ids, build after build, the cached check reports what a check
    from nothing reports."""
    import random

    from builder.core.cache import Cache, digest

    rng = random.Random(seed)
    out = tmp_path / "public"
    pages = [f"zh/p{n}/index.html" for n in range(8)] + ["a.html", "b/c.html"]
    anchors = ["x", "y", "z"]

    def random_href() -> str:
        target = rng.choice(pages + ["zh/gone/index.html", "zh/p1"])
        path = "/" + target.removesuffix("index.html")
        return path + (f"#{rng.choice(anchors)}" if rng.random() < 0.5 else "")

    present: dict[str, tuple[list[str], list[str]]] = {}
    for name in pages[:6]:
        present[name] = (rng.sample(anchors, 2), [random_href() for _ in range(4)])
    urls = Urls("/", "https://x.org")
    for step in range(30):
        for name, (ids, hrefs) in present.items():
            _write_page(out, name, ids, hrefs)
        names = {p.relative_to(out).as_posix(): digest(p.read_bytes())
                 for p in sorted(out.rglob("*")) if p.is_file()}
        cache = Cache(tmp_path / "cache")
        got = links.check_output(out, names, urls, "public", cache)
        cache.save()
        want = links.check(out, urls, "public")
        assert sorted(map(str, got)) == sorted(map(str, want)), f"seed {seed}, step {step}"
        change = rng.choice(["ids", "links", "add", "remove"])
        name = rng.choice(sorted(present))
        if change == "ids":
            present[name] = (rng.sample(anchors, rng.randrange(4)), present[name][1])
        elif change == "links":
            present[name] = (present[name][0], [random_href() for _ in range(4)])
        elif change == "add" and len(present) < len(pages):
            new = rng.choice([p for p in pages if p not in present])
            present[new] = (rng.sample(anchors, 2), [random_href() for _ in range(4)])
        elif len(present) > 2:
            del present[name]
            (out / name).unlink()
