"""PDF files with a text layer: pdfium's text (fast, exact characters) for the lines,
pdfplumber's table finder for the pages a layout asks tables of.

A PDF has no paragraphs, only positioned lines: a line that reaches the right margin
and is followed by one that does not start a numbered item ("1、", "2.", "（一）",
"一、") continues on it, joined without a space (Chinese has none between words).
Running headers and footers (the same text at the top or bottom of most pages) and
page numbers are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from builder.tools.readers.characters import repaired
from builder.tools.readers.document import (
    Block,
    Cell,
    Document,
    DocumentError,
    Paragraph,
    Place,
    Table,
)

# A line that starts one of these is a new item, never the rest of the line before.
ITEM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[）)、.．]|[（(]\d+[）)]|\d+\s*[、.．)）]"
                  r"(?!\d)|[①-⑳]|第[一二三四五六七八九十\d]+[章节条])")
# Characters that never start a line of their own text: they close what came before.
CLOSING = "。，、；：？！）》」』”’】〕.,;:)"
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[-—–])?"
                         r"(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?\s*$")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def read(name: str, data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise DocumentError("the PDF is encrypted (protected by a password); ask the "
                                "office for an unprotected copy, or print it to a new PDF "
                                "and import that") from None
        raise DocumentError("the PDF is damaged and cannot be opened; download it again "
                            f"({err})") from None
    try:
        pages = [_page_lines(pdf[i]) for i in range(len(pdf))]
    except pdfium.PdfiumError as err:
        raise DocumentError(f"the PDF is damaged: {err}; download it again") from None
    finally:
        pdf.close()
    if not any(lines for lines in pages):
        raise DocumentError("the PDF has no text layer (a scan: pictures of pages); run OCR "
                            "on it, or ask the office for the PDF made from the original")
    _drop_running_lines(pages)
    blocks: list[Block] = []
    for number, lines in enumerate(pages, 1):
        blocks.extend(_paragraphs(number, lines))

    def tables_on(wanted: set[int]) -> list[Block]:
        return _with_tables(data, pages, blocks, wanted)

    return Document(name, "pdf", blocks, pages=len(pages), tables_on=tables_on)


def _page_lines(page) -> list[_Line]:
    """The page's lines as pdfium lays them out, each with its box (PDF points, y up)."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count == 0:
            return []
        text = repaired(textpage.get_text_range(0, count))
        lines: list[_Line] = []
        start = 0
        # pdfium's text has one character per index, its generated line breaks included.
        for piece in text.split("\r\n"):
            end = start + len(piece)
            chars = [i for i in range(start, min(end, count)) if not text[i].isspace()]
            if chars:
                boxes = [textpage.get_charbox(i) for i in (chars[0], chars[-1])]
                tops = [textpage.get_charbox(i)[3] for i in chars[:: max(1, len(chars) // 4)]]
                lines.append(_Line(piece.strip(), boxes[0][0], boxes[1][2],
                                   max(tops), boxes[0][1]))
            start = end + 2
        return lines
    finally:
        textpage.close()


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Page numbers, and a header or footer repeated at the top or bottom of most pages."""
    edges: Counter[str] = Counter()
    for lines in pages:
        for text in {line.text for line in (*lines[:2], *lines[-2:])}:
            edges[_shape(text)] += 1
    running = {shape for shape, n in edges.items() if len(pages) >= 4 and n >= len(pages) * 0.6}
    for lines in pages:
        keep = []
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (PAGE_NUMBER.match(line.text) or _shape(line.text) in running):
                continue
            keep.append(line)
        lines[:] = keep


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _paragraphs(page: int, lines: list[_Line]) -> list[Paragraph]:
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    # A Chinese character is about as wide as the line is high.
    heights = sorted(line.top - line.bottom for line in lines)
    char = max(1.0, heights[len(heights) // 2])
    left = min(line.x0 for line in lines)
    out: list[Paragraph] = []
    previous: _Line | None = None
    for number, line in enumerate(lines, 1):
        # A wrapped line ends at the margin, or up to two characters short of it where
        # the next line starts with a figure or with a character that pulls one along
        # (no line may start with "；" or "。"), and the next line is not indented.
        joins = previous is not None and out and (
            line.text[0] in CLOSING
            or (previous.x1 >= right - 2.6 * char - _first_word(line.text, char)
                and line.x0 <= left + char and not ITEM.match(line.text)
                and abs(previous.bottom - line.top) < 2.5 * char))
        if joins:
            last = out[-1]
            out[-1] = Paragraph(last.text + line.text, last.place)
        else:
            out.append(Paragraph(line.text, Place(page=page, line=number)))
        previous = line
    return out


def _first_word(text: str, char: float) -> float:
    """The width of the figure or Latin word a line starts with: a line is not broken
    inside one, so the line before may end that much short of the margin."""
    word = re.match(r"[0-9A-Za-z.,%]*", text)[0]
    return 0.6 * char * len(word)


def _with_tables(data: bytes, pages: list[list[_Line]], blocks: list[Block],
                 wanted: set[int]) -> list[Block]:
    """The document's blocks with the tables of the `wanted` pages in place of the lines
    inside them (pdfplumber's finder, on those pages only)."""
    import io
    import logging

    import pdfplumber

    # pdfminer logs a line for every font it finds odd (a CJK font's missing FontBBox):
    # noise for a clerk, and nothing the import can act on.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    found: dict[int, list[tuple[float, float, Table]]] = {}  # top, bottom (y up), table
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in sorted(wanted):
            if not 1 <= number <= len(pdf.pages) or not pages[number - 1]:
                continue
            page = pdf.pages[number - 1]
            lines = pages[number - 1]
            # A table row cut by the page break has no rule above (or below) its part on
            # this page: the text's first and last lines stand in for those rules, so that
            # the part is found as a row, and is joined to the row it continues.
            top = page.height - max(line.top for line in lines) - 1
            bottom = page.height - min(line.bottom for line in lines) + 1
            tables = page.find_tables({"explicit_horizontal_lines": [top, bottom]})
            found[number] = []
            for table in tables:
                made = _table(number, table)
                cut_above = abs(table.bbox[1] - top) < 1.5
                cut_below = abs(table.bbox[3] - bottom) < 1.5
                made = Table(made.rows, made.place, cut_above, cut_below)
                found[number].append((page.height - table.bbox[1], page.height - table.bbox[3],
                                      made))
    _join_cut_rows([t for number in sorted(found) for _, _, t in found[number]], found)
    result: list[Block] = []
    done: set[int] = set()
    for block in blocks:
        page = block.place.page
        if not found.get(page):
            result.append(block)
        elif page not in done:
            done.add(page)
            tables = found[page]
            outside = [line for line in pages[page - 1]
                       if not any(bottom - 1 <= (line.top + line.bottom) / 2 <= top + 1
                                  for top, bottom, _ in tables)]
            items: list[tuple[float, Block]] = [(-top, t) for top, _, t in tables]
            lines = dict(enumerate(outside, 1))
            items += [(-lines[p.place.line].top, p) for p in _paragraphs(page, outside)]
            result.extend(block for _, block in sorted(items, key=lambda item: item[0]))
    return result


def _join_cut_rows(tables: list[Table], found: dict) -> None:
    """A table that starts where its page's text starts continues the table before it
    on the page before: its first row is the rest of that table's last row, cell by
    cell, when that table ran to the foot of its page."""
    for before, after in zip(tables, tables[1:]):
        if not (after.cut_above and before.cut_below and before.rows and after.rows):
            continue
        last, first = before.rows[-1], after.rows[0]
        if len(last) != len(first):
            continue
        joined = tuple(Cell(a.text + b.text, a.place) for a, b in zip(last, first))
        before_rows = before.rows[:-1] + (joined,)
        for items in found.values():
            for i, (top, bottom, table) in enumerate(items):
                if table is before:
                    items[i] = (top, bottom, Table(before_rows, before.place, before.cut_above,
                                                   before.cut_below))
                    before = items[i][2]
                elif table is after:
                    items[i] = (top, bottom, Table(after.rows[1:], after.place, after.cut_above,
                                                   after.cut_below))
                    after = items[i][2]


def _table(page: int, table) -> Table:
    """pdfplumber's table: a cell it reports as None is covered by a merged cell, across
    (left out) or down (an empty cell, so that the columns keep their places)."""
    texts = table.extract()
    xs = sorted({box[0] for row in table.rows for box in row.cells if box is not None})
    rows = []
    for r, (row, extracted) in enumerate(zip(table.rows, texts)):
        cells: list[Cell] = []
        for c, (box, text) in enumerate(zip(row.cells, extracted)):
            place = Place(page=page, line=r + 1, cell=f"{_column(c)}{r + 1}")
            if box is not None:
                cells.append(Cell(_clean(text), place))
                continue
            left = next((row.cells[k] for k in range(c - 1, -1, -1)
                         if row.cells[k] is not None), None)
            start = xs[c] if c < len(xs) else table.bbox[2]
            if left is None or left[2] <= start + 1:  # merged down from the row above
                cells.append(Cell("", place))
        rows.append(tuple(cells))
    return Table(tuple(rows), Place(page=page))


def _column(c: int) -> str:
    return chr(ord("A") + c) if c < 26 else f"C{c + 1}"


def _clean(text: str | None) -> str:
    """A cell's lines joined (a cell wraps its text onto lines of its own)."""
    if not text:
        return ""
    text = repaired(text)
    parts = [part.strip() for part in text.split("\n")]
    out = ""
    for part in parts:
        if out and (ITEM.match(part) and not part[0] in CLOSING):
            out += "\n" + part
        else:
            out += part
    return out
