"""The performance table on a phone (360 px), where each row is a card: every cell a
reader sees is wide enough to read, and nothing the table says is shown only to screen
readers. The level cells are hidden there (each card names its categories above it),
except a category the document words otherwise: its wording (原文：…) is part of the
disclosure, so its cell stays on screen, at the card's width. The Chenggong table has
two such categories (社会效益, 服务对象满意度)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import serve
from regenerate_expected import build_stored_site

pytestmark = pytest.mark.browser

PHONE = 360
NARROWEST = 30  # px: a cell narrower than this shows a character or two a line
PROJECTS = {"chenggong/2026/civil-servant-medical-subsidy-insurance/": 2,  # worded levels
            "wuhua/2025/urban-rural-medical-assistance/": 0}

CELLS = r"""() => Array.from(document.querySelectorAll('#targets table :is(th, td)'))
  .map(c => {
    let clipped = false;
    for (let e = c; e; e = e.parentElement) clipped ||= getComputedStyle(e).clip !== 'auto';
    return {width: c.getBoundingClientRect().width, kind: c.className,
            shown: c.checkVisibility() && !clipped, head: !!c.closest('thead'),
            worded: !!c.querySelector('.as-written'), text: c.innerText.trim().slice(0, 30)};
  })"""


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    out = tmp_path_factory.mktemp("cards") / "public"
    build_stored_site(out)
    with serve(out) as address:
        yield address


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_every_cell_of_the_indicator_table_is_readable_on_a_phone(page, url, lang, project):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{url}{lang}/{project}")
    cells = page.evaluate(CELLS)
    body = [c for c in cells if not c["head"]]
    assert len(body) > 40, len(body)  # the table was measured
    narrow = [(c["text"], round(c["width"])) for c in cells
              if c["shown"] and c["text"] and c["width"] < NARROWEST]
    assert narrow == []
    # Nothing the document wrote is left to screen readers only.
    hidden = [c["text"] for c in body if c["worded"] and not c["shown"]]
    assert hidden == []
    levels = [c for c in body if c["kind"] == "level" and c["shown"]]
    assert len(levels) == PROJECTS[project]  # the others are named above each card
    assert all(c["width"] > PHONE / 2 for c in levels), levels
