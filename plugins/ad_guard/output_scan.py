"""The rendered site as a reader's browser would meet it.

Pages are scanned with a few regular expressions rather than a full HTML
parser, because bs4 alone would take longer than a tenth of the build. The
scan looks first for what can be wrong (a URL with a scheme or ``//``, an
inline style or event handler, ``sponsored``, the policy metas, scripts and
styles) and parses only the tags around those places. The HTML is our own
templates' output, so it is well formed; Markdown sources get their own,
stricter check (source_scan.py).

Each finding carries its offset in the file (for the file's own line when no
Markdown source holds it) and a ``needle``: the URL or phrase to look for in
the Markdown sources, so errors name the file an editor has to fix.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from .links import REL_ADDED, attribute_pairs, is_outbound, link_rule, split, unsafe_scheme
from .rules import Rules

# Comments, and scripts and styles with their text (which may hold "<" that is no tag).
HIDDEN = re.compile(r"<!--.*?-->|<(?P<raw>script|style)\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=raw)\s*>",
                    re.S | re.I)
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)?>")
# Places worth a look. Each starts with a literal, which keeps the scan fast:
# an attribute value with a scheme, "//" or a character reference (which may
# hide a scheme); an inline event handler, style, ping or srcdoc; rel sponsored;
# the policy metas.
URL_VALUE = re.compile(r"""=\s*["']?\s*(?:[a-zA-Z][\w+.-]*:|//|&)""")
SUSPECT = re.compile(r" on[a-z]+=| style=| ping=| srcdoc=")
EVENT_HANDLER = re.compile(r"on[a-z]+")
LITERALS = ("sponsored", "http-equiv", 'name="referrer"')
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href")
BLOCK = (
    "address|article|aside|blockquote|br|dd|details|dialog|div|dl|dt|figcaption|figure|footer|form"
    "|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|td|th|tr|ul"
)
BLOCK_TAG = re.compile(rf"</?(?:{BLOCK})\b[^>]*>")
ANY_TAG = re.compile(r"<[^>]*>")
LABEL_NOISE = string.punctuation + string.whitespace + "\u2013\u2014\u2022\u00b7\u2026\u00a0"
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
}
LINK_REL = {
    "stylesheet": "stylesheet", "icon": "image", "apple-touch-icon": "image", "manifest": "manifest",
    "preconnect": "connection", "dns-prefetch": "connection", "preload": "resource",
    "prefetch": "resource", "modulepreload": "script",
}
PRELOAD_AS = {"font": "font", "style": "stylesheet", "script": "script", "image": "image"}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
CSS_URL = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?(?P<import>[^"')\s;]+)|url\(\s*["']?(?P<url>[^"')]+?)["']?\s*\)""", re.I
)


@dataclass(frozen=True)
class Finding:
    offset: int  # in the scanned file; -1 when unknown (wording)
    rule: str
    value: str
    kind: str  # "link", "wording", "resource", "unsafe" or "policy"
    needle: str = ""  # what to look for in the sources; "" for template-only problems


@dataclass
class PageScan:
    findings: list[Finding] = field(default_factory=list)
    needs_cleaning: bool = False  # an outbound link kept tracking or lacks rel noopener noreferrer
    policy: str | None = None  # the Content-Security-Policy meta's content
    referrer: str | None = None


def attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in attribute_pairs(text):
        found.setdefault(key, value or "")
    return found


def urls_of(name: str, value: str) -> list[str]:
    if name != "srcset":
        return [value.strip()]
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def tag_around(page: str, offset: int) -> int:
    """Where the tag holding ``offset`` starts, or -1 when the offset is in text."""
    start = page.rfind("<", 0, offset)
    return start if start >= 0 and page.find(">", start, offset) < 0 else -1


class PageScanner:
    """Scans one site's pages with the same rules and origin."""

    def __init__(self, rules: Rules, site_host: str) -> None:
        self.rules = rules
        self.site_host = site_host

    def third_party(self, url: str) -> bool:
        parts = split(url)
        return bool(parts and parts.netloc and parts.scheme.lower() in ("http", "https", "")
                    and (parts.hostname or "") != self.site_host)

    def scan(self, page: str) -> PageScan:
        result = PageScan()
        for element in HIDDEN.finditer(page):
            if element.group("raw"):
                self.raw_element(element, result)
        # Comments, scripts and styles become spaces: what they hold is no tag.
        tags = HIDDEN.sub(lambda m: " " * len(m.group()), page)
        places = {tag_around(tags, m.start()) for m in URL_VALUE.finditer(tags)}
        places.update(tag_around(tags, m.start()) for m in SUSPECT.finditer(tags))
        for literal in LITERALS:
            at = tags.find(literal)
            while at >= 0:
                places.add(tag_around(tags, at))
                at = tags.find(literal, at + 1)
        for start in sorted(places - {-1}):
            tag = START_TAG.match(tags, start)
            if tag:
                self.check_tag(start, tag.group(1).lower(), attributes(tag.group(2) or ""), result)
        self.check_wording(page, result)
        return result

    def check_tag(self, start: int, name: str, attrs: dict[str, str], result: PageScan) -> None:
        add = result.findings.append
        self.check_attributes(start, attrs, add)
        if name in ("a", "area") and "href" in attrs:
            self.check_link(start, attrs, result)
        elif name == "link":
            self.check_link_element(start, attrs, add)
        elif name == "meta":
            self.read_meta(attrs, result)
        elif name == "base":
            add(Finding(start, "unsafe HTML <base>", "<base>", "unsafe"))
        for attribute, what in FETCHED.get(name, {}).items():
            for url in urls_of(attribute, attrs.get(attribute, "")):
                if url and self.third_party(url):
                    add(Finding(start, f"third-party {what}", url, "resource", url))

    def raw_element(self, element: re.Match, result: PageScan) -> None:
        attrs = attributes(element.group("attrs"))
        start = element.start()
        self.check_attributes(start, attrs, result.findings.append)
        if element.group("raw").lower() == "style":
            result.findings.append(Finding(start, "unsafe HTML <style>", "<style>", "unsafe"))
        elif "src" in attrs:
            if self.third_party(attrs["src"]):
                result.findings.append(Finding(start, "third-party script", attrs["src"], "resource",
                                               attrs["src"]))
        elif attrs.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            body = " ".join(element.group("body").split())[:60]
            result.findings.append(Finding(start, "unsafe HTML <script>", f"<script>{body}", "unsafe"))

    def check_attributes(self, start: int, attrs: dict[str, str], add) -> None:
        for key, value in attrs.items():
            if EVENT_HANDLER.fullmatch(key) or key in ("style", "ping", "srcdoc"):
                add(Finding(start, f"unsafe HTML {key}=", f'{key}="{value}"', "unsafe"))
            elif key in URL_ATTRIBUTES:
                scheme = unsafe_scheme(value, self.rules)
                if scheme:
                    add(Finding(start, f"unsafe URL ({scheme}:)", value, "unsafe", value))

    def check_link(self, start: int, attrs: dict[str, str], result: PageScan) -> None:
        url = attrs["href"]
        rel = attrs.get("rel", "").lower().split()
        if "sponsored" in rel:
            result.findings.append(Finding(start, 'rel="sponsored" link', url, "link", url))
        if not is_outbound(url, self.site_host):
            return
        rule = link_rule(url, self.rules)
        if rule:
            result.findings.append(Finding(start, rule, url, "link", url))
        parts = split(url)
        tracked = parts and parts.query and any(
            self.rules.is_tracking(item.split("=", 1)[0]) for item in parts.query.split("&")
        )
        if tracked or not all(token in rel for token in REL_ADDED):
            result.needs_cleaning = True

    def check_link_element(self, start: int, attrs: dict[str, str], add) -> None:
        url = attrs.get("href", "")
        if not url or not self.third_party(url):
            return
        for rel in attrs.get("rel", "").lower().split():
            what = LINK_REL.get(rel)
            if what == "resource":
                what = PRELOAD_AS.get(attrs.get("as", "").lower(), "resource")
            if what:
                add(Finding(start, f"third-party {what}", url, "resource", url))
                return

    @staticmethod
    def read_meta(attrs: dict[str, str], result: PageScan) -> None:
        if attrs.get("http-equiv", "").lower() == "content-security-policy":
            result.policy = attrs.get("content", "")
        elif attrs.get("name", "").lower() == "referrer":
            result.referrer = attrs.get("content", "")

    def check_wording(self, page: str, result: PageScan) -> None:
        text = visible_text(page)
        flat = " ".join(text.lower().split())
        lines = None
        for rule in self.rules.wording:
            if rule.pattern and any(phrase in flat for phrase in rule.phrases):
                for match in rule.pattern.finditer(text):
                    phrase = " ".join(match.group().split())
                    result.findings.append(Finding(-1, rule.rule, phrase, "wording", phrase))
            if rule.labels:
                lines = lines if lines is not None else label_candidates(text)
                for line, label in lines:
                    if label in rule.labels:
                        result.findings.append(Finding(-1, rule.rule, line, "wording", line))


def visible_text(page: str) -> str:
    """The body's text, one block (paragraph, list item, heading...) per line."""
    body = page.find("<body")
    text = HIDDEN.sub("", page[max(body, 0):])
    text = BLOCK_TAG.sub("\n", text)
    return ANY_TAG.sub(" ", text).replace("&nbsp;", " ").replace("&#160;", " ")


def label_candidates(text: str) -> list[tuple[str, str]]:
    """Short blocks as (text, lower case), for label rules."""
    candidates = []
    for line in text.split("\n"):
        if len(line) > 80:
            continue
        line = line.strip(LABEL_NOISE)
        if line and len(line) <= 40:
            line = " ".join(line.split())
            candidates.append((line, line.lower()))
    return candidates


def scan_css(css: str, site_host: str) -> list[Finding]:
    """Fonts, stylesheets and images a stylesheet would fetch from another origin."""
    css = CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), css)
    fonts = [m.span() for m in CSS_FONT_FACE.finditer(css)]
    findings = []
    for match in CSS_URL.finditer(css):
        url = (match.group("import") or match.group("url")).strip()
        parts = split(url)
        if not parts or not parts.netloc or (parts.hostname or "") == site_host:
            continue
        if match.group("import"):
            what = "stylesheet"
        elif any(begin <= match.start() < end for begin, end in fonts):
            what = "font"
        else:
            what = "image"
        findings.append(Finding(match.start(), f"third-party {what}", url, "resource", url))
    return findings
