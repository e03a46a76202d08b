"""Cache integrity: whatever is in ROOT/.cache/ (random bytes, a truncation, one flipped
bit, in any kind of cache file), the next build neither fails nor trusts it: the damaged
file is dropped with one warning line, and the output is a cold build's, byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import random
import time
from pathlib import Path

import pytest
from conftest import build as build_command, copy_site, run_budgetsite
from hypothesis import HealthCheck, given, settings, strategies as st
from test_incremental import differences, tree

from builder.publish.build import CACHE_DIR, BuildConfig, build

PROJECT = Path("content/projects/wuhua/2025/urban-rural-medical-assistance/zh.md")
# Every kind of file the cache holds, as glob patterns under ROOT/.cache/budgetsite/.
KINDS = {
    "inputs": "inputs.pickle",
    "trees": "trees/*.pickle",
    "projects": "v*/projects/*.pickle",
    "pages": "v*/pages/*.pickle",
    "link scans": "v*/link-scans/*.pickle",
    "data": "v*/data/*.pickle",
    "broken links": "v*/link-broken.pickle",
    "templates": "v*/templates.pickle",
    "compiled templates": "v*/jinja2-*/*/*.cache",
}
DAMAGE = ("random bytes", "truncated", "bit flip", "emptied")


def damage(path: Path, how: str, rng: random.Random) -> None:
    """Spoil `path` the way a disk, a crash or a careless hand would."""
    data = bytearray(path.read_bytes())
    if how == "random bytes":
        new = rng.randbytes(rng.choice([1, 8, len(data), len(data) * 2 + 1]))
    elif how == "truncated":
        new = bytes(data[:rng.randrange(len(data))])
    elif how == "bit flip":
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
        new = bytes(data)
    else:
        new = b""
    assert new != bytes(data) or how == "bit flip"
    path.write_bytes(new)


def set_version(root: Path, text: str) -> None:
    """Write the narrative, then wait out the fingerprint's racy window, so that the
    build records its inputs (and inputs.pickle exists to be damaged)."""
    (root / PROJECT).write_text(text, "utf-8")
    time.sleep(0.12)


def build_here(root: Path, search: bool = False) -> str:
    """One build in this process; what it said on stderr. Any exception fails the test."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        build(BuildConfig(root, root / "public", search=search))
    return err.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the real site, two versions of one narrative, and each version's cold
    build without the search index (without the cache, in folders of their own)."""
    base = tmp_path_factory.mktemp("cache-integrity")
    root = copy_site(base / "site")
    text = (root / PROJECT).read_text("utf-8")
    versions = [text, text.replace("医疗救助", "医疗救助（修订）", 1)]
    cold = []
    for i, version in enumerate(versions):
        set_version(root, version)
        cold.append(tree(build_command(root, base / f"cold-{i}", "--no-cache", "--no-search")))
    assert cold[0] != cold[1]
    build_here(root)
    return root, versions, cold, {"last": 1}


def assert_cold(root: Path, expected: dict, story: str) -> None:
    now = tree(root / "public")
    assert now == expected, f"{story}: differs from a cold build in {differences(now, expected)}"


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(KINDS)), how=st.sampled_from(DAMAGE),
       seed=st.integers(0, 2**32 - 1))
def test_a_damaged_cache_file_gives_the_cold_output(site, kind, how, seed):
    """Damage one file of one kind, then build the other version of the sources (so
    that the build reads the whole cache): one warning naming the file, no exception,
    the cold output; and the build after it is right again."""
    root, versions, cold, state = site
    rng = random.Random(seed)
    files = sorted((root / CACHE_DIR).glob(KINDS[kind]))
    assert files, f"the cache holds no {kind} file"
    victim = rng.choice(files)
    damage(victim, how, rng)
    target = 1 - state["last"]
    set_version(root, versions[target])
    said = build_here(root)
    state["last"] = target
    story = f"{how} in {victim.relative_to(root)}"
    assert_cold(root, cold[target], story)
    lines = said.splitlines()
    assert lines == [f"budgetsite: warning: the cache file {victim} was damaged; it was "
                     f"dropped and its work done again"] or (kind == "compiled templates"
                                                             and lines == []), (story, said)
    assert build_here(root) == ""
    assert_cold(root, cold[target], f"the build after {story}")


def test_every_kind_of_cache_file_is_checked(site):
    """Each kind, damaged by a flipped bit in its middle, is noticed when read."""
    root, versions, cold, state = site
    for kind, pattern in sorted(KINDS.items()):
        # A compiled template is read only when a page made of it is rendered, and not
        # every one is used by every build: spoil them all, and render every page.
        victims = sorted((root / CACHE_DIR).glob(pattern))
        for victim in victims if kind == "compiled templates" else victims[:1]:
            data = bytearray(victim.read_bytes())
            data[len(data) // 2] ^= 0x10
            victim.write_bytes(bytes(data))
        if kind == "compiled templates":
            for pages in (root / CACHE_DIR).glob("v*/pages/*.pickle"):
                pages.unlink()
        target = 1 - state["last"]
        set_version(root, versions[target])
        said = build_here(root)
        state["last"] = target
        assert f"the cache file {victims[0].parent}" in said, (kind, said)
        assert all(line.endswith("was damaged; it was dropped and its work done again")
                   for line in said.splitlines()), said
        assert_cold(root, cold[target], f"{kind}")


def test_a_damaged_search_record_rebuilds_the_index(tmp_path):
    """The record of the search bundle, damaged, is not trusted: the index is made
    again, and the output is the cold build's."""
    root = copy_site(tmp_path / "site")
    cold = tree(build_command(root, tmp_path / "cold", "--no-cache"))
    build_here(root, search=True)
    record = next((root / CACHE_DIR).glob("v*/search.pickle"))
    record.write_bytes(record.read_bytes()[:-3])
    (root / CACHE_DIR / "inputs.pickle").unlink(missing_ok=True)
    said = build_here(root, search=True)
    assert "search.pickle was damaged" in said
    assert_cold(root, cold, "a truncated search.pickle")


def test_random_bytes_in_every_cache_file_never_stop_the_command(tmp_path):
    """The whole cache overwritten with random bytes: the command still builds, with
    warnings and no traceback."""
    root = copy_site(tmp_path / "site")
    build_command(root, None, "--no-search")
    rng = random.Random(7)
    files = [p for p in (root / CACHE_DIR).rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(rng.randbytes(rng.randrange(1, 4096)))
    (root / PROJECT).write_text((root / PROJECT).read_text("utf-8") + "\n补充。\n", "utf-8")
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "damaged" in result.stderr
    cold = tree(build_command(root, tmp_path / "cold", "--no-cache", "--no-search"))
    assert differences(tree(root / "public"), cold) == []


# --- a cache that goes away or cannot be written ---------------------------------------------

@pytest.mark.parametrize("stage", ["load_content", "render_site", "check_output"])
def test_the_cache_removed_while_a_build_runs(tmp_path, monkeypatch, stage):
    """.cache/ deleted at some moment of a build (by hand, by a clean-up script): the
    build still ends well, with the cold output, and the next one too."""
    import shutil

    from builder.outputs import links
    from builder.render import renderer as render
    from builder.sources import discover
    root = copy_site(tmp_path / "site")
    cold = tree(build_command(root, tmp_path / "cold", "--no-cache", "--no-search"))
    build_here(root)
    set_version(root, (root / PROJECT).read_text("utf-8") + "\n补充一句。\n")
    cold_edited = tree(build_command(root, tmp_path / "cold-edited", "--no-cache", "--no-search"))
    module = {"load_content": discover, "render_site": render, "check_output": links}[stage]
    original = getattr(module, stage)
    removed = []

    def removing_the_cache(*args, **kwargs):
        assert (root / ".cache").is_dir()  # the earlier builds made it
        shutil.rmtree(root / ".cache")
        removed.append(stage)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, stage, removing_the_cache)
    build_here(root)
    monkeypatch.undo()
    assert removed == [stage]  # the build called the patched stage: the cache went away
    assert_cold(root, cold_edited, f".cache removed before {stage}")
    build_here(root)
    assert_cold(root, cold_edited, f"the build after .cache was removed before {stage}")
    assert cold != cold_edited


def test_a_cache_that_cannot_be_written_is_one_line_and_exit_1(tmp_path):
    """.cache/budgetsite cannot be made (a file stands there; a read-only .cache/ is the
    same): one line that names it and what to do, exit 1, no traceback."""
    root = copy_site(tmp_path / "site")
    (root / ".cache").mkdir()
    (root / ".cache/budgetsite").write_text("in the way")
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not use the build cache" in lines[0] \
        and "--no-cache" in lines[0], lines
    result = run_budgetsite("build", "--root", root, "--no-search", "--no-cache")
    assert result.returncode == 0, result.stderr
