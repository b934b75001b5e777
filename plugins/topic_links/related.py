"""Related reading and backlinks for chapters and FAQ entries.

``related_reading()`` picks 3 to 5 items for the end of a page:

1. the editor's ``Related:`` list first, in the editor's order;
2. then the chapters and questions that share the most topics with the page.
   Ties are broken, in this order, by a link between the two pages (a wiki
   link or a Related entry, either way), by how specific the shared topics
   are (sharing a topic that files 2 items says more than sharing one that
   files 20), and finally by position (chapters in guide order, then
   questions in FAQ order), so the result never depends on dict or file order;
3. if the list has no chapter, or no question, and one shares a topic, it
   takes the place of the last automatic pick, so readers see both kinds;
4. if fewer than the minimum share a topic, the list is filled from the
   rest: pages linked with this one first, then those filed under a topic
   related to one of this page's (the topics' own ``Related:``), then
   chapters before questions, nearest in guide order.

The page itself is never in its own list, and nothing appears twice.
``candidates`` need only hold what can qualify (see ``Shortlist``), so the
work per page stays small however large the guide grows.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from guide_core import kinds

READABLE = tuple(kind.name for kind in kinds.KINDS.values() if kind.readable)  # chapter, question


@dataclass(frozen=True)
class ReadingItem:
    """A chapter or a question as related reading or backlink shows it."""

    slug: str
    title: str
    url: str
    kind: str  # "chapter" or "question"
    topics: tuple[str, ...] = ()
    rank: int = 0  # chapters in guide order, then questions in FAQ order
    topic_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "topic_set", frozenset(self.topics))

    @property
    def kind_label(self) -> str:
        return kinds.kind(self.kind).label


Links = set[tuple[str, str]]


def linked(a: str, b: str, links: Links) -> bool:
    return (a, b) in links or (b, a) in links


def score(subject: ReadingItem, candidate: ReadingItem, links: Links,
          topic_sizes: dict[str, int]) -> tuple:
    """Sort key, best first: (-shared topics, -linked, -specificity, rank)."""
    shared = subject.topic_set & candidate.topic_set
    specificity = sum(1 / max(topic_sizes.get(slug, 1), 1) for slug in sorted(shared)) if shared else 0
    return (-len(shared), -int(linked(subject.slug, candidate.slug, links)),
            -round(specificity, 6), candidate.rank, candidate.slug)


def related_reading(
    subject: ReadingItem,
    editor: Iterable[str],
    candidates: Iterable[ReadingItem],
    links: Links | None = None,
    topic_sizes: dict[str, int] | None = None,
    minimum: int = 3,
    maximum: int = 5,
    related_topics: dict[str, set[str]] | None = None,
) -> list[ReadingItem]:
    links = links or set()
    topic_sizes = topic_sizes or {}
    nearby = set().union(*((related_topics or {}).get(slug, set()) for slug in subject.topics))
    own = set(subject.topics)
    pool = {c.slug: c for c in candidates if c.slug != subject.slug}
    chosen: list[ReadingItem] = []
    for slug in dict.fromkeys(editor):
        if slug in pool and len(chosen) < maximum:
            chosen.append(pool[slug])
    from_editor = len(chosen)
    taken = {item.slug for item in chosen}

    sharing = [c for c in pool.values() if c.slug not in taken and not own.isdisjoint(c.topic_set)]
    keys = {c.slug: score(subject, c, links, topic_sizes) for c in sharing}  # each scored once

    def key(item: ReadingItem) -> tuple:
        return keys[item.slug]

    # The best few, not the whole pool sorted (a topic may hold hundreds of pages).
    chosen += heapq.nsmallest(maximum - len(chosen), sharing, key=key)
    for kind in READABLE:
        if any(item.kind == kind for item in chosen):
            continue
        taken = {item.slug for item in chosen}
        best = min((c for c in sharing if c.kind == kind and c.slug not in taken), key=key, default=None)
        replaceable = [
            item for item in chosen[from_editor:]
            if sum(other.kind == item.kind for other in chosen) > 1
        ]
        if best and replaceable:
            chosen.remove(replaceable[-1])
            chosen.append(best)
    chosen[from_editor:] = sorted(chosen[from_editor:], key=key)
    if len(chosen) < minimum:
        taken = {item.slug for item in chosen}
        rest = sorted(
            (c for c in pool.values() if c.slug not in taken),
            key=lambda c: (not linked(subject.slug, c.slug, links), -len(nearby & set(c.topics)),
                           c.kind != "chapter", abs(c.rank - subject.rank), c.rank, c.slug),
        )
        chosen += rest[: minimum - len(chosen)]
    return chosen


class Shortlist:
    """The candidates worth scoring for a page, from an index by topic.

    A page's related reading can only come from its editor's list, the pages
    sharing one of its topics, the pages linked with it, the pages under a
    related topic, and its neighbours in guide order; scoring just those
    keeps each page's work proportional to its topics' size, not the guide's.
    """

    NEIGHBOURS = 3

    def __init__(self, items: list[ReadingItem], links: Links, related_topics: dict[str, set[str]]) -> None:
        self.by_slug = {item.slug: item for item in items}
        self.by_topic: dict[str, list[ReadingItem]] = {}
        for item in items:
            for slug in item.topics:
                self.by_topic.setdefault(slug, []).append(item)
        self.linked: dict[str, set[str]] = {}
        for a, b in links:
            self.linked.setdefault(a, set()).add(b)
            self.linked.setdefault(b, set()).add(a)
        self.related_topics = related_topics
        self.in_order = sorted(items, key=lambda item: item.rank)
        self.ranks = [item.rank for item in self.in_order]

    def candidates(self, subject: ReadingItem, editor: Iterable[str], minimum: int = 3) -> list[ReadingItem]:
        found: dict[str, ReadingItem] = {}
        for slug in sorted(set(subject.topics)):
            found.update((item.slug, item) for item in self.by_topic.get(slug, []))
        for slug in [*editor, *sorted(self.linked.get(subject.slug, set()))]:
            if slug in self.by_slug:
                found[slug] = self.by_slug[slug]
        own = subject.topic_set
        sharing = sum(1 for slug, item in found.items()
                      if slug != subject.slug and not own.isdisjoint(item.topic_set))
        if sharing >= minimum:
            return list(found.values())  # enough share a topic: nothing else can be picked
        nearby = set().union(*(self.related_topics.get(slug, set()) for slug in subject.topics))
        for slug in sorted(nearby):
            found.update((item.slug, item) for item in self.by_topic.get(slug, []))
        position = bisect.bisect_left(self.ranks, subject.rank)
        for item in self.in_order[max(0, position - self.NEIGHBOURS): position + self.NEIGHBOURS + 1]:
            found[item.slug] = item
        return list(found.values())


def inbound(links: Links) -> dict[str, set[str]]:
    """target -> the slugs of the pages that link to it."""
    sources: dict[str, set[str]] = {}
    for source, target in links:
        if source != target:
            sources.setdefault(target, set()).add(source)
    return sources


def backlinks(target: str, sources: dict[str, set[str]], items: dict[str, ReadingItem]) -> list[ReadingItem]:
    """The chapters and questions that link to ``target``, in guide then FAQ order."""
    linking = (items[slug] for slug in sources.get(target, ()) if slug in items)
    return sorted(linking, key=lambda item: (item.rank, item.slug))
