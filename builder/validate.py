"""Discover and validate the sources, and build the typed model from them.

Every problem is collected with its file, line, column and field path before
anything stops; `ContentError` carries them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from . import narrative, rules, schema
from .errors import ConfigError, ContentError, Problem
from .load import LoadError, Source, TextFile, load_yaml, read_text
from .model import (Content, District, Funding, FundingLine, Indicator, Money, MultiYear,
                    OverallTarget, PreviousYear, Project, Section, SiteConfig, Targets, Text, Unit)
from .site import Urls

SLUG = re.compile(schema.SLUG)


@dataclass
class Checker:
    """Collects problems for one source file."""

    source: Source
    problems: list[Problem]

    def error(self, path: tuple, message: str, warning: bool = False) -> None:
        line, col = self.source.mark(path)
        self.problems.append(Problem(self.source.path, line, col, field_name(path),
                                     message, warning))

    def warn(self, path: tuple, message: str) -> None:
        self.error(path, message, warning=True)


def field_name(path: tuple) -> str:
    """('indicators', 0, 'name') → 'indicators[1].name' (counting from 1, as people do)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".") or "file"


def load_content(root: Path) -> Content:
    """Read and validate everything under ROOT/content. Raises ContentError."""
    content_dir = root / "content"
    if not content_dir.is_dir():
        raise ConfigError(f"{content_dir}: no content/ folder here; use --root to point at "
                          f"a site folder")
    problems: list[Problem] = []
    config = _read_config(root, problems)
    city, districts = _read_districts(root, problems)
    by_slug = {d.slug: d for d in districts}
    names: dict[tuple, str] = {}
    projects = [p for folder in discover(root, problems)
                if (p := read_project(root, folder, by_slug, problems, names)) is not None]
    errors = [p for p in problems if not p.warning]
    if errors or config is None or city is None:
        raise ContentError(problems)
    projects.sort(key=lambda p: (p.district.slug, p.year, p.slug))
    return Content(config, tuple(districts), city, tuple(projects),
                   tuple(sorted(p for p in problems if p.warning)))


def _load(root: Path, path: Path, spec: schema.Record,
          problems: list[Problem]) -> Source | None:
    shown = path.relative_to(root).as_posix()
    if not path.is_file():
        problems.append(Problem(shown, 1, 1, "file", "this file is missing"))
        return None
    try:
        source = load_yaml(path, shown)
    except LoadError as err:
        problems.append(err.problem)
        return None
    checker = Checker(source, problems)
    if source.data is None:
        checker.error((), "the file is empty")
        return None
    return source if spec.check(source.data, (), checker.error) else None


def _read_config(root: Path, problems: list[Problem]) -> SiteConfig | None:
    source = _load(root, root / "content" / "site.yaml", schema.SITE, problems)
    if source is None:
        return None
    data = source.data
    return SiteConfig(title=text(data["title"]), description=text(data["description"]),
                      base_path=data.get("base_path") or "/",
                      base_url=data["base_url"].rstrip("/"), publisher=text(data["publisher"]))


def _read_districts(root: Path, problems: list[Problem]) -> tuple[District | None, list[District]]:
    source = _load(root, root / "content" / "districts.yaml", schema.DISTRICTS, problems)
    if source is None:
        return None, []
    checker = Checker(source, problems)
    districts: list[District] = []
    for i, entry in enumerate(source.data["districts"]):
        if entry["slug"] in {d.slug for d in districts}:
            checker.error(("districts", i, "slug"), f"district {entry['slug']!r} is listed twice")
        if entry["slug"] in Urls.RESERVED:
            checker.error(("districts", i, "slug"), f"{entry['slug']!r} cannot be a district "
                          f"slug: the site's own pages use /{entry['slug']}/; choose another")
        districts.append(_district(entry))
    city = source.data["city"]
    return _district({**city, "slug": "city"}), districts


def read_districts(root: Path) -> tuple[District, ...]:
    """Only content/districts.yaml, for commands that create projects. Raises ContentError."""
    problems: list[Problem] = []
    _, districts = _read_districts(root, problems)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
    return tuple(districts)


def _district(entry: dict) -> District:
    return District(entry["slug"], entry["code"], Text(entry["zh"], entry["en"]),
                    tuple(entry.get("former_codes") or ()))


def discover(root: Path, problems: list[Problem]) -> list[Path]:
    """Project folders: content/projects/<district>/<year>/<slug>/project.yaml."""
    base = root / "content" / "projects"
    if not base.is_dir():
        return []
    folders = []
    for path in sorted(base.rglob("*")):
        depth = len(path.relative_to(base).parts)
        shown = path.relative_to(root).as_posix()
        if path.is_symlink():
            problems.append(Problem(shown, 1, 1, "file", "symbolic links are not allowed in "
                                                         "content/; copy the file instead"))
        elif depth == 3 and path.is_dir():
            folders.append(path)
        elif depth < 3 and path.is_file() or depth > 4 or (depth == 4 and path.is_dir()):
            problems.append(Problem(shown, 1, 1, "file", "not in a project folder: projects "
                                    "live in content/projects/<district>/<year>/<slug>/"))
    return folders


def read_project(root: Path, folder: Path, districts: dict[str, District],
                 problems: list[Problem], names: dict[tuple, str] | None = None
                 ) -> Project | None:
    """Load, check and model one project folder. Problems go to `problems`;
    `names` remembers the projects read so far, to spot duplicates."""
    before = len([p for p in problems if not p.warning])
    source = _load(root, folder / "project.yaml", schema.PROJECT, problems)
    shown = (folder / "project.yaml").relative_to(root).as_posix()
    narratives = {lang: _read_narrative(root, folder / f"{lang}.md", problems, lang == "zh")
                  for lang in ("zh", "en")}
    _check_folder(folder, shown, source, problems)
    if source is None:
        return None
    checker = Checker(source, problems)
    project = build_project(source.data, districts, folder.relative_to(root), narratives,
                            checker)
    if project is None or len([p for p in problems if not p.warning]) > before:
        return None
    rules.check_project(project, checker)
    rules.check_duplicate(project, checker, {} if names is None else names)
    rules.check_narratives(project, root, folder, narratives, problems)
    return project


def _read_narrative(root: Path, path: Path, problems: list[Problem],
                    required: bool) -> tuple[Section, ...] | None:
    shown = path.relative_to(root).as_posix()
    if not path.is_file():
        problems.append(Problem(shown, 1, 1, "file",
                                "this file is missing" if required else
                                "no English narrative yet: the English page shows the Chinese",
                                warning=not required))
        return None
    try:
        source: TextFile = read_text(path, shown)
    except LoadError as err:
        problems.append(err.problem)
        return None
    sections, found = narrative.parse(source)
    if not required and sections and not any(s.html for s in sections) \
            and all(p.warning for p in found):
        # An untouched skeleton (from `budgetsite new`): the page shows the Chinese.
        problems.append(Problem(shown, 1, 1, "file", "no English narrative yet: the "
                                "English page shows the Chinese", warning=True))
        return None
    problems.extend(found)
    return sections


def _check_folder(folder: Path, shown: str, source: Source | None,
                  problems: list[Problem]) -> None:
    district, year, slug = folder.parts[-3:]
    for name, part in (("district", district), ("slug", slug)):
        if not SLUG.fullmatch(part):
            problems.append(Problem(shown, 1, 1, name, f"the folder name {part!r} is not a safe "
                                    f"{name}: use lowercase letters, digits and single hyphens "
                                    f"(no spaces, dots or slashes)"))
    if source is None:
        return
    checker = Checker(source, problems)
    if str(source.data.get("year")) != year:
        checker.error(("year",), f"the year {source.data.get('year')} does not match the "
                                 f"folder {year}/; move the folder or fix the year")
    if source.data.get("district") != district:
        checker.error(("district",), f"the district {source.data.get('district')!r} does not "
                                     f"match the folder {district}/")


def build_project(data: dict, districts: dict[str, District], folder: Path,
                  narratives: dict[str, tuple[Section, ...] | None],
                  checker: Checker) -> Project | None:
    district = districts.get(data["district"])
    if district is None:
        checker.error(("district",), f"unknown district {data['district']!r}; known districts: "
                                     f"{', '.join(sorted(districts)) or 'none'}")
        return None
    unit = data["unit"]
    return Project(
        district=district, year=data["year"], slug=folder.name,
        department=text(data["department"]), heading=text(data["heading"]),
        name=text(data["name"]), basis=text(data["basis"]),
        unit=Unit(text(unit["name"]), unit["code"], text(unit["address"]), unit["phone"],
                  text(unit["legal_representative"]), text(unit["source_of_funds"]),
                  text(unit["overview"]), tuple(text(d) for d in unit.get("duties") or ())),
        funding=_funding(data["funding"]),
        targets=Targets(OverallTarget(data["targets"]["overall"]["start"],
                                      data["targets"]["overall"]["end"],
                                      text(data["targets"]["overall"]["text"])),
                        text(data["targets"]["budget_year"])),
        indicators=tuple(_indicator(i) for i in data["indicators"]),
        narrative={lang: sections for lang, sections in narratives.items() if sections},
        source_dir=folder.as_posix(),
        missing_english=tuple(field_name(p) for p in untranslated(schema.PROJECT, data, ())),
        text_fields=sum(1 for _ in texts(schema.PROJECT, data, ())),
    )


def _funding(data: dict) -> Funding:
    multi = data.get("multi_year")
    previous = data.get("previous_year")
    return Funding(
        budget_year=money(data["budget_year"]),
        multi_year=MultiYear(multi["start"], multi["end"], money(multi["total"])) if multi else None,
        components=_lines(data.get("components")),
        previous_year=PreviousYear(previous["year"], money(previous["amount"]),
                                   _lines(previous.get("components"))) if previous else None,
        note=text(data["note"]) if data.get("note") else None,
    )


def _lines(entries: list | None) -> tuple[FundingLine, ...]:
    return tuple(FundingLine(text(e["label"]), money(e["amount"])) for e in entries or ())


def _indicator(data: dict) -> Indicator:
    value = data["value"]
    return Indicator(
        id=data["id"], level1=data["level1"], level2=data["level2"], name=text(data["name"]),
        operator=data["operator"],
        value=Decimal(value) if not isinstance(value, (str, dict)) else text(value),
        unit=data.get("unit") or None, type=data["type"], weight=Decimal(data["weight"]),
        scoring=text(data["scoring"]),
        content=text(data["content"]) if data.get("content") else None,
        source=text(data["source"]),
    )


def text(value: str | dict) -> Text:
    if isinstance(value, str):
        return Text(value.strip())
    return Text(value["zh"].strip(), (value.get("en") or "").strip() or None)


def money(value: Any) -> Money:
    if isinstance(value, dict):
        return Money(Decimal(value["value"]), value["unit"])
    return Money(Decimal(value))


def texts(spec: schema.Kind, value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Every free-text value in `value`, with its field path, following `spec`."""
    if isinstance(spec, schema.BiText) or (isinstance(spec, schema.Value)
                                           and isinstance(value, (str, dict))):
        yield path, value
    elif isinstance(spec, schema.Record) and isinstance(value, dict):
        for name, field in spec.fields.items():
            if value.get(name) not in (None, "", [], {}):
                yield from texts(field.kind, value[name], path + (name,))
    elif isinstance(spec, schema.ListOf) and isinstance(value, list):
        for i, entry in enumerate(value):
            yield from texts(spec.item, entry, path + (i,))


def untranslated(spec: schema.Kind, value: Any, path: tuple) -> Iterator[tuple]:
    for field_path, entry in texts(spec, value, path):
        if isinstance(entry, str) or not (entry.get("en") or "").strip():
            yield field_path
