"""Reading Markdown on every core: the reader's results, computed ahead in worker processes.

Reading (Markdown, the tree's records, the sanitizer, the content model's
checks) is most of a build and each file is independent, so the first time
Pelican asks the guide's reader for a file, every Markdown file of the
content folder is handed to a pool of forked workers (``READ_PROCESSES``,
default: the machine's cores; 1 turns it off; small sites are read in the
build's own process). ``take`` then returns the worker's result for each
file Pelican asks for, in Pelican's own order.

What a worker logs while reading (an editor's ``path:line:`` errors) is
captured there and logged again by ``take`` in the build's process, so
tools/build.py counts every problem as if the file had been read there, and
a file Pelican never asks for reports nothing, as before. A result that
cannot cross processes, a file changed since, or a worker that fails all
fall back to reading in the build's process.
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

# Below this many files a pool costs more than it saves (the tests' small sites).
MIN_FILES = 40


class Prefetch:
    def __init__(self) -> None:
        self.reset(None)

    def reset(self, settings: dict | None) -> None:
        self.settings = settings
        self.results: dict[str, tuple] = {}
        self.pending: dict[str, tuple[int, int]] = {}
        self.iterator = None
        self.pool = None
        self.started = False

    def start(self, settings: dict) -> None:
        self.started = True
        processes = ahead_processes(settings.get("READ_PROCESSES"))
        if processes <= 1:
            return
        paths = sorted(str(p) for p in Path(settings["PATH"]).rglob("*.md")
                       if p.is_file() and not p.is_symlink())
        if len(paths) < MIN_FILES:
            return
        self.pending = {path: stamp(path) for path in paths}
        _worker_settings[0], _worker_reader[0] = settings, None
        context = multiprocessing.get_context("fork")
        self.pool = context.Pool(min(processes, len(paths)), initializer=_capture_logs)
        self.iterator = self.pool.imap_unordered(_read, paths, chunksize=4)

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
        while path not in self.results and self.iterator is not None:
            try:
                done, result = next(self.iterator)
            except StopIteration:
                self.stop()
                break
            except Exception as error:  # a worker died: read the rest here
                logger.debug("reading ahead stopped (%s); reading in this process", error)
                self.stop()
                break
            self.results[done] = result
        result = self.results.pop(path, None)
        expected = self.pending.pop(path)
        if not self.pending:
            self.stop()
        if result is None or result[0] is None or stamp(path) != expected:
            return None
        payload, records = result
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        return pickle.loads(payload)

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        self.iterator = None


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
_capture: list = [None]  # each worker's guide_core.ahead.Capture


def _capture_logs() -> None:
    _capture[0] = capture_logs()


def _read(path: str):
    from .reader import GuideMarkdownReader

    captured = _capture[0].records
    captured.clear()
    try:
        if _worker_reader[0] is None:  # one reader, so one Markdown instance, per worker
            _worker_reader[0] = GuideMarkdownReader(_worker_settings[0])
        result = _worker_reader[0].read_here(path)
        return path, (pickle.dumps(result, pickle.HIGHEST_PROTOCOL), list(captured))
    except Exception:  # noqa: BLE001 - anything at all: the build's process reads it again and reports it
        return path, (None, [])
