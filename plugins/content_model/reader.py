"""A Markdown reader that knows the content model.

It reads exactly as Pelican's MarkdownReader does, then checks the metadata
against model.py (logging ``path:line: message`` for each problem) and turns
list fields into lists, ``Order`` into an int and ``Reviewed`` into the
content's date. It also tells Markdown extensions which file they are
rendering (``md.source_path``), so our extensions can name the file in their
own errors without importing this plugin.
"""

from __future__ import annotations

import logging
import os

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

from . import model

logger = logging.getLogger(__name__)


def display_path(source_path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    relative = os.path.relpath(source_path)
    return source_path if relative.startswith("..") else relative


class GuideMarkdownReader(MarkdownReader):
    def read(self, source_path: str):
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        self._md.source_path = display_path(source_path)
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        kind = model.kind_of(source_path, self.settings["PATH"])
        if kind is not None:
            for problem in model.check(kind, display_path(source_path), text, metadata, content):
                log = logger.error if problem.level == "error" else logger.warning
                log("%s", problem)
            metadata = normalise(kind, metadata, self.settings)
            # Pelican's draft writer expects every article to have a category;
            # the guide has one, never shown.
            metadata.setdefault("category", self.process_metadata("category", "Guide"))
        return content, metadata


def normalise(kind: model.Kind, metadata: dict, settings: dict) -> dict:
    """Typed values for templates and plugins (the checks already ran)."""
    result = dict(metadata)
    result["kind"] = kind.name
    for key in kind.list_fields:
        if key in result:
            result[key] = model.split_list(result[key])
    if kind.name == "article":
        order = str(result.get("order", "")).strip()
        result["order"] = int(order) if order.isdigit() else 0
    reviewed = model.parse_date(str(result.get("reviewed", "")).strip())
    if reviewed is not None:
        stamp = SafeDatetime(reviewed.year, reviewed.month, reviewed.day)
        result["reviewed"] = stamp
        result.setdefault("date", stamp)
    elif kind.name in ("article", "faq", "page"):
        # The error is already logged; a placeholder date lets the rest of the
        # build run (and report every other problem) instead of crashing.
        result["reviewed"] = SafeDatetime(1970, 1, 1)
        result.setdefault("date", result["reviewed"])
    result["autolink"] = str(result.get("autolink", "yes")).strip().lower() not in ("no", "false", "off")
    return result
