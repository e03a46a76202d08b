"""Characters a PDF's text layer gets wrong without anyone seeing it.

Many PDF producers (Chromium and WPS among them) map some Chinese characters of a CJK
font to the Kangxi Radicals or CJK Radicals Supplement blocks: 目 comes out as ⽬
(U+2F6C), 民 as ⺠ (U+2EA0). They look the same, and search, the layouts' labels and a
reader's copy all break on them. Each is mapped back to the ideograph it stands for;
nothing else of the text is changed (full-width punctuation stays as written).
"""

from __future__ import annotations

import unicodedata

# CJK Radicals Supplement: the forms that are a whole ideograph of their own (the
# Chinese simplified forms among them), by their Unicode names. Unicode gives them no
# decomposition; forms that are only a part of a character (氵 beside 水) are left.
SUPPLEMENT = {unicodedata.lookup(f"CJK RADICAL {name}"): ideograph for name, ideograph in (
    ("CLIFF", "厂"), ("SMALL ONE", "小"), ("LAME ONE", "兀"), ("SNAKE", "巳"),
    ("THREAD", "幺"), ("SUN", "日"), ("MOON", "月"), ("MOTHER", "母"), ("CIVILIAN", "民"),
    ("JADE", "王"), ("OLD", "老"), ("TIGER", "虎"), ("WEST TWO", "西"),
    ("C-SIMPLIFIED SEE", "见"), ("SIMPLIFIED HORN", "角"), ("HORN", "角"),
    ("C-SIMPLIFIED SHELL", "贝"), ("C-SIMPLIFIED CART", "车"), ("C-SIMPLIFIED LONG", "长"),
    ("C-SIMPLIFIED GATE", "门"), ("RAIN", "雨"), ("BLUE", "青"),
    ("C-SIMPLIFIED TANNED LEATHER", "韦"), ("C-SIMPLIFIED LEAF", "页"),
    ("C-SIMPLIFIED WIND", "风"), ("C-SIMPLIFIED FLY", "飞"), ("EAT ONE", "食"),
    ("HEAD", "首"), ("C-SIMPLIFIED HORSE", "马"), ("BONE", "骨"), ("GHOST", "鬼"),
    ("C-SIMPLIFIED FISH", "鱼"), ("C-SIMPLIFIED BIRD", "鸟"), ("C-SIMPLIFIED SALT", "卤"),
    ("SIMPLIFIED WHEAT", "麦"), ("SIMPLIFIED YELLOW", "黄"), ("C-SIMPLIFIED FROG", "黾"),
    ("C-SIMPLIFIED EVEN", "齐"), ("C-SIMPLIFIED TOOTH", "齿"), ("C-SIMPLIFIED DRAGON", "龙"),
    ("TURTLE", "龜"), ("C-SIMPLIFIED TURTLE", "龟"), ("FOOT", "足"),
)}


def repaired(text: str) -> str:
    """`text` with every radical-block character that stands for an ideograph replaced
    by that ideograph (Kangxi radicals and compatibility ideographs by their Unicode
    decomposition, the supplement's by the table above)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0x2F00 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
            out.append(unicodedata.normalize("NFKC", ch))
        elif 0x2E80 <= code <= 0x2EFF:
            out.append(SUPPLEMENT.get(ch, ch))
        else:
            out.append(ch)
    return "".join(out)
