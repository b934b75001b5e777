"""The search benchmark (never a test): sizes, focus to first result, query latency, Pagefind.

    python tools/search_bench.py [--markdown] [--chapters 1000] [--runs 5]

Builds the guide and a synthetic guide of --chapters chapters (tools/synth.py)
into a temporary folder with the real build, serves each on 127.0.0.1 and
measures in Chromium (Playwright):

- the size of search/index.json, docs.json and lunr.min.js, raw and gzipped;
- focus to first result: a fresh browser (empty cache) focuses the header's
  search box and types "trust"; the time until the first result is drawn,
  which includes downloading lunr.js and the index and the 80 ms debounce.
  Measured as served from this machine, and with a slow phone emulated
  (1.6 Mbit/s, 150 ms round trip, CPU 4x slower);
- per-query latency: every query of tests/search_queries.json and every
  prefix of it a reader types on the way (2 letters and more), each run
  through search.js's own search (words, clauses, lunr) and through search
  plus drawing the dropdown; p50 and p95;
- recall@3 of those queries (guide), and the same figures for Pagefind (npm
  ``pagefind`` 1.6.0) run on a copy of the same output: bytes it fetches
  before the first result, time to the first result from a fresh browser,
  latency of a search with the data of its first six results. Pagefind is not in
  package.json: its package lists a binary for every platform and the
  registry this project uses serves only the Linux ones, so a lock file with
  it fails ``npm ci``. The benchmark installs the pinned version with npm into
  node_modules/.cache/search-bench/ the first time it runs.

--markdown prints Markdown for tools/bench.py (bench/results.md).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import synth  # noqa: E402

QUERIES = json.loads((ROOT / "tests" / "search_queries.json").read_text(encoding="utf-8"))["queries"]
PAGEFIND_VERSION = "1.6.0"
PAGEFIND_HOME = ROOT / "node_modules" / ".cache" / "search-bench"
PAGEFIND = PAGEFIND_HOME / "node_modules" / ".bin" / "pagefind"
SEARCH_FILES = ("index.json", "docs.json", "lunr.min.js")
SLOW_PHONE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}

FIRST_RESULT = """async (text) => {
  const box = document.getElementById('site-search');
  const start = performance.now();
  box.focus();
  box.value = text;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise(resolve => {
    const drawn = () => document.querySelector('#site-search-listbox [role=option]');
    const check = () => drawn() ? resolve() : requestAnimationFrame(check);
    check();
  });
  return performance.now() - start;
}"""

LATENCY = """async ([texts, runs]) => {
  await closerSearch.load();
  const search = [], draw = [];
  for (let run = 0; run < runs; run++) {
    for (const text of texts) {
      let start = performance.now();
      await closerSearch.search(text, true);
      search.push(performance.now() - start);
      start = performance.now();
      await closerSearch.show(text);
      draw.push(performance.now() - start);
    }
  }
  return {search, draw};
}"""

OUR_TOP = """async (texts) => {
  const out = [];
  for (const text of texts) out.push((await closerSearch.search(text, true)).slice(0, 3).map(hit => hit.url));
  return out;
}"""

PAGEFIND_TOP = """async (texts) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const out = [];
  for (const text of texts) {
    const found = await pagefind.search(text);
    const pages = await Promise.all(found.results.slice(0, 3).map(result => result.data()));
    out.push(pages.map(page => ({url: page.url, sections: page.sub_results.slice(0, 3).map(s => s.url)})));
  }
  return out;
}"""

# Pagefind's equivalent of a dropdown's worth of results: the search and the
# data of the first six results (their titles and excerpts), which it fetches.
PAGEFIND_LATENCY = """async (texts) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const times = [];
  for (const text of texts) {
    const start = performance.now();
    const found = await pagefind.search(text);
    await Promise.all(found.results.slice(0, 6).map(result => result.data()));
    times.push(performance.now() - start);
  }
  return times;
}"""

# From a page that has loaded nothing of Pagefind to the first result's data:
# what a reader waits for between focusing a Pagefind search box and a result.
PAGEFIND_FIRST = """async (text) => {
  const start = performance.now();
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const found = await pagefind.search(text);
  if (found.results.length) await found.results[0].data();
  const elapsed = performance.now() - start;
  const bytes = performance.getEntriesByType('resource')
    .filter(entry => entry.name.includes('/pagefind/'))
    .reduce((sum, entry) => sum + entry.encodedBodySize, 0);
  return {elapsed, bytes};
}"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def build(content: Path, output: Path) -> Path:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build.py"),
            "--content",
            str(content),
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"search_bench: building {content} failed:\n{result.stderr[-3000:]}")
    return output


class Served:
    def __init__(self, folder: Path) -> None:
        handler = functools.partial(Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def typed(texts: list[str]) -> list[str]:
    """Each query and every prefix of 2 characters or more: what search.js sees while a reader types."""
    found = []
    for text in texts:
        found += [text[:end] for end in range(2, len(text) + 1)]
    return found


def sizes(output: Path) -> dict[str, tuple[int, int]]:
    return {
        name: (len(data), gz(data))
        for name in SEARCH_FILES
        for data in [(output / "search" / name).read_bytes()]
    }


def in_fresh_browsers(browser, page_url: str, script: str, runs: int, slow: bool) -> list:
    """``script("trust")`` evaluated on ``page_url`` in ``runs`` fresh browsers (empty caches)."""
    measured = []
    for _ in range(runs):
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        if slow:
            throttle(context, page)
        page.goto(page_url, wait_until="load")
        measured.append(page.evaluate(script, "trust"))
        context.close()
    return measured


def first_result(browser, url: str, runs: int, slow: bool) -> float:
    return statistics.median(in_fresh_browsers(browser, url + "/", FIRST_RESULT, runs, slow))


def latency(browser, url: str, texts: list[str], runs: int) -> dict[str, list[float]]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/", wait_until="load")
    page.focus("#site-search")
    measured = page.evaluate(LATENCY, [texts, runs])
    context.close()
    return measured


def hit(url: str, expected: list[str]) -> bool:
    url = url.lstrip("/")
    # Pagefind indexes each FAQ answer's own page (faq/<slug>/): count it as faq/#<slug>.
    if url.startswith("faq/") and url.count("/") == 2 and "#" not in url:
        url = "faq/#" + url.split("/")[1]
    return any(url == e or ("#" not in e and url.split("#")[0] == e) for e in expected)


def our_recall(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/", wait_until="load")
    tops = page.evaluate(OUR_TOP, [q["q"] for q in QUERIES])
    context.close()
    return sum(any(hit(u, q["expect"]) for u in top) for q, top in zip(QUERIES, tops)) / len(QUERIES)


def pagefind(browser, output: Path, work: Path, texts: list[str], runs: int) -> dict:
    """Pagefind on a copy of the same output (its main content only), queried through its JS API."""
    if not PAGEFIND.exists():
        PAGEFIND_HOME.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(PAGEFIND_HOME),
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"pagefind@{PAGEFIND_VERSION}",
            ],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0 or not PAGEFIND.exists():
            return {"error": f"could not install pagefind {PAGEFIND_VERSION}: {installed.stderr[-300:]}"}
    site = work / f"pagefind-{output.name}"
    shutil.copytree(output, site)
    # A bare page to run Pagefind from: the site's own pages forbid WebAssembly in their CSP.
    (site / "pagefind-bench.html").write_text("<!doctype html><title>Pagefind</title>", encoding="utf-8")
    result = subprocess.run(
        [str(PAGEFIND), "--site", str(site), "--root-selector", "main", "--silent"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return {"error": result.stderr[-500:]}
    bundle = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    with Served(site) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/pagefind-bench.html")
        found = page.evaluate(PAGEFIND_TOP, [q["q"] for q in QUERIES])
        times = page.evaluate(PAGEFIND_LATENCY, texts)
        context.close()
        first = pagefind_first(browser, url, runs, slow=False)
        first_slow = pagefind_first(browser, url, max(1, runs // 2), slow=True)
    recall = sum(
        any(hit(top["url"], q["expect"]) or any(hit(s, q["expect"]) for s in top["sections"]) for top in tops)
        for q, tops in zip(QUERIES, found)
    ) / len(QUERIES)
    return {
        "recall": recall,
        "search": (percentile(times, 0.5), percentile(times, 0.95)),
        "bundle": bundle,
        "first": first["elapsed"],
        "first_slow": first_slow["elapsed"],
        "first_bytes": first["bytes"],
    }


def pagefind_first(browser, url: str, runs: int, slow: bool) -> dict:
    """Median time to Pagefind's first result in a fresh browser, and the bytes it fetched."""
    measured = in_fresh_browsers(browser, url + "/pagefind-bench.html", PAGEFIND_FIRST, runs, slow)
    measured.sort(key=lambda m: m["elapsed"])
    return measured[len(measured) // 2]


def throttle(context, page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_PHONE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})


def measure_site(browser, output: Path, runs: int, texts: list[str], work: Path, recall: bool) -> dict:
    with Served(output) as url:
        measured = latency(browser, url, texts, runs)
        ours = {
            "sizes": sizes(output),
            "documents": len(json.loads((output / "search" / "docs.json").read_text())["docs"]),
            "first": first_result(browser, url, runs, slow=False),
            "first_slow": first_result(browser, url, max(1, runs // 2), slow=True),
            "search": (percentile(measured["search"], 0.5), percentile(measured["search"], 0.95)),
            "draw": (percentile(measured["draw"], 0.5), percentile(measured["draw"], 0.95)),
            "recall": our_recall(browser, url) if recall else None,
            "queries": len(texts),
        }
    ours["pagefind"] = pagefind(browser, output, work, texts, runs)
    return ours


def report(results: dict, markdown: bool) -> str:
    lines = []
    if markdown:
        lines += ["| | " + " | ".join(results) + " |", "| --- |" + " ---: |" * len(results)]

        def row(label: str, values: list[str]) -> None:
            lines.append(f"| {label} | " + " | ".join(values) + " |")
    else:

        def row(label: str, values: list[str]) -> None:
            lines.append(f"{label:<48}" + "".join(f"{v:>26}" for v in values))

        lines.append(" " * 48 + "".join(f"{name:>26}" for name in results))
    sites = list(results.values())
    pagefinds = [s["pagefind"] for s in sites]

    def pf(fmt) -> list[str]:
        return [fmt(p) if "error" not in p else "not measured" for p in pagefinds]

    row("documents (sections, questions, tips, ...)", [f"{s['documents']:,}" for s in sites])
    for name in SEARCH_FILES:
        row(
            f"ours: {name} raw / gzipped",
            [f"{s['sizes'][name][0]:,} B / {s['sizes'][name][1]:,} B" for s in sites],
        )
    row(
        "ours: fetched before the first result (gzipped)",
        [f"{sum(s['sizes'][n][1] for n in SEARCH_FILES):,} B" for s in sites],
    )
    row("Pagefind: bundle on disk / fetched for the first result",
        pf(lambda p: f"{p['bundle']:,} B / {p['first_bytes']:,} B"))
    row("ours: focus to first result (local)", [f"{s['first']:.0f} ms" for s in sites])
    row("Pagefind: first result (local)", pf(lambda p: f"{p['first']:.0f} ms"))
    row("ours: focus to first result (slow phone)", [f"{s['first_slow']:.0f} ms" for s in sites])
    row("Pagefind: first result (slow phone)", pf(lambda p: f"{p['first_slow']:.0f} ms"))
    row("ours: query p50 / p95 (search)", [f"{s['search'][0]:.2f} / {s['search'][1]:.2f} ms" for s in sites])
    row("ours: query p50 / p95 (search + drawing)",
        [f"{s['draw'][0]:.2f} / {s['draw'][1]:.2f} ms" for s in sites])
    row("Pagefind: query p50 / p95 (search + 6 results' data)",
        pf(lambda p: f"{p['search'][0]:.2f} / {p['search'][1]:.2f} ms"))
    row("queries timed (each query and its prefixes)", [f"{s['queries']:,}" for s in sites])
    first = sites[0]
    lines.append("")
    pagefind_recall = first["pagefind"]
    lines.append(
        f"Recall@3 on the {len(QUERIES)} reader queries (tests/search_queries.json), guide: "
        f"ours {first['recall']:.0%}, "
        + (
            f"Pagefind {pagefind_recall['recall']:.0%}."
            if "recall" in pagefind_recall
            else f"Pagefind not measured: {pagefind_recall['error']}"
        )
    )
    lines.append(
        "Pagefind ran on a copy of the same output (`--root-selector main`), queried through its JS API "
        "from a bare page (the site's CSP forbids its WebAssembly). Slow phone: 1.6 Mbit/s down, 150 ms "
        "round trip, CPU 4x slower (Chrome DevTools emulation). Targets: index <= 60 KB gzipped for the "
        "guide; p95 <= 10 ms (guide), <= 50 ms (1,000 chapters)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown (for tools/bench.py)")
    parser.add_argument("--chapters", type=int, default=1000, help="synthetic guide size (0 to skip)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    texts = typed([q["q"] for q in QUERIES])
    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        work = Path(tmp)
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        guide = build(ROOT / "content", work / "guide")
        results["guide"] = measure_site(browser, guide, args.runs, texts, work, recall=True)
        if args.chapters:
            content = synth.generate(args.chapters, work / "synth")
            big = build(content, work / "synth-out")
            results[f"{args.chapters:,} synthetic chapters"] = measure_site(
                browser, big, args.runs, texts, work, recall=False)
        browser.close()
    print(report(results, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
