"""The differential test of the guard: hostile snippets, built for real, loaded in real Chromium.

Hypothesis writes Markdown from the attacks that got through the old guard
(issue #15: unclosed ``<!--``, ``<!-->``, indented lines in a ``<div>``,
backticks in raw HTML, ``<a/href>``, ``<a title=">" href>``, ``alt="a>b"``,
SVG ``xlink:href`` and ``<set attributeName="href">``, attr_list handlers,
encoded hosts...) and mixes their parts. Each one is put in a chapter (body,
Summary or tip card) of a small site and built with tools/build.py. Then:

- if the build fails, it exits non-zero, every error line is
  ``path:line: error: message`` and the previous output is byte-identical;
- if it passes, every page the snippet reaches is opened in Chromium, served
  on 127.0.0.1, with the page's Content-Security-Policy bypassed (so the test
  judges the guard, not the policy): no script of the content runs (no
  dialog, no ``__pwned``, no script file but our theme's), no request or
  navigation leaves the origin, and no link in the DOM is an affiliate, ad
  or redirect link or a ``javascript:`` URL.

Bounded: the seeds plus a fixed number of generated examples, about a
minute or two on a quiet machine.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from ad_guard.links import link_rule
from ad_guard.rules import load_rules
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SITES, run_build

GENERATED_EXAMPLES = 16
LOCATED = re.compile(r"^[^\s:][^:\n]*:\d+: error: \S")
PAYLOAD = "top.__pwned=1;alert(1)"
URLS = [
    "https://amzn.to/3xYzAbc", "https://amzn%2Eto/3xYzAbc", "https://amzn\u3002to/3xYzAbc",
    "https://\uff41\uff4d\uff5a\uff4e.to/3xYzAbc", "https:\\\\amzn.to/3xYzAbc", "https:///amzn.to/3xYzAbc",
    "https://www.amazon.com./dp/1?tag=x-20", "https://www.amazon.co.za/dp/1?tag=x-20", "//evil.example/x.js",
    "/images/x.js", "javascript:" + PAYLOAD, "jav&#x61;script:" + PAYLOAD, "java\tscript:" + PAYLOAD,
    "data:text/html,<script>" + PAYLOAD + "</script>", "https://bit.ly/3AbCdEf", "https://evil.example/p.gif",
]
SEEDS = [
    'Words. <!-- never closed\n\n<script src="/images/x.js"></script>',
    '<!--> <script>' + PAYLOAD + '</script>',
    '<div>\n\n    <script>' + PAYLOAD + '</script>\n\n</div>',
    '<div title="`">\n<script>' + PAYLOAD + '</script>\n`</div>',
    '<div>\n<a/href="https://amzn.to/3xYzAbc">the journal</a>\n</div>',
    '<a/href="https://amzn.to/3xYzAbc">the journal</a>',
    '<a title=">" href="https://amzn.to/3xYzAbc">the journal</a>',
    '<img alt="a>b" src="https://evil.example/p.gif">',
    '<svg><a xlink:href="https://amzn.to/3xYzAbc"><text y="20">the journal</text></a></svg>',
    '<svg><a><set attributeName="href" to="javascript:' + PAYLOAD + '"/><text y="20">Read</text></a></svg>',
    'Read this.\n{: ONMOUSEOVER="' + PAYLOAD + '" }',
    "[the journal](https://amzn%2Eto/3xYzAbc)",
    '<a href="https:\\\\amzn.to/3xYzAbc">the journal</a>',
    "This is a spon\u00adsored post.",
    "&lt;script&gt;" + PAYLOAD + "&lt;/script&gt;",
    '<noscript><img src="https://evil.example/p.gif"></noscript>',
    '<math><mtext><table><mglyph><style><img src=x onerror="' + PAYLOAD + '">',
    '<svg><style><img src=x onerror="' + PAYLOAD + '"></style></svg>',
    '<iframe srcdoc="<script>' + PAYLOAD + '</script>"></iframe>',
    '<form><button formaction="javascript:' + PAYLOAD + '">Go</button></form>',
    '<object data="data:text/html,<script>' + PAYLOAD + '</script>"></object>',
    '<img src=x onerror=' + PAYLOAD + '>',
    '<a href="jav&#x61;script:' + PAYLOAD + '">click</a>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    "`<script>" + PAYLOAD + "</script>`",
    "```\n<script>" + PAYLOAD + "</script>\n```",
    "    <script>" + PAYLOAD + "</script>",
]
WHERE = ["body", "summary", "card-title", "card-body"]

TAGS = ["a", "img", "script", "svg", "div", "p", "span", "iframe", "style", "video", "math", "set", "A",
        "ScRiPt"]
ATTRIBUTES = ["href", "src", "srcset", "xlink:href", "onclick", "ONMOUSEOVER", "onerror", "style",
              "formaction", "action", "poster", "data", "title", "alt", "class", "id"]
JOINERS = [" ", "/", "\n", "\t", '"', "'", " / "]


@st.composite
def fragments(draw) -> str:
    """One piece of hostile markup: a tag with attributes, a Markdown link, or a wrapper."""
    kind = draw(st.sampled_from(["tag", "link", "image", "attr-list", "wrapped", "seed"]))
    url = draw(st.sampled_from(URLS))
    if kind == "seed":
        return draw(st.sampled_from(SEEDS))
    if kind == "link":
        return f"[a link]({url})"
    if kind == "image":
        return f"![]({url})"
    if kind == "attr-list":
        name = draw(st.sampled_from(ATTRIBUTES))
        return f"Some words.\n{{: {name}=\"{url if name in ('href', 'src') else PAYLOAD}\" }}"
    tag = draw(st.sampled_from(TAGS))
    attrs = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(ATTRIBUTES))
        value = draw(st.sampled_from([url, PAYLOAD, ">", "a>b", "`", ""]))
        quote = draw(st.sampled_from(['"', "'", ""]))
        attrs.append(f"{name}={quote}{value}{quote}")
    joiner = draw(st.sampled_from(JOINERS))
    markup = f"<{tag}{joiner}{joiner.join(attrs)}>text</{tag}>"
    if kind == "wrapped":
        wrapper = draw(st.sampled_from(["div", "indent", "comment", "empty-comment", "backticks", "quote"]))
        markup = {
            "div": f"<div>\n\n    {markup}\n\n</div>",
            "indent": f"<div>\n    {markup}\n</div>",
            "comment": f"Words <!-- open\n\n{markup}",
            "empty-comment": f"<!-->{markup}",
            "backticks": f"<div title=\"`\">\n{markup}\n`</div>",
            "quote": f"> {markup}",
        }[wrapper]
    return markup


snippets = st.lists(fragments(), min_size=1, max_size=3).map("\n\n".join)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def chapter(snippet: str, where: str) -> str:
    summary = "A chapter built from a hostile snippet."
    card_title, card_body, body = "A tip", "Try this.", "Opening words for the chapter."
    one_line = " ".join(snippet.split())
    if where == "summary":
        summary = one_line
    elif where == "card-title":
        card_title = one_line
    elif where == "card-body":
        card_body = snippet.replace("\n", "\n> ")
    else:
        body = snippet
    return (f"Title: Hostile\nSlug: hostile\nSummary: {summary}\nTopics: trust\nOrder: 9\n"
            f"Part: Foundations\nReviewed: 2026-01-20\n\n{body}\n\n> [!TIP] {card_title}\n> {card_body}\n")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Served:
    """A built site on 127.0.0.1 at a free port, for as long as the with block lasts."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Served:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


LINKS_IN_DOM = """() => Array.from(document.querySelectorAll('a, area')).map((a) => {
  const raw = a.getAttribute('href') ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
  if (raw === null) return null;
  try { return new URL(raw, document.baseURI).href; } catch (e) { return 'invalid:' + raw; }
}).filter((href) => href !== null)"""


def check_in_browser(browser, site: Path, paths: list[str]) -> list[str]:
    """What went wrong on these pages: scripts run, requests off the origin, live bad links."""
    rules = load_rules()
    problems: list[str] = []
    with Served(site) as served:
        context = browser.new_context(bypass_csp=True, service_workers="block")
        try:
            page = context.new_page()

            def route(route) -> None:
                url = route.request.url
                if not url.startswith(served.url + "/"):
                    problems.append(f"request left the origin: {url}")
                    route.abort()
                    return
                if route.request.resource_type == "script" and "/assets/js/" not in url:
                    problems.append(f"a script that is not ours: {url}")
                route.continue_()

            page.route("**/*", route)
            page.on("dialog", lambda dialog: (problems.append(f"a dialog: {dialog.message}"),
                                              dialog.dismiss()))
            page.on("framenavigated", lambda frame: frame.url.startswith((served.url, "about:"))
                    or problems.append(f"navigation left the origin: {frame.url}"))
            for path in paths:
                page.goto(served.url + path, wait_until="load")
                if page.evaluate("() => window.__pwned === 1"):
                    problems.append(f"{path}: content script ran")
                for href in page.evaluate(LINKS_IN_DOM):
                    if href.lower().startswith(("javascript:", "vbscript:", "data:")):
                        problems.append(f"{path}: live {href[:40]} link")
                    elif href.startswith("http") and not href.startswith(served.url):
                        rule = link_rule(href, rules)
                        if rule:
                            problems.append(f"{path}: live link {href}: {rule}")
        finally:
            context.close()
    return problems


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The small site, and its output as built before any hostile snippet."""
    root = tmp_path_factory.mktemp("differential")
    output = root / "baseline"
    result = run_build(SITES / "adguard-good", output)
    assert result.ok, result.log
    return root, output, snapshot(output)


HELD: list[str] = []


@settings(max_examples=GENERATED_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(snippet=snippets, where=st.sampled_from(WHERE))
@example(snippet=SEEDS[0], where="body")
@example(snippet=SEEDS[1], where="body")
@example(snippet=SEEDS[2], where="body")
@example(snippet=SEEDS[3], where="body")
@example(snippet=SEEDS[4], where="body")
@example(snippet=SEEDS[5], where="body")
@example(snippet=SEEDS[6], where="card-body")
@example(snippet=SEEDS[8], where="body")
@example(snippet=SEEDS[9], where="body")
@example(snippet=SEEDS[10], where="body")
@example(snippet=SEEDS[11], where="card-title")
@example(snippet=SEEDS[14], where="summary")
@example(snippet=SEEDS[16], where="body")
@example(snippet=SEEDS[17], where="body")
@example(snippet=SEEDS[25], where="body")
def test_a_hostile_snippet_is_refused_or_harmless_in_chromium(snippet, where, baseline, browser):
    root, built, before = baseline
    work = Path(tempfile.mkdtemp(dir=root))
    try:
        content = work / "content"
        shutil.copytree(SITES / "adguard-good", content)
        (content / "articles" / "hostile.md").write_text(chapter(snippet, where), encoding="utf-8")
        output = work / "output"
        shutil.copytree(built, output)
        result = run_build(content, output)
        if not result.ok:
            assert result.returncode == 1, result.log
            lines = result.log.splitlines()
            error_lines = [line for line in lines if ": error: " in line or line.startswith("error: ")]
            # Pelican's own warnings (an empty alt=) fail a build too; every error is located.
            assert error_lines or any(line.startswith("warning: ") for line in lines), result.log
            assert all(LOCATED.match(line) for line in error_lines), result.log
            assert snapshot(output) == before, "a refused build changed the previous output"
            HELD.append("refused")
            return
        paths = ["/guide/hostile/", "/", "/topics/trust/", "/tips/"]
        problems = check_in_browser(browser, output, paths)
        assert problems == [], f"{snippet!r} in {where} built and then: {problems}"
        HELD.append("harmless")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_differential_test_saw_both_outcomes():
    """Run after the test above (same module, file order): it must have tried refusals and passes."""
    assert "refused" in HELD and "harmless" in HELD, HELD
    print(f"differential: {len(HELD)} snippets held ({HELD.count('refused')} refused, "
          f"{HELD.count('harmless')} built and harmless in Chromium)")
