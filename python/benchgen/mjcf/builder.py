"""MJCF of a scenario, built with ``mujoco.MjSpec`` and written with ``MjSpec.to_xml``.

Collision uses the exact convex pieces as primitive geoms (group 3, hidden by default);
the build123d meshes are visual only (group 1, no contacts, no mass). Zones are box sites
named as the seed's reference implementation names them (``zone_goal``,
``zone_forbid_<n>``, ``zone_build``), in group 0 so raw MuJoCo users see them; the
reference implementation: docs/architecture.md#the-seeds-reference-implementation.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import mujoco

from benchgen.errors import ModelError
from benchgen.spec.models import Piece, PlacedPart, ScenarioSpec, Zone
from benchgen.spec.pieces import quat_from_euler

__all__ = [
    "COLLISION_GROUP",
    "VISUAL_GROUP",
    "ZONE_COLOURS",
    "add_placed_parts",
    "build_mjspec",
    "compile_mjspec",
    "load_mjspec",
]

COLLISION_GROUP = 3
VISUAL_GROUP = 1
ZONE_COLOURS = {
    "goal": [0.1, 0.8, 0.2, 0.25],
    "forbid": [0.9, 0.1, 0.1, 0.25],
    "build": [0.2, 0.4, 0.9, 0.12],
}
_PRIMITIVE = {"box": mujoco.mjtGeom.mjGEOM_BOX, "sphere": mujoco.mjtGeom.mjGEOM_SPHERE}
_TORSION, _ROLLING = 0.005, 0.0001


def _size3(piece: Piece) -> list[float]:
    return list(piece.size) + [0.0] * (3 - len(piece.size))


def _add_piece(
    parent: mujoco.MjsBody, name: str, piece: Piece, *, friction: float, rgba: Sequence[float]
) -> mujoco.MjsGeom:
    return parent.add_geom(
        name=name,
        type=_PRIMITIVE[piece.shape],
        size=_size3(piece),
        pos=piece.pose.pos,
        quat=piece.pose.quat,
        friction=[friction, _TORSION, _ROLLING],
        rgba=list(rgba),
        group=COLLISION_GROUP,
    )


def _add_zone(spec: mujoco.MjSpec, name: str, zone: Zone, kind: str) -> None:
    spec.worldbody.add_site(
        name=name,
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=[s / 2 for s in zone.size],
        pos=zone.center,
        quat=quat_from_euler(0.0, 0.0, zone.yaw_deg),
        rgba=ZONE_COLOURS[kind],
        group=0,
    )


def _add_lighting(mj: mujoco.MjSpec) -> None:
    """Light the scene for renders: a bright headlight, a sun and a pale gradient sky."""
    mj.visual.headlight.ambient = [0.35, 0.35, 0.35]
    mj.visual.headlight.diffuse = [0.55, 0.55, 0.55]
    mj.visual.headlight.specular = [0.1, 0.1, 0.1]
    mj.add_texture(
        name="sky",
        type=mujoco.mjtTexture.mjTEXTURE_SKYBOX,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_GRADIENT,
        rgb1=[0.85, 0.88, 0.93],
        rgb2=[0.55, 0.6, 0.7],
        width=64,
        height=64,
    )
    mj.worldbody.add_light(name="sun", pos=[0, 0, 5], dir=[0.3, 0.2, -1], diffuse=[0.5, 0.5, 0.5])


def build_mjspec(spec: ScenarioSpec) -> mujoco.MjSpec:
    """Return the MjSpec of a scenario with no action applied (what model.xml holds).

    Args:
        spec: the scenario; mesh paths in it are relative to the scenario folder.

    Returns:
        An uncompiled ``mujoco.MjSpec``; set ``modelfiledir`` before compiling.
    """
    mj = mujoco.MjSpec()
    mj.modelname = spec.id
    mj.option.timestep = spec.timestep_s
    mj.option.gravity = [0.0, 0.0, -9.81]
    mj.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    # Elliptic friction cones are isotropic; MuJoCo's default pyramidal cone is not, so a
    # box sliding diagonally to its contact frame met less friction, and a layout turned
    # by 37° was a different problem from the same layout at 0° (and from Jolt, which is
    # isotropic). MuJoCo docs, "Computation > Friction cones".
    mj.option.cone = mujoco.mjtCone.mjCONE_ELLIPTIC
    mj.option.enableflags |= int(mujoco.mjtEnableBit.mjENBL_ENERGY)
    mj.compiler.degree = False
    _add_lighting(mj)
    for part in spec.static_parts:
        mj.add_mesh(name=f"{part.name}_visual", file=part.mesh)
        mj.worldbody.add_geom(
            name=f"{part.name}_visual",
            type=mujoco.mjtGeom.mjGEOM_MESH,
            meshname=f"{part.name}_visual",
            contype=0,
            conaffinity=0,
            density=0,
            group=VISUAL_GROUP,
            rgba=part.rgba,
        )
        for i, piece in enumerate(part.pieces):
            _add_piece(
                mj.worldbody, f"{part.name}_c{i}", piece, friction=part.friction, rgba=part.rgba
            )
    moved = spec.moved_object
    body = mj.worldbody.add_body(
        name=moved.body, pos=moved.start_pose.pos, quat=moved.start_pose.quat
    )
    body.add_freejoint(name=f"{moved.body}_free")
    geom = _add_piece(
        body,
        f"{moved.body}_c0",
        Piece(shape=moved.shape, size=moved.size, pose={"pos": [0, 0, 0]}),
        friction=moved.friction,
        rgba=moved.rgba,
    )
    geom.mass = moved.mass
    geom.group = VISUAL_GROUP
    _add_zone(mj, "zone_goal", spec.goal_zone, "goal")
    for i, zone in enumerate(spec.forbid_zones):
        _add_zone(mj, f"zone_forbid_{i}", zone, "forbid")
    _add_zone(mj, "zone_build", spec.build_zone, "build")
    return mj


def add_placed_parts(mj: mujoco.MjSpec, parts: Sequence[PlacedPart]) -> None:
    """Add a solution's placed parts to an MjSpec as fixed geoms named ``solution_<name>_c<i>``."""
    for part in parts:
        for i, piece in enumerate(part.pieces):
            geom = _add_piece(
                mj.worldbody,
                f"solution_{part.name}_c{i}",
                piece,
                friction=part.friction,
                rgba=[0.95, 0.75, 0.2, 1.0],
            )
            geom.group = VISUAL_GROUP


def load_mjspec(model_xml: Path) -> mujoco.MjSpec:
    """Parse a model.xml into an MjSpec.

    Raises:
        ModelError: MuJoCo cannot parse the file.
    """
    try:
        return mujoco.MjSpec.from_file(str(model_xml))
    except (ValueError, mujoco.FatalError) as exc:
        raise ModelError(f"MuJoCo cannot read {model_xml}: {exc}") from exc


@functools.cache
def _disable_asset_cache() -> None:
    """Turn off MuJoCo's process-wide asset cache (``mj_getCache``, 500 MB by default).

    Every scenario brings new mesh files that are read once; cached, they grew a worker's
    RSS by ~50 kB per scenario (10 % between build 100 and 1,000) until the cap.
    """
    mujoco.mj_setCacheCapacity(mujoco.mj_getCache(), 0)


def compile_mjspec(mj: mujoco.MjSpec, folder: Path) -> mujoco.MjModel:
    """Compile an MjSpec whose mesh files are relative to ``folder``.

    Raises:
        ModelError: MuJoCo rejects the model.
    """
    _disable_asset_cache()
    mj.modelfiledir = str(folder)
    try:
        return mj.compile()
    except (ValueError, mujoco.FatalError) as exc:
        raise ModelError(f"MuJoCo rejects the model of {folder.name}: {exc}") from exc
