"""Search documents read back from a written site: what a reader can land on, as the page shows it.

Not part of the build (plugins/search_index makes its documents from the
records of each page's Markdown tree, search_index/records.py). This reads
the same documents from the written HTML, for two uses: tests/test_search.py
checks the records give exactly what the pages show, and tools/search_bench.py
indexes sites it did not build itself (Pagefind's output, replicated guides).

Each kind of page gives its own documents:

- a chapter (``guide/<slug>/``): its opening (title and summary), then one
  document per h2/h3 section with an id (``guide/<slug>/#<id>``); tip cards
  (``aside.tip-card[id]``) are documents of their own and are left out of the
  section they sit in;
- the FAQ page (``faq/``): one document per ``details[id]`` question;
- a topic page (``topics/<slug>/``): its title and description, without the
  lists of links to other pages (those pages are documents themselves);
- a page (``<slug>/``): like a chapter.

Everything else is skipped: the home page, 404, search, the tip list, the
per-question FAQ pages (duplicates of ``faq/#<slug>``), the topic list,
drafts, and any page marked noindex. Text never includes script, style or
template contents, hidden elements or navigation, and white space is normalised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
from lxml.html import HtmlElement
from search_index.extract import SearchDocument

logger = logging.getLogger(__name__)

# Top-level folders that are never a page of their own.
NOT_PAGES = {"search", "tips", "faq", "topics", "drafts", "theme", "assets", "images", "feeds", "offline"}
SKIPPED = ("script", "style", "noscript", "template", "nav", "svg", "button", "form", "iframe")
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
SECTION_HEADINGS = ("h2", "h3")


def clean(text: str) -> str:
    return " ".join(text.split())


def is_element(node) -> bool:
    """An element, not a comment or processing instruction (lxml gives those a function as tag)."""
    return isinstance(node.tag, str)


def classes(tag: HtmlElement) -> list[str]:
    return tag.get("class", "").split()


def is_hidden(tag: HtmlElement) -> bool:
    return (
        tag.tag in SKIPPED
        or tag.get("hidden") is not None
        or tag.get("aria-hidden") == "true"
        or "headerlink" in classes(tag)
    )


def descendants(node: HtmlElement, test) -> Iterator[HtmlElement]:
    """Elements below ``node`` (not itself) that pass ``test``, in document order."""
    for element in node.iterdescendants():
        if is_element(element) and test(element):
            yield element


def first(node: HtmlElement, test) -> HtmlElement | None:
    return next(descendants(node, test), None)


def with_class(name: str):
    return lambda tag: name in classes(tag)


def text_of(node: HtmlElement, leave_out=lambda tag: False) -> str:
    """The visible text of ``node``, blocks separated by spaces, white space normalised."""
    return clean("".join(_strings(node, leave_out)))


def _strings(node: HtmlElement, leave_out) -> Iterator[str]:
    if node.text and is_element(node):
        yield node.text
    for child in node:
        if is_element(child) and not (is_hidden(child) or leave_out(child)):
            block = child.tag in BLOCKS
            if block:
                yield " "
            yield from _strings(child, leave_out)
            if block:
                yield " "
        if child.tail:
            yield child.tail


def page_kind(relative: str, chapter_prefix: str) -> str | None:
    """What kind of page an output file is, from its path; None when it is not indexed."""
    parts = relative.split("/")
    if parts[-1] != "index.html":
        return None  # 404.html, feeds, assets
    folders = parts[:-1]
    if relative == "faq/index.html":
        return "faq"
    if len(folders) == 2 and folders[0] == "topics":
        return "topic"
    in_chapters = chapter_prefix and relative.startswith(chapter_prefix)
    if in_chapters and len(folders) == chapter_prefix.count("/") + 1:
        return "chapter"
    if len(folders) == 1 and folders[0] not in NOT_PAGES and f"{folders[0]}/" != chapter_prefix:
        return "page"
    return None


ROBOTS_NOINDEX = re.compile(r"<meta\s[^>]*name=[\"']?robots[\"']?[^>]*noindex", re.IGNORECASE)
DRAFT_BANNER = re.compile(r"class=[\"']?[^\"'>]*\bdraft-banner\b")


def indexable(html: str) -> bool:
    """False for a page marked noindex or shown with a draft banner (a preview build)."""
    return ROBOTS_NOINDEX.search(html) is None and DRAFT_BANNER.search(html) is None


def main_part(html: str) -> str:
    """The page's ``<main>`` element as a string, or the whole page when it has none.

    Only the main element holds documents; parsing just that skips a third of
    every page (head, header, navigation, footer).
    """
    start = html.find("<main")
    end = html.rfind("</main>")
    return html[start : end + len("</main>")] if start != -1 and end > start else html


def documents_in_site(output: Path, chapter_prefix: str = "guide/") -> list[SearchDocument]:
    """Every search document of the site in ``output``, in a stable order."""
    documents: list[SearchDocument] = []
    for path in sorted(output.rglob("index.html")):
        relative = path.relative_to(output).as_posix()
        kind = page_kind(relative, chapter_prefix)
        if kind is None:
            continue
        html = path.read_text(encoding="utf-8")
        if not indexable(html):
            continue
        url = relative[: -len("index.html")]
        documents.extend(documents_in_page(html, url, kind))
    return documents


def documents_in_page(html: str, url: str, kind: str) -> list[SearchDocument]:
    """The documents of one page, from its HTML (the whole page or just its main element).

    lxml's parser, not BeautifulSoup: only reading is needed here, and on a
    large site this runs over every page (about twenty times faster).
    """
    part = main_part(html)
    if not part.strip():
        return []
    root = lxml.html.document_fromstring(part)
    main = next((found for found in (root.find(".//main"), root.find("body")) if found is not None), root)
    if kind == "faq":
        return faq_documents(main, url)
    if kind == "topic":
        return topic_documents(main, url)
    return sectioned_documents(main, url, kind)


def heading_title(main: HtmlElement) -> str:
    h1 = first(main, lambda tag: tag.tag == "h1")
    return text_of(h1) if h1 is not None else ""


def sectioned_documents(main: HtmlElement, url: str, kind: str) -> list[SearchDocument]:
    """A chapter or page: its opening, its h2/h3 sections, and its tip cards."""
    title = heading_title(main)
    body = first(main, with_class("prose"))
    if body is None:
        body = main
    tips = [tip_document(card, url, title) for card in descendants(body, is_tip_card) if card.get("id")]
    lead = first(main, with_class("lead"))
    opening = SearchDocument(url, title, kind, text_of(lead) if lead is not None else "")
    sections = [opening]
    chunks: list[str] = [opening.text, " "]

    def close_section() -> None:
        sections[-1].text = clean("".join(chunks))

    def walk(node: HtmlElement) -> None:
        if node.text:
            chunks.append(node.text)
        for child in node:
            if is_element(child) and not (
                is_hidden(child) or is_tip_card(child) or child is lead or child.tag == "h1"
            ):
                if child.tag in SECTION_HEADINGS and child.get("id"):
                    close_section()
                    anchor = f"{url}#{child.get('id')}"
                    sections.append(SearchDocument(anchor, text_of(child), kind, "", title))
                    chunks.clear()
                else:
                    block = child.tag in BLOCKS
                    if block:
                        chunks.append(" ")
                    walk(child)
                    if block:
                        chunks.append(" ")
            if child.tail:
                chunks.append(child.tail)

    walk(body)
    close_section()
    return [s for s in sections if s.title or s.text] + tips


def is_tip_card(tag: HtmlElement) -> bool:
    return tag.tag == "aside" and "tip-card" in classes(tag)


def tip_document(card: HtmlElement, url: str, chapter_title: str) -> SearchDocument:
    """A tip card: its title without the kind label, and its body."""
    heading = first(card, lambda tag: tag.tag in ("h2", "h3", "h4"))
    title = ""
    if heading is not None:
        title = text_of(heading, leave_out=is_label) or text_of(heading)
        kind = first(heading, lambda tag: "kind" in tag.get("class", ""))
        label = text_of(kind) if kind is not None else ""
        if label and title.startswith(label):
            title = title[len(label) :].lstrip(" :·—-")
    body = text_of(card, leave_out=lambda tag: tag is heading or is_self_link(tag, card))
    return SearchDocument(f"{url}#{card.get('id')}", title, "tip", body, chapter_title)


def is_label(tag: HtmlElement) -> bool:
    names = " ".join(classes(tag))
    return "kind" in names or "visually-hidden" in names or "label" in names


def is_self_link(tag: HtmlElement, card: HtmlElement) -> bool:
    return tag.tag == "a" and tag.get("href", "").endswith(f"#{card.get('id')}")


def faq_documents(main: HtmlElement, url: str) -> list[SearchDocument]:
    """The FAQ page: one document per question, linking to ``faq/#<slug>``."""
    documents = []
    for item in descendants(main, lambda tag: tag.tag == "details" and tag.get("id")):
        if first(item, with_class("draft-note")) is not None or "draft" in classes(item):
            continue
        summary = first(item, lambda tag: tag.tag == "summary")
        question = text_of(summary) if summary is not None else ""
        answer = first(item, with_class("faq-answer-text"))
        if answer is not None:
            text = text_of(answer)
        else:
            text = text_of(item, leave_out=lambda tag: tag.tag == "summary" or is_link_list(tag))
        documents.append(SearchDocument(f"{url}#{item.get('id')}", question, "question", text))
    return documents


def is_link_list(tag: HtmlElement) -> bool:
    """A list whose every item is just a link (related reading, backlinks, chapter lists)."""
    if tag.tag not in ("ul", "ol"):
        return False
    items = [child for child in tag if child.tag == "li"]

    def just_links(item: HtmlElement) -> bool:
        links = list(item.iter("a"))
        return bool(links) and clean(item.text_content()) == clean(" ".join(a.text_content() for a in links))

    return bool(items) and all(just_links(item) for item in items)


def topic_documents(main: HtmlElement, url: str) -> list[SearchDocument]:
    """A topic page: its title and description (the lists on it lead to other documents)."""
    title = heading_title(main)
    description = first(main, with_class("lead"))
    if description is not None:
        return [SearchDocument(url, title, "topic", text_of(description))]

    def leave_out(tag: HtmlElement) -> bool:
        return (
            tag.tag in ("h1", "h2", "h3", "h4", "aside", "footer")
            or is_link_list(tag)
            or re.search(r"related|backlink|chips|counts", " ".join(classes(tag))) is not None
        )

    return [SearchDocument(url, title, "topic", text_of(main, leave_out=leave_out))]
