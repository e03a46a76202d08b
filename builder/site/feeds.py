"""Atom feeds of projects by publication date: per language for the whole site,
per district and per year. Publication dates come from git; a site built
without git history has no dates to give and so no feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from builder.core import i18n
from builder.core.i18n import LANGS
from builder.core.model import Project, Text
from builder.history.log import ProjectHistory
from builder.site.model import Site
from builder.site.urls import Page, Urls

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class Feed:
    path: str  # where the feed is written, e.g. 'zh/wuhua/feed.xml'
    page: str  # the listing page it belongs to, e.g. 'zh/wuhua/'
    lang: str
    title: Text
    label: Text  # what the feed covers, for a list of feeds on a page
    projects: tuple[Project, ...]  # newest first


def _newest_first(site: Site, projects: list[Project]) -> tuple[Project, ...]:
    history = site.history or {}
    dated = [p for p in projects if p.key in history]
    dated.sort(key=lambda p: p.key)
    dated.sort(key=lambda p: history[p.key].first_published.moment, reverse=True)
    return tuple(dated)


ALL_PROJECTS = Text("全部项目", "All projects")


def _year_label(year: int) -> Text:
    return Text(f"{year}年度", f"Budget year {year}")


def _scopes(site: Site, lang: str) -> list[tuple[str, Text, list[Project]]]:
    """(listing page, what it covers, its projects) for the site, each district, each year."""
    scopes = [(Urls.home(lang), ALL_PROJECTS, list(site.projects))]
    for district in site.content.districts:
        scopes.append((Urls.district(lang, district.slug), district.name,
                       [p for p in site.projects if p.district.slug == district.slug]))
    for year in sorted({p.year for p in site.projects}):
        scopes.append((Urls.year(lang, year), _year_label(year),
                       [p for p in site.projects if p.year == year]))
    return scopes


def _title(site: Site, label: Text) -> Text:
    title = site.content.config.title
    return Text(f"{title.zh}：{label.zh}", f"{title.get('en')}: {label.get('en')}")


def feeds(site: Site) -> tuple[Feed, ...]:
    """Every feed with at least one dated project; none without git history."""
    if site.history is None:
        return ()
    found = []
    for lang in LANGS:
        for page, label, members in _scopes(site, lang):
            dated = _newest_first(site, members)
            if dated:
                found.append(Feed(Urls.feed(page), page, lang, _title(site, label), label,
                                  dated))
    return tuple(found)


def announcer(site: Site) -> Callable[[Page], tuple[Feed, ...]]:
    """For a page, the feeds it links with <link rel="alternate">: the site's feed,
    its own listing's and its breadcrumb ancestors' (a district-year page gets its
    district's), and for a project page also its year's."""
    by_page: dict[str, tuple[Feed, ...]] = {}
    for feed in feeds(site) + _elsewhere(site):
        by_page[feed.page] = by_page.get(feed.page, ()) + (feed,)

    def links(page: Page) -> tuple[Feed, ...]:
        if page.lang is None:
            return ()
        related = [Urls.home(page.lang), *(crumb.path for crumb in page.crumbs), page.path]
        project = page.context.get("project")
        if isinstance(project, Project):
            related += [Urls.district(page.lang, project.district.slug),
                        Urls.year(page.lang, project.year)]
        unique = {f.path: f for path in related for f in by_page.get(path, ())}
        return tuple(unique.values())
    return links


def _elsewhere(site: Site) -> tuple[Feed, ...]:
    """The feeds of listings that only projects outside a shard's model make exist
    (site.elsewhere): as a whole build links them; their entries are not needed."""
    if site.history is None or not site.elsewhere:
        return ()
    have = {(lang, page) for lang in LANGS for page, _, members in _scopes(site, lang)
            if _newest_first(site, members)}
    names = {d.slug: d.name for d in site.content.districts}
    found = []
    for lang in LANGS:
        scopes = [(Urls.home(lang), ALL_PROJECTS)]
        scopes += [(Urls.district(lang, slug), names[slug])
                   for slug in sorted({d for d, _ in site.elsewhere}) if slug in names]
        scopes += [(Urls.year(lang, year), _year_label(year))
                   for year in sorted({y for _, y in site.elsewhere})]
        for page, label in scopes:
            if (lang, page) not in have:
                found.append(Feed(Urls.feed(page), page, lang, _title(site, label), label, ()))
    return tuple(found)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _text(parent: ET.Element, tag: str, text: Text, lang: str) -> None:
    element = _el(parent, tag, text.get(lang))
    if not text.translated(lang):
        element.set(XML_LANG, i18n.HTML_LANG["zh"])


def _entry(root: ET.Element, site: Site, feed: Feed, project: Project,
           history: ProjectHistory) -> None:
    lang, urls = feed.lang, site.urls
    entry = _el(root, "entry")
    _el(entry, "id", urls.absolute(Urls.project(lang, project)))
    _text(entry, "title", project.name, lang)
    for lg in (lang, i18n.other(lang)):
        _el(entry, "link", rel="alternate", type="text/html", hreflang=i18n.HTML_LANG[lg],
            href=urls.absolute(Urls.project(lg, project)))
    _el(entry, "link", rel="related", type="application/json",
        href=urls.absolute(Urls.project_data(project)))
    _el(entry, "published", history.first_published.timestamp)
    _el(entry, "updated", history.last_changed.timestamp)
    _text(_el(entry, "author"), "name", project.unit.name, lang)
    _el(entry, "category", term=project.district.slug, label=project.district.name.get(lang))
    _el(entry, "category", term=str(project.year))
    _el(entry, "summary", _summary(project, lang))


def _summary(project: Project, lang: str) -> str:
    amount = i18n.summary(project.funding.budget_year, lang)
    if lang == "zh":
        return (f"{project.district.name.zh} · {project.year}年度 · {project.unit.name.zh} · "
                f"预算年度资金{amount} · 绩效指标{len(project.indicators)}个")
    return (f"{project.district.name.get('en')} · budget year {project.year} · "
            f"{project.unit.name.get('en')} · budget-year amount {amount} · "
            f"{len(project.indicators)} performance indicators")


def feed_xml(site: Site, feed: Feed) -> bytes:
    history, urls, config = site.history or {}, site.urls, site.content.config
    # Tags are written plain under a declared default namespace: ElementTree's
    # default_namespace option refuses the plain attribute names Atom uses.
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: i18n.HTML_LANG[feed.lang]})
    _el(root, "id", urls.absolute(feed.page))
    _text(root, "title", feed.title, feed.lang)
    _text(root, "subtitle", config.description, feed.lang)
    _el(root, "link", rel="self", type=ATOM_TYPE, href=urls.absolute(feed.path))
    _el(root, "link", rel="alternate", type="text/html", href=urls.absolute(feed.page))
    _el(root, "updated", max((history[p.key].last_changed for p in feed.projects),
                             key=lambda c: c.moment).timestamp)
    _text(_el(root, "author"), "name", config.publisher, feed.lang)
    _el(root, "generator", "budgetsite")
    for project in feed.projects:
        _entry(root, site, feed, project, history[project.key])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def files(site: Site) -> dict[str, bytes]:
    return {feed.path: feed_xml(site, feed) for feed in feeds(site)}
