"""Who may call which route: one route-to-role table, consulted for every request.

Every route the app serves (pages, API, OpenAPI schema, static files) is listed in ROUTE_ROLES by
its path template and method. A single ASGI middleware looks the matched route up before the route
runs; a route missing from the table is refused (fail closed), so a new route cannot ship without
a decision about who may use it. Tests walk app.routes to keep the table and the app in step.

Until login exists the user is the local operator with the admin role (`serve` binds 127.0.0.1
only); `current_user` is the one function login will replace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from refugewatch.config import Settings
from refugewatch.errors import AccessDeniedError


class Role(IntEnum):
    """Ordered: each role may do everything the roles below it may."""

    VIEWER = 1
    REVIEWER = 2
    EDITOR = 3
    ADMIN = 4


@dataclass(frozen=True)
class User:
    name: str
    role: Role

    def may(self, minimum: Role) -> bool:
        return self.role >= minimum


# (path template, method) -> minimum role. HEAD is checked as GET (Starlette answers HEAD for GET
# routes). Reading is open to viewers; anything that stores data needs an editor.
ROUTE_ROLES: Mapping[tuple[str, str], Role] = {
    ("/", "GET"): Role.VIEWER,
    ("/cases", "GET"): Role.VIEWER,
    ("/cases/{case_id}", "GET"): Role.VIEWER,
    ("/documents", "GET"): Role.VIEWER,
    ("/documents/{sha}", "GET"): Role.VIEWER,
    ("/upload", "GET"): Role.EDITOR,
    ("/upload", "POST"): Role.EDITOR,
    ("/api/dashboard", "GET"): Role.VIEWER,
    ("/api/cases", "GET"): Role.VIEWER,
    ("/api/cases/{case_id}", "GET"): Role.VIEWER,
    ("/api/documents", "GET"): Role.VIEWER,
    ("/api/documents", "POST"): Role.EDITOR,
    ("/api/documents/{sha}", "GET"): Role.VIEWER,
    ("/api/csrf", "GET"): Role.VIEWER,
    ("/openapi.json", "GET"): Role.VIEWER,
    ("/static", "GET"): Role.VIEWER,
}

# Local operator's role until login exists: serve binds loopback, so whoever reaches it sits at
# the machine that holds the database anyway.
LOCAL_OPERATOR_ROLE = Role.ADMIN


def current_user(request: Request, settings: Settings) -> User:
    """The user making this request. Login replaces this one function."""
    return User(name=settings.user, role=LOCAL_OPERATOR_ROLE)


UserResolver = Callable[[Request, Settings], User]


def required_role(template: str, method: str) -> Role:
    """The table lookup; a route not listed is refused, never allowed by default."""
    key = (template, "GET" if method == "HEAD" else method)
    role = ROUTE_ROLES.get(key)
    if role is None:
        raise AccessDeniedError(
            f"{method} {template} is not listed in the route-to-role table, so it is refused"
        )
    return role


def check_access(user: User, template: str, method: str) -> None:
    minimum = required_role(template, method)
    if not user.may(minimum):
        raise AccessDeniedError(
            f"{method} {template} needs the {minimum.name.lower()} role;"
            f" {user.name} has {user.role.name.lower()}"
        )


def route_template(routes: list[BaseRoute], scope: Scope) -> str | None:
    """Path template of the route that will fully handle this request, if any.

    Requests that match no route (404) or only by path (405) fall through to the router, which
    answers them without running any endpoint.
    """
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(getattr(route, "path", ""))
    return None


class AccessMiddleware:
    """Resolves the user and enforces ROUTE_ROLES before any endpoint runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        routes: Callable[[], list[BaseRoute]],
        render_error: Callable[[Request, Exception], ASGIApp],
        resolve_user: UserResolver | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.routes = routes
        self.render_error = render_error
        self.resolve_user = resolve_user

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # Looked up per request, so replacing current_user (login, tests) takes effect at once.
        user = (self.resolve_user or current_user)(request, self.settings)
        scope.setdefault("state", {})["user"] = user
        template = route_template(self.routes(), scope)
        if template is not None:
            try:
                check_access(user, template, scope["method"])
            except AccessDeniedError as exc:
                await self.render_error(request, exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)
