"""What the Godot dock needs from the API besides jobs: the LLM flag and the same-origin page."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from benchgen.server import create_app

from .conftest import LiveServer, make_project


@pytest.mark.parametrize(
    ("env", "want"),
    [
        pytest.param({}, False, id="none"),
        pytest.param({"BENCHGEN_LLM_BASE_URL": "http://127.0.0.1:9/v1"}, False, id="no-model"),
        pytest.param(
            {"BENCHGEN_LLM_BASE_URL": "http://127.0.0.1:9/v1", "BENCHGEN_LLM_MODEL": "m"},
            True,
            id="both",
        ),
    ],
)
def test_health_says_whether_an_llm_is_configured(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], want: bool
) -> None:
    monkeypatch.delenv("BENCHGEN_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("BENCHGEN_LLM_MODEL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert client.get("/api/health").json()["llm_configured"] is want


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("page")
    project = make_project(root / "project")
    page = root / "page"
    page.mkdir()
    (page / "index.html").write_text("<!DOCTYPE html><title>godot</title>", encoding="utf-8")
    (page / "index.wasm").write_bytes(b"\0asm\1\0\0\0")
    (page / "game.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    (page / ".hidden").write_text("secret", encoding="utf-8")
    app = create_app(project / "scenarios", project_dir=project, godot_page_dir=page)
    with LiveServer(app) as server:
        yield server


@pytest.mark.parametrize(
    ("name", "media"),
    [
        pytest.param("index.html", "text/html", id="html"),
        pytest.param("index.wasm", "application/wasm", id="wasm"),
        pytest.param("game.zip", "application/zip", id="zip"),
    ],
)
def test_godot_page_is_served_cross_origin_isolated(
    page_server: LiveServer, name: str, media: str
) -> None:
    with page_server.client() as client:
        response = client.get(f"/godot/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["cross-origin-embedder-policy"] == "require-corp"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/godot/.hidden", id="hidden"),
        pytest.param("/godot/missing.js", id="missing"),
        pytest.param("/godot/..%2Fproject%2Fproject.godot", id="traversal"),
    ],
)
def test_godot_page_serves_only_its_own_files(page_server: LiveServer, url: str) -> None:
    with page_server.client() as client:
        assert client.get(url).status_code == 404


def test_godot_page_is_absent_unless_asked_for(client: httpx.Client) -> None:
    assert client.get("/godot/index.html").status_code == 404


def test_godot_page_is_not_in_the_openapi_schema(page_server: LiveServer) -> None:
    with page_server.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith("/godot") for p in paths)
