"""How many worker processes the build forks to read projects and render pages."""

from __future__ import annotations

import multiprocessing
import os

MAX_WORKERS = 8


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
