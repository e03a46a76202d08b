"""No script from content: hostile text in every source field is rendered harmless.

The `hostile` site (gates.py) carries script payloads in every free text of
project.yaml, in the narratives, in the district names and in the site's own
title. Its pages are loaded in Chromium, which must run nothing of it; every
page of every built site must carry a Content-Security-Policy that allows only
the site's own script files, and no inline script at all.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import serve
from gates import TEXT_PAYLOADS, BuiltSite, hostile, real, untranslated  # noqa: F401

from builder.outputs import links

WATCH = """
window.__seen = [];
document.addEventListener('securitypolicyviolation', e => window.__seen.push(
  `blocked by the policy: ${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
document.addEventListener('DOMContentLoaded', () => { window.__title = document.title; });
"""

# Anything in the DOM through which script could run, or leave the site.
DANGEROUS = """() => {
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
                          'srcdoc', 'srcset', 'background', 'ping', 'cite'];
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (URL_ATTRIBUTES.includes(attr.name) && /^(javascript|data|vbscript):/.test(value))
        found.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 40)}`);
      if (attr.name === 'style') found.push(`${el.tagName} style=${attr.value.slice(0, 40)}`);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'FORM'].includes(el.tagName) &&
        !el.closest('form.site-search, [role=search]')) found.push(el.tagName);
    if (el.tagName === 'META' && el.httpEquiv.toLowerCase() === 'refresh') found.push('META refresh');
    if (el.tagName === 'SCRIPT' && (!el.src || new URL(el.src).origin !== location.origin))
      found.push(`SCRIPT ${el.src || el.textContent.slice(0, 40)}`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_url(hostile):  # noqa: F811
    with serve(hostile.out) as url:
        yield url


def executed(page, url: str) -> list[str]:
    """Everything a page did that its own script files would not: dialogs, the payloads'
    marks, a changed title, blocked attempts."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.add_init_script(WATCH)
    page.goto(url, referer=url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # let any onload, onerror and timers run
    state = page.evaluate("""() => ({pwned: window.__pwned, title: document.title,
                                     before: window.__title, seen: window.__seen})""")
    found = dialogs + state["seen"]
    if state["pwned"] is not None:
        found.append(f"window.__pwned = {state['pwned']!r}")
    if state["title"] != state["before"]:
        found.append(f"the title changed to {state['title']!r}")
    return found


@pytest.mark.browser
def test_nothing_from_the_sources_runs_on_any_page_kind(page, hostile, hostile_url):  # noqa: F811
    problems = []
    for kind, path in hostile.samples():
        problems += [f"/{kind}: {p}" for p in executed(page, hostile_url + path)]
        problems += [f"/{kind}: {p}" for p in page.evaluate(DANGEROUS)]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_hostile_text_is_shown_as_text(page, hostile, hostile_url):  # noqa: F811
    """Escaped, not lost: a reader sees what the source says, and templates do not
    evaluate it."""
    text = ""
    for kind, pages in hostile.kinds().items():
        if "{project}" in kind:
            page.goto(hostile_url + pages[0], referer=hostile_url)
            text += page.inner_text("body")
    missing = [payload for payload in TEXT_PAYLOADS if payload not in text]
    assert not missing, missing
    assert "1337" not in text  # {{ 7*191 }} is text, not a template expression
    assert "javascript:alert(1)\"><script>window.__pwned='phone'</script>" in text


@pytest.mark.browser
def test_the_watch_sees_script_that_runs_and_the_policy_blocks_inline_script(page, real,  # noqa: F811
                                                                             tmp_path):
    """The checks above can fail: without the site's policy a payload runs and is seen;
    with it, the same payload is blocked."""
    payload = ("<script>window.__pwned='control'</script><img src=x onerror=\"alert('img')\">"
               "<p>x</p>")
    policy = policy_tag(real.file("zh/").read_text(encoding="utf-8"))
    (tmp_path / "open.html").write_text(f"<!doctype html><title>t</title>{payload}", "utf-8")
    (tmp_path / "guarded.html").write_text(
        f"<!doctype html><head>{policy}<title>t</title></head>{payload}", "utf-8")
    with serve(tmp_path) as url:
        opened = executed(page, url + "open.html")
        guarded = executed(page, url + "guarded.html")
    assert "window.__pwned = 'control'" in opened and "dialog: img" in opened
    assert not any("pwned" in p or "dialog" in p for p in guarded), guarded
    assert any(p.startswith("blocked by the policy: script-src") for p in guarded), guarded


@pytest.mark.browser
def test_the_sites_own_pages_break_no_rule_of_their_policy(page, real):  # noqa: F811
    """Every page kind runs its own scripts and styles without a single violation
    (an inline style or script of the site's own would be blocked and seen here)."""
    with serve(real.out) as url:
        problems = [f"/{kind}: {p}" for kind, path in real.samples()
                    for p in executed(page, url + path)]
    assert not problems, "\n".join(problems)


# --- the policy and inline script, in every built file --------------------------------------

class _Head(HTMLParser):
    """The policy, the order of things in <head>, scripts and handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.policies: list[str] = []
        self.before_policy: list[str] = []
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.policies.append(values.get("content") or "")
        elif tag in ("script", "link", "style") and not self.policies:
            self.before_policy.append(tag)
        if tag == "script":
            self._in_script = True
            if not values.get("src"):
                self.problems.append("an inline <script>")
            elif re.match(r"^(?:[a-z]+:)?//", values["src"]):
                self.problems.append(f"a script from elsewhere: {values['src']}")
        self.problems += [f"<{tag} {name}=…>" for name, _ in attrs if name.startswith("on")]

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"script text: {data.strip()[:40]}")


def policy_tag(html: str) -> str:
    return re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', html).group()


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(None, (d.strip() for d in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name.lower()] = sources
    return parsed


def all_pages(*sites: BuiltSite, pattern: str = "*.html") -> list[tuple[str, Path]]:
    return [(f"{site.name}:/{links.page_url(p.relative_to(site.out).as_posix())}", p)
            for site in sites for p in sorted(site.out.rglob(pattern))]


def test_every_page_carries_the_policy_first(real, untranslated, hostile):  # noqa: F811
    problems = []
    for name, path in all_pages(real, untranslated, hostile):
        head = _Head()
        head.feed(path.read_text(encoding="utf-8"))
        if len(head.policies) != 1:
            problems.append(f"{name}: {len(head.policies)} policies")
            continue
        if head.before_policy:
            problems.append(f"{name}: {head.before_policy} before the policy, so not under it")
        policy = directives(head.policies[0])
        expected = {"script-src": ["'self'", "'wasm-unsafe-eval'"], "default-src": ["'self'"],
                    "object-src": ["'none'"], "base-uri": ["'none'"]}
        for directive, sources in expected.items():
            if sorted(policy.get(directive, [])) != sorted(sources):
                problems.append(f"{name}: {directive} is {policy.get(directive)}, not {sources}")
        for directive, sources in policy.items():
            loose = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
            if directive in ("script-src", "default-src", "style-src") and loose & set(sources):
                problems.append(f"{name}: {directive} allows {loose & set(sources)}")
    assert not problems, "\n".join(problems)


def test_no_inline_script_or_handler_anywhere(real, untranslated, hostile):  # noqa: F811
    problems = []
    files = all_pages(real, untranslated, hostile) + all_pages(real, pattern="*.svg")
    assert any(name.endswith(".svg") for name, _ in files)
    for name, path in files:
        head = _Head()
        head.feed(path.read_text(encoding="utf-8"))
        problems += [f"{name}: {p}" for p in head.problems]
    assert not problems, "\n".join(problems)
