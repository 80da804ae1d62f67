"""The sandbox's first program: copy the workspace in, run the script, copy the workspace out.

:mod:`benchgen.sandbox.run` runs this file's source with ``python -I -S -c`` as the
command bwrap starts (pid 2 of the sandbox's pid namespace; bwrap's init is pid 1), so it
imports nothing but the standard library. Its one argument is a JSON object (see
:func:`main`). In order:

1. It makes itself non-dumpable, so the script (even one running under the same uid)
   cannot open its ``/proc/<pid>/fd`` and reach the host workspace's descriptor, and
   becomes the child subreaper, so every process the script leaves comes back to it.
2. As root it takes the loopback interface down (bwrap brings it up; ``CAP_NET_ADMIN``).
3. It copies the host workspace, reached only through an inherited directory descriptor,
   into the workspace tmpfs (the disk quota): folders and regular files only.
4. It forks the script: rlimits, ``PR_SET_NO_NEW_PRIVS``, the sandbox uid, ``exec``.
5. It waits for the script at most ``timeout_s``, then kills every process left.
6. It copies the tmpfs back into the host workspace through the descriptor: folders and
   regular files only (a symlink, FIFO, socket or device is reported, never copied), no
   protected name, modes without setuid/setgid/sticky or write bits for others, through
   ``openat(O_NOFOLLOW | O_EXCL)`` below descriptors, so nothing is ever followed.
7. It writes a JSON report to the report descriptor and exits with the script's status.

The kernel counts ``RLIMIT_NPROC`` per (user namespace, real uid) and exempts root
(``copy_process`` in kernel/fork.c), so the limit binds only once the script runs as a
uid that is not root: that is what the ``setuid`` of step 4 is for.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import socket
import stat
import struct
import sys
import time

__all__ = ["FAILED_EXIT", "MARKER", "main"]

MARKER = "benchgen-sandbox:"
FAILED_EXIT = 125
_PR_SET_DUMPABLE, _PR_SET_CHILD_SUBREAPER, _PR_SET_NO_NEW_PRIVS = 4, 36, 38
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_IFREQ = "16sh22x"
_MAX_REPORTED = 50
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _prctl(option: int, value: int) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(option, value, 0, 0, 0)) == 0


def _loopback_down() -> bool:
    """Take ``lo`` down; return whether it is down (needs CAP_NET_ADMIN in the netns)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack(_IFREQ, b"lo", 0)
            flags = struct.unpack(_IFREQ, fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
            if flags & _IFF_UP:
                fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags & ~_IFF_UP))
            flags = struct.unpack(_IFREQ, fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
            return not flags & _IFF_UP
    except OSError:
        return False


class _Copier:
    """Copy folders and regular files between two directory descriptors, following nothing."""

    def __init__(self, *, owner: int | None, protected: set[str], max_files: int) -> None:
        self.owner, self.protected, self.max_files = owner, protected, max_files
        self.files = 0
        self.bytes = 0
        self.skipped: list[str] = []
        self.error = ""

    def _skip(self, rel: str, why: str) -> None:
        if len(self.skipped) < _MAX_REPORTED:
            self.skipped.append(f"{rel[:200]}: {why}")

    def sync(self, src: int, dst: int, rel: str = "", depth: int = 0) -> None:
        """Make folder ``dst`` hold what ``src`` holds (protected names aside)."""
        if depth > 64:
            self._skip(rel, "folders nested more than 64 deep")
            return
        wanted = {
            name: os.stat(name, dir_fd=src, follow_symlinks=False) for name in os.listdir(src)
        }
        present = {
            name: os.stat(name, dir_fd=dst, follow_symlinks=False) for name in os.listdir(dst)
        }
        for name in sorted(present):
            if depth == 0 and name in self.protected:
                continue
            src_st, dst_st = wanted.get(name), present[name]
            if src_st is None or stat.S_IFMT(src_st.st_mode) != stat.S_IFMT(dst_st.st_mode):
                _remove(dst, name, dst_st)
        for name in sorted(wanted):
            if depth == 0 and name in self.protected:
                continue
            self._entry(src, dst, name, wanted[name], f"{rel}{name}", depth)

    def _entry(
        self, src: int, dst: int, name: str, st: os.stat_result, rel: str, depth: int
    ) -> None:
        if self.files >= self.max_files:
            self.error = f"more than {self.max_files} files: the rest was not copied"
            return
        kind = stat.S_IFMT(st.st_mode)
        if kind == stat.S_IFDIR:
            if not _is_dir(dst, name):
                os.mkdir(name, 0o700, dir_fd=dst)
            src_fd = os.open(name, _DIR_FLAGS, dir_fd=src)
            try:
                dst_fd = os.open(name, _DIR_FLAGS, dir_fd=dst)
                try:
                    self.sync(src_fd, dst_fd, rel + "/", depth + 1)
                    os.fchmod(dst_fd, _mode(st.st_mode, folder=True))
                    self._own(dst_fd)
                finally:
                    os.close(dst_fd)
            finally:
                os.close(src_fd)
        elif kind == stat.S_IFREG:
            self.files += 1
            self._file(src, dst, name, rel)
        else:
            self._skip(
                rel, f"{_KINDS.get(kind, 'not a regular file')}; only regular files are copied"
            )

    def _file(self, src: int, dst: int, name: str, rel: str) -> None:
        try:
            src_fd = os.open(name, _READ_FLAGS, dir_fd=src)
        except OSError as exc:
            self._skip(rel, f"unreadable ({exc.strerror})")
            return
        try:
            st = os.fstat(src_fd)
            if not stat.S_ISREG(st.st_mode):  # replaced between the listing and the open
                self._skip(rel, "not a regular file any more")
                return
            try:
                old = os.stat(name, dir_fd=dst, follow_symlinks=False)
            except FileNotFoundError:
                old = None
            if old is not None and (old.st_size, old.st_mtime_ns) == (st.st_size, st.st_mtime_ns):
                return
            if old is not None:
                os.unlink(name, dir_fd=dst)
            dst_fd = os.open(name, _WRITE_FLAGS, 0o600, dir_fd=dst)
            try:
                self.bytes += _copy_data(src_fd, dst_fd)
                os.fchmod(dst_fd, _mode(st.st_mode, folder=False))
                os.utime(dst_fd, ns=(st.st_atime_ns, st.st_mtime_ns))
                self._own(dst_fd)
            finally:
                os.close(dst_fd)
        finally:
            os.close(src_fd)

    def _own(self, fd: int) -> None:
        if self.owner is not None:
            os.fchown(fd, self.owner, self.owner)


def _is_dir(parent: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False


def _remove(parent: int, name: str, st: os.stat_result) -> None:
    """Remove an entry below a descriptor; a folder with everything in it, following nothing."""
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(name, dir_fd=parent)  # the descriptor-based walk: symlink-safe
    else:
        os.unlink(name, dir_fd=parent)


def _mode(mode: int, *, folder: bool) -> int:
    """Keep the owner's bits and read/execute for others: no setuid, setgid, sticky, o+w."""
    kept = stat.S_IMODE(mode) & 0o755
    return kept | (0o700 if folder else 0o600)


def _copy_data(src: int, dst: int) -> int:
    total = 0
    while chunk := os.read(src, 1 << 20):
        view = memoryview(chunk)
        while view:
            view = view[os.write(dst, view) :]
        total += len(chunk)
    return total


def _set_limits(as_bytes: int, cpu_s: int, nproc: int) -> None:
    """Lower the hard limits so the sandboxed code cannot raise them again."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL (setrlimit(2)).
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _drop_root(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good; clears the capabilities bwrap left us."""
    if os.getuid() != 0:
        return  # unprivileged bwrap: already the caller's uid in a user namespace
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()):
        raise PermissionError(f"still root after setuid({uid}) / setgid({gid})")


def _start(config: dict) -> int:
    """Fork the script with its limits and return its pid."""
    pid = os.fork()
    if pid:
        return pid
    command = config["command"]
    try:
        os.closerange(3, 1 << 16)  # the host workspace, the report, bwrap's status pipe
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        os.chdir(config["workspace"])
        _set_limits(config["as_bytes"], config["cpu_s"], config["nproc"])
        if not _prctl(_PR_SET_NO_NEW_PRIVS, 1):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        _drop_root(config["uid"], config["gid"])
        os.execv(command[0], command)
    except OSError as exc:
        sys.stderr.write(
            f"{MARKER} cannot start {command[0]!r} as uid {os.getuid()}: {exc}. The "
            "interpreter and the script must be readable by that uid.\n"
        )
    os._exit(FAILED_EXIT)


def _wait(pid: int, timeout_s: float) -> tuple[int, bool]:
    """Wait for the script; return its shell-style status and whether time ran out."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout_s)
    finally:
        os.close(pidfd)
    timed_out = not ready
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return (code if code >= 0 else 128 - code), timed_out


def _kill_the_rest(within_s: float = 10.0) -> int:
    """SIGKILL every other process of the sandbox and reap them; return how many were left."""
    left = 0
    deadline = time.monotonic() + within_s
    try:
        os.kill(-1, signal.SIGKILL)  # the whole pid namespace but its init and this process
    except ProcessLookupError:
        return 0
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return left
        if pid:
            left += 1
        else:
            time.sleep(0.01)
    return left


def _disk_full(path: str) -> bool:
    """Tell whether a tmpfs has (almost) no room left."""
    try:
        fs = os.statvfs(path)
    except OSError:
        return False
    return fs.f_bavail * fs.f_frsize < max(1 << 20, fs.f_blocks * fs.f_frsize // 100)


def main(argv: list[str]) -> int:
    """Run the workspace round trip described in the module docstring.

    ``argv[0]`` is a JSON object: ``uid``, ``gid`` (the sandbox's ids), ``as_bytes``,
    ``cpu_s``, ``nproc`` (rlimits), ``timeout_s``, ``workspace`` (the tmpfs path),
    ``host_fd`` (the host workspace's descriptor), ``report_fd``, ``protected`` (top-level
    names never copied), ``max_files`` and ``command`` (the interpreter and its arguments).
    """
    config = json.loads(argv[0])
    host_fd, report_fd = config["host_fd"], config["report_fd"]
    _prctl(_PR_SET_DUMPABLE, 0)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    report: dict = {"loopback_down": _loopback_down() if os.getuid() == 0 else False}
    owner = config["uid"] if os.getuid() == 0 else None
    ws_fd = os.open(config["workspace"], _DIR_FLAGS)
    protected = set(config["protected"])
    copy_in = _Copier(owner=owner, protected=protected, max_files=config["max_files"])
    try:
        copy_in.sync(host_fd, ws_fd)
        copy_in._own(ws_fd)
    except OSError as exc:
        sys.stderr.write(f"{MARKER} cannot copy the workspace into the sandbox: {exc}\n")
        report.update(
            exit_code=FAILED_EXIT, copy_in_error=str(exc), disk_full=_disk_full(config["workspace"])
        )
        os.write(report_fd, json.dumps(report).encode())
        return FAILED_EXIT
    pid = _start(config)
    code, timed_out = _wait(pid, config["timeout_s"])
    survivors = _kill_the_rest()
    full = _disk_full(config["workspace"]) or _disk_full("/tmp") or _disk_full("/dev/shm")
    copy_out = _Copier(owner=None, protected=protected, max_files=config["max_files"])
    try:
        copy_out.sync(ws_fd, host_fd)
    except OSError as exc:
        copy_out.error = f"copying the workspace back stopped: {exc}"
    report.update(
        exit_code=code,
        timed_out=timed_out,
        reaped=survivors,
        disk_full=full,
        files_in=copy_in.files,
        files_out=copy_out.files,
        bytes_out=copy_out.bytes,
        not_copied=copy_out.skipped,
        copy_error=copy_out.error,
    )
    os.write(report_fd, json.dumps(report).encode())
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
