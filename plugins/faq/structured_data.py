"""schema.org FAQPage JSON-LD whose texts are the page's visible texts.

Search engines reject FAQ markup that says something the page does not, so
each Question's name is the question as shown and its acceptedAnswer text is
the plain text of the answer as rendered (white space collapsed), taken from
the records of its Markdown tree (guide_core.tree.page_text; the same text
search indexes, which tests/test_search.py checks against the written page).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from guide_core.tree import page_text
from markupsafe import Markup

# "</script>" or "<!--" inside a string would end or confuse the script
# element; JSON allows these escapes anywhere in a string.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def faq_page(entries: Iterable) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": " ".join(entry.title.split()),
                "acceptedAnswer": {"@type": "Answer", "text": page_text(entry)},
            }
            for entry in entries
        ],
    }


def faq_page_json(entries: Iterable) -> Markup:
    """FAQPage JSON-LD, safe to place inside ``<script type="application/ld+json">``.

    Markup because it is safe by construction (every "<", ">" and "&" is a JSON
    escape), so the autoescaping template prints it as it is.
    """
    text = json.dumps(faq_page(entries), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(SCRIPT_SAFE))
