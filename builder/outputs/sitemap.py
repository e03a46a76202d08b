"""sitemap.xml (every page with its translations as xhtml:link alternates) and robots.txt."""

from __future__ import annotations

import re

from builder.core import i18n
from builder.core.model import Project
from builder.site.model import Site
from builder.site.urls import Page

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def _lastmod(site: Site, page: Page) -> str | None:
    """A project page changes when its sources do; git says when."""
    project = page.context.get("project")
    if not isinstance(project, Project) or site.history is None:
        return None
    history = site.history.get(project.key)
    return history.last_changed.timestamp if history else None


def sitemap_xml(site: Site, pages: list[Page]) -> bytes:
    """Written out as text, exactly as ElementTree writes and indents the same elements
    (plain tags under a declared default namespace, as in feeds.py): at 10,000
    projects the tree of 50,000 pages took seconds to build and serialise."""
    absolute = site.urls.absolute
    lines = []
    linked = False
    for page in sorted((p for p in pages if p.lang is not None), key=lambda p: p.path):
        lines.append(f"  <url>\n    <loc>{_text(absolute(page.path))}</loc>\n")
        lastmod = _lastmod(site, page)
        if lastmod:
            lines.append(f"    <lastmod>{_text(lastmod)}</lastmod>\n")
        alternates = [(i18n.HTML_LANG[lang], path) for lang, path in page.translations.items()]
        if "zh" in page.translations:
            alternates.append(("x-default", page.translations["zh"]))
        for hreflang, path in alternates:
            linked = True
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{_attribute(hreflang)}" '
                         f'href="{_attribute(absolute(path))}" />\n')
        lines.append("  </url>\n")
    declared = (f'xmlns:xhtml="{XHTML}" ' if linked else "") + f'xmlns="{SITEMAP}"'
    head = "<?xml version='1.0' encoding='utf-8'?>\n"
    if not lines:
        return f"{head}<urlset {declared} />\n".encode("utf-8")
    return f"{head}<urlset {declared}>\n{''.join(lines)}</urlset>\n".encode("utf-8")


def _text(value: str) -> str:
    """Text as ElementTree escapes it."""
    if not _TEXT_SPECIAL.search(value):  # nearly every path: nothing to escape
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """An attribute's value as ElementTree escapes it."""
    if not _ATTRIBUTE_SPECIAL.search(value):
        return value
    return (_text(value).replace('"', "&quot;").replace("\r", "&#13;")
            .replace("\n", "&#10;").replace("\t", "&#09;"))


_TEXT_SPECIAL = re.compile(r"[&<>]")
_ATTRIBUTE_SPECIAL = re.compile(r'[&<>"\r\n\t]')


def robots_txt(site: Site) -> bytes:
    # Crawlers read robots.txt only at the root of a host; under a base path the
    # host's own robots.txt should point at this sitemap instead.
    return (f"User-agent: *\nAllow: /\n\nSitemap: {site.urls.absolute('sitemap.xml')}\n"
            ).encode("utf-8")


def files(site: Site, pages: list[Page]) -> dict[str, bytes]:
    return {"sitemap.xml": sitemap_xml(site, pages), "robots.txt": robots_txt(site)}
