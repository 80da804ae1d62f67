"""A live benchgen API on a free 127.0.0.1 port, reached over real HTTP with httpx."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from benchgen.server import create_app

REPO = Path(__file__).resolve().parents[3]


class LiveServer:
    """uvicorn serving one app in a thread, on a socket bound before it starts."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this; without it Nagle + delayed ACK add 40 ms per request
        # (uvicorn sets it only on sockets it creates itself).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)
        self.sock.close()

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def make_project(root: Path) -> Path:
    """Copy the parts of the Godot project the API edits into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "project.godot", root / "project.godot")
    (root / "benchmarking").mkdir(exist_ok=True)
    shutil.copy(
        REPO / "benchmarking" / "benchmarker.tscn", root / "benchmarking" / "benchmarker.tscn"
    )
    return root


class FakeGodotRun:
    def __init__(self) -> None:
        self.exit_code = 0
        self.runtime = "fake"
        self.seconds = 0.01
        self.results: dict[str, Any] = {"agent": "null", "scenarios": []}


def fake_godot(
    args: list[str], *, on_line: Callable[[str, bool], None], **_kw: Any
) -> FakeGodotRun:
    """Stand in for run_godot: print two lines and report an empty run."""
    on_line("Godot Engine v4.6 (fake)", False)
    on_line("BENCHGEN_RESULTS " + " ".join(args), False)
    return FakeGodotRun()


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def live(project: Path) -> Iterator[LiveServer]:
    """The API over ``<project>/scenarios``, generating with 2 worker processes."""
    app = create_app(project / "scenarios", workers=2, project_dir=project, godot_runner=fake_godot)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with live.client() as c:
        yield c


def wait_for(
    client: httpx.Client, url: str, states: tuple[str, ...], timeout: float = 180
) -> dict[str, Any]:
    """Poll ``url`` until its ``state`` is one of ``states``; return the last body."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url).json()
        if body["state"] in states or time.monotonic() > deadline:
            return body
        time.sleep(0.25)
