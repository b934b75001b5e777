"""One build's guard: clean links as content is read, check everything at the end.

The signal handlers in __init__.py call these functions. State lives in one
``Guard`` per build (Pelican runs one build per process in tools/build.py,
but tests may run several in one process, so ``initialized`` starts afresh).

Errors name the Markdown file and line an editor has to fix, found by looking
for the offending URL or phrase in the sources (the page's own source first);
only what no source holds (a template, a theme file) is reported against the
output file.
"""

from __future__ import annotations

import fnmatch
import logging
import multiprocessing
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from guide_core import ahead
from guide_core.problems import blank, display_path
from pelican.contents import Content

from . import headers
from .content_files import check_content_files
from .links import clean_links
from .output_scan import Finding, PageScan, PageScanner, reader_text, scan_css, theme_scripts
from .rules import AllowEntry, Rules, load_rules, read_allowlist

COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)

logger = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
ALLOWABLE = ("link", "wording")  # kinds of finding AD_GUARD_ALLOW may let through


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    value: str


@dataclass
class Guard:
    rules: Rules
    allow: list[AllowEntry]
    site_host: str
    policy: str
    scripts: frozenset[str] = frozenset()  # our theme's script names (theme/static/js)
    contents: list[Content] = field(default_factory=list)  # every content object of the build
    link_tags: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # clean_links' memo


_guard: Guard | None = None


def start(pelican) -> None:
    """Read and check the settings once, before anything is read or written."""
    global _guard
    settings = pelican.settings
    allow, problems = read_allowlist(settings.get("AD_GUARD_ALLOW"))
    policy = settings.get(headers.SETTING)
    problems += headers.problems_with(policy)
    for problem in problems:
        logger.error("%s", problem)
    check_content_files(settings)
    if isinstance(policy, str) and settings.get("PREVIEW_DRAFTS"):
        settings[headers.SETTING] = headers.preview_policy(policy)
        logger.info("preview: the Content-Security-Policy lets livereload's reload script run")
    _guard = Guard(
        rules=load_rules(),
        allow=allow,
        site_host=urlsplit(settings.get("SITEURL") or "").hostname or "",
        policy=settings.get(headers.SETTING) or "",
        scripts=theme_scripts(settings.get("THEME", "theme")),
    )


def clean_content(instance: Content) -> None:
    """Strip tracking parameters and add rel noopener noreferrer in a content object's HTML.

    Every HTML value on the object is cleaned (the body, the summary,
    ``Sources``...), before any generator, template or plugin uses it.
    """
    if _guard is None:
        return
    _guard.contents.append(instance)
    for holder in (instance.__dict__, instance.metadata):
        for key, value in list(holder.items()):
            if not may_link_out(value):
                continue  # most values: not text, or text without an outbound link
            cleaned = clean_value(value, instance)
            if cleaned is not value:
                holder[key] = cleaned


def source_name(instance: Content) -> str:
    return display_path(instance.source_path) if instance.source_path else str(instance)


def may_link_out(value) -> bool:
    """False for a value clean_value returns as it is: text without "//" (clean_links' own
    first test), or anything but text and lists of text (whose lists are looked into)."""
    if isinstance(value, str):
        return "//" in value
    if not isinstance(value, list):
        return False
    texts = [item for item in value if isinstance(item, str)]
    return any("//" in text for text in texts) or bool(texts) and any(
        isinstance(item, list) for item in value)


def clean_value(value, instance: Content):
    """The value with its outbound links cleaned (the same object when nothing changed)."""
    if not may_link_out(value):
        return value
    if isinstance(value, str):
        cleaning = clean_links(value, _guard.rules, _guard.site_host, _guard.link_tags)
        for url, removed in cleaning.removed:
            logger.info("%s: removed tracking parameter(s) %s from %s",
                        source_name(instance), ", ".join(removed), url)
        return cleaning.html if cleaning.changed else value
    cleaned = [clean_value(item, instance) for item in value]
    return cleaned if any(a is not b for a, b in zip(cleaned, value)) else value


def written_by(contents: list[Content], output: str) -> dict[str, Content]:
    """The content object each page comes from, by output file: every object has its place
    (``save_as``, worked out by Pelican on each use: asked once) when the pages are checked."""
    found = {}
    for content in contents:
        save_as = content.save_as if content.source_path else ""
        if save_as:
            found[os.path.normpath(os.path.join(output, save_as))] = content
    return found


def files_under(folder: Path, *suffixes: str) -> list[list[Path]]:
    """For each suffix, every file under folder whose name ends with it, in Path order: one
    walk for all of them (pathlib's rglob costs several times more for a site's thousands
    of pages, and the output has as many folders)."""
    found: list[list[Path]] = [[] for _ in suffixes]
    for parent, _folders, names in os.walk(folder):
        for name in names:
            for index, suffix in enumerate(suffixes):
                if name.endswith(suffix):
                    found[index].append(Path(parent, name))
                    break
    return [sorted(files) for files in found]


def check_site(pelican) -> None:
    """Check the sources and the whole output; log one error per problem; write _headers."""
    if _guard is None:
        return
    settings = pelican.settings
    # The sources are read only to place findings (most builds have none).
    # Comments are not rendered: a URL or phrase in one is not where a page got it.
    # Wording is placed in the text as the rules read it (reader_text keeps line breaks).
    rendered = Sources(lambda: {path: reader_text(COMMENT.sub(blank, text)) for path, text in
                                read_sources(settings["PATH"], settings.get("IGNORE_FILES", [])).items()})
    report = Report(rendered, _guard.allow)
    output = Path(settings["OUTPUT_PATH"])
    pages, stylesheets = files_under(output, ".html", ".css")
    scanner = PageScanner(_guard.rules, _guard.site_host, _guard.scripts)
    # For later plugins, by output file (relative, "/"-separated): the MARKS each page holds,
    # and the links of the <main> of each page no content object wrote (the list pages).
    pelican.page_marks, pelican.page_links = {}, {}
    contents = written_by(_guard.contents, settings["OUTPUT_PATH"])
    owners = [contents.get(os.path.normpath(page)) for page in pages]
    listing = [owner is None for owner in owners]
    scans = scan_pages(list(zip(pages, listing)), scanner, settings.get("BUILD_PROCESSES") or 0)
    prefix = len(str(output)) + 1  # every page is under output: its name relative to it, cheaply
    for page, owner, scan in zip(pages, owners, scans):
        check_page(page, output, scan, report, owner)
        name = str(page)[prefix:].replace(os.sep, "/")
        pelican.page_marks[name] = scan.marks
        if owner is None:
            pelican.page_links[name] = scan.main_links
    theme_css = Sources(lambda: read_sources(Path(settings["THEME"]) / "static", [], (".css",)))
    for stylesheet in stylesheets:
        css = stylesheet.read_text(encoding="utf-8", errors="replace")
        report.add_output(scan_css(css, _guard.site_host), stylesheet, output, css, None, theme_css)
    for problem in report.problems():
        logger.error("%s:%d: %s: %s", problem.path, problem.line, problem.rule, problem.value)
    headers.write_headers(settings["OUTPUT_PATH"], _guard.policy)
    logger.info("ad_guard: checked %d pages and %d stylesheets", len(pages), len(stylesheets))


# Below this many pages a pool costs more than it saves (the tests' small sites).
POOL_MIN_PAGES = 100
_pool_scanner: list = [None]  # the scanner the workers use: set before the fork, never pickled


def scan_pages(pages: list[tuple[Path, bool]], scanner: PageScanner, processes: int) -> Iterator[PageScan]:
    """Each page's scan (with its <main>'s links when its flag is set), in order: on every core
    (``BUILD_PROCESSES``, 0 for one per core) when there are many pages. Each page is scanned
    alone, so the scans are the same either way."""
    processes = ahead.processes(processes)
    if processes < 2 or len(pages) < POOL_MIN_PAGES:
        for page in pages:
            yield scan_file(page, scanner)
        return
    _pool_scanner[0] = scanner
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(_scan_in_worker, pages, chunksize=16)
    _pool_scanner[0] = None


def _scan_in_worker(page: tuple[Path, bool]) -> PageScan:
    return scan_file(page, _pool_scanner[0])


def scan_file(page: tuple[Path, bool], scanner: PageScanner) -> PageScan:
    path, main_links = page
    return scanner.scan(path.read_bytes(), main_links)  # Pelican writes every page as UTF-8


def check_page(page: Path, output: Path, scan: PageScan, report: Report, owner: Content | None) -> PageScan:
    """Act on a written page's scan: clean its outbound links if they need it, check its
    policies and report what was found (``owner``: the content object the page comes from)."""
    html = ""
    if scan.needs_cleaning:
        # Something other than a content object (a template, another plugin)
        # wrote an outbound link: clean the written file itself.
        html = page.read_text(encoding="utf-8", errors="replace")
        cleaning = clean_links(html, _guard.rules, _guard.site_host, _guard.link_tags)
        for url, removed in cleaning.removed:
            logger.info("%s: removed tracking parameter(s) %s from %s",
                        output_name(page, output), ", ".join(removed), url)
        if cleaning.changed:
            html = cleaning.html
            page.write_text(html, encoding="utf-8")
    findings = list(scan.findings)
    if scan.document:
        if scan.policy is None:
            findings.append(Finding(0, "missing Content-Security-Policy meta", "base.html", "policy"))
        elif scan.policy != _guard.policy:
            findings.append(Finding(0, f"Content-Security-Policy differs from {headers.SETTING}",
                                    scan.policy, "policy"))
        if scan.referrer != headers.REFERRER_POLICY:
            findings.append(Finding(0, "referrer policy is not no-referrer", scan.referrer or "missing",
                                    "policy"))
    if findings:
        html = html or page.read_text(encoding="utf-8", errors="replace")  # to place them
        own = display_path(owner.source_path) if owner is not None else None
        report.add_output(findings, page, output, html, own, report.sources)
    return scan


def output_name(file: Path, output: Path) -> str:
    """An output file as the editor knows it: under output/, not the build's temporary folder.

    tools/build.py builds into ``<output>.tmp-<pid>`` and renames it on success.
    """
    folder = re.sub(r"\.tmp-\d+$", "", output.name)
    return display_path(output.with_name(folder) / file.relative_to(output))


def read_sources(root: str | Path, ignore: list[str], suffixes=MARKDOWN_EXTENSIONS) -> dict[str, str]:
    """Every file with these suffixes under root, by display path (hidden and ignored ones skipped)."""
    found = {}
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            relative = os.path.relpath(os.path.join(folder, name), root)
            if not name.endswith(suffixes) or name.startswith(".") \
                    or any(fnmatch.fnmatch(relative, pattern) for pattern in ignore):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                found[display_path(os.path.join(folder, name))] = handle.read()
    return found


class Sources(Mapping[str, str]):
    """Source texts by display path, read the first time a finding needs placing."""

    def __init__(self, load: Callable[[], dict[str, str]]) -> None:
        self.load = load
        self.texts: dict[str, str] | None = None

    def loaded(self) -> dict[str, str]:
        if self.texts is None:
            self.texts = self.load()
        return self.texts

    def __getitem__(self, path: str) -> str:
        return self.loaded()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.loaded())

    def __len__(self) -> int:
        return len(self.loaded())


class Report:
    """Findings in the output, each placed in the file to fix, once."""

    def __init__(self, sources: Mapping[str, str], allow: list[AllowEntry]) -> None:
        self.sources = sources
        self.allow = allow
        self.found: set[Problem] = set()
        self.wording: dict[tuple[str, int, str], set[str]] = defaultdict(set)

    def add_output(self, findings: list[Finding], file: Path, output: Path, text: str,
                   own: str | None, sources: Mapping[str, str]) -> None:
        for finding in findings:
            if finding.kind in ALLOWABLE and any(entry.allows(finding.value) for entry in self.allow):
                continue
            # Unsafe HTML in content never reaches a page (the sanitizer refused it and
            # named its line); what the scan finds came from a template or a plugin.
            places = self.place(finding, own, sources) if finding.kind != "unsafe" else []
            if not places:
                places = [(output_name(file, output), line_in_output(finding, text))]
            for path, line in places:
                if finding.kind == "wording":
                    self.wording[(path, line, finding.rule)].add(finding.value)
                else:
                    self.found.add(Problem(path, line, finding.rule, finding.value))

    def place(self, finding: Finding, own: str | None,
              sources: Mapping[str, str]) -> list[tuple[str, int]]:
        """Every (source, line) holding the finding: the page's own source first, else any source."""
        if not finding.needle:
            return []
        if own in sources:
            lines = lines_with(finding, sources[own])
            if lines:
                return [(own, line) for line in lines]
        return [(path, line) for path, text in sources.items() if path != own
                for line in lines_with(finding, text)]

    def problems(self) -> list[Problem]:
        """Sorted; the wording found on one line is one problem quoting every phrase once."""
        merged = []
        for (path, line, rule), values in self.wording.items():
            text = self.sources.get(path, "")
            written = text.splitlines()[line - 1] if 0 < line <= text.count("\n") + 1 else ""
            phrases: dict[str, str] = {}
            for value in sorted(values):  # the spelling of the source line wins
                if value.lower() not in phrases or value in written:
                    phrases[value.lower()] = value
            merged.append(Problem(path, line, rule, ", ".join(
                f'"{phrases[key]}"' for key in sorted(phrases))))
        return sorted([*self.found, *merged])


def lines_with(finding: Finding, text: str) -> list[int]:
    """Lines of a source where the finding's URL or phrase appears."""
    if finding.kind == "wording":
        # Markdown may put white space, emphasis or inline HTML between the words.
        words = r"(?:[\s*_~`]|<[^>\n]*>)+".join(re.escape(word) for word in finding.needle.split())
        label = re.compile(rf"^[^\w\n]*{words}[^\w\n]*$", re.I | re.M)
        pattern = label if label.search(text) else re.compile(rf"\b{words}\b", re.I)
        offsets = [m.start() for m in pattern.finditer(text)]
    else:
        needle = reader_text(finding.needle)  # the sources are searched as the rules read them
        offsets = all_offsets(text, needle) or all_offsets(text, needle.replace("&", "&amp;"))
        if not offsets and "?" in needle:
            offsets = all_offsets(text, needle.split("?", 1)[0] + "?")
    return sorted({text.count("\n", 0, offset) + 1 for offset in offsets})


def all_offsets(text: str, needle: str) -> list[int]:
    offsets, start = [], text.find(needle)
    while needle and start >= 0:
        offsets.append(start)
        start = text.find(needle, start + 1)
    return offsets


def line_in_output(finding: Finding, text: str) -> int:
    if finding.offset >= 0:
        return text.count("\n", 0, finding.offset) + 1
    if finding.kind != "wording" and finding.needle:
        at = text.find(finding.needle)
        if at < 0:
            at = text.lower().find(finding.needle.lower())
        return text.count("\n", 0, at) + 1 if at >= 0 else 1
    body = text.find("<body")
    first_word = finding.needle.split()[0] if finding.needle.split() else ""
    match = re.compile(rf"\b{re.escape(first_word)}\b", re.I).search(text, max(body, 0))
    return text.count("\n", 0, match.start()) + 1 if match else 1
