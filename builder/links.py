"""Check every internal link and #anchor of a built site.

Reads the written output folder (so it sees every file every stage wrote: pages,
static assets, search index, data files) and reports each link that points at a
file that is not there, or at an id that the target page does not have, as a
Problem naming the page, the line and the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Problem
from .site import Urls

# Attributes that make the browser fetch or navigate to a URL.
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "formaction", "xlink:href"}
CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
XML_URL = re.compile(r"""<loc>\s*(?P<url>[^<\s]+)\s*</loc>|\shref="(?P<href>[^"]+)\"""")
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "blob:")


@dataclass(frozen=True)
class Link:
    line: int
    col: int
    url: str


@dataclass(frozen=True)
class Scanned:
    """What one output file holds: the ids it defines and the links it makes."""

    ids: frozenset[str]
    links: tuple[Link, ...]


class _PageScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, col = self.getpos()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES and not _names_a_host(tag, attrs):
                self.links.append(Link(line, col + 1, value.strip()))
            elif name == "srcset":
                self.links.extend(Link(line, col + 1, part.split()[0])
                                  for part in value.split(",") if part.strip())

    handle_startendtag = handle_starttag


def _names_a_host(tag: str, attrs) -> bool:
    """<link rel="preconnect"> and the like name hosts, not documents."""
    rel = dict(attrs).get("rel") or ""
    return tag == "link" and any(r in rel.split() for r in ("preconnect", "dns-prefetch"))


PAGES = (".html", ".htm", ".svg")
SCANNED = (*PAGES, ".css", ".xml")
NOTHING = Scanned(frozenset(), ())


def scan(name: str, path: Path) -> Scanned:
    """The ids and links of one output file, by its kind; other files only exist."""
    if not name.endswith(SCANNED):
        return NOTHING
    text = path.read_bytes().decode("utf-8", "replace")
    if name.endswith(PAGES):
        scanner = _PageScanner()
        scanner.feed(text)
        scanner.close()
        return Scanned(frozenset(scanner.ids), tuple(scanner.links))
    if name.endswith(".css"):
        return Scanned(frozenset(), tuple(_regex_links(text, CSS_URL)))
    return Scanned(frozenset(), tuple(_regex_links(text, XML_URL)))


def _regex_links(text: str, pattern: re.Pattern) -> list[Link]:
    links = []
    for match in pattern.finditer(text):
        url = next(group for key, group in match.groupdict().items()
                   if group and key in ("url", "href"))
        line = text.count("\n", 0, match.start()) + 1
        links.append(Link(line, match.start() - text.rfind("\n", 0, match.start()), url))
    return links


def page_url(name: str) -> str:
    """The site path a file is served at: 'zh/x/index.html' is 'zh/x/'."""
    return name[: -len("index.html")] if name.rsplit("/", 1)[-1] == "index.html" else name


def check(folder: Path, urls: Urls, shown: str | None = None) -> list[Problem]:
    """Every broken internal link and #anchor in the site written to `folder`."""
    files = {path.relative_to(folder).as_posix(): path
             for path in sorted(folder.rglob("*")) if path.is_file()}
    scanned = {name: scan(name, path) for name, path in files.items()}
    shown = (shown or folder.as_posix()).rstrip("/")
    problems = []
    for name, page in scanned.items():
        for link in page.links:
            reason = _broken(link.url, name, scanned, urls)
            if reason:
                problems.append(Problem(f"{shown}/{name}", link.line, link.col, "link",
                                        f"{link.url}: {reason}", warning=True))
    return problems


def _broken(url: str, name: str, scanned: dict[str, Scanned], urls: Urls) -> str | None:
    """Why `url`, found in file `name`, leads nowhere; None when it works or is external."""
    if not url or url.lower().startswith(SKIPPED_SCHEMES):
        return None
    site_root = urls.absolute("")
    target = urlsplit(urljoin(urls.absolute(page_url(name)), url))
    whole = target._replace(query="", fragment="").geturl()
    if not (whole + "/").startswith(site_root):
        same_host = target.netloc == urlsplit(site_root).netloc
        return f"outside the site's base path {urls.base_path}" if same_host else None
    path = unquote(whole[len(site_root):])
    file = path + "index.html" if path == "" or path.endswith("/") else path
    if file not in scanned:
        hint = " (add the trailing /)" if f"{path}/index.html" in scanned else ""
        return f"there is no {file} in the site{hint}"
    anchor = unquote(target.fragment)
    if anchor and file.endswith(PAGES) and anchor not in scanned[file].ids:
        return f"{'/' + page_url(file)} has no element with id=\"{anchor}\""
    return None
