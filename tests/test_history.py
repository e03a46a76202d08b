"""History comes from git commits: made here in a temporary repository with fixed dates."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build, copy_site
from gitrepo import commit, git, init
from pagetree import page

from builder.history import log as history, revisions

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "content/projects/chenggong/2026/civil-servant-medical-subsidy-insurance"
WUHUA_PAGE = "wuhua/2025/urban-rural-medical-assistance/index.html"
CHENGGONG_PAGE = "chenggong/2026/civil-servant-medical-subsidy-insurance/index.html"


def edit(root: Path, relative: str, extra: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The real content, published in two commits and corrected in a third."""
    root = copy_site(tmp_path_factory.mktemp("history"))
    init(root)
    ids = {
        "publish": commit(root, "发布五华区城乡医疗救助项目", "2024-03-01T09:00:00+08:00",
                          "content/site.yaml", "content/districts.yaml", WUHUA),
        "chenggong": commit(root, "Publish the Chenggong civil-servant subsidy project",
                            "2024-06-01T10:00:00+08:00", CHENGGONG),
    }
    edit(root, f"{WUHUA}/zh.md", "\n补充说明。\n")
    # 00:30 in UTC+8 is still the 15th in UTC: the page must give git's own date, the 16th.
    ids["correct"] = commit(root, "Add a note to the Wuhua results section",
                            "2024-07-16T00:30:00+08:00", WUHUA)
    return root, build(root, None, "--no-search"), ids


def history_section(out: Path, lang: str, project_page: str):
    return page(out / lang / project_page).by_id("history")


def test_first_published_and_last_changed_come_from_the_commits(repo):
    _, out, _ = repo
    zh = history_section(out, "zh", WUHUA_PAGE)
    assert "首次发布 2024年3月1日" in zh.text
    assert "最近修改 2024年7月16日" in zh.text
    en = history_section(out, "en", WUHUA_PAGE)
    assert "First published 1 March 2024" in en.text
    assert "Last changed 16 July 2024" in en.text


def changes(out: Path, lang: str, project_page: str) -> list:
    """The change list's entries (not the items inside each)."""
    listing = history_section(out, lang, project_page).find("ol")
    return [li for li in listing.children if getattr(li, "tag", None) == "li"]


def test_change_list_says_what_changed_in_the_readers_language_newest_first(repo):
    _, out, ids = repo
    assert [li.text for li in changes(out, "en", WUHUA_PAGE)] == [
        f"16 July 2024 {ids['correct'][:7]} Results achieved edited",
        f"1 March 2024 {ids['publish'][:7]} First published",
    ]
    assert [li.text for li in changes(out, "zh", WUHUA_PAGE)] == [
        f"2024年7月16日 {ids['correct'][:7]} 项目实施成效修改",
        f"2024年3月1日 {ids['publish'][:7]} 首次发布",
    ]
    items = changes(out, "en", WUHUA_PAGE)
    assert [li.find("time").attrs["datetime"] for li in items] == ["2024-07-16", "2024-03-01"]


def test_commit_messages_are_not_published(repo):
    _, out, _ = repo
    for lang in ("zh", "en"):
        for project_page in (WUHUA_PAGE, CHENGGONG_PAGE):
            text = page(out / lang / project_page).text
            assert "发布五华区" not in text and "Add a note" not in text
            assert "Publish the Chenggong" not in text
    data = (out / "data/projects/wuhua/2025/urban-rural-medical-assistance.json").read_text()
    assert "Add a note" not in data and "message" not in data


def test_each_project_has_only_its_own_commits(repo):
    _, out, ids = repo
    section = history_section(out, "zh", CHENGGONG_PAGE)
    items = changes(out, "zh", CHENGGONG_PAGE)
    assert len(items) == 1 and ids["chenggong"][:7] in items[0].text
    assert "首次发布 2024年6月1日" in section.text and "最近修改 2024年6月1日" in section.text


def test_cite_block_gives_the_version_shown(repo):
    _, out, ids = repo
    for lang, date in (("zh", "2024年7月16日"), ("en", "16 July 2024")):
        cite = page(out / lang / WUHUA_PAGE).by_id("cite")
        assert cite.find("time").attrs["datetime"] == "2024-07-16"
        assert date in cite.text and ids["correct"][:7] in cite.text
    cite = page(out / "en" / WUHUA_PAGE).by_id("cite")
    citation = cite.find("p", class_="citation").text
    assert citation == ("Kunming Wuhua District Medical Insurance Center. Special fund for urban "
                        "and rural medical assistance. Wuhua District, budget year 2025. Version "
                        "of 16 July 2024. https://budget.example.org/en/wuhua/2025/"
                        "urban-rural-medical-assistance/")


def test_data_files_carry_the_dates(repo):
    _, out, ids = repo
    rows = {r["id"]: r for r in csv.DictReader(
        io.StringIO((out / "data/projects.csv").read_text(encoding="utf-8-sig")))}
    wuhua = rows["wuhua/2025/urban-rural-medical-assistance"]
    assert (wuhua["first_published"], wuhua["last_changed"]) == ("2024-03-01", "2024-07-16")
    data = json.loads((out / "data/projects/wuhua/2025/urban-rural-medical-assistance.json")
                      .read_text(encoding="utf-8"))
    assert [c["commit"] for c in data["history"]["changes"]] == [ids["correct"], ids["publish"]]
    assert data["history"]["changes"][0]["items"] == [
        {"zh": "项目实施成效修改", "en": "Results achieved edited"}]
    assert data["history"]["last_changed"] == "2024-07-16T00:30:00+08:00"


def test_two_builds_of_the_same_commits_are_identical(repo, tmp_path):
    root, out, _ = repo
    again = build(root, tmp_path / "again", "--no-search")
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert first == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in first:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_without_git_the_section_is_left_out_and_the_version_is_unversioned(real_site):
    for lang, word in (("zh", "无版本记录"), ("en", "unversioned")):
        tree = page(real_site / lang / WUHUA_PAGE)
        assert tree.by_id("history") is None
        cite = tree.by_id("cite")
        assert word in cite.text and cite.find("time") is None
    rows = list(csv.DictReader(io.StringIO(
        (real_site / "data/projects.csv").read_text(encoding="utf-8-sig"))))
    assert all(r["first_published"] == r["last_changed"] == "" for r in rows)


def test_uncommitted_edits_make_the_page_unversioned(tmp_path):
    root = copy_site(tmp_path / "site")
    init(root)
    commit(root, "Publish", "2024-03-01T09:00:00+08:00")
    edit(root, f"{WUHUA}/en.md", "\nA note not yet committed.\n")
    out = build(root, None, "--no-search")
    tree = page(out / "en" / WUHUA_PAGE)
    assert "unversioned" in tree.by_id("cite").text
    assert "not been committed" in tree.by_id("history").text
    # The other project is untouched and keeps its version.
    assert page(out / "en" / CHENGGONG_PAGE).by_id("cite").find("time").attrs["datetime"] \
        == "2024-03-01"


def test_a_site_in_a_subfolder_of_the_repository(tmp_path):
    init(tmp_path)
    root = copy_site(tmp_path / "sites" / "kunming")
    commit(tmp_path, "Publish from a subfolder", "2024-04-02T08:00:00+08:00")
    out = build(root, None, "--no-search")
    assert "2 April 2024" in history_section(out, "en", WUHUA_PAGE).text


def test_a_shallow_clone_has_no_history_rather_than_a_false_one(repo, tmp_path):
    root, _, _ = repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)],
                   check=True, capture_output=True)
    out = build(clone, tmp_path / "out", "--no-search")
    assert history_section(out, "zh", WUHUA_PAGE) is None
    assert "无版本记录" in page(out / "zh" / WUHUA_PAGE).by_id("cite").text


def test_history_reads_git_a_fixed_number_of_times_however_many_projects(tmp_path,
                                                                         monkeypatch):
    init(tmp_path)
    keys = [f"district{n % 5}/20{20 + n % 6}/project-{n}" for n in range(60)]
    for key in keys:
        folder = tmp_path / "content/projects" / key
        folder.mkdir(parents=True)
        (folder / "project.yaml").write_text(f"# {key}\n", encoding="utf-8")
    published = commit(tmp_path, "Publish sixty projects", "2024-01-02T03:04:05+08:00")
    edit(tmp_path, f"content/projects/{keys[7]}/project.yaml", "# edited\n")
    edited = commit(tmp_path, "Edit one", "2024-02-03T04:05:06+08:00")

    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(history.subprocess, "run",
                        lambda args, **kw: calls.append(args) or real_run(args, **kw))
    found = revisions.read(tmp_path, keys)
    assert len(calls) == 3
    assert sorted(found) == sorted(keys)
    assert found[keys[7]].last_changed.commit == edited
    assert [c.commit for c in found[keys[8]].changes] == [published]
    assert found[keys[8]].first_published.timestamp == "2024-01-02T03:04:05+08:00"


def test_outside_a_repository_there_is_no_history(tmp_path):
    assert revisions.read(tmp_path, ["wuhua/2025/x"]) is None
    assert git(tmp_path, "--version").startswith("git version")


def test_a_version_whose_files_are_the_working_tree_s_is_not_typed_again(repo, tmp_path,
                                                                           monkeypatch):
    """A first build of a committed site would otherwise read and check every project
    twice: once from its folder, once from git. The version a folder holds now is the
    project just read (its files blob for blob); older versions and a committed version
    the folder has since left are typed from git, and the history is the same."""
    from builder.core.cache import Cache
    from builder.sources import discover

    root = tmp_path / "site"
    shutil.copytree(repo[0], root, ignore=shutil.ignore_patterns("public", ".cache"))
    amount = root / CHENGGONG / "project.yaml"  # an edit not committed: git's version differs
    amount.write_text(amount.read_text(encoding="utf-8").replace("budget_year: 5500000.00", "budget_year: 5600000.00", 1),
                      encoding="utf-8")
    content = discover.load_content(root, Cache.disabled())
    keys = [p.key for p in content.projects]

    typed = []
    real_type = revisions.TypedVersions._type
    monkeypatch.setattr(revisions.TypedVersions, "_type",
                        lambda self, *args: typed.append(args[2]) or real_type(self, *args))
    adopted = revisions.read(root, keys, content, Cache.disabled())
    typed_with_adoption = list(typed)
    typed.clear()
    monkeypatch.setattr(revisions.TypedVersions, "adopt_current", lambda self, states: None)
    every = revisions.read(root, keys, content, Cache.disabled())

    wuhua, chenggong = WUHUA.split("projects/")[1], CHENGGONG.split("projects/")[1]
    assert adopted == every and len(adopted[wuhua].changes) == 2
    assert adopted[chenggong].modified  # the edit is seen either way
    # Wuhua's first version and Chenggong's committed one, not Wuhua's last (the folder's).
    assert sorted(typed_with_adoption) == [chenggong, wuhua]
    assert sorted(typed) == [chenggong, wuhua, wuhua]
