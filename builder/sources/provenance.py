"""Where a disclosure comes from: its original document, checked and published.

A figure is worth quoting only if a reader can find the document it came from.
`project.yaml` may name the original file, kept in the project folder exactly as
published; its size and SHA-256 let a reader check that the copy the site
publishes beside the page is the one the department issued.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from builder.core.model import OriginalFile, Project

if TYPE_CHECKING:
    from builder.core.errors import Checker

# An original is published, not read as a source file; a scanned PDF may be large.
MAX_ORIGINAL_BYTES = 50_000_000


def file_digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_source(folder: Path, data: Any, ok: Callable[[tuple], bool],
                 checker: Checker) -> OriginalFile | None:
    """The rules of the `source` fields and of the corrections' dates; the original file
    named by source.file when it is there, a plain file and not too big (`ok`: the
    field is well-formed)."""
    _check_corrections(data, ok, checker)
    source = data.get("source") if isinstance(data, dict) else None
    if not isinstance(source, dict):
        return None
    _check_dates(source, ok, checker)
    name = source.get("file")
    if not name or not ok(("source", "file")):
        return None
    path, where = folder / name, ("source", "file")
    if path.is_symlink() or not path.is_file():
        checker.error(where, f"there is no file {name!r} in the project folder; put the "
                             f"original document there, as published, or delete this field",
                      "original.missing")
    elif path.stat().st_size > MAX_ORIGINAL_BYTES:
        checker.error(where, f"{name} is larger than {MAX_ORIGINAL_BYTES:,} bytes, the most an "
                             f"original may have; give its official url instead",
                      "original.too-large")
    else:
        return OriginalFile(name, path.stat().st_size, file_digest(path, "sha256"))
    return None


def _check_corrections(data: Any, ok: Callable[[tuple], bool], checker: Checker) -> None:
    corrections = data.get("corrections") if isinstance(data, dict) else None
    for i, correction in enumerate(corrections if isinstance(corrections, list) else ()):
        if ok(("corrections", i, "date")) and correction.get("date"):
            _calendar_date(correction["date"], ("corrections", i, "date"), checker)


def _calendar_date(value: str, where: tuple, checker: Checker) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        checker.error(where, f"{value!r} is not a date of the calendar (year-month-day)",
                      "date.invalid")
        return None


def _check_dates(source: dict, ok: Callable[[tuple], bool], checker: Checker) -> None:
    days = {}
    for name in ("published", "retrieved"):
        if source.get(name) and ok(("source", name)):
            day = _calendar_date(source[name], ("source", name), checker)
            if day is not None:
                days[name] = day
    if len(days) == 2 and days["retrieved"] < days["published"]:
        checker.error(("source", "retrieved"), "the document was retrieved before it was "
                                               "published; check the two dates",
                      "source.dates")


def original_of(project: Project) -> OriginalFile | None:
    return project.source.original if project.source else None
