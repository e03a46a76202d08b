"""A build split by district: which districts a shard builds, which output files are
theirs, and what a shard leaves for the merge (merge.py).

A shard is the K-th of N sets of districts. The districts are dealt in order of their
GB/T 2260 codes into N runs of neighbours, balanced by their weight (projects, plus one
for the district's own page), so that the same sources always give the same shards
and one more project moves at most a boundary. Every output file whose path names a
district (its pages, embeds, programmes, feeds, search part, per-project data and
originals) is that district's shard's; every other file (home, years, units, the
scorecard, the explorer, the site's feeds, the site map, the open data tables, the
search entry) spans districts and is the merge's, made from the shards' summaries.

A shard folder holds its files at their places in the site, and three of its own:
MANIFEST (every file with its size and SHA-256, the sources, the budgetsite version,
K/N and the build's options), SUMMARY (the records the merge rebuilds the site's
model from: each project without its narrative and with its indicators only as the
pages that span districts list them, its history and its score; and the sections
only one of the merge's processes reads: the search index's record of each of the
shard's parts, the key index's entries) and ROWS (its projects' rows of the
explorer's, the year pages' and the unit pages' tables, rendered, then their lines
of the open data tables, as bytes: SUMMARY says where each one is).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import pickle
import re
import struct
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import builder
from builder.core.errors import BuildError, ConfigError
from builder.site.urls import reserved_segments
from builder.core.i18n import LANGS
from builder.core.model import District, ListedIndicator

MANIFEST = ".budgetsite-shard.json"
SUMMARY = ".budgetsite-summary.pickle"
ROWS = ".budgetsite-rows.bin"
OWN_FILES = frozenset({SUMMARY, ROWS})  # the shard's files for the merge, not the site's
SCORECARD_MACROS = "macros/scorecard.html"  # the scorecard's rows, made by the shards
# The rows of the pages that list every project or indicator of a year or category, by
# their kind: the macro that renders them; the merge puts them on its pages as they are.
ROW_MACROS = {"explorer": ("macros/explorer_row.html", "row"),
              "year": ("macros/tables.html", "year_row"),
              "unit": ("macros/tables.html", "unit_row")}
FORMAT = 10  # of MANIFEST and SUMMARY; a merge refuses shards of another
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
# The source trees whose bytes name the sources a shard was built from.
SOURCE_TREES = ("content", "site_templates")


@dataclasses.dataclass(frozen=True)
class ShardSpec:
    """The K-th of N shards, K counted from 1."""

    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def parse_spec(text: str) -> ShardSpec:
    """'2/8' → ShardSpec(2, 8); ConfigError for anything else."""
    found = _SPEC.match(text)
    if not found or not 1 <= int(found[1]) <= int(found[2]):
        raise ConfigError(f"--shard {text!r}: give K/N with 1 ≤ K ≤ N, e.g. --shard 2/8")
    return ShardSpec(int(found[1]), int(found[2]))


def assign(districts: Iterable[District], projects: dict[str, int], n: int) -> dict[str, int]:
    """Each district's shard (1..n): in order of their codes, in n runs of neighbours of
    about equal weight (a district's projects plus one for its own pages). A district
    goes to the shard where the middle of its weight falls."""
    ordered = sorted(districts, key=lambda d: (d.code, d.slug))
    weights = [projects.get(d.slug, 0) + 1 for d in ordered]
    total, before, found = sum(weights), 0, {}
    for district, weight in zip(ordered, weights):
        middle = 2 * before + weight  # twice the middle, to stay in whole numbers
        found[district.slug] = min(n, middle * n // (2 * total) + 1)
        before += weight
    return found


class Ownership:
    """Which district's shard writes an output file; None for the merge's files."""

    def __init__(self, districts: Iterable[str], search_primary: str | None,
                 search_derived: Iterable[str]):
        self.districts = frozenset(districts)
        self.primary = search_primary  # the district whose part is the bundle pagefind/
        self.derived = frozenset(search_derived)  # files of pagefind/ made from all parts

    def district(self, name: str) -> str | None:
        parts = name.split("/")
        if parts[0] in LANGS:
            rest = parts[1:]
            if rest[:1] == ["embed"]:
                rest = rest[1:]
            if rest[:1] == ["programmes"]:
                rest = rest[1:]
            return self._known(rest[0]) if len(rest) > 1 else None
        if parts[:2] == ["data", "projects"] and len(parts) > 3:
            return self._known(parts[2])
        if parts[0] == "pagefind-parts" and len(parts) > 3:
            return self._known(parts[2])
        if parts[0] == "pagefind" and name not in self.derived:
            return self.primary
        return None

    def _known(self, segment: str) -> str | None:
        return segment if segment in self.districts and segment not in reserved_segments() \
            else None


def search_derived_names() -> set[str]:
    """The files of pagefind/ that the search index makes from all its parts (the
    merge's), as search.derived names them; the keys and order files per language."""
    from builder.outputs import search
    bundle = search.BUNDLE
    names = {f"{bundle}/pagefind-entry.json", f"{bundle}/parts.json", f"{bundle}/names.json"}
    for code in search.INDEX_LANGUAGES:
        names |= {f"{bundle}/keys.{code}.json", f"{bundle}/order.{code}.json"}
    return names


def candidate_pages(site, outline: bool = False) -> list:
    """The pages of every kind whose paths name a district (project, district,
    district-year, programme, embeds): those a shard may write. The kinds that span
    districts (home, years, units, scorecard, explorer …) are the merge's, and their
    contexts (the whole site's scores, the explorer's rows) are not made in a shard.
    With `outline`, only what the merge's site map reads of them."""
    from builder.site import embeds, structure
    return (structure.project_pages(site, outline=outline)
            + structure.district_pages(site, outline)
            + structure.district_year_pages(site, outline)
            + structure.programme_pages(site, outline) + embeds.pages(site, outline))


def merged_pages(site) -> list:
    """The pages of the kinds that span districts: the merge's (structure.pages less
    candidate_pages)."""
    from builder.site import explorer, structure as s
    return (s.root_pages(site) + s.home_pages(site) + s.overview_pages(site)
            + s.year_pages(site) + s.unit_pages(site) + s.search_pages(site)
            + s.scorecard_pages(site) + s.help_pages(site) + s.changes_pages(site)
            + s.not_found_pages(site) + explorer.pages(site))


@dataclasses.dataclass(frozen=True)
class Selection:
    """What a shard reads of the sources, worked out before any project is read."""

    shards: dict[str, int]  # each district's shard
    own: frozenset[str]  # the districts of this shard
    primary: str | None  # the first district with projects: its search part is the bundle
    folders: list[Path]  # the project folders to read
    elsewhere: frozenset = frozenset()  # (district, year) of dated projects not read


def load(root: Path, spec: ShardSpec, cache) -> tuple[Any, Selection]:
    """The content a shard builds from, and what it chose: the project folders of its
    districts, and of every programme one of them belongs to (its pages show the
    programme's other years, wherever they are), read and validated as a whole build
    reads them; the rest only counted (to deal the districts) and looked at for their
    `continues:` lines and their commits. A folder of a district that districts.yaml
    does not list is read by every shard, which then refuses it as a whole build does.
    Raises ContentError."""
    from builder.history import log
    from builder.sources import discover
    sources = discover.read_site_sources(root)
    counts: dict[str, int] = {}
    for folder in sources.folders:
        counts[_district_of(folder)] = counts.get(_district_of(folder), 0) + 1
    shards = assign(sources.districts, counts, spec.n)
    own = frozenset(slug for slug, k in shards.items() if k == spec.k)
    wanted = {_key_of(f) for f in sources.folders if shards.get(_district_of(f), spec.k) == spec.k}
    wanted |= programme_keys(sources.folders, wanted)
    folders = [f for f in sources.folders if _key_of(f) in wanted]
    entries = discover.read_folders(root, sources, folders, cache.table("projects"))
    cache.keep("projects", {key: (project, found) for key, project, found in entries})
    content = discover.assemble(sources, entries)
    committed = log.committed_keys(root) or set()
    elsewhere = frozenset((key.split("/")[0], int(key.split("/")[1]))
                          for key in committed - wanted
                          if key in {_key_of(f) for f in sources.folders}
                          and key.split("/")[1].isdigit())
    primary = min(counts) if counts else None
    return content, Selection(shards, own, primary, folders, elsewhere)


def _district_of(folder: Path) -> str:
    return folder.parent.parent.name  # content/projects/<district>/<year>/<slug>


def _key_of(folder: Path) -> str:
    return f"{folder.parent.parent.name}/{folder.parent.name}/{folder.name}"


def programme_keys(folders: list[Path], keys: set[str]) -> set[str]:
    """The keys of every project linked to one of `keys` by a chain of `continues:`
    lines (a programme's years). Only a project.yaml that mentions `continues` is
    parsed, with the C loader; one that does not parse links nothing (its own shard
    reads it and says what is wrong)."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parent: dict[str, str] = {}

    def root_of(key: str) -> str:
        while parent.get(key, key) != key:
            parent[key] = parent.get(parent[key], parent[key])
            key = parent[key]
        return key

    for folder in folders:
        try:
            data = (folder / "project.yaml").read_bytes()
        except OSError:
            continue
        if b"continues" not in data:
            continue
        try:
            value = yaml.load(data, Loader=loader)
        except (yaml.YAMLError, ValueError):
            continue
        earlier = value.get("continues") if isinstance(value, dict) else None
        if isinstance(earlier, str):
            parent[root_of(_key_of(folder))] = root_of(earlier.strip())
    touched = {root_of(key) for key in keys}
    return {key for key in parent if root_of(key) in touched} | \
        {key for key in parent.values() if root_of(key) in touched}


class Part:
    """What one shard builds of the site: its districts' pages, files and search parts.

    The shard reads its districts' sources and its programmes' (load); what its pages
    say of the site around them (the feeds a page links, which part of the index is the
    bundle) comes from the Selection, and is the whole build's; it writes only its
    districts' files."""

    def __init__(self, root: Path, spec: ShardSpec, own: set[str], owner: Ownership,
                 pages: list, projects: tuple, search_parts: list, options: dict):
        self.root, self.spec, self.own, self.owner = root, spec, own, owner
        self.pages, self.projects, self.search_parts = pages, projects, search_parts
        self.options = options
        self.data_rows: dict = {}  # each project's data.ProjectData, by its key

    @classmethod
    def of(cls, root: Path, spec: ShardSpec, site, pages: list, options: dict,
           chosen: Selection) -> Part:
        from builder.outputs import search
        from builder.site.urls import output_file
        own = set(chosen.own)
        owner = Ownership(chosen.shards, chosen.primary, search_derived_names())
        mine = [p for p in pages if owner.district(output_file(p.path)) in own]
        parts = search.plan(search.project_pages(output_file(p.path) for p in mine),
                            chosen.primary)
        return cls(root, spec, own, owner, mine,
                   tuple(p for p in site.projects if p.district.slug in own),
                   [part for part in parts if owner.district(part.folder + "/") in own],
                   options)

    def keep(self, files: dict[str, bytes]) -> dict[str, bytes]:
        return {name: data for name, data in files.items()
                if self.owner.district(name) in self.own}

    def files(self, site, cache, root: Path):
        """The shard's files besides its pages, a stage at a time, made as the whole
        build makes them: per-project data, originals, its districts' feeds."""
        from builder.outputs import data, originals
        from builder.site import feeds, recent
        from builder.site.urls import Urls
        mine = dataclasses.replace(site, content=dataclasses.replace(
            site.content, projects=self.projects))
        made = data.project_data_cached(mine, cache)
        # The open data tables' rows of each project, for the merge to join in order
        # (data_lines; its own file is written here, below).
        self.data_rows = {key: dataclasses.replace(part, json=b"")
                          for key, part in made.items()}
        yield {Urls.project_data(p): made[p.key].json for p in self.projects}
        yield originals.files(mine, root)
        yield {feed.path: feeds.feed_xml(site, feed) for feed in feeds.feeds(site)
               if self.owner.district(feed.path) in self.own}
        yield self.keep(recent.files(site))

    def finish(self, site, output, records: dict | None, cache, scans: dict) -> None:
        """The summary and, last, the manifest of every file, into the staging folder."""
        import gc
        from builder.core.cache import digest
        # What is made from here on (the rows the shard renders for the merge: millions
        # of small objects at 40,000 projects) would make the collector walk the whole
        # site's model again and again; nothing of it is freed before the shard ends, so
        # the collector leaves it be.
        gc.freeze()
        kept = None if records is None else {
            folder: {"entry": r["entry"], "pages": r["pages"]} for folder, r in records.items()}
        record = summary(site, self.own, kept)
        record["scorecard"] = scorecard_rows(site, self.projects, self.root)
        record["rows"], rows = rendered_rows(site, self.projects, self.root)
        record["data"], lines = data_lines(self.data_rows, len(rows))
        rows += lines
        output.put(ROWS, digest(rows), rows)
        if records is not None:  # the key index of exact things, its projects' part
            from builder.outputs import search_keys
            record["search_keys"] = section(search_keys.entries(list(self.projects), cache))
        record["links"] = link_scans(output, cache, scans)
        _settle_links(record, output, site.urls)
        data = summary_bytes(record)
        output.put(SUMMARY, digest(data), data)
        from builder.publish.swap import MARKER
        manifest = manifest_bytes(output.staging, self.spec, sources_id(self.root),
                                  self.options, sorted(self.own), skip={MARKER})
        output.put(MANIFEST, digest(manifest), manifest)


def scorecard_rows(site, projects: tuple, root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Per district of the shard and language, its projects' rows of the scorecard page
    (macros/scorecard.html), which the merge puts on the page as they are: the page
    lists every project of the site, and its rows are most of its work; with their
    link scan (ids, URLs), so that the merge need not read them again. Rendered on
    every core, a district a task."""
    from builder.core.parallel import forked_map
    from builder.outputs import links
    from builder.render import renderer as render
    from builder.site import scorecard
    from builder.sources import inputs as sources
    if not projects:
        return {}
    macros = render.Renderer(site, tuple(sources.template_dirs(root))).macros(SCORECARD_MACROS)
    by_district: dict[str, list] = {}
    for project in projects:  # in the site's order
        by_district.setdefault(project.district.slug, []).append(
            scorecard.known_score(project, site.scores))

    def rows_of(scores: list) -> dict[str, dict[str, str]]:
        out = {}
        for lang, module in macros.items():
            rows = {"projects": str(module.project_rows(scores)),
                    "english": str(module.english_rows(scores))}
            # Their link scan (links.scan), so that the merge need not read them again.
            scanned = links.scan_fragment("".join(rows.values()))
            out[lang] = {**rows, "ids": scanned.ids_text, "urls": scanned.urls_text}
        return out

    return dict(zip(by_district, forked_map(rows_of, list(by_district.values()),
                                            at_least=2, batch=1)))


def rendered_rows(site, projects: tuple, root: Path) -> tuple[dict[str, dict], bytes]:
    """Per kind of row (ROW_MACROS), project of the shard and language, its rows of the
    pages that list every indicator (the explorer's category pages, a row an
    indicator) or every project (the year pages, a row a project) of the site, or of
    a unit (which may work in districts of two shards), rendered, which the merge puts
    on its pages as they are: those rows were the most of its rendering. The rows as
    one run of UTF-8 bytes (ROWS), and for each kind, project and language where its
    rows start in it and each one's length, [start, length of row 1, length of row 2,
    …], with their link scan (links.scan: ids, URLs) so that the merge need not read
    them again. Rendered on every core."""
    from builder.core.parallel import forked_map
    from builder.outputs import links
    from builder.render import renderer as render
    from builder.site.explorer import Row
    from builder.sources import inputs as sources
    if not projects:
        return {}, b""
    renderer = render.Renderer(site, tuple(sources.template_dirs(root)))
    made = {"explorer": lambda row, p: [row(Row(p, n, i)) for n, i in
                                        enumerate(p.indicators, 1)],
            "year": lambda row, p: [row(p)], "unit": lambda row, p: [row(p)]}
    macros = {kind: {lang: getattr(module, name)
                     for lang, module in renderer.macros(template).items()}
              for kind, (template, name) in ROW_MACROS.items()}

    def rows_of(project) -> dict[str, dict[str, tuple]]:
        out: dict[str, dict[str, tuple]] = {}
        for kind, by_lang in macros.items():
            for lang, row in by_lang.items():
                texts = [str(text) for text in made[kind](row, project)]
                scanned = links.scan_fragment("".join(texts))
                out.setdefault(kind, {})[lang] = ([text.encode("utf-8") for text in texts],
                                                  scanned.ids_text, scanned.urls_text)
        return out

    chunks: list[bytes] = []
    at, where = 0, {kind: {} for kind in ROW_MACROS}
    for project, found in zip(projects, forked_map(rows_of, projects, at_least=PARALLEL_MIN,
                                                   batch=CHUNK)):
        for kind, by_lang in found.items():
            places = where[kind][project.key] = {}
            for lang, (rows, ids, urls) in by_lang.items():
                places[lang] = [[at, *map(len, rows)], ids, urls]
                chunks += rows
                at += sum(map(len, rows))
    return where, b"".join(chunks)


# Below this many projects, worker processes cost more than they save; else tasks of
# this many projects.
PARALLEL_MIN, CHUNK = 200, 100


def data_lines(made: dict, at: int) -> tuple[dict[str, tuple[int, int, bytes]], bytes]:
    """Each project's lines of the open data tables (its data.ProjectData but for its
    own JSON file, which the shard writes) as UTF-8 bytes, to follow the rendered rows
    in ROWS (from offset `at`): the merge joins them in the site's order, reading
    them where they lie instead of holding them (at 40,000 projects they were a fifth
    of its memory). For each project where its lines start, how many indicators it
    has, and each line's length in bytes (pack_lengths: its lines of DATA_LINES, its
    entry of projects.json, then its indicators' lines of indicators.csv and of the
    explorer's JSON parts)."""
    chunks: list[bytes] = []
    where = {}
    for key, part in made.items():
        texts = [*(part.csv[name] for name in DATA_LINES), part.listed,
                 *part.indicator_lines, *part.explorer_lines]
        encoded = [text.encode("utf-8") for text in texts]
        lengths = [len(one) for one in encoded]
        where[key] = (at, len(part.indicator_lines), pack_lengths(lengths))
        chunks += encoded
        at += sum(lengths)
    return where, b"".join(chunks)


# The open data tables whose lines of a project ship as one text each (indicators.csv
# ships as its lines, which the explorer's parts are made of too).
DATA_LINES = ("projects", "funding", "scorecard")


def pack_lengths(lengths: list[int]) -> bytes:
    """Lengths as 32-bit little-endian numbers: one small bytes object a project, not
    a list of number objects (the same on every machine a shard is built on)."""
    return struct.pack(f"<{len(lengths)}I", *lengths)


def unpack_lengths(packed: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(packed) // 4}I", packed)


def link_scans(output, cache, fresh: dict) -> dict[str, list[str]]:
    """What the link check needs of each of the shard's files (links.scan: the ids it
    defines, the URLs it links to, a digest of its ids), so that the merge checks the
    links of the whole site without reading every page again."""
    from builder.outputs import links
    known = {**cache.table(links.SCANS), **fresh}
    found, kept = {}, {}
    for name, (made, _) in sorted(output.spare.items()):
        if not name.endswith(links.SCANNED):
            continue
        key = links.scan_key(name, made)
        entry = known.get(key) or links.scan_bytes(name, (output.staging / name).read_bytes())
        kept[key] = entry
        scanned, signature = entry
        found[name] = [scanned.ids_text, scanned.urls_text, signature]
    cache.keep(links.SCANS, kept)
    return found


def _settle_links(record: dict, output, urls) -> None:
    """The shard's scans (of its files, and of the rows it rendered for the merge's
    pages) with only the links whose answer the rest of the site decides
    (links.Settle): the links between the shard's own files, most of them, are checked
    here once instead of by the merge."""
    from builder.outputs import links
    found = record["links"]
    own = {name: links.NOTHING for name in output.spare}
    own.update((name, links.Scanned(ids, urls_)) for name, (ids, urls_, _) in found.items())
    settle = links.Settle(own, urls)
    for name, entry in found.items():
        if entry[1]:
            entry[1] = settle.page(name).urls_text

    def left(ids: str, urls_: str) -> str:
        return settle.fragment(links.Scanned(ids, urls_)).urls_text

    for by_lang in record["scorecard"].values():
        for rows in by_lang.values():
            rows["urls"] = left(rows["ids"], rows["urls"])
    for by_project in record["rows"].values():
        for by_lang in by_project.values():
            for place in by_lang.values():
                place[2] = left(place[1], place[2])


# ---- the sources a shard was built from -----------------------------------------

def sources_id(root: Path) -> dict[str, str | None]:
    """The commit of the sources (None outside git) and a digest of every file under
    content/ and site_templates/: two copies of one commit give the same digest, an
    edit not yet committed gives another. Git's own digest of those trees when the
    working tree holds them exactly as committed, else one of their files' bytes."""
    commit = _git(root, "rev-parse", "--verify", "-q", "HEAD") or None
    return {"commit": commit, "digest": commit and _committed(root) or _bytes_digest(root)}


def _committed(root: Path) -> str | None:
    """The digest of SOURCE_TREES as committed at HEAD, if nothing in them differs from
    it (no edit, and no file git does not track or ignores, which _bytes_digest would
    count): git has read them already."""
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--ignored",
                  "--", *SOURCE_TREES)
    trees = _git(root, "ls-tree", "HEAD", "--", *SOURCE_TREES)
    if status != "" or not trees:
        return None
    return "git:" + hashlib.sha256(trees.encode("utf-8")).hexdigest()


def _bytes_digest(root: Path) -> str:
    """A digest of the names, sizes and bytes of every file under SOURCE_TREES."""
    tree = hashlib.sha256()
    for name in sorted(name for top in SOURCE_TREES for name in _files_under(root, top)):
        with open(os.path.join(root, name), "rb") as handle:
            data = handle.read()
        tree.update(f"{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        tree.update(hashlib.sha256(data).digest())
    return tree.hexdigest()


def _files_under(root: Path, top: str) -> Iterable[str]:
    """The files under root/top (top "" for all of root; links to files too), by their
    names relative to root."""
    return (name for name, entry in walk(root, top) if entry.is_file())


def walk(root: Path, top: str = "") -> Iterable[tuple[str, os.DirEntry]]:
    """Everything under root/top but folders (top "" for all of root), by its name
    relative to root, with its directory entry; folders are entered, links to them
    are not, and each folder's entries are read once (scandir)."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, folder)))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            name = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append(name)
            else:
                yield name, entry


def _git(root: Path, *args: str) -> str | None:
    """What git prints for `args` in root, stripped; None if it fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              text=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


# ---- manifest ------------------------------------------------------------------------

def file_entry(path: str | Path) -> list:
    """[size, SHA-256] of a file, read in blocks (through the file's descriptor alone:
    a shard's and a merge's hundreds of thousands of small files made the buffered
    reader's extra calls to the system a third of the time)."""
    sha, size = hashlib.sha256(), 0
    handle = os.open(path, os.O_RDONLY)
    try:
        while block := os.read(handle, 1 << 20):
            sha.update(block)
            size += len(block)
    finally:
        os.close(handle)
    return [size, sha.hexdigest()]


def manifest_bytes(folder: Path, spec: ShardSpec, sources: dict, options: dict,
                   districts: list[str], skip: Iterable[str]) -> bytes:
    """MANIFEST of a finished shard folder: every file in it but `skip` and itself."""
    skipped = {*skip, MANIFEST}
    files = {name: file_entry(f"{folder}/{name}")
             for name in sorted(_files_under(folder, "")) if name not in skipped}
    manifest = {"format": FORMAT, "budgetsite": builder.version(), "shard": str(spec),
                "sources": sources, "options": options, "districts": districts,
                "files": files}
    return (json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True)
            + "\n").encode("utf-8")


# ---- summary records: the model pickled, and read back as nothing but the model -----

def summary_bytes(record: dict) -> bytes:
    """SUMMARY: the record pickled (a criterion of the scorecard as its key: it reads
    back as the scorecard's own object). Without the pickler's memo, which writes an
    object met again as a reference to the first: which values are one object differs
    between a build from the cache and one without, and the same sources must give the
    same bytes (the model has no cycles, which the memo is for)."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=PROTOCOL)
    pickler.fast = True
    pickler.dump(record)
    return out.getvalue()


PROTOCOL = 5


def section(value: dict) -> bytes:
    """A part of a summary that only one of the merge's processes reads (the search
    index's records, the key index's entries: at 40,000 projects each took hundreds of
    megabytes as objects), pickled on its own, of nothing but plain values: the merge
    holds its bytes and that process reads it (read_section)."""
    return summary_bytes(value)


def read_section(data: bytes) -> Any:
    """A section, or pickle.UnpicklingError if it holds anything but plain values."""
    return _Unpickler(io.BytesIO(data), {}).load()


def _classes() -> dict[str, type]:
    """The dataclasses a summary may hold, by name."""
    from builder.core import model
    from builder.history import log
    from builder.site import scorecard
    found: dict[str, type] = {}
    for module in (model, log, scorecard):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) \
                    and value.__module__ == module.__name__:
                found[value.__name__] = value
    return found


class SummaryReader:
    """SUMMARY read back (summary_bytes), once its bytes are the ones the shard's
    manifest lists: a pickle makes whatever it names, so the reader makes nothing but
    the model's own classes (and Decimal, Fraction, the scorecard's criteria), and each
    district as one object across the shards, as the sources give it."""

    def __init__(self):
        from builder.site import scorecard
        self.allowed = {(made.__module__, made.__qualname__): made for made in
                        (*_classes().values(), Decimal, Fraction, scorecard.criterion)}
        self.districts: dict[District, District] = {}  # every shard's, by value
        self.shared: dict = {}  # the values many projects hold alike, each once

    def load(self, folder: Path, manifest: dict, name: str) -> dict:
        """The summary of the shard in `folder` (`name` in messages), or BuildError if
        its bytes are not the ones its manifest lists."""
        path = folder / SUMMARY
        data = path.read_bytes()
        if [len(data), hashlib.sha256(data).hexdigest()] != manifest["files"].get(SUMMARY):
            raise BuildError(damaged(path, name))
        try:
            return self.read(data)
        except (pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError,
                ValueError, IndexError):
            raise BuildError(damaged(path, name)) from None

    def read(self, data: bytes) -> dict:
        record = _Unpickler(io.BytesIO(data), self.allowed).load()
        known = self.districts
        record["districts"] = tuple(known.setdefault(d, d) for d in record["districts"])
        once = self.shared.setdefault
        for project in record["projects"]:
            one = known[project.district]
            if project.district is not one:  # (frozen: set past its __setattr__)
                object.__setattr__(project, "district", one)
            # A unit is on each of its projects, and the indicators' categories and the
            # scorecard's results repeat: each one object, not one a project (at 40,000
            # projects they took a third of the model).
            object.__setattr__(project, "unit", once(project.unit, project.unit))
            object.__setattr__(project, "indicators",
                               tuple(once(i, i) for i in project.indicators))
        scores = record["scores"]
        for key, (results, score) in scores.items():
            scores[key] = (tuple(once(r, r) for r in results), score)
        return record


def damaged(path: Path, name: str) -> str:
    """A shard's file whose bytes are not the ones its manifest lists."""
    return (f"{path} is damaged: its size or SHA-256 is not the one {name}'s manifest "
            f"lists; build the shard again")


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream, allowed: dict):
        super().__init__(stream)
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not of the model")
        return found


def summary(site, own: set[str], search_records: dict[str, dict] | None) -> dict:
    """The records of a shard's districts that the merge rebuilds the site from."""
    from builder.site import scorecard
    content = site.content
    projects = [p for p in content.projects if p.district.slug in own]
    history = site.history
    # Scored from the whole project: a part missing from its narrative costs points.
    scored = {p.key: scorecard.known_score(p, site.scores) for p in projects}
    scores = {key: (score.results, score.score) for key, score in scored.items()}
    return {
        "format": FORMAT,
        "config": content.config, "city": content.city, "districts": content.districts,
        "projects": [dataclasses.replace(p, narrative={}, indicators=tuple(
            ListedIndicator.of(i) for i in p.indicators)) for p in projects],
        "history": None if history is None else
        {p.key: history[p.key] for p in projects if p.key in history},
        "scores": scores,
        "search": None if search_records is None else section(search_records),
    }


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def shard_out(root: Path, spec: ShardSpec) -> Path:
    """Where `build --shards N` builds shard K of N."""
    return root / ".cache" / "shards" / f"{spec.n}" / f"{spec.k}"


def shard_cache_name(spec: ShardSpec) -> str:
    """Each shard keeps its own cache: in CI each runs on a runner of its own."""
    return f"budgetsite-shard-{spec.k}-of-{spec.n}"




def build_all(root: Path, specs: list[ShardSpec], jobs: int, options: list[str]) -> list[Path]:
    """Build the shards, `jobs` at a time, each by a process of its own (`budgetsite
    build --shard K/N`, the command a CI runner runs); their folders. The first that
    fails stops the rest with its message."""
    import sys
    folders = [shard_out(root, spec) for spec in specs]
    waiting = list(zip(specs, folders))
    running: list[tuple[ShardSpec, subprocess.Popen]] = []
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                spec, folder = waiting.pop(0)
                folder.parent.mkdir(parents=True, exist_ok=True)
                command = [sys.executable, "-m", "builder", "build", "--root", str(root),
                           "--shard", str(spec), "--out", str(folder), *options]
                running.append((spec, subprocess.Popen(command, stdout=subprocess.DEVNULL)))
            spec, process = running.pop(0)
            if process.wait() != 0:
                raise BuildError(f"shard {spec} failed (its message is above); nothing "
                                 f"was merged")
    finally:
        for _, process in running:
            process.kill()
            process.wait()
    return folders
