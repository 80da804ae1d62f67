"""Process helpers of the sandbox: output capture, deadline, memory watch, uid sweep."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import time
from pathlib import Path
from typing import IO

from benchgen.errors import SandboxError

__all__ = ["Capture", "Deadline", "MemoryWatch", "kill_uid", "pick_uid"]

_UID_RANGE = (3_000_000_000, 4_000_000_000)  # far above any real or subordinate uid


class Capture:
    """Drain one pipe in a thread, keep its first bytes and note limit markers."""

    def __init__(self, stream: IO[bytes], cap: int, markers: tuple[bytes, ...]) -> None:
        self._stream, self._cap, self._wanted = stream, cap, markers
        self.data = bytearray()
        self.total = 0
        self.markers: set[bytes] = set()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        tail = b""
        while chunk := self._stream.read1(65536):  # type: ignore[attr-defined]
            self.total += len(chunk)
            if len(self.data) < self._cap:
                self.data += chunk[: self._cap - len(self.data)]
            window = tail + chunk
            self.markers |= {m for m in self._wanted if m in window}
            tail = chunk[-64:]
        self._stream.close()

    def text(self, timeout: float) -> tuple[str, bool]:
        """Return the kept output and whether it was truncated."""
        self._thread.join(timeout)
        return self.data.decode("utf-8", errors="replace"), self.total > len(self.data)


class Deadline:
    """Kill bwrap's process group at the wall-clock limit, unless it has already exited."""

    def __init__(self, pid: int, timeout_s: float) -> None:
        self._pid = pid
        self._lock = threading.Lock()
        self._done = False
        self.fired = False
        self._timer = threading.Timer(timeout_s, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if not self._done:  # the pid is not reaped yet, so it cannot be reused
                self.fired = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._pid, signal.SIGKILL)

    def disarm(self) -> None:
        """Stop the timer; call before reaping the pid."""
        with self._lock:
            self._done = True
        self._timer.cancel()


def _uid_in_use(uid: int) -> bool:
    """Tell whether any process runs as ``uid``."""
    return bool(_pids_of(uid))


def pick_uid() -> int:
    """Pick a uid no process uses, so the sandbox's NPROC count is its own."""
    while True:
        uid = _UID_RANGE[0] + secrets.randbelow(_UID_RANGE[1] - _UID_RANGE[0])
        if not _uid_in_use(uid):
            return uid


def _pids_of(uid: int) -> list[int]:
    """Return the pids whose real, effective, saved or fs uid is ``uid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            status = Path("/proc", entry, "status").read_text()
            line = next(line for line in status.splitlines() if line.startswith("Uid:"))
            if str(uid) in line.split()[1:]:
                pids.append(int(entry))
    return pids


def kill_uid(uid: int, *, within_s: float = 5.0) -> None:
    """SIGKILL every process running as ``uid`` until none is left."""
    deadline = time.monotonic() + within_s
    while pids := _pids_of(uid):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if time.monotonic() > deadline:
            raise SandboxError(f"processes {pids} of sandbox uid {uid} survived SIGKILL")
        time.sleep(0.02)


def _descendants(root: int) -> list[int]:
    """Return ``root`` and every process below it (from the ppid in /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _private_kib(pid: int) -> int:
    """Return a process's anonymous plus shared-memory resident set, in KiB."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            lines = status.read().splitlines()
    except OSError:
        return 0
    return sum(
        int(line.split()[1]) for line in lines if line.startswith((b"RssAnon:", b"RssShmem:"))
    )


class MemoryWatch:
    """Sum the resident memory of bwrap's whole process tree; kill it over ``limit_bytes``.

    RLIMIT_AS binds one process at a time, and no cgroup memory controller is delegated on
    these machines (cgroup v2 shows only ``hugetlb``), so a thread polls /proc instead. It
    counts anonymous and shared memory (RssAnon + RssShmem): what an allocation costs,
    not the shared libraries every Python process maps. Between two polls a process can
    still allocate, so a run may briefly pass the limit by what it allocates in one period.
    """

    def __init__(self, pid: int, limit_bytes: int, period_s: float = 0.05) -> None:
        self._pid, self._limit_kib, self._period_s = pid, limit_bytes // 1024, period_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._done = False
        self.fired = False
        self.peak_kib = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self._period_s):
            used = sum(_private_kib(pid) for pid in _descendants(self._pid))
            self.peak_kib = max(self.peak_kib, used)
            if used > self._limit_kib:
                with self._lock:
                    if not self._done:
                        self.fired = True
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(self._pid, signal.SIGKILL)
                return

    def disarm(self) -> None:
        """Stop watching; call before reaping the pid."""
        with self._lock:
            self._done = True
        self._stop.set()
        self._thread.join()
