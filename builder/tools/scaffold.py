"""Write project folders: `budgetsite new` writes an empty one, `budgetsite import` a
filled one. Both go through the same writer, which walks the schema so that every
field appears, in order, under a comment saying in Chinese and English what goes
there. Optional fields that have no value are written commented out (`# unit:`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from builder.core.errors import ConfigError
from builder.sources import discover, narrative, schema

SCHEMA_FILE = "schema/project.schema.json"
# project.yaml lives at content/projects/<district>/<year>/<slug>/: five levels below the root.
SCHEMA_LINE = f"# yaml-language-server: $schema=../../../../../{SCHEMA_FILE}"
MAX_SLUG = 80
_PLAIN_KEY = re.compile(r"[a-z][a-z0-9-]*")

GUIDE = (
    "# 填写说明：每个字段上方的注释说明该填什么。zh: 填中文（照官方文件原文），en: 留给译者。",
    "# 以“# 字段名:”开头的行是可选字段，要用时删去行首的“# ”。填好后运行 budgetsite check。",
    "# How to fill in: the comment above each field says what goes there. zh: takes the",
    "# Chinese exactly as the document has it; en: is for the translators. Lines that",
    "# start with '# field:' are optional: delete the '# ' to use them. Then run",
    "# budgetsite check: it names every field that is still empty.",
)


def project_yaml(data: Mapping[str, Any], header: Sequence[str] = GUIDE) -> str:
    """project.yaml for `data` (values as the loader returns them; missing ones empty)."""
    lines = [SCHEMA_LINE, *header]
    _record(lines, schema.PROJECT, data, 0, comments=True)
    return "\n".join(lines) + "\n"


def _record(lines: list[str], spec: schema.Record, data: Mapping[str, Any], indent: int,
            comments: bool) -> None:
    # A field to be filled though optional (schema.Field.shown) is written out in a group
    # still empty, as a new project's is; where the group holds something (an import
    # that found the amount's parts), it is left out as other optional fields are.
    empty = not isinstance(data, Mapping) or all(_absent(v) for v in data.values())
    for name, field in spec.fields.items():
        value = data.get(name) if isinstance(data, Mapping) else None
        block: list[str] = []
        shown = field.shown and empty
        optional = not field.required and not shown and _absent(value)
        if comments:
            block.append(" " * indent + "# "
                         + ("可选 · optional: " if not (field.required or shown) else "")
                         + field.description)
        _field(block, name, field.kind, value, indent, comments)
        if optional:
            block[1 if comments else 0:] = [_comment_out(line, indent)
                                            for line in block[1 if comments else 0:]]
        lines.extend(block)


def _absent(value: Any) -> bool:
    return schema.is_empty(value) or value in ({}, []) or schema.is_blank_text(value)


def _comment_out(line: str, indent: int) -> str:
    return line[:indent] + "# " + line[indent:]


def _field(lines: list[str], name: str, kind: schema.Kind, value: Any, indent: int,
           comments: bool) -> None:
    pad = " " * indent
    if isinstance(kind, schema.Record):
        lines.append(f"{pad}{name}:")
        _record(lines, kind, value or {}, indent + 2, comments)
    elif isinstance(kind, schema.ListOf) and not isinstance(kind.item,
                                                            (schema.Record, schema.BiText)):
        lines.append(f"{pad}{name}: [{', '.join(_scalar(v) for v in value or ())}]")
    elif isinstance(kind, schema.ListOf):
        lines.append(f"{pad}{name}:")
        for i, item in enumerate(value or [None]):
            _list_item(lines, kind.item, item, indent + 2, comments and i == 0)
    elif isinstance(kind, schema.BiText) or (isinstance(kind, schema.Value)
                                             and isinstance(value, (str, dict))):
        _bitext(lines, name, value, indent)
    else:
        lines.append(f"{pad}{name}:{_scalar_after_colon(kind, value)}")


def _list_item(lines: list[str], kind: schema.Kind, item: Any, indent: int,
               comments: bool) -> None:
    """One '- ' entry: the item is written two deeper, then its first field gets the dash."""
    block: list[str] = []
    if isinstance(kind, schema.Record):
        _record(block, kind, item or {}, indent + 2, comments)
    else:
        _bitext(block, None, item, indent + 2)
    first = next(i for i, line in enumerate(block) if not line.lstrip().startswith("#"))
    block[first] = " " * indent + "- " + block[first].lstrip()
    block[:first] = [" " * indent + line.lstrip() for line in block[:first]]
    lines.extend(block)


def _bitext(lines: list[str], name: str | None, value: Any, indent: int) -> None:
    zh, en = (value, None) if not isinstance(value, Mapping) else (value.get("zh"),
                                                                   value.get("en"))
    inner = indent
    if name is not None:
        lines.append(" " * indent + f"{name}:")
        inner = indent + 2
    lines.append(" " * inner + "zh:" + _text_after_colon(zh))
    lines.append(" " * inner + "en:" + _text_after_colon(en))


def _text_after_colon(text: Any) -> str:
    if schema.is_empty(text):
        return ""
    return " " + yaml_text(str(text))


def _scalar_after_colon(kind: schema.Kind, value: Any) -> str:
    if schema.is_empty(value):
        return ""
    if isinstance(value, Mapping):  # an amount with its unit
        return " {" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return " " + _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    if _PLAIN_KEY.fullmatch(text) and yaml.safe_load(text) == text:  # not yes/no/null
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_text(text: str) -> str:
    """A free text as a YAML scalar: plain when YAML reads it back unchanged, else quoted."""
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain and "\n" not in text else json.dumps(text, ensure_ascii=False)


def narrative_md(lang: str, sections: Mapping[str, Sequence[str]] | None = None,
                 titles: Mapping[str, str] | None = None) -> str:
    """zh.md / en.md: the five headings with their ids, and the paragraphs given. With
    `titles` (a document's own headings by section id), only those sections, under
    the document's headings: a layout whose documents have other sections."""
    out: list[str] = []
    for sid in narrative.SECTION_IDS if titles is None else titles:
        title = titles[sid] if titles is not None else \
            narrative.SECTION_TITLES[sid].zh if lang == "zh" else \
            narrative.SECTION_TITLES[sid].en
        out += [f"## {title} {{#{sid}}}", ""]
        paragraphs = (sections or {}).get(sid) or ()
        for paragraph in paragraphs:
            out += [paragraph, ""]
        if not paragraphs:
            out += [_placeholder(lang, sid), ""]
    return "\n".join(out)


def _placeholder(lang: str, sid: str) -> str:
    # An HTML comment: the cleaner drops it, so the built page never shows it.
    title = narrative.SECTION_TITLES[sid]
    if lang == "zh":
        return (f"<!-- 在这里写“{title.zh}”：照官方文件原文，一段一行，段与段之间空一行。"
                f" · Write the section '{title.en}' here. -->")
    return (f"<!-- Translate the section '{title.zh}' of zh.md here, paragraph by "
            f"paragraph. 在这里写英文译文。 -->")


def project_folder(root: Path, district: str, year: int, slug: str) -> Path:
    """The folder for a new project, after refusing unsafe names, unknown districts and
    folders that already exist. Raises ConfigError."""
    if not re.fullmatch(schema.SLUG, slug) or len(slug) > MAX_SLUG:
        raise ConfigError(f"the slug {slug!r} is not safe: use lowercase letters, digits and "
                          f"single hyphens, at most {MAX_SLUG} characters "
                          f"(e.g. urban-rural-medical-assistance)")
    known = {d.slug: d for d in discover.read_districts(root)}
    if district not in known:
        raise ConfigError(f"unknown district {district!r}; known districts: "
                          f"{', '.join(sorted(known))}")
    if not 1949 <= year <= 2100:
        raise ConfigError(f"the year {year} is out of range (1949–2100)")
    folder = root / "content" / "projects" / district / str(year) / slug
    if folder.exists():
        raise ConfigError(f"{folder.relative_to(root).as_posix()} already exists; choose "
                          f"another slug or edit that project")
    return folder


def write_project(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Create the folder (it must not exist yet) and write the files into it (text as
    UTF-8; bytes, such as the original document, as they are)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
    except FileExistsError:
        raise ConfigError(f"{folder} already exists; choose another slug") from None
    for name, text in sorted(files.items()):
        if isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")


def new_project(root: Path, district: str, year: int, slug: str) -> Path:
    """`budgetsite new`: an empty project folder with every field to fill in."""
    folder = project_folder(root, district, year, slug)
    write_project(folder, {
        "project.yaml": project_yaml({"district": district, "year": year}),
        "zh.md": narrative_md("zh"),
        "en.md": narrative_md("en"),
    })
    return folder
