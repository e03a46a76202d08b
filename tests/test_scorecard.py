"""The disclosure-quality scorecard flags what a disclosure leaves out."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build, copy_site
from pagetext import CJK
from pagetree import page

from builder.core.model import FundingLine, Money, Text
from builder.site import scorecard
from builder.sources import discover, schema

GAPS = "chenggong/2024/gaps-fixture"
COMPLETE = "wuhua/2024/complete-fixture"
SCORED = ("parts", "details", "quantified", "scoring", "points", "funding", "source")
CRITERIA = (*SCORED, "english")


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("scorecard"), FIXTURES / "open-data" / "content")
    return build(root, None, "--no-search")


def rows(out: Path) -> dict[str, dict[str, str]]:
    text = (out / "data" / "scorecard.csv").read_text(encoding="utf-8-sig")
    return {r["project_id"]: r for r in csv.DictReader(io.StringIO(text))}


def zh_section_ids(key: str) -> list[str]:
    text = (FIXTURES / "open-data" / "content" / "projects" / key / "zh.md").read_text("utf-8")
    return re.findall(r"^## .*\{#([a-z-]+)\}\s*$", text, re.M)


def test_a_disclosure_with_gaps_is_flagged(fixture_site):
    row = rows(fixture_site)[GAPS]
    assert row["parts_status"] == "partly"
    assert set(row["parts_missing"].split()) == {"duties", "plan", "results", "satisfaction"}
    assert row["details_status"] == "partly"
    assert set(row["details_missing"].split()) == {"actual-count.content", "actual-count.source"}
    assert (row["quantified_status"], row["quantified_missing"]) == ("partly", "actual-count")
    assert (row["scoring_status"], row["scoring_missing"]) == ("partly", "timeliness")
    assert row["points_status"] == "not-met"
    assert row["funding_status"] == "n/a"
    # No en.md: each of its narrative sections is missing, one by one.
    missing = row["english_missing"].split()
    assert row["english_status"] == "partly"
    assert [m for m in missing if m.startswith("en.md")] == \
        [f"en.md#{sid}" for sid in zh_section_ids(GAPS)]
    assert row["complete"] == "false" and int(row["score"]) < 60


def test_a_complete_disclosure_meets_every_criterion(fixture_site):
    row = rows(fixture_site)[COMPLETE]
    assert [row[f"{c}_status"] for c in CRITERIA] == ["met"] * len(CRITERIA)
    assert row["funding_of"] == "2"  # the budget-year and last year's breakdowns
    assert (row["score"], row["complete"]) == ("100", "true")


RULE = {"en": re.compile(r"^(\d+) points(?:; each missing item costs (\d+) points, down to 0"
                         r"|, in proportion to the items that meet it)\.$"),
        "zh": re.compile(r"^(\d+)分(?:；每缺一项扣(\d+)分，扣完为止|，按达到的比例计分)。$")}


def stated_rule(out: Path, lang: str) -> dict[str, tuple[Decimal, Decimal | None]]:
    """criterion → (points, points per missing item or None), as the page states them."""
    tree = page(out / lang / "scorecard" / "index.html")
    rules = {}
    for key in SCORED:
        weight = tree.by_id(f"criterion-{key}").find("dd", class_="weight").text
        found = RULE[lang].match(weight)
        assert found, weight
        rules[key] = (Decimal(found[1]), Decimal(found[2]) if found[2] else None)
    return rules


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scores_follow_the_rule_the_page_states(fixture_site, lang):
    """Score = the points earned, each criterion's as its weight says: a missing required
    part costs a fixed share; the others in proportion; nothing where it does not apply."""
    rules = stated_rule(fixture_site, lang)
    assert sum(points for points, _ in rules.values()) == 100
    tree = page(fixture_site / lang / "scorecard" / "index.html")
    for pid, row in rows(fixture_site).items():
        earned = Decimal(0)
        for key, (points, per_missing) in rules.items():
            met, of = Decimal(row[f"{key}_met"]), Decimal(row[f"{key}_of"])
            if not of:
                part = points
            elif per_missing is not None:
                part = max(Decimal(0), points - per_missing * (of - met))
            else:
                part = points * met / of
            assert Decimal(row[f"{key}_earned"]) == part.quantize(Decimal("0.01")), (pid, key)
            earned += part
        score = int(earned.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        assert int(row["score"]) == score, pid
        shown = tree.by_id("score-" + pid.replace("/", "-")).find("td", class_="num score").text
        assert shown == str(score)


def test_a_missing_required_part_costs_a_large_share():
    """Chenggong's document has no 主要职责任务: one whole part missing is not a 99."""
    content = discover.load_content(REPO)
    card = {s.project.key: s for s in scorecard.score_site(content.projects).projects}
    chenggong = next(s for k, s in card.items() if k.startswith("chenggong/"))
    assert [f.ref for f in chenggong.result("parts").flags] == ["duties"]
    parts = next(c for c in scorecard.CRITERIA if c.key == "parts")
    assert chenggong.score <= 100 - parts.per_missing <= 80
    # The same, measured on a disclosure that has every part: duties alone cost that much.
    complete = next(p for p in discover.load_content(FIXTURES / "open-data").projects
                    if p.key == COMPLETE)
    without = dataclasses.replace(complete, unit=dataclasses.replace(complete.unit, duties=()))
    assert scorecard.score_project(complete).score == 100
    assert scorecard.score_project(without).score == 100 - parts.per_missing


def test_an_empty_chinese_section_is_a_missing_part():
    complete = next(p for p in discover.load_content(FIXTURES / "open-data").projects
                    if p.key == COMPLETE)
    zh = tuple(dataclasses.replace(s, html="") if s.id == "results" else s
               for s in complete.narrative["zh"])
    emptied = dataclasses.replace(complete, narrative={**complete.narrative, "zh": zh})
    assert [f.ref for f in scorecard.score_project(emptied).result("parts").flags] == ["results"]


def test_english_coverage_is_reported_but_not_scored():
    """Translating is the site's work: a project with no English at all keeps its score."""
    complete = next(p for p in discover.load_content(FIXTURES / "open-data").projects
                    if p.key == COMPLETE)
    english = scorecard.score_project(complete).result("english")
    untranslated = dataclasses.replace(
        complete, narrative={"zh": complete.narrative["zh"]},
        missing_english=tuple(f"texts[{n}]" for n in range(1, complete.text_fields + 1)))
    scored = scorecard.score_project(untranslated)
    assert scored.score == 100 and scored.complete
    assert (scored.result("english").met, scored.result("english").status) == (0, "not-met")
    # Each narrative section counts as one item, not en.md as a whole.
    assert scored.result("english").of == english.of == \
        complete.text_fields + len(complete.narrative["zh"])


def test_each_empty_english_section_counts(tmp_path):
    root = copy_site(tmp_path, FIXTURES / "open-data" / "content")
    en_md = root / "content" / "projects" / COMPLETE / "en.md"
    text = en_md.read_text(encoding="utf-8")
    heading = re.search(r"^## .*\{#plan\}\s*$", text, re.M)
    after = text.find("\n## ", heading.end())
    en_md.write_text(text[:heading.end()] + "\n" + (text[after:] if after >= 0 else ""),
                     encoding="utf-8")
    row = rows(build(root, None, "--no-search"))[COMPLETE]
    assert row["english_missing"] == "en.md#plan"
    assert int(row["english_met"]) == int(row["english_of"]) - 1
    assert row["score"] == "100" and row["complete"] == "true"


def test_real_content_flags_quantitative_indicators_without_a_number():
    """Computed here from the YAML: type quantitative, value not a number."""
    content = discover.load_content(REPO)
    card = scorecard.score_site(content.projects)
    for score in card.projects:
        data = yaml.safe_load((REPO / "content" / "projects" / score.project.key /
                               "project.yaml").read_text(encoding="utf-8"))
        expected = [i["id"] for i in data["indicators"] if i["type"] == "quantitative"
                    and not isinstance(i["value"], (int, float))]
        assert [f.ref for f in score.result("quantified").flags] == expected
    wuhua = next(s for s in card.projects if s.project.key.startswith("wuhua/"))
    assert [f.ref for f in wuhua.result("quantified").flags] == ["recipients"]


def test_funding_components_that_do_not_add_up_are_flagged():
    content = discover.load_content(FIXTURES / "open-data")
    project = next(p for p in content.projects if p.key == COMPLETE)
    extra = FundingLine(Text("多出的一笔", "an extra line"), Money(Decimal("1")))
    broken = dataclasses.replace(project, funding=dataclasses.replace(
        project.funding, components=project.funding.components + (extra,)))
    result = scorecard.score_project(broken).result("funding")
    assert (result.met, result.of, result.status) == (1, 2, "partly")
    assert [f.ref for f in result.flags] == ["components"]


def test_scorecard_page_explains_every_criterion_in_both_languages(fixture_site):
    for lang, words in (("zh", "定量指标"), ("en", "quantitative")):
        tree = page(fixture_site / lang / "scorecard" / "index.html")
        assert tree.find("html").attrs["lang"] == {"zh": "zh-CN", "en": "en"}[lang]
        for criterion in scorecard.CRITERIA:
            item = tree.by_id(f"criterion-{criterion.key}")
            shown = item.find("dd").text
            assert shown == criterion.explanation.get(lang)
            assert item.find("dd", class_="weight").text == criterion.rule.get(lang)
            han = sum(1 for ch in shown if "\u4e00" <= ch <= "\u9fff")
            assert han > len(shown) / 2 if lang == "zh" else han < 10, shown
        assert words in tree.by_id("criterion-quantified").text


def test_scorecard_page_links_each_flag_to_its_place_on_the_project_page(fixture_site):
    tree = page(fixture_site / "en" / "scorecard" / "index.html")
    row = tree.by_id("score-chenggong-2024-gaps-fixture")
    cell = row.find("td", data_criterion="quantified")
    assert cell.attrs["data-status"] == "partly"
    link = cell.find("details").find("a")
    assert link.text == "People actually assisted"
    path, anchor = link.attrs["href"].split("#")
    target = page(fixture_site / path.lstrip("/") / "index.html").by_id(anchor)
    assert target is not None and "People actually assisted" in target.text
    for a in row.find_all("a"):
        path, _, anchor = a.attrs["href"].partition("#")
        tree_of_target = page(fixture_site / path.lstrip("/") / "index.html")
        assert not anchor or tree_of_target.by_id(anchor) is not None, a.attrs["href"]


def test_scorecard_summarises_by_district_and_unit(fixture_site):
    tree = page(fixture_site / "zh" / "scorecard" / "index.html")
    districts = [tr for tr in tree.by_id("by-district").find("tbody").find_all("tr")]
    assert [tr.find("th").text for tr in districts] == ["呈贡区", "五华区"]
    units = {tr.find("th").text: tr for tr in tree.by_id("by-unit").find("tbody").find_all("tr")}
    assert set(units) == {"测试单位甲", "测试单位乙"}
    score = rows(fixture_site)[GAPS]["score"]
    cells = [td.text for td in units["测试单位乙"].find_all("td")]
    assert cells[:3] == ["1", score, "0"]


@pytest.mark.parametrize("lang, every, each", [
    ("zh", "各项标准全部达到的项目数", "达到各项标准的项目数（在适用的项目中）"),
    ("en", "Projects meeting every criterion", "Projects meeting each criterion, of those it "
                                               "applies to")])
def test_summary_columns_say_what_they_count(fixture_site, lang, every, each):
    tree = page(fixture_site / lang / "scorecard" / "index.html")
    for kind in ("district", "unit"):
        head = tree.by_id(f"by-{kind}").find("thead")
        first, second = head.find_all("tr")
        titles = [th.text for th in first.find_all("th")]
        assert titles[3] == every and titles[4] == each
        group = first.find_all("th")[4]
        assert group.attrs["scope"] == "colgroup"
        scored = [c for c in scorecard.CRITERIA if c.scored]
        assert int(group.attrs["colspan"]) == len(scored)
        assert [th.text for th in second.find_all("th")] == [c.title.get(lang) for c in scored]
        # English coverage is not a column of the quality summary.
        english = next(c for c in scorecard.CRITERIA if c.key == "english")
        assert english.title.get(lang) not in head.text
    assert "内容完整的项目" not in tree.text and "Complete disclosures" not in tree.text


def test_english_coverage_has_its_own_section(fixture_site):
    tree = page(fixture_site / "en" / "scorecard" / "index.html")
    projects = tree.by_id("projects")
    assert not projects.find_all("td", data_criterion="english")
    assert "English" not in projects.find("thead").text
    section = tree.by_id("english")
    assert "Not part of the score" in section.text
    row = section.find("tr", id="english-chenggong-2024-gaps-fixture")
    data = rows(fixture_site)[GAPS]
    cell = row.find("td", data_criterion="english")
    assert cell.text.startswith(f"{data['english_met']} of {data['english_of']}")


RAW_PATH = re.compile(r"[a-z_]+\[\d+\]|[a-z_]+\.[a-z_]+|en\.md")


@pytest.mark.parametrize("lang, examples", [
    ("zh", ["项目名称", "第2项指标的评（扣）分标准", "说明部分“项目基本概况”"]),
    ("en", ["project name", "indicator 2: scoring (deduction) rule", "narrative section “Project overview”"])])
def test_missing_english_is_named_in_words(fixture_site, tmp_path, lang, examples):
    """'What is missing' names fields as a reader knows them, never by their YAML path."""
    root = copy_site(tmp_path, FIXTURES / "open-data" / "content")
    yaml_path = root / "content" / "projects" / GAPS / "project.yaml"
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    data["name"] = data["name"]["zh"] if isinstance(data["name"], dict) else data["name"]
    yaml_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = build(root, None, "--no-search")
    tree = page(out / lang / "scorecard" / "index.html")
    row = tree.by_id("english").find("tr", id="english-chenggong-2024-gaps-fixture")
    items = [li.text for li in row.find("details").find_all("li")]
    for example in examples:
        assert example in items, items
    assert not [item for item in items if RAW_PATH.search(item)], items
    for a in row.find("details").find_all("a"):
        path, _, anchor = a.attrs["href"].partition("#")
        assert page(out / path.lstrip("/") / "index.html").by_id(anchor) is not None, a.attrs


def free_text_paths(spec, path: str = "") -> list[str]:
    """Every free-text field of project.yaml, lists written with []."""
    if isinstance(spec, (schema.BiText, schema.Value)):
        return [path]
    if isinstance(spec, schema.Record):
        return [p for name, f in spec.fields.items()
                for p in free_text_paths(f.kind, f"{path}.{name}".lstrip("."))]
    if isinstance(spec, schema.ListOf):
        return free_text_paths(spec.item, path + "[]")
    return []


def test_every_free_text_field_has_a_name_in_both_languages():
    paths = free_text_paths(schema.PROJECT)
    assert "indicators[].scoring" in paths and "unit.duties[]" in paths
    for path in paths:
        label, _ = scorecard.field_label(path.replace("[]", "[3]"))
        assert label.zh != label.en and not RAW_PATH.search(label.get("en")), path
        assert CJK.search(label.zh), path


def test_scorecard_csv_is_linked_and_described(fixture_site):
    tree = page(fixture_site / "en" / "scorecard" / "index.html")
    assert "/data/scorecard.csv" in {a.attrs["href"] for a in tree.find_all("a")}
    nav = {a.attrs["href"] for a in page(fixture_site / "en" / "index.html")
           .find("nav", class_="site-nav").find_all("a")}
    assert "/en/scorecard/" in nav
