"""Search documents from the rendered site: what a reader can land on.

Each kind of page gives its own documents, read from the HTML the build wrote,
so a kind appears in search as soon as its pages exist:

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
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

logger = logging.getLogger(__name__)

KIND_LABELS = {"chapter": "Chapter", "faq": "FAQ", "tip": "Tip", "topic": "Topic", "page": "Page"}
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
NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


@dataclass
class SearchDocument:
    url: str  # relative to the site root: "guide/building-trust/#keep-small-promises"
    title: str
    kind: str  # chapter, faq, tip, topic, page
    text: str
    page: str = ""  # the title of the page a section or tip card belongs to
    keywords: str = ""  # indexed with the text, never shown (a topic's aliases)


def clean(text: str) -> str:
    return " ".join(text.split())


def is_hidden(tag: Tag) -> bool:
    return (
        tag.name in SKIPPED
        or tag.has_attr("hidden")
        or tag.get("aria-hidden") == "true"
        or "headerlink" in tag.get("class", [])
    )


def text_of(node: Tag, leave_out=lambda tag: False) -> str:
    """The visible text of ``node``, blocks separated by spaces, white space normalised."""
    return clean("".join(_strings(node, leave_out)))


def _strings(node: Tag, leave_out) -> Iterator[str]:
    for child in node.children:
        if isinstance(child, Tag):
            if is_hidden(child) or leave_out(child):
                continue
            block = child.name in BLOCKS
            if block:
                yield " "
            yield from _strings(child, leave_out)
            if block:
                yield " "
        elif isinstance(child, NavigableString) and not isinstance(child, NOT_TEXT):
            yield str(child)


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
        soup = BeautifulSoup(main_part(html), "html.parser")
        url = relative[: -len("index.html")]
        documents.extend(documents_in_page(soup, url, kind))
    return documents


def documents_in_page(soup: BeautifulSoup, url: str, kind: str) -> list[SearchDocument]:
    main = soup.find("main") or soup.body or soup
    if kind == "faq":
        return faq_documents(main, url)
    if kind == "topic":
        return topic_documents(main, url)
    return sectioned_documents(main, url, kind)


def heading_title(main: Tag) -> str:
    h1 = main.find("h1")
    return text_of(h1) if h1 else ""


def sectioned_documents(main: Tag, url: str, kind: str) -> list[SearchDocument]:
    """A chapter or page: its opening, its h2/h3 sections, and its tip cards."""
    title = heading_title(main)
    body = main.select_one(".prose") or main
    tips = [tip_document(card, url, title) for card in body.select("aside.tip-card[id]")]
    lead = main.select_one(".lead")
    opening = SearchDocument(url, title, kind, text_of(lead) if lead else "")
    sections = [opening]
    chunks: list[str] = [opening.text, " "]

    def close_section() -> None:
        sections[-1].text = clean("".join(chunks))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                if is_hidden(child) or is_tip_card(child) or child is lead or child.name == "h1":
                    continue
                if child.name in SECTION_HEADINGS and child.get("id"):
                    close_section()
                    sections.append(SearchDocument(f"{url}#{child['id']}", text_of(child), kind, "", title))
                    chunks.clear()
                    continue
                if child.name in BLOCKS:
                    chunks.append(" ")
                walk(child)
                if child.name in BLOCKS:
                    chunks.append(" ")
            elif isinstance(child, NavigableString) and not isinstance(child, NOT_TEXT):
                chunks.append(str(child))

    walk(body)
    close_section()
    return [s for s in sections if s.title or s.text] + tips


def is_tip_card(tag: Tag) -> bool:
    return tag.name == "aside" and "tip-card" in tag.get("class", [])


def tip_document(card: Tag, url: str, chapter_title: str) -> SearchDocument:
    """A tip card: its title without the kind label, and its body."""
    heading = card.find(["h2", "h3", "h4"])
    title = ""
    if heading:
        title = text_of(heading, leave_out=is_label) or text_of(heading)
        label = text_of(heading.select_one("[class*=kind]")) if heading.select_one("[class*=kind]") else ""
        if label and title.startswith(label):
            title = title[len(label) :].lstrip(" :·—-")
    body = text_of(card, leave_out=lambda tag: tag is heading or is_self_link(tag, card))
    return SearchDocument(f"{url}#{card['id']}", title, "tip", body, chapter_title)


def is_label(tag: Tag) -> bool:
    classes = " ".join(tag.get("class", []))
    return "kind" in classes or "visually-hidden" in classes or "label" in classes


def is_self_link(tag: Tag, card: Tag) -> bool:
    return tag.name == "a" and tag.get("href", "").endswith(f"#{card.get('id')}")


def faq_documents(main: Tag, url: str) -> list[SearchDocument]:
    """The FAQ page: one document per question, linking to ``faq/#<slug>``."""
    documents = []
    for item in main.select("details[id]"):
        if item.select_one(".draft-note") or "draft" in item.get("class", []):
            continue
        summary = item.find("summary")
        question = text_of(summary) if summary else ""
        answer = item.select_one(".faq-answer-text")
        if answer is not None:
            text = text_of(answer)
        else:
            text = text_of(item, leave_out=lambda tag: tag.name == "summary" or is_link_list(tag))
        documents.append(SearchDocument(f"{url}#{item['id']}", question, "faq", text))
    return documents


def is_link_list(tag: Tag) -> bool:
    """A list whose every item is just a link (related reading, backlinks, chapter lists)."""
    if tag.name not in ("ul", "ol"):
        return False
    items = tag.find_all("li", recursive=False)

    def just_links(item: Tag) -> bool:
        links = item.find_all("a")
        return bool(links) and clean(item.get_text()) == clean(" ".join(a.get_text() for a in links))

    return bool(items) and all(just_links(item) for item in items)


def topic_documents(main: Tag, url: str) -> list[SearchDocument]:
    """A topic page: its title and description (the lists on it lead to other documents)."""
    title = heading_title(main)
    description = main.select_one(".lead")
    if description is not None:
        return [SearchDocument(url, title, "topic", text_of(description))]

    def leave_out(tag: Tag) -> bool:
        return (
            tag.name in ("h1", "h2", "h3", "h4", "aside", "footer")
            or is_link_list(tag)
            or re.search(r"related|backlink|chips|counts", " ".join(tag.get("class", []))) is not None
        )

    return [SearchDocument(url, title, "topic", text_of(main, leave_out=leave_out))]
