"""A page's facts, read from its Markdown tree once: word count and search sections.

The last treeprocessor (after the tip-card records) records on the Markdown
instance, and the reader copies onto the content object:

- ``word_count``: the words of the page (tip cards included), for reading time;
- ``sections``: the page cut at each h2/h3 that has an id, outside tip cards:
  ``[(id, heading, text)]``, the first with id "" for the text before any
  heading. Search (plugins/search_index) makes its documents from these and
  from the tip-card records, so nothing re-reads the written pages.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Iterator

from guide_core.tree import BLOCKS, shown, text_of
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

SECTION_HEADINGS = ("h2", "h3")


def is_card(element: etree.Element) -> bool:
    return element.tag == "aside" and "tip-card" in element.get("class", "").split()


class PageFacts(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self.md.word_count = len(text_of(self.md, root).split())
        sections: list[tuple[str, str, list[str]]] = [("", "", [])]
        for event, value in self.events(root):
            if event == "heading":
                sections.append((value.get("id"), text_of(self.md, value), []))
            else:
                sections[-1][2].append(value)
        self.md.sections = [(anchor, heading, " ".join("".join(text).split()))
                            for anchor, heading, text in sections]

    def events(self, element: etree.Element) -> Iterator[tuple[str, object]]:
        """("heading", element) at each section heading, ("text", str) for the rest, in order."""
        if element.text:
            yield "text", shown(self.md, element.text)
        for child in element:
            if is_card(child):
                pass
            elif child.tag in SECTION_HEADINGS and child.get("id"):
                yield "heading", child
            else:
                block = child.tag in BLOCKS
                if block:
                    yield "text", " "
                yield from self.events(child)
                if block:
                    yield "text", " "
            if child.tail:
                yield "text", shown(self.md, child.tail)


class PageFactsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(PageFacts(md), "page_facts", -20)
        md.word_count, md.sections = 0, []
