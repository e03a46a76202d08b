"""The search page across languages and amounts: a query in the other language finds its
projects, filters survive the language switch, "no results" helps, and the amount-band
filter counts and narrows like the others. In Chromium, both languages."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import build, copy_site, serve

from builder.site import bands

pytestmark = pytest.mark.browser

WUHUA = "wuhua/2025/urban-rural-medical-assistance/"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance/"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content with Chenggong's budget-year amount raised to 12,000,000 yuan, so
    that the two projects fall in different amount bands (Wuhua's is 7,968,243.98)."""
    root = copy_site(tmp_path_factory.mktemp("languages"))
    source = next((root / "content" / "projects").glob(f"{CHENGGONG}project.yaml"))
    text = source.read_text(encoding="utf-8")
    assert "\n  budget_year: 5500000.00\n" in text
    source.write_text(text.replace("\n  budget_year: 5500000.00\n",
                                   "\n  budget_year: 12000000.00\n"), encoding="utf-8")
    return build(root, root / "public")


@pytest.fixture(scope="module")
def url(site):
    with serve(site) as address:
        yield address


def open_search(page, address: str, width: int = 1280):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(address)
    page.wait_for_selector("#search[data-ready]")
    return page


def links(page, selector: str) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(f"{selector} h3 a").all()]


def own(page) -> list[str]:
    return links(page, "[data-search-results]")


def other(page) -> list[str]:
    return links(page, "[data-search-other-results]")


def checkbox(page, group: str, value: str):
    return page.get_by_role("group", name=group).locator(f'input[value="{value}"]')


def count_of(page, group: str, value: str) -> int:
    box = checkbox(page, group, value)
    label = page.locator(f"label[for='{box.get_attribute('id')}']")
    return int(label.locator(".search-count").inner_text().strip("()"))


@pytest.mark.parametrize("lang, query, there, title", [
    # Chinese on the English page: the English index has no 医疗 inside a longer word.
    ("en", "医疗", "zh", "found in the Chinese text"),
    # English on the Chinese page: the Chinese index has no English words.
    ("zh", "insurance", "en", "在英文文本中找到"),
])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_query_in_the_other_language_finds_its_projects(page, url, lang, query, there, title,
                                                          width):
    # What the other language's own page finds for the words...
    open_search(page, f"{url}{there}/search/?q={quote(query)}")
    expected = sorted(href.replace(f"/{there}/", f"/{lang}/", 1) for href in own(page))
    assert expected
    # ...this page lists too, linked to the pages in this language.
    said = status_lines(page)
    open_search(page, f"{url}{lang}/search/?q={quote(query)}", width)
    assert own(page) == []
    assert sorted(other(page)) == expected
    # One message, once: the status says what was found in the other language's text,
    # never "no project matches" on the way, and no heading repeats it.
    status = page.locator("[data-search-status]").inner_text()
    assert title in status
    assert page.locator("body").inner_text().count(status) == 1
    assert not [line for line in said() if "No project" in line or "没有" in line], said()
    # The same result rows as this language's own: its names, the amount, the CSV button;
    # the excerpt is the other language's text, marked as such for screen readers.
    row = page.locator("[data-search-other-results] .search-result").first
    assert row.locator("h3 a").get_attribute("lang") is None
    assert ("万元" if lang == "zh" else "CNY") in row.locator(".search-result-meta").inner_text()
    assert row.locator(".search-result-excerpt").get_attribute("lang") == \
        ("zh-CN" if there == "zh" else "en")
    assert page.locator("[data-search-download]").is_visible()
    assert not page.locator("[data-search-help]").is_visible()


def status_lines(page):
    """Every text the status line shows from now on (read with `said()`)."""
    page.add_init_script("""
        window.__said = [];
        new MutationObserver(() => {
          const line = document.querySelector("[data-search-status]");
          if (line && window.__said[window.__said.length - 1] !== line.textContent)
            window.__said.push(line.textContent);
        }).observe(document, {subtree: true, childList: true, characterData: true});
    """)
    return lambda: page.evaluate("window.__said")


def test_english_words_on_the_english_page_fetch_no_chinese_index(page, url):
    fetched = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    open_search(page, f"{url}en/search/?q=insurance")
    page.wait_for_load_state("networkidle")
    assert own(page) and other(page) == []
    assert not [p for p in fetched if "zh-cn" in p], fetched


@pytest.mark.parametrize("lang, district, band, other_lang, other_district, other_band", [
    ("zh", "区县", "预算年度资金", "en", "Chenggong District", "Over CNY 10 million"),
    ("en", "District", "Budget-year amount", "zh", "呈贡区", "1000万元以上"),
])
def test_amount_bands_count_narrow_and_survive_the_switch(page, url, lang, district, band,
                                                          other_lang, other_district,
                                                          other_band):
    from playwright.sync_api import expect

    names = tuple(b.get(lang) for b in bands.BANDS[1:])  # the two bands the site's projects are in
    open_search(page, f"{url}{lang}/search/?q={quote('医疗' if lang == 'zh' else 'medical')}")
    group = page.get_by_role("group", name=band)
    assert [b.get_attribute("value") for b in group.locator("input").all()] == list(names)
    assert [count_of(page, band, name) for name in names] == [1, 1]
    checkbox(page, band, names[1]).check()
    expect(page.locator("[data-search-results] .search-result")).to_have_count(1)
    assert own(page) == [f"/{lang}/{CHENGGONG}"]
    assert parse_qs(urlsplit(page.url).query)["band"] == [names[1]]
    # Ticking the district too, then switching language: both filters come along.
    checkbox(page, district, "呈贡区" if lang == "zh" else "Chenggong District").check()
    expect(page).to_have_url(re.compile("district="))
    with page.expect_navigation():
        page.locator(".lang-switch a").click()
    page.wait_for_selector("#search[data-ready]")
    query = parse_qs(urlsplit(page.url).query)
    assert query["band"] == [other_band] and query["district"] == [other_district]
    assert page.locator("[data-search-filters] input:checked").count() == 2


def test_nothing_found_says_what_was_searched_and_offers_ways_on(page, url):
    from playwright.sync_api import expect

    open_search(page, f"{url}zh/search/?q=费保&district=五华区")
    assert page.locator("[data-search-status]").inner_text() == "没有符合条件的项目。"
    help_ = page.locator("[data-search-help]")
    assert help_.is_visible()
    assert "费保" in help_.inner_text() and "1 项筛选条件" in help_.inner_text()
    to_english = help_.get_by_role("link", name="在英文页面中搜索相同的词")
    assert parse_qs(urlsplit(to_english.get_attribute("href")).query) == \
        {"q": ["费保"], "district": ["Wuhua District"]}
    assert urlsplit(to_english.get_attribute("href")).path == "/en/search/"
    assert help_.get_by_role("link", name="按区县浏览项目").get_attribute("href") == "/zh/districts/"
    assert help_.get_by_role("link", name="按年度浏览项目").get_attribute("href") == "/zh/years/"
    help_.get_by_role("button", name="去掉筛选条件重新搜索").click()
    expect(page).to_have_url(re.compile(r"^(?!.*district=).*$"))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["费保"]}
    # Without filters the button is not offered.
    expect(help_.get_by_role("button")).to_be_hidden()


@pytest.mark.parametrize("address", [
    "zh/search/?q=医疗", "en/search/?q=医疗", "zh/search/?q=费保&district=五华区",
    "en/search/?q=nothingatall&year=2025",
])
def test_axe_finds_no_violations_on_the_search_page(page, url, address):
    axe = Axe()
    found = []
    for width in (360, 768, 1280):
        open_search(page, url + address, width)
        for violation in axe.run(page, options=WCAG_21_AA).response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"{width}px: {violation['id']} ({violation['impact']}) at {targets}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("address, name, found", [
    ("zh/search/?q=医疗&band=1000万元以上", "项目_医疗_1000万元以上.csv", [CHENGGONG]),
    ("en/search/?q=medical&sort=amount-asc", "projects_medical.csv", [WUHUA, CHENGGONG]),
    ("zh/search/?q=保费", "项目_保费.csv", [CHENGGONG]),  # Chinese words checked as typed
])
def test_download_these_results_writes_the_open_data_rows(page, site, url, address, name, found):
    open_search(page, url + address)
    with page.expect_download() as info:
        page.locator("[data-search-download]").click()
    download = info.value
    assert download.suggested_filename == name
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    opened = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    published = list(csv.reader(io.StringIO((site / "data" / "projects.csv").read_text(
        encoding="utf-8-sig"), newline="")))
    assert opened[0] == published[0]  # the open data's columns
    by_id = {row[0]: row for row in published[1:]}
    assert opened[1:] == [by_id[key.rstrip("/")] for key in found]


@pytest.mark.parametrize("address, name", [
    # an exact hit (the unit's code), found in the key index, then written from its row
    ("zh/search/?q=12530102431280534H", "项目_12530102431280534H.csv"),
    # found only in the other language's text: the rows listed are written
    ("en/search/?q=医疗", "projects_医疗.csv"),
])
def test_download_writes_exact_hits_and_the_other_languages_rows(page, site, url, address, name):
    open_search(page, url + address)
    listed = [href.strip("/").split("/", 1)[1] for href in
              own(page) + other(page)]
    assert listed
    with page.expect_download() as info:
        page.locator("[data-search-download]").click()
    assert info.value.suggested_filename == name
    data = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(data, newline=""))][1:] == listed


@pytest.mark.parametrize("lang, said", [("zh", "下载中断"), ("en", "The download stopped")])
def test_a_file_that_fails_during_a_download_is_reported(page, url, lang, said):
    """A rows file that does not load stops the download and says which; no file with
    rows missing is written (it used to be dropped in silence)."""
    query = "医疗" if lang == "zh" else "medical"
    open_search(page, f"{url}{lang}/search/?q={quote(query)}")
    page.route("**/search-rows/**", lambda route: route.fulfill(status=503, body="busy"))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.locator("[data-search-download]").click()
    status = page.locator("[data-search-status]")
    from playwright.sync_api import expect
    expect(status).to_contain_text(said)
    assert re.search(r"(wuhua|chenggong)-\d{4}\.json", status.inner_text())
    page.wait_for_timeout(300)
    assert downloads == []


@pytest.mark.parametrize("lang, said", [("zh", "下载中断"), ("en", "The download stopped")])
def test_a_file_that_fails_during_an_explorer_export_is_reported(page, url, lang, said):
    """The explorer's export shares the search page's CSV helper: the same report."""
    from playwright.sync_api import expect
    page.goto(f"{url}{lang}/indicators/?year=2025")
    expect(page.locator("#explorer-export")).to_be_enabled()
    page.route("**/data/explorer/**/*.csv", lambda route: route.fulfill(status=503, body="busy"))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.click("#explorer-export")
    expect(page.locator("#explorer-status")).to_contain_text(said)
    assert ".csv" in page.locator("#explorer-status").inner_text()
    page.wait_for_timeout(300)
    assert downloads == []
