"""Journalists' tools: the indicator explorer, a programme across years, export, embeds.

One site is built for the module: the real content plus one programme over three
years whose targets change (programme_site.py). Browser tests run in both languages.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO, build, copy_site, run_budgetsite, serve
from programme_site import SLUG, programme_site
from test_accessibility import WCAG_21_AA
from test_html_valid import as_the_checker_reads_them, vnu
from test_xss import _Head

from builder.core.errors import ContentError
from builder.site import explorer
from builder.sources import discover

PROGRAMME = f"programmes/wuhua/2023/{SLUG}/"
EMBEDS = (f"embed/{PROGRAMME}", f"embed/wuhua/2025/{SLUG}/", "embed/wuhua/")


class Site:
    name = "programme"

    def __init__(self, root: Path):
        self.root, self.out = root, build(root, None, "--no-search")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return Site(programme_site(tmp_path_factory.mktemp("tools") / "site"))


@pytest.fixture(scope="module")
def url(site):
    with serve(site.out) as address:
        yield address


def html(site: Site, path: str) -> str:
    return (site.out / path / "index.html").read_text(encoding="utf-8")


def indicators_csv(site: Site) -> list[dict]:
    text = (site.out / "data/indicators.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- programmes ----------------------------------------------------------------------

def target_cells(page, lang: str, indicator: str) -> list[str]:
    row = page.locator(f"table.programme-targets tr:has(a[href$='#indicator-{indicator}'])")
    return [" ".join(t.split()) for t in row.locator("td.target").all_inner_texts()]


@pytest.mark.browser
@pytest.mark.parametrize("lang, words", [
    ("en", {"raised": "raised", "lowered": "lowered", "same": "unchanged", "dropped": "dropped"}),
    ("zh", {"raised": "提高", "lowered": "降低", "same": "未变", "dropped": "取消"})])
def test_the_programme_timeline_marks_each_change_of_target(page, url, lang, words):
    page.goto(url + f"{lang}/{PROGRAMME}")
    years = page.locator("#amounts-table tbody th").all_inner_texts()
    assert years == ["2023", "2024", "2025"]
    amounts = page.locator("#amounts-table tbody td.num:nth-of-type(2)").all_inner_texts()
    assert "5,000,000.00" in amounts[0] and "6,000,000.50" in amounts[1]
    assert "7,968,243.98" in amounts[2]
    assert page.locator("svg.chart").count() == 1
    accuracy = target_cells(page, lang, "eligibility-accuracy")
    assert ["90" in accuracy[0], "92" in accuracy[1], "95" in accuracy[2]] == [True] * 3
    assert words["raised"] in accuracy[1] and words["raised"] in accuracy[2]
    rights = target_cells(page, lang, "basic-rights")
    assert words["raised"] in rights[1] and words["lowered"] in rights[2]
    satisfaction = target_cells(page, lang, "satisfaction")
    assert words["same"] in satisfaction[1] and words["raised"] in satisfaction[2]
    old = page.locator("table.programme-targets tr", has_text="示例旧指标" if lang == "zh"
                       else "Sample old indicator")
    cells = [" ".join(t.split()) for t in old.locator("td.target").all_inner_texts()]
    assert "90" in cells[0] and cells[1] == words["dropped"] and cells[2] == ""


def test_each_project_page_links_the_years_before_and_after(site):
    middle = html(site, f"zh/wuhua/2024/{SLUG}/")
    assert f'href="/zh/wuhua/2023/{SLUG}/" rel="prev"' in middle
    assert f'href="/zh/wuhua/2025/{SLUG}/" rel="next"' in middle
    assert f'href="/zh/{PROGRAMME}"' in middle
    last = html(site, f"en/wuhua/2025/{SLUG}/")
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "programme-links" not in html(site, "en/chenggong/2026/"
                                         "civil-servant-medical-subsidy-insurance/")


def test_a_broken_continues_link_is_named_with_file_line_and_field(site, tmp_path):
    root = shutil.copytree(site.root / "content", tmp_path / "content").parent
    path = root / f"content/projects/wuhua/2025/{SLUG}/project.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"continues: wuhua/2024/{SLUG}", "continues: wuhua/2024/nope"),
                    encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("continues: wuhua/2024/nope") + 1
    with pytest.raises(ContentError) as err:
        discover.load_content(root)
    assert f"content/projects/wuhua/2025/{SLUG}/project.yaml:{line}:1: continues: there is " \
           f"no project 'wuhua/2024/nope'" in str(err.value)
    # Two projects continuing one: a programme is one line of years.
    path.write_text(text.replace(f"continues: wuhua/2024/{SLUG}", f"continues: wuhua/2023/{SLUG}"),
                    encoding="utf-8")
    result = run_budgetsite("check", "--root", root)
    assert result.returncode == 1 and "already continues" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_import_proposes_last_years_project_of_the_same_unit_and_name(tmp_path):
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "content/projects/chenggong")
    real = root / f"content/projects/wuhua/2025/{SLUG}"
    data = yaml.safe_load((real / "project.yaml").read_text(encoding="utf-8"))
    data["year"], data["funding"]["previous_year"]["year"] = 2024, 2023
    data["funding"].pop("multi_year", None)
    earlier = root / "content/projects/wuhua/2024/last-year"
    shutil.copytree(real, earlier)
    (earlier / "project.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    shutil.rmtree(real.parent)
    result = run_budgetsite("import", Path(__file__).parent / "fixtures/import/"
                            "seed-000-wuhua-2025.txt", "--root", root, "--slug", "imported")
    assert "continues: wuhua/2024/last-year" in result.stdout, result.stdout + result.stderr
    written = yaml.safe_load((root / "content/projects/wuhua/2025/imported/project.yaml")
                             .read_text(encoding="utf-8"))
    assert written["continues"] == "wuhua/2024/last-year"


# --- the explorer ----------------------------------------------------------------------

def explorer_rows(page) -> list[str]:
    page.wait_for_function("() => !document.getElementById('explorer-rows') || "
                           "document.getElementById('explorer-status').textContent.match(/\\d/)")
    return page.locator("#explorer-rows tr").all_inner_texts()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explorer_filters_in_place_and_keeps_them_in_the_url(page, site, url, lang):
    rows = indicators_csv(site)
    requested = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    page.goto(url + f"{lang}/indicators/")
    assert page.locator("#explorer").is_visible()
    explorer_rows(page)  # every row at first (test_explorer_shows_the_first_rows_at_once)
    page.select_option("#filter-level2", "output-quality")
    assert parse_qs(urlparse(page.url).query) == {"level2": ["output-quality"]}
    requested.clear()
    page.goto(url + f"{lang}/indicators/?level2=output-quality")
    got = explorer_rows(page)
    quality = [r for r in rows if r["level2"] == "quality"]
    assert len(got) == len(quality) > 3  # each year of the programme, and Chenggong
    assert parse_qs(urlparse(page.url).query) == {"level2": ["output-quality"]}
    # Only that category's parts of the data were downloaded.
    parts = {p for p in requested if "/data/explorer/" in p}
    assert parts and all("/output-quality/" in p for p in parts), parts
    page.select_option("#filter-year", "2024")
    assert len(explorer_rows(page)) == 1
    assert parse_qs(urlparse(page.url).query) == {"level2": ["output-quality"], "year": ["2024"]}
    # A link to a view opens that view; sorting by value needs one unit.
    page.goto(url + f"{lang}/indicators/?year=2025&unit=%25&sort=value-asc")
    got = explorer_rows(page)
    percent_2025 = sorted(float(r["value_number"]) for r in rows
                          if r["year"] == "2025" and r["unit"] == "%")
    assert len(got) == len(percent_2025)
    shown = [float(page.locator("#explorer-rows tr").nth(i).locator("td.value").inner_text()
                   .replace(",", "")) for i in range(len(got))]
    assert shown == percent_2025
    assert page.locator("#filter-sort").input_value() == "value-asc"
    first = page.locator("#explorer-rows tr th a").first
    assert "#indicator-" in first.get_attribute("href")
    first.click()
    page.wait_for_load_state()
    assert page.locator(":target").count() == 1  # the indicator's row on its project page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explorer_shows_the_first_rows_at_once(page, site, url, lang):
    """Nothing chosen: the rows are there at once, newest budget year first."""
    page.goto(url + f"{lang}/indicators/")
    got = explorer_rows(page)
    rows = indicators_csv(site)
    assert len(got) == len(rows) > 3
    years = [int(page.locator("#explorer-rows tr").nth(i).locator("td").nth(2).inner_text())
             for i in range(len(got))]
    assert years == sorted(years, reverse=True)
    assert page.locator("#explorer-more").is_hidden()
    assert page.locator("#explorer-export").is_enabled()


@pytest.mark.browser
def test_explorer_reads_a_year_at_a_time_when_nothing_is_chosen(browser, tmp_path):
    """Over a page of rows: the newest years' parts only, the first page at once, and
    "Show more" adds older years in order until every row is there."""
    root = tmp_path / "corpus"
    result = subprocess.run([sys.executable, str(REPO / "bench/make_corpus.py"), "120",
                             str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = build(root, None, "--no-search")
    text = (out / "data/indicators.csv").read_text(encoding="utf-8-sig")
    total = list(csv.DictReader(io.StringIO(text)))
    years, first = sorted({r["year"] for r in total}, reverse=True), set()
    for year in years:  # the newest years that fill a page of 200 rows
        first.add(year)
        if sum(r["year"] in first for r in total) >= 200:
            break
    assert len(total) > 400 and len(first) < len(years)
    context = browser.new_context()
    page, requested = context.new_page(), []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    with serve(out) as address:
        page.goto(address + "en/indicators/")
        assert len(explorer_rows(page)) == 200
        parts = {p.rsplit("/", 1)[1] for p in requested if "/data/explorer/" in p}
        assert parts == {f"{year}.json" for year in first}, parts
        assert "newest budget year first" in page.locator("#explorer-status").inner_text()
        assert page.locator("#explorer-export").is_disabled()
        while page.locator("#explorer-more").is_visible():
            before = page.locator("#explorer-rows tr").count()
            page.click("#explorer-more")
            page.wait_for_function(f"() => document.querySelectorAll('#explorer-rows tr').length > {before}")
        years = page.locator("#explorer-rows tr td:nth-child(4)").all_inner_texts()
        assert len(years) == len(total) and years == sorted(years, reverse=True)
        assert page.locator("#explorer-export").is_enabled()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_javascript_the_categories_are_static_pages(browser, url, site, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url + f"{lang}/indicators/")
        assert not page.locator("#explorer").is_visible()
        page.locator("#categories a[href$='/indicators/satisfaction-recipient/']").click()
        rows = page.locator("table.explorer-table tbody tr")
        expected = [r for r in indicators_csv(site) if r["level2"] == "recipient"]
        assert rows.count() == len(expected) > 0
        permalink = rows.first.locator("th a").get_attribute("href")
        assert permalink.endswith("#indicator-satisfaction")
    finally:
        context.close()


def test_a_category_of_many_indicators_is_paged(tmp_path):
    root = tmp_path / "corpus"
    result = subprocess.run([sys.executable, str(REPO / "bench/make_corpus.py"), "80", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = build(root, None, "--no-search")
    pages = sorted((out / "zh/indicators/benefit-social").rglob("index.html"))
    assert len(pages) > 1
    counts = [p.read_text(encoding="utf-8").count("<tr>") - 1 for p in pages]  # less the head
    assert max(counts) <= explorer.PAGE_ROWS
    assert 'rel="next"' in (out / "zh/indicators/benefit-social/index.html").read_text("utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_is_the_open_data_lines_of_the_results(page, site, url, lang):
    page.goto(url + f"{lang}/indicators/?year=2024&type=quantitative")
    count = len(explorer_rows(page))
    with page.expect_download() as waiting:
        page.click("#explorer-export")
    download = waiting.value
    assert download.suggested_filename == "indicators_year-2024_type-quantitative.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    open_data = (site.out / "data/indicators.csv").read_bytes()
    header = open_data.split(b"\r\n", 1)[0]
    assert data.split(b"\r\n", 1)[0] == header
    exported = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    expected = [r for r in indicators_csv(site)
                if r["year"] == "2024" and r["type"] == "quantitative"]
    assert count == len(exported) == len(expected) > 0
    assert sorted(map(str, exported)) == sorted(map(str, expected))


# --- embeds --------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_embed_loads_in_an_iframe_on_another_origin(page, site, url, lang, tmp_path):
    problems: list[str] = []
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url.startswith(url) else None)
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((url, "http://127.0.0.1")) else None)
    for path in EMBEDS:
        (tmp_path / "host.html").write_text(
            f'<!doctype html><title>host</title><iframe src="{url}{lang}/{path}" title="embed" '
            f'width="600" height="500"></iframe>', encoding="utf-8")
        with serve(tmp_path) as host:
            assert urlparse(host).port != urlparse(url).port  # another origin
            page.goto(host + "host.html")
            frame = page.frame_locator("iframe")
            back = frame.locator(".embed-footer a[target=_blank]")
            back.wait_for()
            parent = path.removeprefix("embed/")
            assert back.get_attribute("href").endswith(f"/{lang}/{parent}")
            assert frame.locator(".embed-footer").inner_text().count("\n") >= 2
            if "programmes" in path or path == "embed/wuhua/":
                assert frame.locator("svg.chart").count() == 1
                assert frame.locator("table").count() == 1
            else:
                assert frame.locator(".embed-figures .figure").count() >= 3
    assert not problems and not outside, (problems, outside)


def embed_code(site: Site, url: str, path: str) -> str:
    """The code a parent page offers to copy, pointed at the test server."""
    code = html(site, path).split('class="embed-code-text"', 1)[1].split(">", 1)[1]
    code = code.split("</textarea>")[0].replace("&lt;", "<").replace("&gt;", ">")
    return re.sub(r"https://[^/\"]+/", url, code)


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_embed_sizes_itself_in_a_host_page(browser, site, url, lang, width, tmp_path):
    """The code as offered, in a host page on another origin: the <iframe> grows to the
    view's height, so the footer (source, version, full-page link) is never cut off;
    without the host script it keeps the fixed height the code gives it."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for parent in (f"wuhua/2025/{SLUG}/", "wuhua/", PROGRAMME):
        code = embed_code(site, url, f"{lang}/{parent}")
        fixed = int(re.search(r'height="(\d+)"', code)[1])
        host = '<!doctype html><meta name="viewport" content="width=device-width">' \
               '<title>host</title><body style="margin:8px">'
        (tmp_path / "host.html").write_text(host + code, encoding="utf-8")
        (tmp_path / "bare.html").write_text(host + code.split("<script")[0], encoding="utf-8")
        with serve(tmp_path) as address:
            assert urlparse(address).port != urlparse(url).port  # another origin
            page.goto(address + "host.html")
            frame = page.frame_locator("iframe")
            frame.locator(".embed-footer a[target=_blank]").wait_for()
            inner = page.frames[1].evaluate(
                "Math.ceil(document.documentElement.getBoundingClientRect().height)")
            page.wait_for_function(f"document.querySelector('iframe').offsetHeight >= {inner}")
            box = page.locator("iframe").bounding_box()
            link = frame.locator(".embed-footer a[target=_blank]").bounding_box()
            assert link["y"] + link["height"] <= box["y"] + box["height"], (parent, link, box)
            assert abs(box["height"] - inner) <= 2, (parent, box, inner)
            if width == 360:
                assert inner > fixed, (parent, inner)  # the fixed height would cut it off
            page.goto(address + "bare.html")
            page.frame_locator("iframe").locator(".embed-footer").wait_for(state="attached")
            assert page.locator("iframe").bounding_box()["height"] == fixed
    context.close()


def test_parent_pages_show_the_code_to_copy(site):
    for path in (f"zh/wuhua/2025/{SLUG}/", "en/wuhua/", f"zh/{PROGRAMME}"):
        lang, rest = path.split("/", 1)
        code = html(site, path).split('class="embed-code-text"', 1)[1].split("</textarea>")[0]
        assert '&lt;iframe src="https://' in code and f'/{lang}/embed/{rest}"' in code, code
        assert (site.out / lang / "embed" / rest / "index.html").is_file()


# --- the gates on the pages only this site has -------------------------------------------

NEW_PAGES = [f"{lang}/{path}" for lang in ("zh", "en") for path in (PROGRAMME, *EMBEDS)] + \
            [f"{lang}/indicators/?level2=output-quality" for lang in ("zh", "en")]


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_violations_on_the_new_pages(page, url, width):
    axe = Axe()
    found = []
    page.set_viewport_size({"width": width, "height": 900})
    for path in NEW_PAGES:
        page.goto(url + path)
        if "indicators" in path:
            explorer_rows(page)
        for v in axe.run(page, options=WCAG_21_AA).response["violations"]:
            found.append(f"/{path} at {width}px: {v['id']}: {v['help']} "
                         f"{[n['target'] for n in v['nodes']][:3]}")
    assert not found, "\n".join(found)


def test_the_new_pages_are_valid_html_under_the_policy_and_in_the_sitemap(site, tmp_path):
    files = [p for p in as_the_checker_reads_them([site], tmp_path)
             if "programmes" in p.as_posix() or "/embed/" in p.as_posix()]
    # Per language: four projects, two districts, the programme and its embed.
    assert len(files) == 2 * (4 + 2 + 2)
    result = vnu(files)
    assert result.returncode == 0, result.stdout + result.stderr
    sitemap = (site.out / "sitemap.xml").read_text(encoding="utf-8")
    for path in NEW_PAGES:
        if "?" not in path:
            assert f"/{path}</loc>" in sitemap, path
            head = _Head()
            head.feed(html(site, path))
            assert len(head.policies) == 1 and not head.before_policy and not head.problems
