"""A project page in Chromium: both languages, the switcher keeps the page and the
#anchor, the root offers both languages, and all of it under a base path too."""

from __future__ import annotations

import re

import pytest
from conftest import build, copy_site, serve

WUHUA = "wuhua/2025/urban-rural-medical-assistance"
ANCHOR = "#indicator-satisfaction"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sub_site(tmp_path_factory):
    """The real content built to be served under /sub/."""
    root = copy_site(tmp_path_factory.mktemp("sub"))
    return build(root, None, "--base-path", "/sub/", "--no-search")


def switch_language(page) -> None:
    with page.expect_navigation():
        page.click("a[data-keep-hash]")


def test_project_page_in_both_languages(page, real_site):
    with serve(real_site) as url:
        page.goto(f"{url}zh/{WUHUA}/")
        assert page.title().startswith("城乡医疗救助专项资金")
        assert page.get_attribute("html", "lang") == "zh-CN"
        table = page.locator("table.indicators")
        assert table.is_visible()
        assert table.locator("tbody tr").count() == 5
        assert table.locator("thead th").count() == 11
        assert "救助对象满意度" in table.locator(f"tr{ANCHOR}").inner_text()

        switch_language(page)
        assert page.url == f"{url}en/{WUHUA}/"
        assert page.get_attribute("html", "lang") == "en"
        assert page.title().startswith("Special fund for urban and rural medical assistance")
        assert page.locator("h1").inner_text() == \
            "Special fund for urban and rural medical assistance"
        assert page.locator("table.indicators tbody tr").count() == 5

        switch_language(page)
        assert page.url == f"{url}zh/{WUHUA}/"


def test_the_switcher_keeps_the_anchor(page, real_site):
    with serve(real_site) as url:
        page.goto(f"{url}zh/{WUHUA}/{ANCHOR}")
        assert page.locator(f"tr{ANCHOR}").is_visible()
        switch_language(page)
        assert page.url == f"{url}en/{WUHUA}/{ANCHOR}"
        assert page.evaluate("document.querySelector(location.hash).id") == ANCHOR[1:]
        assert "Satisfaction of assistance recipients" in page.locator(f"tr{ANCHOR}").inner_text()
        switch_language(page)
        assert page.url == f"{url}zh/{WUHUA}/{ANCHOR}"


def test_a_link_to_a_row_lands_on_it_and_the_switcher_follows(page, real_site):
    """Following the row's own permalink changes the hash after the page loaded."""
    with serve(real_site) as url:
        page.goto(f"{url}zh/{WUHUA}/")
        page.click("tr#indicator-basic-rights a.permalink")
        assert page.url.endswith("#indicator-basic-rights")
        switch_language(page)
        assert page.url == f"{url}en/{WUHUA}/#indicator-basic-rights"


def test_the_root_offers_both_languages_without_javascript(browser, real_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        with serve(real_site) as url:
            page.goto(url)
            chinese = page.locator('a[hreflang="zh-CN"]', has_text="中文")
            english = page.locator('a[hreflang="en"]', has_text="English")
            assert chinese.is_visible() and english.is_visible()
            english.click()
            page.wait_for_url(f"{url}en/")
            page.go_back()
            page.locator('a[hreflang="zh-CN"]', has_text="中文").click()
            page.wait_for_url(f"{url}zh/")
    finally:
        context.close()


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-GB", "en")])
def test_the_root_follows_the_browsers_language(browser, real_site, locale, lang):
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        with serve(real_site) as url:
            page.goto(url)
            page.wait_for_url(f"{url}{lang}/")
    finally:
        context.close()


def test_under_a_base_path(page, sub_site):
    with serve(sub_site, "/sub/") as url:
        assert url.endswith("/sub/")
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(f"{url}zh/{WUHUA}/{ANCHOR}")
        assert page.evaluate("document.styleSheets.length > 0 && "
                             "document.styleSheets[0].cssRules.length > 0")
        switch_language(page)
        assert page.url == f"{url}en/{WUHUA}/{ANCHOR}"
        page.click("a.site-title")
        page.wait_for_url(re.compile(re.escape(url) + "en/?$"))
        assert failed == []
