"""The data the indicator explorer's script reads: per level-2 category and budget
year, the rows it shows (JSON) and the same indicators as lines of
data/indicators.csv (CSV), for exports."""

from __future__ import annotations

from typing import Callable

from builder.core.cache import Cache, Kept, digest
from builder.outputs import data
from builder.site.explorer import Row, rows_by_category
from builder.site.model import Site
from builder.site.urls import Urls


TABLE = "explorer-data"  # this stage's table in the cache


def files(site: Site, cache: Cache | None = None,
          have: Callable[[str, str], bool] | None = None,
          made: dict[str, data.ProjectData] | None = None) -> dict[str, bytes | Kept]:
    """Per category and budget year: the rows the explorer shows (JSON) and the same
    indicators as lines of data/indicators.csv (CSV), for exports.

    With a cache and `have` (whether the output folder holds a file with these bytes,
    by name and digest), a part whose rows are those of an earlier build is not made
    again: its two files stand in by their digests (Kept). A part's key is its rows in
    order, each project by the digest of every field but its narrative (a row shows
    no narrative), and the site's address (the CSV's links). With each project's open
    data (`made`), the CSV's lines are those of its indicators.csv lines, not written
    a second time."""
    known = cache.table(TABLE) if cache is not None else {}
    shared = digest(site.urls.base_url, site.urls.base_path)
    kept: dict[str, tuple[str, str]] = {}
    out: dict[str, bytes | Kept] = {}
    for (level1, level2), rows in rows_by_category(site.projects).items():
        slug = f"{level1}-{level2}"
        by_year: dict[int, list[Row]] = {}
        for row in rows:
            by_year.setdefault(row.project.year, []).append(row)
        for year, part in by_year.items():
            names = Urls.explorer_data(slug, year, "json"), Urls.explorer_data(slug, year, "csv")
            # (Without a cache, as in a merge, nothing is looked up or kept.)
            key = digest(shared, *names, *(f"{r.project.summary_digest}\0{r.position}"
                                           for r in part)) if cache is not None else ""
            found = known.get(key)
            if found is not None and have is not None and all(map(have, names, found)):
                out[names[0]], out[names[1]] = Kept(found[0]), Kept(found[1])
                kept[key] = found
                continue
            if made is not None:
                lines = "".join(made[r.project.key].indicator_lines[r.position - 1]
                                for r in part)
            else:
                lines = data.csv_body(data.INDICATORS, [
                    data.indicator_row(site, r.project, r.position, r.indicator)
                    for r in part])
            both = shard_json(part, made), data.csv_bytes(data.INDICATORS, [], lines)
            out[names[0]], out[names[1]] = both
            kept[key] = digest(both[0]), digest(both[1])
    if cache is not None:
        cache.keep(TABLE, kept)
    return out


def shard_json(rows: list[Row], made: dict[str, data.ProjectData] | None = None) -> bytes:
    """Compact: projects once each, rows as arrays (their fields named in `columns`),
    written as json.dumps writes them compactly. A row is its indicator's
    explorer_line, taken from its project's open data where that was made (`made`;
    in a merge, by the project's shard) after its project's number in the part."""
    projects: dict[str, int] = {}
    listed, lines = [], []
    for row in rows:
        p = row.project
        number = projects.get(p.key)
        if number is None:
            number = projects[p.key] = len(listed)
            listed.append(data.compact_json([p.key, p.name.zh, p.name.en, p.district.slug]))
        tail = made[p.key].explorer_lines[row.position - 1] if made is not None else \
            data.explorer_line(row.position, row.indicator)
        lines.append(f"[{number}{tail}")
    return (f'{{"columns":{data.compact_json(data.EXPLORER_COLUMNS)},'
            f'"projects":[{",".join(listed)}],"rows":[{",".join(lines)}]}}\n').encode("utf-8")
