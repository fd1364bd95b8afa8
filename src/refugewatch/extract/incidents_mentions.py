"""Group mentions: the places in a text that name a concrete group of North Koreans.

"seven North Korean defectors", "a group of 14", "10 of the original 14", "The eight women and
three men", "a North Korean man", "Kim, his wife and young daughter". Counts come from
`numbers.find_counts`; this module decides which counts count people, which people are North
Korean, which mentions are sub-groups, and which are only members listed inside another mention
("including a 14-year-old girl").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from refugewatch.extract import patterns as p
from refugewatch.extract.numbers import CountMention, parse_number
from refugewatch.extract.sentences import Sentence
from refugewatch.model.counts import Count


@dataclass(frozen=True)
class GroupMention:
    start: int  # absolute offsets in the document text
    end: int
    sentence: int
    count: Count
    nationality: str = "KP"
    parent_count: int | None = None  # "10 of the original 14" -> 14; "three of them" -> -1
    member: bool = False  # listed inside another group ("including two children")
    composition: bool = False  # "11 women and eight men" summed into one mention
    definite: bool = False  # "the nine", "these 38": refers back to a group named before
    aggregate: bool = False  # "to bring the total to 468": the sum of groups just named
    distinct: bool = False  # "another five", "a second group of five": not the five named before
    # A list item that shares the verb of the group before it: "the return of 500 on Oct. 9,
    # 40 others on Sept. 18, and about 50 in July 2021".
    shares_verb: bool = False
    bare: bool = False  # a list item with no noun of its own (", 80 on August 29")

    @property
    def size(self) -> int | None:
        return self.count.headline


_PEOPLE = p._words(*p.NK_PEOPLE_NOUNS, *p.GENERIC_PEOPLE_NOUNS, *p.HELPER_NOUNS)
_AFTER_COUNT = re.compile(
    rf"^\s*(?:[–—-]\s*)?(?:(?P<mods>(?:[\w()’'/.-]+\s+){{0,4}}?))(?P<noun>{_PEOPLE})\b",
    re.IGNORECASE,
)
_IN_THE_GROUP = re.compile(
    r"(?:\s+(?:of|among|in|from)\s+(?:the|this|that|their)\s+(?:group|family|party|"
    r"\w+\s+group))\b",
    re.IGNORECASE,
)
_HEAD_NOUN = re.compile(rf"\s+(?:{_PEOPLE})\b", re.IGNORECASE)
_MODIFIER_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "were",
        "was",
        "who",
        "have",
        "has",
        "had",
        "in",
        "at",
        "on",
        "to",
        "from",
        "with",
        "by",
        "for",
        "that",
        "which",
        "are",
        "is",
        "be",
        "been",
        "said",
        "than",
        "as",
        "per",
        "each",
        "every",
    ]
)
# Words after "North Korean" that make it an adjective for something that is not a person.
_NON_PERSON = re.compile(
    r"^\s+(?:officials?|authorities|government|embassy|consulate|army|agents?|security|"
    r"diplomats?|state|regime|leader|border|side|media|soldiers|restaurants?|trade|"
    r"human|ministry|workers'|companies|company|ship|vessel|economy|people's|counterpart|"
    r"families|households|(?:refugee|defector)\s+(?:safe\s*houses?|shelters?|camps?|status|"
    r"agency|convention|issues?|policy|crisis|centers?|centres?|homes?|houses?))\b",
    re.IGNORECASE,
)
_SUBSET = re.compile(
    r"^\s+(?:out\s+)?of\s+(?:them|these|those|the|the\s+original|all)\b", re.IGNORECASE
)
# A list item after a group: ", 40 others on Sept. 18", ", and about 50 in July 2021".
_LIST_ITEM_BEFORE = re.compile(r",\s*(?:and\s+)?(?:another\s+|a\s+further\s+|further\s+)?$")
_LIST_ITEM_AFTER = re.compile(
    r"\s+(?:on|in|at)\s+(?:the\s+same\s+day|(?:early|mid|late)[\s-]|[A-Z]|\d)"
)
_GROUP_OF_BEFORE = re.compile(r"\b(?:group|family|party|batch)\s+of\s+$", re.IGNORECASE)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those|all|all the|all of the)\s+$", re.IGNORECASE)
# Words that introduce a new group of a size already seen.
_DISTINCT_BEFORE = re.compile(
    r"\b(?:another|an\s+additional|(?:a|the)\s+(?:second|third|separate|further|new)|"
    r"(?<!the )other)\s+"
    r"(?:group\s+of\s+)?$",
    re.IGNORECASE,
)
_DISTINCT_IN = re.compile(r"(?:another|a\s+(?:second|third|separate|further|new))\b", re.I)
_DEFINITE_PREFIX = re.compile(r"(?:all|the|these|those)\s", re.IGNORECASE)
_DEFINITE_AFTER = re.compile(
    r"^\s*(?:were|was|had|have|are|is|who|also|then|would|will|could|must|begged|left|"
    r"remaining|arrived|of them|,)", re.IGNORECASE,
)  # fmt: skip
_MEMBER_BEFORE = re.compile(
    r"(?:\b(?:including|includes|included|include|among them|among whom|of whom|such as|"
    r"with|plus|and their|along with|consisting of|made up of)\s+(?:[\w,-]+\s+){0,8}$)",
    re.IGNORECASE,
)
# "contact was lost with three teenagers", "spoke with two defectors": "with" names the group
# itself here, not members listed after it.
_CONTACT_WITH = re.compile(
    r"\b(?:lost|contact|touch|spoke|spoken|talked|met|meeting|interview(?:ed)?|communication)"
    r"\s+with\s+(?:[\w,-]+\s+){0,3}$",
    re.IGNORECASE,
)
_COMPOSITION_NOUNS = frozenset(
    [
        "men",
        "women",
        "males",
        "females",
        "boys",
        "girls",
        "child",
        "children",
        "man",
        "woman",
        "male",
        "female",
        "kids",
        "minors",
        "adults",
        "teenagers",
        "teenager",
    ]
)
_COMPOSITION_GAP = re.compile(
    r"^\s*(?:,?\s*(?:(?:ages?|aged)\s+[\d\s,and-]+|in (?:their|his|her) [\w\s]{2,20}?),?\s*)?"
    r"(?:,|,?\s+and|&)\s*(?:a\s+|an\s+)?$",
    re.IGNORECASE,
)
# "10 men and women, in their 20s and 30s, and one four-year-old child": one more person.
_TRAILING_ONE = re.compile(
    r"^(?:\s+and\s+(?:wo)?men)?\s*(?:,\s*(?:(?:ages?|aged)\s+[\d\s,and-]+|in (?:their|his|her) "
    r"[\w\s]{2,20}?),?\s*)?(?:,|,?\s+and)\s+(?:a|an|one)\s+(?:[\w-]+-(?:year|month)-old\s+)?"
    r"(?:child|baby|infant|boy|girl|man|woman|male|female|toddler)\b",
    re.IGNORECASE,
)
# "The baby and the six North Koreans": one more person named before the counted ones.
_ONE_MORE_BEFORE = re.compile(
    r"\b(?:the|a|an|one)\s+(?:[\w-]+-(?:month|year)-old\s+)?(?:baby|infant|child|boy|girl|man|"
    r"woman|toddler)\s+and\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "him and 15 other North Koreans", "her son and four other escapees": the one named plus N.
_ONE_AND_OTHERS_BEFORE = re.compile(
    r"(?:\b(?:him|her|(?:his|her|their)\s+(?:son|daughter|wife|husband|mother|father|sister|"
    r"brother|cousin|aunt|uncle|niece|nephew|friend))|(?-i:\b[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+){1,2}))"
    r"\s+(?:and|along\s+with|alongside|with)\s+$",
    re.IGNORECASE,
)
# "Ms. Kim was arrested in Dehui alongside two other DPRK nationals": one named person plus N.
_ONE_PERSON_ALONGSIDE = re.compile(
    r"(?:\b(?:Ms|Mr|Mrs|Miss)\.?\s+[A-Z][\w-]+|\b(?:he|she)\b)[^.;]{0,100}?\b(?:alongside|along\s+"
    r"with|together\s+with)\s+$"
)
_STATE_VERB_AFTER = re.compile(r"\s+(?:are|were|have|had|remain|remained)\b", re.IGNORECASE)
_PASSIVE_AFTER = re.compile(r"\s+(?:were|had\s+been|have\s+been)\s+\w+ed\b", re.IGNORECASE)
_HELPING_AFTER = re.compile(
    r"\s+(?:who\s+(?:were|had\s+been|was)\s+)?(?:assisting|helping|aiding|guiding|smuggling|"
    r"escorting)\b",
    re.IGNORECASE,
)
_OTHERS_JOINED_BEFORE = re.compile(r"(?:\s+and|\balong\s+with|\balongside|\bplus)\s+$", re.I)
_MORE_AFTER = re.compile(r"\s+more\b(?!\s+than)", re.IGNORECASE)
_MORE_BEFORE = re.compile(r"(?:,\s*(?:and\s+)?|\s+and\s+|\balong\s+with\s+|\bplus\s+)$", re.I)
# A bare count as the object of an arrest or return verb, the people named just before.
_VERB_BEFORE_BARE = re.compile(
    r"\b(?:arrested|detained|caught|captured|apprehended|seized|repatriated|deported|"
    r"rounded\s+up)\s+$",
    re.IGNORECASE,
)
_BARE_OBJECT_END = re.compile(
    r"\s*(?:[,.;]|$|(?:after|on|in|at|and|near|while|as|when|during|last|this)\b)", re.I
)
_OTHER_AFTER = re.compile(r"\s+other\b", re.IGNORECASE)
# "to bring the total ... to 468": a running total of the groups just named.
_TOTAL_BEFORE = re.compile(r"\btotal\b(?:\s+[\w-]+){0,6}\s+(?:to|of|at)\s+$", re.IGNORECASE)
# Opening and closing marks of an aside: mentions inside it list members.
_ASIDE_OPEN = re.compile(
    r"[–—(]|--|\b(?:including|includes|included|among them|of whom|such as)\b", re.IGNORECASE
)
_SINGULAR = re.compile(
    r"\b(?P<art>a|an|one)\s+(?:(?:male|female|young|suspected|pregnant|\d{1,2}-year-old|"
    r"elderly|former|(?-i:[a-z]+-?[a-z]+))\s+){0,3}North Korean(?:\s+(?:army\s+|military\s+)?"
    r"(?P<noun>man|woman|defector|refugee|worker|logger|deserter|"
    r"asylum[- ]seeker|national|citizen|girl|boy|mother|escapee|laborer|student|soldier|"
    r"sailor|fisherman|teenager|youth|hacker)\b|"
    r"(?=\s*(?:[,;)]|who\b|was\b|had\b|has\b|is\b|arrested|detained|caught|held|deported)))",
    re.IGNORECASE,
)
# "Choe Kum Chol, an elite North Korean cyberwarrior": a named person introduced by apposition.
_NAMED_SINGULAR = re.compile(
    r"\b[A-Z][a-z]+(?: [A-Z][a-z]+|-[A-Za-z][a-z]+){1,2},\s+(?:a|an)\s+(?-i:(?:[a-z-]+\s+){0,3})"
    r"North Korean\s+(?!(?:officials?|officers?|media|government|agents?|spy|spies|diplomats?|"
    r"lawmakers?|ambassadors?|ministers?|spokes\w+|journalists?|researchers?|activists?|"
    r"pastors?|brokers?|guides?|leaders?|envoys?)\b)(?-i:[a-z-]+)\b"
)
_KIN_OF_BEFORE = re.compile(
    r"\b(?:mother|father|wife|husband|son|daughter|sister|brother|family|relatives?|parents?|"
    r"friends?|lawyer|case)\s+of\s+$",
    re.IGNORECASE,
)
_SINGULAR_GENERIC = re.compile(
    r"\b(?:a|an|one)\s+(?:(?!(?:South|Chinese|Vietnamese|Thai|Lao|Russian|Mongolian|Cambodian|"
    r"Burmese|American|Japanese)\b)[\w-]+\s+){0,2}(?:woman|man|girl|boy|defector|refugee|"
    r"soldier|deserter)\b(?=[^.;]{0,60}\bNorth Korea\b)",
    re.IGNORECASE,
)
_FAMILY = re.compile(
    r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+|-[a-z]+){1,3}(?:,\s*\d{1,2},)?,?\s+(?:and\s+)?(?:his|her)\s+"
    r"(?:wife|husband|son|daughter|mother|father)(?:\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})?"
    r"(?:,\s*\d{1,2},?)?(?:,?\s+and\s+(?:his|her|their)?\s*(?:young\s+|infant\s+|\d+-year-old\s+)?"
    r"(?P<third>wife|husband|son|daughter|child|children|baby))?"
)


def find_group_mentions(
    sentence: Sentence,
    index: int,
    counts: list[CountMention],
    nk_context: bool,
    *,
    definite_singular: bool = False,
) -> list[GroupMention]:
    """Group mentions in one sentence. `nk_context`: the sentence or its neighbour names NK.

    `definite_singular` also reads "the ex-logger", "the defector" as a group of one: only
    for a text that names no group otherwise (a story about one person)."""
    mentions = [m for c in counts if (m := _from_count(sentence, index, c, nk_context))]
    if definite_singular and nk_context:
        mentions += _definite_singulars(sentence, index, mentions)
    mentions = _merge_compositions(sentence, mentions)
    families = _families(sentence, index, [])
    mentions = [m for m in mentions if not _overlaps(m.start, m.end, families)] + families
    mentions += _singulars(sentence, index, mentions)
    mentions = _drop_partitive_heads(sorted(mentions, key=lambda m: m.start))
    return _list_items_after_a_group(_mark_members(sentence, mentions))


def _list_items_after_a_group(mentions: list[GroupMention]) -> list[GroupMention]:
    """A verb-sharing list item needs a group before it in the sentence; a bare count such as
    ", 80 on August 29" alone is no group."""
    out: list[GroupMention] = []
    for mention in mentions:
        if mention.shares_verb and not any(not m.member for m in out):
            if mention.bare:
                continue
            mention = replace(mention, shares_verb=False)
        out.append(mention)
    return out


def _drop_partitive_heads(mentions: list[GroupMention]) -> list[GroupMention]:
    """In "two out of the nine workers" the nine is part of the sub-group's phrase."""
    kept: list[GroupMention] = []
    for mention in mentions:
        prev = kept[-1] if kept else None
        if prev is not None and prev.parent_count is not None and mention.start - prev.end <= 2:
            continue
        kept.append(mention)
    return kept


def _from_count(
    sentence: Sentence, index: int, cm: CountMention, nk_context: bool
) -> GroupMention | None:
    if cm.count.headline is None or cm.count.headline <= 0:
        return None
    rel_start, rel_end = cm.start - sentence.start, cm.end - sentence.start
    text = sentence.text
    before, after = text[max(0, rel_start - 40) : rel_start], text[rel_end : rel_end + 80]
    if re.match(r"^(?:-year|-month|-day|\s*years? old|\s*%|\s*per ?cent)", after, re.I):
        return None
    distinct = bool(_DISTINCT_BEFORE.search(before) or _DISTINCT_IN.match(cm.text))
    base = GroupMention(cm.start, cm.end, index, cm.count, distinct=distinct)
    subset = _SUBSET.match(after)
    if subset:
        if cm.count.headline == 1:
            return None  # "one of the defectors called ...": a member speaking, not a sub-group
        return _subset_mention(base, sentence, after, subset)
    if _ONE_MORE_BEFORE.search(before) or (
        _OTHER_AFTER.match(after)
        and (
            _ONE_AND_OTHERS_BEFORE.search(before)
            or _ONE_PERSON_ALONGSIDE.search(text, max(0, rel_start - 120), rel_start)
        )
    ):
        total = (cm.count.headline or 0) + 1
        base = replace(base, count=Count.exact(total), composition=True)
    grouped = bool(_GROUP_OF_BEFORE.search(before)) or re.match(
        r"(?i)(?:a|an|the|another|second|first)?\s*(?:\w+\s+)?(?:group|family|party|batch)\s+of",
        cm.text,
    )
    noun = _AFTER_COUNT.match(after)
    if noun and _IN_THE_GROUP.match(after, noun.end()):
        return None  # "three women in the group": members of a group named before
    listed = bool(_LIST_ITEM_BEFORE.search(before))
    if noun and _noun_is_people(noun, after, nk_context):
        if noun.group("noun").lower() in p.HELPER_NOUNS or _HELPING_AFTER.match(after, noun.end()):
            return None  # "six people assisting them": helpers, not the group
        head = _HEAD_NOUN.match(after, noun.end())  # "North Korean" + "defectors"
        end = cm.end + (head.end() if head else noun.end())
        nationality = _nationality(text[rel_end : rel_end + noun.end() + 60])
        if _SOUTH_KOREAN_MODS.search(noun.group("mods") or ""):
            nationality = p.SOUTH_KOREA  # "two Christian South Korean aid workers"
        definite = bool(_DEFINITE_BEFORE.search(before))
        others = noun.group("noun").lower() == "others" and not noun.group("mods")
        shares = others and (listed or bool(_OTHERS_JOINED_BEFORE.search(before)))
        # "..., along with 40 others on 18 September, and nearly 50 North Koreans in July 2021"
        shares = shares or (listed and bool(_LIST_ITEM_AFTER.match(after, noun.end())))
        return replace(
            base, end=end, nationality=nationality, definite=definite, shares_verb=shares
        )
    if listed and nk_context and _LIST_ITEM_AFTER.match(after):
        return replace(base, shares_verb=True, bare=True)
    more = _MORE_AFTER.match(after)
    if more and nk_context and _MORE_BEFORE.search(before):
        # "... along with two more in Tonghua": another group sharing the verb
        return replace(base, end=cm.end + more.end(), shares_verb=True, distinct=True)
    if nk_context and _VERB_BEFORE_BARE.search(before) and _BARE_OBJECT_END.match(after):
        return base  # "Chinese police reportedly arrested two after a gunfight"
    if nk_context and not before.strip(" \"“‘'") and _STATE_VERB_AFTER.match(after):
        return base  # "Eight are missing." "Nine have reached the safety of South Korea."
    if nk_context and distinct and _PASSIVE_AFTER.match(after):
        return base  # "..., while another 16 were detained in Lawas on March 13"
    if _TOTAL_BEFORE.search(before) and nk_context:
        return replace(base, aggregate=True)
    if grouped and nk_context:
        return base
    refers_back = bool(_DEFINITE_BEFORE.search(before) or _DEFINITE_PREFIX.match(cm.text))
    if refers_back and _DEFINITE_AFTER.match(after) and nk_context:
        return replace(base, definite=True)
    return None


def _noun_is_people(noun: re.Match[str], after: str, nk_context: bool) -> bool:
    mods = (noun.group("mods") or "").lower().split()
    if any(w.strip("()") in _MODIFIER_STOP for w in mods):
        return False
    word = noun.group("noun")
    if word.lower() in {"north korean"} and _NON_PERSON.match(after[noun.end() :]):
        return False
    is_nk_noun = any(word.lower() == n.lower() for n in p.NK_PEOPLE_NOUNS)
    return is_nk_noun or "korean" in " ".join(mods) or "dprk" in " ".join(mods) or nk_context


_MEMBERS_FOLLOW = re.compile(r"\b(?:including|among\s+them|of\s+whom|among\s+whom)\b", re.I)
_SOUTH_KOREAN_MODS = re.compile(r"\bSouth Korean\b", re.IGNORECASE)


def _nationality(window: str) -> str:
    # "35 people, including two South Korean citizens": the members' papers, not the group's
    window = _MEMBERS_FOLLOW.split(window, maxsplit=1)[0]
    match = p.OTHER_NATIONALITY.search(window)
    if not match:
        return p.NORTH_KOREA
    found = " ".join(match.group(0).lower().split())
    return p.SOUTH_KOREA if "south korea" in found else p.CHINA


def _subset_mention(
    base: GroupMention, sentence: Sentence, after: str, subset: re.Match[str]
) -> GroupMention:
    rest = after[subset.end() :]
    parent = re.match(r"\s*(\d[\d,]*|[a-z]+)\b", rest)
    parent_count = -1
    if parent and subset.group(0).rstrip().lower().endswith(("the", "original", "all")):
        parent_count = _small_number(parent.group(1))
    return replace(base, end=base.end + subset.end(), parent_count=parent_count)


def _small_number(token: str) -> int:
    """A count word or figure ("nine", "19", "1,200") as an int; -1 when it is not one."""
    number = parse_number(token)
    return number if number is not None else -1


def _merge_compositions(sentence: Sentence, mentions: list[GroupMention]) -> list[GroupMention]:
    """ "11 women and eight men" -> one mention of 19 (a breakdown, not two groups)."""
    merged: list[GroupMention] = []
    for mention in mentions:
        prev = merged[-1] if merged else None
        if prev is not None and _composes(sentence, prev, mention):
            total = (prev.size or 0) + (mention.size or 0)
            merged[-1] = replace(prev, end=mention.end, count=Count.exact(total), composition=True)
            continue
        merged.append(mention)
    return [_with_trailing_one(sentence, m) for m in merged]


def _with_trailing_one(sentence: Sentence, mention: GroupMention) -> GroupMention:
    if _last_word(sentence, mention) not in _COMPOSITION_NOUNS or mention.parent_count is not None:
        return mention
    trailing = _TRAILING_ONE.match(sentence.text[mention.end - sentence.start :])
    if trailing is None:
        return mention
    total = (mention.size or 0) + 1
    return replace(
        mention, end=mention.end + trailing.end(), count=Count.exact(total), composition=True
    )


_ALONGSIDE_GAP = re.compile(
    r"^[^.;]{0,50}?\b(?:alongside|along\s+with|together\s+with)\s+$", re.IGNORECASE
)
_OTHER_IN = re.compile(r"\w+\s+(?:\w+\s+)?others?\b", re.IGNORECASE)


def _composes(sentence: Sentence, a: GroupMention, b: GroupMention) -> bool:
    if a.parent_count is not None or b.parent_count is not None:
        return False
    gap = sentence.text[a.end - sentence.start : b.start - sentence.start]
    own_facts = _LIST_ITEM_AFTER.match(sentence.text, b.end - sentence.start)
    if (
        _ALONGSIDE_GAP.match(gap)
        and _OTHER_IN.match(sentence.text, b.start - sentence.start)
        and not own_facts  # "80 were repatriated, along with 40 others on 18 September"
    ):
        return True  # "the two were arrested alongside five other defectors": one group of 7
    if _COMPOSITION_GAP.match(gap) and all(_has_kind_word(sentence, m) for m in (a, b)):
        return True  # "Two male defectors and two female defectors"
    return (
        _last_word(sentence, a) in _COMPOSITION_NOUNS
        and _last_word(sentence, b) in _COMPOSITION_NOUNS
        and bool(_COMPOSITION_GAP.match(gap))
    )


_KIND_WORD = re.compile(r"\b(?:male|female|adult|teenage|elderly|young|older)\b", re.IGNORECASE)


def _has_kind_word(sentence: Sentence, m: GroupMention) -> bool:
    return bool(_KIND_WORD.search(sentence.text, m.start - sentence.start, m.end - sentence.start))


def _last_word(sentence: Sentence, m: GroupMention) -> str:
    words = sentence.text[m.start - sentence.start : m.end - sentence.start].lower().split()
    return words[-1] if words else ""


def _singulars(sentence: Sentence, index: int, taken: list[GroupMention]) -> list[GroupMention]:
    found: list[GroupMention] = []
    for regex in (_SINGULAR, _SINGULAR_GENERIC, _NAMED_SINGULAR):
        for match in regex.finditer(sentence.text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if _overlaps(start, end, taken + found):
                continue
            if _KIN_OF_BEFORE.search(sentence.text, max(0, match.start() - 30), match.start()):
                continue  # "the mother of a detained North Korean defector": someone else
            nationality = _nationality(sentence.text[match.end() : match.end() + 80])
            found.append(GroupMention(start, end, index, Count.exact(1), nationality=nationality))
    return found


_DEFINITE_SINGULAR = re.compile(
    r"\bthe\s+(?:\d{1,2}-year-old\s+|young\s+|former\s+)?(?:North Korean\s+)?"
    r"(?:defector|refugee|escapee|asylum[- ]seeker|ex-logger|logger|worker|laborer)(?![\w-])"
    r"(?!['’]s)",
    re.IGNORECASE,
)


def _definite_singulars(
    sentence: Sentence, index: int, taken: list[GroupMention]
) -> list[GroupMention]:
    found: list[GroupMention] = []
    for match in _DEFINITE_SINGULAR.finditer(sentence.text):
        start, end = sentence.start + match.start(), sentence.start + match.end()
        if not _overlaps(start, end, taken + found):
            found.append(GroupMention(start, end, index, Count.exact(1), definite=True))
    return found


def _families(sentence: Sentence, index: int, taken: list[GroupMention]) -> list[GroupMention]:
    """ "Kim, his wife and young daughter" (3); "a mother and her two children" (3);
    "a North Korean couple" (2)."""
    found: list[GroupMention] = []
    for match in _FAMILY.finditer(sentence.text):
        size = 3 if match.group("third") else 2
        _add_family(found, taken, sentence, index, match, size)
    for match in _PARENT_AND_CHILDREN.finditer(sentence.text):
        _add_family(found, taken, sentence, index, match, 1 + _children_named(match))
    for match in _COUPLE.finditer(sentence.text):
        _add_family(found, taken, sentence, index, match, 2)
    return found


def _add_family(
    found: list[GroupMention],
    taken: list[GroupMention],
    sentence: Sentence,
    index: int,
    match: re.Match[str],
    size: int,
) -> None:
    start, end = sentence.start + match.start(), sentence.start + match.end()
    if not _overlaps(start, end, taken + found):
        found.append(GroupMention(start, end, index, Count.exact(size)))


def _children_named(match: re.Match[str]) -> int:
    number = match.group("n")
    if number:
        return max(1, _small_number(number))
    return 2 if match.group("kin").lower().endswith(("ren", "s")) else 1


_PARENT_AND_CHILDREN = re.compile(
    r"\b(?:a|an|one)\s+(?:young\s+|North Korean\s+|pregnant\s+)*(?:mother|father|woman|man)"
    r"(?:,\s*\d{1,2},)?\s+and\s+(?:her|his)\s+(?:(?P<n>two|three|four|five|\d)\s+)?"
    r"(?:young\s+|infant\s+|teenage\s+|[\w-]+-(?:year|month)-old\s+)?"
    r"(?P<kin>children|sons|daughters|son|daughter|child|baby|husband|wife)\b",
    re.IGNORECASE,
)
_COUPLE = re.compile(r"\b(?:a|one)\s+(?:young\s+|elderly\s+)?North Korean\s+couple\b", re.I)


def _overlaps(start: int, end: int, mentions: list[GroupMention]) -> bool:
    return any(start < m.end and m.start < end for m in mentions)


def _mark_members(sentence: Sentence, mentions: list[GroupMention]) -> list[GroupMention]:
    """Mentions listed inside an earlier group mention describe members, not a new group."""
    out: list[GroupMention] = []
    for i, mention in enumerate(mentions):
        rel = mention.start - sentence.start
        before = sentence.text[max(0, rel - 80) : rel]
        member_word = _MEMBER_BEFORE.search(before)
        listed = bool(member_word) and not _CONTACT_WITH.search(before) and not mention.shares_verb
        if _GROUP_CONSISTS.search(before):
            listed = False  # "The second group included 9 North Korean refugees": its size
        if member_word and _EVENT_NOUN.search(member_word.group(0)):
            listed = False  # "these incidents include the return of 500": the object of an event
        listed = listed or _is_composition_statement(sentence, mention)
        if listed or (
            i > 0
            and (_in_aside(sentence, out, mention) or _goes_on_listing(sentence, out, mention))
        ):
            out.append(replace(mention, member=True))
        else:
            out.append(mention)
    return out


_GROUP_CONSISTS = re.compile(
    r"\b(?:first|second|third|fourth|other|another|new)\s+group\s+(?:included|includes|consisted\s+"
    r"of|comprised|was\s+made\s+up\s+of)\s+$",
    re.IGNORECASE,
)
_EVENT_NOUN = re.compile(rf"{p.REMOVAL_NOUN.pattern}|{p.APPREHENSION_NOUN.pattern}", re.I)
# "five of the nine were children": who the members are, not a group of its own.
_COMPOSITION_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s+(?:were|are)\s+(?:all\s+)?(?:children|minors|women|girls|boys|men|teenagers|elderly|"
    r"orphans|infants|babies|under\s+(?:the\s+age|\d))\b",
    re.IGNORECASE,
)


def _is_composition_statement(sentence: Sentence, mention: GroupMention) -> bool:
    if mention.parent_count is None:
        return False
    return bool(_COMPOSITION_AFTER.match(sentence.text, mention.end - sentence.start))


def _goes_on_listing(
    sentence: Sentence, earlier: list[GroupMention], mention: GroupMention
) -> bool:
    """ "include two orphan boys, ages 16 and 17; a 22-year-old woman; and three women in their
    40s": after a listed member, the next item of the list is a member too."""
    previous = earlier[-1]
    if not previous.member:
        return False
    gap = sentence.text[previous.end - sentence.start : mention.start - sentence.start]
    return bool(_LIST_GAP.fullmatch(gap))


_LIST_GAP = re.compile(r"[^.;]{0,40};\s*(?:and\s+)?|[^.;,]{0,40},\s*(?:and\s+)?")


def _in_aside(sentence: Sentence, earlier: list[GroupMention], mention: GroupMention) -> bool:
    """After a group mention, an aside ("– one male, five women –", "including ...") lists members."""
    owner = next((m for m in reversed(earlier) if not m.member), None)
    if owner is None:
        return False
    gap = sentence.text[owner.end - sentence.start : mention.start - sentence.start]
    opened = _ASIDE_OPEN.search(gap)
    if opened is None:
        return False
    closes = len(re.findall(r"[–—)]|--", gap[opened.end() :]))
    return closes == 0
