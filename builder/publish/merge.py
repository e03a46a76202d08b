"""`budgetsite merge DIR... --out public`: the shards of a build split by district
(shard.py) made into the one site a whole build writes, byte for byte.

First the shards' manifests are checked: every shard of one N present once, all of
one commit of the sources, one budgetsite version and the same options, no file
written by two shards. Then a forked process checks every file's size and SHA-256
against its manifest and links the files into the staging folder, while this one
rebuilds the site's model from the shards' summaries (each project without its
narrative, its history, its score) and makes the pages and files that span districts
by the same code as in a whole build, but for what the shards rendered of them: the
rows of the scorecard, explorer, year and unit pages, put on them as they are. The first
thing wrong is named in one line and nothing is published: only when every file was
found as listed are the links of the whole site checked and the result swapped into
place as a build's is.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core import codes
from builder.core.cache import Cache
from builder.core.parallel import Forked
from builder.outputs.links import Scanned
from builder.core.errors import BuildError, ContentError, Problem
from builder.publish import shard as shards
from builder.publish.lock import DEFAULT_WAIT, site_lock


@dataclass(frozen=True)
class MergeConfig:
    dirs: tuple[Path, ...]
    out: Path
    root: Path = Path(".")  # the site's own templates and static files, if it has any
    strict: bool | tuple[str, ...] = False
    wait: float = DEFAULT_WAIT


@dataclass
class MergeReport:
    pages: int = 0
    files: int = 0
    warnings: tuple[Problem, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Shard:
    folder: Path
    manifest: dict

    @property
    def spec(self) -> shards.ShardSpec:
        return shards.parse_spec(self.manifest["shard"])

    @property
    def name(self) -> str:
        return f"shard {self.manifest['shard']} ({self.folder})"


def merge(config: MergeConfig) -> MergeReport:
    started = time.perf_counter()
    found = check(config.dirs)
    try:
        with site_lock(config.root, config.out, config.wait, _tell):
            report = _merge(config, found)
    except OSError as err:
        where = os.fsdecode(err.filename) if err.filename else "a file"
        raise BuildError(f"could not write or read {where}: {err.strerror or err}; the "
                         f"output folder {config.out} was left as it was") from None
    report.seconds = time.perf_counter() - started
    return report


def _tell(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ---- the checks ------------------------------------------------------------------

def check(dirs: tuple[Path, ...]) -> list[Shard]:
    """The shards in order of K, or BuildError naming the first thing wrong in their
    manifests: the set, the sources, the options, a path written twice. (Their files
    are checked against the manifests by `check_files`, beside the merge's work.)"""
    if not dirs:
        raise BuildError("merge: name the shard folders to merge")
    found = [_read(folder) for folder in dirs]
    _check_set(found)
    _check_same(found)
    _check_overlap(found)
    return sorted(found, key=lambda s: s.spec.k)


def check_files(found: list[Shard]) -> dict[str, dict[str, int]]:
    """Every shard's files as its manifest lists them, or BuildError naming the first
    that is not; per shard, each file's inode."""
    return {str(one.folder): _check_files(one) for one in found}


def _read(folder: Path) -> Shard:
    path = folder / shards.MANIFEST
    if not path.is_file():
        raise BuildError(f"{folder} holds no shard (no {shards.MANIFEST}); build one with "
                         f"budgetsite build --shard K/N --out {folder}")
    try:
        manifest = shards.read_json(path)
        spec = shards.parse_spec(manifest["shard"])
        if manifest.get("format") != shards.FORMAT or not isinstance(manifest["files"], dict):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, BuildError):
        raise BuildError(f"{path} is damaged or of another budgetsite; build the shard "
                         f"again") from None
    del spec
    return Shard(folder, manifest)


def _check_set(found: list[Shard]) -> None:
    n = found[0].spec.n
    by_k: dict[int, Shard] = {}
    for one in found:
        if one.spec.n != n:
            raise BuildError(f"{one.name} is not one of {n} shards like {found[0].name}; "
                             f"merge the shards of one split")
        if one.spec.k in by_k:
            raise BuildError(f"shard {one.spec} is given twice: {by_k[one.spec.k].folder} "
                             f"and {one.folder}")
        by_k[one.spec.k] = one
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in by_k]
    if missing:
        raise BuildError(f"shard {', '.join(missing)} missing: give all {n} shard folders "
                         f"(got {', '.join(sorted(str(s.spec) for s in found))})")


def _check_same(found: list[Shard]) -> None:
    first = found[0]
    for one in found[1:]:
        a, b = first.manifest, one.manifest
        if a["budgetsite"] != b["budgetsite"]:
            raise BuildError(f"{one.name} was built by budgetsite {b['budgetsite']}, "
                             f"{first.name} by {a['budgetsite']}; build them with one version")
        if a["sources"]["commit"] != b["sources"]["commit"]:
            raise BuildError(f"{one.name} was built from commit "
                             f"{_short(b['sources']['commit'])}, {first.name} from "
                             f"{_short(a['sources']['commit'])}; build every shard from "
                             f"one commit")
        if a["sources"]["digest"] != b["sources"]["digest"]:
            raise BuildError(f"{one.name} was built from other sources than {first.name} "
                             f"(edits not committed?); build every shard from one commit")
        if a["options"] != b["options"]:
            raise BuildError(f"{one.name} was built with other options ({b['options']}) "
                             f"than {first.name} ({a['options']})")


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "(not a git checkout)"


def _check_overlap(found: list[Shard]) -> None:
    seen: dict[str, Shard] = {}
    for one in found:
        for name in one.manifest["files"]:
            if name in shards.OWN_FILES:
                continue
            if name in seen:
                raise BuildError(f"{name} is written by two shards, {seen[name].name} and "
                                 f"{one.name}; merge the shards of one split")
            seen[name] = one


def _check_files(one: Shard) -> dict[str, int]:
    """Every file as its manifest lists it, and no other: the folder walked once
    without following a link (so a file found is a plain file inside it), the files
    hashed on every core (hashlib lets go of the interpreter's lock); each file's
    inode, by name."""
    from concurrent.futures import ThreadPoolExecutor
    from builder.core.parallel import worker_count
    from builder.publish.swap import MARKER
    listed = one.manifest["files"]
    plain, other = _walk(one.folder)
    for name in sorted(listed):
        if name not in plain:
            raise BuildError(f"{one.folder / name} is missing from {one.name}, or not a "
                             f"plain file; build the shard again")
    names = sorted(listed)
    # A batch of files a task: most are small pages, and a task per file cost more in
    # the pool's hand-over than in the hashing.
    batches = [names[i:i + 256] for i in range(0, len(names), 256)]
    folder = f"{one.folder}/"  # (names as text: a path object per file cost a third)
    with ThreadPoolExecutor(worker_count()) as pool:
        found = pool.map(lambda batch: [shards.file_entry(folder + n) for n in batch],
                         batches)
        for batch, entries in zip(batches, found):
            for name, entry in zip(batch, entries):
                if entry != listed[name]:
                    raise BuildError(shards.damaged(one.folder / name, one.name))
    extra = sorted(name for name in plain.keys() | other
                   if name not in listed and name not in (MARKER, shards.MANIFEST))
    if extra:
        raise BuildError(f"{one.folder / extra[0]} is not in {one.name}'s manifest; "
                         f"build the shard again")
    return plain


def _walk(folder: Path) -> tuple[dict[str, int], set[str]]:
    """The plain files under `folder` (with their inodes) and everything else that is
    not a folder (links among them), by their names relative to it; links are not
    followed."""
    plain, other = {}, set()
    for name, entry in shards.walk(folder):
        if entry.is_file(follow_symlinks=False):
            plain[name] = entry.inode()
        else:
            other.add(name)
    return plain, other


# ---- the site from the summaries ----------------------------------------------------

@dataclass(frozen=True)
class Shipped:
    """What the shards made of their projects for the merge's files, besides the model."""

    search: list  # each shard's section of its parts' search records, with the shard
    scans: dict  # the link scans of the shards' files (links.scan_key → scan)
    rows: dict  # each project's open-data rows (ShippedData), by project key
    scorecard: dict  # the scorecard's rows, by district and language
    keys: list  # each shard's section of the key index's entries, with the shard
    rendered: dict  # where each project's rows of each kind are: (its shard's ROWS, places)


def site_of(found: list[Shard]):
    """The site's model rebuilt from the shards' summaries (read one at a time: only
    the model and what they shipped are kept), and what they shipped (Shipped)."""
    from builder.core.model import Content
    from builder.site import scorecard, structure
    reader = shards.SummaryReader()
    projects, history, scores, search, scans, rows = [], {}, {}, [], {}, {}
    card_rows: dict[str, dict] = {}
    keys: list[tuple[bytes, Shard]] = []
    rendered: dict[str, dict[str, tuple]] = {kind: {} for kind in shards.ROW_MACROS}
    dated, first = False, None
    for one in found:
        record = reader.load(one.folder, one.manifest, one.name)
        first = first or {key: record[key] for key in ("config", "districts", "city")}
        mine = record["projects"]
        projects += mine
        dated = dated or record["history"] is not None
        history.update(record["history"] or {})
        results = record["scores"]
        scores.update({p.digest: scorecard.ProjectScore.shipped(p, *results[p.key])
                       for p in mine})
        if record["search"] is not None:
            search.append((record["search"], one))
        scans.update(_scans(record["links"], one))
        made = _mapped(one.folder / shards.ROWS)
        rows.update({key: ShippedData(made, *where)
                     for key, where in record["data"].items()})
        card_rows.update(record["scorecard"])
        if record.get("search_keys") is not None:
            keys.append((record["search_keys"], one))
        if record["rows"]:
            for kind, places in record["rows"].items():
                rendered[kind].update({key: (made, where) for key, where in places.items()})
        del record
    projects.sort(key=lambda p: (p.district.slug, p.year, p.slug))
    content = Content(first["config"], first["districts"], first["city"], tuple(projects))
    options = found[0].manifest["options"]
    site = structure.make_site(content, options["base_path"], history if dated else None)
    site.scores.update(scores)
    return site, Shipped(search, scans, rows, card_rows, keys, rendered)


def _mapped(path: Path):
    """A shard's file of rendered rows, read where the pages need them (mapped: at
    40,000 projects the rows are half a gigabyte, and the forked workers share them)."""
    import mmap
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class ShippedData:
    """A project's open data as its shard shipped it (shard.data_lines): what the open
    data tables and the explorer's parts ask of its data.ProjectData (but its own JSON
    file, the shard's), read from the shard's ROWS when they ask for it, a line at a
    time, so that the merge holds where the lines are and not the lines."""

    __slots__ = ("made", "start", "count", "packed", "ends")

    def __init__(self, made, start: int, count: int, packed: bytes):
        self.made, self.start, self.count, self.packed = made, start, count, packed
        self.ends: list[int] | None = None  # where each line ends, once asked for

    def line(self, n: int) -> str:
        """Its n-th line, from 0, as shard.data_lines lists them."""
        ends = self.ends
        if ends is None:
            ends = self.ends = list(itertools.accumulate(
                shards.unpack_lengths(self.packed), initial=self.start))
        return str(self.made[ends[n]:ends[n + 1]], "utf-8")

    @property
    def csv(self) -> _Tables:
        return _Tables(self)

    @property
    def listed(self) -> str:
        return self.line(len(shards.DATA_LINES))

    @property
    def indicator_lines(self) -> _Lines:
        return _Lines(self, len(shards.DATA_LINES) + 1)

    @property
    def explorer_lines(self) -> _Lines:
        return _Lines(self, len(shards.DATA_LINES) + 1 + self.count)


class _Tables:
    """ShippedData.csv: its text of each table, by the table's name."""

    __slots__ = ("data",)

    def __init__(self, data: ShippedData):
        self.data = data

    def __getitem__(self, name: str) -> str:
        from builder.outputs.data import INDICATORS
        if name == INDICATORS.name:
            return "".join(self.data.indicator_lines)
        return self.data.line(shards.DATA_LINES.index(name))


class _Lines:
    """ShippedData's lines of each indicator, from its `first` line."""

    __slots__ = ("data", "first")

    def __init__(self, data: ShippedData, first: int):
        self.data, self.first = data, first

    def __len__(self) -> int:
        return self.data.count

    def __getitem__(self, n: int) -> str:
        if not 0 <= n < self.data.count:
            raise IndexError(n)
        return self.data.line(self.first + n)

    def __iter__(self):
        return (self[n] for n in range(self.data.count))


def _scans(shipped: dict, one: Shard) -> dict:
    """A shard's link scans, keyed as the link check looks them up (by the file's name
    and the digest the merge gives it, its SHA-256)."""
    from builder.outputs import links
    files = one.manifest["files"]
    return {links.scan_key(name, "sha256:" + files[name][1]):
            (links.Scanned(ids, urls), signature)
            for name, (ids, urls, signature) in shipped.items() if name in files}


def _merge(config: MergeConfig, found: list[Shard]) -> MergeReport:
    from builder.publish import build as batch, swap as publish
    lap = batch._Clock()
    output = publish.Output(config.out, Cache.disabled())
    try:
        adoption = Adoption(found, output)
    except BaseException:
        output.discard()
        raise
    try:
        pages, broken = _merge_with(config, found, output, adoption, lap)
    except BaseException as err:
        refusal = adoption.refusal(interrupted=not isinstance(err, Exception))
        output.discard()
        if refusal is not None:  # a damaged shard explains what failed here
            raise refusal from None
        raise
    return MergeReport(len(pages), len(output.spare), tuple(broken), timings=lap.timings)


def _merge_with(config: MergeConfig, found: list[Shard], output, adoption: Adoption, lap):
    """The merge's own files made while `adoption` checks and links the shards'."""
    from builder.outputs import links
    from builder.publish import build as batch
    from builder.render import renderer as render
    from builder.sources import inputs as sources
    # Millions of objects, none in a cycle, that live as long as the merge: the
    # collector is kept from walking them again and again while they are made (at
    # 10,000 projects that took more time than the making), and then from ever
    # walking them (nor touching them in the forked workers, which then share them).
    gc.disable()
    try:
        site, shipped = site_of(found)
    finally:
        gc.freeze()
        gc.enable()
    # The shards' pages only in outline, for the site map: their shards rendered them.
    merged, outlined = shards.merged_pages(site), shards.candidate_pages(site, outline=True)
    pages = merged + outlined
    owner = _ownership(site, pages)
    _check_rows(site, shipped.rendered)
    mine = [_with_shard_rows(_with_rows(p, site, shipped.scorecard), shipped.rendered)
            for p in merged]
    shipped.scorecard.clear()  # on the page now: hundreds of megabytes at 40,000 projects
    dirs = tuple(sources.template_dirs(config.root))
    for folder in dirs:
        sources.regular_files(folder, config.root)
    gc.freeze()  # the pages' contexts, too
    lap("site")
    cache = Cache.disabled()
    # The files besides the pages (open data, explorer data, feeds, site map, the search
    # entry and the key index of exact things) are made by one process forked beside
    # the rendering, which then renders pages too, as this one does, until none is left
    # (RenderShares). With the check of the shards' files that keeps both cores busy;
    # each process more would hold its own copy of the model (a process writes to every
    # object it reads, its count of references: at 40,000 projects a render worker or a
    # process for the key index took 0.9 to 1.2 GiB of its own).
    search = found[0].manifest["options"]["search"] and bool(site.projects)
    renderer = render.Renderer(site, dirs)
    render.one_page_per_path(mine)
    renderer.compile({page.template for page in mine})  # once, before the fork
    shares = RenderShares(renderer, mine, output, _Scan(mine))

    def beside() -> tuple:
        return (_data_files(site, pages, dirs, config.root, shipped, owner, output, search),
                shares.render())
    making = Forked(beside, "making the open data files and rendering pages")
    try:
        here = shares.render()
        lap("render")
        (made, entries, scans), there = making.wait()
    except BaseException:
        making.stop()
        raise
    files = shares.join(here, there, shipped.scans)
    output.record_forked(entries)
    shipped.scans.update(scans)
    batch._add(files, made)
    lap("data")
    adopted = adoption.wait()
    output.record_forked(adopted)
    batch._add(files, {name: (wanted, None) for name, (wanted, _) in adopted.items()})
    lap("shards")
    output.write(files)
    names = {name: d for name, (d, _) in output.spare.items()}
    broken = links.check_output(output.staging, names, site.urls, config.out.as_posix(),
                                cache, shipped.scans)
    lap("links")
    if codes.failing(broken, config.strict):
        raise ContentError(broken)
    output.swap()
    lap("swap")
    return pages, broken


class RenderShares:
    """The merge's pages rendered by two processes, each taking the next CHUNK pages
    not yet taken until none is left (a count shared by the fork); whichever renders a
    page writes it into the staging folder and scans its links. `join` puts the two
    processes' results together in the pages' order, as one process would have them."""

    CHUNK = 32

    def __init__(self, renderer, pages: list, output, scan: _Scan):
        self.renderer, self.pages, self.output, self.scan = renderer, pages, output, scan
        self.taken = _SharedCount()

    def _take(self) -> range | None:
        start = self.taken.add(self.CHUNK)
        if start >= len(self.pages):
            return None
        return range(start, min(start + self.CHUNK, len(self.pages)))

    def render(self) -> list[tuple[int, str, Any, Any]]:
        """Render pages until none is left: (index, digest, placed, scan) of each."""
        from builder.render import renderer as render
        done = []
        while (taken := self._take()) is not None:
            for i in taken:
                done.append((i, *render.render_placed(self.renderer, self.pages[i],
                                                      self.output, self.scan)))
        return done

    def join(self, here: list, there: list, scans: dict) -> dict:
        """The pages' files by name (digest, None) in the pages' order, each recorded
        as placed in the staging folder, and their scans put into `scans`."""
        from builder.site.urls import output_file
        files = {}
        for i, made, placed, found in sorted(here + there, key=lambda done: done[0]):
            name = output_file(self.pages[i].path)
            self.output.record(name, placed)
            files[name] = (made, None)
            scans[self.scan.key(name, made)] = found
        if len(files) != len(self.pages):
            raise BuildError(f"{len(self.pages) - len(files)} of the merge's pages were "
                             f"not rendered")
        return files


class _SharedCount:
    """A count that this process and the processes it forks share (a shared page of
    memory), changed under a lock the kernel lets go of when its holder ends (lockf),
    so that a process killed while it counts cannot leave the other waiting."""

    def __init__(self):
        import mmap
        import tempfile
        self.file = tempfile.TemporaryFile()
        self.file.write(bytes(8))
        self.file.flush()
        self.shared = mmap.mmap(self.file.fileno(), 8)

    def add(self, step: int) -> int:
        """Add `step`; the count before."""
        import fcntl
        fcntl.lockf(self.file.fileno(), fcntl.LOCK_EX)
        try:
            before = int.from_bytes(self.shared[:8], "little")
            self.shared[:8] = (before + step).to_bytes(8, "little")
        finally:
            fcntl.lockf(self.file.fileno(), fcntl.LOCK_UN)
        return before


class Adoption(Forked):
    """The shards' files checked against their manifests (every byte: at 40,000
    projects some 350,000 files) and linked into the staging folder, by a process
    forked before the merge reads the summaries, so that the check and the links take
    the other core while the merge makes its own files. Nothing is published before
    `wait` says the check passed (the files linked, by name: (digest, inode)); a
    failing merge asks `refusal` first, since a damaged shard (its summary among its
    files) explains any failure after it."""

    def __init__(self, found: list[Shard], output):
        super().__init__(lambda: _adopt(found, output), "checking the shards' files")

    def refusal(self, interrupted: bool) -> BuildError | None:
        """After the merge failed: the check's refusal, if it found one (when the
        merge was interrupted, the check is ended instead)."""
        if interrupted:
            self.stop()
        try:
            kind, value = self._collect()
        except (OSError, pickle.UnpicklingError, EOFError):
            return None
        return BuildError(value) if kind == "refused" else None


def _adopt(found: list[Shard], output) -> dict[str, tuple[str, int]]:
    """In the forked process: every shard's files checked, then linked into the
    staging folder; what was linked, by name."""
    inodes = check_files(found)
    for one in found:
        mine, folder = inodes[str(one.folder)], f"{one.folder}/"
        output.adopt_all([(name, "sha256:" + sha, folder + name, mine[name])
                          for name, (_, sha) in one.manifest["files"].items()
                          if name not in shards.OWN_FILES])
    return {name: output.spare[name] for one in found for name in one.manifest["files"]
            if name not in shards.OWN_FILES}


def _with_rows(page, site, card_rows: dict):
    """The scorecard page with its rows of projects as the shards rendered them, a
    district at a time in the site's order (the order of its projects)."""
    import dataclasses
    from markupsafe import Markup
    if page.template != SCORECARD_PAGE:
        return page
    slugs = list(dict.fromkeys(p.district.slug for p in site.projects))
    lost = [slug for slug in slugs if slug not in card_rows]
    if lost:
        raise BuildError(f"the shards hold no scorecard rows for the district {lost[0]}; "
                         f"build its shard again")
    mine = [card_rows[slug][page.lang] for slug in slugs]
    parts = {kind: Markup("".join(rows[kind] for rows in mine))
             for kind in ("projects", "english")}
    return dataclasses.replace(page, context={
        **page.context, "parts": parts,
        "stitched": Parts(tuple(parts.values()),
                          tuple(Scanned(rows["ids"], rows["urls"]) for rows in mine))})


SCORECARD_PAGE = "pages/scorecard.html"

# The pages that list every indicator or project of a category or year: the kind of
# their rows (shard.ROW_MACROS), which rows and what follows each on the page.
ROWS_OF = {"pages/explorer_category.html": (
               "explorer", lambda c: ((r.project.key, r.position) for r in c["rows"]), b"\n"),
           "pages/year.html": (
               "year", lambda c: ((p.key, 1) for p in c["budget_year"].projects), b""),
           "pages/unit.html": (
               "unit", lambda c: ((p.key, 1) for p in c["unit"].projects), b"")}


def _check_rows(site, rendered: dict) -> None:
    """Every project of the site has its rows of every kind (a shard ships them for
    each of its projects; a project without indicators has no explorer rows, but its
    entry)."""
    for kind, made in rendered.items():
        lost = next((p.key for p in site.projects if p.key not in made), None)
        if lost is not None:
            raise BuildError(f"the shards hold no rows of the {kind} pages for the project "
                             f"{lost}; build its shard again")


def _with_shard_rows(page, rendered: dict):
    """A page that lists every indicator or project of a category, year or unit with
    its rows as the shards rendered them (each project's there: _check_rows)."""
    import dataclasses
    if page.template not in ROWS_OF:
        return page
    kind, which, after = ROWS_OF[page.template]
    return dataclasses.replace(page, context={
        **page.context, "stitched": Stitched(page, which, rendered[kind], after)})


class Stitched:
    """Rows the shards rendered, put on a page as they are, each followed by what the
    template's loop writes after it: found and joined when the page is rendered, in
    the worker that renders it (ROWS_OF says which), which then scans the page for
    its links without them (_Scan): the shards scanned them."""

    __slots__ = ("page", "which", "rows", "after", "made", "places")

    def __init__(self, page, which, rows: dict, after: bytes):
        # rows: (a shard's ROWS, where each of its project's rows are) by project key
        self.page, self.which, self.rows, self.after = page, which, rows, after
        self.made, self.places = b"", {}

    def __html__(self) -> str:
        out, lang, rows, places = [], self.page.lang, self.rows, self.places
        for key, position in self.which(self.page.context):
            made, where = rows[key]
            at = where[lang][0]
            start = at[0] + sum(at[1:position])
            out += (made[start:start + at[position]], self.after)
            places[key] = where[lang]
        self.made = b"".join(out)
        return self.made.decode("utf-8")

    @property
    def texts(self) -> tuple[bytes, ...]:
        return (self.made,)

    @property
    def scans(self) -> list[Scanned]:
        return [Scanned(ids, urls) for _, ids, urls in self.places.values()]


@dataclass(frozen=True)
class Parts:
    """The parts of a page the shards rendered (the scorecard's rows), and their scans."""

    parts: tuple[str, ...]
    scans: tuple

    @property
    def texts(self) -> tuple[bytes, ...]:
        return tuple(part.encode("utf-8") for part in self.parts)


class _Scan:
    """The link scan (links.scan) of the merge's pages: a page that holds parts the
    shards rendered is scanned without them, and their scans, the shards', joined to its
    own (at 40,000 projects the scorecard page is 90 MB, nearly all rows)."""

    def __init__(self, pages: list):
        from builder.site.urls import output_file
        self.stitched = {output_file(p.path): p.context["stitched"] for p in pages
                         if p.context and "stitched" in p.context}

    def __call__(self, name: str, data: bytes):
        from builder.outputs import links
        stitched = self.stitched.get(name)
        if stitched is None:
            return links.scan_bytes(name, data)
        for text in stitched.texts:
            data = data.replace(text, b"", 1)
        return links.joined([links.scan_bytes(name, data)[0], *stitched.scans])

    def key(self, name: str, digest: str) -> str:
        from builder.outputs import links
        return links.scan_key(name, digest)


def _ownership(site, pages: list) -> shards.Ownership:
    from builder.outputs import search
    from builder.site.urls import output_file
    parts = search.plan(search.project_pages(output_file(p.path) for p in pages))
    primary = parts[0].pages[0].split("/")[1] if parts else None
    return shards.Ownership({d.slug for d in site.content.districts}, primary,
                            shards.search_derived_names())


def _data_files(site, pages: list, dirs: tuple[Path, ...], root: Path, shipped: Shipped,
                owner: shards.Ownership, output, search: bool) -> tuple[dict, dict, dict]:
    """In a forked process: the merge's files besides its pages written into the
    staging folder; their digests (as the build's file table holds them), what the
    staging folder now holds of them, by name, and the link scans of those the link
    check reads (the site map lists every page: its scan took the link check seconds),
    by links.scan_key."""
    from builder.outputs import links, search_keys
    from builder.publish import build as batch
    files: dict = {}
    scans: dict = {}

    def put(more: dict) -> None:
        batch._put(files, more, output)
        scans.update((links.scan_key(name, files[name][0]), links.scan_bytes(name, data))
                     for name, data in more.items() if name.endswith(links.SCANNED))

    for more in _files(site, pages, dirs, root, shipped.rows):
        put({n: d for n, d in more.items() if owner.district(n) is None})
    if search:
        put(_search_files(site, pages, shipped, output))
        # the key index of exact things (it spans districts), from the entries the
        # shards made of their projects
        put(search_keys.files(site.projects, made=_sections(shipped.keys)))
    return files, {name: output.spare[name] for name in files}, scans


def _files(site, pages: list, dirs: tuple[Path, ...], root: Path, rows: dict):
    """The files besides the pages, as a whole build makes them (build.site_files),
    but for the originals and each project's own data file, which are the shards'; the
    open data tables join the rows each shard made of its projects."""
    from builder.outputs import data, explorer_data, sitemap
    from builder.publish import build as batch
    from builder.site import feeds, recent
    yield data.files(site, rows, project_files=False)
    yield explorer_data.files(site, made=rows)
    yield feeds.files(site)
    yield sitemap.files(site, pages)
    yield recent.files(site)
    yield batch._static(dirs, root)


def _sections(shipped: list[tuple[bytes, Shard]]) -> dict:
    """The shards' sections of one kind (shard.section) read and joined, in the
    process that needs them."""
    joined: dict = {}
    for data, one in shipped:
        try:
            joined.update(shards.read_section(data))
        except (pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError,
                ValueError, IndexError):
            raise BuildError(shards.damaged(one.folder / shards.SUMMARY,
                                            one.name)) from None
    return joined


def _search_files(site, pages: list, shipped: Shipped, output) -> dict[str, bytes]:
    """The search entry made from every part's record and the rows that "download these
    results" writes."""
    from builder.outputs import search
    from builder.site.urls import output_file
    parts = search.plan(search.project_pages(output_file(p.path) for p in pages))
    records = _sections(shipped.search)
    lost = [part.folder for part in parts if part.folder not in records]
    if lost:
        raise BuildError(f"the shards hold no search index for {lost[0]}; build every "
                         f"shard with search")
    search.check(parts, records, len(site.projects))
    written = (output.staging / "data/projects.csv").read_bytes()
    return {**search.derived(parts, records), **search.rows(written)}
