"""What a newcomer sees first: the prerequisite check, make help, make serve, the build verdict."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from conftest import ROOT, SITES


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_prerequisites_pass_here_and_name_the_one_install_command_when_one_is_missing():
    here = run([sys.executable, "tools/prereqs.py"])
    assert here.returncode == 0, here.stdout + here.stderr
    assert here.stdout.splitlines()[-1] == "prerequisites: all found"
    gone = run([sys.executable, "tools/prereqs.py"], FIREFOX="/nowhere/firefox", WEBKIT_DRIVER="/nowhere/wd")
    assert gone.returncode == 1
    assert "missing  Firefox ESR" in gone.stdout
    assert "sudo apt-get install -y --no-install-recommends firefox-esr webkit2gtk-driver" in gone.stderr


def test_make_help_prints_the_real_port():
    result = run(["make", "--no-print-directory", "help", "PORT=8123"])
    assert result.returncode == 0
    assert "$(PORT)" not in result.stdout
    assert "serve http://127.0.0.1:8123/" in result.stdout


def test_a_failed_build_ends_with_its_verdict_and_a_good_one_too(tmp_path):
    build = [sys.executable, "tools/build.py", "--output", str(tmp_path / "out")]
    failed = run([*build, "--content", str(SITES / "lint-broken")])
    assert failed.returncode == 1
    assert "Done: Processed" not in failed.stdout + failed.stderr
    assert failed.stderr.strip().splitlines()[-1].startswith("build failed: ")
    built = run([*build, "--content", str(SITES / "basic")])
    assert built.returncode == 0
    assert built.stderr.strip().splitlines()[-1].startswith(f"built {SITES / 'basic'} into out/ in ")


def test_serve_says_when_the_port_is_taken_and_how_to_pick_another(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run([sys.executable, "tools/serve.py", "--content", str(SITES / "basic"),
                      "--output", str(tmp_path / "out"), "--port", str(port)])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"make serve PORT={port + 1}" in result.stderr
    assert not (tmp_path / "out").exists(), "nothing is built before the port is known to be free"


def test_serve_does_not_call_its_first_build_a_rebuild(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen(
        [sys.executable, "-u", "tools/serve.py", "--content", str(SITES / "basic"),
         "--output", str(tmp_path / "out"), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        # Read until the server says it serves: a positive signal, not a wait.
        for line in serve.stdout:
            lines.append(line.rstrip())
            if line.startswith("serving http://"):
                break
        assert lines[-1] == f"serving http://127.0.0.1:{port}/ (Ctrl+C to stop)", lines
        assert any(line.startswith("built ") for line in lines), lines
        assert not any("rebuilt" in line for line in lines), lines
    finally:
        serve.terminate()
        serve.wait(timeout=30)
