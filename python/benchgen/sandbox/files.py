"""Read folders that untrusted code wrote, without following, blocking on or trusting anything.

The host copies a folder the sandbox produced (an agent's staged scenario, a rebuilt
scenario) only through :func:`copy_regular_tree`: every entry is opened below a directory
descriptor with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` on the open file,
so a symlink is never followed, a FIFO never blocks the host, and a file swapped between
the check and the open is caught. Only folders and regular files with one link pass;
anything else stops the copy with the reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchgen.errors import OutputError, UnsafeFileError

__all__ = ["MAX_FILES", "MAX_FILE_BYTES", "MAX_TOTAL_BYTES", "copy_regular_tree", "read_regular"]

MAX_FILES = 2_000
MAX_FILE_BYTES = 256 * 2**20
MAX_TOTAL_BYTES = 1024 * 2**20
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _refuse(rel: str, why: str) -> UnsafeFileError:
    return UnsafeFileError(
        f"{rel!r} is {why}; only folders and regular files with a single link are accepted "
        "from untrusted code"
    )


@contextmanager
def _opened(path: str, flags: int, dir_fd: int | None = None) -> Iterator[int]:
    fd = os.open(path, flags, dir_fd=dir_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _check_file(fd: int, rel: str, max_bytes: int) -> os.stat_result:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(rel, _kind(st.st_mode))
    if st.st_nlink != 1:
        raise _refuse(rel, f"hard-linked ({st.st_nlink} links)")
    if st.st_size > max_bytes:
        raise UnsafeFileError(
            f"{rel!r} has {st.st_size} bytes, over the limit of {max_bytes}: keep files smaller"
        )
    return st


def read_regular(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of a regular file, refusing a symlink, FIFO, device or hard link.

    Raises:
        UnsafeFileError: the path is not a single-link regular file or is too large.
        OSError: it cannot be opened.
    """
    try:
        fd = os.open(path, _READ)
    except OSError as exc:
        if os.path.islink(path):
            raise _refuse(str(path), "a symbolic link") from exc
        raise
    try:
        st = _check_file(fd, str(path), max_bytes)
        data = _read_all(fd)
    finally:
        os.close(fd)
    if len(data) != st.st_size:
        raise UnsafeFileError(f"{str(path)!r} changed while it was read")
    return data


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


class _Tree:
    def __init__(self, max_files: int, max_total: int, max_file: int) -> None:
        self.max_files, self.max_total, self.max_file = max_files, max_total, max_file
        self.hashes: dict[str, str] = {}
        self.total = 0

    def copy(self, src: int, dst: int, prefix: str, depth: int) -> None:
        if depth > 32:
            raise UnsafeFileError(f"{prefix!r} is nested more than 32 folders deep")
        for name in sorted(os.listdir(src)):
            rel = prefix + name
            mode = os.stat(name, dir_fd=src, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                os.mkdir(name, 0o755, dir_fd=dst)
                with _opened(name, _DIR, src) as sub_src, _opened(name, _DIR, dst) as sub_dst:
                    self.copy(sub_src, sub_dst, rel + "/", depth + 1)
            elif stat.S_ISREG(mode):
                self._file(src, dst, name, rel)
            else:
                raise _refuse(rel, _kind(mode))

    def _file(self, src: int, dst: int, name: str, rel: str) -> None:
        if len(self.hashes) >= self.max_files:
            raise UnsafeFileError(f"the folder has more than {self.max_files} files")
        with _opened(name, _READ, src) as fd:
            _check_file(fd, rel, self.max_file)
            data = _read_all(fd)
        self.total += len(data)
        if self.total > self.max_total:
            raise UnsafeFileError(
                f"the folder holds more than {self.max_total} bytes: keep it smaller"
            )
        with _opened(name, _WRITE, dst) as out:
            view = memoryview(data)
            while view:
                view = view[os.write(out, view) :]
        self.hashes[rel] = hashlib.sha256(data).hexdigest()


def _open_dir(src: Path, trusted_root: Path | None) -> int:
    """Open ``src``, following no symlink below ``trusted_root`` (or in its last part)."""
    if trusted_root is None:
        return os.open(src, _DIR)
    fd = os.open(trusted_root, _DIR)
    for part in src.relative_to(trusted_root).parts:
        try:
            sub = os.open(part, _DIR, dir_fd=fd)
        finally:
            os.close(fd)
        fd = sub
    return fd


def copy_regular_tree(
    src: Path,
    dst: Path,
    *,
    trusted_root: Path | None = None,
    max_files: int = MAX_FILES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> dict[str, str]:
    """Copy an untrusted folder into the empty folder ``dst``; return the sha256 of each file.

    The copy stops at the
    first entry that is not a folder or a single-link regular file, or past a size limit.
    With ``trusted_root``, every folder from there down to ``src`` is opened without
    following symlinks too.

    Raises:
        UnsafeFileError: what was refused and why (``dst`` may hold a partial copy).
        OSError: ``src`` cannot be opened or ``dst`` cannot be written.
    """
    src_fd = _open_dir(src, trusted_root)
    try:
        with _opened(str(dst), _DIR) as dst_fd:
            if os.listdir(dst_fd):
                raise OutputError(f"{dst} is not empty: copy into a new, empty folder")
            tree = _Tree(max_files, max_total_bytes, max_file_bytes)
            tree.copy(src_fd, dst_fd, "", 0)
    finally:
        os.close(src_fd)
    return dict(sorted(tree.hashes.items()))
