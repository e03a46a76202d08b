"""The change log of each project: its committed versions typed and compared.

A version is the set of its folder's blob ids after a commit. Each version is
typed as the build types the working tree (validate.read_project, on its files
written into a scratch folder), at most once per build and only when the build
cache does not already know what it differs by from the version before. A
version that does not validate counts as not published: the site could not
have been built from it. What two versions differ by is kept in the build cache
under their blob ids, so commits compared once are never compared again.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from . import changelog, validate
from .cache import Cache, digest
from .errors import Problem
from .history import Change, Commit, History, ProjectHistory, State, Versions
from .model import Content, Project
from .parallel import forked_map

Blobs = Callable[[Path, list[str]], "dict[str, bytes] | None"]
PARALLEL_MIN_VERSIONS = 64


def version_key(key: str, state: State) -> str:
    return digest("version", key, *(f"{name}\0{blob}" for name, blob in state))


class TypedVersions:
    """The typed versions of the projects: typed on demand, in batches (one git call
    for the blobs of each batch)."""

    def __init__(self, root: Path, content: Content, blobs: Blobs):
        self.root, self.blobs = root, blobs
        self.districts = {d.slug: d for d in content.districts}
        self.typed: dict[str, Project | None] = {}

    def type_all(self, wanted: dict[str, tuple[str, State]]) -> bool:
        """Type the versions `wanted` (version key → (project key, state)) not typed yet;
        False when git could not give their files."""
        todo = {k: v for k, v in wanted.items() if k not in self.typed}
        ids = sorted({blob for _, state in todo.values() for _, blob in state})
        contents = self.blobs(self.root, ids)
        if contents is None:
            return False
        scratch = Path(tempfile.mkdtemp(prefix="budgetsite-versions-"))
        try:
            items = sorted(todo.items())
            made = forked_map(lambda item: self._type(scratch, item[0], *item[1], contents),
                              items, at_least=PARALLEL_MIN_VERSIONS, batch=16)
            self.typed.update(zip((k for k, _ in items), made))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return True

    def _type(self, scratch: Path, name: str, key: str, state: State,
              contents: dict[str, bytes]) -> Project | None:
        root = scratch / name
        folder = root / "content" / "projects" / key
        folder.mkdir(parents=True)
        for file, blob in state:
            (folder / file).write_bytes(contents[blob])
        problems: list[Problem] = []
        try:
            return validate.read_project(root, folder, self.districts, problems)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def histories(root: Path, versions: Versions, modified: set[str], content: Content,
              cache: Cache | None, blobs: Blobs) -> History | None:
    """Each project's history of changes to what its disclosure says."""
    cache = cache or Cache.disabled()
    known, used = cache.revisions, {}
    typed = TypedVersions(root, content, blobs)
    current = {p.key: p for p in content.projects}
    # Round 1: which versions validate (unknown ones are typed).
    valid = {}
    for key, found in versions.items():
        for _, state in found:
            vkey = version_key(key, state)
            valid[vkey] = (key, state)
    unknown = {k: v for k, v in valid.items() if digest("valid", k) not in known}
    if not typed.type_all(unknown):
        return None
    is_valid = {k: known[digest("valid", k)] if k not in typed.typed
                else typed.typed[k] is not None for k in valid}
    used.update({digest("valid", k): ok for k, ok in is_valid.items()})
    # Round 2: the comparisons not known yet, and the working tree against its last version.
    pairs = _pairs(versions, is_valid)
    needed = {}
    for key, steps in pairs.items():
        for _, before, after in steps:
            if digest("diff", before or "", after) not in known:
                needed.update({k: valid[k] for k in (before, after) if k})
        last = steps[-1][2] if steps else None
        if key in modified and key in current and last and \
                digest("tree", last, current[key].digest) not in known:
            needed[last] = valid[last]
    if not typed.type_all(needed):
        return None
    result: History = {}
    for key, steps in sorted(pairs.items()):
        changes = []
        for commit, before, after in steps:
            name = digest("diff", before or "", after)
            items = known.get(name)
            if items is None:
                items = changelog.describe(typed.typed[before] if before else None,
                                           typed.typed[after])
            used[name] = items
            if items:
                changes.append(Change(*commit, items))
        if changes:
            last = steps[-1][2]
            result[key] = ProjectHistory(tuple(reversed(changes)),
                                         _modified(key, last, modified, current, known, used,
                                                   typed))
    cache.revisions = used
    return result


def _pairs(versions: Versions, is_valid: dict[str, bool]
           ) -> dict[str, list[tuple[Commit, str | None, str]]]:
    """Per project, each commit with the valid version before it (None: none yet) and
    the valid version it made; commits that made a version that does not validate
    are left out."""
    pairs = {}
    for key, found in versions.items():
        steps, before = [], None
        for commit, state in found:
            after = version_key(key, state)
            if is_valid[after]:
                steps.append((commit, before, after))
                before = after
        pairs[key] = steps
    return pairs


def _modified(key: str, last: str, modified: set[str], current: dict[str, Project],
              known: dict, used: dict, typed: TypedVersions) -> bool:
    """Edits not committed yet that change what the page says (not a comment alone)."""
    if key not in modified or key not in current:
        return False
    name = digest("tree", last, current[key].digest)
    differs = known.get(name)
    if differs is None:
        differs = bool(changelog.describe(typed.typed[last], current[key]))
    used[name] = differs
    return differs
