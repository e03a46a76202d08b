"""Embeddable views: small pages under /<lang>/embed/… made for another site's <iframe>.

One per project (its key figures), per district with disclosures (budget-year
amounts per year, chart and table) and per programme (its timeline of amounts).
Each names its source and version and links back to the full page. They carry the
site's Content-Security-Policy, load nothing from elsewhere and count no one.

The policy is a <meta> tag, which cannot say `frame-ancestors` (browsers ignore it
there), and the site sends no X-Frame-Options: any page may be framed. A server
that adds either header for the site must leave /<lang>/embed/ out of it
(docs/embedding.md).
"""

from __future__ import annotations

from typing import Iterable

from builder.core.i18n import LANGS
from builder.core.model import Project
from builder.history.log import Change
from builder.site import programmes
from builder.site.model import Site
from builder.site.totals import district_year_totals
from builder.site.urls import Page, Urls, outlined, translations, year_label


def version(site: Site, projects: Iterable[Project]) -> Change | None:
    """The newest commit of the projects shown, or None when one of them is not
    committed as built (then no commit holds what the view shows)."""
    if site.history is None:
        return None
    changes = []
    for project in projects:
        history = site.history.get(project.key)
        if history is None or history.version is None:
            return None
        changes.append(history.version)
    return max(changes, key=lambda c: (c.moment, c.commit), default=None)


def pages(site: Site, outline: bool = False) -> list[Page]:
    """Every embed; with `outline`, only what the site map reads of each (as
    structure.project_pages says)."""
    return (project_embeds(site, outline) + district_embeds(site, outline)
            + programme_embeds(site, outline))


def project_embeds(site: Site, outline: bool = False) -> list[Page]:
    if outline:
        return outlined(site.projects, lambda lang, p: Urls.embed(Urls.project(lang, p)),
                        "pages/embed_project.html")
    return [Page(Urls.embed(Urls.project(lang, p)), "pages/embed_project.html", lang,
                 translations(lambda lg, p=p: Urls.embed(Urls.project(lg, p))),
                 {"project": p, "parent": Urls.project(lang, p),
                  "version": version(site, [p])})
            for p in site.projects for lang in LANGS]


def district_embeds(site: Site, outline: bool = False) -> list[Page]:
    return [Page(Urls.embed(Urls.district(lang, d.district.slug)), "pages/embed_district.html", lang,
                 translations(lambda lg, d=d: Urls.embed(Urls.district(lg, d.district.slug))),
                 {} if outline else
                 {"budget": d, "parent": Urls.district(lang, d.district.slug),
                  "totals": district_year_totals(d.years, lang, lambda dy: year_label(dy.year)),
                  "version": version(site, d.projects)})
            for d in site.groups.districts if d.years for lang in LANGS]


def programme_embeds(site: Site, outline: bool = False) -> list[Page]:
    return [Page(Urls.embed(Urls.programme(lang, prog.first)), "pages/embed_programme.html", lang,
                 translations(lambda lg, prog=prog: Urls.embed(Urls.programme(lg, prog.first))),
                 {} if outline else
                 {**programmes.timeline_context(prog, lang),
                  "parent": Urls.programme(lang, prog.first),
                  "version": version(site, prog.projects)},
                 derived=("amounts", "lines", "chart"))
            for prog in site.programmes for lang in LANGS]
