"""Controlled vocabulary, Chinese and English, from the project glossary.

Staff write keys (`level1: output`, `operator: ">="`); the program shows the
words. Adding a term means adding one line here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from builder.core.model import Text

# The weights of a complete indicator table add up to one of these: 100, or 90 when
# the remaining 10 points are for the budget execution rate (the table leaves it out).
EXPECTED_WEIGHTS = (Decimal(90), Decimal(100))
_PARTIAL, _WHOLE = EXPECTED_WEIGHTS
_EXECUTION = _WHOLE - _PARTIAL  # the points of the budget execution rate

# How a scoring rule states an indicator's points: its weight or full marks
# (本项分值权重为20分, 满分10分), else what meeting the target earns (…得20分; of several,
# the most, since the others are partial scores).
_POINTS_STATED = (re.compile(r"(?:权重|分值|满分)(?:为|是)?\s*(\d+(?:\.\d+)?)\s*分"),)
_POINTS_EARNED = re.compile(r"得\s*(\d+(?:\.\d+)?)\s*分")


def points_in_rule(rule: str) -> Decimal | None:
    """The points a scoring rule states, or None where it states none."""
    for pattern in _POINTS_STATED:
        found = pattern.search(rule)
        if found:
            return Decimal(found[1])
    earned = [Decimal(points) for points in _POINTS_EARNED.findall(rule)]
    return max(earned) if earned else None


LEVEL1: dict[str, Text] = {
    "output": Text("产出指标", "Output indicators"),
    "benefit": Text("效益指标", "Benefit indicators"),
    "satisfaction": Text("满意度指标", "Satisfaction indicators"),
    "cost": Text("成本指标", "Cost indicators"),
}

# Level-2 keys allowed under each level-1 key: the 2015 scheme (财预〔2015〕88号)
# keeps cost under output; the 2021 scheme (财预〔2021〕101号) makes cost a level 1.
LEVEL2: dict[str, dict[str, Text]] = {
    "output": {
        "quantity": Text("数量指标", "Quantity"),
        "quality": Text("质量指标", "Quality"),
        "timeliness": Text("时效指标", "Timeliness"),
        "cost": Text("成本指标", "Cost"),
    },
    "benefit": {
        "economic": Text("经济效益指标", "Economic benefit"),
        "social": Text("社会效益指标", "Social benefit"),
        "ecological": Text("生态效益指标", "Ecological benefit"),
        "sustainable": Text("可持续影响指标", "Sustainable impact"),
    },
    "satisfaction": {
        "recipient": Text("服务对象满意度指标", "Service-recipient satisfaction"),
    },
    "cost": {
        "economic-cost": Text("经济成本指标", "Economic cost"),
        "social-cost": Text("社会成本指标", "Social cost"),
        "eco-cost": Text("生态环境成本指标", "Eco-environmental cost"),
    },
}

# Comparators as staff type them; shown with the mathematical sign.
OPERATORS: dict[str, Text] = {
    "=": Text("=", "="),
    ">=": Text("≥", "≥"),
    "<=": Text("≤", "≤"),
    ">": Text(">", ">"),
    "<": Text("<", "<"),
}

# Words a screen reader says for each comparator.
OPERATOR_WORDS: dict[str, Text] = {
    "=": Text("等于", "equal to"),
    ">=": Text("大于等于", "at least"),
    "<=": Text("小于等于", "at most"),
    ">": Text("大于", "more than"),
    "<": Text("小于", "less than"),
}

INDICATOR_TYPES: dict[str, Text] = {
    "quantitative": Text("定量指标", "Quantitative"),
    "qualitative": Text("定性指标", "Qualitative"),
}

# Units of measure as written in the documents. An unknown unit is shown as
# written, marked as not yet translated.
UNITS: dict[str, Text] = {
    "%": Text("%", "%"),
    "‰": Text("‰", "‰"),
    "人": Text("人", "persons"),
    # 人次 counts each time someone was served, the same person again each time: in
    # plain English, cases (救助人次: assistance cases), not the jargon "person-times".
    "人次": Text("人次", "cases"),
    "万人次": Text("万人次", "10,000 cases"),
    "户": Text("户", "households"),
    "个": Text("个", "items"),
    "项": Text("项", "items"),
    "次": Text("次", "times"),
    "家": Text("家", "organizations"),
    "所": Text("所", "institutions"),
    "份": Text("份", "copies"),
    "件": Text("件", "cases"),
    "批": Text("批", "batches"),
    "套": Text("套", "sets"),
    "台": Text("台", "units"),
    "辆": Text("辆", "vehicles"),
    "公里": Text("公里", "km"),
    "平方米": Text("平方米", "m²"),
    "亩": Text("亩", "mu"),
    "年": Text("年", "year"),
    "年月": Text("年月", "month"),
    "月": Text("月", "months"),
    "日": Text("日", "days"),
    "天": Text("天", "days"),
    "分": Text("分", "points"),
    "元": Text("元", "CNY"),
    # Units of an amount: "550 | units of CNY 10,000" cannot be misread as CNY 550.
    "万元": Text("万元", "units of CNY 10,000"),
    "亿元": Text("亿元", "units of CNY 100 million"),
    "元/人": Text("元/人", "CNY per person"),
}

CODE_LABELS: dict[str, Text] = {
    "usci": Text("统一社会信用代码", "Unified Social Credit Identifier"),
    "org": Text("组织机构代码", "Organization code"),
}


def level2_of(level1: str, level2: str) -> Text | None:
    return LEVEL2.get(level1, {}).get(level2)


# The terms readers meet on the pages, explained on the glossary page
# (/<lang>/glossary/#<key>); tables link to them by key.
TERMS: tuple[tuple[str, Text, Text], ...] = (
    ("budget-year", Text("预算年度", "Budget year"),
     Text("财政资金安排的年度，自公历1月1日起至12月31日止。本站的合计只加总同一预算年度的资金。",
          "The year a budget is for, from 1 January to 31 December. Totals on this site "
          "only ever add up amounts of one budget year.")),
    ("yuan", Text("元、万元、亿元", "Yuan, 10,000 yuan (wan), 100 million yuan (yi)"),
     Text("人民币金额单位。1万元=10,000元，1亿元=100,000,000元。公开文件的表格多以元为单位，正文常用万元。本站按文件所写的单位显示金额，不擅自换算。",
          "Units of the Chinese currency (CNY). 1 wan yuan is CNY 10,000; 1 yi yuan is "
          "CNY 100 million. Tables in the documents give amounts in yuan, the text often "
          "in wan yuan. The site shows an amount in the unit the document used.")),
    ("performance-target", Text("绩效目标", "Performance target"),
     Text("项目在预算年度内计划达到的产出和效果，由总体目标、年度目标和绩效指标组成，用于事后评价资金使用情况。",
          "What a project plans to achieve with its money: an overall objective, a "
          "budget-year target and the performance indicators against which it is "
          "assessed afterwards.")),
    ("level1", Text("一级指标", "Level-1 indicator"),
     Text("绩效指标的大类：产出指标、效益指标、满意度指标（2021年起另有成本指标）。",
          "The broad kind of a performance indicator: output, benefit or satisfaction "
          "(and, in the scheme used since 2021, cost).")),
    ("level2", Text("二级指标", "Level-2 indicator"),
     Text("一级指标下的小类，如数量、质量、时效、社会效益、服务对象满意度。",
          "A group within a level-1 indicator, such as quantity, quality, timeliness, "
          "social benefit or service-recipient satisfaction.")),
    ("level3", Text("三级指标", "Indicator (level 3)"),
     Text("具体的考核指标，每行一个，写明指标值、度量单位、分值和评（扣）分标准。",
          "One measurable indicator, one row of the table, with its target value, unit "
          "of measure, points and scoring rule.")),
    ("quantitative", Text("定量指标", "Quantitative indicator"),
     Text("用数值衡量的指标，如人次、金额、百分比。",
          "An indicator measured by a number: a count, an amount, a percentage.")),
    ("qualitative", Text("定性指标", "Qualitative indicator"),
     Text("用描述或判断衡量的指标，如是否按时完成、满意程度。",
          "An indicator judged rather than counted: whether something was done on time, "
          "how satisfied people are.")),
    ("comparator", Text("指标性质", "Comparator"),
     Text("实际值与指标值比较的方式：=（等于）、≥（大于等于）、≤（小于等于）等。",
          "How the result is compared with the target value: = (equal to), ≥ (at "
          "least), ≤ (at most) and so on.")),
    ("points", Text("分值、评（扣）分标准", "Points and scoring (deduction) rule"),
     Text("每个指标在绩效评价中所占的分数，以及未达到指标值时如何扣分。一张完整的绩效目标表，"
          f"各指标分值合计{_PARTIAL}分（另{_EXECUTION}分为预算执行率）或{_WHOLE}分。",
          "The points an indicator carries in the performance evaluation, and how points "
          "are deducted when the target is missed. The indicators of a complete table carry "
          f"{_PARTIAL} points (the other {_EXECUTION} are for the budget execution rate) or "
          f"{_WHOLE}.")),
    ("execution-rate", Text("预算执行率", "Budget execution rate"),
     Text("实际支出占预算的比例。",
          "The share of the budget actually spent.")),
    ("source-of-funds", Text("经费来源、本级财政预算", "Source of funds, budget of this level of government"),
     Text("项目资金从哪里来。“本级财政预算”指本区（县、市）政府的预算，而非上级补助。",
          "Where a project's money comes from. \"Budget of this level of government\" "
          "means the district's own budget, not transfers from the city, province or "
          "central government.")),
    ("unit-code", Text("统一社会信用代码、组织机构代码", "Unified Social Credit Identifier, organization code"),
     Text("识别实施单位的代码：18位统一社会信用代码（GB 32100-2015）或9位组织机构代码（GB 11714），末位为校验码。",
          "The code that identifies an implementing unit: an 18-character Unified Social "
          "Credit Identifier (GB 32100-2015) or a 9-character organization code "
          "(GB 11714), each ending in a check character.")),
)
