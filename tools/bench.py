"""The benchmark (never a test): build time, scale, search and page weight.

    python tools/bench.py [--quick]

Prints a table and writes bench/results.md. Every ratio compares figures
measured in this one run on this machine.

- build time of the guide with all our plugins vs plain Pelican (the same
  Markdown, no plugins, Pelican's default theme);
- the same for the real chapters replicated to 100 and 1,000, and for 100
  and 1,000 synthetic chapters (tools/synth.py), and the 1,000/100 time ratios;
- peak memory (max RSS) of each build;
- where the time goes, plugin by plugin, on the 1,000 replicated chapters
  (tools/build_profile.py), and the guard's share of build CPU in each of three
  profiles of the 1,000 replicated and the 1,000 synthetic chapters;
- search figures from tools/search_bench.py when it exists, on the guide and
  the real guide replicated to 1,000 and 10,000 chapters (bytes and time from
  focus to first result, query latency, recall, index build time, Pagefind on
  the same output, and a line on each of issue #20's targets; the 10,000-chapter
  size takes most of an hour on two shared cores, its site build alone about 20
  CPU minutes);
- page weight (HTML + CSS + JS, gzipped) of each page type.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import synth
from bs4 import BeautifulSoup
from build_profile import SANITIZER

ROOT = Path(__file__).resolve().parent.parent

PLAIN_SETTINGS = """
PATH = {content!r}
ARTICLE_PATHS = ["articles", "faq"]
PAGE_PATHS = ["pages", "topics"]
PLUGINS = []
DEFAULT_DATE = (2026, 1, 1)
TIMEZONE = "UTC"
SITEURL = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = None
"""
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(time.perf_counter() - t, u.ru_maxrss, r.returncode, u.ru_utime + u.ru_stime)\n"
    "sys.stderr.write(r.stderr.decode()[-2000:])\n"
)
PAGE_TYPES = {
    "home": "index.html",
    "chapter": "guide/building-trust/index.html",
    "FAQ": "faq/index.html",
    "question": "faq/partner-not-open/index.html",
    "topics": "topics/index.html",
    "topic": "topics/trust/index.html",
    "tips": "tips/index.html",
    "search": "search/index.html",
    "page": "about/index.html",
}


def with_environment(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment with ``env`` over it, for a child build."""
    return {**os.environ, **(env or {})}


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall time in seconds, peak memory in MB and CPU seconds (every process) of one command."""
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                            env=with_environment(env))
    seconds, rss_kb, code, cpu = result.stdout.split()
    if code != "0":
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{result.stderr}")
    return float(seconds), int(rss_kb) / 1024, float(cpu)


def ours(content: Path, output: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    return measure([sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(content),
                    "--output", str(output)], env)


def plain(content: Path, output: Path, workdir: Path) -> tuple[float, float]:
    settings = workdir / "plainconf.py"
    settings.write_text(PLAIN_SETTINGS.format(content=str(content)))
    return measure([sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(settings),
                    "-q", "--fatal", "errors"])


def best_of(runs: int, fn, *args) -> tuple[float, float, float]:
    results = [fn(*args) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), min(r[2] for r in results)


def page_weight(output: Path, relative: str) -> int | None:
    page = output / relative
    if not page.exists():
        return None
    html = page.read_bytes()
    total = len(gzip.compress(html, 9))
    soup = BeautifulSoup(html, "html.parser")
    assets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assets += [s["src"] for s in soup.find_all("script", src=True)]
    for asset in assets:
        local = urlsplit(asset).path.lstrip("/")
        path = output / local
        if path.exists():
            total += len(gzip.compress(path.read_bytes(), 9))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, skip 1,000 chapters")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        chapters = len(list((ROOT / "content" / "articles").glob("*.md")))
        # (name, content, environment): a synthetic guide is built as of the day after its
        # reviews (synth.build_environment), the real chapters as of today.
        trees = [(f"guide ({chapters} chapters)", ROOT / "content", {})]
        sizes = [100] if args.quick else [100, 1000]
        # The real chapters copied until there are N (the measure issue #18 sets), and
        # lighter synthetic prose (tools/synth.py) beside them.
        for size in sizes:
            trees.append((f"replicated {size} chapters", synth.replicate(size, work / f"real{size}"), {}))
        for size in sizes:
            trees.append((f"synthetic {size} chapters", synth.generate(size, work / f"synth{size}"),
                          synth.build_environment()))
        for name, content, env in trees:
            ours_time, ours_rss, ours_cpu = best_of(runs, ours, content, work / "ours", env)
            plain_time, plain_rss, plain_cpu = best_of(runs, plain, content, work / "plain", work)
            builds.append((name, ours_time, plain_time, ours_rss, plain_rss, ours_cpu, plain_cpu))
            print(f"{name}: ours {ours_time:.2f} s / plain {plain_time:.2f} s", flush=True)
        # Where the time goes, plugin by plugin, on the largest replicated guide; the guard's
        # share there and on as many synthetic chapters, in each of `runs` profiles (one
        # build's total varies by a third from run to run on a shared machine).
        profiled_name = trees[len(sizes)][0]
        profiles = {name: sorted((build_profile(content, env) for _ in range(runs)), key=guard_share)
                    for name, content, env in (trees[len(sizes)], trees[2 * len(sizes)])}
        profiled = profiles[profiled_name][runs // 2]  # the run with the median share
        # The guide's output, for page weights and search.
        ours(ROOT / "content", work / "guide")
        weights = {kind: page_weight(work / "guide", rel) for kind, rel in PAGE_TYPES.items()}
        search = run_search_bench(work)

    lines = ["# Benchmark results", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on one machine, "
             f"best of {runs} run(s) per build; ratios are within this run.", "",
             "## Build time", "",
             "Wall time (Markdown is read on every core, content_model/prefetch.py) and CPU time of "
             "every process of the build.", "",
             "| content | ours (all plugins) | plain Pelican | ratio | CPU ours / plain | "
             "peak memory ours / plain |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, ours_time, plain_time, ours_rss, plain_rss, ours_cpu, plain_cpu in builds:
        lines.append(f"| {name} | {ours_time:.2f} s | {plain_time:.2f} s | {ours_time / plain_time:.2f} | "
                     f"{ours_cpu:.1f} s / {plain_cpu:.1f} s | {ours_rss:.0f} MB / {plain_rss:.0f} MB |")
    by_name = {b[0]: b for b in builds}
    for kind in ("replicated", "synthetic"):
        if f"{kind} 1000 chapters" in by_name:
            big, small = by_name[f"{kind} 1000 chapters"], by_name[f"{kind} 100 chapters"]
            lines += ["", f"1,000/100 chapter time ratio, {kind}: ours {big[1] / small[1]:.1f}, "
                          f"plain Pelican {big[2] / small[2]:.1f} (linear growth is about 10)."]
    lines += ["", f"## Where the time goes: {profiled_name}, CPU seconds by plugin", "",
              "tools/build_profile.py: exclusive process time of each plugin's signal handlers and "
              "generators; reading Markdown includes our Markdown extensions.", "",
              "| part | CPU seconds | share |", "| --- | ---: | ---: |"]
    for part, seconds in profiled["parts"].items():
        lines.append(f"| {part} | {seconds:.2f} | {100 * seconds / profiled['total']:.1f}% |")
    lines.append(f"| all | {profiled['total']:.2f} | 100% |")
    lines += ["", "## The guard's share of build CPU", "",
              "ad_guard and the sanitizer (content_model), tools/build_profile.py, in each run; "
              "issue #15's budget is 10%.", "",
              "| content | each run | median |", "| --- | --- | ---: |"]
    for name, runs_of in profiles.items():
        shares = [100 * guard_share(run) for run in runs_of]
        lines.append(f"| {name} | {', '.join(f'{share:.1f}%' for share in shares)} | "
                     f"{shares[len(shares) // 2]:.1f}% |")
    lines += ["", "## Page weight (HTML + CSS + JS, gzipped)", "", "| page type | bytes |", "| --- | ---: |"]
    for kind, weight in weights.items():
        lines.append(f"| {kind} | {'n/a' if weight is None else f'{weight:,}'} |")
    lines += ["", "## Search", ""] + (search or ["tools/search_bench.py not available."])
    text = "\n".join(lines) + "\n"
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench" / "results.md").write_text(text)
    print(text)
    return 0


GUARD_PARTS = ("ad_guard", SANITIZER)  # tools/build_profile.py's names for the guard's two lines


def guard_share(profile: dict) -> float:
    return sum(profile["parts"].get(part, 0.0) for part in GUARD_PARTS) / profile["total"]


def build_profile(content: Path, env: dict[str, str] | None = None) -> dict:
    command = [sys.executable, str(ROOT / "tools" / "build_profile.py"), str(content), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=with_environment(env))
    if result.returncode != 0:
        raise SystemExit(f"bench: profiling the build of {content} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_search_bench(work: Path) -> list[str] | None:
    script = ROOT / "tools" / "search_bench.py"
    if not script.exists():
        return None
    result = subprocess.run([sys.executable, str(script), "--markdown", "--chapters", "1000,10000"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return [f"search benchmark failed: {result.stderr[-500:]}"]
    return result.stdout.splitlines()


if __name__ == "__main__":
    sys.exit(main())
