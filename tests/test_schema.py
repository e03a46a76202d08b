"""The JSON Schema of project.yaml that editors use: current, and true to the content."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml
from conftest import FIXTURES, REPO, copy_site, run_budgetsite
from jsonschema import Draft202012Validator

from builder.sources import schema
from builder.tools import scaffold

SCHEMA_FILE = REPO / scaffold.SCHEMA_FILE
PROJECT_FILES = sorted((REPO / "content" / "projects").glob("*/*/*/project.yaml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    document = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def problems(validator, data) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(data))


def test_committed_schema_is_current():
    result = run_budgetsite("schema", "--out", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8"), \
        "schema/project.schema.json is out of date: run `budgetsite schema`"


def test_schema_command_writes_the_file(tmp_path):
    root = copy_site(tmp_path / "site")
    result = run_budgetsite("schema", "--root", root)
    assert result.returncode == 0, result.stderr
    assert (root / scaffold.SCHEMA_FILE).read_text(encoding="utf-8") == schema.json_text()


def test_real_content_validates(validator):
    assert PROJECT_FILES
    for path in PROJECT_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert problems(validator, data) == [], path


def test_project_files_name_the_schema_on_their_first_line():
    for path in PROJECT_FILES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match[1]).resolve() == SCHEMA_FILE.resolve()


def test_imported_projects_validate(tmp_path, validator):
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "content" / "projects")
    for source in sorted((FIXTURES / "import").glob("seed-*.txt")):
        result = run_budgetsite("import", source, "--root", root, "--slug", source.stem)
        assert result.returncode == 0, result.stderr
    files = sorted((root / "content" / "projects").glob("*/*/*/project.yaml"))
    assert len(files) == 2
    for path in files:
        assert path.read_text(encoding="utf-8").startswith(scaffold.SCHEMA_LINE + "\n")
        assert problems(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def wuhua() -> dict:
    return yaml.safe_load(PROJECT_FILES[-1].read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["indicators"][0].update(operator="≥"), "indicators/0/operator"),
    (lambda d: d["indicators"][0].update(level2="economic-cost"), "indicators/0/level2"),
    (lambda d: d["unit"].update(code="12530102431280534"), "unit/code"),
    (lambda d: d.update(colour="red"), "colour"),
    (lambda d: d["funding"].update(budget_year="7,968,243.98"), "funding/budget_year"),
    (lambda d: d["unit"].pop("name"), "name"),
    (lambda d: d["unit"].update(phone=871), "unit/phone"),
])
def test_schema_catches_mistakes(validator, change, expected):
    data = wuhua()
    change(data)
    found = problems(validator, data)
    assert found and any(expected in p for p in found), found


def test_every_field_is_described_in_chinese_and_english():
    def walk(node, path=""):
        for name, prop in node.get("properties", {}).items():
            yield f"{path}{name}", prop
            yield from walk(prop, f"{path}{name}.")
            yield from walk(prop.get("items", {}), f"{path}{name}[].")

    for name, prop in walk(schema.json_schema()):
        if name.endswith((".zh", ".en", ".value", ".unit")) and "description" not in prop:
            continue  # the parts of a bilingual text or of an amount with its unit
        text = prop.get("description", "")
        assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[a-z]{3}", text), name
