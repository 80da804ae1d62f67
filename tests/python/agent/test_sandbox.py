"""The sandbox agent-written code runs in, checked against a real bwrap."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from benchgen.agent.sandbox import SandboxLimits, SandboxResult, run_sandboxed
from benchgen.errors import SandboxError

REPO = Path(__file__).resolve().parents[3]
BENCHGEN = REPO / ".venv" / "bin" / "benchgen"
FAST = SandboxLimits(timeout_s=10, cpu_s=5, memory_mb=1024, max_procs=32)
IS_ROOT = os.geteuid() == 0

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace under pytest's 0700 tmp folder, as a worst case to reach."""
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


def _run(
    workspace: Path, code: str, *, limits: SandboxLimits = FAST, name: str = "script.py"
) -> SandboxResult:
    """Write ``code`` as a script in the workspace and run it in the sandbox."""
    (workspace / name).write_text(textwrap.dedent(code))
    started = time.monotonic()
    result = run_sandboxed(Path(name), workspace=workspace, limits=limits)
    assert time.monotonic() - started < 90
    return result


def _processes_matching(marker: str) -> list[str]:
    """Return the ps lines whose command line contains ``marker``."""
    ps = subprocess.run(["ps", "-eo", "pid,uid,stat,args"], capture_output=True, text=True)
    return [line for line in ps.stdout.splitlines() if marker in line]


def test_benign_script_writes_inside_the_workspace(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import os, pathlib
        import benchgen, build123d, mujoco
        pathlib.Path("out/result.txt").parent.mkdir()
        pathlib.Path("out/result.txt").write_text("done")
        print("cwd", os.getcwd(), "uid", os.getuid())
        """,
        limits=SandboxLimits(timeout_s=60, memory_mb=2048),
    )
    assert result.ok, result.stderr
    assert result.killed_by is None
    assert f"cwd {workspace}" in result.stdout
    assert (workspace / "out" / "result.txt").read_text() == "done"
    # The workspace is given back to its owner, outputs included.
    assert (workspace / "out" / "result.txt").stat().st_uid == os.geteuid()
    if IS_ROOT:
        assert "uid 0" not in result.stdout


def test_script_exit_code_is_returned(workspace: Path) -> None:
    result = _run(workspace, "import sys; print('bye'); sys.exit(3)")
    assert (result.exit_code, result.killed_by, result.stdout) == (3, None, "bye\n")


def test_connection_to_a_host_port_fails(workspace: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        port = server.getsockname()[1]
        result = _run(
            workspace,
            f"""
            import socket, sys
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3)
            except OSError as exc:
                print("blocked", type(exc).__name__)
                sys.exit(0)
            sys.exit(9)
            """,
        )
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody reached the host's listening socket
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("blocked")


def test_tmp_is_private(workspace: Path) -> None:
    name = f"/tmp/benchgen-sandbox-{uuid.uuid4().hex}"
    result = _run(workspace, f"open({name!r}, 'w').write('x'); print(open({name!r}).read())")
    assert result.ok, result.stderr
    assert result.stdout == "x\n"
    assert not os.path.exists(name)


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("/root/benchgen-sandbox-probe", id="root-home"),
        pytest.param(str(REPO / "benchgen-sandbox-probe"), id="repo"),
        pytest.param("../benchgen-sandbox-probe", id="workspace-parent"),
        pytest.param("/etc/benchgen-sandbox-probe", id="etc"),
    ],
)
def test_write_outside_the_workspace_fails(workspace: Path, target: str) -> None:
    result = _run(
        workspace,
        f"""
        import sys
        try:
            open({target!r}, "w").write("x")
        except OSError as exc:
            print("blocked", type(exc).__name__)
            sys.exit(0)
        sys.exit(9)
        """,
    )
    assert result.exit_code == 0, result.stderr
    assert not (workspace / target).exists()


@pytest.mark.skipif(not IS_ROOT, reason="only root has root-only files to protect")
def test_root_only_files_are_unreadable(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import os
        try:
            open("/etc/shadow").read()
            print("read")
        except PermissionError:
            print("denied")
        print("caps", [l for l in open("/proc/self/status") if l.startswith("CapEff")][0])
        """,
    )
    assert result.ok, result.stderr
    assert result.stdout.startswith("denied")
    assert "0000000000000000" in result.stdout


def test_environment_is_minimal(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCHGEN_TEST_SECRET", "hunter2")
    (workspace / "script.py").write_text("import os; print(sorted(os.environ))")
    result = run_sandboxed(
        Path("script.py"), workspace=workspace, limits=FAST, env={"MUJOCO_GL": "egl"}
    )
    assert "BENCHGEN_TEST_SECRET" not in result.stdout
    assert "MUJOCO_GL" in result.stdout


def test_cpu_limit_stops_an_infinite_loop(workspace: Path) -> None:
    limits = SandboxLimits(timeout_s=20, cpu_s=2)
    result = _run(workspace, "while True: pass", limits=limits)
    assert result.killed_by == "cpu"
    assert result.exit_code != 0
    assert result.wall_s < 10


def test_wall_clock_stops_a_sleeping_script(workspace: Path) -> None:
    limits = SandboxLimits(timeout_s=2, cpu_s=30)
    marker = f"sleeper_{uuid.uuid4().hex}.py"
    result = _run(
        workspace,
        """
        import os, subprocess, time
        # A daemon in its own session outlives its parent unless the sandbox kills it.
        subprocess.Popen(["sleep", "1000"], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            time.sleep(1000)
        time.sleep(1000)
        """,
        limits=limits,
        name=marker,
    )
    assert result.killed_by == "timeout"
    assert 2 <= result.wall_s < 6
    assert _processes_matching(marker) == []


def test_16gb_allocation_fails(workspace: Path) -> None:
    result = _run(workspace, "buffer = bytearray(16 * 2**30)")
    assert result.killed_by == "memory"
    assert result.exit_code != 0
    assert "MemoryError" in result.stderr


def test_process_limit_caps_children(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import os, time
        children = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                children += 1
        except BlockingIOError:
            pass
        print(children)
        """,
    )
    assert result.ok, result.stderr
    assert 0 < int(result.stdout) < FAST.max_procs


def test_fork_bomb_is_contained(workspace: Path) -> None:
    marker = f"bomb_{uuid.uuid4().hex}.py"
    limits = SandboxLimits(timeout_s=5, cpu_s=5, memory_mb=512, max_procs=32)
    result = _run(workspace, "import os\nwhile True:\n    os.fork()\n", limits=limits, name=marker)
    assert result.killed_by == "processes"
    assert result.wall_s < 15
    assert _processes_matching(marker) == []
    # The host still forks.
    assert subprocess.run(["true"]).returncode == 0


@pytest.mark.skipif(not IS_ROOT, reason="documents a root-only kernel exemption")
def test_rlimit_nproc_does_not_bind_root() -> None:
    """Why the sandbox drops root: RLIMIT_NPROC alone would not stop a fork bomb."""
    code = (
        "import os, time\n"
        "for _ in range(20):\n"
        "    if os.fork() == 0: time.sleep(1); os._exit(0)\n"
        "print('forked 20')\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NPROC, (5, 5))

    done = subprocess.run(
        [sys.executable, "-c", code], preexec_fn=limit, capture_output=True, text=True
    )
    assert done.stdout == "forked 20\n"


def test_output_is_capped(workspace: Path) -> None:
    limits = SandboxLimits(timeout_s=20, output_bytes=4096)
    result = _run(workspace, "print('x' * 5_000_000)", limits=limits)
    assert result.ok
    assert result.stdout_truncated
    assert len(result.stdout) == 4096


@pytest.fixture
def locked_workspace() -> Iterator[Path]:
    """A workspace outside /tmp whose parent only root can enter."""
    parent = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="benchgen-sandbox-"))
    assert stat.S_IMODE(parent.stat().st_mode) == 0o700
    (parent / "ws").mkdir()
    yield parent / "ws"
    shutil.rmtree(parent)


def test_workspace_under_a_private_folder(locked_workspace: Path) -> None:
    result = _run(locked_workspace, "open('made.txt', 'w').write('ok')")
    assert result.ok, result.stderr
    assert (locked_workspace / "made.txt").read_text() == "ok"


def test_missing_bwrap_is_a_clear_error(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(workspace))
    (workspace / "script.py").write_text("pass")
    with pytest.raises(SandboxError, match=r"apt-get install bubblewrap"):
        run_sandboxed(Path("script.py"), workspace=workspace)


def test_bwrap_refusing_to_start_is_a_clear_error(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    (workspace / "script.py").write_text("pass")
    with pytest.raises(SandboxError, match=r"refused to start.*No permissions"):
        run_sandboxed(Path("script.py"), workspace=workspace)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("timeout_s", 0, id="timeout"),
        pytest.param("max_procs", 1, id="procs"),
        pytest.param("memory_mb", 1, id="memory"),
    ],
)
def test_limits_are_validated(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        SandboxLimits(**{field: value})


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match=r"not an existing folder"):
        run_sandboxed(Path("x.py"), workspace=tmp_path / "nope")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``benchgen sandbox run`` in a subprocess."""
    return subprocess.run(
        [str(BENCHGEN), "sandbox", "run", *args], capture_output=True, text=True, timeout=90
    )


def test_cli_runs_a_benign_script(workspace: Path) -> None:
    (workspace / "hello.py").write_text(
        "import sys; open('hi.txt', 'w').write(sys.argv[1]); print('hello')"
    )
    done = _cli("--workspace", str(workspace), "hello.py", "there")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello\n"
    assert (workspace / "hi.txt").read_text() == "there"


def test_cli_passes_the_exit_code(workspace: Path) -> None:
    (workspace / "fail.py").write_text("raise SystemExit(7)")
    assert _cli("--workspace", str(workspace), "fail.py").returncode == 7


def test_cli_reports_the_timeout(workspace: Path) -> None:
    (workspace / "sleep.py").write_text("import time; time.sleep(60)")
    done = _cli("--workspace", str(workspace), "--timeout", "2", "sleep.py")
    assert done.returncode == 124
    assert done.stderr.strip().splitlines()[-1] == (
        "benchgen sandbox: stopped: wall-clock limit of 2 s reached (--timeout)"
    )


def test_cli_reports_the_memory_limit(workspace: Path) -> None:
    (workspace / "big.py").write_text("b = bytearray(16 * 2**30)")
    done = _cli("--workspace", str(workspace), "--memory-mb", "1024", "big.py")
    assert done.returncode == 137
    assert "memory limit of 1024 MB" in done.stderr.splitlines()[-1]
