"""What create_app hands to routes through app.state: settings, the unit of work, the user."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from refugewatch.config import Settings
from refugewatch.errors import LoginRequiredError
from refugewatch.security.crypto import FieldCipher
from refugewatch.security.passwords import Passwords
from refugewatch.store.protocols import UnitOfWork, User
from refugewatch.web.sessions import LoginLimiter, SessionStore

UowFactory = Callable[[], UnitOfWork]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def uow_factory_of(request: Request) -> UowFactory:
    factory: UowFactory = request.app.state.uow_factory
    return factory


def sessions_of(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def login_limiter_of(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def passwords_of(request: Request) -> Passwords | None:
    """The password hasher the app was built with (None: the service's shared one)."""
    passwords: Passwords | None = request.app.state.passwords
    return passwords


def cipher_of(request: Request) -> FieldCipher | None:
    """The data key, when the server was started with REFUGEWATCH_PASSPHRASE_FILE."""
    cipher: FieldCipher | None = request.app.state.cipher
    return cipher


def user_of(request: Request) -> User:
    """Set by AccessMiddleware before any route runs; only open routes see nobody."""
    user: User | None = request.state.user
    if user is None:
        raise LoginRequiredError("sign in first: this needs a user account")
    return user
