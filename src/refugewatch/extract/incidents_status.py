"""Status at publication and the custody chain, read from a group's events.

Status follows the annotation conventions: the most consequential reported fact wins
(returned to North Korea > reached a safe country > released > whereabouts unknown > unclear >
expelled to a third country > held). Hedged and negated triggers never count: "could be
repatriated" leaves the group detained; "released rather than repatriated" is a release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refugewatch.extract import patterns as p
from refugewatch.extract.incidents_context import DocContext
from refugewatch.extract.incidents_events import Event
from refugewatch.extract.incidents_places import EXCLUDED_COUNTRIES, FACILITY
from refugewatch.extract.patterns import EventKind
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Span, Status

# Which event decides the status when several are reported, most consequential first.
STATUS_PRECEDENCE: tuple[tuple[EventKind, Status], ...] = (
    (EventKind.REPATRIATED, Status.REPATRIATED),
    (EventKind.ARRIVED, Status.REACHED_SAFE_COUNTRY),
    (EventKind.RELEASED, Status.RELEASED),
    (EventKind.MISSING, Status.MISSING),
    (EventKind.UNCLEAR, Status.UNKNOWN),
)
# How far after a transfer trigger its destination may stand (characters).
DESTINATION_WINDOW = 110
_SAFE_PLACES = (("Seoul", "Seoul"), ("Incheon", "Incheon"))


@dataclass(frozen=True)
class StatusChoice:
    status: Status
    event: Event | None


def choose_status(events: list[Event]) -> StatusChoice:
    events = [e for e in events if not _superseded(e, events)]
    kinds = {e.kind for e in events}
    for kind, status in STATUS_PRECEDENCE:
        if kind in kinds:
            return StatusChoice(status, _last(events, kind))
    if EventKind.EXPELLED in kinds and _expelled_last(events):
        # Expelled to a third country with no later word of custody there: fate unknown.
        return StatusChoice(Status.UNKNOWN, _last(events, EventKind.EXPELLED))
    if kinds:
        return StatusChoice(Status.DETAINED, events[0])
    return StatusChoice(Status.UNKNOWN, None)


def _superseded(event: Event, events: list[Event]) -> bool:
    """ "defectors that had been sent back ... were arrested": a later arrest in the same
    sentence overrides an earlier (pluperfect) return or release."""
    if not event.pluperfect or event.kind in (EventKind.APPREHENSION, EventKind.HELD):
        return False
    return any(
        e.kind is EventKind.APPREHENSION and e.sentence == event.sentence and e.start > event.end
        for e in events
    )


def _last(events: list[Event], kind: EventKind) -> Event:
    return [e for e in events if e.kind is kind][-1]


def _expelled_last(events: list[Event]) -> bool:
    """Expelled, and no later word (in text order) of custody or a transfer."""
    kinds = (EventKind.EXPELLED, EventKind.HELD, EventKind.TRANSFER)
    relevant = [e for e in events if e.kind in kinds]
    return bool(relevant) and relevant[-1].kind is EventKind.EXPELLED


def safe_place(ctx: DocContext, event: Event) -> str | None:
    """Where a group that reached safety is: Seoul or Incheon when named, else South Korea;
    for refugees awaiting resettlement, the country they wait in."""
    sentence = ctx.sentences[event.sentence].text
    if not re.search(
        r"arriv|flew|flown|airlift|fled|defect|escape|made it|reached|sent to",
        event.trigger,
        re.IGNORECASE,
    ):
        waiting = re.search(
            r"\bin\s+(" + "|".join(n.title() for n in p.COUNTRY_NAMES) + r")\b", sentence
        )
        return waiting.group(1) if waiting else None
    for needle, name in _SAFE_PLACES:
        if needle in event.trigger or needle in sentence:
            return name
    return "South Korea"


def custody_chain(
    ctx: DocContext, events: list[Event], apprehension_place: str | None
) -> tuple[CustodyStep, ...]:
    """Moves after the apprehension, in text order: handed over, sent to, held in."""
    steps: list[CustodyStep] = []
    for event in events:
        if event.kind not in (EventKind.TRANSFER, EventKind.EXPELLED, EventKind.HELD):
            continue
        step = _step(ctx, event)
        if step is None or (step.place is None and step.country is None):
            continue
        if event.kind is EventKind.HELD and (
            step.place is None or step.place == apprehension_place
        ):
            continue
        if steps and _same_place(steps[-1], step):
            continue
        steps.append(step)
        steps.extend(_onward_steps(ctx, event, step))
    return _drop_vague_steps(steps)


def _drop_vague_steps(steps: list[CustodyStep]) -> tuple[CustodyStep, ...]:
    """A country-only step ("transferred to China") is redundant once a place there is known."""
    placed = {s.country for s in steps if s.place}
    return tuple(s for s in steps if s.place or s.country not in placed)


def _onward_steps(ctx: DocContext, event: Event, first: CustodyStep) -> list[CustodyStep]:
    """ "sent the group to Shenyang ..., and from there, to a garrison in Tumen": later legs."""
    sentence = ctx.sentences[event.sentence]
    rel = event.end - sentence.start
    tail = sentence.text[rel:]
    onward = re.search(r"\b(?:from there|then|later|and on|onward)\b[^.;]{0,15}\bto\b", tail)
    if onward is None:
        return []
    start = sentence.start + rel + onward.end()
    for mention in ctx.places.get(event.sentence, []):
        onward_kind = mention.place.kind.value not in ("country", "province")
        if mention.start >= start and onward_kind and mention.text != first.place:
            step = CustodyStep(
                FuzzyDate.unknown(), mention.text, mention.place.country, None, first.evidence
            )
            return [step]
    return []


def _same_place(a: CustodyStep, b: CustodyStep) -> bool:
    return (a.place or "").lower() == (b.place or "").lower() and a.country == b.country


def _step(ctx: DocContext, event: Event) -> CustodyStep | None:
    sentence = ctx.sentences[event.sentence]
    rel = event.end - sentence.start
    window = _clause_after(sentence.text[rel : rel + DESTINATION_WINDOW])
    place, country = _destination(ctx, event, window)
    custodian = _custodian(window)
    date = _nearest_date(ctx, event)
    span = Span(sentence.start, sentence.end, sentence.text)
    return CustodyStep(date=date, place=place, country=country, custodian=custodian, evidence=span)


def _clause_after(window: str) -> str:
    """The destination stands before the clause ends: "sent back ...," he said from Siem Reap."""
    stop = re.search(r"[;\"”]|,\s+(?:he|she|they|police|officials|the)\b", window)
    return window[: stop.start()] if stop else window


def _destination(ctx: DocContext, event: Event, window: str) -> tuple[str | None, str | None]:
    facility = FACILITY.search(window)
    limit = event.end + len(window)
    for mention in ctx.places.get(event.sentence, []):
        if mention.start >= limit:
            continue
        if re.match(r"[’']s\b", ctx.text[mention.end : mention.end + 2]):
            continue  # "Chiang Rai's Thoeng District Court": the owner, not the destination
        if event.end <= mention.start < event.end + DESTINATION_WINDOW:
            if mention.place.country in EXCLUDED_COUNTRIES:
                return None, None
            if mention.place.kind.value == "country":
                return None, mention.place.country
            return mention.text, mention.place.country
    if facility:
        return None, None
    for name, code in p.COUNTRY_NAMES.items():
        if re.search(rf"\b(?:to|into|in)\s+{re.escape(name)}\b", window, re.IGNORECASE):
            return (None, code) if code not in EXCLUDED_COUNTRIES else (None, None)
    return None, None


def _custodian(window: str) -> str | None:
    match = re.search(r"\b(?:to|custody of|by)\s+(?:the\s+)?(" + p.AGENCY.pattern + ")", window)
    if match is None:
        return None
    return re.sub(r"\s+", " ", match.group(1))


def _nearest_date(ctx: DocContext, event: Event) -> FuzzyDate:
    best: tuple[int, FuzzyDate] | None = None
    sentence = ctx.sentences[event.sentence]
    for mention in ctx.dates.get(event.sentence, []):
        if not mention.value.is_known or _is_reporting(
            sentence.text, mention.start - sentence.start
        ):
            continue
        distance = abs(mention.start - event.start)
        if best is None or distance < best[0]:
            best = (distance, mention.value)
    return best[1] if best else FuzzyDate.unknown()


def _is_reporting(text: str, rel: int) -> bool:
    return bool(p.REPORTING_BEFORE.search(text[max(0, rel - 30) : rel]))
