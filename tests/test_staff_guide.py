"""The staff guide quotes the messages budgetsite prints: each quote in its table of
messages ("What each message means"), and the messages quoted along the way, is one
that the package's code or templates can still print."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs/staff-guide.md"
HOLE = "\x00"         # a value the code puts into a message (an f-string's {…})
# Quoted along the way, outside the table (each must be in the guide as written here).
INLINE = [
    "is still empty: fill in 项目名称, the project name",
    "budgetsite: 1 project(s) checked, no errors",
    "budgetsite: nothing changed since the last build",
    "构建失败：网站未更新 · The site could not be built",
    "搜索功能加载失败，请稍后再试。",
    "Search could not be loaded. Please try again later.",
    "60% translated (30 of 50 texts)",
]


def table_quotes() -> list[str]:
    text = GUIDE.read_text("utf-8")
    table = text[text.index("## What each message means"):]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [q for row in rows for q in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


def _text(node: ast.AST) -> str | None:
    """A string of the code, with HOLE where an f-string or a + puts a value in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return (_text(node.left) or HOLE) + (_text(node.right) or HOLE)
    if isinstance(node, ast.IfExp):  # the text it adds when it adds one
        return _text(node.body) or _text(node.orelse)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem" \
            and len(node.args) >= 5:  # as Problem.__str__ prints it: path:line:col: field: …
        path, line, col, field, message = (_text(a) or HOLE for a in node.args[:5])
        return f"{path}:{line}:{col}: {field}: {message}"
    return None


def printable() -> list[str]:
    """Every string of the package's code and every template and UI string file."""
    found = []
    for path in (REPO / "builder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = _text(node)
            if text and len(text.replace(HOLE, "")) >= 8:
                found.append(re.sub(r"%\([a-z_]+\)s|%s|%d|\{[a-z_]+\}", HOLE, text))
    for path in (REPO / "site_templates").rglob("*"):
        if path.suffix in (".html", ".po", ".js"):  # a line at a time: a page is no message
            text = re.sub(r"<[^>]*>", "", re.sub(r"\{\{.*?\}\}", HOLE, path.read_text("utf-8")))
            found += [line for line in text.splitlines()
                      if len(line.replace(HOLE, "").strip()) >= 8]
    return found


def can_print(quote: str, template: str) -> bool:
    """Whether some message made from `template` contains `quote`: each HOLE of the
    template stands for any text, "…" in the quote for any text, and the values
    together stand for at most 60 % of the quote (the rest is the template's own
    words). The quote runs through the template as sets of positions (bit sets), one
    per number of its characters that values stood for."""
    size = len(template)
    holes = sum(1 << i for i, t in enumerate(template) if t == HOLE)
    masks: dict[str, int] = {}
    for i, t in enumerate(template):
        masks[t] = masks.get(t, 0) | 1 << i
    everywhere = (1 << (size + 1)) - 1
    limit = len(quote.replace("…", "")) * 3 // 5

    def closure(at: int) -> int:  # a value may end here: go past its hole
        while (more := at | (at & holes) << 1) != at:
            at = more
        return at
    at = [closure(everywhere)] + [0] * limit  # by characters a value stood for
    for char in quote:
        if char == "…":
            at = [closure(everywhere & ~((a & -a) - 1)) if a else 0 for a in at]
            continue
        matched = [closure((a & masks.get(char, 0)) << 1) for a in at]
        in_value = [0] + [closure(a & holes) for a in at[:-1]]  # a value takes the character
        at = [m | v for m, v in zip(matched, in_value)]
        if not any(at):
            return False
    return True


@pytest.fixture(scope="module")
def templates() -> list[str]:
    return printable()


def printed_by(quote: str, templates: list[str]) -> bool:
    words = re.findall(r"[A-Za-z]{4,}|[\u4e00-\u9fff]{2,}", quote)
    return any(can_print(quote, t) for t in templates
               if not words or any(w in t for w in words))


def test_every_message_the_guide_quotes_is_one_budgetsite_prints(templates):
    guide = GUIDE.read_text("utf-8")
    quotes = table_quotes()
    assert len(quotes) > 80  # the table was read
    for quote in INLINE:
        assert quote in guide.replace("\n", " "), quote
    unprinted = [q for q in quotes + INLINE if not printed_by(q, templates)]
    assert unprinted == []


def test_a_message_the_code_no_longer_prints_is_found(templates):
    # The guide's wording before the loader's message changed, and a made-up one.
    for gone in ("the file is N bytes; sources may be at most …",
                 "构建失败 · The site could not be built",
                 "the cache was eaten by a grue"):
        assert not printed_by(gone, templates), gone
    assert printed_by("the file is larger than N bytes, the most a source file may "
                      "have; split it", templates)
    assert can_print("the id 'x' is used … indicator", f"the id {HOLE} is used by another "
                                                        f"indicator")
