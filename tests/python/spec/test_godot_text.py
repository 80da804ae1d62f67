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

SCENE = "godot/scene.tscn"


def _editor_style(text: str, res_dir: str) -> str:
    """What the Godot 4.6 editor does to a scene it saves (see the module docstring)."""
    header = '[gd_scene format=3 uid="uid://b1"]'
    text = re.sub(r"^\[gd_scene load_steps=\d+ format=3\]", header, text)
    text = re.sub(r'path="(mesh_[^"]+)"', rf'path="res://{res_dir}/\1"', text)
    text = re.sub(r'(\[node name="[^"]+" type="[^"]+")', r"\1 unique_id=123", text)
    text = re.sub(
        r'(\[ext_resource type="Script") (path="res://addons)', r'\1 uid="uid://c2" \2', text
    )
    text = text.replace("\n\n[ext_resource", "\n[ext_resource")
    # Properties in another order, decimals spelt another way (a trailing zero).
    sections = re.split(r"(?m)^(?=\[)", text)
    out = []
    for section in sections:
        head, _, body = section.partition("\n")
        props = [line for line in body.split("\n") if line]
        props = [re.sub(r"(?<![\w.])(\d+\.\d+)(?![\w.])", r"\g<1>0", p) for p in props]
        out.append("\n".join([head, *reversed(props)]) + "\n\n")
    return "".join(out)


@pytest.fixture
def project(tmp_path: Path, ramp_dataset: Path) -> Path:
    """A Godot project holding one freshly built scenario at scenarios/ramp/<id>."""
    (tmp_path / "project.godot").write_text("config_version=5\n", encoding="utf-8")
    source = sorted(ramp_dataset.glob("*/*/scenario.json"))[0].parent
    shutil.copytree(source, tmp_path / "scenarios" / "ramp" / "s")
    return tmp_path


def _folder(project: Path) -> Path:
    return project / "scenarios" / "ramp" / "s"


def test_an_editor_resave_has_the_same_canonical_form(project: Path) -> None:
    folder = _folder(project)
    original = (folder / SCENE).read_bytes()
    resaved = _editor_style(original.decode(), "scenarios/ramp/s/godot").encode()
    assert resaved != original and b"unique_id=123" in resaved and b"res://scenarios" in resaved
    assert canonical_text(resaved, SCENE, folder, project) == canonical_text(
        original, SCENE, folder, project
    )


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        pytest.param(r"(?m)^(mass = )[-\d.]+", r"\g<1>123.5", id="a-value"),
        pytest.param(r'path="mesh_[^"]+"', 'path="mesh_other.tres"', id="a-reference"),
        pytest.param(r'\[node name="Sun"', '[node name="Moon"', id="a-node-name"),
        pytest.param(r"(?m)^(\[sub_resource [^\n]*\n)", r"\1metallic = 1.0\n", id="a-property"),
    ],
)
def test_a_real_change_changes_the_canonical_form(
    project: Path, pattern: str, replacement: str
) -> None:
    folder = _folder(project)
    original = (folder / SCENE).read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, original, count=1)
    assert count == 1, pattern
    assert canonical_text(changed.encode(), SCENE, folder, project) != canonical_text(
        original.encode(), SCENE, folder, project
    )


def test_the_folder_check_accepts_a_resave_and_refuses_an_edit(project: Path) -> None:
    folder = _folder(project)
    spec = load_spec(folder)
    assert hash_mismatches(spec, folder) == []
    scene = folder / SCENE
    res_dir = "scenarios/ramp/s/godot"
    scene.write_text(_editor_style(scene.read_text(encoding="utf-8"), res_dir), encoding="utf-8")
    assert hash_mismatches(spec, folder) == []
    edited = re.sub(r"(?m)^mass = ", "mass = 1", scene.read_text("utf-8"), count=1)
    scene.write_text(edited, "utf-8")
    assert hash_mismatches(spec, folder) == [SCENE]


def test_folders_hashed_byte_for_byte_before_still_verify(project: Path) -> None:
    """A scenario.json written before Godot files were hashed canonically stays valid."""
    folder = _folder(project)
    spec = load_spec(folder)
    spec.files[SCENE] = hashlib.sha256((folder / SCENE).read_bytes()).hexdigest()
    assert spec.files[SCENE] != file_hashes(folder)[SCENE]
    assert hash_mismatches(spec, folder) == []


def test_only_godot_text_files_are_canonical() -> None:
    assert is_godot_text("godot/scene.tscn") and is_godot_text("godot/mesh_a.tres")
    assert not is_godot_text("model.xml") and not is_godot_text("meshes/a.obj")
    assert canonical_text(b"\xff\xfe not utf-8", SCENE, Path("/"), None) == b"\xff\xfe not utf-8"
