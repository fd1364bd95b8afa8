"""Appeals: who wrote to (or called on) whom, when, asking what.

"Human Rights Watch wrote to President Xi Jinping on Nov. 24", "UN special rapporteurs sent a
letter dated Feb. 15 to the Chinese government ... urging it not to repatriate", "China should
reveal their whereabouts, Human Rights Watch said today". Each sentence is read by a few trigger
rules (a letter, an urging verb, a "should" recommendation with its attribution); the statements
of one appeal spread over a text ("They also asked China to provide ...") are merged into one
Appeal by sender and addressee, with the union of what they ask.

The asks are normalised to a short vocabulary (ASK_RULES) so appeals can be compared and tracked:
"no forced return", "reveal whereabouts", "UNHCR access", "safe passage to third country", ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from refugewatch.extract.dates import DateMention, find_dates
from refugewatch.extract.sentences import Sentence, split_sentences
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Appeal, Confidence, Span

# --- what is asked --------------------------------------------------------------------------

ASK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (
            "no forced return",
            r"\bnot\s+(?:to\s+)?(?:forcibly\s+)?(?:repatriate|return|send|deport|refoul|hand)"
            r"|\brefrain\s+from\s+(?:forcibly\s+)?(?:repatriat|return|deport|send)"
            r"|\b(?:halt|stop|end|suspend|prevent|cease)\s+(?:the\s+|all\s+|its\s+)?(?:forced\s+"
            r"|forcible\s+)?(?:repatriation|return|deportation|refoulement)"
            r"|\bnone\s+of\s+them\s+will\s+be\s+(?:returned|repatriated|sent)"
            r"|\bnon-refoulement|\bnot\s+(?:be\s+)?(?:forcibly\s+)?(?:repatriated|returned"
            r"|deported|sent\s+back)",
        ),
        ("reveal whereabouts", r"\bwhereabouts\b"),
        (
            "provide information",
            r"\b(?:provide|disclose|share|give|release)\s+(?:\w+\s+){0,3}information"
            r"|\blegal\s+grounds\b|\bask\w*\s+for\s+information",
        ),
        (
            "UNHCR access",
            r"\b(?:UNHCR|UN\s+refugee\s+agency|U\.N\.\s+refugee\s+agency)\b[^.]{0,60}\baccess\b"
            r"|\baccess\b[^.]{0,60}\b(?:UNHCR|(?:UN|U\.N\.)\s+refugee\s+agency)",
        ),
        (
            "safe passage to third country",
            r"\bthird\s+countr(?:y|ies)|\bsafe\s+passage|\b(?:travel|go|leave|depart|proceed)"
            r"\s+(?:safely\s+)?to\s+South\s+Korea|\bresettle|\bsend\s+them\s+(?:on\s+)?to\s+(?:South"
            r"\s+Korea|the\s+South|Seoul|a\s+third\s+country)",
        ),
        ("asylum or refugee status", r"\basylum\b|\brefugee\s+status|\bas\s+refugees\b"),
        ("release", r"\brelease\s+(?:them|the|all|those|these|him|her|their)\b"),
        ("fair proceedings", r"\bfair\s+(?:proceedings|trial)|\bdue\s+process\b"),
        (
            "protection and care",
            r"\bspecial\s+protection|\bmedical\s+(?:care|treatment)|\bhealth\s+(?:care|attention)"
            r"|\bhumane(?:ly)?\b",
        ),
        (
            "respect treaty obligations",
            r"\bobligations\s+under|\bRefugee\s+Convention|\bConvention\s+against\s+Torture",
        ),
    )
)

# --- triggers -------------------------------------------------------------------------------

_LETTER_NOUN = r"(?:letter|communication|appeal|petition|note|open\s+letter|joint\s+letter)"
# "X wrote to Y", "X sent a letter (dated Feb. 15) to Y", "X sent her first public letter to Y".
LETTER_VERB = re.compile(
    rf"\b(?:(?:wrote|writes|has\s+written)\s+(?:(?:a|an|the|her|his|their|its|first|second"
    rf"|joint|public|open|urgent|formal)\s+)*(?:{_LETTER_NOUN}\s+)?"
    rf"|(?:sent|addressed|submitted|delivered|issued)\s+(?:(?:a|an|the|her|his|their|its|first"
    rf"|second|joint|public|open|urgent|formal)\s+)*{_LETTER_NOUN}\s+)"
    rf"(?:dated\s+[^,;]{{3,25}}?\s+)?(?:to|on)\s+(?=\S)",
    re.IGNORECASE,
)
# "In a letter to Y, X ...", "Letter from X to Y", "a letter from X to Y".
LETTER_NOUN_TO = re.compile(
    rf"\b{_LETTER_NOUN}\s+(?:dated\s+[^,;]{{3,25}}?\s+)?(?:from\s+(?P<from>[^,;]{{3,80}}?)\s+)?to\s+(?=\S)",
    re.IGNORECASE,
)
# "a letter that X sent to Y", "a letter which X addressed to Y".
LETTER_RELATIVE = re.compile(
    rf"\b{_LETTER_NOUN}\s+(?:that|which)\s+(?P<from>[^,;]{{3,120}}?)\s+(?:sent|wrote|addressed"
    rf"|delivered)\s+to\s+(?=\S)",
    re.IGNORECASE,
)
# "X urged Y to", "X called on Y not to", "X asked Y to", "made an appeal for Y to".
URGE_VERB = re.compile(
    r"\b(?:urged|urges|urging|called\s+(?:on|for)|calls\s+(?:on|for)|calling\s+(?:on|for)"
    r"|appealed\s+to|appeals\s+to"
    r"|asked|asks|asking|is\s+asking|requested|requests|pressed|presses|implored|made\s+an"
    r"\s+appeal\s+for|make\s+an\s+appeal\s+for)\s+(?=\S)",
    re.IGNORECASE,
)
# "China should reveal their whereabouts ..., Human Rights Watch said today."
SHOULD = re.compile(r"\b(?:should|must)\s+(?:immediately\s+|urgently\s+|also\s+)?(?=\w)")
# "We write to request that you ..." in a letter's body: sender and addressee from its heading.
# No word boundary before "We": scraped pages glue headings to the body ("RefugeesWe write").
WE_WRITE = re.compile(r"(?<![A-Z])We\s+(?:write|are\s+writing)\s+to\s+(?:request|urge|ask|appeal)")
LETTER_HEADING = re.compile(
    r"\bLetter\s+from\s+(?P<from>[A-Z][^\n|]{2,60}?)\s+to\s+(?P<to>[A-Z][^\n|]{2,60}?)(?=\s*(?:\||Re:|re:|\n|$))"
)
# Requests that are not appeals: "a worker who asked not to be named".
NOT_AN_APPEAL = re.compile(
    r"\basked\s+not\s+to\s+be\s+(?:named|identified)|\basked\s+(?:for\s+)?anonymity", re.I
)
ATTRIBUTION = re.compile(
    r"(?:,|[”\"])\s*(?:[”\"]\s*)?(?P<who>(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|of|for|on"
    r"|the|and))*)\s+(?:said|says|stated|urged|added)\b"
    r"|\b(?:said|says|stated|urged|added)\s+(?P<who2>(?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)"
)

# --- noun phrases for sender and addressee --------------------------------------------------

# Lower-case words allowed inside a sender's or addressee's name ("the Chinese government",
# "UN special rapporteurs", "China's leaders", "the U.N. human rights officials").
NAME_WORDS = frozenset(
    [
        "the", "of", "on", "for", "and", "both", "government", "authorities", "leaders",
        "leader", "officials", "official", "president", "prime", "minister", "ministry",
        "foreign", "public", "security", "embassy", "special", "rapporteur", "rapporteurs",
        "human", "rights", "working", "group", "groups", "office", "experts", "expert", "high",
        "commissioner", "agency", "organization", "organizations", "activists", "two", "three",
        "several", "un", "u.n.", "police", "refugee", "commission", "council", "committee",
        "department", "parliament", "lawmakers", "families", "relatives", "ngos", "coalition",
        "alliance", "network", "envoy", "ambassador", "secretary", "general", "chief",
        "spokesperson", "spokesman", "spokeswoman", "affairs", "unification", "national",
        "international",
    ]
)  # fmt: skip
# A sender that only points back ("They also asked ..."): the appeal continues the previous one.
ANAPHORS = frozenset(
    ["they", "it", "we", "he", "she", "the letter", "the three", "the two", "both"]
)
PRONOUN_ADDRESSEES = frozenset(["her", "him", "them", "us", "me", "it", "you"])
MAX_NAME_WORDS = 12
MAX_EVIDENCE_CHARS = 300
# An appeal's statements are merged when they come this close (in sentences) with an anaphoric
# sender; farther apart, "They asked" may point at anyone.
ANAPHOR_REACH_SENTENCES = 6
# A letter's date is often stated a little later ("The letter was dated Feb. 15").
DATED_REACH_SENTENCES = 6
# A dateline ("SEOUL, Dec. 30 (UPI) --") dates the report, not the letter.
DATELINE_AFTER = re.compile(r"\s*\([\w.' ]{2,30}\)\s*(?:--|-|–|—)")
# Parties named in different ways ("the U.N.", "UN special rapporteurs"; "Beijing", "the Chinese
# government") are one party when they name the same state or body; used to merge statements.
PARTY_ALIASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.IGNORECASE))
    for key, pattern in (
        ("UN", r"\b(?:UN|U\.N\.?|United\s+Nations|special\s+rapporteurs?|OHCHR|working\s+group"
         r"|high\s+commissioner)\b"),
        ("HRW", r"\bHuman\s+Rights\s+Watch\b|\bHRW\b"),
        ("Amnesty", r"\bAmnesty\b"),
        ("CN", r"\b(?:China|Chinese|Beijing|Xi\s+Jinping|PRC)\b"),
        ("VN", r"\b(?:Vietnam|Viet\s+Nam|Vietnamese|Hanoi)\b"),
        ("LA", r"\b(?:Laos|Lao|Laotian|Vientiane)\b"),
        ("TH", r"\b(?:Thailand|Thai|Bangkok)\b"),
        ("RU", r"\b(?:Russia|Russian|Moscow|Kremlin)\b"),
        ("MN", r"\b(?:Mongolia|Mongolian|Ulaanbaatar)\b"),
        ("KR", r"\b(?:South\s+Korea|South\s+Korean|Seoul)\b"),
    )
)  # fmt: skip
DATED = re.compile(r"\bdated\s+$", re.IGNORECASE)
NOT_WRITING_DATE = re.compile(
    r"\b(?:released|published|disclosed|made\s+public|reported|replied|arrested|detained)\s+"
    r"(?:by\s+[^,]{1,40}\s+)?(?:on\s+|in\s+)?$",
    re.IGNORECASE,
)
TODAY = re.compile(r"\b(?:said|says|urged|stated)\s+today\b", re.IGNORECASE)


@dataclass
class _Statement:
    sentence_index: int
    span: Span
    sender: str | None
    addressee: str | None
    date: FuzzyDate
    asks: list[str] = field(default_factory=list)
    letter: bool = False


def find_appeals(text: str, published: FuzzyDate) -> list[Appeal]:
    """Appeals in `text`: one per sender and addressee, with the union of their asks."""
    sentences = split_sentences(text)
    dates = find_dates(text, published)
    heading = LETTER_HEADING.search(text)
    statements: list[_Statement] = []
    for index, sentence in enumerate(sentences):
        statement = _statement(text, sentence, index, dates, published, heading)
        if statement is not None:
            statements.append(statement)
    for statement in statements:
        if statement.letter and not statement.date.is_known:
            statement.date = _later_dated(sentences, statement.sentence_index, dates)
    # An appeal nobody can be said to have made is not recorded.
    return [_appeal(group) for group in _merge(statements) if _sender_of(group)]


def _statement(
    text: str,
    sentence: Sentence,
    index: int,
    dates: list[DateMention],
    published: FuzzyDate,
    heading: re.Match[str] | None,
) -> _Statement | None:
    body = sentence.text
    if NOT_AN_APPEAL.search(body):
        return None
    found = _letter(body) or _urging(body) or _recommendation(body) or _letter_body(body, heading)
    if found is None:
        return None
    sender, addressee, letter, trigger = found
    asks = _asks(body)
    if addressee is not None and addressee.lower() in PRONOUN_ADDRESSEES:
        return None
    if not letter and not asks:
        return None
    span = _evidence(text, sentence, sentence.start + trigger)
    date = _date_in(text, sentence, dates, published)
    return _Statement(index, span, sender, addressee, date, asks, letter)


def _evidence(text: str, sentence: Sentence, trigger: int) -> Span:
    """The sentence, or in a run-on page a window of it around the trigger."""
    start, end = sentence.start, sentence.end
    if end - start > MAX_EVIDENCE_CHARS:
        start = max(start, trigger - MAX_EVIDENCE_CHARS // 3)
        end = min(end, start + MAX_EVIDENCE_CHARS)
    return Span(start, end, text[start:end])


# (sender, addressee, is a letter, offset of the trigger in the sentence)
Found = tuple[str | None, str | None, bool, int] | None


def _letter(body: str) -> Found:
    match = LETTER_VERB.search(body)
    if match is not None:
        addressee = _name_after(body, match.end())
        if addressee:
            return _sender_before(body, match.start()), addressee, True, match.start()
    relative = LETTER_RELATIVE.search(body)
    if relative is not None:
        addressee = _name_after(body, relative.end())
        if addressee:
            return _clean_name(relative.group("from")), addressee, True, relative.start()
    noun = LETTER_NOUN_TO.search(body)
    if noun is not None:
        addressee = _name_after(body, noun.end())
        sender = _clean_name(noun.group("from")) or _subject_after_clause(body, noun.end())
        if addressee:
            return sender, addressee, True, noun.start()
    return None


def _urging(body: str) -> Found:
    for match in URGE_VERB.finditer(body):
        addressee = _name_after(body, match.end())
        if addressee:
            sender = _sender_before(body, match.start()) or _attribution(body)
            return sender, addressee, False, match.start()
    return None


def _recommendation(body: str) -> Found:
    match = SHOULD.search(body)
    if match is None:
        return None
    addressee = _name_before(body, match.start())
    if addressee is None:
        return None
    # Unattributed ("China should reveal their whereabouts.") continues the appeal before it.
    return _attribution(body), addressee, False, match.start()


def _letter_body(body: str, heading: re.Match[str] | None) -> Found:
    match = WE_WRITE.search(body) if heading is not None else None
    if heading is None or match is None:
        return None
    return heading.group("from").strip(), heading.group("to").strip(), True, match.start()


def _attribution(body: str) -> str | None:
    # The last attribution in the sentence names who is speaking ("..., HRW said today.").
    matches = list(ATTRIBUTION.finditer(body))
    if not matches:
        return None
    return _clean_name(matches[-1].group("who") or matches[-1].group("who2"))


_TOKEN = re.compile(r"[A-Za-z][\w.’'-]*")


def _name_after(body: str, position: int) -> str | None:
    """The name right after a trigger ("to the Chinese government, ..." -> the government)."""
    words: list[str] = []
    for match in _TOKEN.finditer(body, position):
        gap = body[position : match.start()]
        if gap.strip() or len(words) >= MAX_NAME_WORDS or not _is_name_word(match.group(0)):
            break
        words.append(match.group(0))
        position = match.end()
    return _clean_name(" ".join(words))


def _name_before(body: str, position: int) -> str | None:
    """The name right before a verb ("..., China and Vietnam should" -> China and Vietnam)."""
    tokens = list(_TOKEN.finditer(body[:position]))
    words: list[str] = []
    end = position
    for match in reversed(tokens):
        gap = body[match.end() : end]
        if gap.strip() or len(words) >= MAX_NAME_WORDS or not _is_name_word(match.group(0)):
            break
        words.insert(0, match.group(0))
        end = match.start()
    return _clean_name(" ".join(words))


def _sender_before(body: str, position: int) -> str | None:
    position = _skip_auxiliaries(body, position)
    name = _name_before(body, position)
    if name is None and body[:position].rstrip().endswith(","):
        # An appositive: "the Special Rapporteur ..., Elizabeth Salmon, sent her letter".
        name = _name_before(body, len(body[:position].rstrip()) - 1)
    if name is None:
        before = body[:position].rstrip().split()
        last = " ".join(before[-2:]).lower() if before else ""
        for anaphor in ANAPHORS:
            if last.endswith(anaphor):
                return anaphor
        return None
    return name


# Words between a sender and its verb: "Amnesty International has repeatedly called on".
AUXILIARIES = re.compile(
    r"(?:\s+(?:has|have|had|is|was|are|were|been|also|again|repeatedly|publicly|formally"
    r"|reportedly|already|today|yesterday|jointly|separately|once\s+more))+\s*$",
    re.IGNORECASE,
)


def _skip_auxiliaries(body: str, position: int) -> int:
    match = AUXILIARIES.search(body, 0, position)
    return match.start() if match else position


def _subject_after_clause(body: str, position: int) -> str | None:
    """ "In a letter to the Chinese government, the U.N. officials ask ...": the subject."""
    comma = body.find(",", position)
    if comma < 0:
        return None
    return _name_after(body, comma + 1)


# Capitalised words that are dates, not names ("wrote to President Xi on March 2").
DATE_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
    ]
)


def _is_name_word(word: str) -> bool:
    bare = word.rstrip(".,").lower()
    if bare in DATE_WORDS:
        return False
    if bare.endswith(("'s", "’s")):
        return word[:1].isupper()
    return word[:1].isupper() or bare in NAME_WORDS


# Trailing words that end a name's scan without belonging to it.
_TRAILING = frozenset(["the", "of", "on", "for", "and", "both", "two", "three", "several"])


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    words = name.strip(" ,.;:").split()
    while words and words[-1].lower() in _TRAILING:
        words.pop()
    while words and words[0].lower() in ("and", "of", "on", "for"):
        words.pop(0)
    if not words:
        return None
    cleaned = " ".join(words)
    return None if cleaned.lower() in ("the", "in", "a") else cleaned


def _asks(body: str) -> list[str]:
    return [label for label, pattern in ASK_RULES if pattern.search(body)]


def _date_in(
    text: str, sentence: Sentence, dates: list[DateMention], published: FuzzyDate
) -> FuzzyDate:
    """The date of writing: "dated X", "said today", then a date that is not a release, an
    arrest or the report's dateline."""
    inside = [d for d in dates if sentence.start <= d.start < sentence.end and d.value.is_known]
    for mention in inside:
        if DATED.search(sentence.text[: mention.start - sentence.start]):
            return mention.value
    if TODAY.search(sentence.text) and published.is_known:
        return published
    for mention in inside:
        lead = sentence.text[: mention.start - sentence.start]
        if not NOT_WRITING_DATE.search(lead) and not DATELINE_AFTER.match(text, mention.end):
            return mention.value
    return FuzzyDate.unknown()


def _later_dated(sentences: list[Sentence], index: int, dates: list[DateMention]) -> FuzzyDate:
    for sentence in sentences[index + 1 : index + 1 + DATED_REACH_SENTENCES]:
        for mention in dates:
            if sentence.start <= mention.start < sentence.end and mention.value.is_known:
                lead = sentence.text[: mention.start - sentence.start]
                if DATED.search(lead):
                    return mention.value
    return FuzzyDate.unknown()


def _merge(statements: list[_Statement]) -> list[list[_Statement]]:
    """Group statements of one appeal: same sender and addressee, or an anaphor shortly after."""
    groups: list[list[_Statement]] = []
    for statement in statements:
        target = _group_for(groups, statement)
        if target is None:
            groups.append([statement])
        else:
            target.append(statement)
    return groups


def _group_for(groups: list[list[_Statement]], statement: _Statement) -> list[_Statement] | None:
    if not groups:
        return None
    last = groups[-1]
    anaphoric = statement.sender is None or statement.sender.lower() in ANAPHORS
    near = statement.sentence_index - last[-1].sentence_index <= ANAPHOR_REACH_SENTENCES
    addressed_alike = statement.addressee is None or _same_party(
        _addressee_of(last), statement.addressee
    )
    if anaphoric and near and addressed_alike:
        return last
    for group in groups:
        if (
            _same_party(_sender_of(group), statement.sender)
            and _same_party(_addressee_of(group), statement.addressee)
            and _same_date(_date_of(group), statement.date)
        ):
            return group
    return None


def _sender_of(group: list[_Statement]) -> str | None:
    return next((s.sender for s in group if s.sender and s.sender.lower() not in ANAPHORS), None)


def _date_of(group: list[_Statement]) -> FuzzyDate:
    return next((s.date for s in group if s.date.is_known), FuzzyDate.unknown())


def _same_date(a: FuzzyDate, b: FuzzyDate) -> bool:
    """Two letters between the same parties are one only if their dates can agree."""
    return a.overlaps(b)


def _addressee_of(group: list[_Statement]) -> str | None:
    return next((s.addressee for s in group if s.addressee), None)


def _same_party(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return _key(a) == _key(b)


def _key(name: str) -> str:
    for key, pattern in PARTY_ALIASES:
        if pattern.search(name):
            return key
    return re.sub(r"^(?:the\s+)", "", name.lower()).replace(".", "")


def _appeal(group: list[_Statement]) -> Appeal:
    first = group[0]
    sender = _sender_of(group)
    addressee = _addressee_of(group)
    date = _date_of(group)
    asks: list[str] = []
    for statement in group:
        asks.extend(a for a in statement.asks if a not in asks)
    letter = any(s.letter for s in group)
    confidence = Confidence.HIGH if sender and addressee and asks else Confidence.MEDIUM
    if not (sender and addressee):
        confidence = Confidence.LOW
    return Appeal(
        sender=sender,
        addressee=addressee,
        date=date,
        asks=tuple(asks),
        evidence=first.span,
        confidence=confidence,
        rule="appeal.letter" if letter else "appeal.urging",
    )
