"""Problem codes: declared once (core.codes), explained once (docs/problems.md), and
only those can be reported."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from builder.core import codes
from builder.core.errors import Problem

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "builder"
TABLE_ROW = re.compile(r"^\| `(?P<code>[^`]+)` \| (?P<kind>error|warning) \| (?P<rest>.+) \|$",
                       re.M)


def documented() -> dict[str, str]:
    text = (REPO / "docs/problems.md").read_text(encoding="utf-8")
    rows = [(m["code"], m["kind"]) for m in TABLE_ROW.finditer(text)]
    assert len(rows) == len(dict(rows)), "a code is documented twice"
    return dict(rows)


def test_the_table_in_docs_lists_every_code_with_its_kind():
    assert documented() == {code: c.kind for code, c in codes.CODES.items()}


def test_every_documented_row_says_what_it_means_and_what_to_do_in_both_languages():
    """Each cell: the Chinese, <br>, the English (issue 24: staff read Chinese)."""
    text = (REPO / "docs/problems.md").read_text(encoding="utf-8")
    rows = list(TABLE_ROW.finditer(text))
    assert len(rows) == len(codes.CODES)
    for match in rows:
        meaning, fix = match["rest"].split(" | ")
        for cell in (meaning, fix):
            zh, en = cell.split("<br>")
            assert re.search(r"[\u4e00-\u9fff]{2}", zh), match[0]
            assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", re.sub(r"`[^`]*`|\([^)]*\)",
                                                                     "", zh)), match[0]
            assert len(en) > 10 and re.search(r"[a-z]{4}", en), match[0]


def test_codes_are_dotted_lowercase_ids():
    for code in codes.CODES:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*", code), code


def string_values(source: str) -> set[str]:
    """The string constants a module's code holds: not its docstrings (nor comments,
    which the syntax tree leaves out), where a code is only talked about."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings}


def test_every_registered_code_is_reported_somewhere_in_the_code():
    """No code in the table that nothing can report: each is a string of the code of a
    module of the package besides the registry (a docstring or a comment naming it
    does not count)."""
    written = set().union(*(string_values(path.read_text(encoding="utf-8"))
                            for path in PACKAGE.rglob("*.py") if path.name != "codes.py"))
    unused = [code for code in codes.CODES if code not in written]
    assert unused == []


def test_a_code_named_only_in_a_docstring_or_a_comment_is_not_reported():
    source = ('"""Reports [file.empty]."""\n'
              'def check():\n'
              '    """May report "yaml.depth"."""\n'
              '    # "yaml.tag" is reported elsewhere\n'
              '    return Problem("a", 1, 1, "f", "m", code="yaml.key")\n'
              'class Rule:\n'
              '    "yaml.anchor"\n')
    assert {"file.empty", "yaml.depth", "yaml.tag", "yaml.anchor"}.isdisjoint(
        string_values(source))
    assert "yaml.key" in string_values(source)


def test_a_problem_with_an_unregistered_code_cannot_be_made():
    with pytest.raises(ValueError, match="unregistered"):
        Problem("a.yaml", 1, 1, "name", "wrong", code="name.wrong")
    with pytest.raises(TypeError):
        Problem("a.yaml", 1, 1, "name", "wrong")  # no code at all


def test_a_problem_is_of_its_code_s_kind():
    with pytest.raises(ValueError, match="warning"):
        Problem("a.yaml", 1, 1, "indicators", "points", code="indicator.weights")
    with pytest.raises(ValueError, match="error"):
        Problem("a.yaml", 1, 1, "unit.code", "check", warning=True, code="unit.code-check")


def test_the_code_ends_the_line():
    problem = Problem("a.yaml", 3, 5, "indicators", "the points add up to 80", warning=True,
                      code="indicator.weights")
    assert str(problem) == ("a.yaml:3:5: indicators: warning: the points add up to 80 "
                            "[indicator.weights]")


def test_strict_takes_the_codes_of_warnings_only():
    assert codes.strict_codes("link.broken, indicator.weights") == (
        "indicator.weights", "link.broken")
    for wrong in ("unit.code-check", "link.brokn", ""):
        with pytest.raises(ValueError, match="link.broken"):
            codes.strict_codes(wrong)
