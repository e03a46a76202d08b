"""`budgetsite import` with the files offices publish: a real department budget PDF
(Shanghai Putuo District's Justice Bureau, 2026, as published), the Kunming seed
disclosures as Word file, workbook, web page and PDF (tests/make_import_fixtures.py made
them from the seed texts, laid out as the official form is), and files that cannot be
imported. Each test runs the command as a clerk would and reads what it wrote."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import copy_site, run_budgetsite
from seedtext import missing_facts, normalise, page_text

IMPORT = Path(__file__).parent / "fixtures" / "import"
# The real document as Shanghai Putuo District's Justice Bureau published it (its 2026
# department budget, 23 pages), kept unchanged.
PUTUO = IMPORT / "putuo-justice-2026-department-budget.pdf"
FORMATS = IMPORT / "formats"
SEEDS = {"wuhua-2025": "seed-000-wuhua-2025.txt", "chenggong-2026": "seed-002-chenggong-2026.txt"}
PUTUO_DISTRICT = """city: {code: "310100", zh: 上海市, en: Shanghai}
districts:
  - slug: putuo
    code: "310107"
    zh: 普陀区
    en: Putuo District
"""
# Page 23 of the Justice Bureau's PDF, every sentence as the document writes it (the
# PDF's line wraps joined), in the order of its sections.
PUTUO_PAGE_23 = [
    "人民调解承担着化解社会矛盾、维护社会稳定的责任，尤其在专业性、行业性纠纷调解中发挥着重要作用。"
    "通过建立政府向区人民调解协会购买服务工作模式，推行以政府购买服务为主渠道的人民调解经费保障体系，"
    "更好地满足人民调解员专业化、职业化建设的发展需要，从而进一步推进人民调解工作规范化、专业化、社会化发展。",
    "《关于完善本市人民调解、行政调解、司法调解联动工作体系进一步加强人民调解工作的意见》（沪司规〔2015〕6号）、"
    "《财政部、司法部关于进一步加强人民调解经费保障的意见》（财行〔2007〕179号）；关于转发《财政部、司法部关于"
    "进一步加强人民调解经费保障的意见》的通知（沪财行〔2008〕36号）；关于贯彻《财政部、司法部关于进一步加强人民"
    "调解工作经费保障的意见》的实施意见（普财〔2008〕30号）、《关于加强人民调解员队伍建设的实施意见》"
    "（沪司发〔2018〕86号）。",
    "上海市普陀区司法局",
    "1.与区人民调解协会签订《普陀区司法局购买人民调解服务合同》，委托其提供专业服务，并对工作情况进行全方位的考核及评估；",
    "2.由区人民调解协会配齐配强各级人民调解组织的调解员，及时化解各类矛盾纠纷；",
    "3.全年开展专题培训；",
    "4.开展“人民调解协议书检查”、优秀调解案例”活动。",
    "2025年1月1日-2025年12月31日",
    "795万元",
    "通过政府购买区人民调解协会服务工作模式，完善人民调解经费保障体系，满足人民调解员专业化、职业化建设的发展需要，"
    "从而推动人民调解工作规范化、专业化、社会化发展。",
]


def site(root: Path, districts: str | None = None) -> Path:
    """A site with the real site.yaml and no projects; the real districts, or `districts`."""
    copy_site(root)
    shutil.rmtree(root / "content" / "projects")
    (root / "content" / "projects").mkdir()
    if districts:
        (root / "content" / "districts.yaml").write_text(districts, encoding="utf-8")
    return root


def project_files(root: Path) -> dict[str, bytes]:
    projects = root / "content" / "projects"
    return {p.relative_to(projects).as_posix(): p.read_bytes()
            for p in sorted(projects.rglob("*")) if p.is_file()}


def only_project(root: Path) -> Path:
    [folder] = [p.parent for p in (root / "content" / "projects").rglob("project.yaml")]
    return folder


# -- the real PDF ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def putuo(tmp_path_factory) -> tuple[Path, object]:
    root = site(tmp_path_factory.mktemp("putuo"), PUTUO_DISTRICT)
    result = run_budgetsite("import", PUTUO, "--root", root)
    return root, result


def test_the_real_pdf_imports_its_project(putuo):
    root, result = putuo
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    folder = only_project(root)
    assert folder.relative_to(root).as_posix() == \
        "content/projects/putuo/2026/ren-min-tiao-jie-xiang-mu"
    data = yaml.safe_load((folder / "project.yaml").read_text("utf-8"))
    assert data["name"]["zh"] == "人民调解项目"
    assert data["department"]["zh"] == "上海市普陀区司法局"
    assert data["heading"]["zh"] == "上海市普陀区2026年区级部门预算"
    assert data["year"] == 2026 and data["district"] == "putuo"
    assert data["funding"]["budget_year"] == {"value": 795, "unit": "万元"}
    assert data["period"]["zh"] == "2025年1月1日-2025年12月31日"  # as written
    assert data["unit"]["name"]["zh"] == "上海市普陀区司法局"
    assert data["source"]["file"] == "original.pdf" and data["source"]["pages"] == [23]
    assert (folder / "original.pdf").read_bytes() == PUTUO.read_bytes()
    # Every sentence of its page, exactly as written, in project.yaml or zh.md.
    written = (folder / "project.yaml").read_text("utf-8") + (folder / "zh.md").read_text("utf-8")
    written = written.replace("\\.", ".")
    for sentence in PUTUO_PAGE_23:
        assert sentence in written, sentence
    # The report names what it placed, the amount in 元 and what the document lacks.
    assert "7,950,000.00元" in result.stdout
    assert "[import.no-table]" in result.stderr and "page 23" in result.stderr


def test_the_real_pdf_is_published_with_its_page(putuo, tmp_path):
    root, _ = putuo
    # With search: the key index and the result rows take a unit without a code.
    built = run_budgetsite("build", "--root", root, "--out", tmp_path / "public")
    assert built.returncode == 0, built.stderr
    page = tmp_path / "public/zh/putuo/2026/ren-min-tiao-jie-xiang-mu/index.html"
    html = page.read_text("utf-8")
    text = page_text(html)
    for shown in ("7,950,000.00元", "795.00万元", "2025年1月1日-2025年12月31日", "第 23 页",
                  "本文件未载项目绩效目标表", *PUTUO_PAGE_23):
        assert normalise(shown) in text, shown
    assert 'original.pdf#page=23"' in html
    english = page_text((tmp_path / "public/en/putuo/2026/ren-min-tiao-jie-xiang-mu/"
                                    "index.html").read_text("utf-8"))
    assert "page23" in english and "notyettranslated" in english


def test_importing_the_same_pdf_again_changes_nothing(putuo):
    root, _ = putuo
    before = project_files(root)
    again = run_budgetsite("import", PUTUO, "--root", root)
    assert again.returncode == 0, again.stderr
    assert "unchanged, nothing written" in again.stdout
    assert project_files(root) == before


def test_a_changed_document_shows_its_changes_and_writes_only_with_update(putuo, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(putuo[0] / "content", root / "content")
    folder = only_project(root)
    yaml_path = folder / "project.yaml"
    edited = yaml_path.read_text("utf-8").replace("value: 795", "value: 790")
    yaml_path.write_text(edited, "utf-8")  # as if the earlier version said 790万元
    shown = run_budgetsite("import", PUTUO, "--root", root)
    assert "funding.budget_year.value: 790 → 795" in shown.stdout
    assert "--update" in shown.stdout
    assert yaml_path.read_text("utf-8") == edited
    updated = run_budgetsite("import", PUTUO, "--root", root, "--update")
    assert updated.returncode == 0, updated.stderr
    assert "value: 795" in yaml_path.read_text("utf-8")


def test_dry_run_writes_nothing(tmp_path):
    root = site(tmp_path / "site", PUTUO_DISTRICT)
    result = run_budgetsite("import", PUTUO, "--root", root, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would write" in result.stdout and "ren-min-tiao-jie-xiang-mu" in result.stdout
    assert project_files(root) == {}


def test_a_district_the_site_does_not_list_is_named(tmp_path):
    root = site(tmp_path / "site")  # Kunming's districts
    result = run_budgetsite("import", PUTUO, "--root", root)
    assert result.returncode == 1
    assert "普陀区" in result.stderr and "districts.yaml" in result.stderr
    assert "Traceback" not in result.stderr and project_files(root) == {}


# -- the Kunming form in every format ------------------------------------------------------

def imported_files(root: Path, source: Path) -> tuple[str, str]:
    result = run_budgetsite("import", source, "--root", root, "--slug", "x")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = only_project(root)
    lines = [line for line in (folder / "project.yaml").read_text("utf-8").splitlines()
             if not line.startswith("# Source:") and "original." not in line
             and not line.strip().startswith(("pages:", "# pages:"))]
    return "\n".join(lines), (folder / "zh.md").read_text("utf-8")


@pytest.mark.parametrize("stem", sorted(SEEDS))
@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls", "html", "pdf"])
def test_the_kunming_form_imports_equal_to_its_text(tmp_path, stem, kind):
    text = imported_files(site(tmp_path / "text"), IMPORT / SEEDS[stem])
    other = imported_files(site(tmp_path / kind), FORMATS / f"{stem}.{kind}")
    assert other == text


def test_the_workbook_keeps_amounts_as_the_numbers_they_are(tmp_path):
    """The workbook holds 7968243.98 as a number (a float): read back as written."""
    root = site(tmp_path / "site")
    run_budgetsite("import", FORMATS / "wuhua-2025.xlsx", "--root", root, "--slug", "x")
    data = yaml.safe_load((only_project(root) / "project.yaml").read_text("utf-8"))
    assert str(data["funding"]["budget_year"]) == "7968243.98"


def test_word_merged_cells_are_read_once(tmp_path):
    """一级指标 merged down three rows gives three indicators under it, not a repeated
    row and not a level lost."""
    root = site(tmp_path / "site")
    run_budgetsite("import", FORMATS / "wuhua-2025.docx", "--root", root, "--slug", "x")
    data = yaml.safe_load((only_project(root) / "project.yaml").read_text("utf-8"))
    assert [i["level1"] for i in data["indicators"]] == \
        ["output", "output", "output", "benefit", "satisfaction"]
    assert len(data["indicators"]) == 5


# -- many projects, many files ------------------------------------------------------------

def test_two_documents_in_one_text_file_become_two_projects(tmp_path):
    root = site(tmp_path / "site")
    both = tmp_path / "both.txt"
    both.write_text((IMPORT / SEEDS["wuhua-2025"]).read_text("utf-8") + "\n" +
                    (IMPORT / SEEDS["chenggong-2026"]).read_text("utf-8"), "utf-8")
    result = run_budgetsite("import", both, "--root", root)
    assert result.returncode == 0, result.stdout + result.stderr
    folders = sorted(p.parent for p in (root / "content/projects").rglob("project.yaml"))
    assert len(folders) == 2
    for folder in folders:
        data = yaml.safe_load((folder / "project.yaml").read_text("utf-8"))
        assert len(data["indicators"]) == 5, folder
    names = {yaml.safe_load((f / "project.yaml").read_text("utf-8"))["name"]["zh"]
             for f in folders}
    assert names == {"城乡医疗救助专项资金", "2026至2028年公务员医疗补助补充保险（基金专户资金）经费"}


def test_a_folder_of_documents_imports_each_and_one_bad_file_stops_none(tmp_path):
    root = site(tmp_path / "site")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FORMATS / "wuhua-2025.docx", inbox)
    shutil.copy(FORMATS / "chenggong-2026.pdf", inbox)
    (inbox / "broken.pdf").write_bytes(PUTUO.read_bytes()[:5000])
    result = run_budgetsite("import", inbox, "--root", root)
    assert result.returncode == 1
    assert "broken.pdf: " in result.stderr and "[import.document]" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((root / "content/projects").rglob("project.yaml"))) == 2
    assert "documents  unreadable  projects" in result.stdout


SHANGHAI_TEXT = """上海市普陀区2026年区级部门预算
预算主管部门：上海市普陀区司法局
项目经费情况说明
一、项目概述
社区矫正专项工作经费用于保障全区社区矫正工作开展。
二、立项依据
《中华人民共和国社区矫正法》。
三、实施主体
上海市普陀区司法局
四、实施方案
1.开展社区矫正对象教育帮扶；
五、实施周期
2026全年度。
六、年度预算安排
一季度30万，二季度30.5万，三季度30万元，四季度29.5万
七、绩效目标
详见单位的项目绩效目标表。
法律援助项目经费情况说明
一、项目概况
为经济困难群众提供法律援助。
二、立项依据
《法律援助法》。
三、实施主体
普陀区法律援助中心
四、实施方案
按季度拨付。
五、实施周期
2026.1.1-2026.12.31
六、年度预算安排
1720.00万
七、绩效目标
应援尽援。
"""


def test_a_department_budget_in_text_gives_one_project_a_page(tmp_path):
    root = site(tmp_path / "site", PUTUO_DISTRICT)
    source = tmp_path / "department.txt"
    source.write_text(SHANGHAI_TEXT, "utf-8")
    result = run_budgetsite("import", source, "--root", root)
    assert "Traceback" not in result.stderr
    folders = {p.parent.name: yaml.safe_load(p.read_text("utf-8"))
               for p in (root / "content/projects").rglob("project.yaml")}
    assert len(folders) == 2, result.stdout + result.stderr
    aid = folders["fa-lv-yuan-zhu-xiang-mu"]
    assert aid["funding"]["budget_year"] == {"value": 1720.00, "unit": "万元"}
    assert "17,200,000.00元" in result.stdout
    assert aid["period"]["zh"] == "2026.1.1-2026.12.31"
    # Titled only 项目经费情况说明: the name from the first sentence, said in the report.
    [first] = [d for slug, d in folders.items() if slug != "fa-lv-yuan-zhu-xiang-mu"]
    assert first["name"]["zh"] == "社区矫正专项工作经费"
    assert "[import.name-from-text]" in result.stderr
    # Four quarterly amounts, no total: the parts as written, no total invented; the
    # site shows their sum marked as its own figure, and the report says so.
    assert "budget_year" not in first["funding"]
    assert len(first["funding"]["components"]) == 4
    assert "[import.derived]" in result.stderr
    assert first["targets"]["table_note"]["zh"] == "详见单位的项目绩效目标表"
    assert first["period"]["zh"] == "2026全年度。"
    # Built, the page shows the sum of the four (1,200,000元) marked † as the site's.
    built = run_budgetsite("build", "--root", root, "--no-search", "--out", root / "public")
    assert built.returncode == 0, built.stderr
    [folder] = [p.parent for p in (root / "content/projects").rglob("project.yaml")
                if p.parent.name != "fa-lv-yuan-zhu-xiang-mu"]
    key = folder.relative_to(root / "content/projects").as_posix()
    html = (root / "public/zh" / key / "index.html").read_text("utf-8")
    summary = html[html.index('id="summary"'):html.index("</section>", html.index('id="summary"'))]
    assert 'data-derived="budget-year-sum"' in summary and "120.00万元" in summary
    assert "所示金额为各分项之和" in html
    csv = (root / "public/data/projects.csv").read_text("utf-8")
    header, *rows = csv.splitlines()
    column = header.split(",").index("budget_year_amount_summed")
    assert sorted(row.split(",")[column] for row in rows) == ["false", "true"]


# -- files that cannot be imported ---------------------------------------------------------

def encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(FORMATS / "wuhua-2025.pdf").pages:
        writer.add_page(page)
    writer.encrypt("secret")
    writer.write(path)


def scanned_pdf(path: Path) -> None:
    """A PDF of a picture of a page: no text layer."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(path)


def zip_bomb(path: Path) -> None:
    """A Word file whose document expands to 400 MB of zeros (a few hundred KB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):
                member.write(chunk)


BAD = {
    "scan.pdf": (scanned_pdf, "no text layer"),
    "locked.pdf": (encrypted_pdf, "encrypted"),
    "cut.pdf": (lambda p: p.write_bytes(PUTUO.read_bytes()[:20000]), "damaged"),
    "bomb.docx": (zip_bomb, "expands to"),
    "photo.png": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
                  "neither a PDF"),
    "old.doc": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 +
                                        "WordDocument".encode("utf-16-le") + b"\0" * 64),
                "save it as .docx"),
    "other.txt": (lambda p: p.write_text("会议通知\n明天开会。\n", "utf-8"),
                  "no known layout"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_file_that_cannot_be_imported_gets_one_line_and_nothing_is_written(
        tmp_path, name, monkeypatch):
    make, words = BAD[name]
    root = site(tmp_path / "site")
    path = tmp_path / name
    make(path)
    env = {"PATH": "/usr/bin:/bin"} if name == "old.doc" else None  # no LibreOffice
    result = run_budgetsite("import", path, "--root", root, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "[import.document]" in line]
    assert line.startswith(f"{name}: ") and words in line, line
    assert project_files(root) == {}


def test_a_forced_layout_that_does_not_fit_says_so(tmp_path):
    root = site(tmp_path / "site")
    result = run_budgetsite("import", IMPORT / SEEDS["wuhua-2025"], "--root", root,
                            "--layout", "shanghai")
    assert result.returncode == 1 and "[import.document]" in result.stderr
    assert project_files(root) == {}
    unknown = run_budgetsite("import", IMPORT / SEEDS["wuhua-2025"], "--root", root,
                             "--layout", "beijing")
    assert "no layout named 'beijing'" in unknown.stderr


# -- names that could smuggle YAML in ------------------------------------------------------

@pytest.mark.parametrize("name", [
    "notice\ncorrections: [{date: 2025-03-01, text: 本页数字有误，请勿引用}]\n#.txt",
    'quote" and: colon #hash.txt', "- [list] {map} & *alias !tag |.txt",
])
def test_the_file_name_cannot_write_yaml(tmp_path, name):
    root = site(tmp_path / "site")
    source = tmp_path / name
    shutil.copy(IMPORT / SEEDS["wuhua-2025"], source)
    result = run_budgetsite("import", source, "--root", root, "--slug", "x")
    assert result.returncode == 0, result.stderr
    text = (only_project(root) / "project.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert "corrections" not in data
    assert all(line.startswith("#") or not line.startswith("corrections")
               for line in text.splitlines())
    assert run_budgetsite("check", "--root", root).returncode == 0


# -- a PDF's lines ---------------------------------------------------------------------

def test_pdf_lines_join_their_wraps_and_drop_running_headers_and_page_numbers():
    """Lines as pdfium gives them (text and box): a line reaching the right margin goes
    on in the next, unless that starts a numbered item; a line of closing punctuation
    belongs to the one before; a header repeated at the top of every page and the page
    numbers at the foot go."""
    from builder.tools.readers import pdf

    def line(text, x1, top, x0=50.0):
        return pdf._Line(text, x0, x1, top, top - 10)

    pages = []
    for number in range(1, 5):
        page = "一二三四"[number - 1]
        pages.append([
            line("上海市普陀区司法局2026年部门预算", 300, 800),
            line(f"第{page}页的第一句话写到了右边", 500, 760),
            line("界，接着写完。", 200, 745),
            line(f"1、第{page}页新的一项，写到右边", 500, 730),
            line("。", 60, 715),
            line(f"（二）第{page}页下一项", 150, 700),
            line(f"- {number} -", 260, 40),
        ])
    pdf._drop_running_lines(pages)
    paragraphs = [p.text for p in pdf._paragraphs(1, pages[0])]
    assert paragraphs == ["第一页的第一句话写到了右边界，接着写完。", "1、第一页新的一项，写到右边。",
                          "（二）第一页下一项"]


def test_pdf_text_keeps_ideographs_not_their_radical_look_alikes():
    from builder.tools.readers.characters import repaired

    assert repaired("项⽬绩效⽬标表，居⺠⻔诊") == "项目绩效目标表，居民门诊"
    assert repaired("（一）≥90%，“一站式”") == "（一）≥90%，“一站式”"  # nothing else changes


def test_an_update_keeps_what_staff_added(putuo, tmp_path):
    """English, the official address and a renamed folder survive an --update: only the
    document's own fields change."""
    root = tmp_path / "site"
    shutil.copytree(putuo[0] / "content", root / "content")
    folder = only_project(root)
    renamed = folder.with_name("people-mediation")
    folder.rename(renamed)
    path = renamed / "project.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["name"]["en"] = "People's mediation"
    data["source"]["url"] = "https://www.shpt.gov.cn/example.pdf"
    data["funding"]["budget_year"]["value"] = 790
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = run_budgetsite("import", PUTUO, "--root", root, "--update")
    assert result.returncode == 0, result.stderr
    assert "people-mediation" in result.stdout and "updated" in result.stdout
    after = yaml.safe_load(path.read_text("utf-8"))
    assert after["funding"]["budget_year"]["value"] == 795
    assert after["name"] == {"zh": "人民调解项目", "en": "People's mediation"}
    assert after["source"]["url"] == "https://www.shpt.gov.cn/example.pdf"
    assert not (root / "content/projects/putuo/2026/ren-min-tiao-jie-xiang-mu").exists()


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b"])
def test_invisible_characters_in_a_document_refuse_it_at_their_place(tmp_path, character):
    root = site(tmp_path / "site")
    text = (IMPORT / SEEDS["wuhua-2025"]).read_text("utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "7968243.98" in l)
    source = tmp_path / "doc.txt"
    source.write_text(text.replace("资金安排7968243.98", f"资金安排{character}7968243.98"), "utf-8")
    result = run_budgetsite("import", source, "--root", root)
    assert result.returncode == 1
    [message] = [l for l in result.stderr.splitlines() if "[import.document]" in l]
    column = text.splitlines()[line - 1].index("7968243.98") + 1
    assert f"doc.txt: line {line}, column {column}: " in message
    assert f"U+{ord(character):04X}" in message
    assert project_files(root) == {}


def test_an_imported_kunming_document_shows_every_fact_as_written(tmp_path):
    """Imported, built, read as a reader sees the Chinese page: every line and cell of
    the seed, no Markdown escape left showing (1. and _ kept as the document has them)."""
    root = site(tmp_path / "site")
    text = (IMPORT / SEEDS["wuhua-2025"]).read_text("utf-8")
    source = tmp_path / "doc.txt"
    source.write_text(text.replace("项目基本概况\n", "项目基本概况\n1.第一点_下划线*星号*\n", 1),
                      "utf-8")
    assert run_budgetsite("import", source, "--root", root, "--slug", "x").returncode == 0
    built = run_budgetsite("build", "--root", root, "--out", tmp_path / "public", "--no-search")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "public/zh/wuhua/2025/x/index.html").read_text("utf-8")
    assert missing_facts(source.read_text("utf-8"), page) == []
    assert "1.第一点_下划线*星号*" in page_text(page) and "\\" not in page_text(page)


# -- the report in Chinese -------------------------------------------------------------------

def test_the_report_is_in_chinese_by_lang_or_locale_with_the_same_places_and_codes(tmp_path):
    """`--lang zh` (or a Chinese locale) says the report in Chinese: the files, folders,
    fields, places and codes as in English, no English sentence left."""
    from test_messages_zh import english_left

    source = IMPORT / "unplaceable.txt"
    said = {}
    for lang, env in (("en", {"LANG": "C.UTF-8", "LC_ALL": ""}),
                      ("zh", {"LANG": "zh_CN.UTF-8", "LC_ALL": ""})):
        root = site(tmp_path / lang)
        said[lang] = run_budgetsite("import", source, "--root", root, "--slug", "x",
                                    "--dry-run", env=env)
    en, zh = said["en"], said["zh"]
    assert en.returncode == zh.returncode == 1
    tagged = re.compile(r"^(?P<place>\S+?)(?::| ?[（(]).* \[(?P<code>[a-z0-9.-]+)\]$")
    problems = {lang: [tagged.match(line) for line in said[lang].stderr.splitlines()
                       if line.endswith("]")] for lang in said}
    assert len(problems["en"]) == len(problems["zh"]) > 3
    for english, chinese in zip(problems["en"], problems["zh"], strict=True):
        assert (english["place"], english["code"]) == (chinese["place"], chinese["code"])
    report = zh.stdout + zh.stderr
    assert "1 个项目" in report and "将写入" in report and "已填写：" in report
    assert "错误" in zh.stdout and "errors" in en.stdout
    for line in report.splitlines():
        assert english_left(line) == [], line
    forced = run_budgetsite("import", source, "--root", site(tmp_path / "forced"), "--slug",
                            "x", "--dry-run", "--lang", "en", env={"LANG": "zh_CN.UTF-8"})
    assert forced.stdout.replace(" ", "") == en.stdout.replace(" ", "")


def test_an_unreadable_file_is_said_in_chinese(tmp_path):
    from test_messages_zh import english_left

    root = site(tmp_path)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = run_budgetsite("import", empty, "--root", root, "--lang", "zh")
    assert result.returncode == 1
    assert "empty.pdf: 文件是空的；请重新下载 [import.document]" in result.stderr
    assert [line for line in result.stderr.splitlines() if english_left(line)] == []
