"""Narratives: every character of zh.md and en.md reaches the page. Raw HTML, an unclosed
<style> or <textarea> included, is shown as written instead of hiding the text after it;
the visible text of every section is compared with its Markdown source.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import given, settings, strategies as st
from pagetext import parse, read

from builder.sources import narrative
from builder.sources.load import TextFile

# A Markdown entity (as Python-Markdown recognises one) stands for its character.
ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")
# What Markdown turns into structure rather than text: list numbers and link targets.
LIST_NUMBER = re.compile(r"^[ \t>]*\d+[.)][ \t]", re.M)
LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")


def letters(text: str) -> str:
    """The letters, digits and ideographs of a text, in order: what must survive."""
    return "".join(ch for ch in text if ch.isalnum())


def source_letters(markdown_text: str, targets: bool = False) -> str:
    """The letters a reader must see of a Markdown text. With `targets`, the letters a
    reader may see: also link targets (shown when no link is made of them) and each
    entity both as written (in code) and as the character it stands for."""
    text = LIST_NUMBER.sub("", markdown_text)
    if not targets:  # a complete comment is a note for editors, not for readers
        text = narrative.COMMENT.sub("", text)
    if targets:
        return letters(ENTITY.sub(lambda m: m.group() + html.unescape(m.group()), text))
    return letters(ENTITY.sub("", LINK_TARGET.sub("]", text)))


def subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(ch in rest for ch in short)


def assert_all_shown(body: str, shown: str, story: str = "") -> None:
    """Every letter of the source is on the page, in order; nothing is on the page that
    the source does not say."""
    assert subsequence(source_letters(body), shown), (story, source_letters(body), shown)
    assert subsequence(shown, source_letters(body, targets=True)), (story, shown)


def shown_letters(section_html: str) -> str:
    return letters(parse(f"<div>{section_html}</div>").text())


def sections_of(text: str) -> list[tuple[str, str]]:
    """(id, body) of each `## Title {#id}` section of a narrative file."""
    found: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        match = narrative.HEADING.match(line)
        if match:
            found.append((match["id"], []))
        elif found:
            found[-1][1].append(line)
    return [(sid, "\n".join(body)) for sid, body in found]


# --- the real site, as a reader sees it ------------------------------------------------------

def narrative_files() -> list[Path]:
    return sorted((REPO / "content/projects").glob("*/*/*/*.md"))


@pytest.mark.parametrize("source", narrative_files(),
                         ids=lambda p: "/".join(p.relative_to(REPO / "content/projects").parts))
def test_every_section_on_the_page_shows_all_of_its_source(real_site, source):
    folder = source.parent.relative_to(REPO / "content/projects")
    page = read(real_site / source.stem / folder / "index.html")
    sections = sections_of(source.read_text("utf-8"))
    assert sections
    for sid, body in sections:
        element = page.by_id(sid)
        shown = "".join(letters(child.text()) for child in element.children
                        if not isinstance(child, str) and child.tag != "h2")
        assert_all_shown(body, shown, f"{source.name} #{sid}")


# --- raw HTML and other text-hiding forms ------------------------------------------------------

SWALLOWING = ["style", "script", "template", "textarea", "title", "xmp", "noscript",
              "plaintext", "iframe", "noembed", "noframes"]
PARAGRAPHS = "\n\n".join(f"第{n}段文字，text {n}。" for n in range(1, 7))


def section(body: str) -> TextFile:
    return TextFile("zh.md", f"## 项目基本概况 {{#overview}}\n\n{body}\n")


@pytest.mark.parametrize("tag", SWALLOWING)
def test_an_unclosed_tag_shows_as_text_and_hides_nothing(tag):
    sections, problems = narrative.parse(section(f"注意 <{tag}> 下面的文字\n\n{PARAGRAPHS}"))
    assert problems == []
    shown = parse(f"<div>{sections[0].html}</div>").text()
    assert f"注意 <{tag}> 下面的文字" in shown
    assert all(f"第{n}段文字" in shown for n in range(1, 7)), shown
    assert f"<{tag}" not in sections[0].html  # as text, escaped; never an element


@pytest.mark.parametrize("body", [
    "<!-- 注释没有结束\n\n后面的文字", "<!-- 给编辑的说明 --> 正文 <!-- 未结束", "[1]: 引用定义的文字\n\n正文", "![图一说明](x.png) 后文",
    "<span>包起来</span>的文字", "<br>换行", "<a href=\"x\" title=\"没有结束>链接文字\n\n下一段",
    "<?php echo 1 ?> 处理指令", "<![CDATA[ 数据 ]]> 其后",
])
def test_other_forms_that_hid_text_show_it(body):
    sections, problems = narrative.parse(section(body))
    assert problems == []
    assert_all_shown(body, shown_letters(sections[0].html))


def test_markdown_structure_still_works():
    body = "第一段 **加粗** *强调*\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n| 列 | 值 |\n|---|---|\n| a | 1 |\n\n" \
           "[链接](https://example.com/) `代码`"
    html_ = narrative.parse(section(body))[0][0].html
    for tag in ("<strong>", "<em>", "<ul>", "<ol>", "<table>", "<code>",
                '<a href="https://example.com/">'):
        assert tag in html_, html_
    assert_all_shown(body, shown_letters(html_))


PIECES = ["<style>", "</style>", "<script>", "<textarea>", "<title>", "<xmp>", "<noscript>",
          "<plaintext>", "<iframe>", "<noembed>", "<noframes>", "<template>", "<!--", "-->",
          "<div>", "</div>", "<p>", "<b>", "<br>", "<img src=x alt=图>", "&amp;", "&lt;", "&#20013;",
          "&nosuch;", "[", "]", "(", ")", "![a](b)", "[a](https://x.cn)", "[1]: x", "*", "**",
          "_", "`", "\\", "- ", "> ", "|", "\n", "\n\n", "    ", "文字", "text", "2025", "元"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_mixture_of_markup_keeps_every_letter(body):
    """Generated sections: what is not refused with a line shows every letter of its
    source on the page (tags' names included, since raw HTML shows as written)."""
    sections, problems = narrative.parse(section(body))
    if any(not p.warning for p in problems):
        assert all(p.line >= 1 for p in problems)
        return
    assert_all_shown(body, "".join(shown_letters(s.html) for s in sections))
