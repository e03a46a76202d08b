"""The disclosure-quality scorecard: how complete each project's disclosure is.

Each criterion counts what the disclosure should contain and what it does
contain (`met` of `of`); a criterion with nothing to count does not apply.
A project's score is the mean of its applicable criteria, out of 100. The
scorecard judges completeness only, never whether the project is good.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .model import Project, Text
from .narrative import SECTION_IDS
from .rules import EXPECTED_WEIGHTS

# Cells the documents leave empty are often transcribed as a placeholder.
PLACEHOLDERS = {"", "空", "无", "/", "／", "-", "—", "－", "——"}

SECTION_TITLES: dict[str, Text] = {
    "overview": Text("项目基本概况", "Project overview"),
    "activities": Text("项目实施内容", "What the project does"),
    "funding-arrangement": Text("资金安排情况", "Funding arrangement"),
    "plan": Text("项目实施计划", "Implementation plan"),
    "results": Text("项目实施成效", "Results achieved"),
}
REQUIRED_LEVEL1: dict[str, Text] = {
    "output": Text("产出指标", "Output indicators"),
    "benefit": Text("效益指标", "Benefit indicators"),
    "satisfaction": Text("满意度指标", "Satisfaction indicators"),
}


@dataclass(frozen=True)
class Criterion:
    key: str
    title: Text
    explanation: Text


CRITERIA: tuple[Criterion, ...] = (
    Criterion("parts", Text("必备内容齐全", "Every required part present"), Text(
        "项目实施单位的主要职责任务、五个说明部分（项目基本概况、项目实施内容、资金安排情况、项目实施计划、"
        "项目实施成效）、产出、效益和满意度三类一级指标，以及每个指标的“指标内容”和“指标值设定依据及数据来源”"
        "都应填写；写作“空”“无”的视为未填写。",
        "The unit's main duties, the five narrative sections (overview, what the project "
        "does, funding arrangement, implementation plan, results), indicators of all three "
        "kinds (output, benefit, satisfaction), and for every indicator what it shows and "
        "the basis and source of its target should be filled in; a cell reading 空 "
        "(empty) or 无 (none) counts as missing.")),
    Criterion("quantified", Text("定量指标有数值", "Quantitative indicators have numbers"), Text(
        "标为“定量指标”的指标，其指标值应是一个数。写作“实际发生数”等文字的定量指标无法事后核对，"
        "在此列出。",
        "An indicator marked quantitative should have a number as its target. A "
        "quantitative indicator whose target is words, such as 实际发生数 (the actual "
        "number), cannot be checked afterwards and is listed here.")),
    Criterion("scoring", Text("写明评分标准", "Scoring rules stated"), Text(
        "每个指标都应写明评（扣）分标准，说明如何打分。",
        "Every indicator should state its scoring (deduction) rule: how its points "
        "are awarded.")),
    Criterion("points", Text("分值合计正确", "Points add up"), Text(
        "各指标分值合计应为90分（另10分为预算执行率）或100分。",
        "The indicators' points should add up to 90 (the other 10 are for the budget "
        "execution rate) or to 100.")),
    Criterion("funding", Text("资金构成相符", "Funding components add up"), Text(
        "列出资金构成时，各部分之和应等于预算年度资金或上年实际支出；未列出构成的项目不适用此项。",
        "Where the money is broken down into parts, the parts should add up to the "
        "budget-year amount or to last year's spending; it does not apply where no "
        "breakdown is given.")),
    Criterion("english", Text("英文译文覆盖", "English translation coverage"), Text(
        "项目的每段文字和五个说明部分都应有英文译文，以中文为准。此项按已翻译的比例计分。",
        "Every text of the project and the five narrative sections should have an English "
        "translation (Chinese remains authoritative). Scored by the share translated.")),
)


@dataclass(frozen=True)
class Flag:
    """Something a criterion found missing: a label and where on the page it belongs."""

    ref: str  # language-neutral: an indicator id, a section id, a field
    label: Text
    anchor: str | None = None
    detail: Text | None = None


@dataclass(frozen=True)
class Result:
    criterion: Criterion
    met: int
    of: int
    flags: tuple[Flag, ...] = ()

    @property
    def applies(self) -> bool:
        return self.of > 0

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.met, self.of) if self.of else Fraction(1)

    @property
    def status(self) -> str:
        if not self.applies:
            return "n/a"
        return "met" if self.met == self.of else "partly" if self.met else "not-met"


@dataclass(frozen=True)
class ProjectScore:
    project: Project
    results: tuple[Result, ...]

    @property
    def score(self) -> int:
        return percent(mean([r.ratio for r in self.results if r.applies]))

    @property
    def complete(self) -> bool:
        return all(r.status in ("met", "n/a") for r in self.results)

    def result(self, key: str) -> Result:
        return next(r for r in self.results if r.criterion.key == key)


@dataclass(frozen=True)
class GroupScore:
    """A district's or a unit's projects taken together."""

    key: str
    name: Text
    projects: int
    score: int
    complete: int
    met: dict[str, tuple[int, int]]  # criterion key → (projects meeting it, projects it applies to)


@dataclass(frozen=True)
class Scorecard:
    criteria: tuple[Criterion, ...]
    projects: tuple[ProjectScore, ...]
    districts: tuple[GroupScore, ...]
    units: tuple[GroupScore, ...]


def mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values) if values else Fraction(1)


def percent(value: Fraction) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator) * 100
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def stated(text: Text | None) -> bool:
    return text is not None and text.zh.strip() not in PLACEHOLDERS


def score_site(projects: tuple[Project, ...]) -> Scorecard:
    scores = tuple(score_project(p) for p in projects)
    return Scorecard(CRITERIA, scores,
                     _groups(scores, lambda p: p.district.slug, lambda p: p.district.name),
                     _groups(scores, lambda p: p.unit.code, lambda p: p.unit.name))


def score_project(project: Project) -> ProjectScore:
    checks = {"parts": _parts, "quantified": _quantified, "scoring": _scoring,
              "points": _points, "funding": _funding, "english": _english}
    return ProjectScore(project, tuple(checks[c.key](project, c) for c in CRITERIA))


def _result(criterion: Criterion, checks: list[tuple[bool, Flag]]) -> Result:
    return Result(criterion, sum(1 for ok, _ in checks if ok), len(checks),
                  tuple(flag for ok, flag in checks if not ok))


def _parts(project: Project, criterion: Criterion) -> Result:
    sections = {s.id for s in project.narrative.get("zh", ())}
    level1 = {i.level1 for i in project.indicators}
    checks = [(bool(project.unit.duties),
               Flag("duties", Text("主要职责任务", "Main duties"), "unit"))]
    checks += [(sid in sections, Flag(sid, SECTION_TITLES[sid])) for sid in SECTION_IDS]
    checks += [(key in level1, Flag(key, name, "targets"))
               for key, name in REQUIRED_LEVEL1.items()]
    for i in project.indicators:
        checks.append((stated(i.content), Flag(f"{i.id}.content", i.name, i.anchor,
                                               Text("指标内容", "what the indicator shows"))))
        checks.append((stated(i.source), Flag(f"{i.id}.source", i.name, i.anchor,
                                              Text("指标值设定依据及数据来源",
                                                   "basis for the target and data source"))))
    return _result(criterion, checks)


def _quantified(project: Project, criterion: Criterion) -> Result:
    return _result(criterion, [(i.numeric_value is not None, Flag(i.id, i.name, i.anchor))
                               for i in project.indicators if i.type == "quantitative"])


def _scoring(project: Project, criterion: Criterion) -> Result:
    return _result(criterion, [(stated(i.scoring), Flag(i.id, i.name, i.anchor))
                               for i in project.indicators])


def _points(project: Project, criterion: Criterion) -> Result:
    total = project.total_weight
    flag = Flag("points", Text(f"合计{total}分", f"{total} points in all"), "targets")
    return _result(criterion, [(total in EXPECTED_WEIGHTS, flag)])


def _funding(project: Project, criterion: Criterion) -> Result:
    funding, checks = project.funding, []
    if funding.components:
        checks.append((_adds_up(funding.components, funding.budget_year.yuan),
                       Flag("components", Text("预算年度资金构成", "Budget-year components"),
                            "funding")))
    previous = funding.previous_year
    if previous and previous.components:
        checks.append((_adds_up(previous.components, previous.amount.yuan),
                       Flag("previous_year.components",
                            Text("上年实际支出构成", "Components of last year's spending"),
                            "funding")))
    return _result(criterion, checks)


def _adds_up(lines, total: Decimal) -> bool:
    return sum((line.amount.yuan for line in lines), Decimal(0)) == total


def _english(project: Project, criterion: Criterion) -> Result:
    missing = len(project.missing_english)
    narrative = "en" in project.narrative
    flags = [Flag("en.md", Text("英文说明部分（en.md）", "English narrative (en.md)"))
             ] if not narrative else []
    flags += [Flag(path, Text(path, path)) for path in project.missing_english]
    return Result(criterion, project.text_fields - missing + int(narrative),
                  project.text_fields + 1, tuple(flags))


def _groups(scores: tuple[ProjectScore, ...], key_of, name_of) -> tuple[GroupScore, ...]:
    grouped: dict[str, list[ProjectScore]] = defaultdict(list)
    for s in scores:
        grouped[key_of(s.project)].append(s)
    return tuple(_group(key, members, name_of) for key, members in sorted(grouped.items()))


def _group(key: str, members: list[ProjectScore], name_of) -> GroupScore:
    # A unit may be renamed over the years: the latest name stands for it.
    latest = max(members, key=lambda s: (s.project.year, s.project.key)).project
    met = {c.key: (sum(1 for s in members if s.result(c.key).status == "met"),
                   sum(1 for s in members if s.result(c.key).applies)) for c in CRITERIA}
    return GroupScore(key, name_of(latest), len(members),
                      percent(mean([Fraction(s.score) for s in members]) / 100),
                      sum(1 for s in members if s.complete), met)
