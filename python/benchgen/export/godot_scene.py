"""Export a scenario to a Godot 4 scene: ``godot/scene.tscn`` plus its text resources.

The scene's root runs ``BenchgenScenarioManager``; under it are the static parts (a
visual ArrayMesh and one ConvexPolygonShape3D per convex piece, the very pieces MuJoCo
collides with), the moved object, the goal / forbid / build zones, a camera and a light.
The reference solution, for the oracle agent, is a sub-resource of the scene. Everything
is text that Godot loads without its importer, and the same spec always gives the same
bytes. The meshes are referenced relative to the scene (Godot resolves a relative
``ext_resource`` path against the file being loaded), so a scenario folder works
wherever it sits inside a Godot project; runtime scripts are referenced at
``res://addons/benchgen/runtime/``.

What the Godot editor does to these files was checked on Godot 4.6.3: opening and saving
a scene keeps every value (vector components are written as the float32 text the editor
writes, see :mod:`benchgen.export._tres`) but drops properties equal to their defaults,
so none is written here; it rewrites paths, ids and property order, which the folder's
hash of Godot text files does not see (:mod:`benchgen.spec.godot_text`). The solution is
inside the scene because the editor re-saves an external ``.tres`` holding shape
sub-resources whenever it saves any scene, which rewrote other scenarios' files.
``meshes/`` and ``renders/`` get a ``.gdignore`` (:func:`mark_godot_ignored`): the editor
would import every ``.obj`` and ``.png`` there and write ``.import`` files beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchgen.export import _tres
from benchgen.export._frame import box_to_godot, point_to_godot, pose_to_godot, zone_to_godot
from benchgen.export._mesh import arraymesh_text, surface_from_obj
from benchgen.spec.actions import placed_parts
from benchgen.spec.models import MovedObject, Piece, Pose, ScenarioSpec, Solution, Zone

__all__ = [
    "GODOT_IGNORED",
    "MOVED_GROUP",
    "RUNTIME_DIR",
    "SCENE_FILE",
    "export_scenario",
    "jolt_friction",
    "mark_godot_ignored",
    "solution_for_godot",
]

#: Where the addon's runtime scripts live in every project that enables it.
RUNTIME_DIR = "res://addons/benchgen/runtime"
#: Group of the moved object; the runtime's zones and manager default to it.
MOVED_GROUP = "benchgen_moved"
#: The scene, relative to the scenario folder.
SCENE_FILE = "godot/scene.tscn"
#: Folders of a scenario the Godot editor must not import (each gets a ``.gdignore``).
GODOT_IGNORED = ("meshes", "renders")
_GDIGNORE = ".gdignore"
# Godot's engine differs from MuJoCo's in small ways (60 Hz ticks, contact model); a
# second of slack keeps a just-in-time MuJoCo success from timing out in Godot.
_TIMEOUT_SLACK_S = 1.0
# Jolt rounds a convex hull's edges by the shape margin (default 0.04 m, its "convex
# radius"); MuJoCo's boxes are sharp, so keep the rounding negligible.
_CONVEX_MARGIN = 0.001
_ZONE_COLORS = {
    "goal": (0.2, 0.9, 0.3, 0.3),
    "forbid": (0.95, 0.2, 0.2, 0.3),
    "build": (0.2, 0.4, 0.95, 0.2),
}
_IDENTITY = "Transform3D(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0)"
_ZERO3 = "Vector3(0, 0, 0)"
#: The defaults (Godot 4.4-4.6 class reference, and the runtime scripts) of every property
#: the exporter writes: a default is never written, because the editor drops it on save.
_DEFAULTS: _tres.Defaults = {
    "Node3D": {"transform": _IDENTITY},
    "StaticBody3D": {"transform": _IDENTITY},
    "MeshInstance3D": {"transform": _IDENTITY},
    "CollisionShape3D": {"transform": _IDENTITY},
    "Area3D": {"transform": _IDENTITY},
    "RigidBody3D": {
        "transform": _IDENTITY,
        "mass": "1.0",
        "continuous_cd": "false",
        "can_sleep": "true",
        "linear_damp_mode": "0",
        "angular_damp_mode": "0",
    },
    "Camera3D": {"transform": _IDENTITY, "current": "false", "near": "0.05", "far": "4000.0"},
    "DirectionalLight3D": {"transform": _IDENTITY, "shadow_enabled": "false"},
    "PhysicsMaterial": {"friction": "1.0", "bounce": "0.0"},
    "StandardMaterial3D": {
        "albedo_color": "Color(1, 1, 1, 1)",
        "roughness": "1.0",
        "transparency": "0",
        "cull_mode": "0",
        "shading_mode": "1",
    },
    "ConvexPolygonShape3D": {"margin": "0.04"},
    "SphereShape3D": {"radius": "0.5"},
    "BoxShape3D": {"size": "Vector3(1, 1, 1)"},
    "SphereMesh": {"radius": "0.5", "height": "1.0", "radial_segments": "64", "rings": "32"},
    "BoxMesh": {"size": "Vector3(1, 1, 1)"},
    "Environment": {
        "background_mode": "0",
        "background_color": "Color(0, 0, 0, 1)",
        "ambient_light_source": "0",
        "ambient_light_color": "Color(0, 0, 0, 1)",
        "ambient_light_energy": "1.0",
    },
    "scenario_manager.gd": {
        "task": '""',
        "max_iterations": "10",
        "timeout_s": "30.0",
        "moved_group": f'&"{MOVED_GROUP}"',
        "workspace": "AABB(0, 0, 0, 0, 0, 0)",
    },
    "reference_solution.gd": {
        "push_velocity": _ZERO3,
        "piece_shapes": "Array[Shape3D]([])",
        "piece_transforms": "Array[Transform3D]([])",
        "piece_friction": "0.8",
        "description": '""',
    },
    "goal_zone.gd": {"size": _ZERO3, "dwell_s": "0.0"},
    "forbid_zone.gd": {"size": _ZERO3},
    "build_zone.gd": {"size": _ZERO3},
}
_DAMP_MODE_REPLACE = "1"
_CULL_DISABLED = "2"
_TRANSPARENCY_ALPHA = "1"
_SHADING_UNSHADED = "0"


def jolt_friction(part_friction: float, moved_friction: float) -> float:
    """Return the friction to give a fixed part so Jolt's contact friction equals MuJoCo's.

    MuJoCo combines two geoms' friction with the maximum; Jolt (Godot's 3D engine here)
    with the geometric mean ``sqrt(f1 * f2)`` (``PhysicsSystem::SetCombineFriction``).
    Only the moved object touches fixed parts, so a fixed part gets ``max² / f_moved``.
    """
    return max(part_friction, moved_friction) ** 2 / moved_friction


def _box_points(piece: Piece) -> np.ndarray:
    """Return a box piece's eight corners in its own frame, Godot axes."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    return point_to_godot(signs * np.asarray(piece.size))


def _shape(res: _tres.TextResource, piece: Piece, name: str) -> _tres.Ref:
    """Add the collision shape of one piece (in its own frame)."""
    if piece.shape == "sphere":
        return res.sub("SphereShape3D", name, [("radius", _tres.flt(piece.size[0]))])
    return res.sub(
        "ConvexPolygonShape3D",
        name,
        [
            ("margin", _tres.flt(_CONVEX_MARGIN)),
            ("points", _tres.packed_vector3(_box_points(piece))),
        ],
    )


def _piece_xform(piece: Piece) -> str:
    basis, origin = pose_to_godot(piece.pose)
    return _tres.transform3d(basis, origin)


def _material(res: _tres.TextResource, name: str, rgba: Sequence[float]) -> _tres.Ref:
    props = [("albedo_color", _tres.color(rgba)), ("roughness", "0.8")]
    if rgba[3] < 1.0:
        props.append(("transparency", _TRANSPARENCY_ALPHA))
    # Double-sided, so a mesh whose winding Godot reads the other way still shows.
    props.append(("cull_mode", _CULL_DISABLED))
    return res.sub("StandardMaterial3D", name, props)


def _root(res: _tres.TextResource, spec: ScenarioSpec, solution: _tres.Ref) -> None:
    script = res.ext("Script", f"{RUNTIME_DIR}/scenario_manager.gd")
    position, size = box_to_godot(spec.workspace)
    res.node(
        "Scenario",
        "Node3D",
        None,
        [
            ("script", str(script)),
            ("task", _tres.string(spec.task)),
            ("reference_solution", str(solution)),
            ("timeout_s", _tres.flt(spec.horizon_s + _TIMEOUT_SLACK_S)),
            ("moved_group", f'&"{MOVED_GROUP}"'),
            ("workspace", _tres.aabb(position, size)),
            ("metadata/benchgen_id", _tres.string(spec.id)),
            ("metadata/benchgen_family", _tres.string(spec.family)),
            ("metadata/benchgen_seed", str(spec.seed)),
        ],
    )


def _static_parts(
    res: _tres.TextResource, spec: ScenarioSpec, folder: Path, out: Path
) -> list[Path]:
    written = []
    for part in spec.static_parts:
        mesh_path = out / f"mesh_{part.name}.tres"
        mesh_path.write_text(
            arraymesh_text(surface_from_obj(folder / part.mesh), name=part.name), encoding="utf-8"
        )
        written.append(mesh_path)
        friction = jolt_friction(part.friction, spec.moved_object.friction)
        material = res.sub("PhysicsMaterial", part.name, [("friction", _tres.flt(friction))])
        body = res.node(
            part.name, "StaticBody3D", ".", [("physics_material_override", str(material))]
        )
        res.node(
            "Mesh",
            "MeshInstance3D",
            body,
            [
                ("mesh", str(res.ext("ArrayMesh", mesh_path.name))),
                ("surface_material_override/0", str(_material(res, part.name, part.rgba))),
            ],
        )
        for index, piece in enumerate(part.pieces):
            shape = _shape(res, piece, f"{part.name}_{index}")
            res.node(
                f"Piece{index}",
                "CollisionShape3D",
                body,
                [("transform", _piece_xform(piece)), ("shape", str(shape))],
            )
    return written


def _moved_object(res: _tres.TextResource, moved: MovedObject) -> None:
    props = [("friction", _tres.flt(moved.friction)), ("bounce", _tres.flt(moved.restitution))]
    material = res.sub("PhysicsMaterial", "moved", props)
    basis, origin = pose_to_godot(moved.start_pose)
    body = res.node(
        moved.body,
        "RigidBody3D",
        ".",
        [
            ("transform", _tres.transform3d(basis, origin)),
            ("mass", _tres.flt(moved.mass)),
            ("physics_material_override", str(material)),
            # A thin ramp must not let a fast object tunnel through.
            ("continuous_cd", "true"),
            # Without sleep, Jolt lets a ball at rest on a box creep away after a few seconds
            # (seen in null-agent runs); asleep it stays put, as in MuJoCo. Agents act on
            # the second physics tick, long before a body can fall asleep. (The default,
            # so it is not written.)
            ("can_sleep", "true"),
            ("linear_damp_mode", _DAMP_MODE_REPLACE),
            ("angular_damp_mode", _DAMP_MODE_REPLACE),
        ],
        groups=[MOVED_GROUP],
    )
    local = Piece(shape=moved.shape, size=moved.size, pose=Pose(pos=[0.0, 0.0, 0.0]))
    res.node("Shape", "CollisionShape3D", body, [("shape", str(_shape(res, local, "moved")))])
    if moved.shape == "sphere":
        r = moved.size[0]
        mesh = res.sub(
            "SphereMesh",
            "moved",
            [
                ("radius", _tres.flt(r)),
                ("height", _tres.flt(2 * r)),
                ("radial_segments", "48"),
                ("rings", "24"),
            ],
        )
    else:
        size = np.abs(point_to_godot(2 * np.asarray(moved.size)))
        mesh = res.sub("BoxMesh", "moved", [("size", _tres.vector3(size))])
    res.node(
        "Mesh",
        "MeshInstance3D",
        body,
        [
            ("mesh", str(mesh)),
            ("surface_material_override/0", str(_material(res, "moved", moved.rgba))),
        ],
    )


def _zone(
    res: _tres.TextResource,
    kind: str,
    name: str,
    box: Zone,
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    basis, center, size = zone_to_godot(box)
    script = res.ext("Script", f"{RUNTIME_DIR}/{kind}_zone.gd")
    zone = res.node(
        name,
        "Area3D",
        ".",
        [
            ("transform", _tres.transform3d(basis, center)),
            ("script", str(script)),
            ("size", _tres.vector3(size)),
            *extra,
        ],
    )
    shape = res.sub("BoxShape3D", name, [("size", _tres.vector3(size))])
    res.node("Shape", "CollisionShape3D", zone, [("shape", str(shape))])
    material = res.sub(
        "StandardMaterial3D",
        f"zone_{name}",
        [
            ("transparency", _TRANSPARENCY_ALPHA),
            ("shading_mode", _SHADING_UNSHADED),
            ("albedo_color", _tres.color(_ZONE_COLORS[kind])),
        ],
    )
    mesh = res.sub("BoxMesh", name, [("size", _tres.vector3(size)), ("material", str(material))])
    res.node("Mesh", "MeshInstance3D", zone, [("mesh", str(mesh))])


def _look_at(eye: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Return the basis of a camera or light at ``eye`` looking at ``target`` (looks along -Z)."""
    back = (eye - target) / np.linalg.norm(eye - target)
    right = np.cross([0.0, 1.0, 0.0], back)
    right /= np.linalg.norm(right)
    return np.column_stack([right, np.cross(back, right), back])


def _view(res: _tres.TextResource, spec: ScenarioSpec) -> None:
    position, size = box_to_godot(spec.workspace)
    center = position + size / 2
    reach = float(np.linalg.norm(size))
    eye = center + 0.75 * reach * np.array([0.35, 0.55, 0.85]) / np.linalg.norm([0.35, 0.55, 0.85])
    res.node(
        "Camera",
        "Camera3D",
        ".",
        [
            ("transform", _tres.transform3d(_look_at(eye, center), eye)),
            ("current", "true"),
            ("near", _tres.flt(0.01)),
            ("far", _tres.flt(max(100.0, 10 * reach))),
        ],
    )
    sun = center + np.array([-0.4, 1.0, 0.6])
    res.node(
        "Sun",
        "DirectionalLight3D",
        ".",
        [
            ("transform", _tres.transform3d(_look_at(sun, center), sun)),
            ("shadow_enabled", "true"),
        ],
    )
    environment = res.sub(
        "Environment",
        "view",
        [
            ("background_mode", "1"),
            ("background_color", _tres.color((0.82, 0.85, 0.9, 1.0))),
            ("ambient_light_source", "2"),
            ("ambient_light_color", _tres.color((1.0, 1.0, 1.0, 1.0))),
            ("ambient_light_energy", _tres.flt(0.45)),
        ],
    )
    res.node("Environment", "WorldEnvironment", ".", [("environment", str(environment))])


def _solution(res: _tres.TextResource, spec: ScenarioSpec) -> _tres.Ref:
    """Add the reference solution (a BenchgenReferenceSolution sub-resource) to the scene."""
    solution, moved_friction = spec.reference_solution, spec.moved_object.friction
    script = res.ext("Script", f"{RUNTIME_DIR}/reference_solution.gd")
    shapes, xforms = [], []
    parts = placed_parts(solution, spec.action_space)
    for part in parts:
        for index, piece in enumerate(part.pieces):
            shapes.append(str(_shape(res, piece, f"solution_{part.name}_{index}")))
            xforms.append(_piece_xform(piece))
    push = solution.push.velocity if solution.push else [0.0, 0.0, 0.0]
    props = [
        ("script", str(script)),
        ("push_velocity", _tres.vector3(point_to_godot(push))),
        ("piece_shapes", _tres.typed_array("Shape3D", shapes)),
        ("piece_transforms", _tres.typed_array("Transform3D", xforms)),
        ("description", _tres.string(solution.description)),
    ]
    if parts:
        # The runtime builds all placed pieces into one body with one friction.
        part_friction = max(p.friction for p in parts)
        props.append(("piece_friction", _tres.flt(jolt_friction(part_friction, moved_friction))))
    return res.sub("Resource", "solution", props)


def _remove_stale(out: Path, keep: list[Path]) -> None:
    """Delete files an earlier export left in ``godot/`` that this one did not write."""
    for path in sorted(out.iterdir()):
        if path.is_file() and path not in keep:
            path.unlink()


def mark_godot_ignored(folder: Path) -> list[Path]:
    """Write an empty ``.gdignore`` into each of :data:`GODOT_IGNORED` ``folder`` holds.

    Returns:
        The files written (none for a folder without ``meshes/`` or ``renders/``).
    """
    written = []
    for name in GODOT_IGNORED:
        if (folder / name).is_dir():
            marker = folder / name / _GDIGNORE
            marker.write_bytes(b"")
            written.append(marker)
    return written


def export_scenario(spec: ScenarioSpec, folder: Path) -> list[Path]:
    """Write the Godot scene of ``spec`` and its meshes into ``folder/godot/``.

    Also marks ``meshes/`` (and ``renders/``, when there) for the Godot editor to skip.

    Args:
        spec: the scenario; its mesh paths are relative to ``folder``.
        folder: the scenario folder (holding ``meshes/``).

    Returns:
        The files written, scene first.

    Raises:
        BenchgenError: a visual mesh is missing or empty.
    """
    out = folder / "godot"
    out.mkdir(parents=True, exist_ok=True)
    res = _tres.TextResource("gd_scene", defaults=_DEFAULTS)
    _root(res, spec, _solution(res, spec))
    meshes = _static_parts(res, spec, folder, out)
    _moved_object(res, spec.moved_object)
    _zone(res, "goal", "GoalZone", spec.goal_zone, [("dwell_s", _tres.flt(spec.success.seconds))])
    for index, box in enumerate(spec.forbid_zones):
        _zone(res, "forbid", f"ForbidZone{index}", box)
    _zone(res, "build", "BuildZone", spec.build_zone)
    _view(res, spec)
    scene_path = folder / SCENE_FILE
    scene_path.write_text(res.text(), encoding="utf-8")
    written = [scene_path, *meshes]
    _remove_stale(out, written)
    return [*written, *mark_godot_ignored(folder)]


def solution_for_godot(spec: ScenarioSpec, solution: Solution) -> dict[str, object]:
    """Return ``solution`` in Godot's frame, as the runtime applies a reference solution.

    The Godot agents that act through the backend (``POST /api/solve``) get this: the push
    velocity, and each placed part as the eight corners of its convex box (its own frame)
    with its global transform (``basis`` row-major, then ``origin``), built into one static
    body with one friction, exactly as the exported reference solution is.
    """
    parts = placed_parts(solution, spec.action_space)
    pieces = []
    for part in parts:
        for piece in part.pieces:
            basis, origin = pose_to_godot(piece.pose)
            pieces.append(
                {
                    "points": np.round(_box_points(piece), 9).tolist(),
                    "basis": np.round(basis, 9).reshape(-1).tolist(),
                    "origin": np.round(origin, 9).tolist(),
                }
            )
    push = solution.push.velocity if solution.push else [0.0, 0.0, 0.0]
    friction = (
        jolt_friction(max(p.friction for p in parts), spec.moved_object.friction) if parts else 0.8
    )
    return {
        "push_velocity": np.round(point_to_godot(push), 9).tolist(),
        "pieces": pieces,
        "piece_friction": round(friction, 9),
    }
