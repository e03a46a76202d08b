"""The quick reading of a YAML file (one pass over the parser's events, no marks) gives
what the full reading gives: the same values, the same problem for a file it refuses,
and the same position for every field once a position is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.sources import load

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "plain": "a: 1\nb: text\nc:\n  - x\n  - 2.50\n  - {zh: 中文, en: English}\nd: ~\n",
    "booleans and dates": "on: yes\noff: False\nwhen: 2025-01-31\nat: 2025-01-31T10:00:00Z\n",
    "quoted numbers stay text": "code: '0100'\nphone: \"0871-1234\"\nblock: |\n  12\n",
    "numbers": "a: -3\nb: +4.25\nc: 0\nd: 123456789012345\n",
    "empty values": "a:\nb: ''\nc: []\nd: {}\n",
    "keys that look like values": "1: one\ntrue: yes\nnull: x\n",
    "comments": "# heading\na: 1  # note\n",
    "flow": "{a: [1, 2, {b: c}], d: e}\n",
    "nested lists": "a:\n- - 1\n  - - 2\n- b: c\n",
    "octal refused": "a: 0100\n",
    "underscore refused": "a: 1_000\n",
    "base 60 refused": "a: 190:20:30\n",
    "infinity refused": "a: .inf\n",
    "too many digits": "a: 1234567890123456\n",
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "python tag": "a: !!python/object:os.system x\n",
    "binary tag": "a: !!binary aGVsbG8=\n",
    "set": "a: !!set {x, y}\n",
    "merge key": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate nested key": "a:\n  x: 1\n  x: 2\n",
    "list as key": "? [a, b]\n: c\n",
    "control character": 'a: "bad\\x01"\n',
    "control character in key": '"k\\x02": 1\n',
    "long key": "k" * 201 + ": 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty then a document": "---\n---\na: 1\n",
    "empty": "",
    "only a marker": "---\n",
    "a list at the top": "- 1\n- 2\n",
    "a scalar at the top": "just text\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "deep": "a: " + "[" * 40 + "]" * 40 + "\n",
    "just deep enough": "a: " + "[" * 31 + "]" * 31 + "\n",
    "tab": "a:\tb\n",
}


def _read(reader, text: str):
    try:
        return "ok", reader(text, "case.yaml")
    except load.LoadError as err:
        return "refused", str(err.problem)


@pytest.mark.parametrize("name", sorted(CASES))
def test_quick_reading_is_the_full_reading(name):
    text = CASES[name]
    quick, full = _read(load.parse_yaml, text), _read(load._marked, text)
    assert quick[0] == full[0]
    if quick[0] == "refused":
        assert quick[1] == full[1]
        return
    assert repr(quick[1].data) == repr(full[1].data)
    for path in [*full[1].marks, ("missing",), ("a", 99)]:
        assert quick[1].mark(path) == full[1].mark(path), path


def test_a_fine_file_is_read_without_marks_until_one_is_asked_for():
    source = load.parse_yaml("a:\n  b: 1\nc: 2\n", "case.yaml")
    assert source.marks is None
    assert source.mark(("c",)) == (3, 1)  # a top-level key: known without the full reading
    assert source.marks is None
    assert source.mark(("a", "b")) == (2, 3)
    assert source.marks is not None


def test_every_yaml_file_of_the_fixtures_reads_alike():
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
    assert files
    for path in files:
        text = load.read_text(path, path.name).text
        quick, full = _read(load.parse_yaml, text), _read(load._marked, text)
        assert quick[0] == full[0], path
        if quick[0] == "ok":
            assert repr(quick[1].data) == repr(full[1].data), path
