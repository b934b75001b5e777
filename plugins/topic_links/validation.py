"""Checks on the slugs the cross-links depend on, each reported as ``path:line``.

- every topic a chapter or an FAQ entry names, and every topic a topic's
  ``Related:`` names, must exist (with a "did you mean"); tip_cards checks
  the topics a card names;
- every slug in a chapter's ``Related:`` must be a chapter or an FAQ entry
  (the faq plugin checks FAQ entries' own);
- slugs are unique across chapters, FAQ entries, topics and pages, so a wiki
  link is never ambiguous (the error names both files);
- a topic that no chapter, question or tip card uses is a warning (and every
  warning fails our build).

Errors are logged, never raised: the build reports every mistake at once.
"""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markdown import Markdown
from markdown.extensions.meta import META_RE, MetaPreprocessor

logger = logging.getLogger(__name__)



@dataclass
class SourceFile:
    """What the checks need to know about one content file."""

    path: str  # as shown to the editor
    kind: str  # "chapter", "question", "topic" or "page"
    slug: str
    title: str = ""
    status: str = "published"
    topics: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    def line(self, key: str) -> int:
        return metadata_lines(self.path).get(key, 1)


def display_path(source_path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    relative = os.path.relpath(source_path)
    return source_path if relative.startswith("..") else relative


@cache
def _header(path: str) -> tuple[tuple[str, str, int], ...]:
    """(key, value, line) for each line of the leading ``Key: value`` block.

    Python-Markdown's meta preprocessor decides where the block ends, as in
    Pelican's reader: lines are split at "\\n" only, so a U+2028 in a value
    never ends the block early (docs/architecture.md, "One front-matter parser").
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError:
        return ()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    consumed = len(lines) - len(MetaPreprocessor(Markdown()).run(list(lines)))
    entries = []
    for number, line in enumerate(lines[:consumed], 1):
        match = META_RE.match(line)
        if match:
            entries.append((match["key"].lower(), match["value"].strip(), number))
    return tuple(entries)


def cache_clear() -> None:
    """Forget the files read so far (the live preview rebuilds in one process)."""
    _header.cache_clear()


def metadata_lines(path: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key, _value, number in _header(path):
        lines.setdefault(key, number)
    return lines


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def scan(source_path: str, kind: str) -> SourceFile:
    """A file's slug, title, status, topics and related from its metadata block alone.

    Used for FAQ files, which the faq plugin reads (when it is installed):
    the checks and wiki links must know every question either way.
    """
    values: dict[str, str] = {}
    for key, value, _number in _header(source_path):
        values.setdefault(key, value)
    return SourceFile(
        path=display_path(source_path), kind=kind,
        slug=values.get("slug") or Path(source_path).stem,
        title=values.get("title", ""), status=values.get("status", "published").lower(),
        topics=split_list(values.get("topics", "")), related=split_list(values.get("related", "")),
    )


def did_you_mean(word: str, choices) -> str:
    candidates = sorted(choices)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        # "Building Trust" for "building-trust"
        close = difflib.get_close_matches("-".join(word.lower().split()), candidates, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def report(path: str, line: int, message: str, level: int = logging.ERROR) -> None:
    logger.log(level, "%s:%d: %s", path, line, message)


def check_unique_slugs(files: list[SourceFile], skip=None) -> None:
    """Each file whose slug an earlier file (by path) already has; ``skip(a, b)`` exempts a pair."""
    seen: dict[str, list[SourceFile]] = {}
    for source in sorted(files, key=lambda f: f.path):
        for other in seen.get(source.slug, []):
            if skip is None or not skip(other, source):
                report(source.path, source.line("slug"), f'slug "{source.slug}" is also used by {other.path}')
                break
        seen.setdefault(source.slug, []).append(source)


def check_topic_names(files: list[SourceFile], topics: set[str]) -> None:
    for source in files:
        key, named = ("related", source.related) if source.kind == "topic" else ("topics", source.topics)
        for slug in named:
            if slug not in topics:
                report(source.path, source.line(key), f'unknown topic "{slug}"{did_you_mean(slug, topics)}')


def check_related(files: list[SourceFile]) -> None:
    """A chapter's Related: names chapters and FAQ entries (the faq plugin checks FAQ entries')."""
    kinds = {source.slug: source.kind for source in files}
    readable = {slug for slug, kind in kinds.items() if kind in ("chapter", "question")}
    for source in files:
        if source.kind != "chapter":
            continue
        for slug in source.related:
            kind = kinds.get(slug)
            if kind is None:
                report(source.path, source.line("related"),
                       f'Related "{slug}" is not a chapter or question{did_you_mean(slug, readable)}')
            elif kind not in ("chapter", "question"):
                report(source.path, source.line("related"),
                       f'Related "{slug}" is a {kind}; Related lists chapters and questions')


def check_unused(topic_files: list[SourceFile], used: set[str]) -> None:
    for source in topic_files:
        if source.slug not in used:
            report(source.path, source.line("slug"),
                   f'topic "{source.slug}" is not used by any chapter, question or tip card',
                   logging.WARNING)
