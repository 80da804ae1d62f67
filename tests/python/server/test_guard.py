"""DNS rebinding, cross-site requests and the token, against a real server over HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchgen.server import create_app

from .conftest import LiveServer, make_project

SCENARIO = "ramp_to_goal-000001-abcdef"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("guarded")
    with LiveServer(create_app(root, project_dir=make_project(root / "project"))) as server:
        yield server


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("token")
    app = create_app(root, project_dir=root, token="s3cret-token")
    with LiveServer(app) as server:
        yield server


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("rebind.attacker.example:8765", id="rebound-name"),
        pytest.param("attacker.example", id="no-port"),
        pytest.param("127.0.0.1.attacker.example", id="lookalike"),
        pytest.param("", id="empty"),
    ],
)
def test_a_foreign_host_header_is_refused(guarded: LiveServer, host: str) -> None:
    with guarded.client() as c:
        response = c.get("/api/scenarios", headers={"Host": host})
    assert response.status_code == 421, response.text
    assert "is not this server's address" in response.json()["detail"]


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:1", "[::1]:8765", "LOCALHOST"])
def test_this_machines_names_are_accepted(guarded: LiveServer, host: str) -> None:
    with guarded.client() as c:
        assert c.get("/api/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        pytest.param("POST", f"/api/scenarios/{SCENARIO}/verify", None, id="verify-no-body"),
        pytest.param("POST", "/api/jobs", {"family": "ramp_to_goal"}, id="job"),
        pytest.param("DELETE", "/api/jobs/" + "a" * 32, None, id="cancel"),
        pytest.param("POST", "/api/benchmark/runs", {}, id="benchmark"),
    ],
)
@pytest.mark.parametrize("origin", ["https://attacker.example", "null", "file://"])
def test_a_state_change_from_a_foreign_origin_is_refused(
    guarded: LiveServer, method: str, url: str, body: dict | None, origin: str
) -> None:
    with guarded.client() as c:
        response = c.request(method, url, json=body, headers={"Origin": origin})
        jobs = c.get("/api/jobs").json()
    assert response.status_code == 403, response.text
    assert "may not change anything here" in response.json()["detail"]
    assert jobs == []


def test_same_origin_and_no_origin_pass(guarded: LiveServer) -> None:
    with guarded.client() as c:
        same = c.post(f"/api/scenarios/{SCENARIO}/verify", headers={"Origin": guarded.url})
        plain = c.post(f"/api/scenarios/{SCENARIO}/verify")
        read = c.get("/api/jobs", headers={"Origin": "https://attacker.example"})
    assert same.status_code == plain.status_code == 404  # reached the route: no such scenario
    assert read.status_code == 200  # a read; without CORS headers the page cannot see it


def test_the_token_is_required_except_for_health(with_token: LiveServer) -> None:
    with with_token.client() as c:
        assert c.get("/api/health").status_code == 200
        missing = c.get("/api/jobs")
        wrong = c.get("/api/jobs", headers={"Authorization": "Bearer nope"})
        right = c.get("/api/jobs", headers={"Authorization": "Bearer s3cret-token"})
        files = c.get(f"/files/ramp_to_goal/{SCENARIO}/scenario.json")
    assert missing.status_code == wrong.status_code == files.status_code == 401
    assert "needs its token" in missing.json()["detail"]
    assert right.status_code == 200


def test_any_host_needs_a_token(tmp_path: Path) -> None:
    from benchgen.errors import InvalidSpecError

    with pytest.raises(InvalidSpecError, match="needs a token"):
        create_app(tmp_path, hosts=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_allow_remote_generates_a_token_for_the_dock(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    port = _free_port()
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "benchgen.cli", "serve", "--host", "0.0.0.0"]
    command += ["--port", str(port), "--allow-remote", "--out", str(tmp_path / "out")]
    command += ["--project", str(project)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
            time.sleep(0.2)
        setting = (project / "project.godot").read_text()
        token = re.search(r'^backend/token="([^"]+)"$', setting, re.M)
        assert token is not None, setting
        anonymous = httpx.get(url + "/api/jobs")
        with_it = httpx.get(url + "/api/jobs", headers={"Authorization": f"Bearer {token[1]}"})
        # With --allow-remote the server answers to any name, but only with the token.
        other_name = httpx.get(url + "/api/jobs", headers={"Host": "box.lan:1"})
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert anonymous.status_code == 401 and other_name.status_code == 401
    assert with_it.status_code == 200


@pytest.mark.slow
def test_serve_refuses_allow_remote_without_the_token(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchgen.cli", "serve", "--host", "0.0.0.0"]
    done = subprocess.run(
        [*command, "--allow-remote", "--no-token", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--allow-remote requires the token" in done.stderr
    assert "Traceback" not in done.stderr
