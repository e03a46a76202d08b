"""The search index: Pagefind over the staged site, split into parts that are
indexed side by side and merged in the browser.

Pagefind reads every page it is given, keeps only what is inside
`data-pagefind-body` (the project article) and splits the index by each
page's `<html lang>`, so `/zh/search/` searches Chinese pages and
`/en/search/` English ones. The extended Pagefind binary is required: it
segments Chinese into words, the plain one would index whole runs of
characters and miss a word in the middle of a sentence.

Pagefind can only write an index whole, and its memory grows with the pages it
holds (about 0.4 MB a project page: 7 GiB for 10,000 projects in one run). So the
index is split: one part per district and language, each written by its own
Pagefind run, several at a time within a memory budget, and reused by the next
build as long as its pages are unchanged. The first district's part, in both
languages, is the primary bundle at pagefind/ (with Pagefind's JavaScript and
WebAssembly); every other part is under pagefind-parts/<language>/<district>/
and search.js merges it in with Pagefind's `mergeIndex`.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import html
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import cbor2

from builder.core.cache import Cache, digest
from builder.core.errors import BuildError
from builder.core.parallel import end_with_parent
from builder.site.structure import Urls

BUNDLE = Urls.search_bundle().strip("/")
PARTS = "pagefind-parts"
ROWS = "search-rows"  # the open data's rows for "download these results"; not in a part's folder
# The site's language folders and Pagefind's own codes for them (the lowercased <html lang>).
FOLDERS = {"zh": "zh-cn", "en": "en"}
INDEX_LANGUAGES = ("zh-cn", "en")
TIMEOUT_SECONDS = 600.0
# Pagefind's peak memory for a run: about this much, plus this much a page (measured
# with Pagefind 1.5.2 on bench/make_corpus.py pages: 87 MB for 74 pages, 825 MB for 2,000).
RUN_MB, PAGE_MB = 90, 0.4
RECORD = "record 2"  # what record() keeps of a part; a change re-indexes every part
MEMORY_MB = 1024  # Pagefind runs together stay within this (BUDGETSITE_SEARCH_MEMORY_MB)
# Files of Pagefind's bundle the site does not use: its ready-made interfaces.
_UNUSED = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.")
# What a part needs only once, in the primary bundle: the search engine.
_ENGINE = re.compile(r"^(pagefind\.js|pagefind-worker\.js|wasm\..*\.pagefind)$")
_PROJECT_PAGE = re.compile(r"^(zh|en)/([a-z0-9-]+)/\d{4}/[^/]+/index\.html$")
_SORT_SPAN = re.compile(rb'data-pagefind-sort="([a-z]+)"[^>]*>([^<]*)<')
_FILTER_SPAN = re.compile(rb'data-pagefind-filter="([a-z0-9-]+)"[^>]*>([^<]*)<')
_NO_EXTENDED = ("search needs the extended Pagefind binary, which segments Chinese: "
                "pip install 'pagefind[extended]' (or build with --no-search)")


@dataclass(frozen=True)
class LanguageIndex:
    language: str
    pages: int


@dataclass(frozen=True)
class SearchReport:
    """What was indexed: pages per language, as Pagefind wrote it down."""

    languages: tuple[LanguageIndex, ...]

    @property
    def pages(self) -> int:
        return sum(index.pages for index in self.languages)


@dataclass(frozen=True)
class Part:
    """One Pagefind run: the project pages of one district in one language (both,
    for the primary bundle), written into `folder`."""

    folder: str
    pages: tuple[str, ...]

    @property
    def glob(self) -> str:
        langs = sorted({name.split("/")[0] for name in self.pages})
        district = self.pages[0].split("/")[1]
        first = langs[0] if len(langs) == 1 else "{" + ",".join(langs) + "}"
        return f"{first}/{district}/*/*/index.html"

    @property
    def memory_mb(self) -> float:
        return RUN_MB + PAGE_MB * len(self.pages)


def extended_binary() -> Path:
    """The pagefind_extended executable shipped by pagefind-bin-extended, never the plain one."""
    try:
        from pagefind_bin_extended import get_executable
        binary = get_executable()
    except (ImportError, FileNotFoundError):
        raise BuildError(_NO_EXTENDED) from None
    if not binary.name.startswith("pagefind_extended"):
        raise BuildError(f"{binary} is not the extended Pagefind binary; {_NO_EXTENDED}")
    return binary


def project_pages(names: Iterable[str]) -> list[str]:
    """The output files that are project pages (<lang>/<district>/<year>/<slug>/index.html)."""
    return sorted(name for name in names if _PROJECT_PAGE.match(name))


def plan(pages: Iterable[str], primary: str | None = None) -> list[Part]:
    """The parts of the index: the first district in both languages as the primary
    bundle, then one part per other district and language. A shard, which has only
    some districts' pages, names the site's first district (`primary`)."""
    by_district: dict[str, dict[str, list[str]]] = {}
    for name in sorted(pages):
        lang, district = name.split("/")[:2]
        by_district.setdefault(district, {}).setdefault(lang, []).append(name)
    first = primary if primary is not None else min(by_district, default=None)
    parts = []
    for district in sorted(by_district):
        langs = by_district[district]
        if district == first:
            parts.append(Part(BUNDLE, tuple(p for lang in sorted(langs) for p in langs[lang])))
        else:
            parts += [Part(f"{PARTS}/{FOLDERS[lang]}/{district}", tuple(langs[lang]))
                      for lang in sorted(langs)]
    return parts


def part_key(binary: Path, part: Part, pages: dict[str, str]) -> str:
    """What a part is made from: the indexer and every page it reads."""
    st = binary.stat()
    return digest(RECORD, str(binary), str(st.st_size), str(st.st_mtime_ns), part.folder,
                  *(f"{name}\0{pages[name]}" for name in part.pages))


def reusable(cache: Cache, keys: dict[str, str], has) -> dict[str, dict]:
    """The parts an earlier build wrote for exactly these pages, if the output still
    holds them: Pagefind cannot add to an index, only write it whole, so a part is
    either reused as it is or written again."""
    known = cache.table("search", sharded=False).get("parts", {})
    return {folder: known[folder] for folder, key in keys.items()
            if folder in known and known[folder]["key"] == key
            and all(has(name, d) for name, d in known[folder]["files"].items())}


def index_site(staging: Path, projects: int, binary: Path | None = None,
               timeout: float = TIMEOUT_SECONDS) -> SearchReport:
    """Index every project page in `staging` (found on disk) and write the bundle;
    for a caller without a build cache."""
    binary = binary or extended_binary()
    root = staging.resolve()
    parts = plan(project_pages(p.relative_to(root).as_posix()
                               for p in root.glob("*/*/*/*/index.html")))
    made = {part.folder: dict(record(staging, part), files={})
            for part in run_parts(staging, parts, binary, timeout)}
    for name, data in derived(parts, made).items():
        (staging / name).write_bytes(data)
    return check(parts, made, projects)


def run_parts(staging: Path, parts: list[Part], binary: Path,
              timeout: float = TIMEOUT_SECONDS) -> list[Part]:
    """Run Pagefind once per part, as many at a time as the memory budget and the
    cores allow; the parts, each written, checked and in canonical form.

    Each run writes into a scratch folder of this build alone (beside the staging
    folder, never reused), and a finished part is moved into the staging folder: a
    Pagefind left running by a build killed outright (an out-of-memory kill) could
    otherwise go on writing into the staging folder the next build uses. It should not
    outlive the build anyway: it dies with it (_die_with_the_build)."""
    for part in parts:
        _has_bodies(staging, part)
    if not parts:
        return parts
    _remove_old_scratch(staging)
    scratch = Path(tempfile.mkdtemp(prefix=_scratch_prefix(staging),
                                    dir=staging.resolve().parent))
    budget = _budget_mb()
    slots = max(1, min(os.cpu_count() or 1, len(parts)))
    waiting = sorted(parts, key=lambda p: -len(p.pages))  # the largest first
    running: list[tuple[Part, subprocess.Popen, float]] = []
    try:
        while waiting or running:
            used = sum(part.memory_mb for part, _, _ in running)
            while waiting and len(running) < slots and \
                    (not running or used + waiting[0].memory_mb <= budget):
                part = waiting.pop(0)
                running.append((part, _start(staging, part, binary, scratch),
                                time.monotonic()))
                used += part.memory_mb
            running = [r for r in running if not _finished(staging, scratch, *r, timeout)]
            if running:
                time.sleep(0.05)
    finally:
        for _, process, _ in running:
            _stop(process)
        shutil.rmtree(scratch, ignore_errors=True)
    return parts


def _scratch_prefix(staging: Path) -> str:
    return f"{staging.name}.search-"


def _remove_old_scratch(staging: Path) -> None:
    """Scratch folders of builds that were killed: one build of a site runs at a time
    (it holds the lock), so none is in use. Never read, only removed."""
    for old in staging.resolve().parent.glob(_scratch_prefix(staging) + "*"):
        shutil.rmtree(old, ignore_errors=True)


def _die_with_the_build(parent: int) -> None:
    """In the child, before Pagefind starts: be killed when the build's thread that
    started it ends, however it ends (PR_SET_PDEATHSIG), and lead a process group of
    its own, which _stop kills whole."""
    end_with_parent(parent)


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()


def _budget_mb() -> float:
    wanted = os.environ.get("BUDGETSITE_SEARCH_MEMORY_MB", "")
    return float(wanted) if wanted.isdigit() and int(wanted) > 0 else MEMORY_MB


def _start(staging: Path, part: Part, binary: Path, scratch: Path) -> subprocess.Popen:
    """Pagefind runs as a command, not through its Python service: the service answers
    "written" before its files are all on disk, holds the whole bundle in memory
    to hand it over, and so can publish truncated files or exhaust memory on a
    large site; the command writes its files and exits. It runs inside the staging
    folder, so no pagefind.yml of the caller's applies, and writes into `scratch`."""
    command = [str(binary), "--site", ".", "--glob", part.glob,
               "--output-path", str(_scratch_part(scratch, part)), "--silent"]
    parent = os.getpid()
    # preexec_fn is unsafe beside other threads; the batch build runs none (the preview,
    # which does, makes no search index).
    try:
        return subprocess.Popen(command, cwd=staging, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                process_group=0,
                                preexec_fn=lambda: _die_with_the_build(parent))
    except OSError as err:
        raise BuildError(f"search: could not start Pagefind ({binary}): "
                         f"{err.strerror or err}") from None


def _scratch_part(scratch: Path, part: Part) -> Path:
    return scratch / part.folder.replace("/", "~")


def _finished(staging: Path, scratch: Path, part: Part, process: subprocess.Popen,
              started: float, timeout: float) -> bool:
    if process.poll() is None:
        if time.monotonic() - started > timeout:
            _stop(process)
            raise BuildError(f"search: Pagefind did not finish within {timeout:.0f} s")
        return False
    out, err = process.communicate()
    if process.returncode != 0:
        said = (err or out).decode("utf-8", "replace").strip().splitlines()
        raise BuildError(f"search: Pagefind stopped unexpectedly (exit status "
                         f"{process.returncode})" + (f": {said[-1]}" if said else ""))
    bundle = _scratch_part(scratch, part)
    if not (bundle / "pagefind-entry.json").is_file():
        raise BuildError(f"search: Pagefind wrote no {part.folder}/pagefind-entry.json")
    for path in bundle.iterdir():
        if path.is_file() and (_UNUSED.match(path.name) or
                               (part.folder != BUNDLE and _ENGINE.match(path.name))):
            path.unlink()
    _canonical(bundle)
    _move_into(bundle, staging / part.folder)
    return True


def _move_into(bundle: Path, target: Path) -> None:
    """The finished part in its place in the staging folder, which holds nothing of
    it yet (the build's write step left only the files of this build there)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if target.exists():
        raise BuildError(f"search: {target.name} of the staging folder is not empty; "
                         f"build again")
    os.rename(bundle, target)


def _has_bodies(staging: Path, part: Part) -> None:
    """Every page of a part must mark what to index: without data-pagefind-body
    Pagefind would index the whole page, navigation and all."""
    bare = [name for name in part.pages
            if b"data-pagefind-body" not in (staging / name).read_bytes()]
    if bare:
        raise BuildError(f"search: the index is missing project pages ({len(bare)} of "
                         f"{len(part.pages)} in {part.glob}, such as {bare[0]}, are not "
                         f"marked); does every project page still carry data-pagefind-body?")


# ---- what a part holds, and the files made from all of them ----------------------

def record(staging: Path, part: Part) -> dict:
    """What the build keeps of a part it indexed: Pagefind's entry, the pages per
    language, and each page's id with its address and sort values (for the order
    files: a merged search orders by score, so search.js orders by these)."""
    bundle = staging / part.folder
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(_CBOR_HEADER):])
        page = staging / (fragment["url"].lstrip("/") + "index.html")
        html_ = page.read_bytes()
        sorts = {k.decode(): v.decode("utf-8").strip() for k, v in _SORT_SPAN.findall(html_)}
        filters = [[k.decode(), html.unescape(v.decode("utf-8").strip())]
                   for k, v in _FILTER_SPAN.findall(html_)]
        pages[path.stem] = (fragment["url"], sorts, filters)
    return {"entry": entry, "pages": pages}


def derived(parts: list[Part], made: dict[str, dict]) -> dict[str, bytes]:
    """The files made from all parts: the primary's entry counting every page of each
    language, the list of parts to merge, and the order of pages for each sort."""
    entry = json.loads(json.dumps(made[BUNDLE]["entry"]))
    counts = {code: 0 for code in entry["languages"]}
    merge: dict[str, list[str]] = {code: [] for code in INDEX_LANGUAGES}
    pages: dict[str, list] = {code: [] for code in INDEX_LANGUAGES}
    for part in parts:
        for code, info in made[part.folder]["entry"]["languages"].items():
            counts[code] = counts.get(code, 0) + info["page_count"]
            if part.folder != BUNDLE:
                merge.setdefault(code, []).append(part.folder + "/")
        for page_id, (url, sorts, *_) in made[part.folder]["pages"].items():
            pages.setdefault(page_id.split("_")[0], []).append((page_id, url, sorts))
    for code, info in entry["languages"].items():
        info["page_count"] = counts[code]
    files = {f"{BUNDLE}/pagefind-entry.json": _json(entry),
             f"{BUNDLE}/parts.json": _json({"version": 1, "parts": merge}),
             f"{BUNDLE}/names.json": _json(names(made))}
    # A page's sort values are its twin's in the other language: each worked out once.
    value = functools.lru_cache(maxsize=None)(_sort_value)

    for code, found in sorted(pages.items()):
        files[f"{BUNDLE}/keys.{code}.json"] = _json(
            {pid: url.strip("/").split("/", 1)[1] for pid, url, _ in sorted(found)})
        keys = sorted({k for _, _, sorts in found for k in sorts})
        order = {key: [pid for pid, _, _ in sorted(
            (p for p in found if key in p[2]), key=lambda p: (value(p[2][key]), p[1]))]
            for key in keys}
        files[f"{BUNDLE}/order.{code}.json"] = _json(order)
    return files


def names(made: dict[str, dict]) -> dict[str, list[list[str]]]:
    """Each filter value in both languages, [Chinese, English], per filter: the same
    project's two pages list their filter values in the same order. The search page
    keeps names in its URL and index (五华区 / Wuhua District) and translates them with
    this table when the language switch or a search of the other language's index
    needs them."""
    by_page: dict[str, dict[str, list]] = {}
    for made_part in made.values():
        for url, _, *filters in made_part["pages"].values():
            lang, _, key = url.strip("/").partition("/")
            by_page.setdefault(key, {})[lang] = filters[0] if filters else []
    pairs: dict[str, set] = {}
    for both in by_page.values():
        zh, en = both.get("zh", []), both.get("en", [])
        if [k for k, _ in zh] != [k for k, _ in en]:
            continue  # a page without its other-language twin: nothing to pair
        for (key, zh_name), (_, en_name) in zip(zh, en):
            if zh_name != en_name:
                pairs.setdefault(key, set()).add((zh_name, en_name))
    return {key: sorted(map(list, found)) for key, found in sorted(pairs.items())}


def rows(projects_csv: bytes) -> dict[str, bytes]:
    """The open data's project rows for "download these results": one file per
    district and year, {"header": the CSV header line, "rows": {project id: its line}},
    the lines exactly as in data/projects.csv, so that the download has its columns."""
    text = projects_csv.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, body = _csv_line(records[0]), records[1:]
    groups: dict[str, dict[str, str]] = {}
    for record in body:
        district, year = record[0].split("/")[:2]
        groups.setdefault(f"{district}-{year}", {})[record[0]] = _csv_line(record)
    return {f"{ROWS}/{name}.json": _json({"header": header, "rows": lines})
            for name, lines in sorted(groups.items())}


def _csv_line(record: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(record)
    return out.getvalue()


def _sort_value(text: str) -> tuple:
    """As Pagefind compares sort values: numbers as 32-bit floats, the rest as text."""
    try:
        return (0, struct.unpack("f", struct.pack("f", float(text)))[0], "")
    except (ValueError, OverflowError):
        return (1, 0.0, text)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def check(parts: list[Part], made: dict[str, dict], projects: int) -> SearchReport:
    """Every project page in every language must be in the index Pagefind wrote."""
    counts = {code: 0 for code in INDEX_LANGUAGES}
    for part in parts:
        for code, info in made[part.folder]["entry"]["languages"].items():
            counts[code] = counts.get(code, 0) + info["page_count"]
    report = SearchReport(tuple(LanguageIndex(code, counts[code]) for code in INDEX_LANGUAGES))
    short = [f"{i.language}: {i.pages} of {projects}" for i in report.languages
             if i.pages != projects]
    if short:
        raise BuildError("search: the index is missing project pages (" + "; ".join(short)
                         + "); does every project page still carry data-pagefind-body?")
    return report


# Pagefind writes each filter's values in hash-map order, which changes from run
# to run, and names files by hashes of that content. Sorting the values and
# renaming the files (and the references to them) makes two builds byte-identical.

_CBOR_HEADER = b"pagefind_dcd"


def _canonical(bundle: Path) -> None:
    try:
        canonicalize(bundle)
    except (OSError, KeyError, IndexError, TypeError, ValueError, cbor2.CBORError) as err:
        raise BuildError(f"search: Pagefind's output is not laid out as expected by this "
                         f"version of budgetsite ({err!r}); install pagefind 1.5") from None


def canonicalize(bundle: Path) -> None:
    """Rewrite Pagefind's filter and meta files in a stable order."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(meta_path)
        renamed = {name: _sorted_filter(bundle / "filter" / f"{name}.pf_filter", language)
                   for _, name in meta[3]}
        meta[3] = sorted([key, renamed[name]] for key, name in meta[3])
        meta[4] = sorted(meta[4])
        digits = len(info["hash"]) - len(language) - 1
        info["hash"] = _write_cbor(meta, bundle, "pagefind.{}.pf_meta", language, digits)
        meta_path.unlink()
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


def _sorted_filter(path: Path, language: str) -> str:
    key, values = _read_cbor(path)
    path.unlink()
    return _write_cbor([key, sorted(values)], path.parent, "{}.pf_filter", language, 7)


def _read_cbor(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_CBOR_HEADER):
        raise BuildError(f"search: {path.name} is not a Pagefind data file")
    return cbor2.loads(data[len(_CBOR_HEADER):])


def _write_cbor(value, folder: Path, pattern: str, language: str, digits: int) -> str:
    data = _CBOR_HEADER + cbor2.dumps(value)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / pattern.format(name)).write_bytes(gzip.compress(data, mtime=0))
    return name
