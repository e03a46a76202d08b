"""Concurrent builds of one site: two and three `budgetsite build` started at once, over
and over, while the sources switch between two versions. Every build that exits 0 has
left public/ holding exactly the cold build of the sources; a build that refuses says
why in one line; public/ is never missing and never a mixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, build, copy_site, run_budgetsite
from test_incremental import differences, tree

from builder.publish.lock import site_lock

PROJECT = Path("content/projects/wuhua/2025/urban-rural-medical-assistance/zh.md")
ROUNDS = 8  # per kind of round; a round takes about a second alone, more on a busy machine


def start(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "builder", "build", "--root", str(root),
                             *extra],
                            env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_at_once(root: Path, count: int, *extra: str) -> list[tuple[int, str]]:
    """`count` builds started together; (exit status, output) of each."""
    processes = [start(root, *extra) for _ in range(count)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out + err))
    return results


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the real site, the two versions of one narrative, and the cold build
    of each (without the cache, in folders of their own)."""
    base = tmp_path_factory.mktemp("concurrency")
    root = copy_site(base / "site")
    text = (root / PROJECT).read_text("utf-8")
    versions = [text, text.replace("医疗救助", "医疗救助（修订）", 1)]
    assert versions[0] != versions[1]
    cold = []
    for i, version in enumerate(versions):
        (root / PROJECT).write_text(version, "utf-8")
        cold.append(tree(build(root, base / f"cold-{i}", "--no-cache")))
    assert cold[0] != cold[1]
    return root, versions, cold


@pytest.mark.parametrize("count", [2, 3])
def test_builds_started_together_publish_the_cold_site(site, count):
    """Each round edits the sources, then starts the builds at once: all of them succeed
    (the later ones wait for the first) and public/ is the cold build of the sources."""
    root, versions, cold = site
    for round_ in range(ROUNDS):
        target = round_ % 2
        (root / PROJECT).write_text(versions[target], "utf-8")
        time.sleep(0.12)  # past the fingerprint's racy window, as a person editing would be
        results = run_at_once(root, count)
        for status, output in results:
            assert status == 0, f"round {round_ + 1}: a build failed: {output}"
            assert "Traceback" not in output
        now = tree(root / "public")
        assert now == cold[target], (f"round {round_ + 1}: {count} builds exited 0 but public/ "
                                     f"differs from the cold build in "
                                     f"{differences(now, cold[target])[:10]}")
        assert not (root / ".public.old").exists()


def test_with_wait_zero_a_second_build_refuses_in_one_line(site):
    """--wait 0: the builds that find the site locked refuse at once, with one line and
    exit 1; the one that ran left the cold site."""
    root, versions, cold = site
    outcomes = set()
    for round_ in range(ROUNDS):
        target = round_ % 2
        (root / PROJECT).write_text(versions[target], "utf-8")
        time.sleep(0.12)
        results = run_at_once(root, 3, "--wait", "0")
        assert any(status == 0 for status, _ in results)
        for status, output in results:
            outcomes.add(status)
            assert "Traceback" not in output
            if status != 0:
                assert status == 1
                lines = output.strip().splitlines()
                assert len(lines) == 1 and "another build of" in lines[0] \
                    and "still running" in lines[0], output
        assert tree(root / "public") == cold[target]
    assert 1 in outcomes, "no build ever found the site locked: the test proves nothing"


def test_the_lock_waits_then_refuses_and_is_reentrant(tmp_path):
    """Held by this process, the lock makes a build wait, then refuse after --wait; the
    thread that holds it may take it again (the preview builds while holding it)."""
    root = copy_site(tmp_path / "site")
    with site_lock(root, wait=0):
        with site_lock(root, wait=0):  # the same thread again: no deadlock
            pass
        started = time.monotonic()
        result = run_budgetsite("build", "--root", root, "--wait", "1")
        waited = time.monotonic() - started
        assert result.returncode == 1, result.stdout + result.stderr
        assert "waiting up to 1 s" in result.stderr
        assert f"process {os.getpid()}" in result.stderr
        assert "Traceback" not in result.stderr
        assert 1 <= waited < 30
        assert not (root / "public").exists()
    result = run_budgetsite("build", "--root", root, "--wait", "0", "--no-search")
    assert result.returncode == 0, result.stderr


def test_the_lock_is_taken_where_no_cache_folder_can_be_made(tmp_path):
    """Where ROOT/.cache/ cannot be made (here a file stands in its place; a read-only
    root is the same) the lock is the root folder, and a second build still finds it
    taken."""
    root = copy_site(tmp_path / "site")
    (root / ".cache").write_text("not a folder")
    out = tmp_path / "out" / "public"
    out.parent.mkdir()
    with site_lock(root, out, wait=0):
        result = run_budgetsite("build", "--root", root, "--out", out, "--no-cache",
                                "--wait", "0")
    assert result.returncode == 1 and "still running" in result.stderr, result.stderr
    assert not out.exists()
    result = run_budgetsite("build", "--root", root, "--out", out, "--no-cache",
                            "--no-search", "--wait", "0")
    assert result.returncode == 0, result.stderr


def test_the_swap_without_an_atomic_exchange_never_leaves_the_output_missing(tmp_path,
                                                                             monkeypatch):
    """Where renameat2 is missing the swap takes two renames; when the second fails, the
    old site goes back: the output folder is never missing, and holds the old site."""
    from builder.core.errors import BuildError
    from builder.publish import swap as publish
    root = copy_site(tmp_path / "site")
    before = tree(build(root, None, "--no-search"))
    (root / PROJECT).write_text((root / PROJECT).read_text("utf-8") + "\n补充。\n", "utf-8")
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def failing_rename(source, target):
        if Path(source).name == ".public.staging":
            raise OSError(28, "No space left on device", str(source))
        return real_rename(source, target)
    monkeypatch.setattr(publish.os, "rename", failing_rename)
    from builder.publish.build import BuildConfig, build as build_site
    with pytest.raises(BuildError, match="could not move the new site"):
        build_site(BuildConfig(root, root / "public", search=False))
    assert tree(root / "public") == before
    assert not (root / ".public.old").exists()
    monkeypatch.undo()
    build(root, None, "--no-search")
    assert tree(root / "public") != before


def test_the_lock_never_stands_in_for_a_missing_output_parent(tmp_path):
    """With .cache/ unusable and --out under a folder that does not exist yet, the lock
    is not made as a file where that folder belongs: the build makes the folder and
    publishes, and a second build of the root still waits for the first."""
    root = copy_site(tmp_path / "site")
    (root / ".cache").write_text("not a folder")
    out = tmp_path / "new" / "public"
    with site_lock(root, out, wait=0):
        assert not (tmp_path / "new").exists()
        busy = run_budgetsite("build", "--root", root, "--out", tmp_path / "other" / "public",
                              "--no-cache", "--no-search", "--wait", "0")
    assert busy.returncode == 1 and "still running" in busy.stderr, busy.stderr
    result = run_budgetsite("build", "--root", root, "--out", out, "--no-cache",
                            "--no-search", "--wait", "0")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new").is_dir() and (out / "zh" / "index.html").is_file()


# A Pagefind that first says it started (its process id in a file), then waits, then
# becomes the real one: time to kill the build while it runs.
SLOW_PAGEFIND = """#!{python}
import os, sys, time
with open({marker!r}, "w") as out:
    out.write(str(os.getpid()))
time.sleep(30)
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
"""
# The build with that Pagefind: as `budgetsite build`, its indexer replaced.
WITH_PAGEFIND = ("import sys; from pathlib import Path; from builder.outputs import search; "
                 "search.extended_binary = lambda: Path(sys.argv[1]); "
                 "from builder.cli import main; sys.exit(main(sys.argv[2:]))")


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to read its end."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_pagefind_dies_with_a_build_killed_alone(tmp_path):
    """`kill -9` of the build process only, as an out-of-memory kill does: its Pagefind
    does not go on writing into the folders the next build uses; the next build
    publishes exactly what a cold build writes."""
    from builder.outputs import search
    root = copy_site(tmp_path / "site")
    build(root)
    (root / PROJECT).write_text((root / PROJECT).read_text("utf-8") + "\n补充一句。\n", "utf-8")
    marker = tmp_path / "pagefind.pid"
    slow = tmp_path / "bin" / "pagefind_extended"
    slow.parent.mkdir()
    slow.write_text(SLOW_PAGEFIND.format(python=sys.executable, marker=str(marker),
                                         real=str(search.extended_binary())), "utf-8")
    slow.chmod(0o755)
    process = subprocess.Popen([sys.executable, "-c", WITH_PAGEFIND, str(slow), "build",
                                "--root", str(root)],
                               env={**os.environ, "PYTHONPATH": str(REPO)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not marker.is_file() or not marker.read_text():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    pagefind = int(marker.read_text())
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10  # it sleeps 30 s before it would index
    while alive(pagefind):
        if time.monotonic() > deadline:
            os.kill(pagefind, 9)
            pytest.fail("Pagefind outlived the build killed alone")
        time.sleep(0.05)
    result = run_budgetsite("build", "--root", root)
    assert result.returncode == 0, result.stderr
    cold = copy_site(tmp_path / "cold")
    cold_project = cold / PROJECT
    cold_project.write_text((root / PROJECT).read_text("utf-8"), "utf-8")
    assert differences(tree(root / "public"), tree(build(cold))) == []
    leftovers = [p.name for p in root.iterdir() if ".search-" in p.name]
    assert leftovers == []


def test_the_staging_folder_is_never_left_through_a_name_or_a_link(tmp_path):
    """A file's folders are made a level at a time inside the staging folder: a name
    that climbs out, or a folder in it that is a link to elsewhere, is refused and
    nothing is written outside; a plain name lands where it says."""
    from builder.core.cache import Cache
    from builder.core.errors import BuildError
    from builder.publish import swap as publish
    output = publish.Output(tmp_path / "public", Cache.disabled())
    output.put("zh/a/b/index.html", "d1", b"<p>a</p>")
    assert (output.staging / "zh/a/b/index.html").read_bytes() == b"<p>a</p>"
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("../outside/x.html", "zh/../../outside/x.html", "zh//x.html"):
        with pytest.raises(BuildError, match="outside the output folder"):
            output.put(name, "d2", b"x")
    (output.staging / "en").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="outside the output folder"):
        output.put("en/deep/index.html", "d3", b"x")
    with pytest.raises(BuildError, match="outside the output folder"):
        output.adopt_all([("en/index.html", "d4", output.staging / "zh/a/b/index.html", None)])
    assert list(outside.iterdir()) == []
