"""The site: URLs, the pages to write and what each page shows.

`pages(site)` lists every page once; nothing after this stage decides what
exists. All URLs are built here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import LANGS
from .model import Content, Indicator, Project, Text


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
    def unit(lang: str, code: str) -> str:
        return f"{lang}/units/{code}/"

    @staticmethod
    def search(lang: str) -> str:
        return f"{lang}/search/"

    @staticmethod
    def search_bundle() -> str:
        """Pagefind's files (pagefind.js and the per-language indexes), one for the site."""
        return "pagefind/"

    @staticmethod
    def static(name: str) -> str:
        return f"static/{name}"


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


@dataclass(frozen=True)
class IndicatorRow:
    """A row of the performance table; spans > 0 start a merged level cell."""

    indicator: Indicator
    level1_span: int
    level2_span: int


@dataclass(frozen=True)
class Site:
    content: Content
    urls: Urls

    @property
    def projects(self) -> tuple[Project, ...]:
        return self.content.projects


def make_site(content: Content, base_path: str | None = None) -> Site:
    config = content.config
    return Site(content, Urls(base_path if base_path is not None else config.base_path,
                              config.base_url))


def indicator_rows(project: Project) -> list[IndicatorRow]:
    """Rows grouped by level 1 then level 2 in order of first appearance, with spans."""
    order1: dict[str, int] = {}
    order2: dict[tuple[str, str], int] = {}
    for indicator in project.indicators:
        order1.setdefault(indicator.level1, len(order1))
        order2.setdefault((indicator.level1, indicator.level2), len(order2))
    ordered = sorted(project.indicators,
                     key=lambda i: (order1[i.level1], order2[(i.level1, i.level2)]))
    rows = []
    for n, indicator in enumerate(ordered):
        previous = ordered[n - 1] if n else None
        starts1 = previous is None or previous.level1 != indicator.level1
        starts2 = starts1 or previous.level2 != indicator.level2
        span1 = sum(1 for i in ordered if i.level1 == indicator.level1) if starts1 else 0
        span2 = sum(1 for i in ordered if (i.level1, i.level2) ==
                    (indicator.level1, indicator.level2)) if starts2 else 0
        rows.append(IndicatorRow(indicator, span1, span2))
    return rows


def translations(make_path) -> dict[str, str]:
    return {lang: make_path(lang) for lang in LANGS}


def project_crumbs(project: Project, lang: str) -> tuple[Crumb, ...]:
    d = project.district
    return (Crumb(Text("首页", "Home"), Urls.home(lang)),
            Crumb(d.name, Urls.district(lang, d.slug)),
            Crumb(Text(f"{project.year}年", str(project.year)),
                  Urls.district_year(lang, d.slug, project.year)))


def project_pages(site: Site) -> list[Page]:
    return [Page(Urls.project(lang, p), "project.html", lang,
                 translations(lambda lg, p=p: Urls.project(lg, p)),
                 {"project": p, "rows": indicator_rows(p)}, project_crumbs(p, lang))
            for p in site.projects for lang in LANGS]


def home_pages(site: Site) -> list[Page]:
    return [Page(Urls.home(lang), "home.html", lang, translations(Urls.home),
                 {"projects": site.projects}) for lang in LANGS]


def root_pages(site: Site) -> list[Page]:
    """The language chooser at the site root."""
    return [Page("", "root.html", None, translations(Urls.home))]


def search_pages(site: Site) -> list[Page]:
    return [Page(Urls.search(lang), "search.html", lang, translations(Urls.search),
                 crumbs=(Crumb(Text("首页", "Home"), Urls.home(lang)),)) for lang in LANGS]


def pages(site: Site) -> list[Page]:
    return root_pages(site) + home_pages(site) + project_pages(site) + search_pages(site)
