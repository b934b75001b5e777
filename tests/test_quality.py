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
