"""The downloads under /data/: checked against the YAML sources read independently here,
and validated as a Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import frictionless
import pytest
import yaml
from conftest import FIXTURES, REPO, build, copy_site
from gitrepo import commit, init
from pagetree import page

UNIT_SIZE = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
TABLES = ("projects", "indicators", "funding", "scorecard")


def sources(content: Path) -> dict[str, dict]:
    """project id → project.yaml, read with plain PyYAML (not the builder's loader)."""
    found = {}
    for path in sorted((content / "projects").glob("*/*/*/project.yaml")):
        district, year, slug = path.parent.parts[-3:]
        found[f"{district}/{year}/{slug}"] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return found


def yuan(amount) -> Decimal:
    if isinstance(amount, dict):
        return Decimal(str(amount["value"])) * UNIT_SIZE[amount["unit"]]
    return Decimal(str(amount))


def zh(text) -> str:
    return text if isinstance(text, str) else text["zh"]


def en(text) -> str:
    return "" if isinstance(text, str) else (text.get("en") or "")


def read_csv(out: Path, name: str) -> list[dict[str, str]]:
    raw = (out / "data" / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no byte-order mark"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """Two synthetic projects: amounts in 万元 and 亿元, components, gaps."""
    root = copy_site(tmp_path_factory.mktemp("opendata"), FIXTURES / "open-data" / "content")
    return build(root, None, "--no-search")


@pytest.fixture(params=["real", "fixture"])
def site(request, real_site, fixture_site) -> tuple[Path, dict[str, dict]]:
    if request.param == "real":
        return real_site, sources(REPO / "content")
    return fixture_site, sources(FIXTURES / "open-data" / "content")


def test_the_data_package_validates_with_frictionless(site):
    out, _ = site
    report = frictionless.validate(str(out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == list(TABLES)


def test_the_package_declares_keys_types_and_bilingual_descriptions(fixture_site):
    package = frictionless.Package(str(fixture_site / "data" / "datapackage.json"))
    projects = package.get_resource("projects")
    assert projects.schema.primary_key == ["id"]
    assert projects.schema.get_field("budget_year_amount_yuan").type == "number"
    assert projects.schema.get_field("year").type == "integer"
    indicators = package.get_resource("indicators").schema
    assert indicators.primary_key == ["project_id", "indicator_id"]
    assert [(fk["fields"], fk["reference"]) for fk in indicators.foreign_keys] == [
        (["project_id"], {"resource": "projects", "fields": ["id"]})]
    for resource in package.resources:
        for field in resource.schema.fields:
            # Chinese and English, separated by " / ".
            zh_part, en_part = field.description.split(" / ")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh_part), field.name
            assert re.search("[A-Za-z]", en_part), field.name
            assert not re.search("[\u4e00-\u9fff]", en_part), field.name


def test_frictionless_catches_a_broken_foreign_key(fixture_site, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("projects.csv", "indicators.csv", "funding.csv", "scorecard.csv"):
        (data / name).write_bytes((fixture_site / "data" / name).read_bytes())
    broken = (data / "indicators.csv").read_bytes().replace(b"wuhua/2024/complete-fixture",
                                                           b"wuhua/2024/no-such-project")
    (data / "indicators.csv").write_bytes(broken)
    package = json.loads((fixture_site / "data" / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(data / "datapackage.json"))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"foreign-key"}


def test_every_indicator_appears_once_with_the_right_numbers(site):
    out, projects = site
    rows = read_csv(out, "indicators.csv")
    expected = [(pid, i) for pid, data in projects.items() for i in data["indicators"]]
    assert len(rows) == len(expected)
    by_key = {(r["project_id"], r["indicator_id"]): r for r in rows}
    assert len(by_key) == len(rows), "an indicator appears twice"
    for pid, indicator in expected:
        row = by_key[(pid, indicator["id"])]
        value = indicator["value"]
        number = isinstance(value, (int, float))
        assert row["name_zh"] == zh(indicator["name"])
        assert row["name_en"] == en(indicator["name"])
        assert Decimal(row["points"]) == Decimal(str(indicator["weight"]))
        assert (row["level1"], row["level2"]) == (indicator["level1"], indicator["level2"])
        assert (row["operator"], row["type"]) == (indicator["operator"], indicator["type"])
        assert row["unit"] == (indicator.get("unit") or "")
        if number:
            assert Decimal(row["value_number"]) == Decimal(str(value))
            assert Decimal(row["value_zh"]) == Decimal(str(value))
        else:
            assert row["value_number"] == ""
            assert (row["value_zh"], row["value_en"]) == (zh(value), en(value))
        assert (row["district"], row["year"]) == tuple(pid.split("/")[:2])


def test_projects_have_one_row_each_with_amounts_in_yuan(site):
    out, projects = site
    rows = {r["id"]: r for r in read_csv(out, "projects.csv")}
    assert sorted(rows) == sorted(projects)
    for pid, data in projects.items():
        row, funding = rows[pid], data["funding"]
        assert Decimal(row["budget_year_amount_yuan"]) == yuan(funding["budget_year"])
        assert row["name_zh"] == zh(data["name"]) and row["unit_code"] == data["unit"]["code"]
        assert row["year"] == str(data["year"])
        multi = funding.get("multi_year")
        if multi:
            assert Decimal(row["multi_year_total_yuan"]) == yuan(multi["total"])
            assert (row["multi_year_start"], row["multi_year_end"]) == \
                (str(multi["start"]), str(multi["end"]))
        else:
            assert row["multi_year_total_yuan"] == row["multi_year_start"] == ""
        previous = funding.get("previous_year")
        if previous:
            assert Decimal(row["previous_year_spending_yuan"]) == yuan(previous["amount"])
            assert row["previous_year"] == str(previous["year"])
        assert int(row["indicator_count"]) == len(data["indicators"])
        assert urlsplit(row["url_zh"]).path == f"/zh/{pid}/"
        assert urlsplit(row["url_en"]).path == f"/en/{pid}/"


def test_amounts_are_plain_decimals_never_rescaled_silently(fixture_site):
    project = {r["id"]: r for r in read_csv(fixture_site, "projects.csv")}[
        "wuhua/2024/complete-fixture"]
    assert project["budget_year_amount_yuan"] == "5505000.00"  # 550.5万元
    assert project["multi_year_total_yuan"] == "120000000.00"  # 1.2亿元
    assert project["previous_year_spending_yuan"] == "1234567.89"  # to the fen, as written
    header = (fixture_site / "data" / "projects.csv").read_bytes().split(b"\r\n")[0]
    assert b"budget_year_amount_yuan" in header


def test_funding_has_a_row_per_component_and_per_year(site):
    out, projects = site
    rows = read_csv(out, "funding.csv")
    for pid, data in projects.items():
        mine = [r for r in rows if r["project_id"] == pid]
        funding = data["funding"]
        totals = {r["kind"]: r for r in mine if r["kind"].endswith("_total")}
        assert Decimal(totals["budget_year_total"]["amount_yuan"]) == yuan(funding["budget_year"])
        assert totals["budget_year_total"]["fiscal_year"] == str(data["year"])
        parts = [r for r in mine if r["kind"] == "budget_year_component"]
        assert [Decimal(r["amount_yuan"]) for r in parts] == \
            [yuan(c["amount"]) for c in funding.get("components") or []]
        previous = funding.get("previous_year")
        assert ("previous_year_total" in totals) == bool(previous)
        if previous:
            lines = [r for r in mine if r["kind"] == "previous_year_component"]
            assert {r["fiscal_year"] for r in lines} <= {str(previous["year"])}
            assert [r["label_zh"] for r in lines] == \
                [zh(c["label"]) for c in previous.get("components") or []]


def test_funding_keeps_the_unit_as_written(fixture_site):
    rows = read_csv(fixture_site, "funding.csv")
    second = next(r for r in rows if r["kind"] == "budget_year_component" and r["line"] == "2")
    assert (second["amount_as_written"], second["unit_as_written"], second["amount_yuan"]) == \
        ("50.5", "万元", "505000.00")


def test_every_permalink_resolves_to_its_row(site):
    out, _ = site
    for row in read_csv(out, "indicators.csv"):
        for lang in ("zh", "en"):
            url = urlsplit(row[f"url_{lang}"])
            tree = page(out / url.path.lstrip("/") / "index.html")
            target = tree.by_id(url.fragment)
            assert target is not None and target.tag == "tr", row[f"url_{lang}"]
            link = target.find("a", class_="permalink")
            assert link is not None and link.attrs["href"] == "#" + url.fragment
            name = zh(row["name_zh"]) if lang == "zh" else (row["name_en"] or row["name_zh"])
            assert name in target.text


def test_each_project_page_links_its_json_and_the_downloads(site):
    out, projects = site
    for pid, data in projects.items():
        for lang in ("zh", "en"):
            tree = page(out / lang / pid / "index.html")
            links = {a.attrs["href"] for a in tree.find("section", class_="downloads")
                     .find_all("a")}
            assert f"/data/projects/{pid}.json" in links
            assert {"/data/projects.csv", "/data/indicators.csv", "/data/funding.csv",
                    "/data/datapackage.json"} <= links
        record = json.loads((out / "data" / "projects" / f"{pid}.json").read_text("utf-8"))
        assert record["id"] == pid
        assert [i["id"] for i in record["indicators"]] == [i["id"] for i in data["indicators"]]
        assert Decimal(str(record["funding"]["budget_year"]["yuan"])) == \
            yuan(data["funding"]["budget_year"])


def test_home_pages_link_the_downloads(site):
    out, _ = site
    for lang in ("zh", "en"):
        links = {a.attrs["href"] for a in page(out / lang / "index.html")
                 .find("section", class_="downloads").find_all("a")}
        assert {"/data/projects.csv", "/data/projects.json", "/data/indicators.csv",
                "/data/funding.csv", "/data/scorecard.csv", "/data/datapackage.json"} <= links
        for href in links:
            assert (out / href.lstrip("/")).exists(), href


def test_projects_json_matches_the_csv(site):
    out, _ = site
    rows = read_csv(out, "projects.csv")
    records = json.loads((out / "data" / "projects.json").read_text("utf-8"),
                         parse_float=Decimal)
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    for row, record in zip(rows, records):
        assert Decimal(row["budget_year_amount_yuan"]) == record["budget_year_amount_yuan"]
        assert record["year"] == int(row["year"])


def test_rows_are_in_a_fixed_order(site):
    out, _ = site
    ids = [r["id"] for r in read_csv(out, "projects.csv")]
    assert ids == sorted(ids)
    keys = [(r["project_id"], int(r["position"])) for r in read_csv(out, "indicators.csv")]
    assert keys == sorted(keys)


def test_urls_follow_the_base_path(tmp_path):
    root = copy_site(tmp_path, FIXTURES / "open-data" / "content")
    out = build(root, None, "--base-path", "/budget/", "--no-search")
    row = read_csv(out, "indicators.csv")[0]
    assert urlsplit(row["url_zh"]).path.startswith("/budget/zh/")
    links = {a.attrs["href"] for a in page(out / "zh" / "index.html")
             .find("section", class_="downloads").find_all("a")}
    assert "/budget/data/projects.csv" in links
    assert frictionless.validate(str(out / "data" / "datapackage.json")).valid


# --- gaps a reviewer found -------------------------------------------------------------

def test_the_multi_year_total_has_a_row_of_its_own(site):
    """A multi-year total (Chenggong: 16,500,000.00元 over 2026–2028) is a funding row, of a
    kind of its own, for the period it covers rather than one fiscal year."""
    out, projects = site
    rows = read_csv(out, "funding.csv")
    for pid, data in projects.items():
        multi = data["funding"].get("multi_year")
        mine = [r for r in rows if r["project_id"] == pid and r["kind"] == "multi_year_total"]
        if not multi:
            assert mine == []
            continue
        (row,) = mine
        assert Decimal(row["amount_yuan"]) == yuan(multi["total"])
        assert (row["period_start"], row["period_end"]) == (str(multi["start"]), str(multi["end"]))
        assert row["fiscal_year"] == ""  # so a sum by fiscal year does not count it twice
        assert (row["label_zh"], row["label_en"]) == ("多年度资金总额", "Multi-year total")
    single = [r for r in rows if r["kind"] != "multi_year_total"]
    assert all(r["period_start"] == r["period_end"] == r["fiscal_year"] for r in single)
    package = frictionless.Package(str(out / "data" / "datapackage.json"))
    kind = package.get_resource("funding").schema.get_field("kind")
    assert "multi_year_total" in kind.constraints["enum"]


def test_real_chenggong_multi_year_row(real_site):
    rows = [r for r in read_csv(real_site, "funding.csv") if r["kind"] == "multi_year_total"]
    assert [(r["project_id"].split("/")[0], r["amount_yuan"], r["period_start"],
             r["period_end"]) for r in rows] == [("chenggong", "16500000.00", "2026", "2028")]


def test_unit_code_kind_is_given(site):
    out, projects = site
    rows = {r["id"]: r for r in read_csv(out, "projects.csv")}
    records = {r["id"]: r for r in json.loads((out / "data" / "projects.json").read_text("utf-8"))}
    for pid, data in projects.items():
        expected = {18: "usci", 9: "org"}[len(data["unit"]["code"])]
        assert rows[pid]["unit_code_kind"] == records[pid]["unit_code_kind"] == expected
        record = json.loads((out / "data" / "projects" / f"{pid}.json").read_text("utf-8"))
        assert record["unit"]["code_kind"] == expected
    field = frictionless.Package(str(out / "data" / "datapackage.json")) \
        .get_resource("projects").schema.get_field("unit_code_kind")
    assert sorted(field.constraints["enum"]) == ["org", "usci"]


def test_the_package_names_its_sources_and_terms_without_a_clock(site):
    """Licence: the terms the disclosures come with, not an invented licence; sources: the
    disclosing departments; no date from the build clock (this build is not in git)."""
    out, projects = site
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    (licence,) = package["licenses"]
    assert licence["name"] == "other-open"
    assert "Regulations on Open Government Information" in licence["title"]
    assert "政府信息公开条例" in licence["title"]
    assert not re.search(r"CC[- ]BY|Creative Commons|ODbL|PDDL", json.dumps(package))
    titles = [s["title"] for s in package["sources"]]
    departments = sorted({zh(d["department"]) for d in projects.values()})
    assert [t.split(" / ")[0] for t in titles] == departments
    assert "official disclosures" in package["description"]
    assert "created" not in package and "version" not in package
    assert frictionless.validate(str(out / "data" / "datapackage.json")).valid


@pytest.fixture(scope="module")
def committed_site(tmp_path_factory):
    """The real content in a git repository: published in one commit, corrected in another."""
    root = copy_site(tmp_path_factory.mktemp("committed"))
    init(root)
    commit(root, "Publish", "2024-03-01T09:00:00+08:00")
    path = root / "content" / "projects" / "wuhua" / "2025" / \
        "urban-rural-medical-assistance" / "zh.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    newest = commit(root, "Correct", "2024-07-16T00:30:00+08:00")
    return root, newest


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_version_and_created_come_from_the_newest_commit(committed_site, tmp_path):
    root, newest = committed_site
    out = build(root, tmp_path / "one", "--no-search")
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == f"2024.7.16+{newest[:7]}"
    assert package["created"] == "2024-07-16T00:30:00+08:00"
    assert frictionless.validate(str(out / "data" / "datapackage.json")).valid
    again = build(root, tmp_path / "two", "--no-search")
    assert (again / "data" / "datapackage.json").read_bytes() == \
        (out / "data" / "datapackage.json").read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_uncommitted_edits_leave_the_package_unversioned(committed_site, tmp_path):
    root, _ = committed_site
    site = tmp_path / "site"
    shutil.copytree(root, site)
    path = site / "content" / "projects" / "chenggong" / "2026" / \
        "civil-servant-medical-subsidy-insurance" / "zh.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n未提交。\n", encoding="utf-8")
    package = json.loads((build(site, None, "--no-search") / "data" / "datapackage.json")
                         .read_text(encoding="utf-8"))
    assert "version" not in package and "created" not in package
