"""Every sentence, name, code, date and number of each seed document can be found in
the text of its built Chinese page, and every row of its performance table is a row of
the page's table with the same cells.

The seeds in fixtures/seeds/ are copies of the two official disclosures (public
government documents), named after the project they became.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pagetext import normalise, read, table_rows

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

# Labels of the document's own layout that the page expresses by its structure instead
# of by the word: the project name is the page's <h1>, and 项目目标 only groups the
# two targets in the document's table. Every other label must appear on the page.
STRUCTURAL_LABELS = {"项目名称", "项目目标"}
# The document writes comparators in ASCII; the page shows the mathematical sign.
SIGNS = {">=": "≥", "<=": "≤"}
EMPTY_CELL = "空"
LABELLED = re.compile(r"(?P<label>[^：]{1,12})：(?P<value>.*)")
NUMBERED = re.compile(r"(?P<number>\d+)\.(?P<text>\S.*)")
# The columns of the official performance table, as the first seed's header names them.
LEVELS = ("一级指标", "二级指标")
COLUMNS = ("三级指标", "指标性质", "指标值", "度量单位", "指标属性", "评（扣）分标准", "指标内容",
           "绩效指标值设定依据及数据来源")


def seed_ids() -> list[str]:
    return sorted(p.stem for p in SEEDS.glob("*.txt"))


def page_of(site: Path, seed: str) -> Path:
    """wuhua-2025-urban-rural-medical-assistance → zh/wuhua/2025/urban-rural-…/index.html"""
    district, year, slug = seed.split("-", 2)
    return site / "zh" / district / year / slug / "index.html"


def cell_value(cell: str) -> str | None:
    """What a cell or line says, as the page must show it; None for nothing."""
    cell = cell.strip()
    labelled = LABELLED.fullmatch(cell)
    if labelled:
        cell = labelled["value"].strip()
    if not cell or cell == EMPTY_CELL or cell in STRUCTURAL_LABELS:
        return None
    return SIGNS.get(cell, cell)


def seed_values(text: str) -> list[str]:
    """The document's sentences and values: lines, and tab-separated cells."""
    return [value for line in text.splitlines() for cell in line.split("\t")
            if (value := cell_value(cell)) is not None]


def seed_rows(text: str) -> list[dict]:
    """The level-3 rows of the performance table, with their level-1 and level-2.

    Table rows are blocks of tab-indented cells separated by blank lines; the last
    ten cells of a block are the columns (the second seed runs a header into its
    first row)."""
    blocks = re.split(r"\n *\n", text.split("绩效指标", 1)[1])  # a tab is an empty cell
    rows, level1, level2 = [], None, None
    for block in blocks:
        cells = [line.strip() for line in block.splitlines() if "\t" in line]
        if len(cells) < 10:
            continue
        cells = cells[-10:]
        if cells[0]:
            level1 = cells[0]
        elif cells[1]:
            level2 = cells[1]
        elif cells[2]:
            rows.append({"level1": level1, "level2": level2, "cells": cells[2:]})
    return rows


def test_the_seeds_are_here():
    assert seed_ids() == ["chenggong-2026-civil-servant-medical-subsidy-insurance",
                          "wuhua-2025-urban-rural-medical-assistance"]


def test_the_seed_reader_finds_every_kind_of_value():
    """The reader itself: labels give their values, 空 and layout labels are skipped."""
    text = (SEEDS / "wuhua-2025-urban-rural-medical-assistance.txt").read_text("utf-8")
    values = seed_values(text)
    assert "12530102431280534H" in values and "组织机构代码：12530102431280534H" not in values
    assert "0871-63399978" in values and "李洪武" in values
    assert EMPTY_CELL not in values and "项目名称" not in values
    assert "≥" in values and ">=" not in values
    assert len(seed_rows(text)) == 5
    assert all(f"\t{column}\n" in text for column in LEVELS + COLUMNS)


@pytest.mark.parametrize("seed", seed_ids())
def test_every_sentence_and_value_is_on_the_chinese_page(real_site, seed):
    page_text = read(page_of(real_site, seed)).find("body").text()
    text = (SEEDS / f"{seed}.txt").read_text("utf-8")
    missing = [value for value in seed_values(text) if normalise(value) not in page_text
               and not _numbered_item_on_page(value, page_text)]
    assert not missing, "not on the Chinese page:\n" + "\n".join(missing)


def _numbered_item_on_page(value: str, page_text: str) -> bool:
    """'1.贯彻执行…' is the first item of an ordered list: its number is the list's."""
    numbered = NUMBERED.fullmatch(value)
    return bool(numbered) and normalise(numbered["text"]) in page_text


def test_numbered_duties_keep_their_number_and_order(real_site):
    """The page shows a numbered list as an ordered list, in the document's order."""
    lists = 0
    for seed in seed_ids():
        text = (SEEDS / f"{seed}.txt").read_text("utf-8")
        numbered = [m for v in seed_values(text) if (m := NUMBERED.fullmatch(v))]
        if not numbered:
            continue
        lists += 1
        document = read(page_of(real_site, seed))
        items = [li.text() for ol in document.find_all("ol") for li in ol.find_all("li")]
        assert [int(m["number"]) for m in numbered] == list(range(1, len(numbered) + 1))
        first = items.index(normalise(numbered[0]["text"]))
        assert items[first:first + len(numbered)] == [normalise(m["text"]) for m in numbered]
    assert lists, "no seed has a numbered list; this test checks nothing"


@pytest.mark.parametrize("seed", seed_ids())
def test_every_indicator_row_is_a_row_of_the_page_table(real_site, seed):
    table = read(page_of(real_site, seed)).find("table", **{"class": "indicators"})
    headers = [th.text() for th in table.find("thead").find_all("th")]
    assert set(LEVELS + COLUMNS) <= set(headers), headers
    page_rows = [dict(zip(headers, (c.text() for c in row.spanning + row.cells)))
                 for row in table_rows(table)]
    seed_table = seed_rows((SEEDS / f"{seed}.txt").read_text("utf-8"))
    assert len(page_rows) == len(seed_table)
    for expected in seed_table:
        name, *values = [normalise(c) for c in expected["cells"]]
        matches = [row for row in page_rows if row[COLUMNS[0]].startswith(name)]
        assert len(matches) == 1, f"no single row of the page table for {name}"
        row = matches[0]
        # 社会效益 is also written 社会效益指标 (GLOSSARY.md); the page uses the full term.
        assert expected["level1"] in row[LEVELS[0]] and expected["level2"] in row[LEVELS[1]]
        for column, value in zip(COLUMNS[1:], values):
            # A comparator shown as a sign (≥) keeps the document's own >= beside it.
            shown = f"{SIGNS[value]} 原文： {value}" if value in SIGNS else value
            assert row[column] == shown, f"{name}: {column}"
