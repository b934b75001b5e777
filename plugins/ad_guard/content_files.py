"""What may be in content/: Markdown, editor data, and checked images. Nothing else is published.

Checked at ``initialized``, before Pelican reads or copies anything:

- a symbolic link anywhere under content/, or anything whose real path is
  outside content/, is an error (Pelican's static generator would follow it
  and publish whatever it points to: /etc/passwd, .git);
- the text folders (articles, pages, faq, topics) hold Markdown only: any
  other file is an error naming it (Pelican's HTML and reStructuredText
  readers are switched off too, see pelicanconf.py ``READERS``);
- ``content/data/*.toml`` is editor data (sources, help lines);
- ``content/extra/CNAME`` is one host name;
- the static folders (``STATIC_PATHS``) hold images, judged by their bytes
  (PNG, JPEG, WebP, AVIF, GIF), and SVG that has no script, no event
  handler, no foreign object and no reference outside itself; .html, .js and
  .css files there are refused by name, since the site's own origin is what
  the Content-Security-Policy trusts.

Every problem is logged as ``path:1: message`` and fails the build.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

from defusedxml import ElementTree as SafeTree

logger = logging.getLogger(__name__)

TEXT_FOLDERS_DEFAULT = ("articles", "pages", "faq", "topics")
DATA_FOLDER = "data"
EXTRA_FOLDER = "extra"
CODE_SUFFIXES = {".html", ".htm", ".xhtml", ".js", ".mjs", ".css", ".php", ".svgz", ".xml", ".shtml"}
HOSTNAME = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
SVG_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
SVG_HREF = {"href", "{http://www.w3.org/1999/xlink}href"}


def display(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def image_type(head: bytes) -> str | None:
    """The image format of a file from its first bytes (its "magic number"), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "avif"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG file may not be published, or None when it is a plain picture."""
    try:
        root = SafeTree.fromstring(data)
    except Exception as error:  # defusedxml refuses DTDs and entities; anything unparsable is refused
        return f"not a plain SVG file ({error.__class__.__name__})"
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in SVG_FORBIDDEN:
            return f"an SVG with <{tag}>"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"an SVG with an event handler ({local}=)"
            if name in SVG_HREF or local == "href":
                if not value.strip().startswith("#"):
                    return f"an SVG that refers to another file ({value.strip()[:60]})"
            if "url(" in value.replace(" ", "").lower() and "url(#" not in value.replace(" ", "").lower():
                return "an SVG that loads another file through url()"
            if tag in ("set", "animate") and local == "attributename" and value.lower().endswith("href"):
                return "an SVG that animates a link"
        if tag == "style" and element.text and ("url(" in element.text or "@import" in element.text):
            return "an SVG whose style loads another file"
    return None


def walk(root: Path) -> Iterator[tuple[Path, bool]]:
    """Every entry under root as (path, whether it is a symbolic link), in name order; links are
    never followed, and hidden entries (which Pelican ignores) are skipped. The answer comes
    from the directory listing itself (``os.scandir``), not from one more system call a file."""
    folders = [root]
    while folders:
        here = folders.pop()
        with os.scandir(here) as listing:
            entries = sorted((entry for entry in listing if not entry.name.startswith(".")),
                             key=lambda entry: entry.name)
        below = []
        for entry in entries:
            link = entry.is_symlink()
            if not link and entry.is_dir(follow_symlinks=False):
                below.append(here / entry.name)
            else:
                yield here / entry.name, link
        folders.extend(reversed(below))


def problems(settings: dict) -> list[tuple[Path, str]]:
    """(path, message) for every file under the content folder that may not be there."""
    root = Path(settings["PATH"]).resolve()
    if not root.is_dir():
        return []
    text_folders = {*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", []),
                    *settings.get("TOPIC_PATHS", ["topics"]), "faq"} or set(TEXT_FOLDERS_DEFAULT)
    static_folders = set(settings.get("STATIC_PATHS", []))
    found: list[tuple[Path, str]] = []
    # The walk starts at the resolved folder and never follows a link, and every link is
    # refused here: so each other entry's real path is its own path, inside the folder.
    for path, link in walk(root):
        if link:
            found.append((path, "a symbolic link: content must be real files inside the content folder "
                                "(links are never followed or published)"))
            continue
        relative = path.relative_to(root)
        top = relative.parts[0] if len(relative.parts) > 1 else ""
        message = file_problem(path, relative, top, text_folders, static_folders)
        if message:
            found.append((path, message))
    return found


def file_problem(path: Path, relative: Path, top: str, text_folders: set[str],
                 static_folders: set[str]) -> str | None:
    suffix = path.suffix.lower()
    if top in static_folders:
        return static_problem(path, suffix)
    if top in text_folders:
        if suffix == ".md":
            return None
        return (f"only Markdown (.md) files belong in {top}/: this {suffix or 'file'} is not read or "
                "published; convert it to Markdown or remove it")
    if top == DATA_FOLDER:
        if suffix == ".toml" and len(relative.parts) == 2:
            return None
        return "content/data/ holds editor data as .toml files only"
    if top == EXTRA_FOLDER:
        if relative.parts[1:] == ("CNAME",):
            return cname_problem(path)
        return "content/extra/ holds only CNAME"
    if suffix == ".md" and not top:
        return "a Markdown file outside the content folders (articles, pages, faq, topics) is never read"
    return "not part of the content model: Markdown goes in articles/, pages/, faq/ or topics/, " \
           "images in images/, data in data/*.toml"


def static_problem(path: Path, suffix: str) -> str | None:
    if suffix in CODE_SUFFIXES:
        return f"{suffix} files may not be published from a static folder (the site's origin is trusted " \
               "to run code); only images belong here"
    with path.open("rb") as handle:
        head = handle.read(32)
    if suffix == ".svg":
        problem = svg_problem(path.read_bytes())
        return f"{problem}: only plain SVG pictures may be published" if problem else None
    kind = image_type(head)
    if kind is None:
        return "not an image (PNG, JPEG, WebP, AVIF, GIF or plain SVG), judged by its contents"
    expected = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp",
                ".avif": "avif"}.get(suffix)
    if expected != kind:
        return f"a {kind.upper()} image named {path.name}: the name must end in the type's own suffix"
    return None


def cname_problem(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii")
    except (UnicodeDecodeError, OSError):
        return "CNAME must hold one host name (letters, digits, hyphens and dots)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or not HOSTNAME.match(lines[0]):
        shown = lines[0][:60] if lines else ""
        return f'CNAME must hold one host name, like guide.example.org, not "{shown}"'
    return None


def check_content_files(settings: dict) -> int:
    """Log every problem as ``path:1: message``; the number of problems."""
    found = problems(settings)
    for path, message in found:
        logger.error("%s:1: %s", display(path), message)
    return len(found)
