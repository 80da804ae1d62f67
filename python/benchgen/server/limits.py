"""Refuse request bodies over a size limit before anything reads them into memory."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["DEFAULT_MAX_BODY", "BodyLimitMiddleware"]

DEFAULT_MAX_BODY = 1024 * 1024

Scope = dict[str, Any]
Message = dict[str, Any]


class _TooLarge(BaseException):
    """Raised from ``receive``; a BaseException so FastAPI's body parser cannot turn it
    into a 400 ("There was an error parsing the body") on its way out to this middleware."""


class BodyLimitMiddleware:
    """ASGI middleware: 413 for a declared or streamed body larger than ``max_bytes``.

    A ``Content-Length`` over the limit is refused before the body is received; a
    chunked body is counted as it streams and refused as soon as it passes the limit.
    """

    def __init__(self, app: Any, *, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, f"the request body has {declared} bytes")
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message: Message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, "the streamed request body passed the limit")

    async def _refuse(self, send: Any, what: str) -> None:
        body = json.dumps(
            {"detail": f"{what}; the limit is {self.max_bytes} bytes: send a smaller request"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
