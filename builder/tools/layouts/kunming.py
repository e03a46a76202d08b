"""The Kunming layout: one project per document, "预算重点领域财政项目".

The disclosing body and the title line, then labelled blocks (项目名称, 立项依据, the
unit card under 项目实施单位, the five narrative sections), then the 项目绩效目标表 with
its targets and one row per indicator (一级/二级 merged down the rows they head). As
text copied from the web page (see tests/fixtures/import/) the table's cells are
tab-indented lines, rows separated by empty lines, empty cells written 空; a Word file,
workbook, web page or PDF of the same form gives the same cells as a table, which is
first written out in that text form (`as_text`), each line keeping its place in the file.

Every value written comes from the document as written: what cannot be placed is
reported with its line number and the field is left empty for `check` to name.
Chinese only; English is left empty for the translators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from builder.core.errors import ConfigError, Problem
from builder.core.glossary import CODE_LABELS, INDICATOR_TYPES, LEVEL1, LEVEL2, points_in_rule
from builder.core.model import District
from builder.sources import narrative, schema
from builder.tools.layouts import Found, Hints, Note
from builder.tools.readers.document import Cell, Document as FileDocument, Paragraph, Place

NAME = "kunming"
TITLE = "Kunming: one project a document, with its 项目绩效目标表 (预算重点领域财政项目)"

LABELS = (*(schema.field_at(name).label.zh for name in ("name", "basis", "unit")),
          "项目绩效目标表", *(t.zh for t in narrative.SECTION_TITLES.values()))
SECTION_OF = {t.zh: sid for sid, t in narrative.SECTION_TITLES.items()}
# The unit card's lines by their label, as the fields of `unit` are declared; the code
# is labelled by its kind (and sometimes with the other kind's label: code_label).
UNIT = schema.field_at("unit").kind
CARD = {**{f.label.zh: name for name, f in UNIT.fields.items()
           if name not in ("code", "code_label")},
        **{label.zh: "code" for label in CODE_LABELS.values()}}
CARD_REQUIRED = tuple(name for name, f in UNIT.fields.items() if f.required)
TABLE_HEADERS = {"绩效指标", "评（扣）分标准", "评(扣)分标准", "指标内容", "绩效指标值设定依据及数据来源",
                 "指标值设定依据及数据来源", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
                 "度量单位", "指标属性"}
EMPTY_CELL = "空"
OPERATORS = {"=": "=", "＝": "=", "等于": "=", ">=": ">=", "≥": ">=", "＞＝": ">=", "大于等于": ">=",
             "<=": "<=", "≤": "<=", "＜＝": "<=", "小于等于": "<=", ">": ">", "＞": ">",
             "大于": ">", "<": "<", "＜": "<", "小于": "<"}
TYPES = {t.zh: key for key, t in INDICATOR_TYPES.items()} | \
        {t.zh.removesuffix("指标"): key for key, t in INDICATOR_TYPES.items()}
DASH = r"\s*(?:-|－|—|–|~|～|至|到)\s*"
PERIOD = re.compile(r"(\d{4})\s*年?" + DASH + r"(\d{4})\s*年")
OVERALL = re.compile(r"总体目标\s*(?:[（(]\s*(\d{4})\s*年?" + DASH + r"(\d{4})\s*年?\s*[）)])?")
BUDGET_TARGET = re.compile(r"(?:预算)?年度\s*(?:[（(]\s*(\d{4})\s*年?\s*[）)])?\s*目标")
YEAR = re.compile(r"(\d{4})\s*年")
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)")
SPENT = re.compile(r"支付|支出|使用|拨付|执行|花费|投入")
NOTE = re.compile(r"列支|资金来源|来源于|从.+(?:安排|解决|拨付)")
NUMBERED = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(]\d+[）)])\s*")
CARD_LINE = re.compile(r"^\s*([^：:]{2,12}?)\s*[：:]\s*(.*)$")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass
class Document:
    """The document cut into its parts, each line still carrying its number."""

    header: list[Line] = field(default_factory=list)
    blocks: dict[str, list[Line]] = field(default_factory=dict)
    label_lines: dict[str, int] = field(default_factory=dict)
    table: list[list[Line]] = field(default_factory=list)


@dataclass
class Imported:
    data: dict[str, Any]
    sections: dict[str, list[str]]
    notes: list[Problem]


class Reader:
    """Turns one document into project values, noting what it cannot place."""

    def __init__(self, source: str, districts: tuple[District, ...]):
        self.source = source
        self.districts = districts
        self.notes: list[Problem] = []
        self.level_texts: tuple[str | None, str | None] = (None, None)  # as written

    def note(self, line: int, where: str, message: str, code: str) -> None:
        self.notes.append(Problem(self.source, line, 1, where, message, code=code))

    # -- the parts of the document ------------------------------------------------

    def split(self, text: str) -> Document:
        doc = Document()
        current: list[Line] = doc.header
        table: list[Line] = []
        in_table = False
        for number, raw in enumerate(text.splitlines(), 1):
            label, rest = _label(raw)
            if in_table:
                table.append(Line(number, raw))
            elif label and label not in doc.blocks:
                current = doc.blocks.setdefault(label, [])
                doc.label_lines[label] = number
                in_table = label == "项目绩效目标表"
                if rest:
                    current.append(Line(number, rest))
            elif raw.strip():
                current.append(Line(number, raw.strip()))
        doc.table = _groups(table)
        return doc

    def read(self, text: str, district: str | None, year: int | None) -> Imported:
        doc = self.split(text)
        department, heading = self.header(doc)
        data: dict[str, Any] = {"department": department, "heading": heading}
        data["name"] = self.text_block(doc, "项目名称", "name")
        data["basis"] = self.text_block(doc, "立项依据", "basis")
        data["unit"] = self.unit_card(doc.blocks.get("项目实施单位", []),
                                      doc.label_lines.get("项目实施单位", 1))
        data["year"] = year or self.budget_year(heading)
        data["district"] = district or self.district(data)
        sections = {SECTION_OF[label]: [ln.text for ln in doc.blocks[label]]
                    for label in SECTION_OF if label in doc.blocks}
        for label in SECTION_OF:
            if label not in doc.blocks:
                self.note(1, "sections", f"no “{label}” section found; zh.md leaves it empty",
                          "import.missing")
        data["funding"] = self.funding(doc, data["year"])
        data["targets"], data["indicators"] = self.table(doc.table, data["year"])
        return Imported(data, sections, sorted(self.notes))

    def header(self, doc: Document) -> tuple[str | None, str | None]:
        lines = doc.header
        titled = [ln for ln in lines if YEAR.search(ln.text)]
        heading = titled[-1] if titled else None
        others = [ln for ln in lines if ln is not heading]
        if not heading:
            self.note(lines[0].number if lines else 1, "heading",
                      "no title line with a year (such as 2025年预算重点领域财政项目) before "
                      "项目名称", "import.missing")
        if not others:
            self.note(1, "department", "no disclosing body above the title line",
                      "import.missing")
        for extra in others[1:]:
            self.note(extra.number, "department", f"not placed: {extra.text!r}",
                      "import.unplaced")
        return (others[0].text if others else None), (heading.text if heading else None)

    def text_block(self, doc: Document, label: str, where: str) -> str | None:
        lines = doc.blocks.get(label)
        if not lines:
            self.note(doc.label_lines.get(label, 1), where, f"no text under “{label}”",
                      "import.missing")
            return None
        return "\n".join(ln.text for ln in lines)

    # -- the unit card ------------------------------------------------------------

    def unit_card(self, lines: list[Line], label_line: int) -> dict[str, Any]:
        card: dict[str, Any] = {}
        key = None
        for line in lines:
            match = CARD_LINE.match(line.text)
            if match and match[1].replace(" ", "") in CARD:
                label = match[1].replace(" ", "")
                key = CARD[label]
                value = match[2].strip()
                if key == "code":
                    card["code_label"] = label
                if key == "duties":
                    card.setdefault("duties", [])
                    if value:
                        card["duties"].append(NUMBERED.sub("", value))
                elif key in card:
                    self.note(line.number, f"unit.{key}", f"given twice; kept the first: "
                                                          f"{card[key]!r}",
                              "import.unplaced")
                elif value:
                    card[key] = _code(value) if key == "code" else value
            elif key == "duties":
                if NUMBERED.match(line.text) or not card["duties"]:
                    card["duties"].append(NUMBERED.sub("", line.text))
                else:
                    card["duties"][-1] += line.text
            elif key in ("overview",) and key in card:
                card[key] += "\n" + line.text
            else:
                self.note(line.number, "unit", f"not placed: {line.text!r} (expected "
                                               f"“label：value”, e.g. 单位名称：…)",
                          "import.unplaced")
        for name in CARD_REQUIRED:
            if name not in card:
                self.note(label_line, f"unit.{name}", "not found in the unit card",
                          "import.missing")
        _keep_code_label(card)
        return card

    # -- district and year --------------------------------------------------------

    def budget_year(self, heading: str | None) -> int:
        match = YEAR.search(heading or "")
        if not match:
            raise ConfigError(f"{self.source}: no year in the title line; give it with --year")
        return int(match[1])

    def district(self, data: dict[str, Any]) -> str:
        found = {d.slug for d in self.districts for text in _place_texts(data)
                 if d.name.zh in text}
        code = data["unit"].get("code") or ""
        if len(code) == 18:
            found |= {d.slug for d in self.districts if code[2:8] in d.area_codes}
        if len(found) == 1:
            return found.pop()
        if found:
            raise ConfigError(f"{self.source}: the document names several districts "
                              f"({', '.join(sorted(found))}); give one with --district")
        raise ConfigError(f"{self.source}: could not tell the district from the heading or "
                          f"the unit's code; give it with --district")

    # -- money --------------------------------------------------------------------

    def funding(self, doc: Document, year: int) -> dict[str, Any]:
        funding: dict[str, Any] = {}
        notes: list[str] = []
        for line in doc.blocks.get("资金安排情况", []):
            for sentence in _sentences(line.text):
                self.funding_sentence(funding, notes, sentence, line.number, year)
        for line in doc.blocks.get("项目实施成效", []):
            for sentence in _sentences(line.text):
                if SPENT.search(sentence) and "previous_year" not in funding:
                    self.spending_sentence(funding, sentence, line.number, year, "results")
        if notes:
            funding["note"] = "，".join(notes)
        if "budget_year" not in funding:
            self.note(doc.label_lines.get("资金安排情况", 1), "funding.budget_year",
                      f"no amount for {year}年 found under 资金安排情况", "import.missing")
        return funding

    def funding_sentence(self, funding: dict, notes: list[str], sentence: str, number: int,
                         year: int) -> None:
        amounts = list(AMOUNT.finditer(sentence))
        if not amounts:
            notes.extend(c for c in _clauses(sentence) if NOTE.search(c))
            return
        main, parts = _main_and_parts(sentence, amounts)
        period = PERIOD.search(sentence[:main.start()])
        mentioned = _last_year(sentence[:main.start()])
        if period and "multi_year" not in funding:
            funding["multi_year"] = {"start": int(period[1]), "end": int(period[2]),
                                     "total": amount(main)}
        elif mentioned == year and "budget_year" not in funding:
            funding["budget_year"] = amount(main)
            funding["components"] = self.components(parts, sentence, number, "funding")
        elif mentioned and mentioned < year and "previous_year" not in funding:
            self.spending_sentence(funding, sentence, number, year, "funding-arrangement")
            return
        else:
            self.note(number, "funding", f"the amount {main[0]} was not placed (no budget "
                                         f"year or period next to it); it stays in the text",
                      "import.unplaced")
            return
        notes.extend(c for c in _clauses(sentence) if NOTE.search(c) and not AMOUNT.search(c))

    def spending_sentence(self, funding: dict, sentence: str, number: int, year: int,
                          section: str) -> None:
        """Last year's figure, from a sentence of the narrative: kept with that sentence
        and its section, since the page says where the figure comes from."""
        amounts = list(AMOUNT.finditer(sentence))
        mentioned = _last_year(sentence[:amounts[0].start()]) if amounts else None
        if not amounts or not mentioned or mentioned >= year:
            return
        main, parts = _main_and_parts(sentence, amounts)
        funding["previous_year"] = {
            "year": mentioned, "amount": amount(main),
            "components": self.components(parts, sentence, number, "funding.previous_year"),
            "quote": sentence + "。", "section": section}

    def components(self, parts: list[re.Match], sentence: str, number: int,
                   where: str) -> list[dict[str, Any]]:
        lines = []
        start = sentence.find("其中")
        for part in parts:
            label = _label_before(sentence, start, part.start())
            if not label:
                self.note(number, f"{where}.components", f"the amount {part[0]} has no "
                                                         f"label before it; not placed",
                          "import.unplaced")
            else:
                lines.append({"label": label, "amount": amount(part)})
            start = part.end()
        return lines

    # -- the performance target table ---------------------------------------------

    def table(self, groups: list[list[Line]], year: int) -> tuple[dict, list[dict]]:
        """The targets come first; the column headings (绩效指标, 一级指标, …) start the
        indicators, one row per group of cells."""
        target_cells: list[Line] = []
        rows: list[list[Line]] = []
        in_indicators = False
        for group in groups:
            in_indicators = in_indicators or _is_header_group(group)
            cells = _strip_headers(group)
            if not in_indicators:
                target_cells += group
            elif any(_cell(c) for c in cells):  # not just the headings' empty cells
                rows.append(cells)
        return self.targets(target_cells, year), self.indicators(rows)

    def targets(self, cells: list[Line], year: int) -> dict[str, Any]:
        targets: dict[str, Any] = {}
        slot: list[str] | None = None
        overall: dict[str, Any] = {}
        budget: list[str] = []
        for cell in cells:
            text = _cell(cell)
            if text in ("", "项目绩效目标表", "项目目标"):
                continue
            if (match := OVERALL.fullmatch(text)):
                slot = overall.setdefault("lines", [])
                if match[1]:
                    overall["start"], overall["end"] = int(match[1]), int(match[2])
                else:
                    self.note(cell.number, "targets.overall", "总体目标 has no period "
                                                              "(such as 2025年-2027年)",
                              "import.missing")
            elif (match := BUDGET_TARGET.fullmatch(text)):
                slot = budget
                if match[1] and int(match[1]) != year:
                    self.note(cell.number, "targets.budget_year", f"the target is for "
                                                                  f"{match[1]}, not {year}",
                              "import.year")
            elif slot is not None:
                slot.append(text)
            else:
                self.note(cell.number, "targets", f"not placed: {text!r}",
                          "import.unplaced")
        if overall.get("lines"):
            targets["overall"] = {"start": overall.get("start"), "end": overall.get("end"),
                                  "text": "\n".join(overall["lines"])}
        else:
            self.note(cells[0].number if cells else 1, "targets.overall", "no 总体目标 found",
                      "import.missing")
        if budget:
            targets["budget_year"] = "\n".join(budget)
        else:
            self.note(cells[0].number if cells else 1, "targets.budget_year",
                      "no 预算年度目标 found", "import.missing")
        return targets

    def indicators(self, rows: list[list[Line]]) -> list[dict[str, Any]]:
        level1 = level2 = None
        indicators: list[dict[str, Any]] = []
        for cells in rows:
            values = [_cell(c) for c in cells]
            at = next((i for i, v in enumerate(values) if v in TYPES), None)
            filled = [i for i, v in enumerate(values) if v]
            if at is None and filled and max(filled) <= 1:
                level1, level2 = self.levels(cells, values, level1, level2)
                continue
            if at not in (5, 6):
                self.note(cells[0].number, "indicators", "could not read this row of the "
                                                         "table (expected level, name, "
                                                         "comparator, value, unit, type, …)",
                          "import.unplaced")
                continue
            level1, level2 = self.levels(cells, values, level1, level2)
            indicators.append(self.indicator(cells, values, at, level1, level2, indicators))
        return indicators

    def levels(self, cells: list[Line], values: list[str], level1: str | None,
               level2: str | None) -> tuple[str | None, str | None]:
        if values[0]:
            level1, level2 = _level1(values[0]), None
            self.level_texts = (values[0], None)
            if level1 is None:
                self.note(cells[0].number, "indicators.level1",
                          f"{values[0]!r} is not a level-1 indicator (产出指标, 效益指标, "
                          f"满意度指标 or 成本指标)", "import.vocabulary")
        if len(values) > 1 and values[1]:
            level2 = _level2(level1, values[1])
            self.level_texts = (self.level_texts[0], values[1])
            if level2 is None:
                self.note(cells[1].number, "indicators.level2",
                          f"{values[1]!r} is not a level-2 indicator under "
                          f"{LEVEL1[level1].zh if level1 else 'this level 1'}",
                          "import.vocabulary")
        return level1, level2

    def indicator(self, cells: list[Line], values: list[str], at: int, level1: str | None,
                  level2: str | None, before: list[dict]) -> dict[str, Any]:
        name, operator, value = values[2:5]
        unit = values[5] if at == 6 else ""
        scoring, content, source = (values[at + 1:] + ["", "", ""])[:3]
        row = cells[2].number
        for extra in cells[at + 4:]:
            self.note(extra.number, "indicators", f"an extra cell was not placed: "
                                                  f"{extra.text.strip()!r}",
                      "import.unplaced")
        if operator and operator not in OPERATORS:
            self.note(cells[3].number, "indicators.operator",
                      f"{operator!r} is not a comparator (=, >=, <=, >, <, ≥, ≤)",
                      "import.vocabulary")
        prefix = level2 or "indicator"
        number = 1 + sum(1 for i in before if i["id"].rsplit("-", 1)[0] == prefix)
        entry = {"id": f"{prefix}-{number}", "level1": level1, "level2": level2,
                 "as_written": self.as_written(level1, level2, operator), "name": name,
                 "operator": OPERATORS.get(operator), "value": _value(value), "unit": unit,
                 "type": TYPES[values[at]],
                 "weight": self.weight(scoring, cells[min(at + 1, len(cells) - 1)].number),
                 "scoring": scoring, "content": content, "source": source}
        for key in ("name", "scoring", "source"):
            if not entry[key]:
                self.note(row, f"indicators.{key}", f"the row {name!r} has no {key}",
                          "import.missing")
        return entry

    def as_written(self, level1: str | None, level2: str | None,
                   operator: str) -> dict[str, str]:
        """The document's wording where it differs from the names the site shows (社会效益
        for 社会效益指标, ≥ for >=): the page shows both."""
        written = {}
        if level1 and self.level_texts[0] != LEVEL1[level1].zh:
            written["level1"] = self.level_texts[0]
        if level1 and level2 and self.level_texts[1] != LEVEL2[level1][level2].zh:
            written["level2"] = self.level_texts[1]
        if OPERATORS.get(operator) not in (None, operator):
            written["operator"] = operator
        return written

    def weight(self, scoring: str, line: int) -> int | Decimal | None:
        """The points the rule states, read as `check` reads them (glossary.points_in_rule),
        so that an imported weight never contradicts its rule."""
        points = points_in_rule(scoring)
        if points is not None:
            return _number(str(points))
        self.note(line, "indicators.weight", "the scoring rule states no points (such as "
                                             "本项分值权重为20分 or 得10分); fill in weight",
                  "import.missing")
        return None


# -- small readers -----------------------------------------------------------------

def _label(raw: str) -> tuple[str | None, str]:
    """A block label on a line of its own (not a table cell), or 'label：text'."""
    if raw.lstrip(" ").startswith("\t"):
        return None, ""
    text = raw.strip()
    if text in LABELS:
        return text, ""
    match = re.match(r"^(项目名称|立项依据)\s*[：:]\s*(.+)$", text)
    return (match[1], match[2]) if match else (None, "")


def _groups(lines: list[Line]) -> list[list[Line]]:
    """Table cells, grouped into rows by the empty lines between them."""
    groups: list[list[Line]] = [[]]
    for line in lines:
        if not line.text.strip() and "\t" not in line.text:
            groups.append([])
        elif line.text.lstrip(" ").startswith("\t") or not groups[-1]:
            groups[-1].append(line)
        else:  # a cell's text that wrapped onto a line of its own
            last = groups[-1][-1]
            groups[-1][-1] = Line(last.number, last.text + line.text.strip())
    return [g for g in groups if g]


def _cell(line: Line) -> str:
    text = line.text.strip()
    return "" if text == EMPTY_CELL else text


def _strip_headers(group: list[Line]) -> list[Line]:
    cells = list(group)
    while cells and _cell(cells[0]) in TABLE_HEADERS:
        cells.pop(0)
    return cells


def _is_header_group(group: list[Line]) -> bool:
    return _cell(group[0]) in TABLE_HEADERS


def _level1(text: str) -> str | None:
    return next((key for key, t in LEVEL1.items()
                 if text in (t.zh, t.zh.removesuffix("指标"))), None)


def _level2(level1: str | None, text: str) -> str | None:
    return next((key for key, t in LEVEL2.get(level1 or "", {}).items()
                 if text in (t.zh, t.zh.removesuffix("指标"))), None)


def _number(text: str) -> int | Decimal:
    return int(text) if text.isdigit() else Decimal(text)


def _value(text: str) -> int | Decimal | str | None:
    if not text:
        return None
    return _number(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else text


def _keep_code_label(card: dict[str, Any]) -> None:
    """The code's label only where it is not that of the code's kind (the Wuhua
    document labels an 18-character USCI 组织机构代码)."""
    label = card.pop("code_label", None)
    code = card.get("code") or ""
    kind = "统一社会信用代码" if len(code) == 18 else "组织机构代码"
    if label and code and label != kind:
        card["code_label"] = label


def _code(text: str) -> str:
    """The code as written, without spaces; 'XXXXXXXX-X' is the 9-character code's usual
    printed form, so its hyphen goes."""
    code = re.sub(r"\s", "", text)
    return code.replace("-", "") if re.fullmatch(r"[0-9A-Z]{8}-[0-9X]", code) else code


def amount(match: re.Match) -> Decimal | dict[str, Any]:
    value = Decimal(match[1].replace(",", ""))
    return value if match[2] == "元" else {"value": value, "unit": match[2]}


def _sentences(text: str) -> Iterator[str]:
    for sentence in re.split(r"[。；;]", text):
        if sentence.strip():
            yield sentence.strip()


def _clauses(sentence: str) -> list[str]:
    return [c.strip() for c in re.split(r"，|,(?!\d)", sentence) if c.strip()]


def _last_year(text: str) -> int | None:
    years = YEAR.findall(text)
    return int(years[-1]) if years else None


def _main_and_parts(sentence: str, amounts: list[re.Match]) -> tuple[re.Match, list[re.Match]]:
    """The sentence's amount and, after a 其中 that follows it, the amounts of its parts."""
    main = amounts[0]
    at = sentence.find("其中", main.end())
    return main, [a for a in amounts[1:] if at >= 0 and a.start() > at]


def _label_before(sentence: str, start: int, end: int) -> str:
    text = sentence[max(start, 0):end]
    text = re.split(r"[、，,：:；]", text)[-1]
    text = re.sub(r"^(?:其中|包含|包括|分别为|分别是)+", "", text.strip())
    return re.sub(r"(?:为|是|共计|合计|计|约)$", "", text).strip()


def _place_texts(data: dict[str, Any]) -> list[str]:
    unit = data.get("unit") or {}
    return [t for t in (data.get("department"), data.get("heading"), unit.get("name"),
                        unit.get("address")) if t]




# -- the layout ---------------------------------------------------------------------

TABLE_TITLE = "项目绩效目标表"
NUMBER_CELL = re.compile(r"[\d,.]+")


def recognises(document: FileDocument) -> int:
    """The number of projects the document names (项目名称), when it has a target table
    or a 立项依据 too."""
    texts = [_first_text(block) for block in document.blocks[:5000]]
    named = sum(1 for t in texts if t == "项目名称" or t.startswith(("项目名称：", "项目名称:")))
    return named if any(TABLE_TITLE in t for t in texts) or "立项依据" in texts else 0


def _first_text(block) -> str:
    if isinstance(block, Paragraph):
        return block.text.strip()
    for row in block.rows:
        for cell in row:
            if cell.text.strip():
                return cell.text.strip()
    return ""


def projects(document: FileDocument, hints: Hints) -> list[Found]:
    lines = as_text(document)
    found = []
    for part in split_documents(lines):
        text = "\n".join(line for line, _ in part)
        reader = Reader(document.name, hints.districts)
        imported = reader.read(text, hints.district, hints.year)
        places = [place for _, place in part]
        notes = [Note(places[min(max(p.line, 1), len(places)) - 1], p.field, p.message, p.code)
                 for p in imported.notes]
        pages = tuple(sorted({pl.page for pl in places if pl.page}))
        found.append(Found(imported.data, imported.sections, notes, pages, places[0]))
    return found


def as_text(document: FileDocument) -> list[tuple[str, Place]]:
    """The document in the text layout the Reader reads, each line with its place:
    paragraphs as lines; before the target table, a table's rows as "label：value"
    lines (a unit card laid out as a table); from the target table on, each row an
    empty line, then each cell a tab-indented line (a cell's own lines below it)."""
    if document.kind == "text":
        return [(b.text, b.place) for b in document.blocks]
    pages = {b.place.page for b in document.blocks
             if isinstance(b, Paragraph) and b.place.page and TABLE_TITLE in b.text}
    if pages:  # a PDF: the target table runs on from its title's page
        last = max(b.place.page for b in document.blocks if b.place.page)
        pages |= set(range(min(pages), last + 1))
    out: list[tuple[str, Place]] = []
    in_table = False
    for block in document.with_tables(pages):
        rows = [[Cell(block.text, block.place)]] if isinstance(block, Paragraph) else block.rows
        for row in rows:
            filled = [cell for cell in row if cell.text.strip()]
            if not in_table and [c.text.strip() for c in filled] == [TABLE_TITLE]:
                in_table = True  # the table's title, on a line of its own or as its first row
                out.append((TABLE_TITLE, filled[0].place))
            elif in_table:
                out.append(("", row[0].place if row else block.place))
                for cell in row:
                    lines = cell.text.split("\n") or [""]
                    out.append(("\t" + lines[0], cell.place))
                    out.extend((line, cell.place) for line in lines[1:] if line.strip())
            elif isinstance(block, Paragraph):
                out.extend((line, block.place) for line in block.text.split("\n"))
            elif len(filled) == 2 and not NUMBER_CELL.fullmatch(filled[1].text.strip()):
                # a unit card laid out as a table: label | value
                label = filled[0].text.strip().rstrip("：:")
                out.append((f"{label}：{filled[1].text.strip()}", filled[0].place))
            elif filled:
                # a sentence cut into cells (an amount kept as a number of its own)
                out.append(("".join(cell.text.strip() for cell in filled), filled[0].place))
    return out


def split_documents(lines: list[tuple[str, Place]]) -> list[list[tuple[str, Place]]]:
    """One part per document when several were put into one file: a second 项目名称
    starts a second document, from the header lines (disclosing body, title) above it."""
    starts = [i for i, (line, _) in enumerate(lines) if _label(line)[0] == "项目名称"]
    cuts = [0]
    for at in starts[1:]:
        begin = at
        seen = 0
        for i in range(at - 1, cuts[-1], -1):
            text = lines[i][0]
            if text.lstrip(" ").startswith("\t"):
                break
            if text.strip():
                seen += 1
                begin = i
                if seen == 2:
                    break
        cuts.append(begin)
    cuts.append(len(lines))
    return [lines[a:b] for a, b in zip(cuts, cuts[1:]) if any(t.strip() for t, _ in lines[a:b])]
