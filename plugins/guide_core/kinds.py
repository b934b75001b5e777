"""The one registry of content kinds. Every plugin, template and tool names a kind
by ``content.kind`` (one of these names) and asks this registry what it is.

| name | what | folder | URL | dated | readable | listed |
| --- | --- | --- | --- | --- | --- | --- |
| chapter | a guide chapter (a Pelican Article) | articles/ | guide/<slug>/ | yes | yes | in the guide |
| question | an FAQ entry (label: Question) | faq/ | faq/#<slug>, faq/<slug>/ | yes | yes | on /faq/ |
| topic | a topic | topics/ | topics/<slug>/ | no | no | on /topics/ |
| page | about, help, privacy ... | pages/ | <slug>/ | yes | no | no |
| tip | a tip card inside a chapter | (none) | guide/<chapter>/#<id> | no | no | on /tips/ |

"dated": has Reviewed and a next-review date; "readable": gets related
reading, backlinks and reading time. ``search_prefix`` is the one letter a
search reference starts with (plugins/search_index).

Adding a kind: one entry here, a folder in ``content/``, its template, its
metadata rules in content_model/model.py (``MODEL``), and its generator when
Pelican's own do not write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what a reader sees: "Chapter", "FAQ", ...
    article: str  # "a chapter", for messages
    folder: str | None  # under the content root; None: not a file of its own
    url: str  # URL pattern, relative to SITEURL
    search_prefix: str
    dated: bool
    readable: bool
    listed: str  # where a reader finds the list of them ("" : nowhere)


# In this order search numbers its documents (chapters first); add a kind at the end.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("chapter", "Chapter", "an article", "articles", "guide/{slug}/", "c", True, True, "/"),
    Kind("question", "Question", "an FAQ entry", "faq", "faq/{slug}/", "f", True, True, "/faq/"),
    Kind("tip", "Tip", "a tip card", None, "guide/{chapter}/#{id}", "t", False, False, "/tips/"),
    Kind("topic", "Topic", "a topic", "topics", "topics/{slug}/", "o", False, False, "/topics/"),
    Kind("page", "Page", "a page", "pages", "{slug}/", "p", True, False, ""),
)}
BY_FOLDER = {kind.folder: kind for kind in KINDS.values() if kind.folder}


def kind(name: str) -> Kind:
    """The kind called ``name``; a KeyError names the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown content kind {name!r}; the kinds are {', '.join(KINDS)}") from None


def kind_of_path(source_path: str, content_root: str) -> Kind | None:
    """The kind of a content file, from its first folder under the content root."""
    try:
        parts = PurePath(source_path).relative_to(content_root).parts
    except ValueError:
        return None
    return BY_FOLDER.get(parts[0]) if len(parts) > 1 else None
