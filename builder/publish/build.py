"""The build, top to bottom: sources → history → site → render → outputs → publish.

With the cache (ROOT/.cache/budgetsite/, see core/cache.py) each stage skips what did
not change: a build whose inputs are all as they were stops after looking at them;
otherwise unchanged project folders are not read again, unchanged pages are not
rendered again, unchanged files are not written again and an unchanged set of
pages keeps its search index. The result is always the cold build's, byte for byte.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from builder.core import codes
from builder.core.cache import Cache, Kept, digest
from builder.core.errors import BuildError, ConfigError, ContentError, Problem
from builder.publish.lock import DEFAULT_WAIT, site_lock
from builder.publish.shard import ShardSpec
from builder.sources import inputs as sources
from builder.sources.load import LoadError, source_bytes

CACHE_DIR = Path(".cache") / "budgetsite"


@dataclass(frozen=True)
class BuildConfig:
    root: Path
    out: Path
    base_path: str | None = None
    strict: bool | tuple[str, ...] = False  # every warning fails, or those of these codes
    search: bool = True
    cache: bool = True
    wait: float = DEFAULT_WAIT  # seconds to wait for another build of the root (lock.py)
    shard: "ShardSpec | None" = None  # build only this shard's districts (shard.py)


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    warnings: tuple[Problem, ...] = ()
    seconds: float = 0.0
    written: int = 0      # files whose bytes were written (the rest were already there)
    unchanged: bool = False  # nothing had changed: the build stopped at once
    timings: dict[str, float] = field(default_factory=dict)


def build(config: BuildConfig) -> BuildReport:
    """Build the site into config.out; on any failure the old output stays. One build
    of a root at a time: the whole build, the quick "nothing changed" look included,
    holds the site's lock (lock.py), since it reads and writes the shared cache."""
    started = time.perf_counter()
    try:
        name = None if config.shard is None else cache_dir(config).name
        with site_lock(config.root, config.out, config.wait, _tell, name):
            return _locked_build(config, started)
    except OSError as err:
        raise BuildError(_disk_problem(config, err)) from None


def _disk_problem(config: BuildConfig, err: OSError) -> str:
    """One line for a file the build could not read or write (a read-only folder, a
    full disk, .cache/ removed while the build ran): which file, and what to do."""
    where = Path(os.fsdecode(err.filename)) if err.filename else None
    reason = err.strerror or type(err).__name__
    cache = (config.root / CACHE_DIR.parts[0]).absolute()
    if where is not None and (where.absolute() == cache or cache in where.absolute().parents):
        from builder.publish.swap import MARKER
        state = "holds a complete site" if (config.out / MARKER).is_file() else \
            "was not written"
        return (f"could not use the build cache ({where}: {reason}); make {cache} "
                f"writable, delete it, or build with --no-cache. The output folder "
                f"{config.out} {state}")
    return (f"could not write or read {where or 'a file'}: {reason}; the output folder "
            f"{config.out} was left as it was")


def _tell(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _locked_build(config: BuildConfig, started: float) -> BuildReport:
    if config.base_path is not None:
        from builder.sources import schema  # (Markdown and more: not for a no-op build)
        problem = schema.base_path_problem(config.base_path)
        if problem:
            raise ConfigError(f"--base-path: {problem}")
    cache = Cache(cache_dir(config), read=False) if config.cache else Cache.disabled()
    options = repr((str(config.out.resolve()), config.base_path, config.strict,
                    config.search, str(config.shard)))
    inputs = sources.fingerprint(config.root, options) if cache.enabled else None
    last = cache.read_inputs()
    if inputs is not None and last.get("inputs") == inputs and _same_output(config.out, last):
        return BuildReport(last["pages"], last["files"], last["warnings"],
                           time.perf_counter() - started, 0, True)
    cache.load()
    from builder.publish import swap as publish
    try:
        report = _build(config, cache)
    except publish.StaleOutput:
        # The output folder was changed by hand: forget what the cache knew of it.
        cache.keep_only_trees(set())
        report = _build(config, cache)
    cache.save()
    # The rest: checking the inputs, reading the cache before and writing it after.
    report.timings["cache"] = time.perf_counter() - started - sum(report.timings.values())
    if inputs is not None:
        cache.keep_inputs({"inputs": inputs, "out": _folder_id(config.out),
                           "pages": report.pages, "files": report.files,
                           "warnings": report.warnings})
    report.seconds = time.perf_counter() - started
    return report


def cache_dir(config: BuildConfig) -> Path:
    """The build cache; a shard's of its own, as on a CI runner of its own."""
    if config.shard is None:
        return config.root / CACHE_DIR
    from builder.publish import shard
    return config.root / CACHE_DIR.parent / shard.shard_cache_name(config.shard)


def _same_output(out: Path, last: dict) -> bool:
    return last.get("out") is not None and last.get("out") == _folder_id(out)


def _folder_id(out: Path) -> tuple[int, int] | None:
    """The output folder and its marker file, as the swap left them."""
    from builder.publish.swap import MARKER
    try:
        return out.stat().st_ino, (out / MARKER).stat().st_ino
    except OSError:
        return None


class _Clock:
    """Seconds spent per stage, for `budgetsite build --timings` and the benchmark."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._last
        self._last = now


def _build(config: BuildConfig, cache: Cache) -> BuildReport:
    from builder.publish import swap as publish

    lap = _Clock()
    # The fresh staging folder, if one is needed, is linked while the sources are read.
    linking = publish.link_in_background(config.out, cache)
    try:
        return _stages(config, cache, lap, linking)
    finally:
        if linking is not None:
            linking.wait()  # (a build that failed before the output stage: no zombie)


def _stages(config: BuildConfig, cache: Cache, lap: _Clock, linking) -> BuildReport:
    from builder.history import revisions as history_stage
    from builder.outputs import links
    from builder.publish import swap as publish
    from builder.render import renderer as render
    from builder.site import structure as site_stage
    from builder.sources import discover

    lap = _Clock()
    if config.shard is None:
        content, chosen = discover.load_content(config.root, cache), None
    else:
        from builder.publish import shard
        content, chosen = shard.load(config.root, config.shard, cache)
    gc.freeze()  # the model lives as long as the build: the collector need not walk it
    lap("load")
    if codes.failing(content.warnings, config.strict):
        raise ContentError(list(content.warnings))
    history = history_stage.read(config.root, [p.key for p in content.projects], content, cache)
    if chosen is None:
        site = site_stage.make_site(content, config.base_path, history)
        _known_scores(site, cache)
        pages, part = site_stage.pages(site), None
    else:
        site = site_stage.make_site(content, config.base_path, history, chosen.elsewhere)
        _known_scores(site, cache)
        pages = shard.candidate_pages(site)
        part = shard.Part.of(config.root, config.shard, site, pages,
                             {"base_path": site.urls.base_path, "search": config.search},
                             chosen)
    cache.keep(SCORES, {d: score.results for d, score in site.scores.items()})
    dirs = tuple(sources.template_dirs(config.root))
    for folder in dirs:
        sources.regular_files(folder, config.root)  # before Jinja2 opens a template
    lap("site")
    output = publish.Output(config.out, cache, linking)
    lap("staging")
    try:
        scans: dict = {}
        files = render.render_site(site, pages if part is None else part.pages, dirs, cache,
                                   output, links.scan, scans)
        lap("render")
        made = site_files(site, pages, dirs, cache, config.root, output.has) \
            if part is None else part.files(site, cache, config.root)
        for more in made:
            _put(files, more, output)
        # A site with no project yet (just after `budgetsite init`) has nothing to index.
        index = config.search and bool(site.projects if part is None else part.projects)
        if index:
            plan = _search_plan(files, cache, output, site, part)
        lap("data")
        output.write(files)
        lap("write")
        records = None
        if index:
            records = _search(plan, output, cache, len(site.projects), part)
            lap("search")
        if part is None:
            # Last before the swap, so that it sees every file every stage wrote.
            names = {name: d for name, (d, _) in output.spare.items()}
            broken = links.check_output(output.staging, names, site.urls,
                                        config.out.as_posix(), cache, scans)
            lap("links")
        else:
            # A shard's links point into other shards: the merged site is checked whole.
            broken = []
            part.finish(site, output, records, cache, scans)
            lap("manifest")
        if codes.failing(broken, config.strict):
            raise ContentError(broken)
        output.swap()
        lap("swap")
    except BaseException:
        output.discard()
        raise
    return BuildReport(pages=len(pages if part is None else part.pages),
                       files=len(output.spare),
                       warnings=content.warnings + tuple(broken), written=output.written,
                       timings=lap.timings)


SCORES = "scores"  # the cache's table of each project's scorecard results, by its digest


def _known_scores(site, cache: Cache) -> None:
    """The scorecard results of projects an earlier build scored, by the digest of their
    sources (a score is the project's own), for the site's scorecard to take as they
    are (site.scores, as the live engine keeps them)."""
    from builder.site.scorecard import ProjectScore
    known = cache.table(SCORES)
    for project in site.projects:
        results = known.get(project.digest) if project.digest else None
        if results is not None:
            site.scores[project.digest] = ProjectScore(project, results)


def site_files(site, pages: list, dirs: tuple[Path, ...], cache: Cache, root: Path,
               have: Callable[[str, str], bool] | None = None
               ) -> Iterator[dict[str, bytes | Kept]]:
    """The files besides the pages, each stage's by name, one stage at a time (so that
    a stage's files can be written and let go before the next is made): open data,
    feeds, the site map, the static assets. The batch build and the live engine both
    write these. With `have` (whether the output folder holds a file with these bytes,
    by name and digest), a file that an earlier build made from the same inputs may
    stand in by its digest (Kept) instead of its bytes."""
    from builder.outputs import data, explorer_data, originals, sitemap
    from builder.site import feeds, recent
    made = data.project_data_cached(site, cache)
    yield data.files(site, made)
    yield explorer_data.files(site, cache, have, made)
    yield feeds.files(site)
    yield sitemap.files(site, pages)
    yield recent.files(site)
    yield originals.files(site, root)
    yield _static(dirs, root)


def _put(files: dict, more: dict[str, bytes | Kept], output) -> None:
    """Write a stage's files into the staging folder now and keep only their digests:
    at 10,000 projects the open data alone is hundreds of megabytes. (A Kept file is
    in the output folder already: the write step links it.)"""
    digests = {name: data if isinstance(data, Kept) else digest(data)
               for name, data in more.items()}
    _add(files, {name: (d, None) for name, d in digests.items()})
    for name, data in more.items():
        if not isinstance(data, Kept):
            output.put(name, digests[name], data)


def _search_plan(files: dict, cache: Cache, output, site, shard=None) -> dict:
    """The parts of the search index, and those an earlier build left as they are: their
    files join the site as they are; the files made from all parts too, if every part is
    kept. The key index of exact things (names, numbers, codes, amounts) is small and
    made every time. A shard indexes only its districts' parts, and leaves what is made
    from all parts (the key index among them) to the merge."""
    from builder.outputs import search, search_keys
    if shard is None:
        _add(files, {n: (digest(b), b)
                     for n, b in search_keys.files(site.projects, cache).items()})
    binary = search.extended_binary()
    pages = {n: d for n, (d, _) in files.items() if n.endswith(".html")}
    parts = search.plan(search.project_pages(pages)) if shard is None else shard.search_parts
    keys = {part.folder: search.part_key(binary, part, pages) for part in parts}
    kept = search.reusable(cache, keys, output.has)
    if shard is not None:
        for made in kept.values():
            _add(files, {name: (d, None) for name, d in made["files"].items()})
        return {"binary": binary, "parts": parts, "keys": keys, "kept": kept}
    if "data/projects.csv" in files:  # the rows that "download these results" writes
        written = (output.staging / "data/projects.csv").read_bytes()
        _add(files, {n: (digest(b), b) for n, b in search.rows(written).items()})
    for made in kept.values():
        _add(files, {name: (d, None) for name, d in made["files"].items()})
    if len(kept) == len(parts):
        _add(files, {n: (digest(b), b) for n, b in search.derived(parts, kept).items()})
    return {"binary": binary, "parts": parts, "keys": keys, "kept": kept}


def _search(plan: dict, output, cache: Cache, projects: int, shard=None) -> dict:
    """Index the parts whose pages changed, side by side, and write the files made
    from all parts (a shard leaves those to the merge); the record of each part."""
    from builder.outputs import search
    parts, kept = plan["parts"], plan["kept"]
    made = dict(kept)
    todo = [part for part in parts if part.folder not in kept]
    for part in search.run_parts(output.staging, todo, plan["binary"]):
        record = search.record(output.staging, part)
        written = output.add_written(part.folder)
        if part.folder == search.BUNDLE:  # its entry is remade with every part's counts
            written.pop(f"{search.BUNDLE}/pagefind-entry.json")
        made[part.folder] = dict(record, key=plan["keys"][part.folder], files=written)
    if shard is not None:
        output.drop(f"{search.BUNDLE}/pagefind-entry.json")  # the merge writes it
        search.check(parts, made, len(shard.projects))
        cache.keep("search", {"parts": made}, sharded=False)
        return made
    search.check(parts, made, projects)
    if todo:
        for name, data in search.derived(parts, made).items():
            output.put(name, digest(data), data)
    cache.keep("search", {"parts": made}, sharded=False)
    return made


def _static(dirs: tuple[Path, ...], root: Path) -> dict[str, bytes]:
    """The static assets under static/; the site's own override the defaults file by
    file. Regular files only (sources.regular_files): a link to /etc/passwd is refused."""
    found: dict[str, bytes] = {}
    for folder in reversed(dirs):
        static = folder / "static"
        files = sources.regular_files(static, root) if static.is_dir() else {}
        for name, path in files.items():
            try:
                found[f"static/{name}"] = source_bytes(path, sources.shown(path, root), None)
            except LoadError as err:
                raise ContentError(err.problems) from None
    return found


def _add(files: dict, more: dict) -> None:
    """Add generated files; two stages writing one path is a bug, not a choice."""
    clash = sorted(files.keys() & more.keys())
    if clash:
        raise BuildError(f"two parts of the build write {clash[0]}")
    files.update(more)
