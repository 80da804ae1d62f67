"""Visual meshes as text ``ArrayMesh`` resources Godot loads without its importer.

The surface layout is Godot 4.2+'s (format version 2, uncompressed), read from
``RenderingServer::mesh_surface_make_offsets_from_format`` and ``_surface_set_data``
(servers/rendering_server.cpp):

- ``vertex_data``: every position as float32 x, y, z (12 bytes each), then, for every
  vertex, the normal and the tangent, each two uint16 of an octahedral encoding
  (8 bytes each); Godot requires a tangent whenever there is a normal.
- ``index_data``: uint16 indices when the surface has at most 65,536 vertices, else uint32
  (Godot picks the width from the vertex count; no flag says so).
- front faces wind clockwise (ArrayMesh class reference), so OBJ's counter-clockwise
  triangles are reversed; normals point outward.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchgen.errors import BenchgenError
from benchgen.export import _tres
from benchgen.export._frame import point_to_godot

__all__ = [
    "FORMAT",
    "SurfaceArrays",
    "arraymesh_text",
    "decode_surface",
    "encode_surface",
    "read_obj",
    "surface_from_obj",
]

_VERSION_2 = 1 << 35
_VERTEX, _NORMAL, _TANGENT, _INDEX = 1, 2, 4, 1 << 12
#: Godot's surface format flags: positions, normals, tangents, indices, version 2.
FORMAT = _VERSION_2 | _VERTEX | _NORMAL | _TANGENT | _INDEX
_PRIMITIVE_TRIANGLES = 3
_SMOOTH_COS = float(np.cos(np.radians(35.0)))


@dataclass(frozen=True)
class SurfaceArrays:
    """Positions (N×3), unit normals (N×3) and triangle indices (M×3) of one surface."""

    positions: np.ndarray
    normals: np.ndarray
    triangles: np.ndarray


def read_obj(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return the vertices (N×3) and triangles (M×3, 0-based) of an OBJ file.

    Raises:
        BenchgenError: the file is missing or holds no triangle.
    """
    vertices: list[list[float]] = []
    triangles: list[list[int]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BenchgenError(f"cannot read the visual mesh {path}: {exc.strerror or exc}") from exc
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "v":
            vertices.append([float(c) for c in fields[1:4]])
        elif fields[0] == "f":
            ids = [int(f.split("/")[0]) for f in fields[1:]]
            ids = [i - 1 if i > 0 else len(vertices) + i for i in ids]
            triangles += [[ids[0], ids[k], ids[k + 1]] for k in range(1, len(ids) - 1)]
    if not triangles:
        raise BenchgenError(f"the visual mesh {path} has no faces; rebuild the scenario")
    return np.array(vertices, dtype=float), np.array(triangles, dtype=np.int64)


def _corner_normals(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Return one normal per triangle corner (M×3×3): smooth across soft edges, sharp at creases."""
    corners = vertices[triangles]
    area_normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(area_normals, axis=1, keepdims=True)
    unit = area_normals / np.where(lengths > 0, lengths, 1.0)
    result = np.repeat(unit[:, None, :], 3, axis=1)
    by_vertex: dict[int, list[int]] = {}
    for face, row in enumerate(triangles.tolist()):
        for vertex in row:
            by_vertex.setdefault(vertex, []).append(face)
    for vertex, faces in by_vertex.items():
        if len(faces) < 2:
            continue
        ids = np.array(faces)
        soft = (unit[ids] @ unit[ids].T) >= _SMOOTH_COS
        summed = soft.astype(float) @ area_normals[ids]
        summed /= np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-300)
        slots = np.argmax(triangles[ids] == vertex, axis=1)
        result[ids, slots] = summed
    return result


def surface_from_obj(path: Path) -> SurfaceArrays:
    """Read an OBJ in MuJoCo's frame and return its Godot-frame surface with normals."""
    vertices, triangles = read_obj(path)
    normals = _corner_normals(vertices, triangles).reshape(-1, 3)
    positions = vertices[triangles].reshape(-1, 3)
    # Share corners that agree on position and normal (quantised so the result is exact).
    keys = np.concatenate([np.round(positions, 7), np.round(normals, 4)], axis=1)
    unique, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    del unique
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    tri = rank[inverse.reshape(-1)].reshape(-1, 3)
    return SurfaceArrays(
        positions=point_to_godot(positions[first[order]]),
        normals=point_to_godot(normals[first[order]]),
        triangles=tri[:, [0, 2, 1]],
    )


def _octahedron(n: np.ndarray) -> np.ndarray:
    """Return Godot's ``Vector3.octahedron_encode`` of unit vectors (N×2 in [0, 1])."""
    n = n / np.abs(n).sum(axis=1, keepdims=True)
    x, y, z = n[:, 0], n[:, 1], n[:, 2]
    sign_x = np.where(x >= 0, 1.0, -1.0)
    sign_y = np.where(y >= 0, 1.0, -1.0)
    ox = np.where(z >= 0, x, (1.0 - np.abs(y)) * sign_x)
    oy = np.where(z >= 0, y, (1.0 - np.abs(x)) * sign_y)
    return np.stack([ox * 0.5 + 0.5, oy * 0.5 + 0.5], axis=1)


def _unorm16(values: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(values * 65535.0), 0, 65535).astype("<u2")


def _tangents(normals: np.ndarray) -> np.ndarray:
    """Return the encoded tangents Godot derives when a surface gives none."""
    swizzled = np.stack([normals[:, 2], -normals[:, 0], normals[:, 1]], axis=1)
    tangent = np.cross(swizzled, normals)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-300)
    encoded = _octahedron(tangent)
    encoded[:, 1] = np.maximum(encoded[:, 1], 1.0 / 32767.0) * 0.5 + 0.5  # sign +1
    packed = _unorm16(encoded)
    # Godot rewrites (0, 65535) to (65535, 65535): both decode alike.
    packed[(packed[:, 0] == 0) & (packed[:, 1] == 65535), 0] = 65535
    return packed


def encode_surface(surface: SurfaceArrays) -> tuple[bytes, bytes]:
    """Return ``(vertex_data, index_data)`` bytes of ``surface`` in Godot's layout."""
    count = len(surface.positions)
    positions = surface.positions.astype("<f4").tobytes()
    normal_tangent = np.concatenate(
        [_unorm16(_octahedron(surface.normals)), _tangents(surface.normals)], axis=1
    )
    index_type = "<u2" if count <= 1 << 16 else "<u4"
    indices = surface.triangles.reshape(-1).astype(index_type).tobytes()
    return positions + normal_tangent.astype("<u2").tobytes(), indices


def decode_surface(vertex_data: bytes, vertex_count: int) -> np.ndarray:
    """Return the positions (N×3) stored in ``vertex_data`` (the inverse of the encoder)."""
    expected = vertex_count * (12 + 8)
    if len(vertex_data) != expected:
        raise ValueError(
            f"vertex_data holds {len(vertex_data)} bytes; {vertex_count} vertices need {expected}"
        )
    return np.frombuffer(vertex_data[: vertex_count * 12], dtype="<f4").reshape(-1, 3).astype(float)


def arraymesh_text(surface: SurfaceArrays, *, name: str) -> str:
    """Return a ``.tres`` holding ``surface`` as an ArrayMesh."""
    vertex_data, index_data = encode_surface(surface)
    low = surface.positions.astype("<f4").min(axis=0)
    high = surface.positions.astype("<f4").max(axis=0)
    entries = [
        ("aabb", _tres.aabb(low, high - low)),
        ("format", str(FORMAT)),
        ("index_count", str(surface.triangles.size)),
        ("index_data", _tres.packed_bytes(index_data)),
        ("primitive", str(_PRIMITIVE_TRIANGLES)),
        ("name", _tres.string(name)),
        ("vertex_count", str(len(surface.positions))),
        ("vertex_data", _tres.packed_bytes(vertex_data)),
    ]
    surface_text = "{\n" + ",\n".join(f'"{k}": {v}' for k, v in entries) + "\n}"
    resource = _tres.TextResource("gd_resource", resource_type="ArrayMesh")
    resource.resource([("resource_name", _tres.string(name)), ("_surfaces", f"[{surface_text}]")])
    return resource.text()
