"""The build, top to bottom: load → validate → site → render → publish."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import data, feeds, links, publish, render, search, sitemap, validate
from . import history as history_stage, site as site_stage
from .errors import BuildError, ContentError, Problem


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


def _add(files: dict[str, bytes], more: dict[str, bytes]) -> None:
    """Add generated files; two stages writing one path is a bug, not a choice."""
    clash = sorted(files.keys() & more.keys())
    if clash:
        raise BuildError(f"two parts of the build write {clash[0]}")
    files.update(more)


def build(config: BuildConfig) -> BuildReport:
    """Build the site into config.out; on any failure the old output stays."""
    started = time.perf_counter()
    content = validate.load_content(config.root)
    if config.strict and content.warnings:
        raise ContentError(list(content.warnings))
    history = history_stage.read(config.root, [p.key for p in content.projects])
    site = site_stage.make_site(content, config.base_path, history)
    pages = site_stage.pages(site)
    dirs = tuple(render.template_dirs(config.root))
    files = render.render_all(site, pages, dirs)
    for more in (data.files(site), feeds.files(site), sitemap.files(site, pages)):
        _add(files, more)
    staging = publish.prepare(config.out)
    try:
        publish.write_files(staging, files)
        publish.copy_static(staging, [d / "static" for d in dirs])
        if config.search:
            search.index_site(staging, len(site.projects))
        # Last before the swap, so that it sees every file every stage wrote.
        broken = links.check(staging, site.urls, config.out.as_posix())
        if config.strict and broken:
            raise ContentError(broken)
        publish.swap(staging, config.out)
    except BaseException:
        publish.discard(config.out)
        raise
    return BuildReport(pages=len(pages), files=len(files),
                       warnings=content.warnings + tuple(broken),
                       seconds=time.perf_counter() - started)
