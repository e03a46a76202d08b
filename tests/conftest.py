"""Shared test helpers: run the real command, build small sites, serve them, drive Chromium."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def run_budgetsite(*args: str | Path, cwd: Path | None = None,
                   env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m builder …` as a user would run `budgetsite …`."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=timeout)


def copy_site(target: Path, content: Path = REPO / "content") -> Path:
    """A site folder at `target` holding a copy of `content`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(content, target / "content")
    return target


def build(root: Path, out: Path | None = None, *extra: str) -> Path:
    out = out or root / "public"
    result = run_budgetsite("build", "--root", root, "--out", out, *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content/ built once: the output folder."""
    root = copy_site(tmp_path_factory.mktemp("real"))
    return build(root)


class _Handler(SimpleHTTPRequestHandler):
    base_path = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.base_path):])

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@contextlib.contextmanager
def serve(directory: Path, base_path: str = "/"):
    """Serve `directory` at http://127.0.0.1:PORT{base_path}; yields that URL."""
    handler = type("Handler", (_Handler,), {"base_path": base_path})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    finally:
        server.shutdown()
        server.server_close()


# Per module, not per session: while Playwright's sync API is open it keeps an
# asyncio loop running in the main thread, which other modules' tests must not inherit.
@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
