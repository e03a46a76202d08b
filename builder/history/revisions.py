"""The change log of each project: its committed versions typed and compared.

A version is the set of its folder's blob ids after a commit. Each version is
typed as the build types the working tree (check.read_project, on its files
written into a scratch folder), at most once per build and only when the build
cache does not already know what it differs by from the version before. A
version that does not validate counts as not published: the site could not
have been built from it. What two versions differ by is kept in the build cache
under their blob ids, so commits compared once are never compared again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from builder.core.cache import Cache, digest
from builder.core.errors import Problem
from builder.core.model import Content, Project
from builder.core.parallel import forked_map
from builder.history import changelog, log
from builder.history.log import Change, Commit, History, ProjectHistory, State, Versions
from builder.sources import check

Blobs = Callable[[Path, list[str]], "dict[str, bytes] | None"]
PARALLEL_MIN_VERSIONS = 64


def version_key(key: str, state: State, districts: str) -> str:
    """A version's name: its files' blob ids, and the districts it is read with (a
    version naming a district added since validates now)."""
    return digest("version", districts, key, *(f"{name}\0{blob}" for name, blob in state))


class TypedVersions:
    """The typed versions of the projects: typed on demand, in batches (one git call
    for the blobs of each batch)."""

    def __init__(self, root: Path, content: Content, blobs: Blobs):
        self.root, self.blobs = root, blobs
        self.districts = {d.slug: d for d in content.districts}
        self.typed: dict[str, Project | None] = {}
        self.current = {p.key: p for p in content.projects}
        self.now: dict[str, State | None] = {}  # each project folder's files, read once

    def adopt_current(self, states: dict[str, tuple[str, State]]) -> None:
        """A version whose files are, blob for blob, those of the project's folder now is
        the project the build has just typed from them (the same reading, the same
        districts): it is taken as it is, not typed again. On a first build of a
        committed site that is every project's last version."""
        names: dict[str, dict[State, str]] = {}  # project key → its versions' names by state
        for name, (key, state) in states.items():
            if key in self.current:
                names.setdefault(key, {})[state] = name
        for key, by_state in names.items():
            if key not in self.now:
                self.now[key] = working_state(self.root / log.PROJECTS / key)
            if self.now[key] in by_state:
                self.typed.setdefault(by_state[self.now[key]], self.current[key])

    def type_all(self, wanted: dict[str, tuple[str, State]]) -> bool:
        """Type the versions `wanted` (version key → (project key, state)) not typed yet;
        False when git could not give their files."""
        self.adopt_current({k: v for k, v in wanted.items() if k not in self.typed})
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
            return check.read_project(root, folder, self.districts, problems)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def working_state(folder: Path) -> State | None:
    """The folder's files as a version names them: (name, git blob id) of each file at
    its top, sorted; None when it holds anything a blob id cannot stand for (a link,
    an unreadable file)."""
    files = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    continue  # deeper files belong to no version (log._file_of)
                if not entry.is_file(follow_symlinks=False):
                    return None
                with open(entry.path, "rb") as f:
                    data = f.read()
                files.append((entry.name, hashlib.sha1(b"blob %d\0" % len(data) + data)
                              .hexdigest()))
    except OSError:
        return None
    return tuple(sorted(files))


Step = tuple[Commit, "str | None", str]  # a commit, the valid version before, the one after


def read(root: Path, keys: list[str] | tuple[str, ...], content: Content | None = None,
         cache: Cache | None = None) -> History | None:
    """The history of each project key ('wuhua/2025/slug'), or None without git.

    With `content` (the typed projects as they are now), a change is a commit that
    changes what the disclosure says (see `histories`); without it, every commit
    that touched the project's files counts and says nothing of what changed."""
    prefix = log._repository_prefix(root)
    if prefix is None:
        return None
    out = log._git(root, "log", "--first-parent", "-m", "--reverse", "--no-renames", "--raw",
               "--no-abbrev", f"--format={log._LOG_FORMAT}", "--", log.PROJECTS)
    if out is None:
        return None
    versions = log.parse_log(out, prefix, set(keys))
    modified = log._modified(root, prefix)
    if content is None:
        return {key: ProjectHistory(tuple(Change(*commit) for commit, _ in reversed(found)),
                                    key in modified)
                for key, found in sorted(versions.items())}
    return histories(root, versions, modified, content, cache, log.blobs)


def histories(root: Path, versions: Versions, modified: set[str], content: Content,
              cache: Cache | None, blobs: Blobs) -> History | None:
    """Each project's history of changes to what its disclosure says; None when git
    could not give the files of a version."""
    cache = cache or Cache.disabled()
    log = ChangeLog(TypedVersions(root, content, blobs), cache.table("revisions"), versions)
    if not log.find_valid():
        return None
    current = {p.key: p for p in content.projects}
    steps = {key: log.steps(key) for key in sorted(versions)}
    tree = {key: (s[-1][2], current[key]) for key, s in steps.items()
            if s and key in modified and key in current}
    if not log.prepare(steps, tree):
        return None
    result: History = {}
    for key, project_steps in steps.items():
        changes = log.changes(project_steps)
        if changes:
            result[key] = ProjectHistory(changes, key in tree and log.differs(*tree[key]))
    cache.keep("revisions", log.used)
    return result


class ChangeLog:
    """Compares versions, asking the cache first (`known`) and keeping what it used
    (`used`, the cache's next table): whether a version validates, what two versions
    differ by, and whether the working tree differs from its last version."""

    def __init__(self, typed: TypedVersions, known: dict, versions: Versions):
        self.typed, self.known, self.used = typed, known, {}
        self.districts = digest(repr(sorted(typed.districts.items())))
        self.states = {version_key(key, state, self.districts): (key, state)
                       for key, found in versions.items() for _, state in found}
        self.versions = versions
        self.valid: dict[str, bool] = {}

    def find_valid(self) -> bool:
        """Which versions validate; those the cache does not know are typed."""
        unknown = {k: v for k, v in self.states.items() if digest("valid", k) not in self.known}
        if not self.typed.type_all(unknown):
            return False
        for k in self.states:
            name = digest("valid", k)
            self.valid[k] = self.typed.typed[k] is not None if k in unknown else self.known[name]
            self.used[name] = self.valid[k]
        return True

    def steps(self, key: str) -> list[Step]:
        """Each commit that made a valid version, with the valid version before it (None:
        none yet); a version that does not validate is skipped."""
        steps, before = [], None
        for commit, state in self.versions[key]:
            after = version_key(key, state, self.districts)
            if self.valid[after]:
                steps.append((commit, before, after))
                before = after
        return steps

    def prepare(self, steps: dict[str, list[Step]], tree: dict[str, tuple[str, Project]]) -> bool:
        """Type, in one batch, the versions of every comparison the cache does not know."""
        needed = {k for project_steps in steps.values() for _, before, after in project_steps
                  if digest("diff", before or "", after) not in self.known
                  for k in (before, after) if k}
        needed |= {last for last, project in tree.values()
                   if digest("tree", last, project.digest) not in self.known}
        return self.typed.type_all({k: self.states[k] for k in needed})

    def changes(self, steps: list[Step]) -> tuple[Change, ...]:
        """The commits after which the disclosure reads differently, newest first."""
        found = []
        for commit, before, after in steps:
            name = digest("diff", before or "", after)
            items = self.known.get(name)
            if items is None:
                items = changelog.describe(self.typed.typed[before] if before else None,
                                           self.typed.typed[after])
            self.used[name] = items
            if items:
                found.append(Change(*commit, items))
        return tuple(reversed(found))

    def differs(self, last: str, project: Project) -> bool:
        """Edits not committed yet change what the page says (not a comment alone)."""
        name = digest("tree", last, project.digest)
        differs = self.known.get(name)
        if differs is None:
            differs = bool(changelog.describe(self.typed.typed[last], project))
        self.used[name] = differs
        return differs
