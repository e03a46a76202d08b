"""The neutral document every reader makes: blocks in reading order, each a paragraph
or a table, with their places in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union


class DocumentError(Exception):
    """A file that cannot be read as a document: the message is one line for a clerk."""


@dataclass(frozen=True)
class Place:
    """Where a block or cell is in the file, as a clerk would look for it."""

    page: int | None = None       # a PDF's page, from 1
    line: int | None = None       # the line on that page, or in a text file
    sheet: str | None = None      # a workbook's sheet
    cell: str | None = None       # and its cell, as A1
    paragraph: int | None = None  # a Word file's or web page's block, from 1

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"sheet “{self.sheet}”, cell {self.cell}"
        if self.page is not None:
            return f"page {self.page}, line {self.line}" if self.line else f"page {self.page}"
        if self.paragraph is not None:
            return f"paragraph {self.paragraph}" + (f", cell {self.cell}" if self.cell else "")
        return f"line {self.line or 1}"

    @property
    def number(self) -> int:
        """A line number for a Problem (file:line:col): the line, row or paragraph."""
        if self.cell:
            digits = "".join(ch for ch in self.cell if ch.isdigit())
            if digits and self.sheet is not None:
                return int(digits)
        return self.line or self.paragraph or 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    place: Place


@dataclass(frozen=True)
class Cell:
    text: str
    place: Place


@dataclass(frozen=True)
class Table:
    """Rows of cells. A cell merged across columns is read once (the columns it covers
    after the first are left out of the row); a cell merged down rows is read in its
    first row and is an empty cell in the rows below, so columns keep their places."""

    rows: tuple[tuple[Cell, ...], ...]
    place: Place
    # A PDF's table cut by a page break: it starts at the top of its page (its first
    # row continues the last row before the break) or runs to the foot of its page.
    cut_above: bool = False
    cut_below: bool = False


Block = Union[Paragraph, Table]


@dataclass
class Document:
    name: str        # the file's name, as the report shows it
    kind: str        # pdf, xlsx, xls, docx, html, text
    blocks: list[Block]
    pages: int | None = None  # a PDF's page count
    # A PDF's tables are found only when a layout asks (finding them is most of the
    # time a PDF takes): pages → the blocks of those pages with their tables.
    tables_on: Callable[[set[int]], list[Block]] | None = field(default=None, repr=False)

    def lines(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def with_tables(self, pages: set[int] | None = None) -> list[Block]:
        """The blocks, with the tables of `pages` found (a PDF) or as read (others)."""
        if self.tables_on is None or not pages:
            return self.blocks
        return self.tables_on(pages)
