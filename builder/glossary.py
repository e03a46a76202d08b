"""Controlled vocabulary, Chinese and English, from the project glossary.

Staff write keys (`level1: output`, `operator: ">="`); the program shows the
words. Adding a term means adding one line here.
"""

from __future__ import annotations

from .model import Text

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
    "人次": Text("人次", "person-times"),
    "万人次": Text("万人次", "10,000 person-times"),
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
    "年月": Text("年月", "year and month"),
    "月": Text("月", "months"),
    "日": Text("日", "days"),
    "天": Text("天", "days"),
    "分": Text("分", "points"),
    "元": Text("元", "CNY"),
    "万元": Text("万元", "CNY 10,000"),
    "亿元": Text("亿元", "CNY 100 million"),
    "元/人": Text("元/人", "CNY per person"),
}

CODE_LABELS: dict[str, Text] = {
    "usci": Text("统一社会信用代码", "Unified Social Credit Identifier"),
    "org": Text("组织机构代码", "Organization code"),
}


def level2_of(level1: str, level2: str) -> Text | None:
    return LEVEL2.get(level1, {}).get(level2)
