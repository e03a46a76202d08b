"""A project page, read as a reader and a browser read it: amounts, languages, links to
the other language, the performance table in the official layout, untranslated text
shown openly, and the change from last year."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from conftest import REPO, build, copy_site
from pagetext import CJK, Element, parse, read, table_rows

WUHUA = "wuhua/2025/urban-rural-medical-assistance"
CHENGGONG = "chenggong/2026/civil-servant-medical-subsidy-insurance"
PROJECTS = (WUHUA, CHENGGONG)
LANGS = {"zh": "zh-CN", "en": "en"}


def source(key: str) -> dict:
    path = REPO / "content" / "projects" / key / "project.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def page(site, lang: str, key: str) -> Element:
    return read(site / lang / key / "index.html")


def funding_rows(document: Element) -> list[list[str]]:
    """The funding table's cells, without the † that marks a figure the site worked out
    (test_provenance.py checks the marks)."""
    table = document.find("table", **{"class": "funding cards"})
    return [[cell.text().removesuffix(" †") for cell in row.cells] for row in table_rows(table)]


# --- amounts -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang, key, exact, rounded", [
    ("zh", WUHUA, "7,968,243.98元", "796.82万元"),
    ("en", WUHUA, "CNY 7,968,243.98", "CNY 7.97 million"),
    ("zh", CHENGGONG, "5,500,000.00元", "550.00万元"),
    ("en", CHENGGONG, "CNY 5,500,000.00", "CNY 5.50 million"),
])
def test_budget_year_amount_in_each_locale(real_site, lang, key, exact, rounded):
    document = page(real_site, lang, key)
    budget_year = funding_rows(document)[0]
    assert budget_year[1:] == [exact, rounded]
    figures = document.by_id("summary").text()
    assert exact in figures and rounded in figures


def year_range(start: int, end: int, lang: str) -> str:
    """The one way the site writes a period: the documents' 2026年-2028年, or 2026–2028."""
    return f"{start}年-{end}年" if lang == "zh" else f"{start}–{end}"


@pytest.mark.parametrize("lang, total, rounded", [
    ("zh", "16,500,000.00元", "1,650.00万元"), ("en", "CNY 16,500,000.00", "CNY 16.50 million")])
def test_multi_year_total(real_site, lang, total, rounded):
    multi = source(CHENGGONG)["funding"]["multi_year"]
    period = year_range(multi["start"], multi["end"], lang)
    document = page(real_site, lang, CHENGGONG)
    rows = funding_rows(document)
    assert [total, rounded] in [row[1:] for row in rows]
    assert [row[0] for row in rows if row[1] == total] == [
        {"zh": f"多年度资金总额（{period}）", "en": f"Multi-year total ({period})"}[lang]]
    figures = document.by_id("summary").text()
    assert period in figures


@pytest.mark.parametrize("key", PROJECTS)
@pytest.mark.parametrize("lang", LANGS)
def test_year_ranges_are_written_one_way(real_site, lang, key):
    """Every period on the page (multi-year total, overall objective) in the same style,
    and no other style of range anywhere in the page's own words."""
    data = source(key)
    document = page(real_site, lang, key)
    overall = data["targets"]["overall"]
    target = document.by_id("overall-target").find("dt").text()
    # As the documents head it: 总体目标(2026年-2028年), half-width brackets and all.
    assert target == {"zh": f"总体目标({year_range(overall['start'], overall['end'], 'zh')})",
                      "en": f"Overall objective ({year_range(overall['start'], overall['end'], 'en')})"}[lang]
    chrome = " ".join(e.text() for e in document.find_all("dt") + document.find_all("th"))
    assert not re.search(r"\d{4}\s*[—~]\s*\d{4}|\d{4}年?–\d{4}年", chrome), chrome
    if lang == "zh":
        assert not re.search(r"\d{4}–\d{4}", chrome), chrome


def comparison(document: Element) -> tuple[list[str], list[list[str]]]:
    table = document.by_id("funding-comparison")
    header = [th.text() for th in table.find("thead").find_all("th")]
    return header, [[cell.text().removesuffix(" †") for cell in row.cells]
                    for row in table_rows(table)]


@pytest.mark.parametrize("lang", LANGS)
def test_budget_minus_last_years_spending_is_labelled_for_what_it_is(real_site, lang):
    """Wuhua's 2024 figure is what the district paid in medical assistance in all, as a
    sentence of the narrative says, not a budget nor this project's stated spending: the
    difference names it as that year's figure, and its percentage has a column of its own."""
    data = source(WUHUA)
    funding = data["funding"]
    year, spent = data["year"], funding["previous_year"]["year"]
    previous = Decimal(str(funding["previous_year"]["amount"]))
    change = Decimal(str(funding["budget_year"])) - previous
    digits = f"{abs(change):,.2f}"
    expected = {"zh": f"−{digits}元", "en": f"−CNY {digits}"}[lang]
    ratio = f"{change / previous * 100:.1f}%"
    document = page(real_site, lang, WUHUA)
    rows = funding_rows(document)
    last_year = [row for row in rows if row[1] == ("8,241,234.00元" if lang == "zh"
                                                    else "CNY 8,241,234.00")]
    assert len(last_year) == 1 and str(spent) in last_year[0][0]
    assert not [row for row in rows if row[1].startswith(("−", "+", "±"))]
    header, (row,) = comparison(document)
    label = {"zh": f"{year}年预算减去{spent}年数字",
             "en": f"{year} budget minus the {spent} figure"}[lang]
    share = {"zh": f"差额占{spent}年数字的比例",
             "en": f"Difference as a share of the {spent} figure"}[lang]
    assert row[0] == label and row[1] == expected
    assert header[3] == share and row[3].replace("−", "-") == ratio
    assert "%" not in row[2] and header[2] == {"zh": "约数", "en": "Rounded"}[lang]
    body = document.find("body").text()
    assert "较2024年增减" not in body and "Change from" not in body


def test_no_comparison_without_last_year(real_site):
    document = page(real_site, "en", CHENGGONG)
    rows = funding_rows(document)
    assert not [row for row in rows if row[1].startswith(("−", "+", "±"))]
    assert not document.find_all(id="funding-comparison")


def test_last_years_components_are_listed(real_site):
    rows = funding_rows(page(real_site, "zh", WUHUA))
    assert ["门诊费用", "3,627,836.00元", "362.78万元"] in rows
    assert ["住院费用", "4,613,398.00元", "461.34万元"] in rows


# --- languages ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", PROJECTS)
@pytest.mark.parametrize("lang", LANGS)
def test_html_lang(real_site, lang, key):
    assert page(real_site, lang, key).find("html").attrs["lang"] == LANGS[lang]


def alternates(document: Element) -> dict[str, str]:
    links = [e for e in document.find("head").find_all("link")
             if e.attrs.get("rel") == "alternate" and e.attrs.get("hreflang")]
    found = {e.attrs["hreflang"]: e.attrs["href"] for e in links}
    assert len(found) == len(links), "an hreflang is given twice"
    return found


@pytest.mark.parametrize("key", PROJECTS)
def test_reciprocal_hreflang_alternates_with_x_default(real_site, key):
    base_url = yaml.safe_load((REPO / "content" / "site.yaml").read_text("utf-8"))["base_url"]
    zh, en = alternates(page(real_site, "zh", key)), alternates(page(real_site, "en", key))
    assert zh == en
    assert zh == {"zh-CN": f"{base_url}/zh/{key}/", "en": f"{base_url}/en/{key}/",
                  "x-default": f"{base_url}/zh/{key}/"}
    for url in zh.values():
        assert (real_site / url.removeprefix(base_url + "/") / "index.html").is_file()


@pytest.mark.parametrize("key", PROJECTS)
@pytest.mark.parametrize("lang, other", [("zh", "en"), ("en", "zh")])
def test_language_switcher_goes_to_the_same_project(real_site, lang, other, key):
    document = page(real_site, lang, key)
    switch = [a for a in document.find_all("a") if "data-keep-hash" in a.attrs]
    assert len(switch) == 1
    assert switch[0].attrs["href"] == f"/{other}/{key}/"
    assert switch[0].attrs["hreflang"] == LANGS[other] == switch[0].attrs["lang"]


# --- the performance target table --------------------------------------------------------

def indicator_table(document: Element) -> Element:
    return document.find("table", **{"class": "indicators"})


@pytest.mark.parametrize("key", PROJECTS)
@pytest.mark.parametrize("lang", LANGS)
def test_indicator_table_layout(real_site, lang, key):
    table = indicator_table(page(real_site, lang, key))
    header = table.find("thead").find_all("th")
    assert len(header) == 11 and all(th.attrs.get("scope") == "col" for th in header)
    assert all(th.attrs.get("scope") in ("col", "row", "rowgroup") for th in table.find_all("th"))
    indicators = source(key)["indicators"]
    rows = table_rows(table)
    assert len(rows) == len(indicators)
    for row, indicator in zip(rows, _in_table_order(indicators)):
        cells = row.spanning + row.cells
        assert len(cells) == len(header), "every column, on every row"
        assert row.element.attrs["id"] == f"indicator-{indicator['id']}"
        name = indicator["name"][lang] if isinstance(indicator["name"], dict) else indicator["name"]
        assert cells[2].text().startswith(name) and cells[2].attrs["scope"] == "row"


def _in_table_order(indicators: list[dict]) -> list[dict]:
    """Grouped by level 1, then level 2, in order of first appearance (stable)."""
    first1 = {i["level1"]: n for n, i in reversed(list(enumerate(indicators)))}
    first2 = {(i["level1"], i["level2"]): n for n, i in reversed(list(enumerate(indicators)))}
    return sorted(indicators, key=lambda i: (first1[i["level1"]],
                                             first2[(i["level1"], i["level2"])]))


@pytest.mark.parametrize("key", PROJECTS)
def test_level_cells_span_their_rows(real_site, key):
    table = indicator_table(page(real_site, "zh", key))
    indicators = _in_table_order(source(key)["indicators"])
    level1_cells = [c for c in table.find_all("th") if c.attrs.get("scope") == "rowgroup"]
    expected1 = [(i["level1"], sum(1 for j in indicators if j["level1"] == i["level1"]))
                 for n, i in enumerate(indicators)
                 if n == 0 or indicators[n - 1]["level1"] != i["level1"]]
    assert [int(c.attrs["rowspan"]) for c in level1_cells] == [span for _, span in expected1]
    words = {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标",
             "cost": "成本指标"}
    assert [c.text() for c in level1_cells] == [words[level] for level, _ in expected1]
    for row, indicator in zip(table_rows(table), indicators):
        level1, level2 = (row.spanning + row.cells)[:2]
        assert level1.text() == words[indicator["level1"]]
        assert level2.attrs.get("rowspan") and level2.attrs.get("scope") == "row"
    # Each level-1 group is a <tbody>, so that scope="rowgroup" names its rows.
    bodies = table.find_all("tbody")
    assert [len(b.find_all("tr")) for b in bodies] == [span for _, span in expected1]


@pytest.mark.parametrize("key", PROJECTS)
def test_row_ids_are_the_same_in_both_languages(real_site, key):
    ids = {lang: [r.element.attrs["id"] for r in table_rows(indicator_table(
        page(real_site, lang, key)))] for lang in LANGS}
    assert ids["zh"] == ids["en"] and len(set(ids["zh"])) == len(ids["zh"])
    document = page(real_site, "zh", key)
    for element_id in ids["zh"]:
        permalink = [a for a in document.by_id(element_id).find_all("a")
                     if a.attrs.get("href") == f"#{element_id}"]
        assert permalink, f"row {element_id} links to itself"


# --- Chinese on the English page ---------------------------------------------------------

def unmarked_chinese(document: Element) -> list[str]:
    """Chinese text on the page that is not inside an element marked lang="zh-CN"."""
    body = document.find("body")
    return sorted({text.strip() for text, parent in body.text_nodes(visible_only=False)
                   if CJK.search(text) and parent.lang() != "zh-CN"})


def chinese_in_attributes(document: Element) -> list[str]:
    """Text a reader may hear or see in an attribute (no lang can mark it there)."""
    return [f"{e.tag}[{name}]={value}" for e in document.find("body").iter()
            for name in ("title", "alt", "aria-label", "placeholder")
            if (value := e.attrs.get(name)) and CJK.search(value)]


@pytest.mark.parametrize("key", PROJECTS)
def test_every_piece_of_chinese_on_the_english_page_is_marked(real_site, key):
    document = page(real_site, "en", key)
    assert unmarked_chinese(document) == []
    assert chinese_in_attributes(document) == []
    originals = [e for e in document.find_all("span", **{"class": "original"})]
    assert originals and all(e.attrs.get("lang") == "zh-CN" for e in originals)


def test_the_check_finds_unmarked_chinese():
    document = parse('<body><p>English <b>中文</b></p><p lang="zh-CN">中文</p></body>')
    assert unmarked_chinese(document) == ["中文"]


# --- text not yet translated -------------------------------------------------------------

def without_lines(text: str, *starts: str) -> str:
    """`text` without the one line that starts with each of `starts`."""
    lines = text.splitlines(keepends=True)
    for start in starts:
        found = [line for line in lines if line.startswith(start)]
        assert len(found) == 1, start
        lines.remove(found[0])
    return "".join(lines)


def without_section_text(text: str, section_id: str) -> str:
    """A narrative with the body of one section removed, its heading kept."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            skipping = line.rstrip().endswith(f"{{#{section_id}}}")
            out.append(line)
        elif not skipping:
            out.append(line)
    assert len(out) < len(text.splitlines()), section_id
    return "".join(out)


EMPTIED = "plan"  # the section of Wuhua's en.md left with its heading only


@pytest.fixture(scope="module")
def untranslated_site(tmp_path_factory):
    """The real content with English removed from two fields and from Chenggong's en.md,
    and one section of Wuhua's en.md left empty."""
    root = copy_site(tmp_path_factory.mktemp("untranslated"))
    path = root / "content" / "projects" / WUHUA / "project.yaml"
    path.write_text(without_lines(path.read_text(encoding="utf-8"),
                                  '  en: "Pursuant to the Notice of the General Office',
                                  "      en: Accuracy in determining the persons"),
                    encoding="utf-8")
    en_md = root / "content" / "projects" / WUHUA / "en.md"
    en_md.write_text(without_section_text(en_md.read_text(encoding="utf-8"), EMPTIED),
                     encoding="utf-8")
    (root / "content" / "projects" / CHENGGONG / "en.md").unlink()
    return build(root, None, "--no-search")


def visible(element: Element) -> bool:
    while element is not None:
        if not element.shown():
            return False
        element = element.parent
    return True


def _labelled(element: Element, chinese: str) -> None:
    """`element` shows `chinese` marked lang="zh-CN" beside a visible English label."""
    marked = [e for e in element.iter()
              if e.attrs.get("lang") == "zh-CN" and e.text() == chinese and visible(e)]
    assert len(marked) == 1, element.text()
    labels = [e for e in element.iter() if "untranslated" in e.classes]
    assert len(labels) == 1 and labels[0].text() == "not yet translated"
    assert labels[0].lang() == "en" and visible(labels[0])


def test_untranslated_text_shows_the_chinese_marked_and_labelled(untranslated_site):
    document = page(untranslated_site, "en", WUHUA)
    basis = source(WUHUA)["basis"]["zh"]
    _labelled(document.by_id("basis"), basis)
    row = document.by_id("indicator-eligibility-accuracy")
    _labelled(_name_cell(row), "救助人员界定准确率")
    assert unmarked_chinese(document) == []


def _name_cell(row: Element) -> Element:
    cells = [c for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")]
    return [c for c in cells if c.tag == "th" and not c.attrs.get("rowspan")][0]


def test_translated_text_has_no_label(untranslated_site):
    document = page(untranslated_site, "en", WUHUA)
    assert "not yet translated" not in document.by_id("unit").text()
    assert "尚未翻译" not in page(untranslated_site, "zh", WUHUA).find("body").text()


def test_untranslated_narrative_shows_the_chinese_sections(untranslated_site):
    document = page(untranslated_site, "en", CHENGGONG)
    sections = [s for s in document.find_all("section") if "narrative" in s.classes]
    assert [s.attrs["id"] for s in sections] == ["overview", "activities",
                                                 "funding-arrangement", "plan", "results"]
    for section in sections:
        assert section.attrs.get("lang") == "zh-CN"
        labels = [e for e in section.iter() if "untranslated" in e.classes]
        assert len(labels) == 1 and labels[0].lang() == "en" and visible(labels[0])
        assert labels[0].text() == "not yet translated"
    assert unmarked_chinese(document) == []


def zh_section_text(key: str, section_id: str) -> str:
    """The body of a section of zh.md, as words (Markdown marks aside)."""
    text = (REPO / "content" / "projects" / key / "zh.md").read_text(encoding="utf-8")
    body = text.split(f"{{#{section_id}}}", 1)[1].split("\n## ", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"[*_#>`-]", " ", body)).strip()


def test_an_empty_english_section_shows_the_chinese_section(untranslated_site):
    """en.md exists but leaves one section empty: that section, and only it, shows the
    Chinese marked lang="zh-CN" with the visible label; the others stay English."""
    document = page(untranslated_site, "en", WUHUA)
    sections = {s.attrs["id"]: s for s in document.find_all("section")
                if "narrative" in s.classes}
    assert list(sections) == ["overview", "activities", "funding-arrangement", "plan",
                              "results"]
    emptied = sections[EMPTIED]
    assert emptied.attrs.get("lang") == "zh-CN"
    labels = [e for e in emptied.iter() if "untranslated" in e.classes]
    assert len(labels) == 1 and labels[0].lang() == "en" and visible(labels[0])
    assert labels[0].text() == "not yet translated"
    shown = re.sub(r"\s+", " ", re.sub(r"[*_#>`-]", " ", emptied.text())).strip()
    words = zh_section_text(WUHUA, EMPTIED)
    assert words and words[:40] in shown
    for sid, section in sections.items():
        if sid != EMPTIED:
            assert section.attrs.get("lang") is None, sid
            assert not [e for e in section.iter() if "untranslated" in e.classes], sid
            assert not CJK.search(section.find("h2").text()), sid
    assert unmarked_chinese(document) == []
