"""Layouts: how the documents of one kind of office map to projects.

A layout is a module with NAME, TITLE (what it reads, for `--layout` and the report),
`recognises(document) -> int` (how many of its marks the document bears: 0 for none)
and `projects(document, hints) -> list[Found]`. It reads
the neutral document of builder/tools/readers and never the file itself, so a layout
reads its documents in every format. Adding a province's layout is one module here, its
name in LAYOUTS, a fixture and its tests (docs/staff-guide.md, "A new layout").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from builder.core.model import District
from builder.tools.readers import Document, DocumentError, Place


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


def layouts() -> dict[str, Any]:
    from builder.tools.layouts import kunming, shanghai
    return {module.NAME: module for module in (kunming, shanghai)}


def choose(document: Document, forced: str | None = None):
    """The layout that reads `document`: the one `--layout` names, else the first that
    recognises it. Raises DocumentError when none does."""
    known = layouts()
    if forced:
        if forced not in known:
            raise DocumentError(f"no layout named {forced!r}; known: {', '.join(known)}")
        return known[forced]
    scores = [(layout.recognises(document), -i, layout)
              for i, layout in enumerate(known.values())]
    score, _, layout = max(scores, key=lambda item: item[:2])
    if score > 0:
        return layout
    raise DocumentError("no known layout recognises this document (a Kunming disclosure "
                        "with 项目名称 and 项目绩效目标表, or a Shanghai department budget "
                        "with “…经费情况说明” pages); see docs/staff-guide.md, “A new "
                        "layout”, or force one with --layout " + "|".join(known))
