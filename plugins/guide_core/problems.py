"""Reporting an editor's mistake: one way, everywhere.

Every content problem is a log record ``path:line: message`` at ERROR or
WARNING; tools/build.py counts them and fails the build (the previous output
stays), ``make lint`` prints them.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Iterable

logger = logging.getLogger("guide")


def display_path(path: str | os.PathLike) -> str:
    """A path relative to the working directory when it is inside it, else as given."""
    path = os.fspath(path)
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


NOT_A_LINE_BREAK = re.compile(r"[^\n]")


def blank(match: re.Match) -> str:
    """The matched text as spaces, keeping its line breaks: for ``pattern.sub(blank, text)``
    that hides comments or code from a search while every offset and line stays put."""
    return NOT_A_LINE_BREAK.sub(" ", match.group())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` for the closest choice, or ``""``.

    A title-like word is also tried as a slug ("Building Trust" finds "building-trust").
    """
    candidates = sorted(choices)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches("-".join(word.lower().split()), candidates, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def split_list(value: object) -> list[str]:
    """A list field (``Topics``, ``Related``, ``Sources``, ``Aliases``, a card's ``Topics:``):
    items are separated by commas, everywhere.

    ``"a, b"`` or ``["a, b", "c"]`` (Python-Markdown's continuation lines) -> ``["a", "b", "c"]``.
    White space inside an item stays, so ``Topics: a b`` is one item, and a slug
    check reports it as one bad slug with its did-you-mean, on a chapter and on a card alike.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [" ".join(item.split()) for item in str(value).split(",") if item.strip()]


def report(path: str | os.PathLike, line: int, message: str, level: int = logging.ERROR,
           log: logging.Logger | None = None) -> None:
    """Log ``path:line: message`` (the path as display_path shows it)."""
    (log or logger).log(level, "%s:%d: %s", display_path(path), line, message)

