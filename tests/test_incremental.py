"""Incremental builds: whatever the cache in ROOT/.cache/ keeps from one build to the next,
the output is byte for byte what a cold build of the same sources gives; a rebuild with
nothing changed rewrites no file; a template edit re-renders only the pages it shows in.
"""

from __future__ import annotations

import importlib.util
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO, build, run_budgetsite

from builder.sources import discover

PROJECTS = 12
EDITS = 6
SEARCH_STEP = 2  # the step built with the search index (A and B); the others use --no-search
MIN_PROJECTS = 3
NO_SEARCH = "--no-search"
LANGS = ("zh", "en")
WROTE = re.compile(r"(?:wrote|holds its) (\d+) pages")


def load_make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_corpus = load_make_corpus()


def corpus(root: Path) -> Path:
    """A site folder at `root` holding the synthetic corpus of PROJECTS projects."""
    make_corpus.write_corpus(PROJECTS, root)
    return root


# --- comparing outputs ----------------------------------------------------------------------

def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file under `folder` with its bytes, and every folder (as None): a stale empty
    folder is a difference too, since a server lists it instead of answering 404."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
            for path in sorted(folder.rglob("*"))}


def differences(one: dict, two: dict) -> list[str]:
    """The paths missing on one side or holding different bytes, sorted."""
    return sorted(name for name in one.keys() | two.keys() if one.get(name, 0) != two.get(name, 0))


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime in ns) of every file under `folder`: both stay put unless it is rewritten."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def cold_build(root: Path, where: Path, *extra: str) -> Path:
    """The sources of `root` (content/ and site_templates/, never .cache/) copied to `where`
    and built there from nothing: the output folder."""
    for name in ("content", "site_templates"):
        if (root / name).is_dir():
            shutil.copytree(root / name, where / name)
    return build(where, None, *extra)


def assert_same_as_cold(incremental: Path, root: Path, where: Path, *extra: str,
                        story: str = "") -> None:
    cold = cold_build(root, where, *extra)
    different = differences(tree(incremental), tree(cold))
    assert different == [], f"{story}: incremental and cold builds differ in {different[:10]}"
    shutil.rmtree(where)


# --- editing the sources --------------------------------------------------------------------

def projects(root: Path) -> list[Path]:
    return [path.parent for path in sorted(root.glob("content/projects/*/*/*/project.yaml"))]


def unlinked(root: Path) -> list[Path]:
    """The projects no other project continues: renaming or deleting one of those
    would leave a `continues:` naming no project (an error, not an edit to follow)."""
    named = set(re.findall(r"^continues: (\S+)$", "\n".join(
        (p / "project.yaml").read_text("utf-8") for p in projects(root)), re.M))
    return [p for p in projects(root)
            if p.relative_to(root / "content" / "projects").as_posix() not in named]


def replace_line(path: Path, pattern: str, replacement: str) -> None:
    """Rewrite the one line of `path` that `pattern` (multi-line) matches."""
    text, count = re.subn(pattern, replacement, path.read_text("utf-8"), flags=re.M)
    assert count == 1, f"{pattern!r} matched {count} times in {path}"
    path.write_text(text, "utf-8")


def add_project(root: Path, rng: random.Random, tag: str) -> str:
    """A copy of a project under a new slug, with a name of its own."""
    source = rng.choice(projects(root))
    target = source.with_name(f"added-{tag}")
    shutil.copytree(source, target)
    # A copy continues nothing: one project is continued by one project only.
    path = target / "project.yaml"
    path.write_text(re.sub(r"^continues: .*\n", "", path.read_text("utf-8"), flags=re.M), "utf-8")
    replace_line(target / "project.yaml", r"^name:\n  zh: .*\n  en: .*$",
                 f"name:\n  zh: 新增示例项目{tag}\n  en: Added sample project {tag}")
    return f"add {target.relative_to(root)}"


def change_budget(root: Path, rng: random.Random, tag: str) -> str:
    """A new budget-year amount, below any multi-year total of the corpus (150,000 and up)."""
    project = rng.choice(projects(root))
    cents = rng.randrange(1_000_000, 5_000_000)
    replace_line(project / "project.yaml", r"^  budget_year: \S+$",
                 f"  budget_year: {cents // 100}.{cents % 100:02d}")
    return f"budget of {project.relative_to(root)}"


def change_basis(root: Path, rng: random.Random, tag: str) -> str:
    project = rng.choice(projects(root))
    replace_line(project / "project.yaml", r"^(basis:\n  zh: ).*$", rf"\g<1>修订的立项依据{tag}")
    return f"basis of {project.relative_to(root)}"


def change_markdown(root: Path, rng: random.Random, tag: str) -> str:
    project = rng.choice(projects(root))
    lang = rng.choice(LANGS)
    paragraph = f"新增的说明段落{tag}。" if lang == "zh" else f"An added paragraph {tag}."
    with open(project / f"{lang}.md", "a", encoding="utf-8") as markdown:
        markdown.write(f"\n{paragraph}\n")
    return f"{lang}.md of {project.relative_to(root)}"


def rename_project(root: Path, rng: random.Random, tag: str) -> str:
    project = rng.choice(unlinked(root))
    project.rename(project.with_name(f"renamed-{tag}"))
    return f"rename {project.relative_to(root)} to renamed-{tag}"


def delete_project(root: Path, rng: random.Random, tag: str) -> str:
    project = rng.choice(unlinked(root))
    shutil.rmtree(project)
    return f"delete {project.relative_to(root)}"


# Where a comment can go in each template: inside the block a child template fills, or
# after the doctype of the base template.
TEMPLATE_SPOTS = {"pages/project.html": "{% block main %}\n",
                  "pages/district.html": "{% block main %}\n",
                  "layouts/base.html": "<!doctype html>\n"}


def comment_template(root: Path, name: str, tag: str) -> str:
    """Override template `name` (a copy of the default, unless already overridden) with an
    HTML comment added; the comment, as it appears in the pages."""
    override = root / "site_templates" / name
    if not override.exists():
        override.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "site_templates" / name, override)
    comment = f"<!-- budgetsite test edit {tag} -->"
    spot = TEMPLATE_SPOTS[name]
    text = override.read_text("utf-8")
    assert text.count(spot) == 1, f"{name} no longer has one {spot!r}"
    override.write_text(text.replace(spot, f"{spot}{comment}\n"), "utf-8")
    return comment


def edit_template(root: Path, rng: random.Random, tag: str) -> str:
    name = rng.choice(sorted(TEMPLATE_SPOTS))
    comment_template(root, name, tag)
    return f"override {name}"


def drop_template_overrides(root: Path, rng: random.Random, tag: str) -> str:
    shutil.rmtree(root / "site_templates")
    return "back to the default templates"


def change_description(root: Path, rng: random.Random, tag: str) -> str:
    replace_line(root / "content" / "site.yaml", r"^(description:\n  zh: ).*$",
                 rf"\g<1>本站发布昆明市区级预算项目公开内容（第{tag}版）。")
    return "site description"


def change_base_path(root: Path, rng: random.Random, tag: str) -> str:
    """Serve the site under another path: every link changes, in every page."""
    site = root / "content" / "site.yaml"
    now = re.search(r"^base_path: (.*)$", site.read_text("utf-8"), flags=re.M).group(1)
    new = "/" if now != "/" else f"/budget-{tag}/"
    replace_line(site, r"^base_path: .*$", f"base_path: {new}")
    return f"base path {new}"


def possible_edits(root: Path) -> list:
    edits = [add_project, change_budget, change_basis, change_markdown, rename_project,
             edit_template, change_description, change_base_path]
    if len(projects(root)) > MIN_PROJECTS:
        edits.append(delete_project)
    if (root / "site_templates").exists():
        edits.append(drop_template_overrides)
    return edits


# --- the tests ------------------------------------------------------------------------------

# Between them, these three seeds make every kind of edit, each template override included
# (test output prints each seed's story).
@pytest.mark.parametrize("seed", [32, 69, 3])
def test_random_edits_match_a_cold_build(tmp_path, seed):
    """Edits of every kind a publisher makes (projects added, changed, renamed, deleted;
    Markdown, site.yaml, template overrides added, changed and dropped), built one after the
    other on the same cache: after each, the site equals a cold build in every byte and
    file, the search index included."""
    root = corpus(tmp_path / "site")
    out = build(root, None, NO_SEARCH)
    rng = random.Random(seed)
    story = []
    for step in range(EDITS):
        edit = rng.choice(possible_edits(root))
        story.append(edit(root, rng, f"{seed}-{step}"))
        extra = () if step == SEARCH_STEP else (NO_SEARCH,)
        build(root, out, *extra)
        assert (out / "pagefind").is_dir() == (step == SEARCH_STEP)
        assert_same_as_cold(out, root, tmp_path / f"cold-{step}", *extra,
                            story=" → ".join(story))
    print(f"seed {seed}: {' → '.join(story)}")


def test_nothing_changed_rewrites_nothing(tmp_path):
    """A rebuild of unchanged sources leaves every output file as it was (same inode, same
    modification time), adds none, removes none, and reports the same pages."""
    root = corpus(tmp_path / "site")
    first = run_budgetsite("build", "--root", root, NO_SEARCH)
    assert first.returncode == 0, first.stdout + first.stderr
    before = stamps(root / "public")
    second = run_budgetsite("build", "--root", root, NO_SEARCH)
    assert second.returncode == 0, second.stdout + second.stderr
    touched = differences(before, stamps(root / "public"))
    assert touched == [], f"{len(touched)} files rewritten, added or removed: {touched[:10]}"
    assert WROTE.findall(first.stdout), first.stdout
    assert WROTE.findall(second.stdout) == WROTE.findall(first.stdout), second.stdout
    # A source saved again without a change makes the build run in full: it still
    # writes nothing.
    for path in sorted((root / "content").rglob("*.md"))[:3]:
        path.write_bytes(path.read_bytes())
    third = run_budgetsite("build", "--root", root, NO_SEARCH)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "0 changed" in third.stdout, third.stdout
    touched = differences(before, stamps(root / "public"))
    assert touched == [], f"{len(touched)} files rewritten, added or removed: {touched[:10]}"


def district_pages(root: Path) -> set[str]:
    """Every district of districts.yaml has a page in each language, projects or not."""
    data = yaml.safe_load((root / "content" / "districts.yaml").read_text("utf-8"))
    return {f"{lang}/{district['slug']}/index.html"
            for district in data["districts"] for lang in LANGS}


def project_pages(root: Path) -> set[str]:
    return {f"{lang}/{project.relative_to(root / 'content' / 'projects').as_posix()}/index.html"
            for project in projects(root) for lang in LANGS}


def test_template_edit_rerenders_only_its_pages(tmp_path):
    """Overriding district.html rewrites the district pages, which show the change, and no
    other file: project pages keep their inode and modification time."""
    root = corpus(tmp_path / "site")
    out = build(root, None, NO_SEARCH)
    before = stamps(out)
    comment = comment_template(root, "pages/district.html", "district")
    build(root, out, NO_SEARCH)
    changed = set(differences(before, stamps(out)))
    rerendered = sorted(changed & project_pages(root))
    assert rerendered == [], f"{len(rerendered)} project pages rewritten: {rerendered[:10]}"
    expected = district_pages(root)
    assert changed == expected, (
        f"rewritten but not district pages: {sorted(changed - expected)[:10]}; "
        f"district pages not rewritten: {sorted(expected - changed)[:10]}")
    missing = [page for page in sorted(expected) if comment not in (out / page).read_text("utf-8")]
    assert missing == []


def test_config_edit_rebuilds_everything_that_shows_it(tmp_path):
    """A new Chinese site title in site.yaml reaches every Chinese page, and the site equals
    a cold build."""
    root = corpus(tmp_path / "site")
    out = build(root, None, NO_SEARCH)
    title = "昆明市区级预算项目公开（新标题）"
    replace_line(root / "content" / "site.yaml", r"^(title:\n  zh: ).*$", rf"\g<1>{title}")
    build(root, out, NO_SEARCH)
    pages = sorted((out / "zh").rglob("*.html"))
    assert pages
    stale = [page.relative_to(out).as_posix() for page in pages
             if title not in page.read_text("utf-8")]
    assert stale == []
    assert_same_as_cold(out, root, tmp_path / "cold", NO_SEARCH, story="site title")


def test_parallel_rendering_gives_the_single_process_site(tmp_path):
    """Pages rendered and projects read by forked workers give, byte for byte, the site
    one process alone builds (BUDGETSITE_WORKERS=1). Enough projects that both the
    reading and the rendering are split over the workers."""
    root = tmp_path / "site"
    make_corpus.write_corpus(discover.PARALLEL_MIN_PROJECTS + 20, root)
    outputs = {}
    for workers in ("1", "2"):
        result = run_budgetsite("build", "--root", root, "--out", tmp_path / f"out-{workers}",
                                "--no-cache", NO_SEARCH, env={"BUDGETSITE_WORKERS": workers})
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[workers] = tree(tmp_path / f"out-{workers}")
    assert differences(outputs["1"], outputs["2"]) == []


def test_an_unchanged_set_of_pages_keeps_its_search_index(tmp_path):
    """With search: a rebuild whose pages are all unchanged (a source saved again as it
    was) reuses the search bundle, files and inodes, instead of indexing again; an edit
    to a page makes a new index, equal to a cold build's."""
    root = corpus(tmp_path / "site")
    out = build(root)
    before = stamps(out / "pagefind")
    project = projects(root)[0] / "zh.md"
    project.write_bytes(project.read_bytes())
    build(root, out)
    assert differences(before, stamps(out / "pagefind")) == []
    change_markdown(root, random.Random(1), "search")
    build(root, out)
    assert differences(before, stamps(out / "pagefind")) != []
    assert_same_as_cold(out, root, tmp_path / "cold", story="search after an edit")


def test_an_output_folder_changed_by_hand_is_rebuilt_right(tmp_path):
    """A page deleted from public/ and a stray file added there by hand: the next build
    (after an edit) neither fails nor keeps the stray file, and equals a cold build."""
    root = corpus(tmp_path / "site")
    out = build(root, None, NO_SEARCH)
    page = out / "zh" / "index.html"
    page.unlink()
    (out / "zh" / "stray.html").write_text("not from the build", "utf-8")
    change_basis(root, random.Random(2), "by-hand")
    build(root, out, NO_SEARCH)
    assert page.is_file() and not (out / "zh" / "stray.html").exists()
    assert_same_as_cold(out, root, tmp_path / "cold", NO_SEARCH, story="hand-edited output")


def test_a_staging_folder_changed_by_hand_is_not_trusted(tmp_path):
    """The kept staging folder (.public.staging) with a page replaced by hand: the next
    build does not take that page for the one it wrote, and equals a cold build."""
    root = corpus(tmp_path / "site")
    out = build(root, None, NO_SEARCH)
    change_basis(root, random.Random(3), "first")
    build(root, out, NO_SEARCH)  # the first site is now the staging folder
    staged = root / ".public.staging" / "zh" / "index.html"
    staged.unlink()
    staged.write_text("changed by hand", "utf-8")
    change_basis(root, random.Random(4), "second")
    build(root, out, NO_SEARCH)
    assert "changed by hand" not in (out / "zh" / "index.html").read_text("utf-8")
    assert_same_as_cold(out, root, tmp_path / "cold", NO_SEARCH, story="hand-edited staging")


# --- the live engine (budgetsite serve) -----------------------------------------------------

def snapshot(root: Path) -> dict[str, bytes | None]:
    """The site's sources, file by file, to find what an edit touched."""
    found = {}
    for name in ("content", "site_templates"):
        if (root / name).exists():
            found.update({
                path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else None
                for path in sorted((root / name).rglob("*"))})
    return found


def touched(root: Path, before: dict, after: dict) -> list[Path]:
    """The paths a file watcher reports for an edit: every path added, removed or changed,
    and the folders of those added or removed."""
    names = set(differences(before, after))
    return sorted(root / name for name in names)


def engine_files(engine) -> dict[str, bytes]:
    return dict(sorted(engine.files.items()))


def cold_files(root: Path, where: Path) -> dict[str, bytes]:
    out = cold_build(root, where, NO_SEARCH, "--base-path", "/")
    files = {name: data for name, data in tree(out).items() if data is not None}
    files.pop(".budgetsite-output")
    shutil.rmtree(where)
    return files


@pytest.mark.parametrize("seed", [32, 7])
def test_the_live_engine_matches_a_cold_build_after_random_edits(tmp_path, seed):
    """The preview's engine, fed the paths each edit touched (as the file watcher does),
    holds after every edit what a cold build of the same sources writes, file for file
    and byte for byte (search aside: the preview has none). An edit that breaks a
    project keeps the last good site, and the next good save brings it up to date."""
    from builder.core.errors import ContentError
    from builder.live.engine import Engine

    root = corpus(tmp_path / "site")
    firsts: list[tuple[str, ...]] = []
    engine = Engine(root, on_first=firsts.append)
    engine.start()
    rng = random.Random(seed)
    story = []
    for step in range(EDITS + 2):
        before = snapshot(root)
        if step == EDITS // 2:
            good = engine_files(engine)
            broken = projects(root)[0] / "project.yaml"
            text = broken.read_text("utf-8")
            broken.write_text(text + "name: [unclosed\n", "utf-8")
            with pytest.raises(ContentError):
                engine.update([broken])
            assert engine_files(engine) == good, "a failed update changed the site"
            broken.write_text(text, "utf-8")
            story.append("broke and fixed a project")
            paths = [broken]
        else:
            edit = rng.choice(possible_edits(root))
            story.append(edit(root, rng, f"{seed}-{step}"))
            paths = touched(root, before, snapshot(root))
        engine.update(paths)
        cold = cold_files(root, tmp_path / f"cold-{step}")
        different = differences(engine_files(engine), cold)
        assert different == [], f"{' → '.join(story)}: engine and cold build differ in " \
                                f"{different[:10]}"
    print(f"seed {seed}: {' → '.join(story)}")


def test_the_live_engine_writes_the_edited_page_first(tmp_path):
    """A narrative edit: the first pass hands over that project's two pages and nothing
    else; an amount edit also its district's page and district-year page; what the
    first pass wrote is what the second leaves (no page shows a half-made state); a
    save that changes no byte is no update at all."""
    from builder.live.engine import Engine

    root = corpus(tmp_path / "site")
    firsts: list[tuple[str, ...]] = []
    written: dict[str, bytes] = {}

    def first(names: tuple[str, ...]) -> None:
        firsts.append(names)
        written.update({name: engine.files[name] for name in names})
    engine = Engine(root, on_first=first)
    engine.start()
    project = projects(root)[1]
    key = project.relative_to(root / "content" / "projects").as_posix()
    district, year, _ = key.split("/")
    with open(project / "zh.md", "a", encoding="utf-8") as markdown:
        markdown.write("\n新增的说明段落。\n")
    update = engine.update([project / "zh.md"])
    assert firsts[-1] == (f"zh/{key}/index.html",)
    assert "新增的说明段落" in engine.files[f"zh/{key}/index.html"].decode("utf-8")
    assert f"zh/{district}/index.html" not in update.changed
    replace_line(project / "project.yaml", r"^  budget_year: \S+$", "  budget_year: 1234567.89")
    update = engine.update([project / "project.yaml"])
    assert set(firsts[-1]) >= {f"zh/{key}/index.html", f"en/{key}/index.html",
                               f"zh/{district}/index.html", f"zh/{district}/{year}/index.html"}
    assert "1,234,567.89" in engine.files[f"zh/{district}/index.html"].decode("utf-8")
    (project / "en.md").write_bytes((project / "en.md").read_bytes())
    assert engine.update([project / "en.md"]).nothing
    stale = [name for name, data in written.items() if engine.files[name] != data]
    assert stale == [], f"the first pass wrote pages the second changed again: {stale}"
