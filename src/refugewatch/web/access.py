"""Who may call which route: one route-to-role table, consulted for every request.

Every route the app serves (pages, API, OpenAPI schema, static files) is listed in ROUTE_ROLES by
its path template and method, with the lowest role allowed to use it (security.passwords.Role, the
one role ladder of the project), or OPEN for the few things an anonymous visitor may reach: the
login form and the stylesheet. A single ASGI middleware looks the matched route up before the route
runs; a route missing from the table is refused (fail closed), so a new route cannot ship without
a decision about who may use it. Tests walk app.routes to keep the table and the app in step.

Nobody signed in: pages redirect to /login (and come back after), the API answers 401. Signed in
with too low a role: 403 with the role needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from refugewatch.errors import AccessDeniedError, LoginRequiredError
from refugewatch.security.passwords import Role, allows
from refugewatch.services.protection_users import user_role
from refugewatch.store.protocols import User

# A table entry that needs no login (spelled out, so "open" is a decision, never a default).
OPEN: Final = None
LOGIN_PATH = "/login"
API_PREFIX = "/api/"
SCHEMA_PATH = "/openapi.json"

# (path template, method) -> lowest role allowed, or OPEN. HEAD is checked as GET (Starlette
# answers HEAD for GET routes). Viewers read; reviewers review claims and cases, record consent
# and grade documents' reliability; editors add material (uploads, contact reports) and draft and
# track letters; admins may do everything.
ROUTE_ROLES: Mapping[tuple[str, str], Role | None] = {
    ("/login", "GET"): OPEN,
    ("/login", "POST"): OPEN,
    ("/static", "GET"): OPEN,
    ("/logout", "POST"): Role.VIEWER,
    ("/", "GET"): Role.VIEWER,
    ("/cases", "GET"): Role.VIEWER,
    ("/cases/{case_id}", "GET"): Role.VIEWER,
    ("/documents", "GET"): Role.VIEWER,
    ("/documents/{sha}", "GET"): Role.VIEWER,
    ("/cases/{case_id}/claims/{claim_id}/review", "POST"): Role.REVIEWER,
    ("/cases/{case_id}/merge", "POST"): Role.REVIEWER,
    ("/cases/{case_id}/split", "POST"): Role.REVIEWER,
    ("/cases/{case_id}/attach", "POST"): Role.REVIEWER,
    ("/cases/{case_id}/disclosure", "POST"): Role.REVIEWER,
    ("/documents/{sha}/reliability", "POST"): Role.REVIEWER,
    ("/cases/{case_id}/letters", "POST"): Role.EDITOR,
    ("/cases/{case_id}/interventions/{intervention_id}/status", "POST"): Role.EDITOR,
    ("/upload", "GET"): Role.EDITOR,
    ("/upload", "POST"): Role.EDITOR,
    ("/contact-reports/new", "GET"): Role.EDITOR,
    ("/contact-reports", "POST"): Role.EDITOR,
    ("/api/dashboard", "GET"): Role.VIEWER,
    ("/api/urgency", "GET"): Role.VIEWER,
    ("/api/alerts", "GET"): Role.VIEWER,
    ("/api/cases", "GET"): Role.VIEWER,
    ("/api/cases/{case_id}", "GET"): Role.VIEWER,
    ("/api/cases/{case_id}/interventions", "GET"): Role.VIEWER,
    ("/api/documents", "GET"): Role.VIEWER,
    ("/api/documents", "POST"): Role.EDITOR,
    ("/api/documents/{sha}", "GET"): Role.VIEWER,
    ("/api/claims/{claim_id}/review", "POST"): Role.REVIEWER,
    ("/api/cases/{case_id}/merge", "POST"): Role.REVIEWER,
    ("/api/cases/{case_id}/split", "POST"): Role.REVIEWER,
    ("/api/cases/{case_id}/attach", "POST"): Role.REVIEWER,
    ("/api/cases/{case_id}/disclosure", "POST"): Role.REVIEWER,
    ("/api/documents/{sha}/reliability", "POST"): Role.REVIEWER,
    ("/api/cases/{case_id}/letters", "POST"): Role.EDITOR,
    ("/api/interventions/{intervention_id}/status", "POST"): Role.EDITOR,
    ("/api/contact-reports", "POST"): Role.EDITOR,
    ("/api/csrf", "GET"): Role.VIEWER,
    ("/openapi.json", "GET"): Role.VIEWER,
}

UserResolver = Callable[[Request], User | None]


def required_role(template: str, method: str) -> Role | None:
    """The table lookup; a route not listed is refused, never allowed by default."""
    key = (template, "GET" if method == "HEAD" else method)
    if key not in ROUTE_ROLES:
        raise AccessDeniedError(
            f"{method} {template} is not listed in the route-to-role table, so it is refused"
        )
    return ROUTE_ROLES[key]


def check_access(user: User | None, template: str, method: str) -> None:
    minimum = required_role(template, method)
    if minimum is OPEN:
        return
    if user is None:
        raise LoginRequiredError("sign in first: this needs a user account")
    role = user_role(user)
    if not allows(role, minimum):
        raise AccessDeniedError(
            f"{method} {template} needs the {minimum.value} role; {user.username} is a {role.value}"
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


def login_redirect(request: Request) -> RedirectResponse:
    """To the login form, remembering the page asked for (a path on this site only)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='/')}", status_code=303)


class AccessMiddleware:
    """Resolves the user and enforces ROUTE_ROLES before any endpoint runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Callable[[], list[BaseRoute]],
        resolve_user: UserResolver,
        render_error: Callable[[Request, Exception], ASGIApp],
    ) -> None:
        self.app = app
        self.routes = routes
        self.resolve_user = resolve_user
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        user = self.resolve_user(request)
        scope.setdefault("state", {})["user"] = user
        template = route_template(self.routes(), scope)
        if template is not None:
            try:
                check_access(user, template, scope["method"])
            except LoginRequiredError as exc:
                refusal = self._anonymous(request, exc)
                await refusal(scope, receive, send)
                return
            except AccessDeniedError as exc:
                await self.render_error(request, exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _anonymous(self, request: Request, exc: LoginRequiredError) -> ASGIApp:
        """Pages a browser asks for go to the login form; API calls and form posts get 401."""
        path = request.url.path
        if (
            path.startswith(API_PREFIX)
            or path == SCHEMA_PATH
            or request.method not in ("GET", "HEAD")
        ):
            return self.render_error(request, exc)
        return login_redirect(request)
