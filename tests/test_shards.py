"""A build split by district into shards, each built on its own "runner" (its own copy
of the sources, cache and working folder), merged into the site a whole build writes,
byte for byte, search and feeds included; and the merge's refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run_budgetsite
from gitrepo import commit, init

from builder.tools.init import MERGE_COMMAND, SHARD_COMMAND

sys.path.insert(0, str(REPO / "bench"))
import make_corpus  # noqa: E402

CORPUS = 16  # sample projects over Kunming's 14 districts, besides the fixture's three


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(one: dict, two: dict) -> list[str]:
    return sorted(n for n in one.keys() | two.keys() if one.get(n) != two.get(n))


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """One of the commands the CI workflow runs, run as its shell runs it."""
    script = command.replace("budgetsite", f"{sys.executable} -m builder", 1)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """A git repository of several districts: sample projects and the fixture's real ones
    (originals, a programme, a correction, missing English), in two commits, the
    second changing a project, so that the change log and every feed have entries."""
    root = tmp_path_factory.mktemp("sources") / "site"
    make_corpus.write_corpus(CORPUS, root)
    fixture = FIXTURES / "stored-site" / "content" / "projects"
    shutil.copytree(fixture, root / "content" / "projects", dirs_exist_ok=True)
    init(root)
    commit(root, "first disclosures", "2025-03-01T09:00:00+08:00")
    changed = next(root.glob("content/projects/*/*/sample-00003/project.yaml"))
    text = changed.read_text(encoding="utf-8")
    assert "（示例3）" in text
    changed.write_text(text.replace("（示例3）", "（示例3，更正）"), encoding="utf-8")
    commit(root, "corrected amount", "2025-06-01T09:00:00+08:00")
    return root


def runner(sources: Path, where: Path) -> Path:
    """A fresh copy of the repository, as a CI runner checks it out."""
    shutil.copytree(sources, where, symlinks=True)
    return where


@pytest.fixture(scope="module")
def whole(sources, tmp_path_factory) -> dict[str, bytes]:
    root = runner(sources, tmp_path_factory.mktemp("whole") / "site")
    result = run_budgetsite("build", "--root", root, "--out", root / "public")
    assert result.returncode == 0, result.stderr
    return tree(root / "public")


def build_shards(sources: Path, work: Path, n: int) -> Path:
    """Each shard on its own runner, then the merge on another, by the workflow's
    commands; the merge runner's folder."""
    merger = runner(sources, work / "merge")
    for k in range(1, n + 1):
        copy = runner(sources, work / f"runner-{k}")
        result = run(SHARD_COMMAND.format(k=k, n=n), copy)
        assert result.returncode == 0, result.stdout + result.stderr
        shutil.move(copy / f"shard-{k}", merger / "shards" / f"shard-{k}")
    return merger


@pytest.mark.parametrize("n", [2, 3, 5])
def test_shards_merged_are_the_whole_site(sources, whole, tmp_path, n):
    merger = build_shards(sources, tmp_path, n)
    result = run(MERGE_COMMAND, merger)
    assert result.returncode == 0, result.stdout + result.stderr
    merged = tree(merger / "public")
    assert differences(whole, merged) == []
    # What the comparison covers: search (its entry made from every shard's parts),
    # the feeds, the change log, the open data and an original document.
    for name in ("pagefind/pagefind-entry.json", "pagefind/parts.json", "zh/feed.xml",
                 "en/changes.xml", "zh/changes/index.html", "data/projects.csv",
                 "data/projects/wuhua/2025/urban-rural-medical-assistance/original.txt"):
        assert name in merged
    assert merged["zh/feed.xml"].count(b"<entry>") == CORPUS + 3
    assert len([n for n in merged if n.startswith("pagefind-parts/")]) > 0
