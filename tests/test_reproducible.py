"""Reproducible and atomic: the same sources give the same bytes wherever and however they
are built; a build killed at any moment leaves the last complete site in place; the
preview server keeps to the site and to this computer.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, build, copy_site, run_budgetsite

PROJECT = Path("content/projects/wuhua/2025/urban-rural-medical-assistance/project.yaml")
KILLS = 24


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file under `folder` with its bytes, and every folder (as None)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
            for path in sorted(folder.rglob("*"))}


def differences(one: dict, two: dict) -> list[str]:
    return sorted(name for name in one.keys() | two.keys() if one.get(name, 0) != two.get(name, 0))


# --- reproducible ---------------------------------------------------------------------------

def test_two_builds_are_byte_identical_in_every_file(tmp_path):
    """Different folders, working directories, hash seeds, time zones, locales and file
    times: the same bytes in every file, the search index included."""
    first, second = copy_site(tmp_path / "a"), copy_site(tmp_path / "b" / "elsewhere")
    for path in (second / "content").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # sources saved at another time
    (tmp_path / "cwd").mkdir()
    one = run_budgetsite("build", "--root", ".", cwd=first,
                         env={"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    two = run_budgetsite("build", "--root", second, "--out", tmp_path / "out", cwd=tmp_path / "cwd",
                         env={"PYTHONHASHSEED": "4242", "TZ": "Asia/Shanghai", "LC_ALL": "C"})
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    a, b = tree(first / "public"), tree(tmp_path / "out")
    assert any(name.startswith("pagefind/") for name in a), "no search index was built"
    assert differences(a, b) == []


def test_no_output_names_the_folder_it_was_built_in(tmp_path):
    root = copy_site(tmp_path / "where-the-sources-live")
    out = build(root)
    leaks = [name for name, data in tree(out).items()
             if data is not None and (str(tmp_path).encode() in data
                                      or b"where-the-sources-live" in data)]
    assert leaks == []


# --- atomic ---------------------------------------------------------------------------------

def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "builder", "build", "--root", str(root)],
                            env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def kill_all(process: subprocess.Popen) -> None:
    """The build first, as a crash or the OOM killer would; then anything it started."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_build_killed_at_random_moments_leaves_the_last_complete_site(tmp_path):
    """SIGKILL at random moments, over and over, while the sources switch between two
    versions: public/ is always exactly one of the two complete sites, never a mixture."""
    root = copy_site(tmp_path / "site")
    source = (root / PROJECT).read_text(encoding="utf-8")
    versions = [source, source.replace("城乡医疗救助专项资金", "城乡医疗救助专项资金（修订）", 1)]
    assert versions[0] != versions[1]
    complete = []
    for text in versions:  # the two complete sites, for reference
        (root / PROJECT).write_text(text, encoding="utf-8")
        started = time.monotonic()
        complete.append(tree(build(root, tmp_path / f"reference-{len(complete)}")))
        duration = time.monotonic() - started
    assert complete[0] != complete[1]
    build(root)  # public/ now holds version 1
    last = 1
    chance = random.Random(20260401)
    outcomes = []
    for attempt in range(KILLS):
        target = attempt % 2
        (root / PROJECT).write_text(versions[target], encoding="utf-8")
        delay = chance.uniform(0, duration * 1.3)
        process = start_build(root)
        time.sleep(delay)
        kill_all(process)
        now = tree(root / "public")
        assert now in (complete[last], complete[target]), (
            f"kill {attempt + 1} after {delay:.2f} s: public/ is neither site; differs from the "
            f"last complete one in {differences(now, complete[last])[:10]}")
        last = target if now == complete[target] else last
        outcomes.append("new" if now == complete[target] and now != complete[1 - target] else "old")
    print(f"{KILLS} kills over 0–{duration * 1.3:.2f} s: {outcomes.count('old')} left the last "
          f"site, {outcomes.count('new')} came after the swap")
    assert "old" in outcomes  # some kills did land inside a build
    (root / PROJECT).write_text(versions[0], encoding="utf-8")
    assert tree(build(root)) == complete[0]  # and the next build cleans up after them all


# --- the preview server ---------------------------------------------------------------------

def listening_addresses(pid: int) -> set[str]:
    """The addresses on which process `pid` and its children accept connections."""
    inodes = set()
    for proc in [pid, *_children(pid)]:
        fds = Path(f"/proc/{proc}/fd")
        for fd in fds.iterdir() if fds.exists() else ():
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.add(_address(fields[1]))
    return found


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_children(child)]
    return found


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        return f"{'.'.join(str(b) for b in reversed(raw))}:{int(port, 16)}"
    words = [raw[i:i + 4][::-1].hex() for i in range(0, 16, 4)]
    return f"[{''.join(words)}]:{int(port, 16)}"


@pytest.fixture
def preview(tmp_path):
    """The preview (`budgetsite serve`) of a copy of the site; never skipped: a
    preview that does not start fails these tests."""
    from test_serve import Preview

    server = Preview(copy_site(tmp_path / "site"))
    server.wait_for("budgetsite: serving")
    yield server
    server.stop()


def test_the_preview_server_listens_on_this_computer_only(preview):
    addresses = listening_addresses(preview.process.pid)
    assert f"127.0.0.1:{preview.port}" in addresses
    assert all(a.startswith(("127.0.0.1:", "[00000000000000000000000001000000]:"))
               for a in addresses), addresses


@pytest.mark.parametrize("target", [
    "/../../../../etc/passwd", "/zh/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/static/..%2f..%2f..%2f..%2fetc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd", "/..%5c..%5c..%5cetc%5cpasswd",
])
def test_the_preview_server_refuses_paths_outside_the_site(preview, target):
    status, data = preview.raw(target)
    assert status in (400, 403, 404), data[:200]
    assert b"root:" not in data
