"""What create_app hands to routes through app.state: settings, the unit of work, the user."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from refugewatch.config import Settings
from refugewatch.store.protocols import UnitOfWork
from refugewatch.web.access import User

UowFactory = Callable[[], UnitOfWork]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def uow_factory_of(request: Request) -> UowFactory:
    factory: UowFactory = request.app.state.uow_factory
    return factory


def user_of(request: Request) -> User:
    """Set by AccessMiddleware before any route runs."""
    user: User = request.state.user
    return user
