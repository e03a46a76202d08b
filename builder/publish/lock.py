"""One build of a site at a time: an exclusive lock on the site root.

Two builds of one root at once share its cache and its output folder's staging
folder and swap; without a lock they publish a mixture, or each other's half-made
files, and report success. So every build (the `build` command and the preview's
builds alike) holds `site_lock` from before it looks at anything until its cache is
written:

    with site_lock(root, out, wait=300):
        ...

The lock is `fcntl.flock` on ROOT/.cache/budgetsite.lock (the folder is made if
missing). Where .cache/ cannot be made or written (a read-only root) it is taken on
the root folder itself, which a lock needs only to open, not to write in: a lock file
is made only inside a folder that exists, never in place of a folder the build is
still to make (the output's missing parent). The kernel
drops the lock when its holder exits, however it exits, so a killed build never
leaves a stale lock behind.

A second build waits for the first up to `wait` seconds, then refuses with
`SiteBusy`, one line naming the root and the other build's process id. `wait=0`
refuses at once. Within one process the lock is re-entrant for the thread that
holds it (the preview holds it around a build that takes it again); other threads
wait as other processes do.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from builder.core.errors import BuildError

LOCK_FILE = Path(".cache") / "budgetsite.lock"
DEFAULT_WAIT = 300.0
POLL_SECONDS = 0.05


class SiteBusy(BuildError):
    """Another build of the same site held the lock for longer than we would wait."""


class _Held:
    """This process's hold on one lock: the owning thread may take it again."""

    def __init__(self):
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_HELD: dict[str, _Held] = {}
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def site_lock(root: Path, out: Path | None = None, wait: float = DEFAULT_WAIT,
              on_wait: Callable[[str], None] | None = None,
              name: str | None = None) -> Iterator[None]:
    """Hold the exclusive lock of the site at `root` (whose output is `out`, default
    ROOT/public). Raises SiteBusy after `wait` seconds; `on_wait` is told once, with a
    line for the user, when the lock is not free at once. A shard of the site, which
    has a cache and an output of its own, locks only itself (`name`)."""
    path = lock_target(root, out, name)
    with _HELD_GUARD:
        held = _HELD.setdefault(str(path), _Held())
    acquired = (held.thread_lock.acquire(timeout=wait) if wait > 0
                else held.thread_lock.acquire(blocking=False))
    if not acquired:
        raise SiteBusy(_busy_message(root, path, wait))
    try:
        if held.depth == 0:
            held.fd = _flock(root, path, wait, on_wait)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                os.close(held.fd)  # closing the file releases the lock
                held.fd = None
    finally:
        held.thread_lock.release()


def lock_target(root: Path, out: Path | None = None, name: str | None = None) -> Path:
    """The file (or, failing that, the root folder) whose lock stands for the site, or,
    with `name`, for one shard of it. `out` is not used: every build of the root locks
    the same thing, whatever its output. Raises BuildError when there is no root folder
    to lock."""
    path = root / LOCK_FILE if name is None else root / LOCK_FILE.parent / f"{name}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_dir() and os.access(path.parent, os.W_OK):
            return path.resolve()
    except OSError:
        pass
    if root.is_dir():
        return root.resolve()
    raise BuildError(f"no lock can be had for {root}: it is not a folder, and one build "
                     f"at a time needs one (its .cache/ folder, or the folder itself)")


def _flock(root: Path, path: Path, wait: float, on_wait) -> int:
    """An open descriptor of `path` holding its exclusive lock."""
    deadline = time.monotonic() + max(wait, 0)
    told = False
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BuildError(f"could not lock {path}: {err.strerror}") from None
        else:
            if _still_there(fd, path):
                _note_holder(fd, path)
                return fd
            os.close(fd)  # removed while we waited: lock the new one
            continue
        if time.monotonic() >= deadline:
            raise SiteBusy(_busy_message(root, path, wait))
        if not told and on_wait is not None:
            on_wait(f"budgetsite: another build of {root} is running "
                    f"({_holder(path)}); waiting up to {wait:.0f} s for it to finish")
            told = True
        time.sleep(POLL_SECONDS)


def _open(path: Path) -> int:
    try:
        if path.is_dir():
            return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        if not path.parent.is_dir():  # never a file where a folder is to be made
            raise FileNotFoundError(errno.ENOENT, "its folder is not there")
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise BuildError(f"could not open the lock {path}: {err.strerror}") from None


def _still_there(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except OSError:
        return False


def _note_holder(fd: int, path: Path) -> None:
    """Write our process id into the lock file, for the message another build shows."""
    if path.is_dir():
        return
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip() if path.is_file() else ""
    except OSError:
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another process"


def _busy_message(root: Path, path: Path, wait: float) -> str:
    waited = f"after waiting {wait:.0f} s" if wait > 0 else "and --wait is 0"
    return (f"another build of {root} is still running ({_holder(path)}) {waited}; "
            f"nothing was written: build again when it has finished")
