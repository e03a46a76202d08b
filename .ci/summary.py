"""Print one line per quality gate from pytest's JUnit XML report, then the total.

Usage: python3 .ci/summary.py REPORT.xml
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

# Test module → the gate it belongs to, in the order the gates are listed.
GATES = {
    "test_accessibility": "accessibility: axe WCAG 2.1 AA, keyboard, table headers, 360 px",
    "test_html_valid": "valid HTML: every page through the Nu HTML Checker",
    "test_links": "no broken links: every internal link and #anchor",
    "test_hostile": "hostile input: generated sources end in a located error; bidi and "
                    "invisible characters, negative zero, mail headers in contact refused",
    "test_xss": "no script from content: Chromium runs nothing, CSP on every page",
    "test_reproducible": "reproducible and atomic: identical bytes, killed builds, preview",
    "test_serve": "the preview: its own Host and Origin only, nothing outside the site, "
                  "every change seen (content/ made anew, a folder become a file)",
    "test_incremental": "incremental equals cold: random edits, cached builds and the live engine byte for byte",
    "test_concurrency": "concurrency: builds started together, one at a time, the cold site; "
                        "Pagefind dies with a build killed alone; the lock never a stray file",
    "test_cache_integrity": "cache integrity: damaged cache files dropped, the cold output",
    "test_stored_output": "stored output: a small site equals tests/expected/ file by file",
    "test_install": "installable: the wheel in a fresh venv builds a content-only site, init",
    "test_layers": "the house: no stage imports a later one (import-linter), cache covers all code",
    "test_codes": "problem codes: every problem's code registered and in docs/problems.md",
    "test_search_ranking": "search ranking: 50 projects of 1,000 first for their names, numbers, amounts",
    "test_import_documents": "import: the real department budget PDF, the Kunming form as Word, "
                             "workbook, web page and PDF equal to its text, bad files refused",
}
OTHER = "the other tests: model, pages, search, data, staff tools"


def outcome(case: ET.Element) -> str:
    for child in case:
        if child.tag in ("failure", "error"):
            return "failed"
        if child.tag == "skipped":
            return "xfailed" if "xfail" in (child.get("type") or "") else "skipped"
    return "passed"


def tally(report: str) -> tuple[dict[str, Counter], dict[str, float]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    seconds: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        module = (case.get("classname") or "").split(".")[-1]
        gate = GATES.get(module, OTHER)
        counts[gate][outcome(case)] += 1
        seconds[gate] += float(case.get("time") or 0)
    return counts, seconds


def main(report: str) -> int:
    counts, seconds = tally(report)
    print("== quality gates")
    for gate in [*GATES.values(), OTHER]:
        c = counts.get(gate, Counter())
        state = "FAIL" if c["failed"] else "pass" if c["passed"] else "NOT RUN"
        extra = "".join(f", {c[k]} {k}" for k in ("skipped", "xfailed") if c[k])
        print(f"  {state:7} {gate}  ({c['passed']} of {sum(c.values())} tests passed{extra}, "
              f"{seconds.get(gate, 0):.0f} s)")
    total = sum(counts.values(), Counter())
    print(f"total: {total['passed']} passed, {total['failed']} failed, "
          f"{total['skipped'] + total['xfailed']} skipped")
    missing = [g for g in GATES.values() if not counts.get(g, Counter())["passed"]]
    return 1 if total["failed"] or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
