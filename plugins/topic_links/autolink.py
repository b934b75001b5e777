"""First-mention links: a topic's name in a chapter's text links to its page.

Rules (docs/architecture.md, "Cross-links"):

- the first mention of a topic's title or one of its aliases in the body
  text links to the topic page, once per topic per page;
- whole words only, case-insensitive; the longest term wins ("active
  listening" before "listening"); a possessive "'s" still counts;
- never inside headings (so never in a tip card's title, its ``<h3>``), links,
  code, preformatted text, buttons, labels or footnote marks;
- never to a topic the chapter is filed under: its topic chips already link
  there, and a chapter about trust that links "trust" to the trust page is
  noise;
- terms in the ``TOPIC_AUTOLINK_SKIP`` setting never link (words like
  "partner" that are on every page);
- ``Autolink: no`` in a chapter's metadata turns it off for that chapter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from bs4 import BeautifulSoup, NavigableString, Tag

SKIPPED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp", "script", "style",
    "button", "label", "select", "textarea", "sup", "svg", "math", "template",
})


def normalise(term: str) -> str:
    return " ".join(term.lower().replace("\u2019", "'").split())


class TermMatcher:
    """Finds topic terms in text and tells which topic each one names."""

    def __init__(self, topics: dict[str, Iterable[str]], skip: Iterable[str] = ()) -> None:
        skipped = {normalise(term) for term in skip}
        self.topic_of: dict[str, str] = {}
        for slug in sorted(topics):
            for term in topics[slug]:
                key = normalise(term)
                if key and key not in skipped:
                    self.topic_of.setdefault(key, slug)
        terms = sorted(self.topic_of, key=lambda t: (-len(t), t))
        alternatives = "|".join(
            r"\s+".join(re.escape(word).replace("'", "['\u2019]") for word in term.split())
            for term in terms
        )
        # Whole words: no letter, digit, hyphen or apostrophe-letter on either
        # side, except a possessive 's after the term.
        self.pattern = re.compile(
            rf"(?<![\w'\u2019-])(?:{alternatives})(?![\w-])(?!['\u2019](?!s\b)\w)", re.I,
        ) if terms else None

    def topic(self, text: str) -> str | None:
        return self.topic_of.get(normalise(text))


def autolink(
    html: str, matcher: TermMatcher, url_for: Callable[[str], str], exclude: Iterable[str] = (),
) -> tuple[str, list[str]]:
    """``html`` with first mentions linked, and the topics it linked."""
    if matcher.pattern is None:
        return html, []
    # Only parse when a topic that may link is mentioned at all, and stop
    # walking once each of those has its link: parsing is most of the cost.
    wanted = {matcher.topic(m.group(0)) for m in matcher.pattern.finditer(html)} - set(exclude) - {None}
    if not wanted:
        return html, []
    soup = BeautifulSoup(html, "html.parser")
    linked: list[str] = []
    for node in _text_nodes(soup):
        pieces = _link_mentions(soup, str(node), matcher, url_for, wanted, linked)
        if pieces:
            node.replace_with(*pieces)
        if not wanted:
            break
    return (str(soup), linked) if linked else (html, [])


def _text_nodes(root: Tag) -> Iterator[NavigableString]:
    """Text in document order, leaving out whole skipped elements (and comments)."""
    stack = [iter(list(root.contents))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            if node.name not in SKIPPED_TAGS:
                stack.append(iter(list(node.contents)))
        elif type(node) is NavigableString:
            yield node


def _link_mentions(soup: BeautifulSoup, text: str, matcher: TermMatcher, url_for: Callable[[str], str],
                   wanted: set[str], linked: list[str]) -> list:
    pieces: list = []
    last = 0
    for match in matcher.pattern.finditer(text):
        slug = matcher.topic(match.group(0))
        if slug not in wanted:
            continue
        wanted.discard(slug)
        linked.append(slug)
        link: Tag = soup.new_tag("a", attrs={"class": "topic-link", "href": url_for(slug)})
        link.string = match.group(0)
        pieces += [text[last:match.start()], link]
        last = match.end()
        if not wanted:
            break
    if not pieces:
        return []
    pieces.append(text[last:])
    return [piece for piece in pieces if piece != ""]
