"""The persistent build cache in ROOT/.cache/budgetsite/: what earlier builds learned.

Everything in it is keyed by digests of what it was made from, so a stale entry is
never used, only left unused. Each table belongs to the one stage that reads and
writes it:

- projects (sources.discover): a project folder's model and problems, by the bytes
  of its three files, its folder and districts.yaml (its digest is the project's
  `digest`);
- pages (render): the digest of a rendered page, by everything the page shows (its
  `stamp`), the templates it is made of, the UI strings and the site's settings;
  the bytes themselves are in the output folder;
- data (outputs.data): a project's open-data rows, CSV lines and JSON file;
- link-scans and link-broken (outputs.links): the ids and links of an output file,
  and a page's broken links;
- search (outputs.search): the Pagefind bundle's files for a set of indexed pages;
- revisions (history.revisions): for the change log, whether each committed version
  of a project validates and what two versions differ by, keyed by their blob ids;
- templates (render): which templates each template source names; and the compiled
  templates themselves, in Jinja2's own bytecode cache;
- trees/: for each output folder (by inode), the digest and inode of every file in
  it, so the next build writes only what differs;
- inputs.pickle: the fingerprint of every input at the last build, so a build with
  nothing changed stops at once.

All but the last two live in a folder of the builder's code version (a new version
starts empty). Every file is written whole or not at all, behind a header holding a
checksum of its bytes (`sealed`), and is read only through `unsealed`, which checks
the sum before a byte is unpickled: a damaged file (a bit flipped on disk, a
truncation, an edit by hand) is never trusted. It is deleted, named in one warning
line on stderr, and its work is done again; the output stays a cold build's.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import gc
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMAT = 1
CODE_DIR = Path(__file__).resolve().parent.parent  # the whole package


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """budgetsite's own code, every module of every subpackage: a change to any of it
    invalidates everything."""
    files = sorted(CODE_DIR.rglob("*.py"))
    return digest(*(p.relative_to(CODE_DIR).as_posix().encode() + b"\0" + p.read_bytes()
                    for p in files))


class Kept(str):
    """A file an earlier build made with the same inputs, which the output folder still
    holds with these bytes: its digest stands in for its bytes (a stage's files, in
    publish.build.site_files)."""

    __slots__ = ()


MAGIC = b"budgetsite-cache-1\n"
SUM_BYTES = 32


def sealed(payload: bytes) -> bytes:
    """The bytes of a cache file: a header, the checksum of `payload`, `payload`."""
    return MAGIC + hashlib.blake2b(payload, digest_size=SUM_BYTES).digest() + payload


def unsealed(data: bytes) -> bytes | None:
    """The payload of a cache file's bytes, or None when they are not exactly what
    `sealed` wrote."""
    head = len(MAGIC) + SUM_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    if hashlib.blake2b(payload, digest_size=SUM_BYTES).digest() != data[len(MAGIC):head]:
        return None
    return payload


def drop_damaged(path: Path) -> None:
    """Delete a cache file that failed its check, with one warning line: the build
    does its work again instead. (Deleted, it is not met again.)"""
    path.unlink(missing_ok=True)
    print(f"budgetsite: warning: the cache file {path} was damaged; it was dropped and "
          f"its work done again", file=sys.stderr, flush=True)


class Cache:
    """The state of earlier builds: one table per consumer, each owned by the stage
    that names it (`cache.table("pages")`) and read from disk the first time that
    stage asks for it; the cache itself knows no consumer.

    A table is stored in 256 shard files by the first two hex digits of its keys, or
    as one file when its keys are few (`sharded=False`). Every key names its value's
    content, so a shard whose set of keys is unchanged holds the same values and is not
    written again: after a small edit a build rewrites a few shards, not the whole
    cache. The cache belongs to one version of budgetsite's code; another version
    starts from an empty one."""

    def __init__(self, folder: Path | None, read: bool = True):
        self.folder = folder
        self._reading = folder is not None and read
        self._tables: dict[str, dict] = {}
        self._sharded: dict[str, bool] = {}
        # Per table read from disk, the keys of each shard it found; None for a table
        # replaced without being read (its shards on disk are listed when saving).
        self._loaded: dict[str, dict[str, frozenset] | None] = {}

    @classmethod
    def disabled(cls) -> Cache:
        return cls(None)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    @property
    def store(self) -> Path:
        assert self.folder is not None
        return self.folder / f"v{FORMAT}-{code_version()[:16]}"

    def load(self) -> None:
        """From now on, tables are read from disk when first asked for (a build with
        nothing changed stops before this and reads no table)."""
        self._reading = self.folder is not None

    def table(self, name: str, sharded: bool = True) -> dict:
        """The table called `name`; the same dict on every call until `keep` replaces it."""
        if name not in self._tables:
            self._sharded[name] = sharded
            self._loaded[name] = {}
            self._tables[name] = self._read_table(name, sharded) if self._reading else {}
        return self._tables[name]

    def keep(self, name: str, values: dict, sharded: bool = True) -> None:
        """Replace the table called `name`: what the next build will find. (A table
        not asked for before is not read just to be replaced.)"""
        if name not in self._tables:
            self._sharded[name] = sharded
            self._loaded[name] = None
        self._tables[name] = values

    def _read_table(self, name: str, sharded: bool) -> dict:
        # Unpickling makes millions of objects; the cycle collector would walk them
        # all, again and again, for nothing: they are all alive.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            if not sharded:
                value = _read(self.store / f"{name}.pickle")
                return value if isinstance(value, dict) else {}
            table: dict = {}
            for path in sorted((self.store / name).glob("*.pickle")):
                shard = _read(path)
                if isinstance(shard, dict):
                    table.update(shard)
                    self._loaded[name][path.stem] = frozenset(shard)
            return table
        finally:
            if was_enabled:
                gc.enable()
            gc.freeze()  # and never again: they stay alive until the build ends

    def save(self) -> None:
        if self.folder is None:
            return
        for old in self.folder.glob("v*-*"):
            if old != self.store and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        for name, values in self._tables.items():
            if not self._sharded[name]:
                _write_atomically(self.store / f"{name}.pickle", values)
                continue
            shards: dict[str, dict] = {}
            for key, value in values.items():
                shards.setdefault(key[:2], {})[key] = value
            loaded = self._loaded[name]
            if loaded is None or not self._reading:
                loaded = {}
                on_disk = {path.stem for path in (self.store / name).glob("*.pickle")}
            else:
                on_disk = set(loaded)
            for shard in on_disk - shards.keys():
                (self.store / name / f"{shard}.pickle").unlink(missing_ok=True)
            for shard, table in shards.items():
                if loaded.get(shard) != frozenset(table):
                    _write_atomically(self.store / name / f"{shard}.pickle", table)

    # The record of what an output folder holds, one small file per folder (by inode),
    # so that dropping it before the folder changes costs one unlink.

    def _tree_file(self, inode: int) -> Path:
        assert self.folder is not None
        return self.folder / "trees" / f"{inode}.pickle"

    def tree(self, inode: int) -> dict[str, tuple[str, int]]:
        if self.folder is None:
            return {}
        found = _read(self._tree_file(inode))
        return found if isinstance(found, dict) else {}

    def keep_tree(self, inode: int, manifest: dict[str, tuple[str, int]]) -> None:
        if self.folder is not None:
            _write_atomically(self._tree_file(inode), manifest)

    def keep_only_trees(self, inodes: set[int]) -> None:
        """Drop the records of folders that are gone."""
        if self.folder is None:
            return
        for path in (self.folder / "trees").glob("*.pickle"):
            if path.stem not in {str(i) for i in inodes}:
                path.unlink(missing_ok=True)

    def forget_tree(self, inode: int) -> None:
        """Before a folder is changed: its record is no longer true, and must not be
        believed if the build stops halfway; nor may the last build's inputs."""
        if self.folder is not None:
            self._tree_file(inode).unlink(missing_ok=True)
            (self.folder / "inputs.pickle").unlink(missing_ok=True)

    def read_inputs(self) -> dict[str, Any]:
        """The last complete build's input fingerprint and report (a small file, read
        on its own so that a build with nothing changed reads nothing else)."""
        if self.folder is None:
            return {}
        found = _read(self.folder / "inputs.pickle")
        return found if isinstance(found, dict) else {}

    def keep_inputs(self, inputs: dict[str, Any]) -> None:
        if self.folder is not None:
            _write_atomically(self.folder / "inputs.pickle", inputs)



def _read(path: Path) -> Any:
    """A pickled value, or None when there is none (the cache is then just colder).
    Only bytes whose checksum holds are unpickled; a damaged file is dropped."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = unsealed(data)
    if payload is None:
        drop_damaged(path)
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # written by us, but by a builder whose classes differ
        return None


def _write_atomically(path: Path, value: Any) -> None:
    write_bytes_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write_bytes_atomically(path: Path, payload: bytes) -> None:
    """Write `payload`, sealed, to `path`: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".new-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed(payload))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# Dataclasses whose repr shows all they hold (plain values, no projects inside):
# written out by repr, which is quicker than field by field.
PLAIN_MODULES = frozenset({"builder.core.model", "builder.history.log"})
PLAIN_TYPES: set[type] = set()  # and these, of other modules (`plain`)


def plain(cls: type) -> type:
    """Mark a dataclass whose repr shows all it holds (plain values, no projects inside):
    the stamper writes it out by repr."""
    PLAIN_TYPES.add(cls)
    return cls


class Unstampable(TypeError):
    """A value whose content cannot be written down; its page is always rendered."""


LONG_TEXT = 64  # characters; a longer text of a value is remembered by its digest


class Stamper:
    """A text that changes whenever a value changes, for the keys of the page cache.

    Projects stand for themselves by the digest of their sources (or, with `summary`,
    of all but their narrative); any other value is written out field by field. The
    same object met twice is written once per build, and a long text stands in by its
    digest: what is remembered stays small however large the values (the scorecard's
    and the explorer's contexts hold every project's figures)."""

    def __init__(self, summary: bool = False):
        self._seen: dict[int, tuple[Any, str]] = {}
        # For a page that does not read narratives: a project stands in by the digest
        # of its other fields (Project.summary_digest).
        self._own = "summary_digest" if summary else "digest"

    def __call__(self, value: Any) -> str:
        return digest(self._text(value))

    def _text(self, value: Any) -> str:
        if value is None or isinstance(value, (str, bool, int, float, Decimal, datetime.date)):
            return repr(value)
        key = id(value)
        known = self._seen.get(key)
        if known is not None and known[0] is value:
            return known[1]
        text = self._compose(value)
        if len(text) > LONG_TEXT:
            text = "#" + digest(text)
        self._seen[key] = (value, text)  # holding the value keeps its id unique
        return text

    def _compose(self, value: Any) -> str:
        own = getattr(value, self._own, None) or getattr(value, "digest", None)
        if isinstance(own, str) and own:
            return f"{type(value).__name__}#{own}"
        if isinstance(value, (tuple, list)):
            return "[" + ",".join(map(self._text, value)) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(f"{self._text(k)}:{self._text(v)}"
                                  for k, v in value.items()) + "}"
        if isinstance(value, (set, frozenset)):
            return "{" + ",".join(sorted(map(self._text, value))) + "}"
        if type(value).__module__ in PLAIN_MODULES or type(value) in PLAIN_TYPES:
            return repr(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            inner = ",".join(f"{f.name}={self._text(getattr(value, f.name))}"
                             for f in dataclasses.fields(value))
            return f"{type(value).__name__}({inner})"
        raise Unstampable(f"cannot stamp a {type(value).__name__}")
