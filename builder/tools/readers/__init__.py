"""Read an office's published file into one neutral document, whatever its format.

A reader per file format (PDF, workbook, Word, web page, text) turns a file into a
`Document`: blocks in reading order, each a paragraph (one line of text, a PDF's
wrapped lines joined) or a table (rows of cells, a merged cell read once), every block
and cell carrying its place in the file (page and line, sheet and cell, paragraph).
Layouts (builder/tools/layouts/) turn a document into projects and never look at the
file format. The format is recognised by the file's content, never by its name.

Every refusal is a `DocumentError`: one line naming the file and what to do.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from builder.tools.readers.document import (  # noqa: F401  (the package's names)
    Block,
    Cell,
    Document,
    DocumentError,
    Paragraph,
    Place,
    Table,
)

# A document larger than this, or a zip (a workbook, a Word file) that expands past
# EXPANDED_LIMIT, is refused before it is parsed: a zip bomb expands a few kilobytes
# into gigabytes.
FILE_LIMIT = 200 * 1024 * 1024
EXPANDED_LIMIT = 300 * 1024 * 1024
EXPANSION_RATIO = 200  # more than this many bytes out for each byte in: a bomb


PDF, ZIP, OLE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(data: bytes) -> str:
    """The format by the file's first bytes (and a zip's or OLE file's insides)."""
    head = data[:1024]
    if PDF in head:
        return "pdf"
    if data.startswith(ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise DocumentError("the file is a damaged zip archive (a workbook or Word file "
                                "cut short?); download it again") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        raise DocumentError("the file is a zip archive, not a workbook or Word file; "
                            "unpack it and import the documents inside")
    if data.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError("the file is protected by a password; open it, save a copy "
                                "without the password, and import that")
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise DocumentError("the file is an old Office file of a kind budgetsite does not "
                            "read; save it as .xlsx or .docx")
    text = _decoded(data)
    if text is None:
        raise DocumentError("the file is neither a PDF, a workbook, a Word file, a web page "
                            "nor text; import the office's PDF, .xlsx, .docx or .html")
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<?xml")) or \
            ("<table" in text.lower() and "</td>" in text.lower()):
        return "html"
    return "text"


def _decoded(data: bytes) -> str | None:
    """Text as UTF-8, else GB18030 (the encoding older Chinese systems save); None for
    bytes that are no text (NULs, or bytes neither decodes)."""
    if b"\x00" in data[:65536]:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def check_zip(data: bytes) -> None:
    """Refuse a workbook or Word file that would expand past the limit (a zip bomb),
    from the sizes its directory declares, before any of it is inflated."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > EXPANDED_LIMIT or (total > 50 * 1024 * 1024 and total / packed > EXPANSION_RATIO):
        raise DocumentError(f"the file expands to {total / 1024 / 1024:,.0f} MB when opened "
                            f"(at most {EXPANDED_LIMIT // 1024 // 1024} MB): it is damaged or "
                            f"not a real document; ask the office for the file again")


def read(path: Path, data: bytes | None = None) -> Document:
    """The document in the file at `path`. Raises DocumentError (one line for a clerk)."""
    if data is None:
        data = file_bytes(path)
    kind = kind_of(data)
    if kind in ("docx", "xlsx", "xlsb"):
        check_zip(data)
    name = path.name
    if kind == "pdf":
        from builder.tools.readers import pdf
        return pdf.read(name, data)
    if kind in ("xlsx", "xls", "xlsb"):
        from builder.tools.readers import workbook
        return workbook.read(name, data, kind)
    if kind == "docx":
        from builder.tools.readers import word
        return word.read(name, data)
    if kind == "doc":
        from builder.tools.readers import word
        return word.read_doc(path, data)
    text = _decoded(data)
    assert text is not None
    if kind == "html":
        from builder.tools.readers import web
        return web.read(name, text)
    from builder.tools.readers import text as plain
    return plain.read(name, text)


def file_bytes(path: Path) -> bytes:
    """The bytes of a document file, refused in one line when it is missing, not a
    regular file, empty or too large."""
    if not path.exists():
        raise DocumentError("no such file")
    if not path.is_file():
        raise DocumentError("not a file (a folder or a device); name a document")
    size = path.stat().st_size
    if size > FILE_LIMIT:
        raise DocumentError(f"the file is {size / 1024 / 1024:,.0f} MB; at most "
                            f"{FILE_LIMIT // 1024 // 1024} MB is read")
    if size == 0:
        raise DocumentError("the file is empty; download it again")
    try:
        return path.read_bytes()
    except OSError as err:
        raise DocumentError(f"the file cannot be read: {err.strerror}") from None
