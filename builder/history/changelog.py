"""What changed in a disclosure between two versions of its project, in words.

The change log on a project page compares the typed project before and after each
commit, so that it speaks of the disclosure ("预算年度资金 5,000,000.00元 →
5,500,000.00元"), not of the repository; a commit that changes nothing a reader
sees (a comment, the layout of the YAML) yields no words and so is no change.

Each item is said in each language as a reader of that language sees it: figures and
targets first, then the Chinese texts edited, then one line for the English
translation's edits, which only the English pages show (its Chinese is empty).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from builder.core import glossary, i18n
from builder.core.model import Indicator, Money, Project, Text
from builder.sources.narrative import SECTION_TITLES
from builder.sources.schema import field_at, field_heading

Items = Iterator[Text]
FIRST = Text("首次发布", "First published")
OTHER = Text("其他内容修改", "Other details edited")
NONE = Text("未记录", "not recorded")
# Fields whose declared names are explanations, in plain words for the change log.
PLAIN_LABELS = {"unit.code_label": Text("文件中代码的名称", "What the document calls the code")}


def _label(path: str) -> Text:
    return PLAIN_LABELS.get(path) or field_heading(path)

# Free texts of the project, with what a reader calls them (their declared names).
TEXTS: tuple[tuple[Text, Callable[[Project], Any]], ...] = (
    (field_heading("department"), lambda p: p.department),
    (field_heading("heading"), lambda p: p.heading),
    (field_heading("name"), lambda p: p.name),
    (field_heading("basis"), lambda p: p.basis),
    (field_heading("unit.name"), lambda p: p.unit.name),
    (field_heading("unit.address"), lambda p: p.unit.address),
    (field_heading("unit.legal_representative"), lambda p: p.unit.legal_representative),
    (field_heading("unit.source_of_funds"), lambda p: p.unit.source_of_funds),
    (field_heading("unit.overview"), lambda p: p.unit.overview),
    (field_heading("targets.overall.text"), lambda p: p.targets.overall and p.targets.overall.text),
    (field_heading("targets.table_note"), lambda p: p.targets.table_note),
    (field_heading("period"), lambda p: p.period),
    (field_heading("targets.budget_year"), lambda p: p.targets.budget_year),
    (field_heading("funding.note"), lambda p: p.funding.note),
    (field_heading("source.title"), lambda p: p.source and p.source.title),
    (field_heading("source.issuer"), lambda p: p.source and p.source.issuer),
)
# Plain values, shown before and after.
VALUES: tuple[tuple[Text, Callable[[Project], Any]], ...] = (
    (field_heading("unit.code"), lambda p: p.unit.code),
    (field_heading("unit.phone"), lambda p: p.unit.phone),
    (_label("unit.code_label"), lambda p: p.unit.code_label),
    (field_heading("source.published"), lambda p: p.source and p.source.published),
    (field_heading("source.url"), lambda p: p.source and p.source.url),
    (field_heading("source.retrieved"), lambda p: p.source and p.source.retrieved),
)
AMOUNTS: tuple[tuple[Text, Callable[[Project], Any]], ...] = (
    (field_heading("funding.budget_year"), lambda p: p.funding.budget_year),
    (field_heading("funding.multi_year.total"),
     lambda p: p.funding.multi_year and p.funding.multi_year.total),
    (field_heading("funding.previous_year.amount"),
     lambda p: p.funding.previous_year and p.funding.previous_year.amount),
)


def describe(before: Project | None, after: Project) -> tuple[Text, ...]:
    """The changes from `before` (None: not yet published) to `after`, in both languages:
    figures and targets, then texts, then the English translation's edits in one line."""
    if before is None:
        return (FIRST,)
    translated: list[Text] = []
    items = [*_amounts(before, after), *_funding_rest(before, after, translated),
             *_indicators(before, after, translated), *_corrections(before, after),
             *_values(before, after), *_texts(before, after, translated),
             *_narrative(before, after, translated), *_original(before, after)]
    if translated:
        items.append(_translation(translated))
    if not items and before != after:
        items.append(OTHER)
    return tuple(items)


def _translation(labels: list[Text]) -> Text:
    """The English translation's edits: one line, on the English pages only."""
    return Text("", "English translation edited: " + "; ".join(dict.fromkeys(
        label.en for label in labels)))


def _text_items(label: Text, old: Text | None, new: Text | None,
                translated: list[Text]) -> Items:
    """An edit of the Chinese text, in both languages; of the English alone, a
    translation edit (`translated`)."""
    if _in(old, "zh") != _in(new, "zh"):
        yield Text(f"{label.zh}修改", f"{label.en} edited")
    elif _in(old, "en") != _in(new, "en"):
        translated.append(label)


def _in(text: Text | None, lang: str) -> str | None:
    return None if text is None else text.zh if lang == "zh" else text.en


def _texts(before: Project, after: Project, translated: list[Text]) -> Items:
    for label, get in TEXTS:
        yield from _text_items(label, get(before) or None, get(after) or None, translated)
    old, new = before.unit.duties, after.unit.duties
    if [d.zh for d in old] != [d.zh for d in new]:
        yield Text("主要职责任务修改", "Main duties edited")
    elif old != new:
        translated.append(Text("主要职责任务", "Main duties"))


def _arrow(label: Text, old: Text, new: Text) -> Text:
    return Text(f"{label.zh} {old.zh} → {new.zh}", f"{label.en} {old.en} → {new.en}")


def _values(before: Project, after: Project) -> Items:
    for label, get in VALUES:
        old, new = get(before) or None, get(after) or None
        if old != new:
            yield _arrow(label, Text(old, old) if old else NONE, Text(new, new) if new else NONE)


def _money(value: Money | None) -> Text:
    if value is None:
        return NONE
    return Text(i18n.as_written(value, "zh"), i18n.as_written(value, "en"))


def _amounts(before: Project, after: Project) -> Items:
    for label, get in AMOUNTS:
        old, new = get(before) or None, get(after) or None
        if old != new:
            yield _arrow(label, _money(old), _money(new))


def _funding_rest(before: Project, after: Project, translated: list[Text]) -> Items:
    old, new = before.funding, after.funding
    if old.components != new.components:
        yield Text("预算年度资金构成修改", "Budget-year components edited")
    if (old.multi_year and (old.multi_year.start, old.multi_year.end)) != \
            (new.multi_year and (new.multi_year.start, new.multi_year.end)):
        yield Text("多年度资金期间修改", "Multi-year period edited")
    if (old.previous_year and (old.previous_year.year, old.previous_year.components)) != \
            (new.previous_year and (new.previous_year.year, new.previous_year.components)):
        yield Text("上年数字的年度或构成修改", "Previous-year figure's year or parts edited")
    for name in ("label", "quote"):
        label = field_heading(f"funding.previous_year.{name}")
        yield from _text_items(label, getattr(old.previous_year, name, None),
                               getattr(new.previous_year, name, None), translated)
    period = [t and (t.start, t.end) for t in (before.targets.overall, after.targets.overall)]
    if period[0] != period[1]:
        yield Text("总体目标期间修改", "Period of the overall objective edited")


def _quoted(text: Text) -> Text:
    return Text(f"“{text.zh}”", f"“{text.get('en')}”")


def _indicators(before: Project, after: Project, translated: list[Text]) -> Items:
    old = {i.id: i for i in before.indicators}
    new = {i.id: i for i in after.indicators}
    for i in after.indicators:
        if i.id not in old:
            name = _quoted(i.name)
            yield Text(f"新增指标{name.zh}", f"Indicator added: {name.en}")
        elif old[i.id] != i:
            yield from _indicator(old[i.id], i, translated)
    for i in before.indicators:
        if i.id not in new:
            name = _quoted(i.name)
            yield Text(f"删除指标{name.zh}", f"Indicator removed: {name.en}")
    kept = [i for i in old if i in new]
    if kept != [i for i in new if i in old]:
        yield Text("指标顺序调整", "Indicators reordered")


def _target(i: Indicator) -> Text:
    """The target with its unit, each language's own: 80% / 550万元, 6,780 persons."""
    unit = glossary.UNITS.get(i.unit, Text(i.unit, i.unit)) if i.unit else Text("", "")
    space = "" if unit.en in ("", "%", "‰") else " "
    if i.numeric_value is not None:
        return Text(f"{i18n.number(i.numeric_value, 'zh')}{unit.zh}",
                    f"{i18n.number(i.numeric_value, 'en')}{space}{unit.get('en')}")
    assert isinstance(i.value, Text)
    after = f" ({unit.get('en')})" if unit.en else ""
    return Text(f"{i.value.zh}{unit.zh}", f"{i.value.get('en')}{after}")


def _sign(i: Indicator) -> Text:
    return glossary.OPERATORS[i.operator]


def _weight(i: Indicator) -> Text:
    return Text(i18n.number(i.weight, "zh"), i18n.number(i.weight, "en"))


PARTS: tuple[tuple[Text, Callable[[Indicator], Text]], ...] = (
    (Text("指标值", "target value"), _target),
    (Text("指标性质", "comparator"), _sign),
    (Text("分值", "points"), _weight),
    (Text("指标属性", "indicator type"), lambda i: glossary.INDICATOR_TYPES[i.type]),
    (Text("一级指标", "level-1 indicator"), lambda i: glossary.LEVEL1[i.level1]),
    (Text("二级指标", "level-2 indicator"),
     lambda i: glossary.level2_of(i.level1, i.level2) or Text(i.level2, i.level2)),
)
INDICATOR_TEXTS: tuple[tuple[Text, str], ...] = tuple(
    (field_at(f"indicators[].{name}").label, name)
    for name in ("name", "scoring", "content", "source"))


def _indicator(old: Indicator, new: Indicator, translated: list[Text]) -> Items:
    name = _quoted(new.name)
    for part, shown in PARTS:
        was, now = shown(old), shown(new)
        if was.zh != now.zh:
            yield Text(f"指标{name.zh} {part.zh} {was.zh} → {now.zh}",
                       f"Indicator {name.en}: {part.en} {was.get('en')} → {now.get('en')}")
        elif was.get("en") != now.get("en"):
            translated.append(Text(f"指标{name.zh} {part.zh}", f"indicator {name.en}: {part.en}"))
    for part, field in INDICATOR_TEXTS:
        yield from _text_items(Text(f"指标{name.zh} {part.zh}", f"Indicator {name.en}: {part.en}"),
                               getattr(old, field), getattr(new, field), translated)
    if old.as_written != new.as_written:
        yield Text(f"指标{name.zh} 原文写法修改", f"Indicator {name.en}: wording as written edited")


def _narrative(before: Project, after: Project, translated: list[Text]) -> Items:
    for lang in i18n.LANGS:
        old = {s.id: (s.title, s.html) for s in before.narrative.get(lang, ())}
        new = {s.id: (s.title, s.html) for s in after.narrative.get(lang, ())}
        for sid in dict.fromkeys([*new, *old]):
            if old.get(sid) != new.get(sid):
                title = SECTION_TITLES.get(sid, Text(sid, sid))
                if lang == "zh":
                    yield Text(f"{title.zh}修改", f"{title.en} edited")
                else:
                    translated.append(title)


def _corrections(before: Project, after: Project) -> Items:
    for correction in after.corrections:
        if correction not in before.corrections:
            yield Text(f"更正：{correction.text.zh}", f"Correction: {correction.text.get('en')}")
    if any(c not in after.corrections for c in before.corrections):
        yield Text("更正说明修改", "Corrections edited")


def _original(before: Project, after: Project) -> Items:
    old = before.source.original if before.source else None
    new = after.source.original if after.source else None
    if old is None and new is not None:
        yield Text(f"新增原始文件 {new.name}", f"Original document added: {new.name}")
    elif old is not None and new is None:
        yield Text("删除原始文件", "Original document removed")
    elif old != new:
        yield Text(f"原始文件更换为 {new.name}", f"Original document replaced by {new.name}")


