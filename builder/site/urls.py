"""URLs, and what a page is: every URL of the site is built here and nowhere else.

A page is a path, a template and what it shows (its context); structure.py decides
which pages exist.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Iterable

from builder.core.errors import Problem
from builder.core.i18n import LANGS
from builder.core.model import District, Project, Text

PHONE_NUMBER = re.compile(r"\+?\(?[0-9][0-9 ()-]{2,}[0-9]")


class Urls:
    """Site-relative paths ('zh/wuhua/2025/slug/') and their public forms."""

    def __init__(self, base_path: str, base_url: str):
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.base_url = base_url.rstrip("/")

    def href(self, path: str) -> str:
        """The link to use inside the site, honouring the base path."""
        return self.base_path + path

    def absolute(self, path: str) -> str:
        return self.base_url + self.base_path + path

    @staticmethod
    def home(lang: str) -> str:
        return f"{lang}/"

    @staticmethod
    def project(lang: str, project: Project) -> str:
        return f"{lang}/{project.key}/"

    @staticmethod
    def district(lang: str, slug: str) -> str:
        return f"{lang}/{slug}/"

    @staticmethod
    def district_year(lang: str, slug: str, year: int) -> str:
        return f"{lang}/{slug}/{year}/"

    @staticmethod
    def districts(lang: str) -> str:
        return f"{lang}/districts/"

    @staticmethod
    def years(lang: str) -> str:
        return f"{lang}/years/"

    @staticmethod
    def year(lang: str, year: int) -> str:
        return f"{lang}/years/{year}/"

    @staticmethod
    def has_unit_page(key: str) -> bool:
        """A unit known by its code has a page; one known only by its name does not."""
        return not key.startswith("name:")

    @staticmethod
    def unit(lang: str, code: str) -> str:
        return f"{lang}/units/{code}/"

    @staticmethod
    def units(lang: str) -> str:
        return f"{lang}/units/"

    @staticmethod
    def search(lang: str) -> str:
        return f"{lang}/search/"

    @staticmethod
    def about(lang: str) -> str:
        return f"{lang}/about/"

    @staticmethod
    def glossary(lang: str, term: str | None = None) -> str:
        """The glossary page, or one term on it ('zh/glossary/#level1')."""
        return f"{lang}/glossary/" + (f"#{term}" if term else "")

    @staticmethod
    def search_bundle() -> str:
        """Pagefind's files (pagefind.js and the per-language indexes), one for the site."""
        return "pagefind/"

    @staticmethod
    def static(name: str) -> str:
        return f"static/{name}"

    @staticmethod
    def data(name: str) -> str:
        return f"data/{name}"

    @staticmethod
    def project_data(project: Project) -> str:
        return f"data/projects/{project.key}.json"

    @staticmethod
    def original(project: Project) -> str:
        """The original document, one copy for both languages, beside the project's data."""
        assert project.source is not None and project.source.original is not None
        return f"data/projects/{project.key}/{project.source.original.name}"

    @staticmethod
    def changes(lang: str) -> str:
        """The recent changes of every disclosure."""
        return f"{lang}/changes/"

    @staticmethod
    def changes_feed(lang: str, district: str | None = None) -> str:
        """The Atom feed of changes: of the whole site, or of one district's projects."""
        return f"{lang}/changes.xml" if district is None else f"{lang}/{district}/changes.xml"

    @staticmethod
    def scorecard(lang: str) -> str:
        return f"{lang}/scorecard/"

    @staticmethod
    def indicators(lang: str) -> str:
        """The indicator explorer."""
        return f"{lang}/indicators/"

    @staticmethod
    def indicator_category(lang: str, category: str, number: int = 1) -> str:
        """One page of a level-2 category's indicators ('output-quantity'), from 1."""
        return f"{lang}/indicators/{category}/" + (f"{number}/" if number > 1 else "")

    @staticmethod
    def explorer_data(category: str, year: int, ext: str) -> str:
        """The explorer's part of the indicators of one category and year (json or csv)."""
        return f"data/explorer/{category}/{year}.{ext}"

    @staticmethod
    def programme(lang: str, first: Project) -> str:
        """A programme's timeline, named by its first project."""
        return f"{lang}/programmes/{first.key}/"

    @staticmethod
    def embed(page_path: str) -> str:
        """The embeddable view of a page ('zh/wuhua/' → 'zh/embed/wuhua/')."""
        lang, rest = page_path.split("/", 1)
        return f"{lang}/embed/{rest}"

    @staticmethod
    def feed(page_path: str) -> str:
        """The Atom feed that belongs to a listing page ('zh/wuhua/' → 'zh/wuhua/feed.xml')."""
        return f"{page_path}feed.xml"

    @staticmethod
    def tel(phone: str) -> str | None:
        """A tel: link to the first number in a phone field ('0871-63399978'), or None
        when it holds none: the field is free text and may hold anything."""
        number = PHONE_NUMBER.search(phone)
        return "tel:" + number.group().replace(" ", "") if number else None


# A stand-in for each argument of a Urls method, by its name, to read the URL map off
# the methods themselves: what each address is made of where a district's slug goes.
_DISTRICT = "{district}"
_STAND_INS: dict[str, Any] = {
    "lang": LANGS[0], "slug": _DISTRICT, "district": None, "year": 2025, "code": "{code}",
    "term": None, "category": "{category}", "number": 2, "ext": "json", "name": "{name}",
    "page_path": f"{LANGS[0]}/{_DISTRICT}/",
    "project": SimpleNamespace(key=f"{_DISTRICT}/2025/{{slug}}",
                               source=SimpleNamespace(original=SimpleNamespace(name="{file}"))),
}
_STAND_INS["first"] = _STAND_INS["project"]
_NOT_PATHS = {"tel", "href", "absolute", "has_unit_page"}


@functools.cache
def reserved_segments() -> tuple[str, ...]:
    """The first segments under /<lang>/ that the site's own pages take (`scorecard`,
    `years` ...), so that no district slug may: read off every address of Urls, never
    listed by hand, so a page kind added there is reserved at once. Sorted; only those a
    slug could be (lowercase letters, digits, hyphens: not `changes.xml`).
    docs/content-model.md lists them (a test keeps the two the same)."""
    found = set()
    for name, method in inspect.getmembers(Urls, inspect.isfunction):
        if name.startswith("_") or name in _NOT_PATHS:
            continue
        arguments = [_STAND_INS[p] for p in inspect.signature(method).parameters]
        lang, _, rest = method(*arguments).partition("/")
        first = rest.split("/", 1)[0]
        if lang in LANGS and first != _DISTRICT and re.fullmatch(r"[a-z0-9-]+", first):
            found.add(first)
    return tuple(sorted(found))


def district_clashes(districts: Iterable[District]) -> list[Problem]:
    """An error at its line in districts.yaml for each district whose slug one of the
    site's own pages takes: /zh/scorecard/ would be the scorecard or the district, one
    lost without a word."""
    reserved = reserved_segments()
    return [Problem("content/districts.yaml", *d.slug_at, f"{d.slug!r} cannot be a district "
                    f"slug: the site's own pages use /<lang>/{d.slug}/; choose another (the "
                    f"names taken: {', '.join(reserved)})", code="district.reserved")
            for d in districts if d.slug in reserved]


def output_file(path: str) -> str:
    """Where a page's URL path is written inside the output folder."""
    return path + "index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True)
class Crumb:
    label: Text
    path: str


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where, with which template and what it shows."""

    path: str
    template: str
    lang: str | None
    translations: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    crumbs: tuple[Crumb, ...] = ()
    section: str = ""   # the header navigation entry this page belongs to
    # Context entries made from the others alone (a project's table rows from the
    # project): the page cache's key leaves them out, as it already has their source.
    derived: tuple[str, ...] = ()


def translations(make_path) -> dict[str, str]:
    return {lang: make_path(lang) for lang in LANGS}


def outlined(projects: Iterable, path, template: str) -> list[Page]:
    """A page of `template` per project and language, in outline (project_pages): its
    path, path(lang, project), and translations, which both languages share."""
    pages = []
    for project in projects:
        paths = {lang: path(lang, project) for lang in LANGS}
        pages += [Page(paths[lang], template, lang, paths, {"project": project})
                  for lang in LANGS]
    return pages


def year_label(year: int) -> Text:
    return Text(f"{year}年", str(year))


# The first crumb above every page's own entry.
def home_crumb(lang: str) -> Crumb:
    return Crumb(Text("首页", "Home"), Urls.home(lang))
