"""Rules that a well-formed file can still break: sums, codes, levels, sections."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from builder.core import checkcodes
from builder.core.errors import Problem
from builder.core.glossary import EXPECTED_WEIGHTS, LEVEL1, LEVEL2, UNITS, level2_of, points_in_rule
from builder.core.model import (
    District,
    Funding,
    FundingLine,
    Indicator,
    Money,
    OverallTarget,
    Project,
    Section,
)
from builder.sources import characters, narrative

if TYPE_CHECKING:
    from builder.core.errors import Checker


def check_code(code: str, district: District, checker: Checker) -> None:
    """The check character of a USCI or organization code, and a USCI's area."""
    expected = checkcodes.check_char(code)
    kind = "USCI" if len(code) == 18 else "organization code"
    if expected is None:
        checker.error(("unit", "code"),
                      f"{code!r} contains characters {'an' if kind[0] == 'o' else 'a'} {kind} "
                      f"cannot have",
                      "unit.code-check")
    elif expected != code[-1]:
        checker.error(("unit", "code"), f"the check character of {kind} {code} is wrong: it "
                                        f"should end in {expected!r}; look for a mistyped "
                                        f"character", "unit.code-check")
    area = checkcodes.usci_area(code)
    if area and expected == code[-1] and area not in district.area_codes:
        checker.warn(("unit", "code"), f"this USCI was registered in area {area}, not in "
                                       f"{district.name.zh} ({district.code}); "
                                       f"check the code and the district", "unit.code-area")


def _sum_check(checker: Checker, path: tuple, lines: tuple[FundingLine, ...],
               total: Money, what: str) -> None:
    if not lines:
        return
    parts = sum((line.amount.yuan for line in lines), Decimal(0))
    if parts != total.yuan:
        checker.error(path, f"the components add up to {parts:,}元 but {what} is "
                            f"{total.yuan:,}元 (difference {parts - total.yuan:,}元)",
                      "funding.sum")


def check_funding(funding: Funding, year: int, checker: Checker) -> None:
    _sum_check(checker, ("funding", "components"), funding.components, funding.budget_year,
               "the budget-year amount")
    if funding.previous_year:
        _sum_check(checker, ("funding", "previous_year", "components"),
                   funding.previous_year.components, funding.previous_year.amount,
                   "last year's spending")
        if funding.previous_year.year >= year:
            checker.error(("funding", "previous_year", "year"),
                          f"last year's spending must be for a year before {year}",
                          "funding.previous-year")
    multi = funding.multi_year
    if multi:
        if not multi.start <= year <= multi.end:
            checker.error(("funding", "multi_year"), f"the period {multi.start}–{multi.end} does "
                                                     f"not include the budget year {year}",
                          "funding.period")
        if multi.total.yuan < funding.budget_year.yuan:
            checker.error(("funding", "multi_year", "total"),
                          "the multi-year total is smaller than the budget-year amount",
                          "funding.total")


def check_indicators(rows: list[tuple[int, Indicator]], checker: Checker,
                     complete: bool) -> None:
    """Ids, levels and units of the well-formed rows (numbered as in the file); the
    points only when every row is well-formed (`complete`), or their sum misleads."""
    seen: set[str] = set()
    for i, indicator in rows:
        path = ("indicators", i)
        if indicator.id in seen:
            checker.error(path + ("id",),
                          f"the id {indicator.id!r} is used by another indicator",
                          "indicator.duplicate-id")
        seen.add(indicator.id)
        if level2_of(indicator.level1, indicator.level2) is None:
            allowed = ", ".join(LEVEL2[indicator.level1])
            checker.error(path + ("level2",),
                          f"{indicator.level2!r} is not a level-2 indicator under "
                          f"{indicator.level1} ({LEVEL1[indicator.level1].zh}); "
                          f"use one of: {allowed}", "indicator.level2")
        if indicator.unit and indicator.unit not in UNITS:
            checker.warn(path + ("unit",), f"the unit {indicator.unit!r} has no English name "
                                           f"yet; it is shown in Chinese", "indicator.unit")
        _check_points_against_rule(indicator, path, checker)
    total = sum((indicator.weight for _, indicator in rows), Decimal(0))
    if complete and rows and total not in EXPECTED_WEIGHTS:
        checker.warn(("indicators",), f"the indicator points add up to {total}, not 90 (with "
                                      f"10 for the budget execution rate) or 100",
                     "indicator.weights")


def _check_points_against_rule(indicator: Indicator, path: tuple, checker: Checker) -> None:
    """Where the scoring rule states the points, `weight` must be them: the page shows
    both, and the document's rule is what counts."""
    stated = points_in_rule(indicator.scoring.zh)
    if stated is not None and stated != indicator.weight:
        checker.error(path + ("weight",),
                      f"the points are {indicator.weight}, but the scoring rule states "
                      f"{stated} (“{indicator.scoring.zh[:40]}”); write {stated}, or correct "
                      f"the rule as the document gives it", "indicator.points-rule")


def check_period(overall: OverallTarget, year: int, checker: Checker) -> None:
    if overall.start > overall.end:
        checker.error(("targets", "overall", "end"), "the period ends before it starts",
                      "target.period-order")
    elif not overall.start <= year <= overall.end:
        checker.warn(("targets", "overall"), f"the period {overall.start}–{overall.end} does "
                                             f"not include the budget year {year}",
                     "target.period")


def check_translations(paths: list[tuple], checker: Checker) -> None:
    """Missing English is shown openly on the page; the clerk hears of each field."""
    for path in paths:
        checker.warn(path, "no English translation yet", "translation.missing")


def check_narratives(root: Path, folder: Path,
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
                                    + ", ".join(f"{{#{m}}}" for m in missing), warning=True,
                                    code="narrative.missing-section"))
    if zh is None or en is None:
        return
    zh_ids, en_ids = [s.id for s in zh], [s.id for s in en]
    if zh_ids != en_ids:
        problems.append(Problem(en_path, _first_difference(zh, en), 1, "sections",
                                f"the section ids ({', '.join(en_ids)}) differ from zh.md "
                                f"({', '.join(zh_ids)}); both languages need the same "
                                f"sections in the same order", code="narrative.mismatch"))


def _first_difference(zh: tuple[Section, ...], en: tuple[Section, ...]) -> int:
    """The line in en.md where it stops matching zh.md: a heading, or its last one."""
    for zh_section, en_section in zip(zh, en):
        if zh_section.id != en_section.id:
            return en_section.line
    return en[len(zh)].line if len(en) > len(zh) else en[-1].line if en else 1


def check_duplicates(projects: list[Project], problems: list[Problem]) -> None:
    """Two folders for one project are a copy-and-paste accident. Runs once all
    projects are read (they may be read in parallel or come from a cache)."""
    seen: dict[tuple, Project] = {}
    for project in projects:
        # Names that look the same are the same name: a full-width letter, an ideographic
        # space or an invisible character must not let a copy pass.
        key = (project.district.slug, project.year, characters.comparable(project.name.zh))
        if key in seen:
            problems.append(Problem(f"{project.source_dir}/project.yaml", 1, 1,
                                    "name", f"the same project name and year as "
                                    f"{seen[key].key}; is this a duplicate?", warning=True,
                                    code="project.duplicate"))
        seen.setdefault(key, project)


def check_continues(projects: list[Project], problems: list[Problem]) -> None:
    """A `continues:` link names an earlier project that exists, of the same unit, and
    no two projects continue the same one: a programme is one line of years."""
    by_key = {p.key: p for p in projects}
    taken: dict[str, Project] = {}
    for project in sorted(projects, key=lambda p: p.key):
        if not project.continues:
            continue
        def report(message: str, code: str, warning: bool = False) -> None:
            problems.append(Problem(f"{project.source_dir}/project.yaml",
                                    project.continues_line or 1, 1, "continues", message,
                                    warning, code=code))
        earlier = by_key.get(project.continues)
        if earlier is None:
            report(f"there is no project {project.continues!r}; write last year's project as "
                   f"district/year/slug, the path of its folder under content/projects/",
                   "continues.unknown")
        elif earlier.year >= project.year:
            report(f"{earlier.key} is of {earlier.year}, not of a year before {project.year}; "
                   f"a project continues an earlier year's project", "continues.year")
        elif project.continues in taken:
            report(f"{taken[project.continues].key} already continues {earlier.key}; "
                   f"a project is continued by one project of the next year only",
                   "continues.taken")
        else:
            taken[project.continues] = project
            if earlier.unit.code and project.unit.code and earlier.unit.code != project.unit.code:
                report(f"{earlier.key} is of another implementing unit "
                       f"({earlier.unit.code}, not {project.unit.code}); check the link",
                       "continues.unit", warning=True)


def check_programme_totals(projects: list[Project], problems: list[Problem]) -> None:
    """A project that states a multi-year total (16,500,000元 over 2026–2028) caps what
    the programme's projects of those years may add up to. A warning on the first
    project, in year order, with which their amounts pass the total: the total, or an
    amount, is wrong, and the site would publish both without a word. Runs after
    check_continues, on its links."""
    by_key = {p.key: p for p in projects}
    later = {p.continues: p for p in sorted(projects, key=lambda p: p.key)
             if p.continues in by_key and by_key[p.continues].year < p.year}
    warned: set[tuple] = set()
    for project in sorted(projects, key=lambda p: p.key):
        multi = project.funding.multi_year
        if multi is None:
            continue
        chain = _programme_of(project, by_key, later)
        members = [p for p in chain if multi.start <= p.year <= multi.end]
        running = Decimal(0)
        for member in members:
            running += member.funding.budget_year.yuan
            if running > multi.total.yuan and (member.key, multi) not in warned:
                warned.add((member.key, multi))
                years = " + ".join(f"{p.year}: {p.funding.budget_year.yuan:,}元"
                                   for p in members if p.year <= member.year)
                line = member.continues_line if member is not project else 0
                problems.append(Problem(
                    f"{member.source_dir}/project.yaml", line or 1, 1,
                    "continues" if line else "funding.budget_year",
                    f"the programme's amounts for {multi.start}–{multi.end} add up to "
                    f"{running:,}元 ({years}), more than the total of {multi.total.yuan:,}元 "
                    f"that {project.key} states for those years; check the amounts and the "
                    f"total against the documents", warning=True, code="programme.total"))
                break


def _programme_of(project: Project, by_key: dict[str, Project],
                  later: dict[str, Project]) -> list[Project]:
    """The projects linked with `project` by `continues:`, earliest first."""
    first, seen = project, {project.key}
    while first.continues in by_key and by_key[first.continues].key not in seen \
            and later.get(first.continues) is first:
        first = by_key[first.continues]
        seen.add(first.key)
    chain = [first]
    while chain[-1].key in later and later[chain[-1].key].key not in {p.key for p in chain}:
        chain.append(later[chain[-1].key])
    return chain
