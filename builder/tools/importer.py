"""`budgetsite import`: the office's published files to project folders.

A file is read by the reader of its format (builder/tools/readers: PDF, workbook, Word,
web page, text, recognised by content), its layout (builder/tools/layouts) finds the
projects in it, and each project becomes a folder under content/projects/: project.yaml,
zh.md and the original file as published, with `source.file` and the pages it came
from. Several files are read on all cores; one file that cannot be read is reported
in one line and does not stop the others. Nothing is written with `--dry-run`; a
project already imported from the same file is left alone when nothing changed, and
when the document changed, the changes are shown field by field and written only with
`--update`.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from builder.core import i18n, messages
from builder.core.errors import ConfigError, Problem
from builder.sources import characters, check, discover, load, mapping, schema
from builder.tools import readers, scaffold
from builder.tools.layouts import Found, Hints, Note, registry as layout_registry
from builder.tools.readers import DocumentError

MAX_SLUG = 60
UNREADABLE = "import.document"  # the code of a file that cannot be read as a document
EXTENSIONS = {"pdf": "pdf", "xlsx": "xlsx", "xls": "xls", "xlsb": "xlsx", "docx": "docx",
              "doc": "doc", "html": "html", "text": "txt"}
KIND_NAMES = {"pdf": "PDF", "xlsx": "workbook", "xls": "workbook (.xls)",
              "xlsb": "workbook (.xlsb)", "docx": "Word file", "doc": "Word file (.doc)",
              "html": "web page", "text": "text"}
KIND_NAMES_ZH = {"pdf": "PDF", "xlsx": "表格", "xls": "表格（.xls）", "xlsb": "表格（.xlsb）",
                 "docx": "Word 文件", "doc": "Word 文件（.doc）", "html": "网页", "text": "文本"}


@dataclass(frozen=True)
class Options:
    district: str | None = None
    year: int | None = None
    slug: str | None = None
    name: str | None = None
    layout: str | None = None
    dry_run: bool = False
    update: bool = False


@dataclass
class Planned:
    """One project of a document, ready to be written."""

    found: Found
    slug: str
    folder: Path
    files: dict[str, str | bytes]
    state: str = "new"           # new, unchanged, changed, clash
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # `check` of what was written
    continues: str | None = None


@dataclass
class FileReport:
    path: Path
    kind: str = ""
    layout: str = ""
    pages: int | None = None
    error: str | None = None
    projects: list[Planned] = field(default_factory=list)


# -- reading (in worker processes) --------------------------------------------------

@dataclass
class _Read:
    path: Path
    data: bytes = b""
    kind: str = ""
    layout: str = ""
    pages: int | None = None
    found: list[Found] = field(default_factory=list)
    error: str | None = None


def _read(path: Path, hints: Hints, layout: str | None) -> _Read:
    """One file to its projects; every refusal is one line, never a traceback."""
    result = _Read(path)
    try:
        result.data = readers.file_bytes(path)
        document = readers.read(path, result.data)
        result.kind, result.pages = document.kind, document.pages
        invisible = _invisible(document)
        if invisible:
            raise DocumentError(invisible)
        chosen = layout_registry.choose(document, layout)
        result.layout = chosen.NAME
        result.found = chosen.projects(document, hints)
        if not result.found:
            raise DocumentError(f"the {chosen.NAME} layout found no project in it")
    except (DocumentError, ConfigError) as err:
        result.error = str(err).removeprefix(f"{path.name}: ")
    except Exception as err:  # a library failing on a damaged file: one line, no traceback
        result.error = (f"the file could not be read ({type(err).__name__}: {err}); it may "
                        f"be damaged: download it again")
    return result


def _invisible(document: readers.Document) -> str | None:
    """The document refused when its text holds a character that changes what a reader
    sees without being seen (a direction override turns 7968243.98 into 89.3428697): one
    line naming where the first is, and how many there are."""
    found = []
    for block in document.blocks:
        cells = [(block.text, block.place)] if isinstance(block, readers.Paragraph) else \
            [(cell.text, cell.place) for row in block.rows for cell in row]
        for text, place in cells:
            for match in characters.INVISIBLE.finditer(text):
                found.append(f"{place}, column {match.start() + 1}: the text holds the "
                             f"invisible character {characters.describe(match.group())}")
    if not found:
        return None
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"{found[0]}{more}; ask the office for a clean copy, or delete it from a copy"


def _files(paths: list[Path]) -> list[Path]:
    """The files named, and the files under the folders named (hidden ones skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*")
                              if p.is_file() and not any(part.startswith(".")
                                                         for part in p.relative_to(path).parts)))
        else:
            out.append(path)
    return out


def read_all(paths: list[Path], hints: Hints, layout: str | None,
             progress: bool = False, lang: str = "en") -> Iterator[_Read]:
    """Each file read, in the order given; on all cores when there are several."""
    if len(paths) == 1 or (os.cpu_count() or 1) == 1:
        for path in paths:
            yield _read(path, hints, layout)
        return
    workers = min(len(paths), os.cpu_count() or 1)
    with ProcessPoolExecutor(workers) as pool:
        futures = [pool.submit(_read, path, hints, layout) for path in paths]
        for done, future in enumerate(futures, 1):
            yield future.result()
            if progress:
                _progress(done, len(paths), lang)
    if progress:
        print(file=sys.stderr)


def _progress(done: int, total: int, lang: str = "en") -> None:
    width = 30
    filled = width * done // total
    reading = "budgetsite：正在读取" if lang == "zh" else "budgetsite: reading"
    print(f"\r{reading} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
          end="", file=sys.stderr, flush=True)


# -- planning and writing ----------------------------------------------------------------

def run(root: Path, paths: list[Path], options: Options, lang: str = "en") -> list[FileReport]:
    """Read every file, plan its projects, and write them (unless --dry-run)."""
    districts = discover.read_districts(root)
    hints = Hints(districts, options.district, options.year, options.name)
    files = _files(paths)
    if not files:
        raise ConfigError("no file to import: name one or more documents, or a folder")
    if options.slug and len(files) > 1:
        raise ConfigError("--slug names one project: give it with one file only")
    if options.slug and (not re.fullmatch(schema.SLUG, options.slug)
                         or len(options.slug) > MAX_SLUG):
        raise ConfigError(f"the slug {options.slug!r} is not safe: use lowercase letters, "
                          f"digits and single hyphens, at most {MAX_SLUG} characters (e.g. "
                          f"urban-rural-medical-assistance)")
    known = {d.slug for d in districts}
    if options.district and options.district not in known:
        raise ConfigError(f"unknown district {options.district!r}; known districts: "
                          f"{', '.join(sorted(known))}")
    if options.year is not None and not 1949 <= options.year <= 2100:
        raise ConfigError(f"the year {options.year} is out of range (1949–2100)")
    reports = []
    taken: set[Path] = set()
    for read in read_all(files, hints, options.layout, progress=len(files) > 1, lang=lang):
        report = FileReport(read.path, read.kind, read.layout, read.pages, read.error)
        reports.append(report)
        if read.error:
            continue
        if options.slug and len(read.found) > 1:
            report.error = (f"--slug names one project, but the document holds "
                            f"{len(read.found)}: import without --slug")
            continue
        for found in read.found:
            planned = plan(root, read, found, options, taken)
            taken.add(planned.folder)
            report.projects.append(planned)
            if planned.state == "new" or (planned.state == "changed" and options.update):
                if not options.dry_run:
                    write(root, planned)
    return reports


def plan(root: Path, read: _Read, found: Found, options: Options,
         taken: set[Path]) -> Planned:
    data = dict(found.data)
    if options.name and not data.get("name"):
        data["name"] = options.name
    original = f"original.{EXTENSIONS.get(read.kind, 'txt')}"
    data["source"] = {"title": data.get("heading"), "issuer": data.get("department"),
                      "file": original}
    if found.pages and read.kind == "pdf":
        data["source"]["pages"] = list(found.pages)
    district, year = data.get("district"), data.get("year")
    if not district or not year:
        raise ConfigError(f"{read.path.name}: no district or year for the project at "
                          f"{found.place}; give --district and --year")
    if not 1949 <= int(year) <= 2100:
        raise ConfigError(f"{read.path.name}: the year {year} is out of range (1949–2100); "
                          f"give --year")
    base = options.slug or propose_slug(data.get("name") or "")
    slug, folder, existing = _free_folder(root, district, int(year), base, data, taken,
                                          fixed=bool(options.slug))
    continues = previous_project(root, data)
    if continues:
        data["continues"] = continues
    header = (f"# Source: {_comment(data.get('department') or '')}"
              f"《{_comment(data.get('heading') or '')}》, imported from "
              f"{_comment(read.path.name)} ({_comment(str(found.place))}) with budgetsite "
              f"import.", *scaffold.GUIDE)
    files: dict[str, str | bytes] = {
        "project.yaml": scaffold.project_yaml(data, header),
        "zh.md": scaffold.narrative_md("zh", {k: [escape_markdown(p) for p in v]
                                              for k, v in found.sections.items()},
                                       found.headings),
        original: read.data,
    }
    if existing:
        # What staff added since (English, the official address, corrections) stays:
        # the document's fields replace theirs, a translation of an unchanged text stays.
        old = _loaded(folder / "project.yaml")
        if isinstance(old, dict):
            data = _merged(old, yaml.safe_load(files["project.yaml"]))
            files["project.yaml"] = scaffold.project_yaml(data, header)
    planned = Planned(found, slug, folder, files, continues=continues)
    if existing:
        planned.changes = _changes(folder, files)
        planned.state = "changed" if planned.changes else "unchanged"
    return planned


def _loaded(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _merged(old: Any, new: Any) -> Any:
    """`new` (from the document) over `old` (the folder's project.yaml): fields the
    document does not fill keep their value; a text whose Chinese is unchanged keeps
    its English."""
    if isinstance(new, dict) and isinstance(old, dict):
        if "zh" in new and set(new) <= {"zh", "en"}:
            same = old.get("zh") == new.get("zh")
            return {**new, "en": old.get("en")} if same and not new.get("en") else new
        # An indicator's id is the link to its row: once given, it is kept.
        return {**old, **{key: _merged(old.get(key), value) for key, value in new.items()
                          if (value not in (None, "", [], {}) or key not in old)
                          and not (key == "id" and old.get("id"))}}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_merged(a, b) for a, b in zip(old, new)]
    if new in (None, "") and old not in (None, ""):
        return old
    return new


def _free_folder(root: Path, district: str, year: int, base: str, data: dict,
                 taken: set[Path], fixed: bool) -> tuple[str, Path, bool]:
    """The folder for the project: the one already holding it (imported before, even
    when staff renamed the folder since), else its slug's when free, else the slug with
    a number added."""
    projects = root / "content" / "projects" / district / str(year)
    if not fixed and projects.is_dir():
        for folder in sorted(p for p in projects.iterdir() if p.is_dir()):
            if folder not in taken and _same_project(folder, data):
                return folder.name, folder, True
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base[:MAX_SLUG - len(str(n)) - 1]}-{n}"
        folder = projects / slug
        if folder in taken:
            continue
        if not folder.exists():
            return slug, folder, False
        if _same_project(folder, data):
            return slug, folder, True
        if fixed:
            raise ConfigError(f"{folder.relative_to(root).as_posix()} already holds another "
                              f"project; choose another --slug")
    raise ConfigError(f"no free slug for {base!r}")


def _same_project(folder: Path, data: dict) -> bool:
    try:
        existing = load.load_yaml(folder / "project.yaml", "project.yaml").data
    except (load.LoadError, FileNotFoundError):
        return False
    if not isinstance(existing, dict):
        return False
    name = existing.get("name")
    name = name.get("zh") if isinstance(name, dict) else name
    return name == data.get("name")


def _changes(folder: Path, files: dict[str, str | bytes]) -> list[str]:
    """What writing `files` would change in `folder`, field by field for project.yaml."""
    changes = []
    for name, content in sorted(files.items()):
        path = folder / name
        old = path.read_bytes() if path.is_file() else None
        new = content.encode("utf-8") if isinstance(content, str) else content
        if old == new:
            continue
        if name == "project.yaml" and old is not None:
            changes += [f"project.yaml: {line}" for line in
                        _field_changes(yaml.safe_load(old), yaml.safe_load(new))]
            continue
        elif old is None:
            changes.append(f"{name}: new file")
        else:
            changes.append(f"{name}: changed" + (" (the document is another version: "
                                                 "SHA-256 differs)" if name.startswith(
                                                     "original.") else ""))
    return changes


def _field_changes(old: Any, new: Any, path: str = "") -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            yield from _field_changes(old.get(key), new.get(key),
                                      f"{path}.{key}" if path else str(key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from _field_changes(a, b, f"{path}[{i}]")
    elif old != new:
        yield f"{path}: {_short(old)} → {_short(new)}"


def _short(value: Any) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def write(root: Path, planned: Planned) -> None:
    """Write the folder whole or not at all: into a scratch folder beside it, then
    moved into place (an update replaces the files it changes, each atomically)."""
    folder = planned.folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        for name, content in planned.files.items():
            _atomic_write(folder / name, content)
    else:
        scratch = Path(tempfile.mkdtemp(prefix=".import-", dir=folder.parent))
        try:
            for name, content in planned.files.items():
                (scratch / name).write_bytes(content.encode("utf-8")
                                             if isinstance(content, str) else content)
            os.rename(scratch, folder)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    problems: list[Problem] = []
    districts = {d.slug: d for d in discover.read_districts(root)}
    check.read_project(root, folder, districts, problems)
    planned.problems = sorted(p for p in problems if not p.warning)


def _atomic_write(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    scratch = path.with_name(f".{path.name}.import")
    scratch.write_bytes(data)
    os.replace(scratch, path)


# -- names ---------------------------------------------------------------------------

def propose_slug(name: str) -> str:
    """A URL slug from the project's Chinese name: its pinyin, lower case, hyphens
    between syllables and words, at most 60 characters (cut at a hyphen). Staff may
    rename the folder; a number is added on a clash."""
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(name, style=Style.NORMAL, errors=lambda text: list(text))
    parts = []
    for word in words:
        for piece in re.split(r"[^0-9A-Za-z]+", word.lower().replace("ü", "v")):
            if piece:
                parts.append(piece)
    slug = ""
    for part in parts:
        candidate = f"{slug}-{part}" if slug else part
        if len(candidate) > MAX_SLUG:
            break
        slug = candidate
    return slug or "project"


def _comment(text: str) -> str:
    """A text for a YAML comment line: no line break or control character can end the
    comment and start YAML of its own."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def escape_markdown(line: str) -> str:
    """A line of the document as a Markdown paragraph that shows exactly that text."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", line.strip())
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)  # '1.' would start a list
    return re.sub(r"^([#>+-])", r"\\\1", text)       # so would '-' or '+'; '#' a heading


def previous_project(root: Path, data: dict[str, Any]) -> str | None:
    """The key of last year's project of the same unit with the same name (a year
    written in the name aside), which this one likely continues; None when there is
    not exactly one."""
    unit = data.get("unit") or {}
    code, name = unit.get("code"), _without_years(data.get("name"))
    if not (name and data.get("district") and data.get("year")):
        return None
    year = int(data["year"]) - 1
    found = []
    for path in sorted((root / "content" / "projects" / data["district"] / str(year))
                       .glob("*/project.yaml")):
        try:
            other = load.load_yaml(path, path.name).data
        except load.LoadError:
            continue
        if not isinstance(other, dict):
            continue
        other_name = other.get("name")
        other_name = other_name.get("zh") if isinstance(other_name, dict) else other_name
        other_unit = other.get("unit") or {}
        same_unit = (other_unit.get("code") == code) if code else \
            (_zh(other_unit.get("name")) == _zh(unit.get("name")))
        if same_unit and _without_years(other_name) == name:
            found.append(f"{data['district']}/{year}/{path.parent.name}")
    return found[0] if len(found) == 1 else None


def _zh(value: Any) -> Any:
    return value.get("zh") if isinstance(value, dict) else value


def _without_years(name: Any) -> str | None:
    return re.sub(r"(19|20)\d\d年?(度)?", "", name).strip() if isinstance(name, str) else None


# -- the report ------------------------------------------------------------------------

def note_line(file: str, note: Note, lang: str = "en") -> str:
    """A note as the terminal and editors show problems: `file:line:col: field: …` for a
    text file; `file (page 23, line 4): field: …` for the others; in `lang`."""
    zh = lang == "zh"
    kind = ("警告：" if zh else "warning: ") if is_warning(note.code) else ""
    place = note.place
    where = f"{file}:{place.line or 1}:1" if place.page is None and place.sheet is None and \
        place.paragraph is None else (f"{file}（{messages.place(str(place), lang)}）" if zh
                                      else f"{file} ({place})")
    return f"{where}: {note.field}: {kind}{messages.message(note.message, lang, note.code)} " \
           f"[{note.code}]"


def is_warning(code: str) -> bool:
    from builder.core import codes
    return codes.is_warning(code)


class Diagnostic(str):
    """A line of the report that is a problem: the command prints it to stderr."""


# The report's own words, in Chinese.
_VERBS_ZH = {"would write": "将写入", "wrote": "已写入", "unchanged, nothing written": "没有变化，未写入",
             "would update": "将更新", "updated": "已更新",
             "changed in the document; not written (import again with --update)":
                 "文件中有变化；未写入（请加 --update 再导入一次）"}


def _change(change: str, lang: str) -> str:
    """A line of _changes in `lang`: the field's path and values stay as they are."""
    if lang != "zh":
        return change
    for english, chinese in ((": new file", "：新文件"),
                             (": changed (the document is another version: SHA-256 differs)",
                              "：有变化（文件是另一个版本：SHA-256 不同）"),
                             (": changed", "：有变化")):
        if change.endswith(english):
            return change.removesuffix(english) + chinese
    return change.replace("(none)", "（无）")


def report_lines(root: Path, reports: list[FileReport], options: Options,
                 lang: str = "en") -> list[str]:
    """The report: per file, per project, what was placed and written; the lines that
    are problems (notes of the document, `check` of what was written) are Diagnostics.
    In `lang`: the words in Chinese or English, the names, fields and codes the same."""
    zh = lang == "zh"
    lines: list[str] = []
    for report in reports:
        name = report.path.name
        if report.error:
            said = messages.message(report.error, lang, UNREADABLE)
            lines.append(Diagnostic(f"{name}: {said} [{UNREADABLE}]"))
            continue
        if zh:
            kind = KIND_NAMES_ZH.get(report.kind, report.kind)
            pages = f"，{report.pages} 页" if report.pages else ""
            lines.append(f"{name}（{kind}{pages}，版式 {report.layout}）："
                         f"{len(report.projects)} 个项目")
        else:
            kind = KIND_NAMES.get(report.kind, report.kind)
            pages = f", {report.pages} pages" if report.pages else ""
            lines.append(f"{name} ({kind}{pages}, layout {report.layout}): "
                         f"{len(report.projects)} project(s)")
        for planned in report.projects:
            shown = planned.folder.relative_to(root).as_posix()
            data = planned.found.data
            if planned.found.pages:
                numbers = ', '.join(map(str, planned.found.pages))
                where = f"第 {numbers} 页" if zh else f"page {numbers}"
            else:
                where = messages.place(str(planned.found.place), lang)
            verb = {"new": "would write" if options.dry_run else "wrote",
                    "unchanged": "unchanged, nothing written",
                    "changed": ("would update" if options.dry_run else "updated")
                    if options.update else "changed in the document; not written "
                                           "(import again with --update)"}[planned.state]
            if zh:
                lines.append(f"  {shown}/  {data.get('name') or '（无名称）'}  （{where}）："
                             f"{_VERBS_ZH[verb]}")
                lines.append(f"    已填写：{', '.join(placed(planned.found, lang))}")
            else:
                lines.append(f"  {shown}/  {data.get('name') or '(no name)'}  ({where}): {verb}")
                lines.append(f"    placed: {', '.join(placed(planned.found))}")
            amount = (data.get("funding") or {}).get("budget_year")
            if isinstance(amount, dict):
                in_yuan = i18n.yuan(mapping.money(amount), 'zh')
                lines.append(f"    金额：文件写作 {amount['value']}{amount['unit']}，即 {in_yuan}"
                             if zh else f"    amount: {amount['value']}{amount['unit']} as "
                                        f"written = {in_yuan}")
            for change in planned.changes:
                lines.append(f"    {_change(change, lang)}")
            for note in planned.found.notes:
                lines.append(Diagnostic(note_line(name, note, lang)))
            for problem in planned.problems:
                lines.append(Diagnostic(messages.line(problem, lang)))
            if planned.continues:
                lines.append(f"    continues: {planned.continues}（同一单位、同名的上年项目；"
                             f"请核对，或删除这一行）" if zh else
                             f"    continues: {planned.continues} (last year's project of "
                             f"the same unit and name; check it, or delete the line)")
    return lines


def placed(found: Found, lang: str = "en") -> list[str]:
    """The fields the document filled, in the order of project.yaml."""
    out = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            if value:
                out.append(f"{path} ({len(value)})")
        elif value not in (None, ""):
            out.append(path)

    for key in ("name", "basis", "unit", "period", "funding", "targets", "indicators"):
        if key in found.data:
            before = len(out)
            walk(found.data[key], key)
            if key == "unit" and len(out) - before > 3:
                fields = len(out) - before
                out[before:] = [f"unit（{fields} 项）" if lang == "zh" else f"unit ({fields} fields)"]
    sections = [sid for sid, paragraphs in found.sections.items() if paragraphs]
    if sections:
        out.append("zh.md: " + ", ".join(sections))
    return out


def summary_lines(reports: list[FileReport], lang: str = "en") -> list[str]:
    projects = [p for r in reports for p in r.projects]
    count = lambda state: sum(1 for p in projects if p.state == state)  # noqa: E731
    warnings = sum(1 for p in projects for n in p.found.notes if is_warning(n.code))
    errors = sum(1 for p in projects for n in p.found.notes if not is_warning(n.code)) + \
        sum(len(p.problems) for p in projects) + sum(1 for r in reports if r.error)
    header = ("文件", "无法读取", "项目", "新增", "未变", "有变化", "警告", "错误") if lang == "zh" \
        else ("documents", "unreadable", "projects", "new", "unchanged", "changed",
              "warnings", "errors")
    values = (len(reports), sum(1 for r in reports if r.error), len(projects), count("new"),
              count("unchanged"), count("changed"), warnings, errors)
    widths = [max(_width(h), len(str(v))) for h, v in zip(header, values)]
    return ["", "  ".join(_right(h, w) for h, w in zip(header, widths)),
            "  ".join(str(v).rjust(w) for v, w in zip(values, widths))]


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _right(text: str, width: int) -> str:
    return " " * (width - _width(text)) + text


def closing_line(failed: bool, dry_run: bool, lang: str) -> str | None:
    """The command's last word: what to do next."""
    if failed:
        return ("budgetsite：有些文件或字段需要处理（见上文）：请改正 project.yaml 中列出的字段，"
                "然后运行 budgetsite check" if lang == "zh" else
                "budgetsite: some documents or fields need attention (listed above): fix the "
                "fields named in project.yaml, then run budgetsite check")
    if dry_run:
        return None
    return ("budgetsite：只导入了中文；英文留给翻译人员。请运行 budgetsite check，再运行 budgetsite build"
            if lang == "zh" else
            "budgetsite: Chinese only; English is left for the translators. Run budgetsite "
            "check, then budgetsite build")
