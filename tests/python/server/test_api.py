"""The API over real HTTP: health, families, bad input, a real job, cancel and restart."""

from __future__ import annotations

import functools
import importlib
import inspect
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchgen.agent.graph import AgentSettings
from benchgen.agent.llm import ModelReply, Usage
from benchgen.server import create_app
from benchgen.store import Job, Store
from benchgen.verify import verify_folder

from .conftest import LiveServer, wait_for


def test_health_answers_ok(client: httpx.Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_families_carry_description_and_params_schema(client: httpx.Client) -> None:
    families = {f["name"]: f for f in client.get("/api/families").json()}
    assert "push_to_goal" in families
    ramp = families["push_to_goal"]
    assert ramp["description"]
    assert ramp["params_schema"]["type"] == "object"
    assert ramp["params_schema"]["properties"]


def test_openapi_lists_the_endpoints(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/health",
        "/api/families",
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/scenarios",
        "/api/scenarios/{scenario_id}",
        "/api/benchmark/scenarios",
        "/api/benchmark/runs",
        "/api/benchmark/runs/{run_id}",
    ):
        assert path in paths


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"family": "push_to_goal", "count": -1}, "count", id="negative-count"),
        pytest.param({"family": "push_to_goal", "count": 10**9}, "count", id="huge-count"),
        pytest.param({"family": "../../etc/passwd"}, "family", id="path-family"),
        pytest.param({"family": "push_to_goal", "seed": -5}, "seed", id="negative-seed"),
        pytest.param({"family": "push_to_goal", "params": {"nope": 1}}, "nope", id="unknown-param"),
        pytest.param(
            {"family": "push_to_goal", "params": {"shelf_height": 99.0}},
            "shelf_height",
            id="param-out-of-range",
        ),
        pytest.param({"family": "push_to_goal", "colour": "red"}, "colour", id="extra-field"),
        pytest.param({}, "family", id="empty"),
        pytest.param([{"family": "push_to_goal"}], "body", id="json-array"),
        pytest.param("push_to_goal", "body", id="json-string"),
    ],
)
def test_bad_job_bodies_are_4xx_naming_the_field(
    client: httpx.Client, body: object, field: str
) -> None:
    response = client.post("/api/jobs", json=body)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"family": "push_to_goal", "count": ', id="truncated"),
        pytest.param(b"\xff\xfe not json", id="binary"),
        pytest.param(b"", id="empty-body"),
    ],
)
def test_malformed_json_is_4xx(client: httpx.Client, raw: bytes) -> None:
    response = client.post("/api/jobs", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"family": "push_to_goal", "seed": False}, id="bool-seed"),
        pytest.param({"family": "push_to_goal", "renders": 0.0}, id="float-renders"),
        pytest.param({"family": "push_to_goal", "count": "2"}, id="string-count"),
    ],
)
def test_wrongly_typed_fields_are_refused(client: httpx.Client, body: dict) -> None:
    response = client.post("/api/jobs", json=body)
    assert response.status_code == 422, response.text
    assert client.get("/api/health").status_code == 200


def test_malformed_json_says_so(client: httpx.Client) -> None:
    response = client.post(
        "/api/jobs", content=b'{"family": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith("the body is not valid JSON")


def test_20_mb_body_is_refused_with_413(client: httpx.Client) -> None:
    body = b'{"family": "push_to_goal", "request": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    response = client.post("/api/jobs", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert client.get("/api/health").status_code == 200


def test_chunked_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    def chunks():
        for _ in range(40):
            yield b"x" * 65536

    response = client.post(
        "/api/jobs", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert client.get("/api/health").status_code == 200


def test_free_text_without_llm_says_how_to_configure_one(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BENCHGEN_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("BENCHGEN_LLM_MODEL", raising=False)
    response = client.post("/api/jobs", json={"request": "a ball rolls down a ramp into a cup"})
    assert response.status_code == 409
    assert "BENCHGEN_LLM_BASE_URL" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api/jobs/../../etc/passwd", id="job-traversal"),
        pytest.param("/api/jobs/not-a-job", id="job-bad-id"),
        pytest.param("/api/jobs/" + "0" * 32, id="job-unknown"),
        pytest.param("/api/scenarios/..%2F..%2Fetc%2Fpasswd", id="scenario-traversal"),
        pytest.param("/api/scenarios/push_to_goal-000001-abcdef", id="scenario-unknown"),
        pytest.param("/api/scenarios?family=../../etc/passwd", id="family-traversal"),
        pytest.param("/api/scenarios?status=bogus", id="bad-status"),
        pytest.param("/files/../../etc/passwd", id="files-traversal"),
        pytest.param("/files/push_to_goal/..%2F..%2F..%2Fetc%2Fpasswd/x", id="files-encoded"),
        pytest.param("/files/benchgen.sqlite", id="files-store"),
        pytest.param("/files/%2Fetc/passwd/x", id="files-absolute"),
    ],
)
def test_paths_that_escape_the_output_folder_are_4xx(client: httpx.Client, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.text[:200])
    assert "root:" not in response.text
    assert client.get("/api/health").status_code == 200


@pytest.fixture(scope="module")
def finished_job(live: LiveServer) -> dict:
    """A 2-scenario push_to_goal job without renders, polled until it ends."""
    with live.client() as c:
        response = c.post(
            "/api/jobs", json={"family": "push_to_goal", "count": 2, "seed": 11, "renders": False}
        )
        assert response.status_code == 202, response.text
        job = wait_for(c, f"/api/jobs/{response.json()['id']}", ("done", "failed", "cancelled"))
    return job


@pytest.mark.slow
def test_job_reaches_done_with_two_promoted_scenarios(finished_job: dict) -> None:
    assert finished_job["state"] == "done", finished_job
    assert finished_job["progress"] == {"done": 2, "total": 2}
    promoted = [s for s in finished_job["scenarios"] if s["status"] == "promoted"]
    assert len(promoted) == 2
    assert all(s["stage"] == "finished" for s in finished_job["scenarios"])


@pytest.mark.slow
def test_job_scenarios_are_listed_and_verify(
    finished_job: dict, client: httpx.Client, project: Path
) -> None:
    listed = client.get("/api/scenarios", params={"family": "push_to_goal", "status": "promoted"})
    assert listed.status_code == 200
    rows = {r["id"]: r for r in listed.json()}
    for scenario in finished_job["scenarios"]:
        if scenario["status"] != "promoted":
            continue
        assert rows[scenario["id"]]["job_id"] == finished_job["id"]
        detail = client.get(f"/api/scenarios/{scenario['id']}").json()
        assert detail["spec"]["id"] == scenario["id"]
        assert detail["verification"]["promoted"] is True
        folder = project / "scenarios" / "push_to_goal" / scenario["id"]
        report = verify_folder(folder)
        assert report.ok, report.checks


@pytest.mark.slow
def test_scenario_files_are_served_read_only(finished_job: dict, client: httpx.Client) -> None:
    scenario_id = next(s["id"] for s in finished_job["scenarios"] if s["status"] == "promoted")
    response = client.get(f"/files/push_to_goal/{scenario_id}/scenario.json")
    assert response.status_code == 200
    assert response.json()["id"] == scenario_id
    assert (
        client.put(f"/files/push_to_goal/{scenario_id}/scenario.json", content=b"{}").status_code
        == 405
    )


@pytest.mark.slow
def test_reverify_endpoint(finished_job: dict, client: httpx.Client) -> None:
    scenario_id = next(s["id"] for s in finished_job["scenarios"] if s["status"] == "promoted")
    response = client.post(f"/api/scenarios/{scenario_id}/verify", timeout=120)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True


@pytest.mark.slow
def test_cancel_a_job(client: httpx.Client) -> None:
    created = client.post(
        "/api/jobs", json={"family": "push_to_goal", "count": 50, "seed": 500, "godot": False}
    )
    job_id = created.json()["id"]
    cancelled = client.delete(f"/api/jobs/{job_id}")
    assert cancelled.status_code == 202
    job = wait_for(client, f"/api/jobs/{job_id}", ("done", "failed", "cancelled"))
    assert job["state"] == "cancelled", job
    assert job["progress"]["done"] < 50
    assert client.delete("/api/jobs/" + "f" * 32).status_code == 404


@pytest.mark.slow
def test_finished_jobs_survive_a_restart(finished_job: dict, project: Path) -> None:
    app = create_app(project / "scenarios", project_dir=project)
    with LiveServer(app) as second, second.client() as c:
        job = c.get(f"/api/jobs/{finished_job['id']}").json()
        assert job["state"] == "done"
        assert job["scenarios"] == finished_job["scenarios"]
        ids = {r["id"] for r in c.get("/api/scenarios").json()}
        assert {s["id"] for s in finished_job["scenarios"] if s["status"] == "promoted"} <= ids


def _stale_job(job_id: str, kind: str, request: dict, state: str) -> Job:
    return Job(
        id=job_id,
        kind=kind,
        request=request,
        state=state,
        done=0,
        total=1,
        error="",
        result={},
    )


@pytest.mark.slow
def test_jobs_left_by_a_dead_server_are_resumed_or_clearly_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BENCHGEN_LLM_BASE_URL", raising=False)
    request = {"family": "push_to_goal", "count": 1, "seed": 3, "renders": False, "godot": False}
    store = Store.in_folder(tmp_path)
    store.save_job(_stale_job("a" * 32, "generate", request, "running"))
    store.save_job(_stale_job("b" * 32, "generate", {**request, "seed": 4}, "queued"))
    store.save_job(_stale_job("c" * 32, "benchmark", {"agent": "null", "count": 1}, "running"))
    store.save_job(_stale_job("d" * 32, "agent", {"request": "a ramp", "count": 1}, "queued"))
    store.close()
    with LiveServer(create_app(tmp_path, project_dir=tmp_path)) as server, server.client() as c:
        for job_id in ("a" * 32, "b" * 32):
            job = wait_for(c, f"/api/jobs/{job_id}", ("done", "failed", "cancelled"))
            assert job["state"] == "done", job
            assert "resumed after a server restart" in job["warnings"]
        for job_id in ("c" * 32, "d" * 32):
            job = c.get(f"/api/jobs/{job_id}").json()
            assert job["state"] == "failed"
            assert job["error"].startswith("the server stopped while this job ran")
        promoted = c.get("/api/scenarios", params={"status": "promoted"}).json()
    assert len(promoted) == 2


def test_raw_socket_garbage_does_not_break_the_server(live: LiveServer) -> None:
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n{}")
        reply = sock.recv(100)
    assert not reply.startswith(b"HTTP/1.1 5")
    with live.client() as c:
        assert c.get("/api/health").status_code == 200


@pytest.mark.slow
def test_jobs_list_shows_each_job_newest_first(client: httpx.Client) -> None:
    body = {"family": "ramp_to_goal", "count": 1, "renders": False, "godot": False}
    first = client.post("/api/jobs", json=body).json()["id"]
    wait_for(client, f"/api/jobs/{first}", ("done",))
    second = client.post("/api/jobs", json={**body, "seed": 1}).json()["id"]
    wait_for(client, f"/api/jobs/{second}", ("done",))
    listed = client.get("/api/jobs").json()
    assert [job["id"] for job in listed][:2] == [second, first]  # the server's earlier jobs follow
    assert listed[1]["request"]["family"] == "ramp_to_goal" and listed[1]["state"] == "done"


class _WaitingModel:
    """A chat model whose first call blocks until ``release`` is set, then says nothing."""

    name = "waiting"
    vision = False

    def __init__(self, started: threading.Event, release: threading.Event) -> None:
        self.started, self.release = started, release

    def complete(self, messages: list, *, tools: list | None = None) -> ModelReply:
        self.started.set()
        self.release.wait(60)
        return ModelReply(content="", tool_calls=[], usage=Usage())


def _agent_double(model: object, seen: list[dict]) -> object:
    """The real run_agent_job with a stand-in model, under the real function's signature."""
    from benchgen.agent.runner import run_agent_job

    @functools.wraps(run_agent_job)
    def double(request: str, out: Path, **kwargs: object) -> object:
        seen.append({"request": request, **kwargs})
        settings = AgentSettings(renders=False, godot=False, max_iterations=1)
        kwargs.update(model=model, settings=settings)
        return run_agent_job(request, out, **kwargs)  # type: ignore[arg-type]

    return double


def test_the_agent_job_gets_its_cancel_flag_and_stops(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import benchgen.agent

    started, release = threading.Event(), threading.Event()
    seen: list[dict] = []
    monkeypatch.setenv("BENCHGEN_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("BENCHGEN_LLM_MODEL", "scripted")
    double = _agent_double(_WaitingModel(started, release), seen)
    monkeypatch.setattr(benchgen.agent, "run_agent_job", double)
    created = client.post("/api/jobs", json={"request": "a ball rolls into a cup"})
    assert created.status_code == 202, created.text
    job_id = created.json()["id"]
    assert started.wait(60)
    client.delete(f"/api/jobs/{job_id}")
    release.set()
    job = wait_for(client, f"/api/jobs/{job_id}", ("done", "failed", "cancelled"))
    assert job["state"] == "cancelled", job
    assert "the run was cancelled" in job["error"]
    assert seen[0]["request"] == "a ball rolls into a cup"
    assert seen[0]["run_id"] == job_id and isinstance(seen[0]["cancel"], threading.Event)


def test_the_server_calls_run_agent_job_as_it_is_declared() -> None:
    """No signature shim: the keywords the server passes are parameters of the function."""
    from benchgen.agent.runner import run_agent_job

    parameters = inspect.signature(run_agent_job).parameters
    assert parameters["cancel"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["run_id"].kind is inspect.Parameter.KEYWORD_ONLY
    source = inspect.getsource(importlib.import_module("benchgen.server.routes.jobs"))
    assert "inspect.signature" not in source


def test_the_job_queue_is_bounded(tmp_path: Path) -> None:
    block = threading.Event()

    def slow(request: dict, out: Path, workers: int, emit: object, cancel: object) -> dict:
        block.wait(60)
        return {"promoted": 1, "rejected": 0, "attempts": 1, "cancelled": False}

    app = create_app(tmp_path, project_dir=tmp_path, max_queued=2, generate_runner=slow)
    body = {"family": "push_to_goal", "godot": False}
    try:
        with LiveServer(app) as server, server.client() as c:
            codes = [c.post("/api/jobs", json=body).status_code for _ in range(4)]
            refused = c.post("/api/jobs", json=body)
            block.set()
    finally:
        block.set()
    assert codes == [202, 202, 202, 429]
    assert refused.status_code == 429
    assert "jobs are waiting already (the limit is 2)" in refused.json()["detail"]


def test_a_job_cancelled_after_it_finished_its_scenarios_is_done(tmp_path: Path) -> None:
    release = threading.Event()

    def finishes(request: dict, out: Path, workers: int, emit: Any, cancel: Any) -> dict:
        emit("outcome", _outcome_payload())
        release.wait(60)
        return {"promoted": 1, "rejected": 0, "attempts": 1, "cancelled": True}

    app = create_app(tmp_path, project_dir=tmp_path, generate_runner=finishes)
    with LiveServer(app) as server, server.client() as c:
        job_id = c.post("/api/jobs", json={"family": "push_to_goal", "godot": False}).json()["id"]
        deadline_job = wait_for(c, f"/api/jobs/{job_id}", ("running",))
        assert deadline_job["state"] == "running"
        c.delete(f"/api/jobs/{job_id}")
        release.set()
        job = wait_for(c, f"/api/jobs/{job_id}", ("done", "failed", "cancelled"))
    assert (job["state"], job["progress"]) == ("done", {"done": 1, "total": 1}), job


def test_a_scenario_published_with_its_thumbnail_shows_before_its_outcome(tmp_path: Path) -> None:
    """The job lists a scenario's verdict and thumbnail while its other renders are made."""
    release = threading.Event()
    published = {**_outcome_payload(), "files": {"renders/thumbnail.png": "0" * 64}}

    def two_phases(request: dict, out: Path, workers: int, emit: Any, cancel: Any) -> dict:
        emit("published", published)
        release.wait(60)
        emit("outcome", published)
        return {"promoted": 1, "rejected": 0, "attempts": 1, "cancelled": False}

    app = create_app(tmp_path, project_dir=tmp_path, generate_runner=two_phases)
    try:
        with LiveServer(app) as server, server.client() as c:
            job_id = c.post("/api/jobs", json={"family": "push_to_goal"}).json()["id"]
            wait_for(c, f"/api/jobs/{job_id}", ("running",))
            early = c.get(f"/api/jobs/{job_id}").json()
            for _ in range(100):  # the event comes from the runner's thread
                if early["scenarios"]:
                    break
                time.sleep(0.05)
                early = c.get(f"/api/jobs/{job_id}").json()
            release.set()
            done = wait_for(c, f"/api/jobs/{job_id}", ("done", "failed", "cancelled"))
    finally:
        release.set()
    row = {k: early["scenarios"][0][k] for k in ("status", "stage", "thumbnail")}
    assert row == {"status": "promoted", "stage": "render", "thumbnail": True}
    assert early["progress"]["done"] == 0  # counted once its outcome (all renders) is in
    assert done["scenarios"][0]["thumbnail"] and done["progress"]["done"] == 1


def test_lists_show_the_thumbnail_else_the_contact_sheet(tmp_path: Path) -> None:
    from benchgen.server.scenarios import _thumbnail

    folder = tmp_path / "push_to_goal" / "push_to_goal-000001-abcdef"
    (folder / "renders").mkdir(parents=True)
    assert _thumbnail(folder) is None
    (folder / "renders" / "contact_sheet.png").write_bytes(b"")
    assert _thumbnail(folder) == f"/files/push_to_goal/{folder.name}/renders/contact_sheet.png"
    (folder / "renders" / "thumbnail.png").write_bytes(b"")
    assert _thumbnail(folder) == f"/files/push_to_goal/{folder.name}/renders/thumbnail.png"


def _outcome_payload() -> dict:
    return {
        "scenario_id": "push_to_goal-000000-abcdef",
        "family": "push_to_goal",
        "seed": 0,
        "status": "promoted",
    }


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"id": "trunc', id="truncated"),
        pytest.param(b'{"id": "\xff\xfe"}', id="not-utf8"),
    ],
)
def test_a_corrupted_scenario_is_a_clear_409(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "push_to_goal" / "push_to_goal-000001-abcdef"
    with LiveServer(create_app(tmp_path, project_dir=tmp_path)) as server, server.client() as c:
        folder.mkdir(parents=True)  # damaged while the server runs
        (folder / "scenario.json").write_bytes(content)
        response = c.get("/api/scenarios/push_to_goal-000001-abcdef")
    assert response.status_code == 409, response.text
    assert "is corrupted" in response.json()["detail"]


def test_a_folder_damaged_before_the_start_is_moved_aside_and_listed_rejected(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "push_to_goal" / "push_to_goal-000001-abcdef"
    folder.mkdir(parents=True)
    (folder / "scenario.json").write_bytes(b'{"id": "trunc')
    with LiveServer(create_app(tmp_path, project_dir=tmp_path)) as server, server.client() as c:
        detail = c.get("/api/scenarios/push_to_goal-000001-abcdef").json()
    assert detail["status"] == "rejected" and detail["reasons"] == ["VALIDATION_FAILED"]
    assert "damaged on disk, moved aside" in detail["detail"]
    assert not folder.exists()


@pytest.mark.slow
def test_a_prompt_injected_agent_job_over_http_cannot_touch_the_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bwrap: str
) -> None:
    """Issue 11 finding 1 end to end: POST /api/jobs with a model that plants symlinks."""
    import benchgen.agent
    from benchgen.agent.scripted import ScriptedModel, call, calls, say

    secret = tmp_path / "host" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root only")
    secret.chmod(0o600)
    planted = tmp_path / "host" / "created-by-root.txt"
    targets = [("plan.md", str(planted)), ("utils/README.md", str(secret))]
    targets.append(("todo.md", str(secret.parent)))
    attack = (
        "import os\n"
        f"for name, target in {targets!r}:\n"
        "    try:\n        os.unlink(name); os.symlink(target, name); print(name, 'replaced')\n"
        "    except OSError as exc:\n        print(name, 'refused', exc.errno)\n"
        f"os.symlink({str(secret)!r}, 'renders/leak.txt')\n"
    )
    turns = [
        calls(
            call("write", path="plan.md", content="# Plan\n"),
            call("write", path="todo.md", content="- [ ] x\n"),
        ),
        say("planned"),
        call("write", path="attack.py", content=attack),
        call("execute", path="attack.py"),
        say("done"),
        say("NONE"),
    ]
    seen: list[dict] = []
    model = ScriptedModel(turns)
    monkeypatch.setenv("BENCHGEN_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("BENCHGEN_LLM_MODEL", "scripted")
    monkeypatch.setattr(benchgen.agent, "run_agent_job", _agent_double(model, seen))
    out = tmp_path / "out"
    with LiveServer(create_app(out, project_dir=tmp_path)) as server, server.client() as c:
        created = c.post("/api/jobs", json={"request": "a ball rolls into a cup"})
        assert created.status_code == 202, created.text
        job = wait_for(c, f"/api/jobs/{created.json()['id']}", ("done", "failed", "cancelled"))
    assert job["state"] in ("done", "failed"), job
    ran = [m["content"] for r in model.requests for m in r if m["role"] == "tool"]
    output = next(text for text in ran if "exit code" in text)  # the attack did run
    assert "plan.md refused" in output and "utils/README.md refused" in output, output
    assert "renders/leak.txt: a symbolic link" in output and "todo.md: a symbolic link" in output
    assert secret.read_text() == "root only" and not planted.exists()
    assert sorted(p.name for p in secret.parent.iterdir()) == ["secret.txt"]
    ws = out / ".agent-runs" / job["id"]
    assert not any(p.is_symlink() for p in ws.rglob("*"))
    assert (ws / "plan.md").read_text() == "# Plan\n"
