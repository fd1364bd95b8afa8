"""Advocacy drafts from a case: a letter to the detaining state, a UN urgent appeal, a press note.

Each draft is written for one audience (security.redact.Audience) and checks the case's recorded
consent for it first: the letter is read by the detaining state and the press summary by anyone,
so both need public consent and use claims from public sources only; the UN appeal needs consent
to disclose to the UN and may use confidential sources, cited by type only. Drafts use reviewed
claims; where nobody has reviewed any yet, the proposed ones, under an UNREVIEWED banner.

Wording lives in templates/ (Jinja2; Markdown and HTML side by side), which a researcher edits
without touching this code; this module only gathers the facts and fills them in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.outputs.addressees import Directory, Recipients
from refugewatch.outputs.facts import CaseFacts, CountryOf, gather_facts
from refugewatch.outputs.treaties import StateObligation, TreatyTable, obligations_along
from refugewatch.security.redact import Audience, SourceRef


class DraftKind(StrEnum):
    LETTER = "letter"
    UN_APPEAL = "un_appeal"
    PRESS_SUMMARY = "press_summary"


# Who reads each draft (DESIGN.md "Protection"): the audience decides consent and sources.
AUDIENCE_OF: Mapping[DraftKind, Audience] = {
    DraftKind.LETTER: Audience.DETAINING_STATE,
    DraftKind.UN_APPEAL: Audience.UN,
    DraftKind.PRESS_SUMMARY: Audience.PUBLIC,
}
TEMPLATE_NAMES: Mapping[DraftKind, str] = {
    DraftKind.LETTER: "letter",
    DraftKind.UN_APPEAL: "un_appeal",
    DraftKind.PRESS_SUMMARY: "press_summary",
}
CONSENT_WORDS: Mapping[Disclosure, str] = {
    Disclosure.UN_ONLY: "to the United Nations only; please do not make the details public",
    Disclosure.PARTNERS: "to the United Nations and partner organisations; not for publication",
    Disclosure.PUBLIC: "to the United Nations and to the public",
}
# Characters that change the meaning of Markdown when they come from data (a place name with
# "[x](link)" would otherwise become a link in the rendered draft).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
UNDATED = "[date]"


@dataclass(frozen=True)
class Draft:
    kind: DraftKind
    audience: Audience
    title: str
    markdown: str
    html: str
    sources: tuple[str, ...]
    unreviewed: bool
    claim_ids: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceLine:
    text: str
    url: str | None


@dataclass(frozen=True)
class DraftOptions:
    """What the caller knows beyond the case: date, directory, treaty table, extra context."""

    dated: dt.date | None = None
    directory: Directory | None = None
    treaties: TreatyTable | None = None
    country_of: CountryOf | None = None
    # UN appeal only: who submits, what was already done nationally, why it is urgent now.
    submitter: str | None = None
    steps_taken: tuple[str, ...] = ()
    risk_reasons: tuple[str, ...] = ()


def draft(
    kind: DraftKind,
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    options: DraftOptions = DraftOptions(),
) -> Draft:
    """Draft `kind` for the case. Raises ConsentRequiredError without the audience's consent,
    DraftingError when no usable claim about the arrest remains for that audience."""
    audience = AUDIENCE_OF[kind]
    treaties = options.treaties or TreatyTable.default()
    facts = gather_facts(case, claims, documents, audience, options.country_of, treaties)
    context = _context(kind, case, facts, treaties, options)
    name = TEMPLATE_NAMES[kind]
    recipients: Recipients = context["recipients"]
    return Draft(
        kind=kind,
        audience=audience,
        title=context["title"],
        markdown=_MARKDOWN.get_template(f"{name}.md").render(context),
        html=_HTML.get_template(f"{name}.html").render(context),
        sources=tuple(s.text for s in context["sources"]),
        unreviewed=facts.unreviewed,
        claim_ids=facts.claim_ids,
        addressees=tuple(a.heading for a in recipients.all),
    )


def draft_letter(
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    options: DraftOptions = DraftOptions(),
) -> Draft:
    """A letter to the leadership of the state holding the group, copied to its ministers."""
    return draft(DraftKind.LETTER, case, claims, documents, options)


def draft_un_appeal(
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    options: DraftOptions = DraftOptions(),
) -> Draft:
    """An urgent appeal to the UN special procedures (needs the case's consent to the UN)."""
    return draft(DraftKind.UN_APPEAL, case, claims, documents, options)


def draft_press_summary(
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    options: DraftOptions = DraftOptions(),
) -> Draft:
    """A short press summary (public: needs public consent, uses public sources only)."""
    return draft(DraftKind.PRESS_SUMMARY, case, claims, documents, options)


# -- context ------------------------------------------------------------------------------------


def _context(
    kind: DraftKind,
    case: Case,
    facts: CaseFacts,
    treaties: TreatyTable,
    options: DraftOptions,
) -> dict[str, Any]:
    directory = options.directory or Directory.default()
    holder = facts.detaining_state
    state_name = treaties.state_name(holder) if holder else "the detaining state"
    recipients = (
        directory.un_channel()
        if kind is DraftKind.UN_APPEAL
        else directory.recipients(holder or "")
    )
    obligations: list[StateObligation] = obligations_along(facts.countries, treaties)
    return {
        "kind": kind.value,
        "title": _title(kind, facts, state_name),
        "unreviewed": facts.unreviewed,
        "dated": _date_words(options.dated),
        "facts": facts,
        "people": facts.people,
        "vulnerable_text": join_words(facts.vulnerable),
        "state_name": state_name,
        "recipients": recipients,
        "obligations": obligations,
        "sources": [source_line(s) for s in facts.sources],
        # Only the UN may see the pseudonymous label; open audiences get none (it is typed by hand).
        "label": case.label if facts.audience is Audience.UN else None,
        "consent": CONSENT_WORDS.get(case.disclosure, ""),
        "submitter": options.submitter,
        "steps_taken": list(options.steps_taken),
        "risk_reasons": list(options.risk_reasons),
    }


def _title(kind: DraftKind, facts: CaseFacts, state_name: str) -> str:
    where = f" in {facts.last_known_place}" if facts.last_known_place else f" in {state_name}"
    group = f"{facts.people} North Koreans".replace("a number of North Koreans", "North Koreans")
    if kind is DraftKind.LETTER:
        return f"Urgent: {group} held{where} at risk of forced return"
    if kind is DraftKind.UN_APPEAL:
        return f"Urgent appeal: {group} held{where} at risk of refoulement to the DPRK"
    return f"{group} held{where} face forced return to North Korea"


def _date_words(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else UNDATED


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def source_line(ref: SourceRef) -> SourceLine:
    """How a draft lists a source: outlet, title (where the audience may see it), date, type."""
    when = f"published {ref.published}" if ref.published else "publication date unknown"
    kind = ref.source_type.replace("_", " ")
    if ref.confidential:
        text = f"A confidential source ({kind}, reliability {ref.reliability}), {when}"
        return SourceLine(text, None)
    parts = [ref.outlet or "Unknown outlet"]
    if ref.title:
        parts.append(f"“{ref.title}”")
    parts.append(f"{when} ({kind})")
    url = ref.url if ref.url and ref.url.startswith(("https://", "http://")) else None
    return SourceLine(", ".join(parts), url)


# -- template environments ----------------------------------------------------------------------


def escape_markdown(value: object) -> object:
    """Values from data are literal text in Markdown; template text itself is not touched."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return MARKDOWN_SPECIAL.sub(r"\\\1", value)


def _link(url: str) -> Markup:
    """A URL as a Markdown autolink; characters that could end it early are percent-encoded."""
    safe = url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return Markup(f"<{safe}>")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("refugewatch.outputs", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=None if autoescape else escape_markdown,
    )
    env.filters["link"] = _link
    return env


_MARKDOWN = _environment(autoescape=False)
_HTML = _environment(autoescape=True)
