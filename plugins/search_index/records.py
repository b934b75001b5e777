"""Search documents from the records the reader copied off each page's Markdown tree.

Nothing here reads or parses the written HTML: every content object already
holds its sections (content_model/facts.py: ``(id, heading, text)`` cut at
each h2/h3 with an id, tip cards left out) and its tip cards
(``card_records``). What a reader can land on:

- a chapter (``guide/<slug>/``): its opening (title; summary and the text
  before the first heading), then one document per section
  (``guide/<slug>/#<id>``), and one per tip card (``#tip-...``);
- a page (``<slug>/``): the same; on the help page (``HELP_PAGE_SLUG``), the help
  directory it shows (reader_safety's ``help_directory``) too: each need
  (``getting-help/#need-<slug>``) and each help line (``getting-help/#<need>-<line>``),
  so "domestic abuse helpline" lands on the line itself, with its number;
- an FAQ entry: one document at ``faq/#<slug>``, the question and its answer;
- a topic (``topics/<slug>/``): its title and text, its aliases as keywords.

Drafts (shown only in a preview) are never indexed, nor are pages the theme
marks noindex.
"""

from __future__ import annotations

from collections.abc import Iterable

from guide_core.tree import page_text

from .extract import SearchDocument

# Pages a reader never searches for (theme: robots noindex).
NOINDEX_TEMPLATES = ("redirect",)


def clean(text: str) -> str:
    return " ".join(str(text or "").split())


def sectioned(content, kind: str) -> list[SearchDocument]:
    """A chapter or a page: its opening, its sections and its tip cards."""
    url, title = content.url, clean(content.title)
    sections = list(getattr(content, "sections", None) or [("", "", "")])
    # A chapter opens with its summary (the lead under its title); a page shows none.
    lead = getattr(content, "summary_text", "") if kind == "chapter" else ""
    opening_text = clean(f"{lead or ''} {sections[0][2]}")
    documents = [SearchDocument(url, title, kind, opening_text)]
    for anchor, heading, text in sections[1:]:
        documents.append(SearchDocument(f"{url}#{anchor}", clean(heading), kind, clean(text), title))
    documents = [d for d in documents if d.title or d.text]
    documents += [
        SearchDocument(f"{url}#{card.id}", card.title, "tip", clean(card.text), title)
        for card in getattr(content, "card_records", None) or []
    ]
    return documents


def help_sections(page, directory) -> list[SearchDocument]:
    """The help directory, as the help page shows it above its text (the theme's
    partials/help-directory.html): a section per need (id ``need-<slug>``: its heading and
    introduction), and each help line under the first need it serves (id
    ``<need>-<line>``: its name; the need's heading, whom it is for, where and when)."""
    if directory is None or not getattr(directory, "lines", None):
        return []
    url, title = page.url, clean(page.title)
    sections, listed = [], set()
    for need in directory.needs.values():
        sections.append(SearchDocument(f"{url}#need-{need.slug}", clean(need.title), "page",
                                       clean(need.intro), title))
        for line in directory.lines_for(need.slug):
            if line.slug in listed:
                continue
            listed.add(line.slug)
            where = directory.region_names(line.regions)
            # As the page shows it: an emergency number with its place only.
            shown = [need.title, where]
            if need.slug != "danger":
                shown += [line.audience, line.hours]
            text = clean(" ".join(f"{part}." for part in shown))
            anchor = f"{url}#{need.slug}-{line.slug}"
            sections.append(SearchDocument(anchor, clean(line.name), "page", text, title))
    return sections


def indexed(contents: Iterable) -> list:
    return [c for c in contents or [] if getattr(c, "status", "published") != "draft"
            and getattr(c, "template", "") not in NOINDEX_TEMPLATES]


def documents_in_context(context: dict, faq_url: str = "faq/") -> list[SearchDocument]:
    """Every search document of the build, in a stable order (by URL, as the site's folders)."""
    by_url: list[tuple[str, list[SearchDocument]]] = []
    for chapter in indexed(context.get("articles")):
        by_url.append((chapter.url, sectioned(chapter, "chapter")))
    help_page = context.get("HELP_PAGE_SLUG", "getting-help")
    for page in indexed(context.get("pages")):
        documents = sectioned(page, "page")
        if getattr(page, "slug", None) == help_page:
            documents[1:1] = help_sections(page, context.get("help_directory"))
        by_url.append((page.url, documents))
    for topic in indexed(context.get("topics")):
        by_url.append((topic.url, [SearchDocument(topic.url, clean(topic.title), "topic", page_text(topic),
                                                  keywords=" ".join(getattr(topic, "aliases", []) or []))]))
    # In the order the FAQ page shows them (by group), as the page is read.
    groups = context.get("faq_groups")
    entries = indexed([e for g in groups for e in g.entries] if groups else context.get("faq_entries"))
    if entries:
        by_url.append((faq_url, [
            SearchDocument(f"{faq_url}#{entry.slug}", clean(entry.title), "question", page_text(entry))
            for entry in entries
        ]))
    by_url.sort(key=lambda pair: pair[0].split("/"))  # folder by folder, as the site's files sort
    return [document for _url, documents in by_url for document in documents]
