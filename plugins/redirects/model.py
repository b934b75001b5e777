"""Redirects: the old addresses a surviving page replaces, checked before anything is written.

    Redirects: /faq/husband-wont-open-up/, /guide/old-slug/

Each old path is a site-root path in the guide's own URL style: lower-case
letters, digits, hyphens, dots and slashes, ending in ``/`` (a folder, written
as ``<path>/index.html``) or ``.html``. Paths are read with a WHATWG parser
(ada-url), so anything a browser would rewrite (``..``, ``//``, a query, a
fragment, spaces) is refused rather than redirected from an address no one uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ada_url import URL

PATH_CHARACTERS = re.compile(r"^/[a-z0-9._~/-]*$")
PARSE_BASE = "https://redirects.invalid"


@dataclass(frozen=True)
class Redirect:
    old: str  # "/faq/old-slug/"
    new_url: str  # the surviving page's URL relative to the site root: "faq/new-slug/"
    source_path: str  # the surviving page's file, for messages
    line: int

    @property
    def save_as(self) -> str:
        path = self.old.lstrip("/")
        return path + "index.html" if self.old.endswith("/") else path


def split_paths(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [item.strip() for item in str(value or "").split(",") if item.strip()]


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot be an old address to redirect from, or None."""
    if "://" in path or path.startswith("//"):
        return f'Redirects "{path}" must be a path from the site root (/faq/old-slug/), not a full address'
    if not path.startswith("/"):
        return f'Redirects "{path}" must start with / (a path from the site root such as /faq/old-slug/)'
    if path == "/":
        return 'Redirects "/" would replace the home page'
    try:
        parsed = URL(path, PARSE_BASE)
    except ValueError:
        return f'Redirects "{path}" is not a valid path'
    if parsed.search or parsed.hash or "?" in path or "#" in path:
        return f'Redirects "{path}" must not have a query (?) or a fragment (#)'
    if parsed.pathname != path or "//" in path or not PATH_CHARACTERS.match(path):
        return (f'Redirects "{path}" is not a clean path: use lower-case letters, digits, hyphens and '
                "slashes, with no .. or //")
    if not (path.endswith("/") or path.endswith(".html")):
        return f'Redirects "{path}" must end with / (a folder such as /faq/old-slug/) or .html'
    return None
