"""`budgetsite import`: the official document's text layout → a project folder.

Each seed and each variation fixture under fixtures/import/ is imported with the real
command, checked, built, and its Chinese page read for every fact of the document.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build, copy_site, run_budgetsite
from seedtext import facts, missing_facts

from builder.core.model import Indicator, Money, PreviousYear, Project, Text
from builder.sources import discover

IMPORT = FIXTURES / "import"
SEEDS = {
    "seed-000-wuhua-2025.txt": "wuhua/2025/urban-rural-medical-assistance",
    "seed-002-chenggong-2026.txt": "chenggong/2026/civil-servant-medical-subsidy-insurance",
}
VARIATIONS = sorted(p.name for p in IMPORT.glob("*.txt")
                    if p.name not in SEEDS and p.name != "unplaceable.txt")


def empty_site(root: Path) -> Path:
    """A site with the real site.yaml and districts.yaml and no projects."""
    copy_site(root)
    shutil.rmtree(root / "content" / "projects")
    return root


def import_into(root: Path, name: str, *extra: str):
    return run_budgetsite("import", IMPORT / name, "--root", root, *extra)


def imported(tmp_path: Path, name: str, *extra: str) -> tuple[Path, Project]:
    root = empty_site(tmp_path / "site")
    result = import_into(root, name, "--slug", "imported", *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    [project] = discover.load_content(root).projects
    return root, project


def test_variation_fixtures_exist():
    expected = {"comparators", "cost-as-level1", "cost-as-level2", "funding-components",
                "missing-unit", "organization-code", "period", "usci-district", "weights"}
    assert {Path(n).stem for n in VARIATIONS} == expected


# ---- every fact of the document reaches the Chinese page ---------------------------

@pytest.mark.parametrize("name", [*SEEDS, *VARIATIONS])
def test_import_and_build_shows_every_fact(tmp_path, name):
    root, project = imported(tmp_path, name)
    out = build(root, None, "--no-search")
    page = (out / "zh" / project.key / "index.html").read_text(encoding="utf-8")
    text = (IMPORT / name).read_text(encoding="utf-8")
    assert len(facts(text)) > 40
    assert missing_facts(text, page) == []


@pytest.mark.parametrize("name", [*SEEDS, *VARIATIONS])
def test_imported_project_passes_check_and_is_chinese_only(tmp_path, name):
    root, project = imported(tmp_path, name)
    result = run_budgetsite("check", "--root", root)
    assert result.returncode == 0, result.stderr
    assert project.text_fields > 0
    assert len(project.missing_english) == project.text_fields  # English left for translators
    assert "en" not in project.narrative
    assert not (root / "content" / "projects" / project.key / "en.md").exists()


def zh_facts(value):
    """Everything a model says in Chinese: texts by their zh, numbers, keys. Leaves out
    English, indicator ids and the folder name, which the document does not give, and
    the digest of the files the project was read from."""
    skip = {"slug", "source_dir", "missing_english", "text_fields", "digest"}
    if isinstance(value, Text):
        return value.zh
    if isinstance(value, Indicator):
        skip = {"id"}
    if isinstance(value, PreviousYear):
        skip = {"label"}  # what the editors call the figure: a name the document does not give
    if dataclasses.is_dataclass(value):
        return {f.name: zh_facts(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.name not in skip}
    if isinstance(value, (list, tuple)):
        return [zh_facts(v) for v in value]
    if isinstance(value, dict):
        return {k: zh_facts(v) for k, v in value.items() if k != "en"}
    return value


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_imported_seed_agrees_with_the_real_content(tmp_path, name):
    real = {p.key: p for p in discover.load_content(REPO).projects}[SEEDS[name]]
    _, project = imported(tmp_path, name)
    assert zh_facts(project) == zh_facts(real)
    assert project.narrative["zh"] == real.narrative["zh"]


# ---- each variation of the layout --------------------------------------------------

def levels(project: Project) -> list[tuple[str, str]]:
    return [(i.level1, i.level2) for i in project.indicators]


def test_cost_as_a_level_2_under_output(tmp_path):
    _, project = imported(tmp_path, "cost-as-level2.txt")
    assert levels(project) == [("output", "quantity"), ("output", "cost"),
                               ("benefit", "social"), ("satisfaction", "recipient")]
    cost = project.indicators[1]
    assert (cost.name.zh, cost.operator, cost.value, cost.unit) == \
        ("人均服务成本", "<=", Decimal(240), "元/人")


def test_cost_as_a_level_1(tmp_path):
    _, project = imported(tmp_path, "cost-as-level1.txt")
    assert levels(project) == [("output", "quantity"), ("cost", "economic-cost"),
                               ("benefit", "social"), ("satisfaction", "recipient")]


def test_every_comparator(tmp_path):
    _, project = imported(tmp_path, "comparators.txt")
    assert [i.operator for i in project.indicators] == ["=", ">=", "<=", ">", "<", ">=", "<="]
    assert [i.name.zh for i in project.indicators] == [
        "健康档案建档数", "慢性病随访人次", "投诉处理天数", "健康讲座场次", "档案差错率",
        "老年人体检人数", "人均服务成本"]
    assert [i.unit for i in project.indicators] == ["份", "人次", "天", "次", "%", "人", "元/人"]


def test_missing_unit_of_measure(tmp_path):
    _, project = imported(tmp_path, "missing-unit.txt")
    rows = [(i.name.zh, i.value.zh if isinstance(i.value, Text) else i.value, i.unit,
             i.type, i.weight, i.scoring.zh, i.content.zh, i.source.zh)
            for i in project.indicators]
    assert rows == [
        ("健康档案规范管理", "规范", None, "qualitative", 30, "本项分值权重为30分，规范得满分。",
         "反映档案管理质量。", "根据检查记录"),
        ("随访记录完整", "完整", None, "qualitative", 20, "本项分值权重为20分，完整得满分。",
         "反映随访质量。", "根据检查记录"),
        # this row has no unit cell at all: the cells after it keep their places
        ("服务完成时间", "2026年12月31日前", None, "qualitative", 30,
         "本项分值权重为30分，按时完成得满分。", "反映服务时效。", "根据工作计划"),
        ("居民满意度", Decimal(90), "%", "quantitative", 10,
         "本项评分权重10分。满意度≥90%得10分。", "反映居民满意程度。", "根据满意度调查"),
    ]


def test_district_from_the_usci_area_code(tmp_path):
    text = (IMPORT / "usci-district.txt").read_text(encoding="utf-8")
    # neither the heading nor the unit's name or address names the district
    named = [text.split("项目名称")[0]] + [line for line in text.splitlines()
                                          if line.startswith(("单位名称", "地址"))]
    assert not any("官渡区" in line for line in named)
    _, project = imported(tmp_path, "usci-district.txt")
    assert project.district.slug == "guandu"
    assert project.unit.code == "125301117770000104"
    assert project.unit.code_kind == "usci"


def test_nine_character_organization_code(tmp_path):
    _, project = imported(tmp_path, "organization-code.txt")
    assert "77713580-1" in (IMPORT / "organization-code.txt").read_text(encoding="utf-8")
    assert project.unit.code == "777135801"  # the printed hyphen is not part of the code
    assert project.unit.code_kind == "org"
    assert project.district.slug == "guandu"  # from the heading: the code has no area


def test_funding_sentence_with_several_components(tmp_path):
    _, project = imported(tmp_path, "funding-components.txt")
    funding = project.funding
    assert funding.budget_year == Money(Decimal(500), "万元")
    assert [(c.label.zh, c.amount) for c in funding.components] == [
        ("中央补助资金", Money(Decimal(200), "万元")),
        ("省级补助资金", Money(Decimal(100), "万元")),
        ("区级配套资金", Money(Decimal(200), "万元"))]
    assert funding.note.zh == "所需资金从区级卫生健康专项资金中列支"
    assert (funding.previous_year.year, funding.previous_year.amount) == \
        (2025, Money(Decimal(4500000)))


def test_multi_year_period(tmp_path):
    _, project = imported(tmp_path, "period.txt")
    overall = project.targets.overall
    assert (overall.start, overall.end) == (2026, 2028)
    assert overall.text.zh == "建立覆盖辖区的社区居民健康服务体系，持续提高居民健康水平。"
    multi = project.funding.multi_year
    assert (multi.start, multi.end, multi.total) == (2026, 2028, Money(Decimal("3600000.00")))
    assert project.funding.budget_year == Money(Decimal("1200000.00"))


def test_seed_period_and_multi_year_total(tmp_path):
    _, project = imported(tmp_path, "seed-002-chenggong-2026.txt")
    assert (project.targets.overall.start, project.targets.overall.end) == (2026, 2028)
    assert project.funding.multi_year.total == Money(Decimal("16500000.00"))


def test_weights_written_three_ways(tmp_path):
    _, project = imported(tmp_path, "weights.txt")
    assert [i.weight for i in project.indicators] == [20, 10, 10, 40, 10]
    assert project.total_weight == 90


# ---- what cannot be placed ---------------------------------------------------------

def test_what_cannot_be_placed_is_reported_with_its_line_and_left_empty(tmp_path):
    root = empty_site(tmp_path / "site")
    result = import_into(root, "unplaceable.txt", "--slug", "unplaceable")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = (IMPORT / "unplaceable.txt").read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if text in line)

    reported = result.stderr.splitlines()
    for expected, code in (
            (f"unplaceable.txt:{line_of('结转资金300000元')}:1: funding: the amount 300000元 "
             f"was not placed", "import.unplaced"),
            (f"unplaceable.txt:{line_of('完成得满分。')}:1: indicators.weight: the scoring rule "
             f"states no points", "import.missing"),
            (f"unplaceable.txt:{line_of(chr(9) + '约')}:1: indicators.operator: '约' is not a "
             f"comparator", "import.vocabulary"),
            (f"unplaceable.txt:{line_of('覆盖指标')}:1: indicators.level2: '覆盖指标' is not a "
             f"level-2 indicator", "import.vocabulary")):
        assert any(line.endswith(f" [{code}]") for line in reported if expected in line), \
            (expected, code, result.stderr)
    # nothing invented: the fields stay empty, and check names them
    data = yaml.safe_load((root / "content/projects/guandu/2026/unplaceable/project.yaml")
                          .read_text(encoding="utf-8"))
    assert data["indicators"][0]["operator"] is None
    assert data["indicators"][0]["weight"] is None
    assert data["indicators"][1]["level2"] is None
    assert data["funding"]["budget_year"] == 1200000
    check = run_budgetsite("check", "--root", root)
    assert check.returncode == 1
    for field in ("indicators[1].operator", "indicators[1].weight", "indicators[2].level2"):
        assert re.search(rf"{re.escape(field)}: is still empty: .* \[schema\.empty\]$",
                         check.stderr, re.M), check.stderr


# ---- the command ---------------------------------------------------------------------

def test_the_slug_is_the_pinyin_of_the_name_and_a_second_import_changes_nothing(tmp_path):
    root = empty_site(tmp_path / "site")
    result = import_into(root, "seed-000-wuhua-2025.txt")
    assert result.returncode == 0, result.stderr
    folders = list((root / "content/projects/wuhua/2025").iterdir())
    assert [f.name for f in folders] == ["cheng-xiang-yi-liao-jiu-zhu-zhuan-xiang-zi-jin"]
    assert "content/projects/wuhua/2025/cheng-xiang-yi-liao-jiu-zhu-zhuan-xiang-zi-jin/" \
        in result.stdout
    before = {p: p.read_bytes() for p in folders[0].iterdir()}
    again = import_into(root, "seed-000-wuhua-2025.txt")  # the same document: nothing changes
    assert again.returncode == 0, again.stderr
    assert "unchanged, nothing written" in again.stdout
    assert {p: p.read_bytes() for p in folders[0].iterdir()} == before
    assert len(list((root / "content/projects/wuhua/2025").iterdir())) == 1


def test_district_and_year_can_be_given(tmp_path):
    root, project = imported(tmp_path, "seed-000-wuhua-2025.txt", "--district", "wuhua",
                             "--year", "2025")
    assert project.key == "wuhua/2025/imported"


def test_district_that_cannot_be_told_asks_for_district(tmp_path):
    root = empty_site(tmp_path / "site")
    text = (IMPORT / "usci-district.txt").read_text(encoding="utf-8")
    source = tmp_path / "no-district.txt"
    source.write_text(text.replace("统一社会信用代码：125301117770000104",
                                   "组织机构代码：777135801"), encoding="utf-8")
    result = run_budgetsite("import", source, "--root", root)
    assert result.returncode == 1
    assert "--district" in result.stderr and "Traceback" not in result.stderr
    assert not any((root / "content" / "projects").rglob("*.yaml"))
    given = run_budgetsite("import", source, "--root", root, "--district", "guandu",
                           "--slug", "given")
    assert given.returncode == 0, given.stderr


@pytest.mark.parametrize("args, message", [
    (("--slug", "../escape"), "is not safe"),
    (("--slug", "Upper Case"), "is not safe"),
    (("--district", "nowhere"), "unknown district 'nowhere'"),
])
def test_bad_arguments_are_refused(tmp_path, args, message):
    root = empty_site(tmp_path / "site")
    result = import_into(root, "seed-000-wuhua-2025.txt", *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not any((root / "content").rglob("project.yaml"))
    assert not (tmp_path / "site" / "content" / "escape").exists()


def test_gb18030_text_imports_as_its_utf8_version_does(tmp_path):
    """Older Chinese systems save text as GB18030 (GBK): read by its content, the same
    project as the UTF-8 file."""
    root = empty_site(tmp_path / "site")
    source = tmp_path / "gbk.txt"
    source.write_bytes((IMPORT / "seed-000-wuhua-2025.txt").read_text(encoding="utf-8")
                       .encode("gb18030"))
    result = run_budgetsite("import", source, "--root", root, "--slug", "gbk")
    assert result.returncode == 0, result.stderr
    utf8 = run_budgetsite("import", IMPORT / "seed-000-wuhua-2025.txt", "--root",
                          empty_site(tmp_path / "other"), "--slug", "gbk")
    assert utf8.returncode == 0, utf8.stderr
    project = "content/projects/wuhua/2025/gbk/project.yaml"
    strip = lambda text: [line for line in text.splitlines()  # noqa: E731
                          if not line.startswith("# Source:")
                          and "original.txt" not in line]
    assert strip((root / project).read_text("utf-8")) == \
        strip((tmp_path / "other" / project).read_text("utf-8"))


