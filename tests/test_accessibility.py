"""Accessibility: axe-core at WCAG 2.1 AA, keyboard use, table headers, narrow screens.

Run in Debian's Chromium on every page kind of the built site, both languages
(see gates.py for how page kinds are found).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import serve
from gates import gate_pages, real, untranslated  # noqa: F401  (fixtures)

from builder.core import i18n
from builder.site.urls import Urls

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}

# Every element the keyboard can reach, numbered, with how it looks unfocused.
FOCUSABLE = """() => {
  window.__look = el => { const s = getComputedStyle(el);
    return [s.boxShadow, s.backgroundColor, s.borderTopColor, s.borderRightColor,
            s.borderBottomColor, s.borderLeftColor].join('|'); };
  window.__rest = [];
  return Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'))
  // Shown elements only: a link inside a closed <details> is reached by opening it.
  .filter(el => !el.disabled && !el.closest('[inert]') &&
                el.checkVisibility({visibilityProperty: true}))
  .map((el, i) => { el.dataset.gateIndex = i; window.__rest[i] = window.__look(el);
                    return el.outerHTML.slice(0, 120); });
}"""

# The focused element, and whether focus shows: an outline that can be seen, or a
# shadow, background or border that differs from the element's unfocused look.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const index = el.dataset.gateIndex === undefined ? null : Number(el.dataset.gateIndex);
  const colour = s.outlineColor.replace(/\\s/g, '');
  return {index: index, html: el.outerHTML.slice(0, 120),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 &&
                   !/rgba\\(\\d+,\\d+,\\d+,0\\)|transparent/.test(colour),
          changed: index !== null && window.__look(el) !== window.__rest[index]};
}"""


@pytest.fixture(scope="module")
def pages(real, untranslated):  # noqa: F811
    return gate_pages(real, untranslated)


@pytest.fixture(scope="module")
def servers(real, untranslated):  # noqa: F811
    """Each built site served over HTTP, as a reader gets it."""
    with serve(real.out) as real_url, serve(untranslated.out) as untranslated_url:
        yield {real.name: real_url, untranslated.name: untranslated_url}


def open_page(page, servers, site, path: str, width: int = 1280):
    page.set_viewport_size({"width": width, "height": 900})
    # A referrer, as from a link: the root page then stays to let the reader choose
    # instead of sending the browser on to its own language.
    response = page.goto(servers[site.name] + path, referer=servers[site.name])
    assert response and response.ok, f"/{path}: {response and response.status}"
    # What a script draws from the data it fetches (the explorer's first rows) is there.
    page.wait_for_load_state("networkidle")
    return page


def test_the_gates_cover_every_page_kind_in_both_languages(pages):
    kinds = {kind for _, kind, _ in pages}
    assert "zh/{district}/{year}/{project}/" in kinds
    for kind in kinds:
        if kind.startswith("zh/"):
            assert "en/" + kind[3:] in kinds, f"{kind} has no English counterpart"


def test_axe_finds_no_wcag_21_aa_violations(page, pages, servers):
    axe = Axe()
    found = []
    for site, kind, path in pages:
        results = axe.run(open_page(page, servers, site, path), options=WCAG_21_AA)
        for violation in results.response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"/{kind} (/{path}): {violation['id']} ({violation['impact']}): "
                         f"{violation['help']} at {targets}")
    assert not found, "\n".join(found)


LANDMARKS = {"runOnly": {"type": "rule", "values": ["landmark-unique"]},
             "resultTypes": ["violations"]}


@pytest.mark.parametrize("width", [360, 1280])
def test_every_landmark_has_a_name_of_its_own(page, pages, servers, width):
    """axe's landmark-unique (a best practice, outside the WCAG tags above): a section
    and the scrolling table region inside it once shared one name, so a screen reader's
    list of landmarks named the funding summary, or a scorecard table, twice."""
    axe = Axe()
    found = []
    for site, kind, path in pages:
        results = axe.run(open_page(page, servers, site, path, width), options=LANDMARKS)
        for violation in results.response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"/{kind} (/{path}) at {width} px: {violation['id']} at {targets}")
    assert not found, "\n".join(found)


def test_the_keyboard_reaches_everything_with_a_visible_focus(page, pages, servers):
    problems = []
    for site, kind, path in pages:
        open_page(page, servers, site, path)
        problems += [f"/{kind} (/{path}): {p}" for p in keyboard_problems(page)]
    assert not problems, "\n".join(problems)


def keyboard_problems(page) -> list[str]:
    """Tab through the page once; report what was not reached or showed no focus."""
    focusable = page.evaluate(FOCUSABLE)
    reached: set[int] = set()
    problems = []
    # Elements a script adds after loading (the search page's filters) take presses too.
    for _ in range(len(focusable) + 100):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style is None or style["index"] in reached:
            break  # back at the start: the whole page has been tabbed through
        if style["index"] is not None:
            reached.add(style["index"])
        if not (style["outline"] or style["changed"]):
            problems.append(f"no visible focus on {style['html']}")
    problems += [f"never reached by Tab: {html}" for i, html in enumerate(focusable)
                 if i not in reached]
    return problems


def test_the_language_switcher_and_search_box_are_reachable(page, pages, servers):
    for site, kind, path in pages:
        if not kind.startswith(("zh/", "en/")) or "/embed/" in kind:
            continue  # the root page is itself the language chooser; embeds live in a frame
        open_page(page, servers, site, path)
        targets = page.evaluate("""() => [
            document.querySelector('.lang-switch a[hreflang]'),
            document.querySelector('input[type=search]')].map(el => el && el.outerHTML)""")
        assert all(targets), f"/{kind}: switcher or search box missing: {targets}"
        reached = set()
        for _ in range(200):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("() => document.activeElement.outerHTML"))
            if set(targets) <= reached:
                break
        assert set(targets) <= reached, f"/{kind}: not reached by Tab: {set(targets) - reached}"


def test_every_table_header_has_a_scope(page, pages, servers):
    problems = []
    for site, kind, path in pages:
        open_page(page, servers, site, path)
        problems += [f"/{kind}: {html}" for html in page.evaluate(
            """() => Array.from(document.querySelectorAll('th'))
                 .filter(th => !['col', 'row', 'rowgroup', 'colgroup']
                                 .includes(th.getAttribute('scope')))
                 .map(th => th.outerHTML.slice(0, 100))""")]
    assert not problems, "\n".join(problems)


# Each data cell of a table with the header texts that a screen reader announces for
# it: the column header above it and the row headers before it, found with the
# table's own grid (row and column spans included), as the HTML table model does.
CELL_HEADERS = """table => {
  const grid = [];
  Array.from(table.rows).forEach((row, r) => {
    grid[r] = grid[r] || [];
    let c = 0;
    for (const cell of row.cells) {
      while (grid[r][c]) c++;
      for (let dr = 0; dr < cell.rowSpan; dr++)
        for (let dc = 0; dc < cell.colSpan; dc++) {
          grid[r + dr] = grid[r + dr] || [];
          grid[r + dr][c + dc] = cell;
        }
      c += cell.colSpan;
    }
  });
  const text = el => el.innerText.replace(/\\s+/g, ' ').trim();
  const out = [];
  grid.forEach((row, r) => row.forEach((cell, c) => {
    if (cell.tagName !== 'TD' || row[c - 1] === cell || (grid[r - 1] || [])[c] === cell) return;
    const columns = grid.map(g => g[c]).filter(h => h && h.scope === 'col').map(text);
    const rows = row.filter(h => h && h.tagName === 'TH' && h.scope !== 'col').map(text);
    out.push({column: columns, row: [...new Set(rows)], value: text(cell)});
  }));
  return out;
}"""


POINTS = "Points (from the scoring rule)"  # read from the scoring rule, and marked so
DATA_COLUMNS = {"Comparator", "Target value", "Unit of measure", "Indicator type", POINTS,
                "Scoring (deduction) rule", "What the indicator shows",
                "Basis for the target and data source"}


def test_the_indicator_table_is_read_by_its_headers(page, real, servers):  # noqa: F811
    """Each indicator's cells are announced with the indicator's name as row header and
    the right column header, and hold that indicator's facts."""
    for project in real.content.projects:
        open_page(page, servers, real, Urls.project("en", project))
        cells = page.locator("table.indicators").evaluate(CELL_HEADERS)
        for indicator in project.indicators:
            name = indicator.name.get("en")
            row = [c for c in cells if any(h.startswith(name) for h in c["row"])]
            assert all(len(c["column"]) == 1 for c in row), f"{name}: {row}"
            by_column = {c["column"][0]: c["value"] for c in row}
            assert set(by_column) == DATA_COLUMNS and len(row) == len(DATA_COLUMNS), row
            # The points, then their mark: "10† worked out by this site; see the note".
            points, mark = by_column[POINTS].split("†", 1)
            assert points == i18n.number(indicator.weight, "en") and "worked out" in mark
            assert by_column["Scoring (deduction) rule"] == " ".join(
                indicator.scoring.get("en").split())
            if isinstance(indicator.value, Decimal):  # 550 万元: "5.5 million", unit CNY
                assert by_column["Target value"] == \
                    i18n.target_value(indicator.value, indicator.unit, "en").replace("\xa0", " ")


def test_no_horizontal_page_scrolling_at_360_px(page, pages, servers):
    problems = []
    for site, kind, path in pages:
        open_page(page, servers, site, path, width=360)
        overflow = page.evaluate("""() => {
            const root = document.documentElement;
            const wide = Array.from(document.querySelectorAll('body *'))
              .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1 &&
                            !el.closest('.table-scroll, [data-scroll]'))
              .map(el => el.outerHTML.slice(0, 80));
            return {scroll: root.scrollWidth, width: root.clientWidth, wide: wide.slice(0, 5)};
        }""")
        if overflow["scroll"] > overflow["width"]:
            problems.append(f"/{kind}: page is {overflow['scroll']} px wide at "
                            f"{overflow['width']} px; too wide: {overflow['wide']}")
    assert not problems, "\n".join(problems)


def test_every_table_fits_a_360_px_screen(page, pages, servers):
    """No table scrolls sideways on a phone: wide tables show each row as a card."""
    checked = 0
    for site, kind, path in pages:
        open_page(page, servers, site, path, width=360)
        for table in page.evaluate("""() => Array.from(document.querySelectorAll('table'))
              .map(t => ({wide: t.scrollWidth > document.documentElement.clientWidth ||
                                t.getBoundingClientRect().right >
                                document.documentElement.clientWidth + 1,
                          html: t.outerHTML.slice(0, 60)}))"""):
            checked += 1
            assert not table["wide"], f"/{kind}: {table['html']}"
    assert checked, "no page has a table: this check checked nothing"
