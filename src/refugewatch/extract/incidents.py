"""Incidents: turn the groups a text reports into Incident records with evidence.

Pipeline inside one document (all pure): sentences -> events and group mentions ->
groups (coreference, sub-groups, totals) -> per group: apprehension date, place, country and
captor from the sentences reporting the apprehension; custody chain and status from its
events; vulnerable members from every sentence about it; one evidence sentence quoted exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from refugewatch.extract import patterns as p
from refugewatch.extract.dates import UNIT_DAYS, amount_of_units
from refugewatch.extract.incidents_context import DocContext
from refugewatch.extract.incidents_events import Event
from refugewatch.extract.incidents_groups import Group, build_groups
from refugewatch.extract.incidents_places import (
    acting_country,
    choose_captor,
    choose_country,
    choose_place,
    document_country,
    own_clauses,
    rival_owns,
)
from refugewatch.extract.incidents_status import (
    PRECISION_RANK,
    choose_status,
    custody_chain,
    safe_place,
)
from refugewatch.extract.incidents_vulnerable import find_vulnerable
from refugewatch.extract.patterns import EventKind
from refugewatch.extract.sentences import Sentence
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.extraction import Confidence, CustodyStep, Incident, Span, Status

# Movements and continued detention: a place after one of these is where the group was taken.
_MOVES = (EventKind.TRANSFER, EventKind.HELD, EventKind.EXPELLED)
# Longest evidence quote; a longer sentence (a glued paragraph) is cut around the group mention.
MAX_EVIDENCE_CHARS = 320
# Events that date and place an apprehension.
APPREHENDING = (EventKind.APPREHENSION, EventKind.HELD)
# Verbs of other movements: a date right after them is not the arrest date ("left China on ...").
_OTHER_VERB_BEFORE = re.compile(
    r"\b(?:left|leaving|crossed|crossing|fled|departed|arrived|entered|sent|handed|returned|"
    r"deported|moved|transferred|travel(?:l)?ed|escaped|released|freed|said|told|reported)\b"
    r"[^,.;]{0,22}$",
    re.IGNORECASE,
)
_VAGUE_RELATIVE = re.compile(r"\b(?:ago|weeks?|recently|days)\b", re.IGNORECASE)
_REPORTING_BETWEEN = re.compile(
    r"\b(?:reported|said|told|announced|stated|confirmed|disclosed|revealed)\s+(?:that\b|on\b)?",
    re.IGNORECASE,
)
_WEEKS_AFTER = re.compile(
    r"\b(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>days?|weeks?|"
    r"months?)\s+after\s+(?:they|he|she|the \w+)\s+(?:were|was|had been)\s+"
    r"(?:arrested|detained|caught|apprehended)",
    re.IGNORECASE,
)
_DATELINE_BEFORE = re.compile(r"(?:^|\n)\s*[A-Z]{3,}(?:[ -][A-Z]{2,})*,\s*$")
_PAST_PERFECT = re.compile(r"\bhad\s+(?:been\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class _Where:
    place: str | None
    place_id: str | None
    country: str | None
    captor: str | None


# A sentence that describes the members of a group already named ("among the group are two
# women who ...", "the nine include a baby") without restating its size.
_MEMBERS_OF = re.compile(
    r"\b(?:among (?:the group|them|those (?:detained|arrested|held))|the group (?:includes?|"
    r"included|consists? of|has|had)|of them\b|in the group|(?:the|these) \w+ include[sd]?)\b",
    re.IGNORECASE,
)
# A following sentence that goes on listing members ("Those two women ...", "Two other women ...").
_MEMBERS_GO_ON = re.compile(
    r"^\W*(?:those|these|both|another|the other|(?:\w+ )?other (?:women|men|girls|boys|members)|"
    r"one (?:woman|man|girl|boy|of)|she|he|the (?:woman|man|girl|boy|baby|child|mother))\b",
    re.IGNORECASE,
)


def find_incidents(ctx: DocContext) -> list[Incident]:
    groups = sorted(_without_helpers(build_groups(ctx)), key=lambda g: g.first.start)
    _add_member_sentences(ctx, groups)
    incidents = [
        _incident(ctx, g, _foreign(g, groups), _foreign(g, _unrelated(g, groups))) for g in groups
    ]
    index_by_size: dict[int, int] = {}
    for i, g in enumerate(groups):
        index_by_size.setdefault(g.size, i)  # a sub-group's parent is the first of that size
    return [
        _with_parent(inc, index_by_size.get(g.parent) if g.parent else None)
        for inc, g in zip(incidents, groups, strict=True)
    ]


def _without_helpers(groups: list[Group]) -> list[Group]:
    """A South Korean citizen arrested with North Koreans (a missionary, a resettled defector
    acting as guide) is their helper, not a group of the story; when the story is about such a
    person alone, they are its subject and stay. A member with Chinese papers is kept: the
    group's story tells what became of them."""
    if not any(g.nationality not in (p.SOUTH_KOREA, p.CHINA) for g in groups):
        return groups
    return [g for g in groups if g.nationality != p.SOUTH_KOREA]


def _add_member_sentences(ctx: DocContext, groups: list[Group]) -> None:
    """Give each "among the group are ..." sentence, and the sentences that go on listing members,
    to the group last spoken of before it, so its vulnerable members are counted."""
    main = [g for g in groups if g.parent is None]
    for i, sentence in enumerate(ctx.sentences):
        if not _MEMBERS_OF.search(sentence.text) or i in ctx.generic_sentences:
            continue
        earlier = [g for g in main if g.sentences and min(g.sentences) <= i]
        if not earlier:
            continue
        owner = max(earlier, key=lambda g: max(s for s in g.sentences if s <= i))
        owner.member_sentences.update(_listing(ctx, i))


def _listing(ctx: DocContext, first: int) -> set[int]:
    found = {first}
    for j in range(first + 1, len(ctx.sentences)):
        nxt = ctx.sentences[j]
        if nxt.paragraph != ctx.sentences[first].paragraph or not _MEMBERS_GO_ON.search(nxt.text):
            break
        found.add(j)
    return found


def _with_parent(incident: Incident, parent: int | None) -> Incident:
    return incident if parent is None else replace(incident, subset_of=parent)


def _foreign(group: Group, groups: list[Group]) -> list[int]:
    """Positions of other groups' mentions and events: their facts are not this group's."""
    out: list[int] = []
    shared = {e.start for e in group.events}  # a verb the list items share is no one's rival
    for other in groups:
        if other is not group:
            out += [m.start for m in other.mentions]
            out += [e.start for e in other.events if e.start not in shared]
    return out


def _is_list_item(group: Group) -> bool:
    """A group told only as "..., and three others in Yunnan": its facts follow its count."""
    return all(m.shares_verb for m in group.mentions)


def _unrelated(group: Group, groups: list[Group]) -> list[Group]:
    """Groups that are neither this group's parent nor one of its sub-groups: the members of
    "three of them" are members of the 19 too."""
    return [
        g for g in groups if g is group or not (g.parent == group.size or group.parent == g.size)
    ]


def _incident(ctx: DocContext, group: Group, foreign: list[int], strangers: list[int]) -> Incident:
    events = group.all_events()
    # A group's own arrest sentences first; a dissolved total's ("12 arrested in Chiang Rai")
    # fills only what the group's own sentences leave open.
    own_arrests = [e for e in group.events if e.kind is EventKind.APPREHENSION]
    total_arrests = [e for e in group.inherited if e.kind is EventKind.APPREHENSION]
    arrests = own_arrests or total_arrests
    where = _where(ctx, group, arrests, foreign)
    if own_arrests and total_arrests and where.place is None:
        where = _fill(where, _where(ctx, group, total_arrests, foreign))
    own = [m.start for m in group.mentions]
    item = _is_list_item(group)
    date = _apprehension_date(ctx, arrests, foreign, own, item)
    if own_arrests and total_arrests and not date.is_known:
        date = _apprehension_date(ctx, total_arrests, foreign, own, item)
    if not date.is_known:
        # "lost contact on Saturday": with no date for the arrest itself, the day contact was
        # lost dates it (corpus conventions, "Undated arrests").
        lost = [e for e in group.events if _LOST_CONTACT.search(e.trigger) and e.is_fact]
        date = _apprehension_date(ctx, lost, foreign, own, item)
    chain = custody_chain(ctx, events, where.place, where.country)
    choice = choose_status(events)
    evidence, confidence, rule = _evidence(ctx, group, events)
    return Incident(
        people=_people(group),
        evidence=evidence,
        nationality=group.nationality,
        apprehended_date=date,
        apprehended_place=where.place,
        apprehended_place_id=where.place_id,
        apprehended_country=where.country,
        apprehended_by=where.captor,
        custody_chain=chain,
        status=choice.status,
        status_date=_status_date(ctx, choice.event, date),
        last_known_place=_last_known_place(ctx, choice.status, choice.event, events, chain, where),
        vulnerable=find_vulnerable(
            (
                own_clauses(ctx, i, _anchors(group), strangers)
                for i in sorted(group.sentences | group.member_sentences)
            ),
            group.size,
        ),
        confidence=confidence,
        rule=rule,
        field_evidence=_field_evidence(ctx, choice.event),
    )


def _anchors(group: Group) -> list[int]:
    return [m.start for m in group.mentions] + [e.start for e in group.all_events()]


def _people(group: Group) -> Count:
    exact = [m for m in group.mentions if m.count.qualifier is Qualifier.EXACT]
    chosen = exact[0] if exact else group.first
    return chosen.count


def _where(ctx: DocContext, group: Group, arrests: list[Event], foreign: list[int]) -> _Where:
    sentences = sorted({e.sentence for e in arrests})
    anchors = [m.start for m in group.mentions]
    if not _is_list_item(group):
        anchors += [e.start for e in arrests]
    moves = [e.start for e in group.all_events() if e.kind in _MOVES]
    place = choose_place(ctx, sentences, anchors, foreign, moves) if sentences else None
    captor = choose_captor(ctx, sentences, anchors, foreign) if sentences else None
    country = place.country if place and place.country else None
    if country is None and not sentences:
        # No arrest sentence: "Vietnam has deported three ..., sending them via China".
        country = acting_country(ctx, [(e.sentence, e.start) for e in group.all_events()])
    if country is None:
        country = choose_country(ctx, sentences or sorted(group.sentences), captor)
    if country is None:
        country = document_country(ctx)
    return _Where(
        place=place.name if place else None,
        place_id=place.place_id if place else None,
        country=country,
        captor=captor,
    )


def _fill(own: _Where, total: _Where) -> _Where:
    """Take the total's place (and its country) when the group's own sentences name none."""
    if total.place is None:
        return own
    return _Where(total.place, total.place_id, total.country, own.captor or total.captor)


def _apprehension_date(
    ctx: DocContext, arrests: list[Event], foreign: list[int], own: list[int], list_item: bool
) -> FuzzyDate:
    candidates: list[tuple[int, int, FuzzyDate]] = []
    for event in arrests:
        found = _date_for(ctx, event, foreign, own, list_item)
        if found is not None:
            candidates.append((PRECISION_RANK[found.precision], event.start, found))
    if not candidates:
        return FuzzyDate.unknown()
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _date_for(
    ctx: DocContext,
    event: Event,
    foreign: list[int] | None = None,
    own: list[int] | None = None,
    list_item: bool = False,
) -> FuzzyDate | None:
    sentence = ctx.sentences[event.sentence]
    best: tuple[float, FuzzyDate] | None = None
    reported: FuzzyDate | None = None
    for mention in ctx.dates.get(event.sentence, []):
        if not mention.value.is_known:
            continue
        rel = mention.start - sentence.start
        before = sentence.text[max(0, rel - 40) : rel]
        reported_clause = _THAT_BEFORE.search(before) and _EVENT_RIGHT_AFTER.match(
            sentence.text[mention.end - sentence.start : event.start - sentence.start]
        )
        if not reported_clause and (
            p.REPORTING_BEFORE.search(before) or _reports_event(sentence, mention.end, event)
        ):
            reported = mention.value
            continue
        if not reported_clause and _OTHER_VERB_BEFORE.search(before):
            continue
        if _is_dateline(sentence.text, rel):
            continue
        distance = _distance(sentence.text, event, mention.start, mention.end, sentence.start)
        anchors = (own or []) if list_item else [event.start, *(own or [])]
        if foreign and rival_owns(ctx, event.sentence, mention.start, anchors, foreign):
            continue  # in another group's clause, or nearer its mention: that group's date
        if best is None or distance < best[0]:
            best = (distance, _coarsen(mention.text, mention.value))
    if best is not None:
        return best[1]
    elapsed = _elapsed_since_arrest(ctx, sentence, event)
    if elapsed is not None:
        return elapsed
    before_event = sentence.text[: event.start - sentence.start]
    if reported is not None and (
        _PAST_PERFECT.search(before_event[-12:]) or _REPORTED_THAT.search(before_event)
    ):
        # "It was reported October 26 that police arrested 45": on or before that day, so the
        # month is all the text allows.
        return _month_of(reported)
    return None


_REPORTED_THAT = re.compile(
    r"\b(?:reported|said|announced|confirmed|disclosed)\b[^.;]{0,30}\bthat\b[^.;]{0,60}$",
    re.IGNORECASE,
)
_LOST_CONTACT = re.compile(r"\b(?:lost|contact|touch)\b", re.IGNORECASE)
# "Police said that on Tuesday they arrested 175": inside the reported clause, the date right
# before the event's subject and verb dates the event ("said on Tuesday they had" dates the
# statement).
_THAT_BEFORE = re.compile(r"\bthat\s+(?:on\s+|in\s+|last\s+)?$", re.IGNORECASE)
_EVENT_RIGHT_AFTER = re.compile(
    r"^\s*,?\s*(?:they|he|she|it|police|officers|authorities|the\s+\w+)\s+"
    r"(?:had\s+|have\s+|has\s+|were\s+|was\s+)?$",
    re.IGNORECASE,
)


def _elapsed_since_arrest(ctx: DocContext, sentence: Sentence, event: Event) -> FuzzyDate | None:
    """ "sends 19 North Koreans ..., four weeks after they were arrested": the arrest month,
    counted back from the publication date (never a day: the report's own date is unstated)."""
    match = _WEEKS_AFTER.search(sentence.text)
    reference = ctx.published.latest
    if match is None or reference is None:
        return None
    if not match.start() <= event.start - sentence.start <= match.end():
        return None
    days = amount_of_units(match.group("n")) * UNIT_DAYS[match.group("unit").lower().rstrip("s")]
    when = reference - dt.timedelta(days=days)
    return FuzzyDate.month(when.year, when.month)


def _reports_event(sentence: Sentence, date_end: int, event: Event) -> bool:
    """ "On Nov 22, police reported that a man had been detained": the date of the report."""
    if date_end >= event.start:
        return False
    between = sentence.text[date_end - sentence.start : event.start - sentence.start]
    return bool(_REPORTING_BETWEEN.search(between))


def _is_dateline(text: str, rel: int) -> bool:
    """ "SEOUL, Feb. 7 (Yonhap) --": the date of the wire story, not of the event."""
    return bool(_DATELINE_BEFORE.search(text[max(0, rel - 30) : rel]))


def _distance(text: str, event: Event, start: int, end: int, offset: int) -> float:
    if start >= event.end:
        return float(start - event.end)
    gap = text[end - offset : event.start - offset]
    return (event.start - end) * 1.5 + (20 if "," in gap else 0)


def _coarsen(phrase: str, value: FuzzyDate) -> FuzzyDate:
    """ "about 10 days ago", "last week" date an event to its month, never to an invented day."""
    if _VAGUE_RELATIVE.search(phrase) and value.precision is Precision.DAY:
        return _month_of(value)
    return value


def _month_of(value: FuzzyDate) -> FuzzyDate:
    if value.earliest is None:
        return value
    return FuzzyDate.month(value.earliest.year, value.earliest.month)


def _status_date(ctx: DocContext, event: Event | None, arrested: FuzzyDate) -> FuzzyDate:
    if ctx.published.is_known:
        return ctx.published
    if event is not None and event.kind is not EventKind.APPREHENSION:
        found = _date_for(ctx, event)
        if found is not None:
            return found
    return arrested


def _last_known_place(
    ctx: DocContext,
    status: Status,
    event: Event | None,
    events: list[Event],
    chain: tuple[CustodyStep, ...],
    where: _Where,
) -> str | None:
    if status is Status.REPATRIATED:
        return None
    if status is Status.REACHED_SAFE_COUNTRY and event is not None:
        return safe_place(ctx, [e for e in events if e.kind is EventKind.ARRIVED])
    for step in reversed(chain):
        if step.place:
            return step.place
    if status in (Status.RELEASED, Status.UNKNOWN):
        return None  # let go or expelled: the apprehension place is no longer where they are
    return where.place


def _evidence(ctx: DocContext, group: Group, events: list[Event]) -> tuple[Span, Confidence, str]:
    """The sentence that best shows the group: its count with an arrest verb, a date or a place."""
    direct = group.direct_sentences
    with_events = {e.sentence for e in events}
    arrest_sentences = {e.sentence for e in events if e.kind in APPREHENDING}
    ranked = sorted(
        direct & with_events,
        key=lambda i: (i not in arrest_sentences, -_richness(ctx, i), i),
    )
    if ranked:
        index = ranked[0]
        rich = _richness(ctx, index) > 0
        confidence = Confidence.HIGH if rich and index in arrest_sentences else Confidence.MEDIUM
        rule = "incident.count_event_sentence"
    else:
        index = min(with_events) if with_events else group.first.sentence
        confidence, rule = Confidence.LOW, "incident.anaphora"
    if group.inherited:
        rule += "+total_split"
    mention = next((m for m in group.mentions if m.sentence == index), group.first)
    return _quote(ctx, index, mention.start), confidence, rule


def _richness(ctx: DocContext, index: int) -> int:
    return int(bool(ctx.dates.get(index))) + int(bool(ctx.places.get(index)))


def _quote(ctx: DocContext, index: int, focus: int) -> Span:
    sentence = ctx.sentences[index]
    start, end = sentence.start, sentence.end
    if end - start > MAX_EVIDENCE_CHARS:
        start = max(start, focus - MAX_EVIDENCE_CHARS // 3)
        end = min(end, start + MAX_EVIDENCE_CHARS)
        while start < end and not ctx.text[start].isspace() and start > sentence.start:
            start += 1
        start, end = _strip(ctx.text, start, end)
    return Span(start, end, ctx.text[start:end])


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _field_evidence(ctx: DocContext, event: Event | None) -> tuple[tuple[str, Span], ...]:
    if event is None:
        return ()
    sentence = ctx.sentences[event.sentence]
    return (("status", Span(sentence.start, sentence.end, sentence.text)),)
