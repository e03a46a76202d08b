"""Map well-formed YAML values to the typed model (core/model.py): only what the checks
have passed reaches here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

from builder.core.errors import field_name
from builder.core.model import (
    AsWritten,
    Correction,
    District,
    DocumentSource,
    Funding,
    FundingLine,
    Indicator,
    Money,
    MultiYear,
    OriginalFile,
    OverallTarget,
    PreviousYear,
    Project,
    Section,
    Targets,
    Text,
    Unit,
)
from builder.sources import schema


def build_project(data: dict, district: District, folder: Path,
                  narratives: dict[str, tuple[Section, ...] | None],
                  original: OriginalFile | None = None) -> Project:
    """The typed project from a well-formed project.yaml."""
    unit = data["unit"]
    return Project(
        district=district, year=data["year"], slug=folder.name,
        department=text(data["department"]), heading=text(data["heading"]),
        name=text(data["name"]), basis=text(data["basis"]),
        unit=Unit(text(unit["name"]), unit.get("code") or None,
                  optional_text(unit.get("address")), unit.get("phone") or None,
                  optional_text(unit.get("legal_representative")),
                  optional_text(unit.get("source_of_funds")),
                  optional_text(unit.get("overview")),
                  tuple(text(d) for d in unit.get("duties") or ()),
                  unit.get("code_label") or None),
        funding=funding(data["funding"]),
        targets=Targets(overall(data["targets"].get("overall")),
                        text(data["targets"]["budget_year"]),
                        optional_text(data["targets"].get("table_note"))),
        indicators=tuple(indicator(i) for i in data.get("indicators") or ()),
        period=optional_text(data.get("period")),
        narrative={lang: sections for lang, sections in narratives.items() if sections},
        source_dir=folder.as_posix(),
        missing_english=tuple(field_name(p) for p in untranslated(schema.PROJECT, data, ())),
        text_fields=sum(1 for _ in texts(schema.PROJECT, data, ())),
        continues=data.get("continues") or None,
        source=_source(data.get("source"), original),
        corrections=tuple(sorted((Correction(c["date"], text(c["text"]))
                                  for c in data.get("corrections") or ()),
                                 key=lambda c: c.date, reverse=True)),
    )


def _source(data: dict | None, original: OriginalFile | None) -> DocumentSource | None:
    if not data:
        return None
    return DocumentSource(
        title=optional_text(data.get("title")), issuer=optional_text(data.get("issuer")),
        published=data.get("published") or None, url=data.get("url") or None,
        retrieved=data.get("retrieved") or None, original=original,
        pages=tuple(data.get("pages") or ()))


def optional_text(value: str | dict | None) -> Text | None:
    return text(value) if value else None


def funding(data: dict) -> Funding:
    multi = data.get("multi_year")
    previous = data.get("previous_year")
    components = _lines(data.get("components"))
    summed = schema.left_out(data.get("budget_year"))  # left out: the parts' sum
    return Funding(
        budget_year=money(data["budget_year"]) if not summed else Money(
            sum((line.amount.yuan for line in components), Decimal(0)).quantize(Decimal("0.01"))),
        multi_year=MultiYear(multi["start"], multi["end"], money(multi["total"])) if multi else None,
        components=components,
        previous_year=PreviousYear(previous["year"], money(previous["amount"]),
                                   _lines(previous.get("components")),
                                   optional_text(previous.get("label")),
                                   optional_text(previous.get("quote")),
                                   previous.get("section") or None) if previous else None,
        note=text(data["note"]) if data.get("note") else None,
        summed=summed,
    )


def overall(data: dict | None) -> OverallTarget | None:
    return OverallTarget(data["start"], data["end"], text(data["text"])) if data else None


def _lines(entries: list | None) -> tuple[FundingLine, ...]:
    return tuple(FundingLine(text(e["label"]), money(e["amount"])) for e in entries or ())


def indicator(data: dict) -> Indicator:
    value = data["value"]
    return Indicator(
        id=data["id"], level1=data["level1"], level2=data["level2"], name=text(data["name"]),
        operator=data["operator"],
        value=Decimal(value) if not isinstance(value, (str, dict)) else text(value),
        unit=data.get("unit") or None, type=data["type"], weight=Decimal(data["weight"]),
        scoring=text(data["scoring"]),
        content=text(data["content"]) if data.get("content") else None,
        source=text(data["source"]),
        as_written=AsWritten(**{k: v for k, v in (data.get("as_written") or {}).items() if v}),
    )


def text(value: str | dict) -> Text:
    if isinstance(value, str):
        return Text(value.strip())
    return Text(value["zh"].strip(), (value.get("en") or "").strip() or None)


def money(value: Any) -> Money:
    if isinstance(value, dict):
        return Money(Decimal(value["value"]), value["unit"])
    return Money(Decimal(value))


def texts(spec: schema.Kind, value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Every free-text value in `value`, with its field path, following `spec`."""
    if isinstance(spec, schema.BiText) or (isinstance(spec, schema.Value)
                                           and isinstance(value, (str, dict))):
        yield path, value
    elif isinstance(spec, schema.Record) and isinstance(value, dict):
        for name, declared in spec.fields.items():
            if value.get(name) not in (None, "", [], {}):
                yield from texts(declared.kind, value[name], path + (name,))
    elif isinstance(spec, schema.ListOf) and isinstance(value, list):
        for i, entry in enumerate(value):
            yield from texts(spec.item, entry, path + (i,))


def untranslated(spec: schema.Kind, value: Any, path: tuple,
                 ok: Callable[[tuple], bool] = lambda path: True) -> Iterator[tuple]:
    """Free texts without English; `ok` leaves out those that are malformed."""
    for field_path, entry in texts(spec, value, path):
        if ok(field_path) and (isinstance(entry, str) or not (entry.get("en") or "").strip()):
            yield field_path
