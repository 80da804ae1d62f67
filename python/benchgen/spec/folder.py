"""The scenario-folder contract: file names, content hashes, their check, atomic publish.

One scenario is one folder ``<dataset>/<family>/<scenario id>/``. Every writer (the
pipeline, the asset store, agent promotion, ``benchgen export-godot``) assembles a folder
under a staging name beside its final place and publishes it with one rename, so no reader
ever sees a half-written scenario under its final name. ``scenario.json`` records the
sha256 of every other file; :func:`hash_mismatches` is the one check of those hashes.
A Godot text resource under ``godot/`` is hashed in its canonical form
(:mod:`benchgen.spec.godot_text`), so the Godot editor opening and saving a scene leaves
its hash as it was, while any change to what the scene holds does not.

Only regular files and folders belong in a scenario folder: :func:`regular_files` refuses
symlinks, FIFOs, sockets and devices without following or opening them, because a folder
may come from code benchgen does not trust (an LLM's workspace, a downloaded dataset).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchgen.errors import OutputError, UnsafeFileError
from benchgen.spec.godot_text import canonical_text, is_godot_text
from benchgen.spec.io import dump_spec
from benchgen.spec.models import ScenarioSpec

__all__ = [
    "GODOT_DIR",
    "MESHES_DIR",
    "MODEL_XML",
    "PROBLEM_JSON",
    "RENDERS_DIR",
    "RENDERS_INDEX",
    "REVIEWS_DIR",
    "SCENARIO_JSON",
    "SCRIPT_PY",
    "STAGING_PREFIX",
    "THUMBNAIL_PNG",
    "deterministic_hashes",
    "file_hashes",
    "hash_mismatches",
    "publish",
    "regular_files",
    "scenario_folder",
    "seal",
    "staging",
    "stale_staging",
]

SCENARIO_JSON = "scenario.json"
PROBLEM_JSON = "problem.json"
SCRIPT_PY = "script.py"
MODEL_XML = "model.xml"
MESHES_DIR = "meshes"
RENDERS_DIR = "renders"
#: The first picture of a scenario, published with its verdict (lists and the dock show it).
THUMBNAIL_PNG = f"{RENDERS_DIR}/thumbnail.png"
#: Written last by the render stage: a folder holding it has every render.
RENDERS_INDEX = f"{RENDERS_DIR}/index.json"
GODOT_DIR = "godot"
REVIEWS_DIR = "reviews"
#: Folders whose bytes depend on more than family, parameters and seed (the GL driver,
#: a reviewer): hashed like every file, but left out of the byte-for-byte rebuild.
_NOT_REBUILT = (f"{RENDERS_DIR}/", f"{REVIEWS_DIR}/")
#: Staging folders start with this; a reader skips names starting with a dot.
STAGING_PREFIX = ".tmp-"
_CHUNK = 1 << 20


def scenario_folder(dataset: Path, family: str, scenario_id: str) -> Path:
    """Return the final folder of a scenario: ``<dataset>/<family>/<id>``."""
    return dataset / family / scenario_id


def regular_files(folder: Path) -> list[str]:
    """Return the relative POSIX paths of every file under ``folder``, sorted.

    Nothing is followed or opened: entries are examined with ``lstat``.

    Raises:
        UnsafeFileError: an entry is a symlink, FIFO, socket or device.
    """
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    pending.append(Path(entry.path))
                elif stat.S_ISREG(mode):
                    found.append(Path(entry.path).relative_to(folder).as_posix())
                else:
                    raise UnsafeFileError(
                        f"{entry.path} is a {_kind(mode)}, not a regular file; a scenario folder "
                        "holds only regular files and folders: remove it"
                    )
    return sorted(found)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _read(path: Path) -> bytes:
    """Read a regular file, refusing to follow a link or block on a FIFO swapped in."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnsafeFileError(f"{path} is not a regular file; remove it")
        chunks = []
        while chunk := handle.read(_CHUNK):
            chunks.append(chunk)
    return b"".join(chunks)


def _godot_project(folder: Path) -> Path | None:
    """Return the Godot project around ``folder`` (nearest ``project.godot``), or None."""
    start = folder.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "project.godot").is_file():
            return candidate
    return None


def _is_godot_file(rel: str) -> bool:
    return rel.startswith(f"{GODOT_DIR}/") and is_godot_text(rel)


def _digests(folder: Path, rel: str, project: Path | None) -> tuple[str, str]:
    """Return the sha256 of a file as recorded (canonical for Godot text) and of its bytes."""
    data = _read(folder / rel)
    raw = hashlib.sha256(data).hexdigest()
    if not _is_godot_file(rel):
        return raw, raw
    return hashlib.sha256(canonical_text(data, rel, folder.resolve(), project)).hexdigest(), raw


def file_hashes(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file of a scenario folder but scenario.json itself.

    Godot text resources under ``godot/`` are hashed in their canonical form.

    Raises:
        UnsafeFileError: the folder holds something other than regular files.
    """
    project = _godot_project(folder)
    return {
        rel: _digests(folder, rel, project)[0]
        for rel in regular_files(folder)
        if rel != SCENARIO_JSON
    }


def seal(spec: ScenarioSpec, folder: Path) -> dict[str, str]:
    """Hash every file of ``folder`` into ``spec.files`` and write its scenario.json.

    The last step before :func:`publish`: the folder's files are final.

    Returns:
        ``spec.files``.

    Raises:
        UnsafeFileError: the folder holds something other than regular files.
    """
    spec.files = file_hashes(folder)
    (folder / SCENARIO_JSON).write_text(dump_spec(spec), encoding="utf-8")
    return spec.files


def deterministic_hashes(hashes: dict[str, str]) -> dict[str, str]:
    """Return the hashes a rebuild from family, parameters and seed must reproduce."""
    return {k: v for k, v in hashes.items() if not k.startswith(_NOT_REBUILT)}


def hash_mismatches(spec: ScenarioSpec, folder: Path) -> list[str]:
    """Return the files whose bytes differ from, or are missing in, ``spec.files``.

    Raises:
        UnsafeFileError: the folder holds something other than regular files.
    """
    project = _godot_project(folder)
    actual = {
        rel: _digests(folder, rel, project) for rel in regular_files(folder) if rel != SCENARIO_JSON
    }
    # A Godot file matches by its canonical hash, or by its bytes (folders written before
    # Godot files were hashed canonically).
    return sorted(
        k
        for k in set(actual) | set(spec.files)
        if k not in actual or spec.files.get(k) not in actual[k]
    )


@contextmanager
def staging(final: Path) -> Iterator[Path]:
    """Yield a new, empty staging folder beside ``final``; it is removed on the way out.

    Publish it with :func:`publish` inside the ``with`` block. The name carries the
    process and thread, so concurrent writers of one scenario never share a folder.

    Raises:
        OutputError: the parent folder cannot be created or written.
    """
    tmp = final.parent / f"{STAGING_PREFIX}{final.name}-{os.getpid()}-{threading.get_ident()}"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot create {tmp}: {exc.strerror or exc}") from exc
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(tmp: Path, final: Path, *, replace: bool = False) -> bool:
    """Move the complete folder ``tmp`` to ``final`` in one rename.

    Args:
        tmp: a staging folder from :func:`staging`.
        final: the scenario's final folder.
        replace: swap out an existing ``final`` (atomically where the kernel can exchange
            two names, else by a rename aside and back on failure); without it an existing
            complete scenario is kept and ``tmp`` is dropped.

    Returns:
        Whether ``tmp`` became ``final``.
    """
    if final.exists() and not replace:
        return False
    if not final.exists():
        os.replace(tmp, final)
        return True
    if not _exchange(tmp, final):
        aside = final.parent / f"{STAGING_PREFIX}old-{final.name}-{os.getpid()}"
        os.replace(final, aside)
        try:
            os.replace(tmp, final)
        except OSError:
            os.replace(aside, final)  # put the older copy back rather than lose it
            raise
        tmp = aside
    shutil.rmtree(tmp, ignore_errors=True)  # now the old copy
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    return bool(result == 0)


def stale_staging(dataset: Path) -> list[Path]:
    """Return the staging folders left under ``dataset/<family>/`` by interrupted writers."""
    if not dataset.is_dir():
        return []
    return sorted(p for p in dataset.glob(f"*/{STAGING_PREFIX}*") if p.is_dir())
