"""Find the sources and read them into the content model: the site's settings and
districts, every project folder (over all cores when there are many, each folder
skipped when an earlier build read the same bytes), assembled into `Content`.

Every problem is collected with its file, line, column and field path before
anything stops; `ContentError` carries them all.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from builder.core import cache as cache_stage
from builder.core.cache import Cache
from builder.core.errors import Checker, ConfigError, ContentError, Problem, field_name
from builder.core.model import Content, District, Project, SiteConfig, Text
from builder.core.parallel import forked_map
from builder.sources import check, mapping, provenance, rules, schema
from builder.sources.load import SYMLINK, LoadError, source_bytes


def load_content(root: Path, cache: Cache | None = None) -> Content:
    """Read and validate everything under ROOT/content. Raises ContentError.

    With a cache, a project folder whose files (and districts.yaml) are unchanged
    since an earlier build is not read again: its model and problems
    come from the cache. The others are read over all cores."""
    cache = cache or Cache.disabled()
    site = read_site_sources(root)
    entries = read_folders(root, site, site.folders, cache.table("projects"))
    cache.keep("projects", {key: (project, found) for key, project, found in entries})
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
    rules.check_programme_totals(projects, problems)
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
        return check.read_project(root, folder, districts, found), found
    return forked_map(read, folders, at_least=PARALLEL_MIN_PROJECTS, batch=32)


def _read_config(root: Path, problems: list[Problem]) -> SiteConfig | None:
    source = check.load(root, root / "content" / "site.yaml", schema.SITE, problems)
    if source is None:
        return None
    check.placeholders(source, problems)
    data = source.data
    text = mapping.text
    return SiteConfig(title=text(data["title"]), description=text(data["description"]),
                      base_path=data.get("base_path") or "/",
                      base_url=data["base_url"].rstrip("/"), publisher=text(data["publisher"]),
                      contact=data.get("contact") or None)


def _read_districts(root: Path, problems: list[Problem]) -> tuple[District | None, list[District]]:
    source = check.load(root, root / "content" / "districts.yaml", schema.DISTRICTS,
                        problems)
    if source is None:
        return None, []
    check.placeholders(source, problems)
    checker = Checker(source, problems)
    districts: list[District] = []
    for i, entry in enumerate(source.data["districts"]):
        if entry["slug"] in {d.slug for d in districts}:
            checker.error(("districts", i, "slug"),
                          f"district {entry['slug']!r} is listed twice",
                          "district.duplicate")
        # (A slug that the site's own pages use is refused by the site stage, which knows
        # the URLs: site.urls.district_clashes.)
        path = ("districts", i, "slug")
        districts.append(_district(entry, (*source.mark(path), field_name(path))))
    city = source.data["city"]
    return _district({**city, "slug": "city"}), districts


def read_districts(root: Path) -> tuple[District, ...]:
    """Only content/districts.yaml, for commands that create projects. Raises ContentError."""
    problems: list[Problem] = []
    _, districts = _read_districts(root, problems)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
    return tuple(districts)


def _district(entry: dict, slug_at: tuple[int, int, str] = (1, 1, "slug")) -> District:
    return District(entry["slug"], entry["code"], Text(entry["zh"], entry["en"]),
                    tuple(entry.get("former_codes") or ()), slug_at)


def discover(root: Path, problems: list[Problem]) -> list[Path]:
    """Project folders: content/projects/<district>/<year>/<slug>/project.yaml.

    Only real folders are entered (never a symbolic link, which could lead out of the
    site), and none below a project folder: whatever is nested there is one problem,
    however deep it goes."""
    base = root / "content" / "projects"
    if base.is_symlink():
        problems.append(Problem("content/projects", 1, 1, "file", SYMLINK,
                                code="file.symlink"))
        return []
    if not base.is_dir():
        return []
    folders = []
    for path, is_dir, is_link in _entries(base):
        depth = len(path.relative_to(base).parts)
        shown = path.relative_to(root).as_posix()
        if is_link and not (depth == 4 and path.name in PROJECT_FILES):  # those: when read
            problems.append(Problem(shown, 1, 1, "file", SYMLINK, code="file.symlink"))
        elif depth == 3 and is_dir:
            folders.append(path)
        elif (depth <= 3) != is_dir:  # a file above the project folders, a folder in one
            problems.append(Problem(shown, 1, 1, "file", "not in a project folder: projects "
                                    "live in content/projects/<district>/<year>/<slug>/",
                                    code="folder.stray"))
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
