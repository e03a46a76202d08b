"""Index pages: totals by district, year and unit, the pages themselves, their links.

The fixture tests/fixtures/indexes/ has four districts (two without any
project), two budget years, three units, 万元 amounts, components and last
year's spending. Every expected figure below was added up by hand from the
project.yaml files; the comments show the sums.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build, copy_site, run_budgetsite, serve
from gitrepo import commit, init
from linkcheck import broken_links

FIXTURE = FIXTURES / "indexes"

# Budget-year amounts in the fixture, in 元:
#   wuhua 2025:   alpha 1,234,567.89 (U1) + beta 350万元 = 3,500,000.00 (U2)
#                 + gamma 20,000.05 (U1)                  = 4,754,567.94
#   wuhua 2026:   delta 1,300,000.00 (U1)                 = 1,300,000.00
#   panlong 2025: epsilon 765,432.11 (U3)
#   panlong 2026: zeta 88.8万元 = 888,000.00 (U3)
#   wuhua  = 4,754,567.94 + 1,300,000.00 = 6,054,567.94
#   panlong = 765,432.11 + 888,000.00    = 1,653,432.11
#   2025 = 4,754,567.94 + 765,432.11     = 5,520,000.05
#   2026 = 1,300,000.00 + 888,000.00     = 2,188,000.00
#   all  = 6,054,567.94 + 1,653,432.11   = 7,708,000.05 (= 5,520,000.05 + 2,188,000.00)
TOTAL = "7,708,000.05"


def share(part: str, whole: str) -> str:
    """A share as the pages print it, to one decimal place."""
    ratio = Decimal(part.replace(",", "")) / Decimal(whole.replace(",", "")) * 100
    return f"{ratio.quantize(Decimal('0.1'))}%"


class _Tables(HTMLParser):
    """Rows of cell texts of the table with a given id, by thead/tbody/tfoot."""

    def __init__(self, table_id: str):
        super().__init__(convert_charrefs=True)
        self.table_id, self.depth = table_id, 0
        self.rows: dict[str, list[list[str]]] = {"thead": [], "tbody": [], "tfoot": []}
        self.part, self.cell = "tbody", None

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.table_id and tag == "table":
            self.depth += tag == "table"
            if tag in self.rows:
                self.part = tag
            elif tag == "tr":
                self.rows[self.part].append([])
            elif tag in ("td", "th"):
                self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[self.part][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str, part: str = "tbody") -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(html)
    assert parser.rows["thead"] or parser.rows["tbody"], f"no table #{table_id}"
    return parser.rows[part]


def text(html: str) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("indexes"), FIXTURE / "content")
    return build(root)


def read(out: Path, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


# -- totals, hand-computed ------------------------------------------------------------

def test_home_totals_by_district_zh(site):
    """A total means one budget year: the newest (2026), with links to the others."""
    html = read(site, "zh")
    assert table(html, "by-district-table") == [
        ["五华区", "1", "1,300,000.00元 130.00万元", share("1,300,000.00", "2,188,000.00")],
        ["盘龙区", "1", "888,000.00元 88.80万元", share("888,000.00", "2,188,000.00")],
    ]
    assert share("1,300,000.00", "2,188,000.00") == "59.4%"
    assert table(html, "by-district-table", "thead")[0][2] == "2026年度预算资金合计"
    assert table(html, "by-district-table", "tfoot") == [
        ["合计", "2", "2,188,000.00元 218.80万元", ""]]
    assert 'href="/zh/years/2025/"' in re.search(
        r'<nav class="year-choice".*?</nav>', html, re.S).group(0)


def test_home_totals_by_year_en(site):
    html = read(site, "en")
    assert table(html, "by-year-table") == [
        ["2025", "4", "CNY 5,520,000.05 CNY 5.52 million"],
        ["2026", "2", "CNY 2,188,000.00 CNY 2.19 million"],
    ]
    # Each row is one year: side by side, never added up, no shares of a sum.
    assert table(html, "by-year-table", "thead")[0] == ["Budget year", "Projects",
                                                         "Budget-year amounts"]
    assert table(html, "by-year-table", "tfoot") == []
    assert TOTAL not in html


def key_figures(html: str) -> str:
    return text(re.search(r'<section class="key-figures".*?</section>', html, re.S).group(0))


def test_home_key_figures_lead_with_the_newest_year(site):
    """Budgets of 2025 and 2026 are not one budget: the box leads with 2026's total
    (2,188,000.00) and gives no sum across the years."""
    zh, en = key_figures(read(site, "zh")), key_figures(read(site, "en"))
    assert zh.startswith("主要数字 2026年度预算资金合计 218.80万元 2,188,000.00元")
    assert en.startswith("Key figures Total budget for 2026 CNY 2.19 million "
                         "CNY 2,188,000.00")
    assert "7,708,000.05" not in zh + en and "770.80" not in zh
    assert "Projects 6" in en
    assert "Districts with disclosures 2 of 4 districts, counties and cities" in en
    assert "已公开预算资金总额" not in text(read(site, "zh"))
    assert "Total disclosed budget" not in text(read(site, "en"))


def test_district_totals_by_year(site):
    html = read(site, "en/wuhua")
    assert table(html, "by-year-table") == [
        ["2025", "3", "CNY 4,754,567.94 CNY 4.75 million"],
        ["2026", "1", "CNY 1,300,000.00 CNY 1.30 million"],
    ]
    assert table(html, "by-year-table", "tfoot") == [] and "6,054,567.94" not in html
    assert key_figures(html).startswith("Key figures Total budget for 2026 "
                                        "CNY 1.30 million CNY 1,300,000.00")
    page = text(html)
    assert "530102" in page and "五华区" in page and "Wuhua District" in page
    # every project across years: newest year first, then by amount
    assert [row[0] for row in table(html, "projects-table")] == [
        "Project Delta", "Project Beta", "Project Alpha", "Project Gamma"]


def test_district_year_funding_summary_zh(site):
    html = read(site, "zh/wuhua/2025")
    page = text(html)
    assert "2025年度预算资金合计 475.46万元 4,754,567.94元" in page
    assert "项目 3" in page
    # by unit: U2 (beta) 3,500,000.00; U1 (alpha + gamma) 1,234,567.89 + 20,000.05
    assert table(html, "by-unit-table") == [
        ["五华区乙单位", "1", "3,500,000.00元 350.00万元", share("3,500,000.00", "4,754,567.94")],
        ["五华区甲单位", "2", "1,254,567.94元 125.46万元", share("1,254,567.94", "4,754,567.94")],
    ]
    # by source of funds: one project each
    assert [row[:3] for row in table(html, "by-source-table")] == [
        ["上级补助资金", "1", "3,500,000.00元 350.00万元"],
        ["本级财政预算", "1", "1,234,567.89元 123.46万元"],
        ["政府性基金预算", "1", "20,000.05元 2.00万元"],
    ]
    # last year's spending: alpha 1,100,000.50 + gamma 18,000 = 1,118,000.50 against
    # their budget-year amounts 1,254,567.94; difference +136,567.44, 12.2% of 1,118,000.50
    assert table(html, "previous-table") == [
        ["2024", "3个中的2个", "1,118,000.50元 111.80万元", "1,254,567.94元 125.46万元",
         "+136,567.44元 +13.66万元", "+" + share("136,567.44", "1,118,000.50")]]
    header = table(html, "previous-table", "thead")[0]
    assert header[4:] == ["2025年预算与2024年实际支出之差", "差额占2024年实际支出的比例"]
    assert "增减" not in text(html)


def test_district_year_projects_by_amount_en(site):
    rows = table(read(site, "en/wuhua/2025"), "projects-table")
    assert rows == [
        ["Project Beta", "Wuhua Unit B", "CNY 3,500,000.00 (350万元)",
         "CNY 10,500,000.00 (1,050万元) 2025–2027", "1"],
        ["Project Alpha", "Wuhua Unit A", "CNY 1,234,567.89", "—not stated", "2"],
        ["Project Gamma", "Wuhua Unit A", "CNY 20,000.05", "—not stated", "1"],
    ]


def test_untranslated_source_of_funds_is_marked(site):
    html = read(site, "en/wuhua/2025")
    assert '<span lang="zh-CN">上级补助资金</span> <span class="untranslated">' in html


def test_year_page_totals_by_district(site):
    html = read(site, "zh/years/2025")
    assert table(html, "by-district-table") == [
        ["五华区", "3", "4,754,567.94元 475.46万元", share("4,754,567.94", "5,520,000.05")],
        ["盘龙区", "1", "765,432.11元 76.54万元", share("765,432.11", "5,520,000.05")],
    ]
    assert table(html, "by-district-table", "tfoot")[0][:3] == [
        "合计", "4", "5,520,000.05元 552.00万元"]
    assert [row[:2] for row in table(html, "projects-table")] == [
        ["乙项目", "五华区"], ["甲项目", "五华区"], ["戊项目", "盘龙区"], ["丙项目", "五华区"]]


def test_unit_pages_and_index(site):
    html = read(site, "en/units/12530102MB1234567M")
    # U1: alpha 1,234,567.89 + gamma 20,000.05 + delta 1,300,000.00 = 2,554,567.94
    # The newest year's amounts (delta, 2026), never a sum across years.
    assert key_figures(html).startswith(
        "Key figures Total budget for 2026 CNY 1.30 million CNY 1,300,000.00")
    assert [row[:3] for row in table(html, "projects-table")] == [
        ["Project Delta", "Wuhua District", "2026"],
        ["Project Alpha", "Wuhua District", "2025"],
        ["Project Gamma", "Wuhua District", "2025"]]
    assert "Unit card" in text(html) and "12530102MB1234567M" in text(html)
    units = table(read(site, "zh/units"), "units-table")
    # Each year's amounts apart, newest first: U1 2026 delta; 2025 alpha + gamma.
    assert [(row[0], row[1], row[3], row[4]) for row in units] == [
        ("五华区乙单位", "MB0001230", "1", "2025 3,500,000.00元 350.00万元"),
        ("五华区甲单位", "12530102MB1234567M", "3",
         "2026 1,300,000.00元 130.00万元 2025 1,254,567.94元 125.46万元"),
        ("盘龙区丙单位", "12530103MB76543211", "2",
         "2026 888,000.00元 88.80万元 2025 765,432.11元 76.54万元")]


def test_years_overview(site):
    html = read(site, "en/years")
    assert [row[:3] for row in table(html, "years-table")] == [
        ["2025", "4", "CNY 5,520,000.05 CNY 5.52 million"],
        ["2026", "2", "CNY 2,188,000.00 CNY 2.19 million"]]


# -- charts ---------------------------------------------------------------------------

def test_chart_beside_table_prints_the_same_figures(site):
    html = read(site, "zh")
    svg = re.search(r'<svg class="chart" id="by-district-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="by-district-chart-title by-district-chart-desc"' in svg
    assert '<title id="by-district-chart-title">按区县汇总（2026年）</title>' in svg
    assert re.search(r'<desc id="by-district-chart-desc">[^<]*五华区：130.00万元；盘龙区：88.80万元</desc>', svg)
    labels = re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg)
    values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', svg)
    assert labels == ["五华区", "盘龙区"] and values == ["130.00万元", "88.80万元"]
    rounded = [row[2].split()[1] for row in table(html, "by-district-table")]
    assert values == rounded
    widths = [Decimal(w) for w in re.findall(r'<rect class="chart-bar"[^>]*width="([\d.]+)%"', svg)]
    # bars in proportion, 2026 only: 1,300,000.00 : 888,000.00
    assert abs(widths[1] / widths[0] - Decimal("888000") / Decimal("1300000")) < Decimal("0.001")


def test_no_javascript_or_external_assets_in_index_pages(site):
    for path in ("zh", "en/districts", "zh/wuhua/2025", "en/years/2026", "zh/units"):
        html = read(site, path)
        assert re.findall(r'<script[^>]*src="([^"]+)"', html) == ["/static/site.js"]
        assert not re.search(r'(?:src|href)="(?:https?:)?//(?!example\.org)', html)


# -- districts without disclosures ----------------------------------------------------

def test_empty_districts_show_no_disclosures_yet(site):
    def not_disclosing(html: str) -> str:
        paragraph = re.search(r'<p class="not-disclosing">(.*?)</p>', html, re.S).group(1)
        return " ".join(re.sub(r"<[^>]+>", "", paragraph).split())
    assert not_disclosing(read(site, "zh")) == "暂无公开项目： 官渡区、西山区"
    assert not_disclosing(read(site, "en")) == "No disclosures yet: Guandu District, Xishan District"
    assert 'href="/zh/guandu/"' in read(site, "zh")
    rows = table(read(site, "en/districts"), "all-districts-table")
    assert [row[0] for row in rows] == ["Wuhua District 五华区", "Panlong District 盘龙区",
                                        "Guandu District 官渡区", "Xishan District 西山区"]
    assert rows[2][1:] == ["530111", "no disclosures yet"]
    assert rows[3][1:] == ["530112", "no disclosures yet"]
    assert rows[0][1:] == ["530102", "2025, 2026", "1", "CNY 1,300,000.00 CNY 1.30 million"]
    # their own pages exist (they are linked) and say so; no year pages are made up
    assert "No disclosures yet" in text(read(site, "en/guandu"))
    assert "暂无公开项目" in text(read(site, "zh/xishan"))
    assert not (site / "zh" / "guandu" / "2025").exists()


# -- pages, breadcrumbs, translations, links ------------------------------------------

def test_every_page_has_breadcrumbs_nav_and_reciprocal_translations(site):
    for path in sorted(site.rglob("index.html")):
        if path.parent == site:
            continue   # the language chooser
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(site)
        if where.parts[1] == "embed":
            assert '<nav class="site-nav"' not in html, where  # made for another site's frame
            continue
        assert '<nav class="breadcrumbs wrap"' in html, where
        assert '<nav class="site-nav"' in html and "aria-current=" in html, where
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="(zh-CN|en)" href="https://example.org/([^"]*)"', html))
        assert set(alternates) == {"zh-CN", "en"}, where
        for url in alternates.values():
            other = (site / url / "index.html").read_text(encoding="utf-8")
            back = dict(re.findall(r'<link rel="alternate" hreflang="(zh-CN|en)" href="https://example.org/([^"]*)"', other))
            assert back == alternates, where


def test_breadcrumb_trails(site):
    html = read(site, "en/wuhua/2025/alpha")
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [
        ("/en/", "Home"), ("/en/districts/", "Districts"), ("/en/wuhua/", "Wuhua District"),
        ("/en/wuhua/2025/", "2025")]
    assert '<span aria-current="page">Project Alpha</span>' in crumbs
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', read(site, "zh/years/2026"), re.S).group(0)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [
        ("/zh/", "首页"), ("/zh/years/", "预算年度")]
    assert '<span aria-current="page">2026年</span>' in crumbs


def test_fixture_links_resolve_under_a_base_path(tmp_path):
    root = copy_site(tmp_path / "site", FIXTURE / "content")
    out = build(root, tmp_path / "out", "--base-path", "/budget/")
    assert broken_links(out, "/budget/", "https://example.org") == []
    assert 'href="/budget/zh/wuhua/2025/"' in (out / "zh" / "wuhua" / "index.html").read_text()


REAL_PAGES = ["", "districts/", "years/", "units/", "wuhua/", "wuhua/2025/",
              "wuhua/2025/urban-rural-medical-assistance/", "years/2025/", "years/2026/",
              "units/12530102431280534H/", "units/MB1584220/", "chenggong/2026/",
              "panlong/"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_kind_exists_for_the_real_content(real_site, lang):
    for page in REAL_PAGES:
        path = real_site / lang / page / "index.html"
        assert path.is_file(), path
        html = path.read_text(encoding="utf-8")
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html


def test_real_site_links_resolve(real_site):
    assert broken_links(real_site, "/", "https://budget.example.org") == []


def test_link_walker_finds_broken_links(tmp_path):
    """The walker itself: a missing page, a missing anchor and a good link."""
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "index.html").write_text(
        '<a href="/zh/#top" id="top">ok</a> <a href="/zh/missing/">gone</a> '
        '<a href="#nowhere">bad anchor</a> <a href="https://elsewhere.org/x">external</a> '
        '<link rel="alternate" href="https://example.org/en/">', encoding="utf-8")
    problems = broken_links(tmp_path, "/", "https://example.org")
    assert len(problems) == 3, problems
    assert "there is no zh/missing/index.html" in problems[0]
    assert 'has no element with id="nowhere"' in problems[1]
    assert "there is no en/index.html" in problems[2]


# -- districts.yaml slugs that would collide with the site's own pages ----------------

@pytest.mark.parametrize("slug", ["years", "units", "districts", "search"])
def test_district_slug_colliding_with_site_pages_is_an_error(tmp_path, slug):
    root = copy_site(tmp_path / "site", FIXTURE / "content")
    districts = root / "content" / "districts.yaml"
    districts.write_text(districts.read_text(encoding="utf-8").replace(
        "slug: xishan", f"slug: {slug}"), encoding="utf-8")
    result = run_budgetsite("build", "--root", root, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(rf"content/districts.yaml:\d+:\d+: districts\[4\]\.slug: '{slug}' cannot "
                     rf"be a district slug", result.stderr), result.stderr
    assert not (tmp_path / "out").exists()


# -- the browser: a phone-sized walk there and back -----------------------------------

def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide"


@pytest.mark.browser
def test_phone_walk_home_district_year_project_and_back(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    with serve(site) as url:
        page.goto(url + "zh/")
        _no_sideways_scroll(page)
        page.locator("#by-district-table").get_by_role("link", name="五华区").click()
        page.wait_for_url("**/zh/wuhua/")
        _no_sideways_scroll(page)
        page.locator("#by-year-table").get_by_role("link", name="2025年").click()
        page.wait_for_url("**/zh/wuhua/2025/")
        _no_sideways_scroll(page)
        page.locator("#projects-table").get_by_role("link", name="甲项目").click()
        page.wait_for_url("**/zh/wuhua/2025/alpha/")
        assert page.locator("h1").inner_text() == "甲项目"
        _no_sideways_scroll(page)
        crumbs = page.get_by_role("navigation", name="当前位置")
        for name, path in (("2025年", "zh/wuhua/2025/"), ("五华区", "zh/wuhua/"),
                           ("区县", "zh/districts/"), ("首页", "zh/")):
            crumbs.get_by_role("link", name=name, exact=True).click()
            page.wait_for_url(url + path)
            _no_sideways_scroll(page)
            crumbs = page.get_by_role("navigation", name="当前位置")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["en/", "en/districts/", "en/units/", "en/years/2025/",
                                  "en/wuhua/2025/", "en/units/12530102MB1234567M/",
                                  "en/search/", "zh/wuhua/2025/alpha/"])
def test_index_pages_fit_a_phone(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    with serve(site) as url:
        page.goto(url + path)
        _no_sideways_scroll(page)
        # the chart's figures stay inside the chart
        for chart in page.locator("svg.chart").all():
            box = chart.bounding_box()
            for value in chart.locator(".chart-value").all():
                assert value.bounding_box()["x"] + value.bounding_box()["width"] <= box["x"] + box["width"] + 0.5
    context.close()


@pytest.mark.browser
def test_keyboard_focus_is_visible(site, page):
    with serve(site) as url:
        page.goto(url + "en/")
        page.keyboard.press("Tab")   # the skip link
        page.keyboard.press("Tab")   # the site title
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                  return [s.backgroundColor, s.boxShadow]; }""")
        assert style[0] == "rgb(255, 221, 0)" and style[1] != "none"


@pytest.mark.browser
def test_print_drops_navigation_and_follows_the_document_order(site, page):
    with serve(site) as url:
        page.goto(url + "zh/wuhua/2025/alpha/")
        page.emulate_media(media="print")
        for selector in (".site-header", ".breadcrumbs", ".site-footer", ".key-figures"):
            assert not page.locator(selector).is_visible(), selector
        order = ["h1", "#basis", "#unit", "#overview", "#activities", "#funding-arrangement",
                 "#funding", "#plan", "#results", "#targets"]
        tops = [page.locator(s).first.bounding_box()["y"] for s in order]
        assert tops == sorted(tops), dict(zip(order, tops))


# -- sums across budget years are labelled as such ------------------------------------

def test_overview_tables_never_add_up_budget_years(site):
    districts = read(site, "en/districts")
    assert table(districts, "all-districts-table", "thead")[0][3:] == [
        "Projects (2026)", "Total budget for 2026"]
    assert table(districts, "all-districts-table", "tfoot")[0] == [
        "Total", "", "", "2", "CNY 2,188,000.00 CNY 2.19 million"]
    years = read(site, "zh/years")
    assert table(years, "years-table", "thead")[0][2] == "预算年度资金"
    assert table(years, "years-table", "tfoot") == []
    units = read(site, "zh/units")
    assert table(units, "units-table", "thead")[0][4] == "各年度预算资金"
    for page in (districts, years, units, read(site, "zh"), read(site, "en/wuhua")):
        assert "2025–2026 budget-year" not in page and "各年预算合计" not in page
    # One year only: a plain total.
    assert table(read(site, "en/years/2025"), "by-district-table", "tfoot")[0][0] == "Total"


def test_rounded_figures_have_two_decimals_everywhere(site):
    """One style in a column: 350.00万元 beside 123.46万元, CNY 1.30 million."""
    for path in ("zh", "en", "zh/districts", "en/years", "zh/wuhua/2025", "en/units"):
        rounded = re.findall(r'<span class="rounded">([^<]*)</span>', read(site, path))
        assert rounded, path
        for figure in rounded:
            if re.search(r"\d{4}", figure) and "万元" not in figure and "CNY" not in figure:
                continue  # a period of years, not an amount
            assert re.fullmatch(r"[+−]?(?:[\d,]+\.\d\d万元|[\d,]+\.\d\d亿元|"
                                r"CNY\u00a0[\d,]+\.\d\d\u00a0(?:million|billion))",
                                figure.replace("−CNY", "CNY")), (path, figure)


def test_source_of_funds_shows_the_documents_wording(real_site):
    """本级财政预算 and 本级财政安排的一般公共预算资金 are different wordings and stay
    apart; each district-year page gives the wording exactly, in both languages."""
    for source in sorted((REPO / "content" / "projects").glob("*/*/*/project.yaml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        funds = data["unit"]["source_of_funds"]
        path = f"{data['district']}/{data['year']}"
        zh_rows = table(read(real_site, f"zh/{path}"), "by-source-table")
        assert funds["zh"] in [row[0] for row in zh_rows]
        html = read(real_site, f"en/{path}")
        rows = table(html, "by-source-table")
        assert f"{funds['en']} {funds['zh']}" in [row[0] for row in rows]
        assert f'<span class="original" lang="zh-CN">{funds["zh"]}</span>' in html


# -- the home page's newest projects ---------------------------------------------------

def recent_names(html: str) -> list[str]:
    return [row[0] for row in table(html, "recent-table")]


def test_without_history_recent_projects_are_by_budget_year(real_site):
    html = read(real_site, "en")
    heading = re.search(r'<h2 id="recent-title">([^<]*)</h2>', html).group(1)
    assert heading == "Projects by budget year"
    assert "Most recently published" not in text(html)
    names = recent_names(html)
    assert names[0].startswith("Supplementary medical insurance for civil servants")  # 2026 before 2025


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_recent_projects_follow_first_publication(tmp_path):
    """Wuhua's 2025 project published after Chenggong's 2026 one comes first."""
    root = copy_site(tmp_path / "site")
    init(root)
    commit(root, "Site", "2024-01-01T09:00:00+08:00", "content/site.yaml",
           "content/districts.yaml", "content/projects/chenggong")
    commit(root, "Wuhua", "2024-06-01T09:00:00+08:00", "content/projects/wuhua")
    out = build(root, None, "--no-search")
    for lang, heading in (("zh", "最新发布的项目"), ("en", "Most recently published projects")):
        html = read(out, lang)
        assert re.search(r'<h2 id="recent-title">([^<]*)</h2>', html).group(1) == heading
        names = recent_names(html)
        assert len(names) == 2
        assert names[0] == {"zh": "城乡医疗救助专项资金",
                            "en": "Special fund for urban and rural medical assistance"}[lang]
