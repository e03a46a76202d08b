"""A field of project.yaml is declared once, in schema.py: its shape, what a reader calls it
in both languages, where the project page shows it and its open-data column. These tests
build a small site in which every declared field is filled in and read it as a reader
does: each field's anchor is on the page, the scorecard names each missing text as
declared, the open data describes its columns as declared, and the importer reads the
unit card by the declared labels. Translation coverage is one count: the report of
`check --translations` and the scorecard agree."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build, copy_site, run_budgetsite
from pagetext import CJK, Element, read

from builder.core.glossary import CODE_LABELS
from builder.core.model import Text
from builder.history import changelog
from builder.outputs import data
from builder.site import scorecard
from builder.sources import discover, schema
from builder.tools.layouts import kunming as importer

WUHUA = "wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance"
EARLIER = "chenggong/2025/civil-servant-medical-subsidy-insurance"
# Shown in the page's head, which has no id of its own: a link to the page is a link to them.
PAGE_HEAD = {"district", "year", "department", "heading"}


def present(value, record: schema.Record = schema.PROJECT, prefix: str = ""):
    """The declared paths ('indicators[].scoring') of the fields `value` fills in."""
    for name, declared in record.fields.items():
        found = value.get(name) if isinstance(value, dict) else None
        if found in (None, "", [], {}):
            continue
        path, kind = prefix + name, declared.kind
        yield path
        if isinstance(kind, schema.ListOf):
            yield path + "[]"
            if isinstance(kind.item, schema.Record):
                for entry in found:
                    yield from present(entry, kind.item, path + "[].")
        elif isinstance(kind, schema.Record):
            yield from present(found, kind, path + ".")


def edit(root: Path, key: str, change) -> None:
    path = root / "content" / "projects" / key / "project.yaml"
    value = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), "utf-8")


def fill_every_field(value: dict) -> None:
    """What the real projects leave out: a correction, funding components, the source's
    address and dates, as-written wording, the project continued."""
    value["corrections"] = [{"date": "2026-03-01", "text": {"zh": "更正了联系电话。",
                                                            "en": "The telephone corrected."}}]
    value["funding"]["components"] = [{"label": {"zh": "公务员医疗补助", "en": "Medical subsidy "
                                                 "for civil servants"},
                                       "amount": value["funding"]["budget_year"]}]
    value["source"].update({"published": "2026-01-20", "url": "https://example.org/doc",
                            "retrieved": "2026-02-01"})
    value["indicators"][0]["as_written"] = {"level1": "产出", "operator": "大于等于"}
    value["continues"] = EARLIER
    value["period"] = {"zh": "2026年1月1日-2026年12月31日", "en": "1 January to 31 December 2026"}
    value["source"]["pages"] = [1]
    value["targets"]["table_note"] = {"zh": "详见单位的项目绩效目标表",
                                      "en": "See the unit's performance target table"}


def the_year_before(value: dict) -> None:
    value.update(year=2025)
    value["funding"].pop("multi_year")
    value["targets"]["overall"].update(start=2025, end=2027)


def leave_out_english(value: dict) -> None:
    value["name"] = value["name"]["zh"]
    value["indicators"][1]["scoring"].pop("en")
    value["unit"]["address"].pop("en")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("fields"))
    projects = root / "content" / "projects"
    shutil.copytree(projects / CHENGGONG, projects / EARLIER)
    edit(root, EARLIER, the_year_before)
    edit(root, CHENGGONG, fill_every_field)
    edit(root, WUHUA, leave_out_english)
    en = projects / WUHUA / "en.md"
    first, second, rest = en.read_text(encoding="utf-8").split("\n## ", 2)
    heading = second.split("\n", 1)[0]  # the section left empty: not yet translated
    en.write_text(f"{first}\n## {heading}\n\n## {rest}", encoding="utf-8")
    return build(root, None, "--no-search")


def sources(site: Path) -> dict[str, dict]:
    content = site.parent / "content" / "projects"
    return {key: yaml.safe_load((content / key / "project.yaml").read_text("utf-8"))
            for key in (WUHUA, CHENGGONG, EARLIER)}


def test_every_field_has_a_label_in_both_languages():
    labels = schema.field_labels()
    assert "indicators[].scoring" in labels and "unit.duties[]" in labels
    for path, (label, _) in labels.items():
        assert CJK.search(label.zh) and not CJK.search(label.en), path
        assert label.zh.count("{0}") == label.en.count("{0}") == path.count("[]"), path


def test_every_field_is_filled_in_the_test_site(site):
    filled = set().union(*(present(value) for value in sources(site).values()))
    assert filled == set(schema.field_labels())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_has_its_anchor_on_the_project_page(site, lang):
    labels = schema.field_labels()
    for key, value in sources(site).items():
        page = read(site / lang / key / "index.html")
        for path in present(value):
            anchor = labels[path][1]
            if anchor == schema.INDICATOR_ROW:
                for indicator in value["indicators"]:
                    assert page.by_id(f"indicator-{indicator['id']}"), (key, path)
            elif anchor is None:
                assert path in PAGE_HEAD, path
            else:
                assert page.by_id(anchor) is not None, (key, path, anchor)


def test_fields_without_an_anchor_are_in_the_page_head(site):
    """The name in the heading, the district and year in the summary, the department and
    the document's heading in the source line: all on the first screen."""
    value = sources(site)[CHENGGONG]
    tree = read(site / "zh" / CHENGGONG / "index.html")
    head = " ".join(e.text() for e in (tree.find("header", class_="project-head"),
                                       tree.by_id("summary"),
                                       tree.find("p", class_="source-line")))
    for path in PAGE_HEAD:
        assert schema.field_labels()[path][1] is None
    for shown in (value["department"]["zh"], value["heading"]["zh"], "呈贡区", "2026"):
        assert shown in head, shown


def coverage_report(site: Path) -> dict[str, tuple[int, int, list[str]]]:
    """`check --translations` read back: per project, (translated, texts, missing)."""
    result = run_budgetsite("check", "--translations", "--root", site.parent)
    assert result.returncode == 0, result.stderr
    found, key = {}, None
    for line in result.stdout.splitlines():
        head = re.match(r"(\S+): \d+% translated \((\d+) of (\d+) texts\)", line)
        if head:
            key = head[1]
            found[key] = (int(head[2]), int(head[3]), [])
        elif line.startswith("    content/projects/"):
            found[key][2].append(line.strip().removeprefix(f"content/projects/{key}/"))
    return found


def missing_items(site: Path, lang: str, key: str) -> list[Element]:
    row_id = "english-" + key.replace("/", "-")
    row = read(site / lang / "scorecard" / "index.html").by_id("english").find("tr", id=row_id)
    details = row.find_all("details")
    return details[0].find_all("li") if details else []


def test_report_and_scorecard_count_the_same_translation(site):
    report = coverage_report(site)
    text = (site / "data" / "scorecard.csv").read_text(encoding="utf-8-sig")
    table = {r["project_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert report[WUHUA][0] < report[WUHUA][1]  # the fixture does lack English
    for key, (done, texts, missing) in report.items():
        assert (int(table[key]["english_met"]), int(table[key]["english_of"])) == (done, texts)
        assert len(missing_items(site, "en", key)) == len(missing) == texts - done, key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_names_missing_texts_as_declared(site, lang):
    missing = coverage_report(site)[WUHUA][2]
    items = {li.text() for li in missing_items(site, lang, WUHUA)}
    for item in missing:
        if item.startswith("project.yaml: "):
            path = item.removeprefix("project.yaml: ")
            numbers = re.findall(r"\[(\d+)\]", path)
            label = schema.field_labels()[re.sub(r"\[\d+\]", "[]", path)][0]
            assert label.get(lang).format(*numbers) in items, (path, items)
    for path in ("name", "unit.address", "indicators[2].scoring"):
        assert f"project.yaml: {path}" in missing


def test_scorecard_field_labels_are_the_declarations():
    assert scorecard.FIELD_LABELS == schema.field_labels()
    label, anchor = scorecard.field_label("indicators[4].content")
    declared = schema.field_at("indicators[].content").label
    assert label.zh == f"第4项指标的{declared.zh}" and label.en == f"indicator 4: {declared.en}"
    assert anchor == schema.INDICATOR_ROW


def test_open_data_columns_are_described_as_declared(site):
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    described = {(r["name"], f["name"]): f["description"]
                 for r in package["resources"] for f in r["schema"]["fields"]}
    tables = {"projects": data.PROJECTS, "indicators": data.INDICATORS}
    declared = [(path, f) for path, f in declared_fields() if f.column]
    assert len(declared) >= 15
    for path, field in declared:
        table = "indicators" if path.startswith("indicators[]") else "projects"
        label = field.label
        header = (site / "data" / f"{table}.csv").read_text(encoding="utf-8-sig").split("\r\n")[0]
        if isinstance(field.kind, schema.BiText):
            assert described[table, f"{field.column}_zh"] == \
                f"{label.zh}（中文） / {label.en} in Chinese"
            assert f"{field.column}_en" in header.split(",")
        else:
            assert described[table, field.column] == f"{label.zh} / {label.en}", path
            assert field.column in [c.name for c in tables[table].columns]


def declared_fields(record: schema.Record = schema.PROJECT, prefix: str = ""):
    for name, declared in record.fields.items():
        yield prefix + name, declared
        kind = declared.kind.item if isinstance(declared.kind, schema.ListOf) else declared.kind
        if isinstance(kind, schema.Record):
            suffix = "[]." if isinstance(declared.kind, schema.ListOf) else "."
            yield from declared_fields(kind, prefix + name + suffix)


def test_importer_reads_the_unit_card_by_the_declared_labels():
    unit = schema.field_at("unit").kind
    expected = {f.label.zh: name for name, f in unit.fields.items()
                if name not in ("code", "code_label")}
    expected |= {label.zh: "code" for label in CODE_LABELS.values()}
    assert importer.CARD == expected
    # The declared labels are the document's own words: each labels a line of a real card.
    text = (FIXTURES / "import" / "seed-000-wuhua-2025.txt").read_text(encoding="utf-8")
    for label in set(expected) - {"统一社会信用代码"}:
        assert re.search(rf"^\s*{label}\s*[：:]", text, re.M), label


def test_imported_unit_card_fills_every_card_field(tmp_path):
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "content" / "projects")
    source = FIXTURES / "import" / "seed-000-wuhua-2025.txt"
    result = run_budgetsite("import", source, "--root", root, "--slug", "x")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = next((root / "content" / "projects").glob("*/*/x"))
    unit = yaml.safe_load((folder / "project.yaml").read_text(encoding="utf-8"))["unit"]
    for name in set(importer.CARD.values()):
        assert unit.get(name), name


def test_change_log_names_fields_as_declared():
    project = next(p for p in discover.load_content(REPO).projects if p.source)
    unit = dataclasses.replace(project.unit, address=Text("新地址", "New address"))
    source = dataclasses.replace(project.source, url="https://example.org/moved")
    items = changelog.describe(project, dataclasses.replace(project, unit=unit, source=source))
    for path in ("unit.address", "source.url"):
        heading = schema.field_heading(path)
        assert any(i.zh.startswith(heading.zh) and i.en.startswith(heading.en) for i in items), \
            (path, items)
