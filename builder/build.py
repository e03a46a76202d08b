"""The build, top to bottom: load → validate → site → render → publish."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import publish, render, search, site as site_stage, validate
from .errors import ContentError, Problem


@dataclass(frozen=True)
class BuildConfig:
    root: Path
    out: Path
    base_path: str | None = None
    strict: bool = False
    search: bool = True


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    warnings: tuple[Problem, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def build(config: BuildConfig) -> BuildReport:
    """Build the site into config.out; on any failure the old output stays."""
    started = time.perf_counter()
    content = validate.load_content(config.root)
    if config.strict and content.warnings:
        raise ContentError(list(content.warnings))
    site = site_stage.make_site(content, config.base_path)
    pages = site_stage.pages(site)
    dirs = tuple(render.template_dirs(config.root))
    files = render.render_all(site, pages, dirs)
    staging = publish.prepare(config.out)
    try:
        publish.write_files(staging, files)
        publish.copy_static(staging, [d / "static" for d in dirs])
        if config.search:
            search.index_site(staging, len(site.projects))
        publish.swap(staging, config.out)
    except BaseException:
        publish.discard(config.out)
        raise
    return BuildReport(pages=len(pages), files=len(files), warnings=content.warnings,
                       seconds=time.perf_counter() - started)
