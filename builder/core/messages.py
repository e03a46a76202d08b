"""Problem messages in the language staff read: Chinese or English, chosen by `--lang`
or the terminal's locale (LC_ALL, LC_MESSAGES, LANG).

The rules word their messages in English where they find the problem; this module
says the usual ones in Chinese by their wording (a pattern per message, its parts
carried over), so that the codes, fields and places stay exactly as they are. A
message without a Chinese pattern is shown in English.
"""

from __future__ import annotations

import os
import re
from typing import Mapping

from builder.core import codes
from builder.core.errors import Problem

LANGS = ("zh", "en")

# What a value was, as schema.describe says it.
_WHAT = (
    (re.compile(r"nothing"), "空值"),
    (re.compile(r"yes/no \((?P<v>\w+)\)"), "是/否值（{v}）"),
    (re.compile(r"the number (?P<v>.+)"), "数字 {v}"),
    (re.compile(r"the text (?P<v>.+)"), "文字 {v}"),
    (re.compile(r"a list"), "列表"),
    (re.compile(r"a group of fields"), "一组字段"),
)
_FIX = r"(?:; write (?P<fix>.+))?"
# (pattern of the English message, its Chinese); {what} is said with _WHAT, {fix} after.
_ZH = (
    (r"this is not valid YAML: a colon and a space \(': '\) inside a value; put the whole "
     r"value in quotes, or start the next field on a new line",
     "YAML 格式有误：值里有“冒号加空格”（: ）；请把整个值用引号括起来，或把下一个字段另起一行"),
    (r"this is not valid YAML: a tab; indent with spaces only",
     "YAML 格式有误：有制表符（Tab）；缩进只能用空格"),
    (r"this is not valid YAML: a line that is neither 'field: value' nor '- item', or a quote "
     r"left open on an earlier line",
     "YAML 格式有误：这一行既不是“字段: 值”也不是“- 项目”，或前面某行的引号没有闭合"),
    (r"this is not valid YAML: a field indented differently from the ones beside it",
     "YAML 格式有误：这个字段的缩进与旁边的字段不一致"),
    (r"this is not valid YAML: a list item indented differently from the ones beside it",
     "YAML 格式有误：这个列表项的缩进与旁边的不一致"),
    (r"this is not valid YAML: a line indented differently from the ones beside it",
     "YAML 格式有误：这一行的缩进与旁边的行不一致"),
    (r"this is not valid YAML: a quote opened and never closed",
     "YAML 格式有误：引号没有闭合"),
    (r"this is not valid YAML: (?P<rest>.+)", "YAML 格式有误：{rest}"),
    (r"should be an amount in 元 \(a number such as 7968243\.98, without commas\), not "
     r"(?P<what>.+?)" + _FIX, "应为以元为单位的金额（如 7968243.98，不带逗号），而不是{what}"),
    (r"should be text(?P<hint>.*?), not (?P<what>.+)", "应为文字{hint}，而不是{what}"),
    (r"should be a whole number, not (?P<what>.+)", "应为整数，而不是{what}"),
    (r"should be a number, not (?P<what>.+)", "应为数字，而不是{what}"),
    (r"should be a text with zh: and en:, not (?P<what>.+)",
     "应为带 zh: 和 en: 的文字，而不是{what}"),
    (r"should be a list \(lines starting with '- '\), not (?P<what>.+)",
     "应为列表（每行以“- ”开头），而不是{what}"),
    (r"should be a group of fields, not (?P<what>.+)", "应为一组字段，而不是{what}"),
    (r"(?P<v>.+) is not one of: (?P<list>.+)", "{v} 不是可选值之一：{list}"),
    (r"(?P<v>.+) is not valid(?P<hint>.*)", "{v} 的格式不对{hint}"),
    (r"unknown field (?P<v>.+); expected one of: (?P<list>.+)",
     "未知字段 {v}；可用的字段：{list}"),
    (r"missing field (?P<v>'[^']*') \((?P<doc>.+)\)", "缺少字段 {v}（{doc}）"),
    (r"is still empty: fill in (?P<doc>.+)", "仍为空：请填写 {doc}"),
    (r"no English translation yet", "尚无英文译文"),
    (r"the indicator points add up to (?P<n>\S+), not 90 \(with 10 for the budget execution "
     r"rate\) or 100", "各指标分值合计为{n}，不是90（另10分为预算执行率）或100"),
    (r"the points are (?P<n>\S+), but the scoring rule states (?P<m>\S+) \((?P<q>.+)\); write "
     r"\S+, or correct the rule as the document gives it",
     "分值写的是{n}，但评分标准写明{m}分（{q}）；请写{m}，或按文件更正评分标准"),
    (r"the components add up to (?P<a>\S+) but the budget-year amount is (?P<b>\S+) "
     r"\(difference (?P<c>\S+)\)", "各组成部分合计{a}，但预算年度资金为{b}（相差{c}）"),
    (r"the components add up to (?P<a>\S+) but last year's spending is (?P<b>\S+) "
     r"\(difference (?P<c>\S+)\)", "各组成部分合计{a}，但上年实际支出为{b}（相差{c}）"),
    (r"(?P<v>\S+) has (?P<n>\d+) decimal places; an amount in (?P<u>\S+) has at most "
     r"(?P<m>\d+)(?P<rest>.*)", "{v} 有{n}位小数；以{u}为单位的金额最多{m}位小数"),
    (r"(?P<v>.+) is not a date of the calendar \(year-month-day\)",
     "{v} 不是日历上的日期（年-月-日）"),
    (r"there is no file (?P<v>.+) in the project folder; put the original document there, "
     r"as published, or delete this field",
     "项目文件夹里没有文件 {v}；请把官方发布的原始文件放进去，或删除这一项"),
    (r"district (?P<v>.+) is listed twice", "区县 {v} 列出了两次"),
    (r"the check character of (?P<kind>\S+) (?P<v>\S+) is wrong: it should end in "
     r"(?P<c>\S+); look for a mistyped character",
     "{v} 的校验码不对：最后一位应为 {c}；请检查是否有输错的字符"),
)
_ZH_PATTERNS = tuple((re.compile(pattern), zh) for pattern, zh in _ZH)


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """zh where the terminal's locale is Chinese (zh_CN.UTF-8 …), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "zh" if environ[name].lower().startswith("zh") else "en"
    return "en"


def message(text: str, lang: str) -> str:
    """A problem's message in `lang`; in English where no Chinese is known."""
    if lang != "zh":
        return text
    for pattern, zh in _ZH_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            parts = {k: v or "" for k, v in found.groupdict().items()}
            if "what" in parts:
                parts["what"] = _what(parts["what"])
            said = zh.format(**parts)
            return said + (f"；请写成 {parts['fix']}" if parts.get("fix") else "")
    return text


def _what(text: str) -> str:
    for pattern, zh in _WHAT:
        found = pattern.fullmatch(text)
        if found:
            return zh.format(**found.groupdict())
    return text


def line(problem: Problem, lang: str) -> str:
    """`path:line:col: field: message [code]`, the message in `lang`."""
    if lang != "zh":
        return str(problem)
    kind = "警告：" if problem.warning else ""
    return (f"{problem.path}:{problem.line}:{problem.col}: {problem.field}: {kind}"
            f"{message(problem.message, lang)} {codes.tag(problem.code)}")


def summary(errors: int, warnings: int, lang: str) -> str:
    """The last line of a failed build or check."""
    if lang == "zh":
        return f"budgetsite：{errors} 个错误，{warnings} 个警告；没有写入任何文件"
    return f"budgetsite: {errors} error(s), {warnings} warning(s); nothing was written"
