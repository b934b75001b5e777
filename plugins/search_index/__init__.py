"""search_index: a lunr index of the rendered site, for the browser's lunr.js 2.3.9.

It takes the documents from the records each page's Markdown tree left on its
content object (records.py; nothing re-reads a written page), builds the
index with lunr's formulas through a pipeline identical to lunr.js's
(pipeline.py, index.py), and writes it in parts (search/meta.json,
search/<build>/*.json; parts.py) with search/lunr.min.js.
theme/static/js/search-worker.js and search-engine.js do the rest in the browser.

The index needs the content objects only, not the written pages, so at
``all_generators_finalized`` (every page read, nothing written yet) it is
started in a forked child process (guide_core.ahead) and built there while
Pelican writes the pages and the guard checks them, on the machine's other
core; at ``finalized`` its files are written. ``BUILD_PROCESSES = 1``,
one core or a small site (under ``AHEAD_MIN_PAGES``) build it in the
build's own process at ``finalized``, with the same result.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from guide_core.ahead import Ahead, processes
from pelican import signals

from .extract import SearchDocument
from .index import SNIPPET_LENGTH, TopicWords, copy_lunr, search_files
from .records import documents_in_context

logger = logging.getLogger(__name__)

# The generators' shared context, kept from ``all_generators_finalized``:
# ``finalized`` only gets the Pelican object, which does not hold it.
_shared: dict = {}


# Below this many chapters, pages and questions a child process costs more than it saves
# (the tests' small sites).
AHEAD_MIN_PAGES = 50


def remember_context(generators) -> None:
    context = _shared["context"] = generators[0].context if generators else {}
    stop()
    if generators:
        settings = generators[0].settings
        pages = sum(len(context.get(key) or []) for key in ("articles", "pages", "faq_entries"))
        inline = processes(settings.get("BUILD_PROCESSES")) < 2 or pages < AHEAD_MIN_PAGES
        _shared["ahead"] = Ahead(IndexWork(settings), inline=inline)


def stop() -> None:
    ahead = _shared.pop("ahead", None)
    if ahead is not None:
        ahead.stop()


class IndexWork:
    """The search build of the site as it is when called: its documents and its files."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings

    def __call__(self) -> tuple:
        started = time.process_time()
        documents, topics = site_documents(self.settings)
        files = search_files(documents, topics, snippet_length(self.settings))
        return files, len(documents), time.process_time() - started


def topics_of(settings: dict) -> list[TopicWords]:
    """Topics with their aliases: from topic_links when it ran, else from content/topics/*.md."""
    topics = _shared.get("context", {}).get("topics")
    if topics:
        return [TopicWords(t.slug, t.title, list(getattr(t, "aliases", None) or []), t.url) for t in topics]
    from pelican.readers import Readers

    folder = Path(settings["PATH"]) / "topics"
    if not folder.is_dir():
        return []
    reader = Readers(settings).readers.get("md")
    found = []
    for path in sorted(folder.glob("*.md")):
        _, metadata = reader.read(str(path))
        aliases = metadata.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a.strip() for a in aliases.split(",")]
        slug, title = metadata.get("slug", path.stem), metadata.get("title", "")
        found.append(TopicWords(str(slug), str(title), aliases, f"topics/{slug}/"))
    return found


def chapter_prefix(settings: dict) -> str:
    """The folder chapters live in ("guide/"), from ARTICLE_URL = "guide/{slug}/"."""
    return settings.get("ARTICLE_URL", "").split("{", 1)[0]


def snippet_length(settings: dict) -> int:
    length = settings.get("SEARCH_SNIPPET_LENGTH", SNIPPET_LENGTH)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        logger.error("SEARCH_SNIPPET_LENGTH must be a number of characters (0 or more), not %r", length)
        return SNIPPET_LENGTH
    return length


def site_documents(settings: dict) -> tuple[list[SearchDocument], list[TopicWords]]:
    """The documents of the build, from the records on its content objects (records.py),
    and its topics."""
    documents = documents_in_context(_shared.get("context", {}))
    return documents, topics_of(settings)


def write_search_index(pelican) -> None:
    output = Path(pelican.output_path)
    ahead = _shared.pop("ahead", None) or Ahead(IndexWork(pelican.settings), inline=True)
    files, count, cpu = ahead.result()
    sizes = files.write(output / "search")
    copy_lunr(output)
    logger.info(
        "search_index: %d documents; meta.json %d bytes, %d parts of %d bytes in all; %.2f s CPU%s",
        count,
        sizes["meta.json"],
        sizes["files"],
        sizes["parts"],
        cpu,
        " (in a child process)" if ahead.was_forked else "",
    )


def register() -> None:
    signals.all_generators_finalized.connect(remember_context)
    signals.finalized.connect(write_search_index)
