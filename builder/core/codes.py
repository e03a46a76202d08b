"""Every kind of problem, by its code: declared once here.

A code (`indicator.weights`) names one rule, whatever the wording of its message, so
that a publisher can look it up in docs/problems.md (a test keeps that table and this
one the same) and `--strict` can be given the warnings it should fail on. Each code is
an error or a warning, never both: a Problem made with a code that is not here, or of
the other kind, is a bug (errors.Problem refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Code:
    kind: str      # ERROR or WARNING
    meaning: str   # one line; docs/problems.md says it for publishers, with the fix


CODES: dict[str, Code] = {
    # errors
    "file.missing": Code(ERROR, "a file the site or the project needs is not there"),
    "file.empty": Code(ERROR, "the file holds nothing"),
    "file.encoding": Code(ERROR, "the file is not UTF-8 text"),
    "file.character": Code(ERROR, "a control or separator character in the text"),
    "file.invisible": Code(ERROR, "an invisible character that changes what the text shows "
                                  "(a bidi override or isolate, a zero-width character)"),
    "file.symlink": Code(ERROR, "a symbolic link where a file or folder should be"),
    "file.not-regular": Code(ERROR, "a folder, device, pipe or socket, not a file"),
    "file.unreadable": Code(ERROR, "the file cannot be opened"),
    "file.too-large": Code(ERROR, "the file is larger than a source file may be"),
    "yaml.syntax": Code(ERROR, "the file is not valid YAML"),
    "yaml.anchor": Code(ERROR, "YAML anchors or aliases (& and *)"),
    "yaml.depth": Code(ERROR, "YAML nested too deep"),
    "yaml.key": Code(ERROR, "a field name that is not a short plain word"),
    "yaml.duplicate-key": Code(ERROR, "a field given twice in one group"),
    "yaml.tag": Code(ERROR, "a YAML tag (!!…) other than plain text, numbers and lists"),
    "yaml.number": Code(ERROR, "a number not written in plain decimal digits"),
    "schema.type": Code(ERROR, "a value of the wrong type (text, number, list, group)"),
    "schema.choice": Code(ERROR, "a value that is not one of the allowed words"),
    "schema.pattern": Code(ERROR, "a value that does not have the required form"),
    "schema.too-long": Code(ERROR, "a text or list far longer than allowed"),
    "schema.range": Code(ERROR, "a number out of its range (negative, too large)"),
    "schema.decimals": Code(ERROR, "an amount with more decimal places than fen"),
    "schema.unknown-field": Code(ERROR, "a field name that is not in the content model"),
    "schema.required": Code(ERROR, "a required field is not in the file"),
    "schema.empty": Code(ERROR, "a required field, or an optional text, is still empty"),
    "folder.name": Code(ERROR, "a folder name that is not a safe slug"),
    "folder.year": Code(ERROR, "year: differs from the project's year folder"),
    "folder.district": Code(ERROR, "district: differs from the project's district folder"),
    "folder.stray": Code(ERROR, "a file or folder outside the project folders' layout"),
    "district.unknown": Code(ERROR, "district: names no district of districts.yaml"),
    "district.duplicate": Code(ERROR, "a district listed twice in districts.yaml"),
    "district.reserved": Code(ERROR, "a district slug that the site's own pages use"),
    "unit.code-check": Code(ERROR, "the unit's USCI or organization code is not valid"),
    "funding.sum": Code(ERROR, "the components do not add up to the amount"),
    "funding.previous-year": Code(ERROR, "last year's spending is not of an earlier year"),
    "funding.period": Code(ERROR, "the multi-year period does not include the budget year"),
    "funding.total": Code(ERROR, "the multi-year total is below the budget-year amount"),
    "indicator.duplicate-id": Code(ERROR, "two indicators of a project have the same id"),
    "indicator.level2": Code(ERROR, "a level-2 indicator that is not under its level 1"),
    "target.period-order": Code(ERROR, "the overall target's period ends before it starts"),
    "date.invalid": Code(ERROR, "a date that is not in the calendar"),
    "original.missing": Code(ERROR, "source.file names no file of the project folder"),
    "original.too-large": Code(ERROR, "the original document is too large to publish"),
    "source.dates": Code(ERROR, "the document was retrieved before it was published"),
    "narrative.orphan-text": Code(ERROR, "text before the first section heading"),
    "narrative.no-sections": Code(ERROR, "a narrative file without sections"),
    "narrative.limit": Code(ERROR, "a narrative file with too much markup or nesting"),
    "narrative.heading": Code(ERROR, "a section heading without a title or a valid id"),
    "narrative.duplicate-id": Code(ERROR, "a section id used twice in one file"),
    "narrative.mismatch": Code(ERROR, "en.md's sections differ from zh.md's"),
    "continues.unknown": Code(ERROR, "continues: names no project"),
    "continues.year": Code(ERROR, "continues: names a project of no earlier year"),
    "continues.taken": Code(ERROR, "two projects continue the same project"),
    "template.syntax": Code(ERROR, "a template has a syntax error"),
    "template.error": Code(ERROR, "a template failed while a page was rendered"),
    "import.missing": Code(ERROR, "the document lacks a part the project needs"),
    "import.unplaced": Code(ERROR, "text of the document that the import could not place"),
    "import.vocabulary": Code(ERROR, "a level or comparator the glossary does not know"),
    "import.year": Code(ERROR, "a target of another year than the budget year"),
    "import.document": Code(ERROR, "a file that cannot be read as a document"),
    # warnings
    "unit.code-area": Code(WARNING, "the USCI was registered in another district"),
    "indicator.unit": Code(WARNING, "a unit of measure without an English name"),
    "indicator.weights": Code(WARNING, "the indicator points do not add up to 90 or 100"),
    "indicators.none": Code(WARNING, "no indicators and no word on where the table is"),
    "import.no-table": Code(WARNING, "the document does not include the project's target table"),
    "import.no-amount": Code(WARNING, "the document states no amount for the project"),
    "import.derived": Code(WARNING, "an amount the import worked out (a sum of the parts)"),
    "import.name-from-text": Code(WARNING, "a project name taken from the page's first sentence"),
    "indicator.points-rule": Code(ERROR, "an indicator's points differ from those its "
                                         "scoring rule states"),
    "target.period": Code(WARNING, "the overall period leaves out the budget year"),
    "translation.missing": Code(WARNING, "a text without its English"),
    "translation.narrative": Code(WARNING, "no English narrative (en.md) yet"),
    "narrative.empty-section": Code(WARNING, "a section with a heading and no text"),
    "narrative.missing-section": Code(WARNING, "one of the five sections is not there"),
    "project.duplicate": Code(WARNING, "two projects of one district and year, one name"),
    "continues.unit": Code(WARNING, "continues: names another unit's project"),
    "programme.total": Code(WARNING, "a programme's yearly amounts exceed the multi-year "
                                     "total one of its projects states"),
    "site.placeholder": Code(WARNING, "a value of site.yaml or districts.yaml as init wrote it"),
    "link.broken": Code(WARNING, "a link or #anchor of the built site leads nowhere"),
}


def tag(code: str) -> str:
    """How a message shows its code: ` [indicator.weights]` at its end. Raises KeyError
    for an unregistered code."""
    CODES[code]
    return f"[{code}]"


def is_warning(code: str) -> bool:
    """Raises KeyError for an unregistered code."""
    return CODES[code].kind == WARNING


def strict_codes(text: str) -> tuple[str, ...]:
    """`--strict CODE,CODE`: the warnings to fail on. Raises ValueError naming a code
    that is not a warning's."""
    codes = tuple(sorted({c.strip() for c in text.split(",") if c.strip()}))
    wrong = [c for c in codes if c not in CODES or not is_warning(c)]
    if wrong or not codes:
        warnings = ", ".join(c for c in CODES if is_warning(c))
        raise ValueError(f"{', '.join(wrong) or text!r} is not a warning's code; the "
                         f"warnings are: {warnings}")
    return codes


def failing(warnings, strict: bool | tuple[str, ...]):
    """The warnings that --strict turns into errors: all of them, or those of its codes."""
    if strict is True:
        return list(warnings)
    return [w for w in warnings if strict and w.code in strict]
