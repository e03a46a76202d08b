"""Read source files: YAML with a line mark for every field, and Markdown text.

Nothing here knows the content model; it only turns bytes into Python values
safely and remembers where each value came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_SOURCE_BYTES = 1_000_000
MAX_DEPTH = 32
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"

FieldPath = tuple[Any, ...]


@dataclass
class Source:
    """A loaded YAML file: its values and the (line, col) of each field path."""

    path: str
    data: Any
    marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: FieldPath) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


@dataclass
class TextFile:
    path: str
    text: str


class LoadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_text(path: Path, shown: str) -> TextFile:
    """Read a UTF-8 source file, refusing huge files and bad encodings."""
    data = path.read_bytes()
    if len(data) > MAX_SOURCE_BYTES:
        raise LoadError(Problem(shown, 1, 1, "file",
                                f"the file is {len(data):,} bytes; sources may be at most "
                                f"{MAX_SOURCE_BYTES:,} bytes"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - data.rfind(b"\n", 0, err.start)
        raise LoadError(Problem(shown, line, col, "file",
                                "the file is not valid UTF-8 text; save it as UTF-8")) from None
    return TextFile(shown, text.removeprefix("\ufeff"))


def load_yaml(path: Path, shown: str) -> Source:
    """Parse a YAML file into plain values with marks. Raises LoadError."""
    text = read_text(path, shown).text
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> Source:
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError(Problem(shown, line, col, "file",
                                f"this is not valid YAML: {err.problem or err.context}")) from None
    except yaml.YAMLError as err:
        raise LoadError(Problem(shown, 1, 1, "file", f"this is not valid YAML: {err}")) from None
    source = Source(shown, None)
    if node is not None:
        source.data = _value(node, (), source, set(), 0)
    return source


def _fail(source: Source, node: yaml.Node, path: FieldPath, message: str) -> LoadError:
    field_name = ".".join(str(p) for p in path) or "file"
    return LoadError(Problem(source.path, node.start_mark.line + 1,
                             node.start_mark.column + 1, field_name, message))


def _value(node: yaml.Node, path: FieldPath, source: Source, seen: set[int], depth: int) -> Any:
    source.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if depth > MAX_DEPTH:
        raise _fail(source, node, path, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path, source)
    # A node met twice is a YAML alias: refuse them all, which also stops alias bombs.
    if id(node) in seen:
        raise _fail(source, node, path, "YAML anchors and aliases (& and *) are not allowed; "
                                        "write the value out")
    seen.add(id(node))
    if node.tag not in (_TAG + "map", _TAG + "seq"):
        raise _fail(source, node, path, f"the YAML tag {node.tag} is not allowed")
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, path + (i,), source, seen, depth + 1)
                for i, item in enumerate(node.value)]
    return _mapping(node, path, source, seen, depth)


def _mapping(node: yaml.MappingNode, path: FieldPath, source: Source,
             seen: set[int], depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "merge":
            raise _fail(source, key_node, path, "field names must be plain words")
        key = key_node.value
        if key in result:
            raise _fail(source, key_node, path + (key,), "this field is given twice")
        source.marks[path + (key,)] = (key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1)
        result[key] = _value(value_node, path + (key,), source, seen, depth + 1)
    return result


def _scalar(node: yaml.ScalarNode, path: FieldPath, source: Source) -> Any:
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return node.value
    if tag == "null":
        return None
    if tag == "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag == "int":
        return _SCALARS.construct_yaml_int(node)
    if tag == "float":
        try:
            number = Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            raise _fail(source, node, path, f"{node.value!r} is not a number") from None
        if not number.is_finite():
            raise _fail(source, node, path, f"{node.value!r} is not a usable number")
        return number
    if tag == "timestamp":
        return node.value  # dates stay as written; the model decides what they mean
    raise _fail(source, node, path, f"the YAML tag {node.tag} is not allowed")
