"""Check the system programs `make test` needs, before anything is installed or run.

    python3 tools/prereqs.py            # what `make test` runs first

Python packages and Node packages are installed by make itself (.venv/, node_modules/);
this checks what make cannot install: the browsers and their drivers, a Java runtime
(the HTML validator), rsync (the deploy test) and an X server for WebKit. It prints one
line per program and, when one is missing, the one command that installs all of them
on Debian/Ubuntu, then exits 1. Standard library only: it runs before .venv exists.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Program:
    what: str           # what the tests use it for
    package: str        # the Debian/Ubuntu package that provides it
    candidates: tuple[str, ...]  # commands on PATH or absolute paths, first found wins
    env: str = ""       # a variable that names another path

    def find(self) -> str | None:
        wanted = [os.environ[self.env]] if self.env and os.environ.get(self.env) else list(self.candidates)
        for candidate in wanted:
            found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
            if found and os.access(found, os.X_OK) and not Path(found).is_dir():
                return found
        return None


# The same paths tests/conftest.py and tests/engines.py use.
PROGRAMS = (
    Program("Node.js (search tests, npm ci)", "nodejs", ("node",)),
    Program("npm (node_modules/)", "npm", ("npm",)),
    Program("Chromium (browser tests, Lighthouse)", "chromium", ("/usr/bin/chromium",), "CHROMIUM"),
    Program("Firefox ESR (Firefox browser tests)", "firefox-esr", ("/usr/bin/firefox-esr",), "FIREFOX"),
    Program("WebKitWebDriver (WebKit browser tests)", "webkit2gtk-driver",
            ("/usr/bin/WebKitWebDriver",), "WEBKIT_DRIVER"),
    Program("MiniBrowser (the WebKit browser the driver starts)", "libwebkit2gtk-4.1-0",
            ("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
             "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser"), "WEBKIT_BROWSER"),
    Program("Xvfb (a screen for WebKit)", "xvfb", ("Xvfb",)),
    Program("Java runtime (the HTML validator, vnu.jar)", "default-jre-headless", ("java",)),
    Program("rsync (make deploy-rsync and its test)", "rsync", ("rsync",)),
)


def python_can_make_a_venv() -> bool:
    try:
        import ensurepip  # noqa: F401  (Debian splits it into python3-venv)
    except ImportError:
        return False
    return True


def main() -> int:
    missing: list[str] = []
    if sys.version_info < (3, 11):  # noqa: UP036  (runs under the system python3, before .venv)
        print(f"  missing  Python 3.11+ (this is {sys.version.split()[0]})")
        missing.append("python3")
    if not python_can_make_a_venv():
        print("  missing  python3 -m venv (.venv/)")
        missing.append("python3-venv")
    for program in PROGRAMS:
        found = program.find()
        if found:
            print(f"  found    {program.what}: {found}")
        else:
            hint = f" (or set {program.env}=/path)" if program.env else ""
            print(f"  missing  {program.what}{hint}")
            missing.append(program.package)
    if missing:
        packages = " ".join(dict.fromkeys(missing))
        print(f"\nmake test needs {len(missing)} more program(s). On Debian/Ubuntu install them with:\n\n"
              f"  sudo apt-get install -y --no-install-recommends {packages}\n", file=sys.stderr)
        return 1
    print("prerequisites: all found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
