"""The public pages as readers meet them (issue: right on a phone, honest totals,
plain-language help): axe-core at three screen sizes, tables readable at 360 px, totals of
one budget year with a year choice that is plain links, one money style, the project
summary and contents, the folding header, the print-out and the pages that explain.

One site for the module: the real content, committed to a throwaway git repository (so
the print-out can name its version), built without search and served.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO, build, copy_site, serve
from gitrepo import commit, init
from pagetree import page as parsed

from builder.core import glossary, i18n
from builder.site.urls import Urls
from builder.sources import discover

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
# 1280 × 800 as well: test_accessibility runs axe-core there on every page kind, so this
# module adds the phone and the tablet.
SIZES = [(360, 800), (768, 1024)]
# One page of every kind, the largest where a kind has several.
KINDS = ["", "404.html", "{lang}/", "{lang}/districts/", "{lang}/wuhua/", "{lang}/guandu/",
         "{lang}/wuhua/2025/", "{lang}/years/", "{lang}/years/2026/", "{lang}/units/",
         "{lang}/units/12530102431280534H/", "{lang}/scorecard/", "{lang}/about/",
         "{lang}/glossary/", "{lang}/wuhua/2025/urban-rural-medical-assistance/",
         "{lang}/chenggong/2026/civil-servant-medical-subsidy-insurance/"]
PROJECTS = [k for k in KINDS if k.count("/") == 4]


def every_page() -> list[str]:
    return sorted({kind.format(lang=lang) for kind in KINDS for lang in i18n.LANGS})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("public"))
    init(root)
    commit(root, "Publish the disclosures", "2024-03-01T09:00:00+08:00")
    return root, build(root, root / "public", "--no-search")


@pytest.fixture(scope="module")
def url(site):
    with serve(site[1]) as address:
        yield address


@pytest.fixture(scope="module")
def content(site):
    return discover.load_content(site[0])


def read(site, path: str):
    return parsed(site[1] / (path + "index.html" if path.endswith("/") or not path else path))


def visit(page, address: str, width: int, height: int = 800, media: str = "screen"):
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media=media)
    response = page.goto(address, referer=address)
    assert response and response.ok, address
    return page


# ---- the gates: axe-core at three sizes, and nothing sideways at 360 px ----------------

def test_axe_finds_nothing_at_phone_tablet_and_desktop_sizes(page, url):
    axe, found = Axe(), []
    for width, height in SIZES:
        for path in every_page():
            results = axe.run(visit(page, url + path, width, height), options=WCAG_21_AA)
            found += [f"/{path} at {width}px: {v['id']} ({v['impact']}) at "
                      f"{[' '.join(n['target']) for n in v['nodes']][:3]}"
                      for v in results.response["violations"]]
    assert not found, "\n".join(found)


# Every shown table cell narrower than two characters of its own type, and every
# element (other than a scroll box's content) that reaches past the window's edge.
NARROW = r"""() => {
  const shown = el => el.checkVisibility() && !Array.from(function* () {
      for (let e = el; e; e = e.parentElement) yield e; }()).some(e => getComputedStyle(e).clip !== 'auto');
  const cells = Array.from(document.querySelectorAll('main td, main th'))
    .filter(c => shown(c) && c.innerText.trim())
    .filter(c => { const s = getComputedStyle(c);
      const inner = c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return inner < 2 * parseFloat(s.fontSize); })
    .map(c => c.innerText.slice(0, 30));
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > width + 1 && shown(el))
    .map(el => el.outerHTML.slice(0, 80));
  const scrollers = Array.from(document.querySelectorAll('main *'))
    .filter(el => el.scrollWidth > el.clientWidth + 1 &&
                  ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .map(el => el.outerHTML.slice(0, 80));
  return {cells, wide, scrollers, page: document.documentElement.scrollWidth, width};
}"""


def test_at_360_px_no_cell_is_narrower_than_two_characters_and_nothing_scrolls_sideways(
        page, url):
    problems = []
    for path in every_page():
        found = visit(page, url + path, 360).evaluate(NARROW)
        if found["cells"]:
            problems.append(f"/{path}: cells narrower than two characters: {found['cells'][:4]}")
        if found["page"] > found["width"] or found["wide"]:
            problems.append(f"/{path}: page {found['page']} px at {found['width']} px: "
                            f"{found['wide'][:3]}")
        if found["scrollers"]:
            problems.append(f"/{path}: scrolls sideways: {found['scrollers'][:3]}")
    assert not problems, "\n".join(problems)


# ---- 1. the scorecard on a phone --------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_each_scored_project_is_a_card_with_its_score_and_criteria(
        page, url, content, lang):
    visit(page, f"{url}{lang}/scorecard/", 360)
    card = page.locator("table.scorecard").first.locator("tbody tr").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    score = card.locator("td.score")
    label = score.evaluate("td => getComputedStyle(td, '::before').content")
    assert {"zh": "得分", "en": "Score"}[lang] in label and score.is_visible()
    assert re.fullmatch(r"\d+", score.inner_text().strip())
    criteria = card.locator("td[data-criterion]")
    assert criteria.count() >= 5
    for i in range(criteria.count()):
        cell = criteria.nth(i).bounding_box()
        assert cell["x"] + cell["width"] <= 360, criteria.nth(i).inner_text()
    # A unit's name keeps its characters on a line (not one character per line).
    name = page.locator("#by-unit tbody th a").first
    assert name.bounding_box()["height"] < 3 * 1.8 * 16


# ---- 2. funding tables at 360 px -------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funding_tables_show_every_column_and_their_caption_on_a_phone(page, url, lang):
    visit(page, f"{url}{lang}/{PROJECTS[0].format(lang=lang)[3:]}", 360)
    for table in ("#funding table.funding:not(.comparison)", "#funding-comparison"):
        locator = page.locator(table)
        region = locator.locator("xpath=..")
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
        for cell in locator.locator("td").all():
            box = cell.bounding_box()
            assert cell.is_visible() and box["x"] + box["width"] <= 360, cell.inner_text()
    rounded = page.locator("#funding td[data-label]").nth(1)
    assert rounded.evaluate("td => getComputedStyle(td, '::before').content").startswith(
        '"%s"' % {"zh": "约数", "en": "Rounded"}[lang])
    caption = page.locator("#funding-comparison caption")
    assert caption.evaluate("c => c.scrollWidth <= c.clientWidth")
    assert caption.bounding_box()["width"] > 250
    # The comparison's row header keeps whole lines, not one to three characters each.
    header = page.locator("#funding-comparison tbody th")
    assert header.bounding_box()["width"] > 250


# ---- 3. totals of one budget year --------------------------------------------------------

def plain(text: str) -> str:
    """Text as pagetree gives it: any white space, the no-break one too, as one space."""
    return " ".join(text.split())


def before(document, first, second) -> bool:
    order = list(document.iter())
    return order.index(first) < order.index(second)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_totals_are_of_one_budget_year_with_links_to_the_others(site, content, lang):
    newest = max(p.year for p in content.projects)
    for path, table_id in ((f"{lang}/", "by-district-table"),
                           (f"{lang}/districts/", "all-districts-table")):
        document = read(site, path)
        text = document.by_id(table_id).text
        for project in content.projects:
            exact = plain(i18n.yuan(project.funding.budget_year, lang))
            assert (exact in text) == (project.year == newest), (path, exact)
        assert "%" not in text or "100.0%" in text  # one year: shares of that year only
        choice = document.find("nav", class_="year-choice")
        links = {a.text: a.attrs["href"] for a in choice.find_all("a")}
        assert links == {str(y): "/" + Urls.year(lang, y) for y in (2025, 2026)}
        assert [a.text for a in choice.find_all("a") if a.attrs.get("aria-current")] == \
            [str(newest)]
    # Rows that are different years are never added up, nor shares of their sum.
    for path, table_id in ((f"{lang}/", "by-year-table"), (f"{lang}/years/", "years-table")):
        table = read(site, path).by_id(table_id)
        assert table.find("tfoot") is None and "%" not in table.text, path
    assert "2025–2026" not in read(site, f"{lang}/units/").text
    assert "2025年-2026年" not in read(site, f"{lang}/units/").text


def test_without_javascript_the_year_choice_leads_to_that_years_totals(browser, url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "en/")
        page.locator("nav.year-choice a", has_text="2025").click()
        page.wait_for_url(url + "en/years/2025/")
        table = page.locator("#by-district-table").inner_text()
        assert "CNY\u00a07,968,243.98" in table and "5,500,000.00" not in table
        assert page.locator("nav.year-choice a[aria-current]").inner_text() == "2025"
    finally:
        context.close()


# ---- 5. one money style -------------------------------------------------------------------

@pytest.mark.parametrize("value, exact, rounded", [
    (Decimal("5500000"), "CNY\u00a05,500,000.00", "CNY\u00a05.50\u00a0million"),
    (Decimal("272990.02"), "CNY\u00a0272,990.02", "CNY\u00a00.27\u00a0million"),
    (Decimal("1650000000"), "CNY\u00a01,650,000,000.00", "CNY\u00a01.65\u00a0billion"),
])
def test_each_kind_of_english_figure_has_one_style_with_no_break_spaces(value, exact, rounded):
    assert i18n.yuan(value, "en") == exact
    assert i18n.summary(value, "en") == rounded
    assert i18n.signed(-value, i18n.summary, "en") == "−" + rounded


def test_no_english_page_shows_another_money_style(site):
    """Every amount the site writes (not the staff's narrative) in the one style."""
    style = re.compile(r"[+−]?CNY\u00a0[\d,]+\.\d\d(?:\u00a0(?:million|billion))?"
                       r"(?: \([\d,.]+[万亿]元\))?")
    checked = 0
    for path in sorted((site[1] / "en").rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r'<(?:span|td) class="(?:exact|rounded|figure|amount|num)"'
                                 r'[^>]*>(?:<span class="amount">)?([^<]*CNY[^<]*)<', html):
            checked += 1
            assert style.fullmatch(figure.strip()), (path, figure)
        assert not re.search(r"CNY[^<]*thousand", html) and ">CNY 10,000<" not in html, path
    assert checked > 50
    assert glossary.UNITS["万元"].en == "units of CNY 10,000"


# ---- 6. summary box and contents -----------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_project_page_opens_with_its_summary_and_a_contents_list(site, content, lang):
    for project in content.projects:
        document = read(site, Urls.project(lang, project))
        summary = document.by_id("summary").text
        assert plain(i18n.summary(project.funding.budget_year, lang)) in summary
        assert project.unit.name.get(lang) in summary and str(project.year) in summary
        assert str(len(project.indicators)) in summary
        for level1 in {i.level1 for i in project.indicators}:
            assert glossary.LEVEL1[level1].get(lang) in summary
        contents = document.find("nav", class_="contents")
        targets = [a.attrs["href"][1:] for a in contents.find_all("a")]
        for anchor in ("basis", "unit", "overview", "funding", "targets", "indicators-caption",
                       "results"):
            assert anchor in targets, anchor
        for anchor in targets:
            assert document.by_id(anchor) is not None, anchor
        assert before(document, document.by_id("summary"), document.by_id("basis"))


# ---- 7. the header on a phone --------------------------------------------------------------

@pytest.mark.parametrize("path", ["en/", "zh/", "", "404.html",
                                  "en/chenggong/2026/civil-servant-medical-subsidy-insurance/"])
def test_on_a_phone_the_header_is_compact_and_its_menu_opens_without_javascript(
        browser, url, path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360,
                                                                       "height": 800})
    try:
        page = context.new_page()
        page.goto(url + path)
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 180, header
        nav = page.locator("nav.site-nav a").first
        assert not nav.is_visible()
        page.locator(".site-menu > summary").click()
        assert nav.is_visible()
    finally:
        context.close()
    # On a desktop the menu is simply open: no button.
    desktop = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        desktop.goto(url + path)
        assert desktop.locator("nav.site-nav a").first.is_visible()
        assert not desktop.locator(".site-menu > summary").is_visible()
    finally:
        desktop.close()


def test_the_root_offers_the_two_languages_as_two_equal_choices(page, url):
    for width in (360, 1280):
        visit(page, url, width)
        boxes = [page.locator(f".language-choice li[lang='{lang}']").bounding_box()
                 for lang in ("zh-CN", "en")]
        assert abs(boxes[0]["width"] - boxes[1]["width"]) < 1
        assert page.locator(".language-choice a").count() == 2


# ---- 8. the indicator table on a desktop ---------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_desktop_the_indicator_table_is_readable(page, url, lang):
    visit(page, url + PROJECTS[1].format(lang=lang), 1280)
    table = page.locator("table.indicators")
    assert table.locator("thead th").count() == 11
    sizes = table.evaluate("""t => ({
        name: parseFloat(getComputedStyle(t.querySelector('tbody th.ind-name')).fontSize),
        box: t.parentElement.getBoundingClientRect().width, table: t.scrollWidth,
        main: document.querySelector('main').getBoundingClientRect().width,
        source: getComputedStyle(t.querySelector('td.ind-source')).color,
        rule: getComputedStyle(t.querySelector('td.ind-text')).color})""")
    assert sizes["name"] >= 14 and sizes["table"] <= sizes["box"] <= 1280
    assert sizes["source"] != sizes["rule"]  # the secondary columns are lighter
    link = table.locator("a.permalink").first
    assert link.locator("[aria-hidden=true]").inner_text() == "#"
    assert {"zh": "本指标的链接", "en": "Link to this indicator"}[lang] in \
        link.evaluate("a => a.textContent")
    shown = table.evaluate("t => Array.from(t.querySelectorAll('a.permalink [aria-hidden]'))"
                           ".map(s => s.textContent)")
    assert set(shown) == {"#"}


# ---- 9. print -------------------------------------------------------------------------------

A4_CONTENT = 688  # 210 mm less the page's 14 mm margins, at 96 px an inch


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_printed_project_fits_a4_and_ends_with_address_version_and_date(
        page, url, site, content, lang):
    for project in content.projects:
        visit(page, url + Urls.project(lang, project), A4_CONTENT, 1000, media="print")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= A4_CONTENT, (project.key, width)
        end = page.locator(".print-url")
        assert end.is_visible()
        text = " ".join(end.inner_text().split())
        assert "https://budget.example.org/" + Urls.project(lang, project) in text
        assert re.search(r"\b[0-9a-f]{7,}\b", text)
        assert {"zh": "2024年3月1日", "en": "1 March 2024"}[lang] in text
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


# ---- 10. plain English --------------------------------------------------------------------

def test_the_english_reads_as_english(content):
    wording = re.compile(r"the finance of this level|our department|year and month|"
                         r"funds in the dedicated fund account|This item carries", re.I)
    for project in content.projects:
        assert len(project.name.en.split()) <= 12, project.name.en
        texts = [project.unit.source_of_funds.en, project.name.en, project.heading.en]
        texts += [line.label.en for line in project.funding.components]
        if project.funding.previous_year:
            texts += [line.label.en for line in project.funding.previous_year.components]
        for text in texts:
            assert text[:1].isupper() or text[:1].isdigit(), text
        for path in (REPO / "content/projects" / project.key).glob("*"):
            assert not wording.search(path.read_text(encoding="utf-8")), path
    assert glossary.UNITS["年月"].en == "month"


def test_every_ui_string_has_its_chinese():
    """Every message the templates use has a Chinese translation in zh.po."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    catalog = i18n.catalog("zh", (REPO / "site_templates" / "locale",))
    missing = []
    for template in sorted((REPO / "site_templates").glob("*/*.html")):
        for _, _, message in env.extract_translations(template.read_text(encoding="utf-8")):
            if not isinstance(message, str):
                message = next(filter(None, message or ()), None)
            if message and message not in catalog.messages and message not in catalog.plurals:
                missing.append(f"{template.name}: {message}")
    assert not missing, "\n".join(missing)


# ---- 11. about, glossary, and what a shared link shows ---------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_about_and_glossary_pages_explain_and_tables_link_to_them(site, content, lang):
    about = read(site, f"{lang}/about/")
    for anchor in ("published", "sources", "figures", "scorecard"):
        assert about.by_id(anchor) is not None
    terms = read(site, f"{lang}/glossary/")
    for key, term, meaning in glossary.TERMS:
        entry = terms.by_id(key)
        assert term.get(lang) in entry.text and meaning.get(lang)[:20] in entry.text
    for word in ("万元", "一级指标", "二级指标", "三级指标", "定量指标", "定性指标", "绩效目标"):
        assert word in terms.text
    project = read(site, PROJECTS[0].format(lang=lang))
    links = {a.attrs["href"] for a in project.by_id("targets").find_all("a")}
    for key in ("level1", "quantitative", "points", "yuan"):
        assert "/" + Urls.glossary(lang, key) in links
    assert terms.by_id("level1") is not None
    footer = project.find("footer")
    assert "/" + Urls.about(lang) in {a.attrs["href"] for a in footer.find_all("a")}


def test_every_page_describes_itself_for_a_shared_link(site, content):
    for path in sorted(site[1].rglob("*.html")):
        head = parsed(path).find("head")
        meta = {m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content")
                for m in head.find_all("meta")}
        for key in ("description", "og:title", "og:description", "og:url", "og:type"):
            assert meta.get(key), (path, key)
    for project in content.projects:
        for lang in i18n.LANGS:
            head = read(site, Urls.project(lang, project)).find("head")
            meta = {m.attrs.get("property"): m.attrs.get("content")
                    for m in head.find_all("meta") if m.attrs.get("property")}
            assert meta["og:title"] == project.name.get(lang)
            assert plain(i18n.summary(project.funding.budget_year, lang)) in \
                plain(meta["og:description"])
            assert str(project.year) in meta["og:description"]


def test_new_pages_are_part_of_the_site(site):
    assert Path(site[1] / "zh" / "about" / "index.html").is_file()
    assert Path(site[1] / "en" / "glossary" / "index.html").is_file()
