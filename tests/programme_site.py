"""A site with one programme over three years whose targets change (tests only).

The real Wuhua 2025 project, copied to 2023 and 2024 with other amounts and targets,
each year linked to the one before with `continues:`. Made up for the tests, never
published: the copies' names say "示例" / "sample".
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from conftest import copy_site

SLUG = "urban-rural-medical-assistance"
REAL = Path("content/projects/wuhua/2025") / SLUG
# Targets per year (eligibility-accuracy, basic-rights, satisfaction) and amounts:
# 2023→2024 raises one, keeps one, drops "old-indicator"; 2024→2025 raises and lowers.
YEARS = {
    2023: {"amount": 5000000, "values": {"eligibility-accuracy": 90, "basic-rights": 80,
                                         "satisfaction": 85}, "old": True},
    2024: {"amount": 6000000.5, "values": {"eligibility-accuracy": 92, "basic-rights": 85,
                                           "satisfaction": 85}, "old": False},
}


def programme_site(target: Path) -> Path:
    root = copy_site(target)
    folder = root / REAL
    real = yaml.safe_load((folder / "project.yaml").read_text(encoding="utf-8"))
    for year, plan in YEARS.items():
        data = copy.deepcopy(real)
        data["year"] = year
        data.pop("source", None)  # the seed's document is not the copies' source
        data["name"] = {"zh": real["name"]["zh"] + "（示例）", "en": real["name"]["en"] + " (sample)"}
        funding = data["funding"]
        funding["budget_year"] = plan["amount"]
        funding.pop("components", None)
        funding.pop("multi_year", None)
        if "previous_year" in funding:
            funding["previous_year"]["year"] = year - 1
        data["targets"]["overall"].update({"start": year, "end": year + 2})
        for row in data["indicators"]:
            if row["id"] in plan["values"]:
                row["value"] = plan["values"][row["id"]]
        if plan["old"]:
            old = copy.deepcopy(data["indicators"][1])
            old.update({"id": "old-indicator", "name": {"zh": "示例旧指标", "en": "Sample old indicator"}})
            data["indicators"].append(old)
        if year > 2023:
            data["continues"] = f"wuhua/{year - 1}/{SLUG}"
        copy_to = root / "content/projects/wuhua" / str(year) / SLUG
        copy_to.mkdir(parents=True)
        (copy_to / "project.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                              encoding="utf-8")
        for name in ("zh.md", "en.md"):
            (copy_to / name).write_text((folder / name).read_text(encoding="utf-8"), "utf-8")
    text = (folder / "project.yaml").read_text(encoding="utf-8")
    (folder / "project.yaml").write_text(text + f"continues: wuhua/2024/{SLUG}\n", "utf-8")
    return root
