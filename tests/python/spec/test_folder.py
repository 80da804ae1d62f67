"""The scenario-folder contract: regular files only, hashes, staging and atomic publish."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchgen.errors import UnsafeFileError
from benchgen.spec.folder import (
    deterministic_hashes,
    file_hashes,
    publish,
    regular_files,
    staging,
    stale_staging,
)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_regular_files_lists_every_file_sorted(tmp_path: Path) -> None:
    _tree(tmp_path, {"b.txt": "b", "meshes/a.obj": "a", "scenario.json": "{}"})
    assert regular_files(tmp_path) == ["b.txt", "meshes/a.obj", "scenario.json"]
    assert set(file_hashes(tmp_path)) == {"b.txt", "meshes/a.obj"}


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        pytest.param(lambda p: p.symlink_to("/etc/hostname"), "symbolic link", id="symlink"),
        pytest.param(lambda p: p.symlink_to(p.parent), "symbolic link", id="dir-symlink"),
        pytest.param(lambda p: os.mkfifo(p), "FIFO", id="fifo"),
    ],
)
def test_anything_but_a_regular_file_is_refused_unread(tmp_path: Path, make, kind: str) -> None:
    _tree(tmp_path, {"renders/ok.png": "x"})
    make(tmp_path / "renders" / "leak")
    with pytest.raises(UnsafeFileError, match=kind):
        regular_files(tmp_path)
    with pytest.raises(UnsafeFileError):
        file_hashes(tmp_path)  # a FIFO would block forever if it were opened


def test_renders_are_hashed_but_not_rebuilt(tmp_path: Path) -> None:
    _tree(tmp_path, {"model.xml": "m", "renders/view.png": "v", "reviews/001.md": "r"})
    hashes = file_hashes(tmp_path)
    assert set(hashes) == {"model.xml", "renders/view.png", "reviews/001.md"}
    assert set(deterministic_hashes(hashes)) == {"model.xml"}


def test_staging_is_removed_when_the_writer_fails(tmp_path: Path) -> None:
    final = tmp_path / "fam" / "fam-000001-abcdef"
    with pytest.raises(RuntimeError), staging(final) as tmp:
        (tmp / "half.txt").write_text("half")
        assert stale_staging(tmp_path) == [tmp]
        raise RuntimeError("crash")
    assert not final.exists()
    assert list((tmp_path / "fam").iterdir()) == []


def test_publish_keeps_an_existing_scenario_unless_replacing(tmp_path: Path) -> None:
    final = _tree(tmp_path / "fam" / "s", {"scenario.json": "old"})
    with staging(final) as tmp:
        (tmp / "scenario.json").write_text("new")
        assert publish(tmp, final) is False
    assert (final / "scenario.json").read_text() == "old"
    with staging(final) as tmp:
        (tmp / "scenario.json").write_text("new")
        assert publish(tmp, final, replace=True) is True
    assert (final / "scenario.json").read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "fam").iterdir()) == ["s"]  # no old copy left
