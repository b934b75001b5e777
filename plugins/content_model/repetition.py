"""Runs of words two files of the guide share: advice said twice instead of linked.

The guide says each piece of advice once, in its best place, and links to it
from elsewhere. This finds where it does not: every run of ``RUN_WORDS`` (10)
or more consecutive words that two content files share, with the line of the
run in each file.

Words are compared as a reader would see them: lower case, punctuation and
Markdown markup dropped, curly quotes folded. The metadata block, the
``Topics:`` line of a tip card, code (fenced blocks and code spans), HTML
comments and link targets (URLs) are not prose and are skipped. A wiki link,
text and all, breaks a run rather than joining it: its text is usually the
title of the page it names, and linking there is exactly what the check asks
for, so two files linking to one chapter do not repeat each other.

Each file becomes a list of 10-word shingles, hashed into one index, so the
whole guide is compared in a single pass rather than file by file; shingles
two files share on the same diagonal are joined into maximal runs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import model

RUN_WORDS = 10
SHOWN_WORDS = 14
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+).+?\1")
COMMENT = re.compile(r"<!--.*?-->")
WIKI = re.compile(r"\[\[[^\]]*\]\]")
BREAK = "\x00"  # stands for a wiki link: never a word, so no run goes through it
LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
CARD_MARKER = re.compile(r"^\s*>\s*\[![A-Za-z]+\]")
CARD_META = re.compile(r"^\s*>\s*Topics:", re.I)


@dataclass(frozen=True)
class Repeat:
    """One run of words two files share (``first`` sorts before ``second``)."""

    first: str
    first_line: int
    second: str
    second_line: int
    words: int
    text: str

    def message(self) -> str:
        shown = self.text.split()
        quote = " ".join(shown[:SHOWN_WORDS]) + (" ..." if len(shown) > SHOWN_WORDS else "")
        return (f'{self.words} words are also in {self.second}:{self.second_line}: "{quote}": '
                "say it once, in its best place, and link to it there ([[slug]])")


def prose_words(text: str) -> list[tuple[str, int]]:
    """(word, line) for every word of prose in one Markdown file, metadata and code left out."""
    lines = text.splitlines()
    found: list[tuple[str, int]] = []
    in_fence = False
    in_comment = False
    for number in range(model.body_start(text), len(lines) + 1):
        line = lines[number - 1]
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or CARD_META.match(line):
            continue
        if in_comment:
            end = line.find("-->")
            if end < 0:
                continue
            line, in_comment = line[end + 3:], False
        line = COMMENT.sub(" ", line)
        if "<!--" in line:
            line, in_comment = line[: line.index("<!--")], True
        line = CARD_MARKER.sub(" ", line)
        line = CODE_SPAN.sub(" ", line)
        line = LINK_TARGET.sub("] ", line)
        for piece_number, piece in enumerate(WIKI.split(line)):
            if piece_number:
                found.append((BREAK, number))
            for word in WORD.findall(piece.lower().replace("’", "'").replace("‘", "'")):
                found.append((word, number))
    return found


def find_repeats(files: dict[str, str], run_words: int = RUN_WORDS) -> list[Repeat]:
    """Every maximal run of ``run_words`` or more words shared by two of ``files`` (name -> text)."""
    names = sorted(files)
    words = [prose_words(files[name]) for name in names]
    tokens = [[word for word, _ in file_words] for file_words in words]

    # One pass over every shingle of the guide. Most shingles occur once, so the first
    # place of each hash goes in `first` and only repeated hashes grow a list in `more`.
    first: dict[int, tuple[int, int]] = {}
    more: dict[int, list[tuple[int, int]]] = {}
    for number, file_tokens in enumerate(tokens):
        # A wiki link's BREAK is made unique to its place, so no shingle through it matches.
        if BREAK in file_tokens:
            file_tokens = [f"{BREAK}{number}:{i}" if token == BREAK else token
                           for i, token in enumerate(file_tokens)]
            tokens[number] = file_tokens
        shingles = zip(*(file_tokens[i:] for i in range(run_words)))
        for start, shingle in enumerate(shingles):
            key = hash(shingle)
            here = (number, start)
            place = first.setdefault(key, here)
            if place is not here:
                more.setdefault(key, [place]).append(here)

    # (file a, file b, offset in b minus offset in a) -> starts in a of shared shingles
    diagonals: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for places in more.values():
        if len({number for number, _ in places}) < 2:
            continue
        for i, (file_a, start_a) in enumerate(places):
            for file_b, start_b in places[i + 1:]:
                if file_a == file_b:
                    continue
                shingle_a = tokens[file_a][start_a:start_a + run_words]
                if shingle_a != tokens[file_b][start_b:start_b + run_words]:
                    continue  # a hash collision, not a shared run
                if file_a > file_b:
                    file_a, start_a, file_b, start_b = file_b, start_b, file_a, start_a
                diagonals[(file_a, file_b, start_b - start_a)].add(start_a)

    repeats = []
    for (file_a, file_b, shift), starts in diagonals.items():
        ordered = sorted(starts)
        run_start = previous = ordered[0]
        for start in ordered[1:] + [None]:
            if start is not None and start == previous + 1:
                previous = start
                continue
            length = previous - run_start + run_words
            shown = tokens[file_a][run_start:run_start + length]
            repeats.append(Repeat(
                names[file_a], words[file_a][run_start][1],
                names[file_b], words[file_b][run_start + shift][1],
                length, " ".join(shown),
            ))
            if start is not None:
                run_start = previous = start
    return sorted(repeats, key=lambda r: (r.first, r.first_line, r.second, r.second_line))


def repeats_in(content: Path, shown_as: str | None = None, run_words: int = RUN_WORDS) -> list[Repeat]:
    """Shared runs across every Markdown file under ``content``; paths shown relative to ``shown_as``."""
    base = Path(shown_as) if shown_as is not None else Path.cwd()
    files = {}
    for path in sorted(content.rglob("*.md")):
        try:
            name = str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            name = str(path)
        files[name] = path.read_text(encoding="utf-8")
    return find_repeats(files, run_words)
