"""ad_guard: ads, affiliate links, trackers and unsafe HTML fail the build; links are cleaned;
every page carries the Content-Security-Policy; _headers is written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SITES, html_pages, page_url, run_build

CASES = Path(__file__).resolve().parent / "adguard_cases"
EXPECT = re.compile(r"<!-- expect: (.*) -->")
FOLDER = re.compile(r"<!-- folder: (\w+) -->")
TRACKING = re.compile(r"[?&](utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|igshid)=", re.I)


def shown(path: Path) -> str:
    """A path as the build prints it: relative to the project when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def errors(log: str) -> set[str]:
    return {line for line in log.splitlines() if ": error: " in line or line.startswith("error: ")}


def settings_file(tmp_path: Path, extra: str = "", theme: Path | None = None) -> str:
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"from pelicanconf import *\nTHEME = {str(theme or ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n{textwrap.dedent(extra)}"
    )
    return str(conf)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def outbound_links(page: BeautifulSoup) -> list:
    return [a for a in page.find_all("a", href=True) if re.match(r"(https?:)?//", a["href"])]


# --- the bad cases -------------------------------------------------------------------


def test_there_are_enough_cases():
    assert len(list(CASES.glob("*.md"))) >= 25


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.md")))
def test_each_bad_case_fails_with_its_own_message(case, build_site, site_copy):
    source = (CASES / f"{case}.md").read_text(encoding="utf-8")
    folder = FOLDER.search(source)
    content = site_copy("adguard-good")
    target = content / (folder.group(1) if folder else "articles") / f"{case}.md"
    target.write_text(source, encoding="utf-8")
    result = build_site(content)
    expected = {line.replace("{path}", shown(target)) for line in EXPECT.findall(source)}
    assert expected, f"{case}.md has no <!-- expect: ... --> line"
    assert result.returncode == 1, result.log
    assert errors(result.log) == expected, result.log


# --- what passes, and what gets cleaned ------------------------------------------------


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    result = run_build(SITES / "adguard-good", tmp_path_factory.mktemp("adguard") / "output")
    assert result.ok, result.log
    return result.output


def test_inline_html_editors_need_and_code_examples_pass(good):
    page = soup(good / "guide" / "outbound-links" / "index.html")
    body = page.find("main")
    for tag in ("kbd", "abbr", "sup", "sub", "mark", "br", "small", "details", "summary"):
        assert body.find(tag), tag
    code = " ".join(c.get_text() for c in body.find_all("code"))
    assert '<script src="https://widgets.example/save.js"></script>' in code
    assert '<a href="#" onclick="track()">' in code
    assert '<form action="https://list.example/subscribe">' in code
    assert not body.find(["script", "iframe", "form", "style"])


def test_tracking_parameters_are_stripped_from_outbound_links(good):
    page = soup(good / "guide" / "outbound-links" / "index.html")
    hrefs = {a.get_text(): a["href"] for a in outbound_links(page)}
    assert hrefs["Relate"] == "https://www.relate.org.uk/"
    assert hrefs["AAMFT"] == "https://www.aamft.org/Directories/Find_a_Therapist.aspx?lang=en"
    assert hrefs["BACP"] == "//www.bacp.co.uk/search"
    assert hrefs["the book"] == "https://www.amazon.com/dp/0553447718"
    # Sources (metadata rendered by content_model) are cleaned too.
    assert hrefs["An organisation"] == "https://org.example/research?id=7"
    for path in html_pages(good):
        for link in outbound_links(soup(path)):
            assert not TRACKING.search(link["href"]), f"{path}: {link['href']}"


def test_outbound_links_get_rel_noopener_noreferrer_merged_with_their_own(good):
    page = soup(good / "guide" / "outbound-links" / "index.html")
    rels = {a.get_text(): a.get("rel") for a in page.find_all("a", href=True)}
    assert rels["AAMFT"] == ["nofollow", "noopener", "noreferrer"]
    assert rels["Relate"] == ["noopener", "noreferrer"]
    assert rels["editors@example.org"] is None  # mailto: is not a visit to another site
    checked = 0
    for path in html_pages(good):  # chapters, FAQ pages and topic pages alike
        for link in outbound_links(soup(path)):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), f"{path}: {link}"
            checked += 1
    assert checked >= 7


def test_removed_tracking_parameters_are_logged_as_information(tmp_path):
    """Not a warning (warnings fail the build): an info line per link, naming the parameters."""
    script = textwrap.dedent(f"""
        import logging, sys
        sys.path.insert(0, {str(ROOT)!r})
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stdout)
        from pelican import Pelican
        from pelican.settings import read_settings
        settings = read_settings({str(ROOT / 'pelicanconf.py')!r}, override={{
            "PATH": {str(ROOT / 'tests' / 'sites' / 'adguard-good')!r},
            "OUTPUT_PATH": {str(tmp_path / 'out')!r},
        }})
        Pelican(settings).run()
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    log = result.stdout
    article = "tests/sites/adguard-good/articles/outbound.md"
    assert f"INFO {article}: removed tracking parameter(s) utm_source, utm_campaign, fbclid " \
           "from https://www.relate.org.uk/" in log, log + result.stderr
    assert f"INFO {article}: removed tracking parameter(s) mc_cid, mc_eid from //www.bacp.co.uk/search" in log
    assert "INFO tests/sites/adguard-good/faq/what-is.md: removed tracking parameter(s) utm_source " \
           "from https://www.thehotline.org/" in log
    assert "WARNING" not in log and "ERROR" not in log, log


def test_the_guide_passes_and_its_outbound_links_are_clean(guide):
    pages = html_pages(guide)
    assert pages
    for path in pages:
        for link in outbound_links(soup(path)):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), f"{path}: {link}"
            assert not TRACKING.search(link["href"]), f"{path}: {link['href']}"


# --- headers ---------------------------------------------------------------------------


def test_every_page_has_the_policy_and_the_output_has_headers(good, guide):
    import pelicanconf

    policy = pelicanconf.CONTENT_SECURITY_POLICY
    for output in (good, guide):
        for path in html_pages(output):
            head = soup(path).head
            meta = head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
            assert meta and meta["content"] == policy, path
            assert head.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer", path
            # The policy applies only to what comes after it: it must come first.
            assert head.find(["link", "script", "style"]).sourceline > meta.sourceline, path
        lines = (output / "_headers").read_text().splitlines()
        assert "/*" in lines
        headers = dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))
        assert headers["Content-Security-Policy"] == f"{policy}; frame-ancestors 'none'"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        permissions = headers["Permissions-Policy"].split(", ")
        for feature in ("interest-cohort", "browsing-topics", "join-ad-interest-group", "camera"):
            assert f"{feature}=()" in permissions
        assert not any("cookie" in line.lower() for line in lines)


def test_policy_allows_no_inline_code_or_other_origins():
    import pelicanconf

    policy = dict(part.strip().split(" ", 1) for part in pelicanconf.CONTENT_SECURITY_POLICY.split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in pelicanconf.CONTENT_SECURITY_POLICY


def test_the_preview_lets_only_livereloads_snippet_run(build_site, tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(SITES / "basic"),
         "--output", str(tmp_path / "preview"), "--drafts"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "preview" / "index.html")
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    scripts = next(p for p in meta["content"].split("; ") if p.startswith("script-src"))
    assert scripts == "script-src 'self' 'sha256-MclZcNa5vMtp/wzxRW6+KS3i8mRUf6thpmjT3pkIT5I='"


# --- allowlist -------------------------------------------------------------------------


def add_chapter(content: Path, body: str) -> Path:
    chapter = content / "articles" / "allowed.md"
    chapter.write_text(
        "Title: Allowed\nSlug: allowed\nSummary: One sentence.\nTopics: trust\nOrder: 9\n"
        f"Part: Foundations\nReviewed: 2026-01-20\n\n{body}\n"
    )
    return chapter


def test_allowlisted_findings_pass(build_site, site_copy, tmp_path):
    content = site_copy("adguard-good")
    add_chapter(content, "Our sponsor? None: we quote *as an affiliate* to show what we refuse.\n\n"
                         "[A short link the charity prints](https://bit.ly/helpline-leaflet).")
    settings = settings_file(tmp_path, """
        AD_GUARD_ALLOW = [
            {"url": "https://bit.ly/helpline-leaflet", "reason": "the charity's own printed leaflet link"},
            {"pattern": "^as an affiliate$", "reason": "quoted in the chapter about spotting adverts"},
        ]
    """)
    result = build_site(content, settings=settings, env={"PYTHONPATH": str(ROOT)})
    assert result.ok, result.log


def test_without_the_allowlist_the_same_chapter_fails(build_site, site_copy):
    content = site_copy("adguard-good")
    chapter = add_chapter(content, "We quote *as an affiliate* here.\n\n[Leaflet](https://bit.ly/helpline-leaflet).")
    result = build_site(content)
    assert errors(result.log) == {
        f'{shown(chapter)}:9: error: affiliate wording: "as an affiliate"',
        f"{shown(chapter)}:11: error: redirect link (bit.ly): https://bit.ly/helpline-leaflet",
    }


def test_each_allowlist_entry_needs_a_reason(build_site, site_copy, tmp_path):
    content = site_copy("adguard-good")
    add_chapter(content, "[Leaflet](https://bit.ly/helpline-leaflet).")
    settings = settings_file(tmp_path, """
        AD_GUARD_ALLOW = [
            {"url": "https://bit.ly/helpline-leaflet"},
            {"pattern": "(", "reason": "broken"},
            {"url": "https://a.example", "pattern": "b", "reason": "both"},
            {"link": "https://a.example", "reason": "typo"},
            {"url": "https://a.example", "reason": "  "},
        ]
    """)
    result = build_site(content, settings=settings, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    found = errors(result.log)
    assert "error: AD_GUARD_ALLOW[0] needs a 'reason': say why this is allowed" in found
    assert any(line.startswith("error: AD_GUARD_ALLOW[1] 'pattern' is not a valid regular expression")
               for line in found)
    assert "error: AD_GUARD_ALLOW[2] needs exactly one of 'url' or 'pattern'" in found
    assert "error: AD_GUARD_ALLOW[3] has unknown key(s) 'link'" in found
    assert "error: AD_GUARD_ALLOW[4] needs a 'reason': say why this is allowed" in found
    # An entry without a reason allows nothing.
    assert any(line.endswith("error: redirect link (bit.ly): https://bit.ly/helpline-leaflet")
               for line in found)


# --- theme files -------------------------------------------------------------------------


def test_third_party_fonts_and_stylesheets_in_the_theme_css_fail(build_site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    css = theme / "static" / "css" / "site.css"
    original = css.read_text()
    css.write_text(
        '@import url("https://fonts.googleapis.com/css2?family=Lora");\n' + original
        + "\n@font-face {\n  font-family: Lora;\n  src: url(https://fonts.gstatic.com/s/lora/v32/lora.woff2);\n}\n"
    )
    font = next(n for n, line in enumerate(css.read_text().splitlines(), 1) if "fonts.gstatic" in line)
    result = build_site("basic", settings=settings_file(tmp_path, theme=theme), env={"PYTHONPATH": str(ROOT)})
    assert errors(result.log) == {
        f"{shown(css)}:1: error: third-party stylesheet: https://fonts.googleapis.com/css2?family=Lora",
        f"{shown(css)}:{font}: error: third-party font: https://fonts.gstatic.com/s/lora/v32/lora.woff2",
    }


def test_template_problems_are_reported_against_the_output_file(build_site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates" / "base.html"
    text = base.read_text()
    text = re.sub(r"\{% if CONTENT_SECURITY_POLICY %\}.*?\{% endif %\}\n", "", text)
    base.write_text(text.replace("<footer", '<footer style="color: red"', 1))
    output = tmp_path / "output"
    result = build_site("basic", output=output, settings=settings_file(tmp_path, theme=theme),
                        env={"PYTHONPATH": str(ROOT)})
    found = errors(result.log)
    index = shown(output / "index.html")
    assert f"{index}:1: error: missing Content-Security-Policy meta: base.html" in found
    assert any(line.startswith(f"{index}:") and line.endswith('error: unsafe HTML style=: style="color: red"')
               for line in found), found
    assert not (output / "index.html").exists()  # the failed build left no output


# --- in the browser ------------------------------------------------------------------------

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(
  `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
  + ` at ${event.sourceFile}:${event.lineNumber}`
));
"""


class Watch:
    """One browser context that records requests leaving 127.0.0.1 and every CSP complaint."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(service_workers="block")
        self.context.add_init_script(CSP_LISTENER)
        self.outside: list[str] = []
        self.csp_messages: list[str] = []
        self.violations: list[str] = []
        self.websockets: list[str] = []
        self.page = self.context.new_page()
        self.page.route("**/*", self.guard)
        self.page.on("console", self.console)
        self.page.on("websocket", lambda socket: self.websockets.append(socket.url))

    def guard(self, route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_messages.append(message.text)

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.collect()

    def collect(self) -> None:
        self.violations += [f"{self.page.url}: {v}" for v in self.page.evaluate("window.__cspViolations")]
        self.page.evaluate("window.__cspViolations.length = 0")


@pytest.fixture
def watch(browser):
    watches = []

    def make() -> Watch:
        watches.append(Watch(browser))
        return watches[-1]

    yield make
    for each in watches:
        each.context.close()


def test_every_page_loads_nothing_from_elsewhere_and_breaks_no_policy(server, guide, watch):
    watched = watch()
    for path in html_pages(guide):
        watched.open(server + page_url(guide, path))
    watched.open(f"{server}/search/?q=trust")
    box = watched.page.locator("input[type=search]").first
    box.focus()  # search loads its index lazily, on first focus
    box.type("listen", delay=20)
    watched.page.wait_for_load_state("networkidle")
    watched.collect()
    assert len(html_pages(guide)) >= 20
    assert watched.outside == []
    assert watched.csp_messages == []
    assert watched.violations == []
    assert watched.context.cookies() == []
    assert watched.page.evaluate("document.cookie") == ""


def test_the_policy_really_blocks_inline_scripts(server, watch):
    """The check above would pass trivially if the listener heard nothing: prove it hears."""
    watched = watch()
    watched.open(f"{server}/")
    ran = watched.page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.head.appendChild(script);
        return new Promise((done) => setTimeout(() => done(window.__ran === true), 200));
    }""")
    watched.collect()
    assert ran is False
    assert any("script-src" in v for v in watched.violations), watched.violations


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_live_preview_still_reloads_under_the_policy(site_copy, tmp_path, watch):
    """`make serve`: livereload injects one inline script; the preview's policy lets exactly it run.

    A save reloads the page when the quick pass has put the edited page in place, and may again
    when the full build after it swaps the whole site in: the page is read once both are done."""
    import time
    import urllib.request

    from preview_bench import Preview

    content = site_copy("basic")
    port = free_port()
    preview = Preview(ROOT / "tools" / "serve.py", content, tmp_path / "preview", port)
    serve = preview.process
    url = f"http://127.0.0.1:{port}/guide/first-steps/"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "tools/serve.py did not start"
                assert serve.poll() is None, "tools/serve.py stopped"
                time.sleep(0.5)
        watched = watch()
        watched.open(url)
        watched.page.wait_for_function("() => window.LiveReload !== undefined", timeout=30_000)
        deadline = time.monotonic() + 30
        while not any(socket.endswith("/livereload") for socket in watched.websockets):
            assert time.monotonic() < deadline, f"livereload did not connect: {watched.websockets}"
            watched.page.wait_for_timeout(200)
        navigations: list[float] = []
        watched.page.on("framenavigated", lambda frame: navigations.append(time.monotonic())
                        if frame == watched.page.main_frame else None)
        chapter = content / "articles" / "first.md"
        since = len(preview.lines)
        chapter.write_text(chapter.read_text() + "\nA sentence added while the preview is open.\n")
        # A reload that the next one cuts short (the full build's, right after the quick pass's)
        # never commits; each that does is one framenavigated event. Waiting for the first load
        # (expect_navigation) failed with ERR_ABORTED when the second reload came that soon.
        deadline = time.monotonic() + 180
        while not navigations:
            assert time.monotonic() < deadline, "the save did not reload the page"
            watched.page.wait_for_timeout(250)
        assert preview.wait_for(r"^rebuilt in|still being served", since, 180), preview.lines[since:]
        deadline = time.monotonic() + 30
        while time.monotonic() - max(navigations) < 2.5:  # the full build's reload, if any, is over
            assert time.monotonic() < deadline, "the page kept reloading"
            watched.page.wait_for_timeout(250)
        watched.page.wait_for_load_state("load")
        assert "A sentence added while the preview is open." in watched.page.content()
        watched.collect()
        assert watched.violations == []
        assert watched.csp_messages == []
        assert watched.outside == []
    finally:
        preview.stop()
