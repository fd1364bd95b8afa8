"""CSRF protection: a signed double-submit token.

The token is a random nonce plus an HMAC of it under a secret the app draws at start-up. It is
sent to the browser twice: in a SameSite=Strict cookie and in the page (a hidden form field). A
state-changing request must carry the token in the form field or the X-CSRF-Token header, equal to
the cookie, with a valid signature. Another site can make the browser send the cookie but can read
neither it nor the page, and cannot forge a signature; a restart draws a new secret, so old pages
must be reloaded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from refugewatch.errors import AccessDeniedError

CSRF_COOKIE = "refugewatch_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# 32 random bytes: the secret and each nonce are as strong as the HMAC-SHA256 that binds them.
SECRET_BYTES = 32
NONCE_BYTES = 32
_STATE_KEY = "csrf_issued"  # request.state attribute: a token minted during this request
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class CsrfSigner:
    """Issues and checks tokens under one secret (one per app instance)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret if secret is not None else secrets.token_bytes(SECRET_BYTES)

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return f"{nonce}.{self._sign(nonce)}"

    def is_genuine(self, token: str | None) -> bool:
        if not token or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        return _same(signature, self._sign(nonce))

    def verify(self, cookie: str | None, submitted: str | None) -> None:
        """Refuse unless the submitted token equals a genuine cookie token."""
        if not self.is_genuine(cookie):
            raise AccessDeniedError(
                "this request carries no valid security (CSRF) token cookie; reload the page and"
                " submit again (API clients: GET /api/csrf first)"
            )
        if not submitted or not _same(submitted, str(cookie)):
            raise AccessDeniedError(
                f"the security (CSRF) token is missing or does not match; reload the page and"
                f" submit again (API clients: send it in the {CSRF_HEADER} header)"
            )

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, _bytes(nonce), hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    """Constant-time comparison; bytes, because compare_digest refuses non-ASCII str input."""
    return hmac.compare_digest(_bytes(a), _bytes(b))


def _bytes(text: str) -> bytes:
    # surrogatepass: a malformed cookie is refused as not genuine, never turned into a 500.
    return text.encode("utf-8", "surrogatepass")


def signer_of(request: Request) -> CsrfSigner:
    signer: CsrfSigner = request.app.state.csrf
    return signer


def token_for(request: Request) -> str:
    """The request's token: its own cookie when genuine, else a new one (set on the response)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if signer_of(request).is_genuine(cookie):
        return str(cookie)
    issued: str | None = getattr(request.state, _STATE_KEY, None)
    if issued is None:
        issued = signer_of(request).issue()
        setattr(request.state, _STATE_KEY, issued)
    return issued


def attach_cookie(request: Request, response: Response) -> None:
    """Set the cookie when this request minted a token (first visit, or after a restart)."""
    issued: str | None = getattr(request.state, _STATE_KEY, None)
    if issued is None:
        return
    response.set_cookie(
        CSRF_COOKIE,
        issued,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
        path="/",
    )


async def require_csrf(request: Request) -> None:
    """Dependency for every state-changing route (create_app refuses to build without it)."""
    submitted = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if submitted is None and content_type.startswith(_FORM_TYPES):
        field = (await request.form()).get(CSRF_FIELD)
        submitted = field if isinstance(field, str) else None
    signer_of(request).verify(request.cookies.get(CSRF_COOKIE), submitted)
