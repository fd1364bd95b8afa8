"""`make run`'s code path against a temporary database, then a real HTTP smoke test of `serve`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from refugewatch.cli import app
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "reports"
# A cold start of uvicorn with the app imported takes a few seconds on a loaded 2-core machine.
SERVER_START_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_run_steps(env: dict[str, str]) -> str:
    """Runs init, ingest, rebuild; returns what they printed (init prints the first password)."""
    runner = CliRunner()
    printed = ""
    for args in (["init"], ["ingest", str(EXAMPLES)], ["rebuild"]):
        result = runner.invoke(app, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        printed += result.output
    return printed


def _sign_in(client: httpx.Client, password: str) -> None:
    client.get("/login")
    token = client.cookies["refugewatch_csrf"]
    data = {"username": "admin", "password": password, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 303


def test_make_run_serves_the_examples_as_cases(tmp_path: Path) -> None:
    env = {
        "REFUGEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "REFUGEWATCH_COOKIE_SECURE": "no",  # plain http on 127.0.0.1, as `make run`
    }
    first = re.search(r"with password: (\S+)", _make_run_steps(env))
    assert first, "the first init prints the admin password"
    assert "with password" not in _make_run_steps(env)  # twice: nothing duplicated
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "refugewatch", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        assert httpx.get(f"{base}/cases", timeout=10).status_code == 303  # sign in first
        with httpx.Client(base_url=base, timeout=10) as client:
            _sign_in(client, first.group(1))
            page = client.get("/cases")
            assert page.status_code == 200
            assert "Mong Cai" in page.text
            api = client.get("/api/documents").json()
            assert len(api) == len(list(EXAMPLES.iterdir()))
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_public_address(tmp_path: Path) -> None:
    env = {"REFUGEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"], env=env)
    assert result.exit_code == 2
    assert "127.0.0.1" in result.output


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            out = server.stdout.read().decode() if server.stdout else ""
            pytest.fail(f"server exited early: {out}")
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("server did not start in time")
