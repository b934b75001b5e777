"""Edit a chapter, time until the live preview serves the change. A measurement, not a test.

    python tools/preview_bench.py [--content content] [--edits 3] [--serve tools/serve.py]

Copies CONTENT into a temporary folder, starts the preview (tools/serve.py, or
another copy of it with --serve, e.g. an older checkout's, to compare) on a free
127.0.0.1 port, waits for its first build, then EDITS times: appends a new
sentence to a chapter and polls that chapter's URL until the sentence is
served. Prints the seconds from the save to the first response that holds it,
and the time until the full rebuild after it is done (when the preview says so).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


class Preview:
    """serve.py in a process group of its own, its output collected line by line."""

    def __init__(self, serve: Path, content: Path, output: Path, port: int) -> None:
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(
            [sys.executable, str(serve), "--content", str(content), "--output", str(output),
             "--port", str(port)],
            cwd=serve.parent.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern: str, since: int, timeout: float) -> tuple[float, str] | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for when, line in self.lines[since:]:
                if re.search(pattern, line):
                    return when, line
            if self.process.poll() is not None:
                return None
            time.sleep(0.02)
        return None

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a preview started in its own process group (SIGTERM, then SIGKILL after 10 s)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def chapter(content: Path) -> tuple[Path, str]:
    for path in sorted((content / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        slug = re.search(r"^Slug:\s*(\S+)", text, re.M)
        if slug and not re.search(r"^Status:\s*draft", text, re.M | re.I):
            return path, slug[1]
    raise SystemExit(f"{content}/articles: no published chapter with a Slug")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=ROOT / "content", type=Path)
    parser.add_argument("--serve", default=ROOT / "tools" / "serve.py", type=Path)
    parser.add_argument("--edits", default=3, type=int)
    parser.add_argument("--timeout", default=300.0, type=float, help="seconds to wait for one change")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    content, output = work / "content", work / "output"
    shutil.copytree(args.content, content)
    port = free_port()
    preview = Preview(args.serve.resolve(), content, output, port)
    try:
        started = time.perf_counter()
        if not preview.wait_for(r"^serving http", 0, args.timeout):
            print("\n".join(line for _, line in preview.lines), file=sys.stderr)
            raise SystemExit("the preview did not start")
        print(f"{args.content}: first build and serve in {time.perf_counter() - started:.2f} s")
        path, slug = chapter(content)
        url = f"http://127.0.0.1:{port}/guide/{slug}/"
        if "</html>" not in fetch(url):
            raise SystemExit(f"{url} is not served")
        shown = []
        for number in range(1, args.edits + 1):
            marker = f"Benchmark sentence {number} {int(time.time() * 1000)}."
            since = len(preview.lines)
            text = path.read_text(encoding="utf-8")
            saved = time.perf_counter()
            path.write_text(text.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            deadline = saved + args.timeout
            while marker not in fetch(url):
                if time.perf_counter() > deadline or preview.process.poll() is not None:
                    print("\n".join(line for _, line in preview.lines[since:]), file=sys.stderr)
                    raise SystemExit(f"edit {number}: not served within {args.timeout:.0f} s")
                time.sleep(0.01)
            seconds = time.perf_counter() - saved
            shown.append(seconds)
            done = preview.wait_for(r"^rebuilt in|still being served", since, args.timeout)
            rebuilt = f"; full rebuild done after {done[0] - saved:.2f} s" if done else ""
            print(f"edit {number}: {path.name} -> {url} shows it after {seconds:.2f} s{rebuilt}",
                  flush=True)
        print(f"edit -> page: median {statistics.median(shown):.2f} s over {len(shown)} edit(s) "
              f"(min {min(shown):.2f}, max {max(shown):.2f})")
    finally:
        preview.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
