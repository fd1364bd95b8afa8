"""Status at publication and the custody chain, read from a group's events.

Status follows the annotation conventions: the most consequential reported fact wins
(returned to North Korea > reached a safe country > released > whereabouts unknown > unclear >
expelled to a third country > held). Hedged and negated triggers never count: "could be
repatriated" leaves the group detained; "released rather than repatriated" is a release.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from refugewatch.extract import patterns as p
from refugewatch.extract.dates import UNIT_DAYS, amount_of_units
from refugewatch.extract.incidents_context import DocContext
from refugewatch.extract.incidents_events import Event
from refugewatch.extract.incidents_places import EXCLUDED_COUNTRIES, FACILITY, same_clause
from refugewatch.extract.patterns import EventKind
from refugewatch.model.dates import FuzzyDate, Precision
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
_REAL_ARRIVAL = re.compile(
    r"arriv|flew|flown|airlift|fled|defect|escape|made it|reached|sent to", re.IGNORECASE
)
_WAITING_IN = re.compile(
    r"\b(?:in|from)\s+(" + "|".join(n.title() for n in p.COUNTRY_NAMES) + r")\b"
)


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
        e.kind is EventKind.APPREHENSION
        and not e.durative
        and e.sentence == event.sentence
        and e.start > event.end
        for e in events
    )


def _last(events: list[Event], kind: EventKind) -> Event:
    return [e for e in events if e.kind is kind][-1]


def _expelled_last(events: list[Event]) -> bool:
    """Expelled, and no later word (in text order) of custody or a transfer."""
    kinds = (EventKind.EXPELLED, EventKind.HELD, EventKind.TRANSFER)
    relevant = [e for e in events if e.kind in kinds]
    return bool(relevant) and relevant[-1].kind is EventKind.EXPELLED


def safe_place(ctx: DocContext, arrivals: list[Event]) -> str | None:
    """Where a group that reached safety is: Seoul or Incheon when an arrival sentence names
    it, else South Korea; for refugees only awaiting resettlement, the country they wait in."""
    real = [e for e in arrivals if _REAL_ARRIVAL.search(e.trigger)]
    for needle, name in _SAFE_PLACES:
        if any(needle in ctx.sentences[e.sentence].text for e in real):
            return name
    if real:
        return "South Korea"
    for event in arrivals:
        waiting = _WAITING_IN.search(ctx.sentences[event.sentence].text)
        if waiting:
            return waiting.group(1)
    return None


def custody_chain(
    ctx: DocContext,
    events: list[Event],
    apprehension_place: str | None,
    apprehension_country: str | None = None,
) -> tuple[CustodyStep, ...]:
    """Moves after the apprehension, in text order: handed over, sent to, held in, released
    into. A move to a named custodian with no place stays in the country of apprehension
    ("handed over to the South Korean embassy")."""
    steps: list[CustodyStep] = []
    for event in _body_first(ctx, events):
        if event.kind not in _STEP_KINDS:
            continue
        step = _step(ctx, event)
        if step.place is None and step.country is None and _is_handover(event, step):
            step = replace(step, country=apprehension_country)
        if not _worth_a_step(event, step, apprehension_place):
            continue
        same = next((i for i, earlier in enumerate(steps) if _same_place(earlier, step)), None)
        if same is not None:
            # The same place named again ("still held in ...") is not a new move, but it may
            # date the move better ("this week" in the lead, "on May 27" in the body).
            steps[same] = _better_dated(steps[same], step)
            continue
        steps.append(step)
        steps.extend(_onward_steps(ctx, event, step))
    return _drop_vague_steps(steps)


# A headline sits in the first few sentences and lacks terminal punctuation.
HEADLINE_ZONE = 3
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*\s*$")


def _body_first(ctx: DocContext, events: list[Event]) -> list[Event]:
    """Headlines announce the newest move ("Group moved to Tumen") before the body tells the
    moves in order, so headline events only add steps the body does not already give, last."""
    headline = {
        i
        for i, sentence in enumerate(ctx.sentences[:HEADLINE_ZONE])
        if not _TERMINAL.search(sentence.text)
    }
    return [e for e in events if e.sentence not in headline] + [
        e for e in events if e.sentence in headline
    ]


def _is_handover(event: Event, step: CustodyStep) -> bool:
    """ "handed over to the South Korean embassy": custody changes hands where they are."""
    return step.custodian is not None and bool(_HANDOVER.search(event.trigger))


_HANDOVER = re.compile(r"\b(?:handed|turned|transferred|custody)\b", re.IGNORECASE)


# Events that can add a step; a release counts only with a destination ("released into Thailand").
_STEP_KINDS = (EventKind.TRANSFER, EventKind.EXPELLED, EventKind.HELD, EventKind.RELEASED)


def _worth_a_step(event: Event, step: CustodyStep, apprehension_place: str | None) -> bool:
    if step.place is None and step.country is None:
        return False
    if event.kind is EventKind.RELEASED:  # "released into Thailand", "handed to the embassy"
        return True
    if event.kind is EventKind.HELD:
        return step.place != apprehension_place and (
            step.place is not None or step.custodian is not None
        )
    return True


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


def _better_dated(first: CustodyStep, again: CustodyStep) -> CustodyStep:
    if first.date.is_known and not first.date.contains(again.date):
        return first
    if PRECISION_RANK[again.date.precision] < PRECISION_RANK[first.date.precision]:
        return replace(first, date=again.date)
    return first


# Most precise first: which of two dates for one fact to keep.
PRECISION_RANK = {
    Precision.DAY: 0, Precision.MONTH: 1, Precision.RANGE: 2, Precision.YEAR: 3,
    Precision.UNKNOWN: 4,
}  # fmt: skip


def _same_place(a: CustodyStep, b: CustodyStep) -> bool:
    if a.place is None or b.place is None:
        return a.place is None and b.place is None and a.country == b.country
    return a.place.lower() == b.place.lower()


def _step(ctx: DocContext, event: Event) -> CustodyStep:
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
        if mention.start >= limit or mention.start < event.end:
            continue
        if re.match(r"[’']s\b", ctx.text[mention.end : mention.end + 2]):
            continue  # "Chiang Rai's Thoeng District Court": the owner, not the destination
        if not _TOWARDS.search(ctx.text[event.end - 4 : mention.start]):
            continue  # "sent back from Vietnam": an origin, not a destination
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


_TOWARDS = re.compile(
    r"\b(?:to|into|in|at|across|towards?|for|near|outside|inside)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,5}$",
    re.IGNORECASE,
)


def _custodian(window: str) -> str | None:
    match = re.search(
        r"\b(?:to|custody of|by|at|in)\s+(?:the\s+)?(?:one of the\s+)?("
        + p.CUSTODIAN.pattern
        + ")",
        window,
    )
    if match is None:
        return None
    return re.sub(r"\s+", " ", match.group(1))


def _nearest_date(ctx: DocContext, event: Event) -> FuzzyDate:
    best: tuple[int, FuzzyDate, int] | None = None
    sentence = ctx.sentences[event.sentence]
    delay = _DELAY_AFTER.search(sentence.text[event.end - sentence.start :])
    for mention in ctx.dates.get(event.sentence, []):
        if not mention.value.is_known or _is_reporting(
            sentence.text, mention.start - sentence.start
        ):
            continue
        distance = abs(mention.start - event.start)
        if delay is None and not same_clause(ctx.text, mention.start, event.start):
            continue  # "repatriated on Oct. 9, most of whom had been held in Jilin": not the hold
        if best is None or distance < best[0]:
            best = (distance, mention.value, mention.start)
    if best is None:
        return FuzzyDate.unknown()
    if best[2] < event.start and delay is not None:
        return _shift_by_delay(delay, best[1])
    return best[1]


# "handed them over ... four days later", "the next day": a delay counted from the date the
# sentence gave just before, so the step gets its own day instead of the arrest's.
_DELAY_AFTER = re.compile(
    r"^[^.;]{0,90}?\b(?:(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?P<unit>days?|weeks?)\s+later|the (?:next|following) day)\b",
    re.IGNORECASE,
)


def _shift_by_delay(delay: re.Match[str], base: FuzzyDate) -> FuzzyDate:
    if base.precision is not Precision.DAY or base.earliest is None:
        return base
    unit = (delay.group("unit") or "day").lower().rstrip("s")
    days = amount_of_units(delay.group("n")) * UNIT_DAYS[unit]
    return FuzzyDate.from_date(base.earliest + dt.timedelta(days=days))


def _is_reporting(text: str, rel: int) -> bool:
    return bool(p.REPORTING_BEFORE.search(text[max(0, rel - 30) : rel]))
