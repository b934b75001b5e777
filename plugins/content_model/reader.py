"""A Markdown reader that knows the content model.

It reads exactly as Pelican's MarkdownReader does, then checks the metadata
against model.py (logging ``path:line: message`` for each problem) and turns
list fields into lists, ``Order`` into an int and ``Reviewed`` into the
content's date. It also tells Markdown extensions which file they are
rendering (``md.source_path``), so our extensions can name the file in their
own errors without importing this plugin.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from dataclasses import dataclass

from guide_core import kinds
from guide_core.ahead import capturing
from guide_core.problems import blank, display_path
from markdown import Markdown
from markupsafe import Markup
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

from . import inline, model, prefetch
from .reserved import reserved_slugs
from .sanitize import Refusal, Sanitizer, plain_text

logger = logging.getLogger(__name__)


@dataclass
class Reading:
    """One file on its way through the reader (render, sanitize, finish)."""

    source_path: str
    kind: model.Kind | None
    text: str  # the Markdown source
    written: str  # the body as Markdown rendered it, before the sanitizer
    content: str  # the body the build uses: the sanitizer's output once sanitized
    metadata: dict

class GuideMarkdownReader(MarkdownReader):
    def read(self, source_path: str):
        # Read ahead on every core (prefetch.py), else here; either way the problems
        # found while reading are logged now, in the order Pelican reads the files.
        content, metadata = prefetch.take(self.settings, source_path) or self.read_here(source_path)
        # Pelican's draft writer expects every article to have a category;
        # the guide has one, never shown.
        metadata.setdefault("category", self.process_metadata("category", "Guide"))
        return content, metadata

    def read_here(self, source_path: str):
        return self.finish(self.sanitize(self.render(source_path)))

    def read_batch(self, paths: list[str]) -> list[tuple[str, tuple | None, list]]:
        """Several files read as read_here reads one: (path, (content, metadata) or None if
        reading it failed, what reading it logged). The caller reads a failed file again
        itself, and so reports its error; the others' records are for it to log.

        Each step runs over every file before the next step starts: Markdown for all of
        them, then the sanitizer for all of them, then the checks. nh3 run back to back
        costs about half what it costs between two Markdown runs, whose work evicts its
        code and tables from the CPU's caches (tools/build_profile.py at 1,000 chapters:
        0.96-0.99 s a file at a time, 0.49-0.57 s sixteen at a time).
        """
        records: list[list] = [[] for _ in paths]
        values: list = list(paths)
        with capturing() as capture:
            for step in (self.render, self.sanitize, self.finish):
                for index, value in enumerate(values):
                    if value is None:
                        continue
                    capture.records = records[index]
                    try:
                        values[index] = step(value)
                    except Exception:  # noqa: BLE001 - read again by the caller, who reports it
                        values[index] = None
        return [(path, value, found if value is not None else [])
                for path, value, found in zip(paths, values, records)]

    def render(self, source_path: str) -> Reading:
        """Markdown, and what the tree knew: the first step of reading a file."""
        self._source_path = source_path
        self._md = self.markdown()
        self._md.source_path = display_path(source_path)
        kind = model.kind_of(source_path, self.settings["PATH"])
        self._md.content_kind = kind.name if kind else None  # for our Markdown extensions
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        # What the Markdown tree knew, taken before Pelican converts the Summary with the
        # same instance (which resets it): the page's tip cards, the topics its first
        # mentions link to, and its headings (the toc extension's tokens).
        cards = list(getattr(self._md, "tip_cards", []))
        topic_links = list(getattr(self._md, "topic_links", []))
        wiki_links = list(dict.fromkeys(getattr(self._md, "wiki_links", [])))
        toc_tokens = getattr(self._md, "toc_tokens", [])
        facts = {"word_count": getattr(self._md, "word_count", 0),
                 "sections": getattr(self._md, "sections", [])}
        self._md.content_kind = None  # a Summary gets no first-mention links
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        metadata["card_records"] = cards
        metadata["topic_links"] = topic_links
        metadata["wiki_links"] = wiki_links
        metadata["toc_tokens"] = toc_tokens
        metadata.update(facts)
        return Reading(source_path, kind, text, content, content, metadata)

    def sanitize(self, reading: Reading) -> Reading:
        """The one choke point: nothing Markdown rendered reaches a plugin or a template
        without going through the sanitizer (sanitize.py)."""
        places = SourcePlaces(reading.text)
        sanitizer = sanitizer_for(self.settings)
        metadata, path = reading.metadata, reading.source_path
        reading.content = self.sanitized(sanitizer, reading.written, places, None, path)
        for key in FORMATTED_KEYS:
            if isinstance(metadata.get(key), str):
                metadata[key] = Markup(self.sanitized(sanitizer, metadata[key], places, key, path))
        # Tip cards are sanitized like the body (a refusal in one is already reported there).
        for card in metadata["card_records"]:
            card.title_html = sanitizer.sanitize(card.title_html).html
            card.body_html = sanitizer.sanitize(card.body_html).html
            card.title = " ".join(plain_text(card.title_html).split())
        return reading

    def finish(self, reading: Reading):
        """The content model's checks and typed values: the last step."""
        source_path, kind, text, metadata = reading.source_path, reading.kind, reading.text, reading.metadata
        if kind is not None:
            # The checks judge what the editor wrote: a body of refused HTML is reported
            # as refused, not also as empty.
            for problem in model.check(kind, display_path(source_path), text, metadata, reading.written):
                log = logger.error if problem.level == "error" else logger.warning
                log("%s", problem)
            slug = str(metadata.get("slug", "")).strip()
            if slug.lower() in reserved_slugs(self.settings):
                logger.error('%s:%d: Slug "%s" is a URL the build writes itself (/%s/); choose another slug',
                             display_path(source_path), model.metadata_lines(text).get("slug", 1), slug, slug)
            metadata = normalise(kind, metadata, self.settings)
            if isinstance(metadata.get("summary"), str):
                # Text is text: templates print this, escaped, wherever the summary is plain.
                metadata["summary_text"] = plain_text(metadata["summary"])
        return reading.content, metadata

    def markdown(self) -> Markdown:
        """This reader's one Markdown instance, reset for the next file.

        Pelican makes a new instance for every file; with the guide's extensions
        that costs more than converting a short FAQ answer (about 3 ms a file,
        6 s of CPU at 1,000 chapters). ``reset()`` is Python-Markdown's way to
        reuse one: it clears the stash, the references and every extension that
        keeps state (toc, footnotes, meta, abbr); ours set theirs up as each run
        starts. Pelican's ``_parse_metadata`` deregisters the ``meta``
        preprocessor before converting the Summary, so it is put back here.
        """
        md = getattr(self, "_markdown", None)
        if md is None:
            md = self._markdown = inline.quicken(Markdown(**self.settings["MARKDOWN"]))
            self._meta = md.preprocessors["meta"]
            return md
        if "meta" not in md.preprocessors:
            md.preprocessors.register(self._meta, "meta", META_PRIORITY)
        return md.reset()

    @staticmethod
    def sanitized(sanitizer: Sanitizer, fragment: str, places: SourcePlaces, key: str | None,
                  source_path: str) -> str:
        result = sanitizer.sanitize(fragment)
        for refusal in result.refusals:
            logger.error("%s:%d: %s: %s", display_path(source_path), places.line_of(refusal, key),
                         refusal.rule, refusal.value)
        return result.html


# Where markdown.extensions.meta registers its preprocessor (below our tip-card lines, 28).
META_PRIORITY = 27
# Metadata Pelican renders as Markdown (FORMATTED_FIELDS) in the guide's content model.
FORMATTED_KEYS = ("summary",)
_sanitizers: dict[str, Sanitizer] = {}


def sanitizer_for(settings: dict) -> Sanitizer:
    siteurl = settings.get("SITEURL") or ""
    if siteurl not in _sanitizers:
        _sanitizers[siteurl] = Sanitizer(siteurl)
    return _sanitizers[siteurl]


class SourcePlaces:
    """Where in a Markdown file a refused piece of HTML was written, for the error's line.

    Only for the message: the refusal itself comes from the parsed HTML. Code
    (fenced blocks, code spans) is left out of the search, because text shown
    as code is not HTML; each refusal takes the next occurrence of what it
    looks for, so two scripts get two lines.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.next: dict[str, int] = {}

    # Worked out the first time a refusal is placed: nearly every file has none (these
    # regexes over every source cost about 0.3 s of CPU at 1,000 chapters).
    @functools.cached_property
    def uncommented(self) -> str:
        return COMMENT.sub(blank, self.text).lower()

    @functools.cached_property
    def searchable(self) -> str:
        return COMMENT.sub(blank, CODE.sub(blank, self.uncommented))

    @functools.cached_property
    def metadata(self) -> dict[str, int]:
        return model.metadata_lines(self.text)

    @functools.cached_property
    def body(self) -> int:
        return model.body_start(self.text)

    @functools.cached_property
    def body_offset(self) -> int:
        return sum(len(line) + 1 for line in self.text.split("\n")[: self.body - 1])

    def line_of(self, refusal: Refusal, key: str | None) -> int:
        if key is not None:
            return self.metadata.get(key, 1)
        needle = refusal.needle.lower()
        if needle:
            start = self.body_offset
            at = self.searchable.find(needle, max(start, self.next.get(needle, 0)))
            if at < 0:
                at = self.searchable.find(needle, start)
            if at < 0:
                # Markdown may disagree with the code-span guess (backticks inside raw HTML).
                at = self.uncommented.find(needle, start)
            if at >= 0:
                self.next[needle] = at + 1
                return self.text.count("\n", 0, at) + 1
            # Written with character references (jav&#x61;script:): look line by line, decoded.
            for number, line in enumerate(self.searchable.split("\n"), 1):
                if number >= self.body and needle in html.unescape(line):
                    return number
        lines = self.text.split("\n")
        return next((n for n in range(self.body, len(lines) + 1) if lines[n - 1].strip()), self.body)


# Closed comments only, and never across another "<!--": Markdown renders text after an
# unclosed one as text, so what follows is still searched.
COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.S)
CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$|(`+)(?!`).+?(?<!`)\2(?!`)", re.S | re.M)


def normalise(kind: model.Kind, metadata: dict, settings: dict) -> dict:
    """Typed values for templates and plugins (the checks already ran)."""
    result = dict(metadata)
    result["kind"] = kind.name
    for key in kind.list_fields:
        if key in result:
            result[key] = model.split_list(result[key])
    if kind.name == "chapter":
        order = str(result.get("order", "")).strip()
        result["order"] = int(order) if order.isdigit() else 0
    reviewed = model.parse_date(str(result.get("reviewed", "")).strip())
    if reviewed is not None:
        stamp = SafeDatetime(reviewed.year, reviewed.month, reviewed.day)
        result["reviewed"] = stamp
        result.setdefault("date", stamp)
    elif kinds.kind(kind.name).dated:
        # The error is already logged; a placeholder date lets the rest of the
        # build run (and report every other problem) instead of crashing.
        result["reviewed"] = SafeDatetime(1970, 1, 1)
        result.setdefault("date", result["reviewed"])
    result["autolink"] = str(result.get("autolink", "yes")).strip().lower() not in ("no", "false", "off")
    return result
