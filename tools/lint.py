"""Check all content without touching output/: `make lint`.

    python tools/lint.py [--content content]

Runs the real build (every plugin's own checks: metadata, topics, wiki links,
tip cards, FAQ, ads and unsafe HTML, internal links) into a throw-away folder,
drafts included, and adds the checks only an editor needs to hear about:
readability per chapter (a warning below Flesch 60), FAQ answer length (60 to
200 words), images without alt text, reviews (a warning REVIEW_WARN_DAYS before
a published chapter, FAQ entry or page is due, an error once it is overdue, as
make publish would fail), registry sources no file cites (a warning) and help
lines whose "checked" date is older than the review policy (an error here, as in
make publish), and advice said twice: any run of ten or more words two files
share is an error naming both places (content_model/repetition.py). Prints one
`path:line: level: message` per problem, sorted; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

import build
from content_model import model
from content_model.readability import flesch_reading_ease, prose_of_markdown
from content_model.repetition import repeats_in
from guide_core.frontmatter import read_front_matter
from reader_safety.directory import DEFAULT_MAX_AGE_DAYS, DIRECTORY_FILE
from reader_safety.directory import load as load_directory
from review.policy import (
    REVIEW_INTERVAL_MONTHS,
    REVIEW_WARN_DAYS,
    build_today,
    due_soon_message,
    overdue_message,
    review_status,
)
from sources.registry import cited_keys, parse_registry

ROOT = Path(__file__).resolve().parent.parent

READABLE = 60


@functools.cache
def site_settings() -> dict:
    """pelicanconf.py as Pelican reads it."""
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))
FAQ_WORDS = (60, 200)
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)|<img\b(?P<attrs>[^>]*)>", re.I)


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[str] = []
        self.errors = 0
        self.formatter_ = build.EditorFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
        self.lines.append(self.formatter_.format(record))


def editor_checks(content: Path) -> list[tuple[str, int, str, str]]:
    """Readability, FAQ answer length and alt text, straight from the Markdown."""
    found = []
    for path in sorted(content.rglob("*.md")):
        kind = model.kind_of(str(path), str(content))
        text = path.read_text(encoding="utf-8")
        start = model.body_start(text)
        body = "\n".join(text.splitlines()[start - 1:])
        shown = os.path.relpath(path)
        if kind and kind.name == "chapter":
            score = flesch_reading_ease(prose_of_markdown(body))
            if score < READABLE:
                advice = "use shorter sentences and words"
                message = f"reading ease {score:.0f} is below {READABLE}: {advice}"
                found.append((shown, start, "warning", message))
        if kind and kind.name == "question":
            words = len(prose_of_markdown(body).split())
            if not FAQ_WORDS[0] <= words <= FAQ_WORDS[1]:
                low, high = FAQ_WORDS
                message = f"the answer has {words} words; keep it between {low} and {high}"
                found.append((shown, start, "error", message))
        for number, line in enumerate(text.splitlines(), 1):
            for match in IMAGE.finditer(line):
                attrs = match.group("attrs")
                if attrs is not None and not re.search(r"\balt\s*=", attrs):
                    found.append((shown, number, "error", "image without alt text (add alt=\"...\")"))
                elif attrs is None and not match.group("alt").strip():
                    found.append((shown, number, "error", "image without alt text: write it in ![...](...)"))
    found.extend(repetition_checks(content))
    return found


def shown_path(path: Path) -> str:
    """As the build prints it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def metadata_value(text: str, key: str) -> str:
    """The value of ``key`` in the leading metadata block ("" when absent), read as Pelican reads it."""
    return read_front_matter(text).value(key)


def review_checks(content: Path, today=None) -> list[tuple[str, int, str, str]]:
    """A warning when a review falls due soon, an error once it is overdue (published files only)."""
    months = site_settings().get("REVIEW_INTERVAL_MONTHS", REVIEW_INTERVAL_MONTHS)
    warn_days = site_settings().get("REVIEW_WARN_DAYS", REVIEW_WARN_DAYS)
    today = today or build_today()
    found = []
    for path in sorted(content.rglob("*.md")):
        kind = model.kind_of(str(path), str(content))
        if not kind or kind.name not in ("chapter", "question", "page"):
            continue
        text = path.read_text(encoding="utf-8")
        reviewed = model.parse_date(metadata_value(text, "reviewed"))
        if reviewed is None or metadata_value(text, "status").lower() == "draft":
            continue  # a missing or malformed date is the build's error already
        status = review_status(reviewed, months, today)
        line = model.metadata_lines(text).get("reviewed", 1)
        if status.overdue:
            found.append((shown_path(path), line, "error", overdue_message(status, months)))
        elif status.due_soon(warn_days):
            found.append((shown_path(path), line, "warning", due_soon_message(status)))
    return found


def unused_sources(content: Path) -> list[tuple[str, int, str, str]]:
    """Registry entries no chapter or FAQ entry cites: verified, yet shown nowhere."""
    registry = content / site_settings().get("SOURCES_FILE", "data/sources.toml")
    if not registry.is_file():
        return []
    sources, _ = parse_registry(registry.read_text(encoding="utf-8"))  # problems: the build reports them
    cited = set()
    for path in content.rglob("*.md"):
        cited.update(cited_keys(metadata_value(path.read_text(encoding="utf-8"), "sources")))
    return [
        (shown_path(registry), source.line, "warning",
         f'source "{key}" is not cited by any chapter or FAQ entry: cite it (Sources: {key}) or remove it')
        for key, source in sorted(sources.items()) if key not in cited
    ]


def stale_help_lines(content: Path) -> list[tuple[str, int, str, str]]:
    """Help lines checked longer ago than the review policy: a notice in a local
    build, an error here and in make publish (docs/editing.md, "The help directory")."""
    path = content / DIRECTORY_FILE
    if not path.is_file():
        return []
    settings = site_settings()
    max_age = settings.get("HELP_DIRECTORY_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)
    shown = os.path.relpath(path)
    _, problems = load_directory(path, shown, build_today(), max_age)
    return [(p.path, p.line, "error", p.message) for p in problems if p.level == "stale"]


def repetition_checks(content: Path) -> list[tuple[str, int, str, str]]:
    """One error per run of ten or more words two files share, naming both places."""
    return [(r.first, r.first_line, "error", r.message()) for r in repeats_in(content)]


def sort_key(line: str) -> tuple:
    match = re.match(r"^(.*?):(\d+): ", line)
    return (0, match.group(1), int(match.group(2)), line) if match else (1, "", 0, line)


def lint(content: Path) -> tuple[list[str], int]:
    collector = Collector()
    build.configure_logging()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(collector)
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        try:
            build.run_pelican((ROOT / "pelicanconf.py").resolve(), content, Path(tmp) / "out", drafts=True)
        except Exception:
            logging.getLogger("lint").exception("the build crashed")
    lines = list(collector.lines)
    errors = collector.errors
    for path, line, level, message in [*editor_checks(content), *review_checks(content),
                                        *unused_sources(content), *stale_help_lines(content)]:
        lines.append(f"{path}:{line}: {level}: {message}")
        errors += level == "error"
    return sorted(set(lines), key=sort_key), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    args = parser.parse_args(argv)
    lines, errors = lint(args.content)
    for line in lines:
        print(line)
    warnings = len(lines) - errors
    print(f"lint: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
