"""`budgetsite check`: every rule of the content model, broken on purpose.

Each test copies the real content (or a small tree from fixtures/), breaks one thing
the way a clerk might, runs the real command and reads its report: the exit status
and the exact `path:line:col: field: message [code]` line.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_site, run_budgetsite

WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "content/projects/chenggong/2026/civil-servant-medical-subsidy-insurance"
REPORT_LINE = re.compile(r"(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^:\s]+): "
                         r"(?P<warning>warning: )?(?P<message>.+) \[(?P<code>[a-z0-9-]+\.[a-z0-9-]+)\]")
SUMMARY = re.compile(r"budgetsite: .+")


@dataclass(frozen=True)
class Reported:
    path: str
    line: int
    col: int
    field: str
    message: str
    warning: bool
    code: str


@dataclass
class Check:
    """What `budgetsite check` did: its exit status and the problems it reported."""

    returncode: int
    problems: list[Reported]
    stdout: str
    stderr: str

    def only(self) -> Reported:
        assert len(self.problems) == 1, self.stderr
        return self.problems[0]

    def find(self, path: str, field: str) -> Reported:
        found = [p for p in self.problems if p.path == path and p.field == field]
        assert len(found) == 1, f"expected one problem for {path} {field}:\n{self.stderr}"
        return found[0]


def check(root: Path, *args: str) -> Check:
    result = run_budgetsite("check", "--root", root, *args)
    assert "Traceback" not in result.stderr, result.stderr
    problems = []
    for line in result.stderr.splitlines():
        match = REPORT_LINE.fullmatch(line)
        assert match or SUMMARY.fullmatch(line), f"not a report line: {line!r}"
        if match:
            problems.append(Reported(match["path"], int(match["line"]), int(match["col"]),
                                     match["field"], match["message"], bool(match["warning"]),
                                     match["code"]))
    return Check(result.returncode, problems, result.stdout, result.stderr)


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a source file."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def position(root: Path, path: str, needle: str) -> tuple[int, int]:
    """(line, column) where `needle` starts in the file; it must occur once.
    A needle that starts with a newline means: at the start of a line."""
    text = (root / path).read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {path}"
    before = text[: text.index(needle) + needle.startswith("\n")]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def assert_reported(problem: Reported, root: Path, path: str, field: str, at: str,
                    *words: str, code: str, warning: bool = False) -> None:
    """The problem names `path`, the line and column where `at` starts, `field`,
    says each of `words`, and carries the `code` of the rule it breaks."""
    assert (problem.path, problem.field) == (path, field), problem
    assert (problem.line, problem.col) == position(root, path, at), problem
    for word in words:
        assert word.lower() in problem.message.lower(), f"{word!r} not in {problem.message!r}"
    assert problem.warning == warning, problem
    assert problem.code == code, problem


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the real content to break."""
    return copy_site(tmp_path / "site")


# --- the real content ------------------------------------------------------------------

def test_the_real_content_passes_without_warnings(site):
    result = check(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert result.problems == [] and result.stderr == ""
    assert "2 project(s) checked, no errors, 0 warning(s)" in result.stdout


# --- the file itself ---------------------------------------------------------------------

def test_yaml_syntax_error_names_its_line(site):
    edit(site, f"{WUHUA}/project.yaml", '  phone: "0871-63399978"',
         '  phone: 0871: 63399978')
    result = check(site)
    assert result.returncode == 1
    problem = result.only()
    assert_reported(problem, site, f"{WUHUA}/project.yaml", "file", ": 63399978", "YAML", code="yaml.syntax")
    assert "a colon and a space (': ') inside a value; put the whole value in quotes" \
        in problem.message  # PyYAML's 'mapping values are not allowed', in words


def test_unknown_field(site):
    edit(site, f"{WUHUA}/project.yaml", '  phone: "0871-63399978"\n',
         '  phone: "0871-63399978"\n  fax: "0871-63399979"\n')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "unit.fax", "fax:",
                    "unknown field", "'fax'", "phone", code="schema.unknown-field")


def test_unknown_field_in_an_indicator_row(site):
    edit(site, f"{WUHUA}/project.yaml", "    weight: 20\n    scoring:\n      zh: 本项分值权重为20分，实际",
         "    wieght: 20\n    scoring:\n      zh: 本项分值权重为20分，实际")
    result = check(site)
    assert result.returncode == 1
    path = f"{WUHUA}/project.yaml"
    assert_reported(result.find(path, "indicators[1].wieght"), site, path, "indicators[1].wieght",
                    "wieght:", "unknown field", "weight", code="schema.unknown-field")
    # …and the real name is then missing, reported at the row it belongs in.
    missing = result.find(path, "indicators[1].weight")
    assert "missing" in missing.message
    assert (missing.line, missing.col) == position(site, path, "id: recipients")


def test_missing_field_names_the_field_at_its_group(site):
    edit(site, f"{WUHUA}/project.yaml",
         "  name:\n    zh: 昆明市五华区医疗保险中心\n    en: Kunming Wuhua District Medical "
         "Insurance Center\n", "")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "unit.name", "\nunit:",
                    "missing field", "name", "单位名称", code="schema.required")


@pytest.mark.parametrize("old, new, field, at, words", [
    ("    weight: 20\n    scoring:\n      zh: 本项分值权重为20分，实际",
     "    weight: twenty\n    scoring:\n      zh: 本项分值权重为20分，实际",
     "indicators[1].weight", "weight: twenty", ("should be a number", "twenty")),
    ('  phone: "0871-63399978"', "  phone: 63399978", "unit.phone", "phone: 63399978",
     ("should be text", "quotes")),
    ("year: 2025", "year: twenty-twenty-five", "year", "year: twenty", ("whole number",)),
    ("      en: Calculated from the relevant subsidy records\n  - id: one-stop",
     "      en: [Calculated]\n  - id: one-stop", "indicators[2].source.en", "en: [Calculated]",
     ("should be text",)),
], ids=["number", "text", "year", "nested-text"])
def test_wrong_type(site, old, new, field, at, words):
    edit(site, f"{WUHUA}/project.yaml", old, new)
    result = check(site)
    assert result.returncode == 1
    problems = [p for p in result.problems if p.field == field]
    assert len(problems) == 1, result.stderr
    assert_reported(problems[0], site, f"{WUHUA}/project.yaml", field, at, *words, code="schema.type")


# --- districts, levels, vocabulary ------------------------------------------------------

def test_unknown_district(site):
    shutil.move(site / WUHUA, site / "content/projects/huawu/2025/urban-rural-medical-assistance")
    path = "content/projects/huawu/2025/urban-rural-medical-assistance/project.yaml"
    edit(site, path, "district: wuhua\n", "district: huawu\n")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, path, "district", "district: huawu",
                    "unknown district", "'huawu'", "wuhua", "chenggong", code="district.unknown")


def test_level2_must_belong_under_its_level1(site):
    edit(site, f"{WUHUA}/project.yaml", "level2: quantity", "level2: social")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "indicators[1].level2",
                    "level2: social\n    name:\n      zh: 救助对象人次", "'social'", "not a level-2", "output", "产出指标",
                    "quantity, quality, timeliness, cost", code="indicator.level2")


@pytest.mark.parametrize("level1, level2", [
    ("output", "cost"),  # 财预〔2015〕88号: 成本 is a level 2 under 产出
    ("cost", "economic-cost"),  # 财预〔2021〕101号: 成本 is a level 1
    ("cost", "social-cost"),
    ("cost", "eco-cost"),
    ("benefit", "sustainable"),
], ids=["2015-output-cost", "2021-economic-cost", "2021-social-cost", "2021-eco-cost",
        "2015-sustainable"])
def test_both_indicator_schemes_are_accepted(site, level1, level2):
    edit(site, f"{WUHUA}/project.yaml", "level1: output\n    level2: quantity",
         f"level1: {level1}\n    level2: {level2}")
    result = check(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert result.problems == []


def test_level2_of_the_2021_scheme_is_not_under_output(site):
    edit(site, f"{WUHUA}/project.yaml", "level2: quantity", "level2: economic-cost")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "indicators[1].level2",
                    "level2: economic-cost", "'economic-cost'", "not a level-2", "output", code="indicator.level2")


def test_unknown_comparator(site):
    edit(site, f"{WUHUA}/project.yaml", 'operator: ">="', 'operator: "=>"')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "indicators[5].operator",
                    'operator: "=>"', "'=>'", "not one of", ">=", "<=", code="schema.choice")


def test_unknown_indicator_type(site):
    edit(site, f"{CHENGGONG}/project.yaml", "    type: quantitative\n    weight: 10",
         "    type: quantative\n    weight: 10")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{CHENGGONG}/project.yaml", "indicators[1].type",
                    "type: quantative", "'quantative'", "quantitative", "qualitative", code="schema.choice")


# --- codes ---------------------------------------------------------------------------------

def test_bad_usci_check_character(site):
    edit(site, f"{WUHUA}/project.yaml", '"12530102431280534H"', '"12530102431280534J"')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "unit.code", "code:",
                    "check character", "USCI", "12530102431280534J", "'H'", code="unit.code-check")


def test_usci_with_a_character_it_cannot_have(site):
    # GB 32100 leaves out I, O, S, V and Z so that they are not mistaken for digits.
    edit(site, f"{WUHUA}/project.yaml", '"12530102431280534H"', '"1253010243128O534H"')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "unit.code", "code:",
                    "characters", "USCI", code="unit.code-check")


def test_bad_organization_code_check_character(site):
    edit(site, f"{CHENGGONG}/project.yaml", '"MB1584220"', '"MB1584221"')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{CHENGGONG}/project.yaml", "unit.code", "code:",
                    "check character", "organization code", "MB1584221", "'0'", code="unit.code-check")


def test_code_of_the_wrong_length(site):
    edit(site, f"{CHENGGONG}/project.yaml", '"MB1584220"', '"MB15842"')
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{CHENGGONG}/project.yaml", "unit.code", 'code: "MB15842"',

                    "'MB15842'", "18-character USCI", "9-character organization code", code="schema.pattern")


def test_usci_from_another_district_is_a_warning(site):
    # The Wuhua unit's USCI (area 530102) given for a Chenggong (530114) project.
    edit(site, f"{CHENGGONG}/project.yaml", '"MB1584220"', '"12530102431280534H"')
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert_reported(result.only(), site, f"{CHENGGONG}/project.yaml", "unit.code", "code:",
                    "530102", "呈贡区", "530114", warning=True, code="unit.code-area")
    assert "1 warning(s)" in result.stdout
    strict = check(site, "--strict")
    assert strict.returncode == 1
    assert strict.problems == result.problems


def test_usci_of_a_former_area_code_is_accepted(site):
    # Jinning was 530122 before 2016: a USCI registered then still carries that code.
    code = with_usci_check_character("12530122431280534")
    shutil.move(site / WUHUA, site / "content/projects/jinning/2025/urban-rural-medical-assistance")
    path = "content/projects/jinning/2025/urban-rural-medical-assistance/project.yaml"
    edit(site, path, "district: wuhua\n", "district: jinning\n")
    edit(site, path, '"12530102431280534H"', f'"{code}"')
    assert check(site, "--strict").returncode == 0


def with_usci_check_character(first17: str) -> str:
    """GB 32100-2015, computed here independently of builder/checkcodes.py."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + alphabet[-total % 31]


def test_the_seed_codes_pass_and_one_wrong_character_is_caught():
    assert with_usci_check_character("12530102431280534") == "12530102431280534H"


# --- money and points ----------------------------------------------------------------------

def test_budget_year_components_must_add_up(site):
    edit(site, f"{CHENGGONG}/project.yaml", "  multi_year:\n",
         "  components:\n"
         "    - label: {zh: 保费, en: premium}\n      amount: 5000000\n"
         "    - label: {zh: 其他, en: other}\n      amount: 400000.50\n"
         "  multi_year:\n")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{CHENGGONG}/project.yaml", "funding.components",
                    "components:", "5,400,000.50元", "5,500,000.00元", "-99,999.50元", code="funding.sum")


def test_budget_year_components_that_add_up_pass(site):
    edit(site, f"{CHENGGONG}/project.yaml", "  multi_year:\n",
         "  components:\n"
         "    - label: {zh: 保费, en: premium}\n      amount: {value: 500, unit: 万元}\n"
         "    - label: {zh: 其他, en: other}\n      amount: 500000\n"
         "  multi_year:\n")
    assert check(site, "--strict").returncode == 0


def test_a_budget_year_amount_stated_only_in_parts_is_their_sum(site):
    """A document that states only the parts: no budget_year, the parts as components;
    the site works out the sum and the page marks it as its own figure."""
    edit(site, f"{CHENGGONG}/project.yaml", "  budget_year: 5500000.00\n",
         "  components:\n"
         "    - label: {zh: 第一季度, en: first quarter}\n      amount: {value: 300, unit: 万元}\n"
         "    - label: {zh: 第二季度, en: second quarter}\n      amount: 2500000.00\n")
    assert check(site, "--strict").returncode == 0
    assert run_budgetsite("build", "--root", site, "--no-search").returncode == 0
    page = (site / "public/en/chenggong/2026/civil-servant-medical-subsidy-insurance"
            / "index.html").read_text("utf-8")
    summary = page[page.index('id="summary"'):page.index("</dl>", page.index('id="summary"'))]
    assert 'data-derived="budget-year-sum"' in summary and "CNY 5.50 million" in summary
    assert 'id="derived-budget-year-sum"' in page


def test_a_budget_year_amount_with_neither_total_nor_parts_is_refused(site):
    edit(site, f"{CHENGGONG}/project.yaml", "  budget_year: 5500000.00\n", "")
    result = check(site)
    assert result.returncode == 1
    problem = result.find(f"{CHENGGONG}/project.yaml", "funding.budget_year")
    assert problem.code == "schema.required" and "funding.components" in problem.message


def test_previous_year_components_must_add_up(site):
    edit(site, f"{WUHUA}/project.yaml", "amount: 4613398", "amount: 4613389")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml",
                    "funding.previous_year.components", "components:",
                    "8,241,225元", "8,241,234元", "last year", code="funding.sum")


def test_indicator_points_not_90_or_100_is_a_warning(site):
    edit(site, f"{WUHUA}/project.yaml", "    weight: 10\n    scoring:\n      zh: 本项分值权重为10分",
         "    weight: 15\n    scoring:\n      zh: 本项分值权重为15分")
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert_reported(result.only(), site, f"{WUHUA}/project.yaml", "indicators", "indicators:",
                    "95", "90", "100", warning=True, code="indicator.weights")
    assert check(site, "--strict").returncode == 1


def test_strict_can_name_the_codes_to_fail_on(site):
    edit(site, f"{WUHUA}/project.yaml", "    weight: 10\n    scoring:\n      zh: 本项分值权重为10分",
         "    weight: 15\n    scoring:\n      zh: 本项分值权重为15分")
    assert check(site, "--strict", "link.broken,translation.missing").returncode == 0
    failed = check(site, "--strict", "indicator.weights")
    assert failed.returncode == 1 and [p.code for p in failed.problems] == ["indicator.weights"]
    assert "failing because of --strict" in failed.stderr
    wrong = run_budgetsite("check", "--root", site, "--strict", "funding.sum")
    assert wrong.returncode == 2 and "'funding.sum' is not a warning's code" in wrong.stderr


def test_indicator_points_of_100_pass(site):
    edit(site, f"{WUHUA}/project.yaml", "    weight: 10\n    scoring:\n      zh: 本项分值权重为10分",
         "    weight: 20\n    scoring:\n      zh: 本项分值权重为20分")
    assert check(site, "--strict").returncode == 0


def test_points_that_contradict_their_scoring_rule_are_an_error_at_their_line(site):
    """Two indicators' points changed (20 → 25, 30 → 25: still 90 in all) while their
    rules say 本项分值权重为20分 and 为30分: each an error at its `weight` line."""
    path = f"{WUHUA}/project.yaml"
    edit(site, path, "    weight: 20\n    scoring:\n      zh: 本项分值权重为20分，实际",
         "    weight: 25\n    scoring:\n      zh: 本项分值权重为20分，实际")
    edit(site, path, "    weight: 30\n    scoring:\n      zh: 本项分值权重为30分",
         "    weight: 25\n    scoring:\n      zh: 本项分值权重为30分")
    result = check(site)
    assert result.returncode == 1
    found = [p for p in result.problems if p.code == "indicator.points-rule"]
    assert [p.field for p in found] == ["indicators[1].weight", "indicators[4].weight"]
    lines = (site / path).read_text(encoding="utf-8").splitlines()
    for problem, stated in zip(found, ("20", "30")):
        assert lines[problem.line - 1].strip() == "weight: 25"
        assert f"the scoring rule states {stated}" in problem.message
        assert f"write {stated}" in problem.message
    assert not [p for p in result.problems if p.code == "indicator.weights"]


# --- folders and slugs ---------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["..medical", "urban rural", "Urban-Rural", "urban.rural",
                                  "urban--rural"],
                         ids=["dot-dot", "space", "uppercase", "dot", "double-hyphen"])
def test_unsafe_slug(site, slug):
    shutil.move(site / WUHUA, site / f"content/projects/wuhua/2025/{slug}")
    path = f"content/projects/wuhua/2025/{slug}/project.yaml"
    result = check(site)
    assert result.returncode == 1
    problem = result.only()
    assert (problem.path, problem.line, problem.col, problem.field, problem.code) == (
        path, 1, 1, "slug", "folder.name")
    assert f"'{slug}'" in problem.message and "lowercase" in problem.message


def test_unsafe_district_folder(site):
    shutil.move(site / "content/projects/wuhua", site / "content/projects/Wuhua")
    path = "content/projects/Wuhua/2025/urban-rural-medical-assistance/project.yaml"
    result = check(site)
    assert result.returncode == 1
    assert [(p.path, p.line, p.field, p.code) for p in result.problems
            if p.message.startswith("the folder name 'Wuhua' is not a safe district")] == [
        (path, 1, "district", "folder.name")], result.stderr


def test_a_file_outside_a_project_folder(site):
    (site / "content/projects/wuhua/2025/project.yaml").write_text("year: 2025\n")
    result = check(site)
    assert result.returncode == 1
    problem = result.only()
    assert problem.path == "content/projects/wuhua/2025/project.yaml"
    assert problem.code == "folder.stray"
    assert "not in a project folder" in problem.message


def test_duplicate_project_is_a_warning(site):
    shutil.copytree(site / WUHUA, site / "content/projects/wuhua/2025/copy")
    result = check(site)
    assert result.returncode == 0, result.stderr
    # Folders are read in sorted order: copy/ first, so the original is the second one.
    problem = result.only()
    assert (problem.path, problem.line, problem.col, problem.field, problem.warning,
            problem.code) == (f"{WUHUA}/project.yaml", 1, 1, "name", True, "project.duplicate")
    assert "wuhua/2025/copy" in problem.message and "duplicate" in problem.message
    assert check(site, "--strict").returncode == 1


def test_year_must_match_its_folder(site):
    shutil.move(site / WUHUA, site / "content/projects/wuhua/2026/urban-rural-medical-assistance")
    path = "content/projects/wuhua/2026/urban-rural-medical-assistance/project.yaml"
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, path, "year", "year: 2025", "2025", "2026/", code="folder.year")


# --- the narrative -------------------------------------------------------------------------

def test_section_ids_must_match_between_languages(site):
    edit(site, f"{WUHUA}/en.md", "{#plan}", "{#planning}")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/en.md", "sections", "## Implementation plan",
                    "planning", "plan", "zh.md", "same order", code="narrative.mismatch")


def test_a_section_missing_from_en_md(site):
    text = (site / WUHUA / "en.md").read_text(encoding="utf-8")
    (site / WUHUA / "en.md").write_text(text[: text.index("## Results achieved")],
                                        encoding="utf-8")
    result = check(site)
    assert result.returncode == 1
    assert_reported(result.only(), site, f"{WUHUA}/en.md", "sections", "## Implementation plan",
                    "results", "zh.md", code="narrative.mismatch")


def test_heading_without_an_id(site):
    edit(site, f"{WUHUA}/zh.md", "## 项目实施计划 {#plan}", "## 项目实施计划")
    result = check(site)
    assert result.returncode == 1
    # Only this: zh.md is not then compared with en.md, which would repeat it.
    assert_reported(result.only(), site, f"{WUHUA}/zh.md", "sections", "## 项目实施计划",
                    "needs an id", "{#plan}", code="narrative.heading")


# --- translations --------------------------------------------------------------------------

def test_missing_english_is_a_warning_for_each_field(site):
    path = f"{WUHUA}/project.yaml"
    edit(site, path, "      en: Calculated from the relevant subsidy records\n  - id: one-stop",
         "  - id: one-stop")
    edit(site, path, "  legal_representative: {zh: 李洪武, en: Li Hongwu}",
         "  legal_representative: 李洪武")
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert len(result.problems) == 2, result.stderr
    assert_reported(result.find(path, "indicators[2].source"), site, path,
                    "indicators[2].source", "source:\n      zh: 根据相关补助资料测算\n  - id: one-stop",
                    "no English", warning=True, code="translation.missing")
    assert_reported(result.find(path, "unit.legal_representative"), site, path,
                    "unit.legal_representative", "legal_representative:", "no English",
                    warning=True, code="translation.missing")
    assert "2 warning(s)" in result.stdout
    assert check(site, "--strict").returncode == 1


def test_missing_en_md_is_a_warning(site):
    (site / WUHUA / "en.md").unlink()
    result = check(site)
    assert result.returncode == 0
    problem = result.only()
    assert (problem.path, problem.line, problem.field, problem.warning, problem.code) == (
        f"{WUHUA}/en.md", 1, "file", True, "translation.narrative")
    assert "no English" in problem.message


# --- many problems at once, and never a traceback ----------------------------------------

def test_every_problem_is_reported_at_once(site):
    wuhua, chenggong = f"{WUHUA}/project.yaml", f"{CHENGGONG}/project.yaml"
    edit(site, wuhua, "level2: quantity", "level2: social")
    edit(site, wuhua, 'operator: ">="', 'operator: "=>"')
    edit(site, chenggong, '"MB1584220"', '"MB1584221"')
    edit(site, chenggong, "type: quantitative\n    weight: 10", "type: quantative\n    weight: 10")
    edit(site, f"{CHENGGONG}/en.md", "{#plan}", "{#planning}")
    result = check(site)
    assert result.returncode == 1
    assert {(p.path, p.field, p.code) for p in result.problems} == {
        (wuhua, "indicators[1].level2", "indicator.level2"),
        (wuhua, "indicators[5].operator", "schema.choice"),
        (chenggong, "unit.code", "unit.code-check"),
        (chenggong, "indicators[1].type", "schema.choice"),
        (f"{CHENGGONG}/en.md", "sections", "narrative.mismatch"),
    }, result.stderr
    assert "budgetsite: 5 error(s), 0 warning(s)" in result.stderr


def test_the_many_errors_fixture_reports_them_all(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "many-errors", root)
    result = check(root)
    assert result.returncode == 1
    first = "content/projects/wuhua/2025/first/project.yaml"
    second = "content/projects/wuhua/2025/second/project.yaml"
    got = [(p.path, p.line, p.field, p.warning, p.code) for p in result.problems]
    assert got == [
        ("content/districts.yaml", 8, "districts[2].slug", False, "district.duplicate"),
        (first, 9, "unit.code", False, "unit.code-check"),
        (first, 17, "funding.components", False, "funding.sum"),
        (first, 30, "indicators", True, "indicator.weights"),
        (second, 5, "unit.fax", False, "schema.unknown-field"),
        (second, 14, "indicators[1].level1", False, "schema.choice"),
    ], result.stderr


@pytest.mark.parametrize("name, text, code", [
    ("empty", "", "file.empty"),
    ("a list", "- 1\n- 2\n", "schema.type"),
    ("a string", "just words\n", "schema.type"),
    ("tabs", "district:\twuhua\n\tyear: 2025\n", "yaml.syntax"),
    ("unclosed quote", 'district: "wuhua\n', "yaml.syntax"),
    ("alias", "a: &x [1]\nb: *x\n", "yaml.anchor"),
    ("python tag", "district: !!python/object:os.system ls\n", "yaml.tag"),
    ("deep", "a: " + "[" * 200 + "]" * 200 + "\n", "yaml.depth"),
    ("duplicate key", "district: wuhua\ndistrict: wuhua\n", "yaml.duplicate-key"),
    ("timestamp", "district: wuhua\nyear: 2025-01-01\n", "schema.type"),
])
def test_hostile_project_yaml_never_shows_a_traceback(site, name, text, code):
    (site / WUHUA / "project.yaml").write_text(text, encoding="utf-8", errors="surrogateescape")
    result = check(site)  # also asserts every line is a report line, never a traceback
    assert result.returncode == 1
    assert result.problems and all(p.path.startswith(WUHUA) for p in result.problems)
    assert code in {p.code for p in result.problems}, result.stderr


@pytest.mark.parametrize("name, files, code", [
    ("no site.yaml", {"content/site.yaml": None}, "file.missing"),
    ("districts as a list", {"content/districts.yaml": "- wuhua\n"}, "schema.type"),
    ("site.yaml without base_url", {"content/site.yaml": "title: t\ndescription: d\n"
                                                         "publisher: p\n"}, "schema.required"),
    ("empty zh.md", {f"{WUHUA}/zh.md": ""}, "narrative.no-sections"),
    ("zh.md without headings", {f"{WUHUA}/zh.md": "text before any heading\n"},
     "narrative.orphan-text"),
    ("project.yaml is a folder", {f"{WUHUA}/project.yaml": "folder"}, "file.not-regular"),
])
def test_broken_site_files_never_show_a_traceback(site, name, files, code):
    for path, text in files.items():
        target = site / path
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
        if text == "folder":
            target.mkdir()
        elif text is not None:
            target.write_text(text, encoding="utf-8")
    result = check(site)
    assert result.returncode == 1
    assert code in {p.code for p in result.problems}, result.stderr


def _shapes(value, path=()):
    """Every field path of a loaded file, taking the first entry of each list."""
    yield path
    if isinstance(value, dict):
        for key, entry in value.items():
            yield from _shapes(entry, path + (key,))
    elif isinstance(value, list) and value:
        yield from _shapes(value[0], path + (0,))


WRONG_VALUES = [None, "text", -1, 10**30, True, [], {}, {"zh": None}, ["a"]]


def test_any_wrong_value_anywhere_is_a_problem_never_a_crash(site):
    """In-process, so that every field of project.yaml can get every kind of wrong value
    quickly: validation reports problems, and whatever it accepts renders."""
    import dataclasses

    import yaml

    from builder.render import renderer as render
    from builder.site import structure as site_stage
    from builder.sources import check, discover

    real = discover.load_content(site)
    districts = {d.slug: d for d in real.districts}
    folder = site / WUHUA
    original = yaml.safe_load((folder / "project.yaml").read_text(encoding="utf-8"))
    accepted = []
    for field_path in list(_shapes(original)):
        for wrong in WRONG_VALUES:
            data = _with(original, field_path, wrong)
            (folder / "project.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                 encoding="utf-8")
            problems: list = []
            project = check.read_project(site, folder, districts, problems)
            errors = [p for p in problems if not p.warning]
            assert (project is None) == bool(errors), (field_path, wrong, problems)
            if project is not None and project not in accepted:
                accepted.append(project)
    assert accepted, "no change was accepted: optional fields should accept being empty"
    # Every accepted variant as a project of its own, rendered in one site.
    variants = tuple(dataclasses.replace(project, slug=f"variant-{n}")
                     for n, project in enumerate(accepted))
    built = site_stage.make_site(dataclasses.replace(real, projects=variants))
    files = render.render_all(built, site_stage.pages(built), tuple(render.template_dirs(site)))
    assert all(f"zh/{v.key}/index.html" in files for v in variants)


def _with(data, path, value):
    import copy

    data = copy.deepcopy(data)
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


# --- a programme's years against the multi-year total it states ----------------------------

def continue_chenggong(site: Path, amount: str) -> str:
    """A 2027 project continuing Chenggong 2026 (16,500,000元 over 2026–2028, 5,500,000元
    in 2026) with `amount` in its budget year; its project.yaml's path."""
    source = site / CHENGGONG
    folder = source.parent.parent / "2027" / source.name
    shutil.copytree(source, folder)
    path = f"{CHENGGONG.replace('/2026/', '/2027/')}/project.yaml"
    text = (site / path).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^year: 2026$", "year: 2027", text)
    text = text.replace("  budget_year: 5500000.00\n", f"  budget_year: {amount}\n")
    (site / path).write_text(text + f"continues: {CHENGGONG.split('projects/')[1]}\n",
                             encoding="utf-8")
    return path


def test_a_programme_whose_years_exceed_its_stated_total_is_warned(site):
    path = continue_chenggong(site, "12000000.00")
    result = check(site)
    assert result.returncode == 0, result.stderr
    problem = result.find(path, "continues")
    assert_reported(problem, site, path, "continues", "\ncontinues:", "17,500,000",
                    "16,500,000", "2026–2028", code="programme.total", warning=True)


def test_a_programme_within_its_stated_total_is_silent(site):
    path = continue_chenggong(site, "5500000.00")
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert not [p for p in result.problems if p.code == "programme.total"], result.stderr
    assert path  # the continuing project was read: its own warnings name it
