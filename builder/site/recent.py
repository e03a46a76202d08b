"""Atom feeds of the changes to the disclosures, per language, for the whole site and
for each district, so that a reader can subscribe to changes and corrections, not
only to new projects (feeds.py). Each entry is one change of one project, in the
reader's language, as the project page's change log words it (changelog.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from builder.core import i18n
from builder.core.i18n import LANGS
from builder.core.model import Text
from builder.history.log import recent_changes
from builder.site.feeds import ATOM, ATOM_TYPE, XML_LANG
from builder.site.model import Site
from builder.site.urls import Urls

FEED_ENTRIES = 50


def files(site: Site) -> dict[str, bytes]:
    """Every change feed that has an entry; none without git history."""
    if site.history is None:
        return {}
    out = {}
    for lang in LANGS:
        scopes = [(None, Text("全部项目", "all projects"), site.projects)]
        scopes += [(d.slug, d.name, [p for p in site.projects if p.district.slug == d.slug])
                   for d in site.content.districts]
        for district, label, projects in scopes:
            entries = tuple((project, change) for project, change
                            in recent_changes(projects, site.history, FEED_ENTRIES)
                            if change.items_in(lang))
            if entries:
                path = Urls.changes_feed(lang, district)
                out[path] = feed_xml(site, lang, path, label, entries)
    return out


def title(site: Site, label: Text) -> Text:
    name = site.content.config.title
    return Text(f"{name.zh}：{label.zh}的修改", f"{name.get('en')}: changes to {label.get('en')}")


def feed_xml(site: Site, lang: str, path: str, label: Text, entries: tuple) -> bytes:
    urls, config = site.urls, site.content.config
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: i18n.HTML_LANG[lang]})
    _el(root, "id", urls.absolute(path))
    _el(root, "title", title(site, label).get(lang))
    _el(root, "link", rel="self", type=ATOM_TYPE, href=urls.absolute(path))
    _el(root, "link", rel="alternate", type="text/html", href=urls.absolute(Urls.changes(lang)))
    _el(root, "updated", entries[0][1].timestamp)
    _el(_el(root, "author"), "name", config.publisher.get(lang))
    _el(root, "generator", "budgetsite")
    for project, change in entries:
        page = urls.absolute(Urls.project(lang, project))
        entry = _el(root, "entry")
        _el(entry, "id", f"{page}#change-{change.commit}")
        said = change.items_in(lang)
        name = _el(entry, "title", entry_title(project.name.get(lang), said, lang))
        if not project.name.translated(lang):
            name.set(XML_LANG, i18n.HTML_LANG["zh"])
        _el(entry, "link", rel="alternate", type="text/html", href=f"{page}#history")
        _el(entry, "published", change.timestamp)
        _el(entry, "updated", change.timestamp)
        _el(entry, "category", term=project.district.slug, label=project.district.name.get(lang))
        _el(entry, "summary", ("；" if lang == "zh" else "; ").join(said))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def entry_title(name: str, said: tuple[str, ...], lang: str) -> str:
    """What changed first, then the project: "预算年度资金 5,000,000.00元 → 5,500,000.00元
    （等2项）：城乡医疗救助专项资金"."""
    more = len(said) - 1
    if lang == "zh":
        return f"{said[0]}{f'（等{more + 1}项）' if more else ''}：{name}"
    return f"{said[0]}{f' (and {more} more)' if more else ''} — {name}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element
