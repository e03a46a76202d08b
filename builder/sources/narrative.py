"""The narrative sections of zh.md / en.md: split by `## Title {#id}`, converted
to HTML by Python-Markdown and cleaned by nh3 so staff text cannot carry scripts.

Every character of a narrative reaches the page. Raw HTML is not interpreted but
shown as written: an unclosed <style>, <script>, <textarea> or <!-- would otherwise
hide or garble the rest of its section, and nh3 would drop the tags without a word.
For the same reason the Markdown forms that make text vanish are off: reference
definitions (`[1]: …` lines, which are taken out of the text) and images (whose
alt text nh3 would drop with the <img>). Python-Markdown stays for paragraphs,
lists, emphasis, tables and links, whose text is shown. The one thing not shown is
a complete comment, <!-- … -->: a note for the editors (the skeletons of `budgetsite
new` hold one per section); an unclosed <!-- is shown as written."""

from __future__ import annotations

import functools
import re

import markdown
import markdown.extensions
import nh3

from builder.core.errors import Problem
from builder.core.model import Section, Text
from builder.sources.load import TextFile

# The five sections of the official layout, in order, with their headings.
SECTION_IDS = ("overview", "activities", "funding-arrangement", "plan", "results")
SECTION_TITLES: dict[str, Text] = {
    "overview": Text("项目基本概况", "Project overview"),
    "activities": Text("项目实施内容", "What the project does"),
    "funding-arrangement": Text("资金安排情况", "Funding arrangement"),
    "plan": Text("项目实施计划", "Implementation plan"),
    "results": Text("项目实施成效", "Results achieved"),
}

HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(\{#(?P<id>[^}\s]*)\})?\s*$")
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
                "code", "pre", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
                "sup", "sub", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"},
                      "td": {"colspan", "rowspan"}, "ol": {"start"}}
# Python-Markdown slows down sharply (worse than quadratic) on many '[' or '<' and
# recurses once per level of nesting; a narrative needs few of either.
MAX_MARKUP = 1000
MAX_NESTING = 64
COMMENT = re.compile(r"<!--.*?-->", re.S)
NESTING = re.compile(r"(?:[ \t>*+-]|\d{1,9}[.)])*")


def parse(source: TextFile) -> tuple[tuple[Section, ...], list[Problem]]:
    """Split a narrative file into sections; report headings that are not right."""
    problems = _check_limits(source)
    if problems:
        return (), problems
    sections: list[tuple[str, str, list[str], int]] = []
    for number, line in enumerate(source.text.split("\n"), 1):
        match = HEADING.match(line)
        if match:
            _check_heading(match, source.path, number, sections, problems)
            sections.append((match["id"] or "", match["title"], [], number))
        elif sections:
            sections[-1][2].append(line)
        elif line.strip():
            problems.append(Problem(source.path, number, 1, "sections",
                                    "text before the first '## Heading {#id}' line; "
                                    "every paragraph must belong to a section",
                                    code="narrative.orphan-text"))
    if not sections and not problems:
        problems.append(Problem(source.path, 1, 1, "sections",
                                "no '## Heading {#id}' sections",
                                code="narrative.no-sections"))
    result = tuple(Section(sid, title, to_html("\n".join(body)), "", line)
                   for sid, title, body, line in sections)
    for section, (_, _, _, number) in zip(result, sections):
        if section.id and not section.html:
            problems.append(Problem(source.path, number, 1, "sections",
                                    f"the section {{#{section.id}}} is still empty: write its "
                                    f"text under the heading", warning=True,
                                    code="narrative.empty-section"))
    return result, problems


def _check_limits(source: TextFile) -> list[Problem]:
    """Refuse text that would make the Markdown converter hang or overflow its stack."""
    markup = source.text.count("[") + source.text.count("<")
    if markup > MAX_MARKUP:
        return [Problem(source.path, 1, 1, "sections",
                        f"the file holds {markup:,} '[' and '<' characters; at most "
                        f"{MAX_MARKUP:,} are allowed", code="narrative.limit")]
    for number, line in enumerate(source.text.split("\n"), 1):
        if NESTING.match(line).end() > MAX_NESTING:
            return [Problem(source.path, number, 1, "sections",
                            f"this line is indented or nested more than {MAX_NESTING} "
                            f"characters deep", code="narrative.limit")]
    return []


def _check_heading(match, path, number, sections, problems) -> None:
    sid = match["id"]
    if not match["title"]:
        problems.append(Problem(path, number, 1, "sections", "this heading has no title",
                                code="narrative.heading"))
    if not sid:
        # Suggest the id the official layout has at this place.
        usual = SECTION_IDS[min(len(sections), len(SECTION_IDS) - 1)]
        problems.append(Problem(path, number, 1, "sections",
                                f"heading {match['title']!r} needs an id, such as "
                                f"'## {match['title']} {{#{usual}}}'",
                                code="narrative.heading"))
    elif not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", sid):
        problems.append(Problem(path, number, 1, "sections",
                                f"section id {sid!r} may only use lowercase letters, "
                                f"digits and hyphens", code="narrative.heading"))
    elif sid in {s[0] for s in sections}:
        problems.append(Problem(path, number, 1, "sections",
                                f"section id {sid!r} is used twice",
                                code="narrative.duplicate-id"))


class _ShownAsWritten(markdown.extensions.Extension):
    """Turn off the Markdown that hides text: raw HTML, reference definitions, images."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.parser.blockprocessors.deregister("reference")
        for name in ("image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(name)


@functools.lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """Markdown → cleaned HTML. Cached: it is the slowest step of a build."""
    html = markdown.markdown(COMMENT.sub("", text),
                             extensions=["tables", "sane_lists", _ShownAsWritten()],
                             output_format="html")
    # No link_rel: links cannot open windows (target is not allowed), and a rel left on
    # an <a> whose unsafe href was removed is invalid HTML.
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None).strip()
