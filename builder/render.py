"""Render pages with Jinja2: one environment per language, formatting in filters."""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import charts, feeds, glossary, i18n
from .model import Text
from .site import Page, Site, output_file

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"


def template_dirs(root: Path) -> list[Path]:
    """The site's own templates first, then the defaults shipped with budgetsite."""
    own = root / "site_templates"
    dirs = [own] if own.is_dir() else []
    if PACKAGE_TEMPLATES.is_dir() and PACKAGE_TEMPLATES.resolve() not in {d.resolve() for d in dirs}:
        dirs.append(PACKAGE_TEMPLATES)
    return dirs


def environment(site: Site, lang: str, dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
    )
    messages = i18n.catalog(lang, _locale_dir(dirs))
    env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)
    env.filters.update(_filters(site, lang))
    env.globals.update(
        site=site.content.config, content=site.content, urls=site.urls, lang=lang,
        other_lang=i18n.other(lang), html_lang=i18n.HTML_LANG, langs=i18n.LANGS,
        language_names=i18n.LANGUAGE_NAMES, glossary=glossary,
    )
    return env


def _locale_dir(dirs: tuple[Path, ...]) -> Path:
    for d in dirs:
        if (d / "locale").is_dir():
            return d / "locale"
    return dirs[0] / "locale"


def _filters(site: Site, lang: str) -> dict:
    urls = site.urls
    return {
        "href": urls.href,
        "tel": urls.tel,
        "absolute": urls.absolute,
        "yuan": lambda m, lg=lang: i18n.yuan(m, lg),
        "summary": lambda m, lg=lang: i18n.summary(m, lg),
        "as_written": lambda m, lg=lang: i18n.as_written(m, lg),
        "number": lambda n, lg=lang: i18n.number(n, lg),
        "percent": lambda n, lg=lang: i18n.percent(n, lg),
        "year_range": lambda start, end, lg=lang: i18n.year_range(start, end, lg),
        "signed_percent": lambda n, lg=lang: i18n.signed(n, i18n.percent, lg),
        "signed_summary": lambda n, lg=lang: i18n.signed(n, i18n.summary, lg),
        "signed_yuan": lambda n, lg=lang: i18n.signed(n, i18n.yuan, lg),
        "in_lang": lambda t, lg=lang: i18n.text_in(t, lg),
        "unit_name": lambda u: glossary.UNITS.get(u, Text(u)),
        "bar_chart": lambda totals, chart_id, title, intro, lg=lang:
            charts.totals_chart(totals, chart_id, title, intro, lg),
        "date": lambda d, lg=lang: i18n.date(d, lg),
        "feeds": feeds.announcer(site),
    }


class Renderer:
    """Holds one Jinja2 environment per language for a site."""

    def __init__(self, site: Site, dirs: tuple[Path, ...]):
        self.envs: dict[str | None, jinja2.Environment] = {
            lang: environment(site, lang, dirs) for lang in i18n.LANGS}
        self.envs[None] = self.envs[i18n.DEFAULT_LANG]

    def render(self, page: Page) -> bytes:
        template = self.envs[page.lang].get_template(page.template)
        return template.render(page=page, **page.context).encode("utf-8")


def render_all(site: Site, pages: list[Page], dirs: tuple[Path, ...]) -> dict[str, bytes]:
    renderer = Renderer(site, dirs)
    return {output_file(page.path): renderer.render(page) for page in pages}


def template_problem(err: jinja2.TemplateError, root: Path) -> str:
    """A broken template as `path:line:col: template: message`, for the terminal and preview."""
    if isinstance(err, jinja2.TemplateSyntaxError) and err.filename:
        path = Path(err.filename)
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        return f"{shown}:{err.lineno}:1: template: {err.message}"
    return f"template: {err}"
