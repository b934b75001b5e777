"""search_index: a lunr index of the rendered site, for the browser's lunr.js 2.3.9.

At ``finalized`` it takes the documents from the records each page's Markdown
tree left on its content object (records.py; nothing re-reads a written page), builds the
index with lunr.py through a pipeline identical to lunr.js's (pipeline.py),
and writes it in parts (search/meta.json, search/<build>/*.json; parts.py)
with search/lunr.min.js (index.py). theme/static/js/search-engine.js and
search.js do the rest in the browser.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican import signals

from .extract import SearchDocument
from .index import SNIPPET_LENGTH, TopicWords, copy_lunr, write_search_files
from .records import documents_in_context

logger = logging.getLogger(__name__)

# The generators' shared context, kept from ``all_generators_finalized``:
# ``finalized`` only gets the Pelican object, which does not hold it.
_shared: dict = {}


def remember_context(generators) -> None:
    _shared["context"] = generators[0].context if generators else {}


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
    settings = pelican.settings
    output = Path(pelican.output_path)
    started = time.process_time()
    documents, topics = site_documents(settings)
    sizes = write_search_files(output, documents, topics, snippet_length(settings))
    copy_lunr(output)
    logger.info(
        "search_index: %d documents; meta.json %d bytes, %d parts of %d bytes in all; %.2f s CPU",
        len(documents),
        sizes["meta.json"],
        sizes["files"],
        sizes["parts"],
        time.process_time() - started,
    )


def register() -> None:
    signals.all_generators_finalized.connect(remember_context)
    signals.finalized.connect(write_search_index)
