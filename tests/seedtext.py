"""Split a disclosure in the official text layout into the facts its page must show,
and read a built page as text, so a test can check that every fact made it.

A fact is each line or table cell of the document, as written, except the layout's own
labels (项目名称, 一级指标, …), empty cells (空) and the numbers of numbered lines.
"label：value" lines of the unit card give their value (an organization code without
its printed hyphen); a period label such as
总体目标(2025年-2027年) gives its years. Comparators are compared as the page shows
them (>= as ≥).
"""

from __future__ import annotations

import html
import re

LABELS = {
    "项目名称", "立项依据", "项目实施单位", "项目基本概况", "项目实施内容", "资金安排情况",
    "项目实施计划", "项目实施成效", "项目绩效目标表", "项目目标", "绩效指标", "评（扣）分标准",
    "指标内容", "绩效指标值设定依据及数据来源", "指标值设定依据及数据来源", "一级指标",
    "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "指标属性", "主要职责任务：",
}
CARD = re.compile(r"^(单位名称|组织机构代码|统一社会信用代码|地址|联系电话|法人代表|经费来源|"
                  r"单位概况)\s*[：:]\s*(.*)$")
PERIOD_LABEL = re.compile(r"^(?:总体目标|预算年度)\s*[（(](.*)[）)]\s*(?:目标)?$")
SHOWN_AS = {">=": "≥", "<=": "≤", "＞": ">", "＜": "<", "＝": "="}


def facts(text: str) -> list[tuple[int, str]]:
    """(line number, text) for every fact of the document."""
    found: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        cell = raw.strip()
        if not cell or cell == "空" or cell in LABELS:
            continue
        if (card := CARD.match(cell)):
            cell = card[2].strip()
            if card[1] == "组织机构代码":  # printed XXXXXXXX-X; the hyphen is not part of it
                cell = cell.replace("-", "")
        elif (period := PERIOD_LABEL.match(cell)):
            found += [(number, year) for year in re.findall(r"\d{4}", period[1])]
            continue
        cell = re.sub(r"^\d+\s*[.．、]", "", cell)  # the page numbers its own lists
        found.append((number, SHOWN_AS.get(cell, cell)))
    return found


def normalise(text: str) -> str:
    """Without white space and thousands separators, which layout may add or drop."""
    return re.sub(r"[\s,]", "", text)


def page_text(page_html: str) -> str:
    """What a reader sees of a page: the text, without markup, scripts or styles."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return normalise(html.unescape(body))


def missing_facts(text: str, page_html: str) -> list[tuple[int, str]]:
    """The facts of the document that the page does not show."""
    shown = page_text(page_html)
    return [(n, fact) for n, fact in facts(text) if normalise(fact) not in shown]
