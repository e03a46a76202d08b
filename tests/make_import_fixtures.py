"""Make the Kunming layout's fixtures in the formats offices publish, from the two real
seed disclosures (tests/fixtures/import/seed-*.txt, copied unchanged from the shared
seeds): for each, a Word file (.docx), a workbook (.xlsx), a web page (.html) and a PDF
printed from that web page by Chromium with the CJK font embedded. They are laid out as
the official form is: the heading and labelled blocks as paragraphs, then the
项目绩效目标表 as one table whose 一级指标 and 二级指标 cells are merged down the rows
they head (vertically merged, read once), whose title and target texts are merged
across columns, with the amounts in the workbook as numbers. Every text is the seed's
own; only the layout is made here.

    python tests/make_import_fixtures.py      # writes tests/fixtures/import/formats/

The PDF needs Debian's Chromium (/usr/bin/chromium) and fonts-noto-cjk; the rest need
python-docx, openpyxl and xlwt (the test extras). The files are committed: the tests read
them and never run this script.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "fixtures" / "import"
OUT = SOURCES / "formats"
SEEDS = {"wuhua-2025": "seed-000-wuhua-2025.txt", "chenggong-2026": "seed-002-chenggong-2026.txt"}
COLUMNS = 10  # 一级 二级 三级 指标性质 指标值 度量单位 指标属性 评分标准 指标内容 依据及来源


@dataclass
class Form:
    paragraphs: list[str]        # every line before the table, as the document has it
    targets: list[tuple[str, str]]  # (总体目标(…) / 预算年度(…)目标, its text)
    rows: list[list[str]]        # one per indicator: the ten cells, levels repeated


def form(text: str) -> Form:
    lines = text.splitlines()
    at = lines.index("项目绩效目标表")
    paragraphs = [line.strip() for line in lines[:at] if line.strip()]
    groups: list[list[str]] = [[]]
    for line in lines[at + 1:]:
        if not line.strip() and "\t" not in line:
            groups.append([])
        elif line.lstrip(" ").startswith("\t"):
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups[-1][-1] += line.strip()
    groups = [g for g in groups if g]
    targets, rows = [], []
    level1 = level2 = ""
    in_rows = False
    for group in groups:
        cells = ["" if c == "空" else c for c in group]
        if cells[0] in ("项目绩效目标表",):
            continue
        if cells[0] == "项目目标" or (not in_rows and any(
                re.match(r"^(总体目标|预算年度)", c) for c in cells)):
            rest = [c for c in cells[1:]]
            while rest:
                label, body = rest.pop(0), ""
                while rest and not re.match(r"^(总体目标|预算年度)", rest[0]):
                    body += rest.pop(0)
                targets.append((label, body))
            continue
        if cells[0] in ("绩效指标", "一级指标"):
            in_rows = True
            # The headings; the Chenggong text runs its first row on after them.
            while cells and cells[0] in HEADINGS:
                cells.pop(0)
            if not any(cells):
                continue
        if not in_rows:
            continue
        if cells[0] and not any(cells[2:]):
            level1 = cells[0]
            continue
        if len(cells) > 1 and cells[1] and not any(cells[2:]):
            level2 = cells[1]
            continue
        row = (cells + [""] * COLUMNS)[:COLUMNS]
        row[0], row[1] = level1, level2
        rows.append(row)
    return Form(paragraphs, targets, rows)


def spans(rows: list[list[str]], column: int) -> list[int]:
    """For each row, how many rows its cell in `column` covers (0: covered by one above)."""
    out = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][column] != rows[start][column] or \
                (column == 1 and rows[i][0] != rows[start][0]):
            out[start] = i - start
            start = i
    return out


HEADINGS = {"绩效指标", "评（扣）分标准", "指标内容", "绩效指标值设定依据及数据来源", "一级指标",
            "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "指标属性"}
HEAD = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "指标属性"]
AFTER = ["评（扣）分标准", "指标内容", "绩效指标值设定依据及数据来源"]


def web_page(f: Form) -> str:
    out = ["<!doctype html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           "<title>预算重点领域财政项目</title><style>",
           "body{font-family:'Noto Sans CJK SC','Noto Serif CJK SC',sans-serif;font-size:10pt}",
           "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;"
           "padding:2pt;vertical-align:top;font-weight:normal}",
           "</style></head><body>"]
    out += [f"<p>{html.escape(p)}</p>" for p in f.paragraphs]
    out.append("<p>项目绩效目标表</p>")
    out.append("<table>")
    out.append(f'<tr><td colspan="{COLUMNS}">项目绩效目标表</td></tr>')
    for i, (label, body) in enumerate(f.targets):
        first = f'<td rowspan="{len(f.targets)}">项目目标</td>' if i == 0 else ""
        out.append(f"<tr>{first}<td colspan=\"2\">{html.escape(label)}</td>"
                   f"<td colspan=\"{COLUMNS - 3}\">{html.escape(body)}</td></tr>")
    out.append('<tr><td colspan="7">绩效指标</td>' +
               "".join(f'<td rowspan="2">{h}</td>' for h in AFTER) + "</tr>")
    out.append("<tr>" + "".join(f"<td>{h}</td>" for h in HEAD) + "</tr>")
    one, two = spans(f.rows, 0), spans(f.rows, 1)
    for row, s1, s2 in zip(f.rows, one, two):
        cells = []
        if s1:
            cells.append(f'<td rowspan="{s1}">{html.escape(row[0])}</td>')
        if s2:
            cells.append(f'<td rowspan="{s2}">{html.escape(row[1])}</td>')
        cells += [f"<td>{html.escape(c)}</td>" for c in row[2:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def word_file(f: Form, path: Path) -> None:
    import datetime

    import docx

    document = docx.Document()
    for paragraph in f.paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph("项目绩效目标表")
    table = document.add_table(rows=0, cols=COLUMNS)
    table.style = "Table Grid"

    def row() -> list:
        return table.add_row().cells

    title = row()
    title[0].merge(title[-1]).text = "项目绩效目标表"
    first_target = None
    for label, body in f.targets:
        cells = row()
        first_target = first_target or cells[0]
        cells[1].merge(cells[2]).text = label
        cells[3].merge(cells[-1]).text = body
        last_target = cells[0]
    first_target.merge(last_target).text = "项目目标"
    head1, head2 = row(), row()
    head1[0].merge(head1[6]).text = "绩效指标"
    for i, heading in enumerate(AFTER, 7):
        head1[i].merge(head2[i]).text = heading
    for i, heading in enumerate(HEAD):
        head2[i].text = heading
    made = [row() for _ in f.rows]
    for column in (0, 1):
        for start, span in enumerate(spans(f.rows, column)):
            if span:
                cell = made[start][column].merge(made[start + span - 1][column]) \
                    if span > 1 else made[start][column]
                cell.text = f.rows[start][column]
    for cells, values in zip(made, f.rows):
        for i in range(2, COLUMNS):
            cells[i].text = values[i]
    document.core_properties.created = datetime.datetime(2025, 1, 1)
    document.core_properties.modified = datetime.datetime(2025, 1, 1)
    document.save(path)


def grid(f: Form) -> tuple[list[tuple[int, int, object]], list[tuple[int, int, int, int]]]:
    """The form as a sheet: each cell's (row, column, value), from 0, the amounts and
    target values as numbers, and the merged ranges (first row, last row, first column,
    last column). Both workbook formats are written from it."""
    cells: list[tuple[int, int, object]] = []
    merges: list[tuple[int, int, int, int]] = []

    def number(text: str):
        return float(text) if "." in text else int(text)

    r = 0
    for paragraph in f.paragraphs:
        # An amount as a number of its own cell, as workbooks keep them.
        amount = re.fullmatch(r"(.*?)(\d+\.\d+|\d+)(元。?)", paragraph)
        if amount:
            cells += [(r, 0, amount[1]), (r, 1, number(amount[2])), (r, 2, amount[3])]
        else:
            cells.append((r, 0, paragraph))
        r += 1
    cells += [(r, 0, "项目绩效目标表"), (r + 1, 0, "项目绩效目标表")]
    merges.append((r + 1, r + 1, 0, COLUMNS - 1))
    r += 2
    top = r
    for label, body in f.targets:
        cells += [(r, 1, label), (r, 3, body)]
        merges += [(r, r, 1, 2), (r, r, 3, COLUMNS - 1)]
        r += 1
    cells.append((top, 0, "项目目标"))
    merges.append((top, r - 1, 0, 0))
    cells.append((r, 0, "绩效指标"))
    merges.append((r, r, 0, 6))
    for i, heading in enumerate(AFTER, 7):
        cells.append((r, i, heading))
        merges.append((r, r + 1, i, i))
    cells += [(r + 1, i, heading) for i, heading in enumerate(HEAD)]
    r += 2
    for n, values in enumerate(f.rows):
        for i, value in enumerate(values[2:], 2):
            plain = re.fullmatch(r"\d+(?:\.\d+)?", value)
            cells.append((r + n, i, number(value) if plain else value))
    for column in (0, 1):
        for start, span in enumerate(spans(f.rows, column)):
            if span:
                cells.append((r + start, column, f.rows[start][column]))
                if span > 1:
                    merges.append((r + start, r + start + span - 1, column, column))
    return cells, merges


def workbook(f: Form, path: Path) -> None:
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目绩效目标"
    cells, merges = grid(f)
    for row, column, value in cells:
        sheet.cell(row + 1, column + 1, value)
    for r0, r1, c0, c1 in merges:
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1,
                          end_column=c1 + 1)
    book.properties.created = book.properties.modified = datetime.datetime(2025, 1, 1)
    book.save(path)


def old_workbook(f: Form, path: Path) -> None:
    """The same workbook in the old binary format (.xls), as older offices still save it:
    written by xlwt, with the same merged ranges and numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("项目绩效目标")
    cells, merges = grid(f)
    merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    for row, column, value in cells:
        if (row, column) in merged:
            last_row, last_column = merged[row, column]
            sheet.write_merge(row, last_row, column, last_column, value)
        else:
            sheet.write(row, column, value)
    book.save(str(path))


def pdf(page: Path, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        tab = browser.new_page()
        tab.goto(page.as_uri())
        tab.pdf(path=str(path), format="A4", landscape=True,
                margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
        browser.close()


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for stem, name in SEEDS.items():
        f = form((SOURCES / name).read_text(encoding="utf-8"))
        page = OUT / f"{stem}.html"
        page.write_text(web_page(f), encoding="utf-8")
        word_file(f, OUT / f"{stem}.docx")
        workbook(f, OUT / f"{stem}.xlsx")
        old_workbook(f, OUT / f"{stem}.xls")
        if "--no-pdf" not in sys.argv:
            pdf(page, OUT / f"{stem}.pdf")
        print(f"{stem}: {len(f.paragraphs)} paragraphs, {len(f.rows)} indicators")
    return 0


if __name__ == "__main__":
    sys.exit(main())
