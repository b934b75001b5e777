"""Lighthouse audit of the built site with Debian's Chromium.

    python tools/audit.py [--content content] [--reports DIR]

Builds the production site (publishconf.py) with SITEURL set to a free port
on 127.0.0.1 (CONTACT from the environment, else a reserved example address),
serves it there, runs Lighthouse (npm, mobile form factor) on the
home page, a chapter, /faq/, /topics/ and /search/?q=trust, prints a table and
exits 1 when accessibility, best practices or SEO is below 100 or performance
below 95, naming the Lighthouse audits that cost the points (and the
elements they blame). --reports DIR keeps every page's HTML and JSON report.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = os.environ.get("AUDIT_PAGES", "/ /guide/building-trust/ /faq/ /topics/ /search/?q=trust").split()
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")

# Lighthouse audits (newest name first) that name the elements behind poor metrics.
PERFORMANCE_CULPRITS = {
    "largest contentful paint element": ("lcp-breakdown-insight", "largest-contentful-paint-element"),
    "layout shift": ("layout-shifts", "cls-culprits-insight"),
}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serve the build the way the hosts in the README do, not the way http.server does.

    Lighthouse judges the page together with its server, and a bare
    SimpleHTTPRequestHandler is a worse host than anything we deploy to: it
    speaks HTTP/1.0 (a new connection per file), never compresses, and ignores
    the ``_headers`` file. Scores taken from it would blame the site for the
    test server. So, like Netlify / Cloudflare Pages (or nginx with
    ``brotli_static``/``gzip_static``, README "Behind a CDN"), this handler:

    - keeps connections alive (HTTP/1.1; real hosts speak HTTP/2 or better);
    - sends the precompressed ``X.br`` or ``X.gz`` that the build wrote beside
      ``X`` when the browser's Accept-Encoding allows it, with
      ``Content-Encoding``, the type of ``X`` and ``Vary: Accept-Encoding``;
    - adds the headers that ``_headers`` gives the URL (security headers and
      Cache-Control), as those hosts do;
    - answers a missing file with ``/404.html`` and status 404.

    It serves files only: nothing here knows about Lighthouse or any page.
    """

    protocol_version = "HTTP/1.1"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".webmanifest": "application/manifest+json"}
    ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
    TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json",
                  "application/xml", "application/atom+xml", "image/svg+xml")

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # the 301 to the trailing slash
            path = path / "index.html"
        status = HTTPStatus.OK
        if not path.is_file() or path.name == "_headers":  # hosts never serve _headers itself
            status, path = HTTPStatus.NOT_FOUND, Path(self.directory) / "404.html"
            if not path.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return None
        content_type = self.guess_type(str(path))
        if content_type.startswith(self.TEXT_TYPES) and "charset" not in content_type:
            content_type += "; charset=utf-8"
        body, encoding = path, None
        accepted = self.accepted_encodings()
        for name, suffix in self.ENCODINGS:
            compressed = path.with_name(path.name + suffix)
            if name in accepted and compressed.is_file():
                body, encoding = compressed, name
                break
        stream = body.open("rb")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(body.stat().st_size))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        if path.with_name(path.name + ".gz").is_file() or path.with_name(path.name + ".br").is_file():
            self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        for name, value in host_headers(Path(self.directory), url_path):
            self.send_header(name, value)
        self.end_headers()
        return stream

    def accepted_encodings(self) -> set[str]:
        accepted = set()
        for part in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = part.strip().partition(";")
            if name and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
                accepted.add(name.strip().lower())
        return accepted


def header_rules(site: Path) -> list[tuple[re.Pattern, list[tuple[str, str]]]]:
    """The rules of site/_headers (Netlify syntax): a URL pattern, `*` matching
    anything, followed by indented `Name: value` lines."""
    rules: list[tuple[re.Pattern, list[tuple[str, str]]]] = []
    headers = site / "_headers"
    for line in headers.read_text(encoding="utf-8").splitlines() if headers.is_file() else []:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            rules.append((re.compile(pattern + r"\Z"), []))
        elif rules:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def host_headers(site: Path, url_path: str) -> list[tuple[str, str]]:
    """The headers _headers gives url_path, every matching rule in file order."""
    return [header for pattern, headers in header_rules(site) if pattern.match(url_path)
            for header in headers]


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Bind first (so the build knows its URL), serve once the folder exists."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StaticHost, directory=str(folder)))
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def build(content: Path, output: Path, siteurl: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", str(ROOT / "publishconf.py"),
         "--content", str(content), "--output", str(output)],
        check=True, env={**os.environ, "SITEURL": siteurl,
                         "CONTACT": os.environ.get("CONTACT") or "editors@example.org"},
    )


def lighthouse(url: str, report: Path, attempts: int = 5) -> dict:
    """Run Lighthouse on url; report.report.json (and .html) are written beside `report`.

    A run that crashes (Lighthouse's own runtime errors, such as NO_NAVSTART when
    Chromium's trace comes back empty, end with "Please run Lighthouse again")
    is run again, up to `attempts` times. A run that finishes is never repeated:
    its scores stand, however low. Five, because here about one page run in
    five crashed that way: three tries would still fail a CI run now and then.
    """
    output = report.with_name(report.name + ".report.json")
    for attempt in range(1, attempts + 1):
        output.unlink(missing_ok=True)
        result = subprocess.run(
            ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output=html",
             f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
             "--only-categories=performance,accessibility,best-practices,seo"],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        data = json.loads(output.read_text(encoding="utf-8")) if output.is_file() else {}
        error = data.get("runtimeError", {}).get("code") if data else f"exit status {result.returncode}"
        if result.returncode == 0 and error in (None, "NO_ERROR"):
            return data
        reason = error if error not in (None, "NO_ERROR") else f"exit status {result.returncode}"
        print(f"audit: Lighthouse crashed on {url} ({reason}), attempt {attempt} of {attempts}",
              file=sys.stderr, flush=True)
    raise SystemExit(f"audit: Lighthouse could not finish on {url} in {attempts} attempts")


def scores(data: dict) -> dict[str, int]:
    return {key: round((category["score"] or 0) * 100) for key, category in data["categories"].items()}


def failed_audits(data: dict, category: str) -> list[str]:
    """One line per audit that costs `category` points: id, title, measured value, score."""
    lines = []
    for ref in data["categories"][category]["auditRefs"]:
        audit = data["audits"][ref["id"]]
        if not ref["weight"] or audit["score"] is None or audit["score"] >= 1:
            continue
        value = f" = {audit['displayValue']}" if audit.get("displayValue") else ""
        lines.append(f"{ref['id']}{value} (score {audit['score']:.2f}, weight {ref['weight']}): "
                     f"{audit['title']}")
        lines += [f"    {item}" for item in culprits(audit)]
    if category == "performance":  # the metrics name no elements; these diagnostics do
        for label, ids in PERFORMANCE_CULPRITS.items():
            audit = next((data["audits"][i] for i in ids if i in data["audits"]), {})
            lines += [f"{label}: {item}" for item in culprits(audit)]
    return lines


def culprits(audit: dict) -> list[str]:
    """The elements an audit names (layout shifts, contrast, names...), at most 5."""
    found = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if value.get("type") == "node" and value.get("selector"):
                found.append(f"{value['selector']}  {value.get('snippet', '')[:100]}")
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(audit.get("details", {}))
    return list(dict.fromkeys(found))[:5]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--reports", type=Path,
                        help="keep each page's Lighthouse report (HTML and JSON) in this folder")
    args = parser.parse_args(argv)
    failures = []
    failed_pages = set()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        reports = args.reports or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        httpd, base = serve(site)
        build(args.content, site, base)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        print(f"{'page':28} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}", flush=True)
        try:
            for page in PAGES:
                name = re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-") or "home"
                data = lighthouse(base + page, reports / name)
                score = scores(data)
                print(f"{page:28} {score['performance']:>5} {score['accessibility']:>5} "
                      f"{score['best-practices']:>5} {score['seo']:>5}", flush=True)
                for category, minimum in MINIMUM.items():
                    if score[category] < minimum:
                        failed_pages.add(page)
                        failures.append(f"{page}: {category} {score[category]} < {minimum}; failing audits:")
                        failures += [f"  {line}" for line in failed_audits(data, category)]
        finally:
            httpd.shutdown()
    for failure in failures:
        print("audit: " + failure, file=sys.stderr)
    if failures and args.reports:
        print(f"audit: the full reports are in {args.reports}/", file=sys.stderr)
    elif failures:
        print("audit: to keep the full reports, run: python tools/audit.py --reports DIR", file=sys.stderr)
    # One page = one check; the closing line in the form test runners use (and CI reads).
    print(f"audit: {len(PAGES) - len(failed_pages)} passed, {len(failed_pages)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
