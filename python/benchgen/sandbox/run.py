"""Run untrusted Python in a bubblewrap sandbox with CPU, memory, disk, process and time limits.

Every piece of code an agent writes, and every script of a scenario folder benchgen did
not build itself, runs through :func:`run_sandboxed`::

    bwrap --ro-bind /usr /usr --ro-bind /etc /etc (python prefixes, site-packages,
          benchgen, read-only) --dev /dev --proc /proc --tmpfs /tmp --tmpfs /dev/shm
          --size DISK --tmpfs WS (--ro-bind WS/<protected> ...) --remount-ro /
          --unshare-net --unshare-pid --unshare-ipc --unshare-uts --die-with-parent
          --new-session --seccomp FD --clearenv --chdir WS  python -I -S -c LAUNCHER CONFIG

How each wall is built (every one checked by tests/python/sandbox/test_sandbox.py):

- files: only the system, the interpreter and benchgen are visible, read-only
  (:mod:`._mounts`). The workspace inside is a tmpfs of ``disk_mb``: the launcher
  (:mod:`._launch`) copies the host folder in through a directory descriptor and copies
  it back after the run, regular files and folders only, so no symlink, FIFO or device
  the code made ever reaches the host. Protected names (``skills/``, ``plan.md``, ...)
  are bound read-only and never copied back.
- users: as root, the code runs as a fresh unprivileged uid, so root-only files stay
  unreadable and ``RLIMIT_NPROC`` binds (the kernel exempts root from it).
- network: a new network namespace; as root the launcher also takes loopback down.
- system calls: a seccomp filter (:mod:`._seccomp`) refuses new namespaces (so no
  nested user namespace), mounts, ptrace and kernel interfaces.
- memory: ``memory_mb`` for the whole sandbox, from a watch over its process tree
  (:class:`._proc.MemoryWatch`), plus ``RLIMIT_AS`` of the same size per process.
- CPU: ``RLIMIT_CPU`` per process (SIGXCPU, then SIGKILL a second later).
- processes: ``RLIMIT_NPROC`` of the sandbox's own uid: exactly its threads.
- wall clock: at ``timeout_s`` the launcher kills every process and copies the workspace
  out; if it cannot, bwrap's process group gets SIGKILL a little later, ``--die-with-parent``
  kills the sandbox's pid 1 and with it every process of its pid namespace. As root a
  final sweep kills anything left running as the sandbox's uid.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchgen.errors import SandboxError
from benchgen.sandbox import _launch
from benchgen.sandbox._mounts import benchgen_path, mount_args, python_roots
from benchgen.sandbox._proc import Capture, Deadline, MemoryWatch, kill_uid, pick_uid
from benchgen.sandbox._seccomp import filter_program

__all__ = ["KilledBy", "SandboxLimits", "SandboxResult", "run_sandboxed"]

KilledBy = Literal["timeout", "memory", "cpu", "processes", "disk", "signal"]

_MIB = 2**20
_MAX_FILES = 20_000
_COPY_GRACE_S = 30.0  # the launcher's copy-out after its own timeout, before the host's
_MEMORY_MARKERS = (b"MemoryError", b"std::bad_alloc")
_PROCESS_MARKERS = (b"BlockingIOError: [Errno 11]", b"can't start new thread")
_DISK_MARKERS = (b"No space left on device", b"[Errno 28]", b"Disk quota exceeded")
_MARKERS = _MEMORY_MARKERS + _PROCESS_MARKERS + _DISK_MARKERS
_BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "TMPDIR": "/tmp",
    "XDG_CACHE_HOME": "/tmp/.cache",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    # Every thread counts against max_procs and reserves address space: keep pools small.
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}
# As root the launcher keeps only these, to set up the run; the script loses them all
# when it becomes the sandbox uid.
_LAUNCHER_CAPS = (
    "CAP_SETUID",
    "CAP_SETGID",
    "CAP_KILL",
    "CAP_CHOWN",
    "CAP_DAC_READ_SEARCH",
    "CAP_NET_ADMIN",
)


class SandboxLimits(BaseModel):
    """Resource limits of one sandboxed run."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    timeout_s: float = Field(60.0, gt=0, le=86_400, description="Wall-clock limit of the run.")
    cpu_s: int = Field(60, ge=1, le=86_400, description="CPU seconds per process (RLIMIT_CPU).")
    memory_mb: int = Field(
        2048, ge=64, le=1_048_576, description="Resident memory of the whole sandbox, MB."
    )
    max_procs: int = Field(64, ge=2, le=4096, description="Processes plus threads (RLIMIT_NPROC).")
    disk_mb: int = Field(512, ge=1, le=1_048_576, description="Size of the workspace tmpfs, MB.")
    tmp_mb: int = Field(256, ge=1, le=1_048_576, description="Size of /tmp and /dev/shm, MB.")
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
    memory_peak_mb: float = Field(0.0, description="Largest resident memory seen, all processes.")
    workspace_saved: bool = Field(
        True, description="Whether the workspace was copied back (not after a hard kill)."
    )
    not_copied: list[str] = Field(
        default_factory=list, description="Entries left in the sandbox, each with the reason."
    )

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


def _open_workspace(workspace: Path) -> tuple[str, int]:
    """Return the workspace's real path and a descriptor of it; refuse anything else."""
    real = os.path.realpath(workspace)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise SandboxError(
            f"workspace {str(workspace)!r} is not an existing folder ({exc.strerror}): "
            "create it before running code in it"
        ) from None
    return real, fd


def _script(script: Path, workspace: str) -> tuple[str, str | None]:
    """Return the script's path as the sandbox sees it, and a path to bind when outside."""
    full = os.path.normpath(os.path.join(workspace, script))
    if full == workspace or full.startswith(workspace + "/"):
        try:
            mode = os.lstat(full).st_mode
        except OSError:
            mode = 0
        if not stat.S_ISREG(mode):
            why = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise SandboxError(f"script {str(script)!r} is {why} in the workspace ({full!r})")
        return full, None
    real = os.path.realpath(full)
    if not os.path.isfile(real):
        raise SandboxError(f"script {str(script)!r} is not a file (looked for {real!r})")
    return real, real


def _protected(workspace: str, names: Sequence[str]) -> list[str]:
    """Return the protected paths that exist, refusing any that is not a file or folder."""
    paths = []
    for name in names:
        if "/" in name or name in ("", ".", ".."):
            raise SandboxError(f"protected name {name!r} must be one entry of the workspace")
        path = os.path.join(workspace, name)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            raise SandboxError(
                f"protected path {path!r} is neither a regular file nor a folder: restore it "
                "before running code in the workspace"
            )
        paths.append(path)
    return paths


def _env(workspace: str, extra: Mapping[str, str] | None) -> list[str]:
    """Return ``--setenv`` arguments for the minimal environment plus ``extra``."""
    env = {**_BASE_ENV, "HOME": workspace, "PYTHONPATH": benchgen_path(), **(extra or {})}
    args = ["--clearenv"]
    for key, value in env.items():
        if not key or "=" in key or "\0" in key + str(value):
            raise SandboxError(f"environment variable {key!r} is not a valid name=value pair")
        args += ["--setenv", key, str(value)]
    return args


def _seccomp_fd() -> int:
    """Return a sealed in-memory file holding the seccomp program, at offset 0."""
    fd = os.memfd_create("benchgen-seccomp", os.MFD_CLOEXEC)
    os.write(fd, filter_program())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def run_sandboxed(
    script: Path,
    *,
    workspace: Path,
    limits: SandboxLimits = SandboxLimits(),  # noqa: B008  (frozen, so sharing is safe)
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    python: str | None = None,
    protected: Sequence[str] = (),
) -> SandboxResult:
    """Run a Python script in the sandbox and return what happened.

    Args:
        script: The script, relative to ``workspace`` (or a trusted file outside it).
        workspace: The host folder the script works in. The sandbox gets a copy on a
            tmpfs of ``limits.disk_mb``; afterwards its regular files and folders are
            copied back (symlinks, FIFOs, sockets and devices are listed in
            ``not_copied``, never copied). Run one script per workspace at a time.
        limits: Wall clock, CPU, memory, disk, process and output limits.
        args: Command-line arguments for the script.
        env: Variables added to the sandbox's minimal environment.
        python: The interpreter; defaults to the one running benchgen (its prefixes,
            site-packages and benchgen are visible read-only, so build123d and mujoco import).
        protected: Top-level names of the workspace the code may read but never change:
            bound read-only, never copied back.

    Returns:
        The exit code, the limit that stopped the script if any, and its output.

    Raises:
        SandboxError: bwrap is missing or refused to start, the workspace, the script,
            a protected path or the interpreter is unusable, or the workspace does not
            fit the disk quota.
    """
    bwrap = _find_bwrap()
    real_ws, host_fd = _open_workspace(workspace)
    try:
        inside, bind = _script(script, real_ws)
        python = python or sys.executable
        uid = pick_uid() if os.geteuid() == 0 else None
        mounts = mount_args(
            read_only=[*python_roots(python), *([bind] if bind else [])],
            workspace=real_ws,
            protected=_protected(real_ws, protected),
            disk_bytes=limits.disk_mb * _MIB,
            tmp_bytes=limits.tmp_mb * _MIB,
        )
        run = _Run(bwrap=bwrap, workspace=real_ws, limits=limits, uid=uid, host_fd=host_fd)
        return run.execute(
            mounts=mounts,
            command=[python, inside, *args],
            env=_env(real_ws, env),
            protected=list(protected),
        )
    finally:
        os.close(host_fd)


class _Run:
    """One bwrap process: its command line, its watchers, and what it reported."""

    def __init__(
        self, *, bwrap: str, workspace: str, limits: SandboxLimits, uid: int | None, host_fd: int
    ) -> None:
        self.bwrap, self.workspace, self.limits = bwrap, workspace, limits
        self.uid, self.host_fd = uid, host_fd

    def _argv(
        self,
        *,
        mounts: list[str],
        command: list[str],
        env: list[str],
        protected: list[str],
        fds: dict[str, int],
    ) -> list[str]:
        if self.uid is not None:  # run by root: keep only what the launcher needs
            privileges = ["--cap-drop", "ALL"]
            for cap in _LAUNCHER_CAPS:
                privileges += ["--cap-add", cap]
        else:
            privileges = ["--unshare-user"]
        namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        namespaces += ["--hostname", "sandbox", "--unshare-cgroup-try"]
        session = ["--die-with-parent", "--new-session"]
        session += ["--json-status-fd", str(fds["status"]), "--seccomp", str(fds["seccomp"])]
        config = {
            "uid": self.uid if self.uid is not None else -1,
            "gid": self.uid if self.uid is not None else -1,
            "as_bytes": self.limits.memory_mb * _MIB,
            "cpu_s": self.limits.cpu_s,
            "nproc": self.limits.max_procs,
            "timeout_s": self.limits.timeout_s,
            "workspace": self.workspace,
            "host_fd": self.host_fd,
            "report_fd": fds["report"],
            "protected": protected,
            "max_files": _MAX_FILES,
            "command": command,
        }
        launcher = [command[0], "-I", "-S", "-c", Path(_launch.__file__).read_text()]
        return [
            self.bwrap,
            *mounts,
            *privileges,
            *namespaces,
            *session,
            *env,
            "--chdir",
            self.workspace,
            "--",
            *launcher,
            json.dumps(config),
        ]

    def execute(
        self, *, mounts: list[str], command: list[str], env: list[str], protected: list[str]
    ) -> SandboxResult:
        """Start bwrap, watch it, collect the output and the report, and clean up."""
        status_r, status_w = os.pipe()
        report_r, report_w = os.pipe()
        seccomp = _seccomp_fd()
        fds = {"status": status_w, "report": report_w, "seccomp": seccomp}
        argv = self._argv(mounts=mounts, command=command, env=env, protected=protected, fds=fds)
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(status_w, report_w, seccomp, self.host_fd),
                start_new_session=True,
            )
        except OSError as exc:
            os.close(status_r)
            os.close(report_r)
            raise SandboxError(f"cannot execute {self.bwrap!r}: {exc}") from exc
        finally:
            for fd in (status_w, report_w, seccomp):
                os.close(fd)
        return self._collect(proc, started, status_r, report_r)

    def _collect(
        self, proc: subprocess.Popen[bytes], started: float, status_r: int, report_r: int
    ) -> SandboxResult:
        assert proc.stdout is not None and proc.stderr is not None
        cap = self.limits.output_bytes
        out = Capture(proc.stdout, cap, _MARKERS)
        err = Capture(proc.stderr, cap, _MARKERS)
        report_pipe = Capture(os.fdopen(report_r, "rb"), 1_000_000, ())
        status_pipe = Capture(os.fdopen(status_r, "rb"), 100_000, ())
        deadline = Deadline(proc.pid, self.limits.timeout_s + _COPY_GRACE_S)
        memory = MemoryWatch(proc.pid, self.limits.memory_mb * _MIB)
        try:
            exit_code = _wait(proc, deadline, memory)
        except BaseException:  # e.g. KeyboardInterrupt: never leave the sandbox running
            memory.disarm()
            deadline.disarm()
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            raise
        finally:
            if self.uid is not None:
                kill_uid(self.uid)
        wall_s = time.monotonic() - started
        stdout, stdout_cut = out.text(timeout=5.0)
        stderr, stderr_cut = err.text(timeout=5.0)
        report = _parse_report(report_pipe.text(timeout=5.0)[0])
        started_ok = '"child-pid"' in status_pipe.text(timeout=5.0)[0]
        _raise_if_sandbox_failed(started_ok, exit_code, stderr, self.bwrap, report, self.limits)
        killed_by = _classify(
            exit_code,
            hard_timeout=deadline.fired,
            memory=memory.fired,
            report=report,
            markers=err.markers,
            wall_s=wall_s,
            limits=self.limits,
        )
        return SandboxResult(
            exit_code=exit_code,
            killed_by=killed_by,
            stdout=stdout,
            stderr=stderr,
            stdout_truncated=stdout_cut,
            stderr_truncated=stderr_cut,
            wall_s=round(wall_s, 3),
            memory_peak_mb=round(memory.peak_kib / 1024, 1),
            workspace_saved=report is not None and "files_out" in report,
            not_copied=[str(item) for item in (report or {}).get("not_copied", [])],
        )


def _wait(proc: subprocess.Popen[bytes], deadline: Deadline, memory: MemoryWatch) -> int:
    """Wait for bwrap and return its exit status in the shell's convention."""
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    memory.disarm()  # before reaping, so no watcher signals a recycled pid
    deadline.disarm()
    proc.wait()
    code = proc.returncode
    return code if code >= 0 else 128 - code


def _parse_report(text: str) -> dict[str, Any] | None:
    """Return the launcher's JSON report, or None when it wrote none (it was killed)."""
    try:
        report = json.loads(text) if text.strip() else None
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _classify(
    exit_code: int,
    *,
    hard_timeout: bool,
    memory: bool,
    report: dict[str, Any] | None,
    markers: set[bytes],
    wall_s: float,
    limits: SandboxLimits,
) -> KilledBy | None:
    """Name the limit that stopped the run, from the watchers, the report and stderr."""
    hit_procs = any(m in markers for m in _PROCESS_MARKERS)
    if memory:
        return "memory"
    if hard_timeout or (report or {}).get("timed_out"):
        # A fork bomb runs into the wall clock, but the process limit held it.
        return "processes" if hit_procs else "timeout"
    if exit_code == 0:
        return None
    if hit_procs:
        return "processes"
    if any(m in markers for m in _MEMORY_MARKERS):
        return "memory"
    if (report or {}).get("disk_full") or any(m in markers for m in _DISK_MARKERS):
        return "disk"
    # SIGKILL after at least cpu_s: the hard CPU limit of a script that ignored SIGXCPU.
    if exit_code == 128 + signal.SIGXCPU or (exit_code == 137 and wall_s >= limits.cpu_s):
        return "cpu"
    return "signal" if exit_code > 128 else None


def _raise_if_sandbox_failed(
    started: bool,
    exit_code: int,
    stderr: str,
    bwrap: str,
    report: dict[str, Any] | None,
    limits: SandboxLimits,
) -> None:
    """Raise SandboxError when bwrap or the launcher, not the script, failed."""
    if not started and exit_code != 0:
        raise SandboxError(
            f"bubblewrap refused to start the sandbox (exit {exit_code}): {stderr.strip()!r}. "
            f"Check that `{bwrap} --ro-bind / / --unshare-pid true` works on this machine "
            "(user namespaces enabled, or run as root)."
        )
    if report is not None and report.get("copy_in_error"):
        if report.get("disk_full"):
            raise SandboxError(
                f"the workspace does not fit the sandbox's disk quota of {limits.disk_mb} MB: "
                "delete files from it or raise disk_mb (--disk-mb)"
            )
        raise SandboxError(f"cannot copy the workspace into the sandbox: {report['copy_in_error']}")
    if exit_code == _launch.FAILED_EXIT and stderr.startswith(_launch.MARKER):
        raise SandboxError(stderr.strip())
