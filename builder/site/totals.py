"""Totals tables: sums of budget-year amounts by district, year, unit or share, exact,
with each row's share of one budget year (never across years)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from builder.core.model import Project, Text
from builder.site import groupings
from builder.site.groupings import BudgetYear, DistrictBudget, DistrictYear, Share
from builder.site.urls import Urls, year_label


@dataclass(frozen=True)
class TotalRow:
    """One line of a totals table, and the bar drawn for it in the chart beside it."""

    label: Text
    amount: Decimal
    projects: int
    path: str | None       # the page the label links to, None when it has none
    share: Decimal | None  # of the table's total; None when that total is zero
    years: tuple[int, ...] = ()  # the budget years the row adds up


@dataclass(frozen=True)
class Totals:
    rows: tuple[TotalRow, ...]
    amount: Decimal
    projects: int
    years: tuple[int, ...] = ()  # the budget years the table adds up, oldest first

    @property
    def rows_span_years(self) -> bool:
        """A row adds up several budget years, so its column must be labelled as such."""
        return any(len(row.years) > 1 for row in self.rows)

    @property
    def one_year(self) -> bool:
        """All rows belong to one budget year: only then is there a total and a share
        of it. Budgets of different years are not one budget (rows that are years
        are compared side by side, never added up)."""
        return len(self.years) <= 1


def totals(entries: Iterable[tuple[Text, Sequence[Project], str | None]]) -> Totals:
    """Rows of (label, projects, link) summed exactly, with each row's share."""
    sums = [(label, groupings.budget_total(ps), len(ps), path, groupings.budget_years(ps))
            for label, ps, path in entries]
    amount = sum((total for _, total, _, _, _ in sums), Decimal(0))
    one_year = len({year for *_, years in sums for year in years}) <= 1
    rows = tuple(TotalRow(label, total, count, path,
                          total / amount if amount and one_year else None, years)
                 for label, total, count, path, years in sums)
    return Totals(rows, amount, sum(row.projects for row in rows),
                  tuple(sorted({year for row in rows for year in row.years})))


def district_totals(districts: Iterable[DistrictBudget], lang: str,
                    year: int | None = None) -> Totals:
    """One row per district; with `year`, that budget year's projects only, and only
    the districts that disclosed for it."""
    if year is None:
        return totals((d.district.name, d.projects, Urls.district(lang, d.district.slug))
                      for d in districts)
    in_year = ((d, d.in_year(year)) for d in districts)
    return totals((d.district.name, dy.projects, Urls.district(lang, d.district.slug))
                  for d, dy in in_year if dy is not None)


def year_totals(years: Iterable[BudgetYear], lang: str) -> Totals:
    return totals((year_label(y.year), y.projects, Urls.year(lang, y.year)) for y in years)


def district_year_totals(dys: Iterable[DistrictYear], lang: str,
                         label: Callable[[DistrictYear], Text]) -> Totals:
    return totals((label(dy), dy.projects, Urls.district_year(lang, dy.district.slug, dy.year))
                  for dy in dys)


def share_totals(shares: Iterable[Share], link: Callable[[str], str | None]) -> Totals:
    return totals((s.label, s.projects, link(s.key)) for s in shares)
