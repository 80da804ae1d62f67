"""Process and ownership helpers of the sandbox: output capture, deadline, uid sweep."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from benchgen.errors import SandboxError

__all__ = ["Capture", "Deadline", "kill_uid", "lent_to", "pick_uid"]

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


def _chown_tree(root: str, uid: int, gid: int) -> None:
    """Give ``root`` and everything below it to ``uid``:``gid``, never following links."""
    os.chown(root, uid, gid, follow_symlinks=False)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            with contextlib.suppress(FileNotFoundError):
                os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


@contextlib.contextmanager
def lent_to(workspace: str, uid: int) -> Iterator[None]:
    """Let ``uid`` write the workspace during the run, then give it back to its owner."""
    owner = os.stat(workspace)
    _chown_tree(workspace, uid, uid)
    try:
        yield
    finally:
        _chown_tree(workspace, owner.st_uid, owner.st_gid)
