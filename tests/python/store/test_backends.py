"""The store on both databases it supports: SQLite (default) and a real PostgreSQL server.

The PostgreSQL server is a private cluster this module starts (initdb + pg_ctl from
Debian's postgresql package, which scripts/setup.sh installs) on a free 127.0.0.1 port
and stops afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchgen.pipeline import BuildOutcome
from benchgen.store import Job, Store


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb refuses to run as root: run the server tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    initdbs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert initdbs, "PostgreSQL server binaries missing: apt-get install postgresql"
    bindir = initdbs[-1].parent
    data = Path(tempfile.mkdtemp(prefix="benchgen-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "benchgen", "--auth=trust"]),
        **run,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(data / "log"),
                "start",
            ]
        ),
        **run,
    )
    try:
        yield f"postgresql://benchgen@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store.in_folder(tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
        opened = Store(url)
        with opened.session() as session:  # each test starts empty
            session.query(Job).delete()
            from benchgen.store import Attempt

            session.query(Attempt).delete()
    yield opened
    opened.close()


def _outcome(seed: int, status: str, reasons: list[str] | None = None) -> BuildOutcome:
    return BuildOutcome(
        scenario_id=f"push_to_goal-{seed:06d}-abcdef",
        family="push_to_goal",
        seed=seed,
        status=status,  # type: ignore[arg-type]
        reasons=reasons or [],
        files={"model.xml": "0" * 64},
        stage_seconds={"cad": 0.1},
    )


def test_attempts_and_stats(store: Store) -> None:
    store.record_attempt(_outcome(1, "promoted"))
    store.record_attempt(_outcome(2, "rejected", ["UNSOLVED"]))
    store.record_attempt(_outcome(3, "rejected", ["UNSOLVED", "TRIVIAL"]))
    (stats,) = store.stats()
    assert (stats.attempts, stats.promoted, stats.rejected) == (3, 1, 2)
    assert stats.top_reasons[0] == ("UNSOLVED", 2)
    latest = store.latest("push_to_goal-000003-abcdef")
    assert latest is not None and latest.reasons == ["UNSOLVED", "TRIVIAL"]
    assert latest.files == {"model.xml": "0" * 64}


def test_jobs_round_trip(store: Store) -> None:
    store.save_job(
        Job(
            id="j1",
            kind="generate",
            request={"family": "push_to_goal"},
            state="running",
            done=1,
            total=2,
        )
    )
    store.save_job(
        Job(
            id="j1",
            kind="generate",
            request={"family": "push_to_goal"},
            state="done",
            done=2,
            total=2,
        )
    )
    job = store.job("j1")
    assert job is not None and (job.state, job.done) == ("done", 2)
    assert [j.id for j in store.jobs(states=["done"])] == ["j1"]


def test_asset_uri_is_recorded(store: Store) -> None:
    store.record_attempt(_outcome(4, "promoted"))
    store.set_asset_uri("push_to_goal-000004-abcdef", "s3://bucket/push_to_goal/x")
    latest = store.latest("push_to_goal-000004-abcdef")
    assert latest is not None and latest.asset_uri == "s3://bucket/push_to_goal/x"
