"""Stored output: a small site's whole built output is kept in tests/expected/stored-site/
and compared file by file, so that a change to a template, a style sheet, a string or
the open data shows up in review as a diff of the pages it changes.

The site (tests/fixtures/stored-site/) is the two real disclosures plus a made-up
earlier year of the Wuhua one: a programme over two years, a correction, texts and a
narrative without English, a district with no projects, a contact address. It is
built without search and without page history (see tests/regenerate_expected.py).

When a change to the output is intended, regenerate the stored output with one command
and commit the pages it changed together with the change:

    python tests/regenerate_expected.py
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from regenerate_expected import COMMAND, EXPECTED, build_stored_site

DIFF_LINES = 40  # of each file's unified diff shown
DIFF_FILES = 10  # files whose diff is shown; the others are named

# One page of each kind, so that trimming the fixture cannot quietly drop one.
PAGE_KINDS = [
    "index.html", "404.html", "zh/index.html", "en/about/index.html", "zh/glossary/index.html",
    "zh/districts/index.html", "zh/wuhua/index.html", "zh/panlong/index.html",
    "zh/wuhua/2025/index.html", "zh/years/index.html", "zh/years/2024/index.html",
    "zh/units/index.html", "zh/units/12530102431280534H/index.html",
    "zh/wuhua/2025/urban-rural-medical-assistance/index.html",
    "en/wuhua/2024/urban-rural-medical-assistance/index.html",
    "zh/programmes/wuhua/2024/urban-rural-medical-assistance/index.html",
    "zh/embed/wuhua/2025/urban-rural-medical-assistance/index.html",
    "zh/embed/wuhua/index.html",
    "zh/embed/programmes/wuhua/2024/urban-rural-medical-assistance/index.html",
    "zh/indicators/index.html", "zh/indicators/output-quality/index.html",
    "zh/scorecard/index.html", "zh/search/index.html", "zh/changes/index.html",
    "data/projects.csv", "data/datapackage.json", "sitemap.xml", "static/style.css",
]


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def unified(name: str, expected: bytes, built: bytes) -> str:
    """The first lines of a review diff of one file (expected → built)."""
    try:
        old, new = expected.decode("utf-8"), built.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary file {name} differs ({len(expected)} → {len(built)} bytes)"
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"expected/{name}",
                                      f"built/{name}", lineterm=""))
    if not lines:  # the same lines: only line endings or the final newline differ
        return f"{name}: line endings or the final newline differ"
    more = f"\n… {len(lines) - DIFF_LINES} more diff lines" if len(lines) > DIFF_LINES else ""
    return "\n".join(lines[:DIFF_LINES]) + more


def report(expected: dict[str, bytes], built: dict[str, bytes]) -> str:
    """Missing files, extra files, then a diff of each differing one; '' when equal."""
    missing = sorted(expected.keys() - built.keys())
    extra = sorted(built.keys() - expected.keys())
    changed = sorted(n for n in expected.keys() & built.keys() if expected[n] != built[n])
    parts = [f"missing (stored, no longer built): {name}" for name in missing]
    parts += [f"extra (built, not stored): {name}" for name in extra]
    parts += [unified(name, expected[name], built[name]) for name in changed[:DIFF_FILES]]
    if len(changed) > DIFF_FILES:
        parts.append(f"… and {len(changed) - DIFF_FILES} more changed files: "
                     + ", ".join(changed[DIFF_FILES:]))
    if not parts:
        return ""
    summary = (f"The built site differs from {EXPECTED.relative_to(EXPECTED.parents[2])}/ "
               f"({len(missing)} missing, {len(extra)} extra, {len(changed)} changed). "
               f"If the change is intended, run `{COMMAND}` and commit the result.")
    return "\n\n".join([summary, *parts])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("stored") / "out"
    build_stored_site(out)
    return files(out)


def test_the_built_site_equals_the_stored_output_file_by_file(built):
    assert EXPECTED.is_dir(), f"no stored output yet: run `{COMMAND}`"
    differences = report(files(EXPECTED), built)
    if differences:
        pytest.fail(differences, pytrace=False)


def test_the_stored_output_has_a_page_of_every_kind():
    stored = files(EXPECTED)
    assert [name for name in PAGE_KINDS if name not in stored] == []


def test_the_report_reads_like_a_review_diff():
    """A changed line is shown as a unified diff; missing and extra files are named."""
    expected = {"a.html": b"<p>one</p>\n<p>two</p>\n", "gone.css": b"x"}
    built = {"a.html": b"<p>one</p>\n<p>2</p>\n", "new.js": b"y"}
    text = report(expected, built)
    assert text.splitlines()[0].endswith(f"run `{COMMAND}` and commit the result.")
    assert "missing (stored, no longer built): gone.css" in text
    assert "extra (built, not stored): new.js" in text
    assert "--- expected/a.html\n+++ built/a.html" in text
    assert "-<p>two</p>\n+<p>2</p>" in text
    assert report(expected, dict(expected)) == ""
