"""Check every internal link and #anchor of a built site.

Reads the written output folder (so it sees every file every stage wrote: pages,
static assets, search index, data files) and reports each link that points at a
file that is not there, or at an id that the target page does not have, as a
Problem naming the page, the line and the link.
"""

from __future__ import annotations

import functools
import html
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from builder.core.cache import Cache, digest
from builder.core.parallel import forked_map
from builder.core.errors import Problem
from builder.site.urls import Urls

# Attributes that make the browser fetch or navigate to a URL.
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "formaction", "xlink:href"}
CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
XML_URL = re.compile(r"""<loc>\s*(?P<url>[^<\s]+)\s*</loc>|\shref="(?P<href>[^"]+)\"""")
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "blob:")


class Link(NamedTuple):
    line: int
    col: int
    url: str


SEP = "\0"  # between ids and between URLs in a Scanned: neither can hold it


@dataclass(frozen=True)
class Scanned:
    """What one output file holds, kept small (the build holds one for every file, and
    at 10,000 projects millions of links): the ids it defines and the distinct URLs it
    links to, each as one text. Where a link is broken, the file is read again for its
    line and column (`_located`)."""

    ids_text: str
    urls_text: str

    @classmethod
    def of(cls, ids: Iterable[str], links: Iterable[Link]) -> Scanned:
        urls = dict.fromkeys(link.url for link in links)
        return cls(SEP.join(sorted(set(ids))), SEP.join(urls))

    @functools.cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(self.ids_text.split(SEP)) if self.ids_text else frozenset()

    @property
    def urls(self) -> list[str]:
        return self.urls_text.split(SEP) if self.urls_text else []


# Pages are scanned with expressions, not a parser: a parser takes a third of a
# build on a large site. The pages are our own output, so text never holds a '<'
# (it is escaped); quotes are respected, since an attribute value may hold a '>'.
# (Possessive: a tag's text splits into quoted values and the rest in one way only, so
# giving up no character changes no match and saves the backtracking.)
START_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
WANTED = re.compile(r"(?:^|\s)(?:id|name|srcset|" + "|".join(sorted(URL_ATTRIBUTES))
                    + r")\s*=", re.I)
# Comments and the raw text of scripts and styles hold no tags; blanked, lines kept.
NOT_MARKUP = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)


def _blank(match: re.Match) -> str:
    opening = match.group().split(">", 1)[0] + ">" if match.group(1) else ""
    rest = match.group()[len(opening):]
    return opening + re.sub(r"[^\n]", " ", rest)


def scan_page(text: str) -> tuple[set[str], list[Link]]:
    """The ids and the links (with line and column) of an HTML or SVG page."""
    if "<!--" in text or "<script" in text or "<style" in text:
        text = NOT_MARKUP.sub(_blank, text)
    ids: set[str] = set()
    found: list[Link] = []
    line, counted = 1, 0
    wanted = WANTED.search
    for tag in START_TAG.finditer(text):
        if not wanted(tag.group(2)):
            continue  # most tags: no id and no URL
        attrs = _attributes(tag.group(2))
        if "id" in attrs or (tag.group(1) == "a" and "name" in attrs):
            ids.add(attrs.get("id") or attrs["name"])
        urls = [attrs[a].strip() for a in URL_ATTRIBUTES & attrs.keys()]
        urls += [part.split()[0] for part in attrs.get("srcset", "").split(",") if part.strip()]
        if urls and not _names_a_host(tag.group(1).lower(), attrs):
            line += text.count("\n", counted, tag.start())
            counted = tag.start()
            col = tag.start() - text.rfind("\n", 0, tag.start())
            found.extend(Link(line, col, url) for url in urls)
    return ids, found


def _attributes(text: str) -> dict[str, str]:
    """A tag's attributes by lowercase name, values unescaped (the last of a name wins).
    An attribute without a value, or with an empty one, is ''."""
    attrs = {}
    for name, double, single, bare in ATTRIBUTE.findall(text):
        value = double or single or bare
        attrs[name.lower()] = html.unescape(value) if "&" in value else value
    return attrs


def _names_a_host(tag: str, attrs: dict[str, str]) -> bool:
    """<link rel="preconnect"> and the like name hosts, not documents."""
    return tag == "link" and bool({"preconnect", "dns-prefetch"} & set(attrs.get("rel", "").split()))


PAGES = (".html", ".htm", ".svg")
SCANNED = (*PAGES, ".css", ".xml")
NOTHING = Scanned("", "")


SCANS, BROKEN = "link-scans", "link-broken"  # this stage's tables in the cache


def scan_key(name: str, known: str) -> str:
    """The cache's key for the scan of a file: its bytes, read as the kind its name says."""
    return known + "." + name.rsplit(".", 1)[-1].lower()


def scan_bytes(name: str, data: bytes) -> tuple[Scanned, str]:
    """What the cache keeps of a file's scan: its ids and links, and a digest of its ids.
    The renderer calls it on each page while the page's bytes are at hand (`scan`)."""
    if not name.endswith(SCANNED):
        return NOTHING, digest()
    text = data.decode("utf-8", "replace")
    if name.endswith(PAGES):
        found = Scanned.of(*scan_page(text))
    else:  # (no ids; and a link's place is only looked for when it is broken: _located)
        found = Scanned("", SEP.join(dict.fromkeys(_regex_urls(text, name))))
    return found, _signature(found)


def scan_fragment(html_text: str) -> Scanned:
    """The scan of a piece of a page (rows a shard renders for a page of the merge's)."""
    return Scanned.of(*scan_page(html_text))


def _signature(found: Scanned) -> str:
    """A digest of a file's ids: what a link with an anchor into it depends on."""
    return digest(*found.ids_text.split(SEP)) if found.ids_text else digest()


def joined(scans: Iterable[Scanned]) -> tuple[Scanned, str]:
    """The scan of a file made of parts scanned one by one: their ids and URLs together
    (the order of the URLs is of no matter: a broken one is located by reading the
    file again), as scan_bytes gives it of the whole."""
    ids: set[str] = set()
    urls: dict[str, None] = {}
    for part in scans:
        if part.ids_text:
            ids.update(part.ids_text.split(SEP))
        if part.urls_text:
            urls.update(dict.fromkeys(part.urls_text.split(SEP)))
    found = Scanned(SEP.join(sorted(ids)), SEP.join(urls))
    return found, _signature(found)


class _Scan:
    """The scan the renderer runs on each page it writes (renderer.Inspect)."""

    def __call__(self, name: str, data: bytes) -> tuple[Scanned, str]:
        return scan_bytes(name, data)

    def key(self, name: str, digest: str) -> str:
        return scan_key(name, digest)


scan = _Scan()


def _scan_text(name: str, text: str) -> tuple[set[str], list[Link]]:
    if name.endswith(PAGES):
        return scan_page(text)
    return set(), _regex_links(text, CSS_URL if name.endswith(".css") else XML_URL)


def _located(folder: Path, name: str, reasons: dict[str, str]
             ) -> list[tuple[int, int, str, str]]:
    """(line, column, url, reason) of every link in `name` to one of the broken URLs."""
    text = (folder / name).read_bytes().decode("utf-8", "replace")
    return [(link.line, link.col, link.url, reasons[link.url])
            for link in _scan_text(name, text)[1] if link.url in reasons]


def _regex_urls(text: str, name: str) -> list[str]:
    """The URLs _regex_links finds in a style sheet or an XML file, without their places
    (a site map lists every page of the site)."""
    if name.endswith(".css"):
        return [url for _, url in CSS_URL.findall(text)]
    return [url or href for url, href in XML_URL.findall(text)]


def _regex_links(text: str, pattern: re.Pattern) -> list[Link]:
    links = []
    line, counted = 1, 0
    for match in pattern.finditer(text):
        url = next(group for key, group in match.groupdict().items()
                   if group and key in ("url", "href"))
        line += text.count("\n", counted, match.start())
        counted = match.start()
        links.append(Link(line, match.start() - text.rfind("\n", 0, match.start()), url))
    return links


def page_url(name: str) -> str:
    """The site path a file is served at: 'zh/x/index.html' is 'zh/x/'."""
    return name[: -len("index.html")] if name.rsplit("/", 1)[-1] == "index.html" else name


def check(folder: Path, urls: Urls, shown: str | None = None) -> list[Problem]:
    """Every broken internal link and #anchor in the site written to `folder`."""
    names = {path.relative_to(folder).as_posix(): digest(path.read_bytes())
             for path in sorted(folder.rglob("*")) if path.is_file()}
    return check_output(folder, names, urls, shown or folder.as_posix(), Cache.disabled())


def check_output(folder: Path, names: dict[str, str], urls: Urls, shown: str,
                 cache: Cache, fresh: dict[str, tuple[Scanned, str]] | None = None
                 ) -> list[Problem]:
    """`check` for an output folder whose files (`names`: file → digest of its bytes)
    the build knows: a file is scanned only if its bytes are new (`fresh` holds the
    scans the renderer made of the pages it wrote, by scan_key), and a page's links
    are checked again only if its bytes changed or one of the files its links lead to
    (or would lead to, when missing) appeared, went, or changed its ids."""
    scanned: dict[str, Scanned] = {}
    signatures: dict[str, str] = {}
    scans = {}
    known_scans = cache.table(SCANS)
    for name, known in names.items():
        if not name.endswith(SCANNED):
            scanned[name] = NOTHING
            continue
        key = scan_key(name, known)
        entry = (fresh.get(key) if fresh else None) or known_scans.get(key)
        if entry is None:
            entry = scan_bytes(name, (folder / name).read_bytes())
        scans[key] = entry
        scanned[name], signatures[name] = entry
    cache.keep(SCANS, scans)
    targets = _Targets(cache.table(BROKEN, sharded=False), scanned, signatures,
                       urls.absolute("") + "\0" + urls.base_path)
    problems = []
    shown = shown.rstrip("/")
    todo, found_in = [], {}
    for name in sorted(scanned):
        if not scanned[name].urls_text:
            continue
        found = targets.known(name, names[name])
        if found is None:
            todo.append(name)
        else:
            found_in[name] = found
    pages = _Pages(scanned, urls)
    if not cache.enabled:
        # Nothing to keep for the next check (a merge, a build without its cache): the
        # pages are checked on every core, and only their reasons come back.
        for name, reasons in zip(todo, forked_map(pages.reasons, todo,
                                                  at_least=PARALLEL_MIN_CHECK,
                                                  batch=CHUNK_CHECK)):
            found_in[name] = _located(folder, name, reasons) if reasons else []
    else:
        for name in todo:
            leads_to: set[str] = set()
            reasons = pages.reasons(name, leads_to)
            found_in[name] = _located(folder, name, reasons) if reasons else []
            targets.learn(name, names[name], leads_to, found_in[name])
    for name in sorted(found_in):
        problems.extend(Problem(f"{shown}/{name}", line, col, "link", f"{url}: {reason}",
                                warning=True, code="link.broken")
                        for line, col, url, reason in found_in[name])
    cache.keep(BROKEN, targets.table(), sharded=False)
    return problems


# Below this many pages to check, worker processes cost more than they save; else
# tasks of this many pages.
PARALLEL_MIN_CHECK, CHUNK_CHECK = 2000, 500


class _Pages:
    """The check of one page's links against the site's files (`scanned`)."""

    def __init__(self, scanned: dict[str, Scanned], urls: Urls):
        self.scanned, self.urls = scanned, urls
        self.site_address = urls.base_url + "/"
        # A URL from the site's root (or its address) leads to the same place from any
        # page: its answer, and the files it depends on, are worked out once.
        self.anywhere: dict[str, tuple[str | None, frozenset[str]]] = {}

    def reasons(self, name: str, leads_to: set[str] | None = None) -> dict[str, str]:
        """Why each broken link of page `name` leads nowhere, by URL; the files the
        answers depend on go into `leads_to`."""
        scanned, urls, anywhere = self.scanned, self.urls, self.anywhere
        reasons: dict[str, str] = {}
        here = page_url(name)
        # An index page's links to its own anchors ('#x', the most common link after
        # the site's root paths) are checked against its ids, as _broken would.
        index = here != name and name.endswith(PAGES)
        for url in scanned[name].urls:
            if url[:1] == "/" or url.startswith(self.site_address):
                known = anywhere.get(url) or self.from_anywhere(url)
                reason = known[0]
                if leads_to is not None:
                    leads_to |= known[1]
            elif index and url[:1] == "#" and "%" not in url:
                if leads_to is not None:
                    leads_to.add(name)
                anchor = url[1:]
                reason = None if not anchor or anchor in scanned[name].ids else \
                    f"/{here} has no element with id=\"{anchor}\""
            else:
                reason = _broken(url, name, scanned, urls, leads_to, here)
            if reason:
                reasons[url] = reason
        return reasons

    def rooted(self, url: str) -> bool:
        """Whether `url` is a path from the site's root or its address (from_anywhere)."""
        return url[:1] == "/" or url.startswith(self.site_address)

    def from_anywhere(self, url: str) -> tuple[str | None, frozenset[str]]:
        """The answer for a rooted URL, the same from every page, and the files it
        depends on (worked out once)."""
        known = self.anywhere.get(url)
        if known is None:
            files: set[str] = set()
            known = self.anywhere[url] = (_broken(url, "", self.scanned, self.urls, files),
                                          frozenset(files))
        return known


class Settle:
    """What of a part of the site (a shard: `scans` holds every one of its files, those
    not scanned as NOTHING) the merge needs to check again: a link to a file of the
    part, whose anchor that file has, works in the whole site too (the part's files are
    its files, unchanged), as does a link that leaves the site. What is left of a scan
    are the URLs whose answer the rest of the site decides, and those broken within the
    part (the merge gives their reasons, as a whole build would): the URLs the part's
    own check (_Pages) finds broken, since a file outside the part is missing there."""

    def __init__(self, scans: dict[str, Scanned], urls: Urls):
        self.pages = _Pages(scans, urls)

    def page(self, name: str) -> Scanned:
        """The scan of the part's file `name`, with only the URLs left to check."""
        found, broken = self.pages.scanned[name], self.pages.reasons(name)
        return Scanned(found.ids_text, SEP.join(url for url in found.urls if url in broken))

    def fragment(self, found: Scanned) -> Scanned:
        """The same, for rows the part renders for a page of the merge's: only a path
        from the site's root (or its address) leads to the same place from any page, so
        only those can be settled by the part's files."""
        pages = self.pages
        return Scanned(found.ids_text, SEP.join(
            url for url in found.urls
            if not pages.rooted(url) or pages.from_anywhere(url)[0] is not None))


class _Targets:
    """What the last checks found, page by page, and the files each page's links lead
    to (those that exist, whose ids an anchor may need, and those that do not): a
    page's result holds as long as its bytes and each of those files' presence and ids
    do. The files are numbered in a list that only grows (so that a kept page's
    numbers stay true), until it holds twice the site's files: then it starts over,
    and every page is checked again."""

    def __init__(self, last: dict, scanned: dict[str, Scanned], signatures: dict[str, str],
                 site: str):
        if last.get("site") != site or len(last.get("files", ())) > 2 * len(scanned) + 1000:
            last = {}
        self.site = site
        self.files: list[str] = list(last.get("files", ()))
        self.number = {name: n for n, name in enumerate(self.files)}
        states = last.get("states", ())
        # A file's state: None when it is not in the site, else the digest of its ids.
        self.states = [None if f not in scanned else signatures.get(f, "")
                       for f in self.files]
        self.changed = frozenset(n for n, state in enumerate(self.states)
                                 if n >= len(states) or states[n] != state)
        self.last_pages: dict = last.get("pages", {})
        self.pages: dict = {}
        self.scanned, self.signatures = scanned, signatures

    def known(self, name: str, digest_: str) -> list | None:
        """The broken links found in this page before, if that still holds."""
        key = f"{name}\0{digest_}"
        entry = self.last_pages.get(key)
        if entry is None:
            return None
        leads_to, found = entry
        if self.changed and not self.changed.isdisjoint(array("I", leads_to)):
            return None
        self.pages[key] = entry
        return found

    def learn(self, name: str, digest_: str, leads_to: set[str], found: list) -> None:
        numbers = array("I")
        for file in sorted(leads_to):
            n = self.number.get(file)
            if n is None:
                n = self.number[file] = len(self.files)
                self.files.append(file)
                self.states.append(None if file not in self.scanned
                                   else self.signatures.get(file, ""))
            numbers.append(n)
        self.pages[f"{name}\0{digest_}"] = (numbers.tobytes(), found)

    def table(self) -> dict:
        return {"site": self.site, "files": self.files, "states": self.states,
                "pages": self.pages}


def _broken(url: str, name: str, scanned: dict[str, Scanned], urls: Urls,
            leads_to: set[str] | None = None, here: str | None = None) -> str | None:
    """Why `url`, found in file `name` (served at `here`, page_url), leads nowhere; None
    when it works or is external. The files of the site whose presence or ids the answer
    depends on go into `leads_to`."""
    if not url or url.lower().startswith(SKIPPED_SCHEMES):
        return None
    if here is None:  # (a path from the root leads to the same place from any page)
        here = "" if url[:1] == "/" else page_url(name)
    target = _plain_target(url, here, urls.base_path)
    if target is None and url.startswith(urls.base_url + "/"):
        # The site's own absolute URLs (canonical, alternates): a path from its root.
        target = _plain_target(url[len(urls.base_url):], here, urls.base_path)
    if target is None:
        # Most links are the same few site paths on every page: resolve each once.
        if url.startswith("/") and not url.startswith("//"):
            here = ""  # the same link from any page leads to the same place
        target = _resolve(urls.absolute(here[: here.rfind("/") + 1]), url,
                          urls.absolute(""), urls.base_path)
    if isinstance(target, str):
        return target
    if target is None:
        return None
    path, anchor = target
    file = path + "index.html" if path == "" or path.endswith("/") else path
    if leads_to is not None:
        leads_to.add(file)
    if file not in scanned:
        if leads_to is not None:
            leads_to.add(f"{path}/index.html")
        hint = " (add the trailing /)" if f"{path}/index.html" in scanned else ""
        return f"there is no {file} in the site{hint}"
    if anchor and file.endswith(PAGES) and anchor not in scanned[file].ids:
        return f"{'/' + page_url(file)} has no element with id=\"{anchor}\""
    return None


def _plain_target(url: str, here: str, base_path: str) -> tuple[str, str] | str | None:
    """What `_resolve` gives, worked out without urllib for the two kinds that make
    nearly every link of the site (millions at 10,000 projects): an anchor in the
    same folder ('#x') and a path from the site's root ('/zh/x/#y'). None for any
    other kind of URL, or one with dot segments or backslashes, which `_resolve`
    handles."""
    if url.startswith("#"):
        return here[: here.rfind("/") + 1], _unquoted(url[1:])
    if not url.startswith("/") or url.startswith("//") or "/." in url or "\\" in url:
        return None
    path, _, anchor = url.partition("#")
    path = path.partition("?")[0]
    if not (path + "/").startswith(base_path):
        return f"outside the site's base path {base_path}"
    return _unquoted(path[len(base_path):]), _unquoted(anchor)


def _unquoted(text: str) -> str:
    """unquote, but for the text that has nothing to unquote (nearly all), kept."""
    return unquote(text) if "%" in text else text


@functools.lru_cache(maxsize=65536)
def _resolve(base: str, url: str, site_root: str, base_path: str) -> tuple[str, str] | str | None:
    """(site path, anchor) that `url` on a page in folder `base` leads to; a reason
    string when it leaves the base path on this host; None when it is external."""
    target = urlsplit(urljoin(base, url))
    whole = target._replace(query="", fragment="").geturl()
    if not (whole + "/").startswith(site_root):
        same_host = target.netloc == urlsplit(site_root).netloc
        return f"outside the site's base path {base_path}" if same_host else None
    return unquote(whole[len(site_root):]), unquote(target.fragment)
