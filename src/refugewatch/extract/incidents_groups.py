"""Coreference: fold every mention of the same group into one, and attach events to groups.

A news story names its group many times (headline, lead, body: "nine North Korean refugees",
"the nine", "the group", "they"). Mentions with the same size are one group; "10 of the original
14" is a sub-group of the 14; pronouns and "the group" continue the group named last. A group
whose size is the sum of two other reported groups ("12 arrested in two groups" = 7 + 5) is a
total, not a group of its own: its facts pass to the parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from refugewatch.extract import patterns as p
from refugewatch.extract.dates import DateMention
from refugewatch.extract.incidents_context import DocContext
from refugewatch.extract.incidents_events import Event
from refugewatch.extract.incidents_mentions import GroupMention, find_group_mentions
from refugewatch.extract.patterns import EventKind
from refugewatch.model.counts import Qualifier
from refugewatch.model.dates import Precision

# Sentences after the last mention of a group within which "they"/"the group" still refer to it.
ANAPHORA_REACH = 4
# Characters around a count searched for tally wording ("since July 2016", "a total of").
TALLY_WINDOW = 100
# Weaker tally words ("number of", "cases") count only right beside the figure.
TALLY_NEAR = 35


@dataclass
class Group:
    size: int
    key: int = 0  # identity within the document: two groups may share a size
    mentions: list[GroupMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)  # every sentence that speaks of the group
    parent: int | None = None  # size of the group this one is a part of
    nationality: str = "KP"
    inherited: list[Event] = field(default_factory=list)  # events of a dissolved total
    # Sentences that describe members without naming the group ("among them are two women"):
    # read for vulnerable members only.
    member_sentences: set[int] = field(default_factory=set)

    @property
    def first(self) -> GroupMention:
        return min(self.mentions, key=lambda m: m.start)

    @property
    def direct_sentences(self) -> set[int]:
        return {m.sentence for m in self.mentions}

    def all_events(self) -> list[Event]:
        return sorted(self.events + self.inherited, key=lambda e: e.start)


def build_groups(ctx: DocContext) -> list[Group]:
    concrete = _read_document(ctx, definite_singular=False)
    if not concrete:
        # A story about one person may never count them ("The ex-logger ... grabbed him").
        concrete = _read_document(ctx, definite_singular=True)
    return _dissolve_totals(ctx, concrete)


def _read_document(ctx: DocContext, *, definite_singular: bool) -> list[Group]:
    state = _State(definite_singular=definite_singular)
    for index in range(len(ctx.sentences)):
        _read_sentence(ctx, index, state)
    return [g for g in state.groups.values() if _is_incident(g)]


@dataclass
class _State:
    groups: dict[int, Group] = field(default_factory=dict)  # by key
    owner_of: dict[int, int] = field(default_factory=dict)  # mention start -> group key
    latest_by_size: dict[int, int] = field(default_factory=dict)  # size -> key named last
    focus: tuple[int, int] | None = None  # (group key, sentence index) named last
    definite_singular: bool = False  # read "the defector" as a group of one
    # Facts told of a group before it is counted ("A group of defectors ... arrived"), waiting
    # for the first counted mention to claim them.
    pending: list[Event] = field(default_factory=list)


def _read_sentence(ctx: DocContext, index: int, state: _State) -> None:
    before = state.focus
    mentions, tallied = _group_mentions(ctx, index, state.definite_singular)
    facts = [_describing(e, mentions) for e in ctx.events.get(index, [])]
    facts = [e for e in facts if e.is_fact]
    for mention in mentions:
        group = _group_for(state, mention)
        group.sentences.add(index)
        group.events.extend(_adjective_events(ctx, mention))
        if state.pending:
            group.events.extend(state.pending)
            state.pending = []
        state.focus = (group.key, index)
    if tallied:
        return
    if mentions:
        for event in facts:
            owner = _owner(ctx, state, before, mentions, event)
            owner.events.append(event)
            _share_with_coordinated(ctx, state, mentions, owner, event)
        _share_verbs(state, index, mentions)
        for mention in mentions:
            if mention.aggregate:  # "to bring the total to 468": the total shares every fact
                state.groups[state.owner_of[mention.start]].events.extend(facts)
    elif index in ctx.generic_sentences:
        return
    elif state.focus is not None and _continues(ctx, index, state.focus, state):
        group = _referent(ctx, index, state.groups[state.focus[0]], state)
        group.events.extend(facts)
        group.sentences.add(index)
        state.focus = (group.key, index)
    elif facts and state.focus is None and _is_lead_about_a_group(ctx, index):
        state.pending.extend(facts)


def _share_with_coordinated(
    ctx: DocContext, state: _State, mentions: list[GroupMention], owner: Group, event: Event
) -> None:
    """ "10 North Koreans and two South Korean aid workers who were detained": the helpers'
    verb is the North Koreans' too (the helpers themselves are never reported as a group)."""
    if owner.nationality != p.SOUTH_KOREA:
        return
    for mention in mentions:
        group = state.groups[state.owner_of[mention.start]]
        if group.nationality == p.SOUTH_KOREA or mention.start > event.start:
            continue
        helper = next(m for m in owner.mentions if m.sentence == mention.sentence)
        gap = ctx.text[mention.end : helper.start]
        if _COORDINATED.fullmatch(gap) and event not in group.events:
            group.events.append(event)


_COORDINATED = re.compile(r"[^.;]{0,60}?\b(?:and|with|plus)\s+(?:their\s+|the\s+)?", re.I)


def _share_verbs(state: _State, index: int, mentions: list[GroupMention]) -> None:
    """ "the return of 500 on Oct. 9, 40 others on Sept. 18": each list item shares the verb
    of the group that heads the list."""
    lead: GroupMention | None = None
    for mention in mentions:
        if mention.member:
            continue
        if not mention.shares_verb or lead is None:
            lead = mention if not mention.shares_verb else lead
            continue
        head = state.groups[state.owner_of[lead.start]]
        item = state.groups[state.owner_of[mention.start]]
        if item is head:
            continue
        item.events.extend(e for e in head.events if e.sentence == index and e not in item.events)


def _referent(ctx: DocContext, index: int, focus: Group, state: _State) -> Group:
    """Whom "they" means. A quotation that opens a sentence is a new voice on the story's main
    group: after "three of them were re-arrested", a witness saying "They were released into
    Thailand" speaks of all 19, not of the three."""
    text = ctx.sentences[index].text
    parent = state.latest_by_size.get(focus.parent) if focus.parent is not None else None
    if text[:1] in _QUOTE_OPENERS and parent is not None:
        return state.groups[parent]
    return focus


_QUOTE_OPENERS = frozenset("\"“‘'")


def _describing(event: Event, mentions: list[GroupMention]) -> Event:
    """ "seven defectors held in Yanji", right after the mention, describes the group as it is,
    even inside a hedged clause ("activists fear the seven defectors held in Yanji will ...").
    For a rounded figure it is a state, not an arrest: "more than 38 refugees detained"."""
    owner = next((m for m in mentions if 0 <= event.start - m.end <= 2), None)
    if owner is None or event.negated or event.kind not in (EventKind.APPREHENSION, EventKind.HELD):
        return event
    kind = EventKind.HELD if owner.count.qualifier is not Qualifier.EXACT else event.kind
    return replace(event, hedged=False, kind=kind)


# A group named without a number: its facts wait for the first counted mention.
_UNCOUNTED_GROUP = re.compile(
    r"\b(?:a|the) group of (?:[\w-]+\s+){0,2}(?:defectors|refugees|North Koreans|escapees)\b|"
    r"\bNorth Korean (?:defectors|refugees|escapees|asylum[- ]seekers)\b",
    re.IGNORECASE,
)
# Only the headline and lead introduce a group before counting it; later uncounted mentions
# ("North Korean refugees were sent back in the 1990s") are background.
LEAD_SENTENCES = 6


def _is_lead_about_a_group(ctx: DocContext, index: int) -> bool:
    return index < LEAD_SENTENCES and bool(_UNCOUNTED_GROUP.search(ctx.sentences[index].text))


# Participles inside a mention ("seven detained refugees") report detention.
_ADJECTIVE_HELD = re.compile(r"\b(?:detained|arrested|imprisoned|jailed|captured)\b", re.IGNORECASE)


def _adjective_events(ctx: DocContext, mention: GroupMention) -> list[Event]:
    words = ctx.text[mention.start : mention.end]
    match = _ADJECTIVE_HELD.search(words)
    if match is None:
        return []
    start = mention.start + match.start()
    return [Event(EventKind.HELD, start, start + len(match.group(0)), mention.sentence, "held")]


def _group_mentions(
    ctx: DocContext, index: int, definite_singular: bool = False
) -> tuple[list[GroupMention], bool]:
    """Group mentions of one sentence, and whether a tally mention was set aside there."""
    sentence = ctx.sentences[index]
    found = find_group_mentions(
        sentence,
        index,
        ctx.counts.get(index, []),
        ctx.nk_context(index),
        definite_singular=definite_singular,
    )
    kept = [m for m in found if not m.member]
    groups = [m for m in kept if not _is_tally(ctx, index, m)]
    return groups, len(groups) < len(kept)


# A relative clause about the group's past ("..., most of whom had been held since 2020") is
# not a tally cue for the figure: the main clause says what happened to the group.
_PAST_ASIDE = re.compile(
    r",\s+(?:most|many|some|all|none|several|one|two|three)\s+of\s+(?:whom|them)\b", re.IGNORECASE
)


_ESTIMATE = re.compile(r"\bestimated?\b", re.IGNORECASE)
# Below this size an exact figure dated "this year" or "last year" is a group told in passing;
# tallies of a year run larger or come rounded ("more than 400 this year").
SMALL_EXACT_GROUP = 20
_YEAR_ONLY_CUES = re.compile(
    r"\b(?:earlier|later)\s+this\s+year\b|\bthis\s+year\b|\blast\s+year\b", re.IGNORECASE
)
# How long one counted group has been held is not a running tally.
_HELD_SINCE = re.compile(
    r"\b(?:detained|held|jailed|imprisoned|in\s+custody|in\s+detention)\s+(?:[\w-]+\s+){0,3}?"
    r"since\b",
    re.IGNORECASE,
)


def _own_clause(window: str) -> str:
    aside = _PAST_ASIDE.search(window, TALLY_WINDOW // 2)
    return window[: aside.start()] if aside else window


def _without_precise_dates(ctx: DocContext, index: int) -> str:
    """The sentence with its day and month dates blanked: "in December of last year" dates one
    event, while a bare "last year" marks a running tally."""
    sentence = ctx.sentences[index]
    text = sentence.text
    for date in ctx.dates.get(index, []):
        low, high = date.start - sentence.start, date.end - sentence.start
        if date.value.precision not in (Precision.DAY, Precision.MONTH):
            continue
        if _PERIOD_LEAD.search(text, max(0, low - 10), low):
            continue  # "since July last year" opens a period: the tally cue stays
        text = text[:low] + " " * (high - low) + text[high:]
    return text


_PERIOD_LEAD = re.compile(r"\b(?:since|between|from|through|until|to|and)\s+$", re.IGNORECASE)


def _names_a_day(date: DateMention) -> bool:
    """ "on October 9": a day, even when no publication date gives its year."""
    if date.value.precision is Precision.DAY:
        return True
    return not date.value.is_known and bool(_MONTH_DAY.search(date.text))


_MONTH_DAY = re.compile(r"[A-Za-z]{3,}\.?\s+\d{1,2}\b|\b\d{1,2}\s+[A-Z][a-z]{2,}")


def _is_tally(ctx: DocContext, index: int, mention: GroupMention) -> bool:
    if ctx.in_statistic(mention.start, mention.end):
        return True
    sentence = ctx.sentences[index]
    rel_start, rel_end = mention.start - sentence.start, mention.end - sentence.start
    text = _without_precise_dates(ctx, index)
    window = _own_clause(text[max(0, rel_start - TALLY_WINDOW) : rel_end + TALLY_WINDOW])
    if mention.count.qualifier is Qualifier.EXACT:
        window = _HELD_SINCE.sub(" ", window)  # "eight ... who have been detained since March"
        if (mention.size or 0) < SMALL_EXACT_GROUP:
            # "Earlier this year, three defectors were arrested in Yunnan": when, not a tally
            window = _YEAR_ONLY_CUES.sub(" ", window)
    near = text[max(0, rel_start - TALLY_NEAR) : rel_end + TALLY_NEAR]
    on_a_day = any(_names_a_day(d) for d in ctx.dates.get(index, []))
    if on_a_day:
        # "On 9 October, rights groups estimate China repatriated more than 500": an estimate
        # of one event's size, not a running tally.
        window = _ESTIMATE.sub(" ", window)
    if p.TALLY.search(window) or p.TALLY_NEAR.search(near):
        return True
    size = mention.size or 0
    fuzzy = mention.count.qualifier is not Qualifier.EXACT
    if fuzzy and mention.parent_count is not None:
        return True  # "at least 13 of the North Koreans had been returned": part of a tally
    if fuzzy and size >= p.TALLY_FUZZY_MIN and not on_a_day:
        return True
    return size >= p.LARGE_GROUP_MIN


def _group_for(state: _State, mention: GroupMention) -> Group:
    """The group a mention names: the last group of that size, unless the text says it is
    another one ("a second group of five"), or a new group."""
    size = mention.size or 0
    key = state.latest_by_size.get(size)
    if key is None or (mention.distinct and _already_told(state.groups[key], mention)):
        key = len(state.groups)
        state.groups[key] = Group(size=size, key=key, nationality=mention.nationality)
        state.latest_by_size[size] = key
    group = state.groups[key]
    group.mentions.append(mention)
    state.owner_of[mention.start] = key
    if mention.parent_count is not None and group.parent is None:
        parent = mention.parent_count
        focus = state.groups[state.focus[0]] if state.focus is not None else None
        if parent < 0 and focus is not None and focus.size != size:
            parent = focus.size
        if parent > size:
            group.parent = parent
    return group


def _already_told(group: Group, mention: GroupMention) -> bool:
    """Has the group of this size been told about, before "another three" names a new one?"""
    return bool(group.events) or any(m.sentence == mention.sentence for m in group.mentions)


def _owner(
    ctx: DocContext,
    state: _State,
    before: tuple[int, int] | None,
    mentions: list[GroupMention],
    event: Event,
) -> Group:
    """The group an event belongs to: a mention in the same clause, else (for "The arrests were
    made on Oct. 23, and one defector held a Chinese passport") the group already in focus."""
    sentence = ctx.sentences[event.sentence]
    clause = _clause_of(sentence.text, event.start - sentence.start)
    same = [m for m in mentions if _clause_of(sentence.text, m.start - sentence.start) == clause]
    if same:
        return _nearest_group(state, same, event)
    earlier = [m for m in mentions if m.end <= event.start]
    if earlier:  # "Two of the nine alerted groups, and they were able to escape": the subject
        return _nearest_group(state, earlier, event)
    if before is not None and _continues(ctx, event.sentence, before, state):
        return state.groups[before[0]]
    return _nearest_group(state, mentions, event)


_CLAUSE_BOUNDARY = re.compile(
    r";|,\s+(?:and|but|while|whereas)\s+(?!\w+\s+(?:and|or)\b)|,\s+according to\b", re.IGNORECASE
)


def _clause_of(text: str, position: int) -> int:
    return sum(1 for m in _CLAUSE_BOUNDARY.finditer(text, 0, max(0, position)))


def _nearest_group(state: _State, mentions: list[GroupMention], event: Event) -> Group:
    def distance(m: GroupMention) -> int:
        if m.end <= event.start:
            return event.start - m.end
        if event.end <= m.start:
            return m.start - event.end + 5  # a subject before the verb is the likelier owner
        return 0

    best = min(mentions, key=distance)
    return state.groups[state.owner_of[best.start]]


def _continues(ctx: DocContext, index: int, focus: tuple[int, int], state: _State) -> bool:
    """Does this sentence, naming no group, go on about the group named last?"""
    if index - focus[1] > ANAPHORA_REACH:
        return False
    text = ctx.sentences[index].text
    if not any(_names_the_group(text, m) for m in p.ANAPHORA.finditer(text)):
        return False
    if state.groups[focus[0]].size == 1:
        return True
    return not _only_singular(text)


# "the two detained guides", "their guide": the words after the anaphor name someone else.
_OTHERS_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:guides?|brokers?|smugglers?|missionar(?:y|ies)|pastors?|helpers?|"
    r"activists?|relatives|famil(?:y|ies)\s+in)\b",
    re.IGNORECASE,
)


def _names_the_group(text: str, anaphor: re.Match[str]) -> bool:
    return not _OTHERS_AFTER.match(text, anaphor.end())


def _only_singular(text: str) -> bool:
    plural = re.sub(p.SINGULAR_ANAPHORA.pattern, "", text, flags=re.IGNORECASE)
    return not p.ANAPHORA.search(plural)


def _is_incident(group: Group) -> bool:
    """Something concrete happened to the group. A fuzzy figure only said to be held ("more
    than 38 refugees detained in China") is a running tally, not one group."""
    kinds = {e.kind for e in group.events} - {EventKind.UNCLEAR}
    if not kinds:
        return False
    fuzzy = any(m.count.qualifier is not Qualifier.EXACT for m in group.mentions)
    # "314 female defectors are being imprisoned there": a centre's population, not one group.
    population = group.size >= p.TALLY_FUZZY_MIN
    return not ((fuzzy or population) and kinds == {EventKind.HELD})


def _dissolve_totals(ctx: DocContext, groups: list[Group]) -> list[Group]:
    """A group that is the sum of two others is their total: drop it, hand its facts down."""
    kept: list[Group] = []
    for group in groups:
        parts = _parts(ctx, group, groups)
        if parts is None:
            kept.append(group)
            continue
        for part in parts:
            part.inherited.extend(group.events)
            part.sentences |= group.sentences
            if part.parent == group.size:
                part.parent = None
    if len(kept) == len(groups):
        return groups
    present = {g.size for g in kept}
    for group in kept:
        if group.parent is not None and group.parent not in present:
            group.parent = None
    return kept


# A total says it has parts: "twelve arrested in two groups", "in separate raids".
_IN_PARTS = re.compile(
    r"\b(?:(?:two|three|separate|different)\s+(?:groups|operations|raids|incidents|places)|"
    r"in\s+(?:total|all)|combined|altogether)\b",
    re.IGNORECASE,
)


def _told_as_parts(ctx: DocContext, total: Group, a: Group, b: Group) -> bool:
    """A breakdown is told together ("seven at the station, and five in a car"; "ten detained,
    releasing one"), one part is told as "a second group", or the total says it has parts."""
    parts = a.direct_sentences | b.direct_sentences
    if a.direct_sentences & b.direct_sentences or parts & total.direct_sentences:
        return True
    if any(m.distinct and m.start > total.first.start for m in (*a.mentions, *b.mentions)):
        return True  # "... a group of seven ... a second group of five": the twelve's parts
    return any(_IN_PARTS.search(ctx.sentences[i].text) for i in total.direct_sentences)


def _parts(ctx: DocContext, total: Group, groups: list[Group]) -> tuple[Group, Group] | None:
    """Two groups whose sizes add up to this one, not both told before it: a total introduces
    or sums its parts ("12 arrested ... seven at the station and five in a car"); a group told
    after two others that happen to add up to it is a group of its own."""
    others = [g for g in groups if g is not total and g.size < total.size]
    for i, a in enumerate(others):
        for b in others[i + 1 :]:
            if max(a.first.start, b.first.start) < total.first.start:
                continue
            if not _told_as_parts(ctx, total, a, b):
                continue
            if (
                a.size + b.size == total.size
                and a.parent in (None, total.size)
                and b.parent
                in (
                    None,
                    total.size,
                )
            ):
                return a, b
    return None
