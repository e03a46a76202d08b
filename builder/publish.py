"""Write the finished site into a staging folder, then swap it into place.

A reader of the output folder sees either the previous complete site or the
new complete site, never a mixture: the swap is one atomic rename (Linux
renameat2 RENAME_EXCHANGE), with a two-rename fallback elsewhere.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

from .errors import BuildError

MARKER = ".budgetsite-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.staging"


def prepare(out: Path) -> Path:
    """An empty staging folder beside `out`, after checking `out` is ours to replace."""
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(f"{out} is not empty and was not written by budgetsite; "
                         f"refusing to replace it (choose another --out or empty it)")
    staging = staging_dir(out)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("This folder is written by budgetsite build; "
                                  "it is replaced on every build.\n", encoding="utf-8")
    return staging


def write_files(staging: Path, files: dict[str, bytes]) -> None:
    root = staging.resolve()
    for name, data in sorted(files.items()):
        target = (staging / name).resolve()
        if root not in target.parents:
            raise BuildError(f"refusing to write {name!r} outside the output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def copy_static(staging: Path, static_dirs: list[Path]) -> None:
    """Copy static assets; the site's own override the defaults file by file."""
    for folder in reversed(static_dirs):
        if folder.is_dir():
            shutil.copytree(folder, staging / "static", dirs_exist_ok=True)


def swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out` atomically and remove what was there."""
    try:
        if not out.exists():
            os.rename(staging, out)
            return
        if not _exchange(staging, out):
            old = out.parent / f".{out.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out, old)
            os.rename(staging, out)
            staging = old
        shutil.rmtree(staging, ignore_errors=True)
    except OSError as err:
        raise BuildError(f"could not move the new site into {out}: {err}") from None


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def discard(out: Path) -> None:
    shutil.rmtree(staging_dir(out), ignore_errors=True)
