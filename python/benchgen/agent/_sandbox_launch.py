"""The first program inside bwrap: set rlimits, drop to the sandbox uid, exec python.

:mod:`benchgen.agent.sandbox` runs this file's source with ``python -I -S -c`` as
the sandbox's command, so it imports nothing but the standard library. Arguments::

    UID GID AS_BYTES CPU_S NPROC COMMAND [ARGS...]

Limits are set here, inside the namespaces bwrap created, rather than on bwrap: the
kernel counts ``RLIMIT_NPROC`` per (user namespace, real uid) and exempts the root
user entirely (``copy_process`` in kernel/fork.c), so the limit only binds once the
process runs as a uid that is not root, which is what the ``setuid`` below is for.
"""

from __future__ import annotations

import os
import resource
import sys

__all__ = ["FAILED_EXIT", "MARKER", "main"]

MARKER = "benchgen-sandbox:"
FAILED_EXIT = 125


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


def main(argv: list[str]) -> int:
    """Apply the limits, drop root and exec the command; return an exit code on failure."""
    uid, gid, as_bytes, cpu_s, nproc = (int(value) for value in argv[:5])
    command = argv[5:]
    try:
        _set_limits(as_bytes, cpu_s, nproc)
        _drop_root(uid, gid)
        os.execv(command[0], command)
    except OSError as exc:
        sys.stderr.write(
            f"{MARKER} cannot start {command[0]!r} as uid {os.getuid()}: {exc}. The "
            "interpreter and the script must be readable by that uid.\n"
        )
    return FAILED_EXIT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
