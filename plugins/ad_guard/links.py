"""Outbound links: what kind they are, and cleaning them.

Every URL is parsed as a browser parses it (the WHATWG URL standard, through
ada-url) against the site's own address before any rule looks at it, so
``https:\\amzn.to``, ``https:///amzn.to``, ``amzn%2Eto``, ``amzn。to``,
fullwidth letters and a trailing dot all reach the rules as ``amzn.to``. Rules
then match the host, or its registrable domain from the public suffix list
(publicsuffixlist, which works offline), so one rule covers every Amazon
country domain.

An outbound link is an http(s) link to another host than the site's own.
Cleaning removes tracking parameters (keeping every other byte of the URL as
written) and adds ``rel="noopener noreferrer"``, so a reader's visit to a
sensitive page never leaks to the next site through the Referer header or
window.opener.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from ada_url import URL, URLSearchParams
from markupsafe import Markup
from publicsuffixlist import PublicSuffixList

from .rules import Rules

REL_ADDED = ("noopener", "noreferrer")
# A cheap test before parsing: does this HTML have a link that leaves the site?
MAYBE_OUTBOUND = re.compile(r"""<a(?:rea)?\s[^>]*?href\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
LINK_TAG = re.compile(r"""<(a|area)(\s(?:[^<>"']|"[^"]*"|'[^']*')*)>""", re.I)
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


# Where relative URLs resolve when the build has no SITEURL (local builds): a
# name that is never anyone's host.
LOCAL_BASE = "https://site.invalid/"
LOCAL_HOST = "site.invalid"


@dataclass(frozen=True)
class ParsedUrl:
    """A URL as the browser will use it."""

    scheme: str  # without the colon, lower case
    host: str  # canonical: IDNA, percent-decoded, lower case, no trailing dot; "" when none
    path: str  # decoded pathname
    query: tuple[str, ...]  # parameter names, lower case, decoded

    @functools.cached_property
    def domain(self) -> str:
        """The registrable domain (public suffix list), or the host itself: worked out only
        when a rule asks (loading the list is a tenth of a second, and most builds' links
        never need it: LinkRule.match)."""
        host = self.host
        domain = registrable_domain(host) if host and not host.startswith("[") else None
        return domain or host


@functools.cache
def public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()


@functools.lru_cache(maxsize=16384)
def registrable_domain(host: str) -> str | None:
    """The host's registrable domain (public suffix list): looked up once per host, since
    most URLs of a build share a few hosts (the site's own above all)."""
    return public_suffixes().privatesuffix(host)


def base_for(site_host: str) -> str:
    return f"https://{site_host}/" if site_host else LOCAL_BASE


# A scheme and "//" at the very start: the WHATWG parser reads the URL as absolute, whatever
# the base (only "https:x", without the slashes, can be relative to an https: base).
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@functools.lru_cache(maxsize=65536)
def parse(value: str, site_host: str = "") -> ParsedUrl | None:
    """The URL a browser would follow for ``value`` on a page of the site, or None."""
    if site_host and ABSOLUTE.match(value):
        return parse(value)  # the same answer on any site: parsed (and cached) once
    try:
        url = URL(value, base_for(site_host))
    except ValueError:
        return None
    scheme = url.protocol[:-1].lower()
    host = url.hostname.rstrip(".").lower() if url.hostname else ""
    search = url.search
    names: set[str] = set()
    if search:
        names.update(name.lower() for name in URLSearchParams(search).keys())
        # Servers also split on ";" (and on an encoded "="): more names can only match more rules.
        names.update(unquote(item.split("=", 1)[0]).lower() for item in re.split(r"[&;]", search.lstrip("?"))
                     if item)
    return ParsedUrl(scheme, host, unquote(url.pathname), tuple(sorted(names)))


@functools.lru_cache(maxsize=65536)
def scheme_of(value: str) -> str | None:
    """The scheme the WHATWG parser finds for ``value`` on a page of the site (lower case,
    without the colon), or None when it is no URL. A relative URL has the page's scheme,
    https: for every base here (base_for). Cheaper than ``parse`` when the scheme is all a
    rule needs: no host, domain or parameters are worked out (a page's ``mailto:`` link,
    with its subject and body, is distinct on every page)."""
    try:
        return URL(value, LOCAL_BASE).protocol[:-1].lower()
    except ValueError:
        return None


C0_OR_SPACE = "".join(map(chr, range(0x21)))  # what the URL parser strips from both ends
TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")  # what it removes everywhere


def stays_on_page_origin(value: str) -> bool:
    """True when the WHATWG parser, against an http(s) base, is sure to keep the base's scheme
    and host: the value has no scheme (it does not start with an ASCII letter) and no authority
    (it does not start with two slashes or backslashes). Most of a site's URLs ("/guide/x/",
    "#top") are answered here without parsing; anything else is left to the parser."""
    value = value.strip(C0_OR_SPACE)
    if not value:
        return True
    first = value[0]
    if first.isascii() and first.isalpha():
        return False  # perhaps a scheme ("javascript:", "https:"): parse it
    if first in "/\\":
        if "\t" in value or "\n" in value or "\r" in value:  # (str.translate costs more than these)
            value = value.translate(TAB_OR_NEWLINE)
        return len(value) < 2 or value[1] not in "/\\"
    return True


def site_host_of(site_host: str) -> str:
    return site_host.rstrip(".").lower() if site_host else LOCAL_HOST


def split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def is_outbound(url: str, site_host: str) -> bool:
    """An http(s) link to another host than the site's (as the browser resolves it)."""
    if stays_on_page_origin(url) or scheme_of(url) not in ("http", "https"):
        return False
    parsed = parse(url, site_host)
    return bool(parsed and parsed.host != site_host_of(site_host))


def leaves_site(url: str, site_host: str) -> bool:
    """A URL the browser would load from anywhere but this site (any scheme but data:/blob:)."""
    if stays_on_page_origin(url):
        return False
    scheme = scheme_of(url)
    if scheme is None or scheme in ("data", "blob", "about"):
        return False
    if scheme not in ("http", "https"):
        return True
    parsed = parse(url, site_host)
    return parsed is not None and parsed.host != site_host_of(site_host)


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


def link_rule(url: str, rules: Rules, site_host: str = "") -> str | None:
    """The rule an outbound link breaks (affiliate, ad network, redirector), if any."""
    parsed = parse(url, site_host)
    if parsed is None or not parsed.host:
        return None
    for rule in rules.links:
        message = rule.match(parsed)
        if message:
            return message
    return None


def unsafe_scheme(url: str, rules: Rules) -> str | None:
    """``javascript``, ``vbscript``, ``data``... when the URL would run code, else None.

    The scheme is the one the WHATWG parser finds (it drops tabs, new lines and
    leading control characters as browsers do); the caller has already decoded
    character references.
    """
    if stays_on_page_origin(url):
        return None
    scheme = scheme_of(url)
    if scheme is None:
        return None
    if scheme == "data" and CONTROL.sub("", url).lower().partition(":")[2].startswith("image/"):
        return None
    return scheme if scheme in rules.unsafe_schemes else None


@dataclass
class Cleaning:
    """What cleaning one piece of HTML changed."""

    html: str
    removed: list[tuple[str, list[str]]] = field(default_factory=list)  # (clean URL, params)
    changed: bool = False


def clean_tag(name: str, attributes: str, written: str, rules: Rules,
              site_host: str) -> tuple[str, str, list[str]]:
    """One link's start tag cleaned: (the tag, its clean URL, the parameters removed)."""
    pairs = attribute_pairs(attributes)
    found = dict(pairs)
    href = found.get("href")
    if not href or not is_outbound(href, site_host):
        return written, "", []
    url, removed = without_tracking(href, rules)
    rel = (found.get("rel") or "").split()
    missing = [token for token in REL_ADDED if token not in (t.lower() for t in rel)]
    if not removed and not missing:
        return written, url, []
    pairs = [(key, url if key == "href" else value) for key, value in pairs if key != "rel"]
    return start_tag(name, [*pairs, ("rel", " ".join([*rel, *missing]))]), url, removed


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


def clean_links(text: str, rules: Rules, site_host: str,
                known: dict[str, tuple[str, str, list[str]]] | None = None) -> Cleaning:
    """Outbound links without tracking parameters and with rel="noopener noreferrer".

    Only the start tags of the outbound links that need it are rewritten; every
    other byte of the HTML stays as it was (a full parser would re-serialise
    the whole page and cost more than all the other checks together). ``known``
    keeps each distinct start tag's cleaning, for a caller that cleans many
    pages with the same rules and site (the theme's links repeat on every page).
    """
    if "//" not in text or not MAYBE_OUTBOUND.search(text):
        return Cleaning(text)
    result = Cleaning(text)

    def clean(tag: re.Match) -> str:
        written = tag.group()
        done = known.get(written) if known is not None else None
        if done is None:
            done = clean_tag(tag.group(1), tag.group(2), written, rules, site_host)
            if known is not None:
                known[written] = done
        cleaned, url, removed = done
        if removed:
            result.removed.append((url, removed))
        return cleaned

    cleaned = LINK_TAG.sub(clean, text)
    if cleaned != text:
        result.html = Markup(cleaned) if isinstance(text, Markup) else cleaned
        result.changed = True
    return result
