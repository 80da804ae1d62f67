"""Chaos: kill the CLI, one of its workers, or the server at a random moment, then resume.

After every kill and resume these invariants must hold:

- ``no_orphans``: no process of the killed run is left (workers, manager, job child);
- ``folders_complete``: every published folder is complete and its bytes match its hashes;
- ``no_staging``: no ``.tmp-*`` folder is left;
- ``store_agrees``: the store's promoted scenarios are exactly the folders on disk, and
  ``stats`` counts them.

``BENCHGEN_CHAOS_RUNS`` (default 1) sets the runs per target, ``BENCHGEN_CHAOS_SEED`` the
random moments, ``BENCHGEN_CHAOS_PYTHONPATH`` where the killed processes import benchgen
from (another checkout, to compare). Each run prints one ``chaos:`` line; the last test
prints the totals.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchgen.pipeline.repair import folder_problem
from benchgen.spec.folder import hash_mismatches
from benchgen.spec.io import load_spec
from benchgen.store import Store

pytestmark = pytest.mark.slow

RUNS = int(os.environ.get("BENCHGEN_CHAOS_RUNS", "1"))
RNG = random.Random(int(os.environ.get("BENCHGEN_CHAOS_SEED", "11")))
FAMILY = "push_to_goal"
COUNT = 3
CLI = [sys.executable, "-m", "benchgen.cli"]
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
if os.environ.get("BENCHGEN_CHAOS_PYTHONPATH"):  # run the processes under test from elsewhere
    ENV["PYTHONPATH"] = os.environ["BENCHGEN_CHAOS_PYTHONPATH"]
TALLY: dict[str, int] = {"kills": 0, "finished_first": 0, "checks": 0, "held": 0}


def _session(sid: int) -> list[int]:
    """Return the pids of session ``sid`` (the killed run and everything it started)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    pids.append(int(entry))
            except OSError:
                continue
    return pids


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _wait_gone(sid: int, within_s: float = 15.0) -> list[int]:
    deadline = time.monotonic() + within_s
    while (left := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _generate_args(out: Path, seed: int) -> list[str]:
    return [*CLI, "generate", "--family", FAMILY, "--count", str(COUNT), "--seed", str(seed),
            "--workers", "2", "--no-renders", "--no-godot", "--out", str(out)]  # fmt: skip


def _invariants(out: Path, orphans: list[int]) -> dict[str, bool]:
    family_dir = out / FAMILY
    folders = sorted(p for p in family_dir.iterdir() if not p.name.startswith("."))
    complete = all(
        folder_problem(p) is None and not hash_mismatches(load_spec(p), p) for p in folders
    )
    store = Store.in_folder(out)
    try:
        promoted = {a.scenario_id for a in store.attempts(status="promoted")}
        stats = {s.family: s.promoted for s in store.stats()}
    finally:
        store.close()
    names = {p.name for p in folders}
    return {
        "no_orphans": not orphans,
        "folders_complete": complete and len(folders) == COUNT,
        "no_staging": not list(family_dir.glob(".tmp-*")),
        "store_agrees": promoted == names and stats.get(FAMILY) == len(names),
    }


def _record(target: str, run: int, delay: float, killed: bool, held: dict[str, bool]) -> None:
    TALLY["kills"] += int(killed)
    TALLY["finished_first"] += int(not killed)
    TALLY["checks"] += len(held)
    TALLY["held"] += sum(held.values())
    broken = [name for name, ok in held.items() if not ok]
    print(
        f"chaos: {target} run {run}: {'killed' if killed else 'finished before the kill'} "
        f"at {delay:.1f} s; invariants held {sum(held.values())}/{len(held)}"
        + (f" (broken: {', '.join(broken)})" if broken else "")
    )
    assert not broken, broken


def _resume(out: Path, seed: int) -> None:
    done = subprocess.run(
        _generate_args(out, seed), capture_output=True, text=True, env=ENV, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("run", range(RUNS))
def test_kill_the_cli(tmp_path: Path, run: int) -> None:
    out, seed, delay = tmp_path / "data", 20 + run * 10, RNG.uniform(1.0, 9.0)
    proc = subprocess.Popen(
        _generate_args(out, seed), env=ENV, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        proc.kill()
    proc.wait()
    orphans = _wait_gone(proc.pid)
    _resume(out, seed)
    _record("cli", run, delay, killed, _invariants(out, orphans))


@pytest.mark.parametrize("run", range(RUNS))
def test_kill_a_worker(tmp_path: Path, run: int) -> None:
    out, seed, delay = tmp_path / "data", 60 + run * 10, RNG.uniform(3.0, 9.0)
    proc = subprocess.Popen(
        _generate_args(out, seed), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    time.sleep(delay)
    workers = [p for p in _children(proc.pid) if b"multiprocessing" in _cmdline(p)]
    killed = proc.poll() is None and bool(workers)
    if killed:
        os.kill(RNG.choice(workers), signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    if killed and proc.returncode != 0:
        assert "Traceback" not in stderr, stderr
        assert "run the same command again to resume" in " ".join(stderr.split()), stderr
    orphans = _wait_gone(proc.pid)
    _resume(out, seed)
    _record("worker", run, delay, killed, _invariants(out, orphans))


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(out: Path, port: int) -> subprocess.Popen[bytes]:
    command = [*CLI, "serve", "--port", str(port), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(
        command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
        time.sleep(0.2)


@pytest.mark.parametrize("run", range(RUNS))
def test_kill_the_server(tmp_path: Path, run: int) -> None:
    out, seed, delay = tmp_path / "data", 100 + run * 10, RNG.uniform(1.0, 9.0)
    port = _free_port()
    server = _serve(out, port)
    body = {"family": FAMILY, "count": COUNT, "seed": seed, "godot": False}
    job_id = httpx.post(f"http://127.0.0.1:{port}/api/jobs", json=body).json()["id"]
    time.sleep(delay)
    state = httpx.get(f"http://127.0.0.1:{port}/api/jobs/{job_id}").json()["state"]
    killed = state in ("queued", "running")
    server.kill()
    server.wait()
    orphans = _wait_gone(server.pid)
    again = _serve(out, port)
    try:
        url = f"http://127.0.0.1:{port}/api/jobs/{job_id}"
        deadline = time.monotonic() + 300
        while (job := httpx.get(url).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=120)
    assert job["state"] == "done", job
    _record("server", run, delay, killed, _invariants(out, orphans))


@pytest.mark.parametrize("run", range(3))
def test_sigterm_after_a_verify_leaves_no_process(
    ramp_dataset: Path, tmp_path: Path, run: int
) -> None:
    """Issue 11: a plain SIGTERM after a verify call orphaned the verify worker."""
    import shutil

    out = tmp_path / "data"
    shutil.copytree(ramp_dataset, out)
    port = _free_port()
    server = _serve(out, port)
    scenario = next((out / FAMILY).iterdir()).name
    url = f"http://127.0.0.1:{port}/api/scenarios/{scenario}/verify"
    assert httpx.post(url, timeout=120).json()["ok"] is True
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=120)
    assert _wait_gone(server.pid) == []


def test_chaos_totals() -> None:
    """Print the figures of every run above (run it last, with the others)."""
    print(
        f"chaos totals: {TALLY['kills']} kills ({TALLY['finished_first']} runs finished "
        f"before their kill), invariants held {TALLY['held']}/{TALLY['checks']}"
    )
    assert TALLY["held"] == TALLY["checks"]
