"""Each project's history, read from git: first published, last changed, the changes.

Three git calls for the whole site, however many projects it has: one to learn
where the site sits in the repository, one `git log --name-only` over
content/projects parsed once, and one `git status` for edits not yet committed.
Outside a repository, without git, or in a shallow clone (whose oldest commit
would pass for the first publication of everything) there is no history, and
the pages leave the section out rather than invent dates. Dates are commit
dates, never the build clock, so two builds of the same commits are identical.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROJECTS = "content/projects/"
RECENT = 10  # changes listed on a page; the rest are counted
_RECORD, _FIELD = "\x1e", "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%cI%x1f%s"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Change:
    """One commit that touched a project's source files."""

    commit: str
    timestamp: str  # the commit date as git gives it, ISO 8601 with its offset
    message: str

    @property
    def date(self) -> str:
        return self.timestamp[:10]

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.timestamp)

    @property
    def lang(self) -> str:
        """Commit messages are free text; Chinese script marks them as Chinese."""
        return "zh" if _CJK.search(self.message) else "en"


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


def read(root: Path, keys: list[str] | tuple[str, ...]) -> History | None:
    """The history of each project key ('wuhua/2025/slug'), or None without git."""
    prefix = _repository_prefix(root)
    if prefix is None:
        return None
    changes = _changes(root, prefix)
    if changes is None:
        return None
    modified = _modified(root, prefix)
    return {key: ProjectHistory(tuple(changes[key]), key in modified)
            for key in sorted(keys) if key in changes}


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


def _changes(root: Path, prefix: str) -> dict[str, list[Change]] | None:
    out = _git(root, "log", f"--format={_LOG_FORMAT}", "--name-only", "--no-renames",
               "--", PROJECTS)
    if out is None:
        return None
    return parse_log(out, prefix)


def parse_log(out: str, prefix: str) -> dict[str, list[Change]]:
    """Parse `git log --format=<_LOG_FORMAT> --name-only`; newest commit first."""
    by_key: dict[str, list[Change]] = {}
    for record in out.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        commit, timestamp, message = header.split(_FIELD, 2)
        change = Change(commit, timestamp, message.strip())
        for key in sorted({k for name in names.splitlines()
                           if (k := project_key(name.strip(), prefix))}):
            by_key.setdefault(key, []).append(change)
    return by_key


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
