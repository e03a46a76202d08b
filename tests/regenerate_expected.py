"""Regenerate the stored output that tests/test_stored_output.py compares with:

    python tests/regenerate_expected.py

It builds tests/fixtures/stored-site/ exactly as the test does and replaces
tests/expected/stored-site/ with the result, so files the build no longer makes
are removed too. Run it when a change to the output is intended, then read the
pages it changed (`git status` and `git diff` on tests/expected/) and commit them
with the change.

The build is made deterministic the way the public site's is, plus two choices of
this test: no search index (`--no-search`; Pagefind's files are its own, not ours)
and no page history (the sources are copied to a temporary folder that git is told
not to look above, so no repository's commit dates reach the pages or the feeds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SITE = TESTS / "fixtures" / "stored-site"
EXPECTED = TESTS / "expected" / "stored-site"
COMMAND = "python tests/regenerate_expected.py"


def build_stored_site(out: Path) -> None:
    """Build the fixture site into `out` (which must not exist yet)."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "site"
        shutil.copytree(SITE / "content", root / "content")
        # Git must not find a repository above the copy, even when the temporary
        # folder lies inside a checkout: the pages would then carry commit dates.
        env = {**os.environ, "PYTHONPATH": str(REPO), "GIT_CEILING_DIRECTORIES": temp}
        result = subprocess.run(
            [sys.executable, "-m", "builder", "build", "--root", str(root),
             "--out", str(out), "--no-search", "--no-cache"],
            env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"the stored site did not build:\n{result.stdout}{result.stderr}")


def main() -> int:
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp) / "out"
        build_stored_site(out)
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED)
    files = [path for path in EXPECTED.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files)
    print(f"wrote {len(files)} files ({size / 1e6:.2f} MB) to {EXPECTED.relative_to(REPO)}; "
          f"review the changes with git status and git diff before committing them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
