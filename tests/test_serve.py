"""`budgetsite serve`: the preview server, run as staff run it, in a subprocess.

Waits are generous (a slow machine only makes a test slower); nothing asserts a time.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, copy_site, run_budgetsite

from builder.live.serve import Hosts, page_file, safe_parts

WAIT = 120  # seconds; only ever reached when something is wrong
WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance"
WUHUA_PAGE = "/zh/wuhua/2025/urban-rural-medical-assistance/"
PROBLEM = re.compile(r"^\S+:\d+:\d+: .+$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """`budgetsite serve` in a subprocess, with its terminal output collected line by line."""

    def __init__(self, root: Path, *options: str, env: dict | None = None):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--root", str(root),
             "--port", str(self.port), *options],
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, text: str, start: int = 0) -> int:
        """The index of the first line from `start` on that contains `text`."""
        deadline = time.monotonic() + WAIT
        with self.changed:
            while True:
                for i in range(start, len(self.lines)):
                    if text in self.lines[i]:
                        return i
                assert self.process.poll() is None, "\n".join(self.lines)
                assert time.monotonic() < deadline, f"no {text!r} in:\n" + "\n".join(self.lines)
                self.changed.wait(1)

    def get(self, path: str, method: str = "GET") -> tuple[int, str, bytes]:
        request = urllib.request.Request(self.url + path, method=method)
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers["Content-Type"], err.read()

    def raw(self, target: str, host: str | None = None) -> tuple[int, bytes]:
        """Send a request line exactly as given, without any client cleaning the path."""
        host = f"127.0.0.1:{self.port}" if host is None else host
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as conn:
            conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n"
                         f"Connection: close\r\n\r\n".encode("latin-1"))
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        return int(data.split(b" ", 2)[1]), data

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)
        return "\n".join(self.lines)


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(tmp_path / "site")


@pytest.fixture
def preview(site):
    server = Preview(site)
    server.wait_for("budgetsite: serving")
    yield server
    server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_lines(root: Path, *options: str) -> list[str]:
    """What `budgetsite check` says about the sources: the lines the error page must show."""
    result = run_budgetsite("check", "--root", root, *options)
    assert result.returncode == 1
    return [line for line in result.stderr.splitlines() if PROBLEM.match(line)]


def page_text(body: bytes) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", body.decode("utf-8")))


# ---- the path guard, on its own ---------------------------------------------------

@pytest.mark.parametrize("raw, parts", [
    ("/", []),
    ("/zh/wuhua/", ["zh", "wuhua"]),
    ("/static/style.css", ["static", "style.css"]),
    ("/zh/%E6%90%9C/", ["zh", "搜"]),
    ("//zh//", ["zh"]),
    ("/../etc/passwd", None),
    ("/zh/../../etc/passwd", None),
    ("/%2e%2e/etc/passwd", None),
    ("/%2E%2E%2Fetc%2Fpasswd", None),
    ("/static/..%2f..%2fetc", None),
    ("/..%5c..%5cetc", None),
    ("/./zh/", None),
    ("/zh/%00/", None),
])
def test_safe_parts(raw, parts):
    assert safe_parts(raw) == parts


@pytest.mark.parametrize("bound, allowed, refused", [
    ("127.0.0.1", ["127.0.0.1:8000", "localhost:8000", "127.0.0.1"],
     ["evil.example:8000", "127.0.0.2:8000", "127.0.0.1:8001", "[::1]:8000", "", "a@b",
      "127.0.0.1:8000/x", "127.0.0.1:99999"]),
    ("0.0.0.0", ["10.0.0.5:8000", "127.0.0.1:8000", "[::1]:8000", "localhost:8000"],
     ["evil.example:8000", "10.0.0.5.nip.io:8000"]),
    ("localhost", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"],
     ["evil.example:8000", "10.0.0.5:8000"]),
])
def test_the_host_names_the_preview_answers(bound, allowed, refused):
    hosts = Hosts(bound, 8000)
    assert [h for h in allowed if not hosts.allows(h)] == []
    assert [h for h in refused if hosts.allows(h)] == []


# ---- serving -------------------------------------------------------------------------

@pytest.mark.parametrize("path, name", [
    ("/", "index.html"), ("/zh/", "zh/index.html"), ("/zh/wuhua/2025/x/", "zh/wuhua/2025/x/index.html"),
    ("/data/projects.csv", "data/projects.csv"), ("/../etc/passwd", "index.html"),
])
def test_an_open_page_is_known_by_the_file_it_shows(path, name):
    """The reload channel tells a page to reload when the file it shows changed."""
    assert page_file(path) == name


def test_serves_the_site_with_a_same_origin_reload_script(preview):
    status, kind, body = preview.get(WUHUA_PAGE)
    assert status == 200 and kind.startswith("text/html")
    head = body.split(b"</head>")[0]
    assert f'<script src="/livereload.js?port={preview.port}"></script>'.encode() in head
    assert "城乡医疗救助专项资金".encode() in body
    status, kind, script = preview.get(f"/livereload.js?port={preview.port}")
    assert status == 200 and "javascript" in kind and b"LiveReload" in script
    status, kind, css = preview.get("/static/style.css")
    assert status == 200 and kind.startswith("text/css") and b"livereload" not in css
    assert preview.get(WUHUA_PAGE, method="HEAD")[0] == 200
    with urllib.request.urlopen(preview.url + "/zh", timeout=WAIT) as response:
        assert response.url == preview.url + "/zh/"
    status, _, missing = preview.get("/zh/no-such-page/")
    assert status == 404 and b"/livereload.js" in missing


def test_refuses_paths_outside_the_site(preview, site):
    secret = (site / "content" / "site.yaml").as_posix().lstrip("/")
    up = "/.." * 20
    targets = [
        f"{up}/etc/passwd",
        f"{up}/{secret}",
        "/%2e%2e" * 20 + "/etc/passwd",
        "/%2E%2E%2F" * 20 + "etc%2Fpasswd",
        "/static" + "/..%2f" * 20 + "etc/passwd",
        "/zh" + "/%2e%2e" * 20 + "/" + secret,
        "/..%5c" * 20 + "etc%5cpasswd",
        "/.%2e" * 20 + "/etc/passwd",
        "/%252e%252e" * 20 + "/etc/passwd",
        "../../../../../../../../../etc/passwd",
        f"//{secret}",
    ]
    for target in targets:
        status, data = preview.raw(target)
        assert status in (400, 403, 404), (target, data[:200])
        assert b"root:" not in data and b"base_url" not in data, target
    assert preview.raw(WUHUA_PAGE)[0] == 200  # still serving


def test_odd_requests_get_an_answer_not_a_traceback(preview):
    """A path segment longer than a file name may be, and a reload channel spoken to in
    something other than its protocol: a plain refusal, and the server goes on."""
    status, data = preview.raw("/zh/" + "a" * 300 + "/")
    assert status in (403, 404) and b"Traceback" not in data
    from tornado import httpclient, ioloop, websocket  # livereload's server library

    async def talk() -> None:
        channel = await websocket.websocket_connect(f"ws://127.0.0.1:{preview.port}/livereload")
        for message in ("not json", "[1, 2]", '{"command": 5}', '{"command": "info"}', "\x00",
                        '{"command":"info","url":"http://[::1"}', "[" * 100_000,
                        '{"command":"info","url":"http://a:99999/"}'):
            await channel.write_message(message)
        await channel.write_message('{"command": "hello", "protocols": []}')
        answer = await channel.read_message()
        assert answer is not None and '"hello"' in answer
        channel.close()
    ioloop.IOLoop.current().run_sync(talk, timeout=WAIT)
    assert preview.raw(WUHUA_PAGE)[0] == 200
    output = "\n".join(preview.lines)
    assert "Traceback" not in output and "ERROR" not in output
    del httpclient


def test_a_page_that_says_who_it_is_after_its_change_reloads_at_once(preview, site):
    """A page served before a change whose reload channel opens only after that change's
    reload was sent (an error page still loading when the fix is saved) is told to
    reload as it says which page it shows; a page served after the change is not."""
    import asyncio

    from tornado import ioloop, websocket

    async def channel_of(url: str):
        channel = await websocket.websocket_connect(f"ws://127.0.0.1:{preview.port}/livereload")
        await channel.write_message('{"command":"hello","protocols":["http://livereload.com/'
                                    'protocols/official-7"]}')
        assert '"hello"' in await channel.read_message()
        await channel.write_message(f'{{"command":"info","url":"{url}","plugins":{{}}}}')
        return channel

    async def said(channel, within: float = 1.0) -> list[str]:
        """What the channel is told until it has been quiet for `within` seconds."""
        heard = []
        while True:
            try:
                heard.append(await asyncio.wait_for(channel.read_message(), within))
            except asyncio.TimeoutError:
                return heard

    async def scenario() -> None:
        stale = "/zh/wuhua/2025/"
        assert preview.get(stale)[0] == 200 and preview.get(WUHUA_PAGE)[0] == 200
        listening = await channel_of(preview.url + WUHUA_PAGE)  # open before the change
        assert await said(listening) == []
        edit(site / WUHUA / "project.yaml", "  zh: 城乡医疗救助专项资金\n",
             "  zh: 城乡医疗救助（改）\n")
        preview.wait_for("budgetsite: build 2:")
        heard = await said(listening)  # every reload of this change has been sent
        assert heard and all('"reload"' in m for m in heard), heard
        listening.close()

        late = await channel_of(preview.url + stale + "?q=1")  # served before the change
        [message] = await said(late)
        assert '"command": "reload"' in message and stale in message, message
        late.close()
        assert preview.get(stale)[0] == 200  # reloaded: served again, and not told twice
        again = await channel_of(preview.url + stale)
        assert await said(again) == []
        again.close()
        assert preview.get(WUHUA_PAGE)[0] == 200  # served after the change
        fresh = await channel_of(preview.url + WUHUA_PAGE)
        assert await said(fresh) == []
        fresh.close()

    ioloop.IOLoop.current().run_sync(scenario, timeout=WAIT)


def test_answers_only_to_the_host_names_it_serves_on(preview):
    """DNS rebinding: a page of evil.example whose name is made to point at 127.0.0.1
    sends `Host: evil.example`; it gets no draft page, nor the reload channel."""
    assert preview.raw(WUHUA_PAGE)[0] == 200
    assert preview.raw(WUHUA_PAGE, host=f"localhost:{preview.port}")[0] == 200
    for host in ("evil.example", f"evil.example:{preview.port}", f"127.0.0.1:{preview.port + 1}",
                 "127.0.0.1.evil.example", f"a@127.0.0.1:{preview.port}", ""):
        status, data = preview.raw(WUHUA_PAGE, host=host)
        assert status in (400, 403), (host, data[:200])
        assert "城乡医疗救助专项资金".encode() not in data, host
        assert preview.raw("/livereload.js", host=host)[0] in (400, 403), host
    from tornado import httpclient, ioloop, websocket

    url = f"ws://127.0.0.1:{preview.port}/livereload"

    async def connect(origin: str | None, host: str | None = None) -> int:
        headers = {"Origin": origin} if origin else {}
        if host:
            headers["Host"] = host
        try:
            channel = await websocket.websocket_connect(
                httpclient.HTTPRequest(url, headers=headers))
        except httpclient.HTTPClientError as err:
            return err.code
        channel.close()
        return 101

    def status(origin: str | None, host: str | None = None) -> int:
        return ioloop.IOLoop.current().run_sync(lambda: connect(origin, host), timeout=WAIT)

    assert status(f"http://127.0.0.1:{preview.port}") == 101
    assert status("http://evil.example") == 403
    assert status(f"http://evil.example:{preview.port}") == 403
    assert status("http://evil.example", host="evil.example") == 403
    assert preview.raw(WUHUA_PAGE)[0] == 200


def test_a_link_inside_public_leading_out_is_not_followed(preview, site, tmp_path):
    """The preview serves the last build's search files from public/; a folder link
    there (public/pagefind-parts/etc → a folder outside) leads nowhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    parts = site / "public" / "pagefind-parts"
    parts.mkdir(parents=True)
    (parts / "etc").symlink_to(outside, target_is_directory=True)
    (parts / "inside.json").write_text("{}", encoding="utf-8")
    (site / "public" / "pagefind").symlink_to(outside, target_is_directory=True)
    assert preview.get("/pagefind-parts/inside.json")[0] == 200
    for path in ("/pagefind-parts/etc/passwd", "/pagefind/passwd"):
        status, _, body = preview.get(path)
        assert status == 404 and b"root:" not in body, path


# ---- rebuilding -----------------------------------------------------------------------

def test_an_edit_reaches_the_page_without_a_fixed_wait(preview, site):
    """The engine acts on the file event: the edited page is served with the edit well
    within the second the old preview waited for saves to settle (a generous bound for
    a loaded test machine; bench/run measures the real figure)."""
    project = site / WUHUA / "zh.md"
    start = len(preview.lines)
    started = time.monotonic()
    with project.open("a", encoding="utf-8") as markdown:
        markdown.write("\n预览计时用的一句。\n")
    while "预览计时用的一句".encode() not in preview.get(WUHUA_PAGE)[2]:
        assert time.monotonic() - started < WAIT
        time.sleep(0.01)
    assert time.monotonic() - started < 5
    done = preview.wait_for("budgetsite: build 2:", start)
    assert "the edited page after" in preview.lines[done]


def test_a_file_moved_away_and_back_is_seen_by_its_content(preview, site):
    """project.yaml moved out of its folder (the page shows the error), then moved back
    with its old modification time: the preview notices by the content, not the time."""
    project = site / WUHUA / "project.yaml"
    aside = site / "project.yaml.aside"
    before = project.stat()
    start = len(preview.lines)
    project.rename(aside)
    failed = preview.wait_for("budgetsite: build 2 failed", start)
    assert preview.get(WUHUA_PAGE)[0] == 500
    aside.rename(project)
    os.utime(project, ns=(before.st_atime_ns, before.st_mtime_ns))
    preview.wait_for("budgetsite: build 3:", failed)
    status, _, body = preview.get(WUHUA_PAGE)
    assert status == 200 and "城乡医疗救助专项资金".encode() in body


def test_a_burst_of_saves_gives_one_rebuild(preview, site):
    project = site / WUHUA / "project.yaml"
    start = len(preview.lines)
    for n in range(1, 6):  # five saves in a row, as an editor's autosave might
        edit(project, "城乡医疗救助专项资金" + ("" if n == 1 else f"（第{n - 1}版）"),
             f"城乡医疗救助专项资金（第{n}版）")
    edit(site / "content" / "site.yaml", "昆明市区级预算项目公开", "昆明市区级预算项目公开（预览）")
    # while the rebuild runs, every answer is a whole page, old or new
    while not any("budgetsite: build 2:" in line for line in preview.lines[start:]):
        status, _, body = preview.get(WUHUA_PAGE)
        assert status == 200 and body.rstrip().endswith(b"</html>")
        assert preview.process.poll() is None
    done = preview.wait_for("budgetsite: build 2:", start)
    assert sum("rebuilding" in line for line in preview.lines[start:done]) == 1
    body = preview.get(WUHUA_PAGE)[2].decode("utf-8")
    assert "城乡医疗救助专项资金（第5版）" in body and "昆明市区级预算项目公开（预览）" in body
    # the next change is build 3: the burst did not cause a second build
    edit(project, "（第5版）", "（第6版）")
    after = preview.wait_for("budgetsite: build", done + 1)
    assert "budgetsite: build 3:" in preview.lines[after]
    assert "（第6版）" in preview.get(WUHUA_PAGE)[2].decode("utf-8")


def test_a_failed_build_shows_every_problem_and_recovers(preview, site):
    project = site / WUHUA / "project.yaml"
    chenggong = site / "content/projects/chenggong/2026/civil-servant-medical-subsidy-insurance"
    original = project.read_text(encoding="utf-8")
    start = len(preview.lines)
    edit(project, "year: 2025\n", "year: 2025\nname: [unclosed\n")  # not YAML any more
    edit(chenggong / "project.yaml", 'operator: "="', 'operator: "≈"')
    expected = check_lines(site)
    assert len(expected) == 2
    assert sorted(line.rsplit(" ", 1)[1] for line in expected) == [
        "[schema.choice]", "[yaml.syntax]"]  # the codes, which the error page shows too
    failed = preview.wait_for("budgetsite: build 2 failed", start)
    assert preview.lines[start:failed][-2:] == expected  # the terminal prints the same lines
    status, kind, body = preview.get(WUHUA_PAGE)
    assert status == 500 and kind.startswith("text/html")
    shown = page_text(body)
    for line in expected:
        assert line in shown
    assert f"/livereload.js?port={preview.port}".encode() in body  # it reloads when fixed
    assert preview.get("/")[0] == 500  # every page shows it, not a stale page
    # fixed: the next build brings the page back
    project.write_text(original, encoding="utf-8")
    edit(chenggong / "project.yaml", 'operator: "≈"', 'operator: "="')
    preview.wait_for("budgetsite: build 3:", failed)
    status, _, body = preview.get(WUHUA_PAGE)
    assert status == 200 and "城乡医疗救助专项资金".encode() in body


def test_starts_even_when_the_first_build_fails(site):
    project = site / WUHUA / "project.yaml"
    edit(project, "year: 2025", "year: 2024")
    # The folder says 2025 (and last year's spending, 2024, is now the budget year).
    expected, *_ = check_lines(site)
    server = Preview(site)
    try:
        server.wait_for("budgetsite: serving")
        assert expected in server.lines
        status, _, body = server.get("/")
        assert status == 500 and expected in page_text(body)
        edit(project, "year: 2024", "year: 2025")
        server.wait_for("budgetsite: build 2:")
        assert server.get(WUHUA_PAGE)[0] == 200
    finally:
        server.stop()


@pytest.mark.parametrize("options, env, lang", [
    (("--lang", "zh"), {}, "zh"),
    ((), {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}, "zh"),
    (("--lang", "en"), {"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, "en"),
])
def test_the_error_page_says_the_problems_in_the_preview_s_language(site, options, env, lang):
    """The preview's --lang, else the terminal's locale, as for check: the error page and
    the terminal give the problems as `check` does in that language, and the page's
    headings in both languages, the chosen one first."""
    from test_messages_zh import english_left

    edit(site / WUHUA / "project.yaml", "budget_year: 7968243.98", "budget_year: 796.82万元")
    edit(site / WUHUA / "project.yaml", "year: 2025", "year: 2024")
    expected = check_lines(site, "--lang", lang)
    assert len(expected) == 3  # the year, the amount, and a warning on the period
    server = Preview(site, *options, env=env)
    try:
        server.wait_for("budgetsite：预览地址 http://" if lang == "zh" else
                        "budgetsite: serving http://")
        failed = server.wait_for("第 1 次构建失败" if lang == "zh" else "build 1 failed")
        assert server.lines[failed - 3:failed] == expected
        status, _, body = server.get("/")
        shown = page_text(body)
        assert status == 500 and all(line in shown for line in expected)
        heading = re.search(r"<h1>(.*?)</h1>", body.decode("utf-8"), re.S)[1]
        if lang == "zh":
            assert b'<html lang="zh-CN">' in body and heading.startswith("构建失败")
            assert "请写成 {value: 796.82, unit: 万元}" in shown
            assert all(english_left(line.split(": ", 2)[2]) == [] for line in expected)
        else:
            assert b'<html lang="en">' in body and heading.startswith("The site could not")
            assert "write {value: 796.82, unit: 万元}" in shown
        assert "构建失败" in heading and "The site could not be built" in heading  # both
        # Its status lines, too: the mended sources' build says so in that language.
        edit(site / WUHUA / "project.yaml", "budget_year: 796.82万元", "budget_year: 7968243.98")
        edit(site / WUHUA / "project.yaml", "year: 2024", "year: 2025")
        done = server.wait_for("budgetsite：第 2 次构建：" if lang == "zh" else
                               "budgetsite: build 2:", failed)
        assert re.search(r"\d+ 个页面，用时 [\d.]+ 秒" if lang == "zh" else r"\d+ pages in [\d.]+ s",
                         server.lines[done])
    finally:
        server.stop()


def test_a_broken_template_is_reported_and_the_server_keeps_running(preview, site):
    templates = site / "site_templates" / "pages"
    templates.mkdir(parents=True)
    (templates / "home.html").write_text("{% extends 'layouts/base.html' %}\n{% block main %}\n"
                                         "{% for x in %}\n{% endblock %}\n", encoding="utf-8")
    failed = preview.wait_for("budgetsite: build 2 failed")
    [line] = [line for line in preview.lines[:failed]
              if line.startswith("site_templates/pages/home.html:3:1: template:")]
    assert line.endswith(" [template.syntax]")
    assert line in page_text(preview.get("/")[2])
    assert "Traceback" not in "\n".join(preview.lines)
    (templates / "home.html").unlink()
    preview.wait_for("budgetsite: build 3:", failed)
    assert preview.get("/zh/")[0] == 200


def test_stops_cleanly(site):
    server = Preview(site)
    server.wait_for("budgetsite: serving")
    output = server.stop()
    assert server.process.returncode == 0
    assert "budgetsite: stopped" in output and "Traceback" not in output


def test_port_in_use_is_a_clear_error(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_budgetsite("serve", "--root", site, "--port", str(port), timeout=WAIT)
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


# ---- in a browser ---------------------------------------------------------------------

@pytest.mark.browser
def test_the_open_page_reloads_shows_errors_and_recovers(preview, site, page):
    from playwright.sync_api import expect

    console: list[str] = []
    frames: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(
        payload if isinstance(payload, str) else payload.decode())))
    page.goto(preview.url + WUHUA_PAGE)
    expect(page.locator("h1")).to_contain_text("城乡医疗救助专项资金")
    # the page is registered for reloads once livereload.js has said who it is
    deadline = time.monotonic() + WAIT
    while not any('"command":"info"' in f for f in frames):
        assert time.monotonic() < deadline, frames
        page.wait_for_timeout(200)

    project = site / WUHUA / "project.yaml"
    original = project.read_text(encoding="utf-8")
    edit(project, "  zh: 城乡医疗救助专项资金\n", "  zh: 城乡医疗救助专项资金（已改）\n")
    expect(page.locator("h1")).to_contain_text("（已改）", timeout=WAIT * 1000)

    edit(project, "year: 2025\n", "year: 2025\nname: [unclosed\n")
    [problem] = check_lines(site)
    assert problem.startswith(f"{WUHUA}/project.yaml:") and problem.endswith(" [yaml.syntax]")
    expect(page.locator("h1")).to_contain_text("构建失败", timeout=WAIT * 1000)
    expect(page.locator(".problems")).to_contain_text(problem)

    project.write_text(original, encoding="utf-8")
    expect(page.locator("h1")).to_contain_text("城乡医疗救助专项资金", timeout=WAIT * 1000)
    expect(page.locator("h1")).not_to_contain_text("（已改）")
    assert page.url == preview.url + WUHUA_PAGE  # reloaded in place, never navigated
    assert not [m for m in console if "Content Security Policy" in m], console


def test_the_search_page_uses_the_last_published_index(site):
    """The engine builds no search index; the preview serves the one `budgetsite build`
    left in public/, so the search page works, and answers 404 where there is none."""
    server = Preview(site)
    server.wait_for("budgetsite: serving")
    try:
        status, _, _ = server.get("/pagefind/pagefind.js")
        assert status == 404
    finally:
        server.stop()
    assert run_budgetsite("build", "--root", site).returncode == 0
    published = site / "public" / "pagefind" / "pagefind.js"
    server = Preview(site)
    server.wait_for("budgetsite: serving")
    try:
        status, kind, body = server.get("/pagefind/pagefind.js")
        assert status == 200 and body == published.read_bytes()
        entry = next((site / "public" / "pagefind-parts").rglob("pagefind-entry.json"))
        name = entry.relative_to(site / "public").as_posix()
        assert server.get("/" + name)[2] == entry.read_bytes()
        keys = site / "public" / "search-keys" / "index.json"  # the key index of exact things
        assert server.get("/search-keys/index.json")[2] == keys.read_bytes()
        assert server.raw("/pagefind/../../content/site.yaml")[0] == 403
    finally:
        server.stop()


def test_content_removed_and_made_again_is_still_watched(preview, site, tmp_path):
    """content/ deleted and made anew (a `git checkout` of another branch, a copy put
    back): the page comes back, and so do later edits of the new folder's files."""
    content = site / "content"
    aside = tmp_path / "content-aside"
    shutil.copytree(content, aside)
    start = len(preview.lines)
    shutil.rmtree(content)
    failed = preview.wait_for("budgetsite: build 2 failed", start)
    shutil.copytree(aside, content)
    back = preview.wait_for("budgetsite: build 3:", failed)
    assert preview.get(WUHUA_PAGE)[0] == 200
    edit(site / WUHUA / "project.yaml", "  zh: 城乡医疗救助专项资金\n",
         "  zh: 城乡医疗救助专项资金（重建后）\n")
    preview.wait_for("budgetsite: build 4:", back)
    assert "（重建后）" in preview.get(WUHUA_PAGE)[2].decode("utf-8")


def test_a_file_that_was_a_folder_for_a_while_recovers(preview, site):
    """zh.md made a folder of that name (a problem of the tree: not in a project folder),
    then a file again: the site-level problem goes with the folder, without a save of
    site.yaml."""
    narrative = site / WUHUA / "zh.md"
    text = narrative.read_text(encoding="utf-8")
    start = len(preview.lines)
    narrative.unlink()
    narrative.mkdir()
    failed = preview.wait_for("budgetsite: build", start)
    while "not in a project folder" not in page_text(preview.get(WUHUA_PAGE)[2]):
        failed = preview.wait_for("budgetsite: build", failed + 1)
    narrative.rmdir()
    narrative.write_text(text + "\n恢复后的一句。\n", encoding="utf-8")
    deadline = time.monotonic() + WAIT
    while True:
        status, _, body = preview.get(WUHUA_PAGE)
        if status == 200 and "恢复后的一句".encode() in body:
            break
        assert time.monotonic() < deadline, page_text(body)[:2000]
        time.sleep(0.2)


FORKS = """
import os, threading
from builder.core import parallel
def pids():
    return sorted(set(parallel.forked_map(lambda _: os.getpid(), range(40), at_least=2,
                                          batch=4)) - {os.getpid()})
alone = pids()
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()
print(len(alone), len(pids()))
stop.set()
"""


def test_workers_are_forked_only_while_no_other_thread_runs():
    """The preview's web server and file watcher run in threads: a worker forked beside
    them would inherit their locks as they were at that instant, and hang on one that
    was held. So work is forked out only from a process that runs one thread (the
    preview's first build, before they start); with other threads it is done here.
    (In a process of its own: this one may run threads of earlier tests.)"""
    result = subprocess.run([sys.executable, "-c", FORKS], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO),
                                 "BUDGETSITE_WORKERS": "2"}, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    alone, beside = map(int, result.stdout.split())
    assert alone >= 1, "with one thread the work should be forked out"
    assert beside == 0, "forked beside another thread"
