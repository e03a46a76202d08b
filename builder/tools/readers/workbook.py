"""Workbooks (.xlsx, .xls, .xlsb) with python-calamine: every sheet, each row a table
row in order, a merged range read once (in its first cell; the cells it covers across
are left out, the rows it covers below get an empty cell). Numbers are kept as the
figures they are: 7968243.98, never 7968243.9800000004."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from builder.tools.readers.document import (
    Block,
    Cell,
    Document,
    DocumentError,
    Paragraph,
    Place,
    Table,
)


def read(name: str, data: bytes, kind: str) -> Document:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as err:  # calamine raises its own error kinds for damaged files
        message = str(err).lower()
        if "password" in message or "encrypt" in message:
            raise DocumentError("the workbook is protected by a password; save a copy "
                                "without it and import that") from None
        raise DocumentError(f"the workbook is damaged and cannot be opened ({err}); "
                            f"download it again") from None
    blocks: list[Block] = []
    for sheet_name in book.sheet_names:
        sheet = book.get_sheet_by_name(sheet_name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
        # A merged range is read in its first cell; the cells it covers to the right
        # are left out, those below it in its first column are empty cells.
        covered: dict[tuple[int, int], bool] = {}  # (row, col) → kept as an empty cell
        for (r0, c0), (r1, c1) in merged:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered[(r, c)] = c == c0
        table_rows = []
        for r, row in enumerate(rows):
            cells = []
            for c, value in enumerate(row):
                kept = covered.get((r, c))
                if kept is False:
                    continue
                text = "" if kept else _text(value)
                cells.append(Cell(text, Place(sheet=sheet_name, cell=f"{_col(c)}{r + 1}")))
            while cells and not cells[-1].text:
                cells.pop()
            table_rows.append(tuple(cells))
        # A row of one filled cell is a line of text (a heading, a label, a merged
        # title); rows of several cells are table rows, grouped while they follow on.
        current: list[tuple[Cell, ...]] = []
        for cells in table_rows:
            filled = [cell for cell in cells if cell.text]
            if len(filled) == 1 and len(cells) == 1 or (len(filled) == 1 and not current):
                if current:
                    blocks.append(Table(tuple(current), current[0][0].place))
                    current = []
                blocks.append(Paragraph(filled[0].text, filled[0].place))
            elif filled:
                current.append(cells)
        if current:
            blocks.append(Table(tuple(current), current[0][0].place))
    return Document(name, kind, blocks)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # The shortest decimal that reads back as the same float: what Excel shows.
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _col(c: int) -> str:
    name = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
