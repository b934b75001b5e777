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

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable

from guide_core.problems import split_list
from markdown import Extension, Markdown, util
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

SKIPPED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp", "script", "style",
    "button", "label", "select", "textarea", "sup", "svg", "math", "template",
})
# Python-Markdown keeps raw HTML and smarty's entities (&rsquo;) out of the tree as placeholders.
STASHED = re.compile(re.escape(util.STX) + r"wzxhzdk:(\d+)" + re.escape(util.ETX))
ENTITY = re.compile(r"&#?\w+;")
TOKEN = re.compile(r"[\w'-]+|[^\w\s'-]")  # a word, or one mark of punctuation


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
        self.pattern = self.compile(list(self.topic_of))
        # Which topics a text mentions at all, found token by token (a dictionary look-up per
        # run of tokens) rather than by the pattern, whose many alternatives are slow to try
        # at every position. Never fewer topics than the pattern finds.
        self.starting: dict[str, list[tuple[list[str], str]]] = {}
        for term, slug in self.topic_of.items():
            tokens = TOKEN.findall(term)
            if tokens:
                self.starting.setdefault(tokens[0], []).append((tokens, slug))

    def mentioned(self, text: str) -> set[str]:
        """The topics whose terms ``text`` may contain."""
        tokens = TOKEN.findall(text.lower().replace("\u2019", "'"))
        found: set[str] = set()
        starting = self.starting
        for start, token in enumerate(tokens):
            candidates = starting.get(token) or (starting.get(token[:-2]) if token.endswith("'s") else None)
            for term, slug in candidates or ():
                run = tokens[start : start + len(term)]
                if run[:-1] == term[:-1] and run and run[-1] in (term[-1], term[-1] + "'s"):
                    found.add(slug)
        return found

    @staticmethod
    def compile(terms: list[str]) -> re.Pattern | None:
        terms = sorted(terms, key=lambda t: (-len(t), t))
        alternatives = "|".join(
            r"\s+".join(re.escape(word).replace("'", "['\u2019]") for word in term.split())
            for term in terms
        )
        # Whole words: no letter, digit, hyphen or apostrophe-letter on either
        # side, except a possessive 's after the term.
        return re.compile(
            rf"(?<![\w'\u2019-])(?:{alternatives})(?![\w-])(?!['\u2019](?!s\b)\w)", re.I,
        ) if terms else None

    def topic(self, text: str) -> str | None:
        return self.topic_of.get(normalise(text))


class FirstMentions(Treeprocessor):
    """Links the first mention of each topic in a chapter's text, in the Markdown tree.

    Runs after the inline patterns (so links, code and emphasis are elements),
    in the style of Python-Markdown's AbbrTreeprocessor; records the topics it
    linked as ``md.topic_links``.
    """

    def __init__(self, md: Markdown, matcher: TermMatcher, url_for: Callable[[str], str]):
        super().__init__(md)
        self.matcher = matcher
        self.url_for = url_for

    def run(self, root: etree.Element) -> None:
        self.md.topic_links = []
        meta = getattr(self.md, "Meta", {}) or {}
        autolink = " ".join(meta.get("autolink", ["yes"])).strip().lower()
        if (self.matcher.pattern is None or getattr(self.md, "content_kind", None) != "chapter"
                or autolink in ("no", "false", "off")):
            return
        # One search over all the page's text finds the topics it mentions at all; the walk
        # then looks for those topics' terms only (most of the cost is the search).
        texts = "\x00".join(self.visible(text)[0] for text in self.texts(root))
        self.wanted = self.matcher.mentioned(texts) - set(split_list(meta.get("topics", [])))
        if self.wanted:
            self.walk(root)

    def texts(self, element: etree.Element):
        """The text the walk may link, in order."""
        if element.text and not isinstance(element.text, AtomicString):
            yield element.text
        for child in element:
            if child.tag not in SKIPPED_TAGS:
                yield from self.texts(child)
            if child.tail and not isinstance(child.tail, AtomicString):
                yield child.tail

    def walk(self, element: etree.Element) -> None:
        if element.text and not isinstance(element.text, AtomicString):
            element.text, links = self.link(element.text)
            for index, link in enumerate(links):
                element.insert(index, link)
        for child in list(element):
            if not self.wanted:
                return
            if child.tag not in SKIPPED_TAGS:
                self.walk(child)
            if child.tail and not isinstance(child.tail, AtomicString) and self.wanted:
                child.tail, links = self.link(child.tail)
                at = list(element).index(child) + 1
                for offset, link in enumerate(links):
                    element.insert(at + offset, link)

    def link(self, text: str) -> tuple[str, list[etree.Element]]:
        """The text before the first link, and the links (each with the text after it as tail)."""
        seen, ends = self.visible(text)
        if not self.matcher.mentioned(seen) & self.wanted:
            return text, []  # the pattern decides, but only where a wanted topic may be
        cuts = []
        for match in self.matcher.pattern.finditer(seen):
            slug = self.matcher.topic(match.group(0))
            if slug in self.wanted:
                self.wanted.discard(slug)
                cuts.append((ends[match.start() - 1] if match.start() else 0, ends[match.end() - 1], slug))
                if not self.wanted:
                    break
        if not cuts:
            return text, []
        links = []
        for (start, end, slug), following in zip(cuts, [*cuts[1:], None]):
            link = etree.Element("a", {"class": "topic-link", "href": self.url_for(slug)})
            link.text = text[start:end]
            link.tail = text[end : following[0] if following else len(text)]
            links.append(link)
            self.md.topic_links.append(slug)
        return text[: cuts[0][0]], links

    def visible(self, text: str) -> tuple[str, list[int]]:
        """The text as a reader sees it (smarty's ’ instead of its placeholder), and for
        each of its characters the end of that character in ``text``."""
        if util.STX not in text:
            return text, list(range(1, len(text) + 1))
        seen: list[str] = []
        ends: list[int] = []
        last = 0
        for match in STASHED.finditer(text):
            seen.append(text[last : match.start()])
            ends.extend(range(last + 1, match.start() + 1))
            raw = str(self.md.htmlStash.rawHtmlBlocks[int(match.group(1))])
            shown = html.unescape(raw) if ENTITY.fullmatch(raw) else "\ufffc"
            seen.append(shown)
            ends.extend([match.end()] * len(shown))
            last = match.end()
        seen.append(text[last:])
        ends.extend(range(last + 1, len(text) + 1))
        return "".join(seen), ends


class FirstMentionsExtension(Extension):
    def __init__(self, matcher: TermMatcher, url_for: Callable[[str], str]):
        super().__init__()
        self.matcher, self.url_for = matcher, url_for

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (20), before the tip-card records (-10) copy card bodies.
        md.treeprocessors.register(FirstMentions(md, self.matcher, self.url_for), "first_mentions", 15)
        md.topic_links = []
