"""`budgetsite serve`: build into a preview folder, serve it and rebuild when the sources
change; the open page reloads through livereload.

- Builds are numbered. A rebuild starts once the changes have settled (nothing new for
  SETTLE_SECONDS), so a burst of saves gives one rebuild.
- The build runs beside the server: until it has swapped the new site into place (the
  build's atomic swap), the server keeps answering with the last complete site.
- A failed build leaves the server running; every page then shows the error page
  listing each problem, and the terminal prints the same lines.
- livereload's watcher finds the changes and its WebSocket handler tells the browser to
  reload; the pages are served here, not by livereload, because livereload would inject
  an inline script, which the pages' Content-Security-Policy (scripts from 'self' only)
  blocks. Here the page gets <script src="/livereload.js">, from the same origin.
"""

from __future__ import annotations

import logging
import mimetypes
import signal
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote

import jinja2
from markupsafe import escape
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import ioloop, web

from . import i18n, render
from .build import BuildConfig, build
from .errors import ConfigError, ContentError, SiteError

SETTLE_SECONDS = 1.0
TICK_MS = 250
EDITOR_DROPPINGS = (".swp", ".swx", ".swo", ".tmp", ".part", "~")
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Message:
    """A line of the error page that is not a located Problem (a setup or template error)."""

    text: str
    warning: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Failure:
    number: int
    lines: tuple[Any, ...]
    page: bytes


def say(text: str, error: bool = False) -> None:
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


class Preview:
    """The preview folder, the outcome of the last build and the pending changes."""

    def __init__(self, root: Path, out: Path, port: int):
        self.root = root
        self.out = out
        self.port = port
        self.number = 0
        self.failure: Failure | None = None
        self.warnings: tuple[str, ...] = ()
        self.changed_at: float | None = None
        self.building = False
        self.executor = ThreadPoolExecutor(max_workers=1)

    def watched(self) -> list[Path]:
        """content/ (with site.yaml and districts.yaml), and the templates in use."""
        paths = [self.root / "content", self.root / "site_templates"]
        if render.PACKAGE_TEMPLATES.resolve() != paths[1].resolve():
            paths.append(render.PACKAGE_TEMPLATES)
        return paths

    def rebuild(self) -> None:
        """One build into the preview folder. Runs in the worker thread."""
        self.number += 1
        i18n.catalog.cache_clear()  # the UI strings may have been edited too
        try:
            # No search index: it is the slowest step, and a preview does not need it.
            report = build(BuildConfig(self.root, self.out, base_path="/", search=False))
        except ContentError as err:
            errors = sum(1 for p in err.problems if not p.warning)
            self.fail(err.problems, f"{errors} error(s)")
        except SiteError as err:
            self.fail([Message(str(err))], "1 error")
        except jinja2.TemplateError as err:
            self.fail([Message(render.template_problem(err, self.root))], "a template error")
        except Exception as err:  # a bug in budgetsite: keep serving, show where it broke
            traceback.print_exc()
            self.fail([Message(f"internal error (a bug in budgetsite, see the terminal): "
                               f"{err!r}")], "an internal error")
        else:
            self.succeed(report)

    def succeed(self, report) -> None:
        self.failure = None
        warnings = tuple(str(w) for w in report.warnings)
        for warning in warnings:
            if warning not in self.warnings:  # only what is new since the last build
                say(warning, error=True)
        self.warnings = warnings
        say(f"budgetsite: build {self.number}: {report.pages} pages in "
            f"{report.seconds:.2f} s; {len(warnings)} warning(s)")

    def fail(self, lines, summary: str) -> None:
        # The error page is up before the terminal says so.
        self.failure = Failure(self.number, tuple(lines), self.error_page(lines))
        for line in lines:
            say(str(line), error=True)
        say(f"budgetsite: build {self.number} failed with {summary}; the browser shows "
            f"the error page until the next build works", error=True)

    def error_page(self, lines) -> bytes:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(
            [str(d) for d in render.template_dirs(self.root)]), autoescape=True)
        try:
            html = env.get_template("error.html").render(number=self.number, problems=lines)
        except jinja2.TemplateError:  # a broken override of error.html: still show the lines
            items = "".join(f"<li><code>{escape(str(x))}</code></li>" for x in lines)
            html = (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
                    f"<title>Build {self.number} failed</title></head><body><h1>构建失败 · "
                    f"Build {self.number} failed</h1><ol>{items}</ol></body></html>")
        return html.encode("utf-8")

    # -- on the server's event loop -----------------------------------------------

    def mark_changed(self) -> None:
        self.changed_at = time.monotonic()

    def tick(self) -> None:
        """Start a rebuild once the changes have settled and no build is running."""
        if self.building or self.changed_at is None:
            return
        if time.monotonic() - self.changed_at < SETTLE_SECONDS:
            return
        self.changed_at = None
        self.building = True
        say("budgetsite: sources changed; rebuilding")
        loop = ioloop.IOLoop.current()
        loop.add_future(loop.run_in_executor(self.executor, self.rebuild), self.built)

    def built(self, _future) -> None:
        self.building = False
        LiveReloadHandler.reload_waiters("*")


class SettlingWatcher(Watcher):
    """livereload's polling watcher, reporting no change back to livereload: its tasks
    (Preview.mark_changed) run as usual, but the reload waits for the rebuild instead of
    going out the moment a file is saved."""

    def examine(self):
        super().examine()
        return None, None


def ignored(path: str) -> bool:
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(EDITOR_DROPPINGS) or name == "4913"


def safe_parts(raw_path: str) -> list[str] | None:
    """The path's segments, or None for anything that could leave the site folder."""
    path = unquote(raw_path)
    if "\\" in path or "\x00" in path:
        return None
    parts = [p for p in path.split("/") if p]
    return None if any(p in (".", "..") for p in parts) else parts


def inject_livereload(html: bytes, port: int) -> bytes:
    tag = f'<script src="/livereload.js?port={port}"></script>'.encode()
    for marker in (b"</head>", b"</body>"):
        if marker in html:
            return html.replace(marker, tag + marker, 1)
    return html + tag


NOT_FOUND = ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
             "<title>404</title></head><body><h1>找不到此页 · Page not found</h1>"
             "<p><a href='/'>首页 · Home</a></p></body></html>").encode("utf-8")


class PreviewHandler(web.RequestHandler):
    """Files of the preview folder; the error page while the last build failed."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def compute_etag(self) -> None:
        return None

    def get(self) -> None:
        self.respond(body=True)

    def head(self) -> None:
        self.respond(body=False)

    def respond(self, body: bool) -> None:
        self.set_header("Cache-Control", "no-store")
        parts = safe_parts(self.request.path)
        out = self.preview.out
        target = out.joinpath(*parts) if parts is not None else None
        if target is None or not target.resolve().is_relative_to(out.resolve()):
            return self.send(403, "text/plain; charset=utf-8",
                             b"refused: this path is outside the site\n", body)
        if target.is_dir() and not self.request.path.endswith("/"):
            return self.redirect("/" + "/".join(quote(p) for p in parts) + "/")
        if target.is_dir():
            target = target / "index.html"
        page = target.suffix in ("", ".html") or not target.is_file()
        failure = self.preview.failure
        if failure and page:
            return self.send(500, HTML, inject_livereload(failure.page, self.preview.port), body)
        try:
            data = target.read_bytes()
        except OSError:
            return self.not_found(body)
        if target.suffix == ".html":
            data = inject_livereload(data, self.preview.port)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send(200, HTML if kind == "text/html" else kind, data, body)

    def not_found(self, body: bool) -> None:
        custom = self.preview.out / "404.html"
        page = custom.read_bytes() if custom.is_file() else NOT_FOUND
        self.send(404, HTML, inject_livereload(page, self.preview.port), body)

    def send(self, status: int, kind: str, data: bytes, body: bool) -> None:
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("X-Content-Type-Options", "nosniff")
        if body:
            self.write(data)
        else:
            self.set_header("Content-Length", str(len(data)))
        self.finish()


class PreviewServer(Server):
    """livereload's Server with our own HTTP handler in front of its reload channel."""

    def __init__(self, preview: Preview, announce: Callable[[str], None]):
        super().__init__(watcher=SettlingWatcher())
        self.preview = preview
        self.announce = announce

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = False
        app = web.Application([
            (r"/livereload", LiveReloadHandler),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r".*", PreviewHandler, {"preview": self.preview}),
        ], log_function=lambda handler: None)
        app.listen(port, address=host)
        ioloop.PeriodicCallback(self.preview.tick, TICK_MS).start()
        self.announce(f"http://{host}:{port}/")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1") -> int:
    """Build, serve and rebuild until interrupted (Ctrl+C)."""
    if not (root / "content").is_dir():
        raise ConfigError(f"{root / 'content'}: no content/ folder here; use --root to "
                          f"point at a site folder")
    with tempfile.TemporaryDirectory(prefix="budgetsite-preview-") as folder:
        preview = Preview(root, Path(folder) / "site", port)
        preview.rebuild()
        server = PreviewServer(preview, lambda url: say(
            f"budgetsite: serving {url} (watching content/ and site_templates/; "
            f"press Ctrl+C to stop)"))
        for path in preview.watched():
            server.watch(str(path), preview.mark_changed, ignore=ignored)
        logging.getLogger("livereload").addFilter(lambda r: r.levelno >= logging.WARNING)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve(port=port, host=host, restart_delay=0)
        except KeyboardInterrupt:
            pass  # stopped before livereload's own Ctrl+C handling was in place
        except OSError as err:
            raise ConfigError(f"cannot serve on {host}:{port}: {err.strerror}; "
                              f"try another --port") from None
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            preview.executor.shutdown(wait=True)
    say("budgetsite: stopped")
    return 0
