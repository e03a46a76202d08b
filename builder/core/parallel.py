"""Forked worker processes for the build: how many, and mapping work over them."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
import threading
from typing import Any, Callable, Iterator, Sequence, TypeVar

from builder.core.errors import BuildError

MAX_WORKERS = 8
Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count() -> int:
    """Every core this process may use (at most MAX_WORKERS), or BUDGETSITE_WORKERS;
    1 when processes cannot be forked here. With 1 everything runs in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("BUDGETSITE_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, MAX_WORKERS)


_JOB: tuple[Callable, Sequence] | None = None  # what the forked workers work on


def single_threaded() -> bool:
    """Whether this process runs no other thread, and so may fork. A child gets a copy
    of every lock in the state it had at the fork: one that another thread held (the
    preview's web server, its file watcher) stays held in the child, and a child that
    needs it waits for ever. With other threads running, the work is done here."""
    return threading.active_count() == 1


def forked_map(function: Callable[[Item], Result], items: Sequence[Item], *,
               at_least: int, batch: int) -> Iterator[Result]:
    """function(item) for each item, in order, yielded as the results come. With
    `at_least` items or more and more than one worker, forked workers do the work in
    batches of at most `batch` items; they inherit everything in memory (the function
    and the items are never pickled; the results are), so the results are the ones
    this process alone would get."""
    workers = worker_count()
    if workers < 2 or len(items) < at_least or not single_threaded():
        yield from map(function, items)
        return
    global _JOB
    _JOB = (function, items)
    try:
        size = max(1, min(batch, -(-len(items) // (workers * 4))))
        bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
            for part in pool.imap(_run, bounds):
                yield from part
    finally:
        _JOB = None


def _ignore_interrupt() -> None:
    """Ctrl+C reaches every process of the terminal: the parent stops the workers and
    says so in one line, the workers must not each print a traceback. And the pool
    ends its workers with SIGTERM, which must end them quietly whatever handler the
    parent had (the preview turns SIGTERM into a clean stop)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(bounds: tuple[int, int]) -> list:
    assert _JOB is not None
    function, items = _JOB
    return [function(item) for item in items[bounds[0]:bounds[1]]]


_PR_SET_PDEATHSIG = 1  # prctl(2), linux/prctl.h


def end_with_parent(parent: int) -> None:
    """In a forked child: be killed when the thread that forked it ends, however it
    ends (Linux's PR_SET_PDEATHSIG; elsewhere the child ends on its own), and end now
    if `parent` has already gone."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class Forked:
    """`work()` done by a process forked now, beside this one's work; `wait` gives what
    it returned (pickled back through a pipe), or raises its BuildError."""

    def __init__(self, work: Callable[[], Any], what: str):
        self.what = what
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: work, say what came of it, and end
            os.close(read)
            code = 0
            try:
                end_with_parent(parent)
                result: tuple = ("done", work())
            except BuildError as err:
                result = ("refused", str(err))
            except BaseException as err:  # reported by the parent, in one line
                result = ("failed", f"{type(err).__name__}: {err}")
            try:
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.read, self.result = pid, read, None

    def _collect(self) -> tuple:
        if self.result is None:
            with os.fdopen(self.read, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self.pid, 0)
            self.result = pickle.loads(data) if data else \
                ("failed", f"the process {self.what} ended early")
        return self.result

    def wait(self) -> Any:
        kind, value = self._collect()
        if kind == "refused":
            raise BuildError(value)
        if kind == "failed":
            raise BuildError(f"{self.what} failed: {value}")
        return value

    def stop(self) -> None:
        """End the work if it is still going (the merge failed or was interrupted)."""
        if self.result is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self._collect()
        except (OSError, pickle.UnpicklingError, EOFError):
            self.result = ("failed", "stopped")
