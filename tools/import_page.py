"""Turn a saved web page the editor owns into a Markdown draft chapter.

    python tools/import_page.py saved-page.html [--content content] [--title "..."]

Keeps the main text with its headings, lists, emphasis and ordinary links;
removes scripts, ads, affiliate disclaimers and links, share/"Save" buttons,
newsletter forms, comment sections and "Latest posts" lists (bs4), then
converts what is left with markdownify. The draft gets every required field
(Status: draft), and a summary of what was removed is printed. An existing
file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Comment, Tag
from markdownify import markdownify
from scaffold import fields

ROOT = Path(__file__).resolve().parent.parent

# Elements that are never part of an article's text.
NEVER = ["script", "style", "noscript", "iframe", "object", "embed", "form", "input", "button",
         "select", "textarea", "svg", "canvas", "video", "audio", "nav", "header", "footer", "aside",
         "figure", "img", "picture", "link", "meta"]
# Class/id words that mark page furniture, ads and widgets (matched as whole words).
FURNITURE = re.compile(
    r"(?:^|[-_\s])(ads?|advert\w*|sponsor\w*|affiliate\w*|promo\w*|banner|share\w*|sharing|social|"
    r"save|pin|newsletter|subscribe|subscription|signup|comments?|respond|reply|related|latest|"
    r"recent|popular|sidebar|widget|author|bio|byline|breadcrumbs?|toc|table-of-contents|"
    r"disclaimer|disclosure|cookie|consent|popup|modal)(?:$|[-_\s])",
    re.I,
)
# Whole blocks whose text is one of these is furniture too.
FURNITURE_TEXT = re.compile(
    r"^\s*(?:advertisement|sponsored|save|share( via)?|copy link|pin it|tweet|email|print|"
    r"latest posts|related posts|you may also like|read more|leave a (?:comment|reply)|"
    r"subscribe\b.*|sign up\b.*|join our newsletter\b.*|table of contents)\s*$",
    re.I,
)
AFFILIATE_TEXT = re.compile(
    r"affiliate|commission|as an amazon associate|paid partnership|sponsored (?:post|content)|"
    r"we may earn|at no (?:extra|additional) cost to you",
    re.I,
)
AFFILIATE_HOST = re.compile(r"(^|\.)(amazon\.[a-z.]+|amzn\.to|shareasale\.com|awin1\.com|"
                            r"linksynergy\.com|anrdoezrs\.net|dpbolvw\.net|jdoqocy\.com|kqzyfj\.com|"
                            r"tkqlhce\.com|go\.skimresources\.com|redirect\.viglink\.com|"
                            r"hop\.clickbank\.net|prf\.hn|sjv\.io)$", re.I)
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_eid|mc_cid|_hsenc|_hsmi|igshid|yclid)$",
                      re.I)


def main_element(soup: BeautifulSoup) -> Tag:
    """The element that holds the article: <article>, <main>, or the body."""
    for selector in ("article", "main", "[role=main]", "#content", ".post", ".entry-content"):
        found = soup.select_one(selector)
        if found:
            return found
    return soup.body or soup


def is_affiliate(href: str) -> bool:
    parts = urlsplit(href)
    return bool(AFFILIATE_HOST.search(parts.hostname or "")) or "tag=" in parts.query or "/ref=" in parts.path


def clean_url(href: str) -> str:
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def strip(soup: BeautifulSoup) -> tuple[Tag, Counter]:
    removed: Counter = Counter()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    root = main_element(soup)
    if root is not soup.body and root is not soup:
        removed["everything outside the article (header, footer, sidebars, comments)"] += 1
    for element in root.find_all(NEVER):
        if element.decomposed:
            continue
        label = {"form": "newsletter/sign-up form", "iframe": "embedded frame", "script": "script",
                 "aside": "sidebar/aside", "button": "button"}.get(element.name, f"<{element.name}>")
        removed[label] += 1
        element.decompose()
    for element in list(root.find_all(True)):
        if element.decomposed:
            continue
        marker = " ".join([*element.get("class", []), element.get("id", "")])
        if marker.strip() and FURNITURE.search(marker):
            removed[f"block marked '{FURNITURE.search(marker).group(1).lower()}'"] += 1
            element.decompose()
    for element in list(root.find_all(["p", "div", "li", "span", "h2", "h3", "h4", "section"])):
        if element.decomposed:
            continue
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if FURNITURE_TEXT.match(text):
            removed[f"'{text[:30]}'"] += 1
            element.decompose()
        elif AFFILIATE_TEXT.search(text) and len(text) < 400 and element.name in ("p", "div", "li", "span"):
            removed["affiliate or ad disclaimer"] += 1
            element.decompose()
        elif element.name in ("h2", "h3", "h4") and re.match(r"(latest|related|recent) posts", text, re.I):
            # A "Latest posts" heading takes the list after it along.
            sibling = element.find_next_sibling()
            if sibling is not None and sibling.name in ("ul", "ol"):
                sibling.decompose()
            removed["'Latest posts' list"] += 1
            element.decompose()
    for link in root.find_all("a"):
        href = link.get("href", "")
        if not href or is_affiliate(href) or href.startswith(("javascript:", "#")):
            if href and is_affiliate(href):
                removed["affiliate link (text kept)"] += 1
            link.unwrap()
        else:
            cleaned = clean_url(href)
            if cleaned != href:
                removed["tracking parameters"] += 1
            link.attrs = {"href": cleaned}
    return root, removed


def to_markdown(root: Tag) -> str:
    for heading in root.find_all("h1"):
        heading.decompose()  # the title becomes metadata
    markdown = markdownify(str(root), heading_style="ATX", bullets="-", strip=["span", "div", "section"])
    markdown = re.sub(r"^(#{1,6}) ", lambda m: "#" * max(2, len(m.group(1))) + " ", markdown, flags=re.M)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def page_title(soup: BeautifulSoup) -> str:
    heading = soup.find("h1")
    if heading and heading.get_text(strip=True):
        return heading.get_text(" ", strip=True)
    if soup.title and soup.title.get_text(strip=True):
        return re.split(r"\s[|–-]\s", soup.title.get_text(" ", strip=True))[0]
    return "Imported page"


def import_page(source: Path, content: Path, title: str | None = None) -> tuple[Path, Counter]:
    soup = BeautifulSoup(source.read_text(encoding="utf-8", errors="replace"), "html.parser")
    title = title or page_title(soup)
    root, removed = strip(soup)
    body = to_markdown(root)
    values = fields("article", title, content)
    path = content / "articles" / f"{values['slug']}.md"
    if path.exists():
        raise SystemExit(f"import: {os.path.relpath(path)} already exists; nothing was written")
    header = (
        f"Title: {values['title']}\nSlug: {values['slug']}\n"
        "Summary: One plain sentence that says what this chapter gives the reader.\n"
        f"Topics: {values['topic']}\nOrder: {values['order']}\nPart: {values['part']}\n"
        f"Reviewed: {datetime.date.today().isoformat()}\nStatus: draft\n\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(header + body)
    return path, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--title")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"import: {args.source}: no such file", file=sys.stderr)
        return 2
    path, removed = import_page(args.source, args.content, args.title)
    print(f"created {os.path.relpath(path)} (Status: draft)")
    if removed:
        print("removed:")
        for what, count in sorted(removed.items()):
            print(f"  {count} x {what}")
    print("next: check the text is yours to publish, rewrite it in plain words, add tip cards and topics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
