"""The original documents the disclosures were transcribed from, published beside
the open data (the `source.original` of project.yaml)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from builder.core.errors import BuildError
from builder.site.model import Site
from builder.site.urls import Urls
from builder.sources.provenance import original_of


def files(site: Site, root: Path) -> dict[str, bytes]:
    """Each project's original document, published once beside its data. The loader
    hashed it; a file changed since then would publish bytes the page does not
    describe, so the build stops instead."""
    out = {}
    for project in site.projects:
        original = original_of(project)
        if original is None:
            continue
        data = (root / project.source_dir / original.name).read_bytes()
        if hashlib.sha256(data).hexdigest() != original.sha256:
            raise BuildError(f"{project.source_dir}/{original.name} changed during the "
                             f"build; build again")
        out[Urls.original(project)] = data
    return out
