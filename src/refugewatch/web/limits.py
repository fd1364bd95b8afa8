"""Request body limit: an upload larger than the limit is refused before it is read into memory.

A declared Content-Length over the limit is refused at once; a body that grows past the limit
while streaming (chunked uploads) is cut off and refused. The refusal goes through the one error
renderer, so a browser sees a page and an API client sees JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refugewatch.errors import FileTooLargeError

Renderer = Callable[[Request, Exception], ASGIApp]


def too_large(limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"The upload is larger than the limit of {limit:,} bytes (REFUGEWATCH_MAX_FILE_BYTES);"
        " send fewer or smaller files at once."
    )


def declared_length(scope: Scope) -> int | None:
    raw = Headers(scope=scope).get("content-length")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, shown_limit: int, render_error: Renderer
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.shown_limit = shown_limit  # the file limit researchers set, not the framing slack
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        await self._stream_with_limit(scope, receive, send)

    async def _stream_with_limit(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise too_large(self.shown_limit)
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:  # whatever the app answers to a cut-off body is replaced below
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.render_error(Request(scope), too_large(self.shown_limit))
        await response(scope, receive, send)
