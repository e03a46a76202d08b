#!/usr/bin/env python3
"""Write a synthetic site of N projects for benchmarks and tests: `make_corpus.py N OUT
[--districts D]`.

The projects are shaped like the two seed disclosures in content/ (same fields, text
of the same length in both languages, 5–10 indicators, funding components, a full
Markdown narrative), spread over Kunming's 14 districts (or, with --districts D, over D made-up counties of
a province, as a site built in shards would be) and the years 2022–2026.
Every 4th project continues the one before it a year later (`continues:`), so the
corpus holds programmes across years. The same N always gives the same files. Nothing here is published: the projects are
made up, and every name says so ("示例" / "sample").
"""

from __future__ import annotations

import copy
import random
import shutil
import sys
import zlib
from decimal import Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CONTENT = HERE.parent / "content"
SEEDS = sorted((CONTENT / "projects").glob("*/*/*/project.yaml"))
YEARS = (2022, 2023, 2024, 2025, 2026)
TOPICS = (
    ("城乡医疗救助", "urban and rural medical assistance"),
    ("公务员医疗补助", "the medical subsidy for civil servants"),
    ("义务教育学生营养改善", "nutrition improvement for compulsory-education students"),
    ("农村公路养护", "rural road maintenance"),
    ("城市绿化管护", "urban greening maintenance"),
    ("社区居家养老服务", "community home-based elderly care services"),
    ("公共文化场馆免费开放", "free opening of public cultural venues"),
    ("重大动物疫病防控", "prevention and control of major animal diseases"),
    ("饮用水水源地保护", "protection of drinking-water sources"),
    ("困难残疾人生活补贴", "living allowances for disabled persons in difficulty"),
    ("就业创业补贴", "employment and business start-up subsidies"),
    ("森林防火", "forest fire prevention"),
)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Plain YAML: no anchors or aliases (the loader refuses them, as it should)."""

    def ignore_aliases(self, data):
        return True


def _org_code(*parts) -> str:
    """One implementing unit per district, topic and seed: a unit publishes several
    projects, as real ones do. A valid 9-character organization code."""
    from builder.core.checkcodes import org_check_char
    body = f"{zlib.crc32(repr(parts).encode()) % 10**8:08d}"
    return body + org_check_char(body)


def _districts() -> list[str]:
    data = yaml.safe_load((CONTENT / "districts.yaml").read_text("utf-8"))
    return [d["slug"] for d in data["districts"]]


def _seeds() -> list[tuple[dict, str, str]]:
    return [(yaml.safe_load(path.read_text("utf-8")),
             (path.parent / "zh.md").read_text("utf-8"),
             (path.parent / "en.md").read_text("utf-8")) for path in SEEDS]


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _indicators(rng: random.Random, pool: list[dict], count: int) -> list[dict]:
    """`count` indicators drawn from the seeds' rows, unique ids, points adding to 100."""
    rows = []
    for i in range(count):
        row = dict(rng.choice(pool))
        row["id"] = f"{row['id']}-{i + 1}"
        rows.append(row)
    weights = [100 // count] * count
    weights[0] += 100 - sum(weights)
    for row, weight in zip(rows, weights):
        row["weight"] = weight
    return rows


def project(i: int, rng: random.Random, seeds, districts) -> tuple[str, dict, str, str]:
    data, zh_md, en_md = seeds[i % len(seeds)]
    data = copy.deepcopy(data)
    district = districts[rng.randrange(len(districts))]
    year = YEARS[rng.randrange(len(YEARS))]
    topic = rng.randrange(len(TOPICS))
    topic_zh, topic_en = TOPICS[topic]
    data["district"], data["year"] = district, year
    data.pop("source", None)  # a sample has no official document of its own
    data["heading"] = {"zh": f"{year}年示例项目第{i + 1}号", "en": f"{year}: sample project No. {i + 1}"}
    data["name"] = {"zh": f"{topic_zh}专项资金（示例{i + 1}）",
                    "en": f"Special fund for {topic_en} (sample {i + 1})"}
    data["unit"]["code"] = _org_code(district, topic, i % len(seeds))
    funding = data["funding"]
    budget = _amount(rng, 50_000, 20_000_000)
    funding["budget_year"] = float(budget)
    if "multi_year" in funding:
        funding["multi_year"] = {"start": year, "end": year + 2, "total": float(budget * 3)}
    if "previous_year" in funding:
        parts = [_amount(rng, 10_000, 5_000_000) for _ in range(2)]
        previous = funding["previous_year"]
        previous["year"] = year - 1
        previous["amount"] = float(sum(parts))
        for quoted in ("quote", "label", "section"):  # the seed's sentence has its own figures
            previous.pop(quoted, None)
        for component, part in zip(previous["components"], parts):
            component["amount"] = float(part)
    overall = data["targets"]["overall"]
    overall["start"], overall["end"] = year, year + 2
    pool = [row for seed, _, _ in seeds for row in seed["indicators"]]
    data["indicators"] = _indicators(rng, pool, rng.randint(5, 10))
    note = (f"\n\n本示例项目编号为{i + 1}，所属{district}，用于性能测试。\n",
            f"\n\nThis sample project is number {i + 1}, in {district}, for benchmarks.\n")
    slug = f"sample-{i + 1:05d}"
    return f"{district}/{year}/{slug}", data, zh_md + note[0], en_md + note[1]


CONTINUED = 4  # every 4th project continues the one made before it, a year later


def continued(key: str, data: dict, earlier_key: str, earlier: dict) -> tuple[str, dict]:
    """`data` made the next year's project of `earlier`'s programme: same district,
    unit and name, `continues:` set, its targets those of last year, some raised."""
    year = earlier["year"] + 1
    data = {**data, "district": earlier["district"], "year": year, "name": earlier["name"],
            "unit": {**data["unit"], "code": earlier["unit"]["code"]},
            "continues": earlier_key}
    funding = data["funding"]
    if "multi_year" in funding:
        funding["multi_year"] = {**funding["multi_year"], "start": year, "end": year + 2}
    if "previous_year" in funding:
        funding["previous_year"]["year"] = year - 1
    data["targets"]["overall"].update({"start": year, "end": year + 2})
    indicators = copy.deepcopy(earlier["indicators"])
    for n, row in enumerate(indicators):
        if n % 2 and isinstance(row["value"], (int, float)) and row["value"] < 99:
            row["value"] += 1
    data["indicators"] = indicators
    return f"{earlier['district']}/{year}/{key.rsplit('/', 1)[1]}", data


def sample_districts(count: int) -> str:
    """districts.yaml of `count` made-up counties with six-digit codes of their own
    (53xxyy, outside Kunming's 5301yy), named as samples."""
    lines = ["# Made-up counties for benchmarks: not real divisions.",
             "city: {code: \"530000\", zh: 示例省, en: Sample Province}", "districts:"]
    for i in range(count):
        code = f"53{20 + i // 99:02d}{i % 99 + 1:02d}"
        lines += [f"  - slug: county-{code}", f"    code: \"{code}\"",
                  f"    zh: 示例县{i + 1}", f"    en: Sample County {i + 1}"]
    return "\n".join(lines) + "\n"


def write_corpus(n: int, out: Path, districts_count: int | None = None) -> None:
    """A site folder: OUT/content/ with site.yaml, districts.yaml and the projects;
    over Kunming's districts, or over `districts_count` made-up ones."""
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    (content / "projects").mkdir(parents=True)
    for name in ("site.yaml", "districts.yaml"):
        shutil.copy2(CONTENT / name, content / name)
    if districts_count is not None:
        (content / "districts.yaml").write_text(sample_districts(districts_count), "utf-8")
    seeds = _seeds()
    districts = _districts() if districts_count is None else \
        [f"county-53{20 + i // 99:02d}{i % 99 + 1:02d}" for i in range(districts_count)]
    rng = random.Random(n)
    earlier = None
    for i in range(n):
        key, data, zh_md, en_md = project(i, rng, seeds, districts)
        if i % CONTINUED == 1 and earlier is not None and earlier[1]["year"] < YEARS[-1]:
            key, data = continued(key, data, *earlier)
        earlier = key, data
        folder = content / "projects" / key
        folder.mkdir(parents=True)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
        (folder / "project.yaml").write_text(text, "utf-8")
        (folder / "zh.md").write_text(zh_md, "utf-8")
        (folder / "en.md").write_text(en_md, "utf-8")


def main(argv: list[str]) -> int:
    districts = None
    if len(argv) == 5 and argv[3] == "--districts" and argv[4].isdigit():
        districts, argv = int(argv[4]), argv[:3]
    if len(argv) != 3 or not argv[1].isdigit() or districts == 0:
        print("usage: make_corpus.py N OUT [--districts D]", file=sys.stderr)
        return 2
    write_corpus(int(argv[1]), Path(argv[2]), districts)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main(sys.argv))
