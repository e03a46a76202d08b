"""Projects grouped by district, budget year and implementing unit, with totals.

Totals are exact: budget-year amounts are summed in 元 as Decimals straight
from the sources (a 万元 figure counts as value × 10,000). Nothing here
rounds; rounding is for display and lives in i18n.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Callable, Iterable

from builder.core.model import Content, District, Project, Text, Unit
from builder.history.log import History


def budget_total(projects: Iterable[Project]) -> Decimal:
    """The sum of the budget-year amounts, in 元."""
    return sum((p.funding.budget_year.yuan for p in projects), Decimal(0))


def budget_years(projects: Iterable[Project]) -> tuple[int, ...]:
    """The budget years the projects belong to, oldest first."""
    return tuple(sorted({p.year for p in projects}))


def by_amount(projects: Iterable[Project]) -> tuple[Project, ...]:
    """Largest budget-year amount first; ties by name and key so the order is stable."""
    return tuple(sorted(projects, key=lambda p: (-p.funding.budget_year.yuan, p.name.zh, p.key)))


def newest_first(projects: Iterable[Project]) -> tuple[Project, ...]:
    """Newest budget year first, then by amount.

    Stands in for "most recently published" until publication dates are known.
    """
    ordered = by_amount(projects)
    return tuple(sorted(ordered, key=lambda p: -p.year))


@dataclass(frozen=True)
class DistrictYear:
    """One district's projects in one budget year."""

    district: District
    year: int
    projects: tuple[Project, ...]

    @property
    def total(self) -> Decimal:
        return budget_total(self.projects)


@dataclass(frozen=True)
class DistrictBudget:
    """A district of districts.yaml with its budget years; some have none yet."""

    district: District
    years: tuple[DistrictYear, ...]

    @property
    def projects(self) -> tuple[Project, ...]:
        return newest_first(p for dy in self.years for p in dy.projects)

    @property
    def total(self) -> Decimal:
        return budget_total(self.projects)

    def in_year(self, year: int) -> DistrictYear | None:
        """The district's projects of one budget year, None when it disclosed none."""
        return next((dy for dy in self.years if dy.year == year), None)


@dataclass(frozen=True)
class BudgetYear:
    """Every district's projects in one budget year."""

    year: int
    districts: tuple[DistrictYear, ...]

    # (Worked out once: the home, overview and year pages each ask for them, and at
    # 40,000 projects each sorting took half a second.)
    @functools.cached_property
    def projects(self) -> tuple[Project, ...]:
        return by_amount(p for dy in self.districts for p in dy.projects)

    @functools.cached_property
    def total(self) -> Decimal:
        return budget_total(self.projects)


@dataclass(frozen=True)
class ImplementingUnit:
    """A unit, keyed by its code, with the card its newest disclosure gives."""

    code: str
    card: Unit
    projects: tuple[Project, ...]
    districts: tuple[District, ...]

    @property
    def total(self) -> Decimal:
        return budget_total(self.projects)

    @property
    def years(self) -> tuple[int, ...]:
        return budget_years(self.projects)

    @property
    def by_year(self) -> tuple[tuple[int, Decimal], ...]:
        """(budget year, that year's amounts), newest first: a unit's budgets of
        different years are shown apart, never added up."""
        return tuple((year, budget_total(p for p in self.projects if p.year == year))
                     for year in reversed(self.years))


@dataclass(frozen=True)
class Share:
    """The projects that have one thing in common (a unit, a source of funds)."""

    label: Text
    key: str
    projects: tuple[Project, ...]

    @property
    def total(self) -> Decimal:
        return budget_total(self.projects)


@dataclass(frozen=True)
class PreviousSpending:
    """Last year's actual spending, as the projects that disclose it give it."""

    year: int
    projects: tuple[Project, ...]

    @property
    def actual(self) -> Decimal:
        return sum((p.funding.previous_year.amount.yuan for p in self.projects), Decimal(0))

    @property
    def budget(self) -> Decimal:
        """The same projects' budget-year amounts, to compare like with like."""
        return budget_total(self.projects)

    @property
    def change(self) -> Decimal:
        """The budget-year amounts minus the actual spending: a budget set against what
        was spent, not against last year's budget."""
        return self.budget - self.actual

    @property
    def ratio(self) -> Decimal | None:
        """The change as a share of the actual spending; None when nothing was spent."""
        return self.change / self.actual if self.actual else None


@dataclass(frozen=True)
class Groupings:
    districts: tuple[DistrictBudget, ...]   # every district, in districts.yaml order
    years: tuple[BudgetYear, ...]           # years with disclosures, oldest first
    units: tuple[ImplementingUnit, ...]     # by district order, then name
    projects: tuple[Project, ...]           # newest first

    @property
    def total(self) -> Decimal:
        return budget_total(self.projects)

    @property
    def newest_year(self) -> int | None:
        """The budget year the overview pages show first; None before any disclosure."""
        return self.years[-1].year if self.years else None

    def year(self, year: int) -> BudgetYear | None:
        return next((y for y in self.years if y.year == year), None)

    @property
    def disclosing(self) -> tuple[DistrictBudget, ...]:
        return tuple(d for d in self.districts if d.years)

    @property
    def not_disclosing(self) -> tuple[DistrictBudget, ...]:
        return tuple(d for d in self.districts if not d.years)


def group(content: Content) -> Groupings:
    order = {d.slug: n for n, d in enumerate(content.districts)}
    district_years = _district_years(content.projects, order)
    districts = tuple(DistrictBudget(d, tuple(dy for dy in district_years
                                              if dy.district.slug == d.slug))
                      for d in content.districts)
    years = tuple(BudgetYear(year, tuple(dys))
                  for year, dys in groupby(sorted(district_years, key=lambda dy: dy.year),
                                           key=lambda dy: dy.year))
    return Groupings(districts, years, _units(content.projects, order),
                     newest_first(content.projects))


def _district_years(projects: Iterable[Project], order: dict[str, int]) -> list[DistrictYear]:
    def key(p: Project) -> tuple:
        return order[p.district.slug], p.year
    return [DistrictYear(ps[0].district, ps[0].year, by_amount(ps))
            for ps in (tuple(g) for _, g in groupby(sorted(projects, key=key), key=key))]


def _units(projects: Iterable[Project], order: dict[str, int]) -> tuple[ImplementingUnit, ...]:
    units = []
    # A unit is known by its code; one the document gives no code for has no page.
    for code, ps in _grouped([p for p in projects if p.unit.code], lambda p: p.unit.code):
        ps = newest_first(ps)
        districts = sorted({p.district for p in ps}, key=lambda d: order[d.slug])
        units.append(ImplementingUnit(code, ps[0].unit, ps, tuple(districts)))
    return tuple(sorted(units, key=lambda u: (order[u.districts[0].slug], u.card.name.zh,
                                              u.code)))


def _grouped(projects: Iterable[Project], key: Callable[[Project], str]):
    ordered = sorted(projects, key=lambda p: (key(p), p.key))
    return [(k, tuple(g)) for k, g in groupby(ordered, key=key)]


def shares(projects: Iterable[Project], key: Callable[[Project], str],
           label: Callable[[Project], Text]) -> tuple[Share, ...]:
    """Projects grouped by `key`, largest total first; the label comes from the newest."""
    found = [Share(label(newest_first(ps)[0]), k, by_amount(ps))
             for k, ps in _grouped(projects, key)]
    return tuple(sorted(found, key=lambda s: (-s.total, s.label.zh, s.key)))


def by_unit(projects: Iterable[Project]) -> tuple[Share, ...]:
    return shares(projects, lambda p: p.unit.key, lambda p: p.unit.name)


def by_source_of_funds(projects: Iterable[Project]) -> tuple[Share, ...]:
    return shares([p for p in projects if p.unit.source_of_funds],
                  lambda p: p.unit.source_of_funds.zh, lambda p: p.unit.source_of_funds)


def previous_spending(projects: Iterable[Project]) -> tuple[PreviousSpending, ...]:
    """Actual spending by the year it was spent in, for projects that disclose it."""
    disclosing = [p for p in projects if p.funding.previous_year is not None]
    return tuple(PreviousSpending(int(year), by_amount(ps)) for year, ps in
                 _grouped(disclosing, lambda p: str(p.funding.previous_year.year)))


@dataclass(frozen=True)
class Recent:
    """The newest projects, and whether they are ordered by when they were published."""

    projects: tuple[Project, ...]
    by_publication: bool  # False: no history, so by budget year instead


def recently_published(projects: Iterable[Project], history: History | None,
                       count: int) -> Recent:
    """Newest first by the commit that first published each project, when the site is
    built from its git history; otherwise newest budget year first. A project no
    commit holds yet is newer than any published one."""
    ordered = newest_first(projects)
    if not history:  # not built from git, or nothing committed yet
        return Recent(ordered[:count], False)

    def published(p: Project) -> tuple:
        known = history.get(p.key)
        return (1, 0.0) if known is None else (0, known.first_published.moment.timestamp())
    return Recent(tuple(sorted(ordered, key=published, reverse=True))[:count], True)
