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
    continue_in_another_district(root)
    share_a_unit_across_districts(root)
    init(root)
    commit(root, "first disclosures", "2025-03-01T09:00:00+08:00")
    changed = next(root.glob("content/projects/*/*/sample-00003/project.yaml"))
    text = changed.read_text(encoding="utf-8")
    assert "（示例3）" in text
    changed.write_text(text.replace("（示例3）", "（示例3，更正）"), encoding="utf-8")
    commit(root, "corrected amount", "2025-06-01T09:00:00+08:00")
    return root


CROSSING = "chenggong/2026/medical-assistance-continued"


def continue_in_another_district(root: Path) -> None:
    """A programme whose years lie in two districts (and so in two shards): Wuhua's
    2024 and 2025 projects, continued in 2026 by a project of Chenggong."""
    projects = root / "content" / "projects"
    earlier = projects / "wuhua/2025/urban-rural-medical-assistance"
    folder = projects / CROSSING
    folder.mkdir(parents=True)
    shutil.copy2(earlier / "zh.md", folder / "zh.md")
    text = (earlier / "project.yaml").read_text(encoding="utf-8")
    text = text.replace("district: wuhua\n", "district: chenggong\n", 1)
    text = text.replace("year: 2025\n", "year: 2026\n", 1).replace("    year: 2024\n",
                                                                "    year: 2025\n", 1)
    text = text[:text.index("source:\n  title:")]  # its own document is not at hand
    text += "continues: wuhua/2025/urban-rural-medical-assistance\n"
    (folder / "project.yaml").write_text(text, encoding="utf-8")


def share_a_unit_across_districts(root: Path) -> None:
    """A unit that works in two districts far apart (so in two shards), with no
    programme between its projects: its page lists projects of two shards."""
    import re
    code = re.compile(r"^(unit:\n(?:  .*\n)*?  code: )(.*)$", re.M)
    found = sorted(root.glob("content/projects/*/*/sample-*/project.yaml"))
    first, last = found[0], found[-1]
    assert first.parts[-4] != last.parts[-4]
    theirs = code.search(last.read_text(encoding="utf-8")).group(2)
    text = first.read_text(encoding="utf-8")
    assert code.search(text)
    first.write_text(code.sub(lambda m: m.group(1) + theirs, text, count=1), encoding="utf-8")


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
    assert merged["zh/feed.xml"].count(b"<entry>") == CORPUS + 4
    # The programme across two districts: its page and each year's links.
    timeline = merged["zh/programmes/wuhua/2024/urban-rural-medical-assistance/index.html"]
    assert CROSSING.encode() in timeline
    assert b"zh/wuhua/2025/urban-rural-medical-assistance/" in merged[
        f"zh/{CROSSING}/index.html"]
    assert f"zh/{CROSSING}/".encode() in merged[
        "zh/wuhua/2025/urban-rural-medical-assistance/index.html"]
    assert len([n for n in merged if n.startswith("pagefind-parts/")]) > 0


def shifted_copy(template: Path, folder: Path) -> None:
    """A sample project moved to the budget year 2031 (each year it names as many on)."""
    import re
    by = 2031 - int(template.parent.name)
    folder.mkdir(parents=True)
    for path in template.iterdir():
        text = re.sub(r"20\d\d", lambda m: str(int(m[0]) + by), path.read_text(encoding="utf-8"))
        (folder / path.name).write_text(text, encoding="utf-8")


def test_a_shard_links_the_feeds_other_districts_make_exist(sources, tmp_path):
    """A shard reads only its districts' projects (and its programmes'). A project not
    yet committed, of a year whose one dated project lies in the other shard, links
    that year's feed from its page as the whole build's page does: the shard learns
    which projects elsewhere have a date from git's log, without reading them."""
    from builder.publish import shard
    from builder.sources import discover
    root = runner(sources, tmp_path / "sources")
    districts = discover.read_districts(root)
    samples = sorted(root.glob("content/projects/*/*/sample-*"))
    counts: dict[str, int] = {}
    for folder in root.glob("content/projects/*/*/*"):
        counts[folder.parent.parent.name] = counts.get(folder.parent.parent.name, 0) + 1
    shards = shard.assign(districts, counts, 2)
    first = next(p for p in samples if shards[p.parent.parent.name] == 1)
    second = next(p for p in samples if shards[p.parent.parent.name] == 2)
    dated = first.parent.parent / "2031" / "feed-elsewhere-dated"
    fresh = second.parent.parent / "2031" / "feed-elsewhere-fresh"
    shifted_copy(first, dated)
    commit(root, "a disclosure of 2031", "2025-07-01T09:00:00+08:00")
    shifted_copy(second, fresh)  # not committed: no publication date yet
    whole = runner(root, tmp_path / "whole")
    result = run_budgetsite("build", "--root", whole, "--out", whole / "public")
    assert result.returncode == 0, result.stderr
    reference = tree(whole / "public")
    page = reference[f"zh/{fresh.relative_to(root / 'content/projects').as_posix()}/index.html"]
    assert b'href="/zh/years/2031/feed.xml"' in page
    merger = build_shards(root, tmp_path / "split", 2)
    result = run(MERGE_COMMAND, merger)
    assert result.returncode == 0, result.stdout + result.stderr
    assert differences(reference, tree(merger / "public")) == []


# --- faults ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two(sources, tmp_path_factory) -> Path:
    """A split in two, built once: the merge runner's folder, shards under shards/."""
    return build_shards(sources, tmp_path_factory.mktemp("two"), 2)


def merge_copy(two: Path, where: Path) -> Path:
    """A copy of the merge runner's folder, its shards to spoil."""
    shutil.copytree(two, where, symlinks=True)
    return where


def refused(merger: Path, *dirs: str) -> str:
    """The merge's one line of refusal; it wrote nothing."""
    result = run_budgetsite("merge", *dirs, "--out", "public", cwd=merger)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not (merger / "public").exists()
    assert not any(merger.glob(".public*"))
    return lines[0]


def test_a_missing_shard_is_named(two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    line = refused(merger, "shards/shard-1")
    assert "shard 2/2 missing" in line


def test_the_same_shard_twice_is_refused(two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    shutil.copytree(merger / "shards/shard-1", merger / "again")
    line = refused(merger, "shards/shard-1", "again", "shards/shard-2")
    assert "shard 1/2 is given twice" in line


def test_a_shard_of_another_commit_is_named(sources, two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    later = runner(sources, tmp_path / "later")
    project = next(later.glob("content/projects/*/*/sample-00005/project.yaml"))
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("（示例5）", "（示例5，修订）"), encoding="utf-8")
    newer = commit(later, "a later edit", "2025-09-01T09:00:00+08:00")
    result = run(SHARD_COMMAND.format(k=2, n=2), later)
    assert result.returncode == 0, result.stderr
    shutil.rmtree(merger / "shards/shard-2")
    shutil.move(later / "shard-2", merger / "shards/shard-2")
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert f"built from commit {newer[:12]}" in line and "shard 2/2" in line


@pytest.mark.parametrize("change", ["edited", "added"])
def test_a_shard_of_sources_not_committed_is_named(sources, two, tmp_path, change):
    """Two checkouts of one commit agree on their sources; one with an edit not
    committed (a file changed, or one git does not track) does not."""
    merger = merge_copy(two, tmp_path / "m")
    later = runner(sources, tmp_path / "later")
    project = next(later.glob("content/projects/*/*/sample-00005/project.yaml"))
    if change == "edited":
        text = project.read_text(encoding="utf-8")
        project.write_text(text.replace("（示例5）", "（示例5，未提交）"), encoding="utf-8")
    else:
        (project.parent / "notes.md").write_text("草稿\n", encoding="utf-8")
    result = run(SHARD_COMMAND.format(k=2, n=2), later)
    assert result.returncode == 0, result.stderr
    shutil.rmtree(merger / "shards/shard-2")
    shutil.move(later / "shard-2", merger / "shards/shard-2")
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert "built from other sources than" in line and "shard 2/2" in line


def test_a_damaged_file_is_named(two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    page = sorted((merger / "shards/shard-2/zh").rglob("index.html"))[0]
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    page.write_bytes(bytes(data))
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert str(page.relative_to(merger)) in line and "damaged" in line


@pytest.mark.parametrize("spoil", ["bit", "cut"])
def test_a_damaged_summary_is_named_however_the_merge_meets_it(two, tmp_path, spoil):
    """The summary is read while a forked process checks the other files: one bit
    flipped (inside a string, where a pickle would still read) or the file cut short
    are both refused before it is read, as the check names a damaged file, in one
    line, with nothing written."""
    merger = merge_copy(two, tmp_path / "m")
    summary = merger / "shards/shard-2/.budgetsite-summary.pickle"
    data = bytearray(summary.read_bytes())
    if spoil == "bit":
        middle = data.index(b"sample-", len(data) // 2)  # inside a string: still JSON
        data[middle] ^= 0x01
    else:
        del data[len(data) // 2:]
    summary.write_bytes(bytes(data))
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert ".budgetsite-summary.pickle is damaged" in line and "shard 2/2" in line


@pytest.mark.parametrize("spoil", ["bit", "cut"])
def test_damaged_rows_of_a_shard_are_named(two, tmp_path, spoil):
    """The rows a shard rendered are put on the merge's pages as they are, while the
    check runs: one bit flipped in them (a page the merge writes would show it) or the
    file cut short (the merge's slices of it come out short) are refused as the check
    names them, and nothing is written."""
    name = ".budgetsite-rows.bin"
    merger = merge_copy(two, tmp_path / "m")
    made = merger / "shards/shard-2" / name
    data = bytearray(made.read_bytes())
    assert b"<tr" in data  # what the shard rendered
    if spoil == "bit":
        data[data.index(b"<", len(data) // 2) + 1] ^= 0x01
    else:
        del data[len(data) // 2:]
    made.write_bytes(bytes(data))
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert f"{name} is damaged" in line and "shard 2/2" in line


def test_a_file_no_manifest_lists_is_refused(two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    (merger / "shards/shard-1/zh/extra.html").write_text("<p>added by hand</p>")
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert "zh/extra.html is not in shard 1/2" in line


def test_overlapping_shards_are_refused(two, tmp_path):
    """A page in both shards' manifests (a shard folder put together by hand, or two
    splits of different districts files): refused, naming the page and both shards."""
    import json
    merger = merge_copy(two, tmp_path / "m")
    one, other = merger / "shards/shard-1", merger / "shards/shard-2"
    taken = sorted(p for p in (one / "zh").rglob("index.html"))[0]
    name = taken.relative_to(one).as_posix()
    (other / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(taken, other / name)
    manifest = json.loads((other / ".budgetsite-shard.json").read_text(encoding="utf-8"))
    manifest["files"][name] = json.loads(
        (one / ".budgetsite-shard.json").read_text(encoding="utf-8"))["files"][name]
    (other / ".budgetsite-shard.json").write_text(json.dumps(manifest), encoding="utf-8")
    line = refused(merger, "shards/shard-1", "shards/shard-2")
    assert f"{name} is written by two shards" in line
    assert "shard 1/2" in line and "shard 2/2" in line


def test_a_failed_merge_leaves_the_last_site(two, tmp_path):
    merger = merge_copy(two, tmp_path / "m")
    result = run(MERGE_COMMAND, merger)
    assert result.returncode == 0, result.stderr
    before = tree(merger / "public")
    shutil.rmtree(merger / "shards/shard-2")
    result = run(MERGE_COMMAND, merger)
    assert result.returncode == 1 and "shard 2/2 missing" in result.stderr
    assert tree(merger / "public") == before


def test_a_shard_killed_at_any_moment_and_run_again_is_the_same_shard(sources, two, tmp_path):
    """SIGKILL at random moments of a shard's build; the next run on the same runner
    (its folder and cache as the killed one left them) gives the same shard."""
    import random
    import signal
    import time
    reference = tree(two / "shards/shard-1")
    copy = runner(sources, tmp_path / "runner")
    command = [sys.executable, "-m", "builder", *SHARD_COMMAND.format(k=1, n=2).split()[1:]]
    chance = random.Random(23)
    for _ in range(4):
        process = subprocess.Popen(command, cwd=copy, env={**os.environ, "PYTHONPATH": str(REPO)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(chance.uniform(0.5, 12))
        process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    result = run(SHARD_COMMAND.format(k=1, n=2), copy)
    assert result.returncode == 0, result.stderr
    assert differences(tree(copy / "shard-1"), reference) == []


# --- on one machine -------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_in_shards_on_one_machine_is_the_whole_site(sources, whole, tmp_path, jobs):
    root = runner(sources, tmp_path / "site")
    result = run_budgetsite("build", "--root", root, "--shards", "3", "--jobs", jobs,
                            "--out", root / "public")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merged 3 shards" in result.stdout
    assert differences(whole, tree(root / "public")) == []
    # Each shard kept its own cache, as on a runner of its own.
    assert sorted(p.name for p in (root / ".cache").glob("budgetsite-shard-*-of-3")) == \
        [f"budgetsite-shard-{k}-of-3" for k in (1, 2, 3)]


# --- the CI engine --------------------------------------------------------------------

def test_init_shards_writes_a_workflow_that_runs_these_commands(tmp_path):
    """The workflow `init --shards 4` writes: a matrix of 4 shard jobs, each running the
    shard command the tests run and uploading its folder (dot files included) as the
    artifact the merge job downloads to where the merge command the tests run reads it;
    a merge job after every shard; publishing after the merge."""
    import yaml
    result = run_budgetsite("init", tmp_path / "site", "--shards", "4")
    assert result.returncode == 0, result.stderr
    flow = yaml.safe_load((tmp_path / "site/.github/workflows/publish.yml").read_text("utf-8"))
    shard, merge, publish = (flow["jobs"][name] for name in ("shard", "merge", "publish"))
    assert shard["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert shard["strategy"]["fail-fast"] is True
    k = "${{ matrix.shard }}"
    runs = [s["run"] for s in shard["steps"] if s.get("run", "").startswith("budgetsite")]
    assert runs == [SHARD_COMMAND.format(k=k, n=4) + ' ${BASE_PATH:+--base-path "$BASE_PATH"}']
    upload = next(s for s in shard["steps"] if s.get("uses", "").startswith(
        "actions/upload-artifact"))
    assert upload["with"]["name"] == f"shard-{k}" and upload["with"]["path"] == f"shard-{k}/"
    assert upload["with"]["include-hidden-files"] is True
    cache = next(s for s in shard["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert k in cache["with"]["key"]
    assert merge["needs"] == "shard" and publish["needs"] == "merge"
    download = next(s for s in merge["steps"] if s.get("uses", "").startswith(
        "actions/download-artifact"))
    assert download["with"] == {"pattern": "shard-*", "path": "shards/"}
    assert [s["run"] for s in merge["steps"] if s.get("run", "").startswith("budgetsite")] \
        == [MERGE_COMMAND]
    assert "SHARDS" not in (tmp_path / "site/.github/workflows/publish.yml").read_text("utf-8")


def test_init_without_shards_writes_the_whole_build_workflow(tmp_path):
    from builder.tools import init
    assert run_budgetsite("init", tmp_path / "site").returncode == 0
    assert (tmp_path / "site/.github/workflows/publish.yml").read_bytes() == \
        (init.SKELETON / ".github/workflows/publish.yml").read_bytes()
    result = run_budgetsite("init", tmp_path / "other", "--shards", "0")
    assert result.returncode == 1 and "--shards 0" in result.stderr


def test_the_merge_checks_the_links_of_the_whole_site(sources, tmp_path):
    """A broken link on the shards' pages (a site template's), one on a merged page, and
    one in each kind of row the shards render for a merged page (the explorer's, the
    scorecard's and the year pages', whose links the merge takes from the shards'
    scans): the merge reports
    each as the whole build does, and --strict refuses them."""
    root = runner(sources, tmp_path / "site")
    pages = root / "site_templates" / "pages"
    pages.mkdir(parents=True)
    for name, target in (("project.html", "zh/no-such-page/"), ("unit.html", "zh/nor-this/")):
        (pages / name).write_text(
            f'{{% extends "default/pages/{name}" %}}{{% block main %}}{{{{ super() }}}}'
            f'<a href="{{{{ \'{target}\'|href }}}}">broken</a>{{% endblock %}}',
            encoding="utf-8")
    macros = root / "site_templates" / "macros"
    macros.mkdir()
    for name, row, target in (("explorer_row.html", "<tr>\n<th", "zh/no-row/"),
                              ("scorecard.html", '<th scope="row">', "zh/no-score/#x"),
                              ("tables.html", '<th scope="row"><a href="{{ urls.project(lang, p)|href }}">',
                               "zh/no-year-row/")):
        text = (REPO / "site_templates/macros" / name).read_text(encoding="utf-8")
        assert row in text
        (macros / name).write_text(text.replace(
            row, row + f'<a href="{{{{ \'{target}\'|href }}}}">broken</a>'), encoding="utf-8")
    commit(root, "a broken link", "2025-07-01T09:00:00+08:00")
    whole = run_budgetsite("build", "--root", root, "--out", tmp_path / "whole", "--no-search")
    assert whole.returncode == 0, whole.stderr
    merged = run_budgetsite("build", "--root", root, "--shards", "2", "--no-search",
                            "--out", tmp_path / "merged")
    assert merged.returncode == 0, merged.stderr
    broken = [line.replace(str(tmp_path / "whole"), "OUT")
              for line in whole.stderr.splitlines() if "[link." in line]
    assert any("no-such-page" in line for line in broken)
    assert any("nor-this" in line for line in broken)
    assert any("indicators/" in line and "no-row" in line for line in broken)
    assert any("scorecard/" in line and "no-score" in line for line in broken)
    assert any("/years/" in line and "no-year-row" in line for line in broken)
    assert [line.replace(str(tmp_path / "merged"), "OUT") for line in merged.stderr.splitlines()
            if "[link." in line] == broken
    shards = sorted(p for p in (root / ".cache/shards/2").iterdir() if p.name.isdigit())
    strict = run_budgetsite("merge", "--root", root, "--strict", "link.broken", *shards,
                            "--out", tmp_path / "strict")
    assert strict.returncode == 1 and not (tmp_path / "strict").exists()
    assert "nothing was written" in strict.stderr


def test_every_page_is_the_merges_or_a_shards_and_the_merge_outlines_only_the_shards(
        sources):
    """The merge renders the kinds that span districts and lists the shards' pages only
    in outline (for the site map): together they are the whole build's pages, each
    path once, the merge's owned by no district and the outlined all by one, each with
    the translations and project the site map reads."""
    from builder.publish import merge, shard
    from builder.site import structure
    from builder.site.urls import output_file
    from builder.sources import discover
    site = structure.make_site(discover.load_content(sources))
    whole = {p.path: p for p in structure.pages(site)}
    merged, outlined = shard.merged_pages(site), shard.candidate_pages(site, outline=True)
    assert sorted(p.path for p in merged + outlined) == sorted(whole)
    owner = merge._ownership(site, list(whole.values()))
    assert [p.path for p in merged if owner.district(output_file(p.path))] == []
    assert [p.path for p in outlined if not owner.district(output_file(p.path))] == []
    for page in outlined:
        assert page.translations == whole[page.path].translations
        assert page.lang == whole[page.path].lang
        assert page.context.get("project") is whole[page.path].context.get("project")


def test_a_summary_reads_back_as_the_model_it_was_made_from(sources, tmp_path):
    """The merge makes the model's objects from a summary without their __init__: each
    project read back equals the one written (but for its narrative, which a summary
    does not hold, and its indicators, of which it holds what the pages that span
    districts list), field by field and in its types; its scores and history too."""
    import dataclasses
    from builder.core.cache import Cache
    from builder.core.model import ListedIndicator
    from builder.history import revisions
    from builder.publish import shard
    from builder.site import scorecard, structure
    from builder.sources import discover
    content = discover.load_content(sources)
    history = revisions.read(sources, [p.key for p in content.projects], content,
                             Cache.disabled())
    assert history
    site = structure.make_site(content, "/", history)
    record = shard.summary(site, {d.slug for d in content.districts}, None)
    back = shard.SummaryReader().read(shard.summary_bytes(record))
    assert len(back["projects"]) == len(content.projects) > 3
    for read, made in zip(back["projects"], content.projects):
        listed = tuple(ListedIndicator(i.level1, i.level2, i.unit, i.type, i.operator)
                       for i in made.indicators)
        made = dataclasses.replace(made, narrative={}, indicators=listed)
        assert read == made
        assert vars(read) == vars(made)
        assert {k: type(v) for k, v in vars(read).items()} == \
            {k: type(v) for k, v in vars(made).items()}
        assert read.indicators and all(type(i) is ListedIndicator for i in read.indicators)
        assert hash(read.district) == hash(made.district)
    assert back["districts"] == content.districts
    assert all(read.district is back["districts"][[d.slug for d in content.districts]
                                                  .index(read.district.slug)]
               for read in back["projects"])
    assert back["history"] == {k: v for k, v in history.items()}
    for key, (results, score) in back["scores"].items():
        project = next(p for p in content.projects if p.key == key)
        scored = scorecard.score_project(project)
        assert results == scored.results and score == scored.score
        assert all(any(r.criterion is c for c in scorecard.CRITERIA) for r in results)
        assert scorecard.ProjectScore.shipped(project, results, score).score == scored.score


def test_a_summary_makes_nothing_but_the_model(tmp_path):
    """A pickle makes whatever it names: a summary naming anything but the model's
    classes is refused before it is made (here a call of os.system that would leave a
    file behind)."""
    import os
    import pickle
    from builder.publish import shard

    class Call:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'ran'}",))
    for data in (pickle.dumps(Call()),
                 pickle.dumps({"format": shard.FORMAT, "districts": (), "projects": [Call()]})):
        with pytest.raises(pickle.UnpicklingError, match="not of the model"):
            shard.SummaryReader().read(data)
    # A section (the search index's records, the key index's entries) holds plain
    # values only: not even the model's classes.
    assert shard.read_section(shard.section({"a": [("b", 1)]})) == {"a": [("b", 1)]}
    for value in (Call(), {"part": [Call()]}, {"d": shard.District("x", "1", None)}):
        with pytest.raises(pickle.UnpicklingError, match="not of the model"):
            shard.read_section(pickle.dumps(value))
    assert not (tmp_path / "ran").exists()


def test_work_forked_beside_the_merge_returns_its_result_or_one_line():
    """The merge's forked work (the check of the shards' files, the open data files)
    gives back what it made, its refusal as it said it, any other failure in one line,
    and ends when the merge stops it."""
    import time
    from builder.core.errors import BuildError
    from builder.core.parallel import Forked
    assert Forked(lambda: {"data/projects.csv": ("sha256:00", 7)}, "making").wait() == \
        {"data/projects.csv": ("sha256:00", 7)}

    def refuse():
        raise BuildError("shard 2/2 (x) is damaged")
    with pytest.raises(BuildError, match=r"^shard 2/2 \(x\) is damaged$"):
        Forked(refuse, "checking").wait()
    with pytest.raises(BuildError, match="^making failed: ZeroDivisionError: "):
        Forked(lambda: 1 / 0, "making").wait()
    started = time.monotonic()
    slow = Forked(lambda: time.sleep(60), "sleeping")
    slow.stop()
    assert time.monotonic() - started < 10
    with pytest.raises(BuildError, match="sleeping"):
        slow.wait()


def test_the_merges_pages_shared_by_two_processes_are_each_rendered_once_in_order(tmp_path):
    """RenderShares: this process and one forked beside it take chunks of the pages
    until none is left; every page is rendered and written once, by one of them, and
    the results come back in the pages' order, as one process would give them. The
    forked one starts late (as the open data's process does, after its own work), and
    both took a share."""
    import time
    from types import SimpleNamespace

    from builder.core.cache import digest
    from builder.core.parallel import Forked
    from builder.publish.merge import RenderShares

    class Renderer:
        def render(self, page) -> bytes:
            time.sleep(0.002)
            return f"{page.path} by {os.getpid()}".encode()

    class Folder:
        """A sink that writes each page into a folder, as the staging folder is."""
        recorded: dict = {}

        def place(self, name, wanted, data):
            (tmp_path / name.replace("/", "_")).write_bytes(data)
            return (wanted, os.getpid()), True

        def record(self, name, placed):
            assert name not in self.recorded
            self.recorded[name] = placed

    class Scan:
        def __call__(self, name, data):
            return len(data)

        def key(self, name, digest):
            return name

    pages = [SimpleNamespace(path=f"zh/p{i}/") for i in range(400)]
    shares = RenderShares(Renderer(), pages, Folder(), Scan())

    def beside():
        time.sleep(0.2)
        return shares.render()
    other = Forked(beside, "rendering")
    here = shares.render()
    scans: dict = {}
    files = shares.join(here, other.wait(), scans)
    assert list(files) == [f"zh/p{i}/index.html" for i in range(400)]
    written = sorted(tmp_path.iterdir())
    assert len(written) == 400
    by = {path.read_bytes().decode().split(" by ")[1] for path in written}
    assert by == {str(os.getpid()), str(other.pid)}  # each process rendered a share
    assert {placed[0][1] for placed in Folder.recorded.values()} == {os.getpid(), other.pid}
    for name, (made, _) in files.items():  # the digest and scan of the bytes written
        data = (tmp_path / name.replace("/", "_")).read_bytes()
        assert made == digest(data) and scans[name] == len(data)


def test_the_count_the_render_shares_share_survives_a_process_killed_while_counting():
    """The processes that share the merge's pages take them by a count; one killed
    while it held the count's lock (out of memory, say) must not leave the other
    waiting for ever: the kernel lets go of the lock with the process."""
    import fcntl
    import signal
    import threading

    from builder.publish.merge import _SharedCount
    count = _SharedCount()
    assert count.add(32) == 0
    pid = os.fork()
    if pid == 0:  # takes the lock, then is killed holding it
        fcntl.lockf(count.file.fileno(), fcntl.LOCK_EX)
        count.shared[:8] = (64).to_bytes(8, "little")
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)
    got: list[int] = []
    taker = threading.Thread(target=lambda: got.append(count.add(32)), daemon=True)
    taker.start()
    taker.join(30)
    assert got == [64] and count.add(0) == 96  # the child's count is seen, and goes on
