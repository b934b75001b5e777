"""The rendered site as a reader's browser meets it: the second line of the guard.

Every written page is parsed with Lexbor (selectolax), a spec HTML5 parser,
so the check sees the elements and attributes a browser builds, however the
markup is spelled. The first line (content_model's sanitizer) has already
rebuilt every piece of content HTML from an allowlist; this scan checks what
actually reached the files, templates and plugins included:

- no ``<script>`` but our own theme scripts (listed by path) and JSON data
  blocks; no ``<style>``, ``style=``, ``on*=`` handlers, ``<base>``, frames,
  objects or embeds; no ``<meta http-equiv>`` but the Content-Security-Policy;
- no ``javascript:``/``vbscript:``/non-image ``data:`` URL in any URL-bearing
  attribute (SVG ``xlink:href`` and ``<set>``/``<animate>`` targets included);
- nothing loaded from another origin (images, media, scripts, styles, fonts,
  forms), URLs resolved with the WHATWG parser;
- no affiliate, ad-network or redirect link; wording checked on the visible
  text after NFKC normalisation, with format characters (soft hyphen,
  zero-width space...) removed.

Each finding carries a ``needle``: the URL or phrase to look for in the
Markdown sources, so errors name the file an editor has to fix.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from guide_core.problems import blank
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .links import (
    REL_ADDED,
    is_outbound,
    leaves_site,
    link_rule,
    parse,
    split,
    stays_on_page_origin,
    unsafe_scheme,
)
from .rules import Rules

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href", "background",
                  "cite", "ping", "srcset", "imagesrcset", "longdesc", "usemap", "codebase", "archive")
# SVG animation elements that can set a URL attribute (``<set attributeName="href" to=...>``).
ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "discard"})
ANIMATION_VALUES = ("to", "from", "by", "values")
UNSAFE_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal",
                             "base", "style"})
UNSAFE_ATTRIBUTES = frozenset({"style", "ping", "srcdoc"})
BLOCK = frozenset((
    "address article aside blockquote br dd details dialog div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul"
).split())
# Elements the scan must see even without attributes.
SPECIAL_ELEMENTS = frozenset({"script", "meta", "link", "base", "style", "iframe", "frame", "frameset",
                              "object", "embed", "applet", "portal"})
INERT_ATTRIBUTES = frozenset({"class", "id", "lang", "title", "dir", "role", "hidden", "tabindex", "alt",
                              "width", "height", "value", "type", "name", "for", "open", "start",
                              "datetime", "colspan", "rowspan", "scope", "autocomplete", "spellcheck",
                              "placeholder", "method", "defer", "async", "charset", "dominant-baseline",
                              "text-anchor", "x", "y", "x1", "x2", "y1", "y2", "r", "cx", "cy",
                              "viewbox", "transform", "d", "fill", "stroke", "stroke-width"})
INERT_PREFIXES = ("aria-", "data-")
# The ones the theme writes, named too: a set lookup settles most elements without the
# prefix test on each of their attributes.
INERT_ATTRIBUTES |= frozenset({"aria-labelledby", "aria-label", "aria-hidden", "aria-current",
                               "aria-describedby", "aria-live", "aria-expanded", "aria-controls",
                               "data-kind", "data-topics", "data-toc", "data-exit-url", "data-triggers"})
# Elements whose findings depend on more than their attributes: a script's text, a meta's
# place in <head> and whether the page already had a policy.
STATEFUL_ELEMENTS = frozenset({"script", "meta"})
# The theme's shell: the parts of <body> that every page repeats, written the same way on
# every page (the site header, the quick exit, the "If you need help now" box, the footer's
# links), each checked once per distinct HTML (PageScanner.check_shell). They are found by
# where the theme puts them (shell_parts; a CSS query over the whole page costs more than it
# saves). Which parts these are only decides what is worked out once: a part's findings are a
# function of its HTML, whoever wrote it.
SHELL_TAGS = frozenset({"header"})
SHELL_IDS = frozenset({"quick-exit"})
SHELL_CLASSES = frozenset({"help-now"})
HIDDEN_TEXT = frozenset({"script", "style", "template", "noscript", "head", "title"})
LABEL_NOISE = string.punctuation + string.whitespace + "\u2013\u2014\u2022\u00b7\u2026\u00a0"
# What str.split() splits on, less the line break (tests/test_guard.py checks every code point).
SPLIT_WHITESPACE = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b)))
                    + "\u2028\u2029\u202f\u205f\u3000")
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})

# Which attributes of which elements make the browser fetch something.
FETCHED = {
    "script": {"src": "script"},
    "img": {"src": "image", "srcset": "image"},
    "input": {"src": "image", "formaction": "form"},
    "button": {"formaction": "form"},
    "source": {"src": "media", "srcset": "image"},
    "video": {"src": "media", "poster": "image"},
    "audio": {"src": "media"},
    "track": {"src": "media"},
    "iframe": {"src": "iframe"},
    "frame": {"src": "iframe"},
    "embed": {"src": "embed"},
    "object": {"data": "embed"},
    "form": {"action": "form"},
    "image": {"href": "image", "xlink:href": "image"},
    "use": {"href": "image", "xlink:href": "image"},
    "feimage": {"href": "image", "xlink:href": "image"},
    "body": {"background": "image"},
    "table": {"background": "image"},
    "td": {"background": "image"},
}
LINK_REL = {
    "stylesheet": "stylesheet", "icon": "image", "apple-touch-icon": "image", "manifest": "manifest",
    "preconnect": "connection", "dns-prefetch": "connection", "preload": "resource",
    "prefetch": "resource", "modulepreload": "script", "prerender": "resource",
}
PRELOAD_AS = {"font": "font", "style": "stylesheet", "script": "script", "image": "image"}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
CSS_URL = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?(?P<import>[^"')\s;]+)|url\(\s*["']?(?P<url>[^"')]+?)["']?\s*\)""", re.I
)


@dataclass(frozen=True)
class Finding:
    offset: int  # in the scanned file when known, else -1 (placed by the needle)
    rule: str
    value: str
    kind: str  # "link", "wording", "resource", "unsafe" or "policy"
    needle: str = ""  # what to look for in the sources; "" for template-only problems


# Element ids whose presence on a written page other plugins need to know.
MARKS = ("quick-exit",)


@dataclass
class PageScan:
    findings: list[Finding] = field(default_factory=list)
    needs_cleaning: bool = False  # an outbound link kept tracking or lacks rel noopener noreferrer
    policy: str | None = None  # the Content-Security-Policy meta's content
    referrer: str | None = None
    marks: frozenset[str] = frozenset()  # which of the scanner's MARKS (element ids) the page holds
    document: bool = False  # a whole document (it has a <head>), whose policies are checked
    main_links: tuple[str, ...] = ()  # the hrefs of <main>'s links, when asked for (list pages)


ASCII_BYTES = bytes(range(128))


def non_ascii(utf8: bytes) -> str:
    """The non-ASCII characters of a text, in order, from its UTF-8: the bytes without the
    ASCII ones (every byte of a longer character is 0x80 or more, so whole characters remain).
    Native code all along, several times faster than asking the set about every character of
    a mostly ASCII page."""
    return utf8.translate(None, ASCII_BYTES).decode("utf-8", "surrogatepass")


@functools.cache
def is_format_character(character: str) -> bool:
    """Unicode category Cf: soft hyphen, zero-width space and joiners, bidi controls, word
    joiner... (asked only of the few distinct non-ASCII characters pages hold)."""
    return unicodedata.category(character) == "Cf"


def reader_text(text: str) -> str:
    """Text as the phrase rules read it: NFKC, without format characters (soft hyphen, ZWSP...)."""
    return reader_text_and_utf8(text)[0]


def reader_text_and_utf8(text: str) -> tuple[str, bytes]:
    """reader_text's text, and its UTF-8 (made on the way: the keyword tests read that)."""
    text = unicodedata.normalize("NFKC", text)
    utf8 = text.encode("utf-8", "surrogatepass")
    if text.isascii():
        return text, utf8
    found = [ord(c) for c in set(non_ascii(utf8)) if is_format_character(c)]
    if not found:
        return text, utf8
    text = text.translate(dict.fromkeys(found))
    return text, text.encode("utf-8", "surrogatepass")


# After NFKC, the one character whose lower case holds an ASCII letter (tests/test_guard.py
# checks every code point): U+0130 "İ", lower-cased to "i" and U+0307.
LOWERS_TO_ASCII = "\u0130"


def ascii_folded(text: str, utf8: bytes) -> bytes | None:
    """The text's UTF-8 with its ASCII letters in lower case, for the keyword tests, or None
    when it holds a character that str.lower turns into ASCII (then the tests use that).

    bytes.lower costs a fraction of str.lower on a page's text (which one curly quote makes
    two bytes a character), and for ASCII keywords it finds every one str.lower would: a
    keyword's letters in the lower-cased text come from the same letters in either case."""
    return None if LOWERS_TO_ASCII in text else utf8.lower()


def is_inert(name: str) -> bool:
    """An attribute that neither loads, links, runs nor styles anything (the walk tests the
    same inline, on its hot path)."""
    return name in INERT_ATTRIBUTES or name.startswith(INERT_PREFIXES)


def lowered(raw: dict[str, str | None]) -> dict[str, str]:
    """Attributes with lower-case names and "" for a value-less one."""
    return {key.lower(): (value or "") for key, value in raw.items()}


def urls_of(name: str, value: str) -> list[str]:
    if name not in ("srcset", "imagesrcset"):
        return [value.strip()]
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def start_tag(node: LexborNode) -> str:
    attrs = " ".join(name if value is None else f'{name}="{value}"'
                     for name, value in node.attributes.items())
    return f"<{node.tag}{' ' + attrs if attrs else ''}>"


def theme_scripts(theme: str | Path) -> frozenset[str]:
    """The names of our own scripts (theme/static/js/*.js): the only code a page may load."""
    folder = Path(theme) / "static" / "js"
    return frozenset(path.stem for path in folder.glob("*.js")) if folder.is_dir() else frozenset()


class PageScanner:
    """Scans one site's pages with the same rules, origin and theme scripts."""

    def __init__(self, rules: Rules, site_host: str, scripts: frozenset[str] = frozenset()) -> None:
        self.rules = rules
        self.site_host = site_host
        self.scripts = scripts
        # The lines of a page's text that may be labels (label_candidates).
        self.label_lines = label_lines_pattern(frozenset().union(*(rule.labels for rule in rules.wording)))
        # What a URL or an element is, worked out once per build: pages repeat the theme's
        # links, and a chapter is linked from many pages.
        self.links: dict[str, tuple[bool, str | None, bool]] = {}
        self.schemes: dict[str, str | None] = {}
        self.elements: dict[tuple, tuple[tuple[Finding, ...], bool]] = {}
        self.shells: dict[str, tuple[tuple[Finding, ...], bool, str] | None] = {}  # check_shell's

    def third_party(self, url: str) -> bool:
        return leaves_site(url, self.site_host)

    def same_site_refresh(self, content: str) -> bool:
        """``0; url=/new/``: an immediate refresh to a URL of this site."""
        delay, _, target = content.partition(";")
        name, equals, url = target.strip().partition("=")
        if delay.strip() != "0" or equals != "=" or name.strip().lower() != "url":
            return False
        target_url = url.strip().strip("'\"")
        parsed = parse(target_url, self.site_host) if target_url else None
        return parsed is not None and parsed.scheme in ("http", "https") and not self.third_party(target_url)

    def our_script(self, url: str) -> bool:
        """A script of our theme, as the assets plugin publishes it: /assets/js/<name>.<hash>.js."""
        parsed = parse(url, self.site_host)
        if parsed is None or self.third_party(url):
            return False
        folder, _, name = parsed.path.rpartition("/")
        stem, dot, rest = name.partition(".")
        return folder.endswith("/assets/js") and stem in self.scripts and bool(dot) \
            and re.fullmatch(r"[0-9a-f]+\.js", rest) is not None

    def scan(self, page: str | bytes, main_links: bool = False) -> PageScan:
        """One page's findings; ``page`` is its text, or its UTF-8 bytes as written (Lexbor
        reads those without the text being decoded and encoded again first)."""
        result = PageScan(document=("<head" if isinstance(page, str) else b"<head") in page)
        tree = LexborHTMLParser(page)
        # What other plugins ask of the written page, answered from this one parse: the
        # service worker never keeps a page that has the quick exit (publishing/offline.py);
        # the sitemap dates a list page by the pages its <main> links to (sitemap_dates.py).
        parts = shell_parts(tree)
        # A mark that is one of the shell's parts (the quick exit, on every page of the guide)
        # is found there; only a page without it asks the whole tree.
        result.marks = frozenset(mark for mark in MARKS if any(part.id == mark for part in parts)
                                 or tree.css_first(f"#{mark}") is not None)
        if main_links:
            result.main_links = tuple(link.attributes.get("href") or "" for link in tree.css("main a[href]"))
        for part in parts:
            self.check_shell(part, result)
        # For the visible text (found on the way): the blocks' line breaks, the hidden elements.
        blocks: list[LexborNode] = []
        hidden: list[LexborNode] = []
        if tree.root is not None:
            self.walk(tree.root, result, blocks, hidden)
        self.check_wording(tree, blocks, result, hidden)
        return result

    def walk(self, top: LexborNode, result: PageScan, blocks: list[LexborNode],
             hidden: list[LexborNode]) -> bool:
        """Check every element under ``top`` (itself included) that needs it, and list the
        blocks and hidden elements on the way; True if one of them is a STATEFUL_ELEMENT."""
        inert, block, special = INERT_ATTRIBUTES, BLOCK, SPECIAL_ELEMENTS
        stateful = False
        for node in top.traverse(include_text=False):
            name = node.tag
            if name in block:
                blocks.append(node)
            elif name in HIDDEN_TEXT:
                hidden.append(node)
            raw = node.attributes
            # Most of a page is skipped here: an element whose attributes neither load, link,
            # run nor style anything can only be wrong by its name, and no such name is
            # outside SPECIAL_ELEMENTS. Comments ("-comment") have no attributes.
            if name not in special:
                if not raw or inert.issuperset(raw):
                    continue
                for key in raw:  # a loop, not any(): this runs for most elements of a page
                    if key not in inert and not key.startswith(INERT_PREFIXES):
                        break
                else:
                    continue
                if name == "a" and self.link_within_site(raw):
                    continue  # what check_element would find for it: nothing (most links)
            elif name in STATEFUL_ELEMENTS:
                stateful = True
            self.check_element(node, name, raw, result)
        return stateful

    def check_shell(self, part: LexborNode, result: PageScan) -> None:
        """A part of the theme's shell that pages repeat (SHELL), checked once per build for
        each distinct way it is written, then left out of the page's walk.

        Its findings and its visible text are a function of its HTML (tag names, attributes and
        text all show in the serialization), so a part written the same way as one already
        checked has the same ones: the page gets them, and the part is replaced by its visible
        text, so the page's own walk and text see exactly what they saw before. A part holding a
        script or a meta, whose findings depend on the rest of the page, is left to the page, and
        so is a part that is itself hidden text (the page removes it whole)."""
        if part.tag in HIDDEN_TEXT:
            return
        written = part.html
        known = self.shells.get(written, False)
        if known is False:
            alone, blocks, hidden = PageScan(), [], []
            if self.walk(part, alone, blocks, hidden):
                known = self.shells[written] = None
            else:
                text = visible_part(part, blocks, hidden)
                known = self.shells[written] = (tuple(alone.findings), alone.needs_cleaning, text)
        if known is None:
            return  # left to the page
        findings, needs_cleaning, text = known
        result.findings.extend(findings)
        result.needs_cleaning = result.needs_cleaning or needs_cleaning
        part.replace_with(text)

    def check_element(self, node: LexborNode, name: str, raw: dict[str, str | None],
                      result: PageScan) -> None:
        """``name`` is the node's tag, which the parser has already lower-cased (every name in
        STATEFUL_ELEMENTS and SPECIAL_ELEMENTS is an HTML one, never one of SVG's mixed-case)."""
        # A meta changes the page's state only with http-equiv or as the referrer policy
        # (read_meta), and nothing it finds depends on its content but then: the page's
        # description, title and address (distinct on every page) are left out of the key.
        # A script's state is its text, which matters only without a src. An HTML element's
        # attribute names are lower case (the parser folds them).
        if name == "meta" and "http-equiv" not in raw and (raw.get("name") or "").lower() != "referrer":
            key = (name, tuple(item for item in raw.items() if item[0] != "content"))
        else:
            if name == "meta" or name == "script" and not (raw.get("src") or "").strip():
                self.element_state(node, lowered(raw), result)
            # The rest of an element's findings are a function of its name and attributes
            # alone, and pages repeat the same elements (the theme's links, links to each
            # chapter): each distinct one is judged once per build.
            key = (name, tuple(raw.items()))
        known = self.elements.get(key)
        if known is None:
            alone = PageScan()
            self.element_findings(node, raw, alone)
            known = self.elements[key] = (tuple(alone.findings), alone.needs_cleaning)
        if known[0]:
            result.findings.extend(known[0])
        if known[1]:
            result.needs_cleaning = True

    @staticmethod
    def link_within_site(raw: dict[str, str | None]) -> bool:
        """An <a> with nothing to find, told without check_element: an href the parser keeps
        on the page's origin (so no scheme to refuse and no outbound link to clean or judge)
        and no other attribute but inert ones (no rel, which may say "sponsored"). A site's
        links to its own pages, distinct on most pages, are nearly all of this kind."""
        href = None
        for key, value in raw.items():
            if key == "href":
                href = value or ""
            elif not is_inert(key):
                return False
        return href is not None and stays_on_page_origin(href)

    def evaluate_element(self, node: LexborNode, raw: dict[str, str | None], result: PageScan) -> None:
        """Everything check_element finds, worked out afresh (for tests of the memo)."""
        if node.tag.lower() in STATEFUL_ELEMENTS:
            self.element_state(node, lowered(raw), result)
        self.element_findings(node, raw, result)

    def element_state(self, node: LexborNode, attrs: dict[str, str], result: PageScan) -> None:
        """What depends on more than the attributes: an inline script's text, a meta's place."""
        if node.tag.lower() == "script":
            if not attrs.get("src", "").strip() \
                    and attrs.get("type", "").strip().lower() not in DATA_SCRIPT_TYPES:
                body = " ".join((node.text(deep=True) or "").split())[:60]
                result.findings.append(Finding(-1, "unsafe HTML <script>", f"<script>{body}", "unsafe",
                                               "<script"))
        else:
            self.read_meta(node, attrs, result)

    def element_findings(self, node: LexborNode, raw: dict[str, str | None], result: PageScan) -> None:
        name = node.tag.lower()
        attrs = lowered(raw)
        add = result.findings.append
        if name == "script":
            self.check_script_source(node, attrs, add)
        elif name in UNSAFE_ELEMENTS:
            add(Finding(-1, f"unsafe HTML <{name}>", start_tag(node), "unsafe", f"<{name}"))
        self.check_attributes(node, attrs, add)
        if name in ("a", "area") and "href" in attrs:
            self.check_link(attrs, result)
        elif name == "link":
            self.check_link_element(attrs, add)
        elif name in ANIMATIONS and attrs.get("attributename", "").lower() in ("href", "xlink:href"):
            for key in ANIMATION_VALUES:
                for url in filter(None, (v.strip() for v in attrs.get(key, "").split(";"))):
                    self.check_url_value(node, key, url, add)
        for attribute, what in FETCHED.get(name, {}).items():
            if name == "script":
                continue
            for url in urls_of(attribute, attrs.get(attribute, "")):
                if url and self.third_party(url) and not unsafe_scheme(url, self.rules):
                    add(Finding(-1, f"third-party {what}", url, "resource", url))

    def check_script_source(self, node: LexborNode, attrs: dict[str, str], add) -> None:
        """A script file must be one of our theme's (an inline script: element_state)."""
        src = attrs.get("src", "").strip()
        if src:
            if self.third_party(src):
                add(Finding(-1, "third-party script", src, "resource", src))
            elif not self.our_script(src):
                add(Finding(-1, "unsafe HTML <script>", start_tag(node), "unsafe", "<script"))

    def check_attributes(self, node: LexborNode, attrs: dict[str, str], add) -> None:
        for key, value in attrs.items():
            if (key.startswith("on") and len(key) > 2) or key in UNSAFE_ATTRIBUTES:
                add(Finding(-1, f"unsafe HTML {key}=", f'{key}="{value}"', "unsafe", f"{key}="))
            elif key in URL_ATTRIBUTES:
                for url in urls_of(key, value):
                    self.check_url_value(node, key, url, add)

    def check_url_value(self, node: LexborNode, key: str, value: str, add) -> None:
        try:
            scheme = self.schemes[value]
        except KeyError:
            scheme = self.schemes[value] = unsafe_scheme(value, self.rules)
        if scheme:
            add(Finding(-1, f"unsafe URL ({scheme}:)", value, "unsafe", value))

    def check_link(self, attrs: dict[str, str], result: PageScan) -> None:
        url = attrs["href"]
        rel = attrs.get("rel", "").lower().split()
        if "sponsored" in rel:
            result.findings.append(Finding(-1, 'rel="sponsored" link', url, "link", url))
        outbound, rule, tracked = self.link_facts(url)
        if not outbound:
            return
        if rule:
            result.findings.append(Finding(-1, rule, url, "link", url))
        if tracked or not all(token in rel for token in REL_ADDED):
            result.needs_cleaning = True

    def link_facts(self, url: str) -> tuple[bool, str | None, bool]:
        """(outbound, the link rule it breaks, whether it keeps a tracking parameter)."""
        facts = self.links.get(url)
        if facts is None:
            outbound = is_outbound(url, self.site_host)
            rule = link_rule(url, self.rules, self.site_host) if outbound else None
            parts = split(url) if outbound else None
            tracked = bool(parts and parts.query and any(
                self.rules.is_tracking(item.split("=", 1)[0]) for item in parts.query.split("&")))
            facts = self.links[url] = (outbound, rule, tracked)
        return facts

    def check_link_element(self, attrs: dict[str, str], add) -> None:
        url = attrs.get("href", "")
        if not url or not self.third_party(url):
            return
        for rel in attrs.get("rel", "").lower().split():
            what = LINK_REL.get(rel)
            if what == "resource":
                what = PRELOAD_AS.get(attrs.get("as", "").lower(), "resource")
            if what:
                add(Finding(-1, f"third-party {what}", url, "resource", url))
                return

    def read_meta(self, node: LexborNode, attrs: dict[str, str], result: PageScan) -> None:
        equiv = attrs.get("http-equiv", "").strip().lower()
        if equiv == "refresh" and node.parent is not None and node.parent.tag == "head" \
                and self.same_site_refresh(attrs.get("content", "")):
            # The redirects plugin's pages (a moved page's old address): content cannot
            # write <head>, and the target must stay on this site.
            return
        if equiv == "content-security-policy":
            # Only the first one counts, and it must be ours (checked by the caller).
            if result.policy is None:
                result.policy = attrs.get("content", "")
            else:
                result.findings.append(Finding(-1, "unsafe HTML http-equiv=", start_tag(node), "unsafe",
                                               "http-equiv"))
        elif "http-equiv" in attrs:
            result.findings.append(Finding(-1, "unsafe HTML http-equiv=", start_tag(node), "unsafe",
                                           "http-equiv"))
        elif attrs.get("name", "").lower() == "referrer":
            result.referrer = attrs.get("content", "")

    def check_wording(self, tree: LexborHTMLParser, blocks: list[LexborNode] | None,
                      result: PageScan, hidden: list[LexborNode] | None = None) -> None:
        text, utf8 = reader_text_and_utf8(visible_text(tree, blocks, hidden))
        folded = ascii_folded(text, utf8)
        low = None
        flat = None
        lines = None
        for rule in self.rules.wording:
            # Each phrase's longest word must be in the text before the flattened text is
            # worth making: a phrase in it has every one of its words in the text.
            if rule.pattern:
                if folded is not None and rule.ascii_keywords is not None:
                    found = any(word in folded for word in rule.ascii_keywords)
                else:
                    low = text.lower() if low is None else low
                    found = any(word in low for word in rule.keywords)
                if found:
                    low = text.lower() if low is None else low
                    flat = " ".join(low.split()) if flat is None else flat
                    if any(phrase in flat for phrase in rule.phrases):
                        for match in rule.pattern.finditer(text):
                            phrase = " ".join(match.group().split())
                            result.findings.append(Finding(-1, rule.rule, phrase, "wording", phrase))
            if rule.labels:
                lines = lines if lines is not None else self.label_candidates(text, folded)
                for line, label in lines:
                    if label in rule.labels:
                        result.findings.append(Finding(-1, rule.rule, line, "wording", line))

    def label_candidates(self, text: str, folded: bytes | None) -> list[tuple[str, str]]:
        """What label_candidates(text) gives for the lines that may be labels, in order: the
        others give none a rule holds. A page has hundreds of lines (the tips deck a hundred
        thousand) and a label is rare, so its lines are found by label_lines_pattern in native
        code, in the text with its ASCII letters in lower case (``folded``, decoded: the same
        characters, in the same places), and label_candidate, unchanged, has the last word."""
        if folded is None or self.label_lines is None:
            return label_candidates(text)
        candidates = []
        for match in self.label_lines.finditer("\n" + folded.decode("utf-8", "surrogatepass") + "\n"):
            # In the padded text the match runs from the line break before the line to the
            # line's end; in ``text``, one character shorter at the start, the line is this.
            line = text[match.start():match.end() - 1]
            candidate = label_candidate(line) if len(line) <= 80 else None
            if candidate is not None:
                candidates.append(candidate)
        return candidates


def shell_parts(tree: LexborHTMLParser) -> list[LexborNode]:
    """The page's SHELL parts: none holds another (each is a child of <body>, of <main> or of
    the footer's wrapper, and none of those is a part)."""
    parts = []
    body = tree.body
    for child in body.iter() if body is not None else ():
        name = child.tag
        if name in SHELL_TAGS or child.id in SHELL_IDS:
            parts.append(child)
        elif name == "main":
            parts += [part for part in child.iter()
                      if SHELL_CLASSES.intersection((part.attributes.get("class") or "").split())]
        elif name == "footer":
            parts += [part for wrapper in child.iter() for part in wrapper.iter() if part.tag == "nav"]
    return parts


BLOCK_SELECTOR = ", ".join(sorted(BLOCK))


def visible_text(tree: LexborHTMLParser, blocks: list[LexborNode] | None = None,
                 hidden: list[LexborNode] | None = None) -> str:
    """The body's text as a reader sees it, one block (paragraph, item, heading...) per line.

    Changes the tree (call it last): each block gets a line break on either side,
    and hidden elements go, so Lexbor's own text() gives the lines. ``blocks`` and
    ``hidden`` are the tree's BLOCK and HIDDEN_TEXT elements, in document order,
    when the caller has found them already (the line breaks go in before the
    hidden elements are removed, which may free blocks inside them).
    """
    body = tree.body
    if body is None:
        return ""
    if blocks is None or hidden is None:
        break_lines(body.css(BLOCK_SELECTOR), [])
        tree.strip_tags(sorted(HIDDEN_TEXT))
    else:
        break_lines(blocks, hidden)
    return body.text(deep=True, separator="").replace("\u00a0", " ")


def break_lines(blocks, hidden: list[LexborNode]) -> None:
    """A line break on either side of each block, then the hidden elements removed (the
    innermost first: each is still in the tree when it goes)."""
    for node in blocks:
        node.insert_before("\n")
        node.insert_after("\n")
    for node in reversed(hidden):
        node.decompose()


def visible_part(part: LexborNode, blocks: list[LexborNode], hidden: list[LexborNode]) -> str:
    """What visible_text gives for ``part`` where it stands (its own line breaks included when
    it is a block); ``blocks`` and ``hidden`` are its BLOCK and HIDDEN_TEXT elements, itself
    included. Changes the part (call it last)."""
    inner = [node for node in blocks if node.mem_id != part.mem_id]
    break_lines(inner, hidden)
    text = part.text(deep=True, separator="")
    return f"\n{text}\n" if len(inner) < len(blocks) else text


def label_candidates(text: str) -> list[tuple[str, str]]:
    """Short blocks as (text, lower case), for label rules (every line of the text)."""
    candidates = []
    for line in text.split("\n"):
        if len(line) <= 80:
            candidate = label_candidate(line)
            if candidate is not None:
                candidates.append(candidate)
    return candidates


@functools.cache
def label_lines_pattern(labels: frozenset[str]) -> re.Pattern[str] | None:
    """Every line label_candidate may turn into one of ``labels``, in a text whose ASCII letters
    are in lower case, with a line break added at either end (and some lines it turns into
    none). Such a line is noise or white space, the label's words with white space between,
    then noise or white space again: label_candidate strips the noise (LABEL_NOISE), and its
    split() takes every white space of SPLIT_WHITESPACE, inside and at the ends. The words are
    ASCII and lower case, so ASCII-folded text holds them as they are: after NFKC no character
    but LOWERS_TO_ASCII lower-cases to an ASCII letter (and with it there is no folded text).
    None when a label is not ASCII (every line is then a candidate)."""
    if not labels or not all(label.isascii() for label in labels):
        return None
    space = "[" + re.escape(SPLIT_WHITESPACE) + "]+"
    around = "[" + re.escape("".join(sorted((set(LABEL_NOISE) | set(SPLIT_WHITESPACE)) - {"\n"}))) + "]*"
    words = "|".join(space.join(re.escape(word) for word in label.split())
                     for label in sorted(labels, key=len, reverse=True))
    return re.compile(f"\n{around}(?:{words}){around}(?=\n)")


def label_candidate(line: str) -> tuple[str, str] | None:
    """A short line as (text, lower case) without the punctuation around it, or None."""
    line = line.strip(LABEL_NOISE)
    if line and len(line) <= 40:
        line = " ".join(line.split())
        return (line, line.lower())
    return None


def scan_css(css: str, site_host: str) -> list[Finding]:
    """Fonts, stylesheets and images a stylesheet would fetch from another origin."""
    css = CSS_COMMENT.sub(blank, css)
    fonts = [m.span() for m in CSS_FONT_FACE.finditer(css)]
    findings = []
    for match in CSS_URL.finditer(css):
        url = (match.group("import") or match.group("url")).strip()
        if not leaves_site(url, site_host):
            continue
        if match.group("import"):
            what = "stylesheet"
        elif any(begin <= match.start() < end for begin, end in fonts):
            what = "font"
        else:
            what = "image"
        findings.append(Finding(match.start(), f"third-party {what}", url, "resource", url))
    return findings

