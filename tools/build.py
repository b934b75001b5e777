"""Build the site safely: into a temporary folder, swapped in only on success.

    python tools/build.py [--settings pelicanconf.py] [--content DIR] [--output DIR]

Every warning or error Pelican or a plugin logs fails the build (after the whole
build has run, so an editor sees every problem at once, not just the first).
Content problems are logged as ``path:line: message``; they are printed as
``path:line: error: message``. On failure the previous output folder is left
exactly as it was.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import glob
import logging
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCATED = re.compile(r"^(?P<where>[^\s:][^:\n]*:\d+): (?P<rest>.*)", re.S)


class EditorFormatter(logging.Formatter):
    """``path:line: level: message`` when the message names a place, else ``level: message``."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.levelno >= logging.ERROR:
            message += "\n" + self.formatException(record.exc_info)
        level = record.levelname.lower()
        located = LOCATED.match(message)
        if located:
            return f"{located['where']}: {level}: {located['rest']}"
        return f"{level}: {message}"


class ProblemCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def configure_logging() -> ProblemCounter:
    import pelican.log  # noqa: F401  (installs Pelican's logger class first)

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    printer = logging.StreamHandler(sys.stderr)
    printer.setLevel(logging.INFO)
    # Our plugins' info lines (e.g. "removed tracking parameters") are for editors;
    # Pelican's own info chatter is not.
    printer.addFilter(lambda r: r.levelno >= logging.WARNING or not r.name.startswith(("pelican", "root")))
    printer.setFormatter(EditorFormatter())
    counter = ProblemCounter()
    root.addHandler(printer)
    root.addHandler(counter)
    root.setLevel(logging.INFO)
    # Pelican's duplicate-message filter would hide repeated, distinct problems
    # that happen to share a format string; editors need all of them.
    for name in ("pelican", ""):
        logger = logging.getLogger(name)
        if hasattr(logger, "disable_filter"):
            logger.disable_filter()
    return counter


def run_pelican(settings_file: Path, content: Path, output: Path, drafts: bool,
                extra: dict | None = None) -> None:
    from pelican import Pelican
    from pelican.log import console
    from pelican.settings import read_settings

    # Pelican ends with "Done: Processed N articles..." even when problems were logged;
    # our own line after it is the verdict, so that line must be the build's last.
    console.quiet = True

    # extra: settings the live preview adds (its reader cache), tools/serve.py.
    override = {"PATH": str(content.resolve()), "OUTPUT_PATH": str(output), **(extra or {})}
    settings = read_settings(str(settings_file), override=override)
    if drafts:
        # The preview shows drafts where they will live once published, with a banner.
        settings.update(
            PREVIEW_DRAFTS=True,
            DRAFT_URL=settings["ARTICLE_URL"], DRAFT_SAVE_AS=settings["ARTICLE_SAVE_AS"],
            DRAFT_PAGE_URL=settings["PAGE_URL"], DRAFT_PAGE_SAVE_AS=settings["PAGE_SAVE_AS"],
        )
    Pelican(settings).run()


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100
# Test hook: tests/test_build.py kills the build at these points to prove there is
# never a moment without output/ (CLOSER_BUILD_KILL_AT=before-swap|after-swap).
KILL_AT = "CLOSER_BUILD_KILL_AT"


def crash_point(name: str) -> None:
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux renameat2(RENAME_EXCHANGE); False where that is not
    available (another OS, an old kernel, a filesystem without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def swap_in(fresh: Path, output: Path) -> None:
    """Put ``fresh`` where ``output`` is, so that ``output`` always exists, old or new.

    On Linux the two folders are exchanged atomically (renameat2 with
    RENAME_EXCHANGE): at every instant, and whenever the build is killed,
    ``output`` is either the previous build or this one. Elsewhere (or on a
    filesystem without it) the fallback is two renames, which leaves a moment
    with no ``output`` between them; the previous build is then in
    ``output.old-<pid>`` and the next build cleans it up.
    """
    crash_point("before-swap")
    if not output.exists():
        fresh.rename(output)
        return
    if exchange(fresh, output):
        crash_point("after-swap")
        shutil.rmtree(fresh, ignore_errors=True)  # now the previous build
        return
    old = output.with_name(f"{output.name}.old-{os.getpid()}")
    output.rename(old)
    fresh.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(output: Path) -> list[Path]:
    """Remove the temporary folders of builds that died (``output.tmp-<pid>``, ``.old-<pid>``)."""
    removed = []
    for path in output.parent.glob(f"{glob.escape(output.name)}.*-*"):
        kind, _, pid = path.name[len(output.name) + 1:].partition("-")
        if kind in ("tmp", "old") and pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def build(settings_file: Path, content: Path, output: Path, drafts: bool = False,
          extra: dict | None = None) -> int:
    counter = configure_logging()
    log = logging.getLogger("build")
    if not content.is_dir():
        log.error("%s: content folder not found", content)
        return 2
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale(output):
        log.info("removed %s, left by a build that did not finish", stale.name)
    fresh = output.with_name(f"{output.name}.tmp-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    started = time.perf_counter()
    try:
        run_pelican(settings_file, content, fresh, drafts, extra)
    except Exception:  # a crash in a plugin must still leave output/ intact
        log.exception("the build crashed")
    elapsed = time.perf_counter() - started
    if counter.count:
        shutil.rmtree(fresh, ignore_errors=True)
        print(
            f"build failed: {counter.count} problem(s); {output.name}/ left unchanged",
            file=sys.stderr,
        )
        return 1
    swap_in(fresh, output)
    print(f"built {content} into {output.name}/ in {elapsed:.2f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--drafts", action="store_true",
                        help="preview drafts at their final URLs, with a Draft banner")
    args = parser.parse_args(argv)
    return build(args.settings.resolve(), args.content, args.output, args.drafts)


if __name__ == "__main__":
    sys.exit(main())
