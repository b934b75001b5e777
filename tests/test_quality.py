"""Quality gates over every page of the built guide: valid HTML (Nu validator)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(folder: Path) -> list[str]:
    """The Nu validator's errors for every HTML file under folder."""
    java = shutil.which("java")
    if not java:
        pytest.fail("Java is needed for the Nu HTML validator: sudo apt-get install -y default-jre-headless",
                    pytrace=False)
    assert VNU.exists(), "node_modules/vnu-jar is missing: run `make test` (it runs npm ci)"
    result = subprocess.run(
        [java, "-Xss2m", "-jar", str(VNU), "--format", "json", "--errors-only", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').split(str(folder))[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages if m.get("type") in ("error", "non-document-error")
    ]


def test_the_validator_reports_broken_html(tmp_path):
    (tmp_path / "bad.html").write_text(
        "<!doctype html><html lang=en><head><title>x</title></head><body><p><div>x</p></span></body></html>"
    )
    assert any("Stray end tag" in error for error in validate(tmp_path))


def test_every_page_is_valid_html(guide):
    assert len(list(guide.rglob("*.html"))) >= 30
    errors = validate(guide)
    assert not errors, "\n".join(errors[:50])


def test_the_audit_serves_the_build_as_a_real_host_does(tmp_path):
    """tools/audit.py's server: precompressed files, _headers, 404.html, keep-alive."""
    import http.client
    import importlib.util
    import threading

    spec = importlib.util.spec_from_file_location("audit", ROOT / "tools" / "audit.py")
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text("<p>plain</p>")
    (tmp_path / "guide" / "index.html.br").write_bytes(b"brotli bytes")
    (tmp_path / "guide" / "index.html.gz").write_bytes(b"gzip bytes")
    (tmp_path / "404.html").write_text("<p>not here</p>")
    (tmp_path / "_headers").write_text(
        "# comment\n/*\n  X-Frame-Options: DENY\n\n/guide/*\n  Cache-Control: max-age=0\n"
    )
    httpd, base = audit.serve(tmp_path)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        connection = http.client.HTTPConnection(base.removeprefix("http://"))

        def get(path, encoding=""):
            connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
            response = connection.getresponse()
            return response, response.read()

        response, body = get("/guide/?q=trust", "gzip, deflate, br")
        assert (response.status, body) == (200, b"brotli bytes")
        assert response.version == 11 and not response.will_close
        assert response.getheader("Content-Encoding") == "br"
        assert response.getheader("Content-Type") == "text/html; charset=utf-8"
        assert response.getheader("Vary") == "Accept-Encoding"
        assert response.getheader("X-Frame-Options") == "DENY"
        assert response.getheader("Cache-Control") == "max-age=0"
        response, body = get("/guide/index.html", "gzip")
        assert (body, response.getheader("Content-Encoding")) == (b"gzip bytes", "gzip")
        response, body = get("/guide/", "br;q=0, identity")
        assert (body, response.getheader("Content-Encoding")) == (b"<p>plain</p>", None)
        response, body = get("/nowhere/")
        assert (response.status, body) == (404, b"<p>not here</p>")
        assert response.getheader("Cache-Control") is None
        response, body = get("/_headers")
        assert response.status == 404
        response, _ = get("/guide")
        assert (response.status, response.getheader("Location")) == (301, "/guide/")
    finally:
        httpd.shutdown()
        httpd.server_close()
