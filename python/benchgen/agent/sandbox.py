"""Run LLM-written Python in a bubblewrap sandbox with CPU, memory, process and time limits.

Every piece of code an agent writes runs through :func:`run_sandboxed`::

    bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind WS WS
          --unshare-net --unshare-pid --unshare-ipc --unshare-uts --die-with-parent
          --new-session --clearenv --chdir WS  python -c LAUNCHER ...  python script.py

How each limit is enforced (all of them checked by tests/python/agent/test_sandbox.py):

- network: a new, empty network namespace (only a down loopback).
- files: ``/`` is read-only, ``/tmp`` a private tmpfs of ``tmp_mb``, the workspace the only
  writable host folder. As root, the code also runs as a fresh unprivileged uid (the
  workspace is lent to it for the run), so root-only files stay unreadable.
- processes: ``RLIMIT_NPROC``, set inside the sandbox. The kernel never applies it to
  root, nor to a uid that a user namespace maps back to root (``bwrap --unshare-user
  --uid 65534`` run by root), so when benchgen runs as root the launcher gives up root
  for a uid used by no other process; the count is then exactly the sandbox's threads.
- memory: ``RLIMIT_AS`` per process; with ``max_procs`` it bounds the total.
- CPU: ``RLIMIT_CPU`` per process (SIGXCPU, then SIGKILL a second later).
- wall clock: at ``timeout_s`` bwrap's process group gets SIGKILL; ``--die-with-parent``
  then kills the sandbox's pid 1, and the kernel kills every process in its pid namespace.
  As root a final sweep also kills anything left running as the sandbox's uid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from benchgen.agent import _sandbox_launch
from benchgen.agent._sandbox_mounts import mount_args, python_roots
from benchgen.agent._sandbox_proc import Capture, Deadline, kill_uid, lent_to, pick_uid
from benchgen.errors import SandboxError

__all__ = ["KilledBy", "SandboxLimits", "SandboxResult", "run_sandboxed"]

KilledBy = Literal["timeout", "memory", "cpu", "processes", "signal"]

_MIB = 2**20
_MEMORY_MARKERS = (b"MemoryError", b"std::bad_alloc")
_PROCESS_MARKERS = (b"BlockingIOError: [Errno 11]", b"can't start new thread")
_MARKERS = _MEMORY_MARKERS + _PROCESS_MARKERS
_BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "TMPDIR": "/tmp",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    # Every thread counts against max_procs and reserves address space: keep pools small.
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}


class SandboxLimits(BaseModel):
    """Resource limits of one sandboxed run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(60.0, gt=0, description="Wall-clock limit of the whole run.")
    cpu_s: int = Field(60, ge=1, description="CPU seconds per process (RLIMIT_CPU).")
    memory_mb: int = Field(2048, ge=64, description="Address space per process (RLIMIT_AS).")
    max_procs: int = Field(64, ge=2, description="Processes plus threads (RLIMIT_NPROC).")
    tmp_mb: int = Field(256, ge=1, description="Size of the private /tmp tmpfs.")
    output_bytes: int = Field(1_000_000, ge=1024, description="Cap on kept stdout and stderr.")


class SandboxResult(BaseModel):
    """What a sandboxed run did: exit code, the limit that stopped it, its output."""

    exit_code: int = Field(description="Exit status; 128 + N when killed by signal N.")
    killed_by: KilledBy | None = Field(None, description="The limit that stopped the run.")
    stdout: str
    stderr: str
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    wall_s: float

    @property
    def ok(self) -> bool:
        """Whether the script exited 0 without hitting a limit."""
        return self.exit_code == 0 and self.killed_by is None


def _find_bwrap() -> str:
    """Return the path of bwrap or raise a SandboxError that says how to install it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxError("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
    return bwrap


def _real_dir(workspace: Path) -> str:
    """Return the workspace's real path, or raise if it is not an existing folder."""
    real = os.path.realpath(workspace)
    if not os.path.isdir(real):
        raise SandboxError(
            f"workspace {str(workspace)!r} is not an existing folder: create it before "
            "running code in it"
        )
    return real


def _real_script(script: Path, workspace: str) -> str:
    """Return the script's real path, resolved against the workspace when relative."""
    real = os.path.realpath(Path(workspace, script))
    if not os.path.isfile(real):
        raise SandboxError(f"script {str(script)!r} is not a file (looked for {real!r})")
    return real


#: The folder holding the benchgen package that runs the host: the sandbox imports the same
#: code (mounted read-only), also when it runs from a source checkout or worktree.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _env(workspace: str, extra: Mapping[str, str] | None) -> list[str]:
    """Return ``--setenv`` arguments for the minimal environment plus ``extra``."""
    env = {**_BASE_ENV, "HOME": workspace, "PYTHONPATH": _PACKAGE_ROOT, **(extra or {})}
    args = ["--clearenv"]
    for key, value in env.items():
        if not key or "=" in key or "\0" in key + str(value):
            raise SandboxError(f"environment variable {key!r} is not a valid name=value pair")
        args += ["--setenv", key, str(value)]
    return args


def _command(
    *,
    bwrap: str,
    python: str,
    script: str,
    workspace: str,
    limits: SandboxLimits,
    args: Sequence[str],
    env: Mapping[str, str] | None,
    uid: int | None,
    status_fd: int,
) -> list[str]:
    """Return the full bwrap command line."""
    mounts = mount_args(
        read_only=[*python_roots(python), _PACKAGE_ROOT, script],
        writable=workspace,
        tmp_bytes=limits.tmp_mb * _MIB,
        unprivileged=uid is not None,
    )
    if uid is not None:  # run by root: keep only what the launcher needs to drop root
        privileges = ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        privileges = ["--unshare-user"]
    namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    namespaces += ["--hostname", "sandbox", "--unshare-cgroup-try"]
    session = ["--die-with-parent", "--new-session", "--json-status-fd", str(status_fd)]
    launcher = [python, "-I", "-S", "-c", Path(_sandbox_launch.__file__).read_text()]
    drop_to = [str(uid if uid is not None else -1)] * 2
    rlimits = [str(limits.memory_mb * _MIB), str(limits.cpu_s), str(limits.max_procs)]
    return [
        bwrap,
        *mounts,
        *privileges,
        *namespaces,
        *session,
        *_env(workspace, env),
        "--chdir",
        workspace,
        "--",
        *launcher,
        *drop_to,
        *rlimits,
        python,
        script,
        *args,
    ]


def _classify(
    exit_code: int, *, timed_out: bool, wall_s: float, markers: set[bytes], limits: SandboxLimits
) -> KilledBy | None:
    """Name the limit that stopped the run, from its exit status and its stderr."""
    hit_procs = any(m in markers for m in _PROCESS_MARKERS)
    if timed_out:  # a fork bomb runs into the wall clock, but the process limit held it
        return "processes" if hit_procs else "timeout"
    if exit_code == 0:
        return None
    if hit_procs:
        return "processes"
    if any(m in markers for m in _MEMORY_MARKERS):
        return "memory"
    # SIGKILL after at least cpu_s: the hard CPU limit of a script that ignored SIGXCPU.
    if exit_code == 128 + signal.SIGXCPU or (exit_code == 137 and wall_s >= limits.cpu_s):
        return "cpu"
    return "signal" if exit_code > 128 else None


def _read_status(fd: int) -> bytes:
    """Read bwrap's JSON status pipe to its end."""
    chunks = []
    with os.fdopen(fd, "rb") as status:
        while chunk := status.read(4096):
            chunks.append(chunk)
    return b"".join(chunks)


def _wait(proc: subprocess.Popen[bytes], deadline: Deadline) -> int:
    """Wait for bwrap and return its exit status in the shell's convention."""
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    deadline.disarm()  # before reaping, so the timer never signals a recycled pid
    proc.wait()
    code = proc.returncode
    return code if code >= 0 else 128 - code


def run_sandboxed(
    script: Path,
    *,
    workspace: Path,
    limits: SandboxLimits = SandboxLimits(),  # noqa: B008  (frozen, so sharing is safe)
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    python: str | None = None,
) -> SandboxResult:
    """Run a Python script in the sandbox and return what happened.

    Args:
        script: The script, absolute or relative to ``workspace``.
        workspace: The only host folder the script can write; its working directory.
            As root it belongs to the sandbox's uid during the run and is given back
            to its owner afterwards; run one script per workspace at a time.
        limits: Wall clock, CPU, memory, process and output limits.
        args: Command-line arguments for the script.
        env: Variables added to the sandbox's minimal environment.
        python: The interpreter; defaults to the one running benchgen (its venv is
            visible read-only inside, so benchgen, build123d and mujoco import).

    Returns:
        The exit code, the limit that stopped the script if any, and its output.

    Raises:
        SandboxError: bwrap is missing or refused to start, or the workspace, the
            script or the interpreter is unusable.
    """
    bwrap = _find_bwrap()
    real_ws = _real_dir(workspace)
    real_script = _real_script(script, real_ws)
    python = python or sys.executable
    uid = pick_uid() if os.geteuid() == 0 else None
    lend = lent_to(real_ws, uid) if uid is not None else contextlib.nullcontext()
    with lend:
        return _execute(
            bwrap=bwrap,
            python=python,
            script=real_script,
            workspace=real_ws,
            limits=limits,
            args=args,
            env=env,
            uid=uid,
        )


def _execute(
    *,
    bwrap: str,
    python: str,
    script: str,
    workspace: str,
    limits: SandboxLimits,
    args: Sequence[str],
    env: Mapping[str, str] | None,
    uid: int | None,
) -> SandboxResult:
    """Start bwrap, enforce the wall clock, collect the output and clean up."""
    status_r, status_w = os.pipe()
    command = _command(
        bwrap=bwrap,
        python=python,
        script=script,
        workspace=workspace,
        limits=limits,
        args=args,
        env=env,
        uid=uid,
        status_fd=status_w,
    )
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(status_w,),
            start_new_session=True,
        )
    except OSError as exc:
        os.close(status_r)
        raise SandboxError(f"cannot execute {bwrap!r}: {exc}") from exc
    finally:
        os.close(status_w)
    assert proc.stdout is not None and proc.stderr is not None
    out = Capture(proc.stdout, limits.output_bytes, _MARKERS)
    err = Capture(proc.stderr, limits.output_bytes, _MARKERS)
    deadline = Deadline(proc.pid, limits.timeout_s)
    try:
        exit_code = _wait(proc, deadline)
    except BaseException:  # e.g. KeyboardInterrupt: never leave the sandbox running
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        raise
    finally:
        if uid is not None:
            kill_uid(uid)
    wall_s = time.monotonic() - started
    stdout, stdout_cut = out.text(timeout=5.0)
    stderr, stderr_cut = err.text(timeout=5.0)
    started_ok = b'"child-pid"' in _read_status(status_r)
    _raise_if_sandbox_failed(started_ok, exit_code, stderr, bwrap)
    return SandboxResult(
        exit_code=exit_code,
        killed_by=_classify(
            exit_code,
            timed_out=deadline.fired,
            wall_s=wall_s,
            markers=err.markers,
            limits=limits,
        ),
        stdout=stdout,
        stderr=stderr,
        stdout_truncated=stdout_cut,
        stderr_truncated=stderr_cut,
        wall_s=round(wall_s, 3),
    )


def _raise_if_sandbox_failed(started: bool, exit_code: int, stderr: str, bwrap: str) -> None:
    """Raise SandboxError when bwrap or the launcher, not the script, failed."""
    if not started and exit_code != 0:
        raise SandboxError(
            f"bubblewrap refused to start the sandbox (exit {exit_code}): {stderr.strip()!r}. "
            f"Check that `{bwrap} --ro-bind / / --unshare-pid true` works on this machine "
            "(user namespaces enabled, or run as root)."
        )
    if exit_code == _sandbox_launch.FAILED_EXIT and stderr.startswith(_sandbox_launch.MARKER):
        raise SandboxError(stderr.strip())
