"""Refuse requests that did not come from the dock or a page this server served.

A browser page on another site can still send requests to ``127.0.0.1``: through a DNS
name it rebinds to that address (its requests then carry its own name in ``Host``), or
with a plain cross-site form or ``fetch`` (which carries its ``Origin``). So every request
must name this server in ``Host``, every state-changing one (POST, PUT, PATCH, DELETE)
that carries an ``Origin`` must come from this server's own pages, and with a token
(``benchgen serve --token``, always with ``--allow-remote``) every request but the health
check and the static Godot page must carry it, as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "LOOPBACK_NAMES",
    "TOKEN_HEADER",
    "TOKEN_SETTING",
    "GuardMiddleware",
    "new_token",
    "write_token_setting",
]

#: Host names that mean this machine; a server bound to loopback answers only to these.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
TOKEN_HEADER = "authorization"
#: The Godot project setting the dock reads the token from (section [benchgen]).
TOKEN_SETTING = "benchgen/backend/token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_OPEN_PATHS = ("/api/health",)
_OPEN_PREFIXES = ("/godot/",)


def _host_name(value: str) -> str:
    """Return the host of a ``Host`` header value, without port or IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class GuardMiddleware:
    """ASGI middleware: 421 for a foreign Host, 403 for a foreign Origin, 401 without the token.

    Args:
        app: the application it guards.
        hosts: the host names this server answers to; None accepts any (a remote server,
            which must then have a token).
        token: the token every request must carry; None for none.
    """

    def __init__(self, app: Any, *, hosts: Iterable[str] | None, token: str | None) -> None:
        self.app = app
        self.hosts = None if hosts is None else frozenset(h.lower().strip("[]") for h in hosts)
        self.token = token

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message = refusal
        body = json.dumps({"detail": message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _refusal(self, scope: dict[str, Any], headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if self.hosts is not None and _host_name(host) not in self.hosts:
            return 421, (
                f"Host {host!r} is not this server's address ({', '.join(sorted(self.hosts))}); "
                "open the API through one of those (a page on another site cannot use it)"
            )
        origin = headers.get("origin")
        if scope["method"] in _UNSAFE and origin is not None and not self._same_site(origin, host):
            return 403, (
                f"a {scope['method']} from Origin {origin!r} may not change anything here; "
                "only the dock and pages this server serves may"
            )
        if self.token is not None and not self._open(scope["path"]):
            given = headers.get(TOKEN_HEADER, "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return 401, (
                    "this server needs its token: send 'Authorization: Bearer <token>' "
                    "(benchgen serve printed it and wrote it to the project setting "
                    "benchgen/backend/token)"
                )
        return None

    def _same_site(self, origin: str, host: str) -> bool:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False  # includes the opaque origin "null"
        if self.hosts is not None:
            return parts.hostname.lower() in self.hosts
        return parts.netloc.lower() == host.strip().lower()

    @staticmethod
    def _open(path: str) -> bool:
        return path in _OPEN_PATHS or path.startswith(_OPEN_PREFIXES)


def new_token() -> str:
    """Return a fresh random token (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def write_token_setting(project_file: Path, token: str) -> None:
    """Set ``benchgen/backend/token`` in a Godot ``project.godot``, replacing the file atomically.

    The dock's client reads it (``BenchgenBackendClient.TOKEN_SETTING``) and sends the token.
    """
    section, key = "[benchgen]", 'backend/token="' + token + '"'
    lines = project_file.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == section), None)
    if start is None:
        lines += ["", section, "", key]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines)
        )
        found = [i for i in range(start + 1, end) if lines[i].startswith("backend/token=")]
        if found:
            lines[found[0]] = key
        else:
            lines.insert(start + 1, key)
    tmp = project_file.with_name(f".{project_file.name}.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, project_file)
