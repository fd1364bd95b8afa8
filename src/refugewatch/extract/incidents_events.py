"""Events in a sentence: what happened to a group (arrest, transfer, return, release, arrival).

Each trigger is classified and checked for hedging ("could be repatriated"), negation ("were not
returned") and generic statements ("North Koreans who are caught ..."). Only plain reported facts
create or change an incident; hedged ones are kept so callers can see them but never act on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from refugewatch.extract import patterns as p
from refugewatch.extract.patterns import EventKind
from refugewatch.extract.sentences import Sentence

# How far back (characters) a hedge or negation may stand from the trigger in the same clause.
HEDGE_WINDOW = 80
# Clause boundaries: a hedge in the previous clause does not reach past these. ", and sent to"
# continues the clause (and its "will"); ", and they were" starts a new one.
_CLAUSE_BREAK = re.compile(
    r"[;:]|,\s+(?:but|while|after|before|when|where|who)\b|\b(?:after|that|which)\b|"
    r",?\s+(?:and|but)\s+(?=(?:they|he|she|it|we|the|a|police|officials|authorities)\b)|"
    # "The nine, all believed to be orphans, were sent back": the aside's hedge ends at its comma.
    r",\s+(?=(?:were|was|are|is|had|have|has)\s)",
    re.IGNORECASE,
)
# "the first defectors to be arrested since ..." reports a fact despite "to be".
_FIRST_TO_BE = re.compile(r"\b(?:first|last|only|latest)\b[^.;]{0,30}\bto be\s+$", re.IGNORECASE)
# Triggers whose object is a document, not people: "the letter was released", "a cable sent to".
_DOCUMENT_BEFORE = re.compile(
    r"\b(?:letter|report|statement|document|cables?|video|figures|data|information|details|"
    r"message|messages|appeal|press release|news)\s+(?:(?:was|were|is|are|has|have|had|been|"
    r"being|later|also|then|publicly|officially)\s+){0,3}$",
    re.IGNORECASE,
)
_TO_PROTECTION = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:to\s+)?(?:the\s+)?(?:South Korean|ROK|S\. Korean)\s+"
    r"(?:embassy|consulate)|\s*(?:\w+\s+){0,3}?(?:to\s+)?(?:the\s+)?(?:UNHCR|UN refugee agency)",
    re.IGNORECASE,
)
_DOCUMENT_IN_TRIGGER = re.compile(
    r"\b(?:letter|report|message|cable|statement|note|petition|document)s?\b", re.I
)
# "after being detained", "since being caught": the arrest that began the detention, not a
# statement that the group is still held.
_ARREST_CLAUSE_BEFORE = re.compile(r"\b(?:after|upon|on|since|before|following)\s+$", re.I)
_ANYONE_BEFORE = re.compile(
    r"(?:\b(?:those|anyone|whoever|everyone)\s+(?:who\s+)?|(?<!\w )\bpeople\s+who\s+)(?:(?:are|"
    r"were|get|got|have\s+been|had\s+been|is|was)\s+)?$",
    re.IGNORECASE,
)
_ASIDE = re.compile(r",\s*(?:which|who|whose)\b[^,;.]*,")
_SINCE_AFTER = re.compile(r"\s+since\b", re.IGNORECASE)
_ORDERED_BEFORE = re.compile(r"\b(?:ordered|orders|order|sentenced)\b[^.;]{0,30}$", re.I)
_REMOVALS = frozenset({EventKind.EXPELLED, EventKind.REPATRIATED})
_MODAL_AFTER = re.compile(r"^[^.;]{0,60}\b(?:would|could|will|may|might|should)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    kind: EventKind
    start: int  # absolute offsets of the trigger in the document text
    end: int
    sentence: int
    trigger: str
    hedged: bool = False
    negated: bool = False
    pluperfect: bool = False  # "had been sent back": earlier than the story's main events
    durative: bool = False  # "detained since last week": a state that began earlier, not news

    @property
    def is_fact(self) -> bool:
        return not (self.hedged or self.negated)


def find_events(sentence: Sentence, index: int) -> list[Event]:
    """Every trigger in one sentence, classified; overlapping triggers keep the more specific."""
    found: list[Event] = []
    for label, regex in _TRIGGERS:
        for match in regex.finditer(sentence.text):
            kind = _classify(label, sentence.text, match)
            if (
                kind is not None
                and not _about_documents(sentence.text, match)
                and not (_DOCUMENT_IN_TRIGGER.search(match.group(0)))
            ):
                found.append(_event(kind, sentence, index, match))
    found.extend(_noun_events(sentence, index))
    return _drop_overlaps(found)


def is_generic(sentence: Sentence) -> bool:
    """A statement about North Koreans in general (policy, habits), not about one group."""
    return bool(p.GENERIC.search(sentence.text))


def _event(kind: EventKind, sentence: Sentence, index: int, match: re.Match[str]) -> Event:
    before = _clause_before(sentence.text, match.start())
    hedged = bool(p.HEDGE_BEFORE.search(before)) and not _FIRST_TO_BE.search(before)
    if _ANYONE_BEFORE.search(before):
        hedged = True  # "those repatriated face camps": everyone's fate, not a reported fact
    if kind in _REMOVALS and _ORDERED_BEFORE.search(before):
        hedged = True  # "fined them and ordered them deported": an order, not yet carried out
    if match.group(0).lower().endswith("ing") and _MODAL_AFTER.match(sentence.text[match.end() :]):
        hedged = True  # "Deporting the seven refugees would be a violation": a hypothesis
    return Event(
        kind=kind,
        start=sentence.start + match.start(),
        end=sentence.start + match.end(),
        sentence=index,
        trigger=match.group(0),
        hedged=hedged,
        negated=bool(p.NEGATION_BEFORE.search(before)),
        pluperfect=bool(p.PLUPERFECT_BEFORE.search(before)),
        durative=bool(_SINCE_AFTER.match(sentence.text, match.end())),
    )


def _about_documents(text: str, match: re.Match[str]) -> bool:
    """Triggers about a letter or report, or about other people (relatives who escaped)."""
    before = text[max(0, match.start() - 40) : match.start()]
    if p.OTHER_PEOPLE_BEFORE.search(before):
        return True
    return bool(_DOCUMENT_BEFORE.search(before)) and not p.NK_WORDS.search(before)


def _clause_before(text: str, pos: int) -> str:
    # "if the group, which includes a baby, is returned": the aside does not end the "if".
    window = _ASIDE.sub(" ", text[max(0, pos - HEDGE_WINDOW - 40) : pos])[-HEDGE_WINDOW:]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _classify(label: str, text: str, match: re.Match[str]) -> EventKind | None:
    """Split returns into repatriation and expulsion; drop triggers used in another sense."""
    after = text[match.end() : match.end() + 90]
    word = match.group(0).lower()
    if label == "apprehension":
        return _refine_apprehension(word, text, match)
    if (
        label == "held"
        and word == "being detained"
        and _ARREST_CLAUSE_BEFORE.search(text[max(0, match.start() - 12) : match.start()])
    ):
        return EventKind.APPREHENSION
    if label == "return" or (label == "transfer" and " back" in word):
        return _refine_return(word, after, text[max(0, match.start() - 25) : match.start()])
    if label == "transfer" and _TO_PROTECTION.match(after):
        return EventKind.RELEASED  # handed to the South Korean embassy: out of the captor's hands
    if label == "transfer" and p.TO_NORTH_KOREA.match(word.split()[-1] + after):
        return EventKind.REPATRIATED
    if (
        label == "transfer"
        and re.match(r"\s*to\s", after)
        and p.TO_NORTH_KOREA.match(after.lstrip())
    ):
        return EventKind.REPATRIATED
    return _LABELS[label]


def _refine_apprehension(word: str, text: str, match: re.Match[str]) -> EventKind | None:
    after = text[match.end() : match.end() + 30].lower()
    if word == "found" and not re.match(r"\s+(?:and arrested|\d|[a-z]+ (?:north|defect))", after):
        # "found" reports an arrest only as "police found 12 North Korean women", not "we found".
        before = text[max(0, match.start() - 25) : match.start()].lower()
        if not re.search(r"(?:police|guards|officers|authorities|patrol)\s*(?:then\s*)?$", before):
            return None
    if word == "stopped" and not re.search(
        r"police|roadblock|checkpoint|guards|authorities|military|soldiers|troops|officers",
        text,
        re.I,
    ):
        return None
    if word in {"arrest", "arrests"} and not re.search(
        r"\b(?:to|will|would)\s*$", text[: match.start()]
    ):
        return None  # the bare noun is handled by APPREHENSION_NOUN; "to arrest" is an intent
    return EventKind.APPREHENSION


def _refine_return(word: str, after: str, before: str) -> EventKind | None:
    if word == "returned" and not _forced_return(before, after):
        return None  # "Park had returned to North Korea in 2019": a journey, not a removal
    tail = word.split()[-1] + after
    if p.TO_NORTH_KOREA.search(tail[:70]) or re.match(r"\s*(?:home|back home)\b", after):
        return EventKind.REPATRIATED
    if word.endswith(" home") or word == "refouled":
        return EventKind.REPATRIATED
    if " back" in word and word.endswith(" to"):
        return EventKind.EXPELLED  # "sent him back to the country he came from"
    if word in {"repatriated", "repatriates", "repatriating", "forcibly returned", "forced back"}:
        return EventKind.REPATRIATED
    if re.match(r"\s+(?:\w+\s+){0,4}(?:to|into|across)\s+(?:the\s+)?[A-Z]", after):
        return EventKind.EXPELLED
    if word.startswith("sent") or word.startswith("sending") or word == "returned":
        return EventKind.EXPELLED if re.match(r"\s*(?:from|across)", after) else None
    return EventKind.EXPELLED


def _forced_return(before: str, after: str) -> bool:
    """ "were returned", "forcibly returned", "returned the group to China" — not "he returned"."""
    if re.search(r"\b(?:was|were|been|be|being|is|are|get|got|forcibly|had them)\s+$", before):
        return True
    return bool(
        re.match(
            r"\s+(?:them|him|her|the\s+\w+|all|some|\w+\s+(?:North Koreans|"
            r"defectors|refugees|people))\b",
            after,
            re.IGNORECASE,
        )
    )


def _noun_events(sentence: Sentence, index: int) -> list[Event]:
    found = [
        _event(EventKind.APPREHENSION, sentence, index, m)
        for m in p.APPREHENSION_NOUN.finditer(sentence.text)
    ]
    for match in p.REMOVAL_NOUN.finditer(sentence.text):
        if not p.REMOVAL_NOUN_OBJECT.match(sentence.text, match.end()):
            continue  # "Refoulement of North Korean refugees": the practice, not one group
        event = _event(_removal_kind(sentence.text, match), sentence, index, match)
        before = sentence.text[max(0, match.start() - 60) : match.start()]
        modal = _MODAL_AFTER.match(sentence.text[match.end() :])
        if p.REMOVAL_NOUN_HEDGE.search(before) or modal:
            event = replace(event, hedged=True)  # "any repatriation of them would violate"
        found.append(event)
    return found


def _removal_kind(text: str, match: re.Match[str]) -> EventKind:
    """ "the deportation of 19 to Thailand" moves them on; any other removal is a return home."""
    after = text[match.end() : match.end() + 90]
    to_place = re.match(r"[^.;]{0,50}?\b(?:to|into)\s+(?:the\s+)?[A-Z]", after)
    if to_place and not p.TO_NORTH_KOREA.search(after[: to_place.end() + 20]):
        return EventKind.EXPELLED
    return EventKind.REPATRIATED


def _drop_overlaps(events: list[Event]) -> list[Event]:
    ordered = sorted(events, key=lambda e: (e.start, -(e.end - e.start)))
    kept: list[Event] = []
    for event in ordered:
        if kept and event.start < kept[-1].end:
            if _weight(event) > _weight(kept[-1]):
                kept[-1] = event
            continue
        kept.append(event)
    return kept


def _weight(event: Event) -> tuple[int, int]:
    """The longer trigger wins ("taken into custody" over "into custody"), then the kind."""
    return (event.end - event.start, _rank(event.kind))


def _rank(kind: EventKind) -> int:
    return _SPECIFICITY.index(kind) if kind in _SPECIFICITY else -1


_TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("apprehension", p.APPREHENSION),
    ("held", p.HELD),
    ("transfer", p.TRANSFER),
    ("return", p.RETURN),
    ("release", p.RELEASE),
    ("arrival", p.ARRIVAL),
    ("missing", p.MISSING),
    ("unclear", p.UNCLEAR),
)
_LABELS: dict[str, EventKind] = {
    "held": EventKind.HELD,
    "transfer": EventKind.TRANSFER,
    "release": EventKind.RELEASED,
    "arrival": EventKind.ARRIVED,
    "missing": EventKind.MISSING,
    "unclear": EventKind.UNCLEAR,
}

# Order of preference when two triggers overlap ("detained in" beats "detained").
_SPECIFICITY = (
    EventKind.APPREHENSION,
    EventKind.TRANSFER,
    EventKind.HELD,
    EventKind.EXPELLED,
    EventKind.RELEASED,
    EventKind.MISSING,
    EventKind.UNCLEAR,
    EventKind.ARRIVED,
    EventKind.REPATRIATED,
)
