"""The open data under /data/: CSV tables, JSON, and a Frictionless data package.

Every table is declared once (its columns with types and descriptions in both
languages, its keys) and the same declaration writes the CSV header and the
schema in datapackage.json. CSV files are UTF-8 with a byte-order mark so that
Excel opens Chinese text correctly; amounts are plain decimals in 元.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, Iterator

from builder.core import glossary
from builder.core.cache import Cache, Stamper, digest
from builder.core.i18n import LANGS
from builder.core.model import Indicator, Money, Project, Text
from builder.core.parallel import forked_map
from builder.history.log import ProjectHistory
from builder.site import scorecard
from builder.site.model import Site
from builder.site.urls import Urls
from builder.sources import schema

CENT = Decimal("0.01")
_json_string = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type
    zh: str
    en: str
    required: bool = False
    enum: tuple[str, ...] = ()
    format: str = "default"

    def field(self) -> dict:
        spec: dict[str, Any] = {"name": self.name, "type": self.type,
                                "description": f"{self.zh} / {self.en}"}
        if self.format != "default":
            spec["format"] = self.format
        constraints = {**({"required": True} if self.required else {}),
                       **({"enum": list(self.enum)} if self.enum else {})}
        return {**spec, **({"constraints": constraints} if constraints else {})}


@dataclass(frozen=True)
class Table:
    name: str
    title: Text
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    references_projects: bool = True  # project_id → projects.id

    @property
    def path(self) -> str:
        return f"{self.name}.csv"


def _c(name: str, kind: str, zh: str, en: str, **extra) -> Column:
    return Column(name, kind, zh, en, **extra)


def _both(name: str, zh: str, en: str) -> tuple[Column, Column]:
    """A free text as two columns; an empty English cell means not yet translated."""
    return (_c(f"{name}_zh", "string", f"{zh}（中文）", f"{en} in Chinese"),
            _c(f"{name}_en", "string", f"{zh}（英文，空白表示尚未翻译）",
               f"{en} in English (empty: not yet translated)"))


def _declared(path: str, kind: str = "string", **extra) -> tuple[Column, ...]:
    """The column(s) of a field of project.yaml that has one of its own: named and
    described by the field's declaration (schema.py), so the two cannot drift apart."""
    declared = schema.field_at(path)
    name, label = declared.column, declared.label
    if isinstance(declared.kind, schema.BiText):
        return _both(name, label.zh, label.en)
    return (_c(name, kind, label.zh, label.en, **extra),)


PROJECT_ID = _c("project_id", "string", "项目标识，对应 projects.csv 的 id",
                "project identifier, the id in projects.csv", required=True)
DISTRICT_YEAR = (_c("district", "string", "区县标识（拼音）", "district key (pinyin)",
                    required=True),
                 *_declared("year", "integer", required=True))

PROJECTS = Table("projects", Text("项目", "Projects"), (
    _c("id", "string", "项目标识：区县/年度/项目简称", "project identifier: district/year/slug",
       required=True),
    *DISTRICT_YEAR,
    _c("district_code", "string", "行政区划代码（GB/T 2260）", "area code (GB/T 2260)"),
    *_both("district_name", "区县名称", "district name"),
    _c("slug", "string", "项目简称（网址中使用）", "project slug, as used in URLs"),
    *_declared("name"),
    *_declared("department"),
    *_declared("unit.name"),
    *_declared("unit.code"),
    _c("unit_code_kind", "string", "代码类别：usci 为统一社会信用代码（18位），org 为组织机构代码（9位）",
       "kind of code: usci, a Unified Social Credit Identifier (18 characters); org, an "
       "organization code (9 characters)", enum=("usci", "org")),
    *_declared("unit.source_of_funds"),
    _c("budget_year_amount_yuan", "number", "预算年度资金（元）", "budget-year amount (CNY)"),
    _c("budget_year_amount_summed", "boolean",
       "预算年度资金是否为本站计算：文件只列分项、未写合计时为各分项之和",
       "whether the budget-year amount is worked out by this site: the sum of the parts, "
       "where the document states only the parts"),
    *_declared("funding.multi_year.start", "integer"),
    *_declared("funding.multi_year.end", "integer"),
    _c("multi_year_total_yuan", "number", "多年度资金总额（元）", "multi-year total (CNY)"),
    *_declared("funding.previous_year.year", "integer"),
    _c("previous_year_spending_yuan", "number", "上年数字（元）：文件表格中没有，取自文件的叙述",
       "last year's figure (CNY): not in the document's tables, taken from its narrative"),
    _c("indicator_count", "integer", "绩效指标个数", "number of performance indicators"),
    _c("indicator_points", "number", "绩效指标分值合计（本站计算：各指标分值之和）",
       "points of all indicators (worked out by this site: the sum of the indicators' points)"),
    _c("first_published", "date", "首次发布日期（git 提交日期）", "first published (git commit date)"),
    _c("last_changed", "date", "最近修改日期（git 提交日期）", "last changed (git commit date)"),
    _c("url_zh", "string", "中文页面网址", "URL of the Chinese page", format="uri"),
    _c("url_en", "string", "英文页面网址", "URL of the English page", format="uri"),
    _c("json_url", "string", "项目 JSON 文件网址", "URL of the project's JSON file", format="uri"),
    *_declared("unit.code_label"),
    *_declared("funding.previous_year.label"),
    *_declared("source.title"),
    *_declared("source.issuer"),
    *_declared("source.published", "date"),
    *_declared("source.url", format="uri"),
    *_declared("source.retrieved", "date"),
    _c("original_url", "string", "本站发布的原始文件网址", "URL of the original document as this site "
       "publishes it", format="uri"),
    _c("original_bytes", "integer", "原始文件大小（字节）", "size of the original document (bytes)"),
    _c("original_sha256", "string", "原始文件的 SHA-256", "SHA-256 of the original document"),
    _c("corrections", "integer", "更正次数", "number of corrections"),
    _c("last_correction", "date", "最近一次更正的日期", "date of the latest correction"),
    *_declared("period"),
    _c("indicator_table", "string", "项目绩效目标表：included 为本文件载有，elsewhere 为本文件未载（见 "
       "indicator_table_note）", "performance target table: included, in this document; "
       "elsewhere, not in this document (see indicator_table_note)",
       enum=("included", "elsewhere")),
    *_declared("targets.table_note"),
    _c("original_pages", "string", "本项目在原始文件中的页码（以空格分隔）",
       "pages of the original document the project is on (separated by spaces)"),
), ("id",), references_projects=False)

INDICATORS = Table("indicators", Text("绩效指标", "Performance indicators"), (
    PROJECT_ID,
    *_declared("indicators[].id", required=True),
    _c("position", "integer", "在绩效目标表中的次序", "order in the performance target table"),
    *DISTRICT_YEAR,
    _c("level1", "string", "一级指标（键）", "level-1 indicator (key)", enum=tuple(glossary.LEVEL1)),
    *_both("level1", "一级指标", "level-1 indicator"),
    _c("level2", "string", "二级指标（键）", "level-2 indicator (key)"),
    *_both("level2", "二级指标", "level-2 indicator"),
    *_both("name", "三级指标", "indicator"),
    _c("operator", "string", "指标性质（键）", "comparator (key)", enum=tuple(glossary.OPERATORS)),
    _c("comparator", "string", "指标性质", "comparator",
       enum=tuple(dict.fromkeys(t.zh for t in glossary.OPERATORS.values()))),
    *_both("value", "指标值（原文）", "target value as written"),
    _c("value_number", "number", "指标值（为数字时）", "target value, where it is a number"),
    _c("unit", "string", "度量单位（原文）", "unit of measure as written"),
    _c("unit_en", "string", "度量单位（英文）", "unit of measure in English"),
    _c("type", "string", "指标属性（键）", "indicator type (key)",
       enum=tuple(glossary.INDICATOR_TYPES)),
    *_both("type", "指标属性", "indicator type"),
    _c("points", "number", "分值（本站从评分标准中读出）",
       "points (read by this site from the scoring rule)"),
    *_declared("indicators[].scoring"),
    *_declared("indicators[].content"),
    *_declared("indicators[].source"),
    _c("url_zh", "string", "中文页面中该指标的链接", "link to this indicator on the Chinese page",
       format="uri"),
    _c("url_en", "string", "英文页面中该指标的链接", "link to this indicator on the English page",
       format="uri"),
    _c("level1_as_written", "string", "一级指标的原文写法（与通用名称不同时）",
       "level-1 indicator as the document writes it, where it differs from the usual name"),
    _c("level2_as_written", "string", "二级指标的原文写法（与通用名称不同时）",
       "level-2 indicator as the document writes it, where it differs from the usual name"),
    _c("operator_as_written", "string", "指标性质的原文写法", "comparator as the document writes it"),
), ("project_id", "indicator_id"))

FUNDING_KINDS = ("budget_year_total", "budget_year_component", "multi_year_total",
                 "previous_year_total", "previous_year_component")
FUNDING = Table("funding", Text("资金", "Funding"), (
    PROJECT_ID,
    _c("kind", "string", "行的类别：预算年度合计、预算年度构成、多年度资金总额（含预算年度）、"
       "上年实际支出合计、上年实际支出构成",
       "kind of row: budget-year total, budget-year component, multi-year total (which "
       "includes the budget year), previous-year total, previous-year component",
       required=True, enum=FUNDING_KINDS),
    _c("line", "integer", "同类行中的次序", "order among rows of its kind", required=True),
    *DISTRICT_YEAR,
    _c("fiscal_year", "integer", "金额所属年度（多年度资金总额行为空，见期间起止年）",
       "year the amount is for (empty on a multi-year total: see the period's years)"),
    _c("period_start", "integer", "金额所属期间的起始年", "first year the amount covers"),
    _c("period_end", "integer", "金额所属期间的结束年", "last year the amount covers"),
    *_both("label", "名称", "label"),
    _c("amount_yuan", "number", "金额（元）", "amount (CNY)"),
    _c("amount_as_written", "number", "原文金额", "amount as the document writes it"),
    _c("unit_as_written", "string", "原文金额单位", "unit the document gives the amount in",
       enum=("元", "万元", "亿元")),
), ("project_id", "kind", "line"))

STATUSES = ("met", "partly", "not-met", "n/a")
SCORECARD = Table("scorecard", Text("公开质量评分", "Disclosure-quality scorecard"), (
    PROJECT_ID, *DISTRICT_YEAR,
    _c("unit_code", "string", "项目实施单位代码", "implementing unit's code"),
    _c("score", "integer", "公开质量得分（0–100，各项标准得分之和；英文译文覆盖不计入）",
       "disclosure-quality score (0–100, the sum of the criteria's points; English "
       "coverage is not part of it)"),
    _c("complete", "boolean", "计分的各项标准是否全部达到",
       "whether every scored criterion is met"),
    *(column for c in scorecard.CRITERIA for column in (
        *((_c(f"{c.key}_earned", "number",
              f"{c.title.zh}：得分（满分{c.points}，保留两位小数）",
              f"{c.title.en}: points earned (of {c.points}, to two decimals)"),)
          if c.scored else ()),
        _c(f"{c.key}_met", "integer", f"{c.title.zh}：达到的项数", f"{c.title.en}: items met"),
        _c(f"{c.key}_of", "integer", f"{c.title.zh}：应有的项数（0 表示不适用）",
           f"{c.title.en}: items expected (0: does not apply)"),
        _c(f"{c.key}_status", "string", f"{c.title.zh}：结果", f"{c.title.en}: result",
           enum=STATUSES),
        _c(f"{c.key}_missing", "string", f"{c.title.zh}：缺少的项（以空格分隔）",
           f"{c.title.en}: what is missing (space-separated)"))),
), ("project_id",))

TABLES = (PROJECTS, INDICATORS, FUNDING, SCORECARD)


# Cells -------------------------------------------------------------------

def amount(value: Decimal) -> str:
    """An amount in 元 as a plain decimal with at least two places; never rounded."""
    if value.as_tuple().exponent >= -2:
        value = value.quantize(CENT, ROUND_HALF_UP)
    return format(value, "f")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_bytes(table: Table, rows: list[Row], body: str | None = None) -> bytes:
    """The table as CSV; `body`, when given, is its rows already written by csv_body."""
    head = _csv([[c.name for c in table.columns]])
    return ("\ufeff" + head + (csv_body(table, rows) if body is None else body)).encode("utf-8")


def csv_body(table: Table, rows: Iterable[Row]) -> str:
    """The CSV lines of `rows`: each row's lines alone, so one project's can be kept."""
    return _csv([inert(cell(row.get(c.name))) for c in table.columns] for row in rows)


def _csv(lines: Iterable[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue()


# A cell starting with one of these is run as a formula by Excel and LibreOffice
# (OWASP, "CSV Injection"); a plain number such as -12.50 is only a number, and a lone
# comparator (=, >=, ＝ …) only a sign: neither can call anything.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")
LONE_COMPARATOR = re.compile(r"[=<>≥≤＝＜＞]=?")


def inert(value: str) -> str:
    """A cell that a spreadsheet would run as a formula, prefixed with a single quote
    (OWASP's rule) so that it shows as the text it is. One rule for every column, by
    the cell's value alone: a plain number and a lone comparator stay as they are.
    The JSON files carry every text exactly."""
    if not value.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(value) \
            or LONE_COMPARATOR.fullmatch(value):
        return value
    return f"'{value}"


def json_text(value: Any, level: int = 0) -> str:
    """JSON with exact decimals: Decimal is written as a JSON number, never via float."""
    if isinstance(value, str):
        return _json_string(value)
    pad, end = "\n" + "  " * (level + 1), "\n" + "  " * level
    if isinstance(value, dict):
        items = [f"{pad}{_json_string(k)}: {json_text(v, level + 1)}" for k, v in value.items()]
        return "{" + ",".join(items) + end + "}" if items else "{}"
    if isinstance(value, (list, tuple)):
        items = [pad + json_text(v, level + 1) for v in value]
        return "[" + ",".join(items) + end + "]" if items else "[]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value)  # int, bool, None


def json_bytes(value: Any) -> bytes:
    return (json_text(value) + "\n").encode("utf-8")


# Rows --------------------------------------------------------------------

def both(name: str, text: Text | None) -> Row:
    return {f"{name}_zh": text.zh if text else None, f"{name}_en": text.en if text else None}


def yuan(money: Money | None) -> str | None:
    return amount(money.yuan) if money is not None else None


def project_row(site: Site, project: Project) -> Row:
    f, unit, history = project.funding, project.unit, _history(site, project)
    return {
        "id": project.key, "district": project.district.slug, "year": project.year,
        "district_code": project.district.code, **both("district_name", project.district.name),
        "slug": project.slug, **both("name", project.name),
        **both("department", project.department), **both("unit_name", unit.name),
        "unit_code": unit.code, "unit_code_kind": unit.code_kind,
        **both("source_of_funds", unit.source_of_funds),
        "budget_year_amount_yuan": yuan(f.budget_year),
        "budget_year_amount_summed": f.summed,
        "multi_year_start": f.multi_year.start if f.multi_year else None,
        "multi_year_end": f.multi_year.end if f.multi_year else None,
        "multi_year_total_yuan": yuan(f.multi_year.total) if f.multi_year else None,
        "previous_year": f.previous_year.year if f.previous_year else None,
        "previous_year_spending_yuan": yuan(f.previous_year.amount) if f.previous_year else None,
        "indicator_count": len(project.indicators), "indicator_points": project.total_weight,
        "first_published": history.first_published.date if history else None,
        "last_changed": history.last_changed.date if history else None,
        **{f"url_{lang}": site.urls.absolute(Urls.project(lang, project)) for lang in LANGS},
        "json_url": site.urls.absolute(Urls.project_data(project)),
        "unit_code_label_as_written": unit.code_label,
        **both("previous_year_label", f.previous_year.label if f.previous_year else None),
        **source_row(site, project),
    }


def source_row(site: Site, project: Project) -> Row:
    source = project.source
    original = source.original if source else None
    return {
        **both("source_title", source.title if source else None),
        **both("source_issuer", source.issuer if source else None),
        "source_published": source.published if source else None,
        "source_url": source.url if source else None,
        "source_retrieved": source.retrieved if source else None,
        "original_url": site.urls.absolute(Urls.original(project)) if original else None,
        "original_bytes": original.size if original else None,
        "original_sha256": original.sha256 if original else None,
        "corrections": len(project.corrections),
        "last_correction": project.corrections[0].date if project.corrections else None,
        **both("period", project.period),
        "indicator_table": "included" if project.indicators else "elsewhere",
        **both("indicator_table_note", project.targets.table_note),
        "original_pages": " ".join(map(str, source.pages)) if source and source.pages else None,
    }


def _history(site: Site, project: Project) -> ProjectHistory | None:
    return site.history.get(project.key) if site.history is not None else None


# The indicator explorer's JSON parts (explorer_data): a row per indicator, its fields.
EXPLORER_COLUMNS = ["project", "id", "position", "name_zh", "name_en", "operator",
                    "value_number", "value_zh", "value_en", "unit", "type", "points"]


def compact_json(value: Any) -> str:
    """JSON as the explorer's parts are written: no spaces, text as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def explorer_line(position: int, i: Indicator) -> str:
    """An indicator's row of the explorer's JSON parts (EXPLORER_COLUMNS) as JSON text,
    but for the number its project has in the part: what follows it, `,"id",…]`."""
    value = i.value if isinstance(i.value, Text) else None
    row = [i.id, position, i.name.zh, i.name.en, i.operator,
           cell(i.numeric_value) if i.numeric_value is not None else None,
           value.zh if value else None, value.en if value else None,
           i.unit, i.type, cell(i.weight)]
    return "," + compact_json(row)[1:]


def indicator_row(site: Site, project: Project, position: int, i: Indicator) -> Row:
    value = i.value if isinstance(i.value, Text) else Text(cell(i.value), cell(i.value))
    return {
        "project_id": project.key, "indicator_id": i.id, "position": position,
        "district": project.district.slug, "year": project.year,
        "level1": i.level1, **both("level1", glossary.LEVEL1[i.level1]),
        "level2": i.level2, **both("level2", glossary.level2_of(i.level1, i.level2)),
        **both("name", i.name), "operator": i.operator,
        "comparator": glossary.OPERATORS[i.operator].zh, **both("value", value),
        "value_number": i.numeric_value, "unit": i.unit,
        "unit_en": glossary.UNITS[i.unit].en if i.unit in glossary.UNITS else None,
        "type": i.type, **both("type", glossary.INDICATOR_TYPES[i.type]), "points": i.weight,
        **both("scoring", i.scoring), **both("content", i.content), **both("source", i.source),
        **{f"url_{lang}": site.urls.absolute(Urls.project(lang, project)) + "#" + i.anchor
           for lang in LANGS},
        "level1_as_written": i.as_written.level1, "level2_as_written": i.as_written.level2,
        "operator_as_written": i.operator_as_written,
    }


def funding_rows(project: Project) -> Iterator[Row]:
    f = project.funding
    yield _funding_row(project, "budget_year_total", 1, project.year,
                       schema.field_heading("funding.budget_year"), f.budget_year)
    for n, line in enumerate(f.components, 1):
        yield _funding_row(project, "budget_year_component", n, project.year, line.label,
                           line.amount)
    if f.multi_year:
        m = f.multi_year
        yield _funding_row(project, "multi_year_total", 1, (m.start, m.end),
                           schema.field_heading("funding.multi_year.total"), m.total)
    if f.previous_year:
        p = f.previous_year
        yield _funding_row(project, "previous_year_total", 1, p.year,
                           schema.field_heading("funding.previous_year"), p.amount)
        for n, line in enumerate(p.components, 1):
            yield _funding_row(project, "previous_year_component", n, p.year, line.label,
                               line.amount)


def _funding_row(project: Project, kind: str, line: int, year: int | tuple[int, int],
                 label: Text, money: Money) -> Row:
    """`year`: the year the amount is for, or the first and last years of a period."""
    start, end = year if isinstance(year, tuple) else (year, year)
    return {"project_id": project.key, "kind": kind, "line": line,
            "district": project.district.slug, "year": project.year,
            "fiscal_year": start if start == end else None,
            "period_start": start, "period_end": end,
            **both("label", label), "amount_yuan": amount(money.yuan),
            "amount_as_written": money.value, "unit_as_written": money.unit}


def scorecard_row(score: scorecard.ProjectScore) -> Row:
    p = score.project
    row: Row = {"project_id": p.key, "district": p.district.slug, "year": p.year,
                "unit_code": p.unit.code, "score": score.score, "complete": score.complete}
    for r in score.results:
        key = r.criterion.key
        if r.criterion.scored:
            row[f"{key}_earned"] = _fraction(r.earned)
        row.update({f"{key}_met": r.met, f"{key}_of": r.of, f"{key}_status": r.status,
                    f"{key}_missing": " ".join(flag.ref for flag in r.flags)})
    return row


@dataclass(frozen=True)
class ProjectData:
    """What the open data holds of one project, as text only (at 10,000 projects the
    rows themselves would take hundreds of megabytes): its CSV lines per table, its
    entry of projects.json, and its own JSON file."""

    csv: dict[str, str]
    listed: str
    json: bytes
    # Each indicator's line of indicators.csv, in the table's order: the explorer's
    # CSV parts are these lines, by category and year.
    indicator_lines: tuple[str, ...] = ()
    # And its row of the explorer's JSON parts (explorer_line), which they are made of.
    explorer_lines: tuple[str, ...] = ()


def project_data(site: Site, project: Project) -> ProjectData:
    row = project_row(site, project)
    indicators = tuple(indicator_row(site, project, n, i)
                       for n, i in enumerate(project.indicators, 1))
    funding = tuple(funding_rows(project))
    lines = tuple(csv_body(INDICATORS, [indicator]) for indicator in indicators)
    csvs = {PROJECTS.name: csv_body(PROJECTS, [row]),
            INDICATORS.name: "".join(lines),
            FUNDING.name: csv_body(FUNDING, funding),
            # (A project's score is its own: the site's scorecard scores each alone,
            # and keeps the scores it made in site.scores.)
            SCORECARD.name: csv_body(SCORECARD, [scorecard_row(
                scorecard.known_score(project, site.scores))])}
    return ProjectData(csvs, json_text(_typed([row])[0], 1),
                       json_bytes(project_json(site, project)), lines,
                       tuple(explorer_line(n, i) for n, i in enumerate(project.indicators, 1)))


# Below this many projects to make data for, worker processes cost more than they save.
PARALLEL_MIN_PROJECTS = 200


def project_data_cached(site: Site, cache: Cache) -> dict[str, ProjectData]:
    """Each project's data, made again only when the project, its history or the
    site's address changed; over all cores when there are many."""
    stamp = Stamper()
    shared = digest(site.urls.base_url, site.urls.base_path)
    keys = [digest(shared, stamp(project), stamp(_history(site, project)))
            for project in site.projects]
    known = cache.table("data")
    todo = [project for project, key in zip(site.projects, keys) if key not in known]
    fresh = dict(zip((p.key for p in todo), forked_map(
        lambda project: project_data(site, project), todo, at_least=PARALLEL_MIN_PROJECTS,
        batch=50)))
    made, kept = {}, {}
    for project, key in zip(site.projects, keys):
        made[project.key] = kept[key] = known.get(key) or fresh[project.key]
    cache.keep("data", kept)
    return made


def _fraction(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, ROUND_HALF_UP)


# Project JSON --------------------------------------------------------------

def text_json(text: Text | None) -> dict | None:
    return {"zh": text.zh, "en": text.en} if text is not None else None


def money_json(money: Money | None) -> dict | None:
    if money is None:
        return None
    return {"value": money.value, "unit": money.unit, "yuan": Decimal(amount(money.yuan))}


def lines_json(lines) -> list[dict]:
    return [{"label": text_json(line.label), "amount": money_json(line.amount)} for line in lines]


def funding_json(project: Project) -> dict:
    f = project.funding
    return {
        "budget_year": money_json(f.budget_year),
        "budget_year_summed": f.summed,
        "multi_year": {"start": f.multi_year.start, "end": f.multi_year.end,
                       "total": money_json(f.multi_year.total)} if f.multi_year else None,
        "components": lines_json(f.components),
        "previous_year": {"year": f.previous_year.year,
                          "amount": money_json(f.previous_year.amount),
                          "components": lines_json(f.previous_year.components),
                          "label": text_json(f.previous_year.label),
                          "quote": text_json(f.previous_year.quote),
                          "section": f.previous_year.section, "derived": True}
        if f.previous_year else None,
        "note": text_json(f.note),
    }


def unit_json(project: Project) -> dict:
    u = project.unit
    return {"name": text_json(u.name), "code": u.code, "code_kind": u.code_kind,
            "address": text_json(u.address), "phone": u.phone,
            "legal_representative": text_json(u.legal_representative),
            "source_of_funds": text_json(u.source_of_funds), "overview": text_json(u.overview),
            "duties": [text_json(d) for d in u.duties], "code_label_as_written": u.code_label}


def indicator_json(site: Site, project: Project, i: Indicator) -> dict:
    return {
        "id": i.id, "level1": i.level1, "level2": i.level2, "name": text_json(i.name),
        "operator": i.operator,
        "value": i.value if isinstance(i.value, Decimal) else text_json(i.value),
        "unit": i.unit, "type": i.type, "points": i.weight, "scoring": text_json(i.scoring),
        "content": text_json(i.content), "source": text_json(i.source),
        "as_written": {"level1": i.as_written.level1, "level2": i.as_written.level2,
                       "operator": i.operator_as_written},
        "points_derived_from": "scoring",
        "urls": {lang: site.urls.absolute(Urls.project(lang, project)) + "#" + i.anchor
                 for lang in LANGS},
    }


def history_json(history: ProjectHistory | None) -> dict | None:
    if history is None:
        return None
    return {"first_published": history.first_published.timestamp,
            "last_changed": history.last_changed.timestamp,
            "uncommitted_changes": history.modified,
            "changes": [{"commit": c.commit, "date": c.timestamp,
                         "items": [text_json(item) for item in c.items]}
                        for c in history.changes]}


def project_json(site: Site, project: Project) -> dict:
    return {
        "id": project.key, "year": project.year,
        "district": {"slug": project.district.slug, "code": project.district.code,
                     "name": text_json(project.district.name)},
        "urls": {lang: site.urls.absolute(Urls.project(lang, project)) for lang in LANGS},
        "department": text_json(project.department), "heading": text_json(project.heading),
        "name": text_json(project.name), "basis": text_json(project.basis),
        "unit": unit_json(project), "funding": funding_json(project),
        "targets": {"overall": {"start": project.targets.overall.start,
                                "end": project.targets.overall.end,
                                "text": text_json(project.targets.overall.text)}
                    if project.targets.overall else None,
                    "budget_year": text_json(project.targets.budget_year),
                    "table_note": text_json(project.targets.table_note)},
        "period": text_json(project.period),
        "indicator_table": "included" if project.indicators else "elsewhere",
        "indicators": [indicator_json(site, project, i) for i in project.indicators],
        "narrative": {lang: [{"id": s.id, "title": s.title, "html": s.html} for s in sections]
                      for lang, sections in sorted(project.narrative.items())},
        "history": history_json(_history(site, project)),
        "source": source_json(site, project),
        "corrections": [{"date": c.date, "text": text_json(c.text)} for c in project.corrections],
    }


def source_json(site: Site, project: Project) -> dict | None:
    source = project.source
    if source is None:
        return None
    original = source.original
    return {"title": text_json(source.title), "issuer": text_json(source.issuer),
            "published": source.published, "url": source.url, "retrieved": source.retrieved,
            "original": {"name": original.name, "url": site.urls.absolute(Urls.original(project)),
                         "bytes": original.size, "sha256": original.sha256,
                         "pages": list(source.pages)}
            if original else None}


# The package ---------------------------------------------------------------

def resource(table: Table, data: bytes) -> dict:
    schema: dict[str, Any] = {"fields": [c.field() for c in table.columns],
                              "missingValues": [""], "primaryKey": list(table.primary_key)}
    if table.references_projects:
        schema["foreignKeys"] = [{"fields": ["project_id"],
                                  "reference": {"resource": "projects", "fields": ["id"]}}]
    return {"name": table.name, "path": table.path, "profile": "tabular-data-resource",
            "title": f"{table.title.zh} / {table.title.en}", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": schema}


# The documents are government information disclosed under the Regulations on Open
# Government Information; the government granted no named licence, so none is claimed.
LICENSE = {"name": "other-open",
           "title": "依据《中华人民共和国政府信息公开条例》公开的政府信息，转载请注明出处 / "
                    "Government information disclosed under the Regulations on Open "
                    "Government Information; reuse with attribution"}


def datapackage(site: Site, csvs: dict[str, bytes]) -> dict:
    config = site.content.config
    return {
        "profile": "tabular-data-package", "name": "budget-project-disclosures",
        "title": f"{config.title.zh} / {config.title.get('en')}",
        "description": f"{config.description.zh} / {config.description.get('en')} "
                       "数据转录自各部门依法公开的预算项目文件，以官方公开文件为准；"
                       "金额单位为元；CSV 文件为带 BOM 的 UTF-8 编码。 / Transcribed from the "
                       "budget project documents the departments disclosed officially; the "
                       "official disclosures are the authoritative source. Amounts are in CNY "
                       "(元); CSV files are UTF-8 with a byte-order mark.",
        "homepage": site.urls.absolute(Urls.home("zh")),
        **release(site),
        "licenses": [LICENSE],
        "sources": sources(site),
        "resources": [resource(t, csvs[t.path]) for t in TABLES],
    }


def sources(site: Site) -> list[dict]:
    """The departments whose disclosures the data reproduce, once each."""
    departments = {p.department.zh: p.department for p in site.projects}
    return [{"title": f"{text.zh} / {text.get('en')}" if text.en else text.zh}
            for _, text in sorted(departments.items())]


def release(site: Site) -> dict:
    """`version` and `created` from the newest commit of the project sources, never from
    the clock; nothing when some project is not committed as built (no commit holds
    what the files show)."""
    history = site.history
    if not history or len(history) < len(site.projects) \
            or any(h.modified for h in history.values()):
        return {}
    newest = max((h.last_changed for h in history.values()),
                 key=lambda c: (c.moment, c.commit))
    day = newest.moment.date()
    # Semantic-versioning form, as the Data Package spec asks: date, then the commit.
    return {"version": f"{day.year}.{day.month}.{day.day}+{newest.short}",
            "created": newest.timestamp}


def files(site: Site, made: dict[str, ProjectData], project_files: bool = True
          ) -> dict[str, bytes]:
    """Every file under /data/, by its path in the output folder, from each project's
    data (`made`: project_data_cached, or in a merge as the shards made it). A merge
    writes no project's own file (`project_files`): its shard wrote it."""
    parts = [made[p.key] for p in site.projects]
    csvs = {t.path: csv_bytes(t, [], "".join(part.csv[t.name] for part in parts))
            for t in TABLES}
    out = {Urls.data(name): data for name, data in csvs.items()}
    # projects.json is the list of the projects' entries, as json_text writes a list.
    listed = "[" + ",".join("\n  " + part.listed for part in parts) + "\n]" if parts else "[]"
    out[Urls.data("projects.json")] = (listed + "\n").encode("utf-8")
    out[Urls.data("datapackage.json")] = json_bytes(datapackage(site, csvs))
    if project_files:
        out.update({Urls.project_data(p): made[p.key].json for p in site.projects})
    return out


def _typed(rows: list[Row]) -> list[Row]:
    """projects.json: the rows of projects.csv, with numbers as JSON numbers."""
    numbers = {c.name for c in PROJECTS.columns if c.type == "number"}
    return [{k: Decimal(v) if k in numbers and isinstance(v, str) else v for k, v in row.items()}
            for row in rows]
