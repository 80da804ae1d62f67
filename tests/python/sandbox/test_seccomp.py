"""The seccomp program's system call numbers match the kernel headers installed here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchgen.errors import SandboxError
from benchgen.sandbox._seccomp import DENIED, SYSCALLS, filter_program

HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),
}


@pytest.mark.parametrize("machine", sorted(HEADERS))
def test_numbers_match_the_headers(machine: str) -> None:
    header = HEADERS[machine]
    if not header.is_file():
        pytest.fail(f"{header} is missing: apt-get install linux-libc-dev")
    defined = {
        name: int(number)
        for name, number in re.findall(r"#define __NR3?2?6?4?_(\w+)\s+(\d+)", header.read_text())
    }
    _, numbers = SYSCALLS[machine]
    assert {name: defined.get(name) for name in numbers} == numbers


def test_every_denied_call_has_a_number_or_does_not_exist_there() -> None:
    for _machine, (_, numbers) in SYSCALLS.items():
        missing = [name for name in DENIED if name not in numbers]
        assert set(missing) <= {"iopl", "ioperm", "uselib"}


def test_program_is_whole_instructions() -> None:
    program = filter_program("x86_64")
    assert len(program) % 8 == 0 and len(program) // 8 < 256


def test_an_unknown_machine_is_a_clear_error() -> None:
    with pytest.raises(SandboxError, match="no system call table for 'riscv64'"):
        filter_program("riscv64")
