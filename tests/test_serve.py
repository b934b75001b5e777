"""The live preview (tools/serve.py) against a copy of a small site, on 127.0.0.1.

Each test starts the real preview (its worker, Pelican, the plugins, livereload's
server) on a free port, edits Markdown the way an editor does, and waits for
what the preview says or serves; nothing waits a fixed time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from preview_bench import (  # tools/: the bench and the tests reach the preview alike
    fetch,
    free_port,
    stop_group,
)

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
TIMEOUT = 60.0  # seconds for one build to be shown: far above what it takes, for a loaded machine


class Preview:
    def __init__(self, content: Path, output: Path) -> None:
        self.port = free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "serve.py"), "--content", str(content),
             "--output", str(output), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_line(self, pattern: str, since: int = 0) -> int:
        """Wait for a line matching pattern at or after line `since`; return its index."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for number in range(since, len(self.lines)):
                if re.search(pattern, self.lines[number]):
                    return number
            assert self.process.poll() is None, f"the preview stopped:\n{self.log()}"
            time.sleep(0.02)
        pytest.fail(f"no line matching {pattern!r} within {TIMEOUT:.0f} s:\n{self.log()}")

    def wait_page(self, path: str, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            page = fetch(self.url(path))
            if text in page:
                return page
            assert self.process.poll() is None, f"the preview stopped:\n{self.log()}"
            time.sleep(0.02)
        pytest.fail(f"{path} did not show {text!r} within {TIMEOUT:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        stop_group(self.process)


@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    running = Preview(content, tmp_path / "output")
    running.wait_line(r"^serving http://127\.0\.0\.1:")
    yield running, content
    running.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


CHAPTER = "/guide/first-steps/"
OPENING = "Opening words for the first chapter."


def test_an_edit_is_shown_first_then_the_whole_site_is_rebuilt(preview):
    running, content = preview
    assert OPENING in running.wait_page(CHAPTER, OPENING)
    since = len(running.lines)
    edit(content / "articles" / "first.md", OPENING, "Fresh words, written just now.")
    page = running.wait_page(CHAPTER, "Fresh words, written just now.")
    assert OPENING not in page
    # The page came from the quick pass, and the full build followed it.
    shown = running.wait_line(r"^showing /guide/first-steps/ after [\d.]+ s", since)
    running.wait_line(r"^rebuilt in [\d.]+ s", shown)
    # The full build's page is the one served now, and it still has the edit.
    assert "Fresh words, written just now." in fetch(running.url(CHAPTER))
    # A list the quick pass does not write (the contents on the home page) is right too.
    edit(content / "articles" / "first.md", "Title: First steps", "Title: First small steps")
    running.wait_page("/", "First small steps")


@pytest.mark.parametrize(("source", "path", "old", "new"), [
    ("articles/second.md", "/guide/second-steps/", "A second chapter.", "A second chapter, edited."),
    ("faq/what-is.md", "/faq/what-is/", "An answer.", "An answer, edited."),
    ("topics/trust.md", "/topics/trust/", "Trust is feeling safe", "Trust is still feeling safe"),
])
def test_the_page_shown_first_is_the_page_the_full_build_writes(preview, source, path, old, new):
    """The quick pass stubs or skips other files: what it shows must still be the final page."""
    running, content = preview
    running.wait_page(path, old)
    since = len(running.lines)
    edit(content / source, old, new)
    shown = running.wait_line(r"^showing " + re.escape(path) + r" after", since)
    first = fetch(running.url(path))
    running.wait_line(r"^rebuilt in [\d.]+ s", shown)
    assert new in first
    assert first == fetch(running.url(path))


def test_a_broken_file_is_reported_and_the_last_good_page_stays(preview):
    running, content = preview
    chapter = content / "articles" / "first.md"
    running.wait_page(CHAPTER, OPENING)
    since = len(running.lines)
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace("Reviewed: 2026-01-10", "Reviewed: soon").replace(OPENING, "Words that must wait."),
        encoding="utf-8",
    )
    running.wait_line(re.escape(f"{chapter}:7: error: ") + r"Reviewed \"soon\" is not a date", since)
    running.wait_line(r"^the last good build is still being served", since)
    page = fetch(running.url(CHAPTER))
    assert OPENING in page and "Words that must wait." not in page
    # Fixed: the page comes back with the new words.
    edit(chapter, "Reviewed: soon", "Reviewed: 2026-01-10")
    running.wait_page(CHAPTER, "Words that must wait.")


def test_a_broken_file_still_fails_when_the_reader_cache_is_warm(preview):
    """The reader cache must not hide a file's problems: a cached read skips the reader's logs."""
    running, content = preview
    broken = content / "articles" / "second.md"
    running.wait_page(CHAPTER, OPENING)
    since = len(running.lines)
    good = broken.read_text(encoding="utf-8")
    reviewed = re.search(r"^Reviewed: .*$", good, re.M)[0]
    edit(broken, reviewed, "Reviewed: soon")
    error = re.escape(f"{broken}:7: error: ") + r"Reviewed \"soon\" is not a date"
    first = running.wait_line(error, since)
    running.wait_line(r"^the last good build is still being served", first)
    # Another file changes, twice: each time the quick pass shows it, and the full build
    # reads second.md again, fails on it and takes the quick page back. The first full
    # build is the one that would have cached the broken file; the second would have
    # passed on that cached read.
    for words in ("Words shown for a moment.", "Words shown for another moment."):
        since = len(running.lines)
        edit(content / "articles" / "first.md", OPENING, words)
        running.wait_line(r"^showing /guide/first-steps/", since)
        again = running.wait_line(error, since)
        running.wait_line(r"^took back the quick preview of /guide/first-steps/", again)
        running.wait_line(r"^the last good build is still being served", again)
        page = fetch(running.url(CHAPTER))
        assert OPENING in page and words not in page
        edit(content / "articles" / "first.md", words, OPENING)
    edit(content / "articles" / "first.md", OPENING, "Words shown for a moment.")
    # Fixing second.md brings in both edits.
    edit(broken, "Reviewed: soon", reviewed)
    running.wait_page(CHAPTER, "Words shown for a moment.")
