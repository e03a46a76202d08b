"""Each project's history, read from git: first published, last changed, the changes.

A change is a commit after which the disclosure reads differently: the typed
project before and after each commit is compared (changelog.describe), so a
commit that only edits a comment or the layout of the YAML, or files the page
does not show, is no change, and "last changed" does not move for it. Commit
messages are not published.

A fixed number of git calls for the whole site, however many projects and
commits it has: where the site sits in the repository, one `git log --raw`
along the first parents of the published branch (which gives each commit's
blob ids, so every version of every file is known without asking again), one
`git cat-file --batch` for the blobs of versions not compared before, and one
`git status`. A version is typed once per set of blob ids, and what two
versions differ by is kept in the build cache by their blob ids, so a commit
already compared is not compared again. Outside a repository, without git, or in
a shallow clone (whose oldest commit would pass for the first publication of
everything) there is no history, and the pages leave the section out rather
than invent dates. Dates are commit dates, never the build clock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from builder.core.model import Project, Text

PROJECTS = "content/projects/"
RECENT = 10  # changes listed on a page; the rest are counted
_RECORD, _FIELD = "\x1e", "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%cI"
_NO_BLOB = "0" * 40


@dataclass(frozen=True)
class Change:
    """One commit after which the disclosure reads differently, and what changed."""

    commit: str
    timestamp: str  # the commit date as git gives it, ISO 8601 with its offset
    items: tuple[Text, ...] = ()  # what changed, in both languages

    @property
    def date(self) -> str:
        return self.timestamp[:10]

    def items_in(self, lang: str) -> tuple[str, ...]:
        """What changed as a reader of `lang` sees it: an edit of the English translation
        alone (its Chinese empty) is not shown in Chinese."""
        said = (item.zh if lang == "zh" else item.en or item.zh for item in self.items)
        return tuple(text for text in said if text)

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.timestamp)


@dataclass(frozen=True)
class ProjectHistory:
    changes: tuple[Change, ...]  # newest first
    modified: bool = False  # the working tree holds edits not yet committed

    @property
    def first_published(self) -> Change:
        return self.changes[-1]

    @property
    def last_changed(self) -> Change:
        return self.changes[0]

    @property
    def recent(self) -> tuple[Change, ...]:
        return self.changes[:RECENT]

    @property
    def earlier(self) -> int:
        return max(0, len(self.changes) - RECENT)

    @property
    def version(self) -> Change | None:
        """The commit the page shows, or None when it shows uncommitted edits."""
        return None if self.modified else self.last_changed


History = dict[str, ProjectHistory]


def recent_changes(projects: Iterable[Project], history: History | None,
                   limit: int) -> tuple[tuple[Project, Change], ...]:
    """(project, change) of the newest changes of `projects`, newest first."""
    found = [(p, c) for p in projects if history and p.key in history
             for c in history[p.key].changes]
    found.sort(key=lambda pc: (pc[1].moment, pc[0].key), reverse=True)
    return tuple(found[:limit])


Commit = tuple[str, str]  # (id, commit date)
# A version of a project folder: its files' names and blob ids, sorted.
State = tuple[tuple[str, str], ...]
Versions = dict[str, list[tuple[Commit, State]]]  # project key → versions, oldest first


def _git(root: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    # GIT_OPTIONAL_LOCKS=0: reading must not rewrite the index as `git status` may.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false",
                                 "-C", str(root), *args], capture_output=True, env=env,
                                timeout=600, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def _repository_prefix(root: Path) -> str | None:
    """Where the site folder sits inside its repository ('' at the top), or None."""
    out = _git(root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository",
               "--show-prefix")
    if out is None:
        return None
    lines = out.split("\n")
    if len(lines) < 3 or lines[0] != "true" or lines[1] != "false":
        return None
    return lines[2]


def project_key(path: str, prefix: str) -> str | None:
    """'site/content/projects/wuhua/2025/slug/zh.md' → 'wuhua/2025/slug'."""
    start = prefix + PROJECTS
    if not path.startswith(start):
        return None
    parts = path[len(start):].split("/")
    return "/".join(parts[:3]) if len(parts) > 3 else None


def committed_keys(root: Path) -> set[str] | None:
    """The key of every project folder whose current files some commit holds (what
    `revisions.read` finds a history for, when the sources are committed), read from
    the log's file names alone; None without git. A shard learns from it which
    projects of other districts have a publication date (their feeds exist)."""
    prefix = _repository_prefix(root)
    if prefix is None:
        return None
    out = _git(root, "log", "--first-parent", "-m", "--no-renames", "--format=",
               "--name-only", "--", PROJECTS)
    if out is None:
        return None
    return {key for line in out.splitlines() if (key := _file_of(line, prefix)[0])}


def parse_log(out: str, prefix: str, keys: set[str]) -> Versions:
    """Each project's versions from `git log --raw --reverse` (oldest commit first): the
    files of its folder after every commit that changed one of them."""
    files: dict[str, dict[str, str]] = {}
    versions: Versions = {}
    for record in out.split(_RECORD)[1:]:
        header, _, body = record.partition("\n")
        commit = tuple(header.strip().split(_FIELD, 1))
        touched = set()
        for line in body.splitlines():
            meta, tab, path = line.partition("\t")
            if not line.startswith(":") or not tab:
                continue
            key, name = _file_of(path, prefix)
            if key not in keys:
                continue
            blob = meta.split()[3]
            folder = files.setdefault(key, {})
            if blob == _NO_BLOB:
                folder.pop(name, None)
            else:
                folder[name] = blob
            touched.add(key)
        for key in sorted(touched):
            versions.setdefault(key, []).append((commit, tuple(sorted(files[key].items()))))
    return versions


def _file_of(path: str, prefix: str) -> tuple[str | None, str]:
    """'content/projects/wuhua/2025/slug/zh.md' → ('wuhua/2025/slug', 'zh.md'); files
    deeper in the folder belong to no version (the loader refuses them)."""
    key = project_key(path, prefix)
    if key is None:
        return None, ""
    rest = path[len(prefix + PROJECTS) + len(key) + 1:]
    return (key, rest) if "/" not in rest else (None, "")


def blobs(root: Path, ids: list[str]) -> dict[str, bytes] | None:
    """The contents of git blobs, all in one `git cat-file --batch`."""
    if not ids:
        return {}
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"],
                                input="".join(f"{i}\n" for i in ids).encode(),
                                capture_output=True, env=env, timeout=600, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    found, data, at = {}, result.stdout, 0
    for blob in ids:
        end = data.find(b"\n", at)
        header = data[at:end].split()
        if end < 0 or len(header) != 3:  # '<id> missing', or the answer was cut short
            return None
        size = int(header[2])
        found[blob] = data[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return found


def _modified(root: Path, prefix: str) -> set[str]:
    """Projects with edits in the working tree that no commit holds yet."""
    out = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
               PROJECTS) or ""
    keys: set[str] = set()
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        paths = [entry[3:]]
        if entry[0] in "RC":  # a rename or copy is followed by its original path
            paths.append(next(entries, ""))
        keys.update(k for path in paths if (k := project_key(path, prefix)))
    return keys
