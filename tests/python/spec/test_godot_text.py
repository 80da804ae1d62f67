"""The canonical form of Godot text resources: editor re-saves hash the same, edits do not."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from benchgen.spec.folder import file_hashes, hash_mismatches
from benchgen.spec.godot_text import canonical_text, is_godot_text
from benchgen.spec.io import load_spec

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "scenarios" / "ramp_to_goal" / "ramp_to_goal-000007-ae170a"
SCENE = "godot/scene.tscn"


def _editor_style(text: str, res_dir: str) -> str:
    """What the Godot 4.6 editor does to a scene it saves (see the module docstring)."""
    text = re.sub(
        r"^\[gd_scene load_steps=\d+ format=3\]", '[gd_scene format=3 uid="uid://b1"]', text
    )
    text = re.sub(r'path="(mesh_[^"]+)"', rf'path="res://{res_dir}/\1"', text)
    text = re.sub(r'(\[node name="[^"]+" type="[^"]+")', r"\1 unique_id=123", text)
    text = text.replace(
        'path="res://addons/benchgen/runtime/scenario_manager.gd"',
        'uid="uid://2s5uit3ijg6u" path="res://addons/benchgen/runtime/scenario_manager.gd"',
    )
    text = text.replace("\n\n[ext_resource", "\n[ext_resource")
    # Properties in another order, numbers in another spelling.
    text = text.replace(
        "albedo_color = Color(0.55, 0.57, 0.6, 1)\nroughness = 0.8\ncull_mode = 2",
        "cull_mode = 2\nalbedo_color = Color(0.55, 0.57, 0.6, 1.0)\nroughness = 0.80",
    )
    return text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project.godot").write_text("config_version=5\n", encoding="utf-8")
    shutil.copytree(SAMPLE, tmp_path / "scenarios" / "ramp" / SAMPLE.name)
    return tmp_path


def test_an_editor_resave_has_the_same_canonical_form(project: Path) -> None:
    folder = project / "scenarios" / "ramp" / SAMPLE.name
    original = (folder / SCENE).read_bytes()
    resaved = _editor_style(original.decode(), f"scenarios/ramp/{SAMPLE.name}/godot").encode()
    assert resaved != original and b"unique_id=123" in resaved and b"res://scenarios" in resaved
    assert b"cull_mode = 2\nalbedo_color" in resaved
    assert canonical_text(resaved, SCENE, folder, project) == canonical_text(
        original, SCENE, folder, project
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("mass = 0.2299", "mass = 0.23", id="a-value"),
        pytest.param('path="mesh_track.tres"', 'path="mesh_floor.tres"', id="a-reference"),
        pytest.param('[node name="Sun"', '[node name="Moon"', id="a-node-name"),
        pytest.param("roughness = 0.8\n", "roughness = 0.8\nmetallic = 1.0\n", id="a-property"),
    ],
)
def test_a_real_change_changes_the_canonical_form(project: Path, old: str, new: str) -> None:
    folder = project / "scenarios" / "ramp" / SAMPLE.name
    original = (folder / SCENE).read_text(encoding="utf-8")
    assert old in original
    changed = original.replace(old, new, 1).encode()
    assert canonical_text(changed, SCENE, folder, project) != canonical_text(
        original.encode(), SCENE, folder, project
    )


def test_the_folder_check_accepts_a_resave_and_refuses_an_edit(project: Path) -> None:
    folder = project / "scenarios" / "ramp" / SAMPLE.name
    spec = load_spec(folder)
    assert hash_mismatches(spec, folder) == []
    scene = folder / SCENE
    res_dir = f"scenarios/ramp/{SAMPLE.name}/godot"
    scene.write_text(_editor_style(scene.read_text(encoding="utf-8"), res_dir), encoding="utf-8")
    assert hash_mismatches(spec, folder) == []
    scene.write_text(scene.read_text(encoding="utf-8").replace("mass = ", "mass = 1"), "utf-8")
    assert hash_mismatches(spec, folder) == [SCENE]


def test_folders_hashed_byte_for_byte_before_still_verify(project: Path) -> None:
    """A scenario.json written before Godot files were hashed canonically stays valid."""
    folder = project / "scenarios" / "ramp" / SAMPLE.name
    spec = load_spec(folder)
    spec.files[SCENE] = hashlib.sha256((folder / SCENE).read_bytes()).hexdigest()
    assert spec.files[SCENE] != file_hashes(folder)[SCENE]
    assert hash_mismatches(spec, folder) == []


def test_only_godot_text_files_are_canonical() -> None:
    assert is_godot_text("godot/scene.tscn") and is_godot_text("godot/mesh_a.tres")
    assert not is_godot_text("model.xml") and not is_godot_text("meshes/a.obj")
    assert canonical_text(b"\xff\xfe not utf-8", SCENE, Path("/"), None) == b"\xff\xfe not utf-8"
