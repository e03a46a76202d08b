#!/usr/bin/env python3
"""Write a synthetic site of N projects for benchmarks and tests: `make_corpus.py N OUT
[--districts D]`.

The projects are shaped like the two seed disclosures in content/ (same fields, 5–7
indicators, funding components, the five narrative sections in both languages), spread
over Kunming's 14 districts (or, with --districts D, over D made-up counties of
a province, as a site built in shards would be) and the years 2022–2026. Each project's narratives,
targets, indicators and implementing unit come from its own topic (a forest-fire
project talks of fire prevention and is run by the district's forestry bureau), its
legal basis is a notice with a document number of its own, and its unit's name and
code vary by district, so that a search ranking another project first shows.
Every 4th project continues the one before it a year later (`continues:`), so the
corpus holds programmes across years. The same N always gives the same files. Nothing here is published: the projects are
made up, and every name says so ("示例" / "sample").
"""

from __future__ import annotations

import copy
import random
import re
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
# Each topic: its name in both languages, the bureau that runs such a project, what the
# money does (a phrase for the narratives and targets), and its indicators as
# (level1, level2, zh, en, operator, value, unit). A project's text, indicators and unit
# come from its own topic, so a search that ranks another topic's project first shows.
TOPICS = (
    ("城乡医疗救助", "urban and rural medical assistance",
     ("医疗保障局", "Healthcare Security Bureau"),
     ("对城乡困难群众住院和门诊医疗费用给予救助", "helping people in difficulty pay for hospital and outpatient care"),
     (("output", "quantity", "医疗救助人次", "Medical assistance recipients", "=", 6780, "人次"),
      ("output", "quality", "救助对象认定准确率", "Accuracy in determining recipients", ">=", 95, "%"),
      ("output", "timeliness", "一站式结算及时率", "Timeliness of one-stop settlement", ">=", 98, "%"),
      ("benefit", "social", "困难群众医疗负担减轻程度", "Reduction of medical costs for people in difficulty", ">=", 80, "%"))),
    ("公务员医疗补助", "the medical subsidy for civil servants",
     ("医疗保障局", "Healthcare Security Bureau"),
     ("为享受公务员医疗补助待遇的人员购买补充医疗保险", "buying supplementary medical insurance for civil servants entitled to the subsidy"),
     (("output", "quantity", "参保公务员人数", "Civil servants insured", "=", 3200, "人"),
      ("output", "quality", "补助政策覆盖率", "Coverage of the subsidy policy", "=", 100, "%"),
      ("output", "timeliness", "保费支付及时率", "Premiums paid on time", "=", 100, "%"),
      ("benefit", "social", "住院费用个人负担下降率", "Fall in hospital costs borne by the insured", ">=", 10, "%"))),
    ("义务教育学生营养改善", "nutrition improvement for compulsory-education students",
     ("教育体育局", "Education and Sports Bureau"),
     ("为农村义务教育学生提供营养膳食补助", "paying for nutritious school meals for rural compulsory-education students"),
     (("output", "quantity", "受益学生人数", "Students who benefit", "=", 12500, "人"),
      ("output", "quality", "学校食堂供餐达标率", "School canteens meeting meal standards", ">=", 95, "%"),
      ("output", "timeliness", "膳食补助发放及时率", "Meal subsidies paid on time", "=", 100, "%"),
      ("benefit", "social", "学生营养状况改善率", "Improvement in students' nutrition", ">=", 5, "%"))),
    ("农村公路养护", "rural road maintenance",
     ("交通运输局", "Transport Bureau"),
     ("对农村公路路面、桥梁和排水设施进行日常养护", "keeping the surface, bridges and drains of rural roads in repair"),
     (("output", "quantity", "养护农村公路里程", "Length of rural road maintained", "=", 420, "公里"),
      ("output", "quality", "农村公路优良中等路率", "Rural roads in good or fair condition", ">=", 85, "%"),
      ("output", "timeliness", "路面病害处置及时率", "Road defects repaired on time", ">=", 90, "%"),
      ("benefit", "economic", "农村群众出行时间缩短", "Shorter journeys for rural residents", ">=", 10, "%"))),
    ("城市绿化管护", "urban greening maintenance",
     ("园林绿化局", "Landscaping and Greening Bureau"),
     ("对城市道路绿地、公园和街头游园进行修剪、浇灌和补植", "pruning, watering and replanting roadside green space, parks and street gardens"),
     (("output", "quantity", "管护绿地面积", "Green space maintained", "=", 1850000, "平方米"),
      ("output", "quality", "绿地植物成活率", "Survival rate of planted greenery", ">=", 95, "%"),
      ("output", "timeliness", "绿化巡查及时率", "Greening inspections on time", "=", 100, "%"),
      ("benefit", "ecological", "城市建成区绿化覆盖率", "Green cover of the built-up area", ">=", 42, "%"))),
    ("社区居家养老服务", "community home-based elderly care services",
     ("民政局", "Civil Affairs Bureau"),
     ("为居家老年人提供助餐、助洁和上门探访服务", "bringing meals, cleaning and home visits to older people living at home"),
     (("output", "quantity", "居家养老服务人次", "Home-based elderly care visits", "=", 8600, "人次"),
      ("output", "quality", "养老服务质量达标率", "Elderly care services meeting standards", ">=", 90, "%"),
      ("output", "timeliness", "服务需求响应及时率", "Care requests answered on time", ">=", 95, "%"),
      ("benefit", "social", "老年人生活质量提升", "Better quality of life for older people", ">=", 85, "%"))),
    ("公共文化场馆免费开放", "free opening of public cultural venues",
     ("文化和旅游局", "Culture and Tourism Bureau"),
     ("保障图书馆、文化馆和博物馆免费向公众开放", "keeping libraries, cultural centres and museums open to the public free of charge"),
     (("output", "quantity", "免费开放场馆数量", "Venues open free of charge", "=", 14, "个"),
      ("output", "quality", "场馆年开放天数达标率", "Venues meeting their opening days", "=", 100, "%"),
      ("output", "timeliness", "免费开放补助资金拨付及时率", "Free-opening subsidies paid on time", "=", 100, "%"),
      ("benefit", "social", "场馆年接待人次", "Visitors to the venues in the year", ">=", 150000, "人次"))),
    ("重大动物疫病防控", "prevention and control of major animal diseases",
     ("农业农村局", "Agriculture and Rural Affairs Bureau"),
     ("对牲畜和家禽开展强制免疫、疫情监测和应急处置", "vaccinating livestock and poultry, watching for outbreaks and responding to them"),
     (("output", "quantity", "强制免疫畜禽批次", "Batches of livestock and poultry vaccinated", "=", 36, "批"),
      ("output", "quality", "免疫抗体合格率", "Vaccination antibody pass rate", ">=", 70, "%"),
      ("output", "timeliness", "疫情报告及时率", "Outbreaks reported on time", "=", 100, "%"),
      ("benefit", "economic", "重大动物疫情发生次数", "Major animal disease outbreaks", "=", 0, "次"))),
    ("饮用水水源地保护", "protection of drinking-water sources",
     ("生态环境分局", "Ecology and Environment Sub-bureau"),
     ("对集中式饮用水水源地开展巡查、隔离防护和水质监测", "patrolling, fencing and testing the water of centralized drinking-water sources"),
     (("output", "quantity", "保护水源地数量", "Water sources protected", "=", 6, "个"),
      ("output", "quality", "水源地水质达标率", "Water sources meeting quality standards", "=", 100, "%"),
      ("output", "timeliness", "水质监测报告及时率", "Water-quality reports on time", "=", 100, "%"),
      ("benefit", "ecological", "水源保护区违法排污事件", "Illegal discharges in protected areas", "=", 0, "件"))),
    ("困难残疾人生活补贴", "living allowances for disabled persons in difficulty",
     ("残疾人联合会", "Disabled Persons' Federation"),
     ("按月向困难残疾人发放生活补贴", "paying monthly living allowances to disabled persons in difficulty"),
     (("output", "quantity", "享受补贴残疾人人数", "Disabled persons receiving the allowance", "=", 2150, "人"),
      ("output", "quality", "补贴对象认定准确率", "Accuracy in determining recipients", "=", 100, "%"),
      ("output", "timeliness", "补贴按月发放率", "Allowances paid monthly", "=", 100, "%"),
      ("benefit", "social", "困难残疾人基本生活保障水平", "Basic living standard of disabled persons in difficulty", ">=", 90, "%"))),
    ("就业创业补贴", "employment and business start-up subsidies",
     ("人力资源和社会保障局", "Human Resources and Social Security Bureau"),
     ("对吸纳就业的企业和自主创业人员给予补贴", "subsidizing employers who hire and people who start a business"),
     (("output", "quantity", "补贴创业人数", "Start-ups subsidized", "=", 480, "人"),
      ("output", "quality", "创业带动就业人数", "Jobs created by start-ups", ">=", 1200, "人"),
      ("output", "timeliness", "补贴审核办结时限", "Subsidy applications decided within", "<=", 20, "日"),
      ("benefit", "economic", "城镇调查失业率", "Surveyed urban unemployment rate", "<=", 5.5, "%"))),
    ("森林防火", "forest fire prevention",
     ("林业和草原局", "Forestry and Grassland Bureau"),
     ("组织护林员巡山、修建防火隔离带并储备扑火物资", "sending rangers on patrol, cutting firebreaks and stocking fire-fighting equipment"),
     (("output", "quantity", "护林员巡护面积", "Forest area patrolled by rangers", "=", 520000, "亩"),
      ("output", "quality", "森林火灾受害率", "Share of forest damaged by fire", "<=", 0.9, "‰"),
      ("output", "timeliness", "火情处置及时率", "Fires dealt with on time", "=", 100, "%"),
      ("benefit", "ecological", "森林覆盖率", "Forest cover", ">=", 51, "%"))),
)
# Indicators any kind of project reports: the first always, the others sometimes.
COMMON_INDICATORS = (
    ("benefit", "social", "项目政策群众知晓率", "Public awareness of the project", ">=", 90, "%"),
    ("benefit", "sustainable", "项目长效管理机制健全性", "Lasting management arrangements in place", "=", 100, "%"),
    ("satisfaction", "recipient", "服务对象满意度", "Service-recipient satisfaction", ">=", 90, "%"),
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


def _districts() -> list[dict]:
    data = yaml.safe_load((CONTENT / "districts.yaml").read_text("utf-8"))
    return data["districts"]


def _seeds() -> list[tuple[dict, str, str]]:
    return [(yaml.safe_load(path.read_text("utf-8")),
             (path.parent / "zh.md").read_text("utf-8"),
             (path.parent / "en.md").read_text("utf-8")) for path in SEEDS]


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _indicators(rng: random.Random, topic: tuple, count: int) -> list[dict]:
    """`count` of the topic's indicators and the common ones, points adding to 100,
    each scoring rule stating its own points."""
    pool = list(topic[4]) + list(COMMON_INDICATORS)
    chosen = pool[:5] + rng.sample(pool[5:], max(0, min(count, len(pool)) - 5))
    weights = [100 // len(chosen)] * len(chosen)
    weights[0] += 100 - sum(weights)
    rows = []
    for n, ((level1, level2, zh, en, operator, value, unit), weight) in \
            enumerate(zip(chosen, weights)):
        rows.append({
            "id": f"{level2}-{n + 1}", "level1": level1, "level2": level2,
            "name": {"zh": zh, "en": en}, "operator": operator, "value": value, "unit": unit,
            "type": "quantitative", "weight": weight,
            "scoring": {"zh": f"{zh}达到目标值得{weight}分，否则按完成比例计分。",
                        "en": f"{weight} points if the target is met; otherwise in proportion."},
            "content": {"zh": f"反映{zh}情况。", "en": f"Shows {en[0].lower() + en[1:]}."},
            "source": {"zh": "根据项目实施记录统计", "en": "Counted from the project's records"}})
    return rows


def _narratives(topic: tuple, district: dict, year: int, budget: Decimal, number: int,
                unit: dict) -> tuple[str, str]:
    """The five sections of zh.md and en.md, about this project's own topic."""
    topic_zh, topic_en, _, (does_zh, does_en), indicators = topic
    place_zh, place_en = district["zh"], district["en"]
    first_zh, first_en = indicators[0][2], indicators[0][3]
    zh = (f"## 项目基本概况 {{#overview}}\n\n{unit['name']['zh']}负责{place_zh}{topic_zh}工作，"
          f"本项目{does_zh}，是{place_zh}{year}年的重点民生项目。\n\n"
          f"## 项目实施内容 {{#activities}}\n\n{year}年在{place_zh}范围内{does_zh}，"
          f"{first_zh}目标值为{indicators[0][5]}{indicators[0][6]}。\n\n"
          f"## 资金安排情况 {{#funding-arrangement}}\n\n{year}年{topic_zh}资金安排{budget:,.2f}元。\n\n"
          f"## 项目实施计划 {{#plan}}\n\n一季度制定{topic_zh}实施方案，二、三季度组织实施，"
          f"四季度开展绩效自评。\n\n"
          f"## 项目实施成效 {{#results}}\n\n上年度{place_zh}{topic_zh}工作按计划完成，"
          f"{first_zh}达到预期。\n\n本示例项目编号为{number}，所属{place_zh}，用于性能测试。\n")
    en = (f"## Project overview {{#overview}}\n\nThe {unit['name']['en']} is in charge of "
          f"{topic_en} in {place_en}; this project is {does_en}, a key project of {year}.\n\n"
          f"## What the project does {{#activities}}\n\nIn {year} the project is {does_en} "
          f"throughout {place_en}; the target for {first_en.lower()} is "
          f"{indicators[0][5]} {indicators[0][6]}.\n\n"
          f"## Funding arrangement {{#funding-arrangement}}\n\nCNY {budget:,.2f} is "
          f"arranged for {topic_en} in {year}.\n\n"
          f"## Implementation plan {{#plan}}\n\nA plan for {topic_en} in the first quarter, "
          f"the work in the second and third, a self-assessment of performance in the fourth.\n\n"
          f"## Results achieved {{#results}}\n\nLast year's work on {topic_en} in {place_en} "
          f"was done as planned.\n\nThis sample project is number {number}, in "
          f"{district['slug']}, for benchmarks.\n")
    return zh, en


def _unit(seed_unit: dict, district: dict, topic: tuple, seed: int) -> dict:
    """The district's bureau for the topic: its name, code and what it does."""
    bureau_zh, bureau_en = topic[2]
    unit = copy.deepcopy(seed_unit)
    unit["name"] = {"zh": f"昆明市{district['zh']}{bureau_zh}",
                    "en": f"Kunming {district['en']} {bureau_en}"}
    unit["code"] = _org_code(district["slug"], topic[0], seed)
    unit.pop("code_label", None)
    unit["overview"] = {"zh": f"{unit['name']['zh']}是{district['zh']}人民政府工作部门，负责{topic[0]}等工作。",
                        "en": f"The {unit['name']['en']} is a department of the {district['en']} "
                              f"People's Government, in charge of {topic[1]} among other work."}
    unit.pop("duties", None)
    return unit


def project(i: int, rng: random.Random, seeds, districts,
            same: tuple[str, int, int] | None = None) -> tuple[str, dict, str, str]:
    """Project number i + 1; `same` (district, year, topic), for the next year of a
    programme, instead of ones drawn at random."""
    data, _, _ = seeds[i % len(seeds)]
    data = copy.deepcopy(data)
    district = districts[rng.randrange(len(districts))]
    year = YEARS[rng.randrange(len(YEARS))]
    topic = TOPICS[rng.randrange(len(TOPICS))]
    if same:
        district = next(d for d in districts if d["slug"] == same[0])
        year, topic = same[1], TOPICS[same[2]]
    topic_zh, topic_en = topic[0], topic[1]
    data["district"], data["year"] = district["slug"], year
    data.pop("source", None)  # a sample has no official document of its own
    data["heading"] = {"zh": f"{year}年示例项目第{i + 1}号", "en": f"{year}: sample project No. {i + 1}"}
    data["name"] = {"zh": f"{topic_zh}专项资金（示例{i + 1}）",
                    "en": f"Special fund for {topic_en} (sample {i + 1})"}
    data["unit"] = _unit(data["unit"], district, topic, i % len(seeds))
    data["department"] = data["unit"]["name"]
    data["basis"] = _basis(district, topic, year, i)
    funding = data["funding"]
    budget = _amount(rng, 50_000, 20_000_000)
    funding["budget_year"] = float(budget)
    funding.pop("note", None)
    if "multi_year" in funding:
        funding["multi_year"] = {"start": year, "end": year + 2, "total": float(budget * 3)}
    if "previous_year" in funding:
        parts = [_amount(rng, 10_000, 5_000_000) for _ in range(2)]
        previous = funding["previous_year"]
        previous["year"] = year - 1
        previous["amount"] = float(sum(parts))
        for quoted in ("quote", "label", "section"):  # the seed's sentence has its own figures
            previous.pop(quoted, None)
        halves = ({"zh": "上半年支出", "en": "First half of the year"},
                  {"zh": "下半年支出", "en": "Second half of the year"})
        for component, part, label in zip(previous["components"], parts, halves):
            component["amount"], component["label"] = float(part), label
    does_zh, does_en = topic[3]
    data["targets"] = {
        "overall": {"start": year, "end": year + 2,
                    "text": {"zh": f"{year}至{year + 2}年在{district['zh']}{does_zh}。",
                             "en": f"From {year} to {year + 2}, {does_en} in {district['en']}."}},
        "budget_year": {"zh": f"{year}年{does_zh}，完成各项绩效指标。",
                        "en": f"In {year}, {does_en}, meeting every performance indicator."}}
    data["indicators"] = _indicators(rng, topic, rng.randint(5, 7))
    zh_md, en_md = _narratives(topic, district, year, budget, i + 1, data["unit"])
    slug = f"sample-{i + 1:05d}"
    return f"{district['slug']}/{year}/{slug}", data, zh_md, en_md


def _basis(district: dict, topic: tuple, year: int, i: int) -> dict:
    """The notice that approved the project, with a document number of its own."""
    short = district["zh"][0]
    number = f"{short}财预〔{year - 1}〕{i + 101}号"
    name = district["en"].split()[0]
    return {"zh": f"根据《{district['zh']}财政局关于下达{year}年{topic[0]}专项资金预算的通知》（{number}）",
            "en": f"Pursuant to the {district['en']} Finance Bureau's Notice on the {year} Budget of "
                  f"the Special Fund for {topic[1][0].upper() + topic[1][1:]} "
                  f"({name} Cai Yu [{year - 1}] No. {i + 101})"}


CONTINUED = 4  # every 4th project continues the one made before it, a year later


def continued(key: str, data: dict, earlier_key: str, earlier: dict) -> tuple[str, dict]:
    """`data` made the next year's project of `earlier`'s programme: same district,
    unit and name, `continues:` set, its targets those of last year, some raised."""
    year = earlier["year"] + 1
    data = {**data, "district": earlier["district"], "year": year, "name": earlier["name"],
            "unit": earlier["unit"], "department": earlier["department"],
            "continues": earlier_key}
    funding = data["funding"]
    if "multi_year" in funding:
        funding["multi_year"] = {**funding["multi_year"], "start": year, "end": year + 2}
    if "previous_year" in funding:
        funding["previous_year"]["year"] = year - 1
    data["targets"]["overall"].update({"start": year, "end": year + 2})
    data["targets"]["budget_year"] = earlier["targets"]["budget_year"]
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
        yaml.safe_load(sample_districts(districts_count))["districts"]
    rng = random.Random(n)
    earlier, topic = None, 0
    for i in range(n):
        follows = i % CONTINUED == 1 and earlier is not None and earlier[1]["year"] < YEARS[-1]
        same = (earlier[1]["district"], earlier[1]["year"] + 1, topic) if follows else None
        key, data, zh_md, en_md = project(i, rng, seeds, districts, same)
        topic = next(k for k, t in enumerate(TOPICS) if data["name"]["zh"].startswith(t[0]))
        if follows:
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
