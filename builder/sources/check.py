"""Check one source file or project folder: its shape (schema), its sense (rules), and
that its folder, year and district agree; then map it to the model (mapping)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core.errors import Checker, Problem
from builder.core.model import District, Project, Section
from builder.sources import mapping, narrative, provenance, rules, schema
from builder.sources.load import LoadError, Source, TextFile, load_yaml, read_text

SLUG = re.compile(schema.SLUG)


@dataclass
class Malformed:
    """The field paths whose values do not have the declared shape."""

    paths: list[tuple] = field(default_factory=list)

    def recording(self, report: schema.Report) -> schema.Report:
        def record(path: tuple, message: str, code: str) -> None:
            self.paths.append(path)
            report(path, message, code)
        return record

    def ok(self, path: tuple) -> bool:
        """True when nothing at, inside or around `path` is malformed."""
        return not any(p[:len(path)] == path or path[:len(p)] == p for p in self.paths)


def load(root: Path, path: Path, spec: schema.Record,
          problems: list[Problem]) -> Source | None:
    """The file's values if it exists, parses and has the declared shape."""
    source, malformed = _load_checked(root, path, spec, problems)
    return None if malformed.paths else source


def _load_checked(root: Path, path: Path, spec: schema.Record,
                  problems: list[Problem]) -> tuple[Source | None, Malformed]:
    """The file's values if it exists and parses, with where its shape is wrong."""
    shown = path.relative_to(root).as_posix()
    malformed = Malformed()
    try:
        source = load_yaml(path, shown)
    except FileNotFoundError:
        problems.append(Problem(shown, 1, 1, "file", "this file is missing",
                                code="file.missing"))
        return None, malformed
    except LoadError as err:
        problems.extend(err.problems)
        return None, malformed
    checker = Checker(source, problems)
    if source.data is None:
        checker.error((), "the file is empty", "file.empty")
        return None, malformed
    spec.check(source.data, (), malformed.recording(checker.error))
    return source, malformed


def read_project(root: Path, folder: Path, districts: dict[str, District],
                 problems: list[Problem]) -> Project | None:
    """Load, check and model one project folder. Problems go to `problems`.

    Each rule runs on the parts it needs wherever they are well-formed, so one
    run reports the mistakes of shape and of sense together."""
    before = len([p for p in problems if not p.warning])
    source, malformed = _load_checked(root, folder / "project.yaml", schema.PROJECT, problems)
    shown = (folder / "project.yaml").relative_to(root).as_posix()
    narratives = {lang: _read_narrative(root, folder / f"{lang}.md", problems, lang == "zh")
                  for lang in ("zh", "en")}
    _check_folder(folder, shown, source, malformed, problems)
    rules.check_narratives(root, folder, narratives, problems)
    if source is None:
        return None
    checker = Checker(source, problems)
    district = _find_district(source.data, districts, malformed, checker)
    _check_rules(source.data, district, malformed, checker)
    original = provenance.check_source(folder, source.data, malformed.ok, checker)
    if malformed.paths or district is None or \
            len([p for p in problems if not p.warning]) > before:
        return None
    project = mapping.build_project(source.data, district, folder.relative_to(root),
                                    narratives, original)
    if project.continues:
        project = dataclasses.replace(project, continues_line=source.mark(("continues",))[0])
    return project


def _find_district(data: Any, districts: dict[str, District], malformed: Malformed,
                   checker: Checker) -> District | None:
    if not malformed.ok(("district",)):
        return None
    district = districts.get(data["district"])
    if district is None:
        checker.error(("district",), f"unknown district {data['district']!r}; known districts: "
                                     f"{', '.join(sorted(districts)) or 'none'}",
                      "district.unknown")
    return district


def _check_rules(data: Any, district: District | None, malformed: Malformed,
                 checker: Checker) -> None:
    """Every rule whose fields are well-formed, even where other fields are not."""
    ok = malformed.ok
    year = data["year"] if ok(("year",)) else None
    if district is not None and ok(("unit", "code")) and (data["unit"] or {}).get("code"):
        rules.check_code(data["unit"]["code"], district, checker)
    funding = data.get("funding") if isinstance(data, dict) else None
    if ok(("funding",)) and isinstance(funding, dict) \
            and schema.left_out(funding.get("budget_year")) and not funding.get("components"):
        if "budget_year" in funding:  # written out, as a new project has it, and left empty
            checker.error(("funding", "budget_year"),
                          f"is still empty: fill in {schema.field_at('funding.budget_year').doc}",
                          "schema.empty")
        else:
            checker.error(("funding", "budget_year"),
                          "missing: write the budget-year amount the document states or, where "
                          "it states only its parts, list them under funding.components (the "
                          "site shows their sum, marked as worked out by it)", "schema.required")
    elif year is not None and ok(("funding",)):
        rules.check_funding(mapping.funding(funding), year, checker)
    if year is not None and ok(("targets", "overall")) and data["targets"].get("overall"):
        rules.check_period(mapping.overall(data["targets"]["overall"]), year, checker)
    rows = data.get("indicators") if isinstance(data, dict) else None
    if not rows and ok(("indicators",)) and ok(("targets",)) and \
            not (data.get("targets") or {}).get("table_note"):
        checker.warn(("indicators",), "no performance indicators and no targets.table_note: "
                                      "the page says the document does not include its "
                                      "performance target table; copy the table in, or write "
                                      "the document's sentence on where it is",
                     "indicators.none")
    if isinstance(rows, list) and rows:
        rules.check_indicators([(i, mapping.indicator(row)) for i, row in enumerate(rows)
                                if ok(("indicators", i))], checker, ok(("indicators",)))
    rules.check_translations(list(mapping.untranslated(schema.PROJECT, data, (), ok)), checker)


def _read_narrative(root: Path, path: Path, problems: list[Problem],
                    required: bool) -> tuple[Section, ...] | None:
    shown = path.relative_to(root).as_posix()
    try:
        source: TextFile = read_text(path, shown)
    except FileNotFoundError:
        problems.append(_no_english(shown) if not required else
                        Problem(shown, 1, 1, "file", "this file is missing",
                                code="file.missing"))
        return None
    except LoadError as err:
        problems.extend(err.problems)
        return None
    sections, found = narrative.parse(source)
    if not required and sections and not any(s.html for s in sections) \
            and all(p.warning for p in found):
        # An untouched skeleton (from `budgetsite new`): the page shows the Chinese.
        problems.append(_no_english(shown))
        return None
    problems.extend(found)
    # Sections with wrong headings would only make the comparison of zh.md and
    # en.md repeat the same mistake in other words.
    return None if any(not p.warning for p in found) else sections


def _no_english(shown: str) -> Problem:
    return Problem(shown, 1, 1, "file", "no English narrative yet: the English page shows "
                   "the Chinese", warning=True, code="translation.narrative")


def _check_folder(folder: Path, shown: str, source: Source | None, malformed: Malformed,
                  problems: list[Problem]) -> None:
    district, year, slug = folder.parts[-3:]
    for name, part in (("district", district), ("slug", slug)):
        if not SLUG.fullmatch(part):
            problems.append(Problem(shown, 1, 1, name, f"the folder name {part!r} is not a safe "
                                    f"{name}: use lowercase letters, digits and single hyphens "
                                    f"(no spaces, dots or slashes)", code="folder.name"))
    if source is None:
        return
    checker = Checker(source, problems)
    if malformed.ok(("year",)) and str(source.data["year"]) != year:
        checker.error(("year",), f"the year {source.data['year']} does not match the "
                                 f"folder {year}/; move the folder or fix the year",
                      "folder.year")
    if malformed.ok(("district",)) and source.data["district"] != district:
        checker.error(("district",), f"the district {source.data['district']!r} does not "
                                     f"match the folder {district}/", "folder.district")


# What `budgetsite init` leaves for the publisher to replace: 【…】 in Chinese, [...] in
# English, the example address, and codes no GB/T 2260 division has (they never
# start with 0).
PLACEHOLDER_TEXT = re.compile(r"【[^】]*】|\[[^\]\n]*\]")
INIT_ADDRESS = "https://example.org"  # the skeleton's base_url


def placeholders(source: Source, problems: list[Problem]) -> None:
    """A warning for every value of site.yaml or districts.yaml still as `init` wrote it,
    so that a new site is not published with 【某市】 as its city's name."""
    checker = Checker(source, problems)
    for path, value in _strings(source.data, ()):
        if path and path[-1] == "code" and value.startswith("0"):
            checker.warn(path, f"{value} is a placeholder, not a GB/T 2260 code; write the "
                               f"division's six-digit code", "site.placeholder")
        elif path == ("base_url",) and value.rstrip("/") == INIT_ADDRESS:
            checker.warn(path, f"{value} is the example address; write the address the site "
                               f"is published at", "site.placeholder")
        elif found := PLACEHOLDER_TEXT.search(value):
            checker.warn(path, f"{found.group()} is a placeholder to replace with your own "
                               f"words", "site.placeholder")


def _strings(value: Any, path: tuple):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))
