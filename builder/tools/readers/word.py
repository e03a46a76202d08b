"""Word files: .docx with python-docx, read at the XML elements so that a cell merged
across columns (gridSpan) or down rows (vMerge) is read once; .doc through
LibreOffice, when it is installed, converted to .docx first."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from builder.tools.readers.document import (
    Block,
    Cell,
    Document,
    DocumentError,
    Paragraph,
    Place,
    Table,
)


def read(name: str, data: bytes) -> Document:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises many kinds for a damaged package
        raise DocumentError(f"the Word file is damaged and cannot be opened ({type(err).__name__}); "
                            f"download it again or save it anew from Word") from None
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = _text(element, qn)
            if text.strip():
                blocks.append(Paragraph(text.strip(), Place(paragraph=len(blocks) + 1)))
        elif element.tag == qn("w:tbl"):
            blocks.append(_table(element, qn, len(blocks) + 1))
    return Document(name, "docx", blocks)


def _text(element, qn) -> str:
    """A paragraph's text: its runs' text, a tab as a tab, a line break as a new line."""
    parts = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table(element, qn, paragraph: int) -> Table:
    rows = []
    for r, tr in enumerate(element.iterchildren(qn("w:tr"))):
        cells: list[Cell] = []
        column = 0
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if props is not None:
                grid = props.find(qn("w:gridSpan"))
                if grid is not None:
                    span = int(grid.get(qn("w:val")) or 1)
                merge = props.find(qn("w:vMerge"))
                # <w:vMerge/> without val="restart" continues the cell above.
                continued = merge is not None and merge.get(qn("w:val")) != "restart"
            text = "" if continued else "\n".join(
                t for t in (_text(p, qn).strip() for p in tc.iterchildren(qn("w:p"))) if t)
            cells.append(Cell(text, Place(paragraph=paragraph,
                                          cell=f"{chr(ord('A') + min(column, 25))}{r + 1}")))
            column += span
        rows.append(tuple(cells))
    return Table(tuple(rows), Place(paragraph=paragraph))


def read_doc(path: Path, data: bytes) -> Document:
    """An old .doc, converted with LibreOffice when `soffice` is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError("this is an old Word .doc file; open it in Word or WPS and save "
                            "it as .docx (or install LibreOffice: `sudo apt-get install "
                            "libreoffice-writer`), then import the .docx")
    with tempfile.TemporaryDirectory(prefix="budgetsite-doc-") as scratch:
        source = Path(scratch) / "document.doc"
        source.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", scratch,
                            str(source)], capture_output=True, timeout=120, check=True)
            converted = (Path(scratch) / "document.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise DocumentError("LibreOffice could not convert this .doc file; open it in "
                                "Word or WPS, save it as .docx and import that") from None
    document = read(path.name, converted)
    document.kind = "doc"
    return document
