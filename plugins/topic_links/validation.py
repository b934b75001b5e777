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

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from guide_core.frontmatter import read_front_matter
from guide_core.problems import did_you_mean, display_path, split_list

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


@cache
def _header(path: str) -> tuple[tuple[str, str, int], ...]:
    """(key, value, line) for each key of the file's metadata block, by the one
    front-matter parser (guide_core.frontmatter, as Pelican's reader reads it)."""
    try:
        front = read_front_matter(Path(path).read_text(encoding="utf-8-sig"))
    except OSError:
        return ()
    return tuple((key, " ".join(values).strip(), front.lines.get(key, 1))
                 for key, values in front.values.items())


def cache_clear() -> None:
    """Forget the files read so far (the live preview rebuilds in one process)."""
    _header.cache_clear()


def metadata_lines(path: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key, _value, number in _header(path):
        lines.setdefault(key, number)
    return lines


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
