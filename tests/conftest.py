"""Shared fixtures: building sites, serving them on 127.0.0.1, driving Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Build:
    returncode: int
    output: Path
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


# The test sites carry fixed Reviewed dates (January to March 2026), so their builds judge
# reviews (plugins/review) as of this day, 2026-06-01, unless a test sets its own: no test of
# a test site goes red as the calendar moves on. The real guide is judged as of today.
SITES_SOURCE_DATE_EPOCH = "1780272000"


def run_build(content: Path, output: Path, settings: str = "pelicanconf.py", env=None) -> Build:
    """Run the real build command, exactly as `make html` does."""
    environment = {**os.environ, **(env or {})}
    if Path(content).resolve() != (ROOT / "content").resolve() and "SOURCE_DATE_EPOCH" not in (env or {}):
        environment["SOURCE_DATE_EPOCH"] = SITES_SOURCE_DATE_EPOCH
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", str(ROOT / settings),
         "--content", str(content), "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, env=environment,
    )
    return Build(result.returncode, output, result.stdout + result.stderr)


@pytest.fixture
def build_site(tmp_path):
    """Build tests/sites/<case> (or a given folder) into tmp_path/output."""

    def build(case: str | Path, output: Path | None = None, **kwargs) -> Build:
        content = case if isinstance(case, Path) else SITES / case
        return run_build(content, output or tmp_path / "output", **kwargs)

    return build


@pytest.fixture
def site_copy(tmp_path):
    """A writable copy of tests/sites/<case>, to break on purpose."""

    def copy(case: str) -> Path:
        target = tmp_path / "content"
        shutil.copytree(SITES / case, target)
        return target

    return copy


@pytest.fixture(scope="session")
def guide(tmp_path_factory) -> Path:
    """The real guide (content/), built once per session."""
    output = tmp_path_factory.mktemp("guide") / "output"
    result = run_build(ROOT / "content", output)
    assert result.ok, f"the guide does not build:\n{result.log}"
    return output


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


# make publish needs CONTACT (plugins/review), like SITEURL.
PUBLISH_CONTACT = {"CONTACT": "editors@guide.example.org"}


@contextmanager
def published_guide(folder: Path, handler=QuietHandler,
                    extra_env: Callable[[str], dict] | None = None) -> Iterator[str]:
    """The real guide built with publishconf.py into ``folder`` and served on 127.0.0.1
    at the SITEURL it was built for (yielded); ``extra_env(siteurl)`` adds settings."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(handler, directory=str(folder)))
    siteurl = f"http://127.0.0.1:{httpd.server_address[1]}"
    serving = False
    try:
        env = {"SITEURL": siteurl, **PUBLISH_CONTACT, **(extra_env(siteurl) if extra_env else {})}
        result = run_build(ROOT / "content", folder, settings="publishconf.py", env=env)
        assert result.ok, f"make publish fails:\n{result.log}"
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        serving = True
        yield siteurl
    finally:
        if serving:  # shutdown() waits for serve_forever, which never ran if the build failed
            httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(guide):
    """The built guide served by http.server on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(guide))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's package "
            "(sudo apt-get install -y chromium) or set CHROMIUM=/path/to/chromium.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page plus what it did: requests leaving 127.0.0.1, console errors, page errors."""

    page: object
    outside: list
    console_errors: list
    page_errors: list


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url: str, color_scheme: str = "light", width: int = 1280, height: int = 900) -> Watched:
        context = browser.new_context(
            color_scheme=color_scheme, viewport={"width": width, "height": height},
            service_workers="block",
        )
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page, [], [], [])

        def guard(route):
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
                route.continue_()
            else:
                watched.outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
        page.on("pageerror", lambda e: watched.page_errors.append(str(e)))
        page.goto(url, wait_until="load")
        return watched

    yield open_
    for context in contexts:
        context.close()


def run_axe(page, rules=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")):
    """axe-core's violations on the page, as short readable strings."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make test` (it runs npm ci)", pytrace=False)
    # Evaluated through the DevTools protocol, not added as a <script>: the site's
    # Content-Security-Policy (script-src 'self') rightly blocks inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(rules),
    )
    return [
        f"{v['id']}: {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
    ]


def redirect_pages(output: Path, prefix: str = "") -> list[Path]:
    """The pages that only send an old address on (plugins/redirects), from ``_redirects``
    (whose paths start with ``prefix``, SITEURL's own path, when it has one)."""
    listing = output / "_redirects"
    if not listing.is_file():
        return []
    found = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            old = line.split()[0].removeprefix(prefix).lstrip("/")
            found.append(output / (old + "index.html" if old.endswith("/") or not old else old))
    return sorted(found)


def html_pages(output: Path) -> list[Path]:
    """Every page of the site, without the redirect pages (they are not pages to read)."""
    redirects = set(redirect_pages(output))
    return sorted(p for p in output.rglob("*.html") if p not in redirects)


def page_url(output: Path, path: Path) -> str:
    relative = path.relative_to(output).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative
