"""A web page saved from a disclosure site (.html/.htm): its text blocks in order and
its tables, a cell spanning columns read once, a cell spanning rows read in its first
row (an empty cell in the rows below). Scripts, styles and the page's navigation
(nav, header, footer) are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from builder.tools.readers.document import (
    Block,
    Cell,
    Document,
    DocumentError,
    Paragraph,
    Place,
    Table,
)

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article",
          "br", "tr", "title", "blockquote", "pre", "dt", "dd"}
SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "head"}
MAX_CELLS = 100_000


def read(name: str, text: str) -> Document:
    parser = _Parser()
    try:
        parser.feed(text)
        parser.close()
    except _TooBig:
        raise DocumentError(f"the web page has more than {MAX_CELLS:,} table cells; it is "
                            f"not a disclosure") from None
    parser.flush()
    return Document(name, "html", parser.blocks)


class _TooBig(Exception):
    pass


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.skip = 0
        self.tables: list[dict] = []  # open tables (a table inside a cell is its text)
        self.cells = 0

    # -- text outside tables -----------------------------------------------------------
    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n\u3000]+", " ", "".join(self.text)).strip()
        self.text = []
        if text:
            self.blocks.append(Paragraph(text, Place(paragraph=len(self.blocks) + 1)))

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            if table is None:
                self.flush()
            self.tables.append({"rows": [], "row": None, "cell": None, "spans": {}})
        elif table is not None and tag == "tr":
            table["row"] = []
            table["rows"].append(table["row"])
        elif table is not None and tag in ("td", "th"):
            if table["row"] is None:
                table["row"] = []
                table["rows"].append(table["row"])
            attributes = dict(attrs)
            table["cell"] = {"text": [], "colspan": _span(attributes.get("colspan")),
                             "rowspan": _span(attributes.get("rowspan"))}
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise _TooBig
        elif tag in BLOCKS:
            if table is not None and table["cell"] is not None:
                table["cell"]["text"].append("\n")
            elif table is None:
                self.flush()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or not self.tables:
            if tag in BLOCKS and not self.skip:
                self.flush()
            return
        table = self.tables[-1]
        if tag in ("td", "th") and table["cell"] is not None:
            table["row"].append(table["cell"])
            table["cell"] = None
        elif tag == "tr":
            table["row"] = None
        elif tag == "table":
            self.tables.pop()
            made = _table(table["rows"], len(self.blocks) + 1)
            if self.tables and self.tables[-1]["cell"] is not None:
                self.tables[-1]["cell"]["text"].append(
                    "\n".join(" ".join(c.text for c in row) for row in made.rows))
            else:
                self.blocks.append(made)

    def handle_data(self, data):
        if self.skip:
            return
        if self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"]["text"].append(data)
        elif not self.tables:
            self.text.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _table(rows: list[list[dict]], paragraph: int) -> Table:
    """Cells placed on the grid: a row span leaves an empty cell in the rows below it."""
    below: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(rows):
        cells: list[Cell] = []
        c = 0
        for cell in row:
            while below.get((r, c)):
                cells.append(Cell("", Place(paragraph=paragraph, cell=_a1(r, c))))
                c += 1
            text = "\n".join(line.strip() for line in re.sub(r"[ \t\r\u3000]+", " ",
                             "".join(cell["text"])).split("\n") if line.strip())
            cells.append(Cell(text, Place(paragraph=paragraph, cell=_a1(r, c))))
            for dr in range(1, cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    below[(r + dr, c + dc)] = True
            c += cell["colspan"]
        while below.get((r, c)):
            cells.append(Cell("", Place(paragraph=paragraph, cell=_a1(r, c))))
            c += 1
        out.append(tuple(cells))
    return Table(tuple(out), Place(paragraph=paragraph))


def _a1(r: int, c: int) -> str:
    return f"{chr(ord('A') + c) if c < 26 else 'C' + str(c + 1)}{r + 1}"
