"""Read source files: YAML with a line mark for every field, and Markdown text.

Nothing here knows the content model; it only turns bytes into Python values
safely and remembers where each value came from.

Most files are fine, and a file's marks are needed only to say where a problem is.
So a file is first read in one pass over the C parser's events straight into plain
values, with no marks (`_plain`); anything that pass does not expect (an anchor, a
tag, a number to refuse, a duplicate key, a syntax error…) sends the file to the
full reading, which finds the problem and says where. The full reading also runs,
once, the first time a mark of a file is asked for (`Source.mark`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from builder.core.errors import Problem, field_name
from builder.sources.characters import CODE, INVISIBLE, describe, invisible_problems

MAX_SOURCE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_KEY_LENGTH = 200
# Amounts and counts far beyond any budget would overflow the money formatter's
# precision (and a huge exponent would print millions of digits), so the loader
# stops them: at most 15 digits before the decimal point and 10 after it.
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 10
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
# Characters that have no place in text: C0 and C1 controls (except tab and line
# breaks) and the Unicode noncharacters, which are errors in HTML; lone surrogates,
# which cannot be written as UTF-8; and the invisible line and paragraph separators,
# which YAML counts as line breaks and editors do not, so line numbers would be wrong.
_NONCHARACTERS = "".join(rf"\U{plane + 0xFFFE:08x}\U{plane + 0xFFFF:08x}"
                         for plane in range(0, 0x110000, 0x10000))
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
                       + _NONCHARACTERS + "]")

FieldPath = tuple[Any, ...]


@dataclass
class Source:
    """A loaded YAML file: its values and the (line, col) of each field path (worked
    out from `text` the first time one is asked for, when `marks` is None)."""

    path: str
    data: Any
    marks: dict[FieldPath, tuple[int, int]] | None = field(default_factory=dict)
    end: tuple[int, int] = (1, 1)
    text: str = ""
    top: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)  # top-level keys

    def at(self, mark: yaml.Mark) -> tuple[int, int]:
        """(line, col) from 1 of a parser mark; the end of the stream may be marked
        one line past the last one, which no editor shows, so it is pulled back."""
        return min((mark.line + 1, mark.column + 1), self.end)

    def mark(self, path: FieldPath) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        if len(path) == 1 and path in self.top:
            return self.top[path]
        if self.marks is None:
            self.marks = _marked(self.text, self.path).marks
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


@dataclass
class TextFile:
    path: str
    text: str


class LoadError(Exception):
    """A file that cannot be read as a source: its problems (at least one; `problem` is
    the first)."""

    def __init__(self, problem: Problem | list[Problem]):
        self.problems = [problem] if isinstance(problem, Problem) else list(problem)
        self.problem = self.problems[0]
        super().__init__("\n".join(str(p) for p in self.problems))


def read_text(path: Path, shown: str) -> TextFile:
    """Read a UTF-8 source file, refusing huge files, bad encodings and control characters."""
    data = source_bytes(path, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _position(data, err.start, b"\n")
        raise LoadError(Problem(shown, line, col, "file",
                                "the file is not valid UTF-8 text; save it as UTF-8",
                                code="file.encoding")) from None
    # One kind of line break, so that every stage counts lines alike.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = FORBIDDEN.search(text)
    if bad:
        line, col = _position(text, bad.start(), "\n")
        raise LoadError(Problem(shown, line, col, "file",
                                f"the character U+{ord(bad.group()):04X} is a control or "
                                f"separator character that does not belong in text; "
                                f"delete it", code="file.character"))
    invisible = invisible_problems(text, shown)
    if invisible:
        raise LoadError(invisible)
    return TextFile(shown, text)


def source_bytes(path: Path, shown: str, limit: int | None = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a source or static file, by the one rule for every input: a regular
    file, not a symbolic link (which could lead out of the site: /etc/passwd), not a
    device (/dev/zero never ends) nor a pipe (which blocks), and at most `limit` bytes.
    All of it is checked on the open file before a byte is read. (Folders on the way
    are checked where they are found: discover.discover, sources.regular_files.)
    Raises LoadError; FileNotFoundError when there is nothing at `path`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise LoadError(Problem(shown, 1, 1, "file", SYMLINK,
                                    code="file.symlink")) from None
        raise LoadError(Problem(shown, 1, 1, "file", f"the file cannot be read: "
                                                     f"{err.strerror}",
                                code="file.unreadable")) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise LoadError(Problem(shown, 1, 1, "file", NOT_REGULAR, code="file.not-regular"))
    with os.fdopen(fd, "rb") as handle:
        too_big = Problem(shown, 1, 1, "file", f"the file is larger than {limit or 0:,} bytes, "
                                               f"the most a source file may have; split it",
                          code="file.too-large")
        if limit is not None and st.st_size > limit:
            raise LoadError(too_big)
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while we looked
        raise LoadError(too_big)
    return data


SYMLINK = ("symbolic links are not allowed in a site's sources; copy the file here "
           "instead")
NOT_REGULAR = ("this is not a regular file (but a folder, a device, a pipe or a socket); "
               "only files are read")


def _position(text, index: int, newline) -> tuple[int, int]:
    """(line, column), both from 1, of `index` in `text` (str or bytes)."""
    line_start = text.rfind(newline, 0, index) + 1
    return text.count(newline, 0, index) + 1, index - line_start + 1


def load_yaml(path: Path, shown: str) -> Source:
    """Parse a YAML file into plain values with marks. Raises LoadError."""
    text = read_text(path, shown).text
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> Source:
    """The file's values; its marks are read only when one is asked for, unless the
    quick reading gives up on the file (then this raises its problem or marks it)."""
    try:
        data, top = _plain(text)
    except _Unusual:
        return _marked(text, shown)
    return Source(shown, data, None, _position(text, len(text), "\n"), text, top)


def _marked(text: str, shown: str) -> Source:
    """The full reading: every check, with the position of every field."""
    source = Source(shown, None, end=_position(text, len(text), "\n"))
    try:
        _check_structure(text, source)
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = source.at(mark) if mark else (1, 1)
        raise LoadError(Problem(shown, line, col, "file",
                                f"this is not valid YAML: {yaml_slip(err.problem or err.context)}",
                                code="yaml.syntax")) from None
    except yaml.reader.ReaderError as err:
        line, col = _position(text, err.position, "\n")
        raise LoadError(Problem(shown, line, col, "file", f"this is not valid YAML: the "
                                f"character U+{err.character:04X} is not allowed",
                                code="yaml.syntax")) from None
    except yaml.YAMLError as err:
        raise LoadError(Problem(shown, 1, 1, "file", f"this is not valid YAML: {err}",
                                code="yaml.syntax")) from None
    # An empty document ('---' alone) is marked past the last line; leave it unmarked.
    if node is not None and node.tag != _TAG + "null":
        source.data = _value(node, (), source)
    return source


# PyYAML's own words for the usual slips, said as a clerk would fix them (the line and
# column are the problem's); anything else keeps PyYAML's words.
YAML_SLIPS = (
    ("mapping values are not allowed", "a colon and a space (': ') inside a value; put the "
                                       "whole value in quotes, or start the next field on a "
                                       "new line"),
    ("found character '\\t' that cannot start any token", "a tab; indent with spaces only"),
    ("found a tab character", "a tab; indent with spaces only"),
    ("could not find expected ':'", "a line that is neither 'field: value' nor '- item', or "
                                    "a quote left open on an earlier line"),
    ("did not find expected key", "a field indented differently from the ones beside it"),
    ("did not find expected '-' indicator", "a list item indented differently from the ones "
                                            "beside it"),
    ("found unexpected end of stream", "a quote opened and never closed"),
    ("found duplicate anchor", "the same '&' anchor twice"),
    ("expected <block end>, but found", "a line indented differently from the ones beside it"),
)


def yaml_slip(said: str | None) -> str:
    """PyYAML's message in words a clerk can act on, for the slips staff make."""
    said = said or "the file cannot be read"
    return next((plain for raw, plain in YAML_SLIPS if said.startswith(raw)), said)


class _Unusual(Exception):
    """The quick reading met something that only the full reading handles."""


_RESOLVER = yaml.resolver.Resolver()
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_PLAIN = (True, False)


def _plain(text: str) -> tuple[Any, dict[FieldPath, tuple[int, int]]]:
    """The values of a file whose top is a mapping, from one pass over the parser's
    events, and the position of each top-level key. Raises _Unusual at anything the
    full reading could refuse or read otherwise, and at any syntax error: the values
    are then the full reading's, or its problem is raised."""
    top: dict[FieldPath, tuple[int, int]] = {}
    stack: list = []  # open mappings and lists; for a mapping, the key that waits
    keys: list = []
    result: Any = None
    documents = 0
    end = _position(text, len(text), "\n")
    try:
        events = yaml.parse(text, Loader=YAML_LOADER)
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                if stack and type(stack[-1]) is dict and keys[-1] is None:
                    keys[-1] = _plain_key(event, stack[-1])
                    if len(stack) == 1:
                        top[(event.value,)] = min((event.start_mark.line + 1,
                                                   event.start_mark.column + 1), end)
                    continue
                value = _plain_scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None \
                        or len(stack) >= MAX_DEPTH or (stack and type(stack[-1]) is dict
                                                       and keys[-1] is None):
                    raise _Unusual  # (a collection as a key, too)
                stack.append({} if kind is yaml.MappingStartEvent else [])
                keys.append(None)
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()
                keys.pop()
            elif kind is yaml.AliasEvent:
                raise _Unusual
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Unusual
                continue
            else:
                continue  # the stream's and the document's start and end
            if not stack:
                if result is not None or type(value) is not dict:
                    raise _Unusual  # a file whose top is not a mapping: rare, and odd
                result = value
            elif type(stack[-1]) is dict:
                stack[-1][keys[-1]] = value
                keys[-1] = None
            else:
                stack[-1].append(value)
    except yaml.YAMLError:
        raise _Unusual from None
    if result is None:
        raise _Unusual
    return result, top


def _refused_text(value: str) -> bool:
    """What _check_text refuses (a YAML escape such as "\\u202e" gets past the file's
    own check): the marked reading then says where."""
    return bool(FORBIDDEN.search(value) or INVISIBLE.search(value))


def _plain_key(event: yaml.ScalarEvent, mapping: dict) -> str:
    key = event.value
    if len(key) > MAX_KEY_LENGTH or key in mapping or _refused_text(key) \
            or (event.implicit[0] and key == "<<"):
        raise _Unusual
    return key


def _plain_scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value as `_scalar` gives it, or _Unusual where `_scalar` refuses it."""
    value = event.value
    if not event.implicit[0]:  # quoted or a block: text
        tag = "str"
    else:
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, _PLAIN).removeprefix(_TAG)
    if tag == "str" or tag == "timestamp":
        if _refused_text(value):
            raise _Unusual
        return value
    if tag == "null":
        return None
    if tag == "bool":
        return _BOOLS[value.lower()]
    if tag in ("int", "float"):
        try:
            return _number(yaml.ScalarNode(tag, value, _NO_MARK), (), _NOWHERE)
        except LoadError:
            raise _Unusual from None
    raise _Unusual


def _check_structure(text: str, source: Source) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before any tree
    is built: composing a deeply nested document can crash the C parser, and aliases
    can make a small file expand without limit (an alias bomb)."""
    depth = 0
    for event in yaml.parse(text, Loader=YAML_LOADER):
        where = (source.path, *source.at(event.start_mark), "file")
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise LoadError(Problem(*where, "YAML anchors and aliases (& and *) are not "
                                            "allowed; write the value out",
                                    code="yaml.anchor"))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise LoadError(Problem(*where, f"nested more than {MAX_DEPTH} levels deep",
                                        code="yaml.depth"))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _fail(source: Source, node: yaml.Node, path: FieldPath, message: str,
          code: str) -> LoadError:
    return LoadError(Problem(source.path, *source.at(node.start_mark), field_name(path),
                             message, code=code))


def _value(node: yaml.Node, path: FieldPath, source: Source) -> Any:
    source.marks.setdefault(path, source.at(node.start_mark))
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path, source)
    if node.tag not in (_TAG + "map", _TAG + "seq"):
        raise _fail(source, node, path, f"the YAML tag {node.tag} is not allowed",
                    "yaml.tag")
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, path + (i,), source)
                for i, item in enumerate(node.value)]
    return _mapping(node, path, source)


def _mapping(node: yaml.MappingNode, path: FieldPath, source: Source) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "merge":
            raise _fail(source, key_node, path, "field names must be plain words",
                        "yaml.key")
        key = key_node.value
        if len(key) > MAX_KEY_LENGTH:
            raise _fail(source, key_node, path, f"a field name of {len(key):,} characters; "
                                                f"field names are short words", "yaml.key")
        _check_text(key, key_node, path, source)
        if key in result:
            raise _fail(source, key_node, path + (key,), "this field is given twice",
                        "yaml.duplicate-key")
        source.marks[path + (key,)] = source.at(key_node.start_mark)
        result[key] = _value(value_node, path + (key,), source)
    return result


def _scalar(node: yaml.ScalarNode, path: FieldPath, source: Source) -> Any:
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return _check_text(node.value, node, path, source)
    if tag == "null":
        return None
    if tag == "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag in ("int", "float"):
        return _number(node, path, source)
    if tag == "timestamp":
        return node.value  # dates stay as written; the model decides what they mean
    raise _fail(source, node, path, f"the YAML tag {node.tag} is not allowed",
                    "yaml.tag")


def _check_text(value: str, node: yaml.Node, path: FieldPath, source: Source) -> str:
    """Escapes such as "\\x01" or "\\u202e" put control and invisible characters past
    the file check; stop them here."""
    bad = FORBIDDEN.search(value)
    if bad:
        raise _fail(source, node, path, f"the text holds the character U+{ord(bad.group()):04X}, "
                                        f"a control or separator character that does not "
                                        f"belong in text", "file.character")
    hidden = INVISIBLE.search(value)
    if hidden:
        raise _fail(source, node, path, f"the text holds the invisible character "
                                        f"{describe(hidden.group())}; delete it", CODE)
    return value


def _number(node: yaml.ScalarNode, path: FieldPath, source: Source) -> int | Decimal:
    """A number exactly as written, in plain decimal notation only. YAML 1.1 reads
    0100 as 64 (octal), 0x79 as 121, 190:20:30 as 685230 (base 60) and 1_000 as
    1000: a budget figure written so is a slip, never meant, and is refused."""
    written = node.value
    if len(written) > MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES + 2:
        raise _fail(source, node, path, f"{node.value[:40]!r}… is too long to be a number",
                    "yaml.number")
    if not PLAIN_NUMBER.fullmatch(written):
        raise _fail(source, node, path, _not_plain(written), "yaml.number")
    try:
        number = int(written) if "." not in written else Decimal(written)
    except (InvalidOperation, ValueError):
        raise _fail(source, node, path, f"{node.value!r} is not a number",
                    "yaml.number") from None
    exact = Decimal(number)
    if not exact.is_finite():
        raise _fail(source, node, path, f"{node.value!r} is not a usable number",
                    "yaml.number")
    if exact and (exact.adjusted() >= MAX_INTEGER_DIGITS
                  or exact.as_tuple().exponent < -MAX_DECIMAL_PLACES):
        raise _fail(source, node, path, f"{node.value!r} is out of range: numbers may have at "
                                        f"most {MAX_INTEGER_DIGITS} digits before the decimal "
                                        f"point and {MAX_DECIMAL_PLACES} after it",
                    "yaml.number")
    return number


# Where _number's problem would be, which the quick reading drops for the full one's.
_NOWHERE, _NO_MARK = Source("", None), yaml.Mark("", 0, 0, 0, None, None)
# Digits, an optional sign and decimal point; no leading zero, no exponent.
PLAIN_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_QUOTE = "; if it is meant as text, put it in quotes"


def _not_plain(written: str) -> str:
    """Why `written` is refused as a number, and what to write instead."""
    shown = written[:40]
    if "_" in written:
        return (f"{shown!r}: underscores are not allowed in numbers; write "
                f"{written.replace('_', '')} without them")
    if ":" in written:
        return (f"{shown!r} would be read as a base-60 number "
                f"({_base_60(written)}){_QUOTE} ('{shown}')")
    bare = written.lstrip("+-")
    if bare[:2].lower() in ("0x", "0o", "0b"):
        return f"{shown!r} is a hexadecimal, octal or binary number; write it in decimal digits"
    if re.fullmatch(r"0[0-9]+(\.[0-9]*)?", bare):
        return (f"{shown!r} starts with 0, which YAML may read as an octal number; write it "
                f"without the leading zero{_QUOTE}")
    return (f"{shown!r} is not a plain decimal number; write digits with at most one "
            f"decimal point, such as 7968243.98{_QUOTE}")


def _base_60(written: str) -> str:
    """What YAML 1.1 would make of a base-60 number, to show why it is refused."""
    try:
        value = 0
        for part in written.lstrip("+-").split(":"):
            value = value * 60 + Decimal(part)
        return f"{'-' if written.startswith('-') else ''}{value}"
    except (InvalidOperation, ValueError):
        return "not what it shows"
