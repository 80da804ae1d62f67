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
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from benchgen.errors import SandboxError
from benchgen.sandbox import SandboxLimits, SandboxResult, run_sandboxed

pytestmark = pytest.mark.slow  # bubblewrap processes with real limits

REPO = Path(__file__).resolve().parents[3]
BENCHGEN = [sys.executable, "-m", "benchgen.cli"]
FAST = SandboxLimits(timeout_s=10, cpu_s=5, memory_mb=1024, max_procs=32)
IS_ROOT = os.geteuid() == 0


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
    return run_sandboxed(Path(name), workspace=workspace, limits=limits)


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
        pytest.param("timeout_s", float("nan"), id="timeout-nan"),
        pytest.param("timeout_s", float("inf"), id="timeout-inf"),
        pytest.param("max_procs", 1, id="procs"),
        pytest.param("memory_mb", 1, id="memory"),
        pytest.param("memory_mb", 99999999999999, id="memory-huge"),
        pytest.param("cpu_s", 0, id="cpu"),
        pytest.param("disk_mb", 0, id="disk"),
    ],
)
def test_limits_are_validated(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        SandboxLimits(**{field: value})


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match=r"not an existing folder"):
        run_sandboxed(Path("x.py"), workspace=tmp_path / "nope")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``benchgen sandbox run`` in a subprocess."""
    return subprocess.run(
        [*BENCHGEN, "sandbox", "run", *args], capture_output=True, text=True, timeout=120
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


# Attacks of issue 11 -------------------------------------------------------------------


def test_symlinks_fifos_and_sockets_left_by_the_code_never_reach_the_host(
    workspace: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root only")
    secret.chmod(0o600)
    result = _run(
        workspace,
        f"""
        import os, socket
        os.makedirs("renders", exist_ok=True)
        os.symlink({str(secret)!r}, "renders/leak.txt")
        os.symlink("/etc", "etc_link")
        os.mkfifo("plan_fifo")
        socket.socket(socket.AF_UNIX).bind("sock")
        open("renders/ok.txt", "w").write("fine")
        """,
    )
    assert result.ok, result.stderr
    names = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*"))
    assert names == ["renders", "renders/ok.txt", "script.py"]
    assert not any(p.is_symlink() for p in workspace.rglob("*"))
    reasons = " ".join(result.not_copied)
    assert "renders/leak.txt: a symbolic link" in reasons
    assert "plan_fifo: a FIFO" in reasons and "sock: a socket" in reasons


def test_files_the_code_deletes_are_deleted_and_modes_are_tamed(workspace: Path) -> None:
    (workspace / "old.txt").write_text("old")
    result = _run(
        workspace,
        """
        import os
        os.unlink("old.txt")
        open("tool", "w").write("#!/bin/sh")
        os.chmod("tool", 0o6777)
        """,
    )
    assert result.ok, result.stderr
    assert not (workspace / "old.txt").exists()
    assert stat.S_IMODE((workspace / "tool").stat().st_mode) == 0o755


def test_protected_names_cannot_be_changed_replaced_or_chmodded(workspace: Path) -> None:
    (workspace / "plan.md").write_text("the plan")
    (workspace / "skills" / "s").mkdir(parents=True)
    (workspace / "skills" / "s" / "SKILL.md").write_text("skill")
    attempts = {
        "unlink plan": "os.unlink('plan.md')",
        "replace plan": "os.rename('other.md', 'plan.md')",
        "write plan": "open('plan.md', 'w').write('x')",
        "chmod skills": "os.chmod('skills', 0o777)",
        "rename skills": "os.rename('skills', 'moved')",
        "write skill": "open('skills/s/SKILL.md', 'a').write('x')",
        "new skill": "open('skills/s/new.md', 'w').write('x')",
    }
    code = "import os\nopen('other.md', 'w').write('evil')\n"
    for name, action in attempts.items():
        code += f"try:\n    {action}\n    print({name!r}, 'done')\nexcept OSError as exc:\n"
        code += f"    print({name!r}, 'refused', exc.errno)\n"
    (workspace / "script.py").write_text(code)
    result = run_sandboxed(
        Path("script.py"), workspace=workspace, limits=FAST, protected=("plan.md", "skills")
    )
    assert result.ok, result.stderr
    assert "done" not in result.stdout, result.stdout
    assert result.stdout.count("refused") == len(attempts)
    assert (workspace / "plan.md").read_text() == "the plan"
    assert sorted(p.name for p in (workspace / "skills" / "s").iterdir()) == ["SKILL.md"]
    assert (workspace / "skills" / "s" / "SKILL.md").read_text() == "skill"


def test_a_protected_symlink_is_refused(workspace: Path, tmp_path: Path) -> None:
    (workspace / "plan.md").symlink_to(tmp_path)
    (workspace / "script.py").write_text("pass")
    with pytest.raises(SandboxError, match="neither a regular file nor a folder"):
        run_sandboxed(Path("script.py"), workspace=workspace, protected=("plan.md",))


def test_a_script_that_is_a_symlink_is_refused(workspace: Path) -> None:
    (workspace / "script.py").symlink_to("/etc/hostname")
    with pytest.raises(SandboxError, match="is a symbolic link"):
        run_sandboxed(Path("script.py"), workspace=workspace)


def test_the_code_cannot_open_the_launchers_descriptors(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import os
        for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
            if int(pid) == os.getpid():
                continue
            try:
                print(pid, "open", os.listdir(f"/proc/{pid}/fd"))
            except OSError as exc:
                print(pid, "refused", exc.errno)
        """,
    )
    assert result.ok, result.stderr
    assert " open " not in result.stdout, result.stdout
    assert "2 refused" in result.stdout  # the launcher, holding the host workspace


def test_disk_quota_stops_a_big_write(workspace: Path) -> None:
    limits = FAST.model_copy(update={"disk_mb": 32})
    result = _run(
        workspace,
        """
        block = b"x" * 2**20
        with open("big.bin", "wb") as out:
            for _ in range(200):
                out.write(block)
        """,
        limits=limits,
    )
    assert result.killed_by == "disk"
    assert "No space left on device" in result.stderr
    assert (workspace / "big.bin").stat().st_size <= 32 * 2**20


@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm"])
def test_tmp_and_shm_are_limited(workspace: Path, folder: str) -> None:
    limits = FAST.model_copy(update={"tmp_mb": 16})
    code = f"open({folder + '/big'!r}, 'wb').write(b'x' * 100 * 2**20)"
    result = _run(workspace, code, limits=limits)
    assert result.killed_by == "disk", result.stderr


def test_memory_limit_holds_for_the_whole_sandbox(workspace: Path) -> None:
    limits = SandboxLimits(timeout_s=60, memory_mb=600, max_procs=32)
    result = _run(
        workspace,
        """
        import subprocess, sys
        hold = "import time; block = b'x' * (250 * 2**20); time.sleep(60)"
        children = [subprocess.Popen([sys.executable, "-c", hold]) for _ in range(4)]
        for child in children:
            child.wait()
        """,
        limits=limits,
    )
    assert result.killed_by == "memory", result
    assert result.memory_peak_mb > 600
    assert not result.workspace_saved


def test_host_unix_sockets_are_unreachable(workspace: Path) -> None:
    paths = [f"/run/benchgen-test-{uuid.uuid4().hex[:8]}.sock"]
    paths.append(f"/var/tmp/benchgen-test-{uuid.uuid4().hex[:8]}.sock")
    servers = []
    try:
        for path in paths:
            server = socket.socket(socket.AF_UNIX)
            server.bind(path)
            os.chmod(path, 0o777)
            server.listen()
            server.setblocking(False)
            servers.append(server)
        result = _run(
            workspace,
            f"""
            import socket
            for path in {paths!r}:
                try:
                    socket.socket(socket.AF_UNIX).connect(path)
                    print(path, "connected")
                except OSError as exc:
                    print(path, "refused", type(exc).__name__)
            """,
        )
        for server in servers:
            with pytest.raises(BlockingIOError):
                server.accept()
    finally:
        for server in servers:
            server.close()
        for path in paths:
            Path(path).unlink(missing_ok=True)
    assert result.ok, result.stderr
    assert "connected" not in result.stdout
    assert result.stdout.count("refused") == 2


@pytest.fixture
def dataset() -> Iterator[Path]:
    """A dataset outside /tmp: a store, agent checkpoints, another run and a scenario."""
    root = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="benchgen-dataset-"))
    (root / "benchgen.sqlite").write_text("store")
    (root / "ramp_to_goal" / "ramp_to_goal-000001-abcdef").mkdir(parents=True)
    (root / "ramp_to_goal" / "ramp_to_goal-000001-abcdef" / "scenario.json").write_text("{}")
    runs = root / ".agent-runs"
    (runs / "other").mkdir(parents=True)
    (runs / "other" / "trace.jsonl").write_text("other run")
    (runs / "checkpoints.sqlite").write_text("checkpoints")
    (runs / "mine").mkdir()
    yield root
    shutil.rmtree(root)


def test_dataset_store_checkpoints_and_other_runs_are_invisible(dataset: Path) -> None:
    hidden = [
        dataset / "benchgen.sqlite",
        dataset / "ramp_to_goal" / "ramp_to_goal-000001-abcdef" / "scenario.json",
        dataset / ".agent-runs" / "other" / "trace.jsonl",
        dataset / ".agent-runs" / "checkpoints.sqlite",
    ]
    folders = ["/run", "/var/run", "/var", "/mnt", "/srv", "/home", "/root", "/opt", str(REPO)]
    result = _run(
        dataset / ".agent-runs" / "mine",
        f"""
        import os
        for path in {[str(p) for p in hidden]!r}:
            print("seen" if os.path.exists(path) else "hidden", path)
        for folder in {folders!r}:
            entries = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            print("seen" if entries else "hidden", folder, entries[:5])
        """,
    )
    assert result.ok, result.stderr
    seen = {line for line in result.stdout.splitlines() if line.startswith("seen")}
    # Only the way down to the workspace, the interpreter's prefix (pyenv lives in /root; a
    # fresh clone's .venv lives in the repository) and the benchgen sources are there.
    in_repo = ["python"]
    prefix = Path(sys.prefix).resolve()
    if prefix.is_relative_to(REPO):
        in_repo.append(prefix.relative_to(REPO).parts[0])
    allowed = {"seen /var ['tmp']", "seen /root ['.pyenv']", f"seen {REPO} {sorted(in_repo)!r}"}
    assert seen <= allowed, seen


def test_loopback_is_down(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import fcntl, socket, struct
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack("16sh22x", b"lo", 0)
            flags = struct.unpack("16sh22x", fcntl.ioctl(sock, 0x8913, request))[1]
        print("up" if flags & 1 else "down")
        server = socket.socket()
        try:
            server.bind(("127.0.0.1", 0))
            server.listen()
            socket.create_connection(server.getsockname(), timeout=1)
            print("connected")
        except OSError as exc:
            print("blocked", type(exc).__name__)
        """,
    )
    assert result.ok, result.stderr
    assert result.stdout.splitlines()[0] == "down"
    assert "connected" not in result.stdout


def test_seccomp_refuses_namespaces_ptrace_and_mount(workspace: Path) -> None:
    result = _run(
        workspace,
        """
        import ctypes, os, subprocess, threading
        libc = ctypes.CDLL(None, use_errno=True)
        def refused(rc):
            return "refused" if rc == -1 and ctypes.get_errno() == 1 else f"allowed {rc}"
        print("unshare-user", refused(libc.unshare(0x10000000)))
        print("unshare-mount", refused(libc.unshare(0x00020000)))
        print("ptrace", refused(libc.ptrace(0, 0, None, None)))
        print("mount", refused(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)))
        done = subprocess.run(["unshare", "-U", "-r", "true"], capture_output=True)
        print("unshare-cli", "refused" if done.returncode else "allowed")
        thread = threading.Thread(target=print, args=("thread", "runs"))
        thread.start(); thread.join()
        print("fork", subprocess.run(["true"]).returncode)
        """,
    )
    assert result.ok, result.stderr
    lines = result.stdout.splitlines()
    for call in ("unshare-user", "unshare-mount", "ptrace", "mount", "unshare-cli"):
        assert f"{call} refused" in lines, result.stdout
    assert "thread runs" in lines and "fork 0" in lines


def test_what_a_script_wrote_before_its_timeout_is_kept(workspace: Path) -> None:
    limits = SandboxLimits(timeout_s=2, cpu_s=30)
    result = _run(
        workspace,
        "open('partial.txt', 'w').write('so far')\nimport time\ntime.sleep(60)\n",
        limits=limits,
    )
    assert result.killed_by == "timeout"
    assert result.workspace_saved
    assert (workspace / "partial.txt").read_text() == "so far"


def test_defaults_bound_the_whole_sandbox() -> None:
    """The defaults allowed 64 processes of 2 GB each; now 2 GB is the whole sandbox's."""
    limits = SandboxLimits()
    assert (limits.memory_mb, limits.disk_mb, limits.tmp_mb) == (2048, 512, 256)


def test_cli_reports_the_disk_quota(workspace: Path) -> None:
    (workspace / "fill.py").write_text("open('f', 'wb').write(b'x' * 64 * 2**20)")
    done = _cli("--workspace", str(workspace), "--disk-mb", "16", "fill.py")
    assert done.returncode == 137
    assert done.stderr.splitlines()[-1] == (
        "benchgen sandbox: stopped: disk quota reached: the workspace holds 16 MB (--disk-mb), "
        "/tmp and /dev/shm 256 MB each (--tmp-mb)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--timeout", "0"], "--timeout 0.0 is not allowed", id="timeout-0"),
        pytest.param(["--timeout", "-1"], "--timeout -1.0 is not allowed", id="timeout-neg"),
        pytest.param(["--timeout", "nan"], "--timeout nan is not allowed", id="timeout-nan"),
        pytest.param(["--memory-mb", "1"], "--memory-mb 1 is not allowed", id="memory-1"),
        pytest.param(
            ["--memory-mb", "99999999999999"], "--memory-mb 99999999999999", id="memory-huge"
        ),
        pytest.param(["--max-procs", "1"], "--max-procs 1 is not allowed", id="procs-1"),
        pytest.param(["--cpu-s", "0"], "--cpu-s 0 is not allowed", id="cpu-0"),
        pytest.param(["--disk-mb", "0"], "--disk-mb 0 is not allowed", id="disk-0"),
    ],
)
def test_cli_bad_limits_are_one_sentence(workspace: Path, args: list[str], message: str) -> None:
    (workspace / "ok.py").write_text("pass")
    done = _cli("--workspace", str(workspace), *args, "ok.py")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert message in done.stderr
