"""The disclosure-quality scorecard: how complete each project's disclosure is.

Each criterion counts what the disclosure should contain and what it does
contain (`met` of `of`); a criterion with nothing to count does not apply.
The score is out of 100 points, shared among the criteria: most lose points in
proportion to what is missing, but a missing required part (a narrative
section, the unit's duties, a kind of indicator) costs a fixed, large share,
because a disclosure without it is not a complete disclosure however well the
rest is filled in. A criterion that does not apply costs nothing. English
coverage is reported beside the score, not in it: translating is this site's
work, not the disclosing unit's. The scorecard judges completeness only, never
whether the project is good.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from builder.core.cache import plain
from builder.core.glossary import EXPECTED_WEIGHTS
from builder.core.model import DocumentSource, Project, Section, Text
from builder.sources import schema, translations
from builder.sources.narrative import SECTION_IDS, SECTION_TITLES

# Cells the documents leave empty are often transcribed as a placeholder.
PLACEHOLDERS = {"", "空", "无", "/", "／", "-", "—", "－", "——"}

REQUIRED_LEVEL1: dict[str, Text] = {
    "output": Text("产出指标", "Output indicators"),
    "benefit": Text("效益指标", "Benefit indicators"),
    "satisfaction": Text("满意度指标", "Satisfaction indicators"),
}


@plain
@dataclass(frozen=True)
class Criterion:
    key: str
    title: Text
    explanation: Text
    points: int = 0       # its share of the score out of 100; 0: reported, not scored
    per_missing: int = 0  # points lost for each missing item; 0: lost in proportion

    @property
    def scored(self) -> bool:
        return self.points > 0

    def __reduce__(self):
        # One of CRITERIA, pickled by its key and read back as that very object (the
        # scorecard tells criteria apart by identity).
        return criterion, (self.key,)

    @property
    def rule(self) -> Text:
        """How the criterion counts in the score, in words."""
        if not self.scored:
            return Text("不计入得分：这是本网站的翻译工作，不反映公开单位的公开质量。",
                        "Not part of the score: it measures this site's translation work, "
                        "not the quality of the unit's disclosure.")
        if self.per_missing:
            return Text(f"{self.points}分；每缺一项扣{self.per_missing}分，扣完为止。",
                        f"{self.points} points; each missing item costs {self.per_missing} "
                        f"points, down to 0.")
        return Text(f"{self.points}分，按达到的比例计分。",
                    f"{self.points} points, in proportion to the items that meet it.")


CRITERIA: tuple[Criterion, ...] = (
    Criterion("parts", Text("必备部分齐全", "Every required part present"), Text(
        "每份公开文件都应包含项目实施单位的主要职责任务、五个说明部分（项目基本概况、项目实施内容、"
        "资金安排情况、项目实施计划、项目实施成效）以及产出、效益和满意度三类一级指标；"
        "说明部分只有标题没有内容的，视为缺少。",
        "Every disclosure should contain the unit's main duties, the five narrative "
        "sections (overview, what the project does, funding arrangement, implementation "
        "plan, results) and indicators of all three kinds (output, benefit, satisfaction); "
        "a section with a heading but no text counts as missing."), 40, 20),
    Criterion("details", Text("指标说明已填写", "Indicator details filled in"), Text(
        "每个指标的“指标内容”和“指标值设定依据及数据来源”都应填写；写作“空”“无”的视为未填写。",
        "For every indicator, what it shows and the basis and source of its target "
        "should be filled in; a cell reading 空 (empty) or 无 (none) counts as missing."), 10),
    Criterion("quantified", Text("定量指标有数值", "Quantitative indicators have numbers"), Text(
        "标为“定量指标”的指标，其指标值应是一个数。写作“实际发生数”等文字的定量指标无法事后核对，"
        "在此列出。",
        "An indicator marked quantitative should have a number as its target. A "
        "quantitative indicator whose target is words, such as 实际发生数 (the actual "
        "number), cannot be checked afterwards and is listed here."), 10),
    Criterion("scoring", Text("写明评分标准", "Scoring rules stated"), Text(
        "每个指标都应写明评（扣）分标准，说明如何打分。",
        "Every indicator should state its scoring (deduction) rule: how its points "
        "are awarded."), 10),
    Criterion("points", Text("分值合计正确", "Points add up"), Text(
        "各指标分值合计应为90分（另10分为预算执行率）或100分。",
        "The indicators' points should add up to 90 (the other 10 are for the budget "
        "execution rate) or to 100."), 10),
    Criterion("funding", Text("资金构成相符", "Funding components add up"), Text(
        "列出资金构成时，各部分之和应等于预算年度资金或上年实际支出；未列出构成的项目不适用此项。",
        "Where the money is broken down into parts, the parts should add up to the "
        "budget-year amount or to last year's spending; it does not apply where no "
        "breakdown is given."), 10),
    Criterion("source", Text("来源可查", "Source on record"), Text(
        "读者应能查到原始文件并核对：记录了官方发布网址、发布日期，并保存了官方发布的原始文件"
        "（PDF、Word、Excel等；工作人员录入的文字稿不算原始文件）。按记录的项数计分。",
        "A reader should be able to find the original document and check it: its official "
        "address and publication date are recorded and the file the office published is kept "
        "here (a PDF, Word or Excel file…; a transcription typed by staff is not the "
        "original). Scored by the parts recorded."), 10),
    Criterion("english", Text("英文译文覆盖", "English translation coverage"), Text(
        "项目的每段文字和每个说明部分都应有英文译文，以中文为准。按已翻译的比例报告。",
        "Every text of the project and each narrative section should have an English "
        "translation (Chinese remains authoritative). Reported as the share translated.")),
)


def criterion(key: str) -> Criterion:
    """The criterion of CRITERIA with this key."""
    return next(c for c in CRITERIA if c.key == key)
SCORED: tuple[Criterion, ...] = tuple(c for c in CRITERIA if c.scored)


@plain
@dataclass(frozen=True)
class Flag:
    """Something a criterion found missing: a label and where on the page it belongs."""

    ref: str  # language-neutral: an indicator id, a section id, a field
    label: Text
    anchor: str | None = None
    detail: Text | None = None


@plain
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

    @property
    def earned(self) -> Fraction:
        """The points this result adds to the score; all of them where it does not apply."""
        c = self.criterion
        if c.per_missing:
            return Fraction(max(0, c.points - c.per_missing * (self.of - self.met)))
        return c.points * self.ratio


@dataclass(frozen=True)
class ProjectScore:
    project: Project
    results: tuple[Result, ...]

    @functools.cached_property  # (asked for again and again by the groups' scores)
    def score(self) -> int:
        """Out of 100: the points earned on the scored criteria (English is not one)."""
        return rounded(sum((r.earned for r in self.scored), Fraction(0)))

    @classmethod
    def shipped(cls, project: Project, results: tuple[Result, ...], score: int
                ) -> ProjectScore:
        """A project's score as a shard worked it out: its results and its score, which
        the merge would otherwise work out again for every project of the site."""
        made = cls(project, results)
        made.__dict__["score"] = score  # (where the cached property keeps it)
        return made

    @property
    def scored(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.criterion.scored)

    @property
    def complete(self) -> bool:
        """Every scored criterion met (or not applying)."""
        return all(r.status in ("met", "n/a") for r in self.scored)

    @property
    def english(self) -> Result:
        return self.result("english")

    def result(self, key: str) -> Result:
        return next(r for r in self.results if r.criterion.key == key)


@plain
@dataclass(frozen=True)
class GroupScore:
    """A district's or a unit's projects taken together."""

    key: str
    name: Text
    projects: int
    score: int     # the mean of its projects' scores
    complete: int  # projects meeting every scored criterion
    met: dict[str, tuple[int, int]]  # criterion key → (projects meeting it, projects it applies to)


@dataclass(frozen=True)
class Scorecard:
    criteria: tuple[Criterion, ...]
    projects: tuple[ProjectScore, ...]
    districts: tuple[GroupScore, ...]
    units: tuple[GroupScore, ...]

    @property
    def scored(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.scored)


def rounded(value: Fraction) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def stated(text: Text | None) -> bool:
    return text is not None and text.zh.strip() not in PLACEHOLDERS


def score_site(projects: tuple[Project, ...], known: dict[str, ProjectScore] | None = None
               ) -> Scorecard:
    """The site's scorecard; `known` holds the scores of projects met before, by the
    digest of their sources (the live engine keeps it between updates)."""
    known = {} if known is None else known
    scores = tuple(known_score(p, known) for p in projects)
    return Scorecard(CRITERIA, scores,
                     _groups(scores, lambda p: p.district.slug, lambda p: p.district.name),
                     _groups(scores, lambda p: p.unit.key, lambda p: p.unit.name))


def known_score(project: Project, known: dict[str, ProjectScore]) -> ProjectScore:
    """The project's score from `known` (by the digest of its sources), else scored now
    and kept there."""
    if not project.digest:
        return score_project(project)
    score = known.get(project.digest)
    if score is None or score.project is not project:
        score = known[project.digest] = score_project(project)
    return score


def score_project(project: Project) -> ProjectScore:
    checks = {"parts": _parts, "details": _details, "quantified": _quantified,
              "scoring": _scoring, "points": _points, "funding": _funding,
              "source": _source, "english": _english}
    return ProjectScore(project, tuple(checks[c.key](project, c) for c in CRITERIA))


def _result(criterion: Criterion, checks: list[tuple[bool, Flag]]) -> Result:
    return Result(criterion, sum(1 for ok, _ in checks if ok), len(checks),
                  tuple(flag for ok, flag in checks if not ok))


def _parts(project: Project, criterion: Criterion) -> Result:
    sections = {s.id for s in project.narrative.get("zh", ()) if s.html}
    level1 = {i.level1 for i in project.indicators}
    checks = [(bool(project.unit.duties), _declared_flag("duties", "unit.duties"))]
    checks += [(sid in sections, Flag(sid, SECTION_TITLES[sid])) for sid in SECTION_IDS]
    checks += [(key in level1, Flag(key, name, "targets"))
               for key, name in REQUIRED_LEVEL1.items()]
    return _result(criterion, checks)


def _details(project: Project, criterion: Criterion) -> Result:
    checks = []
    content, source = (schema.field_at(f"indicators[].{name}").label
                       for name in ("content", "source"))
    for i in project.indicators:
        checks += [(stated(i.content), Flag(f"{i.id}.content", i.name, i.anchor, content)),
                   (stated(i.source), Flag(f"{i.id}.source", i.name, i.anchor, source))]
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
                       _declared_flag("components", "funding.components")))
    previous = funding.previous_year
    if previous and previous.components:
        checks.append((_adds_up(previous.components, previous.amount.yuan),
                       _declared_flag("previous_year.components",
                                      "funding.previous_year.components")))
    return _result(criterion, checks)


def _source(project: Project, criterion: Criterion) -> Result:
    """Each part a reader needs to check the document, recorded or not."""
    source = project.source or DocumentSource()
    return _result(criterion, [
        (source.url is not None, _declared_flag("source.url", "source.url")),
        (source.published is not None, _declared_flag("source.published", "source.published")),
        (source.published_file is not None, _declared_flag("source.file", "source.file"))])


def _adds_up(lines, total: Decimal) -> bool:
    return sum((line.amount.yuan for line in lines), Decimal(0)) == total


def _english(project: Project, criterion: Criterion) -> Result:
    """The coverage `check --translations` reports, each missing text flagged."""
    coverage = translations.coverage(project)
    missing = [_field_flag(project, path) for path in coverage.fields]
    missing += [_section_flag(section) for section in coverage.sections]
    return Result(criterion, coverage.translated, coverage.texts, tuple(missing))


def _declared_flag(ref: str, path: str) -> Flag:
    """A field missing as a whole: its declared name, as a heading writes it."""
    return Flag(ref, schema.field_heading(path), FIELD_LABELS[path][1])


def _section_flag(section: Section) -> Flag:
    title = SECTION_TITLES.get(section.id, Text(section.title, section.title))
    return Flag(f"en.md#{section.id}", Text(f"说明部分“{title.zh}”",
                                            f"narrative section “{title.get('en')}”"),
                section.id)


# What a reader calls each field of project.yaml and where the page shows it, by its
# field path (field_name, with the numbers taken out as {0}): from its declaration.
# INDICATOR: the anchor is the indicator's own row.
INDICATOR = schema.INDICATOR_ROW
FIELD_LABELS: dict[str, tuple[Text, str | None]] = schema.field_labels()
_NUMBER = re.compile(r"\[(\d+)\]")


def field_label(path: str) -> tuple[Text, str | None]:
    """'indicators[2].scoring' → (第2项指标的评分标准 / indicator 2: scoring rule, anchor)."""
    numbers = _NUMBER.findall(path)
    known = FIELD_LABELS.get(_NUMBER.sub("[]", path))
    if known is None:
        return Text(path, path), None
    label, anchor = known
    return Text(label.zh.format(*numbers), label.en.format(*numbers)), anchor


def _field_flag(project: Project, path: str) -> Flag:
    label, anchor = field_label(path)
    if anchor == INDICATOR:
        position = int(_NUMBER.findall(path)[0])
        anchor = project.indicators[position - 1].anchor
    return Flag(path, label, anchor)


def _groups(scores: tuple[ProjectScore, ...], key_of, name_of) -> tuple[GroupScore, ...]:
    grouped: dict[str, list[ProjectScore]] = defaultdict(list)
    for s in scores:
        grouped[key_of(s.project)].append(s)
    return tuple(_group(key, members, name_of) for key, members in sorted(grouped.items()))


def _group(key: str, members: list[ProjectScore], name_of) -> GroupScore:
    # A unit may be renamed over the years: the latest name stands for it.
    latest = max(members, key=lambda s: (s.project.year, s.project.key)).project
    counts = {c.key: [0, 0] for c in CRITERIA}  # (meeting it, it applies to), once over
    for s in members:
        seen = set()
        for r in s.results:
            if r.criterion.key in counts and r.criterion.key not in seen:
                seen.add(r.criterion.key)  # (the first result of a criterion counts)
                counts[r.criterion.key][0] += r.status == "met"
                counts[r.criterion.key][1] += r.applies
    met = {key: (meeting, applies) for key, (meeting, applies) in counts.items()}
    return GroupScore(key, name_of(latest), len(members),
                      rounded(sum((Fraction(s.score) for s in members), Fraction(0))
                              / len(members)),
                      sum(1 for s in members if s.complete), met)
