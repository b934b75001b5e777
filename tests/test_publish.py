"""The production build (make publish) and the deploy targets.

The real guide is published once per session with SITEURL set to the
127.0.0.1 address it is then served from, so the browser test reads exactly
what a reader would get: absolute URLs, minified pages, the service worker.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import brotli
import pytest
from bs4 import BeautifulSoup

from conftest import (
    PUBLISH_CONTACT,
    ROOT,
    SITES,
    QuietHandler,
    html_pages,
    page_url,
    published_guide,
    run_build,
)

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
TEXT_SUFFIXES = {".atom", ".css", ".html", ".js", ".json", ".svg", ".txt", ".webmanifest", ".xml"}
NOT_IN_SITEMAP = ("/404.html", "/search/", "/offline/")
EXAMPLE = "https://guide.example.org"
CONTACT = PUBLISH_CONTACT  # make publish needs CONTACT (plugins/review), like SITEURL
# Pages each plugin adds to the real guide (checked when the plugin is in PLUGINS).
PLUGIN_PAGES = {
    "faq": ("/faq/", "/faq/partner-not-open/"),
    "topic_links": ("/topics/", "/topics/trust/"),
    "tip_cards": ("/tips/",),
}


@functools.cache
def enabled_plugins() -> tuple[str, ...]:
    from pelican.settings import read_settings

    return tuple(read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"])


class CountingHandler(QuietHandler):
    """Notes each path asked for, so a test can tell that nothing reached the server."""

    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The real guide built with publishconf.py, served at the SITEURL it was built for."""
    folder = tmp_path_factory.mktemp("published") / "output"
    with published_guide(folder, CountingHandler) as siteurl:
        yield folder, siteurl


@pytest.fixture(scope="session")
def drafts_site(tmp_path_factory):
    """tests/sites/publishing-drafts (a draft chapter, FAQ entry and page) published."""
    folder = tmp_path_factory.mktemp("drafts") / "output"
    result = run_build(SITES / "publishing-drafts", folder, settings="publishconf.py",
                       env={"SITEURL": EXAMPLE, **CONTACT})
    assert result.ok, result.log
    return folder


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def metadata(markdown_file: Path) -> dict[str, str]:
    """The Key: value block at the top of a content file."""
    found = {}
    for line in markdown_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    return found


def published_chapters(content: Path) -> dict[str, str]:
    """slug -> Reviewed for every chapter that is not a draft."""
    chapters = {}
    for path in (content / "articles").glob("*.md"):
        meta = metadata(path)
        if meta.get("status", "").lower() != "draft":
            chapters[meta["slug"]] = meta["reviewed"]
    return chapters


def sitemap_entries(output: Path) -> dict[str, str]:
    root = ET.parse(output / "sitemap.xml").getroot()
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for url in root.iterfind("sm:url", SITEMAP_NS)
    }


def listed_pages(output: Path, siteurl: str) -> set[str]:
    """Every HTML page a search engine should know about, as absolute URLs."""
    urls = {page_url(output, path) for path in html_pages(output)}
    return {siteurl + url for url in urls if url not in NOT_IN_SITEMAP}


def case_of(case: str, published, drafts_site) -> tuple[Path, str, Path]:
    """(output, SITEURL, content folder) of the real guide or of the drafts test site."""
    if case == "guide":
        return (*published, ROOT / "content")
    return drafts_site, EXAMPLE, SITES / "publishing-drafts"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def make(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


# -- make publish ------------------------------------------------------------------------------

def test_publish_without_siteurl_says_how_to_set_it(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    result = subprocess.run(["make", "--no-print-directory", "publish", f"OUTPUT={tmp_path / 'out'}"],
                            cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "publishconf.py: SITEURL is not set" in result.stderr
    assert "make publish SITEURL=https://" in result.stderr
    assert not (tmp_path / "out").exists()


def test_every_page_names_itself_with_absolute_urls(published):
    output, siteurl = published
    for path in html_pages(output):
        soup, where = soup_of(path), page_url(output, path)
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == siteurl + where, where
        assert soup.find("meta", property="og:url")["content"] == canonical, where
        feed = soup.find("link", rel="alternate", type="application/atom+xml")
        assert feed["href"] == f"{siteurl}/feeds/all.atom.xml", where
        assert soup.find("link", rel="manifest")["href"] == f"{siteurl}/manifest.webmanifest", where
        for tag, attr in (("link", "href"), ("script", "src")):
            for element in soup.find_all(tag, **{attr: True}):
                assert not element[attr].startswith("/"), f"root-relative {element[attr]} on {where}"


def test_every_page_has_open_graph_and_twitter_meta(published):
    output, _ = published
    for path in html_pages(output):
        soup, where = soup_of(path), page_url(output, path)
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            tag = soup.find("meta", property=prop)
            assert tag and tag["content"].strip(), f"{prop} on {where}"
        assert soup.find("meta", property="og:site_name")["content"] == "Closer"
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary", where
        expected = "article" if where.startswith("/guide/") else "website"
        assert soup.find("meta", property="og:type")["content"] == expected, where


def test_each_chapter_describes_itself_in_json_ld(published):
    output, siteurl = published
    chapters = published_chapters(ROOT / "content")
    for slug, reviewed in chapters.items():
        soup = soup_of(output / "guide" / slug / "index.html")
        scripts = soup.find_all("script", type="application/ld+json")
        articles = [data for data in (json.loads(s.string) for s in scripts) if data["@type"] == "Article"]
        assert len(articles) == 1, slug
        article = articles[0]
        assert article["headline"] == soup.h1.get_text(" ", strip=True)
        assert article["description"] == soup.find("meta", attrs={"name": "description"})["content"]
        assert article["dateModified"] == article["lastReviewed"] == reviewed
        assert article["url"] == f"{siteurl}/guide/{slug}/"
        assert article["inLanguage"] == "en"
        assert article["publisher"] == {"@type": "Organization", "name": "Closer"}


def test_json_ld_cannot_break_out_of_its_script_element(drafts_site):
    page = (drafts_site / "guide" / "second-steps" / "index.html").read_text(encoding="utf-8")
    script = re.search(r'<script type=("?)application/ld\+json\1>(.*?)</script>', page, re.S)[2]
    assert "<" not in script and "&" not in script
    assert json.loads(script)["description"] == "When 1 < 2 & it\u2019s fine: a short second chapter."


# -- sitemap, feed, robots.txt ----------------------------------------------------------------

@pytest.mark.parametrize("case", ["guide", "drafts"])
def test_the_sitemap_lists_every_published_page_and_only_those(published, drafts_site, case):
    output, siteurl = published if case == "guide" else (drafts_site, EXAMPLE)
    entries = sitemap_entries(output)
    assert set(entries) == listed_pages(output, siteurl)
    for section in ("/", "/about/", "/privacy/"):
        assert siteurl + section in entries
    if case == "guide":
        for plugin, sections in PLUGIN_PAGES.items():
            if plugin in enabled_plugins():
                assert {siteurl + section for section in sections} <= set(entries), plugin
    assert not [url for url in entries if "qzx" in url]


@pytest.mark.parametrize("case", ["guide", "drafts"])
def test_sitemap_lastmod_is_the_reviewed_date(published, drafts_site, case):
    output, siteurl, content = case_of(case, published, drafts_site)
    entries = sitemap_entries(output)
    chapters = published_chapters(content)
    for slug, reviewed in chapters.items():
        assert entries[f"{siteurl}/guide/{slug}/"] == reviewed, slug
    for path in (content / "faq").glob("*.md"):
        meta = metadata(path)
        if meta.get("status") != "draft":
            assert entries[f"{siteurl}/faq/{meta['slug']}/"] == meta["reviewed"], path.name
    # The contents page changes when its newest chapter does (or anything newer it links to).
    assert entries[siteurl + "/"] >= max(chapters.values())
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for lastmod in entries.values())


@pytest.mark.parametrize("case", ["guide", "drafts"])
def test_the_atom_feed_lists_every_published_chapter_and_only_those(published, drafts_site, case):
    output, siteurl, content = case_of(case, published, drafts_site)
    feed = ET.parse(output / "feeds" / "all.atom.xml").getroot()
    chapters = published_chapters(content)
    assert feed.find("atom:link[@rel='self']", ATOM_NS).get("href") == f"{siteurl}/feeds/all.atom.xml"
    updated = {
        entry.find("atom:link", ATOM_NS).get("href"): entry.findtext("atom:updated", namespaces=ATOM_NS)[:10]
        for entry in feed.iterfind("atom:entry", ATOM_NS)
    }
    assert updated == {f"{siteurl}/guide/{slug}/": reviewed for slug, reviewed in chapters.items()}
    assert feed.findtext("atom:updated", namespaces=ATOM_NS)[:10] == max(chapters.values())


def test_drafts_appear_nowhere_in_the_published_site(drafts_site):
    assert (drafts_site / "guide" / "second-steps" / "index.html").exists()
    leaks = []
    for path in drafts_site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES | {".txt", ""}:
            text = path.read_text(encoding="utf-8", errors="replace")
            if "qzx" in text:
                leaks.append(path.relative_to(drafts_site).as_posix())
        assert "qzx" not in path.as_posix()
    assert not leaks


def test_robots_txt_points_to_the_sitemap(published):
    output, siteurl = published
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {siteurl}/sitemap.xml" in robots.splitlines()


# -- icons and manifest -----------------------------------------------------------------------

def test_the_manifest_is_valid_and_its_icons_exist(published):
    output, siteurl = published
    manifest = json.loads((output / "manifest.webmanifest").read_text(encoding="utf-8"))
    for field in ("name", "short_name", "start_url", "display", "icons", "background_color", "theme_color"):
        assert manifest.get(field), field
    assert manifest["short_name"] == "Closer"
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        file = output / icon["src"]
        assert file.is_file(), icon["src"]
        if icon["type"] == "image/png":
            width, height = int.from_bytes(file.read_bytes()[16:20], "big"), int.from_bytes(
                file.read_bytes()[20:24], "big")
            assert icon["sizes"] == f"{width}x{height}"
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_every_page_links_the_favicon_and_manifest(published):
    output, siteurl = published
    for path in html_pages(output):
        soup, where = soup_of(path), page_url(output, path)
        icon = soup.find("link", rel="icon")
        assert icon and icon["type"] == "image/svg+xml", where
        assert (output / icon["href"][len(siteurl) + 1:]).is_file(), where
        touch = soup.find("link", rel="apple-touch-icon")
        assert (output / touch["href"][len(siteurl) + 1:]).is_file(), where


# -- small and cacheable ----------------------------------------------------------------------

def test_pages_are_minified_and_still_valid_html(published):
    from test_quality import validate

    output, _ = published
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "\n  " not in home and "<html lang=en>" in home and "</body></html>" in home
    errors = validate(output)
    assert not errors, "\n".join(errors[:30])


def test_text_files_have_gzip_and_brotli_twins_with_the_same_bytes(published):
    output, _ = published
    text_files = [p for p in output.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert len(text_files) > 50
    for path in text_files:
        data = path.read_bytes()
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        if len(data) >= 512:
            assert gz.is_file() and br.is_file(), path
        if gz.is_file():
            assert gzip.decompress(gz.read_bytes()) == data, gz
        if br.is_file():
            assert brotli.decompress(br.read_bytes()) == data, br


def test_pages_load_fingerprinted_assets_that_exist(published):
    output, siteurl = published
    fingerprint = re.compile(r"^assets/.+\.([0-9a-f]{10})\.\w+$")
    for path in html_pages(output):
        soup, where = soup_of(path), page_url(output, path)
        stylesheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
        scripts = [script["src"] for script in soup.find_all("script", src=True)]
        assert stylesheets, where
        for url in stylesheets + scripts + [soup.find("link", rel="icon")["href"]]:
            assert url.startswith(siteurl + "/"), url
            relative = url[len(siteurl) + 1:]
            file = output / relative
            assert file.is_file(), f"{url} on {where}"
            if relative.startswith("assets/"):
                digest = fingerprint.match(relative)[1]
                assert hashlib.sha256(file.read_bytes()).hexdigest()[:10] == digest, relative
        assert any(fingerprint.match(url[len(siteurl) + 1:]) for url in stylesheets), where


def test_headers_file_has_a_cache_section_covering_the_whole_site(published):
    output, _ = published
    headers = (output / "_headers").read_text(encoding="utf-8")
    assert "# == cache (publishing plugin) ==" in headers
    section = headers[headers.index("# == cache (publishing plugin) =="):]
    rules = dict(re.findall(r"^(/\S*)\n  Cache-Control: (.+)$", section, re.M))
    assert rules["/assets/*"] == "public, max-age=31536000, immutable"
    for pattern in ("/", "/guide/*", "/faq/*", "/search/*", "/sw.js", "/index.html"):
        assert rules[pattern] == "public, max-age=0, must-revalidate", pattern
    for entry in output.iterdir():
        if entry.name != "_headers" and not entry.name.endswith((".gz", ".br")):
            assert (f"/{entry.name}/*" if entry.is_dir() else f"/{entry.name}") in rules, entry.name


def test_two_builds_are_byte_for_byte_identical(tmp_path):
    for name in ("first", "second"):
        build = run_build(ROOT / "content", tmp_path / name, settings="publishconf.py",
                          env={"SITEURL": EXAMPLE, **CONTACT})
        assert build.ok, build.log
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert len(first) > 100
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"differ between two builds: {different[:20]}"


def test_source_date_epoch_dates_the_pages_with_no_reviewed_date(tmp_path):
    env = {"SITEURL": EXAMPLE, "SOURCE_DATE_EPOCH": "1767225600", **CONTACT}  # 2026-01-01
    result = run_build(SITES / "publishing-drafts", tmp_path / "out", settings="publishconf.py", env=env)
    assert result.ok, result.log
    entries = sitemap_entries(tmp_path / "out")
    # Pages carry Reviewed now; what has no date of its own or of what it links to gets the epoch.
    assert entries[f"{EXAMPLE}/about/"] == "2026-01-05"
    assert "2026-01-01" in entries.values()
    assert entries[f"{EXAMPLE}/guide/first-steps/"] == "2026-01-10"


# -- offline reading --------------------------------------------------------------------------

def test_the_service_worker_is_keyed_by_a_build_hash(published):
    output, _ = published
    worker = (output / "sw.js").read_text(encoding="utf-8")
    build = re.search(r'BUILD_HASH\s*=\s*"([0-9a-f]{16})"', worker)
    assert build, "no build hash in sw.js"
    precache = json.loads(re.search(r"PRECACHE_URLS\s*=\s*(\[.*?\])", worker)[1])
    for url in precache:
        path = url.lstrip("/")
        assert (output / path).is_file() or (output / path / "index.html").is_file(), url
    assert {"/", "/faq/", "/search/", "/offline/"} <= set(precache)
    assert [url for url in precache if url.endswith(".css")]
    search = json.loads(re.search(r"SEARCH_URLS\s*=\s*(\[.*?\])", worker)[1])
    assert not [url for url in precache if url.startswith("/search/") and url != "/search/"], \
        "the search files are fetched when a reader first searches, never on the first visit"
    if "search_index" in enabled_plugins():
        assert {"/search/meta.json", "/search/lunr.min.js"} <= set(search)
        build = json.loads((output / "search" / "meta.json").read_text(encoding="utf-8"))["build"]
        parts = {f"/search/{build}/{p.name}" for p in (output / "search" / build).glob("*.json")}
        assert parts and parts <= set(search), "the guide's index is small: kept whole for offline search"
    assert [p.relative_to(output).as_posix() for p in output.rglob("sw.js")] == ["sw.js"]


def test_a_reader_can_read_and_search_offline_after_one_visit(published, browser):
    output, siteurl = published
    # A chapter with no CAUTION card: sensitive pages are never kept (tests/test_safety.py).
    chapter = f"{siteurl}/guide/time-together/"
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A cache left by an older build, holding a page the reader had read.
        page.goto(f"{siteurl}/robots.txt")
        page.evaluate("""async () => {
            const old = await caches.open("closer-0000000000000000");
            await old.put(location.origin + "/about/", new Response("<h1>Old copy</h1>",
                          {headers: {"Content-Type": "text/html"}}));
        }""")
        page.goto(chapter, wait_until="load")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
        build = re.search(r'BUILD_HASH\s*=\s*"(\w+)"', (output / "sw.js").read_text(encoding="utf-8"))[1]
        assert page.evaluate("caches.keys()") == [f"closer-{build}"]
        cached = page.evaluate("async () => (await (await caches.open((await caches.keys())[0])).keys())"
                               ".map(r => new URL(r.url).pathname)")
        assert "/guide/time-together/" in cached
        assert not [path for path in cached if path.startswith("/search/") and path != "/search/"], \
            "the search index was downloaded before the reader searched"
        page.goto(f"{siteurl}/faq/", wait_until="load")
        searching = "search_index" in enabled_plugins()
        page.goto(f"{siteurl}/search/?q=trust", wait_until="load")
        if searching:
            page.locator("#search-results a").first.wait_for(timeout=20000)
            # A small index is fetched whole after the first search, so every word works offline.
            assert page.evaluate("() => closerSearch.prefetched()") is True

        context.set_offline(True)
        served = len(CountingHandler.requests)
        page.goto(chapter, wait_until="load")
        assert page.locator("h1").inner_text().startswith("Quality time")
        page.goto(f"{siteurl}/faq/", wait_until="load")
        assert page.locator(".faq-item").count() > 10
        page.goto(f"{siteurl}/about/", wait_until="load")
        assert page.locator("h1").inner_text() == "About this guide", "the page read under the old build"
        page.goto(f"{siteurl}/search/?q=time+together", wait_until="load")
        assert page.locator("h1").inner_text() == "Search the guide"
        if searching:
            result = page.locator("#search-results a[href*='/guide/time-together/']").first
            result.wait_for(timeout=20000)
            result.click()
            page.wait_for_load_state("load")
            assert page.url.startswith(chapter)
            assert page.locator("h1").inner_text().startswith("Quality time")
        # A page never visited: the offline page, not the browser's error.
        page.goto(f"{siteurl}/guide/couples-therapy/", wait_until="load")
        assert page.locator("h1").inner_text() == "You are offline"
        assert CountingHandler.requests[served:] == [], "offline, yet the server was asked"
        assert not errors
    finally:
        context.close()


def test_a_reader_who_searched_under_an_older_build_gets_this_builds_search_files(published, browser):
    output, siteurl = published
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(f"{siteurl}/robots.txt")
        page.evaluate("""async () => {
            const old = await caches.open("closer-0000000000000000");
            await old.put(location.origin + "/search/meta.json", new Response("{}"));
        }""")
        page.goto(f"{siteurl}/about/", wait_until="load")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
        cached = page.evaluate("async () => (await (await caches.open((await caches.keys())[0])).keys())"
                               ".map(r => new URL(r.url).pathname)")
        assert {"/search/meta.json", "/search/lunr.min.js"} <= set(cached)
        meta = page.evaluate("async () => (await (await caches.match('/search/meta.json')).json())")
        assert meta["terms"], "the old build's copy was kept instead of this build's"
    finally:
        context.close()


# -- deploy targets ---------------------------------------------------------------------------

def test_deploy_rsync_mirrors_the_build_into_a_folder(published, tmp_path):
    output, _ = published
    destination = tmp_path / "www"
    (destination / "old-page").mkdir(parents=True)
    (destination / "old-page" / "index.html").write_text("gone", encoding="utf-8")
    result = make("deploy-rsync", f"OUTPUT={output}", f"DEST={destination}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(destination) == snapshot(output)
    assert not (destination / "old-page").exists()


def test_deploy_refuses_a_folder_that_is_not_a_production_build(tmp_path):
    (tmp_path / "index.html").write_text("local build", encoding="utf-8")
    result = make("deploy-rsync", f"OUTPUT={tmp_path}", f"DEST={tmp_path / 'www'}")
    assert result.returncode != 0
    assert "is not a production build: run make publish SITEURL=https://... first" in result.stderr


def test_deploy_rsync_needs_a_destination(published):
    output, _ = published
    result = make("deploy-rsync", f"OUTPUT={output}", "DEST=")
    assert result.returncode != 0
    assert "Set DEST, for example: make deploy-rsync DEST=user@host:/var/www/closer" in result.stderr


def test_deploy_s3_without_the_aws_cli_says_so_and_fails(published):
    output, _ = published
    result = make("deploy-s3", f"OUTPUT={output}", "BUCKET=closer-test", "AWS=aws-cli-not-installed")
    assert result.returncode != 0
    assert "deploy-s3: the AWS CLI (aws-cli-not-installed) is not installed or does not run." in result.stderr
    assert "Nothing was uploaded." in result.stderr


def test_deploy_s3_sends_types_encodings_and_cache_headers(published):
    output, _ = published
    result = make("deploy-s3", f"OUTPUT={output}", "BUCKET=closer-test", "DRY_RUN=1")
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if line.startswith("aws s3 sync")]
    assert all(f"{output}/ s3://closer-test/" in command for command in commands)
    html_br = [c for c in commands if "--include '*.html.br'" in c]
    assert len(html_br) == 1
    assert "--content-encoding br" in html_br[0] and "--content-type 'text/html; charset=utf-8'" in html_br[0]
    assets_css_gz = [c for c in commands if "--include 'assets/*.css.gz'" in c]
    assert "--content-encoding gzip" in assets_css_gz[0]
    assert "--cache-control 'public, max-age=31536000, immutable'" in assets_css_gz[0]
    assert commands[-1].endswith("--delete")


def test_deploy_gh_pages_commits_the_build_with_its_cname(published, tmp_path):
    """Run against a scratch repository with a bare 'origin', never this one."""
    output, _ = published
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    identity = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    git = functools.partial(subprocess.run, check=True, capture_output=True, env={**os.environ, **identity})
    git(["git", "init", "-q", "--bare", str(remote)])
    git(["git", "init", "-q", str(work)])
    git(["git", "-C", str(work), "commit", "-q", "--allow-empty", "-m", "start"])
    git(["git", "-C", str(work), "remote", "add", "origin", str(remote)])
    (work / "content" / "extra").mkdir(parents=True)
    (work / "content" / "extra" / "CNAME").write_text("guide.example.org\n", encoding="utf-8")
    # The Makefile's venv rule wants requirements.txt; an old one keeps it from reinstalling.
    (work / "requirements.txt").write_text("", encoding="utf-8")
    os.utime(work / "requirements.txt", (0, 0))
    result = make("-f", str(ROOT / "Makefile"), "deploy-gh-pages", f"VENV={ROOT / '.venv'}",
                  f"OUTPUT={output}", "CONTENT=content", cwd=work, env=identity)
    assert result.returncode == 0, result.stdout + result.stderr
    listing = git(["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"], text=True)
    files = listing.stdout.split()
    assert "CNAME" in files and ".nojekyll" in files and "index.html" in files and "sitemap.xml" in files
    cname = git(["git", "-C", str(remote), "show", "gh-pages:CNAME"], text=True).stdout.strip()
    assert cname == "guide.example.org"


# -- the plugins' parts -----------------------------------------------------------------------

@pytest.fixture
def plugins_path(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))


def test_an_asset_name_changes_with_its_bytes_only(plugins_path, tmp_path):
    from assets.fingerprint import AssetCatalogue

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("a { color: red; }\n", encoding="utf-8")
    first = AssetCatalogue.from_folder(tmp_path, minify=True).url("css/site.css")
    assert re.fullmatch(r"assets/css/site\.[0-9a-f]{10}\.css", first)
    assert AssetCatalogue.from_folder(tmp_path, minify=True).url("css/site.css") == first
    (tmp_path / "css" / "site.css").write_text("a { color: blue; }\n", encoding="utf-8")
    assert AssetCatalogue.from_folder(tmp_path, minify=True).url("css/site.css") != first
    catalogue = AssetCatalogue.from_folder(tmp_path, minify=True)
    assert catalogue.files["css/site.css"][1] == b"a{color:blue}"


def test_a_template_asking_for_a_missing_asset_is_an_error(plugins_path, tmp_path, caplog):
    from assets.fingerprint import AssetCatalogue

    AssetCatalogue.from_folder(tmp_path, minify=False).url("js/nope.js")
    assert "asset('js/nope.js'): there is no theme/static/js/nope.js" in caplog.text


def test_the_cache_section_follows_the_security_headers_once(plugins_path, tmp_path):
    from types import SimpleNamespace

    from publishing.site_files import append_cache_headers

    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    security = "/*\n  Content-Security-Policy: default-src 'self'\n"
    (tmp_path / "_headers").write_text(security, encoding="utf-8")
    site = SimpleNamespace(output_path=str(tmp_path), settings={"SITEURL": EXAMPLE})
    append_cache_headers(site)
    append_cache_headers(site)
    headers = (tmp_path / "_headers").read_text(encoding="utf-8")
    assert headers.startswith("/*\n  Content-Security-Policy: default-src 'self'\n\n# == cache")
    assert headers.count("# == cache (publishing plugin) ==") == 1
    assert "/guide/*\n  Cache-Control: public, max-age=0, must-revalidate\n" in headers


def test_a_list_page_is_dated_from_the_links_the_guard_found_else_from_its_own_parse(tmp_path):
    """sitemap_dates: the <main> links of a list page come from the guard's one parse of it
    (ad_guard's page_links); without them the page is parsed here, with the same answer."""
    import datetime

    from publishing.sitemap_dates import newest_linked

    dated = {"guide/a/": datetime.date(2026, 1, 2), "guide/b/": datetime.date(2026, 3, 4)}
    site = "https://guide.example.org"
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "index.html").write_text(
        '<header><a href="/guide/b/">b</a></header><main><a href="/guide/a/#x">a</a>'
        '<a href="https://elsewhere.example/guide/b/">b</a></main>', encoding="utf-8")
    assert newest_linked(tmp_path, "topics/", site, dated) == datetime.date(2026, 1, 2)
    found = {"topics/index.html": ("/guide/a/", "../guide/b/")}
    assert newest_linked(tmp_path / "absent", "topics/", site, dated, found) == datetime.date(2026, 3, 4)
