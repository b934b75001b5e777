"""Live preview: build, serve on 127.0.0.1, show an edited page at once, then rebuild the rest.

    python tools/serve.py [--content content] [--output output] [--port 8000]

How a save reaches the browser (docs/architecture.md, "Live preview"):

- A warm builder. A worker process imports Pelican, the plugins and what a
  build used once; every build is a child forked from it (``os.fork``), so
  imports are warm and every build still starts from clean state (Pelican is
  not made for repeated runs in one process). An edit to ``plugins/``,
  ``pelicanconf.py`` or ``tools/build.py`` starts a new worker, so code
  changes are picked up.
- Pelican's reader cache (``CONTENT_CACHING_LAYER = "reader"``, in a
  temporary folder outside the output, emptied when the preview starts and
  when code changes): a file that did not change is not read again. A file
  whose read logged a warning or an error is never kept in the cache, so it
  is read, and its problem reported, again in every build until it is fixed.
- The edited page first. When only chapters, FAQ entries, pages or topics
  that the last good build knew changed, a quick pass builds the site and
  writes only the edited files' pages, then puts them into the served folder
  one file at a time (``os.replace``) and the browser reloads. Every other
  file keeps its cached metadata, and its text is read only where the edited
  page shows something of it (the pages linking to it, its related reading,
  as the last good build recorded them); the rest get a one-line stub, so no
  plugin spends time on them. Above WHOLE_SITE_UP_TO chapters and questions,
  the plugins' whole-site work (related reading for every page) would still
  take too long, so only those files, the ones the edited files name (wiki
  links, Related), their neighbours in guide order and the first chapter of
  each part are read at all. Problems located in an edited file stop the
  quick pass: they are printed as ``path:line: error: ...`` and nothing is
  replaced. Problems elsewhere are left to the full build.
- Then the whole site. The full build (tools/build.py: a temporary folder,
  swapped in only when nothing was logged) runs right after, and again when a
  save arrives during it (the running one is stopped). If it fails, the
  pages the quick pass replaced are put back, so what is served is always
  the last good build; its problems are printed as ``path:line: error: ...``.

Only the last good build is ever served; a first build that fails leaves an
empty folder served until a build succeeds.

Also warm: Jinja's compiled templates (a bytecode cache beside the reader
cache) and the plugins' cached constants (zero-argument ``functools.cache``
functions, computed once in the worker: such a function must not depend on
the settings or the content). Limits: a new, deleted or renamed file, a data
file or a theme change gets the full build only; above WHOLE_SITE_UP_TO the
quick page's related reading is ranked among the files read, so it can
differ from the full build's until that one lands (on the replicated
1,000-chapter guide it came out identical). CLOSER_PREVIEW_DEBUG=1 prints the
problems a quick pass left to the full build.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from guide_core.problems import display_path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
# Changes here are code: the worker is restarted and the reader cache emptied.
CODE = (ROOT / "plugins", ROOT / "pelicanconf.py", ROOT / "tools" / "build.py")
THEME = ROOT / "theme"
# Folders of the content whose files the quick pass can build alone.
CONTENT_FOLDERS = ("articles", "faq", "pages", "topics")
# Folders the quick pass narrows to the neighbourhood of the edited files; the rest
# (pages, topics: few) are always read.
NARROWED = ("articles", "faq")
INDEX = "index.json"


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------------------
# The worker: a warm process that forks one child per build.
# --------------------------------------------------------------------------------------


def cache_settings(cache: Path) -> dict:
    """The settings a preview build adds: Pelican's reader cache, Jinja's compiled templates."""
    from jinja2 import FileSystemBytecodeCache
    from pelican.settings import read_settings

    templates = cache / "jinja"
    templates.mkdir(parents=True, exist_ok=True)
    jinja = dict(read_settings(str(SETTINGS))["JINJA_ENVIRONMENT"])
    # Keyed by each template's source, so an edited template is compiled again.
    jinja["bytecode_cache"] = FileSystemBytecodeCache(str(templates))
    return {
        "JINJA_ENVIRONMENT": jinja,
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": "reader",
        "CACHE_PATH": str(cache / "pelican"),
        # A hash, not the mtime: a file copied in with its old mtime is still seen as new.
        "CHECK_MODIFIED_METHOD": "sha256",
        "GZIP_CACHE": False,
        # Reading ahead on every core (content_model/prefetch.py) reads every file; with a
        # warm reader cache a build reads only the changed ones, in its own process.
        "READ_PROCESSES": 1 if any((cache / "pelican").glob("*")) else 0,
    }


def warm_up(content: Path, cache: Path) -> None:
    """Import what a build imports, once, in the worker (never build here)."""
    import build  # noqa: F401  (tools/build.py, on sys.path as this script's folder)
    import pelican  # noqa: F401
    import pelican.generators  # noqa: F401
    import pelican.readers  # noqa: F401
    import pelican.writers  # noqa: F401
    from pelican.plugins._utils import load_plugins
    from pelican.settings import read_settings

    try:
        settings = read_settings(str(SETTINGS), override={"PATH": str(content.resolve())})
        # Pelican keeps loaded plugins in sys.modules and reuses them; register() runs in
        # each child, so no signal is connected here.
        load_plugins(settings)
    except Exception:  # noqa: BLE001  (broken settings or plugin: the build reports it, path and all)
        return
    used = cache / "modules.json"
    if used.exists():
        import importlib

        for name in json.loads(used.read_text()):
            if name not in sys.modules:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001  (a module that only imports inside a build)
                    pass
    compute_constants()


def compute_constants() -> None:
    """Compute once, in the worker, the plugins' cached constants (zero-argument cached functions).

    The public suffix list, the guard's rules, the hyphenation dictionary:
    each build would compute them again on first use. Such a function must be
    a constant of the code (an edit to plugins/ restarts the worker), never a
    value that depends on the settings or the content.
    """
    import inspect

    plugins = str(ROOT / "plugins") + os.sep
    for module in list(sys.modules.values()):
        if not str(getattr(module, "__file__", "") or "").startswith(plugins):
            continue
        for value in list(vars(module).values()):
            if not (callable(value) and hasattr(value, "cache_info") and hasattr(value, "__wrapped__")):
                continue
            if getattr(value, "__module__", None) != module.__name__:
                continue
            try:
                parameters = inspect.signature(value).parameters.values()
            except (TypeError, ValueError):
                continue
            if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in parameters):
                try:
                    value()
                except Exception:  # noqa: BLE001  (then the build computes it, and says why)
                    value.cache_clear()


def guard_reader_cache() -> None:
    """Never keep in the cache a file whose read logged a problem.

    A cached read skips the reader, and with it the problems the reader logs:
    a broken file would pass the second build. Evicting it makes every build
    read it, and report it, again.
    """
    from pelican.readers import Readers

    original = Readers.read_file

    class Seen(logging.Handler):
        def __init__(self) -> None:
            super().__init__(level=logging.WARNING)
            self.count = 0

        def emit(self, record: logging.LogRecord) -> None:
            self.count += 1

    def read_file(self, base_path, path, *args, **kwargs):
        seen = Seen()
        root = logging.getLogger()
        root.addHandler(seen)
        try:
            return original(self, base_path, path, *args, **kwargs)
        finally:
            root.removeHandler(seen)
            if seen.count:
                self._cache.pop(os.path.abspath(os.path.join(base_path, path)), None)

    Readers.read_file = read_file


def cache_every_reader() -> list:
    """Give a cache to the readers of generators that ask for none (topic_links' topics).

    Pelican caches only generators that name their cache; their files are as
    cacheable as any. Returns the readers, whose caches the full build saves.
    """
    from pelican.readers import Readers

    original = Readers.__init__
    unnamed: list = []

    def init(self, settings=None, cache_name=""):
        original(self, settings, cache_name or "Generator-Readers")
        if not cache_name:
            unnamed.append(self)

    Readers.__init__ = init
    return unnamed


def cache_with_settings() -> None:
    """Save the reader cache atomically, and without the settings.

    Cached metadata holds objects that point to the settings (a chapter's
    Category), and the settings hold functions no pickle can carry; they are
    saved as a reference and become this build's settings again when loaded.
    A build stopped mid-save (a newer save arrived) leaves the old cache whole.
    """
    import pickle

    from pelican.cache import FileDataCacher

    original_init = FileDataCacher.__init__

    class Saver(pickle.Pickler):
        def __init__(self, handle, settings) -> None:
            super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
            self.settings = settings

        def persistent_id(self, obj):
            return "settings" if obj is self.settings else None

    class Loader(pickle.Unpickler):
        def __init__(self, handle, settings) -> None:
            super().__init__(handle)
            self.settings = settings

        def persistent_load(self, pid):
            if pid != "settings":
                raise pickle.UnpicklingError(f"unknown reference {pid!r}")
            return self.settings

    def init(self, settings, cache_name, caching_policy, load_policy) -> None:
        original_init(self, settings, cache_name, caching_policy, False)
        if load_policy and os.path.exists(self._cache_path):
            with open(self._cache_path, "rb") as handle:
                self._cache = Loader(handle, settings).load()

    def save_cache(self) -> None:
        if not self._cache_data_policy:
            return
        os.makedirs(self.settings["CACHE_PATH"], exist_ok=True)
        partial = f"{self._cache_path}.tmp-{os.getpid()}"
        with open(partial, "wb") as handle:
            Saver(handle, self.settings).dump(self._cache)
        os.replace(partial, self._cache_path)

    FileDataCacher.__init__ = init
    FileDataCacher.save_cache = save_cache


def record_index() -> dict:
    """Remember, for each content file, its pages and neighbourhood (written after a good build)."""
    from pelican import signals
    from pelican.contents import Content

    seen: dict = {}

    def keep_generators(generators) -> None:
        seen["generators"] = generators

    def collect(pelican_object) -> None:
        objects: dict[int, Content] = {}
        for generator in seen.get("generators", []):
            for value in vars(generator).values():
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, Content) and getattr(item, "source_path", None):
                            objects[id(item)] = item
        records = {}
        for item in objects.values():
            near = {str(slug) for slug in getattr(item, "related", None) or []}
            near |= referenced(item)
            order = getattr(item, "order", None)
            path = os.path.abspath(item.source_path)
            if path in records and records[path]["save_as"]:
                continue  # something else made from the same file (a tip card): the page wins
            records[path] = {
                "slug": item.slug,
                "save_as": item.save_as or "",
                "near": sorted(near),
                "order": order if isinstance(order, int) else None,
                "part": str(getattr(item, "part", "") or ""),
            }
        seen["records"] = records

    # weak=False: these are closures, which nothing else keeps alive.
    signals.all_generators_finalized.connect(keep_generators, weak=False)
    signals.finalized.connect(collect, weak=False)
    return seen


def referenced(item) -> set[str]:
    """The slugs of the content a page holds: its pager, related reading, backlinks, a topic's
    chapters and questions, tip cards (by their chapter). Whatever the plugins attach."""
    slugs = set()
    for value in vars(item).values():
        for element in value if isinstance(value, (list, tuple)) else [value]:
            if element is item:
                continue
            slug = getattr(element, "slug", None)
            if not isinstance(slug, str):
                slug = getattr(getattr(element, "chapter", None), "slug", None)
            if isinstance(slug, str) and slug != item.slug:
                slugs.add(slug)
    return slugs


def write_json(path: Path, data) -> None:
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    partial.write_text(json.dumps(data))
    os.replace(partial, path)


def full_build(request: dict, content: Path, output: Path, cache: Path) -> int:
    import build

    seen = record_index()
    unnamed = cache_every_reader()
    from pelican import signals

    def save_unnamed(pelican_object) -> None:
        # Several generators share that one cache file: save what all of them read.
        if unnamed:
            for readers in unnamed[1:]:
                unnamed[0]._cache.update(readers._cache)
            unnamed[0].save_cache()

    signals.finalized.connect(save_unnamed, weak=False)
    started = time.perf_counter()
    status = build.build(SETTINGS, content, output, drafts=True, extra=cache_settings(cache))
    # CPU: this child's own (a forked child starts from zero), which load on the machine
    # does not inflate as it does the elapsed time.
    result = {"status": status, "elapsed": time.perf_counter() - started, "cpu": time.process_time()}
    if status == 0 and "records" in seen:
        write_json(cache / INDEX, seen["records"])
    if not (cache / "modules.json").exists():
        write_json(cache / "modules.json", sorted(n for n in sys.modules if not n.startswith("__")))
    write_json(Path(request["result"]), result)
    return status


def neighbourhood(files: list[str], index: dict) -> set[str]:
    """The files a quick pass reads in full: the edited ones, and what their pages show of others.

    The others' metadata (titles, summaries, topics, order) is always there;
    their text is only needed where links come from: the pages that link to an
    edited one (its backlinks) and the reading the last build related to it.
    """
    by_slug = {record["slug"]: path for path, record in index.items()}
    wanted = set(files)
    for path in files:
        wanted |= {by_slug[s] for s in index[path]["near"] if s in by_slug}
    return wanted


def surroundings(files: list[str], index: dict) -> set[str]:
    """On a large site, the only chapters and questions a quick pass reads at all.

    Besides the neighbourhood: what the edited pages show of other files by
    name (wiki links, Related), the chapters before and after them in guide
    order, and the first chapter of each part (parts are numbered in the
    order of their first chapter).
    """
    by_slug = {record["slug"]: path for path, record in index.items()}
    wanted = neighbourhood(files, index)
    chapters = sorted((r["order"], p, r["part"]) for p, r in index.items() if r["order"] is not None)
    first_of_part: dict[str, str] = {}
    for _, path, part in chapters:
        first_of_part.setdefault(part, path)
    wanted |= set(first_of_part.values())
    for path in files:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        # Only to choose what to read: the build itself parses the links and the metadata.
        named = set(WIKI.findall(text))
        related = RELATED.search(text)
        if related:
            named |= set(re.split(r"[,\s]+", related[1]))
        wanted |= {by_slug[slug] for slug in named if slug in by_slug}
        order = ORDER.search(text)
        if order:
            number = int(order[1])
            before = [p for o, p, _ in chapters if o < number and p != path]
            after = [p for o, p, _ in chapters if o > number and p != path]
            wanted |= set(before[-1:] + after[:1])
    return wanted


WIKI = re.compile(r"\[\[\s*([^\]|#\s]+)")
RELATED = re.compile(r"^Related:[ \t]*(.*)$", re.M | re.I)
ORDER = re.compile(r"^Order:[ \t]*(\d+)", re.M | re.I)
# Above this many chapters and questions a quick pass reads only their surroundings: the
# whole-site work of the plugins (related reading for every page) would take longer
# than the preview may (issue 18: 5 s at 1,000 chapters).
WHOLE_SITE_UP_TO = 300


# What the quick pass gives the files it does not read in full: their metadata is
# the cached one, their text this, so no plugin spends time on it.
STUB = "<p>(Not rebuilt by the quick preview.)</p>"


class Buffer(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def quick_build(request: dict, content: Path, output: Path, cache: Path) -> int:
    """Build only the edited files' pages against their neighbourhood; put them in the served output."""
    import build
    from pelican.cache import FileDataCacher
    from pelican.generators import Generator
    from pelican.readers import Readers
    from pelican.writers import Writer

    started = time.perf_counter()
    index = json.loads((cache / INDEX).read_text())
    files = request["files"]
    narrowed = tuple(str((content / folder).resolve()) + os.sep for folder in NARROWED)
    readable = sum(1 for path in index if path.startswith(narrowed))
    whole_site = readable <= WHOLE_SITE_UP_TO
    keep = neighbourhood(files, index) if whole_site else surroundings(files, index)
    selected = {os.path.normpath(index[path]["save_as"]) for path in files if index[path]["save_as"]}

    original_cached = Readers.get_cached_data

    def get_cached_data(self, filename, default=None):
        data = original_cached(self, filename, default)
        if data is default or filename in keep or not filename.startswith(narrowed):
            return data
        text, metadata = data
        return (STUB if text else text), metadata

    original_write = Writer.write_file

    def write_file(self, name, *args, **kwargs):
        if not name or os.path.normpath(name) not in selected:
            return None
        return original_write(self, name, *args, **kwargs)

    original_get_files = Generator.get_files

    def get_files(self, paths, exclude=None, extensions=None):
        found = original_get_files(self, paths, exclude, extensions)
        base = os.path.abspath(self.path)

        def wanted(name: str) -> bool:
            full = os.path.abspath(os.path.join(base, name))
            return not full.startswith(narrowed) or full in keep

        return {name for name in found if wanted(name)}

    if whole_site:
        Readers.get_cached_data = get_cached_data
    else:
        Generator.get_files = get_files
    Writer.write_file = write_file
    cache_every_reader()
    # The full build right after saves the cache; the quick pass only reads it.
    FileDataCacher.save_cache = lambda self: None

    build.configure_logging()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler):
            root.removeHandler(handler)
    buffer = Buffer()
    root.addHandler(buffer)

    scratch = cache / "quick"
    # Every pass starts from an empty folder: plugins look at what is already in the
    # output (redirects refuses an old address a page is written at). The worker removes
    # the old one after the pass, while nobody waits.
    if scratch.exists():
        scratch.rename(cache / f"quick.old-{os.getpid()}")
    crashed = False
    try:
        build.run_pelican(SETTINGS, content, scratch, True, cache_settings(cache))
    except Exception:  # noqa: BLE001  (a crash is reported, and the full build says more)
        logging.getLogger("serve").exception("the quick preview crashed")
        crashed = True
    edited = {display_path(path) for path in files}
    formatter = build.EditorFormatter()
    own = []
    for record in buffer.records:
        located = build.LOCATED.match(record.getMessage())
        where = located["where"].rsplit(":", 1)[0] if located else None
        if where in edited or (where is None and record.levelno >= logging.ERROR):
            own.append(record)
    for record in own:
        print(formatter.format(record), file=sys.stderr)
    if os.environ.get("CLOSER_PREVIEW_DEBUG"):
        for record in buffer.records:
            if record not in own:
                print("quick pass, left to the full build:", formatter.format(record), file=sys.stderr)
    replaced = []
    if not own and not crashed:
        backups = cache / "backup"
        for name in sorted(selected):
            fresh = scratch / name
            if not fresh.is_file():
                continue
            target = output / name
            backup = backups / name
            # The first backup is the last good build's page; a later quick pass keeps it.
            if target.exists() and not backup.exists():
                backup.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target, backup)
            elif not target.exists():
                (backups / (name + ".absent")).parent.mkdir(parents=True, exist_ok=True)
                (backups / (name + ".absent")).touch()
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.quick-{os.getpid()}")
            shutil.copyfile(fresh, partial)
            os.replace(partial, target)
            replaced.append(name)
    status = 1 if own or crashed else 0
    write_json(Path(request["result"]), {
        "status": status, "elapsed": time.perf_counter() - started, "cpu": time.process_time(),
        "replaced": replaced,
        "problems": len(own), "whole_site": whole_site, "read": len(keep),
    })
    return status


def worker(content: Path, output: Path, cache: Path) -> int:
    """Read one request per line on stdin; fork a child for each; say its pid, then its end."""
    os.chdir(ROOT)
    # The protocol gets its own copy of stdout; whatever Pelican, a plugin or a build
    # prints goes to stderr, the editor's terminal.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    warm_up(content, cache)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("mode") == "warm":
            warm_up(content, cache)
            continue
        pid = os.fork()
        if pid == 0:
            status = 3
            try:
                protocol.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                guard_reader_cache()
                cache_with_settings()
                run = quick_build if request["mode"] == "quick" else full_build
                status = run(request, content, output, cache)
            except BaseException:  # noqa: BLE001
                import traceback

                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(status)
        print(json.dumps({"pid": pid}), file=protocol, flush=True)
        _, code = os.waitpid(pid, 0)
        print(json.dumps({"done": pid, "code": code}), file=protocol, flush=True)
        for old in cache.glob("quick.old-*"):
            shutil.rmtree(old, ignore_errors=True)
    return 0


# --------------------------------------------------------------------------------------
# The server side: watch, decide what to build, reload.
# --------------------------------------------------------------------------------------


class Worker:
    def __init__(self, content: Path, output: Path, cache: Path, events: queue.Queue) -> None:
        self.events = events
        self.warmed = False  # has it imported what a build uses (after its first good build)?
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", "--content", str(content),
             "--output", str(output), "--cache", str(cache)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.events.put(("worker", self, json.loads(line)))
        self.events.put(("worker", self, {"gone": True}))

    def send(self, request: dict) -> None:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Preview:
    """One build at a time: a quick pass when it can, then the full build; a save stops a full build."""

    def __init__(self, content: Path, output: Path, cache: Path, reload) -> None:
        self.content = content.resolve()
        self.output = output.resolve()
        self.cache = cache
        self.reload = reload
        self.events: queue.Queue = queue.Queue()
        self.worker = Worker(self.content, self.output, cache, self.events)
        self.pending: set[Path] = set()
        self.running: dict | None = None  # {"mode", "pid", "result", "started", "files"}
        self.needs_full = False
        self.builds = 0
        self.first_done = threading.Event()

    # -- deciding ----------------------------------------------------------------------

    def quick_files(self, changed: set[Path]) -> list[str] | None:
        index_path = self.cache / INDEX
        if not changed or not index_path.exists():
            return None
        index = json.loads(index_path.read_text())
        files = []
        for path in changed:
            inside = path.is_relative_to(self.content) and path.suffix == ".md"
            if not inside or path.relative_to(self.content).parts[0] not in CONTENT_FOLDERS:
                return None
            if not path.is_file() or str(path) not in index or not index[str(path)]["save_as"]:
                return None  # a new, deleted or renamed file changes lists: the full build
            files.append(str(path))
        return sorted(files)

    def start_next(self) -> None:
        changed, self.pending = self.pending, set()
        if any(p == c or p.is_relative_to(c) for p in changed for c in CODE):
            print("code changed: restarting the builder", flush=True)
            self.worker.stop()
            shutil.rmtree(self.cache / "pelican", ignore_errors=True)
            (self.cache / "modules.json").unlink(missing_ok=True)
            self.worker = Worker(self.content, self.output, self.cache, self.events)
            changed = set()
        files = self.quick_files(changed)
        if files:
            self.needs_full = True
            self.launch("quick", files)
        else:
            self.needs_full = False
            self.launch("full", [])

    def launch(self, mode: str, files: list[str]) -> None:
        self.builds += 1
        result = self.cache / f"result-{self.builds}.json"
        self.running = {"mode": mode, "pid": None, "result": result, "started": time.perf_counter(),
                        "files": files, "stopped": False}
        request = {"mode": mode, "files": files, "result": str(result)}
        try:
            if self.worker.process.poll() is not None:
                raise BrokenPipeError
            self.worker.send(request)
        except (BrokenPipeError, OSError):
            # The worker died (it never should; its traceback is above): a new one.
            self.worker = Worker(self.content, self.output, self.cache, self.events)
            self.worker.send(request)

    # -- events ------------------------------------------------------------------------

    def changed(self, paths: set[Path]) -> None:
        self.events.put(("changes", None, paths))

    def run(self) -> None:
        self.launch("full", [])
        while True:
            kind, source, data = self.events.get()
            if kind == "changes":
                self.pending |= data
                if self.running is None:
                    self.start_next()
                elif self.running["mode"] == "full" and self.running["pid"] and not self.running["stopped"]:
                    # The site is being rebuilt for an older state; start again from this one.
                    self.running["stopped"] = True
                    try:
                        os.kill(self.running["pid"], signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            elif source is self.worker and self.running is not None:
                if "pid" in data:
                    self.running["pid"] = data["pid"]
                    if self.running["stopped"]:
                        os.kill(data["pid"], signal.SIGTERM)
                elif "done" in data or "gone" in data:
                    self.finished(data)

    def finished(self, data: dict) -> None:
        running, self.running = self.running, None
        result = {}
        if running["result"].exists():
            result = json.loads(running["result"].read_text())
            running["result"].unlink()
        elapsed = time.perf_counter() - running["started"]
        if running["mode"] == "quick":
            if result.get("status") == 0 and result.get("replaced"):
                self.reload()
                names = ", ".join("/" + n.removesuffix("index.html") for n in result["replaced"])
                print(f"showing {names} after {elapsed:.2f} s ({result.get('cpu', 0):.2f} s CPU); "
                      "rebuilding the rest", flush=True)
            elif result.get("status") == 0:
                print("no page to show first; rebuilding the site", flush=True)
            else:
                self.needs_full = False
                print("the last good build is still being served; fix the problems above", flush=True)
        elif running["stopped"]:
            pass  # a newer save is waiting: it starts below
        else:
            first = not self.first_done.is_set()
            self.first_done.set()
            if result.get("status") == 0:
                shutil.rmtree(self.cache / "backup", ignore_errors=True)
                self.reload()
                if not first:
                    print(f"rebuilt in {elapsed:.2f} s ({result.get('cpu', 0):.2f} s CPU)", flush=True)
                if not self.worker.warmed:
                    # Import what the build used, so the next builds start warm.
                    self.worker.warmed = True
                    try:
                        self.worker.send({"mode": "warm"})
                    except OSError:
                        pass  # a dead worker is replaced at the next build
            else:
                restored = self.restore()
                if first:
                    print("the first build failed: fix the problems above; "
                          "the preview rebuilds when you save", flush=True)
                else:
                    if restored:
                        self.reload()
                        print(f"took back the quick preview of {', '.join(restored)}", flush=True)
                    print("the last good build is still being served; fix the problems above", flush=True)
        if self.pending:
            self.start_next()
        elif self.needs_full:
            self.needs_full = False
            self.launch("full", [])

    def close(self) -> None:
        """Stop the build under way, then the worker."""
        running = self.running
        if running and running["pid"]:
            try:
                os.kill(running["pid"], signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.worker.stop()

    def restore(self) -> list[str]:
        """Put back the last good build's pages that quick passes replaced."""
        backups = self.cache / "backup"
        restored = []
        if not backups.is_dir():
            return restored
        for backup in sorted(p for p in backups.rglob("*") if p.is_file()):
            name = backup.relative_to(backups).as_posix()
            if name.endswith(".absent"):
                name = name.removesuffix(".absent")
                (self.output / name).unlink(missing_ok=True)
            else:
                target = self.output / name
                partial = target.with_name(f".{target.name}.restore")
                shutil.copyfile(backup, partial)
                os.replace(partial, target)
            restored.append("/" + name.removesuffix("index.html"))
        shutil.rmtree(backups, ignore_errors=True)
        return restored


def watch(paths: list[Path], preview: Preview, stop: threading.Event) -> None:
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_files

    existing = [str(p) for p in paths if p.exists()]
    # step: how long the folder must be quiet before a batch is handed over (an editor's
    # save is a few events within milliseconds).
    for changes in watch_files(*existing, watch_filter=DefaultFilter(), step=30, debounce=400,
                               stop_event=stop, raise_interrupt=False):
        preview.changed({Path(path).resolve() for _, path in changes})


CACHE_PREFIX = "closer-preview-"


def remove_stale_caches() -> None:
    """Remove the cache folders of previews that were killed (closer-preview-<pid>-*)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{CACHE_PREFIX}*-*"):
        pid = folder.name[len(CACHE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's preview


def serve(args: argparse.Namespace) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    class Driven(Watcher):
        """livereload's own watcher polls every 0.8 s; here the preview says when to reload."""

        def start(self, callback) -> bool:
            return True

        def examine(self):
            return None, None

    # Stopped with SIGTERM (a test, a process manager) as with Ctrl+C: the build under way,
    # the worker and the cache folder go too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    remove_stale_caches()
    cache = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-"))
    args.output.mkdir(parents=True, exist_ok=True)
    loop = IOLoop.current()

    def reload() -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters)

    preview = Preview(args.content, args.output, cache, reload)
    stop = threading.Event()
    # Watching starts before the first build, so a save during it is not missed.
    threading.Thread(target=watch, args=([args.content, THEME, *CODE], preview, stop), daemon=True).start()
    threading.Thread(target=preview.run, daemon=True).start()
    preview.first_done.wait()
    server = Server(watcher=Driven())
    server.watch(str(cache))  # something to watch, or livereload watches the working folder
    print(f"serving http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve(root=str(args.output), host=args.host, port=args.port,
                     open_url_delay=None, default_filename="index.html")
    finally:
        stop.set()
        preview.close()
        shutil.rmtree(cache, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--port", default=8000, type=int)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.content.resolve(), args.output.resolve(), args.cache)
    # Checked before the first build, so a busy port is said at once and not as
    # livereload's OSError traceback after the build.
    if not port_is_free(args.host, args.port):
        print(f"serve: port {args.port} on {args.host} is already in use (another `make serve`?).\n"
              f"Stop that one, or pick another port: make serve PORT={args.port + 1}", file=sys.stderr)
        return 1
    try:
        return serve(args)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
