"""The contact-report form: a researcher's record of a call from a relative, pastor or activist.

The form's fields become a services.contact.ContactReport; the service checks it as a whole and
stores it as a confidential document with its claims. Every problem with the form is reported at
once, with the values typed kept in the form, so nothing has to be entered twice.

Members are written one per line, a pseudonym and, after a colon, what makes them vulnerable:
"Min-ji: children" or "Grandmother Ri: elderly, ill_or_injured". Real names do not belong here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from refugewatch.errors import ValidationError
from refugewatch.model.cases import Disclosure
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Status, VulnerabilityKind
from refugewatch.services.contact import (
    ContactReport,
    GroupMember,
    ReporterRelation,
    record_contact_report,
)
from refugewatch.web.csrf import require_csrf
from refugewatch.web.rendering import render_page
from refugewatch.web.state import cipher_of, uow_factory_of, user_of

E = TypeVar("E", bound=StrEnum)

# Group sizes as a researcher writes them; the same forms the contact-report template uses.
COUNT_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Count]], ...] = (
    (re.compile(r"(\d+)\s*(?:to|-)\s*(\d+)"), lambda m: Count.between(int(m[1]), int(m[2]))),
    (re.compile(r"at least (\d+)"), lambda m: Count.at_least(int(m[1]))),
    (re.compile(r"about (\d+)"), lambda m: Count.about(int(m[1]))),
    (re.compile(r"up to (\d+)"), lambda m: Count.up_to(int(m[1]))),
    (re.compile(r"(\d+)"), lambda m: Count.exact(int(m[1]))),
)
# Largest group a contact report may name: far above any reported group, so a typo is caught.
MAX_GROUP_SIZE = 10_000
# Most members listed in one report; each is a line of the form.
MAX_MEMBERS = 200
MEMBER_KIND_SEPARATOR = ":"
FIELDS = (
    "relation",
    "reliability",
    "group_size",
    "members",
    "status",
    "last_contact",
    "last_contact_place",
    "apprehended_on",
    "apprehended_place",
    "statement",
    "consent",
)


def parse_count(text: str, problems: list[str]) -> Count:
    cleaned = text.strip().lower()
    for pattern, build in COUNT_FORMS:
        if match := pattern.fullmatch(cleaned):
            count = build(match)
            if (count.high or count.best or count.low or 0) > MAX_GROUP_SIZE:
                break
            return count
    problems.append(
        f"group size {text!r} is not a number, 'at least N', 'about N', 'up to N' or 'N to M'"
    )
    return Count.unknown()


def parse_date(text: str, what: str, problems: list[str], *, required: bool) -> FuzzyDate:
    cleaned = text.strip()
    if not cleaned:
        if required:
            problems.append(f"{what}: give a date (2024-03-05, 2024-03, 2024, or a range a/b)")
        return FuzzyDate.unknown()
    try:
        return FuzzyDate.parse_edtf(cleaned)
    except ValueError:
        problems.append(
            f"{what} {cleaned!r} is not a date such as 2024-03-05, 2024-03, 2024 or "
            "2024-03-01/2024-03-05"
        )
        return FuzzyDate.unknown()


def parse_choice(kind: type[E], text: str, what: str, problems: list[str]) -> E:
    try:
        return kind(text.strip())
    except ValueError:
        problems.append(f"{what} {text!r} is not one of {', '.join(kind)}")
        return list(kind)[-1]


def parse_members(text: str, problems: list[str]) -> tuple[GroupMember, ...]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_MEMBERS:
        problems.append(f"at most {MAX_MEMBERS} members per report")
        return ()
    members = []
    for n, line in enumerate(lines, start=1):
        name, _, kinds_text = line.partition(MEMBER_KIND_SEPARATOR)
        kinds = [k.strip().replace(" ", "_") for k in kinds_text.split(",") if k.strip()]
        wrong = [k for k in kinds if k not in VulnerabilityKind._value2member_map_]
        problems.extend(
            f"member {n}: {k!r} is not one of {', '.join(VulnerabilityKind)}" for k in wrong
        )
        vulnerable = tuple(VulnerabilityKind(k) for k in kinds if k not in wrong)
        members.append(GroupMember(name.strip(), vulnerable))
    return tuple(members)


def report_from_fields(fields: Mapping[str, str], received_at: dt.datetime) -> ContactReport:
    """The report the form describes, or every problem with it at once."""
    problems: list[str] = []

    def get(name: str) -> str:
        return fields.get(name, "")

    report = ContactReport(
        relation=parse_choice(ReporterRelation, get("relation"), "reporter", problems),
        reliability=get("reliability"),
        group_size=parse_count(get("group_size"), problems),
        status=parse_choice(Status, get("status"), "status", problems),
        last_contact=parse_date(get("last_contact"), "last contact", problems, required=True),
        statement=get("statement").replace("\r\n", "\n"),
        consent=parse_choice(Disclosure, get("consent"), "consent", problems),
        received_at=received_at,
        last_contact_place=get("last_contact_place") or None,
        members=parse_members(get("members"), problems),
        apprehended_on=parse_date(get("apprehended_on"), "detained on", problems, required=False),
        apprehended_place=get("apprehended_place") or None,
    )
    if problems:
        raise ValidationError(problems)
    return report


def form_context(
    request: Request, values: Mapping[str, str], problems: list[str]
) -> dict[str, Any]:
    return {
        "locked": cipher_of(request) is None,
        "values": {name: values.get(name, "") for name in FIELDS},
        "problems": problems,
        "relations": list(ReporterRelation),
        "statuses": list(Status),
        "consents": list(Disclosure),
        "vulnerabilities": list(VulnerabilityKind),
    }


def contact_form(request: Request) -> HTMLResponse:
    defaults = {"consent": Disclosure.NONE.value, "status": Status.DETAINED.value}
    return render_page(request, "contact.html", form_context(request, defaults, []))


async def contact_submit(request: Request) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k in FIELDS}
    actor = user_of(request).username
    try:
        report = report_from_fields(fields, dt.datetime.now(dt.UTC))
        document = await run_in_threadpool(
            lambda: record_contact_report(
                uow_factory_of(request), report, actor=actor, cipher=cipher_of(request)
            )
        )
    except ValidationError as exc:
        context = form_context(request, fields, list(exc.problems))
        return render_page(request, "contact.html", context, status_code=422)
    url = request.app.url_path_for("document", sha=document.sha256)
    return RedirectResponse(str(url), status_code=303)


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/contact-reports/new",
        contact_form,
        name="contact_form",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    app.add_api_route(
        "/contact-reports",
        contact_submit,
        methods=["POST"],
        name="contact_submit",
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
