"""The sandbox's seccomp filter: a classic BPF program for ``bwrap --seccomp FD``.

bwrap loads the raw ``struct sock_filter`` array it reads from the file descriptor
(bwrap(1), ``--seccomp``) right before it runs the sandbox's command, so the launcher
and everything it starts run under it. The filter is a deny list, the system calls a
Python script never needs and a sandbox escape usually does (the same families Docker's
and Flatpak's default profiles refuse):

- new namespaces: ``unshare``, ``setns``, ``clone``/``clone3`` with a ``CLONE_NEW*`` flag
  (``clone3`` answers ENOSYS, so glibc falls back to ``clone``, whose flags BPF can read);
- mounts: ``mount``, ``umount2``, ``pivot_root``, ``chroot`` and the new mount API;
- tracing other processes: ``ptrace``, ``process_vm_readv/writev``, ``kcmp``, ``pidfd_getfd``;
- the kernel itself: modules, ``kexec``, ``bpf``, ``perf_event_open``, keyrings,
  ``userfaultfd``, ``io_uring``, ``open_by_handle_at``, clocks, swap, reboot, ``syslog``;
- a terminal: ``ioctl(TIOCSTI)`` and ``ioctl(TIOCLINUX)``, which type into it.

A call from another architecture's system call table (32-bit ``int 0x80`` on x86_64, or
the x32 ABI) kills the process: the numbers below would not mean the same calls there.
"""

from __future__ import annotations

import errno
import platform
import struct

from benchgen.errors import SandboxError

__all__ = ["DENIED", "NAMESPACE_FLAGS", "filter_program"]

#: System calls that fail with EPERM inside the sandbox.
DENIED = (
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "swapon", "swapoff", "reboot", "sethostname", "setdomainname", "acct", "quotactl",
    "syslog", "vhangup", "iopl", "ioperm", "uselib",
)  # fmt: skip

# From <asm/unistd_64.h> (x86_64) and <asm-generic/unistd.h> (aarch64); checked against
# the installed headers by tests/python/sandbox/test_seccomp.py.
_X86_64 = {
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
    "chroot": 161, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "move_mount": 429, "open_tree": 428, "mount_setattr": 442, "ptrace": 101,
    "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438,
    "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246,
    "kexec_file_load": 320, "bpf": 321, "perf_event_open": 298, "keyctl": 250,
    "add_key": 248, "request_key": 249, "userfaultfd": 323, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "open_by_handle_at": 304,
    "name_to_handle_at": 303, "lookup_dcookie": 212, "settimeofday": 164,
    "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "swapon": 167,
    "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171, "acct": 163,
    "quotactl": 179, "syslog": 103, "vhangup": 153, "iopl": 172, "ioperm": 173,
    "uselib": 134, "clone": 56, "clone3": 435, "ioctl": 16,
}  # fmt: skip
_AARCH64 = {
    "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
    "chroot": 51, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "move_mount": 429, "open_tree": 428, "mount_setattr": 442, "ptrace": 117,
    "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438,
    "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104,
    "kexec_file_load": 294, "bpf": 280, "perf_event_open": 241, "keyctl": 219,
    "add_key": 217, "request_key": 218, "userfaultfd": 282, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "open_by_handle_at": 265,
    "name_to_handle_at": 264, "lookup_dcookie": 18, "settimeofday": 170,
    "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171, "swapon": 224,
    "swapoff": 225, "reboot": 142, "sethostname": 161, "setdomainname": 162, "acct": 89,
    "quotactl": 60, "syslog": 116, "vhangup": 58, "clone": 220, "clone3": 435, "ioctl": 29,
}  # fmt: skip
#: machine -> (AUDIT_ARCH_* of <linux/audit.h>, system call numbers)
SYSCALLS = {"x86_64": (0xC000003E, _X86_64), "aarch64": (0xC00000B7, _AARCH64)}

#: CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME
NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
NAMESPACE_FLAGS |= 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080
_X32_BIT = 0x40000000
_TIOCSTI, _TIOCLINUX = 0x5412, 0x541C

# Classic BPF (linux/filter.h, linux/seccomp.h).
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ, _JGE, _JSET = 0x15, 0x35, 0x45  # BPF_JMP | BPF_{JEQ,JGE,JSET} | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_ALLOW, _KILL_PROCESS = 0x7FFF0000, 0x80000000
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (low words)


def _errno(code: int) -> int:
    return 0x00050000 | code  # SECCOMP_RET_ERRNO


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def filter_program(machine: str | None = None) -> bytes:
    """Return the filter as the bytes of a ``struct sock_filter`` array.

    Raises:
        SandboxError: there is no system call table for this machine.
    """
    machine = machine or platform.machine()
    if machine not in SYSCALLS:
        raise SandboxError(
            f"the sandbox's seccomp filter has no system call table for {machine!r} "
            f"(known: {', '.join(SYSCALLS)}); add one to benchgen/sandbox/_seccomp.py"
        )
    arch, numbers = SYSCALLS[machine]
    program = [_op(_LD_ABS, _ARCH), _op(_JEQ, arch, 1, 0), _op(_RET, _KILL_PROCESS)]
    program.append(_op(_LD_ABS, _NR))
    if machine == "x86_64":
        program += [_op(_JGE, _X32_BIT, 0, 1), _op(_RET, _KILL_PROCESS)]
    for name in DENIED:
        if name in numbers:
            program += [_op(_JEQ, numbers[name], 0, 1), _op(_RET, _errno(errno.EPERM))]
    program += [_op(_JEQ, numbers["clone3"], 0, 1), _op(_RET, _errno(errno.ENOSYS))]
    program += [
        _op(_JEQ, numbers["ioctl"], 0, 5),
        _op(_LD_ABS, _ARG1),
        _op(_JEQ, _TIOCSTI, 1, 0),
        _op(_JEQ, _TIOCLINUX, 0, 1),
        _op(_RET, _errno(errno.EPERM)),
        _op(_RET, _ALLOW),
        _op(_JEQ, numbers["clone"], 0, 3),
        _op(_LD_ABS, _ARG0),
        _op(_JSET, NAMESPACE_FLAGS, 0, 1),
        _op(_RET, _errno(errno.EPERM)),
        _op(_RET, _ALLOW),
    ]
    return b"".join(program)
