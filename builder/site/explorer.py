"""The indicator explorer: every performance indicator of every project, by category.

Two ways in, both built here. Without JavaScript, one static page per level-2
category (`/<lang>/indicators/output-quantity/`), paged so that no page grows with
the site. With JavaScript, the explorer page filters in place and keeps its
filters in the URL; it downloads only the parts of the data it needs: the
indicators are split by level-2 category and budget year
(`data/explorer/<category>/<year>.json`), and a view needs a category or a year.
The same split as CSV (`….csv`, the columns and lines of data/indicators.csv) is
what "download these results" takes its rows from, so an export is the open data.
The pages are made here; the data parts in outputs/explorer_data.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from builder.core import glossary
from builder.core.i18n import LANGS
from builder.core.model import Indicator, Project, Text
from builder.site.model import Site
from builder.site.urls import Crumb, Page, Urls, home_crumb, translations

PAGE_ROWS = 100  # indicators per static page


@dataclass(frozen=True)
class Category:
    """A level-2 category under its level 1, with how many indicators it holds."""

    level1: str
    level2: str
    count: int
    years: tuple[tuple[int, int], ...]  # (budget year, indicators), newest first

    @property
    def slug(self) -> str:
        return f"{self.level1}-{self.level2}"

    @property
    def label(self) -> Text:
        return glossary.LEVEL2[self.level1][self.level2]

    @property
    def level1_label(self) -> Text:
        return glossary.LEVEL1[self.level1]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_ROWS))


@dataclass(frozen=True)
class Row:
    """One indicator of one project, as the explorer lists it."""

    project: Project
    position: int  # in its project's target table, from 1
    indicator: Indicator

    # For the page cache's stamps (cache.Stamper): a row is its project's indicator at
    # this position, so it stands in by the project's digests (75,000 rows at 10,000
    # projects, each written out field by field before).
    @property
    def digest(self) -> str:
        return f"{self.project.digest}:{self.position}" if self.project.digest else ""

    @property
    def summary_digest(self) -> str:
        return f"{self.project.summary_digest}:{self.position}" if self.project.digest else ""


@dataclass(frozen=True)
class Option:
    """One choice of a filter: the value in the URL and what the reader sees."""

    value: str
    label: Text
    count: int


def rows_by_category(projects: Iterable[Project]) -> dict[tuple[str, str], list[Row]]:
    """Rows per (level1, level2), in glossary order; within one, newest year first,
    then by district and project, then in the table's order."""
    found: dict[tuple[str, str], list[Row]] = {}
    ordered = sorted(projects, key=lambda p: (-p.year, p.district.slug, p.key))
    for project in ordered:
        for n, indicator in enumerate(project.indicators, 1):
            found.setdefault((indicator.level1, indicator.level2), []).append(
                Row(project, n, indicator))
    order = [(l1, l2) for l1, under in glossary.LEVEL2.items() for l2 in under]
    return {key: found[key] for key in order if key in found}


def categories(by_category: dict[tuple[str, str], list[Row]]) -> tuple[Category, ...]:
    out = []
    for (level1, level2), rows in by_category.items():
        years: dict[int, int] = {}
        for row in rows:
            years[row.project.year] = years.get(row.project.year, 0) + 1
        out.append(Category(level1, level2, len(rows), tuple(sorted(years.items(), reverse=True))))
    return tuple(out)


def groups(cats: tuple[Category, ...]) -> tuple[tuple[str, tuple[Category, ...]], ...]:
    """The categories under each level 1, in the glossary's order."""
    return tuple((level1, tuple(c for c in cats if c.level1 == level1))
                 for level1 in glossary.LEVEL1 if any(c.level1 == level1 for c in cats))


def facets(site: Site) -> dict[str, tuple[Option, ...]]:
    """The choices of each filter, with the number of indicators of each."""
    counts: dict[str, dict[str, int]] = {name: {} for name in
                                         ("district", "year", "unit", "type", "op")}
    for project in site.projects:
        for i in project.indicators:
            for name, value in (("district", project.district.slug),
                                ("year", str(project.year)), ("unit", i.unit or "-"),
                                ("type", i.type), ("op", i.operator)):
                counts[name][value] = counts[name].get(value, 0) + 1
    districts = {d.slug: d.name for d in site.content.districts}
    labels = {
        "district": lambda v: districts[v], "year": lambda v: Text(v),
        "unit": lambda v: glossary.UNITS.get(v, Text(v)) if v != "-" else Text("无", "none"),
        "type": lambda v: glossary.INDICATOR_TYPES[v],
        "op": lambda v: glossary.OPERATOR_WORDS[v],
    }
    order = {"district": [d.slug for d in site.content.districts],
             "year": sorted(counts["year"], reverse=True), "unit": sorted(counts["unit"]),
             "type": list(glossary.INDICATOR_TYPES), "op": list(glossary.OPERATORS)}
    return {name: tuple(Option(v, labels[name](v), counts[name][v])
                        for v in order[name] if v in counts[name]) for name in counts}


def pages(site: Site) -> list[Page]:
    by_category = rows_by_category(site.projects)
    cats = categories(by_category)
    choices = facets(site)
    shards = " ".join(f"{c.slug}/{year}" for c in cats for year, _ in c.years)
    out = [Page(Urls.indicators(lang), "pages/explorer.html", lang, translations(Urls.indicators),
                {"groups": groups(cats), "facets": choices, "shards": shards},
                (home_crumb(lang),), "indicators")
           for lang in LANGS]
    for category, rows in zip(cats, by_category.values()):
        for number in range(1, category.pages + 1):
            chunk = tuple(rows[(number - 1) * PAGE_ROWS:number * PAGE_ROWS])
            out += [Page(Urls.indicator_category(lang, category.slug, number),
                         "pages/explorer_category.html", lang,
                         translations(lambda lg, c=category, n=number:
                                      Urls.indicator_category(lg, c.slug, n)),
                         {"category": category, "rows": chunk, "number": number},
                         (home_crumb(lang), Crumb(Text("绩效指标", "Indicators"),
                                                  Urls.indicators(lang))), "indicators")
                    for lang in LANGS]
    return out
