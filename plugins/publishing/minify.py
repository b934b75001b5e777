"""Minified HTML (minify-html), keeping every page valid HTML5.

Closing tags and the ``<html>``/``<head>`` start tags are kept, so any HTML
parser reads the page as written; JSON-LD and other script contents are left
exactly as they are.
"""

from __future__ import annotations

from pathlib import Path

import minify_html


def minified_html(text: str) -> str:
    return minify_html.minify(text, keep_closing_tags=True, keep_html_and_head_opening_tags=True)


def minify_html_files(output: str | Path) -> None:
    for path in sorted(Path(output).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        path.write_text(minified_html(text), encoding="utf-8")
