"""The live engine behind `budgetsite serve`: the site kept in memory and updated by
what changed.

A batch build (build.py) starts from the files every time. The engine starts once and
keeps, between saves, the project models by folder, the site model, the compiled
templates, every output file's bytes and, for every page, the key of what it was
rendered from (render.page_keys: the page's context value by value, projects by the
digest of their sources, its templates, the UI strings, the settings). An update:

1. re-reads only the files that changed, and decides by their content: a project
   folder whose files hash as before is not read again, whatever their times say;
2. first pass, for the preview's sake: the edited project's own pages, and when
   something a listing shows changed (an amount, a name, the year...) its district's
   page and district-year page, rendered at once from the project and its district
   alone, and handed to `on_first` so the browser can reload;
3. second pass, the authority: the new site model and every page's key; a page whose
   key changed is rendered again, the open data, feeds, site map and static files are
   made again from the model, and files no longer made are dropped.

Only the second pass decides the result, so after any sequence of updates the files
equal a cold build's byte for byte (tests/test_incremental.py drives both); the first
pass only brings the edited page to the browser sooner. A change to site.yaml,
districts.yaml or the UI strings reads the site's sources again (unchanged projects
keep their models unless districts.yaml changed) and makes new Jinja2 environments, as
does a template change; the page keys then pick the pages to render again.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from builder.core.cache import Cache
from builder.core.i18n import LANGS
from builder.core.model import Content, Project
from builder.core.parallel import forked_map
from builder.history import revisions as history_stage
from builder.publish.build import site_files
from builder.render import renderer as render
from builder.site import structure as site_stage
from builder.site.model import Site
from builder.site.urls import Page, Urls, output_file
from builder.sources import discover, inputs as sources

BATCH_PAGES = 200  # pages rendered between two looks at whether newer changes wait
PROJECT_DEPTH = 3  # content/projects/<district>/<year>/<slug>/


@dataclass
class Update:
    """What one update did."""

    first: tuple[str, ...] = ()          # output files the first pass changed
    changed: frozenset[str] = frozenset()  # every output file changed or removed
    pages: int = 0
    warnings: tuple = ()
    seconds: float = 0.0
    first_seconds: float | None = None
    interrupted: bool = False            # newer changes arrived: the second pass stopped
    nothing: bool = False                # the changed files hold what they held


@dataclass
class Changes:
    """Changed paths sorted by what they touch."""

    folders: set[Path] = field(default_factory=set)  # project folders to read again
    rediscover: bool = False   # a folder came or went, or a file outside any folder
    site: bool = False         # site.yaml, districts.yaml, UI strings, anything else
    templates: bool = False    # templates and static files


class Engine:
    """The site of one root, in memory. Not thread-safe: one thread calls `start` and
    `update`; other threads may read `files` (each entry is replaced whole)."""

    def __init__(self, root: Path, base_path: str = "/",
                 on_first: Callable[[tuple[str, ...]], None] | None = None,
                 pending: Callable[[], bool] | None = None):
        self.root = root
        self.base_path = base_path
        self.on_first = on_first or (lambda names: None)
        self.pending = pending or (lambda: False)
        self.files: dict[str, bytes] = {}
        self.keys: dict[str, str | None] = {}  # page output → the key it was rendered for
        self.cache = Cache.disabled()          # in memory: project models, open-data rows
        self.sources: discover.SiteSources | None = None
        self.entries: dict[Path, discover.Entry] = {}
        self.dirs: tuple[Path, ...] = ()
        self.renderer: render.Renderer | None = None
        self.site: Site | None = None
        self.settled = False  # the last second pass ran to its end
        self.scores: dict = {}  # the scorecard's scores of projects, by digest
        self.warm = False       # this process has rendered a page of each kind

    # -- the two entry points ----------------------------------------------------------

    def start(self) -> Update:
        """Read everything and render the whole site. Raises ContentError, SiteError or
        a Jinja2 TemplateError; `files` then keeps what it held."""
        return self._update(Changes(site=True), time.perf_counter())

    def update(self, paths: Iterable[Path]) -> Update:
        """Bring the site up to date with the files at `paths` (changed, added or
        removed). Raises as `start` does."""
        started = time.perf_counter()
        return self._update(self.classify(paths), started)

    # -- what changed --------------------------------------------------------------------

    def classify(self, paths: Iterable[Path]) -> Changes:
        changes = Changes()
        projects = self.root / "content" / "projects"
        content = self.root / "content"
        for path in paths:
            path = Path(path)
            if path.is_relative_to(projects) and path != projects:
                parts = path.relative_to(projects).parts
                if len(parts) >= PROJECT_DEPTH:
                    changes.folders.add(projects.joinpath(*parts[:PROJECT_DEPTH]))
                if len(parts) != PROJECT_DEPTH + 1 or not path.is_file() \
                        or self._named_by_site_problem(path):
                    changes.rediscover = True
            elif path.is_relative_to(content):
                changes.site = True
            elif any(path.is_relative_to(d / "locale") for d in self._template_dirs()):
                changes.site = True
            else:
                changes.templates = True
        return changes

    def _named_by_site_problem(self, path: Path) -> bool:
        """Whether a problem of the tree (a folder where a file belongs...) names `path`:
        then the tree is looked at again, or the problem would outlive its cause (zh.md
        made a folder, then a file again)."""
        if self.sources is None or not self.sources.problems:
            return False
        shown = path.relative_to(self.root).as_posix()
        return any(p.path == shown for p in self.sources.problems)

    def _template_dirs(self) -> tuple[Path, ...]:
        return self.dirs + (self.root / "site_templates",)

    # -- an update -----------------------------------------------------------------------

    def _update(self, changes: Changes, started: float) -> Update:
        old_site = self.site
        changed = self._read(changes)
        if not changed and not changes.templates and self.settled:
            return Update(nothing=True, seconds=time.perf_counter() - started)
        content = discover.assemble(self.sources, self._entries())  # raises ContentError
        if changes.site or changes.templates or self.renderer is None:
            self.dirs = tuple(sources.template_dirs(self.root))
            for folder in self.dirs:
                sources.regular_files(folder, self.root)  # before Jinja2 opens a template
            self.renderer = render.Renderer(self._site(content, None), self.dirs)
            self.warm = False
        update = Update(warnings=content.warnings)
        if old_site is not None and changed and not changes.site:
            update.first = self._first_pass(content, old_site, changed)
            update.first_seconds = time.perf_counter() - started
            if update.first:
                self.on_first(update.first)
        self.settled = False
        done = self._second_pass(content)
        if done is None:
            update.interrupted = True
        else:
            update.changed, update.pages = done
            self.settled = True
        update.seconds = time.perf_counter() - started
        return update

    def _read(self, changes: Changes) -> list[tuple[Project | None, Project | None]]:
        """Read what changed; (before, after) of every project whose folder's files
        changed, or [(None, None)] when the site's own sources were read again."""
        if changes.site or changes.rediscover or self.sources is None:
            before = self.sources.shared if self.sources else None
            self.sources = discover.read_site_sources(self.root)
            if changes.site or self.sources.shared != before:
                self._read_all()
                return [(None, None)]
            changes.folders |= set(self.sources.folders) ^ set(self.entries)
        found = []
        folders = set(self.sources.folders)
        for folder in sorted(changes.folders):
            old = self.entries.pop(folder, None)
            if folder in folders:
                [entry] = discover.read_folders(self.root, self.sources, [folder],
                                                self.cache.table("projects"))
                self.entries[folder] = entry
                if old is not None and old[0] == entry[0]:
                    continue  # the same bytes: nothing changed
            if old is not None or folder in self.entries:
                found.append((old[1] if old else None, self.entries[folder][1]
                              if folder in self.entries else None))
        self._forget_unused()
        return found

    def _read_all(self) -> None:
        assert self.sources is not None
        entries = discover.read_folders(self.root, self.sources, self.sources.folders,
                                        self.cache.table("projects"))
        self.entries = dict(zip(self.sources.folders, entries))
        self._forget_unused()

    def _entries(self) -> list[discover.Entry]:
        assert self.sources is not None
        return [self.entries[folder] for folder in self.sources.folders]

    def _forget_unused(self) -> None:
        if len(self.cache.table("projects")) > len(self.entries) + 64:
            self.cache.keep("projects", {key: (project, found)
                                         for key, project, found in self.entries.values()})

    def _site(self, content: Content, history) -> Site:
        site = site_stage.make_site(content, self.base_path, history)
        if len(self.scores) > len(content.projects) + 64:
            digests = {p.digest for p in content.projects}
            self.scores = {d: s for d, s in self.scores.items() if d in digests}
        return dataclasses.replace(site, scores=self.scores)

    # -- the first pass: the edited pages at once ----------------------------------------

    def _first_pass(self, content: Content, old_site: Site,
                    changed: list[tuple[Project | None, Project | None]]) -> tuple[str, ...]:
        pages: list[Page] = []
        # The new projects with the last model's groupings (which only the listings use;
        # making new ones is the second pass's work).
        site = dataclasses.replace(old_site, content=content, scores=self.scores)
        for before, after in changed:
            if after is None:
                continue
            pages += site_stage.project_pages(site, (after,))
            if before != after:  # a field beyond the narrative: the listings show it
                pages += self._district_pages(content, after, old_site)
        written = []
        for page in pages:
            name = output_file(page.path)
            data = self.renderer.render(page)
            if self.files.get(name) != data:
                self.files[name] = data
                written.append(name)
        return tuple(written)

    def _district_pages(self, content: Content, project: Project, old_site: Site) -> list[Page]:
        """The project's district page and district-year page, from its district alone."""
        slug = project.district.slug
        own = tuple(p for p in content.projects if p.district.slug == slug)
        alone = site_stage.make_site(dataclasses.replace(content, projects=own),
                                     self.base_path, old_site.history)
        wanted = {path for lang in LANGS for path in (
            Urls.district(lang, slug), Urls.district_year(lang, slug, project.year))}
        return [page for page in site_stage.district_pages(alone)
                + site_stage.district_year_pages(alone) if page.path in wanted]

    # -- the second pass: everything whose inputs changed --------------------------------

    def _second_pass(self, content: Content) -> tuple[frozenset[str], int] | None:
        """Every output brought up to date; None when newer changes stopped it."""
        history = history_stage.read(self.root, [p.key for p in content.projects], content,
                                     self.cache)
        site = self._site(content, history)
        self.renderer.use(site)
        self.site = site
        pages = site_stage.pages(site)
        if self.pending():
            return None
        try:
            keys = render.page_keys(site, pages, self.renderer, self.cache, stop=self.pending)
        except render.Interrupted:
            return None
        wanted: set[str] = set()
        todo: list[tuple[str, Page, str | None]] = []
        for page, key in zip(pages, keys):
            name = output_file(page.path)
            wanted.add(name)
            if key is None or self.keys.get(name) != key or name not in self.files:
                todo.append((name, page, key))
        changed: set[str] = set()
        for start in range(0, len(todo), BATCH_PAGES):
            if self.pending():
                return None
            self._render_batch(todo[start:start + BATCH_PAGES], changed)
        if not self.warm:
            self._warm_up(pages)
        for made in site_files(site, pages, self.dirs, self.cache, self.root):
            for name, data in made.items():
                wanted.add(name)
                self._put(name, data, changed)
        for name in self.files.keys() - wanted:
            del self.files[name]
            self.keys.pop(name, None)
            changed.add(name)
        return frozenset(changed), len(pages)

    def _render_batch(self, batch: list[tuple[str, Page, str | None]], changed: set[str]):
        pages = [page for _, page, _ in batch]
        self.renderer.compile({page.template for page in pages})  # once, before a fork
        rendered = forked_map(self.renderer.render, pages, at_least=render.PARALLEL_MIN_PAGES,
                              batch=render.CHUNK_PAGES)
        for (name, _, key), data in zip(batch, rendered):
            self._put(name, data, changed)
            self.keys[name] = key

    def _warm_up(self, pages: list[Page]) -> None:
        """Render one page of each kind here, once per set of templates: pages rendered
        by forked workers left this process without the templates they import, the
        UI strings and the formatting data loaded, which the next first pass needs."""
        first = {}
        for page in pages:
            first.setdefault((page.template, page.lang), page)
        for page in first.values():
            self.renderer.render(page)
        self.warm = True

    def _put(self, name: str, data: bytes, changed: set[str]) -> None:
        if self.files.get(name) != data:
            self.files[name] = data
            changed.add(name)

