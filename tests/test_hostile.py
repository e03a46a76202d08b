"""Hostile input: thousands of generated sources fed to the loader and the validator.

Every source must end in a `ContentError` whose problems name a file and a line
inside it, or in a valid model that renders; never in any other exception.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import REPO, copy_site, run_budgetsite
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st
from hypothesis.control import currently_in_test_context

from builder.core.errors import ContentError
from builder.core.model import Content
from builder.render import renderer as render
from builder.site import structure as site_stage
from builder.sources import check, discover, load, schema

PROJECT_DIR = Path("content/projects/wuhua/2025/urban-rural-medical-assistance")
PROJECT_YAML = PROJECT_DIR / "project.yaml"
ZH_MD = PROJECT_DIR / "zh.md"
ORIGINAL = (REPO / PROJECT_YAML).read_bytes()
ORIGINAL_DATA = yaml.safe_load(ORIGINAL)
ORIGINAL_ZH = (REPO / ZH_MD).read_bytes()

LINE_BREAK = re.compile(rb"\r\n|\r|\n")
HOSTILE = settings(max_examples=300, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the site under attack -------------------------------------------------------------

@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A copy of the real content; `outcome` puts back every file it overwrites."""
    return one_project_site(tmp_path_factory.mktemp("hostile") / "site")


def one_project_site(target: Path) -> Path:
    """The real content with only the project under attack: half the work per example."""
    root = copy_site(target)
    for project in (root / "content/projects").glob("*/*/*"):
        if project != root / PROJECT_DIR:
            shutil.rmtree(project)
    return root


def outcome(root: Path, files: dict[Path, bytes]) -> Content | ContentError:
    """Write `files` over the site, load and validate it; restore the files afterwards."""
    saved = {path: (root / path).read_bytes() if (root / path).is_file() else None
             for path in files}
    try:
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
        try:
            content = discover.load_content(root)
            site_stage.make_site(content)  # as `check` does: a slug a page of the site takes
        except ContentError as err:
            assert_located(root, err)
            note_outcome("refused")
            return err
        assert_renders(content)
        note_outcome("accepted")
        return content
    finally:
        for path, data in saved.items():
            if data is None:
                (root / path).unlink()
            else:
                (root / path).write_bytes(data)


def note_outcome(label: str) -> None:
    """Count refusals and acceptances in Hypothesis' statistics (--hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(label)


def assert_located(root: Path, err: ContentError) -> None:
    """Every problem names a source file (or, for a missing file, its folder) and a
    line that exists in it."""
    assert err.problems, "a ContentError without problems"
    for problem in err.problems:
        assert problem.message and problem.field, problem
        target = root / problem.path
        assert target.exists() or target.parent.is_dir(), f"{problem}: no such folder"
        lines = len(LINE_BREAK.split(target.read_bytes())) if target.is_file() else 1
        assert 1 <= problem.line <= lines, f"{problem}: line outside the file ({lines} lines)"
        assert problem.col >= 1, problem


def assert_renders(content: Content) -> None:
    """A model that validates must also render, into pages inside the output folder."""
    built = site_stage.make_site(content)
    pages = site_stage.pages(built)
    files = render.render_all(built, pages, tuple(render.template_dirs(REPO)))
    for name, data in files.items():
        assert not name.startswith("/") and ".." not in name.split("/"), name
        data.decode("utf-8")


def refused(result, *words: str) -> list[str]:
    """The messages of a refusal; fails when the source was accepted."""
    assert isinstance(result, ContentError), "the hostile source was accepted"
    messages = [str(p) for p in result.problems]
    if words:
        assert any(all(w in m for w in words) for m in messages), messages
    return messages


# --- strategies ---------------------------------------------------------------------------

YAML_PIECES = ["a:", "name:", "zh:", "en:", "indicators:", " ", "  ", "\n", "\n  ", "- ",
               "[", "]", "{", "}", ",", ":", "? ", "&x ", "*x", "!!str ", "!!binary ",
               "!!python/object:os.system ", "!local ", "<<: ", "'", '"', "\\", "#", "|",
               ">", "---", "...", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\t", "\\x01",
               "\\ud800", "1e999", ".nan", "0x", "0o7", "1_000", "190:20:30", "~", "null",
               "yes", "2025-01-01", "中文", "\u202e", "\ufeff", "\x85", "\u2028", "@", "`"]

yaml_like = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=5),
                     max_size=60).map("".join)

scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=30)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.decimals(allow_nan=False, allow_infinity=False).map(str)
           | st.sampled_from(["", " ", "wuhua", "../wuhua", "2025", "元", "万元", ">=",
                              "output", "quantity", "x" * 30_000]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.sampled_from(["zh", "en"]),
                                        inner, max_size=4), max_leaves=12)


def field_paths(data, path=()):
    """Every field path in the project's data, to pick one to attack."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from field_paths(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from field_paths(value, path + (i,))


PATHS = sorted(field_paths(ORIGINAL_DATA), key=repr)


def replaced(data, path, value, delete=False):
    """A copy of `data` with the value at `path` replaced (or deleted)."""
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    head, rest = path[0], path[1:]
    if rest:
        copy[head] = replaced(copy[head], rest, value, delete)
    elif delete:
        del copy[head]
    else:
        copy[head] = value
    return copy


def dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


# --- malformed YAML, random bytes and text -------------------------------------------------

@HOSTILE
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_project_yaml(root, data):
    refused(outcome(root, {PROJECT_YAML: data}))


@HOSTILE
@given(text=yaml_like)
def test_malformed_yaml(root, text):
    refused(outcome(root, {PROJECT_YAML: text.encode("utf-8", "surrogatepass")}))


@HOSTILE
@given(text=yaml_like)
def test_malformed_yaml_inside_a_valid_project(root, text):
    """Garbage spliced into the middle of a real project.yaml."""
    lines = ORIGINAL.decode().splitlines(keepends=True)
    for at in (3, len(lines) // 2, len(lines)):
        spliced = "".join(lines[:at]) + text + "".join(lines[at:])
        outcome(root, {PROJECT_YAML: spliced.encode("utf-8", "surrogatepass")})


# --- wrong types, missing and unknown fields ------------------------------------------------

@settings(HOSTILE, max_examples=400)
@given(path=st.sampled_from(PATHS), value=values, how=st.sampled_from(["set", "delete", "add"]))
def test_wrong_types_anywhere(root, path, value, how):
    if how == "add":
        assume(isinstance(value, (str, int, type(None))) and path)
        data = replaced(ORIGINAL_DATA, path[:-1] + ("unknown_field",), value) \
            if isinstance(path[-1], str) else replaced(ORIGINAL_DATA, (), ORIGINAL_DATA)
    else:
        assume(path or how == "set")
        data = replaced(ORIGINAL_DATA, path, value, delete=how == "delete")
    outcome(root, {PROJECT_YAML: dump(data)})


def test_a_wrong_type_is_named_with_its_field_and_line(root):
    text = dump(replaced(ORIGINAL_DATA, ("indicators", 2, "weight"), "ten")).decode()
    line = text.splitlines().index("  weight: ten") + 1  # the only indicator weighing "ten"
    refused(outcome(root, {PROJECT_YAML: text.encode()}),
            f"{PROJECT_YAML.as_posix()}:{line}:", "indicators[3].weight", "should be a number")


# --- deep nesting, huge strings, big numbers ------------------------------------------------

@settings(HOSTILE, max_examples=100)
@given(depth=st.integers(1, 200_000), flow=st.booleans(), mapping=st.booleans())
def test_deep_nesting(root, depth, flow, mapping):
    if flow:
        opener, closer = ("{a: ", "}") if mapping else ("[", "]")
        nested = " " + opener * depth + "x" + closer * depth
    else:
        depth = min(depth, 300)  # block style needs a line per level
        nested = "".join("\n" + "  " * i + ("a:" if mapping else "-") for i in range(1, depth + 1))
        nested += " x"
    text = ORIGINAL.decode().replace("year: 2025", "year: 2025\nextra:" + nested, 1)
    result = outcome(root, {PROJECT_YAML: text.encode()})
    if depth + 1 > load.MAX_DEPTH:  # the file's own mapping is one level
        refused(result, "nested more than", "[yaml.depth]")
    else:
        refused(result, "unknown field 'extra'", "[schema.unknown-field]")


@settings(HOSTILE, max_examples=60)
@given(size=st.integers(1, 1_200_000), where=st.sampled_from(PATHS[1:]))
def test_huge_strings(root, size, where):
    assume(bool(where) and isinstance(where[-1], str))  # () sorts after its fields
    data = replaced(ORIGINAL_DATA, where, "长" * (size // 3) + "x" * (size % 3))
    result = outcome(root, {PROJECT_YAML: dump(data)})
    if len(dump(data)) > load.MAX_SOURCE_BYTES:
        refused(result, "larger than", "[file.too-large]")


@HOSTILE
@given(number=st.sampled_from(["1" + "0" * 5000, "1.0e99999", "1.0e-99999", "9" * 30, ".inf",
                               "-.inf", ".nan", "0x" + "f" * 40, "1e400", "1.5e16",
                               "0.00000000001", "1_0_0", "99999999999999999.5"]),
       where=st.sampled_from(["funding:\n  budget_year: ", "    weight: "]))
def test_numbers_out_of_range(root, number, where):
    text = ORIGINAL.decode()
    first = text.index(where) + len(where)
    end = text.index("\n", first)
    result = outcome(root, {PROJECT_YAML: (text[:first] + number + text[end:]).encode()})
    if number not in ("1_0_0",):
        refused(result)


# --- aliases, anchors and tags --------------------------------------------------------------

TAGS = ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary", "!!set",
        "!!omap", "!!pairs", "!!timestamp", "!!float", "!!int", "!!map", "!!seq", "!custom",
        "!<tag:yaml.org,2002:python/object:os.system>", "!!merge", "!!value", "!!yaml"]


@HOSTILE
@given(line=st.integers(0, 170), anchor=st.sampled_from(["&a ", "*a", "&a *a", "<<: *a"]),
       tag=st.sampled_from(TAGS + [""]))
def test_aliases_anchors_and_tags(root, line, anchor, tag):
    lines = ORIGINAL.decode().splitlines(keepends=True)
    at = min(line, len(lines) - 1)
    target = lines[at]
    assume(": " in target and not target.lstrip().startswith("#"))
    key, _, value = target.partition(": ")
    lines[at] = f"{key}: {tag} {anchor} {value}" if tag else f"{key}: {anchor} {value}"
    result = outcome(root, {PROJECT_YAML: "".join(lines).encode()})
    refused(result)


def test_alias_bomb_is_refused_quickly(tmp_path):
    """A billion laughs: nine levels of ten aliases each. Refused before it expands."""
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        levels.append(f"a{i}: &a{i} [{refs}]")
    root = copy_site(tmp_path / "site")
    (root / PROJECT_YAML).write_text("\n".join(levels) + "\n", encoding="utf-8")
    # Expanded it would be 10⁹ strings; a generous timeout only catches a real expansion.
    result = run_budgetsite("check", "--root", root, timeout=60)
    assert result.returncode == 1
    assert "anchors and aliases" in result.stderr
    assert f"{PROJECT_YAML.as_posix()}:1:" in result.stderr
    assert "Traceback" not in result.stderr


# --- invalid UTF-8 and control characters -------------------------------------------------

BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
             b"\x80", b"\xc3"]


@HOSTILE
@given(at=st.integers(0, len(ORIGINAL)), bad=st.sampled_from(BAD_BYTES),
       which=st.sampled_from([PROJECT_YAML, ZH_MD]))
def test_invalid_utf8_is_located(root, at, bad, which):
    original = ORIGINAL if which == PROJECT_YAML else ORIGINAL_ZH
    at = min(at, len(original))
    while at and (original[at] & 0xC0) == 0x80 if at < len(original) else False:
        at -= 1  # split between characters, so the only bad bytes are ours
    data = original[:at] + bad + original[at:]
    messages = refused(outcome(root, {which: data}), "not valid UTF-8", "[file.encoding]")
    line = data[:at].count(b"\n") + 1
    assert any(f"{which.as_posix()}:{line}:" in m for m in messages), (line, messages)


CONTROLS = [chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F]] \
    + ["\ufffe", "\uffff", "\U0010ffff", "\ufdd0"]


@HOSTILE
@given(at=st.integers(0, 10_000), char=st.sampled_from(CONTROLS),
       which=st.sampled_from([PROJECT_YAML, ZH_MD]), escaped=st.booleans())
def test_control_characters_are_located(root, at, char, which, escaped):
    text = (ORIGINAL if which == PROJECT_YAML else ORIGINAL_ZH).decode()
    at = min(at, len(text))
    if escaped and which == PROJECT_YAML:
        # As a YAML escape inside a quoted value, past the file's own check.
        text = text.replace('en: "2025 budget', f'en: "\\u{ord(char):04x}2025 budget', 1) \
            if ord(char) <= 0xFFFF else text.replace('en: "2025 budget',
                                                     f'en: "\\U{ord(char):08x}2025 budget', 1)
        at = text.index("2025 budget") - 7
    else:
        text = text[:at] + char + text[at:]
    messages = refused(outcome(root, {which: text.encode("utf-8", "surrogatepass")}))
    line = text[:at].count("\n") + 1
    assert any(f"{which.as_posix()}:{line}:" in m and m.endswith(" [file.character]")
               for m in messages), (line, messages)


# --- path tricks in folder names, slugs and districts ---------------------------------------

TRICKY_NAMES = ["..", ".", "...", ".hidden", "a..b", "%2e%2e", "..%2f", "a b", "UPPER", "ü",
                "五华", "a_b", "-a", "a-", "a--b", "a.b", "con", "nul", "a\\b", " a", "a ",
                "\u202ea", "a\u200bb", "２０２５", "2025 ", "0", "9999", "-1", "1e3", "x" * 200]
names = st.sampled_from(TRICKY_NAMES) | st.text(min_size=1, max_size=12).filter(
    lambda s: "/" not in s and "\x00" not in s)


@settings(HOSTILE, max_examples=400)
@given(district=names, year=names, slug=names, yaml_district=names | st.just("wuhua"),
       yaml_year=st.integers(-10, 10_000) | names)
def test_path_tricks_in_folders_slugs_and_districts(root, district, year, slug, yaml_district,
                                                    yaml_year):
    assume(all(n not in (".", "..") for n in (district, year, slug)))
    data = {**ORIGINAL_DATA, "district": yaml_district, "year": yaml_year}
    moved = Path("content/projects") / district / year / slug
    with project_moved_to(root, moved):
        result = outcome(root, {moved / "project.yaml": dump(data)})
    safe = all(check.SLUG.fullmatch(n) for n in (district, slug))
    if not (safe and yaml_district == district == "wuhua" and str(yaml_year) == year):
        refused(result)


@contextlib.contextmanager
def project_moved_to(root: Path, folder: Path):
    """The project under attack moved to `folder` (a name the file system may refuse)."""
    projects = root / "content/projects"
    shutil.move(root / PROJECT_DIR, root / "moving")
    shutil.rmtree(projects)
    try:
        try:
            (root / folder).parent.mkdir(parents=True)
            (root / "moving").rename(root / folder)
        except (OSError, ValueError):
            assume(False)  # the file system itself refuses the name
        yield
    finally:
        if (root / folder).is_dir():
            (root / folder).rename(root / "moving")
        shutil.rmtree(projects, ignore_errors=True)
        (root / PROJECT_DIR).parent.mkdir(parents=True)
        (root / "moving").rename(root / PROJECT_DIR)


@settings(HOSTILE, max_examples=200)
@given(slug=names | st.sampled_from(["../etc", "wuhua/../x", "a/b", "%2e%2e", "city"]),
       code=names | st.sampled_from(["530102", "../../x", "53010２"]))
def test_path_tricks_in_districts_yaml(root, slug, code):
    text = (REPO / "content/districts.yaml").read_text(encoding="utf-8")
    text = text.replace("slug: panlong", f"slug: {yaml.safe_dump(slug).strip()}", 1)
    text = text.replace('code: "530103"', f"code: {yaml.safe_dump(code).strip()}", 1)
    result = outcome(root, {Path("content/districts.yaml"): text.encode()})
    if not (check.SLUG.fullmatch(slug) and code.isascii() and code.isdigit()
            and len(code) == 6) or slug == "wuhua":
        refused(result)


# --- narrative Markdown ---------------------------------------------------------------------

MD_PIECES = ["## ", "{#overview}", "{#", "}", "\n", "\n\n", "[", "]", "(", ")", "<", ">", "*",
             "_", "`", "```", "    ", "- ", "1. ", "> ", "|", "---", "!", "&", "#", ";",
             "<script>", "</script>", "javascript:", "<!--", "-->", "<![CDATA[", "\\",
             "http://x", "中文", "\u2028", "\ufeff", "=" * 3]
markdown_like = st.lists(st.sampled_from(MD_PIECES) | st.text(max_size=4), max_size=80).map("".join)


@settings(HOSTILE, max_examples=250)
@given(text=markdown_like)
def test_hostile_markdown(root, text):
    """Garbage Markdown in the body of the first section of a real narrative."""
    heading, _, rest = ORIGINAL_ZH.decode().partition("\n")
    spliced = f"{heading}\n\n{text}\n{rest}"
    outcome(root, {ZH_MD: spliced.encode("utf-8", "surrogatepass")})


@pytest.mark.parametrize("bomb", [
    "[" * 100_000, "[a](" * 20_000, "<a href='" * 20_000, "![a](" * 20_000,
    "\n".join("    " * i + "- x" for i in range(400)), "> " * 5000 + "x",
    "".join("> - " for _ in range(5000)) + "x",
], ids=["brackets", "links", "raw-html", "images", "nested-lists", "quotes", "quote-lists"])
def test_markdown_bombs_are_refused_quickly(tmp_path, bomb):
    """Inputs on which the Markdown converter hangs or overflows its stack."""
    root = copy_site(tmp_path / "site")
    (root / ZH_MD).write_text("## 概况 {#overview}\n\n" + bomb + "\n", encoding="utf-8")
    result = run_budgetsite("check", "--root", root, timeout=60)
    assert result.returncode == 1, result.stdout
    assert f"{ZH_MD.as_posix()}:" in result.stderr and "Traceback" not in result.stderr


# --- size limits and the command line -------------------------------------------------------

@pytest.mark.parametrize("which", [PROJECT_YAML, ZH_MD, Path("content/site.yaml")])
def test_files_above_the_size_limit_are_refused(tmp_path, which):
    root = copy_site(tmp_path / "site")
    with (root / which).open("ab") as handle:
        handle.write(b"# " + b"x" * load.MAX_SOURCE_BYTES + b"\n")
    result = run_budgetsite("build", "--root", root)
    assert result.returncode == 1
    assert f"{which.as_posix()}:1:1: file: the file is larger than" in result.stderr
    assert "[file.too-large]" in result.stderr
    assert not (root / "public").exists()


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    root = copy_site(tmp_path / "site")
    with (root / PROJECT_YAML).open("r+b") as handle:
        handle.truncate(8 * 2**30)  # 8 GiB of holes: reading it would exhaust memory
    result = run_budgetsite("check", "--root", root, timeout=60)
    assert result.returncode == 1
    assert "the file is larger than" in result.stderr


@pytest.mark.parametrize("payload", [
    b"\xff\xfe", b"a: &x [*x]", b"[" * 100_000,
    b"district: wuhua\nyear: !!python/object/apply:os.system [echo pwned]\n",
    "name: \"\\x01\"".encode(), b"\x00" * 10,
], ids=["utf16-bom", "recursive-alias", "deep", "python-tag", "escaped-control", "nul"])
def test_the_command_line_never_shows_a_traceback(tmp_path, payload):
    root = copy_site(tmp_path / "site")
    (root / PROJECT_YAML).write_bytes(payload)
    result = run_budgetsite("build", "--root", root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{PROJECT_YAML.as_posix()}:" in result.stderr
    assert not (root / "public").exists()
    assert "pwned" not in result.stdout


def test_the_untouched_site_is_valid(root):
    """The attacks above start from a valid site: their refusals are the attack's doing."""
    assert isinstance(outcome(root, {}), Content)


# --- number forms: a figure is read exactly as written, or refused where it stands -----------

NUMBER_FIELDS = {"budget year": "funding:\n  budget_year: ", "weight": "    weight: ",
                 "indicator value": "    value: 95", "component": "    amount: "}


def with_number(field: str, written: str) -> bytes:
    """The project with the number of `field` (its first occurrence) written as `written`;
    and the line it stands on."""
    text = ORIGINAL.decode()
    prefix = NUMBER_FIELDS[field]
    first = text.index(prefix) + len(prefix.rstrip("0123456789"))
    end = text.index("\n", first)
    return (text[:first] + written + text[end:]).encode()


def line_of(field: str) -> int:
    """The line on which `field`'s number stands."""
    text = ORIGINAL.decode()
    return text[:text.index(NUMBER_FIELDS[field])].count("\n") + 1 \
        + NUMBER_FIELDS[field].count("\n")


@pytest.mark.parametrize("field", sorted(NUMBER_FIELDS))
@pytest.mark.parametrize("written, words", [
    ("0100", "starts with 0"), ("0x79", "hexadecimal"), ("0777", "octal"),
    ("0b101", "binary"), ("190:20:30", "base-60 number (685230)"), ("1:1", "base-60 number (61)"),
    ("1_000", "underscores"), ("1_000.5", "underscores"), (".5", "plain decimal"),
    ("1.0e+5", "plain decimal"), ("5.", "plain decimal"), ("-0x10", "hexadecimal"),
    ("007.5", "starts with 0"),
])
def test_yaml_1_1_number_forms_are_refused_where_they_stand(root, field, written, words):
    """YAML 1.1 would read 0100 as 64, 0x79 as 121, 190:20:30 as 685230 and 1:1 as 61:
    each is refused with its file, line and column, never published as another figure."""
    data = with_number(field, written)
    messages = refused(outcome(root, {PROJECT_YAML: data}), words)
    line = line_of(field)
    assert any(m.startswith(f"{PROJECT_YAML.as_posix()}:{line}:") and words in m
               and m.endswith(" [yaml.number]") for m in messages), messages


@pytest.mark.parametrize("field", sorted(NUMBER_FIELDS))
@pytest.mark.parametrize("written", ["-0.00", "-0.0", '"-0.00"', "-0.000"])
def test_a_negative_zero_is_refused_where_it_stands(root, field, written):
    """-0.00 is not below zero, yet the page would print "-0.00元"."""
    messages = refused(outcome(root, {PROJECT_YAML: with_number(field, written)}))
    assert any(m.startswith(f"{PROJECT_YAML.as_posix()}:{line_of(field)}:")
               and "negative" in m and m.endswith(" [schema.range]") for m in messages), messages


@pytest.mark.parametrize("field", ["budget year", "component"])
@pytest.mark.parametrize("written", ["7968243.985", "1.001", "0.125"])
def test_yuan_amounts_are_exact_to_the_fen(root, field, written):
    """More than two decimal places in 元 would show rounded on the page and exact in the
    data; it is refused at its line."""
    data = with_number(field, written)
    messages = refused(outcome(root, {PROJECT_YAML: data}), "decimal places", "at most 2",
                       "[schema.decimals]")
    assert any(f":{line_of(field)}:" in m for m in messages), messages


@pytest.mark.parametrize("written, expected", [("7968243.98", "7968243.98"),
                                               ('"7968243.98"', "7968243.98"),
                                               ("'7968243.9'", "7968243.9"),
                                               ("0.5", "0.5"), ("12", "12")])
def test_plain_and_quoted_decimals_are_read_exactly(root, written, expected):
    content = outcome(root, {PROJECT_YAML: with_number("budget year", written)})
    assert isinstance(content, Content), content
    assert content.projects[0].funding.budget_year.yuan == Decimal(expected)


def test_an_amount_in_wan_yuan_may_have_six_places_not_seven(root):
    text = ORIGINAL.decode()
    spot = "funding:\n  budget_year: "
    start = text.index(spot) + len(spot)
    end = text.index("\n", start)
    for value, ok in (("796.824398", True), ("796.8243981", False)):
        data = (text[:start] + f"{{value: {value}, unit: 万元}}" + text[end:]).encode()
        result = outcome(root, {PROJECT_YAML: data})
        if ok:
            assert isinstance(result, Content), result
            assert result.projects[0].funding.budget_year.yuan == Decimal("7968243.98")
        else:
            refused(result, "at most 6", "[schema.decimals]")


# --- CSV formula injection ---------------------------------------------------------------------

FORMULAS = {("name",): {"zh": "=HYPERLINK(\"http://x\",\"点击\")", "en": "+cmd|' /C calc'!A0"},
            ("department",): {"zh": "@SUM(1+1)*cmd|' /C calc'!A0", "en": "-2+3"},
            ("unit", "name"): {"zh": "\t=1+1", "en": "\r=1+1"},
            ("indicators", 0, "name"): {"zh": "=1+1", "en": "-1"}}


LONE_COMPARATORS = {"=", ">=", "<=", ">", "<", "＝", "≥", "≤"}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path):
    """OWASP's rule in every CSV file (the open data, the explorer's parts), one rule for
    every column: a cell starting with = + - @ tab or carriage return gets a leading '
    (a number such as -1 stays a number, a lone comparator such as = stays a sign);
    the JSON stays exact."""
    import csv
    import json
    root = one_project_site(tmp_path / "site")
    data = ORIGINAL_DATA
    for path, value in FORMULAS.items():
        data = replaced(data, path, value)
    (root / PROJECT_YAML).write_bytes(dump(data))
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 0, result.stderr
    written, tables = set(), sorted((root / "public/data").rglob("*.csv"))
    assert any("explorer" in t.parts for t in tables), tables
    for table in tables:
        with table.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    written.add(value)
                    assert value not in {"'" + c for c in LONE_COMPARATORS}, (table, value)
                    if value in LONE_COMPARATORS:
                        continue
                    assert not value.startswith(("=", "+", "@", "\t", "\r")), (table.name, value)
                    assert not value.startswith("-") or re.fullmatch(r"-[0-9.]+", value), value
    for value in FORMULAS.values():
        for text in value.values():
            if text != "-1":
                assert "'" + text.strip() in written, text
    saved = json.loads(next((root / "public/data/projects").rglob("*.json")).read_text("utf-8"))
    assert saved["name"] == {"zh": FORMULAS[("name",)]["zh"], "en": FORMULAS[("name",)]["en"]}


# --- symbolic links and special files: regular files inside the site only, checked first ------

def _link(root: Path, where: str, target: Path | str) -> None:
    path = root / where
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        (root / "moved-away").mkdir(exist_ok=True)
        path.rename(root / "moved-away" / path.name)
    path.symlink_to(target)


def _fifo(root: Path, where: str) -> None:
    import os
    (root / where).unlink()
    os.mkfifo(root / where)


SECRET = "SECRET-VALUE-FROM-OUTSIDE"
OUTSIDE_YAML = f"district: {SECRET}\nyear: {SECRET}\n"


@pytest.mark.parametrize("case, where", [
    ("dev-zero", ZH_MD.parent / "en.md"), ("fifo", ZH_MD.parent / "en.md"),
    ("outside", PROJECT_YAML), ("outside", Path("content/site.yaml")),
    ("outside", Path("content/districts.yaml")), ("fifo", ZH_MD),
    ("passwd", Path("site_templates/static/passwd.txt")),
    ("outside", Path("site_templates/layouts/base.html")),
    ("folder", Path("content/projects/guandu")),
], ids=["dev-zero-en.md", "fifo-en.md", "project.yaml", "site.yaml", "districts.yaml",
        "fifo-zh.md", "static-passwd", "template", "district-folder"])
def test_links_and_special_files_are_refused_before_they_are_read(tmp_path, case, where):
    """A link to /dev/zero would be read without end, a pipe blocks for ever, a link out
    of the site publishes or echoes what it points at: each is refused, by its path,
    before a byte is read, and nothing is written."""
    root = copy_site(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file").write_text(OUTSIDE_YAML, "utf-8")
    (outside / "projects").mkdir()
    shutil.copytree(root / "content/projects/wuhua", outside / "projects/wuhua")
    if case == "dev-zero":
        _link(root, where, "/dev/zero")
    elif case == "fifo":
        _fifo(root, where)
    elif case == "passwd":
        _link(root, where, "/etc/passwd")
    elif case == "folder":
        _link(root, where, outside / "projects/wuhua")
    else:
        _link(root, where, outside / "file")
    for command in ("check", "build") if case != "passwd" and "site_templates" not in str(where) \
            else ("build",):
        result = run_budgetsite(command, "--root", root, "--no-search" if command == "build"
                                else "--strict", timeout=60)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert f"{where.as_posix()}:1:1: file:" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stderr + result.stdout
        assert not (root / "public").exists()


# --- the base path: one rule for site.yaml and --base-path -----------------------------------

@pytest.mark.parametrize("value", ["/a b/<x>/", "/../../", "/./", "/a/../", "budget", "/budget",
                                   "//", "/a/b", "/%2e%2e/", "javascript:alert(1)/"])
def test_a_bad_base_path_is_refused_alike_in_site_yaml_and_on_the_command_line(tmp_path, value):
    root = copy_site(tmp_path / "site")
    result = run_budgetsite("build", "--root", root, "--no-search", "--base-path", value)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"--base-path: {value!r} is not valid" in result.stderr, result.stderr
    site_yaml = root / "content/site.yaml"
    site_yaml.write_text(re.sub(r"^base_path: .*$", f"base_path: {json.dumps(value)}",
                                site_yaml.read_text("utf-8"), flags=re.M), "utf-8")
    result = run_budgetsite("build", "--root", root, "--no-search")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "content/site.yaml:" in result.stderr and f"{value!r} is not valid" in result.stderr
    assert not (root / "public").exists()


@pytest.mark.parametrize("value", ["/", "/budget/", "/a.b/c~d/", "/2025-budget/"])
def test_a_good_base_path_is_accepted_in_both(tmp_path, value):
    root = copy_site(tmp_path / "site")
    assert schema.base_path_problem(value) is None
    site_yaml = root / "content/site.yaml"
    site_yaml.write_text(re.sub(r"^base_path: .*$", f"base_path: {json.dumps(value)}",
                                site_yaml.read_text("utf-8"), flags=re.M), "utf-8")
    assert isinstance(outcome(root, {}), Content)


# --- the file system in the way: one line, exit 1, no traceback -----------------------------

def test_folders_nested_1500_deep_are_one_problem(tmp_path):
    import os
    root = copy_site(tmp_path / "site")
    here = os.getcwd()
    os.chdir(root / "content/projects/wuhua/2025")
    try:
        for _ in range(1500):  # deeper than any path the system can name at once
            os.mkdir("nested-folder")
            os.chdir("nested-folder")
    finally:
        os.chdir(here)
    try:
        for command in ("check", "build"):
            result = run_budgetsite(command, "--root", root, timeout=120)
            assert result.returncode == 1 and "Traceback" not in result.stderr, \
                result.stderr[-2000:]
            assert "content/projects/wuhua/2025/nested-folder/nested-folder:1:1: file: not " \
                   "in a project folder" in result.stderr
            assert result.stderr.count("nested-folder/nested-folder/nested-folder") == 0
    finally:
        remove_nested(root / "content/projects/wuhua/2025", "nested-folder")


def remove_nested(top: Path, name: str) -> None:
    """Remove a chain of folders too deep for shutil.rmtree (which recurses)."""
    import os
    here = os.getcwd()
    os.chdir(top)
    depth = 0
    try:
        while os.path.isdir(name):
            os.chdir(name)
            depth += 1
        for _ in range(depth):
            os.chdir("..")
            os.rmdir(name)
    finally:
        os.chdir(here)


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    """The output's parent cannot be written (here it is a file; read-only is the same)."""
    root = copy_site(tmp_path / "site")
    (tmp_path / "a-file").write_text("x")
    result = run_budgetsite("build", "--root", root, "--no-search", "--out",
                            tmp_path / "a-file" / "public")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not write" in lines[0] and "a-file" in lines[0], lines


# --- the site's contact: one address, never extra mail headers --------------------------------

@pytest.mark.parametrize("contact", [
    "a@b?bcc=evil.example", "a@b.org?bcc=evil.example", "a@b.org&cc=evil.example",
    "a@b.org,evil@example.org", "a@b.org%3Fbcc=evil.example", "a b@example.org",
    "mailto:a@example.org", "javascript:alert(1)//@x.org", "http://example.org/report",
    "https://example.org/report#x", 'https://example.org/"onclick=x',
])
def test_a_contact_with_extra_headers_or_another_scheme_is_refused(root, contact):
    """`a@b?bcc=evil.example` would become mailto:a@b?bcc=evil.example?subject=… on every
    project page: a copy of every report to someone else."""
    site_yaml = Path("content/site.yaml")
    text = (REPO / site_yaml).read_text(encoding="utf-8") + f"contact: {json.dumps(contact)}\n"
    line = text.count("\n")
    messages = refused(outcome(root, {site_yaml: text.encode()}))
    assert any(m.startswith(f"content/site.yaml:{line}:") and ": contact: " in m
               and m.endswith(" [schema.pattern]") for m in messages), messages


@pytest.mark.parametrize("contact", ["corrections@example.org", "a.b+budget@mail.example.org",
                                     "https://example.org/report?form=1"])
def test_an_address_or_an_https_page_is_accepted_as_contact(root, contact):
    site_yaml = Path("content/site.yaml")
    text = (REPO / site_yaml).read_text(encoding="utf-8") + f"contact: {json.dumps(contact)}\n"
    content = outcome(root, {site_yaml: text.encode()})
    assert isinstance(content, Content) and content.config.contact == contact


# --- invisible characters: bidi controls reverse figures, zero-width ones hide copies ---------

INVISIBLE_CHARS = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067",
                   "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c",
                   "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\ufe0f", "\U000e0041"]
FIGURE = "2025年资金安排7968243.98元。"


@pytest.mark.parametrize("char", INVISIBLE_CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_in_a_narrative_are_refused_at_line_and_column(root, char):
    """`2025年资金安排\u202e7968243.98元。` shows in Chromium as "2025年资金安排。元89.3428697"."""
    heading, _, rest = ORIGINAL_ZH.decode().partition("\n")
    written = FIGURE.replace("安排", "安排" + char)
    text = f"{heading}\n\n{written}\n{rest}"
    messages = refused(outcome(root, {ZH_MD: text.encode()}))
    col = written.index(char) + 1
    assert any(m.startswith(f"{ZH_MD.as_posix()}:3:{col}: file: ") and f"U+{ord(char):04X}" in m
               and m.endswith(" [file.invisible]") for m in messages), messages


@pytest.mark.parametrize("char", INVISIBLE_CHARS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("escaped", [False, True])
def test_invisible_characters_in_a_yaml_value_are_refused_where_they_stand(root, char,
                                                                           escaped):
    """In a name, written as the character or as a YAML escape ("\\u202e"), which the
    file's own check cannot see."""
    text = ORIGINAL.decode()
    spot = "  zh: 城乡医疗救助专项资金\n"
    assert spot in text
    line = text[:text.index(spot)].count("\n") + 1
    value = (f'"城乡医疗救助\\U{ord(char):08x}专项资金"' if escaped
             else f"城乡医疗救助{char}专项资金")
    messages = refused(outcome(root, {PROJECT_YAML: text.replace(spot, f"  zh: {value}\n")
                                      .encode()}))
    col = 3 + len("zh: ") + (0 if escaped else len("城乡医疗救助"))
    assert any(m.startswith(f"{PROJECT_YAML.as_posix()}:{line}:{col}: ")
               and f"U+{ord(char):04X}" in m and m.endswith(" [file.invisible]")
               for m in messages), messages


@pytest.mark.parametrize("where", ["content/site.yaml", "content/districts.yaml"])
def test_invisible_characters_in_the_site_files_are_refused(root, where):
    text = (REPO / where).read_text(encoding="utf-8")
    name = "昆明" if where.endswith("site.yaml") else "五华区"
    at = text.index(name) + 1
    line = text[:at].count("\n") + 1
    col = at - text.rfind("\n", 0, at)
    messages = refused(outcome(root, {Path(where): (text[:at] + "\u2067" + text[at:]).encode()}))
    assert f"{where}:{line}:{col}: file: " in "\n".join(messages), messages


def test_every_invisible_character_of_a_file_is_named(root):
    """All of them at once, each with its line and column, not only the first."""
    heading, _, rest = ORIGINAL_ZH.decode().partition("\n")
    text = f"{heading}\n\n\u202e一\n二\u200b三\u2066\n{rest}"
    messages = refused(outcome(root, {ZH_MD: text.encode()}))
    found = sorted(m.split(": ")[0] for m in messages if m.endswith("[file.invisible]"))
    assert found == [f"{ZH_MD.as_posix()}:3:1", f"{ZH_MD.as_posix()}:4:2",
                     f"{ZH_MD.as_posix()}:4:4"], messages


@pytest.mark.parametrize("copied_name", ["城乡医疗救助　专项资金", "城乡医疗救助专项资金 ",
                                         " 城乡医疗救助 专项资金"])
def test_a_copy_whose_name_only_looks_the_same_is_a_duplicate(tmp_path, copied_name):
    """A copied project whose name differs only by a space, ideographic or not (or,
    refused anyway, an invisible character) is still one name to the duplicate check."""
    root = one_project_site(tmp_path / "site")
    copy = root / PROJECT_DIR.parent / "copied"
    shutil.copytree(root / PROJECT_DIR, copy)
    text = (copy / "project.yaml").read_text(encoding="utf-8")
    (copy / "project.yaml").write_text(text.replace("  zh: 城乡医疗救助专项资金\n",
                                                    f"  zh: {json.dumps(copied_name)}\n"),
                                       encoding="utf-8")
    content = discover.load_content(root)
    assert any(w.code == "project.duplicate" for w in content.warnings), content.warnings
