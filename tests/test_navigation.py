"""One navigation for every page: the main navigation of every page kind (the root
language chooser and the 404 page included, which show it in both languages) has the
same links, in the same order, with the same labels, taken from the one list of
site_templates/macros/navigation.html."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from conftest import REPO
from pagetree import page as parsed
from regenerate_expected import build_stored_site

from builder.core import i18n
from builder.site.urls import Urls

BASE = "/"  # the stored site is built at the root of its host


def nav_entries() -> list[tuple[str, str]]:
    """The list of the template that holds it, as Jinja2 reads it."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "site_templates"))
    return list(env.get_template("macros/navigation.html").module.entries)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("navigation") / "public"
    build_stored_site(out)
    return out


def navigations(path: Path) -> dict[str, list[tuple[str, str]]]:
    """The main navigation's links of one page by language: (href, label) in order."""
    tree = parsed(path)
    [nav] = [n for n in tree.find_all("nav") if "site-nav" in n.attrs.get("class", "").split()]
    page_lang = tree.find("html").attrs["lang"]
    found = {}
    for ul in nav.find_all("ul"):
        lang = ul.attrs.get("lang", page_lang)
        found[lang] = [(a.attrs["href"], a.text) for a in ul.find_all("a")]
    return found


def test_every_page_kind_has_the_same_navigation(built):
    catalog = i18n.catalog("zh", (REPO / "site_templates/locale",))
    expected = {
        i18n.HTML_LANG[lang]: [(BASE + getattr(Urls, section)(lang),
                                catalog.gettext(english) if lang == "zh" else english)
                               for section, english in nav_entries()]
        for lang in i18n.LANGS}
    assert ("/zh/indicators/", "绩效指标查询") in expected["zh-CN"]
    untranslated = [english for _, english in nav_entries() if catalog.gettext(english) == english]
    assert not untranslated, untranslated  # each label has its Chinese in locale/zh.po
    seen: dict[str, int] = {}
    for path in sorted(built.rglob("*.html")):
        where = path.relative_to(built).as_posix()
        if "/embed/" in where:
            assert "site-nav" not in path.read_text("utf-8"), where  # for another site's frame
            continue
        links = navigations(path)
        if where in ("index.html", "404.html"):
            assert links == expected, where  # both languages, each marked
        else:
            [(lang, entries)] = links.items()
            assert entries == expected[lang], where
        seen[where.split("/")[0]] = seen.get(where.split("/")[0], 0) + 1
    # The root page, the 404 page and every page of both languages were read.
    assert seen["index.html"] == seen["404.html"] == 1 and seen["zh"] == seen["en"] > 20, seen
