"""Characters that change what a reader sees without being seen themselves.

A bidirectional override turns the digits after it around: `2025年资金安排\u202e7968243.98元。`
shows in a browser as "2025年资金安排。元89.3428697", a different figure on a page that
publishes figures. Isolates (U+2066–U+2069), embeddings and marks do the same in
smaller ways; zero-width spaces and joiners make two names that look the same differ
(so a copied project passes the duplicate check) and break search; a soft hyphen or a
word joiner hides inside a number. None of them belongs in a budget disclosure, in
Chinese or English, so each is refused where it stands, by its line and column.

`invisible_problems` is the one check, for every text read from content/ (the loader
calls it on each file and on each YAML value, which escapes such as "\\u202e" could
otherwise slip past) and for the text an import reads from an official document.
`comparable` is the form in which two names are compared for sameness.
"""

from __future__ import annotations

import re
import unicodedata

from builder.core.errors import Problem

CODE = "file.invisible"

# Every format character (Unicode category Cf: the bidi embeddings, overrides, isolates
# and marks U+200E/F, U+202A–E, U+2066–9, U+061C; zero-width space and joiners U+200B–D;
# word joiner and invisible operators U+2060–4; the soft hyphen U+00AD; a byte order
# mark inside the text U+FEFF; tag characters U+E0000–E007F ...), and the characters
# that are letters to Unicode but show as nothing: the Hangul fillers, the braille
# blank, the Mongolian vowel separator, the variation selectors.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
           "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
           "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
           "\U000e0020-\U000e007f")  # category Cf (Unicode 15), written out: quick to load
_BLANK_LETTERS = ("\u115f\u1160\u3164\uffa0\u2800\u180b-\u180d\u180f\ufe00-\ufe0f"
                  "\U000e0100-\U000e01ef")
INVISIBLE = re.compile("[" + _FORMAT + _BLANK_LETTERS + "]")

# What each kind is called in a message, by code point range.
_KINDS = (
    ((0x202A, 0x202E), "a bidirectional embedding or override, which reverses the text after it"),
    ((0x2066, 0x2069), "a bidirectional isolate, which reorders the text after it"),
    ((0x200E, 0x200F), "an invisible direction mark"),
    ((0x061C, 0x061C), "an invisible direction mark"),
    ((0x200B, 0x200D), "a zero-width character, which makes equal-looking texts differ"),
    ((0x2060, 0x2064), "an invisible joiner or operator"),
    ((0x00AD, 0x00AD), "a soft hyphen, shown only where a line breaks"),
    ((0xFEFF, 0xFEFF), "a zero-width no-break space (a byte order mark inside the text)"),
)


def describe(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional embedding or override, ...'."""
    point = ord(char)
    kind = next((what for (low, high), what in _KINDS if low <= point <= high),
                "an invisible character that changes how the text is shown")
    name = unicodedata.name(char, "")
    return f"U+{point:04X}{f' ({name})' if name else ''}, {kind}"


def invisible_problems(text: str, path: str, line: int = 1, col: int = 1,
                       field: str = "file") -> list[Problem]:
    """One error (code file.invisible) for each invisible character in `text`, at its
    own line and column in the file `path`, where `text` starts at (`line`, `col`);
    empty when there is none.

    `text` is a whole file's text (the defaults: it starts at 1:1) or one value of it
    (give where the value starts, and its field path as shown, 'name.zh'). Lines are
    counted at "\\n"; give text whose line breaks are "\\n" already (load.read_text
    makes them so). An importer passes the document's text with its own file name and
    the line and column a part of it starts at.
    """
    problems = []
    for found in INVISIBLE.finditer(text):
        index = found.start()
        before = text.count("\n", 0, index)
        start = text.rfind("\n", 0, index) + 1
        at_line = line + before
        at_col = (col if before == 0 else 1) + index - start
        problems.append(Problem(path, at_line, at_col, field,
                                f"the text holds the invisible character "
                                f"{describe(found.group())}; delete it (retype the text "
                                f"around it if it was copied)", code=CODE))
    return problems


def comparable(text: str) -> str:
    """The form in which two names are the same name: compatibility forms folded
    (full-width letters and digits, ideographic spaces), invisible characters and
    white space dropped, case ignored."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", INVISIBLE.sub("", folded)).casefold()
