"""Where a site's inputs are, and a cheap fingerprint of all of them.

The fingerprint is made from file sizes, times and inodes, never contents, so that a
build with nothing changed can stop after a few thousand `stat` calls. It covers
content/, the template folders (templates, static files, UI strings), the builder's
own code, the libraries it renders with, the git state that page histories come
from and the build's options. Anything it cannot vouch for makes it None: the build
then does the full (cached) work.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from importlib.util import find_spec
from pathlib import Path

from builder.core.errors import ContentError, Problem
from builder.sources.load import NOT_REGULAR, SYMLINK

PACKAGE = Path(__file__).resolve().parent.parent


def _default_templates() -> Path:
    """The default templates, static files and UI strings: package data inside an
    installed wheel (builder/site_templates/), the checkout's top-level site_templates/
    beside builder/ otherwise (a plain checkout and an editable install alike)."""
    shipped = PACKAGE / "site_templates"
    return shipped if shipped.is_dir() else PACKAGE.parent / "site_templates"


DEFAULT_TEMPLATES = _default_templates()
# A site template extends the default of the same name as "default/<name>".
DEFAULT_PREFIX = "default"
CODE_DIR = PACKAGE
LIBRARIES = ("jinja2", "markdown", "nh3", "babel", "yaml", "markupsafe", "pagefind",
             "pagefind_bin_extended", "cbor2")
# A file changed this close to the scan may change again within the same tick of the
# file system's clock without its time moving; such a fingerprint is not trusted.
RACY_NS = 100_000_000


def template_dirs(root: Path) -> list[Path]:
    """The site's own templates first, then the defaults shipped with budgetsite."""
    own = root / "site_templates"
    dirs = [own] if own.is_dir() else []
    if DEFAULT_TEMPLATES.is_dir() and DEFAULT_TEMPLATES.resolve() not in {d.resolve() for d in dirs}:
        dirs.append(DEFAULT_TEMPLATES)
    return dirs


def regular_files(folder: Path, root: Path) -> dict[str, Path]:
    """Every file under `folder` (templates, static files, UI strings), by its name
    relative to the folder, sorted. The rule of load.source_bytes for the whole folder,
    before anything in it is read (Jinja2 opens templates itself): regular files and
    real folders only. Raises ContentError naming every symbolic link and special file."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        if current.is_symlink():
            problems.append(Problem(shown(current, root), 1, 1, "file", SYMLINK,
                                    code="file.symlink"))
            continue
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                found[path.relative_to(folder).as_posix()] = path
            else:
                link = entry.is_symlink()
                problems.append(Problem(
                    shown(path, root), 1, 1, "file", SYMLINK if link else NOT_REGULAR,
                    code="file.symlink" if link else "file.not-regular"))
    if problems:
        raise ContentError(problems)
    return dict(sorted(found.items()))


def shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def fingerprint(root: Path, options: str) -> str | None:
    """A digest of the state of every input of a build of `root`, or None when a
    file changed too recently to be sure of."""
    started = time.time_ns()
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version}\0{options}\0".encode("utf-8", "surrogatepass"))
    newest = 0
    folders = [root / "content", *template_dirs(root), CODE_DIR]
    for folder in folders:
        h.update(b"\0dir\0" + os.fsencode(folder))
        for path, st in _walk(folder):
            if st is None:
                return None  # a path it cannot look at (too long): no quick answer
            h.update(b"%s\0%d\0%d\0%d\0" % (path, st.st_size, st.st_mtime_ns, st.st_ino))
            newest = max(newest, st.st_mtime_ns)
    for path in [*_git_state(root), *_library_files()]:
        try:
            st = os.stat(path)
        except OSError:
            h.update(b"missing\0" + os.fsencode(path))
            continue
        h.update(b"%s\0%d\0%d\0%d\0" % (os.fsencode(path), st.st_size, st.st_mtime_ns,
                                        st.st_ino))
        newest = max(newest, st.st_mtime_ns)
    if newest >= started - RACY_NS:
        return None
    return h.hexdigest()


def _walk(folder: Path):
    """(path, stat) of every file and folder under `folder`, in a fixed order; a stat
    of None, last, for a path that cannot be looked at."""
    stack = [os.fsencode(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name in (b".cache", b".git"):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                yield entry.path, None
                return
            yield entry.path, st
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)


def _git_state(root: Path) -> list[Path]:
    """The files whose change means new commits or a changed index: HEAD, the current
    branch's ref, packed refs, the index. Outside a repository, none."""
    for folder in (root.resolve(), *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text("utf-8", "replace").strip()
            git_dir = (folder / text.removeprefix("gitdir:").strip()).resolve()
            common = git_dir / "commondir"
            common_dir = ((git_dir / common.read_text().strip()).resolve()
                          if common.is_file() else git_dir)
            return [dot_git, *_git_files(git_dir, common_dir)]
        if dot_git.is_dir():
            return _git_files(dot_git, dot_git)
    return []


def _git_files(git_dir: Path, common_dir: Path) -> list[Path]:
    files = [git_dir / "HEAD", git_dir / "index", common_dir / "packed-refs",
             common_dir / "shallow"]
    try:
        head = (git_dir / "HEAD").read_text("utf-8", "replace").strip()
    except OSError:
        return files
    if head.startswith("ref:"):
        files.append(common_dir / head.removeprefix("ref:").strip())
    return files


def _library_files() -> list[str]:
    """Where the rendering libraries are installed: an upgrade changes these files."""
    found = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        found.append(spec.origin if spec and spec.origin else f"<no {name}>")
    return found
