"""The typed, immutable content model. Templates receive these, never raw dicts."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

# Amount units and their size in 元.
MONEY_UNITS: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


@dataclass(frozen=True)
class Text:
    """A free text in Chinese (authoritative) and, once translated, English."""

    zh: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Chinese."""
        return self.en if lang == "en" and self.en else self.zh

    def translated(self, lang: str) -> bool:
        return lang == "zh" or bool(self.en)


@dataclass(frozen=True)
class Money:
    """An amount as the document gives it: a decimal and its unit (元, 万元, 亿元)."""

    value: Decimal
    unit: str = "元"

    @property
    def yuan(self) -> Decimal:
        return self.value * MONEY_UNITS[self.unit]


@dataclass(frozen=True)
class District:
    slug: str
    code: str
    name: Text
    former_codes: tuple[str, ...] = ()
    # Where its slug is written in districts.yaml, (line, column, field path), for a
    # problem only a later stage can see (a slug that one of the site's own pages uses).
    slug_at: tuple[int, int, str] = field(default=(1, 1, "slug"), compare=False)

    @property
    def area_codes(self) -> tuple[str, ...]:
        return (self.code, *self.former_codes)


@dataclass(frozen=True)
class FundingLine:
    label: Text
    amount: Money


@dataclass(frozen=True)
class MultiYear:
    start: int
    end: int
    total: Money


@dataclass(frozen=True)
class PreviousYear:
    """A figure for an earlier year. The disclosures have no table for it: it is read
    from their narrative, so the page says what the document called it (`label`), the
    sentence it comes from (`quote`) and the section that sentence is in."""

    year: int
    amount: Money
    components: tuple[FundingLine, ...] = ()
    label: Text | None = None
    quote: Text | None = None
    section: str | None = None


@dataclass(frozen=True)
class Funding:
    budget_year: Money
    multi_year: MultiYear | None = None
    components: tuple[FundingLine, ...] = ()
    previous_year: PreviousYear | None = None
    note: Text | None = None
    # The document states only the parts: budget_year is their sum, worked out by the site.
    summed: bool = False

    @property
    def change(self) -> Decimal | None:
        """Budget-year amount minus last year's actual spending, in 元."""
        if self.previous_year is None:
            return None
        return self.budget_year.yuan - self.previous_year.amount.yuan

    @property
    def change_ratio(self) -> Decimal | None:
        if self.previous_year is None or not self.previous_year.amount.yuan:
            return None
        return self.change / self.previous_year.amount.yuan


@dataclass(frozen=True)
class Unit:
    """The implementing unit's card."""

    name: Text
    # Every part but the name may be missing: a department budget (the Shanghai layout)
    # names the unit and nothing else; nothing is invented.
    code: str | None
    address: Text | None
    phone: str | None
    legal_representative: Text | None
    source_of_funds: Text | None
    overview: Text | None
    duties: tuple[Text, ...] = ()
    # The label the document gives the code (组织机构代码 before an 18-character USCI),
    # when it differs from the label of the code's kind.
    code_label: str | None = None

    @property
    def key(self) -> str:
        """The unit's code, or for a unit without one (a department budget gives none)
        its name: the same unit in every listing either way."""
        return self.code or f"name:{self.name.zh}"

    @property
    def code_kind(self) -> str | None:
        if not self.code:
            return None
        return "usci" if len(self.code) == 18 else "org"


@dataclass(frozen=True)
class AsWritten:
    """The document's own wording where the site files a value under a normalised key:
    a level name written without 指标 (社会效益), a comparator written in words. None:
    the document wrote it as the site shows it."""

    level1: str | None = None
    level2: str | None = None
    operator: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One level-3 row of the performance target table."""

    id: str
    level1: str
    level2: str
    name: Text
    operator: str
    value: Decimal | Text
    unit: str | None
    type: str
    weight: Decimal
    scoring: Text
    content: Text | None
    source: Text
    as_written: AsWritten = AsWritten()

    @property
    def operator_as_written(self) -> str:
        """Comparators are typed as the document writes them (>=) unless it wrote
        them otherwise (大于等于, ≥), which `as_written` then keeps."""
        return self.as_written.operator or self.operator

    @property
    def anchor(self) -> str:
        return f"indicator-{self.id}"

    @property
    def numeric_value(self) -> Decimal | None:
        return self.value if isinstance(self.value, Decimal) else None


@dataclass(frozen=True)
class ListedIndicator:
    """An indicator as the pages that span districts list it: its categories and what
    the explorer's filters count. A shard's summary holds no more of it (the rows of
    those pages are the shard's), so that a merge of 40,000 projects need not hold
    their texts; a page that asks it for more fails instead of showing less."""

    level1: str
    level2: str
    unit: str | None
    type: str
    operator: str

    @classmethod
    def of(cls, indicator: Indicator) -> ListedIndicator:
        return cls(indicator.level1, indicator.level2, indicator.unit, indicator.type,
                   indicator.operator)


@dataclass(frozen=True)
class OverallTarget:
    start: int
    end: int
    text: Text


@dataclass(frozen=True)
class Targets:
    overall: OverallTarget | None  # a one-year disclosure may state none
    budget_year: Text
    # The document's sentence where its indicator table would be, when it does not
    # include it ("详见单位的项目绩效目标表").
    table_note: Text | None = None


# A plain-text file is the document's text as staff copied it, not the file the office
# published (which is a PDF, a workbook, a Word or OFD file or a web page).
TRANSCRIPTION_KINDS = ("TXT",)


@dataclass(frozen=True)
class OriginalFile:
    """The document kept in the project folder: the file the office published, or a
    transcription of its text (a .txt file), unaltered since."""

    name: str  # the file's name in the project folder
    size: int
    sha256: str

    @property
    def kind(self) -> str:
        return self.name.rsplit(".", 1)[-1].upper()

    @property
    def transcription(self) -> bool:
        return self.kind in TRANSCRIPTION_KINDS


@dataclass(frozen=True)
class DocumentSource:
    """Where the disclosure was published: what a reader needs to find and check it.
    Every part is optional; none is invented when it is not known."""

    title: Text | None = None
    issuer: Text | None = None
    published: str | None = None  # ISO date
    url: str | None = None
    retrieved: str | None = None  # ISO date
    original: OriginalFile | None = None
    pages: tuple[int, ...] = ()  # the pages of the original the disclosure is on

    @property
    def published_file(self) -> OriginalFile | None:
        """The file as the office published it; a transcription is not one."""
        return self.original if self.original and not self.original.transcription else None


@dataclass(frozen=True)
class Correction:
    """A correction of the published page, dated and said in both languages."""

    date: str  # ISO date
    text: Text


@dataclass(frozen=True)
class Section:
    """One narrative section: a stable id, its heading and its cleaned HTML."""

    id: str
    title: str
    html: str
    text: str
    line: int = 0  # of the heading in its file, for messages about the section


@dataclass(frozen=True)
class Project:
    district: District
    year: int
    slug: str
    department: Text
    heading: Text
    name: Text
    basis: Text
    unit: Unit
    funding: Funding
    targets: Targets
    indicators: tuple[Indicator, ...]
    narrative: dict[str, tuple[Section, ...]] = field(hash=False, compare=False)
    source_dir: str = ""
    missing_english: tuple[str, ...] = ()
    text_fields: int = 0
    source: DocumentSource | None = None
    corrections: tuple[Correction, ...] = ()  # newest first
    # A digest of the sources the project was read from (its folder's files, the
    # districts and the builder's code): the page cache's name for it.
    digest: str = field(default="", compare=False)
    # The key of last year's project of the same programme (`continues:`), and the
    # line of project.yaml that names it, for messages about the link.
    continues: str | None = None
    continues_line: int = field(default=0, compare=False)
    period: Text | None = None  # 实施周期, as written

    @functools.cached_property  # (asked for millions of times on a large site)
    def key(self) -> str:
        return f"{self.district.slug}/{self.year}/{self.slug}"

    @functools.cached_property
    def summary_digest(self) -> str:
        """A digest of every field but the narrative: what a page that lists projects
        may show of this one. Its key uses this instead of `digest` unless its
        templates read the narrative (render.page_keys), so that a narrative edit
        re-renders the project's own pages and no listing."""
        fields = [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)
                  if f.name not in ("narrative", "digest")]
        return hashlib.blake2b(repr(fields).encode("utf-8", "surrogatepass"),
                               digest_size=16).hexdigest()

    @property
    def total_weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    def narrative_in(self, lang: str) -> tuple[tuple[Section, bool], ...]:
        """The sections a `lang` page shows, each with whether it is in `lang`.

        Section by section, not file by file: where en.md lacks a section or leaves
        it empty, the Chinese section stands in (and the page labels it).
        """
        chinese = self.narrative.get("zh", ())
        if lang == "zh":
            return tuple((s, True) for s in chinese)
        own = {s.id: s for s in self.narrative.get(lang, ()) if s.html}
        return tuple((own[s.id], True) if s.id in own else (s, False) for s in chinese)


@dataclass(frozen=True)
class SiteConfig:
    title: Text
    description: Text
    base_path: str
    base_url: str
    publisher: Text
    contact: str | None = None  # where readers report a problem: an e-mail or web address

    @property
    def contact_is_email(self) -> bool:
        return self.contact is not None and not self.contact.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Content:
    """Everything the sources say, validated."""

    config: SiteConfig
    districts: tuple[District, ...]
    city: District
    projects: tuple[Project, ...]
    warnings: tuple = ()
