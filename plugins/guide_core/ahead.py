"""Work started now on another core, its result taken later: a forked child process.

A build has steps that need only what is already known and whose result is
wanted only at the end (the search index needs the content objects, not the
written pages). ``Ahead(work)`` forks a child that runs ``work()`` while the
build goes on; ``result()`` waits for it, logs again in the build's process
what the child logged (so tools/build.py counts an editor's problem as if it
had been found here), and returns the value or raises the child's error.

Where there is no ``fork`` (or ``inline=True``), ``result()`` simply runs the
work then, in this process: the same value, the same log lines, later. The
child is a daemon: if the build dies first, it goes with it, and it writes
nothing itself, so a failed build leaves nothing of it behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from typing import Any


def processes(setting) -> int:
    """How many processes a build may use: a setting of 0 (or none) means one per core; without
    ``fork`` there is only the build's own process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return int(setting or 0) or os.cpu_count() or 1


class Capture(logging.Handler):
    """What a child process logs, as (logger name, level, message), to log again in the parent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextlib.contextmanager
def capturing() -> Iterator[Capture]:
    """Inside the block, everything logged goes to the Capture it gives (point its ``records``
    at any list), to log again later; the root logger's own handlers are put back after."""
    root = logging.getLogger()
    handlers = root.handlers
    capture = Capture()
    root.handlers = [capture]
    try:
        yield capture
    finally:
        root.handlers = handlers


def capture_logs() -> Capture:
    """In a child process: everything logged from now on goes to the returned Capture only."""
    capture = Capture()
    root = logging.getLogger()
    root.handlers = [capture]
    root.setLevel(logging.INFO)
    return capture


def _run(work: Callable[[], Any], connection) -> None:
    capture = capture_logs()
    try:
        outcome = ("value", work())
    except BaseException:  # noqa: BLE001 - anything: the build's process raises it
        outcome = ("error", traceback.format_exc())
    connection.send((outcome, capture.records))
    connection.close()


class Ahead:
    def __init__(self, work: Callable[[], Any], inline: bool = False) -> None:
        self.work = work
        self.child = self.connection = None
        self.was_forked = False
        if not inline and processes(0) > 1:
            context = multiprocessing.get_context("fork")
            self.connection, theirs = context.Pipe(duplex=False)
            self.child = context.Process(target=_run, args=(work, theirs), daemon=True)
            self.child.start()
            theirs.close()
            self.was_forked = True

    def result(self) -> Any:
        if self.child is None:
            return self.work()
        try:
            received = self.connection.recv()
        except EOFError:
            received = None
        self.connection.close()
        self.child.join()
        code, self.child = self.child.exitcode, None
        if received is None:
            raise RuntimeError(f"the child process running {self.work!r} died (exit code {code})")
        (kind, value), records = received
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        if kind == "error":
            raise RuntimeError(f"in the child process:\n{value}")
        return value

    def stop(self) -> None:
        """Forget the work (the build ended another way)."""
        if self.child is not None:
            self.child.terminate()
            self.child.join()
            self.connection.close()
            self.child = None
