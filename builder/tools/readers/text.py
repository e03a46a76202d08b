"""Plain text (UTF-8 or GB18030), as copied out of a disclosure web page: each line a
block. A table's cells are the tab-indented lines the copy makes of them; the layout
that reads such text (the Kunming layout) reads them as they are."""

from __future__ import annotations

from builder.tools.readers.document import Document, Paragraph, Place


def read(name: str, text: str) -> Document:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return Document(name, "text", [Paragraph(line, Place(line=number))
                                   for number, line in enumerate(text.split("\n"), 1)])
