"""Walk a built site the way a crawler would: every internal link must resolve.

`broken_links(out)` parses every HTML file under `out`, follows each href and
src that stays on the site (relative, root-relative, or absolute on the
site's own base URL, as hreflang and canonical links are) to a file in `out`,
and checks that a #fragment names an id on the target page. Other tests
reuse it: `from linkcheck import broken_links`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRS = {"href", "src"}
SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript"}


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[int, str, str]] = field(default_factory=list)   # (line, tag, url)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.page.ids.add(value)
            elif name in LINK_ATTRS and value is not None:
                self.page.refs.append((self.getpos()[0], tag, value))

    handle_startendtag = handle_starttag


def parse(path: Path) -> ParsedPage:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def page_url(out: Path, path: Path, base_path: str) -> str:
    """The URL a file is served at: 'zh/index.html' → '/base/zh/'."""
    rel = path.relative_to(out).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_path + rel


def target_file(out: Path, url_path: str, base_path: str) -> Path | None:
    """The file a site path is served from, or None if it is outside the site."""
    if not url_path.startswith(base_path):
        return None
    rel = unquote(url_path[len(base_path):])
    candidate = out / rel
    if rel == "" or rel.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate


def internal_path(url: str, base_url: str | None) -> str | None:
    """The path of a link that stays on the site, or None for links elsewhere."""
    parts = urlsplit(url)
    if parts.scheme in SKIPPED_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        if not base_url or not url.startswith(base_url.rstrip("/") + "/"):
            return None
        return urlsplit(url[len(base_url.rstrip("/")):]).path
    return parts.path


def broken_links(out: Path, base_path: str = "/", base_url: str | None = None) -> list[str]:
    """Every internal link or anchor in `out` that leads nowhere, as readable lines."""
    pages = {path: parse(path) for path in sorted(out.rglob("*.html"))}
    problems = []
    for path, page in pages.items():
        here = page_url(out, path, base_path)
        for line, tag, ref in page.refs:
            problem = _check(out, pages, urljoin(here, ref), base_path, base_url)
            if problem:
                problems.append(f"{path.relative_to(out)}:{line}: <{tag}> {ref!r}: {problem}")
    return problems


def _check(out: Path, pages: dict[Path, ParsedPage], url: str, base_path: str,
           base_url: str | None) -> str | None:
    path = internal_path(url, base_url)
    if path is None:
        return None
    target = target_file(out, path, base_path)
    if target is None:
        return f"{path} is outside the site's base path {base_path}"
    if not target.is_file():
        return f"no file {target.relative_to(out).as_posix()}"
    fragment = unquote(urlsplit(url).fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
        return f"no id {fragment!r} in {target.relative_to(out).as_posix()}"
    return None
