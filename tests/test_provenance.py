"""Provenance a journalist can check: the source block and the original document, the
document's own wording beside normalised terms, figures the site works out marked as
such, and a change log of the disclosure computed from git (see also test_history.py)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import FIXTURES, build, copy_site, run_budgetsite, serve
from gitrepo import commit, init
from pagetree import Element, page

from builder.core.cache import Cache
from builder.history import log as history, revisions
from builder.site import scorecard
from builder.sources import check, discover

WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "content/projects/chenggong/2026/civil-servant-medical-subsidy-insurance"
WUHUA_PAGE = "wuhua/2025/urban-rural-medical-assistance/index.html"
CHENGGONG_PAGE = "chenggong/2026/civil-servant-medical-subsidy-insurance/index.html"
SEEDS = {WUHUA: FIXTURES / "seeds" / "wuhua-2025-urban-rural-medical-assistance.txt",
         CHENGGONG: FIXTURES / "seeds"
         / "chenggong-2026-civil-servant-medical-subsidy-insurance.txt"}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def replace(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rows(out: Path, table: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "data" / table).read_text("utf-8-sig"))))


def entries(tree: Element) -> list[Element]:
    """The change log's entries, newest first (each holds a list of what changed)."""
    listing = tree.by_id("history").find("ol")
    return [li for li in listing.children if isinstance(li, Element) and li.tag == "li"]


# --- the source and the original ------------------------------------------------------

@pytest.mark.parametrize("key", [WUHUA, CHENGGONG])
def test_the_original_document_is_published_with_its_size_and_digest(real_site, key):
    project = key.removeprefix("content/projects/")
    original = real_site / "data" / "projects" / project / "original.txt"
    data = SEEDS[key].read_bytes()
    assert original.read_bytes() == data  # the seed text, as published
    digest = hashlib.sha256(data).hexdigest()
    for lang, size in (("zh", f"{len(data):,} 字节"), ("en", f"{len(data):,} bytes")):
        block = page(real_site / lang / project / "index.html").by_id("source")
        link = block.find("a", download="")
        assert link.attrs["href"] == f"/data/projects/{project}/original.txt"
        assert size in block.text and digest == block.find("code").text
    row = next(r for r in rows(real_site, "projects.csv") if r["id"] == project)
    assert (row["original_sha256"], row["original_bytes"]) == (digest, str(len(data)))
    assert row["original_url"].endswith(f"/data/projects/{project}/original.txt")


def test_the_source_is_one_line_at_the_top_its_details_below_and_invents_nothing(real_site):
    for lang, unknown in (("zh", "未记录"), ("en", "not recorded")):
        tree = page(real_site / lang / WUHUA_PAGE)
        ids = [e.attrs.get("id") for e in tree.iter() if e.attrs.get("id")]
        assert ids.index("summary-title") < ids.index("basis") < ids.index("source")
        line = tree.find("p", class_="source-line")
        assert unknown in line.text and line.find("a", href="#source") is not None
        block = tree.by_id("source")
        # No date or address is known for the seeds: said so, never made up.
        assert block.text.count(unknown) == 2 and block.find("time") is None
        assert not [a for a in block.find_all("a") if a.attrs["href"].startswith("http")]
    en = page(real_site / "en" / WUHUA_PAGE).by_id("source").text
    assert "Issued by Kunming Wuhua District Medical Insurance Center 昆明市五华区医疗保险中心" in en
    row = next(r for r in rows(real_site, "projects.csv") if r["id"].startswith("wuhua"))
    assert row["source_title_zh"] == "2025年预算重点领域财政项目"
    assert row["source_url"] == row["source_published"] == row["source_retrieved"] == ""
    data = json.loads((real_site / "data/projects" / f"{WUHUA_PAGE[:-11]}.json").read_text())
    assert data["source"]["original"]["sha256"] == row["original_sha256"]
    assert data["source"]["url"] is None and data["source"]["published"] is None


def test_a_source_with_an_address_and_dates(tmp_path):
    root = copy_site(tmp_path / "site")
    replace(root, f"{WUHUA}/project.yaml", "  file: original.txt\n",
            "  file: original.txt\n  published: 2025-01-20\n"
            "  url: https://www.kmwh.gov.cn/c/2025-01-20/123.shtml\n  retrieved: 2025-02-03\n")
    out = build(root, None, "--no-search")
    zh = page(out / "zh" / WUHUA_PAGE).by_id("source")
    assert [t.attrs["datetime"] for t in zh.find_all("time")] == ["2025-01-20"]
    assert "2025年1月20日" in zh.text and "获取于2025年2月3日" in zh.text
    link = zh.find("a", rel="external")
    assert link.attrs["href"] == "https://www.kmwh.gov.cn/c/2025-01-20/123.shtml"
    row = next(r for r in rows(out, "projects.csv") if r["id"].startswith("wuhua"))
    assert (row["source_published"], row["source_retrieved"]) == ("2025-01-20", "2025-02-03")


def test_wrong_source_fields_are_named_by_file_line_and_field(tmp_path):
    root = copy_site(tmp_path / "site")
    replace(root, f"{WUHUA}/project.yaml", "  file: original.txt\n",
            "  file: missing.pdf\n  published: 2025-02-30\n")
    replace(root, f"{CHENGGONG}/project.yaml", "  file: original.txt\n",
            "  file: original.txt\n  published: 2025-03-01\n  retrieved: 2025-01-01\n"
            "  url: not an address\n")
    result = run_budgetsite("check", "--root", root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    for path, said, code in (
            (WUHUA, "source.file: there is no file 'missing.pdf'", "original.missing"),
            (WUHUA, "source.published: '2025-02-30' is not a date of the calendar",
             "date.invalid"),
            (CHENGGONG, "source.retrieved: the document was retrieved before it was published",
             "source.dates"),
            (CHENGGONG, "source.url: 'not an address' is not valid", "schema.pattern")):
        assert any(line.startswith(f"{path}/project.yaml:") and said in line
                   and line.endswith(f" [{code}]") for line in errors), (said, errors)


def test_the_scorecard_counts_each_part_of_the_source_recorded(real_site, tmp_path):
    """Address, date and the file as published, each a part of the source criterion: a
    transcription (original.txt) is not the published file."""
    content = discover.load_content(real_site.parent)
    parts = ["source.url", "source.published", "source.file"]
    for project in content.projects:
        result = scorecard.score_project(project).result("source")
        assert (result.status, result.met, result.of) == ("not-met", 0, 3)
        assert [f.ref for f in result.flags] == parts
        bare = scorecard.score_project(dataclasses.replace(project, source=None))
        assert [f.ref for f in bare.result("source").flags] == parts
    by_id = {r["project_id"]: r for r in rows(real_site, "scorecard.csv")}
    assert {r["source_status"] for r in by_id.values()} == {"not-met"}
    root = copy_site(tmp_path / "site")
    (root / WUHUA / "original.pdf").write_bytes(b"%PDF-1.4 the published file\n")
    replace(root, f"{WUHUA}/project.yaml", "  file: original.txt\n",
            "  file: original.pdf\n  published: 2025-01-20\n")
    wuhua = next(p for p in discover.load_content(root).projects if p.key.startswith("wuhua"))
    result = scorecard.score_project(wuhua).result("source")
    assert (result.status, result.met, [f.ref for f in result.flags]) == \
        ("partly", 2, ["source.url"])
    out = build(root, None, "--no-search")
    for lang, label, linked in (("zh", "原始文件", "原始文件（PDF）"),
                                ("en", "Original document", "original document (PDF)")):
        tree = page(out / lang / WUHUA_PAGE)
        assert linked in tree.find("p", class_="source-line").text
        rows_ = {d.find("dt").text: d.find("dd").text
                 for d in tree.by_id("source").find_all("div") if d.find("dt")}
        assert rows_[label].startswith("original.pdf"), rows_


def test_import_keeps_the_document_as_the_original(tmp_path):
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "content" / "projects")
    seed = SEEDS[WUHUA]
    result = run_budgetsite("import", "--root", root, seed, "--slug", "imported")
    assert "Traceback" not in result.stderr
    folder = root / "content/projects/wuhua/2025/imported"
    assert (folder / "original.txt").read_bytes() == seed.read_bytes()
    data = yaml.safe_load((folder / "project.yaml").read_text(encoding="utf-8"))
    assert data["source"]["file"] == "original.txt"
    assert data["source"]["title"]["zh"] == "2025年预算重点领域财政项目"
    assert data["unit"]["code_label"] == "组织机构代码"
    previous = data["funding"]["previous_year"]
    assert previous["section"] == "results" and previous["quote"]["zh"].startswith(
        "2024年，五华区累计支付医疗救助费用8241234元")
    satisfaction = next(i for i in data["indicators"] if i["level1"] == "satisfaction")
    assert satisfaction["operator"] == ">=" and not satisfaction.get("as_written")


# --- as written, and derived ---------------------------------------------------------

def test_the_documents_own_wording_is_shown_beside_the_normalised_term(real_site):
    for lang, label, prefix in (("zh", "社会效益指标", "原文："),
                                ("en", "Social benefit", "as written:")):
        table = page(real_site / lang / CHENGGONG_PAGE).find("table", **{"class": "indicators"})
        levels = [th.text for th in table.find_all("th", **{"class": "level"})]
        # (The quotation marks are the browser's, around <q>.)
        assert f"{label} {prefix} 社会效益" in levels
        assert any(text.endswith(f"{prefix} 服务对象满意度") for text in levels)
        # The comparator: ≥ is the site's sign; the document wrote >=.
        ops = [td.text for td in table.find_all("td", **{"class": "op"})]
        assert f"≥ {prefix} >=" in ops and "=" in ops
        unit = page(real_site / lang / WUHUA_PAGE).by_id("unit").text
        assert {"zh": "统一社会信用代码 12530102431280534H 文件标为： 组织机构代码",
                "en": "Unified Social Credit Identifier 12530102431280534H labelled in the "
                      "document: 组织机构代码"}[lang] in unit
    indicators = [r for r in rows(real_site, "indicators.csv")
                  if r["project_id"].startswith("chenggong")]
    assert [r["level2_as_written"] for r in indicators] == ["", "", "", "社会效益", "服务对象满意度"]
    assert [r["level2_zh"] for r in indicators][-2:] == ["社会效益指标", "服务对象满意度指标"]
    # A lone comparator is not a formula: the CSV keeps it as it is (OWASP's apostrophe
    # is for cells a spreadsheet would run), like the JSON.
    assert {r["operator_as_written"] for r in indicators} == {"=", ">="}


def derived(tree: Element) -> dict[str, list[Element]]:
    found: dict[str, list[Element]] = {}
    for element in tree.iter():
        if "derived" in (element.attrs.get("class") or "").split():
            found.setdefault(element.attrs["data-derived"], []).append(element)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_derived_figure_carries_its_mark_and_a_note_saying_from_what(real_site, lang):
    tree = page(real_site / lang / WUHUA_PAGE)
    marks = derived(tree)
    # Every figure the site works out, and only those, is marked.
    table = tree.find("table", **{"class": "indicators"})
    points = [td for td in table.find_all("td", **{"class": "num"})]
    assert len(points) == 5
    assert all(td.find(**{"class": "derived"}) is not None for td in points)
    assert len(marks["weights"]) == 5 and len(marks["points-total"]) == 1
    comparison = tree.by_id("funding-comparison")
    figures = [td for td in comparison.find_all("td") if td.text]
    assert len(figures) == 3 and all(td.find(**{"class": "derived"}) for td in figures)
    # The 2024 figure comes from a sentence of the narrative: marked in the summary box
    # and in the funding table (its two parts too), and labelled in the document's words.
    assert len(marks["previous-year"]) == 1 + 2 * 3
    label = {"zh": "2024年五华区累计支付医疗救助费用",
             "en": "2024: medical assistance costs paid in Wuhua District in all"}[lang]
    assert label in tree.by_id("summary-title").parent.text
    stated = tree.by_id("funding").find("tbody").find("tr")  # the budget-year amount
    assert stated.find(**{"class": "derived"}) is None
    for note, elements in marks.items():
        for element in elements:
            assert element.find("a").attrs["href"] == f"#derived-{note}"
        text = tree.by_id(f"derived-{note}").text
        assert text.startswith({"zh": "† 本站计算：", "en": "† Worked out by this site:"}[lang])
    quote = {"zh": "“2024年，五华区累计支付医疗救助费用8241234元",
             "en": "“In 2024, Wuhua District paid CNY 8,241,234"}[lang]
    assert quote in tree.by_id("derived-previous-year").text
    assert {"zh": "评（扣）分标准", "en": "scoring (deduction) rule"}[lang] in \
        tree.by_id("derived-weights").text


# --- the change log ------------------------------------------------------------------

@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """The real content through a series of commits, built once."""
    root = copy_site(tmp_path_factory.mktemp("changes"))
    init(root)
    amount = f"{CHENGGONG}/project.yaml"
    replace(root, amount, "  budget_year: 5500000.00", "  budget_year: 5000000.00")
    ids = {"publish": commit(root, "Publish", "2024-01-10T09:00:00+08:00")}
    replace(root, amount, "  budget_year: 5000000.00", "  budget_year: 5500000.00")
    ids["amount"] = commit(root, "Fix the amount", "2024-02-01T09:00:00+08:00")
    replace(root, f"{WUHUA}/project.yaml", "    value: 80\n", "    value: 90\n")
    ids["value"] = commit(root, "Target", "2024-03-01T09:00:00+08:00")
    replace(root, f"{CHENGGONG}/project.yaml", "indicators:\n", "indicators:\n" + ADDED)
    ids["added"] = commit(root, "New row", "2024-04-01T09:00:00+08:00")
    replace(root, f"{CHENGGONG}/zh.md", "选取一家商业保险公司", "选取一家商业保险公司（经公开招标）")
    ids["narrative"] = commit(root, "Narrative", "2024-05-01T09:00:00+08:00")
    replace(root, f"{WUHUA}/project.yaml", "district: wuhua\n",
            "# checked again\ndistrict: 'wuhua'\n")
    (root / "NOTES.txt").write_text("not part of the site\n", encoding="utf-8")
    ids["comment"] = commit(root, "Comment only", "2024-06-01T09:00:00+08:00")
    with (root / CHENGGONG / "project.yaml").open("a", encoding="utf-8") as handle:
        handle.write(CORRECTION)
    with (root / "content" / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("contact: corrections@example.org\n")
    ids["correction"] = commit(root, "Correct", "2024-07-01T09:00:00+08:00")
    return root, build(root, None, "--no-search"), ids


CORRECTION = """corrections:
  - date: 2024-07-01
    text:
      zh: 预算年度资金原误写为5000000元。
      en: "The budget-year amount was first given as CNY 5,000,000 in error."
"""


ADDED = """  - id: settlement
    level1: output
    level2: timeliness
    name: {zh: 保费结算及时率, en: Timeliness of premium settlement}
    operator: ">="
    value: 95
    unit: "%"
    type: quantitative
    weight: 10
    scoring: {zh: 及时结算得10分, en: 10 points for timely settlement}
    source: {zh: 根据保险协议, en: Based on the insurance agreement}
"""


@needs_git
def test_the_change_log_says_what_changed_in_the_disclosure(changed):
    _, out, ids = changed
    zh = [li.text for li in entries(page(out / "zh" / CHENGGONG_PAGE))]
    assert zh == [
        f"2024年7月1日 {ids['correction'][:7]} 更正：预算年度资金原误写为5000000元。",
        f"2024年5月1日 {ids['narrative'][:7]} 项目基本概况修改",
        f"2024年4月1日 {ids['added'][:7]} 新增指标“保费结算及时率”",
        f"2024年2月1日 {ids['amount'][:7]} 预算年度资金 5,000,000.00元 → 5,500,000.00元",
        f"2024年1月10日 {ids['publish'][:7]} 首次发布"]
    en = [li.text for li in entries(page(out / "en" / CHENGGONG_PAGE))]
    assert en[2:4] == [
        f"1 April 2024 {ids['added'][:7]} Indicator added: “Timeliness of premium settlement”",
        f"1 February 2024 {ids['amount'][:7]} Budget-year amount CNY 5,000,000.00 → "
        f"CNY 5,500,000.00"]
    wuhua = [li.text for li in entries(page(out / "zh" / WUHUA_PAGE))]
    assert wuhua[0] == (f"2024年3月1日 {ids['value'][:7]} 指标“困难群众基本医疗权益得到保障” "
                        f"指标值 80% → 90%")


@needs_git
def test_a_commit_that_changes_nothing_a_reader_sees_is_no_change(changed):
    _, out, ids = changed
    tree = page(out / "en" / WUHUA_PAGE)
    assert ids["comment"][:7] not in tree.by_id("history").text
    assert len(entries(tree)) == 2
    assert "Last changed 1 March 2024" in tree.by_id("history").text
    assert tree.by_id("cite").find("time").attrs["datetime"] == "2024-03-01"
    row = next(r for r in rows(out, "projects.csv") if r["id"].startswith("wuhua"))
    assert (row["first_published"], row["last_changed"]) == ("2024-01-10", "2024-03-01")
    data = json.loads((out / "data/projects/wuhua/2025/urban-rural-medical-assistance.json")
                      .read_text(encoding="utf-8"))
    assert [c["items"] for c in data["history"]["changes"]] == [
        [{"zh": "指标“困难群众基本医疗权益得到保障” 指标值 80% → 90%",
          "en": "Indicator “The basic medical rights and interests of people in difficulty are "
                "safeguarded”: target value 80% → 90%"}],
        [{"zh": "首次发布", "en": "First published"}]]


@needs_git
def test_uncommitted_edits_unversion_the_page_only_when_a_reader_would_see_them(changed, tmp_path):
    root, _, _ = changed
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(root), str(work)], check=True)
    replace(work, f"{WUHUA}/project.yaml", "district: 'wuhua'\n", "district: wuhua  # again\n")
    replace(work, f"{CHENGGONG}/project.yaml", "  budget_year: 5500000.00",
            "  budget_year: 5600000.00")
    out = build(work, None, "--no-search")
    assert page(out / "en" / WUHUA_PAGE).by_id("cite").find("time") is not None
    cite = page(out / "en" / CHENGGONG_PAGE).by_id("cite")
    assert cite.find("time") is None and "unversioned" in cite.text


@needs_git
def test_versions_are_typed_once_and_compared_once_across_builds(changed, tmp_path,
                                                                  monkeypatch):
    root, _, _ = changed
    content = discover.load_content(root)
    keys = [p.key for p in content.projects]
    typed, cat_files = [], []
    real_read, real_run = check.read_project, subprocess.run
    monkeypatch.setattr(check, "read_project",
                        lambda *a, **k: typed.append(a[1]) or real_read(*a, **k))
    monkeypatch.setattr(history.subprocess, "run", lambda args, **k: (
        cat_files.append(args) if "cat-file" in args else None) or real_run(args, **k))
    monkeypatch.setenv("BUDGETSITE_WORKERS", "1")
    cache = Cache(tmp_path / "cache")
    first = revisions.read(root, keys, content, cache)
    # Wuhua: 3 versions, the last a comment apart from the one before; Chenggong: 5. The
    # last of each is the folder's, blob for blob: the project just read, not typed again.
    assert len(typed) == 6 and len(cat_files) == 1
    cache.save()
    typed.clear(), cat_files.clear()
    again = revisions.read(root, keys, content, Cache(tmp_path / "cache"))
    assert typed == [] and cat_files == []
    assert again == first


# --- in a browser --------------------------------------------------------------------

@needs_git
@pytest.mark.browser
def test_the_new_blocks_pass_axe_fit_a_phone_and_print(changed, browser):
    """axe-core (WCAG 2.1 AA) on pages with the corrections, the source block, the marks,
    the change log and the contact link, and on the recent changes page, both
    languages, at 360 and 1280 px; at 360 px nothing in them is wider than
    the screen; printed, the source and the marks with their notes are there (the change
    log, like the page's other web-only parts, is not printed)."""
    from axe_playwright_python.sync_playwright import Axe
    from test_accessibility import WCAG_21_AA
    _, out, _ = changed
    found = []
    with serve(out) as url:
        context = browser.new_context()
        tab = context.new_page()
        for lang in ("zh", "en"):
            for project_page in (WUHUA_PAGE, CHENGGONG_PAGE, "changes/index.html"):
                path = f"{lang}/{project_page.removesuffix('index.html')}"
                for width in (360, 1280):
                    tab.set_viewport_size({"width": width, "height": 900})
                    tab.goto(url + path)
                    violations = Axe().run(tab, options=WCAG_21_AA).response["violations"]
                    found += [f"{path} at {width}px: {v['id']}: {v['help']}" for v in violations]
                    wide = tab.evaluate("""() => [...document.querySelectorAll(
                        '#corrections, #source, #history, .derived-notes, .as-written, .report')]
                        .filter(el => el.getBoundingClientRect().right >
                                      document.documentElement.clientWidth + 1)
                        .map(el => el.id || el.className)""")
                    found += [f"{path} at {width}px: {name} is wider than the screen"
                              for name in wide]
                tab.emulate_media(media="print")
                shown = tab.evaluate("""() => [...document.querySelectorAll(
                    '#source, .derived-notes li, #funding .derived-mark, ' +
                    'table.indicators .derived-mark')].every(el => el.checkVisibility())""")
                tab.emulate_media(media="screen")
                assert shown, f"{path}: printed without its source, its marks or their notes"
        context.close()
    assert not found, "\n".join(found)


@needs_git
def test_a_correction_is_shown_under_the_summary_and_listed_as_a_change(changed):
    _, out, ids = changed
    for lang, text in (("zh", "2024年7月1日 : 预算年度资金原误写为5000000元。"),
                       ("en", "1 July 2024 : The budget-year amount was first given as "
                              "CNY 5,000,000 in error.")):
        tree = page(out / lang / CHENGGONG_PAGE)
        ids_in_order = [e.attrs["id"] for e in tree.iter() if e.attrs.get("id")]
        assert ids_in_order.index("summary-title") < ids_in_order.index("corrections") \
            < ids_in_order.index("contents-title") < ids_in_order.index("source")
        assert text in tree.by_id("corrections").text
    row = next(r for r in rows(out, "projects.csv") if r["id"].startswith("chenggong"))
    assert (row["corrections"], row["last_correction"], row["last_changed"]) == \
        ("1", "2024-07-01", "2024-07-01")


@needs_git
def test_recent_changes_page_and_feeds_in_each_language(changed):
    _, out, ids = changed
    listing = page(out / "en" / "changes" / "index.html").find(
        "ol", **{"class": "changes recent-changes"})
    first = [li for li in listing.children if isinstance(li, Element) and li.tag == "li"][0]
    assert "1 July 2024" in first.text and "Correction: The budget-year amount" in first.text
    assert first.find("a").attrs["href"] == f"/en/{CHENGGONG_PAGE[:-10]}#history"
    zh = page(out / "zh" / "changes" / "index.html").text
    assert "更正：预算年度资金原误写为5000000元。" in zh and "首次发布" in zh
    assert ids["comment"] not in (out / "en/changes.xml").read_text(encoding="utf-8")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "zh" / "changes.xml").getroot()
    summaries = [e.find(f"{atom}summary").text for e in feed.findall(f"{atom}entry")]
    assert summaries[0] == "更正：预算年度资金原误写为5000000元。"
    assert "预算年度资金 5,000,000.00元 → 5,500,000.00元" in summaries
    # Each entry's title says what changed, then which project.
    titles = [e.find(f"{atom}title").text for e in feed.findall(f"{atom}entry")]
    assert "预算年度资金 5,000,000.00元 → 5,500,000.00元：2026至2028年公务员医疗补助补充保险" \
        "（基金专户资金）经费" in titles
    en_titles = [e.find(f"{atom}title").text
                 for e in ET.parse(out / "en" / "changes.xml").getroot().findall(f"{atom}entry")]
    assert any(t.startswith("Budget-year amount CNY\u00a05,000,000.00 → CNY\u00a05,500,000.00 — ")
               for t in en_titles), en_titles
    for lang in ("zh", "en"):  # every page's footer links the recent changes
        footer = page(out / lang / "index.html").find("footer")
        assert f"/{lang}/changes/" in [a.attrs["href"] for a in footer.find_all("a")]
    wuhua = ET.parse(out / "en" / "wuhua" / "changes.xml").getroot()
    entries_ = wuhua.findall(f"{atom}entry")
    assert [e.find(f"{atom}category").get("term") for e in entries_] == ["wuhua", "wuhua"]
    assert wuhua.find(f"{atom}updated").text == "2024-03-01T09:00:00+08:00"
    head = page(out / "en" / WUHUA_PAGE).find("head")
    assert "/en/wuhua/changes.xml" in [link.attrs.get("href") for link in head.find_all("link")]


@needs_git
def test_every_project_page_links_the_contact_with_the_project_filled_in(changed):
    _, out, _ = changed
    for lang in ("zh", "en"):
        link = page(out / lang / WUHUA_PAGE).by_id("report").find("a")
        address = urlsplit(link.attrs["href"])
        assert (address.scheme, address.path) == ("mailto", "corrections@example.org")
        fields = parse_qs(address.query)
        assert "wuhua/2025/urban-rural-medical-assistance" in fields["subject"][0]
        assert f"https://budget.example.org/{lang}/{WUHUA_PAGE[:-10]}" in fields["body"][0]
        assert "+" not in address.query
