"""The SVG bar chart: labels that fit a phone, escaped text, honest bar lengths."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from builder.render.charts import NARROWEST, VALUE_GAP, Bar, bar_chart, text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_long_labels_wrap_to_the_narrowest_width():
    label = "Luquan Yi and Miao Autonomous County Healthcare Security Bureau"
    lines = wrap(label)
    assert len(lines) == 2 and " ".join(lines) == label
    assert all(text_width(line) <= NARROWEST for line in lines)
    chinese = "昆明市禄劝彝族苗族自治县医疗保障局城乡居民医疗救助中心"   # 27 characters
    lines = wrap(chinese)
    assert "".join(lines) == chinese and len(lines) == 2
    assert wrap("五华区") == ["五华区"]


def test_chart_is_an_accessible_image_with_escaped_text():
    svg = parse(bar_chart([Bar("<script>alert(1)</script>", Decimal(5), "5元")],
                          "c1", "Totals & more", "A chart."))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Totals & more"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}desc").get("id") == "c1-desc"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["<script>alert(1)</script>", "5元"]
    assert svg.find(f".//{SVG}script") is None


def test_bar_lengths_are_proportional_and_leave_room_for_the_figure():
    bars = [Bar("a", Decimal("300"), "CNY 300.00"), Bar("b", Decimal("100"), "CNY 100.00"),
            Bar("c", Decimal("0"), "CNY 0.00"), Bar("d", Decimal("0.01"), "CNY 0.01")]
    widths = [Decimal(r.get("width").rstrip("%")) for r in parse(
        bar_chart(bars, "c2", "t", "d")).iter(f"{SVG}rect")]
    assert abs(widths[0] - widths[1] * 3) <= Decimal("0.02")   # rounded to 0.01 %
    # the longest bar ends early enough for its figure to fit on a 360 px screen
    assert float(widths[0]) / 100 * NARROWEST + 6 + text_width("CNY 300.00") <= NARROWEST
    assert widths[2] == 0            # nothing is drawn for nothing
    assert widths[3] == Decimal("0.50")   # a tiny amount still shows


def test_values_are_printed_just_past_each_bar():
    svg = parse(bar_chart([Bar("甲", Decimal(2), "2万元"), Bar("乙", Decimal(1), "1万元")],
                          "c3", "t", "d"))
    rows = svg.findall(f"{SVG}g")
    assert len(rows) == 2  # one row per bar: the checks below run for each
    seen = []
    for row in rows:
        [bar] = row.findall(f"{SVG}rect")
        [value] = [t for t in row.findall(f"{SVG}text") if t.get("class") == "chart-value"]
        assert value.get("x") == bar.get("width") and value.get("dx") == str(VALUE_GAP)
        seen.append((bar.get("width"), value.text))
    assert seen == [("80.00%", "2万元"), ("40.00%", "1万元")]
