"""Title, outlet, language and source type guessed from a document's own text."""

from __future__ import annotations

import re

import py3langid

from refugewatch.ingest.boilerplate import is_boilerplate_line
from refugewatch.model.documents import SourceType

# "Headline | Outlet" page titles. Dashes also separate a site name ("Headline - BBC News"), but
# headlines use them too ("Vietnam Deported Nine — and Now They're Probably Screwed"): a dash
# counts only when what follows is a short name of at most DASH_OUTLET_MAX_WORDS capitalised words.
TITLE_SEPARATORS: tuple[str, ...] = (" | ", " - ", " – ", " — ")
DASH_OUTLET_MAX_WORDS = 4
# A first line longer than this is article text, not a page title.
MAX_TITLE_CHARS = 200
# Where the first line of a flattened dump runs into the page ("...| Human Rights WatchSkip to").
_GLUED_TAIL = re.compile(r"(?<=[a-z.)])(?=[A-Z][a-z])")

# Organisations whose own releases are NGO releases (DEFAULT_RELIABILITY grades them B).
# fmt: off
NGO_NAMES: tuple[str, ...] = (
    "Human Rights Watch", "Amnesty International", "HRW",
    "Committee for Human Rights in North Korea", "HRNK",
    "Citizens' Alliance for North Korean Human Rights", "NKHR",
    "Database Center for North Korean Human Rights", "NKDB",
    "Life Funds for North Korean Refugees", "LFNKR", "ICNK",
    "International Coalition to Stop Crimes against Humanity in North Korea", "Crossing Borders",
    "Liberty in North Korea", "LiNK", "Transitional Justice Working Group",
    "Justice for North Korea", "Genocide Watch", "Family Care Foundation", "Helping Hands Korea",
    "Durihana", "Korea Future", "Walk Free", "Christian Solidarity Worldwide", "Open Doors",
    "NK Watch", "Daily NK Foundation",
)
# fmt: on
# United Nations bodies and mechanisms: their letters and releases are UN communications.
UN_OUTLETS = re.compile(
    r"\b(?:United Nations|UN|U\.N\.|OHCHR|UNHCR|Special Rapporteurs?|Working Group on Arbitrary "
    r"Detention|Human Rights Council|Committee [Aa]gainst Torture|Refworld)(?![\w])"
)
# Headlines in the form UN human rights mechanisms give their own releases and letters
# ("UN experts urge China...", "China: UN human rights experts alarmed...", "Mandates of the
# Special Rapporteur..."). News about the UN says "UN asks", "U.N. confirms": not matched.
UN_TITLE = re.compile(
    r"(?:^|: )(?:UN|United Nations)(?: human rights)? experts?\b|^Mandates of the\b"
    r"|^(?:Joint )?(?:communication|urgent appeal|allegation letter)\b|^OHCHR\b",
    re.IGNORECASE,
)
# A reposted UN item ("Radio Free Asia (via Refworld)") keeps the original publisher's type.
REPOST_MARKER = re.compile(r"\((?:via|from|citing|reposting)\b", re.IGNORECASE)
# The salutation or sign-off of a letter near its top.
LETTER_OPENING = re.compile(
    r"\bDear (?:President|Prime Minister|Minister|Mr\.?|Ms\.?|Mrs\.?|Madam|Sir|Excellency|"
    r"Secretary|Ambassador|Chairman|Members)\b|^Re: |\bYour Excellency\b",
    re.MULTILINE,
)
# A footer line "(c) 2017 Human Rights Watch" / "Copyright © 2008 Irrawaddy Publishing Group".
COPYRIGHT_LINE = re.compile(
    r"^[ \t]*(?:\(c\)|©|Copyright(?:[ \t]*©)?)[ \t]*(?:19|20)\d\d(?:[ \t]*[-–][ \t]*\d{4})?[ \t]+"
    r"([^\n|]{2,80}?)[ \t]*(?:\||$)",
    re.MULTILINE | re.IGNORECASE,
)
LETTER_TITLE = re.compile(r"^(?:(?:Open|Joint) )?Letter (?:from|to)\b", re.IGNORECASE)
LETTER_WINDOW_CHARS = 2500
# Script shortcuts: Hangul means Korean, Han without kana means Chinese. A third of the letters is
# enough: Korean and Chinese pages quote English names and numbers.
SCRIPT_SHARE = 0.3
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
KANA = re.compile(r"[\u3040-\u30ff]")
# langid reads this much; more adds time, not accuracy.
LANGUAGE_SAMPLE_CHARS = 5000


def split_page_title(line: str) -> tuple[str | None, str | None]:
    """("Headline", "Outlet") from a page title "Headline | Outlet"; outlet None without one."""
    line = line.strip()
    if not line or len(line) > MAX_TITLE_CHARS * 2:
        return None, None
    for separator in TITLE_SEPARATORS:
        head, found, outlet = line.rpartition(separator)
        if found and head.strip():
            outlet = _GLUED_TAIL.split(outlet, maxsplit=1)[0].strip()
            if separator == " | " or _looks_like_outlet(outlet):
                return head.strip(), outlet or None
    return (line if len(line) <= MAX_TITLE_CHARS else None), None


def _looks_like_outlet(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= DASH_OUTLET_MAX_WORDS and all(w[0].isupper() for w in words)


def guess_title(
    text: str, known_orgs: tuple[str, ...] = NGO_NAMES
) -> tuple[str | None, str | None]:
    """Title and outlet from the first line of a plain-text page (before " | Outlet")."""
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or is_boilerplate_line(stripped):
            continue
        if len(stripped) > MAX_TITLE_CHARS and not any(s in stripped for s in TITLE_SEPARATORS):
            return None, None
        title, outlet = split_page_title(stripped[: MAX_TITLE_CHARS * 2])
        if title in known_orgs:
            return None, title  # a logo line: the organisation, not the headline
        if title and title.endswith(".") and outlet is None:
            return None, None  # a sentence: the text starts with its body, not a headline
        return title, outlet
    return None, None


def copyright_holder(text: str) -> str | None:
    """The organisation named on the last copyright footer line of a text, if any."""
    holders = COPYRIGHT_LINE.findall(text)
    return holders[-1].strip() if holders else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for an empty text."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    letters = sum(1 for ch in sample if ch.isalpha())
    if not letters:
        return None
    if len(HANGUL.findall(sample)) / letters >= SCRIPT_SHARE:
        return "ko"
    if len(KANA.findall(sample)) / letters >= SCRIPT_SHARE / 3:
        return "ja"
    if len(HAN.findall(sample)) / letters >= SCRIPT_SHARE:
        return "zh"
    code, _score = py3langid.classify(sample)
    return str(code)


def guess_source_type(
    outlet: str | None, title: str | None, text: str, raw_text: str = ""
) -> SourceType:
    """Letter, UN communication, NGO release or news, from outlet, title and opening.

    Without an outlet, the holder named in a copyright footer line ("(c) 2017 Human Rights
    Watch") stands in for it: a repost of an NGO release keeps its author's notice.
    """
    if (title and LETTER_TITLE.search(title)) or LETTER_OPENING.search(text[:LETTER_WINDOW_CHARS]):
        return SourceType.LETTER
    publisher = REPOST_MARKER.split(outlet)[0] if outlet else copyright_holder(raw_text) or ""
    if publisher and UN_OUTLETS.search(publisher):
        return SourceType.UN_COMMUNICATION
    if not publisher and title and UN_TITLE.search(title):
        return SourceType.UN_COMMUNICATION  # a news outlet quoting that headline stays news
    if publisher and any(name in publisher for name in NGO_NAMES):
        return SourceType.NGO_RELEASE
    return SourceType.NEWS
