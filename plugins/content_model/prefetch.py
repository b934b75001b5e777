"""Reading Markdown ahead of Pelican: on every core, and in batches.

Reading (Markdown, the tree's records, the sanitizer, the content model's
checks) is most of a build and each file is independent, so the first time
Pelican asks the guide's reader for a file, every Markdown file of the
content folder is read ahead, in batches of ``BATCH`` files
(``GuideMarkdownReader.read_batch``: Markdown for the whole batch, then the
sanitizer, then the checks). ``take`` then returns each file's result when
Pelican asks for it, in Pelican's own order.

- On several cores (``READ_PROCESSES``, default: the machine's cores), the
  batches go to a pool of forked workers.
- In one process (``READ_PROCESSES = 1``), the batch is read here: the file
  Pelican asked for and the next ones. Not when Pelican's content cache is on
  (the live preview's warm builds): Pelican then reads only the files that
  changed, and reading ahead would read every file.
- Small sites (fewer than ``MIN_FILES`` files) are read a file at a time, as
  Pelican asks.

What reading a file logs (an editor's ``path:line:`` errors) is captured and
logged again by ``take``, so tools/build.py counts every problem as if the
file had been read then, and a file Pelican never asks for reports nothing.
A result that cannot cross processes, a file changed since, or a worker that
fails all fall back to reading the file again when Pelican asks for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from pathlib import Path

from guide_core.ahead import capture_logs
from guide_core.ahead import processes as ahead_processes

logger = logging.getLogger(__name__)

# Below this many files reading ahead costs more than it saves (the tests' small sites).
MIN_FILES = 40
# Files per batch: enough that the sanitizer runs mostly on warm caches, few enough that a
# worker's batch comes back soon (tools/build_profile.py at 1,000 chapters, alternated: the
# sanitizer took 0.75 and 0.74 s with 16, 0.62 and 0.59 s with 64; the build's wall time
# with a worker per core was the same, 23.4-24.1 s).
BATCH = 64


class Prefetch:
    def __init__(self) -> None:
        self.reset(None)

    def reset(self, settings: dict | None) -> None:
        self.settings = settings
        # By path: (the result, pickled when it crossed from a worker, or None if reading it
        # failed; what reading it logged).
        self.results: dict[str, tuple] = {}
        self.pending: dict[str, tuple[int, int]] = {}
        self.order: list[str] = []  # in one process: the files, in the order batches take them
        self.reader = None  # in one process: the reader that reads ahead
        self.iterator = None
        self.pool = None
        self.started = False

    def start(self, settings: dict) -> None:
        self.started = True
        processes = ahead_processes(settings.get("READ_PROCESSES"))
        if processes <= 1 and settings.get("LOAD_CONTENT_CACHE"):
            return
        paths = sorted(str(p) for p in Path(settings["PATH"]).rglob("*.md")
                       if p.is_file() and not p.is_symlink())
        if len(paths) < MIN_FILES:
            return
        self.pending = {path: stamp(path) for path in paths}
        if processes <= 1:
            from .reader import GuideMarkdownReader

            self.order = paths
            self.reader = GuideMarkdownReader(settings)
            return
        _worker_settings[0], _worker_reader[0] = settings, None
        context = multiprocessing.get_context("fork")
        batches = [paths[i:i + BATCH] for i in range(0, len(paths), BATCH)]
        self.pool = context.Pool(min(processes, len(batches)), initializer=_capture_logs)
        self.iterator = self.pool.imap_unordered(_read, batches)

    def take(self, settings: dict, source_path: str):
        """The reader's (content, metadata) for ``source_path``, its problems logged now;
        None when it was not read ahead (then the caller reads it)."""
        if self.settings is not settings:
            self.stop()
            self.reset(settings)
        if not self.started:
            self.start(settings)
        path = str(source_path)
        if path not in self.pending:
            return None
        if path not in self.results and self.reader is not None:
            self.read_here(path)
        while path not in self.results and self.iterator is not None:
            try:
                batch = next(self.iterator)
            except StopIteration:
                self.stop()
                break
            except Exception as error:  # a worker died: read the rest here
                logger.debug("reading ahead stopped (%s); reading in this process", error)
                self.stop()
                break
            for done, result in batch:
                self.results[done] = result
        result = self.results.pop(path, None)
        expected = self.pending.pop(path)
        if not self.pending:
            self.stop()
        if result is None or result[0] is None or stamp(path) != expected:
            return None
        value, records = result
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        return pickle.loads(value) if isinstance(value, bytes) else value

    def read_here(self, path: str) -> None:
        """Read, in this process, the batch that starts with ``path``: it and the next files
        (in path order) not read yet."""
        batch = [path]
        at = self.order.index(path) + 1
        while len(batch) < BATCH and at < len(self.order):
            following = self.order[at]
            if following in self.pending and following not in self.results:
                batch.append(following)
            at += 1
        for done, value, records in self.reader.read_batch(batch):
            self.results[done] = (value, records)

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        self.iterator = None
        self.reader = None


def stamp(path: str) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (0, -1)
    return (status.st_mtime_ns, status.st_size)


PREFETCH = Prefetch()
take = PREFETCH.take
stop = PREFETCH.stop

# The settings the workers read with: set before the fork, so never pickled.
_worker_settings: list = [None]
_worker_reader: list = [None]


def _capture_logs() -> None:
    """A worker logs nothing itself: read_batch captures each file's records for the build."""
    capture_logs()


def _read(paths: list[str]) -> list[tuple[str, tuple]]:
    """In a worker: a batch of files, each as (path, (its pickled result or None, its log))."""
    from .reader import GuideMarkdownReader

    if _worker_reader[0] is None:  # one reader, so one Markdown instance, per worker
        _worker_reader[0] = GuideMarkdownReader(_worker_settings[0])
    try:
        read = _worker_reader[0].read_batch(paths)
    except Exception:  # noqa: BLE001 - anything at all: the build's process reads them again
        return [(path, (None, [])) for path in paths]
    done = []
    for path, value, records in read:
        try:
            payload = None if value is None else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - cannot cross processes: read again in the build's
            payload, records = None, []
        done.append((path, (payload, records)))
    return done
