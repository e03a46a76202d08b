"""The search index: Pagefind over the staged site, one index per language.

Pagefind reads every staged page, keeps only what is inside
`data-pagefind-body` (the project article) and splits the index by each
page's `<html lang>`, so `/zh/search/` searches Chinese pages and
`/en/search/` English ones. The extended Pagefind binary is required: it
segments Chinese into words, the plain one would index whole runs of
characters and miss a word in the middle of a sentence.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import cbor2

from .cache import Cache, digest
from .errors import BuildError
from .site import Urls

BUNDLE = Urls.search_bundle().strip("/")
# Pagefind's own language codes: the lowercased <html lang> of each page.
INDEX_LANGUAGES = ("zh-cn", "en")
TIMEOUT_SECONDS = 600.0
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


def reusable(cache: Cache, key: str, has) -> dict[str, str] | None:
    """The bundle an earlier build wrote for exactly these pages, if the output still
    holds it: Pagefind cannot add to an index, only write it whole, so an index is
    either reused as it is or written again."""
    known = cache.search
    if known.get("key") == key and all(has(name, d) for name, d in known["files"].items()):
        return known["files"]
    return None


def index_key(binary: Path, pages: dict[str, str]) -> str:
    """What the bundle is made from: the indexer and every page it reads."""
    st = binary.stat()
    return digest(str(binary), str(st.st_size), str(st.st_mtime_ns),
                  *(f"{name}\0{d}" for name, d in sorted(pages.items())))


def index_site(staging: Path, projects: int, binary: Path | None = None,
               timeout: float = TIMEOUT_SECONDS) -> SearchReport:
    """Write staging/pagefind/ for the site in `staging`; any failure is a BuildError.

    Pagefind runs as a command, not through its Python service: the service answers
    "written" before its files are all on disk, holds the whole bundle in memory
    to hand it over, and so can publish truncated files or exhaust memory on a
    large site; the command writes its files and exits."""
    binary = binary or extended_binary()
    command = [str(binary), "--site", ".", "--output-subdir", BUNDLE, "--silent"]
    try:
        # Run inside the staging folder, so no pagefind.yml of the caller's applies.
        result = subprocess.run(command, cwd=staging, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, errors="replace",
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BuildError(f"search: Pagefind did not finish within {timeout:.0f} s") from None
    except OSError as err:
        raise BuildError(f"search: could not start Pagefind ({binary}): "
                         f"{err.strerror or err}") from None
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(f"search: Pagefind stopped unexpectedly (exit status "
                         f"{result.returncode})" + (f": {said[-1]}" if said else ""))
    _canonical(staging / BUNDLE)
    return _check(staging / BUNDLE, projects)


def _check(bundle: Path, projects: int) -> SearchReport:
    """Every project page in every language must be in the index Pagefind wrote."""
    entry = bundle / "pagefind-entry.json"
    if not entry.is_file():
        raise BuildError(f"search: Pagefind wrote no {BUNDLE}/pagefind-entry.json")
    languages = json.loads(entry.read_text(encoding="utf-8")).get("languages", {})
    report = SearchReport(tuple(LanguageIndex(code, languages.get(code, {}).get("page_count", 0))
                                for code in INDEX_LANGUAGES))
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
