"""Reading text out of a Python-Markdown tree, as a reader will see it.

Python-Markdown keeps raw HTML, smarty's entities and `&...;` references out
of the tree as placeholders until its postprocessors run; ``text_of`` puts
them back as text (an entity as its character, raw HTML as its words), so
word counts, search text and first mentions see what the page shows.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator

from markdown import Markdown, util
from selectolax.lexbor import LexborHTMLParser

STASHED = re.compile(re.escape(util.STX) + r"wzxhzdk:(\d+)" + re.escape(util.ETX))
ENTITY = re.compile(r"&#?\w+;")
OTHER_PLACEHOLDER = re.compile(re.escape(util.STX) + "[^" + re.escape(util.ETX) + "]*" + re.escape(util.ETX))
# Elements whose text a reader does not read as prose.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p",
    "pre", "section", "summary", "table", "td", "th", "tr", "ul", "br",
})


def words_of_html(raw: str) -> str:
    """The words of a raw HTML block an editor wrote (parsed as a browser would, by Lexbor)."""
    return " ".join(LexborHTMLParser(raw, is_fragment=True).text(separator=" ").split())


def shown(md: Markdown, text: str) -> str:
    """``text`` of a tree node with its placeholders as the reader sees them."""
    text = text.replace(util.AMP_SUBSTITUTE, "&")
    if util.STX in text:
        def restore(match: re.Match) -> str:
            raw = str(md.htmlStash.rawHtmlBlocks[int(match.group(1))])
            return html.unescape(raw) if ENTITY.fullmatch(raw) else f" {words_of_html(raw)} "
        text = STASHED.sub(restore, text)
        if util.STX in text and "footnote" in md.postprocessors:
            text = md.postprocessors["footnote"].run(text)  # its back-link arrow and no-break space
        text = OTHER_PLACEHOLDER.sub(" ", text)
    return html.unescape(text) if "&" in text else text


def pieces(md: Markdown, element: etree.Element,
           leave_out: Callable[[etree.Element], bool] = lambda e: False) -> Iterator[str]:
    if element.text:
        yield shown(md, element.text)
    for child in element:
        if not leave_out(child):
            block = child.tag in BLOCKS
            if block:
                yield " "
            yield from pieces(md, child, leave_out)
            if block:
                yield " "
        if child.tail:
            yield shown(md, child.tail)


def text_of(md: Markdown, element: etree.Element,
            leave_out: Callable[[etree.Element], bool] = lambda e: False) -> str:
    """The words of ``element``, blocks apart, white space normalised."""
    return " ".join("".join(pieces(md, element, leave_out)).split())


def page_text(content) -> str:
    """The words of a page's body as a reader sees them, from the sections its Markdown
    tree recorded (content_model/facts.py)."""
    text = " ".join(section for _anchor, _heading, section in getattr(content, "sections", None) or [])
    return " ".join(text.split())
