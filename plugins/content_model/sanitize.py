"""The one sanitizer: every piece of content HTML goes through it once, right after Markdown.

The reader (reader.py) calls :func:`sanitize` on each body and on each
formatted metadata value (Summary, Sources) before any plugin or template
sees them. Two things happen to the HTML:

1. nh3 (Ammonia, a spec HTML5 parser and serializer) rebuilds it from the
   allowlist in allowlist.toml. What nh3 returns is what is published,
   whatever else happens; nothing outside the list survives, however it
   is spelled.
2. Every element, attribute, class and URL nh3 would drop is named, so the
   build can fail with ``path:line: error:`` telling the editor what to
   remove. The names come from walking the same HTML parsed by Lexbor
   (selectolax), another spec HTML5 parser. If the two parsers ever
   disagree, so that nh3 changes something the walk did not name, that is
   still an error ("the sanitizer changed this HTML"): a refusal never
   depends on the walk being complete.

The walk runs only when nh3 changed something. Nearly all content is clean,
and three cheap tests prove it: nh3's output is the source itself, or the
source with smarty's character references (``&rsquo;``...) written as the
characters nh3 writes for them (no parse at all: most pages), or it is
Lexbor's serialization of the source (both serializers follow the HTML
standard's fragment serialization, so for HTML nh3 keeps whole they differ
at most in spelling, e.g. ``&rsquo;`` against ``’``, which both write as
the character). Either equality means nh3 kept every element, attribute
and character the source has, so there is nothing to name; any other
output goes through the walk and the checks below, as before.

URLs are resolved as a browser resolves them (WHATWG, ada-url) against the
site's origin: a load (``img src``/``srcset``) must stay on the site; a link
may leave it, with an allowed scheme. The affiliate and ad rules for links
belong to ad_guard, which checks the written pages.
"""

from __future__ import annotations

import functools
import html
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from ada_url import URL
from markdown.extensions import smarty
from selectolax.lexbor import LexborHTMLParser, LexborNode

ALLOWLIST_FILE = Path(__file__).with_name("allowlist.toml")
SITE_BASE = "https://site.invalid/"  # the origin relative URLs resolve against when SITEURL is ""
SHOWN = 120
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster", "data",
                            "xlink:href", "background", "srcset", "ping", "longdesc", "usemap"})
# What each element fetches, by attribute, for "third-party <what>" messages.
LOADS = {
    "img": {"src": "image", "srcset": "image"},
    "video": {"src": "media", "poster": "image"},
    "audio": {"src": "media"},
    "source": {"src": "media", "srcset": "image"},
    "track": {"src": "media"},
    "input": {"src": "image"},
    "image": {"href": "image", "xlink:href": "image"},
    "use": {"href": "image", "xlink:href": "image"},
}
# Ammonia percent-escapes or re-quotes nothing else; entities and void tags are
# serialized its own way, which is why the comparison is nh3 against nh3.
WHITESPACE = re.compile(r"\s+")
SPACE_OR_CONTROL = re.compile(r"[\x00-\x20]")  # an id with these is no id a link can reach


@dataclass(frozen=True)
class Allowlist:
    tags: frozenset[str]
    attributes: dict[str, frozenset[str]]
    classes: dict[str, frozenset[str]]
    class_prefixes: dict[str, tuple[str, ...]]
    reserved_ids: frozenset[str]
    link_schemes: frozenset[str]
    data_image_types: frozenset[str]
    dropped_with_content: frozenset[str]
    unsafe_elements: frozenset[str]
    unsafe_attributes: frozenset[str]

    def allows_attribute(self, tag: str, name: str) -> bool:
        return name in self.attributes.get(tag, ()) or name in self.attributes.get("*", ())

    def allows_class(self, tag: str, name: str) -> bool:
        return name in self.classes.get(tag, ()) or name.startswith(self.class_prefixes.get(tag, ("\0",)))


@functools.cache
def load_allowlist(path: Path = ALLOWLIST_FILE) -> Allowlist:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    classes: dict[str, set[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for tag, names in data["classes"].items():
        for name in names:
            if name.endswith("*"):
                prefixes.setdefault(tag, []).append(name[:-1])
            else:
                classes.setdefault(tag, set()).add(name)
    return Allowlist(
        tags=frozenset(name for group in data["tags"].values() for name in group),
        attributes={tag: frozenset(names) for tag, names in data["attributes"].items()},
        classes={tag: frozenset(names) for tag, names in classes.items()},
        class_prefixes={tag: tuple(names) for tag, names in prefixes.items()},
        reserved_ids=frozenset(data["ids"]["reserved"]),
        link_schemes=frozenset(data["urls"]["link_schemes"]),
        data_image_types=frozenset(data["urls"]["data_image_types"]),
        dropped_with_content=frozenset(data["dropped_with_content"]["tags"]),
        unsafe_elements=frozenset(data["wording"]["unsafe_elements"]),
        unsafe_attributes=frozenset(data["wording"]["unsafe_attributes"]),
    )


@dataclass(frozen=True)
class Refusal:
    """One thing the sanitizer drops: the rule (as printed), what was written, and where to look."""

    rule: str
    value: str
    needle: str  # text to look for in the Markdown source, for the line number


@dataclass
class Sanitized:
    html: str
    refusals: list[Refusal] = field(default_factory=list)


def shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def start_tag(node: LexborNode) -> str:
    """An element's start tag rebuilt from its parsed attributes, as an editor would write it."""
    parts = [node.tag]
    for name, value in node.attributes.items():
        escaped = html.escape(value or "", quote=False).replace('"', "&quot;")
        parts.append(name if value is None else f'{name}="{escaped}"')
    return "<" + " ".join(parts) + ">"


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset, split more finely than a browser would (so never fewer off-site ones)."""
    urls = []
    for candidate in value.split(","):
        words = candidate.split()
        if words:
            urls.append(words[0])
    return urls


@functools.lru_cache(maxsize=16384)
def _resolve(value: str, base: str) -> URL | None:
    """A URL as the browser resolves it on the site (many links repeat: cached)."""
    try:
        return URL(value, base)
    except ValueError:
        return None


class UrlPolicy:
    """Links may leave the site with an allowed scheme; loads may not leave it at all."""

    def __init__(self, allow: Allowlist, siteurl: str) -> None:
        self.allow = allow
        self.base = siteurl.rstrip("/") + "/" if siteurl else SITE_BASE
        self.origin = URL(self.base).origin

    def resolve(self, value: str) -> URL | None:
        return _resolve(value, self.base)

    def link_problem(self, value: str) -> str | None:
        """Why a link URL is refused ("javascript", "invalid"...), or None."""
        url = self.resolve(value)
        if url is None:
            return "invalid"
        scheme = url.protocol[:-1]
        if scheme not in self.allow.link_schemes:
            return scheme
        return None

    def load_problem(self, value: str) -> tuple[str, str] | None:
        """("third-party", url) or ("scheme", name) when an image/media URL is refused."""
        url = self.resolve(value)
        if url is None:
            return ("scheme", "invalid")
        scheme = url.protocol[:-1]
        if scheme == "data":
            media_type = url.pathname.split(";", 1)[0].split(",", 1)[0].strip().lower()
            return None if media_type in self.allow.data_image_types else ("scheme", "data")
        if scheme not in ("http", "https"):
            return ("scheme", scheme)
        if url.origin != self.origin:
            return ("third-party", value.strip())
        return None


# Every scheme nh3 lets through to keep_attribute, which decides per attribute (the
# allowlist's link and image schemes); the others are named there as refused.
SCHEMES_SEEN = frozenset({"http", "https", "mailto", "tel", "data", "javascript", "vbscript", "file", "ftp",
                          "blob", "about", "filesystem", "livescript"})


class Sanitizer:
    """One site's sanitizer: the allowlist, compiled once, and the site's origin."""

    def __init__(self, siteurl: str = "", allow: Allowlist | None = None) -> None:
        self.allow = allow or load_allowlist()
        self.urls = UrlPolicy(self.allow, siteurl)
        self.permissive: dict[tuple, nh3.Cleaner] = {}  # by the elements and attributes a fragment uses
        # keep_attribute's answers: nh3 asks for every attribute, and most repeat (classes, links).
        self.kept: dict[tuple[str, str, str], str | None] = {}
        attributes = {tag: set(names) for tag, names in self.allow.attributes.items()}
        self.cleaner = nh3.Cleaner(
            tags=set(self.allow.tags),
            clean_content_tags=set(self.allow.dropped_with_content) - set(self.allow.tags),
            attributes=attributes,
            attribute_filter=self.keep_attribute,
            strip_comments=True,
            link_rel=None,  # ad_guard adds rel="noopener noreferrer" to outbound links
            # Every scheme reaches keep_attribute, which decides per attribute.
            url_schemes=set(SCHEMES_SEEN),
        )

    # -- what nh3 keeps (the published HTML) --------------------------------------------

    def keep_attribute(self, tag: str, name: str, value: str) -> str | None:
        """nh3's attribute_filter: the same decisions the walk reports, applied to the output."""
        key = (tag, name, value)
        try:
            return self.kept[key]
        except KeyError:
            kept = self.kept[key] = self.decide_attribute(tag, name, value)
            return kept

    def decide_attribute(self, tag: str, name: str, value: str) -> str | None:
        reason = self.attribute_problem(tag, name, value)
        if reason is None:
            return value
        if name == "class":
            kept = [token for token in value.split() if self.allow.allows_class(tag, token)]
            return " ".join(kept) if kept else None
        if name == "rel":
            kept = [token for token in value.split() if token.lower() in ALLOWED_REL]
            return " ".join(kept) if kept else None
        return None

    def attribute_problem(self, tag: str, name: str, value: str) -> str | None:
        """Why an allowed attribute's value is refused, or None."""
        if name == "class":
            bad = [token for token in value.split() if not self.allow.allows_class(tag, token)]
            return f'class "{bad[0]}"' if bad else None
        if name == "rel":
            bad = [token for token in value.split() if token.lower() not in ALLOWED_REL]
            return f'rel "{bad[0]}"' if bad else None
        if name == "id":
            if value in self.allow.reserved_ids:
                return "reserved id"
            return None if value and not SPACE_OR_CONTROL.search(value) else "id"
        if name == "srcset":
            return next((self.describe_load(url) for url in srcset_urls(value)
                         if self.urls.load_problem(url)), None)
        if name == "src":
            problem = self.urls.load_problem(value)
            return self.describe_load(value) if problem else None
        if name in ("href", "cite"):
            scheme = self.urls.link_problem(value)
            return f"scheme {scheme}" if scheme else None
        return None

    def describe_load(self, url: str) -> str:
        kind, detail = self.urls.load_problem(url) or ("", "")
        return f"third-party {url.strip()}" if kind == "third-party" else f"scheme {detail}"

    # -- naming what nh3 drops -----------------------------------------------------------

    def sanitize(self, source_html: str) -> Sanitized:
        published = self.cleaner.clean(source_html)
        if published == source_html or ("<" not in source_html and "&" not in source_html):
            return Sanitized(published)  # nh3 changed nothing: nothing to name
        if published == respelled(source_html):
            return Sanitized(published)  # only smarty's entities were written as characters
        tree = fragment(source_html)
        if published == tree.html:
            return Sanitized(published)  # nh3 kept all of it, only spelled it its own way
        seen: dict[str, set[str]] = {}
        refusals = self.walk_tree(tree, seen)
        if not refusals:
            expected = self.normalised(source_html, seen)
            if published != expected:
                refusals.append(Refusal("the sanitizer changed this HTML",
                                        shown(difference(expected, published)), ""))
        return Sanitized(published, refusals)

    def normalised(self, source_html: str, seen: dict[str, set[str]]) -> str:
        """The HTML as nh3 serializes it when it drops nothing the walk saw: every element and
        attribute the walk met is allowed (so the two outputs differ only if nh3 drops something
        the walk did not see or did not name)."""
        key = tuple(sorted((tag, tuple(sorted(names))) for tag, names in seen.items()
                           if tag in self.allow.tags))
        permissive = self.permissive.get(key)
        if permissive is None:
            tags = {tag for tag, _names in key}
            permissive = nh3.Cleaner(
                tags=tags, clean_content_tags=set(self.allow.dropped_with_content) - tags,
                attributes={tag: set(names) for tag, names in key},
                strip_comments=True, link_rel=None, url_schemes=self.cleaner_schemes(),
            )
            self.permissive[key] = permissive
        return permissive.clean(source_html)

    @staticmethod
    def cleaner_schemes() -> set[str]:
        return set(SCHEMES_SEEN)

    def walk(self, source_html: str, seen: dict[str, set[str]] | None = None) -> list[Refusal]:
        """Everything in this HTML that nh3 drops, named (the full walk, whatever nh3 returns)."""
        return self.walk_tree(fragment(source_html), {} if seen is None else seen)

    def walk_tree(self, tree: LexborHTMLParser, seen: dict[str, set[str]]) -> list[Refusal]:
        refusals: list[Refusal] = []
        stack = [top_level(tree)]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                stack.pop()
                continue
            if node.tag.startswith("-"):
                continue  # comments: dropped, and not rendered anyway
            refusals += self.check_element(node, seen)
            if node.tag not in self.allow.dropped_with_content:
                stack.append(children(node))
        return refusals

    def check_element(self, node: LexborNode, seen: dict[str, set[str]]) -> list[Refusal]:
        tag = node.tag.lower()
        attrs = {name.lower(): (value or "") for name, value in node.attributes.items()}
        seen.setdefault(tag, set()).update(node.attributes)
        if tag in self.allow.tags and all(
                self.allow.allows_attribute(tag, name) and self.attribute_problem(tag, name, value) is None
                for name, value in attrs.items()):
            return []  # nearly every element: nothing to name
        written = shown(start_tag(node))
        needle = f"<{tag}"
        found: list[Refusal] = []
        if tag not in self.allow.tags:
            loads = [(what, attrs[name]) for name, what in LOADS.get(tag, {}).items()
                     if name in attrs and self.urls.load_problem(attrs[name])]
            if tag not in self.allow.unsafe_elements and loads:
                what, url = loads[0]
                found.append(Refusal(f"third-party {what}", url.strip(), url.strip()))
            else:
                rule = "unsafe HTML" if tag in self.allow.unsafe_elements else "HTML not allowed:"
                found.append(Refusal(f"{rule} <{tag}>", written, needle))
            # On a refused element, only the attributes that are dangerous by themselves are named.
            for name in attrs:
                if self.is_unsafe_attribute(name):
                    found.append(Refusal(f"unsafe HTML {name}=", written, needle))
            return found
        for name, value in attrs.items():
            if self.is_unsafe_attribute(name):
                found.append(Refusal(f"unsafe HTML {name}=", written, name))
            elif not self.allow.allows_attribute(tag, name):
                if name in URL_ATTRIBUTES and self.urls.link_problem(value) not in (None, "http", "https"):
                    found.append(self.url_refusal(value))
                else:
                    look_for = value.split()[0] if name == "class" and value.split() else name
                    found.append(Refusal(f"HTML not allowed: {name}= on <{tag}>", written, look_for))
            else:
                problem = self.attribute_problem(tag, name, value)
                if problem is None:
                    continue
                if problem.startswith("third-party "):
                    url = problem[len("third-party "):]
                    what = LOADS.get(tag, {}).get(name, "resource")
                    found.append(Refusal(f"third-party {what}", url, url))
                elif problem.startswith("scheme "):
                    bad = value if name != "srcset" else next(
                        url for url in srcset_urls(value) if self.urls.load_problem(url))
                    found.append(self.url_refusal(bad))
                elif problem.startswith("rel "):
                    token = problem.split('"')[1]
                    if token.lower() == "sponsored":
                        href = attrs.get("href", "")
                        found.append(Refusal('rel="sponsored" link', href, href))
                    else:
                        found.append(Refusal(f"HTML not allowed: {problem} on <{tag}>", written, token))
                elif problem == "reserved id":
                    found.append(Refusal(f'HTML not allowed: id "{value}" is used by the theme',
                                         written, value))
                else:
                    token = problem.split('"')[1] if '"' in problem else name
                    found.append(Refusal(f"HTML not allowed: {problem} on <{tag}>", written, token))
        return found

    def url_refusal(self, value: str) -> Refusal:
        url = self.urls.resolve(value)
        scheme = url.protocol[:-1] if url is not None else "invalid"
        return Refusal(f"unsafe URL ({scheme}:)", shown(value), value)

    def is_unsafe_attribute(self, name: str) -> bool:
        return name in self.allow.unsafe_attributes or (name.startswith("on") and len(name) > 2)


ALLOWED_REL = frozenset({"nofollow", "noopener", "noreferrer", "external", "license", "author", "help"})


# The character references smarty writes (&rsquo;, &mdash;...): nh3 serializes each as the
# character, as the HTML standard's serialization does for every reference but &amp; &lt; &gt;
# &nbsp; (and &quot; in attributes). A reference means its character in text and in attribute
# values alike, so the source with these written as characters is the same HTML.
SMARTY_REFERENCES = {reference: html.unescape(reference) for reference in smarty.substitutions.values()}


def respelled(source_html: str) -> str:
    """The HTML with smarty's character references written as their characters.

    One str.replace for each (a regular expression's substitution called back into Python for
    every curly quote of a chapter): no reference holds "&" or ";" but at its ends, and no
    character written for one is "&", so the replacements neither overlap nor make new ones."""
    if "&" not in source_html:
        return source_html
    for reference, character in SMARTY_REFERENCES.items():
        source_html = source_html.replace(reference, character)
    return source_html


def difference(expected: str, actual: str) -> str:
    """The stretch of ``expected`` where ``actual`` starts to differ, for the message."""
    at = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b),
              min(len(expected), len(actual)))
    return expected[max(0, at - 20): at + 60]


def fragment(source_html: str) -> LexborHTMLParser:
    """HTML parsed as a fragment in a <div>, as nh3 parses it (not as a document, whose
    <head> would swallow a leading <script> or <meta>)."""
    return LexborHTMLParser(source_html, is_fragment=True)


def top_level(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    node = tree.root
    while node is not None:
        if not node.tag.startswith("-"):
            yield node
        node = node.next


def children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        if not child.tag.startswith("-"):
            yield child
        child = child.next


def all_elements(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    stack = [top_level(tree)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        else:
            yield node
            stack.append(children(node))


def plain_text(html_fragment: str) -> str:
    """The text a reader sees in an HTML fragment, white space collapsed (for text-only values)."""
    if "<" not in html_fragment and "&" not in html_fragment:
        return " ".join(html_fragment.split())
    tree = fragment(html_fragment)
    return " ".join("".join(node.text(deep=True) for node in text_level(tree)).split())


def text_level(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    node = tree.root
    while node is not None:
        if node.tag == "-text" or not node.tag.startswith("-"):
            yield node
        node = node.next
