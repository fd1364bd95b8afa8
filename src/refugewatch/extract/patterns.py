"""Rules as data: the phrasing families the incident extractor recognises.

Every list here is a family of ways reporters say the same thing, collected from the corpus and
from wire-service style; none is keyed to one document. Regular expressions are compiled once at
import so extraction stays fast (well over 200 KB/s per core).
"""

from __future__ import annotations

import re
from enum import StrEnum


class EventKind(StrEnum):
    """What happened to a group, as one clause reports it."""

    APPREHENSION = "apprehension"  # arrested, caught, detained (verb), taken into custody
    HELD = "held"  # being held / detained in / in custody: detention continues
    TRANSFER = "transfer"  # handed over to, sent to, transferred to a place or agency
    EXPELLED = "expelled"  # deported / sent back to a country that is not North Korea
    REPATRIATED = "repatriated"  # returned to North Korea or handed to its officials
    RELEASED = "released"  # freed, released, let go
    ARRIVED = "arrived"  # reached South Korea or a resettlement country
    MISSING = "missing"  # whereabouts unknown, contact lost, no trace
    UNCLEAR = "unclear"  # "it was unclear whether any had been returned"


def _words(*phrases: str) -> str:
    return "|".join(sorted(phrases, key=len, reverse=True))


# --- who: nouns that name North Korean people ------------------------------------------------
# Nouns that by themselves imply North Korean escapees in this domain.
NK_PEOPLE_NOUNS = (
    "defectors", "defector", "refugees", "refugee", "escapees", "escapee", "asylum seekers",
    "asylum-seekers", "asylum seeker", "asylum-seeker", "would-be defectors", "would-be defector",
    "North Koreans", "North Korean", "DPRK refugees", "DPRK nationals", "DPRK citizens",
    "N. Koreans", "N.Koreans", "NK defectors", "N.K. defectors",
    "citizens of the Democratic People's Republic of Korea",
)  # fmt: skip
# Generic nouns: people only when the sentence (or the noun's modifier) says North Korean.
GENERIC_PEOPLE_NOUNS = (
    "people", "persons", "person", "individuals", "individual", "women", "woman", "men", "man",
    "girls", "girl", "boys", "boy", "children", "child", "teenagers", "teenager", "minors",
    "workers", "worker", "loggers", "logger", "laborers", "labourers", "migrants", "citizens",
    "nationals", "family members", "members", "others", "compatriots", "adults", "females",
    "males", "students", "fishermen", "detainees", "prisoners", "returnees", "escapees",
    "youths", "youth", "orphans", "teens", "juveniles", "adolescents", "crew members",
)  # fmt: skip
# Helpers who are never counted as the group ("13 people ... two of them guides").
HELPER_NOUNS = (
    "guide",
    "guides",
    "broker",
    "brokers",
    "smuggler",
    "smugglers",
    "missionary",
    "missionaries",
    "pastor",
    "activists",
    "activist",
    "helpers",
    "helper",
    "aid workers",
    "aid worker",
    "escorts",
    "escort",
    "handlers",
    "handler",
)
NK_WORDS = re.compile(
    r"\b(?:North Korean?s?|N\.\s?Koreans?|NK|DPRK|defect(?:or|ors|ed|ing)|escapees?|refugees?"
    r"|asylum[- ]seekers?)\b",
    re.IGNORECASE,
)
# Nationality codes the rules set: the people documented, their helpers' usual papers (a South
# Korean citizen escorting a group), and a naturalised member's.
NORTH_KOREA, SOUTH_KOREA, CHINA = "KP", "KR", "CN"
# Nationalities that make a counted person not North Korean.
OTHER_NATIONALITY = re.compile(
    r"\b(?:naturali[sz]ed\s+Chinese|Chinese\s+(?:citizen|national|passport)|South\s+Korean\s+"
    r"(?:citizen|national|passport))|\b(?:holds?|holding|with)\s+(?:a\s+)?(?:South\s+Korean|"
    r"Chinese)\s+(?:citizenship|nationality|passport)|\bwho\s+(?:has|had)\s+(?:already\s+)?"
    r"(?:re)?settled\s+in\s+South\s+Korea|\bwho\s+defected\s+to\s+South\s+Korea\b[^.;]{0,30}"
    r"\b(?:in\s+(?:19|20)\d\d|years\s+ago)",
    re.IGNORECASE,
)

# --- what happened: event triggers -------------------------------------------------------------
_APPREHEND = _words(
    "arrested", "arrest", "arrests", "arresting", "re-arrested", "rearrested", "detained",
    "detain", "detains", "detaining", "caught", "apprehended", "apprehend", "apprehends",
    "rounded up", "taken into custody", "taken in", "seized", "grabbed", "intercepted", "nabbed",
    "nabs", "captured", "picked up", "stopped", "found", "busted", "raided", "surrendered",
    "turned themselves in", "handed themselves in",
)  # fmt: skip
APPREHENSION = re.compile(rf"\b(?:{_APPREHEND})\b", re.IGNORECASE)
# "the arrest of seven", "their arrest": a noun that reports an apprehension.
APPREHENSION_NOUN = re.compile(
    r"\b(?:arrest|detention|capture)s?\s+of\b|\b(?:arrests?|detentions?)\s+(?:were|was)\s+made\b",
    re.IGNORECASE,
)
# "the return of 500 North Koreans", "a repatriation of 600 defectors was carried out": a noun
# that reports a removal.
REMOVAL_NOUN = re.compile(
    r"\b(?:forced\s+|forcible\s+)?(?:return|repatriation|deportation|expulsion|refoulement)s?"
    # "a group repatriation, thought to be in July, of 11", "the repatriation from Laos to North
    # Korea on May 27 of seven teenage defectors"
    r"(?:,[^,.;]{1,70},|(?:\s+(?:from|to|on|in|at)\s+(?:[\w.]+\s+){0,3}?[\w.]+){1,3})?\s+of\b",
    re.IGNORECASE,
)
# What such a noun must govern to report one group's removal: a count or a definite group
# ("the return of over 500", "the deportation of the nine"), not "Refoulement of refugees".
REMOVAL_NOUN_OBJECT = re.compile(
    r"\s+(?:(?:the|these|those|a\s+group\s+of|an?\s+estimated|at\s+least|more\s+than|over|"
    r"about|some|around|nearly|approximately|almost|up\s+to)\s+)*(?:\d|(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|dozens|group|family|couple|them|him|her)\b)",
    re.IGNORECASE,
)
# Words before such a noun that make it a demand, fear or prospect, not a reported removal.
REMOVAL_NOUN_HEDGE = re.compile(
    r"\b(?:against|oppos\w*|protest\w*|condemn\w*|prevent\w*|stop\w*|halt\w*|end|ending|"
    r"possible|imminent|impending|pending|planned|risk|threat\w*|fear\w*|face|faces|facing|"
    r"urg\w+|call\w*|demand\w*|avoid\w*|block\w*|resist\w*|any|no)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# Someone else's movement: "relatives who had already escaped to South Korea".
OTHER_PEOPLE_BEFORE = re.compile(
    r"\b(?:relatives|family members|friends|parents|husband|wife|brother|sister|others|"
    r"colleagues|pastor|missionary|activists?)\s+(?:who|that)\b[^.;]{0,25}$",
    re.IGNORECASE,
)
PLUPERFECT_BEFORE = re.compile(r"\bhad\s+(?:already\s+)?(?:been\s+)?(?:\w+\s+)?$", re.IGNORECASE)
HELD = re.compile(
    r"\b(?:being held|been held|are held|were held|is held|was held|held (?:at|in|by|near)|"
    r"being detained|(?:have|has) been detained|remain(?:s|ed)? (?:in )?(?:detention|custody)|"
    r"in (?:\w+'s |\w+ )?(?:custody|detention)|under (?:\w+ )?detention|imprisoned|"
    r"incarcerated|jailed|locked up|at the shelter|in (?:a|the) shelter|"
    r"kept (?:at|in)|into (?:the )?(?:\w+ )?custody|under arrest|(?:are|is|were|was) holding|"
    r"awaiting (?:repatriation|deportation|trial))\b",
    re.IGNORECASE,
)
TRANSFER = re.compile(
    r"\b(?:handed (?:\w+ ){0,3}over|handed (?:\w+ )?to|turned (?:\w+ ){0,2}over|transferred|"
    r"sent (?:\w+ ){0,3}to|moved (?:\w+ ){0,3}to|"
    r"(?:moved|moving) (?:him|her|them|the|these|those|all|\d+) (?:\w+ ){0,5}(?:to|from)|taken (?:\w+ ){0,2}to|took (?:\w+ ){1,3}to|escorted (?:\w+ ){0,3}to|"
    r"spirited (?:\w+ ){0,2}to|transported (?:\w+ ){0,3}to|shipped|brought to|relocated to|"
    r"(?<=they are now )headed (?:for|to)|(?<=they are )headed (?:for|to)|"
    r"end(?:ed|ing) up (?:at|in))\b",
    re.IGNORECASE,
)
RETURN = re.compile(
    r"\b(?:repatriated|repatriates|repatriating|deported|deports|deporting|sent (?:\w+ ){0,3}back|"
    r"sending (?:\w+ ){0,3}back|returned|handed back|forced back|forcibly returned|"
    r"forced to return|expelled|pushed back|taken across|taken back|driven across|refouled|"
    r"sent (?:\w+ ){0,3}home|deported home)\b",
    re.IGNORECASE,
)
RELEASE = re.compile(
    r"\b(?:released|freed|set free|let go|releasing|were allowed to leave|secured their safety|"
    r"took jurisdiction over)\b",
    re.IGNORECASE,
)
ARRIVAL = re.compile(
    r"\b(?:arrived (?:safely )?(?:in|at) (?:South Korea|Seoul|the South|Incheon)|"
    r"arrive in (?:South Korea|"
    r"Seoul|S\. Korea)|arrived on|flew to Seoul|flown to (?:South Korea|Seoul)|"
    r"airlifted|(?:fled|defected|escaped|escape|defect) to (?:South Korea|the South)|"
    r"made it to the South|"
    r"reached (?:South Korea|Seoul)|sent to (?:the South Korean capital|Seoul)|"
    r"awaiting resettlement|awaiting (?:a |their )?(?:flight|transfer|departure) to (?:South Korea|"
    r"Seoul)|resettled in|departure of|under the protection of the South Korean)\b",
    re.IGNORECASE,
)
MISSING = re.compile(
    r"\b(?:whereabouts (?:are|is|remain|remains) (?:still )?unknown|whereabouts unknown|"
    r"missing|lost (?:touch|contact)|contact (?:was|has been) lost|no trace|disappeared|"
    r"unaccounted for|gone|(?:unclear|not known|unknown|uncertain) where|no one knows where|"
    r"(?:seeking|sought|requested|asked for) information (?:about|on|of) (?:their|his|her) "
    r"whereabouts|no (?:\w+ )?(?:news|word|information) (?:of|on|about) (?:their|his|her) "
    r"whereabouts)\b",
    re.IGNORECASE,
)
UNCLEAR = re.compile(
    # "unclear whether any had been returned" — not "unclear whether they are a family".
    r"\b(?:(?:unclear|not known|unknown|uncertain) whether(?=[^.;]{0,40}\b(?:had|have|has|"
    r"were|was|been|be|are|is|will|would)\s+(?:\w+\s+){0,2}(?:return|repatriat|deport|sent|"
    r"releas|handed|held|detain|freed|expel|transferr|moved))|"
    r"fate (?:is |remains )?(?:unknown|unclear)|no (?:further|later) (?:news|information))\b",
    re.IGNORECASE,
)
# Destination of a return: North Korea (repatriation) versus any other country (expulsion).
TO_NORTH_KOREA = re.compile(
    r"\b(?:to|into|across)\s+(?:the\s+)?(?:North Korea|the North\b|N\. Korea|DPRK|"
    r"their (?:home ?country|homeland|country)|her (?:home ?)?country|his (?:home ?)?country|"
    r"North Korean (?:officials|authorities|state security|security|agents|police|border guards|"
    r"embassy|consulate|military)|the Yalu)",
    re.IGNORECASE,
)

# --- how sure: hedges, negation, generic statements --------------------------------------------
# Words just before a trigger that make it a fear, plan or possibility, not a reported fact.
HEDGE_BEFORE = re.compile(
    r"\b(?:will|would|could|may|might|should|shall|must|likely|unlikely|if|whether|fear|fears|"
    r"feared|fearing|risk|risks|facing|face|faces|threat|threatened|prevent|preventing|avoid|"
    r"expected|plan|plans|planned|planning|sure|to be|not to|pledge|want|wanted|wants|"
    r"urge|urged|asking|asked|calls?|possibly|possible|attempt|effort|trying|try|"
    r"ensure|refrain|stop|begged|can|cannot|without|risked|risking|about to|unless|seeking|"
    r"seek|seeks|sought|hoping|hoped|hope|bid|aim|aiming|intend|intended|wish|wished|"
    r"determined|decide|decided|keep|keeping|block|blocking|halt|concerns|concerned|believe|"
    r"believes|believed|(?<!the )(?<!a )suspect|suspected|reportedly due|away from|verge of|brink of|set to|"
    r"due to (?:be|arrive|leave|fly|depart)|slated|scheduled|poised|either|are to be|is to be|were to be|was to be|policy of|"
    r"practice of|denounc\w*|condemn\w*|protest(?:s|ed|ing)?\s+(?:against|over)|protesting|"
    r"oppos\w*|critici[sz]\w*)\b[^.;]{0,55}$",
    re.IGNORECASE,
)
NEGATION_BEFORE = re.compile(
    r"\b(?:not|n't|never|rather than|instead of|no longer|nor)\b[^,.;]{0,20}$", re.IGNORECASE
)
# Statements about North Koreans in general, not about a concrete group.
GENERIC = re.compile(
    r"\b(?:routinely|regularly|typically|usually|normally|often|frequently|generally|"
    r"North Koreans who|those who|people who|anyone who|refugees who|defectors who (?:are|get)|"
    r"if (?:they are |they're )?caught|every year|each year|many of them|most of them|"
    r"in recent years|tend to)\b|"
    # "North Koreans forcibly returned to their country face severe punishment": a bare plural
    # subject with a present-tense verb speaks of everyone.
    r"^(?:(?:Deported|Repatriated|Returned|Captured|Arrested)\s+)?(?:North Koreans|Defectors|"
    r"Refugees|Escapees)\s+(?:[\w-]+\s+){0,6}?(?:face|risk|are|can|may|must|often|usually|who)\b|"
    r"\bthose (?:repatriated|returned|deported|sent back|caught|arrested|detained)\b",
    re.IGNORECASE,
)
# Tallies and running counts: the number belongs to `statistics`, not to an incident.
TALLY = re.compile(
    r"\b(?:since (?:July|January|February|March|April|May|June|August|September|October|"
    r"November|December|\d{4}|the|last(?!\s+(?:week|weekend|night))|early|late|mid)|this year|last year|a year earlier|"
    r"over the (?:past|last|prior|course)|in the past|per year|a year|annual|annually|"
    r"a total of|so far|to date|known cases|"
    r"estimated|estimate|tally|between \w+ \d{4} and|within the space of|"
    r"in various|in separate incidents|in different locations|prior two months|statistics|"
    r"each year|every year|a month|quarter|Q[1-4]|(?:first|second) half|half of)\b",
    re.IGNORECASE,
)
TALLY_NEAR = re.compile(
    r"\b(?:number of|cases|figure|figures|statistics|data|documented)\b", re.IGNORECASE
)
# Fuzzy counts at or above this size with no concrete time anchor are tallies, not one group:
# reporters round big aggregates ("more than 400 this year"), concrete raids are counted exactly.
TALLY_FUZZY_MIN = 100
# Exact counts at or above this size are only an incident when an event verb sits right by them.
LARGE_GROUP_MIN = 1000
# Anaphora that continue the story of the group last named ("they were arrested on Dec 2").
ANAPHORA = re.compile(
    r"\b(?:they|them|their|the group|this group|that group|the refugees|the defectors|"
    r"the North Koreans|the asylum[- ]seekers|the family|the escapees|the nine|the \w+ of them|"
    r"the couple|the pair|the detainees|the teenagers|the children|the migrants|"
    r"the (?-i:(?:(?!of |number |rest |total |majority |plight |fate |case )[a-z-]+ ){1,2})"
    r"(?:North Koreans|defectors|refugees|escapees|asylum[- ]seekers|"
    r"youths|orphans|teenagers|detainees|women|men)|"
    r"the (?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)|all of them|"
    r"the would-be defectors|the women|the men|the defector|the refugee|the man|the woman|"
    r"the suspect|the soldier|the deserter|the detainee|the escapee|the worker|the logger|"
    r"the arrests?|the detentions?|"
    r"he|him|his|she|her)\b",
    re.IGNORECASE,
)
SINGULAR_ANAPHORA = re.compile(
    r"\b(?:he|him|his|she|her|the man|the woman|the defector|the refugee|the suspect|the soldier|"
    r"the deserter|the detainee|the escapee|the worker|the logger)\b",
    re.IGNORECASE,
)
# Reporting verbs: a date right after them dates the report, not the event.
REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told|reported|announced|stated|confirmed|disclosed|added|learned|"
    r"according to)\b[^.;]{0,12}$",
    re.IGNORECASE,
)
# Prepositions before a place name that make it where the event happened (not origin/destination).
LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|on|around|outside|inside|of|along|from the)\s+(?:the\s+)?"
    r"(?:[\w’'-]+\s+){0,5}$)",
    re.IGNORECASE,
)
NON_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:left|leaving|from|to|into|toward|towards|via|through|across|reach|reached|"
    r"reaching|for|entered|entering|crossing|crossed|fled|fleeing|escaped|"
    r"operates|operating|lives|living|based|works|working|resident)\s+"
    r"(?:the\s+)?(?:[\w’'-]+\s+){0,2}$|\b(?:north|south|east|west|northeast|northwest|southeast|"
    r"southwest)(?:ern)?\s+of\s+(?:the\s+)?$|\b(?:kilometres|kilometers|km|miles)\b[^,.;]{0,30}$)",
    re.IGNORECASE,
)

# --- by whom ---------------------------------------------------------------------------------
NATIONALITY_ADJECTIVES: dict[str, str] = {
    "chinese": "CN", "vietnamese": "VN", "thai": "TH", "burmese": "MM", "myanmar": "MM",
    "lao": "LA", "laotian": "LA", "mongolian": "MN", "russian": "RU", "cambodian": "KH",
    "malaysian": "MY", "indonesian": "ID", "philippine": "PH", "kyrgyz": "KG", "kazakh": "KZ",
}  # fmt: skip
COUNTRY_NAMES: dict[str, str] = {
    "china": "CN", "vietnam": "VN", "viet nam": "VN", "thailand": "TH", "burma": "MM",
    "myanmar": "MM", "laos": "LA", "lao pdr": "LA", "mongolia": "MN", "russia": "RU",
    "cambodia": "KH", "malaysia": "MY", "indonesia": "ID", "philippines": "PH",
    "kyrgyzstan": "KG", "kazakhstan": "KZ", "south korea": "KR", "north korea": "KP",
}  # fmt: skip
_AGENCY_NOUN = _words(
    "police", "authorities", "border guards", "guards", "military", "army", "troops",
    "soldiers", "marines", "officers", "officials", "security police", "immigration police",
    "traffic police", "border police", "public security officers", "public security",
    "security forces", "border force", "border protection", "coast guard",
    "Mekong River Peace Keeping Force", "Military Patrol", "rebel groups", "consulate",
)  # fmt: skip
# "Laos authorities", "Vietnam police": the country name used as a modifier.
_STATE_MODIFIERS = ("laos", "vietnam", "china", "thailand", "mongolia", "russia", "cambodia")
_NAT = _words(*(name.title() for name in (*NATIONALITY_ADJECTIVES, *_STATE_MODIFIERS)))
AGENCY = re.compile(
    rf"\b(?:(?:{_NAT})\s+)?(?:(?:government|local|provincial|district|state|border|traffic|"
    rf"security|immigration|migration|customs|plainclothes|undercover|public security|military|"
    rf"armed)\s+)?(?:{_AGENCY_NOUN})\b"
    r"(?-i:\s+in\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*(?:\s+(?:district|province|city|county))?)?",
    re.IGNORECASE,
)
# Who can receive a group in a handover, beyond police and guards: embassies, consulates, UNHCR.
CUSTODIAN = re.compile(
    rf"(?:{AGENCY.pattern}|(?:(?:South Korean|U\.S\.|US|American|Japanese|Korean)\s+)?"
    r"(?:embassy|consulate(?:\s+general)?)|UNHCR|the UN refugee agency)",
    re.IGNORECASE,
)
# Agencies that are not the captor: the group's own embassy, UN bodies, NGOs, reporters.
NON_CAPTOR = re.compile(
    r"\b(?:South Korean|UN|U\.N\.|UNHCR|embassy|ministry|Human Rights|rights|sources?|"
    r"foreign|officials said|North Korean (?:officials|authorities|security))\b",
    re.IGNORECASE,
)

# --- vulnerable members ----------------------------------------------------------------------
ELDERLY = re.compile(
    # "in her late sixties", "in their early 70s": the qualifier does not change the decade.
    r"\b(?:elderly|in (?:their|her|his) (?:(?:early|mid|late)[- ])?"
    r"(?:60s|70s|80s|sixties|seventies|eighties)|"
    r"older women|older men|grandmother|grandfather)\b",
    re.IGNORECASE,
)
PREGNANT = re.compile(r"\bpregnant\b", re.IGNORECASE)
ILL = re.compile(
    r"\b(?:poor health|ill(?!-)|sick|injured|injuries|wounded|hurt|collapsed|disease|frail|"
    r"suffering from|tuberculosis|illness|ailing|malnourished|hospitali[sz]ed|frostbite)\b",
    re.IGNORECASE,
)
TRAFFICKED = re.compile(
    r"\b(?:sold (?:to|into|as)|trafficked|trafficking victims?|forced (?:labou?r and )?"
    r"prostitution|forced marriage|sex slaves?|bought by)\b",
    re.IGNORECASE,
)
