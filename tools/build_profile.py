"""Where a build's time goes, plugin by plugin. A measurement, not a test.

    python tools/build_profile.py CONTENT [--json]

Builds CONTENT with pelicanconf.py in this process (into a temporary folder)
and charges CPU time (process time, so other work on the machine counts
less) to whoever runs it:

- each of our plugins, for its signal handlers and its own generators;
- "Pelican: reading Markdown" for reading the sources (with the Markdown
  extensions our plugins add: tip cards, first mentions, wiki links, page
  facts), all in this process (``READ_PROCESSES = 1``; a real build reads on
  every core); the search index and the guard's check of the written pages
  too (``BUILD_PROCESSES = 1``);
- "Pelican: everything else" for the rest of the build (settings, Pelican's
  own generators, rendering and writing pages with our theme).

Time is exclusive: a signal fired inside another plugin's generator counts
for the plugin that handles it, not twice. tools/bench.py runs this on the
1,000 replicated and the 1,000 synthetic chapters. A build that logs a problem
(one tools/build.py would fail) gives no profile: it exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from build import configure_logging  # tools/build.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
READING = "Pelican: reading Markdown"
# The guard's first line runs inside the reader (content_model's sanitizer); it is
# charged to itself so the guard's share is ad_guard plus this (README, bench).
SANITIZER = "guard: sanitizer (content_model)"
REST = "Pelican: everything else"


class Ledger:
    """Exclusive CPU time per name, for nested timed calls."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self.stack: list[list] = []  # [name, time spent in timed calls below]

    def timed(self, name: str, function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            self.stack.append([name, 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                total = time.process_time() - started
                _, below = self.stack.pop()
                self.spent[name] += total - below
                if self.stack:
                    self.stack[-1][1] += total

        return wrapper


def plugin_of(obj, plugins: set[str]) -> str | None:
    module = getattr(obj, "__module__", "") or ""
    name = module.split(".")[0]
    return name if name in plugins else None


def instrument(ledger: Ledger, plugins: set[str]) -> None:
    import blinker.base
    from pelican import Pelican, readers

    def timed_send(signal, *args, **kwargs):
        # Blinker calls each receiver in turn; charge each to its plugin.
        sender = args[0] if args else None
        results = []
        for receiver in signal.receivers_for(sender):
            owner = plugin_of(receiver, plugins)
            call = ledger.timed(owner, receiver) if owner else receiver
            results.append((receiver, call(*args, **kwargs)))
        return results

    blinker.base.Signal.send = timed_send

    readers.Readers.read_file = ledger.timed(READING, readers.Readers.read_file)
    from content_model import sanitize  # the module Pelican loads the plugin from (PLUGIN_PATHS)

    sanitize.Sanitizer.sanitize = ledger.timed(SANITIZER, sanitize.Sanitizer.sanitize)
    classes = Pelican._get_generator_classes

    def timed_classes(self):
        found = classes(self)
        for cls in found:
            owner = plugin_of(cls, plugins)
            if owner:
                for method in ("generate_context", "generate_output"):
                    if method in vars(cls):
                        setattr(cls, method, ledger.timed(owner, vars(cls)[method]))
        return found

    Pelican._get_generator_classes = timed_classes


def profile(content: Path) -> dict:
    from pelican import Pelican
    from pelican.settings import read_settings

    # Logging as tools/build.py sets it up, problems counted: the profile of a build that
    # would fail is not a profile of the build.
    counter = configure_logging()
    with tempfile.TemporaryDirectory() as output:
        settings = read_settings(
            str(ROOT / "pelicanconf.py"),
            # Read in this one process, so every CPU second is charged to someone (a real
            # build reads Markdown on every core: content_model/prefetch.py).
            override={"PATH": str(content.resolve()), "OUTPUT_PATH": output, "READ_PROCESSES": 1,
                      "BUILD_PROCESSES": 1},
        )
        plugins = {str(name) for name in settings["PLUGINS"]}
        ledger = Ledger()
        instrument(ledger, plugins)
        started = time.process_time()
        Pelican(settings).run()
        total = time.process_time() - started
    if counter.count:
        raise SystemExit(f"build_profile: building {content} logged {counter.count} problem(s) (above)")
    ledger.spent[REST] = total - sum(ledger.spent.values())
    parts = {name: round(seconds, 3) for name, seconds in ledger.spent.most_common()}
    return {"total": round(total, 3), "parts": parts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON (for tools/bench.py)")
    args = parser.parse_args()
    result = profile(args.content)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"CPU seconds, {args.content}: {result['total']:.2f} s in all")
    for name, seconds in result["parts"].items():
        print(f"  {seconds:7.2f} s  {100 * seconds / result['total']:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
