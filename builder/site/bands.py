"""The bands of the search page's amount filter: a business rule, so it lives here and
not in a template. A project page names its band (the filter value); the search page
lists the bands in this order, smallest first."""

from __future__ import annotations

from decimal import Decimal

from builder.core.model import Text

BANDS: tuple[Text, ...] = (
    Text("100万元以下", "Under CNY 1 million"),
    Text("100万～1000万元", "CNY 1–10 million"),
    Text("1000万元以上", "Over CNY 10 million"),
)


def band(yuan: Decimal) -> Text:
    """The band of a budget-year amount: under 1,000,000元; from there to 10,000,000元,
    that included; over 10,000,000元."""
    if yuan < 1_000_000:
        return BANDS[0]
    return BANDS[1] if yuan <= 10_000_000 else BANDS[2]
