"""An indicator's points and its scoring rule (issue 24, point 3): where the rule states
the points, the page's † says they were read from it; where it states none, the † says
they are the figure recorded in the site's sources. (A `weight` that contradicts its
rule is refused by `check`: test_validate.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES, build, copy_site
from pagetree import page

from builder.core.glossary import points_in_rule

WUHUA = "wuhua/2025/urban-rural-medical-assistance"


@pytest.mark.parametrize("rule, points", [
    ("本项分值权重为20分，实际救助对象人数/应救助对象人数×指标分值。", "20"),
    ("本项评分权重10分。①满意度>=90%得10分；②90%>满意度>=80%，得8分", "10"),
    ("服务对象满意度达90%以上得20分，否则每少10%扣5分。", "20"),
    ("完成80%得8分，全部完成得10分", "10"),
    ("满分为5分", "5"),
    ("在年度内及时结算得满分，否则不得分。", None),
    ("每少1%扣1分", None)])
def test_the_points_a_rule_states(rule, points):
    assert points_in_rule(rule) == (Decimal(points) if points else None)


def test_the_mark_says_where_each_indicators_points_come_from(tmp_path):
    root = copy_site(tmp_path / "site", FIXTURES / "stored-site" / "content")
    path = root / "content" / "projects" / WUHUA / "project.yaml"
    text = path.read_text(encoding="utf-8")
    assert "zh: 本项分值权重为10分，在年度内" in text
    path.write_text(text.replace("zh: 本项分值权重为10分，在年度内", "zh: 在年度内"),
                    encoding="utf-8")
    out = build(root, None, "--no-search")
    for lang, recorded in (("zh", "评分标准未写明分值"), ("en", "scoring rule states none")):
        tree = page(out / lang / WUHUA / "index.html")
        table = tree.find("table", class_="indicators")
        marks = [td.find("span").attrs["data-derived"]
                 for td in table.find_all("td", class_="num") if td.find("span")]
        assert sorted(marks) == ["weights"] * 4 + ["weights-recorded"], marks
        assert recorded in tree.by_id("derived-weights-recorded").text
        assert "本项分值权重为20分" in tree.by_id("derived-weights").text
    unchanged = page(out / "en" / "chenggong/2026/civil-servant-medical-subsidy-insurance"
                     / "index.html")
    assert unchanged.by_id("derived-weights") is not None
    assert unchanged.by_id("derived-weights-recorded") is None
