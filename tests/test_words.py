"""Words a reader trips on (issue 24, point 9): plural forms through the catalogue, an
amount in 万元 written as CNY millions in English, one label for a year's total, the
indicator's link beside its name, a space before "What is missing", the English menu
on one row at 1280 px."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, REPO, build, copy_site, serve
from pagetree import page as parsed

from builder.core import i18n

CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("words"), FIXTURES / "stored-site" / "content")
    return build(root, None, "--no-search")


@pytest.fixture(scope="module")
def url(site):
    with serve(site) as address:
        yield address


def test_plural_forms_come_from_the_catalogue():
    zh = i18n.catalog("zh", (REPO / "site_templates" / "locale",))
    en = i18n.catalog("en", (REPO / "site_templates" / "locale",))
    forms = ("%(count)s indicator", "%(count)s indicators")
    assert [en.ngettext(*forms, n) for n in (0, 1, 2)] == [forms[1], forms[0], forms[1]]
    assert {zh.ngettext(*forms, n) for n in (0, 1, 2)} == {"%(count)s 项指标"}


def test_one_project_is_one_project(site):
    for lang, said in (("en", "(1 project)."), ("zh", "（1 个项目）")):
        footer = parsed(site / lang / "embed/chenggong/index.html").find("footer")
        assert said in footer.text, footer.text
    two = parsed(site / "en/embed/wuhua/index.html").find("footer").text
    assert "(2 projects)." in two


def test_an_amount_in_wan_yuan_is_written_in_millions_in_english(site):
    for lang, value, unit in (("en", "5.5 million", "CNY"), ("zh", "550", "万元")):
        row = parsed(site / lang / CHENGGONG / "index.html").by_id("indicator-premium")
        assert row.find("td", class_="value").text == value
        assert row.find("td", class_="unit").text == unit
    assert "units of CNY 10,000" not in (site / "en" / CHENGGONG / "index.html").read_text()


def test_a_years_total_is_the_total_budget_for_that_year(site):
    for lang, label in (("en", "Total budget for 2026"), ("zh", "2026年度预算资金合计")):
        assert label in parsed(site / lang / "index.html").find("dl").text


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_indicator_link_follows_its_name(browser, url, lang):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(url + f"{lang}/{CHENGGONG}/")
    for name in page.locator("table.indicators tbody th.ind-name").all():
        link = name.locator(".permalink").bounding_box()
        box = name.bounding_box()
        # on the name's first line, at its right: never a line of its own
        assert link["y"] - box["y"] < 10 and link["x"] - box["x"] > 40, (lang, link, box)
    page.goto(url + f"{lang}/scorecard/")
    cells = page.locator("td[data-criterion][data-status='partly']:has(> .status + details)").all()
    assert cells
    for cell in cells:
        status = cell.locator(".status").bounding_box()
        summary = cell.locator("summary").bounding_box()
        if abs(status["y"] - summary["y"]) < 10:  # on one line: a space between them
            assert summary["x"] - (status["x"] + status["width"]) >= 6, (status, summary)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_menu_and_the_search_share_one_row_at_1280(browser, url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url + f"{lang}/")
    tops = {round(box["y"]) for box in
            (li.bounding_box() for li in page.locator(".site-nav li").all())}
    assert len(tops) == 1, tops
    nav = page.locator(".site-nav").bounding_box()
    search = page.locator(".site-search").bounding_box()
    assert search["y"] < nav["y"] + nav["height"], (nav, search)
    assert page.locator("#site-search-q").get_attribute("id") == \
        page.locator(".site-search label").get_attribute("for")  # still labelled
    context.close()


@pytest.mark.browser
def test_the_explorer_writes_an_amount_in_wan_yuan_in_millions(browser, url):
    context = browser.new_context()
    page = context.new_page()
    for lang, value, unit in (("en", "5.5\u00a0million", "CNY"), ("zh", "550", "万元")):
        page.goto(url + f"{lang}/indicators/")
        row = page.locator("#explorer-rows tr:has(a[href$='#indicator-premium'])")
        row.wait_for()
        assert row.locator("td.value").inner_text() == value
        assert row.locator("td").nth(5).inner_text() == unit
    context.close()
