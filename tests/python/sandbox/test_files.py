"""Copying folders untrusted code wrote: regular files only, nothing followed or blocked on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from benchgen.errors import UnsafeFileError
from benchgen.sandbox import copy_regular_tree, read_regular


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    folder = tmp_path / "staged"
    (folder / "renders").mkdir(parents=True)
    (folder / "scenario.json").write_text("{}")
    (folder / "renders" / "view.png").write_bytes(b"png")
    return folder


def test_regular_files_are_copied_and_hashed(staged: Path, tmp_path: Path) -> None:
    (tmp_path / "copy").mkdir()
    hashes = copy_regular_tree(staged, tmp_path / "copy")
    assert sorted(hashes) == ["renders/view.png", "scenario.json"]
    assert (tmp_path / "copy" / "renders" / "view.png").read_bytes() == b"png"


def _plant_symlink(folder: Path, secret: Path) -> None:
    (folder / "renders" / "leak.txt").symlink_to(secret)


def _plant_fifo(folder: Path, _secret: Path) -> None:
    os.mkfifo(folder / "renders" / "pipe")


def _plant_hard_link(folder: Path, secret: Path) -> None:
    os.link(secret, folder / "renders" / "linked.txt")


def _plant_device(folder: Path, _secret: Path) -> None:
    os.mknod(folder / "renders" / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("plant", "why"),
    [
        pytest.param(_plant_symlink, "a symbolic link", id="symlink"),
        pytest.param(_plant_fifo, "a FIFO", id="fifo"),
        pytest.param(_plant_hard_link, "hard-linked", id="hard-link"),
        pytest.param(_plant_device, "a character device", id="device"),
    ],
)
def test_anything_but_a_regular_file_is_refused(
    staged: Path, tmp_path: Path, plant: object, why: str
) -> None:
    if plant is _plant_device and os.geteuid() != 0:
        pytest.skip("only root can create a device node")
    secret = tmp_path / "secret.txt"
    secret.write_text("root only")
    secret.chmod(0o600)
    plant(staged, secret)  # type: ignore[operator]
    (tmp_path / "copy").mkdir()
    with pytest.raises(UnsafeFileError, match=why):
        copy_regular_tree(staged, tmp_path / "copy")
    assert not any("root only" in p.read_text() for p in (tmp_path / "copy").rglob("*.txt"))


def test_size_limits(staged: Path, tmp_path: Path) -> None:
    (staged / "big.bin").write_bytes(b"x" * 5000)
    (tmp_path / "a").mkdir()
    with pytest.raises(UnsafeFileError, match="over the limit of 4096"):
        copy_regular_tree(staged, tmp_path / "a", max_file_bytes=4096)
    (tmp_path / "b").mkdir()
    with pytest.raises(UnsafeFileError, match="more than 1 files"):
        copy_regular_tree(staged, tmp_path / "b", max_files=1)


def test_a_symlinked_folder_on_the_way_is_not_followed(tmp_path: Path, staged: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".promote").symlink_to(staged.parent)
    (tmp_path / "copy").mkdir()
    with pytest.raises(OSError):
        copy_regular_tree(ws / ".promote" / "staged", tmp_path / "copy", trusted_root=ws)


@pytest.mark.timeout(30)
def test_read_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "scenario.json")
    with pytest.raises(UnsafeFileError, match="a FIFO"):
        read_regular(tmp_path / "scenario.json")
