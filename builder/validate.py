"""Discover and validate the sources, and build the typed model from them.

Every problem is collected with its file, line, column and field path before
anything stops; `ContentError` carries them all.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import cache as cache_stage, narrative, provenance, rules, schema
from .cache import Cache
from .errors import ConfigError, ContentError, Problem
from .load import (SYMLINK, LoadError, Source, TextFile, load_yaml, read_text,
                   source_bytes)
from .model import (AsWritten, Content, Correction, District, DocumentSource, Funding,
                    FundingLine, Indicator, Money, MultiYear, OriginalFile, OverallTarget,
                    PreviousYear, Project, Section, SiteConfig, Targets, Text, Unit)
from .parallel import forked_map
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


def load_content(root: Path, cache: Cache | None = None) -> Content:
    """Read and validate everything under ROOT/content. Raises ContentError.

    With a cache, a project folder whose files (and districts.yaml) are unchanged
    since an earlier build is not read again: its model and problems
    come from the cache. The others are read over all cores."""
    cache = cache or Cache.disabled()
    site = read_site_sources(root)
    entries = read_folders(root, site, site.folders, cache.projects)
    cache.projects = {key: (project, found) for key, project, found in entries}
    return assemble(site, entries)


@dataclass
class SiteSources:
    """What a site holds besides its projects' own files: the settings, the districts,
    the project folders found and the problems met on the way."""

    config: SiteConfig | None
    city: District | None
    districts: list[District]
    folders: list[Path]
    problems: list[Problem]
    shared: str  # the digest of districts.yaml, part of every project's key

    @property
    def by_slug(self) -> dict[str, District]:
        return {d.slug: d for d in self.districts}


Entry = tuple[str, Project | None, list[Problem]]  # (key, model or None, problems)


def read_site_sources(root: Path) -> SiteSources:
    content_dir = root / "content"
    if content_dir.is_symlink():
        raise ConfigError(f"{content_dir}: {SYMLINK}")
    if not content_dir.is_dir():
        raise ConfigError(f"{content_dir}: no content/ folder here; use --root to point at "
                          f"a site folder")
    problems: list[Problem] = []
    config = _read_config(root, problems)
    city, districts = _read_districts(root, problems)
    folders = discover(root, problems)
    # (The builder's own code is not in the key: the cache belongs to one version of it.)
    shared = cache_stage.digest(_bytes(root / "content" / "districts.yaml"))
    return SiteSources(config, city, districts, folders, problems, shared)


def folder_key(root: Path, site: SiteSources, folder: Path) -> str:
    """The digest of everything a project folder's model is made from: its files' bytes
    (the original document's too), its place and districts.yaml."""
    return cache_stage.digest(site.shared, folder.relative_to(root).as_posix(),
                              *(_bytes(folder / name) for name in PROJECT_FILES),
                              *_other_files(folder))


def read_folders(root: Path, site: SiteSources, folders: list[Path],
                 known: dict[str, tuple]) -> list[Entry]:
    """The entry of each folder, in order: from `known` (by key) where its files are
    unchanged, else read (over all cores when there are many) and added to `known`."""
    keys = [folder_key(root, site, folder) for folder in folders]
    todo = [i for i, key in enumerate(keys) if key not in known]
    for i, (project, found) in zip(todo, _read_projects(root, [folders[i] for i in todo],
                                                        site.by_slug)):
        if project is not None:
            project = dataclasses.replace(project, digest=keys[i])
        known[keys[i]] = (project, found)
    return [(key, *known[key]) for key in keys]


def assemble(site: SiteSources, entries: Iterable[Entry]) -> Content:
    """The validated content from the site's sources and its folders' entries (in the
    order of their folders). Raises ContentError."""
    problems = list(site.problems)
    projects = []
    for _, project, found in entries:
        problems.extend(found)
        if project is not None:
            projects.append(project)
    rules.check_duplicates(projects, problems)
    rules.check_continues(projects, problems)
    errors = [p for p in problems if not p.warning]
    if errors or site.config is None or site.city is None:
        raise ContentError(problems)
    projects.sort(key=lambda p: (p.district.slug, p.year, p.slug))
    return Content(site.config, tuple(site.districts), site.city, tuple(projects),
                   tuple(sorted(p for p in problems if p.warning)))


PROJECT_FILES = ("project.yaml", "zh.md", "en.md")
# Below this many folders to read, worker processes cost more than they save.
PARALLEL_MIN_PROJECTS = 100


def _bytes(path: Path) -> bytes:
    """A source file's bytes for a cache key, read by the same rule as the file itself
    (load.source_bytes): a missing, refused or unreadable file is a value too."""
    try:
        return b"file\0" + source_bytes(path, path.name)
    except LoadError as err:
        return f"refused\0{err.problem.message}".encode()
    except OSError as err:
        return f"unreadable\0{type(err).__name__}".encode()


def _other_files(folder: Path) -> list[str]:
    """The other files of a project folder (its original document), by name and a digest
    of their bytes: the model holds the original's size and SHA-256."""
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.name in PROJECT_FILES or path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        # One too big to be an original is refused unread; its size stands for it.
        found.append(f"{path.name}\0too big\0{size}" if size > provenance.MAX_ORIGINAL_BYTES
                     else path.name + "\0" + provenance.file_digest(path, "blake2b"))
    return found


def _read_projects(root: Path, folders: list[Path], districts: dict[str, District]
                   ) -> Iterator[tuple[Project | None, list[Problem]]]:
    """(model or None, problems) of each folder, in order; over forked workers when
    there are many, with the same result as one process."""
    def read(folder: Path) -> tuple[Project | None, list[Problem]]:
        found: list[Problem] = []
        return read_project(root, folder, districts, found), found
    return forked_map(read, folders, at_least=PARALLEL_MIN_PROJECTS, batch=32)


@dataclass
class Malformed:
    """The field paths whose values do not have the declared shape."""

    paths: list[tuple] = field(default_factory=list)

    def recording(self, report: schema.Report) -> schema.Report:
        def record(path: tuple, message: str) -> None:
            self.paths.append(path)
            report(path, message)
        return record

    def ok(self, path: tuple) -> bool:
        """True when nothing at, inside or around `path` is malformed."""
        return not any(p[:len(path)] == path or path[:len(p)] == p for p in self.paths)


def _load(root: Path, path: Path, spec: schema.Record,
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
        problems.append(Problem(shown, 1, 1, "file", "this file is missing"))
        return None, malformed
    except LoadError as err:
        problems.append(err.problem)
        return None, malformed
    checker = Checker(source, problems)
    if source.data is None:
        checker.error((), "the file is empty")
        return None, malformed
    spec.check(source.data, (), malformed.recording(checker.error))
    return source, malformed


def _read_config(root: Path, problems: list[Problem]) -> SiteConfig | None:
    source = _load(root, root / "content" / "site.yaml", schema.SITE, problems)
    if source is None:
        return None
    data = source.data
    return SiteConfig(title=text(data["title"]), description=text(data["description"]),
                      base_path=data.get("base_path") or "/",
                      base_url=data["base_url"].rstrip("/"), publisher=text(data["publisher"]),
                      contact=data.get("contact") or None)


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
    """Project folders: content/projects/<district>/<year>/<slug>/project.yaml.

    Only real folders are entered (never a symbolic link, which could lead out of the
    site), and none below a project folder: whatever is nested there is one problem,
    however deep it goes."""
    base = root / "content" / "projects"
    if base.is_symlink():
        problems.append(Problem("content/projects", 1, 1, "file", SYMLINK))
        return []
    if not base.is_dir():
        return []
    folders = []
    for path, is_dir, is_link in _entries(base):
        depth = len(path.relative_to(base).parts)
        shown = path.relative_to(root).as_posix()
        if is_link and not (depth == 4 and path.name in PROJECT_FILES):
            problems.append(Problem(shown, 1, 1, "file", SYMLINK))  # (those, when read)
        elif depth == 3 and is_dir:
            folders.append(path)
        elif (depth <= 3) != is_dir:  # a file above the project folders, a folder in one
            problems.append(Problem(shown, 1, 1, "file", "not in a project folder: projects "
                                    "live in content/projects/<district>/<year>/<slug>/"))
    return folders


def _entries(base: Path) -> Iterator[tuple[Path, bool, bool]]:
    """(path, is a real folder, is a symbolic link) of everything under `base` down to
    project folders' files, sorted; without recursion and without following links."""
    found = []
    stack = [(base, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            is_link = entry.is_symlink()
            is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            found.append((Path(entry.path), is_dir, is_link))
            if is_dir and depth + 1 < 4:
                stack.append((Path(entry.path), depth + 1))
    return iter(sorted(found))


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
    project = build_project(source.data, district, folder.relative_to(root), narratives,
                            original)
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
                                     f"{', '.join(sorted(districts)) or 'none'}")
    return district


def _check_rules(data: Any, district: District | None, malformed: Malformed,
                 checker: Checker) -> None:
    """Every rule whose fields are well-formed, even where other fields are not."""
    ok = malformed.ok
    year = data["year"] if ok(("year",)) else None
    if district is not None and ok(("unit", "code")):
        rules.check_code(data["unit"]["code"], district, checker)
    if year is not None and ok(("funding",)):
        rules.check_funding(_funding(data["funding"]), year, checker)
    if year is not None and ok(("targets", "overall")):
        rules.check_period(_overall(data["targets"]["overall"]), year, checker)
    rows = data.get("indicators") if isinstance(data, dict) else None
    if isinstance(rows, list):
        rules.check_indicators([(i, _indicator(row)) for i, row in enumerate(rows)
                                if ok(("indicators", i))], checker, ok(("indicators",)))
    rules.check_translations([p for p in untranslated(schema.PROJECT, data, (), ok)], checker)


def _read_narrative(root: Path, path: Path, problems: list[Problem],
                    required: bool) -> tuple[Section, ...] | None:
    shown = path.relative_to(root).as_posix()
    try:
        source: TextFile = read_text(path, shown)
    except FileNotFoundError:
        problems.append(Problem(shown, 1, 1, "file",
                                "this file is missing" if required else
                                "no English narrative yet: the English page shows the Chinese",
                                warning=not required))
        return None
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
    # Sections with wrong headings would only make the comparison of zh.md and
    # en.md repeat the same mistake in other words.
    return None if any(not p.warning for p in found) else sections


def _check_folder(folder: Path, shown: str, source: Source | None, malformed: Malformed,
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
    if malformed.ok(("year",)) and str(source.data["year"]) != year:
        checker.error(("year",), f"the year {source.data['year']} does not match the "
                                 f"folder {year}/; move the folder or fix the year")
    if malformed.ok(("district",)) and source.data["district"] != district:
        checker.error(("district",), f"the district {source.data['district']!r} does not "
                                     f"match the folder {district}/")


def build_project(data: dict, district: District, folder: Path,
                  narratives: dict[str, tuple[Section, ...] | None],
                  original: OriginalFile | None = None) -> Project:
    """The typed project from a well-formed project.yaml."""
    unit = data["unit"]
    return Project(
        district=district, year=data["year"], slug=folder.name,
        department=text(data["department"]), heading=text(data["heading"]),
        name=text(data["name"]), basis=text(data["basis"]),
        unit=Unit(text(unit["name"]), unit["code"], text(unit["address"]), unit["phone"],
                  text(unit["legal_representative"]), text(unit["source_of_funds"]),
                  text(unit["overview"]), tuple(text(d) for d in unit.get("duties") or ()),
                  unit.get("code_label") or None),
        funding=_funding(data["funding"]),
        targets=Targets(_overall(data["targets"]["overall"]),
                        text(data["targets"]["budget_year"])),
        indicators=tuple(_indicator(i) for i in data["indicators"]),
        narrative={lang: sections for lang, sections in narratives.items() if sections},
        source_dir=folder.as_posix(),
        missing_english=tuple(field_name(p) for p in untranslated(schema.PROJECT, data, ())),
        text_fields=sum(1 for _ in texts(schema.PROJECT, data, ())),
        continues=data.get("continues") or None,
        source=_source(data.get("source"), original),
        corrections=tuple(sorted((Correction(c["date"], text(c["text"]))
                                  for c in data.get("corrections") or ()),
                                 key=lambda c: c.date, reverse=True)),
    )


def _source(data: dict | None, original: OriginalFile | None) -> DocumentSource | None:
    if not data:
        return None
    return DocumentSource(
        title=optional_text(data.get("title")), issuer=optional_text(data.get("issuer")),
        published=data.get("published") or None, url=data.get("url") or None,
        retrieved=data.get("retrieved") or None, original=original)


def optional_text(value: str | dict | None) -> Text | None:
    return text(value) if value else None


def _funding(data: dict) -> Funding:
    multi = data.get("multi_year")
    previous = data.get("previous_year")
    return Funding(
        budget_year=money(data["budget_year"]),
        multi_year=MultiYear(multi["start"], multi["end"], money(multi["total"])) if multi else None,
        components=_lines(data.get("components")),
        previous_year=PreviousYear(previous["year"], money(previous["amount"]),
                                   _lines(previous.get("components")),
                                   optional_text(previous.get("label")),
                                   optional_text(previous.get("quote")),
                                   previous.get("section") or None) if previous else None,
        note=text(data["note"]) if data.get("note") else None,
    )


def _overall(data: dict) -> OverallTarget:
    return OverallTarget(data["start"], data["end"], text(data["text"]))


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
        as_written=AsWritten(**{k: v for k, v in (data.get("as_written") or {}).items() if v}),
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
        for name, declared in spec.fields.items():
            if value.get(name) not in (None, "", [], {}):
                yield from texts(declared.kind, value[name], path + (name,))
    elif isinstance(spec, schema.ListOf) and isinstance(value, list):
        for i, entry in enumerate(value):
            yield from texts(spec.item, entry, path + (i,))


def untranslated(spec: schema.Kind, value: Any, path: tuple,
                 ok: Callable[[tuple], bool] = lambda path: True) -> Iterator[tuple]:
    """Free texts without English; `ok` leaves out those that are malformed."""
    for field_path, entry in texts(spec, value, path):
        if ok(field_path) and (isinstance(entry, str) or not (entry.get("en") or "").strip()):
            yield field_path
