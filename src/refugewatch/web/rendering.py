"""The Jinja2 environment and the one function every page renders through.

Autoescape is on for every template and undefined names fail loudly: document text, titles and
quotes are hostile input and only ever reach a page escaped (the highlighted text is the single
pre-escaped exception, built by web.highlight).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from refugewatch.security.passwords import Role, allows, parse_role
from refugewatch.store.protocols import User
from refugewatch.web.csrf import CSRF_FIELD, attach_cookie, token_for
from refugewatch.web.present import FILTERS

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
APP_NAME = "refugewatch"


def build_templates(url_path_for: Callable[..., object]) -> Jinja2Templates:
    """One environment per app: `path(name, **params)` builds that app's URL paths."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["app_name"] = APP_NAME
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["path"] = lambda name, **params: str(url_path_for(name, **params))
    env.globals["may"] = may
    return Jinja2Templates(env=env)


def may(user: User | None, role: str) -> bool:
    """In templates: whether the signed-in user has at least `role` (forms are shown only to
    those who may use them; the route table still decides)."""
    return user is not None and allows(parse_role(user.role), Role(role))


def render_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render with the user and a CSRF token in context; set the token cookie if it is new."""
    templates: Jinja2Templates = request.app.state.templates
    full = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": token_for(request),
        **context,
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    attach_cookie(request, response)
    return response
