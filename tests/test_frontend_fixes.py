"""The site as readers use it: the performance table on desktop, phone and paper; project
and totals tables on a phone; print; Chinese search, its filters and the language switch
on the search page; the root and 404 pages in both languages.

One site for the whole module: the real content, committed to a throwaway git repository
(so project pages have their history block), built with its search index and served.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import build, copy_site, serve
from gitrepo import commit, init
from pagetree import page as parsed

from builder.core import glossary
from builder.site.urls import Urls
from builder.sources import discover

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]

WUHUA = "wuhua/2025/urban-rural-medical-assistance/"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance/"
# The phone, the desktop, and the A4 page of a browser's print preview.
PHONE, DESKTOP, PAPER = 360, 1280, 800


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(root folder, output folder) of the real content, committed once and built."""
    root = copy_site(tmp_path_factory.mktemp("frontend"))
    init(root)
    commit(root, "Publish the disclosures", "2024-03-01T09:00:00+08:00")
    return root, build(root, root / "public")


@pytest.fixture(scope="module")
def url(site):
    with serve(site[1]) as address:
        yield address


@pytest.fixture(scope="module")
def content(site):
    return discover.load_content(site[0])


def visit(page, address: str, width: int, media: str = "screen"):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(address)
    return page


def page_scroll(page) -> dict:
    return page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                    width: document.documentElement.clientWidth})""")


# ---- 1. the performance indicator table ----------------------------------------------

TABLE_FIT = """() => { const t = document.querySelector('table.indicators');
  return {table: t.scrollWidth, box: t.parentElement.clientWidth}; }"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [DESKTOP, 1920])
def test_the_indicator_table_fits_its_box_on_a_desktop(page, url, content, lang, width):
    for project in content.projects:
        visit(page, url + Urls.project(lang, project), width)
        fit = page.evaluate(TABLE_FIT)
        assert fit["table"] <= fit["box"], (project.key, fit)
        assert page.locator("table.indicators thead th").first.is_visible()
        overflow = page_scroll(page)
        assert overflow["scroll"] <= overflow["width"], (project.key, overflow)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_each_indicator_is_a_card_that_shows_everything(page, url, content, lang):
    for project in content.projects:
        visit(page, url + Urls.project(lang, project), PHONE)
        overflow = page_scroll(page)
        assert overflow["scroll"] <= overflow["width"], (project.key, overflow)
        for indicator in project.indicators:
            row = page.locator(f"tr#{indicator.anchor}")
            for part in ("th.ind-name", "td.value", "td.ind-text >> nth=0"):
                cell = row.locator(part)
                box = cell.bounding_box()
                assert cell.is_visible() and box and box["width"] > 0, (indicator.anchor, part)
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (indicator.anchor, part, box)
            assert indicator.name.get(lang) in row.locator("th.ind-name").inner_text()
            # Every card names its level-1 and level-2 categories, not only the first of a group.
            levels = row.evaluate("tr => getComputedStyle(tr, '::before').content")
            assert glossary.LEVEL1[indicator.level1].get(lang) in levels, levels
            assert glossary.LEVEL2[indicator.level1][indicator.level2].get(lang) in levels, levels
            # Each value is labelled with its column's header.
            label = row.locator("td.value").evaluate("td => getComputedStyle(td, '::before').content")
            header = page.locator("table.indicators thead th.value").inner_text()
            assert header in label


def test_on_a_phone_the_table_is_still_a_table_for_screen_readers(page, url):
    visit(page, url + "zh/" + WUHUA, PHONE)
    table = page.get_by_role("table", name="绩效指标")
    assert table.get_by_role("columnheader", name="指标值", exact=True).count() == 1
    assert table.get_by_role("rowheader", name="产出指标", exact=True).count() == 1
    assert table.get_by_role("cell", name="实际发生数", exact=True).count() == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_printed_indicator_table_fits_the_page(page, url, content, lang):
    for project in content.projects:
        visit(page, url + Urls.project(lang, project), PAPER, media="print")
        fit = page.evaluate(TABLE_FIT)
        assert fit["table"] <= fit["box"], (project.key, fit)
        widths = page.evaluate("""() => Array.from(document.querySelectorAll(
            'table.indicators th, table.indicators td')).map(c => getComputedStyle(c).minWidth)""")
        assert set(widths) <= {"0px", "auto"}, set(widths)
        assert page.locator("table.indicators thead th").first.is_visible()


# ---- 6. lists and totals on a phone --------------------------------------------------

# Every shown table cell holding three or more Chinese characters in a row, with its
# width in units of its own font size. Headers hidden for screen readers only (clipped,
# as in a table shown as cards) are not shown.
CJK_CELLS = r"""() => Array.from(document.querySelectorAll('main td, main th'))
  .filter(c => c.checkVisibility() && /[\u4e00-\u9fff]{3,}/.test(c.innerText))
  .filter(c => { for (let e = c; e; e = e.parentElement)
                   if (getComputedStyle(e).clip !== 'auto') return false;
                 return true; })
  .map(c => ({text: c.innerText.slice(0, 30),
              ems: c.getBoundingClientRect().width / parseFloat(getComputedStyle(c).fontSize)}))"""

# Links of up to four Chinese characters (呈贡区, 2025年) that wrap onto a second line.
BROKEN_NAMES = r"""() => Array.from(document.querySelectorAll('main table a'))
  .filter(a => a.checkVisibility() && /^[\u4e00-\u9fff0-9]{2,5}$/.test(a.innerText.trim()))
  .filter(a => a.getClientRects().length > 1).map(a => a.innerText)"""

LIST_PAGES = ["", "years/", "years/2025/", "districts/", "units/", "wuhua/", "wuhua/2025/",
              "chenggong/2026/", "units/12530102431280534H/"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_list_pages_keep_chinese_names_readable_on_a_phone(page, url, lang):
    checked = 0
    for path in LIST_PAGES:
        visit(page, f"{url}{lang}/{path}", PHONE)
        overflow = page_scroll(page)
        assert overflow["scroll"] <= overflow["width"], (path, overflow)
        cells = page.evaluate(CJK_CELLS)
        checked += len(cells)
        narrow = [c for c in cells if c["ems"] < 2.5]
        assert not narrow, (path, narrow)
        assert not page.evaluate(BROKEN_NAMES), path
        tables = page.evaluate("""() => Array.from(document.querySelectorAll('main table'))
            .filter(t => t.scrollWidth > t.parentElement.clientWidth).map(t => t.id)""")
        assert not tables, (path, tables)
    assert checked, "no cell with Chinese text was measured"


def test_a_district_name_in_a_project_list_is_one_line_on_a_phone(page, url):
    visit(page, url + "zh/", PHONE)
    link = page.locator("#recent-table td").get_by_role("link", name="呈贡区", exact=True)
    assert link.evaluate("a => a.getClientRects().length") == 1
    cell = link.locator("xpath=..")
    line = cell.evaluate("td => parseFloat(getComputedStyle(td).lineHeight)")
    assert link.bounding_box()["height"] <= line * 1.2


# ---- 7. print ------------------------------------------------------------------------

WEB_ONLY = ["#history", "#cite", ".downloads", ".site-header", ".site-footer", ".breadcrumbs"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_leaves_out_web_only_parts_and_ends_with_the_address(page, url, lang):
    visit(page, f"{url}{lang}/{WUHUA}", DESKTOP)
    for selector in WEB_ONLY:
        assert page.locator(selector).first.is_visible(), f"{selector} is not on the page at all"
    assert not page.locator(".print-url").is_visible()
    canonical = page.locator("link[rel=canonical]").get_attribute("href")

    page.emulate_media(media="print")
    for selector in WEB_ONLY:
        assert not page.locator(selector).first.is_visible(), selector
    shown = [el for el in page.get_by_text(canonical).all() if el.is_visible()]
    assert len(shown) == 1 and "print-url" in shown[0].get_attribute("class"), \
        [el.evaluate("e => e.outerHTML") for el in shown]
    targets = page.locator("#targets").bounding_box()
    assert shown[0].bounding_box()["y"] >= targets["y"] + targets["height"]


# ---- 2–5. search ---------------------------------------------------------------------

def open_search(page, address: str, width: int = DESKTOP):
    visit(page, address, width)
    page.wait_for_selector("#search[data-ready]")
    return page


def results(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".search-result h3 a").all()]


@pytest.mark.parametrize("query, found", [
    ("保费", [CHENGGONG]),           # only Chenggong has the word; Wuhua has 保险 and 费用
    ("费保", []),                    # nonsense made of the same characters
    ("险费", []),
    ("医疗救助", [WUHUA]),
    ("托底", [WUHUA]),
    ("保费 公务员", [CHENGGONG]),     # every run must be there
    ("保费 托底", []),
])
def test_chinese_search_keeps_only_pages_with_the_words_as_typed(page, url, query, found):
    open_search(page, f"{url}zh/search/?q={quote(query)}")
    assert results(page) == [f"/zh/{key}" for key in found]
    if not found:
        assert page.locator("[data-search-status]").inner_text() == "没有符合条件的项目。"


def test_a_chinese_result_marks_the_word_typed(page, url):
    open_search(page, f"{url}zh/search/?q=保费")
    marks = page.locator(".search-result-excerpt mark").all_inner_texts()
    assert marks and set(marks) == {"保费"}, marks


def test_filter_counts_follow_the_words_as_typed(page, url):
    """Counts come from the results that stand, not from Pagefind's single-character hits."""
    open_search(page, f"{url}zh/search/?q=保费")
    assert count_of(page, "区县", "呈贡区") == 1
    assert count_of(page, "区县", "五华区") == 0


def test_on_a_phone_the_results_come_before_the_filters(page, url):
    open_search(page, f"{url}zh/search/?q=医疗救助", PHONE)
    first = page.locator(".search-result").first
    assert first.is_visible()
    top = first.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
    assert top < 900, top
    panel = page.locator("[data-search-filters-panel]")
    assert not panel.evaluate("d => d.open")
    assert not page.get_by_role("group", name="区县").is_visible()
    page.get_by_text("筛选结果").click()
    assert page.get_by_role("group", name="区县").is_visible()
    overflow = page_scroll(page)
    assert overflow["scroll"] <= overflow["width"], overflow


def test_on_a_desktop_the_filters_are_open(page, url):
    open_search(page, f"{url}zh/search/?q=医疗救助")
    assert page.get_by_role("group", name="区县").is_visible()


def checkbox(page, group: str, value: str):
    return page.get_by_role("group", name=group).locator(f'input[value="{value}"]')


def count_of(page, group: str, value: str) -> int:
    label = page.locator(f"label[for='{checkbox(page, group, value).get_attribute('id')}']")
    return int(label.locator(".search-count").inner_text().strip("()"))


def settled(page) -> None:
    """Wait until the search drawing its results (aria-busy) is done."""
    page.wait_for_selector("[data-search-results]:not([aria-busy])", state="attached")


def tick_and_count(page, group: str, value: str) -> int:
    """Tick a box, read how many results that gives, and go back."""
    from playwright.sync_api import expect

    before = page.url
    checkbox(page, group, value).check()
    expect(page).not_to_have_url(before)
    settled(page)
    shown = page.locator(".search-result").count()
    page.go_back()
    expect(page).to_have_url(before)
    expect(checkbox(page, group, value)).not_to_be_checked()
    settled(page)
    return shown


@pytest.mark.parametrize("address, district_group, year_group, other_district", [
    ("zh/search/?q=医疗&district=五华区", "区县", "年度", "呈贡区"),        # checked in the page
    ("en/search/?q=medical&district=Wuhua+District", "District", "Year",
     "Chenggong District"),                                                  # Pagefind's counts
    ("zh/search/?district=五华区", "区县", "年度", "呈贡区"),                # no words at all
])
def test_filter_counts_take_the_other_choices_into_account(page, url, address, district_group,
                                                           year_group, other_district):
    open_search(page, url + address)
    assert results(page) == [f"/{address[:2]}/{WUHUA}"]
    # Wuhua has no 2026 project: the value stays, marked (0), and ticking it finds nothing.
    assert count_of(page, year_group, "2026") == 0
    assert count_of(page, year_group, "2025") == 1
    assert tick_and_count(page, year_group, "2026") == 0
    assert tick_and_count(page, year_group, "2025") == 1
    # A second district widens the search ("either"): its count is what it adds.
    assert count_of(page, district_group, other_district) == 1
    assert tick_and_count(page, district_group, other_district) == 2


@pytest.mark.parametrize("address, ticked_group", [
    ("zh/search/?q=医疗&district=五华区", "区县"),
    ("en/search/?q=medical&district=Wuhua+District", "District"),
])
def test_every_count_is_what_ticking_the_box_gives(page, url, address, ticked_group):
    open_search(page, url + address)
    now = page.locator(".search-result").count()
    boxes = page.locator("[data-search-filters] input:not(:checked)")
    checked = 0
    for n in range(boxes.count()):
        box = boxes.nth(n)
        group = box.locator("xpath=ancestor::fieldset/legend").inner_text()
        value = box.get_attribute("value")
        expected = count_of(page, group, value)
        found = tick_and_count(page, group, value)
        # Ticking another district adds its projects to those already shown.
        assert found == (now + expected if group == ticked_group else expected), (group, value)
        checked += 1
    assert checked > 5


def test_the_language_switch_takes_the_search_along(page, url):
    from playwright.sync_api import expect

    open_search(page, f"{url}zh/search/?q=医疗&year=2025&sort=amount-desc")
    with page.expect_navigation():
        page.locator(".lang-switch a").click()
    page.wait_for_selector("#search[data-ready]")
    assert urlsplit(page.url).path == "/en/search/"
    assert parse_qs(urlsplit(page.url).query) == \
        {"q": ["医疗"], "year": ["2025"], "sort": ["amount-desc"]}
    assert page.locator("#search-q").input_value() == "医疗"
    assert checkbox(page, "Year", "2025").is_checked()
    assert page.locator("#search-sort").input_value() == "amount-desc"

    # A new search moves the switch along with it.
    page.locator("#search-q").fill("公务员")
    page.locator("#search-q").press("Enter")
    expect(page.locator(".lang-switch a")).to_have_attribute(
        "href", re.compile(r"^/zh/search/\?q=%E5%85%AC%E5%8A%A1%E5%91%98"))


def test_filters_survive_the_language_switch(page, url):
    open_search(page, f"{url}en/search/?q=medical&district=Wuhua+District&year=2025")
    assert results(page) == [f"/en/{WUHUA}"]
    with page.expect_navigation():
        page.locator(".lang-switch a").click()
    page.wait_for_selector("#search[data-ready]")
    # The district is named in the other language; the year is the year.
    assert parse_qs(urlsplit(page.url).query) == \
        {"q": ["medical"], "district": ["五华区"], "year": ["2025"]}
    assert page.locator("[data-search-filters] input:checked").count() == 2
    assert checkbox(page, "年度", "2025").is_checked()
    assert checkbox(page, "区县", "五华区").is_checked()


# ---- 8. the root page and the 404 page -----------------------------------------------

@pytest.mark.parametrize("path", ["index.html", "404.html"])
def test_pages_of_no_one_language_speak_both(site, content, path):
    document = parsed(site[1] / path)
    title = content.config.title
    skip = document.find("a", class_="skip-link")
    assert {(span.attrs["lang"], span.text) for span in skip.find_all("span")} == \
        {("zh-CN", "跳到正文"), ("en", "Skip to main content")}
    lists = document.find("nav").find_all("ul")
    assert [ul.attrs.get("lang") for ul in lists] == ["zh-CN", "en"]
    assert [a.text for a in lists[0].find_all("a")][:2] == ["首页", "区县"]
    assert [a.attrs["href"] for a in lists[1].find_all("a")][:2] == ["/en/", "/en/districts/"]
    buttons = document.find("form", role="search").find_all("button")
    assert [(b.attrs.get("lang"), b.text) for b in buttons] == [("zh-CN", "搜索"), ("en", "Search")]
    assert buttons[1].attrs["formaction"] == "/en/search/"
    footer = document.find("footer")
    assert {span.attrs.get("lang") for span in footer.find_all("span")} == {"zh-CN", "en"}
    assert title.zh in document.find("header").text and title.en in document.find("header").text


def test_the_root_title_names_the_site_once_in_each_language(site, content):
    title = parsed(site[1] / "index.html").find("title").text
    assert title == f"{content.config.title.zh} · {content.config.title.en}"


def test_the_404_page_is_not_indexed_and_has_no_canonical_address(site):
    head = parsed(site[1] / "404.html").find("head")
    assert head.find("meta", name="robots").attrs["content"] == "noindex"
    assert not [link for link in head.find_all("link") if link.attrs.get("rel") == "canonical"]
    project = parsed(site[1] / "zh" / WUHUA / "index.html").find("head")
    assert not project.find("meta", name="robots")
    assert [link for link in project.find_all("link") if link.attrs.get("rel") == "canonical"]


def test_the_404_search_box_searches_either_language(page, url):
    visit(page, url + "404.html", PHONE)
    overflow = page_scroll(page)
    assert overflow["scroll"] <= overflow["width"], overflow
    page.locator("#site-search-q").fill("civil servants")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert urlsplit(page.url).path == "/en/search/"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["civil servants"]}
    page.wait_for_selector("#search[data-ready]")
    assert results(page) == [f"/en/{CHENGGONG}"]

    visit(page, url + "404.html", PHONE)
    page.locator("#site-search-q").fill("医疗救助")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索", exact=True).click()
    assert urlsplit(page.url).path == "/zh/search/"
    page.wait_for_selector("#search[data-ready]")
    assert results(page) == [f"/zh/{WUHUA}"]
