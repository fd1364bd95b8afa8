"""Where and by whom: the apprehension place, its country, and the agency that made the arrest.

Places are chosen from the sentences that report the apprehension, the most specific first
(a detention facility or border post before a town, a town before a province), spelled as the
text spells them. Places introduced by "left", "to", "via" are origins or destinations, not
where the group was caught.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from refugewatch.extract import patterns as p
from refugewatch.extract.gazetteer import PlaceMention
from refugewatch.extract.incidents_context import DocContext
from refugewatch.model.places import PlaceKind

# Most specific first: the kind rank used to choose among several places in one sentence.
KIND_RANK: dict[PlaceKind, int] = {
    PlaceKind.DETENTION_FACILITY: 0,
    PlaceKind.BORDER_CROSSING: 1,
    PlaceKind.TOWN: 2,
    PlaceKind.CITY: 3,
    PlaceKind.COUNTY: 3,  # a Chinese county or district is as specific as the city around it
    PlaceKind.PROVINCE: 5,
    PlaceKind.REGION: 6,
    PlaceKind.COUNTRY: 9,
}
# A named facility the gazetteer cannot know: "the Thang Tin border station", "Hun Sen park".
FACILITY = re.compile(
    r"\b(?:at|in|near)\s+(?:the\s+)?(?P<name>(?:[A-Z][\w’'-]*\s+){1,4}?)"
    r"(?P<kind>border station|border post|border checkpoint|checkpoint|park|bus station|"
    r"bus terminal|border village|village|port)\b"
)
_POSSESSIVE = re.compile(r"^.*[’']s\s+")
_AGENCY_NOT = re.compile(
    r"^\s*(?:station|headquarters|roadblock|chief|officer|commissioner|barracks|cent(?:er|re)|"
    r"spokes\w+|officials? said)",
    re.IGNORECASE,
)
_COUNTRY_IN = re.compile(
    r"\b(?:in|inside|within)\s+(?:the\s+)?(?:(?:north|south|east|west|northern|southern|eastern|"
    r"western|northeastern|northwestern|southeastern|southwestern|central)\s+)?"
    rf"(?P<name>{p._words(*(n.title() for n in p.COUNTRY_NAMES))})\b"
)
EXCLUDED_COUNTRIES = frozenset({"KP", "KR"})
_SPEAKER_AFTER = re.compile(
    r"[\s,]*(?:said|say|says|told|reported|announced|stated)\b", re.IGNORECASE
)
_SAID_THEY_ARRESTED = re.compile(
    r"\s*(?:said|say|says|announced|confirmed)\b[^.;]{0,30}?\b(?:they|it)\s+(?:had|have)\s+"
    r"(?:\w+\s+)?(?:arrested|detained|caught|apprehended|seized)",
    re.IGNORECASE,
)
# Not a place of apprehension: a country is the country field; a region ("northeastern China",
# "the Yalu River") is too vague to name where a group was caught.
_TOO_VAGUE = frozenset({PlaceKind.COUNTRY, PlaceKind.REGION})


@dataclass(frozen=True)
class PlaceChoice:
    name: str
    place_id: str | None
    country: str | None
    start: int


def choose_place(
    ctx: DocContext,
    sentences: list[int],
    anchors: list[int],
    foreign: Sequence[int] = (),
    moves: Sequence[int] = (),
) -> PlaceChoice | None:
    """The most specific locative place in the apprehension sentences, nearest an anchor.

    `foreign` are positions of other groups' mentions: a place nearer to another group
    ("seven arrested at Jilin station, and five caught in Qinhuangdao") belongs to that group.
    """
    candidates: list[tuple[int, int, PlaceChoice]] = []
    for index in sentences:
        for choice, rank in _candidates(ctx, index):
            distance = _distance(choice.start, anchors)
            if rival_owns(ctx, index, choice.start, anchors, foreign):
                continue
            if _after_a_move(choice.start, anchors, _in_sentence(moves, ctx, index)):
                continue  # "detained and sent to a police station in Qingdao": a destination
            candidates.append((rank, distance, choice))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _candidates(ctx: DocContext, index: int) -> list[tuple[PlaceChoice, int]]:
    sentence = ctx.sentences[index]
    out: list[tuple[PlaceChoice, int]] = []
    for match in FACILITY.finditer(sentence.text):
        name = _POSSESSIVE.sub("", match.group("name") + match.group("kind"))
        if name[:1].isupper():
            name = re.sub(r"\s+", " ", name)
            out.append((PlaceChoice(name, None, None, sentence.start + match.start()), 0))
    for mention in ctx.places.get(index, []):
        kind = mention.place.kind
        if kind in _TOO_VAGUE or mention.place.country in EXCLUDED_COUNTRIES:
            continue
        if not _is_locative(sentence.text, mention.start - sentence.start):
            continue
        if _SPEAKER_AFTER.match(sentence.text, mention.end - sentence.start):
            continue  # "activists in Moscow said": where the source is, not the arrest
        choice = PlaceChoice(mention.text, mention.place.id, mention.place.country, mention.start)
        out.append((choice, KIND_RANK.get(kind, 7)))
    return out


def _after_a_move(position: int, anchors: Sequence[int], moves: Sequence[int]) -> bool:
    """Does a transfer or detention trigger stand between the arrest and this place?"""
    before = [a for a in anchors if a < position]
    if not before:
        return False
    nearest = max(before)
    return any(nearest < m < position for m in moves)


# Where one clause ends and the next begins inside a sentence: "Four were seized in Yanji on
# June 2, and a family of three was caught outside Dandong" tells two groups' facts apart.
CLAUSE_BREAK = re.compile(
    r";|,\s+(?:and|but|while|whereas)\b|\b(?:while|whereas)\b|"
    r",\s+(?:(?:most|many|some|all|none|several)\s+of\s+)?(?:whom|who|which)\b",
    re.IGNORECASE,
)


def rival_owns(
    ctx: DocContext, index: int, position: int, anchors: Sequence[int], foreign: Sequence[int]
) -> bool:
    """Does a fact at `position` belong to another group of the sentence? The group in the
    same clause owns it; when the clauses do not decide, the nearer group does."""
    rivals = _in_sentence(foreign, ctx, index)
    if not rivals:
        return False
    own = _in_sentence(anchors, ctx, index)
    own_clause = any(same_clause(ctx.text, position, a) for a in own)
    rival_clause = any(same_clause(ctx.text, position, r) for r in rivals)
    if own_clause != rival_clause:
        return rival_clause
    # "apprehended in Qingdao and three others in Yunnan": a fact between this group's words and
    # the next group's count is told of this group.
    if any(a < position for a in own) and all(r > position for r in rivals):
        return False
    if any(r < position for r in rivals) and all(a > position for a in own):
        return True
    return _distance(position, rivals) < _distance(position, anchors)


def own_clauses(ctx: DocContext, index: int, anchors: Sequence[int], foreign: Sequence[int]) -> str:
    """The sentence without the clauses that speak only of another group: in "four women were
    seized ..., and a family of three, including a boy, was caught", the boy is not the four's."""
    sentence = ctx.sentences[index]
    rivals = _in_sentence(foreign, ctx, index)
    if not rivals:
        return sentence.text
    own = _in_sentence(anchors, ctx, index)
    bounds = [sentence.start]
    bounds += [m.start() for m in CLAUSE_BREAK.finditer(ctx.text, sentence.start, sentence.end)]
    bounds.append(sentence.end)
    kept = [
        ctx.text[low:high]
        for low, high in itertools.pairwise(bounds)
        if any(low <= a < high for a in own) or not any(low <= r < high for r in rivals)
    ]
    return " ".join(kept)


def same_clause(text: str, a: int, b: int) -> bool:
    low, high = min(a, b), max(a, b)
    return CLAUSE_BREAK.search(text, low, high) is None


def _in_sentence(positions: Sequence[int], ctx: DocContext, index: int) -> list[int]:
    sentence = ctx.sentences[index]
    return [x for x in positions if sentence.start <= x < sentence.end]


def _distance(position: int, anchors: Sequence[int]) -> int:
    return min((abs(position - a) for a in anchors), default=0)


def _is_locative(text: str, rel: int) -> bool:
    """ "in Mong Cai", "at the border station" — not "left China", "to Laos", a dateline."""
    before = text[max(0, rel - 60) : rel]
    if p.NON_LOCATIVE_BEFORE.search(before):
        return False
    return bool(p.LOCATIVE_BEFORE.search(before))


def choose_country(ctx: DocContext, sentences: list[int], captor: str | None) -> str | None:
    """Country of apprehension when no place gives it: 'in Vietnam', the captor's nationality."""
    for index in sentences:
        text = ctx.sentences[index].text
        for match in _COUNTRY_IN.finditer(text):
            code = p.COUNTRY_NAMES[match.group("name").lower()]
            if code not in EXCLUDED_COUNTRIES:
                return code
    if captor:
        return captor_country(captor)
    return None


# "Vietnam has deported three", "China forcibly repatriated 600": the state named as the
# subject of the verb is the one holding the group.
_STATE_SUBJECT = re.compile(
    rf"\b(?P<name>{p._words(*(n.title() for n in p.COUNTRY_NAMES))})\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:\w+ly\s+)?$"
)


def acting_country(ctx: DocContext, starts: Sequence[tuple[int, int]]) -> str | None:
    """The country named right before one of the group's verbs, `starts` being (sentence index,
    trigger start) pairs."""
    for index, start in starts:
        sentence = ctx.sentences[index]
        before = ctx.text[max(sentence.start, start - 40) : start]
        match = _STATE_SUBJECT.search(before)
        if match:
            code = p.COUNTRY_NAMES[match.group("name").lower()]
            if code not in EXCLUDED_COUNTRIES:
                return code
    return None


def captor_country(agency: str) -> str | None:
    first = agency.split()[0].lower() if agency.split() else ""
    return p.NATIONALITY_ADJECTIVES.get(first) or p.COUNTRY_NAMES.get(first)


def document_country(ctx: DocContext) -> str | None:
    """The country the document is mostly about, as a last resort (North and South Korea aside)."""
    votes: Counter[str] = Counter()
    for index, mentions in ctx.places.items():
        text = ctx.sentences[index].text
        for mention in mentions:
            # Where things happen ("in Vietnam") outweighs routes and destinations.
            rel = mention.start - ctx.sentences[index].start
            votes[mention.place.country] += 2 if _is_locative(text, rel) else 1
    for match in re.finditer(
        rf"\b({p._words(*(n.title() for n in p.NATIONALITY_ADJECTIVES))})\b", ctx.text
    ):
        votes[p.NATIONALITY_ADJECTIVES[match.group(1).lower()]] += 1
    for code in EXCLUDED_COUNTRIES:
        votes.pop(code, None)
    return votes.most_common(1)[0][0] if votes else None


def choose_captor(
    ctx: DocContext, sentences: list[int], anchors: list[int], foreign: Sequence[int] = ()
) -> str | None:
    """The agency named as making the arrest, nearest an apprehension trigger."""
    best: tuple[tuple[bool, int], str] | None = None
    for index in sentences:
        sentence = ctx.sentences[index]
        for match in p.AGENCY.finditer(sentence.text):
            if not _is_captor(sentence.text, match):
                continue
            start = sentence.start + match.start()
            distance = _distance(start, anchors)
            if rival_owns(ctx, index, start, anchors, foreign):
                continue
            # "Thai police have arrested 15 ... Police found them in a bus": the named agency
            # outranks a bare "police" or "officers" in another sentence.
            rank = (_is_bare_agency(match.group(0)), distance)
            if best is None or rank < best[0]:
                best = (rank, _clean_agency(match.group(0)))
    return best[1] if best else None


_BARE_AGENCY = re.compile(
    r"(?:the\s+)?(?:police|officers|authorities|officials|guards|soldiers|troops)", re.IGNORECASE
)


def _is_bare_agency(text: str) -> bool:
    return bool(_BARE_AGENCY.fullmatch(text.strip()))


def _is_captor(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 30) : match.start()]
    after = text[match.end() : match.end() + 20]
    if re.search(r"\b(?:to|over to|custody of|from|with|told|and)\s+(?:the\s+)?$", before, re.I):
        return False
    if re.search(
        r"\b(?:claimed|according|stated|reported|announced)\s+(?:by|to)\s+(?:the\s+)?$",
        before,
        re.I,
    ):
        return False  # "as claimed by authorities": a source, not a captor
    if _AGENCY_NOT.match(after) or p.NON_CAPTOR.search(match.group(0)):
        return False
    if _SAID_THEY_ARRESTED.match(text, match.end()):
        return True  # "Thai police said on Tuesday they had detained 169 North Koreans"
    return not re.match(r"\s*(?:said|say|says|told|confirmed|denied)", after)


def _clean_agency(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    return value[0].upper() + value[1:] if value else value


def place_kind_rank(mention: PlaceMention) -> int:
    return KIND_RANK.get(mention.place.kind, 7)
