"""The known layouts, and the one that reads a document."""

from __future__ import annotations

from typing import Any

from builder.tools.layouts import kunming, shanghai
from builder.tools.readers.document import Document, DocumentError


def layouts() -> dict[str, Any]:
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
