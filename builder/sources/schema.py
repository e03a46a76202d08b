"""The shape of the source files, declared once.

The same declarations check loaded YAML (reporting every problem with its
field path) and produce the JSON Schema that editors use to autocomplete.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterator

from builder.core import messages
from builder.core.glossary import CODE_LABELS, INDICATOR_TYPES, LEVEL1, LEVEL2, OPERATORS
from builder.core.model import MONEY_UNITS, Text
from builder.sources.load import PLAIN_NUMBER
from builder.sources.narrative import SECTION_IDS

Report = Callable[[tuple, str, str], None]  # (path, message, code of core.codes)
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# The anchor of a field shown in its indicator's own row (each row has its own id).
INDICATOR_ROW = "#indicator"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def left_out(value: Any) -> bool:
    """An optional field given no value (nothing, blank text, {} or []): as if absent."""
    return is_empty(value) or value in ({}, [])


def is_blank_text(value: Any) -> bool:
    """A bilingual text written out with nothing in it (`zh:` and `en:` both empty),
    as the scaffold leaves it: as empty as a field with no value at all."""
    return isinstance(value, dict) and all(is_empty(v) for v in value.values())


class Kind:
    description = ""

    def check(self, value: Any, path: tuple, report: Report) -> bool:
        raise NotImplementedError

    def json(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Kind):
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 20_000
    hint: str = ""

    def check(self, value, path, report):
        if not isinstance(value, str):
            report(path, f"should be text{self._hint()}, not {describe(value)}"
                         + (" (put it in quotes)" if _is_number(value) else ""),
                   "schema.type")
            return False
        if self.choices and value not in self.choices:
            report(path, f"{value!r} is not one of: {', '.join(self.choices)}",
                   "schema.choice")
            return False
        if self.pattern and not re.fullmatch(self.pattern, value):
            report(path, f"{value!r} is not valid{self._hint()}", "schema.pattern")
            return False
        if len(value) > self.max_length:
            report(path, f"is {len(value):,} characters long; at most {self.max_length:,} allowed",
                   "schema.too-long")
            return False
        return True

    def _hint(self) -> str:
        return f" ({self.hint})" if self.hint else ""

    def json(self):
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.pattern:
            # JSON Schema patterns match anywhere; the checker uses fullmatch.
            schema["pattern"] = f"^(?:{self.pattern.removeprefix('^').removesuffix('$')})$"
        return schema


@dataclass(frozen=True)
class Integer(Kind):
    minimum: int = 0
    maximum: int = 10**9

    def check(self, value, path, report):
        if not isinstance(value, int) or isinstance(value, bool):
            report(path, f"should be a whole number, not {describe(value)}", "schema.type")
            return False
        if not self.minimum <= value <= self.maximum:
            report(path, f"{value} is out of range ({self.minimum}–{self.maximum})",
                   "schema.range")
            return False
        return True

    def json(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


# Larger figures are typing mistakes, and they would overflow the 28 digits
# that decimal arithmetic keeps when amounts are rounded for display.
LARGEST = Decimal(10) ** 15


@dataclass(frozen=True)
class Number(Kind):
    """A non-negative decimal number, at most `maximum`."""

    maximum: Decimal = LARGEST

    def check(self, value, path, report):
        value = quoted_number(value)
        if not _is_number(value):
            report(path, f"should be a number, not {describe(value)}", "schema.type")
            return False
        if value < 0:
            report(path, f"{value} is negative", "schema.range")
            return False
        if negative_zero(value):
            report(path, NEGATIVE_ZERO.format(value=value), "schema.range")
            return False
        if value > self.maximum:
            report(path, f"{value} is too large: at most {self.maximum:,} allowed",
                   "schema.range")
            return False
        return True

    def json(self):
        return {"type": "number", "minimum": 0, "maximum": int(self.maximum)}


def negative_zero(value: Any) -> bool:
    """-0.00: not below zero, yet the page would print "-0.00元"."""
    return isinstance(value, Decimal) and value.is_zero() and value.is_signed()


NEGATIVE_ZERO = "{value} is a negative zero, which would be shown with its minus sign; write 0"


def quoted_number(value: Any) -> Any:
    """A number given in quotes ("7968243.98") as the Decimal it spells, when it is
    written as a plain decimal (the loader's rule); any other value as it is."""
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    return value


def _cents(value: Any, unit: str, path: tuple, report: Report) -> bool:
    """An amount is exact to the fen (0.01元): more decimal places than that would be
    shown rounded on the page and exact in the data, two different figures."""
    places = max(0, -Decimal(quoted_number(value)).as_tuple().exponent)
    allowed = 2 + len(str(MONEY_UNITS[unit])) - 1  # 万元: 6 places, 亿元: 10
    if places > allowed:
        report(path, f"{value} has {places} decimal places; an amount in {unit} has at "
                     f"most {allowed} (to the fen); write it as the document does",
               "schema.decimals")
        return False
    return True


@dataclass(frozen=True)
class Amount(Kind):
    """A sum of money: a number in 元, or {value, unit} in 万元 or 亿元."""

    def check(self, value, path, report):
        if isinstance(value, dict):
            return AMOUNT_WITH_UNIT.check(value, path, report) and \
                _cents(value["value"], value["unit"], path + ("value",), report)
        if not _is_number(quoted_number(value)):
            report(path, f"should be an amount in 元 (a number such as 7968243.98, without "
                         f"commas), not {describe(value)}{_amount_fix(value)}", "schema.type")
            return False
        return Number().check(value, path, report) and _cents(value, "元", path, report)

    def json(self):
        return {"oneOf": [Number().json(), AMOUNT_WITH_UNIT.json()],
                "description": "amount in 元, or {value, unit} when the document uses 万元/亿元"}


@dataclass(frozen=True)
class BiText(Kind):
    """A free text: {zh, en}, or a plain string meaning Chinese only."""

    max_length: int = 20_000

    def check(self, value, path, report):
        if isinstance(value, str):
            return Str(max_length=self.max_length).check(value, path, report)
        if not isinstance(value, dict):
            report(path, f"should be a text with zh: and en:, not {describe(value)}",
                   "schema.type")
            return False
        return Record({"zh": Field(Str(max_length=self.max_length), doc="中文"),
                       "en": Field(Str(max_length=self.max_length), required=False,
                                   doc="English")}).check(value, path, report)

    def json(self):
        text = {"type": "string", "maxLength": self.max_length}
        return {"oneOf": [text, {"type": "object", "additionalProperties": False,
                                 "required": ["zh"],
                                 "properties": {"zh": text, "en": {"type": ["string", "null"],
                                                                   "maxLength": self.max_length}}}]}


@dataclass(frozen=True)
class Value(Kind):
    """An indicator's target value: a number, or a text (dates, 实际发生数)."""

    def check(self, value, path, report):
        if negative_zero(quoted_number(value)):  # in quotes too: it is shown as written
            report(path, NEGATIVE_ZERO.format(value=value), "schema.range")
            return False
        if _is_number(value):
            if abs(value) <= LARGEST:
                return True
            report(path, f"{value} is too large: at most {LARGEST:,} allowed",
                   "schema.range")
            return False
        return BiText(max_length=500).check(value, path, report)

    def json(self):
        return {"oneOf": [{"type": "number"}, BiText(max_length=500).json()]}


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind
    max_items: int = 500

    def check(self, value, path, report):
        if not isinstance(value, list):
            report(path, f"should be a list (lines starting with '- '), not {describe(value)}",
                   "schema.type")
            return False
        if len(value) > self.max_items:
            report(path, f"has {len(value)} entries; at most {self.max_items} allowed",
                   "schema.too-long")
            return False
        results = [self.item.check(entry, path + (i,), report) for i, entry in enumerate(value)]
        return all(results)

    def json(self):
        return {"type": "array", "items": self.item.json(), "maxItems": self.max_items}


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = True
    doc: str = ""
    zh: str = ""  # what goes here, in Chinese: for the scaffold's comments and editors
    # What a reader calls the field, in glossary terms: the scorecard, the importer's card
    # and the open data's descriptions take it from here. None in a list's entry: the
    # field is the entry itself (a correction's text).
    label: Text | None = None
    anchor: str | None = None  # the id on the project page that shows it; None: its group's
    column: str | None = None  # its own open-data column (free text: column_zh, column_en)
    item: Text | None = None   # a list: what one entry is called, {0} its number from 1
    # Optional, but a new project's scaffold writes it out to be filled, since most
    # documents state it (the budget-year amount: left out only where its parts are listed).
    shown: bool = False

    @property
    def description(self) -> str:
        """Chinese, then English (the doc without the Chinese term it may start with)."""
        english = re.sub(r"^[^\x00-\x7f]+[,:] ", "", self.doc)
        return f"{self.zh} · {english}" if self.zh else self.doc


@dataclass(frozen=True)
class Record(Kind):
    fields: dict[str, Field] = field(default_factory=dict)

    def check(self, value, path, report):
        if not isinstance(value, dict):
            report(path, f"should be a group of fields, not {describe(value)}",
                   "schema.type")
            return False
        ok = True
        for name in value:
            if name not in self.fields:
                report(path + (name,), f"unknown field {name!r}; expected one of: "
                                       f"{', '.join(self.fields)}", "schema.unknown-field")
                ok = False
        for name, spec in self.fields.items():
            ok = self._check_field(value, name, spec, path, report) and ok
        return ok

    def _check_field(self, value, name, spec, path, report) -> bool:
        if name not in value:
            if spec.required:
                # Named by its own path; the line is that of the group it belongs in.
                report(path + (name,), f"missing field {name!r} ({spec.doc})",
                       "schema.required")
            return not spec.required
        if left_out(value[name]):
            if spec.required:
                report(path + (name,), f"is still empty: fill in {spec.doc}",
                       "schema.empty")
                return False
            return True
        if isinstance(spec.kind, (BiText, Value)) and is_blank_text(value[name]):
            report(path + (name,), f"is still empty: fill in {spec.doc}"
                                   + ("" if spec.required else ", or delete the field"),
                   "schema.empty")
            return False
        return spec.kind.check(value[name], path + (name,), report)

    def json(self):
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [n for n, f in self.fields.items() if f.required],
            "properties": {n: {**f.kind.json(), "description": f.description}
                           for n, f in self.fields.items()},
        }


AMOUNT_WITH_ITS_UNIT = re.compile(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(元|万元|亿元)\s*")


def _amount_fix(value: Any) -> str:
    """How to write an amount given as text with its unit: '796.82万元' is
    {value: 796.82, unit: 万元}; '7,968,243.98元' is 7968243.98."""
    found = AMOUNT_WITH_ITS_UNIT.fullmatch(value) if isinstance(value, str) else None
    if not found:
        return ""
    number, unit = found[1].replace(",", ""), found[2]
    return f"; write {number}" if unit == "元" else f"; write {{value: {number}, unit: {unit}}}"


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if _is_number(value):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    return "a group of fields"


AMOUNT_WITH_UNIT = Record({
    "value": Field(Number(), doc="the figure as written"),
    "unit": Field(Str(choices=tuple(MONEY_UNITS)), doc="元, 万元 or 亿元"),
})
YEAR = Integer(1949, 2100)
CODE = Str(pattern=r"[0-9A-Z]{18}|[0-9A-Z]{8}[0-9X]",
           hint="an 18-character USCI or a 9-character organization code, capital letters")

DATE = Str(pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}", max_length=10, hint="a date such as 2025-01-20")
# The original document kept beside project.yaml: a plain file name, in a format as published.
ORIGINAL_KINDS = ("txt", "pdf", "docx", "doc", "xlsx", "xls", "ofd", "html")
ORIGINAL_FILE = Str(pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:" + "|".join(ORIGINAL_KINDS) + ")",
                    max_length=100, hint="a file name in the project folder such as original.pdf")

SOURCE = Record({
    "title": Field(BiText(300), required=False, doc="the document's title as published",
                   zh="文件发布时的标题", column="source_title",
                   label=Text("文件发布时的标题", "the document's title as published")),
    "issuer": Field(BiText(200), required=False, doc="the body that issued the document",
                    zh="发布机关", label=Text("发布机关", "issuing body"),
                    column="source_issuer"),
    "published": Field(DATE, required=False, doc="the publication date, as the site of "
                                                 "publication gives it",
                       zh="发布日期，如 2025-01-20（不知道就不写）",
                       label=Text("发布日期", "publication date"), column="source_published"),
    "url": Field(Str(pattern=r"https?://\S+", max_length=2000, hint="a web address"),
                 required=False, doc="the official address of the document",
                 zh="官方发布网址（不知道就不写）", column="source_url",
                 label=Text("官方发布网址", "official address of the document")),
    "retrieved": Field(DATE, required=False, doc="the date the document was retrieved from "
                                                 "that address", zh="下载日期",
                       label=Text("从官方网址获取的日期", "date retrieved from that address"),
                       column="source_retrieved"),
    "file": Field(ORIGINAL_FILE, required=False, doc="the original file, as published, kept "
                                                     "in the project folder",
                  zh="原始文件：放在项目文件夹里的官方文件（如 original.pdf），不作改动",
                  label=Text("原始文件", "original file")),
    "pages": Field(ListOf(Integer(1, 100_000), 1000), required=False,
                   doc="the pages of the original file the disclosure is on",
                   zh="本项目在原始文件中的页码（如 [23]）",
                   label=Text("原始文件中的页码", "pages of the original file"),
                   item=Text("第{0}个页码", "page number {0}")),
})

AS_WRITTEN = Record({
    "level1": Field(Str(max_length=40), required=False, doc="一级指标 as the document writes "
                    "it, where it differs from the glossary's name", zh="文件中一级指标的原文写法",
                    label=Text("一级指标的原文写法", "level-1 indicator as written")),
    "level2": Field(Str(max_length=40), required=False, doc="二级指标 as the document writes "
                    "it, e.g. 社会效益", zh="文件中二级指标的原文写法，如“社会效益”",
                    label=Text("二级指标的原文写法", "level-2 indicator as written")),
    "operator": Field(Str(max_length=20), required=False, doc="指标性质 as the document writes "
                      "it, where it is not one of the keys (e.g. 大于等于, ≥)",
                      zh="文件中指标性质的原文写法（文件写“≥”“大于等于”等时才填）",
                      label=Text("指标性质的原文写法", "comparator as written")),
})

FUNDING_LINE = Record({
    "label": Field(BiText(500), doc="what this part of the money is for",
                   zh="这部分资金的用途，照文件原文", label=Text("名称", "label")),
    "amount": Field(Amount(), doc="the amount in 元",
                    zh="金额（元），不写千分位逗号；文件用万元时写 {value: 550, unit: 万元}",
                    label=Text("金额", "amount")),
})

PROJECT = Record({
    "district": Field(Str(pattern=SLUG, hint="a district key such as wuhua"),
                      doc="the district key from districts.yaml",
                      zh="区县：content/districts.yaml 里的拼音键，如 wuhua",
                      label=Text("区县", "district")),
    "year": Field(YEAR, doc="the budget year, e.g. 2025",
                  zh="预算年度，如 2025；须与文件夹名一致",
                  label=Text("预算年度", "budget year"), column="year"),
    "department": Field(BiText(200), doc="the disclosing body at the top of the document",
                        zh="公开单位：文件最上方的单位名称",
                        label=Text("公开部门", "disclosing body"), column="department"),
    "heading": Field(BiText(300), doc="the document's title line",
                     zh="文件标题行，如“2025年预算重点领域财政项目”",
                     label=Text("文件标题", "document title")),
    "name": Field(BiText(300), doc="项目名称, the project name", zh="项目名称",
                  label=Text("项目名称", "project name"), anchor="title", column="name"),
    "basis": Field(BiText(), doc="立项依据, the basis for project approval", zh="立项依据",
                   label=Text("立项依据", "basis for project approval"), anchor="basis"),
    "unit": Field(Record({
        "name": Field(BiText(200), doc="单位名称, the implementing unit's name", zh="单位名称",
                      label=Text("单位名称", "unit name"), column="unit_name"),
        "code": Field(CODE, doc="统一社会信用代码 or 组织机构代码, the USCI (18 characters) "
                          "or organization code (9)",
                      zh="统一社会信用代码（18位）或组织机构代码（9位），加英文引号",
                      label=Text("统一社会信用代码或组织机构代码",
                                 "Unified Social Credit Identifier or organization code"),
                      column="unit_code", required=False),
        "address": Field(BiText(300), doc="地址, the address", zh="地址",
                         label=Text("地址", "address"), required=False),
        "phone": Field(Str(max_length=100, hint="put the number in quotes"),
                       doc="联系电话, the telephone number", zh="联系电话，加英文引号",
                       label=Text("联系电话", "telephone"), required=False),
        "legal_representative": Field(BiText(100), doc="法人代表, the legal representative",
                                      zh="法人代表",
                                      label=Text("法人代表", "legal representative"),
                                      required=False),
        "source_of_funds": Field(BiText(200), doc="经费来源, the source of funds", zh="经费来源",
                                 label=Text("经费来源", "source of funds"),
                                 column="source_of_funds", required=False),
        "overview": Field(BiText(), doc="单位概况, about the unit", zh="单位概况",
                          label=Text("单位概况", "about the unit"), required=False),
        "duties": Field(ListOf(BiText(2000), 100), required=False,
                        doc="主要职责任务, the main duties, one per entry",
                        zh="主要职责任务，每条一项，去掉序号",
                        label=Text("主要职责任务", "main duties"),
                        item=Text("第{0}项主要职责任务", "main duty {0}")),
        "code_label": Field(Str(choices=tuple(label.zh for label in CODE_LABELS.values())),
                            required=False, doc="the label the document gives the code, "
                            "where it is not that of the code's kind",
                            zh="文件给代码的标签与代码种类不符时照原文填写，如 18 位代码标为“组织机构代码”",
                            label=Text("文件给代码的标签（与代码种类不符时）",
                                       "the label the document gives the code, where it is "
                                       "not that of the code's kind"),
                            column="unit_code_label_as_written"),
    }), doc="项目实施单位, the implementing unit", zh="项目实施单位",
        label=Text("项目实施单位", "implementing unit"), anchor="unit"),
    "funding": Field(Record({
        "budget_year": Field(Amount(), required=False, shown=True,
                             doc="the budget-year amount in 元 (where the document states "
                                 "only its parts, leave it out and list them as components: "
                                 "the site shows their sum, marked as worked out by it)",
                             zh="预算年度安排的资金（元），照“资金安排情况”；文件只列分项、"
                                "未写合计时不填，列出各分项，网站显示其合计并注明为计算所得",
                             label=Text("预算年度资金", "budget-year amount")),
        "multi_year": Field(Record({
            "start": Field(YEAR, doc="first year of the period", zh="起始年份",
                           label=Text("多年度资金期间起始年", "first year of the multi-year period"),
                           column="multi_year_start"),
            "end": Field(YEAR, doc="last year of the period", zh="结束年份",
                         label=Text("多年度资金期间结束年", "last year of the multi-year period"),
                         column="multi_year_end"),
            "total": Field(Amount(), doc="the total over the period in 元", zh="期间总额（元）",
                           label=Text("多年度资金总额", "multi-year total")),
        }), required=False, doc="the multi-year period and its total, where stated",
            zh="多年期项目的起止年份和总额（文件写明时才填）",
            label=Text("多年度资金", "multi-year funding")),
        "components": Field(ListOf(FUNDING_LINE, 200), required=False,
                            doc="parts of the budget-year amount",
                            zh="预算年度资金的组成部分（“其中”后列出的各项），合计须等于总额",
                            label=Text("预算年度资金构成", "budget-year components"),
                            item=Text("第{0}项预算年度资金构成", "budget-year component {0}")),
        "previous_year": Field(Record({
            "year": Field(YEAR, doc="the year of the actual spending", zh="上年年份",
                          label=Text("上年实际支出的年度", "year of last year's actual spending"),
                          column="previous_year"),
            "amount": Field(Amount(), doc="what was actually spent, in 元", zh="实际支出（元）",
                            label=Text("上年数字", "last year's figure")),
            "components": Field(ListOf(FUNDING_LINE, 200), required=False,
                                doc="parts of last year's spending",
                                zh="上年支出的组成部分，合计须等于实际支出",
                                label=Text("上年实际支出构成",
                                           "components of last year's spending"),
                                item=Text("第{0}项上年实际支出构成",
                                          "component {0} of last year's spending")),
            "label": Field(BiText(300), required=False,
                           doc="what the document calls the figure",
                           zh="文件对这个数字的说法，如“累计支付医疗救助费用”",
                           label=Text("文件对上年数字的说法",
                                      "what the document calls last year's figure"),
                           column="previous_year_label"),
            "quote": Field(BiText(2000), required=False,
                           doc="the sentence of the narrative the figure is taken from",
                           zh="数字所在的原句",
                           label=Text("上年数字的原句",
                                      "the sentence last year's figure comes from")),
            "section": Field(Str(choices=SECTION_IDS), required=False,
                             doc="the narrative section that sentence is in",
                             zh="原句所在的说明部分，如 results（项目实施成效）",
                             label=Text("原句所在的说明部分", "narrative section of that sentence")),
        }), required=False, doc="last year's actual spending",
            zh="上年实际支出（“项目实施成效”中写明时才填）",
            label=Text("上年实际支出", "last year's actual spending")),
        "note": Field(BiText(2000), required=False, doc="where the money comes from",
                      zh="资金从哪里列支，照文件原文",
                      label=Text("资金列支说明", "note on where the money comes from")),
    }), doc="the money", zh="资金", label=Text("资金", "funding"), anchor="funding"),
    "targets": Field(Record({
        "overall": Field(Record({
            "start": Field(YEAR, doc="first year of the overall objective",
                           zh="总体目标的起始年份",
                           label=Text("总体目标的起始年份", "first year of the overall objective")),
            "end": Field(YEAR, doc="last year of the overall objective", zh="总体目标的结束年份",
                         label=Text("总体目标的结束年份", "last year of the overall objective")),
            "text": Field(BiText(), doc="总体目标, the overall objective", zh="总体目标的内容",
                          label=Text("总体目标", "overall objective")),
        }), doc="总体目标, the overall (multi-year) objective", zh="总体目标（如 2025年-2027年）",
            label=Text("总体目标及其期间", "overall objective and its period"),
            anchor="overall-target", required=False),
        "budget_year": Field(BiText(), doc="预算年度目标, the budget-year target",
                             zh="预算年度目标", label=Text("预算年度目标", "budget-year target"),
                             anchor="budget-year-target"),
        "table_note": Field(BiText(500), required=False,
                            doc="where the document says its performance target table is, "
                                "when it does not include it, as written",
                            zh="文件不含项目绩效目标表时，文件指明其出处的原句，如“详见单位的项目绩效目标表”",
                            label=Text("文件关于绩效目标表出处的说明",
                                       "where the document says the indicator table is"),
                            anchor="indicators-caption", column="indicator_table_note"),
    }), doc="项目目标, the targets", zh="项目目标", label=Text("项目目标", "targets"),
        anchor="targets"),
    "continues": Field(Str(pattern=r"[a-z0-9]+(-[a-z0-9]+)*/[0-9]{4}/[a-z0-9]+(-[a-z0-9]+)*",
                           max_length=200, hint="district/year/slug of last year's project"),
                       required=False,
                       doc="the project this one continues: last year's project of the same "
                           "programme, as district/year/slug (e.g. wuhua/2024/medical-assistance)",
                       zh="延续的上年项目：同一实施单位上一年度的同一项目，写 区县/年度/项目简称，"
                          "如 wuhua/2024/medical-assistance；`import` 找到同名项目时会自动填写",
                       label=Text("延续的上年项目", "last year's project this one continues"),
                       anchor="programme-links-title"),
    "indicators": Field(ListOf(Record({
        "id": Field(Str(pattern=SLUG, max_length=60,
                        hint="lowercase letters, digits and hyphens"),
                    doc="a short stable id for the row's link",
                    zh="这一行的链接名：小写英文字母、数字和连字符，项目内不重复，发布后不要再改",
                    label=Text("指标标识（项目内唯一）",
                               "indicator identifier, unique in its project"),
                    column="indicator_id"),
        "level1": Field(Str(choices=tuple(LEVEL1)), doc="一级指标, the level-1 indicator: "
                                                        "output, benefit, satisfaction or cost",
                        zh="一级指标：output 产出、benefit 效益、satisfaction 满意度、cost 成本",
                        label=Text("一级指标", "level-1 indicator")),
        "level2": Field(Str(pattern=SLUG, max_length=40),
                        doc="二级指标, the level-2 indicator, e.g. quantity",
                        zh="二级指标，如 quantity 数量、quality 质量、timeliness 时效、"
                           "social 社会效益、recipient 服务对象满意度",
                        label=Text("二级指标", "level-2 indicator")),
        "name": Field(BiText(300), doc="三级指标, the indicator", zh="三级指标名称",
                      label=Text("名称", "name")),
        "operator": Field(Str(choices=tuple(OPERATORS)),
                          doc="指标性质, the comparator: =, >=, <=, > or <",
                          zh="指标性质：\"=\"、\">=\"（≥）、\"<=\"（≤）、\">\"、\"<\"，加英文引号",
                          label=Text("指标性质", "comparator")),
        "value": Field(Value(), doc="指标值, the target value",
                       zh="指标值：数字（如 95）或文字（如 实际发生数、2025年1月）",
                       label=Text("指标值", "target value")),
        "unit": Field(Str(max_length=20), required=False, doc="度量单位, as written in Chinese",
                      zh="度量单位，照文件写（人次、%、年月……）；文件没有就不写",
                      label=Text("度量单位", "unit of measure")),
        "type": Field(Str(choices=tuple(INDICATOR_TYPES)),
                      doc="指标属性: quantitative or qualitative",
                      zh="指标属性：quantitative 定量指标 或 qualitative 定性指标",
                      label=Text("指标属性", "indicator type")),
        "weight": Field(Number(Decimal(100)), doc="the points the scoring rule gives",
                        zh="分值：评分标准给这一项的分数，如“本项分值权重为20分”写 20",
                        label=Text("分值", "points")),
        "scoring": Field(BiText(2000), doc="评（扣）分标准, the scoring rule", zh="评（扣）分标准",
                         label=Text("评（扣）分标准", "scoring (deduction) rule"),
                         column="scoring"),
        "content": Field(BiText(2000), required=False, doc="指标内容, what it shows",
                         zh="指标内容（表中为空就不写）",
                         label=Text("指标内容", "what the indicator shows"), column="content"),
        "source": Field(BiText(2000), doc="指标值设定依据及数据来源, basis and data source",
                        zh="指标值设定依据及数据来源",
                        label=Text("指标值设定依据及数据来源",
                                   "basis for the target and data source"),
                        column="source"),
        "as_written": Field(AS_WRITTEN, required=False,
                            doc="the document's own wording where it differs from the keys",
                            zh="文件原文写法与上面的键不同时，照原文填写",
                            label=Text("原文写法", "wording as written")),
    }), 200), doc="the performance indicators, one per level-3 row",
        zh="绩效指标：绩效目标表中每个三级指标一项",
        label=Text("绩效指标", "performance indicators"), anchor=INDICATOR_ROW,
        item=Text("第{0}项指标", "indicator {0}"), required=False),
    "period": Field(BiText(200), required=False,
                    doc="实施周期, the implementation period, as the document writes it",
                    zh="实施周期，照文件原文（如 2025年1月1日-2025年12月31日）",
                    label=Text("实施周期", "implementation period"), anchor="summary",
                    column="period"),
    "source": Field(SOURCE, required=False, doc="where the document was published, and "
                    "the original file", zh="文件来源：标题、发布机关、日期、网址和原始文件",
                    label=Text("文件来源", "source"), anchor="source"),
    "corrections": Field(ListOf(Record({
        "date": Field(DATE, doc="the date of the correction", zh="更正日期，如 2025-03-01",
                      label=Text("日期", "date")),
        "text": Field(BiText(2000), doc="what was corrected, and why", zh="更正了什么、为什么"),
    }), 100), required=False, doc="corrections of the published page, shown at its top",
        zh="更正说明：每次更正一项，显示在页面顶部",
        label=Text("更正", "corrections"), anchor="corrections",
        item=Text("第{0}项更正", "correction {0}")),
})

DISTRICT = Record({
    "slug": Field(Str(pattern=SLUG, max_length=40), doc="the key used in URLs",
                  zh="网址中使用的键（拼音），如 wuhua"),
    "code": Field(Str(pattern=r"[0-9]{6}", hint="six digits, GB/T 2260"),
                  doc="the GB/T 2260 code", zh="GB/T 2260 行政区划代码"),
    "former_codes": Field(ListOf(Str(pattern=r"[0-9]{6}"), 10), required=False,
                          doc="codes the area had before", zh="该地区以前使用的代码"),
    "zh": Field(Str(max_length=100), doc="the Chinese name", zh="中文名称"),
    "en": Field(Str(max_length=100), doc="the English name", zh="英文名称"),
})

DISTRICTS = Record({
    "city": Field(Record({k: v for k, v in DISTRICT.fields.items() if k != "slug"}),
                  doc="the city the districts belong to", zh="各区县所属的市"),
    "districts": Field(ListOf(DISTRICT, 500), doc="the districts", zh="各区县"),
})

# The path the site is served under: folder names of URL-safe characters, each ending
# in '/'; '.' and '..' would climb out of it. The one rule for site.yaml and --base-path.
BASE_PATH = Str(pattern=r"/((?!\.\.?/)[A-Za-z0-9._~-]+/)*",
                hint="such as / or /budget/: letters, digits, . _ ~ -, no . or .. folders")


def base_path_problem(value: str) -> str | None:
    """Why `value` cannot be a base path (for --base-path), or None."""
    found: list[str] = []
    BASE_PATH.check(value, (), lambda path, message, code: found.append(message))
    return found[0] if found else None


# Where readers report a problem: one e-mail address (letters, digits and . _ + - before
# the @; no ? & , ; or spaces, which would add headers such as bcc= to the mailto: link
# every project page builds from it), or an https:// address (no # fragment: the link
# adds its own query).
CONTACT = (r"[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
           r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
           r"|https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[^\s#\"'<>\\]*)?")


SITE = Record({
    "title": Field(BiText(200), doc="the site title", zh="网站名称"),
    "description": Field(BiText(1000), doc="one sentence on what the site publishes",
                         zh="一句话说明网站公开什么"),
    "base_path": Field(BASE_PATH, required=False, doc="the path the site is served under",
                       zh="网站所在的路径"),
    "base_url": Field(Str(pattern=r"https?://[^\s/]+", hint="such as https://example.org"),
                      doc="scheme and host, for feeds and the sitemap",
                      zh="网站的协议和域名，供订阅源和站点地图使用"),
    "publisher": Field(BiText(300), doc="who publishes the site", zh="网站的发布单位"),
    "contact": Field(Str(pattern=CONTACT, max_length=500,
                         hint="an e-mail address such as budget@example.org, or an "
                              "https:// address"), required=False,
                     doc="where readers report a problem with a page",
                     zh="读者报告页面问题的联系方式"),
})


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of project.yaml, for editors."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "budgetsite project.yaml",
        **PROJECT.json(),
    }
    # Editors offer the level-2 keys that belong under the chosen level 1.
    schema["properties"]["indicators"]["items"]["allOf"] = [
        {"if": {"properties": {"level1": {"const": key}}, "required": ["level1"]},
         "then": {"properties": {"level2": {"enum": list(LEVEL2[key])}}}}
        for key in LEVEL1]
    return schema


def json_text() -> str:
    """The schema as written to schema/project.schema.json by `budgetsite schema`."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def field_at(path: str, record: Record = PROJECT) -> Field:
    """A field's declaration by its path, lists written with []: 'indicators[].scoring'."""
    kind: Kind = record
    for name in path.split("."):
        assert isinstance(kind, Record), path
        declared = kind.fields[name.removesuffix("[]")]
        kind = declared.kind.item if name.endswith("[]") else declared.kind
    return declared


def field_labels(record: Record = PROJECT) -> dict[str, tuple[Text, str | None]]:
    """Every field by its path ('unit.duties[]' for an entry, 'indicators[].name'): what a
    reader calls it and the id on the project page that shows it. A field in a list's
    entry is named after the entry (第{0}项指标的名称 / indicator {0}: name), so that a
    report can say which one; {0} is the entry's number."""
    return dict(_labels(record, "", None, None))


def _labels(record: Record, prefix: str, anchor: str | None, entry: Text | None
            ) -> Iterator[tuple[str, tuple[Text, str | None]]]:
    for name, declared in record.fields.items():
        path, where = prefix + name, declared.anchor or anchor
        yield path, (_in_entry(entry, declared.label), where)
        kind = declared.kind
        if isinstance(kind, ListOf) and declared.item is not None:
            yield path + "[]", (_in_entry(entry, declared.item), where)
            if isinstance(kind.item, Record):
                yield from _labels(kind.item, path + "[].", where, declared.item)
        elif isinstance(kind, Record):
            yield from _labels(kind, path + ".", where, entry)


def _in_entry(entry: Text | None, label: Text | None) -> Text:
    if entry is None or label is None:
        return entry or label
    return Text(f"{entry.zh}的{label.zh}", f"{entry.en}: {label.en}")


def field_heading(path: str) -> Text:
    """A field's name where it stands alone, as a row's or a list's label: capitalised."""
    label = field_at(path).label
    return Text(label.zh, label.en[:1].upper() + label.en[1:])


def _field_docs(kind, found: dict[str, str]) -> None:
    """Each field's description → its Chinese, for the problem messages that quote it."""
    if isinstance(kind, ListOf):
        _field_docs(kind.item, found)
    elif isinstance(kind, Record):
        for declared in kind.fields.values():
            if declared.zh:
                found.setdefault(declared.doc, declared.zh)
            _field_docs(declared.kind, found)


for _record in (PROJECT, DISTRICTS, SITE):
    _field_docs(_record, messages.FIELD_DOCS)
