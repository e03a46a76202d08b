"""Rules that a well-formed file can still break: sums, codes, levels, sections."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import checkcodes, narrative
from .errors import Problem
from .glossary import LEVEL1, LEVEL2, UNITS, level2_of
from .model import FundingLine, Money, Project, Section

if TYPE_CHECKING:
    from .validate import Checker

EXPECTED_WEIGHTS = (Decimal(90), Decimal(100))


def check_project(project: Project, checker: Checker) -> None:
    _check_code(project, checker)
    _check_funding(project, checker)
    _check_indicators(project, checker)
    _check_periods(project, checker)
    for path in project.missing_english:
        checker.warn(_path(path), "no English translation yet")


def _path(name: str) -> tuple:
    """'indicators[2].name' → ('indicators', 1, 'name'), to find its line again."""
    parts: list = []
    for piece in name.replace("[", ".[").split("."):
        if piece.startswith("["):
            parts.append(int(piece[1:-1]) - 1)
        elif piece:
            parts.append(piece)
    return tuple(parts)


def _check_code(project: Project, checker: Checker) -> None:
    code = project.unit.code
    expected = checkcodes.check_char(code)
    kind = "USCI" if len(code) == 18 else "organization code"
    if expected is None:
        checker.error(("unit", "code"), f"{code!r} contains characters a {kind} cannot have")
    elif expected != code[-1]:
        checker.error(("unit", "code"), f"the check character of {kind} {code} is wrong: it "
                                        f"should end in {expected!r}; look for a mistyped "
                                        f"character")
    area = checkcodes.usci_area(code)
    if area and expected == code[-1] and area not in project.district.area_codes:
        checker.warn(("unit", "code"), f"this USCI was registered in area {area}, not in "
                                       f"{project.district.name.zh} ({project.district.code}); "
                                       f"check the code and the district")


def _sum_check(checker: Checker, path: tuple, lines: tuple[FundingLine, ...],
               total: Money, what: str) -> None:
    if not lines:
        return
    parts = sum((line.amount.yuan for line in lines), Decimal(0))
    if parts != total.yuan:
        checker.error(path, f"the components add up to {parts:,}元 but {what} is "
                            f"{total.yuan:,}元 (difference {parts - total.yuan:,}元)")


def _check_funding(project: Project, checker: Checker) -> None:
    funding = project.funding
    _sum_check(checker, ("funding", "components"), funding.components, funding.budget_year,
               "the budget-year amount")
    if funding.previous_year:
        _sum_check(checker, ("funding", "previous_year", "components"),
                   funding.previous_year.components, funding.previous_year.amount,
                   "last year's spending")
        if funding.previous_year.year >= project.year:
            checker.error(("funding", "previous_year", "year"),
                          f"last year's spending must be for a year before {project.year}")
    multi = funding.multi_year
    if multi:
        if not multi.start <= project.year <= multi.end:
            checker.error(("funding", "multi_year"), f"the period {multi.start}–{multi.end} does "
                                                     f"not include the budget year {project.year}")
        if multi.total.yuan < funding.budget_year.yuan:
            checker.error(("funding", "multi_year", "total"),
                          "the multi-year total is smaller than the budget-year amount")


def _check_indicators(project: Project, checker: Checker) -> None:
    seen: set[str] = set()
    for i, indicator in enumerate(project.indicators):
        path = ("indicators", i)
        if indicator.id in seen:
            checker.error(path + ("id",), f"the id {indicator.id!r} is used by another indicator")
        seen.add(indicator.id)
        if level2_of(indicator.level1, indicator.level2) is None:
            allowed = ", ".join(LEVEL2[indicator.level1])
            checker.error(path + ("level2",),
                          f"{indicator.level2!r} is not a level-2 indicator under "
                          f"{indicator.level1} ({LEVEL1[indicator.level1].zh}); "
                          f"use one of: {allowed}")
        if indicator.unit and indicator.unit not in UNITS:
            checker.warn(path + ("unit",), f"the unit {indicator.unit!r} has no English name "
                                           f"yet; it is shown in Chinese")
    total = project.total_weight
    if project.indicators and total not in EXPECTED_WEIGHTS:
        checker.warn(("indicators",), f"the indicator points add up to {total}, not 90 (with "
                                      f"10 for the budget execution rate) or 100")


def _check_periods(project: Project, checker: Checker) -> None:
    overall = project.targets.overall
    if overall.start > overall.end:
        checker.error(("targets", "overall", "end"), "the period ends before it starts")
    elif not overall.start <= project.year <= overall.end:
        checker.warn(("targets", "overall"), f"the period {overall.start}–{overall.end} does "
                                             f"not include the budget year {project.year}")


def check_narratives(project: Project, root: Path, folder: Path,
                     narratives: dict[str, tuple[Section, ...] | None],
                     problems: list[Problem]) -> None:
    """The two languages must carry the same sections in the same order."""
    zh, en = narratives.get("zh"), narratives.get("en")
    zh_path = (folder / "zh.md").relative_to(root).as_posix()
    en_path = (folder / "en.md").relative_to(root).as_posix()
    if zh is not None:
        missing = [s for s in narrative.SECTION_IDS if s not in {x.id for x in zh}]
        if missing:
            problems.append(Problem(zh_path, 1, 1, "sections", "missing the section(s) "
                                    + ", ".join(f"{{#{m}}}" for m in missing), warning=True))
    if zh is None or en is None:
        return
    zh_ids, en_ids = [s.id for s in zh], [s.id for s in en]
    if zh_ids != en_ids:
        problems.append(Problem(en_path, _first_difference(zh, en), 1, "sections",
                                f"the section ids ({', '.join(en_ids)}) differ from zh.md "
                                f"({', '.join(zh_ids)}); both languages need the same "
                                f"sections in the same order"))


def _first_difference(zh: tuple[Section, ...], en: tuple[Section, ...]) -> int:
    """The line in en.md where it stops matching zh.md: a heading, or its last one."""
    for zh_section, en_section in zip(zh, en):
        if zh_section.id != en_section.id:
            return en_section.line
    return en[len(zh)].line if len(en) > len(zh) else en[-1].line if en else 1


def check_duplicate(project: Project, checker: Checker, seen: dict[tuple, str]) -> None:
    """Two folders for one project are a copy-and-paste accident."""
    key = (project.district.slug, project.year, project.name.zh)
    if key in seen:
        checker.warn(("name",), f"the same project name and year as {seen[key]}; "
                                f"is this a duplicate?")
    seen.setdefault(key, project.key)
