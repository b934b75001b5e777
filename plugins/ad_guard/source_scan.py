"""Unsafe raw HTML in Markdown sources, found in the text so the line is exact.

Every Markdown file under the content folder is checked (articles, pages, FAQ
entries, topics, drafts too), whichever plugin later reads it. Code is not
HTML: fenced blocks (Python-Markdown's own pattern), indented blocks, code
spans and HTML comments are blanked out first, keeping line breaks, so
``<script>`` shown as an example in code passes while the same tag as raw HTML
fails. Markdown links and images are checked for URLs that run code.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown.extensions.fenced_code import FencedBlockPreprocessor

from .links import unsafe_scheme
from .rules import Rules

FENCED = FencedBlockPreprocessor.FENCED_BLOCK_RE
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
PARAGRAPH = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s")
TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "poster", "xlink:href",
                            "background", "cite", "srcset"})
# [text](url), ![alt](url) and reference definitions [id]: url
MARKDOWN_URL = re.compile(r"\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)|^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)", re.M)
SHOWN = 120


@dataclass(frozen=True)
class SourceFinding:
    line: int
    rule: str
    value: str


def blank(match: re.Match) -> str:
    """The matched text as spaces, keeping its line breaks."""
    return re.sub(r"[^\n]", " ", match.group())


def blank_indented_code(text: str) -> str:
    """Blank indented code blocks: 4 spaces after a blank line (8 inside a list)."""
    lines = text.split("\n")
    in_list = in_code = False
    previous_blank = True
    for number, line in enumerate(lines):
        if not line.strip():
            previous_blank = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        needed = 8 if in_list else 4
        if (in_code or previous_blank) and indent >= needed:
            in_code = True
            lines[number] = " " * len(line)
            previous_blank = False
            continue
        in_code = False
        if LIST_ITEM.match(line):
            in_list = True
        elif indent == 0 and previous_blank:
            in_list = False
        previous_blank = False
    return "\n".join(lines)


def without_code(text: str) -> str:
    """The text with code and comments blanked out, same length and line breaks."""
    text = FENCED.sub(blank, text)
    text = COMMENT.sub(blank, text)
    text = blank_indented_code(text)
    return PARAGRAPH.sub(lambda p: CODE_SPAN.sub(blank, p.group()), text)


def shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def scan_markdown(text: str, rules: Rules) -> list[SourceFinding]:
    """Every unsafe tag, attribute and URL in one Markdown file, with its line."""
    prose = without_code(text)
    starts = [0, *(m.end() for m in re.finditer("\n", prose))]
    findings = [
        SourceFinding(bisect.bisect_right(starts, offset), rule, value)
        for offset, rule, value in problems(prose, rules)
    ]
    return sorted(set(findings), key=lambda f: (f.line, f.rule, f.value))


def problems(prose: str, rules: Rules) -> Iterator[tuple[int, str, str]]:
    for tag in TAG.finditer(prose):
        if tag.group(2)[:1] not in ("", "/") and not tag.group(2)[:1].isspace():
            continue  # <a.b> or an autolink <https://...>: not a tag
        name = tag.group(1).lower()
        written = shown(tag.group())
        if name in rules.unsafe_elements:
            yield tag.start(), f"unsafe HTML <{name}>", written
        for attribute in ATTRIBUTE.finditer(tag.group(2)):
            key = attribute.group(1).lower()
            if key in rules.unsafe_attributes or (key.startswith(rules.unsafe_attribute_prefixes)
                                                  and key.isalpha()):
                yield tag.start(), f"unsafe HTML {key}=", written
            elif key in URL_ATTRIBUTES and attribute.group(2):
                url = html.unescape(attribute.group(2).strip("\"'"))
                scheme = unsafe_scheme(url, rules)
                if scheme:
                    yield tag.start(), f"unsafe URL ({scheme}:)", shown(url)
    for link in MARKDOWN_URL.finditer(prose):
        url = html.unescape(link.group(1) or link.group(2))
        scheme = unsafe_scheme(url, rules)
        if scheme:
            yield link.start(), f"unsafe URL ({scheme}:)", shown(url)
