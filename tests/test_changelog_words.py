"""A change log worth reading (issue 24, point 6): each change said in the language a
reader sees it in, figures and targets first, the English translation's edits in one
line on the English pages only, and fields named in plain words."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO

from builder.core.model import Text
from builder.history import changelog
from builder.history.log import Change
from builder.sources import discover


@pytest.fixture(scope="module")
def wuhua():
    projects = discover.load_content(REPO).projects
    return next(p for p in projects if p.key.startswith("wuhua"))


def said(before, after) -> dict[str, tuple[str, ...]]:
    change = Change("0" * 40, "2024-01-01T00:00:00+08:00", changelog.describe(before, after))
    return {lang: change.items_in(lang) for lang in ("zh", "en")}


def with_indicator(project, index: int, **changes):
    indicators = list(project.indicators)
    indicators[index] = dataclasses.replace(indicators[index], **changes)
    return dataclasses.replace(project, indicators=tuple(indicators))


def test_an_english_only_edit_is_not_a_chinese_change(wuhua):
    recipients = wuhua.indicators[0]
    assert recipients.value == Text("实际发生数", "Actual number")
    after = with_indicator(wuhua, 0, value=Text("实际发生数", "actual number"))
    got = said(wuhua, after)
    assert got["zh"] == ()
    name = recipients.name.en
    assert got["en"] == (f"English translation edited: indicator “{name}”: target value",)


def test_figures_come_first_and_translations_last_in_one_line(wuhua):
    funding = dataclasses.replace(wuhua.funding, budget_year=dataclasses.replace(
        wuhua.funding.budget_year, value=wuhua.funding.budget_year.value + 1))
    after = dataclasses.replace(
        wuhua, funding=funding, name=Text(wuhua.name.zh, wuhua.name.en + " (special)"),
        basis=Text(wuhua.basis.zh, wuhua.basis.en.upper()))
    after = with_indicator(after, 0, value=Text("实际发生数", "actual number"))
    got = said(wuhua, after)
    assert got["zh"] == ("预算年度资金 7,968,243.98元 → 7,968,244.98元",)
    assert got["en"][0] == "Budget-year amount CNY\u00a07,968,243.98 → CNY\u00a07,968,244.98"
    assert got["en"][1:] == (
        "English translation edited: indicator “" + wuhua.indicators[0].name.en +
        "”: target value; Project name; Basis for project approval",)


def test_a_target_shows_its_unit_in_each_language(wuhua):
    after = with_indicator(wuhua, 0, value=Text("按实际发生", "As it occurs"))
    got = said(wuhua, after)
    assert got["zh"] == (f"指标“{wuhua.indicators[0].name.zh}” 指标值 实际发生数人次 → 按实际发生人次",)
    assert got["en"] == (f"Indicator “{wuhua.indicators[0].name.en}”: target value "
                         f"Actual number (cases) → As it occurs (cases)",)


def test_fields_are_named_in_plain_words(wuhua):
    unit = dataclasses.replace(wuhua.unit, code_label=None)
    got = said(wuhua, dataclasses.replace(wuhua, unit=unit))
    assert got["en"] == ("What the document calls the code 组织机构代码 → not recorded",)
    assert got["zh"] == ("文件中代码的名称 组织机构代码 → 未记录",)


def test_a_chinese_edit_shows_in_both_languages(wuhua):
    after = dataclasses.replace(wuhua, basis=Text(wuhua.basis.zh + "。", wuhua.basis.en))
    assert said(wuhua, after) == {"zh": ("立项依据修改",),
                                  "en": ("Basis for project approval edited",)}
