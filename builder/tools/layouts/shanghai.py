"""The Shanghai layout: a district department's budget (部门预算), many projects a file.

The cover names the district, the year and the department ("上海市普陀区2026年区级部门
预算 / 预算主管部门：上海市普陀区司法局"); after the department's tables comes one
"…经费情况说明" page per project with seven numbered sections: 一、项目概述 (or 项目概况),
二、立项依据, 三、实施主体, 四、实施方案, 五、实施周期, 六、年度预算安排, 七、绩效目标.
Amounts are in 万 (万元); the indicator table is kept in the unit's own document
("详见单位的项目绩效目标表"), so the project has none here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from builder.tools.layouts import Found, Hints, Note
from builder.tools.readers.document import Document, DocumentError, Paragraph, Place

NAME = "shanghai"
TITLE = "Shanghai: a department budget, one “…经费情况说明” page per project (amounts in 万)"

COVER = re.compile(r"^(?P<place>.{2,20}?(?:区|县|市|旗))(?P<year>\d{4})年(?:区级|县级|市级|镇级)?"
                   r"部门(?:预算|决算)$")
DEPARTMENT = re.compile(r"^(?:预算)?主管部门[：:]\s*(?P<name>.+)$")
TITLE_LINE = re.compile(r"^(?P<name>.*?)经费情况说明$")
SECTION = re.compile(r"^(?P<number>[一二三四五六七八九十]+)\s*[、.．]\s*(?P<title>[^\d，。；]{2,12})$")
SECTIONS = {"项目概述": "overview", "项目概况": "overview", "立项依据": "basis",
            "实施主体": "unit", "实施方案": "plan", "实施周期": "period",
            "年度预算安排": "funding", "绩效目标": "targets"}
# An amount as the document writes it: 795万, 80.00万元, 1,720.00万元, 3000元.
AMOUNT = re.compile(r"(?<![\d.,])(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
                    r"(?P<unit>亿元|万元|万|元)")
TOTAL = re.compile(r"合计|总计|共计|总额|总预算|全年")
ELSEWHERE = re.compile(r"[^。；]*详见[^。；]*绩效目标表[^。；]*")
NAME_IN_SENTENCE = re.compile(r"^(?:本项目|该项目)?[为是]?(?P<name>[^，。；、“”]{2,30}?(?:项目|工程|经费|专项资金))")


def recognises(document: Document) -> int:
    """The number of project pages (a “…经费情况说明” title, then 一、项目概述), and two
    more for a department budget's cover."""
    lines = document.lines()
    pages = sum(1 for i, line in enumerate(lines[:-1])
                if TITLE_LINE.match(line.text) and "……" not in line.text
                and _section(lines[i + 1].text) == "overview")
    return pages + 2 * bool(pages and _cover(lines).get("year"))


def projects(document: Document, hints: Hints) -> list[Found]:
    lines = document.lines()
    cover = _cover(lines)
    starts = [i for i, line in enumerate(lines)
              if TITLE_LINE.match(line.text) and "……" not in line.text
              and i + 1 < len(lines) and _section(lines[i + 1].text) == "overview"]
    if not starts:
        raise DocumentError("the document has no project page (a “…经费情况说明” title "
                            "followed by 一、项目概述)")
    found = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        found.append(_project(lines[start:end], cover, hints, n + 1 == len(starts)))
    return found


def _cover(lines: list[Paragraph]) -> dict[str, Any]:
    cover: dict[str, Any] = {}
    for line in lines[:12]:
        if (match := COVER.match(line.text.replace(" ", ""))):
            cover.update(place=match["place"], year=int(match["year"]), title=line.text,
                         title_place=line.place)
        elif (match := DEPARTMENT.match(line.text)):
            cover.update(department=match["name"].strip())
    return cover


def _section(text: str) -> str | None:
    match = SECTION.match(text.strip())
    return SECTIONS.get(match["title"].strip()) if match else None


def _project(lines: list[Paragraph], cover: dict[str, Any], hints: Hints,
             last: bool) -> Found:
    title = lines[0]
    notes: list[Note] = []
    parts: dict[str, list[Paragraph]] = {}
    current: list[Paragraph] | None = None
    for line in lines[1:]:
        key = _section(line.text)
        if key and key not in parts:
            current = parts.setdefault(key, [])
            heading = SECTION.match(line.text.strip())["title"].strip()
            parts.setdefault("_headings", []).append(Paragraph(heading, line.place))
        elif current is not None:
            current.append(line)
        else:
            notes.append(Note(line.place, "sections", f"not placed: {line.text!r}",
                              "import.unplaced"))
    if last and parts:
        _cut_trailing(parts, notes)
    data: dict[str, Any] = {}
    year = cover.get("year") or hints.year
    if year is None:
        raise DocumentError("the cover gives no year (…2026年区级部门预算); give it with --year")
    data["year"] = hints.year or year
    data["district"] = hints.district or _district(cover, hints)
    department = cover.get("department")
    if department:
        data["department"] = department
    else:
        notes.append(Note(title.place, "department", "the cover names no 预算主管部门",
                          "import.missing"))
    data["heading"] = cover.get("title") or title.text
    data["name"] = _name(title, parts, hints, notes)
    text = lambda key: "\n".join(p.text for p in parts.get(key, []))  # noqa: E731
    for key, label in (("basis", "二、立项依据"), ("unit", "三、实施主体")):
        if not parts.get(key):
            notes.append(Note(title.place, key, f"no “{label}” section", "import.missing"))
    if parts.get("basis"):
        data["basis"] = text("basis")
    data["unit"] = {"name": parts["unit"][0].text} if parts.get("unit") else {}
    for extra in parts.get("unit", [])[1:]:
        notes.append(Note(extra.place, "unit", f"not placed: {extra.text!r} (the unit is the "
                                               f"first line of 实施主体)", "import.unplaced"))
    if parts.get("period"):
        data["period"] = text("period")
    data["funding"] = _funding(parts.get("funding", []), title.place, notes)
    targets_text = text("targets")
    elsewhere = ELSEWHERE.search(targets_text or "")
    targets: dict[str, Any] = {}
    if targets_text:
        targets["budget_year"] = targets_text
    data["targets"] = targets
    data["indicators"] = []
    if elsewhere:
        targets["table_note"] = elsewhere[0].strip()
    else:
        notes.append(Note(title.place, "indicators", "the document has no 项目绩效目标表 for "
                          "this project (the unit publishes it in its own document); the page "
                          "says so", "import.no-table"))
    sections = {"overview": [p.text for p in parts.get("overview", [])],
                "plan": [p.text for p in parts.get("plan", [])],
                "funding-arrangement": [p.text for p in parts.get("funding", [])]}
    ids = {"overview": "overview", "plan": "plan", "funding": "funding-arrangement"}
    headings = {ids[SECTIONS[h.text]]: h.text for h in parts.get("_headings", [])
                if SECTIONS[h.text] in ids and sections[ids[SECTIONS[h.text]]]}
    for key, label in (("overview", "一、项目概述"), ("plan", "四、实施方案"),
                       ("funding", "六、年度预算安排"), ("period", "五、实施周期"),
                       ("targets", "七、绩效目标")):
        if not parts.get(key):
            notes.append(Note(title.place, key, f"no “{label}” section", "import.missing"))
    pages = tuple(sorted({line.place.page for line in lines if line.place.page}))
    return Found(data, sections, notes, pages, title.place, headings)


def _cut_trailing(parts: dict[str, list[Paragraph]], notes: list[Note]) -> None:
    """The last project page may be followed by other text (an appendix): it ends at
    the first line after its 七、绩效目标 that is a title of its own."""
    last = parts.get("targets") or []
    for i, line in enumerate(last):
        if i and (TITLE_LINE.match(line.text) or re.match(r"^附[件录]", line.text)):
            for extra in last[i:]:
                notes.append(Note(extra.place, "targets", f"not placed: {extra.text!r}",
                                  "import.unplaced"))
            del last[i:]
            return


def _district(cover: dict[str, Any], hints: Hints) -> str:
    place = cover.get("place") or ""
    found = [d.slug for d in hints.districts if d.name.zh and d.name.zh in place]
    if len(found) == 1:
        return found[0]
    if place:
        raise DocumentError(f"the cover names {place}, which content/districts.yaml does "
                            f"not list: add the district there (slug, code, names) or give "
                            f"--district")
    raise DocumentError("the cover names no district; give it with --district")


def _name(title: Paragraph, parts: dict[str, list[Paragraph]], hints: Hints,
          notes: list[Note]) -> str | None:
    if hints.name:
        return hints.name
    name = TITLE_LINE.match(title.text)["name"].strip()
    if name and name != "项目":
        return name
    first = (parts.get("overview") or [None])[0]
    match = NAME_IN_SENTENCE.match(first.text) if first else None
    if match:
        notes.append(Note(first.place, "name", f"the page is titled only “{title.text}”; "
                                               f"the name “{match['name']}” is taken from "
                                               f"the first sentence of 项目概述: check it",
                          "import.name-from-text"))
        return match["name"]
    notes.append(Note(title.place, "name", f"the page is titled only “{title.text}” and its "
                                           f"first sentence names no project; give the name "
                                           f"with --name", "import.missing"))
    return None


def _funding(lines: list[Paragraph], place: Place, notes: list[Note]) -> dict[str, Any]:
    """六、年度预算安排 as written: one amount is the budget-year amount; several with a
    total among them, that total; several without one (four quarterly figures), those
    as the components, whose sum the site shows marked as worked out by it; none, no
    amount (`check` then asks for one)."""
    text = "".join(p.text for p in lines)
    amounts = list(AMOUNT.finditer(text))
    funding: dict[str, Any] = {}
    if not amounts:
        notes.append(Note(lines[0].place if lines else place, "funding.budget_year",
                          "六、年度预算安排 states no amount; none is written (give the "
                          "budget-year amount from the department's budget tables)",
                          "import.no-amount"))
        return funding
    totals = [m for m in amounts if TOTAL.search(text[max(0, m.start() - 8):m.start()])]
    if len(amounts) == 1 or totals:
        funding["budget_year"] = written(totals[0] if totals else amounts[0])
        if totals and len(amounts) > 1:
            funding["components"] = _components(text, [m for m in amounts if m is not totals[0]])
        return funding
    parts = _components(text, amounts)
    unit = {m["unit"] for m in amounts}
    total = sum((in_yuan(m) for m in amounts), Decimal(0))
    funding["components"] = parts  # no budget_year: the site shows their sum, marked †
    notes.append(Note(lines[0].place, "funding.budget_year", f"六、年度预算安排 gives "
                                                             f"{len(amounts)} amounts and no "
                                                             f"total; they are written as the "
                                                             f"components, and the page shows "
                                                             f"their sum {total}元 marked as "
                                                             f"worked out by the site"
                      + (" (the amounts mix units)" if len(unit) > 1 else ""),
                      "import.derived"))
    return funding


def _components(text: str, amounts: list[re.Match]) -> list[dict[str, Any]]:
    out = []
    start = 0
    for match in amounts:
        label = re.split(r"[。；;，,：:]", text[start:match.start()])[-1].strip()
        label = re.sub(r"^(?:其中|包括|分别为)+", "", label).strip() or "未写明"
        out.append({"label": label, "amount": written(match)})
        start = match.end()
    return out


def written(match: re.Match) -> Decimal | dict[str, Any]:
    """An amount as the document writes it: 元 as the number, 万/万元/亿元 as
    {value, unit} (万 is 万元), which the site converts to 元 exactly."""
    value = Decimal(match["value"].replace(",", ""))
    unit = "万元" if match["unit"] == "万" else match["unit"]
    return value if unit == "元" else {"value": value, "unit": unit}


def in_yuan(match: re.Match) -> Decimal:
    value = Decimal(match["value"].replace(",", ""))
    return value * {"元": 1, "万": 10_000, "万元": 10_000, "亿元": 100_000_000}[match["unit"]]
