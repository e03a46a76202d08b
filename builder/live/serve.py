"""`budgetsite serve`: the live engine (engine.py) behind a local web server; the open
page reloads when what it shows has changed.

- A file watcher (watchdog: inotify on Linux, polling where there is none) reports each
  saved, added, moved or removed file at once. A burst of saves (an editor writing a
  file in several steps, a `git checkout`) is gathered until the files have been quiet
  for QUIET_SECONDS, then handed to the engine as one update; there is no fixed wait.
- Updates are numbered. The engine writes the edited project's pages first and the
  browser showing one of them reloads then; the rest of the site follows, and a page
  that changed in that second pass reloads when it is ready. Pages are served from the
  engine's memory, and every answer is a whole page, old or new.
- A failed update leaves the server running and the last good site in memory; every
  page then shows the error page listing each problem, and the terminal prints the
  same lines. The next good save recovers.
- The reload channel speaks livereload's protocol (its livereload.js client), from the
  same origin: the pages' Content-Security-Policy allows scripts from 'self' only, and
  a channel opened from a page of another Origin is refused. Each open page says which
  address it shows, so only pages that changed reload; a page served before a change
  that says so only after the change's reload went out reloads at once.
- Every answer goes only to a request naming the address the preview binds in its Host
  header (Hosts): the drafts are not for a page of another site whose name was made
  to point at this computer (DNS rebinding).
- The preview writes nothing into the site folder (no output folder, no .cache/), so
  it needs no share of the build lock (lock.py): a `budgetsite build` beside it runs
  as if it were not there.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import mimetypes
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2
from livereload.handlers import LiveReloadJSHandler
from markupsafe import escape
from tornado import httpserver, ioloop, web, websocket
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from builder.core import i18n, messages
from builder.core.errors import ConfigError, ContentError, SiteError
from builder.live.engine import Engine
from builder.outputs import search, search_keys
from builder.render import renderer as render
from builder.site.urls import output_file
from builder.sources import inputs as sources

QUIET_SECONDS = 0.03   # a burst of saves is over when the files are quiet this long
LONGEST_WAIT = 0.3     # ... or when it has lasted this long
MAX_NOTED = 100_000    # pages whose last serving is remembered (ReloadChannel.served)
EDITOR_DROPPINGS = (".swp", ".swx", ".swo", ".tmp", ".part", "~")
HTML = "text/html; charset=utf-8"
MAX_SEGMENT = 255      # bytes in one path segment, as file systems allow


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
    """The engine, the outcome of its last update and the changes waiting for the next."""

    def __init__(self, root: Path, port: int, host: str = "127.0.0.1", lang: str = "en"):
        self.root = root
        self.lang = lang  # of the problems, in the terminal and on the error page
        self.port = port
        self.hosts = Hosts(host, port)
        self.number = 0
        self.failure: Failure | None = None
        self.warnings: tuple[str, ...] = ()
        self.changes: queue.Queue[Path | None] = queue.Queue()
        self.loop: ioloop.IOLoop | None = None
        self.engine = Engine(root, on_first=self.reload, pending=self.pending)

    @property
    def files(self) -> dict[str, bytes]:
        return self.engine.files

    def published(self, name: str) -> bytes | None:
        """A file of the last published build (public/), where it is a regular file
        inside public/ once every link on its way is resolved (a link
        public/pagefind-parts/etc → /etc leads out); `name` has passed safe_parts."""
        folder = os.path.realpath(self.root / "public")
        path = os.path.realpath(os.path.join(folder, name))
        if os.path.commonpath([folder, path]) != folder or path == folder:
            return None
        try:
            return Path(path).read_bytes() if os.path.isfile(path) else None
        except OSError:
            return None

    def watched(self) -> list[Path]:
        """content/ (with site.yaml and districts.yaml), and the templates in use."""
        paths = [self.root / "content", self.root / "site_templates"]
        if render.DEFAULT_TEMPLATES.resolve() != paths[1].resolve():
            paths.append(render.DEFAULT_TEMPLATES)
        return paths

    def pending(self) -> bool:
        return not self.changes.empty()

    # -- in the engine's thread -----------------------------------------------------

    def run(self) -> None:
        """Update the site whenever files change, until told to stop (a None change)."""
        while True:
            paths = self.gather()
            if paths is None:
                return
            if paths:
                self.update(paths)

    def gather(self) -> set[Path] | None:
        """The paths of the next burst of changes; None to stop."""
        first = self.changes.get()
        if first is None:
            return None
        paths, started = {first}, time.monotonic()
        while time.monotonic() - started < LONGEST_WAIT:
            try:
                path = self.changes.get(timeout=QUIET_SECONDS)
            except queue.Empty:
                break
            if path is None:
                self.changes.put(None)
                break
            paths.add(path)
        return paths

    def update(self, paths: set[Path] | None) -> None:
        """One update (the first: everything); its outcome in the terminal and browser."""
        number = self.number + 1
        i18n.catalog.cache_clear()  # the UI strings may have been edited too
        try:
            if paths is None:
                report = self.engine.start()
            else:
                report = self.engine.update(paths)
                if report.nothing:
                    return
                say("budgetsite：源文件有改动，正在重新构建" if self.zh else
                    "budgetsite: sources changed; rebuilding")
        except ContentError as err:
            self.number = number
            errors = sum(1 for p in err.problems if not p.warning)
            self.fail([Message(messages.line(p, self.lang), p.warning) for p in err.problems],
                      f"{errors} 个错误" if self.zh else f"{errors} error(s)")
        except SiteError as err:
            self.number = number
            self.fail([Message(str(err))], "1 个错误" if self.zh else "1 error")
        except jinja2.TemplateError as err:
            self.number = number
            self.fail([Message(render.template_problem(err, self.root, self.lang))],
                      "模板错误" if self.zh else "a template error")
        except Exception as err:  # a bug in budgetsite: keep serving, show where it broke
            self.number = number
            traceback.print_exc()
            self.fail([Message(f"内部错误（budgetsite 的缺陷，详见终端）：{err!r}" if self.zh else
                               f"internal error (a bug in budgetsite, see the terminal): "
                               f"{err!r}")], "内部错误" if self.zh else "an internal error")
        else:
            self.number = number
            self.succeed(report)

    def succeed(self, report) -> None:
        recovered = self.failure is not None
        self.failure = None
        warnings = tuple(messages.line(w, self.lang) for w in report.warnings)
        for warning in warnings:
            if warning not in self.warnings:  # only what is new since the last build
                say(warning, error=True)
        self.warnings = warnings
        pages = report.pages or len(self.files)
        if self.zh:
            first = (f"（编辑的页面用时 {report.first_seconds:.3f} 秒）" if report.first else "")
            state = "；还有更新的改动随后构建" if report.interrupted else ""
            say(f"budgetsite：第 {self.number} 次构建：{pages} 个页面，用时 {report.seconds:.2f} "
                f"秒{first}；{len(warnings)} 个警告{state}")
        else:
            first = (f" (the edited page after {report.first_seconds:.3f} s)"
                     if report.first else "")
            state = "; newer changes follow" if report.interrupted else ""
            say(f"budgetsite: build {self.number}: {pages} pages in {report.seconds:.2f} s"
                f"{first}; {len(warnings)} warning(s){state}")
        self.reload(None if recovered else tuple(report.changed))

    def fail(self, lines, summary: str) -> None:
        # The error page is up before the terminal says so.
        self.failure = Failure(self.number, tuple(lines), self.error_page(lines))
        for line in lines:
            say(str(line), error=True)
        say(f"budgetsite：第 {self.number} 次构建失败，{summary}；在下次构建成功之前，浏览器显示错误页"
            if self.zh else f"budgetsite: build {self.number} failed with {summary}; the "
                            f"browser shows the error page until the next build works",
            error=True)
        self.reload(None)

    def error_page(self, lines) -> bytes:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(
            [str(d) for d in render.template_dirs(self.root)]), autoescape=True)
        try:
            html = env.get_template("pages/error.html").render(number=self.number, problems=lines,
                                                               lang=self.lang)
        except jinja2.TemplateError:  # a broken override of error.html: still show the lines
            items = "".join(f"<li><code>{escape(str(x))}</code></li>" for x in lines)
            html = (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
                    f"<title>Build {self.number} failed</title></head><body><h1>构建失败 · "
                    f"Build {self.number} failed</h1><ol>{items}</ol></body></html>")
        return html.encode("utf-8")

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def reload(self, names: tuple[str, ...] | None) -> None:
        """Tell the open pages among `names` (None: every page) to reload."""
        if self.loop is not None:
            self.loop.add_callback(ReloadChannel.reload, names)


@dataclass(frozen=True)
class Hosts:
    """The names a request may give in its Host header: those of the address the
    preview binds. A page of another site whose name is made to point at 127.0.0.1
    (DNS rebinding) sends its own name, and so is refused the drafts.

    Bound to one address: that address, and `localhost` when it is a loopback one (bound
    to `localhost`: that name and the loopback addresses).
    Bound to every address (0.0.0.0, ::): any address written as digits, and this
    computer's own name; a name of the attacker's never passes."""

    bound: str
    port: int

    def allows(self, host_header: str | None) -> bool:
        name, port = split_host(host_header or "")
        if name is None or port not in (None, self.port):
            return False
        bound = self.bound.strip("[]").lower()
        if name == bound:
            return True
        asked, address = _address(name), _address(bound)
        if address is not None and address.is_unspecified:
            return asked is not None or name in _own_names()
        if bound == "localhost":
            return asked is not None and asked.is_loopback
        return name == "localhost" and address is not None and address.is_loopback


def split_host(value: str) -> tuple[str | None, int | None]:
    """('127.0.0.1', 8000) from '127.0.0.1:8000', ('::1', None) from '[::1]'; (None,
    None) when it is not a host."""
    try:
        parts = urlsplit("//" + value.strip())
        port = parts.port
    except ValueError:
        return None, None
    name = (parts.hostname or "").rstrip(".")
    if not name or parts.username is not None or parts.path or parts.query:
        return None, None
    return name.lower(), port


def _address(name: str):
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


@functools.cache
def _own_names() -> frozenset[str]:
    return frozenset({socket.gethostname().lower(), socket.getfqdn().lower(), "localhost"})


class ReloadChannel(websocket.WebSocketHandler):
    """livereload's protocol: the client says hello, then which page it shows.

    A page can be served before a change and say which page it shows only after the
    reload for that change was sent (an error page still loading when the fix is
    saved): it would show what is gone until the next change. So each reload counts a
    generation, each page served notes the generation it was served at (in the IO
    thread, where the reloads are sent: a page served before a change is noted before
    the change's reload counts), and a page that says who it is after its generation
    has passed is told to reload at once."""

    open_pages: dict["ReloadChannel", str] = {}
    generation = 0
    served: dict[str, int] = {}  # page file → the generation it was last served at

    def initialize(self, hosts: Hosts) -> None:
        self.hosts = hosts

    def prepare(self) -> None:
        if not self.hosts.allows(self.request.headers.get("Host")):
            raise web.HTTPError(403)

    def check_origin(self, origin: str) -> bool:
        """Only a page of the preview itself: the Origin is the address asked for."""
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return (parts.scheme == "http" and self.hosts.allows(parts.netloc)
                and parts.netloc.lower() == self.request.headers.get("Host", "").lower())

    def on_message(self, message) -> None:
        try:
            said = json.loads(message)
            command = said.get("command")
            url = said.get("url")
            if command == "info" and isinstance(url, str):
                page = page_file(urlsplit(url).path)
                self.open_pages[self] = page
                if self.served.get(page, 0) < self.generation:
                    self.tell(page)
        except (ValueError, TypeError, AttributeError, RecursionError):
            return  # not the protocol: ignore, as livereload.js ignores what it does not know
        if command == "hello":
            self.write_message({"command": "hello", "serverName": "budgetsite",
                                "protocols": ["http://livereload.com/protocols/official-7"]})

    def on_close(self) -> None:
        self.open_pages.pop(self, None)

    def tell(self, page: str) -> None:
        try:
            self.write_message({"command": "reload", "path": "/" + page,
                                "liveCSS": False, "liveImg": False})
        except websocket.WebSocketClosedError:
            self.open_pages.pop(self, None)

    @classmethod
    def reload(cls, names: tuple[str, ...] | None) -> None:
        if names == ():
            return
        cls.generation += 1
        wanted = None if names is None else set(names)
        for channel, page in list(cls.open_pages.items()):
            if wanted is None or page in wanted:
                channel.tell(page)


def page_file(path: str) -> str:
    """The output file a browser at `path` shows: '/zh/' → 'zh/index.html', '/' →
    'index.html'; a path that names no file of the site names none here either."""
    parts = safe_parts(path) or []
    name = "/".join(parts)
    return output_file(name + "/" if path.endswith("/") and name else name)


def ignored(path: str) -> bool:
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(EDITOR_DROPPINGS) or name == "4913"


def safe_parts(raw_path: str) -> list[str] | None:
    """The path's segments, or None for anything that could leave the site folder."""
    path = unquote(raw_path)
    if "\\" in path or "\x00" in path:
        return None
    parts = [p for p in path.split("/") if p]
    if any(len(p.encode("utf-8", "surrogatepass")) > MAX_SEGMENT for p in parts):
        return None
    return None if any(p in (".", "..") for p in parts) else parts


def inject_livereload(html: bytes, port: int) -> bytes:
    tag = f'<script src="/livereload.js?port={port}"></script>'.encode()
    for marker in (b"</head>", b"</body>"):
        if marker in html:
            return html.replace(marker, tag + marker, 1)
    return html + tag


# The engine makes no search index (Pagefind indexes a whole site); the preview serves
# the one of the last `budgetsite build` in the site's public/ (its parts, and the rows
# "download these results" reads, and the key index of exact things), if there is one,
# so the search page works there, with results as of that build.
SEARCH_FOLDERS = (search.BUNDLE, search.PARTS, search.ROWS, search_keys.FOLDER)

NOT_FOUND = ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
             "<title>404</title></head><body><h1>找不到此页 · Page not found</h1>"
             "<p><a href='/'>首页 · Home</a></p></body></html>").encode("utf-8")


class PreviewHandler(web.RequestHandler):
    """The engine's files; the error page while the last update failed."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        if not self.preview.hosts.allows(self.request.headers.get("Host")):
            self.set_header("Cache-Control", "no-store")
            self.send(403, "text/plain; charset=utf-8",
                      b"refused: this preview answers only to the address it serves on\n",
                      self.request.method != "HEAD")

    def compute_etag(self) -> None:
        return None

    def get(self) -> None:
        self.respond(body=True)

    def head(self) -> None:
        self.respond(body=False)

    def respond(self, body: bool) -> None:
        self.set_header("Cache-Control", "no-store")
        parts = safe_parts(self.request.path)
        if parts is None:
            return self.send(403, "text/plain; charset=utf-8",
                             b"refused: this path is outside the site\n", body)
        files = self.preview.files
        name = "/".join(parts)
        if name not in files and f"{name}/index.html".lstrip("/") in files:
            if parts and not self.request.path.endswith("/"):
                return self.redirect("/" + "/".join(quote(p) for p in parts) + "/")
            name = f"{name}/index.html".lstrip("/")
        page = name.endswith(".html") or "." not in name.rsplit("/", 1)[-1] or name not in files
        failure = self.preview.failure
        if page:
            if len(ReloadChannel.served) > MAX_NOTED:  # a page forgotten reloads once
                ReloadChannel.served.clear()
            ReloadChannel.served[page_file(self.request.path)] = ReloadChannel.generation
        if failure and page:
            return self.send(500, HTML, inject_livereload(failure.page, self.preview.port), body)
        data = files.get(name)
        if data is None and parts[:1] and parts[0] in SEARCH_FOLDERS:
            data = self.preview.published(name)
        if data is None:
            return self.not_found(body)
        if name.endswith(".html"):
            data = inject_livereload(data, self.preview.port)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.send(200, HTML if kind == "text/html" else kind, data, body)

    def not_found(self, body: bool) -> None:
        page = self.preview.files.get("404.html", NOT_FOUND)
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


# The events that mean a change. Asked of the kernel (the inotify mask), not filtered
# afterwards: the engine reads every source when it starts, and at 10,000 projects the
# open, access and close events of those reads would queue ahead of the first save.
CHANGES = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
           FileClosedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class Watch(FileSystemEventHandler):
    """Hands every path a file event names to the preview's queue of changes."""

    KINDS = frozenset({"created", "deleted", "modified", "moved"})

    def __init__(self, preview: Preview, observer, roots: list[Path]):
        self.preview, self.observer = preview, observer
        self.watching: dict[Path, Any] = {}  # folder → its watch
        for path in roots:
            self.watch(path)
        # A site_templates/ made after the start, or a content/ removed and made anew,
        # is watched from then on.
        observer.schedule(self, str(preview.root), recursive=False, event_filter=CHANGES)

    def watch(self, path: Path) -> None:
        """Watch the folder at `path` as it is now. A watch names the folder it was
        made on, not the name: a folder removed and made again under the same name
        is another folder, which the old watch never sees, so it is made again."""
        old = self.watching.pop(path, None)
        if old is not None:
            try:
                self.observer.unschedule(old)
            except (KeyError, OSError):
                pass  # its emitter stopped when its folder went
        if path.is_dir():
            self.watching[path] = self.observer.schedule(self, str(path), recursive=True,
                                                         event_filter=CHANGES)

    def on_any_event(self, event) -> None:
        if event.event_type not in self.KINDS:
            return  # opened, closed: reading is not changing
        if event.is_directory and event.event_type == "modified":
            return  # a file inside changed: its own event says which
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw or ignored(raw):
                continue
            path = Path(raw)
            if path.parent == self.preview.root:
                if path.name not in ("content", "site_templates"):
                    continue
                self.watch(path)
            self.preview.changes.put(path)


class HostCheckedScript(LiveReloadJSHandler):
    """livereload.js, to the preview's own Host names only (as every other answer)."""

    def initialize(self, hosts: Hosts) -> None:
        self.hosts = hosts

    def prepare(self) -> None:
        if not self.hosts.allows(self.request.headers.get("Host")):
            raise web.HTTPError(403)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _interrupt(signum, frame) -> None:
    """SIGTERM before the server serves (the first build): stop as Ctrl+C does."""
    raise KeyboardInterrupt


def application(preview: Preview) -> web.Application:
    return web.Application([
        (r"/livereload", ReloadChannel, {"hosts": preview.hosts}),
        (r"/livereload\.js", HostCheckedScript, {"hosts": preview.hosts}),
        (r".*", PreviewHandler, {"preview": preview}),
    ], log_function=lambda handler: None)


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", lang: str = "en") -> int:
    """Build, serve and update until interrupted (Ctrl+C); the problems said in `lang`."""
    if not (root / "content").is_dir():
        raise ConfigError(f"{root / 'content'}: no content/ folder here; use --root to "
                          f"point at a site folder")
    root = root.resolve()
    preview = Preview(root, port, host, lang)
    server = httpserver.HTTPServer(application(preview))
    try:
        server.listen(port, address=host)
    except OSError as err:
        raise ConfigError(f"cannot serve on {host}:{port}: {err.strerror}; "
                          f"try another --port") from None
    observer = Observer()
    Watch(preview, observer, preview.watched())
    signal.signal(signal.SIGTERM, _interrupt)
    worker = threading.Thread(target=preview.run, name="budgetsite-engine", daemon=True)
    try:
        # The first build, the whole site, before any other thread runs: only then may
        # it fork render workers (core.parallel.single_threaded); later updates render
        # in the engine's thread. What changed meanwhile is caught up at once.
        before = sources.fingerprint(root, "serve")
        preview.update(None)
        observer.start()
        if before is None or sources.fingerprint(root, "serve") != before:
            for path in preview.watched():
                preview.changes.put(path)
        worker.start()
        preview.loop = ioloop.IOLoop.current()
        # Serving, a stop signal stops the loop by asyncio's own handling of signals:
        # a KeyboardInterrupt raised by a Python signal handler is lost when it lands
        # in a finalizer (CPython prints "Exception ignored" and goes on), and the
        # server would go on serving.
        for number in STOP_SIGNALS:
            preview.loop.asyncio_loop.add_signal_handler(number, preview.loop.stop)
        say(f"budgetsite：预览地址 http://{host}:{port}/（监视 content/ 和 site_templates/；"
            f"按 Ctrl+C 停止）" if preview.zh else
            f"budgetsite: serving http://{host}:{port}/ (watching content/ and "
            f"site_templates/; press Ctrl+C to stop)")
        preview.loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        if preview.loop is not None:
            for number in STOP_SIGNALS:
                preview.loop.asyncio_loop.remove_signal_handler(number)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        observer.stop()
        preview.changes.put(None)
        server.stop()
        if worker.is_alive():
            worker.join(timeout=5)
    say("budgetsite：已停止" if preview.zh else "budgetsite: stopped")
    return 0
