"""The Godot exporter: deterministic text resources, right frames, the same convex pieces."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from benchgen.export import export_scenario
from benchgen.export._frame import box_to_godot, point_to_godot, pose_to_godot, zone_to_godot
from benchgen.export._mesh import FORMAT, decode_surface, read_obj
from benchgen.export.godot_scene import RUNTIME_DIR, jolt_friction
from benchgen.spec.actions import placed_parts
from benchgen.spec.io import load_spec
from benchgen.spec.models import (
    ActionSpace,
    Box,
    PartKind,
    PartSpace,
    Placement,
    PushAction,
    PushSpace,
    ReferenceSolution,
    ScenarioSpec,
)
from benchgen.spec.pieces import box_piece, piece_corners, quat_from_euler

REPO = Path(__file__).resolve().parents[3]
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d*)?(?:e-?\d+)?")


@pytest.fixture
def scenario(ramp_dataset: Path, tmp_path: Path) -> Path:
    """A private copy of a promoted scenario of the shared dataset, exported."""
    source = next(p.parent for p in sorted(ramp_dataset.glob("*/*/scenario.json")))
    folder = tmp_path / source.parent.name / source.name
    shutil.copytree(source, folder)
    export_scenario(load_spec(folder), folder)
    return folder


def _numbers(text: str) -> np.ndarray:
    return np.array([float(x) for x in _NUMBER.findall(text)])


def _sections(text: str) -> list[tuple[str, dict[str, str]]]:
    """Split a .tscn/.tres into (header, {key: value}) for single-line properties."""
    sections: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line.startswith("["):
            sections.append((line, {}))
        elif " = " in line and sections:
            key, value = line.split(" = ", 1)
            sections[-1][1][key] = value
    return sections


def _sub_resources(text: str) -> dict[str, dict[str, str]]:
    subs = {}
    for head, props in _sections(text):
        match = re.match(r'\[sub_resource type="(\w+)" id="([^"]+)"\]', head)
        if match:
            subs[match.group(2)] = {"type": match.group(1), **props}
    return subs


def _nodes(text: str) -> dict[str, dict[str, str]]:
    nodes = {}
    for head, props in _sections(text):
        match = re.match(r'\[node name="([^"]+)" type="(\w+)"(?: parent="([^"]*)")?', head)
        if match:
            name, parent = match.group(1), match.group(3)
            path = name if parent in (None, ".") else f"{parent}/{name}"
            nodes["." if parent is None else path] = {"type": match.group(2), "head": head, **props}
    return nodes


def _transform(value: str) -> tuple[np.ndarray, np.ndarray]:
    values = _numbers(value)
    assert len(values) == 12, value
    return values[:9].reshape(3, 3), values[9:]


def _sub_id(value: str) -> str:
    match = re.fullmatch(r'SubResource\("([^"]+)"\)', value)
    assert match, value
    return match.group(1)


def _rotated_spec(spec: ScenarioSpec) -> ScenarioSpec:
    """``spec`` with a place-and-push reference solution of two rotated box parts."""
    space = ActionSpace(
        push=PushSpace(max_speed=3.0, directions="any"),
        parts=PartSpace(
            catalog=[
                PartKind(kind="plank", size=[0.3, 0.1, 0.02], friction=0.9),
                PartKind(kind="post", size=[0.05, 0.05, 0.2], friction=0.9),
            ],
            orientation="free",
        ),
    )
    solution = ReferenceSolution(
        push=PushAction(velocity=[0.3, -0.2, 0.1]),
        parts=[
            Placement(kind="plank", position=[-0.25, 0.0, 0.5], rotation_deg=[10, -25, 40]),
            Placement(kind="post", position=[-0.1, 0.05, 0.5], rotation_deg=[0, 0, 15]),
        ],
        description="place a plank, then push",
    )
    return spec.model_copy(update={"reference_solution": solution, "action_space": space})


@pytest.mark.parametrize(
    "quat",
    [
        pytest.param(quat_from_euler(0, 0, 0), id="identity"),
        pytest.param(quat_from_euler(0, -30, 0), id="pitch"),
        pytest.param(quat_from_euler(20, 35, -70), id="general"),
    ],
)
def test_rotated_box_corners_map_to_godot(quat: list[float]) -> None:
    piece = box_piece([0.4, 0.2, 0.1], [0.3, -0.2, 0.5])
    piece = piece.model_copy(update={"pose": piece.pose.model_copy(update={"quat": quat})})
    basis, origin = pose_to_godot(piece.pose)
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    local_godot = point_to_godot(signs * np.asarray(piece.size))
    godot_corners = local_godot @ basis.T + origin
    np.testing.assert_allclose(godot_corners, point_to_godot(piece_corners(piece)), atol=1e-12)
    assert np.isclose(np.linalg.det(basis), 1.0)


def test_axes_map_z_up_to_y_up() -> None:
    np.testing.assert_array_equal(point_to_godot([0, 0, 1]), [0, 1, 0])
    np.testing.assert_array_equal(point_to_godot([0, 1, 0]), [0, 0, -1])
    np.testing.assert_array_equal(point_to_godot([1, 0, 0]), [1, 0, 0])
    position, size = box_to_godot(Box(min=[0, 1, 2], max=[1, 3, 6]))
    np.testing.assert_array_equal(position, [0, 2, -3])
    np.testing.assert_array_equal(size, [1, 4, 2])


def test_export_is_deterministic(scenario: Path) -> None:
    first = {p.name: p.read_bytes() for p in (scenario / "godot").iterdir()}
    written = export_scenario(load_spec(scenario), scenario)
    second = {p.name: p.read_bytes() for p in (scenario / "godot").iterdir()}
    assert first == second
    godot_files = [p for p in written if p.parent.name == "godot"]
    assert sorted(p.name for p in godot_files) == sorted(second)
    assert written[0] == scenario / "godot" / "scene.tscn"
    # meshes/ (and renders/ when there) are marked for the Godot editor to skip.
    assert {p.relative_to(scenario).as_posix() for p in written if p not in godot_files} == {
        f"{d}/.gdignore" for d in ("meshes", "renders") if (scenario / d).is_dir()
    }
    assert (scenario / "meshes" / ".gdignore").read_bytes() == b""


def test_every_ext_resource_path_exists(scenario: Path) -> None:
    files = sorted((scenario / "godot").glob("*.t*"))
    assert {p.suffix for p in files} == {".tscn", ".tres"}
    checked = 0
    for path in files:
        for ref in re.findall(r'\[ext_resource [^\]]*path="([^"]+)"', path.read_text("utf-8")):
            target = (
                REPO / ref.removeprefix("res://") if ref.startswith("res://") else path.parent / ref
            )
            assert target.is_file(), f"{path.name} references {ref}, which does not exist"
            checked += 1
    assert checked >= 6


def test_scene_root_carries_the_task_and_bounds(scenario: Path) -> None:
    spec = load_spec(scenario)
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    assert text.startswith("[gd_scene load_steps=")
    assert " format=3]" in text.splitlines()[0]
    root = _nodes(text)["."]
    assert root["type"] == "Node3D"
    assert f'path="{RUNTIME_DIR}/scenario_manager.gd"' in text
    assert root["task"] == f'"{spec.task}"'
    assert float(root["timeout_s"]) >= spec.horizon_s
    position, size = box_to_godot(spec.workspace)
    np.testing.assert_allclose(_numbers(root["workspace"]), [*position, *size], atol=1e-7)


def test_arraymesh_decodes_to_the_obj_vertices(scenario: Path) -> None:
    spec = load_spec(scenario)
    for part in spec.static_parts:
        text = (scenario / "godot" / f"mesh_{part.name}.tres").read_text("utf-8")
        assert text.startswith('[gd_resource type="ArrayMesh"')
        count = int(re.search(r'"vertex_count": (\d+)', text).group(1))  # type: ignore[union-attr]
        assert int(re.search(r'"format": (\d+)', text).group(1)) == FORMAT  # type: ignore[union-attr]
        data = bytes(
            int(b)
            for b in _numbers(
                re.search(r'"vertex_data": PackedByteArray\(([^)]*)\)', text).group(1)
            )
        )  # type: ignore[union-attr]
        indices = np.array(
            [
                int(b)
                for b in _numbers(
                    re.search(r'"index_data": PackedByteArray\(([^)]*)\)', text).group(1)
                )
            ],  # type: ignore[union-attr]
            dtype=np.uint8,
        ).view("<u2")
        positions = decode_surface(data, count)
        vertices, triangles = read_obj(scenario / part.mesh)
        expected = point_to_godot(vertices)
        assert len(indices) == triangles.size
        assert indices.max() < count
        # Every OBJ vertex is in the mesh and every mesh vertex is an OBJ vertex.
        distance = np.linalg.norm(positions[:, None, :] - expected[None, :, :], axis=2)
        assert distance.min(axis=1).max() < 1e-6
        assert distance.min(axis=0).max() < 1e-6
        # OBJ winds outward counter-clockwise; Godot's front faces wind clockwise.
        tri = positions[indices.reshape(-1, 3)]
        volume = np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6
        assert volume < 0


def _octahedron_decode(packed: np.ndarray) -> np.ndarray:
    f = packed / 65535.0 * 2.0 - 1.0
    n = np.stack([f[:, 0], f[:, 1], 1.0 - np.abs(f[:, 0]) - np.abs(f[:, 1])], axis=1)
    t = np.clip(-n[:, 2], 0.0, 1.0)
    n[:, 0] += np.where(n[:, 0] >= 0, -t, t)
    n[:, 1] += np.where(n[:, 1] >= 0, -t, t)
    return n / np.linalg.norm(n, axis=1, keepdims=True)


def test_normals_decode_to_outward_unit_vectors() -> None:
    from benchgen.export._mesh import SurfaceArrays, encode_surface

    normals = point_to_godot(np.eye(3).tolist() + (-np.eye(3)).tolist())
    surface = SurfaceArrays(
        positions=normals * 0.5, normals=normals, triangles=np.array([[0, 1, 2], [3, 4, 5]])
    )
    vertex_data, index_data = encode_surface(surface)
    block = np.frombuffer(vertex_data[6 * 12 :], dtype="<u2").reshape(6, 4)
    np.testing.assert_allclose(_octahedron_decode(block[:, :2].astype(float)), normals, atol=1e-4)
    assert len(index_data) == 6 * 2


def test_convex_pieces_match_the_mujoco_boxes(scenario: Path) -> None:
    spec = load_spec(scenario)
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    nodes, subs = _nodes(text), _sub_resources(text)
    for part in spec.static_parts:
        assert nodes[part.name]["type"] == "StaticBody3D"
        for index, piece in enumerate(part.pieces):
            node = nodes[f"{part.name}/Piece{index}"]
            shape = subs[_sub_id(node["shape"])]
            assert shape["type"] == "ConvexPolygonShape3D"
            basis, origin = _transform(node["transform"])
            points = _numbers(shape["points"]).reshape(-1, 3) @ basis.T + origin
            np.testing.assert_allclose(points, point_to_godot(piece_corners(piece)), atol=2e-6)


def test_moved_object_is_a_continuous_rigid_body(scenario: Path) -> None:
    moved = load_spec(scenario).moved_object
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    nodes, subs = _nodes(text), _sub_resources(text)
    body = nodes[moved.body]
    assert body["type"] == "RigidBody3D"
    assert 'groups=["benchgen_moved"]' in body["head"]
    assert float(body["mass"]) == pytest.approx(moved.mass)
    assert body["continuous_cd"] == "true"
    assert body["linear_damp_mode"] == body["angular_damp_mode"] == "1"
    _, origin = _transform(body["transform"])
    np.testing.assert_allclose(origin, point_to_godot(moved.start_pose.pos), atol=1e-7)
    material = subs[_sub_id(body["physics_material_override"])]
    assert float(material["friction"]) == pytest.approx(moved.friction)
    shape = subs[_sub_id(nodes[f"{moved.body}/Shape"]["shape"])]
    if moved.shape == "sphere":
        assert shape["type"] == "SphereShape3D"
        assert float(shape["radius"]) == pytest.approx(moved.size[0])
    else:  # a box: its eight corners, centred on the body
        assert shape["type"] == "ConvexPolygonShape3D"
        points = np.abs(_numbers(shape["points"]).reshape(-1, 3))
        np.testing.assert_allclose(
            points, np.tile(np.abs(point_to_godot(moved.size)), (8, 1)), atol=1e-7
        )


def test_zones_are_boxes_with_runtime_scripts(scenario: Path) -> None:
    spec = load_spec(scenario)
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    nodes = _nodes(text)
    zones = [
        ("GoalZone", spec.goal_zone, "goal_zone.gd"),
        ("BuildZone", spec.build_zone, "build_zone.gd"),
    ]
    zones += [(f"ForbidZone{i}", box, "forbid_zone.gd") for i, box in enumerate(spec.forbid_zones)]
    for name, box, script in zones:
        node = nodes[name]
        assert node["type"] == "Area3D"
        script_id = re.search(rf'path="{RUNTIME_DIR}/{script}" id="([^"]+)"', text).group(1)  # type: ignore[union-attr]
        assert node["script"] == f'ExtResource("{script_id}")'
        basis, center, size = zone_to_godot(box)
        np.testing.assert_allclose(_numbers(node["size"]), size, atol=1e-7)
        np.testing.assert_allclose(_transform(node["transform"])[0], basis, atol=1e-6)
        np.testing.assert_allclose(_transform(node["transform"])[1], center, atol=1e-7)
    for name in ("Camera", "Sun", "Environment"):
        assert name in nodes


def _solution(scene: str) -> dict[str, str]:
    """Return the reference solution sub-resource of a scene (the root's solution)."""
    root = _nodes(scene)["."]
    (solution_id,) = re.findall(r'SubResource\("([^"]+)"\)', root["reference_solution"])
    solution = _sub_resources(scene)[solution_id]
    assert solution["type"] == "Resource"
    return solution


def test_push_solution_is_converted(scenario: Path) -> None:
    spec = load_spec(scenario)
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    assert not (scenario / "godot" / "reference_solution.tres").exists()
    props = _solution(text)
    assert spec.reference_solution.push is not None
    np.testing.assert_allclose(
        _numbers(props["push_velocity"]),
        point_to_godot(spec.reference_solution.push.velocity),
    )
    assert "piece_shapes" not in props  # an empty array is the default: not written


def test_placed_parts_become_convex_pieces(scenario: Path) -> None:
    spec = _rotated_spec(load_spec(scenario))
    export_scenario(spec, scenario)
    text = (scenario / "godot" / "scene.tscn").read_text("utf-8")
    subs = _sub_resources(text)
    props = _solution(text)
    shape_ids = re.findall(r'SubResource\("([^"]+)"\)', props["piece_shapes"])
    xforms = re.findall(r"Transform3D\([^)]*\)", props["piece_transforms"])
    pieces = [p.pieces[0] for p in placed_parts(spec.reference_solution, spec.action_space)]
    assert len(shape_ids) == len(xforms) == len(pieces)
    for shape_id, xform, piece in zip(shape_ids, xforms, pieces, strict=True):
        basis, origin = _transform(xform)
        points = _numbers(subs[shape_id]["points"]).reshape(-1, 3) @ basis.T + origin
        np.testing.assert_allclose(points, point_to_godot(piece_corners(piece)), atol=2e-6)
    assert float(props["piece_friction"]) == pytest.approx(
        jolt_friction(0.9, spec.moved_object.friction), abs=1e-6
    )
    np.testing.assert_allclose(_numbers(props["push_velocity"]), [0.3, 0.1, 0.2])


@pytest.mark.parametrize(
    ("part", "moved", "combined"),
    [pytest.param(0.5, 0.8, 0.8, id="moved-higher"), pytest.param(1.2, 0.6, 1.2, id="part-higher")],
)
def test_jolt_friction_reproduces_mujoco_max(part: float, moved: float, combined: float) -> None:
    assert np.sqrt(jolt_friction(part, moved) * moved) == pytest.approx(combined)


def test_cli_exports_and_rehashes(ramp_dataset: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from benchgen.cli.app import _register, app
    from benchgen.spec.folder import file_hashes
    from benchgen.verify import verify_folder

    data = tmp_path / "data"
    shutil.copytree(ramp_dataset, data, ignore=shutil.ignore_patterns("*.db", "*.sqlite*"))
    _register()
    result = CliRunner().invoke(app, ["export-godot", str(data)])
    assert result.exit_code == 0, result.output
    folders = sorted(p.parent for p in data.glob("*/*/scenario.json"))
    assert len(folders) == 3
    for folder in folders:
        spec = load_spec(folder)
        assert "godot/scene.tscn" in spec.files
        assert "meshes/.gdignore" in spec.files
        assert spec.files == file_hashes(folder)
        report = verify_folder(folder)
        assert all(c.passed for c in report.checks if c.name == "hashes"), report.checks
