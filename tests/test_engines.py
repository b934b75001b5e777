"""The reader flows in three engines: Chromium, Firefox ESR and WebKit (tests/engines.py).

Each flow is one function taking a Reader; ``@flow`` runs it in every engine. The
quick exit (Shift pressed three times, and its button) becomes one more ``@flow``
when it is in the templates. The site is the real guide built for production (with
its service worker), served on 127.0.0.1 by a server that can go "offline": it then
drops every connection unanswered, as a lost network does.
"""

from __future__ import annotations

import http.server
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from engines import ENGINES, ERRORS_JS, Reader, missing_engine, reader_factory, with_error_recorder

from conftest import html_pages, page_url, published_guide

# Selenium's own remote connection warns about its own deprecated internals.
pytestmark = pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")


class ReaderSite(http.server.SimpleHTTPRequestHandler):
    """Serves the build, adds the error recorder to each page, and can play at being offline."""

    offline = False
    asked_while_offline: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if ReaderSite.offline:
            ReaderSite.asked_while_offline.append(self.path)
            self.close_connection = True
            return  # no status line: the browser sees a failed connection
        if self.path == "/__reader-errors.js":
            return self.reply(ERRORS_JS.encode(), "text/javascript")
        if self.path == "/__throws.js":  # a page script that fails, to check the recorder
            return self.reply(b"throw new Error('recorder check');", "text/javascript")
        path = Path(self.translate_path(self.path))
        if path.is_dir() and (path / "index.html").exists() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self.reply(with_error_recorder(path.read_bytes()), "text/html; charset=utf-8")
        super().do_GET()

    def reply(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("engines") / "output"
    # The neutral site of the quick exit, on this server: the tests never leave 127.0.0.1.
    def neutral(siteurl: str) -> dict:
        return {"QUICK_EXIT_URL": siteurl + "/404.html"}

    with published_guide(folder, ReaderSite, neutral) as siteurl:
        yield folder, siteurl


@pytest.fixture(scope="module")
def playwright_chromium(browser):
    """The session's one Chromium (conftest's browser fixture): a second sync_playwright()
    in the same thread fails ("Sync API inside the asyncio loop") once other browser
    tests have started theirs."""
    return lambda: browser


@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> str:
    problem = missing_engine(request.param)
    if problem:
        pytest.fail(problem + " (tools/prereqs.py lists everything make test needs)", pytrace=False)
    return request.param


@pytest.fixture(scope="module")
def fresh_reader(engine, playwright_chromium) -> Callable[[], AbstractContextManager[Reader]]:
    return reader_factory(engine, playwright_chromium)


@pytest.fixture(scope="module")
def reader(fresh_reader) -> Iterator[Reader]:
    """One browser session per engine for the flows that leave nothing behind."""
    with fresh_reader() as reader:
        yield reader


# -- the flows ----------------------------------------------------------------------------------

def test_skip_link_is_the_first_stop_and_moves_focus_to_main(reader, site):
    _, siteurl = site
    reader.goto(siteurl + "/guide/building-trust/")
    reader.press("Tab")
    assert reader.wait("() => document.activeElement.matches('.skip-link')")
    reader.press("Enter")
    assert reader.wait("() => document.activeElement === document.getElementById('main')"), \
        "focus is on <main>, so the next Tab continues from the content"
    assert reader.run("() => location.hash") == "#main"


def test_the_search_box_suggests_as_you_type_and_the_keyboard_picks_one(reader, site):
    _, siteurl = site
    reader.goto(siteurl + "/faq/")
    # "/" is the shortcut to the search box, from anywhere on the page.
    reader.press("/")
    assert reader.wait("() => document.activeElement && document.activeElement.id === 'site-search'")
    reader.type("trust")
    first = reader.wait("""() => {
        const box = document.getElementById('site-search');
        const list = document.getElementById(box.getAttribute('aria-controls'));
        const options = list ? list.querySelectorAll('[role=option]') : [];
        return box.getAttribute('aria-expanded') === 'true' && options.length
            && (options[0].getAttribute('href') || options[0].querySelector('a').getAttribute('href'));
    }""")
    reader.press("ArrowDown")
    assert reader.wait("""() => {
        const box = document.getElementById('site-search');
        const active = document.getElementById(box.getAttribute('aria-activedescendant') || '');
        return active && active.getAttribute('aria-selected') === 'true';
    }"""), "ArrowDown marks the first suggestion as the active one"
    reader.press("Enter")
    assert reader.wait("(target) => new URL(target, location.href).href === location.href"
                       " && document.readyState === 'complete'", first), "Enter opens the chosen suggestion"
    assert reader.errors() == []


def test_the_search_page_lists_results_and_says_how_many(reader, site):
    _, siteurl = site
    reader.goto(siteurl + "/search/?q=trust")
    count = reader.wait("() => document.querySelectorAll('#search-results > a, #search-results a').length")
    assert count >= 3
    status = reader.wait("() => document.getElementById('search-status').textContent.trim()")
    assert "trust" in status
    assert reader.run("() => document.getElementById('site-search').value") == "trust"
    assert reader.errors() == []


def test_a_question_link_opens_that_answer_and_expand_all_opens_every_one(reader, site):
    _, siteurl = site
    reader.goto(siteurl + "/faq/#when-to-see-therapist")
    assert reader.wait("""() => {
        const item = document.getElementById('when-to-see-therapist');
        if (!item || !item.open) return false;
        const box = item.getBoundingClientRect();
        return box.top >= -1 && box.top < innerHeight;
    }"""), "the named answer is open and in view"
    assert reader.run("() => document.querySelectorAll('details.faq-item[open]').length") == 1
    reader.click("[data-faq-expand]")
    total = reader.run("() => document.querySelectorAll('details.faq-item').length")
    assert total >= 20
    assert reader.wait("(n) => document.querySelectorAll('details.faq-item[open]').length === n", total)
    reader.click("[data-faq-collapse]")
    assert reader.wait("() => document.querySelectorAll('details.faq-item[open]').length === 0")
    assert reader.errors() == []


def test_no_page_logs_an_error(reader, site):
    output, siteurl = site
    # The recorder itself: an uncaught error in a script of the page is seen in this engine.
    reader.goto(siteurl + "/about/")
    reader.run("() => { const s = document.createElement('script'); s.src = '/__throws.js'; "
               "document.head.append(s); }")
    assert reader.wait("() => (window.__readerErrors || []).some(e => e.includes('recorder check'))")
    failures = {}
    for path in html_pages(output):
        url = page_url(output, path)
        reader.goto(siteurl + url)
        errors = reader.errors()
        if errors:
            failures[url] = errors
    assert not failures, "\n".join(f"{reader.engine} {u}: {e}" for u, e in failures.items())


def test_a_reader_can_read_offline_after_one_visit(fresh_reader, site, engine):
    _, siteurl = site
    # A chapter with no CAUTION card: a page with the quick exit is never kept (issue 16).
    chapter = siteurl + "/guide/time-together/"
    with fresh_reader() as reader:
        reader.goto(chapter)
        has_worker = reader.run("() => 'serviceWorker' in navigator")
        if not has_worker:
            pytest.fail(f"{engine}: navigator.serviceWorker is missing on {siteurl}", pytrace=False)
        # A real signal: this page is controlled by the worker, which has precached the guide.
        reader.wait("() => navigator.serviceWorker.controller !== null", timeout=30)
        reader.goto(siteurl + "/faq/")
        ReaderSite.offline = True
        try:
            reader.goto(chapter)
            assert reader.run("() => document.querySelector('h1').textContent").startswith("Quality time")
            reader.goto(siteurl + "/faq/")
            assert reader.run("() => document.querySelectorAll('.faq-item').length") > 10
            reader.goto(siteurl + "/guide/couples-therapy/")
            assert reader.run("() => document.querySelector('h1').textContent") == "You are offline", \
                "a page never visited shows the offline page, not the browser's error"
            assert "/guide/couples-therapy/" in ReaderSite.asked_while_offline, \
                "the worker did try the network, and the network was really gone"
        finally:
            ReaderSite.offline = False


def test_the_quick_exit_leaves_and_back_does_not_return(reader, site):
    _, siteurl = site
    reader.goto(siteurl + "/about/")
    reader.goto(siteurl + "/getting-help/")
    assert reader.run("() => document.getElementById('quick-exit') !== null")
    reader.click(".quick-exit__button")
    assert reader.wait("() => location.pathname === '/404.html'")
    # The Back button itself (WebDriver's Back command), not history.back() in a script:
    # a script that navigates away can leave WebKitWebDriver waiting for its answer forever.
    reader.back()
    assert reader.wait("() => location.pathname === '/about/'"), "Back went to the page the reader left"
