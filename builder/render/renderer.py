"""Render pages with Jinja2: one environment per language, formatting in filters."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any, Iterator, Protocol

import jinja2
import jinja2.bccache
import jinja2.ext
import jinja2.meta
from jinja2.lexer import (
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_PIPE,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
)
from markupsafe import Markup, escape

from builder.core import cache as cache_stage, codes, glossary, i18n
from builder.core import messages as problem_messages
from builder.core.cache import Cache, Stamper, Unstampable
from builder.core.errors import BuildError, Problem
from builder.core.model import Text
from builder.core.parallel import forked_map
from builder.render import charts
from builder.site import bands, feeds
from builder.site.structure import Site
from builder.site.urls import Page, output_file
from builder.sources import narrative
from builder.sources.inputs import (  # noqa: F401  (re-exported)
    DEFAULT_PREFIX,
    DEFAULT_TEMPLATES,
    template_dirs,
)


def environment(site: Site, lang: str, dirs: tuple[Path, ...],
                compiled: Path | None = None, locale: str = "") -> jinja2.Environment:
    """The Jinja2 environment for `lang`; with `compiled`, templates compiled by an
    earlier build with the same UI strings (`locale`, their digest) are loaded from
    that folder instead of being compiled again."""
    # auto_reload off: Jinja2 would otherwise stat the file of every template a page
    # extends, includes or imports, at every page (about 20 for a project page; a
    # small saving, within the noise of this machine's measurements); an environment
    # lives for one build, and the preview makes new ones when a template changes.
    env = jinja2.Environment(
        loader=loader(dirs),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n", FoldedGettext],
        bytecode_cache=_bytecode_cache(compiled, site, lang, locale) if compiled else None,
    )
    messages = i18n.catalog(lang, tuple(d / "locale" for d in dirs))
    env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)
    env.folded_gettext = messages.gettext
    env.filters.update(_filters(site, lang))
    env.globals.update(
        site=site.content.config, content=Places(site.content.city, site.content.districts),
        urls=site.urls, lang=lang,
        other_lang=i18n.other(lang), html_lang=i18n.HTML_LANG, langs=i18n.LANGS,
        language_names=i18n.LANGUAGE_NAMES, glossary=glossary,
        texts=Texts(lang, messages.gettext("not yet translated")),
        section_titles=narrative.SECTION_TITLES, amount_bands=bands,
    )
    return env


class FoldedGettext(jinja2.ext.Extension):
    """`_("a constant")` translated when the template compiles instead of at every call.

    Each language has its own environment (and its own compiled templates, in the
    cache by the UI strings' digest), so the translation is a constant there. The
    call is replaced by the string it returns, marked safe, exactly as the i18n
    extension's newstyle gettext would give it (Markup, then `% {}`); a call with
    variables, or any other use of `_`, is left to run as before."""

    def filter_stream(self, stream):
        gettext = getattr(self.environment, "folded_gettext", None)
        window: list = []
        for token in stream:
            window.append(token)
            if len(window) < 4:
                continue
            if gettext is not None and _is_constant_call(window):
                text = str(Markup(gettext(window[2].value)) % {})
                lineno = window[0].lineno
                yield Token(lineno, TOKEN_STRING, text)
                yield Token(lineno, TOKEN_PIPE, "|")
                yield Token(lineno, TOKEN_NAME, "safe")
                window.clear()
            else:
                yield window.pop(0)
        yield from window


class Texts:
    """How a bilingual Text shows on a page of one language (macros.html exports these
    as m.t, m.plain, m.original and m.term)."""

    def __init__(self, lang: str, untranslated: str):
        self.lang = lang
        self.untranslated = Markup(' <span class="untranslated">%s</span>') % Markup(
            Markup(untranslated) % {})

    def t(self, text: Text) -> Markup:
        """In the page's language; else the Chinese, marked and labelled."""
        if self.lang == "zh" or text.en:
            return escape(text.get(self.lang))
        return Markup('<span lang="zh-CN">%s</span>') % text.zh + self.untranslated

    def plain(self, text: Text) -> Markup:
        if self.lang == "zh" or text.en:
            return escape(text.get(self.lang))
        return Markup('<span lang="zh-CN">%s</span>') % text.zh

    def original(self, text: Text) -> Markup:
        if self.lang == "en" and text.en:
            return Markup('<span class="original" lang="zh-CN">%s</span>') % text.zh
        return Markup("")

    def term(self, text: Text) -> Markup:
        return escape(text.get(self.lang))


def _is_constant_call(tokens: list) -> bool:
    name, lparen, string, rparen = tokens
    return (name.type == TOKEN_NAME and name.value == "_" and lparen.type == TOKEN_LPAREN
            and string.type == TOKEN_STRING and rparen.type == TOKEN_RPAREN)


class Places:
    """What templates may know of the content as a whole: the city and its districts.
    (Not the projects: a page shows the projects its context gives it, which is what
    lets the page cache know what a page depends on.)"""

    def __init__(self, city, districts):
        self.city, self.districts = city, districts


def _bytecode_cache(folder: Path, site: Site, lang: str, locale: str) -> jinja2.BytecodeCache:
    """Compiled templates, one folder per environment: Jinja2 computes a filter applied
    to a constant (`''|href`) when it compiles, with this environment's filters and
    UI strings, so its code is not another language's or another base path's."""
    made_for = cache_stage.digest(lang, site.urls.base_path, site.urls.base_url, locale)
    folder = folder / f"jinja2-{jinja2.__version__}" / made_for
    folder.mkdir(parents=True, exist_ok=True)
    return CheckedBytecodeCache(str(folder))


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's bytecode cache with each file sealed by a checksum (cache.sealed): a
    flipped bit in compiled code would otherwise run as some other template."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = path.read_bytes()
        except OSError:
            return
        payload = cache_stage.unsealed(data)
        if payload is None:
            cache_stage.drop_damaged(path)
            return
        try:
            bucket.load_bytecode(io.BytesIO(payload))
        except Exception:  # sealed by us, but not loadable by this Python
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = io.BytesIO()
        bucket.write_bytecode(code)
        cache_stage.write_bytes_atomically(Path(self._get_cache_filename(bucket)),
                                           code.getvalue())


def loader(dirs: tuple[Path, ...]) -> jinja2.BaseLoader:
    """Templates by name from the first folder that has them (the site's own
    site_templates/ before the defaults), and the defaults also as "default/<name>",
    so that a site's template can extend the default it replaces and override one
    block."""
    by_name = jinja2.FileSystemLoader([str(d) for d in dirs])
    if not DEFAULT_TEMPLATES.is_dir():
        return by_name
    defaults = jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))
    return jinja2.ChoiceLoader([by_name, jinja2.PrefixLoader({DEFAULT_PREFIX: defaults})])


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
        "rule_points": glossary.points_in_rule,
        "target_value": lambda i, lg=lang: i18n.target_value(i.numeric_value, i.unit, lg),
        "target_unit": lambda u, lg=lang: i18n.target_unit(u, glossary.UNITS, lg),
        "bar_chart": lambda totals, chart_id, title, intro, lg=lang:
            charts.totals_chart(totals, chart_id, title, intro, lg),
        "date": lambda d, lg=lang: i18n.date(d, lg),
        "feeds": feeds.announcer(site),
    }


# How a template reads a project's narrative (`project.narrative_in(lang)`): a page whose
# templates never do is keyed by its projects' other fields only.
READS_NARRATIVE = re.compile(r"\.narrative|\[\s*['\"]narrative")


class Renderer:
    """Holds one Jinja2 environment per language for a site."""

    def __init__(self, site: Site, dirs: tuple[Path, ...], compiled: Path | None = None):
        self.locale = _locale_digest(dirs)  # the UI strings, for the caches' keys
        self.envs: dict[str | None, jinja2.Environment] = {
            lang: environment(site, lang, dirs, compiled, self.locale) for lang in i18n.LANGS}
        self.envs[None] = self.envs[i18n.DEFAULT_LANG]
        # Per template: whether it or a template it uses reads a project's narrative.
        self.reads_narrative: dict[str, bool] = {}

    def template_digests(self, names: set[str], known: dict) -> dict[str, str]:
        """For each template, a digest of its source and of every template it extends,
        includes or imports; a template naming another by a computed expression
        depends on all of them. `known` holds the references of templates parsed
        before, by a digest of their source."""
        env = self.envs[i18n.DEFAULT_LANG]
        sources: dict[str, str] = {}
        refs: dict[str, set[str] | None] = {}

        def visit(name: str) -> None:
            if name in sources:
                return
            sources[name], filename, _ = env.loader.get_source(env, name)
            source_key = cache_stage.digest(name, sources[name])
            if source_key not in known:
                found = set(jinja2.meta.find_referenced_templates(
                    env.parse(sources[name], name, filename)))
                known[source_key] = None if None in found else frozenset(found)
            refs[name] = known[source_key]
            for other in refs[name] or ():
                visit(other)

        for name in sorted(names):
            visit(name)
        everything = None
        result = {}
        for name in names:
            closure, stack = set(), [name]
            while stack:
                current = stack.pop()
                if current in closure:
                    continue
                closure.add(current)
                if refs[current] is None:
                    if everything is None:
                        everything = set(env.list_templates(extensions=["html", "xml", "txt"]))
                        for other in everything:
                            sources.setdefault(other, env.loader.get_source(env, other)[0])
                    closure |= everything
                    break
                stack.extend(refs[current])
            result[name] = cache_stage.digest(*(f"{n}\0{sources[n]}" for n in sorted(closure)))
            self.reads_narrative[name] = any(READS_NARRATIVE.search(sources[n]) for n in closure)
        return result

    def use(self, site: Site) -> None:
        """Render for `site` from now on: the live engine's next model of the same
        sources' settings (the filters that know the site's feeds and links)."""
        for lang in i18n.LANGS:
            self.envs[lang].filters.update(_filters(site, lang))

    def compile(self, names: set[str]) -> None:
        """Compile these templates now, in every language: forked workers then
        inherit them instead of each compiling its own."""
        for name in names:
            for env in self.envs.values():
                env.get_template(name)

    def macros(self, name: str) -> dict[str, Any]:
        """The template `name` as a module per language, its macros callable from here
        as a page calls them."""
        return {lang: self.envs[lang].get_template(name).make_module()
                for lang in i18n.LANGS}

    def render(self, page: Page) -> bytes:
        template = self.envs[page.lang].get_template(page.template)
        return template.render(page=page, **page.context).encode("utf-8")


def one_page_per_path(pages: list[Page]) -> None:
    """Two pages with one path would be one file, the other page lost without a word
    (a writer refuses to write one path twice, as Pelican's does). Raises BuildError."""
    seen: dict[str, Page] = {}
    for page in pages:
        other = seen.setdefault(page.path, page)
        if other is not page:
            raise BuildError(f"two pages have the address /{page.path}: one made with "
                             f"{other.template}, one with {page.template}; only one could "
                             f"be published, so nothing is")


def render_all(site: Site, pages: list[Page], dirs: tuple[Path, ...]) -> dict[str, bytes]:
    one_page_per_path(pages)
    renderer = Renderer(site, dirs)
    return {output_file(page.path): renderer.render(page) for page in pages}


Rendered = dict[str, tuple[str, bytes | None]]  # output file → (digest, bytes or None)
# Below this many pages to render, starting worker processes costs more than it saves.
PARALLEL_MIN_PAGES = 16
CHUNK_PAGES = 50  # pages per task: small enough to keep few of them in memory at once
# Page keys: below this many pages, one process; else tasks of this many pages.
PARALLEL_MIN_KEYS, CHUNK_KEYS = 1000, 250


class Inspect(Protocol):
    """Something to learn from each page's bytes as it is rendered (links.scan)."""

    def __call__(self, name: str, data: bytes) -> Any: ...

    def key(self, name: str, digest: str) -> str: ...


class Sink(Protocol):
    """Where pages go: the output folder being prepared (publish.Output). `place` may
    run in a forked worker; `record` then notes in this process what it did."""

    def has(self, name: str, digest: str) -> bool: ...

    def place(self, name: str, digest: str, data: bytes) -> Any: ...

    def record(self, name: str, placed: Any) -> None: ...


def render_site(site: Site, pages: list[Page], dirs: tuple[Path, ...], cache: Cache,
                sink: Sink, inspect: Inspect | None = None,
                inspected: dict[str, Any] | None = None) -> Rendered:
    """Every page's output file and digest. A page whose key (everything it shows and is
    made of) was rendered before, and whose output the sink still has, is not
    rendered again. The rest are rendered over all cores and handed to the sink as
    they come, so that the build never holds every page in memory. `inspect(file,
    bytes)`, when given, runs in the worker beside each page rendered (the link
    checker's scan); its results go into `inspected` by `inspect.key(file, digest)`."""
    renderer = Renderer(site, dirs, cache.store if cache.enabled else None)
    if cache.enabled:
        keys = page_keys(site, pages, renderer, cache)
    else:  # (no cache to look the keys up in: a merge, a build with --no-cache)
        one_page_per_path(pages)
        keys = [None] * len(pages)
    done = cache.table("pages")
    out: Rendered = {}
    todo: list[int] = []
    for i, (page, key) in enumerate(zip(pages, keys)):
        name = output_file(page.path)
        known = done.get(key) if key else None
        if known and sink.has(name, known):
            out[name] = (known, None)
        else:
            todo.append(i)
    for i, (made, placed, found) in zip(todo, _render_many(
            renderer, [pages[i] for i in todo], sink, inspect)):
        name = output_file(pages[i].path)
        out[name] = (made, None)
        sink.record(name, placed)
        if inspect is not None and inspected is not None:
            inspected[inspect.key(name, made)] = found
    cache.keep("pages", {key: out[output_file(page.path)][0]
                         for page, key in zip(pages, keys) if key})
    return out


class Interrupted(Exception):
    """The caller's `stop` said to stop: newer changes are waiting."""


def page_keys(site: Site, pages: list[Page], renderer: Renderer,
              cache: Cache | None = None, stop=None) -> list[str | None]:
    """Per page, a digest of everything its output depends on; None where a value in
    its context cannot be written down (that page is always rendered). `stop`, asked
    now and then, may end the work early by raising Interrupted. Raises BuildError when
    two pages have one path."""
    one_page_per_path(pages)
    stamp, summary = Stamper(), Stamper(summary=True)
    shared = cache_stage.digest(
        jinja2.__version__, _library_versions(),
        stamp(site.content.config), stamp(site.content.city), stamp(site.content.districts),
        site.urls.base_path, site.urls.base_url, renderer.locale,
        stamp([(f.path, f.page, f.lang, f.title, f.label) for f in feeds.feeds(site)]))
    made_of = renderer.template_digests({page.template for page in pages},
                                        (cache or Cache.disabled()).table("templates", sharded=False))

    def key(page: Page) -> str | None:
        if page.derived:
            page = dataclasses.replace(page, context={
                name: value for name, value in page.context.items() if name not in page.derived})
        try:
            by = stamp if renderer.reads_narrative[page.template] else summary
            return cache_stage.digest(shared, made_of[page.template], by(page))
        except Unstampable:
            return None

    if stop is None:
        # Over forked workers, each with its own stampers (a stamp is the same whoever
        # makes it: what a stamper remembers only saves it work).
        return list(forked_map(key, pages, at_least=PARALLEL_MIN_KEYS, batch=CHUNK_KEYS))
    keys: list[str | None] = []
    for n, page in enumerate(pages):
        if n % 256 == 255 and stop():
            raise Interrupted
        keys.append(key(page))
    return keys


def _library_versions() -> str:
    """The versions of the libraries that shape a page, as their packages name them
    (MarkupSafe 3.1 drops its `__version__`)."""
    from importlib.metadata import version

    import nh3
    return repr((version("babel"), version("markdown"), version("markupsafe"),
                 getattr(nh3, "__version__", "")))


def _locale_digest(dirs: tuple[Path, ...]) -> str:
    files = sorted(p for d in dirs for p in (d / "locale").rglob("*") if p.is_file())
    return cache_stage.digest(*(p.as_posix().encode() + b"\0" + p.read_bytes() for p in files))


def _render_many(renderer: Renderer, pages: list[Page], sink: Sink,
                 inspect: Inspect | None = None) -> Iterator[tuple[str, Any, Any]]:
    """Render `pages` in order, over forked workers when there are enough; each page is
    digested, put into the sink and inspected where it is rendered, and only that
    comes back (not the page's bytes): (digest, what the sink must record, what the
    inspection found). The output is the same as from one process: each page is
    rendered alone from the same inputs."""
    if len(pages) >= PARALLEL_MIN_PAGES:
        renderer.compile({page.template for page in pages})
    return forked_map(lambda page: render_placed(renderer, page, sink, inspect), pages,
                      at_least=PARALLEL_MIN_PAGES, batch=CHUNK_PAGES)


def render_placed(renderer: Renderer, page: Page, sink: Sink,
                  inspect: Inspect | None = None) -> tuple[str, Any, Any]:
    """One page rendered, digested, put into the sink and inspected, in the process
    that renders it: (its digest, what the sink must record, what the inspection
    found)."""
    data = renderer.render(page)
    name = output_file(page.path)
    made = cache_stage.digest(data)
    return made, sink.place(name, made, data), inspect(name, data) if inspect else None


def template_problem(err: jinja2.TemplateError, root: Path, lang: str = "en") -> str:
    """A broken template as `path:line:col: template: message [code]`, for the terminal
    and preview, its message in `lang` (core.messages)."""
    if isinstance(err, jinja2.TemplateSyntaxError) and err.filename:
        path = Path(err.filename)
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        return problem_messages.line(Problem(shown, err.lineno or 1, 1, "template",
                                             err.message or str(err), code="template.syntax"),
                                     lang)
    said = problem_messages.message(str(err), lang, "template.error")
    return f"template: {said} {codes.tag('template.error')}"
