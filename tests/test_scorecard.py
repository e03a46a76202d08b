"""The disclosure-quality scorecard flags what a disclosure leaves out."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, build, copy_site
from pagetree import page

from builder import scorecard, validate
from builder.model import FundingLine, Money, Text

GAPS = "chenggong/2024/gaps-fixture"
COMPLETE = "wuhua/2024/complete-fixture"
CRITERIA = ("parts", "quantified", "scoring", "points", "funding", "english")


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("scorecard"), FIXTURES / "open-data" / "content")
    return build(root, None, "--no-search")


def rows(out: Path) -> dict[str, dict[str, str]]:
    text = (out / "data" / "scorecard.csv").read_text(encoding="utf-8-sig")
    return {r["project_id"]: r for r in csv.DictReader(io.StringIO(text))}


def test_a_disclosure_with_gaps_is_flagged(fixture_site):
    row = rows(fixture_site)[GAPS]
    assert row["parts_status"] == "partly"
    assert set(row["parts_missing"].split()) == {
        "duties", "plan", "results", "satisfaction", "actual-count.content",
        "actual-count.source"}
    assert (row["quantified_status"], row["quantified_missing"]) == ("partly", "actual-count")
    assert (row["scoring_status"], row["scoring_missing"]) == ("partly", "timeliness")
    assert row["points_status"] == "not-met"
    assert row["funding_status"] == "n/a"
    assert row["english_status"] == "partly" and "en.md" in row["english_missing"].split()
    assert row["complete"] == "false" and int(row["score"]) < 60


def test_a_complete_disclosure_meets_every_criterion(fixture_site):
    row = rows(fixture_site)[COMPLETE]
    assert [row[f"{c}_status"] for c in CRITERIA] == ["met"] * 6
    assert row["funding_of"] == "2"  # the budget-year and last year's breakdowns
    assert (row["score"], row["complete"]) == ("100", "true")


def test_scores_follow_the_stated_rule(fixture_site):
    """Score = mean of met/of over the criteria that apply, out of 100, rounded."""
    row = rows(fixture_site)[GAPS]
    ratios = [Decimal(row[f"{c}_met"]) / Decimal(row[f"{c}_of"])
              for c in CRITERIA if row[f"{c}_of"] != "0"]
    assert int(row["score"]) == int((sum(ratios) / len(ratios) * 100).to_integral_value())


def test_real_content_flags_quantitative_indicators_without_a_number():
    """Computed here from the YAML: type quantitative, value not a number."""
    content = validate.load_content(REPO)
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
    content = validate.load_content(FIXTURES / "open-data")
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


def test_scorecard_csv_is_linked_and_described(fixture_site):
    tree = page(fixture_site / "en" / "scorecard" / "index.html")
    assert "/data/scorecard.csv" in {a.attrs["href"] for a in tree.find_all("a")}
    nav = {a.attrs["href"] for a in page(fixture_site / "en" / "index.html")
           .find("nav", class_="site-nav").find_all("a")}
    assert "/en/scorecard/" in nav
