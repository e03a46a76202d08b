"""Problem messages in the language staff read: Chinese or English, chosen by `--lang`
or the terminal's locale (LC_ALL, LC_MESSAGES, LANG).

The rules word their messages in English where they find the problem; this module
says each of them in Chinese, by its code and its wording: a pattern per message, whose
parts (values, field names, amounts, file names) are carried over as they are, so that
the codes, fields and places stay exactly the same in both languages. Parts that are
words themselves (what a value was, a field's description, the form a value should
have, a YAML slip, an invisible character) are said in Chinese too. Every message the
package can print has its Chinese here (tests/test_messages_zh.py checks it); one that
has none is shown in English rather than not at all.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Mapping

from builder.core import codes
from builder.core.errors import Problem

LANGS = ("zh", "en")

# What a value was, as schema.describe says it.
_WHAT = (
    (r"nothing", "空值"),
    (r"yes/no \((?P<v>\w+)\)", "是/否值（{v}）"),
    (r"the number (?P<v>.+)", "数字 {v}"),
    (r"the text (?P<v>.+)", "文字 {v}"),
    (r"a list", "列表"),
    (r"a group of fields", "一组字段"),
)
# The form a value should have (schema's hints), by its English.
HINTS = {
    "an 18-character USCI or a 9-character organization code, capital letters":
        "18位统一社会信用代码或9位组织机构代码，字母大写",
    "a date such as 2025-01-20": "日期，如 2025-01-20",
    "a file name in the project folder such as original.pdf":
        "项目文件夹中的文件名，如 original.pdf",
    "a web address": "网址",
    "a district key such as wuhua": "区县的键，如 wuhua",
    "put the number in quotes": "请把号码加上英文引号",
    "district/year/slug of last year's project": "上年项目的 区县/年度/项目简称",
    "lowercase letters, digits and hyphens": "只能用小写字母、数字和连字符",
    "six digits, GB/T 2260": "六位数字的 GB/T 2260 代码",
    "such as / or /budget/: letters, digits, . _ ~ -, no . or .. folders":
        "如 / 或 /budget/：只能用字母、数字和 . _ ~ -，不能有 . 或 .. 这样的文件夹",
    "such as https://example.org": "如 https://example.org",
    "an e-mail address such as budget@example.org, or an https:// address":
        "电子邮件地址（如 budget@example.org）或 https:// 网址",
}
# Field descriptions that are not a field's own (schema.Field.zh says the others).
_DOCS = {
    "中文": "中文",
    "English": "英文",
    "the figure as written": "文件所写的数字",
    "元, 万元 or 亿元": "单位：元、万元或亿元",
}
# PyYAML's slips, as load.YAML_SLIPS says them, in Chinese.
_SLIPS = (
    (r"a colon and a space \(': '\) inside a value; put the whole value in quotes, or start "
     r"the next field on a new line",
     "值里有“冒号加空格”（: ）；请把整个值用引号括起来，或把下一个字段另起一行"),
    (r"a tab; indent with spaces only", "有制表符（Tab）；缩进只能用空格"),
    (r"a line that is neither 'field: value' nor '- item', or a quote left open on an "
     r"earlier line", "这一行既不是“字段: 值”也不是“- 项目”，或前面某行的引号没有闭合"),
    (r"a field indented differently from the ones beside it", "这个字段的缩进与旁边的字段不一致"),
    (r"a list item indented differently from the ones beside it", "这个列表项的缩进与旁边的不一致"),
    (r"a line indented differently from the ones beside it", "这一行的缩进与旁边的行不一致"),
    (r"a quote opened and never closed", "引号没有闭合"),
    (r"the same '&' anchor twice", "同一个“&”锚点出现了两次"),
    (r"the character U\+(?P<c>[0-9A-F]+) is not allowed", "不允许使用字符 U+{c}；请删除"),
    (r"the file cannot be read", "文件无法按 YAML 读取"),
    (r"(?P<raw>.+)", "这里无法按 YAML 读取（PyYAML 的原话：“{raw}”）"),
)
# What kind of invisible character, as characters.describe says it.
_INVISIBLE_KINDS = {
    "a bidirectional embedding or override, which reverses the text after it":
        "双向嵌入或覆盖字符，会把其后的文字倒过来显示",
    "a bidirectional isolate, which reorders the text after it": "双向隔离字符，会打乱其后文字的顺序",
    "an invisible direction mark": "不可见的方向标记",
    "a zero-width character, which makes equal-looking texts differ":
        "零宽字符，会使看起来相同的文字实际不同",
    "an invisible joiner or operator": "不可见的连接符或运算符",
    "a soft hyphen, shown only where a line breaks": "软连字符，只在换行处显示",
    "a zero-width no-break space (a byte order mark inside the text)":
        "零宽不换行空格（文字中间的字节顺序标记）",
    "an invisible character that changes how the text is shown": "会改变文字显示方式的不可见字符",
}
# The operating system's words for why a file cannot be read.
_OS_ERRORS = {
    "Permission denied": "没有读取权限；请让当前用户可以读取这个文件",
    "Is a directory": "这是一个文件夹",
    "No such file or directory": "文件不存在",
    "Input/output error": "读写出错（磁盘可能有问题）",
}
# Why a link of the built site leads nowhere (outputs.links).
_LINK_REASONS = (
    (r"there is no (?P<v>\S+) in the site \(add the trailing /\)",
     "网站中没有 {v}（请在链接末尾加上 /）"),
    (r"there is no (?P<v>\S+) in the site", "网站中没有 {v}"),
    (r"(?P<v>\S+) has no element with id=\"(?P<a>.*)\"", "{v} 中没有 id=\"{a}\" 的元素"),
    (r"outside the site's base path (?P<v>\S+)", "在网站的基础路径 {v} 之外"),
)
_FIELD_WORDS = {"district": "区县名", "slug": "项目简称", "name": "名称", "scoring": "评（扣）分标准",
                "source": "指标值设定依据及数据来源", "USCI": "统一社会信用代码",
                "organization code": "组织机构代码", "this level 1": "这个一级指标"}

_FIX = r"(?:; write (?P<fix>.+))?"
_QUOTE = r"(?P<quote>; if it is meant as text, put it in quotes)?"
_HINT = r"(?: \((?P<hint>[^()]+)\))?"

# Each code's messages: (the English as the code words it, as a pattern; its Chinese).
# The named parts are carried over; those named in _PARTS are said in Chinese first.
_ZH: dict[str, tuple[tuple[str, str], ...]] = {
    "file.missing": ((r"this file is missing", "缺少这个文件；请新建（budgetsite new 会生成项目的文件）"),),
    "file.empty": ((r"the file is empty", "文件是空的；请填写内容，或删除这个项目文件夹"),),
    "file.encoding": ((r"the file is not valid UTF-8 text; save it as UTF-8",
                       "文件不是 UTF-8 编码的文本；请用 UTF-8 编码重新保存"),),
    "file.character": (
        (r"the character U\+(?P<c>[0-9A-F]+) is a control or separator character that does "
         r"not belong in text; delete it", "字符 U+{c} 是控制符或分隔符，不应出现在文字中；请删除"),
        (r"the text holds the character U\+(?P<c>[0-9A-F]+), a control or separator character "
         r"that does not belong in text", "文字中有字符 U+{c}，这是控制符或分隔符，不应出现在文字中；请删除"),
    ),
    "file.invisible": (
        (r"the text holds the invisible character (?P<char>.+); delete it \(retype the text "
         r"around it if it was copied\)",
         "文字中有不可见字符 {char}；请删除（如果文字是复制来的，请把它前后的文字重新输入）"),
        (r"the text holds the invisible character (?P<char>.+); delete it",
         "文字中有不可见字符 {char}；请删除"),
    ),
    "file.symlink": ((r"symbolic links are not allowed in a site's sources; copy the file "
                      r"here instead", "网站的源文件中不允许使用符号链接；请把文件本身复制到这里"),),
    "file.not-regular": ((r"this is not a regular file \(but a folder, a device, a pipe or a "
                          r"socket\); only files are read",
                          "这不是普通文件（而是文件夹、设备、管道或套接字）；只能读取文件"),),
    "file.unreadable": ((r"the file cannot be read: (?P<oserror>.+)", "无法读取文件：{oserror}"),),
    "file.too-large": ((r"the file is larger than (?P<n>\S+) bytes, the most a source file may "
                        r"have; split it", "文件超过 {n} 字节，这是源文件的上限；请删去误粘贴的内容，或把文字拆分"),),
    "yaml.syntax": ((r"this is not valid YAML: (?P<slip>.+)", "YAML 格式有误：{slip}"),),
    "yaml.anchor": ((r"YAML anchors and aliases \(& and \*\) are not allowed; write the value out",
                     "不允许使用 YAML 锚点和别名（& 和 *）；请把值完整写出来"),),
    "yaml.depth": ((r"nested more than (?P<n>\d+) levels deep",
                    "嵌套超过 {n} 层；多半是粘贴出了错，请对照 budgetsite new 生成的模板检查"),),
    "yaml.key": (
        (r"field names must be plain words", "字段名只能是简单的词；请照内容模型写字段名"),
        (r"a field name of (?P<n>\S+) characters; field names are short words",
         "字段名长达 {n} 个字符；字段名应是简短的词"),
    ),
    "yaml.duplicate-key": ((r"this field is given twice", "这个字段写了两次；请删去一个"),),
    "yaml.tag": ((r"the YAML tag (?P<v>\S+) is not allowed",
                  "不允许使用 YAML 标签 {v}；只写普通的文字、数字和列表"),),
    "yaml.number": (
        (r"(?P<v>.+)… is too long to be a number", "{v}… 太长，不能作为数字"),
        (r"(?P<v>.+) is not a plain decimal number; write digits with at most one decimal "
         r"point, such as 7968243\.98" + _QUOTE,
         "{v} 不是普通的十进制数；请只写数字，最多一个小数点，如 7968243.98{quote}"),
        (r"(?P<v>.+): underscores are not allowed in numbers; write (?P<w>\S+) without them",
         "{v}：数字中不能有下划线；请写成 {w}"),
        (r"(?P<v>.+) would be read as a base-60 number \((?P<n>.+)\)" + _QUOTE +
         r" \((?P<w>'.*')\)", "{v} 会被读成六十进制数（{n}）{quote}（{w}）"),
        (r"(?P<v>.+) is a hexadecimal, octal or binary number; write it in decimal digits",
         "{v} 是十六进制、八进制或二进制数；请用十进制数字书写"),
        (r"(?P<v>.+) starts with 0, which YAML may read as an octal number; write it without "
         r"the leading zero" + _QUOTE, "{v} 以 0 开头，YAML 可能把它读成八进制数；请去掉开头的 0{quote}"),
        (r"(?P<v>.+) is not a number", "{v} 不是数字"),
        (r"(?P<v>.+) is not a usable number", "{v} 不是可用的数字"),
        (r"(?P<v>.+) is out of range: numbers may have at most (?P<a>\d+) digits before the "
         r"decimal point and (?P<b>\d+) after it",
         "{v} 超出范围：数字的整数部分最多 {a} 位，小数部分最多 {b} 位"),
    ),
    "schema.type": (
        (r"should be an amount in 元 \(a number such as 7968243\.98, without commas\), not "
         r"(?P<what>.+?)" + _FIX, "应为以元为单位的金额（如 7968243.98，不带逗号），而不是{what}"),
        (r"should be text" + _HINT + r", not (?P<what>.+?)(?P<quotes> \(put it in quotes\))?",
         "应为文字{hint}，而不是{what}{quotes}"),
        (r"should be a whole number, not (?P<what>.+)", "应为整数，而不是{what}"),
        (r"should be a number, not (?P<what>.+)", "应为数字，而不是{what}"),
        (r"should be a text with zh: and en:, not (?P<what>.+)",
         "应为带 zh: 和 en: 的文字，而不是{what}"),
        (r"should be a list \(lines starting with '- '\), not (?P<what>.+)",
         "应为列表（每行以“- ”开头），而不是{what}"),
        (r"should be a group of fields, not (?P<what>.+)", "应为一组字段，而不是{what}"),
    ),
    "schema.choice": ((r"(?P<v>.+) is not one of: (?P<list>.+)", "{v} 不是可选的值；可选：{list}"),),
    "schema.pattern": ((r"(?P<v>.+) is not valid" + _HINT, "{v} 的格式不对{hint}"),),
    "schema.too-long": (
        (r"is (?P<n>\S+) characters long; at most (?P<m>\S+) allowed",
         "长达 {n} 个字符；最多 {m} 个。多半是粘贴出了错，请删去不属于这里的内容"),
        (r"has (?P<n>\d+) entries; at most (?P<m>\d+) allowed", "有 {n} 项；最多 {m} 项"),
    ),
    "schema.range": (
        (r"(?P<v>.+) is out of range \((?P<a>\d+)–(?P<b>\d+)\)", "{v} 超出范围（{a}–{b}）"),
        (r"(?P<v>.+) is negative", "{v} 是负数；请对照文件核对"),
        (r"(?P<v>.+) is a negative zero, which would be shown with its minus sign; write 0",
         "{v} 是带负号的零，页面上会显示负号；请写 0"),
        (r"(?P<v>.+) is too large: at most (?P<m>\S+) allowed", "{v} 太大：最大为 {m}；请对照文件核对"),
    ),
    "schema.decimals": ((r"(?P<v>\S+) has (?P<n>\d+) decimal places; an amount in (?P<u>\S+) "
                         r"has at most (?P<m>\d+) \(to the fen\); write it as the document does",
                         "{v} 有 {n} 位小数；以{u}为单位的金额最多 {m} 位小数（精确到分）；请照文件原样填写"),),
    "schema.unknown-field": ((r"unknown field (?P<v>.+); expected one of: (?P<list>.+)",
                              "未知字段 {v}；这里可用的字段：{list}。请改正字段名或它的缩进"),),
    "schema.required": ((r"missing field (?P<v>'[^']*') \((?P<doc>.*)\)", "缺少字段 {v}（{doc}）"),
                        (r"missing: write the budget-year amount the document states or, where "
                         r"it states only its parts, list them under funding.components \(the "
                         r"site shows their sum, marked as worked out by it\)",
                         "缺少预算年度资金：请填写文件写明的金额；文件只列分项、未写合计时，把各分项填在 "
                         "funding.components 下（网站显示其合计，并注明为本站计算）"),),
    "schema.empty": (
        (r"is still empty: fill in (?P<doc>.+), or delete the field", "仍为空：请填写{doc}，或删除这个字段"),
        (r"is still empty: fill in (?P<doc>.+)", "仍为空：请填写{doc}"),
    ),
    "folder.name": ((r"the folder name (?P<v>.+) is not a safe (?P<word>\w+): use lowercase "
                     r"letters, digits and single hyphens \(no spaces, dots or slashes\)",
                     "文件夹名 {v} 不能用作{word}：只能用小写字母、数字和单个连字符（不能有空格、点或斜杠）"),),
    "folder.year": ((r"the year (?P<v>\S+) does not match the folder (?P<f>\S+); move the "
                     r"folder or fix the year", "年度 {v} 与文件夹 {f} 不一致；请移动文件夹或改正年度"),),
    "folder.district": ((r"the district (?P<v>.+) does not match the folder (?P<f>\S+)",
                         "区县 {v} 与文件夹 {f} 不一致；请改正其中错的一个"),),
    "folder.stray": ((r"not in a project folder: projects live in "
                      r"content/projects/<district>/<year>/<slug>/",
                      "不在项目文件夹中：项目应放在 content/projects/<区县>/<年度>/<项目简称>/ 下；"
                      "请移进项目文件夹，或删除"),),
    "district.unknown": ((r"unknown district (?P<v>.+); known districts: none",
                          "未知区县 {v}；districts.yaml 中还没有登记任何区县"),
                         (r"unknown district (?P<v>.+); known districts: (?P<list>.+)",
                          "未知区县 {v}；已登记的区县：{list}"),),
    "district.duplicate": ((r"district (?P<v>.+) is listed twice", "区县 {v} 列出了两次；请删去一个"),),
    "district.reserved": ((r"(?P<v>.+) cannot be a district slug: the site's own pages use "
                           r"(?P<p>\S+); choose another \(the names taken: (?P<list>.+)\)",
                           "{v} 不能用作区县的键：网站自己的页面已使用 {p}；请另选一个（已占用的名称：{list}）"),),
    "unit.code-check": (
        (r"(?P<v>.+) contains characters an? (?P<word>USCI|organization code) cannot have",
         "{v} 含有{word}中不可能出现的字符；请对照文件逐字核对"),
        (r"the check character of (?P<word>USCI|organization code) (?P<v>\S+) is wrong: it "
         r"should end in (?P<c>\S+); look for a mistyped character",
         "{word} {v} 的校验码不对：最后一位应为 {c}；请检查是否有输错的字符"),
    ),
    "unit.code-area": ((r"this USCI was registered in area (?P<a>\S+), not in (?P<d>.+) "
                        r"\((?P<c>\S+)\); check the code and the district",
                        "这个统一社会信用代码登记在行政区划 {a}，而不是{d}（{c}）；请核对代码和区县"),),
    "funding.sum": (
        (r"the components add up to (?P<a>\S+) but the budget-year amount is (?P<b>\S+) "
         r"\(difference (?P<c>\S+)\)", "各组成部分合计{a}，但预算年度资金为{b}（相差{c}）；请对照文件逐项核对"),
        (r"the components add up to (?P<a>\S+) but last year's spending is (?P<b>\S+) "
         r"\(difference (?P<c>\S+)\)", "各组成部分合计{a}，但上年实际支出为{b}（相差{c}）；请对照文件逐项核对"),
    ),
    "funding.previous-year": ((r"last year's spending must be for a year before (?P<v>\d+)",
                               "上年实际支出的年度必须早于 {v} 年；请改正 previous_year.year"),),
    "funding.period": ((r"the period (?P<a>\d+)–(?P<b>\d+) does not include the budget year "
                        r"(?P<y>\d+)", "期间 {a}–{b} 年不包括预算年度 {y} 年；请核对 multi_year 的 start 和 end"),),
    "funding.total": ((r"the multi-year total is smaller than the budget-year amount",
                       "跨年度总额小于预算年度资金；这两个金额可能填反了"),),
    "indicator.duplicate-id": ((r"the id (?P<v>.+) is used by another indicator",
                                "标识 {v} 已被另一项指标使用；请给每项指标不同的标识"),),
    "indicator.level2": ((r"(?P<v>.+) is not a level-2 indicator under (?P<l>\S+) \((?P<zh>\S+)\); "
                          r"use one of: (?P<list>.+)", "{v} 不是{zh}（{l}）下的二级指标；可选：{list}"),),
    "indicator.unit": ((r"the unit (?P<v>.+) has no English name yet; it is shown in Chinese",
                        "度量单位 {v} 还没有英文名称，英文页面上显示中文；可以请维护者把它加进术语表"),),
    "indicator.weights": ((r"the indicator points add up to (?P<n>\S+), not 90 \(with 10 for the "
                           r"budget execution rate\) or 100",
                           "各指标分值合计为{n}，既不是90（另10分为预算执行率）也不是100；请对照评分标准逐项核对分值"),),
    "indicators.none": ((r"no performance indicators and no targets\.table_note: the page says the "
                         r"document does not include its performance target table; copy the table "
                         r"in, or write the document's sentence on where it is",
                         "没有绩效指标，也没有 targets.table_note：页面会说明文件未包含项目绩效目标表；"
                         "请把表格录入，或把文件中说明绩效目标表出处的原句写进 targets.table_note"),),
    "indicator.points-rule": ((r"the points are (?P<n>\S+), but the scoring rule states (?P<m>\S+) "
                               r"\((?P<q>.+)\); write \S+, or correct the rule as the document gives it",
                               "分值写的是{n}，但评分标准写明{m}分（{q}）；请写{m}，或按文件更正评分标准"),),
    "target.period-order": ((r"the period ends before it starts",
                             "期间的结束年份早于起始年份；请核对 targets.overall 的 start 和 end"),),
    "target.period": ((r"the period (?P<a>\d+)–(?P<b>\d+) does not include the budget year "
                       r"(?P<y>\d+)", "期间 {a}–{b} 年不包括预算年度 {y} 年；请对照文件核对期间"),),
    "date.invalid": ((r"(?P<v>.+) is not a date of the calendar \(year-month-day\)",
                      "{v} 不是日历上的日期；请按 年-月-日 填写"),),
    "original.missing": ((r"there is no file (?P<v>.+) in the project folder; put the original "
                          r"document there, as published, or delete this field",
                          "项目文件夹里没有文件 {v}；请把官方发布的原始文件放进去，或删除这一项"),),
    "original.too-large": ((r"(?P<v>.+) is larger than (?P<n>\S+) bytes, the most an original may "
                            r"have; give its official url instead",
                            "{v} 超过 {n} 字节，这是原始文件的上限；请改为填写官方网址（url）"),),
    "source.dates": ((r"the document was retrieved before it was published; check the two dates",
                      "文件的获取日期早于发布日期；请核对这两个日期"),),
    "narrative.orphan-text": ((r"text before the first '## Heading \{#id\}' line; every paragraph "
                               r"must belong to a section",
                               "第一个“## 标题 {{#id}}”行之前有文字；每段文字都必须放在某个标题下"),),
    "narrative.no-sections": ((r"no '## Heading \{#id\}' sections",
                               "没有“## 标题 {{#id}}”格式的部分；请从 budgetsite new 生成的模板开始写"),),
    "narrative.limit": (
        (r"the file holds (?P<n>\S+) '\[' and '<' characters; at most (?P<m>\S+) are allowed",
         "文件中有 {n} 个“[”和“<”字符，最多允许 {m} 个；多半是粘贴出了错，请删去不属于这里的内容"),
        (r"this line is indented or nested more than (?P<n>\d+) characters deep",
         "这一行的缩进或嵌套超过 {n} 个字符；多半是粘贴出了错"),
    ),
    "narrative.heading": (
        (r"this heading has no title", "这个标题没有文字；请照模板写，如“## 项目实施计划 {{#plan}}”"),
        (r"heading (?P<v>.+) needs an id, such as (?P<e>'## .*')",
         "标题 {v} 缺少标识，应写成 {e}"),
        (r"section id (?P<v>.+) may only use lowercase letters, digits and hyphens",
         "部分标识 {v} 只能用小写字母、数字和连字符"),
    ),
    "narrative.duplicate-id": ((r"section id (?P<v>.+) is used twice",
                                "部分标识 {v} 用了两次；请改正 {{# 后面的标识"),),
    "narrative.mismatch": ((r"the section ids \((?P<a>.*)\) differ from zh\.md \((?P<b>.*)\); both "
                            r"languages need the same sections in the same order",
                            "各部分的标识（{a}）与 zh.md（{b}）不同；两种语言须有相同的部分，顺序和标识也相同"),),
    "narrative.missing-section": ((r"missing the section\(s\) (?P<list>.+)",
                                   "缺少部分：{list}；即使文件写得很少，也请加上"),),
    "narrative.empty-section": ((r"the section (?P<v>\{#\S+\}) is still empty: write its text "
                                 r"under the heading", "部分 {v} 仍为空：请在标题下写上内容"),),
    "translation.missing": ((r"no English translation yet", "尚无英文译文（请翻译人员补上）"),),
    "translation.narrative": ((r"no English narrative yet: the English page shows the Chinese",
                               "尚无英文说明（en.md）：英文页面显示中文"),),
    "project.duplicate": ((r"the same project name and year as (?P<v>\S+); is this a duplicate\?",
                           "与 {v} 的项目名称和年度相同；是否重复了？多半是复制的文件夹，请删去一个，或改正项目名称"),),
    "continues.unknown": ((r"there is no project (?P<v>.+); write last year's project as "
                           r"district/year/slug, the path of its folder under content/projects/",
                           "没有项目 {v}；请按 区县/年度/项目简称 填写上年项目，即它在 content/projects/ 下的文件夹路径"),),
    "continues.year": ((r"(?P<v>\S+) is of (?P<y>\d+), not of a year before (?P<z>\d+); a project "
                        r"continues an earlier year's project",
                        "{v} 是 {y} 年的项目，不早于 {z} 年；一个项目只能延续更早年度的项目"),),
    "continues.taken": ((r"(?P<a>\S+) already continues (?P<b>\S+); a project is continued by one "
                         r"project of the next year only",
                         "{a} 已经延续了 {b}；一个项目只能由下一年度的一个项目延续"),),
    "continues.unit": ((r"(?P<v>\S+) is of another implementing unit \((?P<a>\S+), not (?P<b>\S+)\); "
                        r"check the link", "{v} 属于另一个项目实施单位（{a}，而不是 {b}）；请核对 continues"),),
    "programme.total": ((r"the programme's amounts for (?P<a>\d+)–(?P<b>\d+) add up to (?P<s>\S+) "
                         r"\((?P<years>.+)\), more than the total of (?P<t>\S+) that (?P<k>\S+) "
                         r"states for those years; check the amounts and the total against the "
                         r"documents",
                         "这一系列项目 {a}–{b} 年的金额合计{s}（{years}），超过 {k} 为这几年写明的总额{t}；"
                         "请对照文件核对各年金额和总额"),),
    "site.placeholder": (
        (r"(?P<v>\S+) is a placeholder, not a GB/T 2260 code; write the division's six-digit code",
         "{v} 是占位内容，不是 GB/T 2260 代码；请填写该行政区划的六位代码"),
        (r"(?P<v>\S+) is the example address; write the address the site is published at",
         "{v} 是示例网址；请填写网站发布的网址"),
        (r"(?P<v>.+) is a placeholder to replace with your own words", "{v} 是占位内容；请换成你们自己的文字"),
    ),
    "link.broken": ((r"(?P<v>.*?): (?P<reason>(?:there is no|outside the site's) .+|\S+ has no "
                     r"element with .+)", "{v}：{reason}；请改正生成这个链接的文字或模板"),),
    "template.syntax": ((r"(?P<raw>.+)", "模板有语法错误（Jinja 的原话：“{raw}”）；请改正 site_templates/ 中的模板"),),
    "template.error": ((r"(?P<raw>.+)", "页面生成时模板出错（Jinja 的原话：“{raw}”）；"
                                       "请按原话找到模板中出错的地方并改正"),),
    "import.missing": (
        (r"no “(?P<v>.+)” section found; zh\.md leaves it empty", "没有找到“{v}”部分；zh.md 中这一部分留空"),
        (r"no title line with a year \(such as 2025年预算重点领域财政项目\) before 项目名称",
         "项目名称之前没有带年度的标题行（如“2025年预算重点领域财政项目”）"),
        (r"no disclosing body above the title line", "标题行上方没有公开单位"),
        (r"no text under “(?P<v>.+)”", "“{v}”下面没有文字"),
        (r"not found in the unit card", "单位信息中没有这一项"),
        (r"no amount for (?P<y>\d+)年 found under 资金安排情况", "资金安排情况中没有找到{y}年的金额"),
        (r"总体目标 has no period \(such as 2025年-2027年\)", "总体目标没有写期间（如 2025年-2027年）"),
        (r"no 总体目标 found", "没有找到总体目标"),
        (r"no 预算年度目标 found", "没有找到预算年度目标"),
        (r"the row (?P<v>.+) has no (?P<word>name|scoring|source)", "{v} 这一行没有{word}"),
        (r"the scoring rule states no points \(such as 本项分值权重为20分 or 得10分\); fill in weight",
         "评（扣）分标准中没有写明分值（如“本项分值权重为20分”或“得10分”）；请手工填写 weight"),
        (r"no “(?P<v>.+)” section", "没有“{v}”部分"),
        (r"the cover names no 预算主管部门", "封面没有写明预算主管部门"),
        (r"the page is titled only “(?P<t>.+)” and its first sentence names no project; give "
         r"the name with --name", "页面标题只有“{t}”，第一句也没有写出项目名称；请用 --name 给出项目名称"),
    ),
    "import.unplaced": (
        (r"not placed: (?P<v>.+) \(expected “label：value”, e\.g\. 单位名称：…\)",
         "未能归入任何字段：{v}（应为“标签：内容”，如“单位名称：…”）"),
        (r"not placed: (?P<v>.+) \(the unit is the first line of 实施主体\)",
         "未能归入任何字段：{v}（实施单位取“实施主体”的第一行）"),
        (r"not placed: (?P<v>.+)", "未能归入任何字段：{v}"),
        (r"given twice; kept the first: (?P<v>.+)", "出现了两次；保留了第一个：{v}"),
        (r"the amount (?P<v>\S+) was not placed \(no budget year or period next to it\); it "
         r"stays in the text", "金额 {v} 未能归入字段（旁边没有预算年度或期间）；它仍保留在说明文字中"),
        (r"the amount (?P<v>\S+) has no label before it; not placed",
         "金额 {v} 前面没有写明用途；未归入字段"),
        (r"could not read this row of the table \(expected level, name, comparator, value, "
         r"unit, type, …\)", "无法读取表格的这一行（应依次为指标级别、名称、指标性质、指标值、度量单位、指标属性……）"),
        (r"an extra cell was not placed: (?P<v>.+)", "多出的单元格未能归入字段：{v}"),
    ),
    "import.vocabulary": (
        (r"(?P<v>.+) is not a level-1 indicator \(产出指标, 效益指标, 满意度指标 or 成本指标\)",
         "{v} 不是一级指标（产出指标、效益指标、满意度指标或成本指标）；请手工填写 level1"),
        (r"(?P<v>.+) is not a level-2 indicator under (?P<word>.+)",
         "{v} 不是{word}下的二级指标；请手工填写 level2"),
        (r"(?P<v>.+) is not a comparator \(=, >=, <=, >, <, ≥, ≤\)",
         "{v} 不是指标性质（=、>=、<=、>、<、≥、≤）；请手工填写 operator"),
    ),
    "import.year": ((r"the target is for (?P<a>\d+), not (?P<b>\d+)",
                     "这个目标是 {a} 年的，不是预算年度 {b} 年的；请核对文件和目标的年度"),),
    "import.no-table": ((r"the document has no 项目绩效目标表 for this project \(the unit publishes "
                         r"it in its own document\); the page says so",
                         "文件中没有这个项目的项目绩效目标表（由单位在自己的文件中公开）；页面上会说明这一点"),),
    "import.no-amount": ((r"六、年度预算安排 states no amount; none is written \(give the "
                          r"budget-year amount from the department's budget tables\)",
                          "“六、年度预算安排”没有写明金额，因此没有填写金额（请按部门预算表填写预算年度资金）"),),
    "import.derived": ((r"六、年度预算安排 gives (?P<n>\d+) amounts and no total; they are written "
                        r"as the components, and the page shows their sum (?P<s>\S+) marked as "
                        r"worked out by the site(?P<mix> \(the amounts mix units\))?",
                        "“六、年度预算安排”列出 {n} 个金额但没有合计；已作为分项填写，页面显示它们的和{s}，"
                        "并标明为本站计算{mix}；请对照文件核对"),),
    "import.name-from-text": ((r"the page is titled only “(?P<t>.+)”; the name “(?P<v>.+)” is taken "
                               r"from the first sentence of 项目概述: check it",
                               "页面标题只有“{t}”；项目名称“{v}”取自项目概述的第一句：请核对"),),
    "import.document": (
        (r"the (?P<v>\S+) layout found no project in it", "按 {v} 版式在文件中没有找到项目"),
        (r"the file could not be read \((?P<raw>.+)\); it may be damaged: download it again",
         "文件无法读取（“{raw}”）；文件可能已损坏：请重新下载"),
        (r"(?P<place>.+), column (?P<c>\d+): the text holds the invisible character (?P<char>.+?)"
         r"(?: \(and (?P<more>\d+) more\))?; ask the office for a clean copy, or delete it from "
         r"a copy", "{place}第 {c} 列：文字中有不可见字符 {char}{more}；请向发文单位索取干净的文件，或在副本中删除它"),
        (r"no year in the title line; give it with --year", "标题行中没有年度；请用 --year 给出"),
        (r"--slug names one project, but the document holds (?P<n>\d+): import without --slug",
         "--slug 只能指定一个项目，但文件中有 {n} 个项目：请不带 --slug 导入"),
        (r"the document names several districts \((?P<list>.+)\); give one with --district",
         "文件提到多个区县（{list}）；请用 --district 指定一个"),
        (r"could not tell the district from the heading or the unit's code; give it with "
         r"--district", "无法从标题或单位代码判断区县；请用 --district 给出"),
        (r"no layout named (?P<v>.+); known: (?P<list>.+)", "没有名为 {v} 的版式；可用的版式：{list}"),
        (r"no known layout recognises this document \(a Kunming disclosure with 项目名称 and "
         r"项目绩效目标表, or a Shanghai department budget with “…经费情况说明” pages\); see "
         r"docs/staff-guide\.md, “A new layout”, or force one with --layout (?P<list>\S+)",
         "没有哪种已知版式能识别这个文件（昆明的公开文件有“项目名称”和“项目绩效目标表”，上海的部门预算有"
         "“…经费情况说明”页）；见 docs/staff-guide.md 的“A new layout”一节，或用 --layout {list} 指定版式"),
        (r"the document has no project page \(a “…经费情况说明” title followed by 一、项目概述\)",
         "文件中没有项目页（标题为“…经费情况说明”、其后是“一、项目概述”的页面）"),
        (r"the cover gives no year \(…2026年区级部门预算\); give it with --year",
         "封面没有写明年度（如“…2026年区级部门预算”）；请用 --year 给出"),
        (r"the cover names (?P<v>.+), which content/districts\.yaml does not list: add the "
         r"district there \(slug, code, names\) or give --district",
         "封面写的是{v}，content/districts.yaml 中没有这个区县：请在其中添加（键、代码、名称），或用 --district 指定"),
        (r"the cover names no district; give it with --district", "封面没有写明区县；请用 --district 给出"),
        (r"the file is a damaged zip archive \(a workbook or Word file cut short\?\); download "
         r"it again", "文件是损坏的 zip 压缩包（可能是不完整的表格或 Word 文件）；请重新下载"),
        (r"the file is a zip archive, not a workbook or Word file; unpack it and import the "
         r"documents inside", "文件是 zip 压缩包，不是表格或 Word 文件；请解压后导入里面的文件"),
        (r"the file is protected by a password; open it, save a copy without the password, "
         r"and import that", "文件有密码保护；请打开它，另存一份不带密码的副本，再导入副本"),
        (r"the file is an old Office file of a kind budgetsite does not read; save it as "
         r"\.xlsx or \.docx", "这是 budgetsite 不能读取的旧版 Office 文件；请另存为 .xlsx 或 .docx"),
        (r"the file is neither a PDF, a workbook, a Word file, a web page nor text; import the "
         r"office's PDF, \.xlsx, \.docx or \.html",
         "文件既不是 PDF、表格、Word 文件、网页，也不是文本；请导入发文单位的 PDF、.xlsx、.docx 或 .html 文件"),
        (r"the file expands to (?P<n>\S+) MB when opened \(at most (?P<m>\S+) MB\): it is damaged "
         r"or not a real document; ask the office for the file again",
         "文件打开后展开为 {n} MB（最多 {m} MB）：文件已损坏或不是真正的文件；请向发文单位重新索取"),
        (r"no such file", "没有这个文件"),
        (r"not a file \(a folder or a device\); name a document", "这不是文件（而是文件夹或设备）；请指定一个文件"),
        (r"the file is (?P<n>\S+) MB; at most (?P<m>\S+) MB is read", "文件有 {n} MB；最多只读取 {m} MB"),
        (r"the file is empty; download it again", "文件是空的；请重新下载"),
        (r"the file cannot be read: (?P<oserror>.+)", "无法读取文件：{oserror}"),
        (r"the PDF has no text layer \(a scan: pictures of pages\); run OCR on it, or ask the "
         r"office for the PDF made from the original",
         "这个 PDF 没有文字层（是扫描件，即页面的图片）；请先做文字识别（OCR），或向发文单位索取由原文件生成的 PDF"),
        (r"the PDF is damaged and cannot be opened; download it again \((?P<raw>.+)\)",
         "PDF 已损坏，无法打开；请重新下载（“{raw}”）"),
        (r"the PDF is damaged: (?P<raw>.+); download it again", "PDF 已损坏（“{raw}”）；请重新下载"),
        (r"the PDF is encrypted \(protected by a password\); ask the office for an unprotected "
         r"copy, or print it to a new PDF and import that",
         "PDF 已加密（有密码保护）；请向发文单位索取不加密的文件，或把它打印成新的 PDF 再导入"),
        (r"the web page has more than (?P<n>\S+) table cells; it is not a disclosure",
         "网页中的表格单元格超过 {n} 个；这不是公开文件"),
        (r"this is an old Word \.doc file; open it in Word or WPS and save it as \.docx \(or "
         r"install LibreOffice: (?P<cmd>`[^`]+`)\), then import the \.docx",
         "这是旧版 Word .doc 文件；请用 Word 或 WPS 打开，另存为 .docx（或安装 LibreOffice：{cmd}），再导入 .docx"),
        (r"the Word file is damaged and cannot be opened \((?P<raw>.+)\); download it again or "
         r"save it anew from Word", "Word 文件已损坏，无法打开（“{raw}”）；请重新下载，或用 Word 重新保存"),
        (r"LibreOffice could not convert this \.doc file; open it in Word or WPS, save it as "
         r"\.docx and import that", "LibreOffice 无法转换这个 .doc 文件；请用 Word 或 WPS 打开，另存为 .docx 再导入"),
        (r"the workbook is damaged and cannot be opened \((?P<raw>.+)\); download it again",
         "表格文件已损坏，无法打开（“{raw}”）；请重新下载"),
        (r"the workbook is protected by a password; save a copy without it and import that",
         "表格文件有密码保护；请另存一份不带密码的副本，再导入副本"),
    ),
}


def _compiled(table) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(pattern, re.S), zh) for pattern, zh in table)


_PATTERNS = {code: _compiled(table) for code, table in _ZH.items()}
_ANY_WORDS = {"template.syntax", "template.error"}  # a library's words, whatever they are: by its code only
_SLIP_PATTERNS = _compiled(_SLIPS)
_WHAT_PATTERNS = _compiled(_WHAT)
_LINK_PATTERNS = _compiled(_LINK_REASONS)


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """zh where the terminal's locale is Chinese (zh_CN.UTF-8 …), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "zh" if environ[name].lower().startswith("zh") else "en"
    return "en"


def message(text: str, lang: str, code: str | None = None) -> str:
    """A problem's message in `lang`; in English where no Chinese is known. With its
    code, only that code's messages are tried (the same words can mean two rules)."""
    if lang != "zh":
        return text
    tables = [_PATTERNS[code]] if code in _PATTERNS else [
        table for known, table in _PATTERNS.items() if known not in _ANY_WORDS]
    for table in tables:
        said = _said(text, table)
        if said is not None:
            return said
    return text


def has_chinese(text: str, code: str) -> bool:
    """Whether the message `text` of `code` has its Chinese here."""
    return _said(text, _PATTERNS.get(code, ())) is not None


def _said(text: str, table) -> str | None:
    for pattern, zh in table:
        found = pattern.fullmatch(text)
        if found:
            parts = {k: _PARTS.get(k, _same)(v) if v else "" for k, v in found.groupdict().items()}
            said = zh.format(**parts)
            return said + (f"；请写成 {found['fix']}" if parts.get("fix") else "")
    return None


def _same(text: str) -> str:
    return text


def _by_patterns(patterns) -> Callable[[str], str]:
    def say(text: str) -> str:
        return _said(text, patterns) or text
    return say


def _hint(text: str) -> str:
    return f"（{HINTS.get(text, text)}）"


# Each field's description (schema.Field.doc) → its Chinese (Field.zh), filled by the
# content model's one declaration (builder.sources.schema) when it is loaded: the
# sources import this package, not the other way round. A message that quotes a
# description comes from a check, which has loaded the model.
FIELD_DOCS: dict[str, str] = {}


def _doc(text: str) -> str:
    return _DOCS.get(text) or FIELD_DOCS.get(text) or text


def _char(text: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional …' in Chinese."""
    found = re.fullmatch(r"(U\+[0-9A-F]+)(?: \((.+?)\))?, (.+)", text, re.S)
    if not found:
        return text
    name = f"（{found[2]}）" if found[2] else ""
    return f"{found[1]}{name}，{_INVISIBLE_KINDS.get(found[3], found[3])}"


def _place(text: str) -> str:
    return place(text, "zh")


def place(text: str, lang: str) -> str:
    """Where a part of a document is (readers.document.Place, as its str says it), in
    `lang`: 'page 3, line 4' is 第 3 页第 4 行."""
    if lang != "zh":
        return text
    rules = ((r"sheet “(.*)”, cell (\S+)", "工作表“{0}”的 {1} 单元格"),
             (r"page (\d+), line (\d+)", "第 {0} 页第 {1} 行"), (r"page (\d+)", "第 {0} 页"),
             (r"paragraph (\d+), cell (\S+)", "第 {0} 段的 {1} 单元格"),
             (r"paragraph (\d+)", "第 {0} 段"), (r"line (\d+)", "第 {0} 行"))
    for pattern, zh in rules:
        found = re.fullmatch(pattern, text)
        if found:
            return zh.format(*found.groups())
    return text


_PARTS: dict[str, Callable[[str], str]] = {
    "what": _by_patterns(_WHAT_PATTERNS),
    "hint": _hint,
    "doc": _doc,
    "slip": _by_patterns(_SLIP_PATTERNS),
    "char": _char,
    "reason": _by_patterns(_LINK_PATTERNS),
    "place": _place,
    "word": lambda text: _FIELD_WORDS.get(text, text),
    "oserror": lambda text: _OS_ERRORS.get(text, f"“{text}”"),
    "quote": lambda text: "；如果它是文字，请加上英文引号",
    "quotes": lambda text: "（请加上英文引号）",
    "mix": lambda text: "（这些金额的单位不一）",
    "more": lambda text: f"（另有 {text} 处）",
    "fix": _same,
}


def line(problem: Problem, lang: str) -> str:
    """`path:line:col: field: message [code]`, the message in `lang`."""
    if lang != "zh":
        return str(problem)
    kind = "警告：" if problem.warning else ""
    return (f"{problem.path}:{problem.line}:{problem.col}: {problem.field}: {kind}"
            f"{message(problem.message, lang, problem.code)} {codes.tag(problem.code)}")


def summary(errors: int, warnings: int, lang: str) -> str:
    """The last line of a failed build or check."""
    if lang == "zh":
        return f"budgetsite：{errors} 个错误，{warnings} 个警告；没有写入任何文件"
    return f"budgetsite: {errors} error(s), {warnings} warning(s); nothing was written"


def strict_failed(warnings: int, lang: str) -> str:
    """The last line of a check that --strict fails."""
    if lang == "zh":
        return f"budgetsite：{warnings} 个警告；因为用了 --strict，按错误处理"
    return f"budgetsite: {warnings} warning(s), failing because of --strict"


def checked(projects: int, warnings: int, lang: str) -> str:
    """The last line of a check that found no errors."""
    if lang == "zh":
        return f"budgetsite：检查了 {projects} 个项目，没有错误，{warnings} 个警告"
    return f"budgetsite: {projects} project(s) checked, no errors, {warnings} warning(s)"


def _of_shard(shard: str | None, lang: str) -> str:
    if shard is None:
        return ""
    return f"（分片 {shard}）" if lang == "zh" else f" of shard {shard}"


def built(pages: int, files: int, written: int, out: object, seconds: float,
          warnings: int, lang: str, shard: str | None = None) -> str:
    """The last line of a build that wrote its output."""
    of = _of_shard(shard, lang)
    if lang == "zh":
        return (f"budgetsite：写出 {pages} 个页面{of}（{files} 个文件，{written} 个有改动）"
                f"到 {out}，用时 {seconds:.2f} 秒；{warnings} 个警告")
    return (f"budgetsite: wrote {pages} pages{of} ({files} files, {written} changed) to "
            f"{out} in {seconds:.2f} s; {warnings} warning(s)")


def unchanged(pages: int, files: int, out: object, seconds: float, warnings: int,
              lang: str, shard: str | None = None) -> str:
    """The last line of a build that found nothing changed."""
    of = _of_shard(shard, lang)
    if lang == "zh":
        return (f"budgetsite：自上次构建以来没有改动：{out} 保存着它的 {pages} 个页面{of}"
                f"（{files} 个文件）；检查用时 {seconds:.2f} 秒；{warnings} 个警告")
    return (f"budgetsite: nothing changed since the last build: {out} holds its {pages} "
            f"pages{of} ({files} files); checked in {seconds:.2f} s; {warnings} warning(s)")


def merged(shards: int, pages: int, files: int, out: object, seconds: float,
           warnings: int, lang: str) -> str:
    """The last line of a merge."""
    if lang == "zh":
        return (f"budgetsite：合并了 {shards} 个分片：{pages} 个页面（{files} 个文件）到 "
                f"{out}，用时 {seconds:.2f} 秒；{warnings} 个警告")
    return (f"budgetsite: merged {shards} shards: {pages} pages ({files} files) to {out} "
            f"in {seconds:.2f} s; {warnings} warning(s)")
