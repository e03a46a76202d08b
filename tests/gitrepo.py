"""A throwaway git repository for tests: commits with fixed dates and authors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """Run git in `repo` with a fixed identity; `date` fixes both commit dates."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test Clerk", "GIT_AUTHOR_EMAIL": "clerk@example.org",
           "GIT_COMMITTER_NAME": "Test Clerk", "GIT_COMMITTER_EMAIL": "clerk@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def init(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")


def commit(repo: Path, message: str, date: str, *paths: str) -> str:
    """Commit `paths` (everything when none) at `date`; returns the commit id."""
    git(repo, "add", "--", *(paths or (".",)))
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")
