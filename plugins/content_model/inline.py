"""Python-Markdown's inline pass, without asking patterns that cannot match.

Reading Markdown is most of a build, and most of reading is the inline pass:
for every piece of text, Python-Markdown's ``InlineProcessor`` tries each of
its inline patterns in turn (about 17 with the guide's extensions), and smarty
runs a second ``InlineProcessor`` with 18 more. A pattern's regular expression
can only match text that holds its literal characters: a link needs ``[``, an
entity ``&``, smarty's closing quote ``'``. Most text holds few of them, so most
tries find nothing, at a few microseconds each.

``QuickInlineProcessor`` is the same processor, with one test before each
try: when the text holds none of the characters every match of that pattern
contains (``NEEDS``, below), the pattern is passed over exactly as a try that
found nothing would pass it. The result is the same HTML, to the byte (tests:
each entry of ``NEEDS`` against its regular expression, and the guide and
arbitrary Markdown converted both ways). A pattern not in ``NEEDS`` is always
tried.

It replaces the loop of Python-Markdown's (private) ``__handleInline``, which
Python-Markdown offers no other way to change: ``requirements.txt`` pins the
version it was written against, and ``quicken`` checks it.
"""

from __future__ import annotations

import markdown
from markdown import inlinepatterns, util
from markdown.extensions import smarty
from markdown.treeprocessors import InlineProcessor

# What each pattern's every match contains (any one of these strings), by its regular
# expression: Python-Markdown's own patterns, footnotes' and smarty's. A pattern of ours says
# it itself, as a ``needs`` attribute (topic_links' wiki links: "[[").
_OPENING_QUOTE = smarty.openingQuotesBase
NEEDS: dict[str, tuple[str, ...]] = {
    inlinepatterns.BACKTICK_RE: ("`",),  # both branches: a backtick (the first in a lookahead)
    inlinepatterns.ESCAPE_RE: ("\\",),
    r"\[\^([^\]]*)\]": ("[^",),  # footnotes' FOOTNOTE_RE (defined inside its extendMarkdown)
    inlinepatterns.LINK_RE: ("[",),  # also REFERENCE_RE and the short references
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE and the short ones
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    # smarty (its dashes and ellipses are written inside its methods)
    r"(?<!-)---(?!-)": ("---",),
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),
    smarty.singleQuoteStartRe: ("'",),
    smarty.doubleQuoteStartRe: ('"',),
    smarty.doubleQuoteSetsRe: ("\"'",),
    smarty.singleQuoteSetsRe: ("'\"",),
    smarty.doubleQuoteSetsRe2: ("'\"",),
    smarty.singleQuoteSetsRe2: ("\"'",),
    smarty.decadeAbbrRe: ("'",),
    smarty.openingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex2: ("'",),
    smarty.remainingSingleQuotesRegex: ("'",),
    smarty.openingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex2: ('"',),
    smarty.remainingDoubleQuotesRegex: ('"',),
}
# The Python-Markdown this loop copies (treeprocessors.InlineProcessor.__handleInline).
WRITTEN_FOR = "3.11.3"
# The inline passes and where Python-Markdown and smarty register them.
PASSES = {"inline": 20, "smarty": 6}


def needs_of(pattern) -> tuple[str, ...] | None:
    """The strings one of which each match of this pattern contains; None: always try it."""
    own = getattr(pattern, "needs", None)
    if own is not None:
        return tuple(own)
    if isinstance(pattern, inlinepatterns.DelimiterProcessor):
        return tuple(pattern.tokens)  # it matches its delimiters (*, _) and nothing else
    regex = getattr(pattern, "pattern", None)
    return NEEDS.get(regex) if isinstance(regex, str) else None


class QuickInlineProcessor(InlineProcessor):
    def run(self, tree, ancestors=None):
        self.needs = [needs_of(pattern) for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        """InlineProcessor.__handleInline, passing over the patterns the text cannot match."""
        if not isinstance(data, util.AtomicString):
            startIndex = 0  # noqa: N806 - as in the loop this replaces
            patterns, needs = self.inlinePatterns, self.needs
            count = len(patterns)
            apply = self._InlineProcessor__applyPattern
            while patternIndex < count:
                need = needs[patternIndex]
                if need is not None and not any(piece in data for piece in need):
                    patternIndex += 1  # what a try that found nothing returns: the next, from 0
                    startIndex = 0  # noqa: N806
                    continue
                data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
                if not matched:
                    patternIndex += 1
        return data


def quicken(md: markdown.Markdown) -> markdown.Markdown:
    """Put a QuickInlineProcessor in place of each inline pass of ``md`` (same patterns, same
    places); with another Python-Markdown than the one it copies, leave ``md`` as it is."""
    if markdown.__version__ != WRITTEN_FOR:
        return md
    for name, priority in PASSES.items():
        if name in md.treeprocessors and type(md.treeprocessors[name]) is InlineProcessor:
            quick = QuickInlineProcessor(md)
            quick.inlinePatterns = md.treeprocessors[name].inlinePatterns
            md.treeprocessors.register(quick, name, priority)
    return md
