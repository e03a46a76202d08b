"""The key index of exact things: what a journalist pastes, mapped to the projects it names.

Pagefind ranks by word statistics, so a project's full name, a document number from
its legal basis, its unit's credit code or an amount as a newspaper printed it finds
many pages and not necessarily that project first. The build writes a small index of
such keys, normalised as `normalise` does (and search.js's `normalise`, the same
rule), and search.js reads it before Pagefind's ranked results: the projects a key
names come first, the strongest names first (a project's own name before its unit's,
an exact amount before a rounded one), then the newest year.

- `search-keys/index.json`: how many shards of each kind there are.
- `search-keys/k/<n>.json`: {key: [[project id, kind, as printed, strength], ...]}, the keys
  whose hash is n modulo the number of key shards. The keys are the same in both
  languages (a Chinese name pasted on the English page finds its project).
- `search-keys/<zh|en>/<n>.json`: {project id: [title, district, year, amount, band,
  unit, funds]}, each project's result row in that language, by the hash of its id.

A query fetches the index file once, one key shard per form of the query and one row
shard per project listed; a key shard holds about 16 KB, a row shard about 4 KB.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from builder.core import i18n
from builder.core.cache import Cache
from builder.core.model import Money, Project
from builder.site.bands import band

FOLDER = "search-keys"
VERSION = 1
SHARD_BYTES = 16_000
# Row shards are smaller: a query fetches one per project it lists (up to 20, for a
# unit's code), one key shard per form of the query.
ROW_SHARD_BYTES = 4_000
CENT = Decimal("0.01")
# Measured on bench/make_corpus.py projects: about this much of key shards and of
# row shards per project, so that the shard counts follow from the number of projects.
KEY_BYTES, ROW_BYTES = 1_300, 350
# A document number as the documents print it: 昆政办〔2022〕44号, 云政办发﹝2022﹞40号,
# and in English Kun Zheng Ban [2022] No. 44.
_DOC_ZH = re.compile(r"[\u4e00-\u9fff]{1,12}[〔［\[(（﹝【]\s*\d{4}\s*[〕］\])）﹞】]\s*\d{1,5}\s*号")
_DOC_EN = re.compile(r"(?:[A-Z][a-z]+ ){1,6}\[\d{4}\] No\. ?\d{1,5}")
# How a query names an amount's unit, normalised: nothing or 元 is yuan.
UNITS = {"": "元", "元": "元", "yuan": "元", "万": "万", "万元": "万", "亿": "亿", "亿元": "亿",
         "m": "m", "mn": "m", "million": "m", "millionyuan": "m",
         "bn": "b", "billion": "b", "billionyuan": "b"}
# A point not between two digits; then anything but a letter, a digit or a point (\w is
# letters, digits and the underscore).
_LONE_POINT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_NOT_KEPT = re.compile(r"[^\w.]|_")
SCALE = {"元": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000),
         "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_AMOUNT = re.compile(r"^(?:cny|rmb|人民币)?(\d+(?:\.\d+)?)(" +
                     "|".join(sorted((u for u in UNITS if u), key=len, reverse=True)) +
                     r")?(?:元|yuan)?$")


def normalise(text: str) -> str:
    """A key as it is looked up: NFKC (full-width letters and digits made half-width),
    lower case, and only letters and digits kept, with a point between two digits
    (7,968,243.98 → 7968243.98; 昆政办〔2022〕44号 → 昆政办202244号)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _NOT_KEPT.sub("", _LONE_POINT.sub("", text))


def amount_key(key: str) -> str | None:
    """A normalised query that reads as an amount, in its canonical form: the figure
    without trailing zeros and its unit (796.82万元 → 796.82万, CNY 5.5 million →
    5.5m, 5,500,000.00 → 5500000元); None for anything else."""
    found = _AMOUNT.match(key)
    if not found:
        return None
    return _figure(Decimal(found.group(1))) + UNITS[found.group(2) or ""]


def _figure(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_keys(yuan: Decimal) -> dict[str, bool]:
    """Every canonical key an amount can be printed as, and whether it is rounded: exact
    in 元, and in 万元 (亿元), million (billion) exact or rounded to two places (or one,
    from ten up)."""
    keys = {_figure(yuan) + "元": False}
    for unit, scale in SCALE.items():
        # 亿元 and billion only from one up, as the site prints them; 万元 and million
        # from 0.01 (CNY 0.27 million)
        if unit == "元" or yuan < (scale / 100 if unit in ("万", "m") else scale):
            continue
        value = yuan / scale
        keys[_figure(value) + unit] = False
        rounded = [value.quantize(Decimal("0.01"), ROUND_HALF_UP)]
        if value >= 10:  # 796.8万元, but not 8m for 7,968,243.98
            rounded.append(value.quantize(Decimal("0.1"), ROUND_HALF_UP))
        for figure in rounded:
            keys.setdefault(_figure(figure) + unit, True)
    return keys


def hash_key(key: str) -> int:
    """32-bit FNV-1a of the key's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(projects: int, per_project: int, size: int) -> int:
    """A power of two, so that a shard holds about `size` bytes."""
    count = 1
    while count * size < projects * per_project:
        count *= 2
    return count


# How strongly a key names a project, strongest first: its own name, document number,
# unit code or exact budget-year amount; its budget-year amount rounded or its unit's
# name (which names all the unit's projects); another of its amounts, exact; rounded.
EXACT, ROUNDED, OTHER, OTHER_ROUNDED = 0, 1, 2, 3


def project_keys(project: Project) -> Iterable[tuple[str, str, str, int]]:
    """(normalised key, kind, as printed, strength) for each exact thing that names
    the project."""
    for lang in i18n.LANGS:
        if project.name.translated(lang):
            yield normalise(project.name.get(lang)), "name", project.name.get(lang), EXACT
        if project.unit.name.translated(lang):
            yield (normalise(project.unit.name.get(lang)), "unit",
                   project.unit.name.get(lang), ROUNDED)
    if project.unit.code:  # a department budget names the unit only
        yield normalise(project.unit.code), "code", project.unit.code, EXACT
    overall = project.targets.overall
    texts = [project.basis.zh, project.basis.en or "",
             *((overall.text.zh, overall.text.en or "") if overall else ())]
    for text in texts:
        for found in (*_DOC_ZH.findall(text), *_DOC_EN.findall(text)):
            yield normalise(found), "document", found, EXACT
    for n, money in enumerate(_amounts(project)):
        printed = f"{_cents(money.yuan)}元"
        for key, rounded in amount_keys(money.yuan).items():
            yield key, "amount", printed, (2 if n else 0) + rounded


def _amounts(project: Project) -> list[Money]:
    """The budget-year amount first, then the multi-year total and last year's."""
    funding = project.funding
    found = [funding.budget_year]
    if funding.multi_year:
        found.append(funding.multi_year.total)
    if funding.previous_year:
        found.append(funding.previous_year.amount)
    return found


def _cents(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"


def summary(yuan: Decimal, lang: str) -> str:
    """i18n.summary's text (796.82万元, CNY 7.97 million), written here without Babel,
    which takes most of this stage's time at 10,000 projects; a test holds the two
    equal."""
    if lang == "zh":
        return f"{_cents(yuan / 100_000_000)}亿元" if abs(yuan) >= 100_000_000 \
            else f"{_cents(yuan / 10_000)}万元"
    if abs(yuan) >= 1_000_000_000:
        return f"CNY{i18n.NBSP}{_cents(yuan / 1_000_000_000)}{i18n.NBSP}billion"
    return f"CNY{i18n.NBSP}{_cents(yuan / 1_000_000)}{i18n.NBSP}million"


def row(project: Project, lang: str) -> list:
    """A project's result row in `lang`: what search.js draws for an exact hit."""
    return [project.name.get(lang), project.district.name.get(lang), project.year,
            summary(project.funding.budget_year.yuan, lang),
            band(project.funding.budget_year.yuan).get(lang),
            project.unit.name.get(lang),
            project.unit.source_of_funds.get(lang) if project.unit.source_of_funds else ""]


def entries(projects: list[Project], cache: Cache | None) -> dict[str, tuple]:
    """Each project's keys and rows, (keys, {lang: row}, the hash_key of the project's
    key, the hash_key of each key), by project key; from the build
    cache while the project's sources (and the builder's code) are unchanged, so that
    an edit to one project of 10,000 works out the keys of one. The cache's table is
    keyed by the project's digest, which names its content."""
    known = cache.table("search-keys") if cache else {}
    kept, made = {}, {}
    for project in projects:
        entry = known.get(project.digest) if project.digest else None
        if entry is None:
            keys = list(project_keys(project))
            entry = (keys, {lang: row(project, lang) for lang in i18n.LANGS},
                     hash_key(project.key), [hash_key(key) for key, *_ in keys])
        made[project.key] = kept[project.digest] = entry
    if cache:
        cache.keep("search-keys", {d: e for d, e in kept.items() if d})
    return made


def files(projects: Iterable[Project], cache: Cache | None = None,
          made: dict[str, tuple] | None = None) -> dict[str, bytes]:
    """The key index's files for these projects; `made` holds their entries where they
    were made already (a merge: by the shards, each of its own projects)."""
    projects = list(projects)
    if made is None:
        made = entries(projects, cache)
    key_shards = shard_count(len(projects), KEY_BYTES, SHARD_BYTES)
    row_shards = shard_count(len(projects), ROW_BYTES, ROW_SHARD_BYTES)
    keys: dict[int, dict[str, dict[str, list]]] = {n: {} for n in range(key_shards)}
    rows: dict[str, dict[int, dict[str, list]]] = {
        lang: {n: {} for n in range(row_shards)} for lang in i18n.LANGS}
    # (The hashes come with the entries: worked out once per project and kept in the
    # cache, or by the shards; here they were a third of a merge's time on this.)
    for project in projects:
        name = project.key
        its_keys, its_rows, its_hash, hashes = made[name]
        for (key, kind, printed, strength), hashed in zip(its_keys, hashes):
            if key:
                found = keys[hashed % key_shards].setdefault(key, {})
                if name not in found or strength < found[name][3]:
                    found[name] = [name, kind, printed, strength]
        for lang in i18n.LANGS:
            rows[lang][its_hash % row_shards][name] = its_rows[lang]
    out = {f"{FOLDER}/index.json": _json({"version": VERSION, "keys": key_shards,
                                           "rows": row_shards})}
    for n, shard in keys.items():
        out[f"{FOLDER}/k/{n}.json"] = _json(
            {key: sorted(found.values()) for key, found in sorted(shard.items())})
    for lang, shards in rows.items():
        for n, shard in shards.items():
            out[f"{FOLDER}/{lang}/{n}.json"] = _json(dict(sorted(shard.items())))
    return out


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
