"""Layouts: how the documents of one kind of office map to projects.

A layout is a module with NAME, TITLE (what it reads, for `--layout` and the report),
`recognises(document) -> int` (how many of its marks the document bears: 0 for none)
and `projects(document, hints) -> list[Found]`. It reads
the neutral document of builder/tools/readers and never the file itself, so a layout
reads its documents in every format. Adding a province's layout is one module here, its
name in registry.layouts(), a fixture and its tests (docs/staff-guide.md, "A new
layout"). This module holds what layouts give back; registry.py chooses one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from builder.core.model import District
from builder.tools.readers.document import Place


@dataclass(frozen=True)
class Note:
    """Something of the document the layout could not place, or had to decide."""

    place: Place
    field: str
    message: str
    code: str


@dataclass(frozen=True)
class Hints:
    """What the clerk told the command: used only where the document does not say."""

    districts: tuple[District, ...]
    district: str | None = None
    year: int | None = None
    name: str | None = None


@dataclass
class Found:
    """One project of a document: project.yaml's values (Chinese), zh.md's sections,
    the pages of the document it is on, and the notes for the report."""

    data: dict[str, Any]
    sections: dict[str, list[str]]
    notes: list[Note] = field(default_factory=list)
    pages: tuple[int, ...] = ()
    place: Place = field(default_factory=Place)  # where the project starts
    # The document's own section headings by section id, when its sections are not the
    # five of the Kunming form: zh.md then holds those sections under those headings.
    headings: dict[str, str] | None = None
