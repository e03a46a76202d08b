"""Search: the Pagefind index written at build time, and the search page in a browser."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import REPO, build, copy_site, run_budgetsite, serve

from builder.core import glossary
from builder.outputs import search
from builder.site import bands
from builder.sources import discover

WUHUA = "wuhua/2025/urban-rural-medical-assistance/"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance/"


# ---- reading built pages ------------------------------------------------------

class _Facets(HTMLParser):
    """Collects data-pagefind-filter/-meta/-sort values and whether a body is marked."""

    def __init__(self):
        super().__init__()
        self.filters: dict[str, set[str]] = {}
        self.meta: dict[str, str] = {}
        self.sort: dict[str, str] = {}
        self.has_body = False
        self._open: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.has_body = self.has_body or "data-pagefind-body" in attrs
        for kind in ("filter", "meta", "sort"):
            if f"data-pagefind-{kind}" in attrs:
                self._open.append((kind, attrs[f"data-pagefind-{kind}"]))

    def handle_data(self, data):
        for kind, key in self._open:
            if kind == "filter":
                self.filters.setdefault(key, set()).add(data.strip())
            else:
                getattr(self, kind)[key] = data.strip()
        self._open = []


def facets(page: Path) -> _Facets:
    parser = _Facets()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def bundle_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# ---- the index at build time --------------------------------------------------

@pytest.fixture(scope="module")
def site_root(tmp_path_factory) -> Path:
    return copy_site(tmp_path_factory.mktemp("search-site"))


@pytest.fixture(scope="module")
def content(site_root):
    return discover.load_content(site_root)


@pytest.fixture(scope="module")
def built(site_root) -> Path:
    return build(site_root, site_root / "public")


def test_one_index_per_language_holding_every_project(built, content):
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {lang: info["page_count"] for lang, info in entry["languages"].items()}
    assert pages == {"zh-cn": len(content.projects), "en": len(content.projects)}


def test_only_project_pages_carry_the_search_body(built, content):
    bodies = sorted(str(p.parent.relative_to(built)) + "/" for p in built.rglob("index.html")
                    if facets(p).has_body)
    assert bodies == sorted(f"{lang}/{p.key}/" for p in content.projects for lang in ("zh", "en"))


def band(yuan, lang: str) -> str:
    """The amount band a project is filtered by (the rule is in builder/site/bands.py)."""
    return bands.band(yuan).get(lang)


def test_amount_bands_are_the_rule_of_the_issue():
    """Under 1,000,000元, up to 10,000,000元 included, over: the bands' own edges."""
    names = [bands.band(Decimal(y)).zh for y in ("999999.99", "1000000", "10000000", "10000000.01")]
    assert names == ["100万元以下", "100万～1000万元", "100万～1000万元", "1000万元以上"]
    assert [b.en for b in bands.BANDS] == ["Under CNY 1 million", "CNY 1–10 million",
                                          "Over CNY 10 million"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_project_pages_carry_filters_sort_and_meta(built, content, lang):
    for project in content.projects:
        found = facets(built / lang / project.key / "index.html")
        levels1 = {glossary.LEVEL1[i.level1].get(lang) for i in project.indicators}
        levels2 = {glossary.LEVEL2[i.level1][i.level2].get(lang) for i in project.indicators}
        assert found.filters == {
            "district": {project.district.name.get(lang)},
            "year": {str(project.year)},
            "unit": {project.unit.name.get(lang)},
            "funds": {project.unit.source_of_funds.get(lang)},
            "level1": levels1,
            "level2": levels2,
            "band": {band(project.funding.budget_year.yuan, lang)},
        }
        assert float(found.sort["amount"]) == float(project.funding.budget_year.yuan)
        assert found.sort["year"] == str(project.year)
        assert found.meta["district"] == project.district.name.get(lang)
        assert found.meta["year"] == str(project.year)
        assert found.meta["amount"]  # the rounded amount in the page's language


def test_search_pages_link_each_other_and_the_browse_indexes(built):
    zh = (built / "zh" / "search" / "index.html").read_text(encoding="utf-8")
    en = (built / "en" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="en" href="https://budget.example.org/en/search/"' in zh
    assert "搜索功能需要 JavaScript" in zh and "Search needs JavaScript" in en
    for lang, html in (("zh", zh), ("en", en)):
        assert f'href="/{lang}/districts/"' in html and f'href="/{lang}/years/"' in html
        assert '<script type="module" src="/static/search.js">' in html
        assert "<script>" not in html  # the CSP allows no inline script


def test_the_extended_binary_is_the_one_used():
    binary = search.extended_binary()
    assert binary.is_file() and binary.name.startswith("pagefind_extended")


def test_indexing_works_when_an_event_loop_is_already_running(tmp_path, site_root):
    """A preview server may call the build from inside its own asyncio loop."""
    out = build(site_root, tmp_path / "public", "--no-search")

    async def inside_a_loop():
        return search.index_site(out, len(discover.load_content(site_root).projects))

    report = asyncio.run(inside_a_loop())
    assert [index.language for index in report.languages] == ["zh-cn", "en"]
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_no_search_builds_without_an_index(tmp_path):
    root = copy_site(tmp_path / "site")
    out = build(root, root / "public", "--no-search")
    assert not (out / "pagefind").exists()
    assert (out / "zh" / "search" / "index.html").is_file()


def test_an_indexer_crash_fails_the_build_and_keeps_public(tmp_path, site_root):
    out = build(site_root, tmp_path / "public", "--no-search")
    before = bundle_files(out)
    crashing = tmp_path / "pagefind_extended"
    crashing.write_text("#!/bin/sh\necho 'indexer exploded' >&2\nexit 3\n")
    crashing.chmod(0o755)
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        import builder.outputs.search
        builder.outputs.search.extended_binary = lambda: Path({str(crashing)!r})
        from builder.cli import main
        sys.exit(main(["build", "--root", {str(site_root)!r}, "--out", {str(out)!r}]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 1
    assert "search: Pagefind stopped unexpectedly (exit status 3)" in result.stderr
    assert "Traceback" not in result.stderr
    assert bundle_files(out) == before
    assert not (tmp_path / ".public.staging").exists()


def test_a_template_that_drops_the_search_body_fails_the_build(tmp_path):
    root = copy_site(tmp_path / "site")
    (root / "site_templates" / "pages").mkdir(parents=True)
    template = (REPO / "site_templates" / "pages" / "project.html").read_text(encoding="utf-8")
    (root / "site_templates" / "pages" / "project.html").write_text(
        template.replace(" data-pagefind-body", ""), encoding="utf-8")
    result = run_budgetsite("build", "--root", root)
    assert result.returncode == 1
    assert "the index is missing project pages" in result.stderr
    assert "data-pagefind-body" in result.stderr
    assert not (root / "public").exists()


# ---- the search page in a browser ---------------------------------------------

@pytest.fixture(scope="module", params=["/", "/budget/"], ids=["root", "subpath"])
def search_url(request, tmp_path_factory):
    """The real content built for a base path and served under it; yields the site URL."""
    root = copy_site(tmp_path_factory.mktemp("served"))
    out = build(root, root / "public", "--base-path", request.param)
    with serve(out, request.param) as url:
        yield url


@pytest.fixture
def watched(page):
    """The page, with every console error it logs collected in page.errors."""
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def open_search(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#search[data-ready]")


def results(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".search-result h3 a").all()]


def no_policy_errors(page) -> bool:
    return not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e]


@pytest.mark.browser
@pytest.mark.parametrize("query, project", [
    ("医疗救助", WUHUA),
    ("公务员", CHENGGONG),
    # Two-character words from the middle of a sentence, each in one project only:
    # "提升医疗救助制度托底保障能力" and "在职、退休人员按照90%的比例给予补助".
    ("托底", WUHUA),
    ("退休", CHENGGONG),
])
def test_chinese_search_finds_the_project(watched, search_url, query, project):
    open_search(watched, f"{search_url}zh/search/?q={query}")
    assert results(watched) == [f"{urlsplit(search_url).path}zh/{project}"]
    assert no_policy_errors(watched), watched.errors


# What a journalist pastes: an amount as a page or a newspaper prints it, a unit's
# credit code, a document number of the basis, a name in either language.
EXACT_QUERIES = [
    ("7,968,243.98", WUHUA), ("7968243.98", WUHUA), ("7,968,243.98元", WUHUA),
    ("796.82万元", WUHUA), ("CNY 7.97 million", WUHUA), ("CNY 7,968,243.98", WUHUA),
    ("5,500,000", CHENGGONG), ("5500000", CHENGGONG), ("550万", CHENGGONG),
    ("CNY 5.50 million", CHENGGONG),
    ("12530102431280534H", WUHUA), ("MB1584220", CHENGGONG), ("昆政办〔2022〕44号", WUHUA),
    ("Kun Zheng Ban [2022] No. 44", WUHUA),
    ("城乡医疗救助专项资金", WUHUA), ("special fund for urban and rural medical assistance", WUHUA),
]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_exact_things_put_their_project_first(watched, search_url, lang, width):
    """Each query puts its project first, with its amount, in either language, and the
    status never says that nothing matches on the way (it did for 7968243.98)."""
    watched.set_viewport_size({"width": width, "height": 800})
    watched.add_init_script("""
        window.__said = [];
        new MutationObserver(() => {
          const line = document.querySelector("[data-search-status]");
          if (line) window.__said.push(line.textContent);
        }).observe(document, {subtree: true, childList: true, characterData: true});
    """)
    base = urlsplit(search_url).path
    wrong = []
    for query, project in EXACT_QUERIES:
        open_search(watched, f"{search_url}{lang}/search/?q={quote(query)}")
        watched.wait_for_function("document.querySelector('[data-search-results]')"
                                  ".getAttribute('aria-busy') === null")
        found = results(watched)
        said = watched.evaluate("window.__said")
        first = watched.locator("[data-search-results] .search-result").first
        amount = first.locator(".search-result-meta").inner_text() if found else ""
        if (found[:1] != [f"{base}{lang}/{project}"] or ("万元" if lang == "zh" else "CNY") not in amount
                or any("No project" in line or "没有" in line for line in said)):
            wrong.append((query, found[:2], said[-3:]))
    assert not wrong
    assert no_policy_errors(watched), watched.errors


@pytest.mark.browser
def test_english_search_shows_name_district_year_and_amount(watched, search_url):
    open_search(watched, f"{search_url}en/search/?q=medical assistance")
    base = urlsplit(search_url).path
    assert f"{base}en/{WUHUA}" in results(watched)
    entry = watched.locator(".search-result", has=watched.locator(f'a[href="{base}en/{WUHUA}"]'))
    assert entry.locator("h3").inner_text() == "Special fund for urban and rural medical assistance"
    assert entry.locator(".search-result-meta").inner_text() == \
        "Wuhua District · Budget year 2025 · CNY\u00a07.97\u00a0million"
    assert watched.locator("#search-q").input_value() == "medical assistance"
    assert no_policy_errors(watched), watched.errors


@pytest.mark.browser
def test_a_district_filter_narrows_results_and_lives_in_the_url(watched, search_url):
    from playwright.sync_api import expect

    base = urlsplit(search_url).path
    open_search(watched, f"{search_url}zh/search/?q=医疗")
    assert sorted(results(watched)) == sorted([f"{base}zh/{WUHUA}", f"{base}zh/{CHENGGONG}"])
    chenggong = watched.get_by_role("group", name="区县").get_by_label("呈贡区")
    chenggong.check()
    expect(watched.locator(".search-result")).to_have_count(1)
    assert results(watched) == [f"{base}zh/{CHENGGONG}"]
    assert parse_qs(urlsplit(watched.url).query) == {"q": ["医疗"], "district": ["呈贡区"]}

    open_search(watched, watched.url)  # the shared link restores the same search
    assert results(watched) == [f"{base}zh/{CHENGGONG}"]
    assert chenggong.is_checked()

    watched.go_back()  # back to the search before the filter
    expect(watched.locator(".search-result")).to_have_count(2)
    assert not chenggong.is_checked()
    assert no_policy_errors(watched), watched.errors


@pytest.mark.browser
def test_sorting_by_amount_follows_the_url(watched, search_url):
    from playwright.sync_api import expect

    base = urlsplit(search_url).path
    open_search(watched, f"{search_url}en/search/?q=medical&sort=amount-asc")
    assert results(watched) == [f"{base}en/{CHENGGONG}", f"{base}en/{WUHUA}"]
    watched.get_by_label("Order").select_option("amount-desc")
    expect(watched.locator(".search-result").first.locator("a")).to_have_attribute(
        "href", f"{base}en/{WUHUA}")
    assert parse_qs(urlsplit(watched.url).query)["sort"] == ["amount-desc"]


@pytest.mark.browser
def test_amounts_sort_as_numbers_not_as_text(page, tmp_path):
    """12,000,000 sorts above 7,968,243.98 although "1…" < "7…" as text."""
    root = copy_site(tmp_path / "site")
    source = next((root / "content" / "projects").glob(f"{CHENGGONG}project.yaml"))
    text = source.read_text(encoding="utf-8")
    assert "\n  budget_year: 5500000.00\n" in text
    source.write_text(text.replace("\n  budget_year: 5500000.00\n", "\n  budget_year: 12000000.00\n"),
                      encoding="utf-8")
    out = build(root, root / "public")
    with serve(out) as url:
        open_search(page, f"{url}zh/search/?q=医疗&sort=amount-desc")
        assert results(page) == [f"/zh/{CHENGGONG}", f"/zh/{WUHUA}"]
        open_search(page, f"{url}zh/search/?q=医疗&sort=amount-asc")
        assert results(page) == [f"/zh/{WUHUA}", f"/zh/{CHENGGONG}"]


@pytest.mark.browser
def test_the_header_search_box_leads_to_the_search_page(watched, search_url):
    base = urlsplit(search_url).path
    watched.goto(f"{search_url}en/{WUHUA}")
    watched.locator("#site-search-q").fill("civil servants")
    watched.locator("#site-search-q").press("Enter")
    watched.wait_for_selector("#search[data-ready]")
    assert urlsplit(watched.url).path == f"{base}en/search/"
    assert f"{base}en/{CHENGGONG}" in results(watched)


@pytest.mark.browser
def test_without_javascript_the_page_says_so_and_links_the_indexes(browser, search_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{search_url}zh/search/?q=医疗")
        base = urlsplit(search_url).path
        assert page.get_by_text("搜索功能需要 JavaScript").is_visible()
        assert page.get_by_role("link", name="按区县浏览项目").get_attribute("href") == \
            f"{base}zh/districts/"
        assert page.get_by_role("link", name="按年度浏览项目").get_attribute("href") == \
            f"{base}zh/years/"
        assert not page.locator("#search").is_visible()
    finally:
        context.close()


def bundle_sizes(bundle: Path) -> dict[str, int]:
    """Bytes of Pagefind's bundle per language (by file name) and shared by both."""
    sizes: dict[str, int] = {}
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    wasm = {f"wasm.{info['wasm'] or 'unknown'}.pagefind": lang
            for lang, info in entry["languages"].items()}
    for path in bundle.rglob("*"):
        if path.is_file():
            lang = wasm.get(path.name) or next(
                (lg for lg in entry["languages"] if f"{lg}_" in path.name), "shared")
            sizes[lang] = sizes.get(lang, 0) + path.stat().st_size
    return sizes


@pytest.mark.browser
@pytest.mark.parametrize("lang, code, other, query", [
    ("zh", "zh-cn", "en", "医疗救助"), ("en", "en", "zh-cn", "medical assistance")])
def test_one_query_downloads_only_its_own_language(page, tmp_path, lang, code, other, query):
    """Prints the index sizes and the bytes one query fetches (figures for docs/search.md)."""
    root = copy_site(tmp_path / "site")
    out = build(root, root / "public")
    fetched: dict[str, int] = {}
    page.on("response", lambda r: fetched.__setitem__(urlsplit(r.url).path, len(r.body())))
    with serve(out) as url:
        open_search(page, f"{url}{lang}/search/?q={query}")
        page.wait_for_load_state("networkidle")
    index_files = [Path(p).name for p in fetched if p.startswith("/pagefind/")]
    assert any(name.startswith((f"{code}_", f"pagefind.{code}_")) for name in index_files)
    assert not any(name.startswith((f"{other}_", f"pagefind.{other}_")) for name in index_files)
    print("\nindex on disk (bytes):", dict(sorted(bundle_sizes(out / "pagefind").items())))
    print(f"one {lang} query fetched (bytes):")
    for path, size in sorted(fetched.items()):
        print(f"  {size:>8}  {path}")
    print(f"  {sum(fetched.values()):>8}  total; of which search "
          f"{sum(s for p, s in fetched.items() if p.startswith('/pagefind/'))}")
