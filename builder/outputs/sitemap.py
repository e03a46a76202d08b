"""sitemap.xml (every page with its translations as xhtml:link alternates) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from builder.core import i18n
from builder.core.model import Project
from builder.site.model import Site
from builder.site.urls import Page

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
ET.register_namespace("xhtml", XHTML)


def _url(site: Site, urlset: ET.Element, page: Page) -> None:
    url = ET.SubElement(urlset, "url")
    ET.SubElement(url, "loc").text = site.urls.absolute(page.path)
    lastmod = _lastmod(site, page)
    if lastmod:
        ET.SubElement(url, "lastmod").text = lastmod
    alternates = [(i18n.HTML_LANG[lang], path) for lang, path in page.translations.items()]
    if "zh" in page.translations:
        alternates.append(("x-default", page.translations["zh"]))
    for hreflang, path in alternates:
        ET.SubElement(url, f"{{{XHTML}}}link", rel="alternate", hreflang=hreflang,
                      href=site.urls.absolute(path))


def _lastmod(site: Site, page: Page) -> str | None:
    """A project page changes when its sources do; git says when."""
    project = page.context.get("project")
    if not isinstance(project, Project) or site.history is None:
        return None
    history = site.history.get(project.key)
    return history.last_changed.timestamp if history else None


def sitemap_xml(site: Site, pages: list[Page]) -> bytes:
    # Plain tags under a declared default namespace, as in feeds.py.
    urlset = ET.Element("urlset", {"xmlns": SITEMAP})
    for page in sorted((p for p in pages if p.lang is not None), key=lambda p: p.path):
        _url(site, urlset, page)
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(site: Site) -> bytes:
    # Crawlers read robots.txt only at the root of a host; under a base path the
    # host's own robots.txt should point at this sitemap instead.
    return (f"User-agent: *\nAllow: /\n\nSitemap: {site.urls.absolute('sitemap.xml')}\n"
            ).encode("utf-8")


def files(site: Site, pages: list[Page]) -> dict[str, bytes]:
    return {"sitemap.xml": sitemap_xml(site, pages), "robots.txt": robots_txt(site)}
