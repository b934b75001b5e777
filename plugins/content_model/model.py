"""The content model of ARCHITECTURE.md: which metadata each kind of file needs.

Pure functions over a file's raw text and Pelican's parsed metadata, so the
build (through the reader in reader.py) and `make lint` apply the very same
rules. Every problem carries the line it is on.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from guide_core import kinds
from guide_core.frontmatter import read_front_matter
from guide_core.problems import did_you_mean, split_list

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
META_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*):")
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Kind:
    """A content kind of guide_core.kinds with the metadata rules of its files."""

    name: str  # guide_core.kinds: chapter, question, topic, page
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return kinds.kind(self.name).folder

    @property
    def label(self) -> str:
        return kinds.kind(self.name).article

    @property
    def readable(self) -> bool:
        return kinds.kind(self.name).readable


MODEL = {kind.name: kind for kind in (
    Kind("chapter", ("title", "slug", "summary", "topics", "order", "part", "reviewed"),
         ("related", "sources", "redirects", "status", "autolink", "sensitive"),
         ("topics", "related", "sources")),
    Kind("question", ("title", "slug", "topics", "reviewed"),
         ("related", "sources", "redirects", "status", "sensitive"), ("topics", "related", "sources")),
    Kind("topic", ("title", "slug", "aliases"), ("related",), ("aliases", "related")),
    Kind("page", ("title", "slug", "reviewed"), ("status", "summary", "redirects", "autolink", "sensitive")),
)}
KINDS = {kind.folder: kind for kind in MODEL.values()}  # by content folder


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def kind_of(source_path: str, content_root: str) -> Kind | None:
    """The kind of a file from its first folder under the content root."""
    found = kinds.kind_of_path(source_path, content_root)
    return MODEL.get(found.name) if found else None


def metadata_lines(text: str) -> dict[str, int]:
    """Line number of each metadata key in the leading ``Key: value`` block.

    Read by the one front-matter parser (frontmatter.py, Python-Markdown's meta
    preprocessor as Pelican uses it), so lines are counted as Markdown counts them.
    """
    return read_front_matter(text).lines


def body_start(text: str) -> int:
    """Line number where the body starts (after the metadata block)."""
    lines = metadata_lines(text)
    return max(lines.values(), default=0) + 1


def parse_date(value: str) -> datetime.date | None:
    if not DATE.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def plain_text(value: object) -> str:
    return re.sub(r"<[^>]+>", "", str(value or "")).strip()


def check(kind: Kind, path: str, text: str, metadata: dict, body_html: str) -> list[Problem]:
    """Every problem with one file's metadata and body, each with its line."""
    lines = metadata_lines(text)
    problems: list[Problem] = []

    def add(key: str | None, message: str, level: str = "error") -> None:
        problems.append(Problem(path, lines.get(key, 1) if key else 1, level, message))

    allowed = set(kind.required) | set(kind.optional) | {"date", "modified"}
    for key in lines:
        if key not in allowed:
            add(key, f'unknown metadata "{key.title()}" for {kind.label}'
                     f"{did_you_mean(key, allowed)}")
    for key in kind.required:
        if key not in lines or not plain_text(metadata.get(key)):
            add(None if key not in lines else key,
                f'missing required metadata "{key.title()}" for {kind.label}')

    slug = str(metadata.get("slug", ""))
    if slug and not SLUG.match(slug):
        add("slug", f'slug "{slug}" must be lower-case letters, digits and hyphens')
    if "reviewed" in lines and metadata.get("reviewed"):
        value = str(metadata["reviewed"]).strip()
        if parse_date(value) is None:
            add("reviewed", f'Reviewed "{value}" is not a date in the form YYYY-MM-DD')
    if "sensitive" in lines:
        value = plain_text(metadata.get("sensitive")).lower()
        if value not in ("yes", "no"):
            add("sensitive", f'Sensitive must be "yes" or "no", not "{value}"')
    if kind.name == "chapter":
        order = str(metadata.get("order", "")).strip()
        if order and not (order.isdigit() and int(order) > 0):
            add("order", f'Order "{order}" must be a whole number from 1 up')
        summary = plain_text(metadata.get("summary"))
        if summary and len(SENTENCE_END.findall(summary)) > 1:
            add("summary", "Summary must be one sentence")
    if kind.name == "question":
        title = str(metadata.get("title", "")).strip()
        if title and not title.endswith("?"):
            add("title", f'the title of an FAQ entry must be a question ending in "?": "{title}"')
    for key in kind.list_fields:
        for item in split_list(metadata.get(key)) if key != "aliases" else []:
            if not SLUG.match(item):
                add(key, f'"{item}" in {key.title()} is not a slug (lower-case, hyphens)')
    if kind.readable and key_has_value(metadata, "topics"):
        count = len(split_list(metadata.get("topics")))
        if count > 4:
            add("topics", f"name at most 4 topics, not {count}")
    if kind.readable and not plain_text(body_html):
        what = "answer" if kind.name == "question" else "body"
        add(None, f"the {what} is empty")
        problems[-1] = Problem(path, body_start(text), "error", problems[-1].message)
    return problems


def key_has_value(metadata: dict, key: str) -> bool:
    return bool(split_list(metadata.get(key)))
