"""Ten search queries on a built corpus, as a journalist types them, each timed in
headless Chromium from a first visit (nothing cached) to the first result shown, with
the bytes the page downloaded by then. For bench/run (`--only queries`); needs
Playwright and a Chromium (tests/conftest.py's), not part of the standard library.

The queries name projects of the corpus itself (its middle project, a programme, a
unit), so that each has a right answer: the row says whether it came first."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import yaml

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DOCUMENT = re.compile(r"（([^（）]+〔\d{4}〕\d+号)）")
# Targets of the issue: a name (or a number, code or amount) query's first results in
# 0.5 s and 300 KB; any query's in 1.0 s.
EXACT_SECONDS, EXACT_KB, ANY_SECONDS = 0.5, 300, 1.0


@dataclass
class Query:
    label: str
    lang: str
    text: str
    expected: str | None  # the project id that must come first, for an exact query

    @property
    def exact(self) -> bool:
        return self.expected is not None


@dataclass
class QueryResult:
    query: Query
    seconds: list[float]
    kilobytes: list[float]
    first: str  # the first result's project id

    @property
    def right(self) -> str:
        if not self.query.exact:
            return "-"
        return "yes" if self.first == self.query.expected else "NO"


def queries(site: Path) -> list[Query]:
    """The ten queries, from the corpus's own projects."""
    folders = sorted((site / "content" / "projects").glob("*/*/*/project.yaml"))
    texts = [path.read_text("utf-8") for path in folders]
    # the project in the middle, or the next whose name no other project has
    names = [re.search(r"^name:\n  zh: (.*)$", text, re.MULTILINE).group(1) for text in texts]
    middle = next(folders[n] for n in range(len(folders) // 2, len(folders))
                  if names.count(names[n]) == 1)
    data = yaml.safe_load(middle.read_text("utf-8"))
    key = middle.parent.relative_to(site / "content" / "projects").as_posix()
    amount = float(data["funding"]["budget_year"])
    later = next((p for p, t in zip(reversed(folders), reversed(texts)) if "continues:" in t), middle)
    later_data = yaml.safe_load(later.read_text("utf-8"))
    later_key = later.parent.relative_to(site / "content" / "projects").as_posix()
    return [
        Query("full Chinese name", "zh", data["name"]["zh"], key),
        Query("full English name", "en", data["name"]["en"], key),
        Query("document number", "zh", DOCUMENT.search(data["basis"]["zh"]).group(1), key),
        Query("unit code", "en", data["unit"]["code"], None),  # the unit's projects, newest first
        Query("amount as printed (万元)", "zh", f"{amount / 10_000:.2f}万元", key),
        Query("amount as printed (元, separators)", "en", f"{amount:,.2f}", key),
        Query("programme name (its years, newest first)", "zh", later_data["name"]["zh"],
              later_key),
        Query("a common Chinese word", "zh", "医疗救助", None),
        Query("English words", "en", "forest fire prevention", None),
        Query("Chinese words on the English page", "en", "森林防火", None),
    ]


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the site and notes each file sent: (time it was asked for, path, bytes).
    The server counts, not the page: Pagefind fetches its index from a web worker,
    which the page's Resource Timing does not see."""

    sent: ClassVar[list[tuple[float, str, int]]] = []

    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        self.sent.append((self.asked, self.path, os.fstat(source.fileno()).st_size))
        super().copyfile(source, outputfile)

    def parse_request(self) -> bool:
        self.asked = time.time()
        return super().parse_request()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a browser closing a connection early (the next query) is not news


@contextlib.contextmanager
def served(folder: Path):
    server = _Server(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure(site: Path, repeat: int) -> list[QueryResult]:
    """Each query `repeat` times, each in a new browser context (a first visit)."""
    from playwright.sync_api import sync_playwright
    results = []
    with served(site / "public") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for query in queries(site):
                runs = [_once(browser, url, query) for _ in range(repeat)]
                results.append(QueryResult(query, [r[0] for r in runs], [r[1] for r in runs],
                                           runs[-1][2]))
        finally:
            browser.close()
    return results


# In the page: when the first result shows, in ms from the navigation's start, and the
# navigation's start in ms since the epoch.
WATCH = """
new MutationObserver((_, observer) => {
  if (window.__first === undefined && document.querySelector(".search-result h3 a")) {
    window.__first = performance.now();
    window.__origin = performance.timeOrigin;
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


def _once(browser, url: str, query: Query) -> tuple[float, float, str]:
    context = browser.new_context(bypass_csp=True)  # for the watcher, not the page's own
    page = context.new_page()
    page.add_init_script(WATCH)
    _Quiet.sent.clear()
    try:
        page.goto(f"{url}{query.lang}/search/?q={quote(query.text)}")
        page.wait_for_function("window.__first !== undefined", timeout=60_000)
        seconds = page.evaluate("window.__first") / 1000
        shown = (page.evaluate("window.__origin") + page.evaluate("window.__first")) / 1000
        kilobytes = sum(size for asked, _, size in list(_Quiet.sent) if asked <= shown) / 1000
        href = page.locator(".search-result h3 a").first.get_attribute("href") or ""
        first = href.strip("/").split("/", 1)[-1]
    finally:
        context.close()
    return seconds, kilobytes, first


def table(results: list[QueryResult]) -> list[list[str]]:
    lines = [["query", "lang", "first results (median)", "KB by then", "target", "met",
              "right project first"]]
    for result in results:
        seconds = statistics.median(result.seconds)
        kilobytes = statistics.median(result.kilobytes)
        if result.query.exact:
            target = f"≤ {EXACT_SECONDS:g} s, ≤ {EXACT_KB} KB"
            met = seconds <= EXACT_SECONDS and kilobytes <= EXACT_KB
        else:
            target, met = f"≤ {ANY_SECONDS:g} s", seconds <= ANY_SECONDS
        lines.append([f"{result.query.label}: {result.query.text}", result.query.lang,
                      f"{seconds:.3f} s", f"{kilobytes:,.0f}", target, "yes" if met else "NO",
                      result.right])
    return lines
