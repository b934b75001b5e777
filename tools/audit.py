"""Lighthouse audit of the built site with Debian's Chromium.

    python tools/audit.py [--content content]

Builds the production site (publishconf.py) with SITEURL set to a free port
on 127.0.0.1, serves it there, runs Lighthouse (npm, mobile form factor) on the
home page, a chapter, /faq/, /topics/ and /search/?q=trust, prints a table and
exits 1 when accessibility, best practices or SEO is below 100 or performance
below 95.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = os.environ.get("AUDIT_PAGES", "/ /guide/building-trust/ /faq/ /topics/ /search/?q=trust").split()
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Bind first (so the build knows its URL), serve once the folder exists."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def build(content: Path, output: Path, siteurl: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", str(ROOT / "publishconf.py"),
         "--content", str(content), "--output", str(output)],
        check=True, env={**os.environ, "SITEURL": siteurl},
    )


def lighthouse(url: str, workdir: Path) -> dict[str, int]:
    report = workdir / "report.json"
    subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--chrome-flags={CHROME_FLAGS}", "--only-categories=performance,accessibility,best-practices,seo"],
        check=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    categories = json.loads(report.read_text())["categories"]
    failed = {}
    data = json.loads(report.read_text())
    for key, category in categories.items():
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failed.setdefault(key, []).append(ref["id"])
    scores = {key: round((c["score"] or 0) * 100) for key, c in categories.items()}
    scores["_failed"] = failed
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", type=Path)
    args = parser.parse_args(argv)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        httpd, base = serve(site)
        build(args.content, site, base)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        print(f"{'page':28} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
        try:
            for page in PAGES:
                scores = lighthouse(base + page, Path(tmp))
                print(f"{page:28} {scores['performance']:>5} {scores['accessibility']:>5} "
                      f"{scores['best-practices']:>5} {scores['seo']:>5}")
                for category, minimum in MINIMUM.items():
                    if scores[category] < minimum:
                        failures.append(f"{page}: {category} {scores[category]} < {minimum} "
                                        f"(failing audits: {', '.join(scores['_failed'].get(category, []))})")
        finally:
            httpd.shutdown()
    for failure in failures:
        print("audit: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
