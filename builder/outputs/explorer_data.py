"""The data the indicator explorer's script reads: per level-2 category and budget
year, the rows it shows (JSON) and the same indicators as lines of
data/indicators.csv (CSV), for exports."""

from __future__ import annotations

import json

from builder.core.model import Text
from builder.outputs import data
from builder.site.explorer import Row, rows_by_category
from builder.site.model import Site
from builder.site.urls import Urls


def files(site: Site) -> dict[str, bytes]:
    """Per category and budget year: the rows the explorer shows (JSON) and the same
    indicators as lines of data/indicators.csv (CSV), for exports."""
    out: dict[str, bytes] = {}
    for (level1, level2), rows in rows_by_category(site.projects).items():
        slug = f"{level1}-{level2}"
        by_year: dict[int, list[Row]] = {}
        for row in rows:
            by_year.setdefault(row.project.year, []).append(row)
        for year, part in by_year.items():
            out[Urls.explorer_data(slug, year, "json")] = shard_json(part)
            out[Urls.explorer_data(slug, year, "csv")] = data.csv_bytes(
                data.INDICATORS, [data.indicator_row(site, r.project, r.position, r.indicator)
                                  for r in part])
    return out


def shard_json(rows: list[Row]) -> bytes:
    """Compact: projects once each, rows as arrays (their fields named in `columns`)."""
    projects: dict[str, int] = {}
    listed, lines = [], []
    for row in rows:
        p, i = row.project, row.indicator
        if p.key not in projects:
            projects[p.key] = len(listed)
            listed.append([p.key, p.name.zh, p.name.en, p.district.slug])
        value = i.value if isinstance(i.value, Text) else None
        lines.append([projects[p.key], i.id, row.position, i.name.zh, i.name.en, i.operator,
                      data.cell(i.numeric_value) if i.numeric_value is not None else None,
                      value.zh if value else None, value.en if value else None,
                      i.unit, i.type, data.cell(i.weight)])
    body = {"columns": ["project", "id", "position", "name_zh", "name_en", "operator",
                        "value_number", "value_zh", "value_en", "unit", "type", "points"],
            "projects": listed, "rows": lines}
    return (json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
