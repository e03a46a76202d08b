"""The site stage: the site (model.py) and the pages to write, with what each shows.

`pages(site)` lists every page once; nothing after this stage decides what
exists. The page-making functions are here, and in the modules of the journalists'
tools (explorer.py, embeds.py) beside it; all of them read the site model below
them. URLs are built in urls.py, totals in totals.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from builder.core.i18n import LANGS
from builder.core.model import District, Indicator, Project, Text
from builder.history.log import recent_changes
from builder.site import embeds, explorer, groupings, programmes
from builder.site.groupings import DistrictBudget, DistrictYear
# The stage's two steps, as the build calls them: make_site(content), then pages(site).
from builder.site.model import Site, make_site as make_site
from builder.site.totals import (
    district_totals,
    district_year_totals,
    share_totals,
    year_totals,
)
from builder.site.urls import (
    Crumb,
    Page,
    Urls,
    home_crumb,
    outlined,
    translations,
    year_label,
)


@dataclass(frozen=True)
class IndicatorRow:
    """A row of the performance table; spans > 0 start a merged level cell."""

    indicator: Indicator
    level1_span: int
    level2_span: int


def indicator_rows(project: Project) -> list[IndicatorRow]:
    """Rows grouped by level 1 then level 2 in order of first appearance, with spans."""
    order1: dict[str, int] = {}
    order2: dict[tuple[str, str], int] = {}
    for indicator in project.indicators:
        order1.setdefault(indicator.level1, len(order1))
        order2.setdefault((indicator.level1, indicator.level2), len(order2))
    ordered = sorted(project.indicators,
                     key=lambda i: (order1[i.level1], order2[(i.level1, i.level2)]))
    rows = []
    for n, indicator in enumerate(ordered):
        previous = ordered[n - 1] if n else None
        starts1 = previous is None or previous.level1 != indicator.level1
        starts2 = starts1 or previous.level2 != indicator.level2
        span1 = sum(1 for i in ordered if i.level1 == indicator.level1) if starts1 else 0
        span2 = sum(1 for i in ordered if (i.level1, i.level2) ==
                    (indicator.level1, indicator.level2)) if starts2 else 0
        rows.append(IndicatorRow(indicator, span1, span2))
    return rows


# Crumbs above a page's own entry; each label in both languages.
def districts_crumbs(lang: str) -> tuple[Crumb, ...]:
    return home_crumb(lang), Crumb(Text("区县", "Districts"), Urls.districts(lang))


def district_crumbs(district: District, lang: str) -> tuple[Crumb, ...]:
    return districts_crumbs(lang) + (Crumb(district.name, Urls.district(lang, district.slug)),)


def years_crumbs(lang: str) -> tuple[Crumb, ...]:
    return home_crumb(lang), Crumb(Text("预算年度", "Budget years"), Urls.years(lang))


def units_crumbs(lang: str) -> tuple[Crumb, ...]:
    return home_crumb(lang), Crumb(Text("实施单位", "Implementing units"), Urls.units(lang))


def project_crumbs(project: Project, lang: str) -> tuple[Crumb, ...]:
    d = project.district
    return district_crumbs(d, lang) + (
        Crumb(year_label(project.year), Urls.district_year(lang, d.slug, project.year)),)


def project_pages(site: Site, projects: Iterable[Project] | None = None,
                  outline: bool = False) -> list[Page]:
    """The pages of `projects` (default: every project of the site). With `outline`,
    only what the site map reads of a page (its path, language, translations and
    project), for a merge, whose shards render them."""
    if outline:
        return outlined(site.projects if projects is None else projects,
                        lambda lang, p: Urls.project(lang, p), "pages/project.html")
    return [Page(Urls.project(lang, p), "pages/project.html", lang,
                 translations(lambda lg, p=p: Urls.project(lg, p)),
                 {"project": p, "rows": indicator_rows(p),
                  "history": site.history.get(p.key) if site.history is not None else None,
                  "programme": programmes.links_for(site.programme_of.get(p.key), p, lang)},
                 project_crumbs(p, lang), "districts", derived=("rows",))
            for p in (site.projects if projects is None else projects) for lang in LANGS]


RECENT_PROJECTS = 10


def home_pages(site: Site) -> list[Page]:
    g = site.groups
    return [Page(Urls.home(lang), "pages/home.html", lang, translations(Urls.home),
                 {"groups": g, "year": g.newest_year,
                  "by_district": district_totals(g.disclosing, lang, g.newest_year),
                  "by_year": year_totals(g.years, lang),
                  "recent": groupings.recently_published(site.projects, site.history,
                                                         RECENT_PROJECTS)},
                 (), "home")
            for lang in LANGS]


def overview_pages(site: Site) -> list[Page]:
    """The lists of all districts, all budget years and all implementing units."""
    g = site.groups
    return [page for lang in LANGS for page in (
        Page(Urls.districts(lang), "pages/districts.html", lang, translations(Urls.districts),
             {"groups": g, "year": g.newest_year,
              "totals": district_totals(g.disclosing, lang, g.newest_year)},
             (home_crumb(lang),), "districts"),
        Page(Urls.years(lang), "pages/years.html", lang, translations(Urls.years),
             {"groups": g, "totals": year_totals(g.years, lang)}, (home_crumb(lang),), "years"),
        Page(Urls.units(lang), "pages/units.html", lang, translations(Urls.units),
             {"groups": g}, (home_crumb(lang),), "units"))]


def district_pages(site: Site, outline: bool = False) -> list[Page]:
    """Every district of districts.yaml has a page, with or without disclosures."""
    return [Page(Urls.district(lang, d.district.slug), "pages/district.html", lang,
                 translations(lambda lg, d=d: Urls.district(lg, d.district.slug)),
                 {} if outline else {"budget": d, "totals": district_year_totals(
                     d.years, lang, lambda dy: year_label(dy.year))},
                 districts_crumbs(lang), "districts")
            for d in site.groups.districts for lang in LANGS]


def district_year_pages(site: Site, outline: bool = False) -> list[Page]:
    return [Page(Urls.district_year(lang, dy.district.slug, dy.year), "pages/district_year.html",
                 lang, translations(lambda lg, dy=dy: Urls.district_year(
                     lg, dy.district.slug, dy.year)),
                 {} if outline else district_year_context(d, dy, lang),
                 district_crumbs(dy.district, lang), "districts")
            for d in site.groups.districts for dy in d.years for lang in LANGS]


def district_year_context(budget: DistrictBudget, dy: DistrictYear, lang: str) -> dict:
    return {
        "dy": dy, "budget": budget, "year_name": year_label(dy.year),
        "by_unit": share_totals(groupings.by_unit(dy.projects),
                                lambda key: Urls.unit(lang, key) if Urls.has_unit_page(key)
                                else None),
        "by_source": share_totals(groupings.by_source_of_funds(dy.projects), lambda _: None),
        "previous": groupings.previous_spending(dy.projects),
    }


def year_pages(site: Site) -> list[Page]:
    return [Page(Urls.year(lang, y.year), "pages/year.html", lang,
                 translations(lambda lg, y=y: Urls.year(lg, y.year)),
                 {"budget_year": y, "year_name": year_label(y.year),
                  "all_years": tuple(b.year for b in site.groups.years),
                  "totals": district_year_totals(
                     y.districts, lang, lambda dy: dy.district.name)},
                 years_crumbs(lang), "years")
            for y in site.groups.years for lang in LANGS]


def unit_pages(site: Site) -> list[Page]:
    return [Page(Urls.unit(lang, u.code), "pages/unit.html", lang,
                 translations(lambda lg, u=u: Urls.unit(lg, u.code)),
                 {"unit": u}, units_crumbs(lang), "units")
            for u in site.groups.units for lang in LANGS]


def root_pages(site: Site) -> list[Page]:
    """The language chooser at the site root."""
    return [Page("", "pages/root.html", None, translations(Urls.home))]


def search_pages(site: Site) -> list[Page]:
    return [Page(Urls.search(lang), "pages/search.html", lang, translations(Urls.search),
                 crumbs=(Crumb(Text("首页", "Home"), Urls.home(lang)),), section="search")
            for lang in LANGS]


def scorecard_pages(site: Site) -> list[Page]:
    card = site.scorecard
    return [Page(Urls.scorecard(lang), "pages/scorecard.html", lang, translations(Urls.scorecard),
                 {"card": card}, (Crumb(Text("首页", "Home"), Urls.home(lang)),), "scorecard")
            for lang in LANGS]


def help_pages(site: Site) -> list[Page]:
    """What the site publishes and how (about), and the terms readers meet (glossary)."""
    return [page for lang in LANGS for page in (
        Page(Urls.about(lang), "pages/about.html", lang, translations(Urls.about),
             {"card": site.scorecard}, (home_crumb(lang),), "about"),
        Page(Urls.glossary(lang), "pages/glossary.html", lang, translations(Urls.glossary),
             {}, (home_crumb(lang),), "glossary"))]


RECENT_CHANGES = 50


def changes_pages(site: Site) -> list[Page]:
    """What changed in the disclosures lately, newest first; empty without git history."""
    found = recent_changes(site.projects, site.history, RECENT_CHANGES)
    return [Page(Urls.changes(lang), "pages/changes.html", lang, translations(Urls.changes),
                 {"revisions": found, "dated": site.history is not None},
                 (home_crumb(lang),), "changes")
            for lang in LANGS]


def not_found_pages(site: Site) -> list[Page]:
    """One 404 page in both languages: a server has only one to show."""
    return [Page("404.html", "pages/404.html", None)]


def pages(site: Site) -> list[Page]:
    return (root_pages(site) + home_pages(site) + overview_pages(site) + district_pages(site)
            + district_year_pages(site) + year_pages(site) + unit_pages(site)
            + project_pages(site) + search_pages(site) + scorecard_pages(site)
            + help_pages(site) + changes_pages(site) + not_found_pages(site) + tool_pages(site))


def tool_pages(site: Site) -> list[Page]:
    """The journalists' tools: indicator explorer, programme timelines, embeds."""
    return explorer.pages(site) + programme_pages(site) + embeds.pages(site)


def programme_pages(site: Site, outline: bool = False) -> list[Page]:
    """The timeline of each programme, both languages."""
    return [Page(Urls.programme(lang, prog.first), "pages/programme.html", lang,
                 translations(lambda lg, prog=prog: Urls.programme(lg, prog.first)),
                 {} if outline else programmes.timeline_context(prog, lang),
                 (home_crumb(lang), Crumb(prog.last.district.name,
                                          Urls.district(lang, prog.last.district.slug))),
                 "districts", derived=("amounts", "lines", "chart"))
            for prog in site.programmes for lang in LANGS]
