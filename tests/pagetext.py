"""Read built pages the way a reader or a browser does, with the standard library only:
a small element tree from html.parser, the visible text, and the cells of a table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
NOT_SHOWN = {"head", "script", "style", "template", "noscript"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.iter() if (tag is None or e.tag == tag)
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v
                        for k, v in attrs.items())]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        return self.find(id=element_id)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def shown(self) -> bool:
        """False for what a browser does not display (head, scripts, hidden helpers)."""
        return not (self.tag in NOT_SHOWN or "hidden" in self.attrs
                    or "visually-hidden" in self.classes)

    def text_nodes(self, visible_only: bool = True):
        """(text, parent element) pairs in document order."""
        if visible_only and not self.shown():
            return
        for child in self.children:
            if isinstance(child, str):
                yield child, self
            else:
                yield from child.text_nodes(visible_only)

    def text(self, visible_only: bool = True) -> str:
        """The text as read: whitespace collapsed, as a browser renders it."""
        return normalise(" ".join(t for t, _ in self.text_nodes(visible_only)))

    def lang(self) -> str | None:
        """The language in force here: the nearest lang attribute."""
        element: Element | None = self
        while element is not None:
            if "lang" in element.attrs:
                return element.attrs["lang"]
            element = element.parent
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.open[-1])
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, dict(attrs), parent=self.open[-1]))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def read(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def body_text(document: Element) -> str:
    return document.find("body").text()


@dataclass
class TableRow:
    """One body row of a table, with the header cells that span down into it."""

    element: Element
    cells: list[Element]  # its own <th>/<td>, left to right
    spanning: list[Element]  # cells from earlier rows whose rowspan covers this one


def table_rows(table: Element) -> list[TableRow]:
    """Body rows, each with the rowspan cells of earlier rows that cover it."""
    rows: list[TableRow] = []
    active: list[tuple[Element, int]] = []  # (cell, rows it still covers)
    for tr in table.find_all("tr"):
        if tr.parent is not None and tr.parent.tag == "thead":
            continue
        cells = [c for c in tr.children if isinstance(c, Element) and c.tag in ("th", "td")]
        rows.append(TableRow(tr, cells, [cell for cell, _ in active]))
        active = [(cell, left - 1) for cell, left in active if left > 1]
        active += [(cell, int(cell.attrs.get("rowspan") or 1) - 1) for cell in cells
                   if int(cell.attrs.get("rowspan") or 1) > 1]
    return rows
