"""Every problem message has its Chinese (issue 24, point 8: staff read Chinese).

Three things together make "every": the messages the content model makes from its own
declarations (each field's kind, form and description, driven here through the real
checks), the loader's messages (driven through the real loader with YAML that makes
each of them), and a catalogue of the other rules' messages as the code words them.
The catalogue is held to the code: every message template that the package's code
passes to a Problem, a checker, a note of an import or a DocumentError must have an
example in it, so a message added without its Chinese fails here. Then each message,
said in Chinese, must have no English sentence left: only field names, codes, file
names, values and the names of programs."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest

from builder.core import codes, messages
from builder.sources import characters, load, schema

REPO = Path(__file__).resolve().parent.parent
HOLE = "\x00"

# Quoted things are values, paths and commands; left aside before English is looked for.
_VALUES = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”]*”|`[^`]*`|\{[^{}]*\}|<[^<>]*>|"
                     r"https?://\S+|\S*[/.]\S*[A-Za-z]\S*|--[a-z-]+|U\+[0-9A-F]+（[A-Z0-9 -]+）|"
                     r"budgetsite [a-z]+")
# Names of programs, formats and standards, said as they are in Chinese too.
_NAMES = {"YAML", "PyYAML", "Tab", "UTF", "PDF", "OCR", "Word", "WPS", "LibreOffice",
          "Office", "Jinja", "MB", "GB", "USCI", "zip", "url"}
ENGLISH = re.compile(r"[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)+")


def english_left(text: str) -> list[str]:
    """Runs of two or more English words, once values and names are set aside."""
    bare = _VALUES.sub(" ", text)
    return [run for run in ENGLISH.findall(bare)
            if not all(word in _NAMES for word in run.split())]


def test_english_left_finds_a_sentence_and_leaves_values_alone():
    assert english_left("应为文字，而不是文字 'a long value here'；请写成 {value: 1, unit: 万元}") == []
    assert english_left("文件 content/site.yaml 中 base_url 的值 https://example.org 有误") == []
    assert english_left("请用 Word 或 WPS 打开；LibreOffice 也可以；然后运行 budgetsite check") == []
    assert english_left("应为文字（a date such as 2025-01-20）") == ["date such as"]


# -- the messages, driven through the real code ----------------------------------------

def _wrong_values(kind: schema.Kind) -> list:
    values = [None, True, 7, Decimal("7.5"), "x", [], ["x"], {"x": 1}, "x" * 30_000,
              ["x"] * 600, Decimal("-1"), Decimal("-0.00"), Decimal("1E+16"), 10**12,
              "796.82万元", "7,968,243.98元", {"zh": "", "en": ""},
              {"value": Decimal("1.1234567"), "unit": "万元"}, {"value": 1, "unit": "千元"}]
    if isinstance(kind, schema.Str):
        values += ["Ab c", "x" * (kind.max_length + 1)]
    return values


def schema_messages() -> list[tuple[str, str]]:
    """What the checks of the content model say of wrong values in every field of
    project.yaml, districts.yaml and site.yaml: every kind, hint and description."""
    said: list[tuple[str, str]] = []

    def report(path, message, code):
        said.append((code, message))

    def walk(record: schema.Record) -> None:
        record.check({"not_a_field": 1}, (), report)  # unknown, and every field missing
        record.check({name: "" for name in record.fields}, (), report)  # every field empty
        record.check({name: {"zh": "", "en": ""} for name in record.fields}, (), report)
        for name, declared in record.fields.items():
            kind = declared.kind
            for value in _wrong_values(kind):
                kind.check(value, (name,), report)
            while isinstance(kind, schema.ListOf):
                kind = kind.item
                for value in _wrong_values(kind):
                    kind.check(value, (name, 0), report)
            if isinstance(kind, schema.Record):
                walk(kind)
    for record in (schema.PROJECT, schema.DISTRICTS, schema.SITE, schema.AMOUNT_WITH_UNIT):
        walk(record)
    return said


# YAML that makes each of the loader's messages.
LOADED = [
    "name: 名称: 城乡医疗救助\n", "a:\n\t- x\n", "a: b\nc\n", "a:\n  b: 1\n c: 2\n",
    "a:\n  - 1\n - 2\n", "a: 'x\n", "a: &x 1\nb: &x 2\n", "a: 1\n  b: 2\n", "a: [1, 2\n",
    "a: \"\\x\"\n", "a: &x 1\nb: *x\n", "a: " + "[" * 40 + "]" * 40 + "\n", "? [a]\n: 1\n",
    "k" * 300 + ": 1\n", "a: 1\na: 2\n", "a: !!binary aGk=\n", "a: !!python/none x\n",
    "a: 0100\n", "a: 0x79\n", "a: 1_000\n", "a: 190:20:30\n", "a: 1e5\n", "a: .inf\n",
    "a: " + "9" * 30 + "\n", "a: 1" + "0" * 16 + "\n", "a: 0.000000000001\n", "a: \"\\x01\"\n",
    "a: \"\\u202e\"\n", "a: x\u0001\n", "a: x\u200b\n", "a: \"\\uFFFE\"\n",
]


def loader_messages(tmp_path: Path) -> list[tuple[str, str]]:
    said = []
    for text in LOADED:
        try:
            load._marked(text, "x.yaml")
        except load.LoadError as err:
            said += [(p.code, p.message) for p in err.problems]
    for data in (b"a: \xff\n", b"a: 1\n" * 200_001, b"a: x\x01\n"):
        path = tmp_path / "file.yaml"
        path.write_bytes(data)
        try:
            load.load_yaml(path, "file.yaml")
        except load.LoadError as err:
            said += [(p.code, p.message) for p in err.problems]
    for char in map(chr, (0x202E, 0x2067, 0x200E, 0x061C, 0x200B, 0x2060, 0xAD, 0xFEFF,
                          0x3164)):
        said += [(p.code, p.message) for p in characters.invisible_problems(f"a{char}", "x")]
    said += [("yaml.syntax", f"this is not valid YAML: {plain}") for _, plain in load.YAML_SLIPS]
    return said


# The other rules' messages, as the code words them (an example of each).
CATALOGUE = [
    ("schema.required", "missing: write the budget-year amount the document states or, where "
                        "it states only its parts, list them under funding.components (the "
                        "site shows their sum, marked as worked out by it)"),
    ("file.missing", "this file is missing"),
    ("file.empty", "the file is empty"),
    ("file.symlink", load.SYMLINK),
    ("file.not-regular", load.NOT_REGULAR),
    ("file.unreadable", "the file cannot be read: Permission denied"),
    ("file.unreadable", "the file cannot be read: Stale file handle"),
    ("yaml.syntax", "this is not valid YAML: the character U+0085 is not allowed"),
    ("yaml.syntax", "this is not valid YAML: found undefined tag handle '!x!'"),
    ("yaml.syntax", "this is not valid YAML: the file cannot be read"),
    ("yaml.number", "'99999999999999999999999999999'… is too long to be a number"),
    ("yaml.number", "'1.2.3' is not a number"),
    ("yaml.number", "'nan' is not a usable number"),
    ("district.unknown", "unknown district 'wuhau'; known districts: panlong, wuhua"),
    ("district.unknown", "unknown district 'wuhau'; known districts: none"),
    ("district.duplicate", "district 'wuhua' is listed twice"),
    ("district.reserved", "'search' cannot be a district slug: the site's own pages use "
                          "/<lang>/search/; choose another (the names taken: about, data, "
                          "search, years)"),
    ("folder.name", "the folder name 'Urban Rural' is not a safe slug: use lowercase letters, "
                    "digits and single hyphens (no spaces, dots or slashes)"),
    ("folder.name", "the folder name 'Wuhua' is not a safe district: use lowercase letters, "
                    "digits and single hyphens (no spaces, dots or slashes)"),
    ("folder.year", "the year 2024 does not match the folder 2025/; move the folder or fix "
                    "the year"),
    ("folder.district", "the district 'panlong' does not match the folder wuhua/"),
    ("folder.stray", "not in a project folder: projects live in "
                     "content/projects/<district>/<year>/<slug>/"),
    ("site.placeholder", "000000 is a placeholder, not a GB/T 2260 code; write the division's "
                         "six-digit code"),
    ("site.placeholder", "https://example.org is the example address; write the address the "
                         "site is published at"),
    ("site.placeholder", "【某市】 is a placeholder to replace with your own words"),
    ("site.placeholder", "[City] is a placeholder to replace with your own words"),
    ("indicators.none", "no performance indicators and no targets.table_note: the page says "
                        "the document does not include its performance target table; copy "
                        "the table in, or write the document's sentence on where it is"),
    ("translation.narrative", "no English narrative yet: the English page shows the Chinese"),
    ("translation.missing", "no English translation yet"),
    ("unit.code-check", "'12530102431280534!' contains characters a USCI cannot have"),
    ("unit.code-check", "'4312805!4' contains characters an organization code cannot have"),
    ("unit.code-check", "the check character of USCI 12530102431280534J is wrong: it should "
                        "end in 'H'; look for a mistyped character"),
    ("unit.code-check", "the check character of organization code 431280534 is wrong: it "
                        "should end in 'X'; look for a mistyped character"),
    ("unit.code-area", "this USCI was registered in area 530103, not in 五华区 (530102); "
                       "check the code and the district"),
    ("funding.sum", "the components add up to 7,968,243.00元 but the budget-year amount is "
                    "7,968,243.98元 (difference -0.98元)"),
    ("funding.sum", "the components add up to 8,241,234元 but last year's spending is "
                    "8,241,235元 (difference -1元)"),
    ("funding.previous-year", "last year's spending must be for a year before 2025"),
    ("funding.period", "the period 2026–2028 does not include the budget year 2025"),
    ("funding.total", "the multi-year total is smaller than the budget-year amount"),
    ("indicator.duplicate-id", "the id 'recipients' is used by another indicator"),
    ("indicator.level2", "'social' is not a level-2 indicator under output (产出指标); use one "
                         "of: quantity, quality, timeliness, cost"),
    ("indicator.unit", "the unit '架次' has no English name yet; it is shown in Chinese"),
    ("indicator.weights", "the indicator points add up to 80, not 90 (with 10 for the budget "
                          "execution rate) or 100"),
    ("indicator.points-rule", "the points are 10, but the scoring rule states 20 (“本项分值权重为"
                              "20分，实际救助对象人数/应救助对象人数×指标分值。”); write 20, or "
                              "correct the rule as the document gives it"),
    ("target.period-order", "the period ends before it starts"),
    ("target.period", "the period 2026–2028 does not include the budget year 2025"),
    ("date.invalid", "'2025-02-30' is not a date of the calendar (year-month-day)"),
    ("original.missing", "there is no file 'original.pdf' in the project folder; put the "
                         "original document there, as published, or delete this field"),
    ("original.too-large", "original.pdf is larger than 50,000,000 bytes, the most an original "
                           "may have; give its official url instead"),
    ("source.dates", "the document was retrieved before it was published; check the two dates"),
    ("narrative.orphan-text", "text before the first '## Heading {#id}' line; every paragraph "
                              "must belong to a section"),
    ("narrative.no-sections", "no '## Heading {#id}' sections"),
    ("narrative.limit", "the file holds 1,200 '[' and '<' characters; at most 1,000 are allowed"),
    ("narrative.limit", "this line is indented or nested more than 64 characters deep"),
    ("narrative.heading", "this heading has no title"),
    ("narrative.heading", "heading '项目实施计划' needs an id, such as '## 项目实施计划 {#plan}'"),
    ("narrative.heading", "section id 'Plan' may only use lowercase letters, digits and hyphens"),
    ("narrative.duplicate-id", "section id 'plan' is used twice"),
    ("narrative.mismatch", "the section ids (overview, plan) differ from zh.md (overview, "
                           "activities, plan); both languages need the same sections in the "
                           "same order"),
    ("narrative.missing-section", "missing the section(s) {#plan}, {#results}"),
    ("narrative.empty-section", "the section {#plan} is still empty: write its text under the "
                                "heading"),
    ("project.duplicate", "the same project name and year as wuhua/2025/medical; is this a "
                          "duplicate?"),
    ("continues.unknown", "there is no project 'wuhua/2024/medical'; write last year's project "
                          "as district/year/slug, the path of its folder under content/projects/"),
    ("continues.year", "wuhua/2025/medical is of 2025, not of a year before 2025; a project "
                       "continues an earlier year's project"),
    ("continues.taken", "wuhua/2025/medical-2 already continues wuhua/2024/medical; a project "
                        "is continued by one project of the next year only"),
    ("continues.unit", "wuhua/2024/medical is of another implementing unit "
                       "(12530102431280534H, not 115301020151829123); check the link"),
    ("programme.total", "the programme's amounts for 2026–2028 add up to 17,500,000元 (2026: "
                        "5,500,000元 + 2027: 12,000,000元), more than the total of 16,500,000元 "
                        "that chenggong/2026/x states for those years; check the amounts and "
                        "the total against the documents"),
    ("link.broken", "/zh/wuhua/2025/x/: there is no zh/wuhua/2025/x/index.html in the site"),
    ("link.broken", "/zh/about: there is no zh/about in the site (add the trailing /)"),
    ("link.broken", "#funding: /zh/wuhua/2025/x/ has no element with id=\"funding\""),
    ("link.broken", "/other/x/: outside the site's base path /budget/"),
    ("template.syntax", "unexpected '}'"),
    ("template.syntax", "Encountered unknown tag 'endfor'. Jinja was looking for the "
                        "following tags: 'endif'."),
    ("template.error", "'dict object' has no attribute 'titel'"),
    # budgetsite import: the layouts' notes, and why a file is not read
    ("import.missing", "no “项目实施计划” section found; zh.md leaves it empty"),
    ("import.missing", "no title line with a year (such as 2025年预算重点领域财政项目) before 项目名称"),
    ("import.missing", "no disclosing body above the title line"),
    ("import.missing", "no text under “立项依据”"),
    ("import.missing", "not found in the unit card"),
    ("import.missing", "no amount for 2025年 found under 资金安排情况"),
    ("import.missing", "总体目标 has no period (such as 2025年-2027年)"),
    ("import.missing", "no 总体目标 found"),
    ("import.missing", "no 预算年度目标 found"),
    ("import.missing", "the row '救助对象人次' has no scoring"),
    ("import.missing", "the row '救助对象人次' has no source"),
    ("import.missing", "the row '' has no name"),
    ("import.missing", "the scoring rule states no points (such as 本项分值权重为20分 or 得10分); "
                       "fill in weight"),
    ("import.missing", "no “项目实施计划” section"),
    ("import.missing", "the cover names no 预算主管部门"),
    ("import.missing", "the page is titled only “项目经费情况说明” and its first sentence names "
                       "no project; give the name with --name"),
    ("import.unplaced", "not placed: '多余的一行'"),
    ("import.unplaced", "not placed: '电话 123' (expected “label：value”, e.g. 单位名称：…)"),
    ("import.unplaced", "not placed: '某某中心' (the unit is the first line of 实施主体)"),
    ("import.unplaced", "given twice; kept the first: '某单位'"),
    ("import.unplaced", "the amount 550万元 was not placed (no budget year or period next to "
                        "it); it stays in the text"),
    ("import.unplaced", "the amount 30万元 has no label before it; not placed"),
    ("import.unplaced", "could not read this row of the table (expected level, name, "
                        "comparator, value, unit, type, …)"),
    ("import.unplaced", "an extra cell was not placed: '备注'"),
    ("import.vocabulary", "'产出' is not a level-1 indicator (产出指标, 效益指标, 满意度指标 or "
                          "成本指标)"),
    ("import.vocabulary", "'数量' is not a level-2 indicator under 产出指标"),
    ("import.vocabulary", "'数量' is not a level-2 indicator under this level 1"),
    ("import.vocabulary", "'约' is not a comparator (=, >=, <=, >, <, ≥, ≤)"),
    ("import.year", "the target is for 2024, not 2025"),
    ("import.no-table", "the document has no 项目绩效目标表 for this project (the unit publishes "
                        "it in its own document); the page says so"),
    ("import.no-amount", "六、年度预算安排 states no amount; none is written (give the "
                         "budget-year amount from the department's budget tables)"),
    ("import.derived", "六、年度预算安排 gives 4 amounts and no total; they are written as the "
                       "components, and the page shows their sum 1200000元 marked as worked out "
                       "by the site"),
    ("import.derived", "六、年度预算安排 gives 2 amounts and no total; they are written as the "
                       "components, and the page shows their sum 1200000元 marked as worked out "
                       "by the site (the amounts mix units)"),
    ("import.name-from-text", "the page is titled only “项目经费情况说明”; the name “社区矫正” is "
                              "taken from the first sentence of 项目概述: check it"),
    ("import.document", "the kunming layout found no project in it"),
    ("import.document", "the file could not be read (KeyError: 'x'); it may be damaged: "
                        "download it again"),
    ("import.document", "page 2, line 3, column 5: the text holds the invisible character "
                        "U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional embedding or override, "
                        "which reverses the text after it (and 2 more); ask the office for a "
                        "clean copy, or delete it from a copy"),
    ("import.document", "sheet “表1”, cell B3, column 1: the text holds the invisible character "
                        "U+200B (ZERO WIDTH SPACE), a zero-width character, which makes "
                        "equal-looking texts differ; ask the office for a clean copy, or delete "
                        "it from a copy"),
    ("import.document", "no year in the title line; give it with --year"),
    ("import.document", "--slug names one project, but the document holds 3: import without "
                        "--slug"),
    ("import.document", "the document names several districts (panlong, wuhua); give one "
                        "with --district"),
    ("import.document", "could not tell the district from the heading or the unit's code; "
                        "give it with --district"),
    ("import.document", "no layout named 'beijing'; known: kunming, shanghai"),
    ("import.document", "no known layout recognises this document (a Kunming disclosure with "
                        "项目名称 and 项目绩效目标表, or a Shanghai department budget with "
                        "“…经费情况说明” pages); see docs/staff-guide.md, “A new layout”, or "
                        "force one with --layout kunming|shanghai"),
    ("import.document", "the document has no project page (a “…经费情况说明” title followed by "
                        "一、项目概述)"),
    ("import.document", "the cover gives no year (…2026年区级部门预算); give it with --year"),
    ("import.document", "the cover names 静安区, which content/districts.yaml does not list: "
                        "add the district there (slug, code, names) or give --district"),
    ("import.document", "the cover names no district; give it with --district"),
    ("import.document", "the file is a damaged zip archive (a workbook or Word file cut "
                        "short?); download it again"),
    ("import.document", "the file is a zip archive, not a workbook or Word file; unpack it and "
                        "import the documents inside"),
    ("import.document", "the file is protected by a password; open it, save a copy without "
                        "the password, and import that"),
    ("import.document", "the file is an old Office file of a kind budgetsite does not read; "
                        "save it as .xlsx or .docx"),
    ("import.document", "the file is neither a PDF, a workbook, a Word file, a web page nor "
                        "text; import the office's PDF, .xlsx, .docx or .html"),
    ("import.document", "the file expands to 900 MB when opened (at most 200 MB): it is "
                        "damaged or not a real document; ask the office for the file again"),
    ("import.document", "no such file"),
    ("import.document", "not a file (a folder or a device); name a document"),
    ("import.document", "the file is 120 MB; at most 100 MB is read"),
    ("import.document", "the file is empty; download it again"),
    ("import.document", "the file cannot be read: Permission denied"),
    ("import.document", "the PDF has no text layer (a scan: pictures of pages); run OCR on "
                        "it, or ask the office for the PDF made from the original"),
    ("import.document", "the PDF is damaged and cannot be opened; download it again (Failed "
                        "to load document (PDFium: Data format error).)"),
    ("import.document", "the PDF is damaged: Failed to load page.; download it again"),
    ("import.document", "the PDF is encrypted (protected by a password); ask the office for "
                        "an unprotected copy, or print it to a new PDF and import that"),
    ("import.document", "the web page has more than 200,000 table cells; it is not a "
                        "disclosure"),
    ("import.document", "this is an old Word .doc file; open it in Word or WPS and save it as "
                        ".docx (or install LibreOffice: `sudo apt-get install "
                        "libreoffice-writer`), then import the .docx"),
    ("import.document", "the Word file is damaged and cannot be opened (BadZipFile); download "
                        "it again or save it anew from Word"),
    ("import.document", "LibreOffice could not convert this .doc file; open it in Word or WPS, "
                        "save it as .docx and import that"),
    ("import.document", "the workbook is damaged and cannot be opened (Unsupported file "
                        "format); download it again"),
    ("import.document", "the workbook is protected by a password; save a copy without it and "
                        "import that"),
]


@pytest.fixture(scope="module")
def every_message(tmp_path_factory) -> list[tuple[str, str]]:
    said = schema_messages() + loader_messages(tmp_path_factory.mktemp("loaded")) + CATALOGUE
    return sorted(set(said))


def test_every_message_is_said_in_chinese_without_english_left(every_message):
    assert len(every_message) > 250
    untranslated = [(code, text) for code, text in every_message
                    if not messages.has_chinese(text, code)]
    assert untranslated == []
    english = [(code, text, zh, english_left(zh)) for code, text in every_message
               if english_left(zh := messages.message(text, "zh", code))]
    assert english == []


def test_every_code_has_its_chinese_and_is_driven_here(every_message):
    assert sorted(messages._ZH) == sorted(codes.CODES)
    assert sorted({code for code, _ in every_message}) == sorted(codes.CODES)


def test_hints_and_field_descriptions_are_said_in_chinese():
    def kinds(record):
        for declared in record.fields.values():
            kind = declared.kind
            while isinstance(kind, schema.ListOf):
                kind = kind.item
            yield declared, kind
            if isinstance(kind, schema.Record):
                yield from kinds(kind)
    for record in (schema.PROJECT, schema.DISTRICTS, schema.SITE):
        for declared, kind in kinds(record):
            if isinstance(kind, schema.Str) and kind.hint:
                assert kind.hint in messages.HINTS, kind.hint
            zh = messages.message(f"missing field 'x' ({declared.doc})", "zh", "schema.required")
            assert english_left(zh) == [], zh


# -- every message template of the code has its example ---------------------------------

def _strings(node: ast.AST, consts: dict, funcs: dict) -> list[str]:
    """The texts an expression can make, HOLE where a value goes in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _strings(node.left, consts, funcs) or [HOLE]
                for b in _strings(node.right, consts, funcs) or [HOLE]]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, consts, funcs) + _strings(node.orelse, consts, funcs)
    if isinstance(node, ast.Name) and node.id in consts:
        return _strings(consts[node.id], consts, funcs)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format" \
                and isinstance(func.value, ast.Name) and func.value.id in consts:
            return [re.sub(r"\{[a-z_]*\}", HOLE, text)
                    for text in _strings(consts[func.value.id], consts, funcs)]
        if isinstance(func, ast.Name) and func.id in funcs:  # a helper that words it
            return [text for inner in ast.walk(funcs[func.id])
                    if isinstance(inner, ast.Return) and inner.value is not None
                    for text in _strings(inner.value, consts, funcs)]
    return []


# Messages passed on from elsewhere: in a library's own words (Jinja's, which their
# Chinese quotes: template.*), or an error the import's reading raised (worded where
# it is raised, and found there).
PASSED_ON = {"err.message or str(err)", "str(err).removeprefix(f'{path.name}: ')"}


def _is_code(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in codes.CODES


def templates() -> list[tuple[str, str]]:
    """(where, template) of every message the package's code words: the message given
    with a registered code (to a Problem, a checker, a report, an import note), and
    the message of a DocumentError (import.document) or of a layout's ConfigError."""
    found = []
    paths = sorted(path for path in (REPO / "builder").rglob("*.py")
                   if path.name not in ("codes.py", "messages.py"))
    trees = {path: ast.parse(path.read_text("utf-8")) for path in paths}
    # Module-level texts, for a name imported from another module (load.SYMLINK).
    imported = {target.id: node.value for tree in trees.values() for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                for target in node.targets if isinstance(target, ast.Name)}
    for path, tree in trees.items():
        consts = {**imported, **{target.id: node.value for node in tree.body
                                 if isinstance(node, ast.Assign) for target in node.targets
                                 if isinstance(target, ast.Name)}}
        funcs = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        # a name given a helper's text: `invisible = _invisible(document)`
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and getattr(node.value.func, "id", None) in funcs:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        consts.setdefault(target.id, node.value)
        for node in ast.walk(tree):
            message = None
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "DocumentError" or (name == "ConfigError" and "layouts" in path.parts):
                    message = node.args[0] if node.args else None
                elif name == "Problem" and len(node.args) >= 5:
                    message = node.args[4]
                elif name not in ("message", "has_chinese"):  # (these say one in Chinese)
                    at = [i for i, arg in enumerate(node.args) if _is_code(arg)]
                    message = node.args[at[0] - 1] if at and at[0] > 0 else None
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "error" for t in node.targets):
                message = node.value  # the error of a file the import could not read
            if message is None or (isinstance(message, ast.Name) and message.id == "message") \
                    or ast.unparse(message) in PASSED_ON:
                continue  # (a message passed on: its makers are found where they word it)
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            texts = _strings(message, consts, funcs)
            assert texts, f"{where}: cannot read the message {ast.unparse(message)}"
            found += [(where, text) for text in texts
                      if len(text.replace(HOLE, "").strip(": ")) >= 4]
    return found


def _pattern(template: str) -> re.Pattern:
    """What the template makes, found anywhere in a message (so a value that starts or
    ends it may be anything, and a layout's ConfigError may start with the file's name,
    which the import leaves out)."""
    parts = [re.escape(part) for part in template.removeprefix(HOLE + ": ").split(HOLE)]
    return re.compile(".*?".join(part for part in parts if part), re.S)


def test_every_message_template_of_the_code_has_an_example(every_message):
    found = templates()
    assert len(found) > 150
    texts = [text for _, text in every_message]
    missing = [(where, template.replace(HOLE, "{}")) for where, template in found
               if not any(_pattern(template).search(text) for text in texts)]
    assert missing == []


def test_a_new_message_without_its_example_is_found():
    made = [("x.py:1", "the file is on fire: " + HOLE)]
    assert not any(_pattern(t).search(text) for _, t in made for _, text in CATALOGUE)


# -- end to end ----------------------------------------------------------------------------

def test_check_in_chinese_leaves_no_english_sentence(tmp_path):
    from conftest import FIXTURES, run_budgetsite

    result = run_budgetsite("check", "--root", FIXTURES / "many-errors", "--lang", "zh")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 7, result.stderr
    problem = re.compile(r"\S+:\d+:\d+: \S+: (?P<message>.+) \[(?P<code>[a-z0-9.-]+)\]$")
    for found in map(problem.match, lines[:-1]):
        assert found and english_left(found["message"]) == [], found
    assert english_left(lines[-1]) == [], lines[-1]


def test_a_build_and_its_second_run_report_in_chinese(tmp_path):
    """The build's last line, like its problems, in the chosen language: pages, files,
    what changed, where, how long; then the run that finds nothing changed."""
    from conftest import copy_site, run_budgetsite

    site = copy_site(tmp_path / "site")
    first = run_budgetsite("build", "--root", site, "--lang", "zh", "--no-search")
    assert first.returncode == 0, first.stderr
    built = re.fullmatch(r"budgetsite：写出 (\d+) 个页面（(\d+) 个文件，(\d+) 个有改动）到 (.+)，"
                         r"用时 [\d.]+ 秒；0 个警告", first.stdout.strip())
    assert built and int(built[1]) > 10 and built[3] == built[2], first.stdout
    assert Path(built[4]).resolve() == (site / "public").resolve()
    again = run_budgetsite("build", "--root", site, "--lang", "zh", "--no-search")
    assert again.stdout.strip().startswith("budgetsite：自上次构建以来没有改动："), again.stdout
    assert f"保存着它的 {built[1]} 个页面（{built[2]} 个文件）" in again.stdout
    assert english_left(again.stdout.split("：", 1)[1]) == [], again.stdout
