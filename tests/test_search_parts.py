"""The search index in parts (one Pagefind run per district and language, merged in the
browser) finds what one whole index finds, in the same order."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, build, serve

from builder.outputs import search

PROJECTS = 42  # spread by bench/make_corpus.py over most of the 14 districts and five years


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    """The corpus built with its index in parts, and the same output with one whole
    index (one Pagefind run over every page, nothing to merge, no order files)."""
    root = tmp_path_factory.mktemp("parts")
    subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(PROJECTS),
                    str(root)], check=True, capture_output=True, timeout=120)
    parts = build(root, root / "public")
    whole = root / "whole"
    shutil.copytree(parts, whole, ignore=shutil.ignore_patterns("pagefind", "pagefind-parts"))
    subprocess.run([str(search.extended_binary()), "--site", ".", "--output-subdir", "pagefind",
                    "--silent"], cwd=whole, check=True, timeout=300)
    (whole / "pagefind" / "parts.json").write_text('{"version":1,"parts":{}}')
    for code in search.INDEX_LANGUAGES:
        (whole / "pagefind" / f"order.{code}.json").write_text("{}")
    return parts, whole


def test_the_index_is_in_parts_per_district_and_language(sites):
    parts, _ = sites
    listed = json.loads((parts / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    districts = {path.parts[-3] for path in (parts.parent / "content" / "projects").glob("*/*/*")}
    assert len(districts) > 10
    # The first district (both languages) is the primary bundle; one part for each other.
    assert {code: len(folders) for code, folders in listed.items()} == \
        {"zh-cn": len(districts) - 1, "en": len(districts) - 1}
    for folders in listed.values():
        for folder in folders:
            assert (parts / folder / "pagefind-entry.json").is_file()
            assert not (parts / folder / "pagefind.js").exists()  # one engine, in pagefind/
    entry = json.loads((parts / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {c: i["page_count"] for c, i in entry["languages"].items()} == \
        {"zh-cn": PROJECTS, "en": PROJECTS}


def every_result(page, url: str) -> list[str]:
    from playwright.sync_api import expect

    page.goto(url)
    page.wait_for_selector("#search[data-ready]")
    more = page.locator("[data-search-more]")
    while more.is_visible():
        count = page.locator(".search-result").count()
        more.click()
        expect(page.locator(".search-result")).not_to_have_count(count)
    return [a.get_attribute("href") for a in page.locator(".search-result h3 a").all()]


def year_of(href: str) -> str:
    return href.strip("/").split("/")[2]


@pytest.mark.browser
@pytest.mark.parametrize("lang, query", [
    ("zh", "q=医疗"), ("zh", "q=医疗&sort=amount-desc"), ("zh", "q=补助&sort=amount-asc"),
    ("en", "q=medical&sort=amount-desc"),
    # A part holding no word that begins with the query's stem (mainten…) matches the
    # longest indexed word the query begins with (main…); search.js leaves such parts out.
    ("en", "q=maintenance&sort=year-desc"),
    ("zh", "year=2024&sort=amount-asc"), ("en", "year=2023&year=2025&sort=year-asc"),
    ("en", "q=subsidy"),
])
def test_parts_find_the_same_projects_in_the_same_order_as_one_index(page, sites, lang, query):
    parts, whole = sites
    with serve(parts) as parts_url, serve(whole) as whole_url:
        found = every_result(page, f"{parts_url}{lang}/search/?{query}")
        expected = every_result(page, f"{whole_url}{lang}/search/?{query}")
    assert len(found) >= 3, found  # the query means something on this corpus
    assert sorted(found) == sorted(expected)
    if "sort=amount" in query:  # amounts differ from project to project
        assert found == expected
    elif "sort=year" in query:  # projects of one year tie; the years come in order
        assert [year_of(h) for h in found] == [year_of(h) for h in expected]
    assert all(urlsplit(h).path.startswith(f"/{lang}/") for h in found)
