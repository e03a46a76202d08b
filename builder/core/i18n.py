"""The one place that knows the languages: codes, Babel locales, number and
money formatting, and the UI strings (gettext catalogs in site_templates/locale)."""

from __future__ import annotations

import datetime
import functools
import gettext
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from builder.core.model import Money, Text

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
LOCALES = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en_GB")}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

CENT = Decimal("0.01")
# Between "CNY" and its figure, and between a figure and "million": a line never
# breaks inside an amount.
NBSP = "\u00a0"


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


class Catalog:
    """UI strings for one language; msgids are English, so English needs none. A
    message with plural forms (msgid_plural) is keyed by its singular and picks its
    form by the language's plural rule (Chinese has one form, English two)."""

    def __init__(self, messages: dict[str, str], plurals: dict[str, tuple[str, ...]] | None = None,
                 plural_form=lambda n: int(n != 1)):
        self.messages = messages
        self.plurals = plurals or {}
        self.plural_form = plural_form

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular, ())
        index = self.plural_form(n)
        if index < len(forms) and forms[index]:
            return forms[index]
        return singular if n == 1 else plural


@functools.lru_cache(maxsize=8)
def catalog(lang: str, locale_dirs: tuple[Path, ...]) -> Catalog:
    """The UI strings of `lang` from the `<lang>.po` of each folder, the first folder's
    translation winning: a site's own locale/zh.po (first) overrides the messages it
    names and leaves the defaults' others as they are."""
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    plural_expr = "(n != 1)"
    for locale_dir in reversed(locale_dirs):
        path = locale_dir / f"{lang}.po"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            po = read_po(handle, locale=LOCALES[lang])
        plural_expr = po.plural_expr
        messages.update({m.id: m.string for m in po
                         if m.id and isinstance(m.id, str) and m.string})
        plurals.update({m.id[0]: tuple(m.string) for m in po
                        if isinstance(m.id, tuple) and any(m.string)})
    return Catalog(messages, plurals, gettext.c2py(plural_expr))


def number(value: Decimal | int, lang: str, places: int | None = None) -> str:
    """A number the way `lang` writes it; `places` fixes the decimals."""
    return _number(str(value), lang, places)


# Formatting with Babel costs tens of microseconds, and a site shows the same few
# thousand numbers over and over. Keyed by the number as written, since 1.0 == 1.00.
@functools.lru_cache(maxsize=1 << 16)
def _number(written: str, lang: str, places: int | None) -> str:
    value = Decimal(written)
    if places is None:
        return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


# The site's money style, one per kind of figure (docs/content-model.md, "Amounts"):
#   exact     7,968,243.98元        CNY 7,968,243.98        always two decimals
#   rounded   796.82万元 / 1.65亿元  CNY 7.97 million / CNY 1.65 billion
#             always two decimals, so a column of them lines up; English rounds to
#             millions below a billion (CNY 0.27 million, never "thousand"), as
#             Chinese rounds to 万元 below 亿元
#   change    the same with its sign in front: −CNY 272,990.00, +12.00万元
# "CNY" and "million" hold to their figure with a no-break space.
def yuan(value: Money | Decimal, lang: str) -> str:
    """An exact amount: 7,968,243.98元 / CNY 7,968,243.98."""
    amount = value.yuan if isinstance(value, Money) else value
    digits = number(amount.quantize(CENT, ROUND_HALF_UP), lang, 2)
    return f"{digits}元" if lang == "zh" else f"CNY{NBSP}{digits}"


def summary(value: Money | Decimal, lang: str) -> str:
    """A rounded amount for summaries: 796.82万元, 550.00万元 / CNY 7.97 million,
    CNY 5.50 million, CNY 0.27 million."""
    amount = value.yuan if isinstance(value, Money) else value
    if lang == "zh":
        if abs(amount) >= 100_000_000:
            return f"{_short(amount / 100_000_000, lang)}亿元"
        return f"{_short(amount / 10_000, lang)}万元"
    if abs(amount) >= 1_000_000_000:
        return f"CNY{NBSP}{_short(amount / 1_000_000_000, lang)}{NBSP}billion"
    return f"CNY{NBSP}{_short(amount / 1_000_000, lang)}{NBSP}million"


def _short(value: Decimal, lang: str) -> str:
    return _two_places(str(value.quantize(CENT, ROUND_HALF_UP)), lang)


@functools.lru_cache(maxsize=1 << 16)
def _two_places(written: str, lang: str) -> str:
    return format_decimal(Decimal(written), format="#,##0.00", locale=LOCALES[lang])


# An indicator's target in 万元 or 亿元, in English: 550 万元 is "5.5 million" (unit CNY),
# never "550 units of CNY 10,000", and exactly the figure the document states.
LARGE_MONEY_UNITS = ("万元", "亿元")


def target_value(value: Decimal, unit: str | None, lang: str) -> str:
    """An indicator's numeric target as the page shows it, beside `target_unit`."""
    if lang == "en" and unit in LARGE_MONEY_UNITS:
        millions = Money(value, unit).yuan / 1_000_000
        return f"{number(millions.normalize(), lang)}{NBSP}million"
    return number(value, lang)


def target_unit(unit: str, units: dict[str, Text], lang: str) -> Text:
    """The unit shown beside `target_value`: CNY for an amount in millions."""
    if lang == "en" and unit in LARGE_MONEY_UNITS:
        return Text(unit, "CNY")
    return units.get(unit, Text(unit))


def as_written(value: Money, lang: str) -> str:
    """An amount in the unit the document gave it (550万元), never silently rescaled."""
    if value.unit == "元":
        return yuan(value, lang)
    if lang == "zh":
        return f"{number(value.value, lang)}{value.unit}"
    return f"{yuan(value, lang)} ({number(value.value, 'zh')}{value.unit})"


def year_range(start: int, end: int, lang: str) -> str:
    """A period of years as the documents write it: 2026年-2028年 / 2026–2028."""
    if start == end:
        return f"{start}年" if lang == "zh" else str(start)
    return f"{start}年-{end}年" if lang == "zh" else f"{start}–{end}"


def percent(value: Decimal, lang: str) -> str:
    return _percent(str(value), lang)


@functools.lru_cache(maxsize=1 << 16)
def _percent(written: str, lang: str) -> str:
    return format_percent(Decimal(written), format="#,##0.0%", locale=LOCALES[lang])


def signed(value: Decimal, formatter, lang: str) -> str:
    """A change with its sign: +1.2万元 / −CNY 0.27 million."""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + formatter(abs(value), lang)


def text_in(value: Text | str, lang: str) -> str:
    return value.get(lang) if isinstance(value, Text) else value


def date(value: str, lang: str) -> str:
    """A date from git ('2025-01-15', or a full ISO timestamp): 2025年1月15日 / 15 January 2025."""
    day = datetime.date.fromisoformat(value[:10])
    return format_date(day, format="long", locale=LOCALES[lang])
