"""What the quality gates run against: every page kind of the built site, both languages.

Page kinds are found in the built output, not listed by hand, so a page kind that
a later change adds is checked without touching the gates. A page's kind is its
URL with the parts that name one thing of the content (a district, a year, a
project, a unit) replaced by a placeholder: `zh/{district}/{year}/{project}/`,
`en/units/{unit}/`, `zh/search/`. The language stays in the kind, so each kind
is checked in Chinese and in English.
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import REPO, build, copy_site

from builder.core.model import Content
from builder.outputs import links
from builder.site.urls import Urls
from builder.sources import discover

UNTRANSLATED = Path("content/projects/wuhua/2025/urban-rural-medical-assistance")


@dataclass(frozen=True)
class BuiltSite:
    """A built site and the content it was built from."""

    name: str
    out: Path
    content: Content

    def pages(self) -> list[str]:
        """Every HTML page's site path ('zh/wuhua/', '404.html'), sorted."""
        return sorted(links.page_url(p.relative_to(self.out).as_posix())
                      for p in self.out.rglob("*.html"))

    def kinds(self) -> dict[str, list[str]]:
        """Page kind → its pages, largest file first (the most to check)."""
        placeholders = self._placeholders()
        kinds: dict[str, list[str]] = {}
        for page in self.pages():
            kind = "/".join(placeholders.get(part, "{year}" if part.isdigit() else part)
                            for part in page.split("/"))
            kinds.setdefault(kind, []).append(page)
        for pages in kinds.values():
            pages.sort(key=lambda p: (-self.file(p).stat().st_size, p))
        return dict(sorted(kinds.items()))

    def samples(self) -> list[tuple[str, str]]:
        """(kind, page) to check: the largest page of every kind."""
        return [(kind, pages[0]) for kind, pages in self.kinds().items()]

    def file(self, page: str) -> Path:
        return self.out / (page + "index.html" if page == "" or page.endswith("/") else page)

    def _placeholders(self) -> dict[str, str]:
        content = self.content
        names = {d.slug: "{district}" for d in content.districts}
        names.update({p.slug: "{project}" for p in content.projects})
        names.update({p.unit.code: "{unit}" for p in content.projects})
        names.update({f"{i.level1}-{i.level2}": "{category}"
                      for p in content.projects for i in p.indicators})
        return names


def built(name: str, root: Path) -> BuiltSite:
    return BuiltSite(name, build(root), discover.load_content(root))


@pytest.fixture(scope="session")
def real(tmp_path_factory) -> BuiltSite:
    """The real content, built once for all gates."""
    return built("real", copy_site(tmp_path_factory.mktemp("gates-real")))


@pytest.fixture(scope="session")
def untranslated(tmp_path_factory) -> BuiltSite:
    """The real content with one project's English removed: the fallback pages, where
    Chinese text stands in, marked lang="zh-CN" and labelled "not yet translated"."""
    root = copy_site(tmp_path_factory.mktemp("gates-untranslated"))
    (root / UNTRANSLATED / "en.md").unlink()
    project = root / UNTRANSLATED / "project.yaml"
    text = project.read_text(encoding="utf-8")
    for english in ("  en: Special fund for urban and rural medical assistance\n",
                    "    en: Kunming Wuhua District Medical Insurance Center\n"):
        assert english in text
        text = text.replace(english, "", 1)
    project.write_text(text, encoding="utf-8")
    return built("untranslated", root)


# Text that would run script if it reached the page unescaped. Each payload marks
# what it would do, so a test can tell which one got through.
TEXT_PAYLOADS = (
    '<script>window.__pwned="script"</script>',
    '"><script>window.__pwned="double-quote"</script>',
    "'><img src=x onerror=\"window.__pwned='single-quote'\">",
    "<img src=x onerror=alert('img')>",
    "<svg onload=\"document.title='pwned'\"><script>window.__pwned='svg'</script></svg>",
    "<iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>",
    "</title><script>window.__pwned='title'</script>",
    "javascript:window.__pwned='text-url'",
    "{{ 7*191 }}{% raw %}<script>window.__pwned='jinja'</script>",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "</textarea></style><script>window.__pwned='rawtext'</script>",
    "<!--<script>window.__pwned='comment'</script>-->",
)
MARKDOWN_PAYLOADS = (
    "<script>window.__pwned='md-script'</script>",
    "[click](javascript:window.__pwned='md-js')",
    "[click](JaVaScRiPt:alert('md-js-case'))",
    "[click](java&#x09;script:alert('md-js-entity'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](x\" onerror=\"window.__pwned='md-img')",
    "<img src=x onerror=\"window.__pwned='md-img-raw'\">",
    "<iframe src=\"javascript:alert('md-iframe')\"></iframe>",
    "<svg><script>window.__pwned='md-svg'</script></svg><svg onload=alert('md-svg-onload')>",
    "<a href=\"#\" onclick=\"window.__pwned='md-onclick'\">click me</a>",
    "<details open ontoggle=\"window.__pwned='md-toggle'\"><summary>x</summary></details>",
    "<form action=\"javascript:alert('md-form')\"><button>go</button></form>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('md-noscript')>\">",
    "[title](https://example.com \"t\\\" onmouseover=\\\"alert('md-title')\")",
    "<javascript:alert('md-autolink')>",
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<object data=\"javascript:alert('md-object')\"></object><embed src=\"javascript:alert(1)\">",
    "<a href=\"https://example.com\" target=\"_blank\" style=\"position:fixed\">plain link</a>",
    # Last: an unclosed <style> swallows the rest of its section.
    "<style>body{background:url(javascript:alert('md-style'))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('md-mxss')>",
)


def _poison_yaml(value, payloads):
    """Every free text of a project.yaml value replaced by the next payload."""
    if isinstance(value, dict) and set(value) <= {"zh", "en"} and "zh" in value:
        return {lang: next(payloads) for lang in value}
    if isinstance(value, dict):
        return {key: v if key in UNTOUCHED else _poison_yaml(v, payloads)
                for key, v in value.items()}
    if isinstance(value, list):
        return [_poison_yaml(v, payloads) for v in value]
    return value


UNTOUCHED = {"district", "year", "code", "id", "level1", "level2", "operator", "type",
             "unit", "weight", "amount", "budget_year", "start", "end", "total", "value"}


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> BuiltSite:
    """The real content with script payloads in every text: project.yaml, the
    narratives, the district names and the site's own title and description."""
    root = copy_site(tmp_path_factory.mktemp("gates-hostile"))
    payloads = itertools.cycle(TEXT_PAYLOADS)
    for path in sorted((root / "content/projects").glob("*/*/*/project.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = _poison_yaml(data, payloads)
        data["unit"]["phone"] = "javascript:alert(1)\"><script>window.__pwned='phone'</script>"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for path in sorted((root / "content/projects").glob("*/*/*/*.md")):
        poisoned = "\n\n".join(TEXT_PAYLOADS + MARKDOWN_PAYLOADS)
        path.write_text(path.read_text(encoding="utf-8").replace(
            "{#overview}\n", "{#overview}\n\n" + poisoned + "\n", 1), encoding="utf-8")
    _poison_file(root / "content/site.yaml", ("title", "description", "publisher"), payloads)
    districts = root / "content/districts.yaml"
    text = districts.read_text(encoding="utf-8")
    for name in ("五华区", "Wuhua District", "呈贡区", "Chenggong District"):
        text = text.replace(f" {name}\n", f" {yaml.safe_dump(next(payloads)).strip()}\n")
    districts.write_text(text.replace("\n...", ""), encoding="utf-8")
    return built("hostile", root)


def _poison_file(path: Path, keys: tuple[str, ...], payloads) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in keys:
        data[key] = {"zh": next(payloads), "en": next(payloads)}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def gate_pages(real: BuiltSite, untranslated: BuiltSite) -> list[tuple[BuiltSite, str, str]]:
    """(site, kind, page) for every page kind of the real site, both languages, plus the
    English page of the project whose English falls back to Chinese."""
    project = next(p for p in untranslated.content.projects if p.slug == UNTRANSLATED.name)
    return [(real, kind, page) for kind, page in real.samples()] + [
        (untranslated, "untranslated en/{district}/{year}/{project}/",
         Urls.project("en", project))]


def copy_of(site: BuiltSite, target: Path) -> Path:
    return shutil.copytree(site.out, target)


__all__ = ["BuiltSite", "REPO", "copy_of", "gate_pages", "hostile", "real", "untranslated"]
