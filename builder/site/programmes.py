"""Programmes: one implementing unit's project followed from year to year.

Staff link a project to last year's with `continues:` in project.yaml; the chain
of such links is one programme. Its timeline shows the budget-year amount of each
year and, per indicator, the target of each year with what changed: raised,
lowered, changed (a text, a unit or a comparator), new or dropped. The project
pages link the years before and after.

An indicator is the same from one year to the next when it keeps its id (staff
are asked to keep ids), otherwise when it keeps its level-1, level-2 and Chinese
name: a renamed indicator with a new id reads as one dropped and one new.

Everything here is worked out from projects alone; the site model (model.py) holds
the programmes of a site, and structure.py makes their pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from builder.core.model import Indicator, Project, Text
from builder.site.totals import totals
from builder.site.urls import Urls, year_label


@dataclass(frozen=True)
class Programme:
    """Projects linked by `continues:`, oldest first; named by its first project."""

    projects: tuple[Project, ...]

    @property
    def first(self) -> Project:
        return self.projects[0]

    @property
    def last(self) -> Project:
        return self.projects[-1]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(p.year for p in self.projects)


@dataclass(frozen=True)
class YearAmount:
    """One year of the timeline; `change` (in 元, worked out) is against the year before."""

    project: Project
    change: Decimal | None


@dataclass(frozen=True)
class Target:
    """One indicator's target in one year, and how it compares with the year before:
    "" (first year, or absent both years), new, same, raised, lowered, changed, dropped."""

    indicator: Indicator | None
    change: str


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator across the programme's years: a target per year."""

    level1: str
    level2: str
    name: Text
    targets: tuple[Target, ...]


def programmes(projects: Iterable[Project]) -> tuple[Programme, ...]:
    """Every chain of two or more projects linked by `continues:`, by first project.
    Validation has made sure each link names an earlier project and none forks."""
    by_key = {p.key: p for p in projects}
    following = {p.continues: p for p in by_key.values() if p.continues in by_key}
    found = []
    for project in sorted(by_key.values(), key=lambda p: p.key):
        if project.key not in following or project.continues in by_key:
            continue  # not a chain's first project
        chain = [project]
        while chain[-1].key in following:
            chain.append(following[chain[-1].key])
        found.append(Programme(tuple(chain)))
    return tuple(found)


def amounts(programme: Programme) -> tuple[YearAmount, ...]:
    out, before = [], None
    for project in programme.projects:
        now = project.funding.budget_year.yuan
        out.append(YearAmount(project, now - before if before is not None else None))
        before = now
    return tuple(out)


def indicator_lines(programme: Programme) -> tuple[IndicatorLine, ...]:
    """The indicators of every year, matched across years, in order of first appearance."""
    lines: list[list[Indicator | None]] = []
    for year_index, project in enumerate(programme.projects):
        for indicator in project.indicators:
            line = _match(lines, indicator, year_index)
            if line is None:
                line = [None] * len(programme.projects)
                lines.append(line)
            line[year_index] = indicator
    return tuple(_line(cells) for cells in lines)


def _match(lines: list[list[Indicator | None]], indicator: Indicator,
           year_index: int) -> list[Indicator | None] | None:
    """The line this indicator continues: same id, else same categories and name."""
    open_lines = [line for line in lines if line[year_index] is None]
    for same in (lambda i: i.id == indicator.id,
                 lambda i: (i.level1, i.level2, i.name.zh) ==
                           (indicator.level1, indicator.level2, indicator.name.zh)):
        for line in open_lines:
            latest = next(i for i in reversed(line[:year_index]) if i is not None)
            if same(latest):
                return line
    return None


def _line(cells: list[Indicator | None]) -> IndicatorLine:
    latest = next(i for i in reversed(cells) if i is not None)
    # The programme's first year has nothing before it to compare with.
    targets = tuple(Target(now, change(before, now) if n else "")
                    for n, (before, now) in enumerate(zip([None, *cells[:-1]], cells)))
    return IndicatorLine(latest.level1, latest.level2, latest.name, targets)


def change(before: Indicator | None, now: Indicator | None) -> str:
    """How a target moved from one year to the next."""
    if now is None:
        return "dropped" if before is not None else ""
    if before is None:
        return "new"
    if (before.operator, before.unit) == (now.operator, now.unit) \
            and before.numeric_value is not None and now.numeric_value is not None:
        if now.numeric_value > before.numeric_value:
            return "raised"
        if now.numeric_value < before.numeric_value:
            return "lowered"
        return "same"
    same = (before.operator, before.unit, before.value) == (now.operator, now.unit, now.value)
    return "same" if same else "changed"


@dataclass(frozen=True)
class YearLink:
    """A neighbouring year of a project's programme, as its page links it."""

    year: int
    name: Text
    path: str


@dataclass(frozen=True)
class ProgrammeLinks:
    previous: YearLink | None
    next: YearLink | None
    path: str          # the programme's timeline
    years: int


def links_for(programme: Programme | None, project: Project,
              lang: str) -> ProgrammeLinks | None:
    """The years before and after `project` in its `programme`, or None when it is in
    no programme."""
    if programme is None:
        return None
    at = programme.projects.index(project)

    def link(other: Project) -> YearLink:
        return YearLink(other.year, other.name, Urls.project(lang, other))
    return ProgrammeLinks(link(programme.projects[at - 1]) if at else None,
                          link(programme.projects[at + 1])
                          if at + 1 < len(programme.projects) else None,
                          Urls.programme(lang, programme.first), len(programme.projects))


def timeline_context(programme: Programme, lang: str) -> dict:
    return {"programme": programme, "amounts": amounts(programme),
            "lines": indicator_lines(programme),
            "chart": totals((year_label(p.year), [p], Urls.project(lang, p))
                            for p in programme.projects)}

