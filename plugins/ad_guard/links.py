"""Outbound links: what kind they are, and cleaning them.

An outbound link is an http(s) link to another host than the site's own.
Cleaning removes tracking parameters (keeping every other byte of the URL as
written) and adds ``rel="noopener noreferrer"``, so a reader's visit to a
sensitive page never leaks to the next site through the Referer header or
window.opener.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from markupsafe import Markup

from .rules import Rules

REL_ADDED = ("noopener", "noreferrer")
# A cheap test before parsing: does this HTML have a link that leaves the site?
MAYBE_OUTBOUND = re.compile(r"""<a(?:rea)?\s[^>]*?href\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
LINK_TAG = re.compile(r"""<(a|area)(\s(?:[^<>"']|"[^"]*"|'[^']*')*)>""", re.I)
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def is_outbound(url: str, site_host: str) -> bool:
    parts = split(url)
    if parts is None or parts.scheme.lower() not in ("http", "https", "") or not parts.netloc:
        return False
    return (parts.hostname or "") != site_host


def query_names(parts: SplitResult) -> list[str]:
    return [unquote(item.split("=", 1)[0]).lower() for item in re.split(r"[&;]", parts.query) if item]


def without_tracking(url: str, rules: Rules) -> tuple[str, list[str]]:
    """The URL without tracking parameters, and the names removed (as written)."""
    parts = split(url)
    if parts is None or not parts.query:
        return url, []
    kept, removed = [], []
    for item in filter(None, parts.query.split("&")):
        name = unquote(item.split("=", 1)[0])
        if rules.is_tracking(name):
            removed.append(name)
        else:
            kept.append(item)
    if not removed:
        return url, []
    return urlunsplit(parts._replace(query="&".join(kept))), removed


def link_rule(url: str, rules: Rules) -> str | None:
    """The rule an outbound link breaks (affiliate, ad network, redirector), if any."""
    parts = split(url)
    if parts is None or not parts.hostname:
        return None
    host = parts.hostname.lower()
    names = query_names(parts)
    for rule in rules.links:
        message = rule.match(host, names, parts)
        if message:
            return message
    return None


def unsafe_scheme(url: str, rules: Rules) -> str | None:
    """``javascript``, ``vbscript``, ``data``... when the URL would run code, else None.

    Browsers ignore tabs, new lines and control characters inside a scheme, and
    the caller has already decoded character references, so both are undone
    here before looking.
    """
    compact = CONTROL.sub("", url).lower()
    scheme, colon, rest = compact.partition(":")
    if not colon or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        return None
    if scheme == "data" and rest.startswith("image/"):
        return None
    return scheme if scheme in rules.unsafe_schemes else None


@dataclass
class Cleaning:
    """What cleaning one piece of HTML changed."""

    html: str
    removed: list[tuple[str, list[str]]] = field(default_factory=list)  # (clean URL, params)
    changed: bool = False


def attribute_pairs(text: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes in order: (lower-case name, decoded value or None)."""
    pairs = []
    for match in ATTRIBUTE.finditer(text):
        value = match.group(2)
        if value is not None:
            value = html.unescape(value[1:-1] if value[:1] in "\"'" else value)
        pairs.append((match.group(1).lower(), value))
    return pairs


def start_tag(name: str, pairs: list[tuple[str, str | None]]) -> Markup:
    """A start tag from its attributes, every name and value escaped."""
    parts = [Markup(" {}").format(key) if value is None else Markup(' {}="{}"').format(key, value)
             for key, value in pairs]
    return Markup("<{}{}>").format(name, Markup("").join(parts))


def clean_links(text: str, rules: Rules, site_host: str) -> Cleaning:
    """Outbound links without tracking parameters and with rel="noopener noreferrer".

    Only the start tags of the outbound links that need it are rewritten; every
    other byte of the HTML stays as it was (a full parser would re-serialise
    the whole page and cost more than all the other checks together).
    """
    if "//" not in text or not MAYBE_OUTBOUND.search(text):
        return Cleaning(text)
    result = Cleaning(text)

    def clean(tag: re.Match) -> str:
        pairs = attribute_pairs(tag.group(2))
        found = dict(pairs)
        href = found.get("href")
        if not href or not is_outbound(href, site_host):
            return tag.group()
        url, removed = without_tracking(href, rules)
        rel = (found.get("rel") or "").split()
        missing = [token for token in REL_ADDED if token not in (t.lower() for t in rel)]
        if not removed and not missing:
            return tag.group()
        if removed:
            result.removed.append((url, removed))
        pairs = [(key, url if key == "href" else value) for key, value in pairs if key != "rel"]
        return start_tag(tag.group(1), [*pairs, ("rel", " ".join([*rel, *missing]))])

    cleaned = LINK_TAG.sub(clean, text)
    if cleaned != text:
        result.html = Markup(cleaned) if isinstance(text, Markup) else cleaned
        result.changed = True
    return result
