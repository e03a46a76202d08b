"""Write the finished site into a staging folder, then swap it into place.

A reader of the output folder sees either the previous complete site or the
new complete site, never a mixture: the swap is one atomic rename (Linux
renameat2 RENAME_EXCHANGE), with a two-rename fallback elsewhere.

With the build cache, the folder swapped out is kept as the next build's staging
folder (the spare), and the cache records the digest and inode of every file in
both. A build then touches only the files that differ: a file that the live site
already holds with the right bytes is hard-linked from it, so an unchanged file
keeps its inode and time across builds, and nothing is ever written into a file
that the live site shares. Before the spare is changed its record is dropped, so a
build killed halfway leaves a spare that the next build throws away.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
from pathlib import Path

from builder.core.cache import Cache, digest
from builder.core.errors import BuildError

MARKER = ".budgetsite-output"
MARKER_TEXT = b"This folder is written by budgetsite build; it is replaced on every build.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

Manifest = dict[str, tuple[str, int]]  # file → (digest of its bytes, inode)
Placed = tuple[tuple[str, int], bool]  # a file's new entry, and whether bytes were written
_UNSAFE = {"", ".", ".."}  # segments of no file's name in the site


def _outside(name: str) -> BuildError:
    return BuildError(f"refusing to write {name!r} outside the output folder")


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.staging"


class Output:
    """The output folder and its staging folder, for one build."""

    def __init__(self, out: Path, cache: Cache, linking: Linking | None = None):
        if out.exists() and not out.is_dir():
            raise BuildError(f"{out} exists and is not a folder; choose another --out")
        if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} is not empty and was not written by budgetsite; "
                             f"refusing to replace it (choose another --out or empty it)")
        self.out, self.cache = out, cache
        self.staging = staging_dir(out)
        self.live: Manifest = linking.live if linking is not None else _recorded(cache, out)
        self.spare: Manifest = self._prepare_spare(linking)
        self.written = 0
        self._made: set[str] = set()  # folders made, by their names in the staging folder
        self._root = self.staging.resolve()
        self._changing = False

    def _prepare_spare(self, linking: Linking | None = None) -> Manifest:
        """The staging folder with what it is known to hold; a fresh one, hard-linked
        from the live site, when it is not known (by the process `link_in_background`
        started, if it did its work; else here)."""
        if linking is not None and linking.wait() == 0:
            self.present = {name: inode for name, (_, inode) in self.live.items()}
            return dict(self.live)
        known = _recorded(self.cache, self.staging)
        if known:
            self.present = dict(_files(self.staging))
            # A file replaced by hand is not the one recorded: forget it.
            return {name: entry for name, entry in known.items()
                    if self.present.get(name) == entry[1]}
        _link_tree(self.out, self.staging, self.live)
        self.present = {name: inode for name, (_, inode) in self.live.items()}
        return dict(self.live)

    def has(self, name: str, digest_: str) -> bool:
        """Whether `name` with these bytes can be had without its bytes."""
        return self.live.get(name, ("",))[0] == digest_ or \
            self.spare.get(name, ("",))[0] == digest_

    def _change(self) -> None:
        """Before the first change to the staging folder: drop its record."""
        if not self._changing:
            self.cache.forget_tree(_inode(self.staging))
            self._changing = True

    def put(self, name: str, wanted: str, data: bytes) -> None:
        """Write one file into the staging folder now (a page as it is rendered)."""
        self.record(name, self.place(name, wanted, data))

    def place(self, name: str, wanted: str, data: bytes) -> Placed | None:
        """The work of `put` on the folder, which a forked worker may do (each file by
        one process): what `record` must then note in this process, or None when the
        folder already held the file."""
        live = self.live.get(name)
        if live and live[0] == wanted:
            if self.spare.get(name) != live:
                self._change()
                self._place(name, link=self.out / name)
                return live, False
            return None
        if self.spare.get(name, ("",))[0] == wanted:
            return None
        self._change()
        return (wanted, self._place(name, data=data)), True

    def record(self, name: str, placed: Placed | None) -> None:
        """Note a file that `place` put into the staging folder (here or in a worker,
        which then also dropped the folder's record)."""
        if placed is None:
            return
        entry, written = placed
        self._changing = True
        self.spare[name] = entry
        self.present[name] = entry[1]
        self.written += written

    def adopt_all(self, files: list[tuple[str, str, str | Path, int | None]]) -> None:
        """Put finished files from elsewhere (a shard's), (name, digest, source, its
        inode if known) each, into the staging folder: a hard link (the same inode)
        where the two folders share a file system, else a copy. (A merge links
        hundreds of thousands: text paths, and each folder made once.)"""
        self._change()
        for name, wanted, source, inode in files:
            target = self._target(name)
            if name in self.present:
                os.unlink(target)
            try:
                os.link(source, target)
            except OSError as err:
                if err.errno != errno.EXDEV:
                    raise
                with open(target, "xb") as handle:
                    handle.write(Path(source).read_bytes())
                inode = None
            if inode is None:
                inode = os.stat(target).st_ino
            self.record_forked({name: (wanted, inode)})

    def record_forked(self, entries: Manifest) -> None:
        """Note files a forked process put into the staging folder (adopt_all, put):
        by name, their digests and inodes."""
        self._changing = True
        for name, (wanted, inode) in entries.items():
            self.spare[name] = (wanted, inode)
            self.present[name] = inode
            self.written += 1

    def drop(self, name: str) -> None:
        """Remove a file another program wrote into the staging folder."""
        self._change()
        (self.staging / name).unlink(missing_ok=True)
        self.spare.pop(name, None)
        self.present.pop(name, None)

    def write(self, files: dict[str, tuple[str, bytes | None]]) -> None:
        """Make the staging folder hold exactly `files` (plus the marker); files with
        bytes None must be there already, or in the live site."""
        self._change()
        files = {**files, MARKER: (digest(MARKER_TEXT), MARKER_TEXT)}
        emptied = set()
        for name, inode in self.present.items():
            if name not in files or self.spare.get(name, ("", inode))[1] != inode:
                (self.staging / name).unlink()
                self.spare.pop(name, None)
                emptied.add((self.staging / name).parent)
        for name, (wanted, data) in sorted(files.items()):
            have = self.spare.get(name)
            live = self.live.get(name)
            if live and live[0] == wanted:
                if have != live:
                    self._place(name, link=self.out / name)
                    self.spare[name] = live
            elif not (have and have[0] == wanted):
                if data is None:
                    raise BuildError(f"the build lost the contents of {name}; "
                                     f"delete .cache/ and build again")
                self.spare[name] = (wanted, self._place(name, data=data))
                self.written += 1
        for name in [n for n in self.spare if n not in files]:
            del self.spare[name]
        _prune(self.staging, emptied)

    def _place(self, name: str, *, link: Path | None = None, data: bytes | None = None) -> int:
        """Put a file at `name` in the staging folder, as a hard link to `link` or with
        `data` in a new file; its inode."""
        target = Path(self._target(name))
        target.unlink(missing_ok=True)  # never write into a file the live site shares
        if link is not None:
            try:
                os.link(link, target)
            except FileNotFoundError:
                raise StaleOutput(name) from None
            return os.stat(target).st_ino
        with target.open("xb") as handle:
            handle.write(data or b"")
            return os.fstat(handle.fileno()).st_ino

    def _target(self, name: str) -> str:
        """Where file `name` goes in the staging folder, its folders made. (Names as
        text: a merge places hundreds of thousands of files, and paths as objects were
        a third of its time doing so.)"""
        if _UNSAFE.intersection(name.split("/")):
            raise _outside(name)
        folder = name.rpartition("/")[0]
        if folder not in self._made:
            self._folder(name, folder)
        return f"{self.staging}/{name}"

    def _folder(self, name: str, folder: str) -> None:
        """Make the folder a file `name` goes into (by its name in the staging folder),
        a level at a time from the nearest folder made before: each level a real folder
        inside the staging folder (one that is there already must not be a link), so
        nothing is written outside it."""
        missing = []
        while folder not in self._made:
            if not folder:
                self.staging.mkdir(parents=True, exist_ok=True)
                if self._root != self.staging.resolve():
                    raise _outside(name)
                self._made.add(folder)
                break
            missing.append(folder)
            folder = folder.rpartition("/")[0]
        for level in reversed(missing):
            path = f"{self.staging}/{level}"
            try:
                os.mkdir(path)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise _outside(name) from None
            self._made.add(level)

    def add_written(self, folder: str) -> dict[str, str]:
        """Record files another program wrote into the staging folder under `folder`;
        their digests, by name."""
        found = {}
        for name, inode in _files(self.staging / folder):
            full = f"{folder}/{name}"
            found[full] = digest((self.staging / full).read_bytes())
            self.spare[full] = (found[full], inode)
        return found

    def swap(self) -> None:
        """Put the staging folder in place atomically. With the cache the old site
        stays as the next staging folder; without it, it is removed."""
        exchanged = False
        try:
            if not self.out.exists():
                os.rename(self.staging, self.out)
            else:
                exchanged = _exchange(self.staging, self.out)
                if not exchanged:
                    self._two_renames()
        except OSError as err:
            raise BuildError(f"could not move the new site into {self.out}: {err}") from None
        # The new site is in place; recording it may still fail (a read-only cache).
        self._keep(old=self.staging if exchanged else None)

    def _two_renames(self) -> None:
        """Where the atomic exchange is missing: the old site aside, the new one in.
        If the second rename fails the old site goes back, so that the output folder
        is never left missing."""
        old = self.out.parent / f".{self.out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(self.out, old)
        try:
            os.rename(self.staging, self.out)
        except OSError:
            os.rename(old, self.out)
            raise
        shutil.rmtree(old, ignore_errors=True)

    def _keep(self, old: Path | None) -> None:
        if self.cache.enabled:
            self.cache.keep_tree(_inode(self.out), self.spare)
            if old is not None and self.live:
                self.cache.keep_tree(_inode(old), self.live)
            self.cache.keep_only_trees({_inode(self.out), _inode(self.staging)})
        elif old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        self.cache.forget_tree(_inode(self.staging))
        shutil.rmtree(self.staging, ignore_errors=True)


def _link_tree(out: Path, staging: Path, live: Manifest) -> None:
    """A fresh staging folder holding every file of the live site, hard-linked."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    # Text paths and each folder made once: a site has a hundred thousand files.
    source, target = os.fspath(out) + "/", os.fspath(staging) + "/"
    made = {""}
    for name in live:
        folder = name.rpartition("/")[0]
        if folder not in made:
            os.makedirs(target + folder, exist_ok=True)
            made.add(folder)
        try:
            os.link(source + name, target + name)
        except FileNotFoundError:
            raise StaleOutput(name) from None


class Linking:
    """A forked process making the fresh staging folder (`link_in_background`)."""

    def __init__(self, pid: int, live: Manifest):
        self.pid, self.live = pid, live
        self._status: int | None = None

    def wait(self) -> int:
        """0 when the folder was made; anything else, and Output makes it again."""
        if self._status is None:
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)
        return self._status


def link_in_background(out: Path, cache: Cache) -> Linking | None:
    """When the staging folder must be made anew from the live site (after a cold build,
    or when it is not the one recorded), start making it now, in a forked process, so
    that its system calls (at 10,000 projects 85,000 links in 50,000 folders, several
    seconds) run beside the reading of the sources; Output(out, cache, linking) then
    waits for it. None when there is no such work, or this process may not fork."""
    from builder.core.parallel import single_threaded, worker_count
    if worker_count() < 2 or not single_threaded():
        return None
    staging = staging_dir(out)
    live = _recorded(cache, out)
    if not live or _recorded(cache, staging):
        return None
    pid = os.fork()
    if pid == 0:  # the child: make the folder, and leave without running anything else
        code = 1
        try:
            _link_tree(out, staging, live)
            code = 0
        finally:
            os._exit(code)
    return Linking(pid, live)


class StaleOutput(BuildError):
    """A file the cache says the output folder holds is gone: someone changed it."""

    def __init__(self, name: str):
        super().__init__(f"{name} was removed from the output folder by hand")
        self.name = name

    def __reduce__(self):  # raised in a forked worker, it comes back whole
        return StaleOutput, (self.name,)


def _recorded(cache: Cache, folder: Path) -> Manifest:
    """What the cache says `folder` holds, if the folder is the one it saw (the same
    inode, and the same marker file inside); else nothing."""
    if not folder.is_dir():
        return {}
    known = cache.tree(_inode(folder))
    if known.get(MARKER, ("", None))[1] != _inode(folder / MARKER):
        return {}
    return known


def _inode(path: Path) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _files(folder: Path):
    """(name relative to `folder`, inode) of every file under it; no stat calls."""
    stack = [""]
    while stack:
        prefix = stack.pop()
        try:
            entries = list(os.scandir(folder / prefix if prefix else folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            name = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append(name + "/")
            else:
                yield name, entry.inode()


def _prune(folder: Path, emptied: set[Path]) -> None:
    """Remove folders left empty (a deleted project's); a cold build has none."""
    for current in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        while current != folder and folder in current.parents:
            try:
                current.rmdir()
            except OSError:
                break
            current = current.parent


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # not supported here: the two-rename fallback
    raise OSError(code, os.strerror(code), os.fspath(a))
