"""The one front-matter parser: Python-Markdown's ``meta`` extension, as Pelican reads it.

Pelican's Markdown reader takes metadata from Python-Markdown's meta
preprocessor, which sees the file split at ``\\n`` only (after Markdown's own
line-ending normalisation). Everything else that reads a content file's
``Key: value`` block (the content model's line numbers, ``make lint``,
``make new-*``) goes through :func:`read_front_matter`, which runs that very
preprocessor, so U+2028, U+0085 or a form feed in a Title means the same
everywhere: part of the value, never the end of the block.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from markdown import Markdown
from markdown.extensions.meta import META_RE, MetaPreprocessor


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, list[str]]  # lower-case key -> its lines, as Python-Markdown keeps them
    lines: dict[str, int]  # lower-case key -> line number of its first occurrence
    body_line: int  # the first line after the metadata block

    def value(self, key: str) -> str:
        return " ".join(self.values.get(key.lower(), [])).strip()


def markdown_lines(text: str) -> list[str]:
    """The file's lines exactly as Python-Markdown splits them (BOM gone, CR/CRLF as LF)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


_META = MetaPreprocessor(Markdown())


@functools.lru_cache(maxsize=64)
def read_front_matter(text: str) -> FrontMatter:
    """The front matter of one file's text (the model, the reader's line numbers and lint
    ask for the same text several times, so the last few are kept)."""
    lines = markdown_lines(text)
    md = _META.md
    md.Meta = {}
    remaining = _META.run(list(lines))
    consumed = len(lines) - len(remaining)
    numbers: dict[str, int] = {}
    for number, line in enumerate(lines[:consumed], 1):
        match = META_RE.match(line)
        if match:
            numbers.setdefault(match.group("key").lower().strip(), number)
    return FrontMatter(md.Meta, numbers, consumed + 1)


def metadata_line(source_path: str, key: str) -> int:
    """The line of ``key`` in a content file's metadata block (1 when it is not there),
    for plugins that report a problem with one field of a file Pelican has read."""
    try:
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return 1
    return read_front_matter(text).lines.get(key.lower(), 1)


def front_matters(folder: str | Path) -> list[tuple[Path, FrontMatter]]:
    """Every ``*.md`` file of a folder with its front matter, in file-name order: for
    plugins that need other files' metadata before Pelican has read them (topic
    titles and aliases for tip cards, first mentions and FAQ groups)."""
    return [(path, read_front_matter(path.read_text(encoding="utf-8")))
            for path in sorted(Path(folder).glob("*.md"))]


def topic_titles(folder: str | Path) -> dict[str, str]:
    """Topic slug -> title (the slug when it has none), from ``<content>/topics/*.md``."""
    return {(front.value("slug") or path.stem): front.value("title") or front.value("slug") or path.stem
            for path, front in front_matters(folder) if front.value("slug") or front.value("title")}
