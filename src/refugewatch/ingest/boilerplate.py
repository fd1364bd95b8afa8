"""Remove web boilerplate from plain text without touching article sentences.

Plain-text dumps of web pages run widgets, menus and footers together with the article, often with
no separator at all ("...safe third country.Share this via FacebookShare this via Twitter...").
Evidence quotes are later checked verbatim against the original file, so this cleaner only ever
*drops* spans and *inserts line breaks* between blocks: it never rewrites a character inside a
sentence (no quote, dash or space normalisation).

Every rule below is a family (share widgets, donation prompts, menus, cookie notices, related-
article lists, copyright footers...), not a string copied from one page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# --- inline families: removed wherever they occur, the cut becomes a paragraph break ----------

# Social share buttons: "Share this via Facebook", "[Share this via Twitter](#)", "Share on X".
# fmt: off
SOCIAL_NETWORKS: tuple[str, ...] = (
    "Facebook", "Twitter", "X", "WhatsApp", "Email", "E-mail", "LinkedIn", "Reddit", "Telegram",
    "Printer", "Print", "Pinterest", "Line", "KakaoTalk", "Kakao", "Weibo", "WeChat", "Tumblr",
    "Flipboard", "Messenger", "SMS", "Bluesky", "Threads", "Mastodon",
)
# fmt: on
_NETWORK = "|".join(re.escape(n) for n in sorted(SOCIAL_NETWORKS, key=len, reverse=True))
_SHARE_ITEM = (
    rf"(?:Share (?:this )?(?:via|on|to|with) (?:{_NETWORK}|[A-Z][a-z]+)(?![a-z])"
    r"|Other ways to share|Tweet this|Email this|Print this(?: page)?)"
)
SHARE_WIDGETS = re.compile(rf"(?:(?:\[{_SHARE_ITEM}\](?:\([^)\s]*\))?|{_SHARE_ITEM})[ \t]*)+")
# Donation prompts and amount pickers on NGO pages ("Please give now to support our work",
# "$50$100$250$500$1000Other$", "Your tax deductible gift can help ...", "Donate Now").
DONATION_PROMPTS = re.compile(
    r"Help us (?:continue|keep)[^.!?\n]{0,100}[.!?][ \t]*(?=Please (?:give|donate))"
    r"|Please (?:give|donate)(?: now)?[^.!?\n]{0,60}?support (?:our|this) work"
    r"|Your tax[- ]deductible (?:gift|donation)[^.!?\n]{0,150}[.!?]"
    r"|(?:\$\d[\d,]*){3,}(?:Other\$?)?"
    r"|(?:Donate|Give) Now(?![a-z])"
)
# Skip links and cookie banners at the very top of a page.
SKIP_AND_COOKIE = re.compile(
    r"Skip to (?:cookie (?:privacy )?notice|main content|content|primary navigation"
    r"|primary sidebar|footer|navigation|search)"
    r"|We use cookies[^.!?\n]{0,200}[.!?]"
    r"|(?:Accept|Reject) (?:all )?cookies|Cookie (?:settings|preferences|policy)"
)
# Language pickers: endonyms run together ("EnglishFrançaisDeutsch日本語..."), optionally
# introduced by "Available In" and closed by "More languages". Two or more in a row: a single
# language name is ordinary prose.
# fmt: off
LANGUAGE_NAMES: tuple[str, ...] = (
    "English", "Français", "Deutsch", "Español", "Português", "Italiano", "Nederlands", "Русский",
    "Українська", "Polski", "Türkçe", "العربية", "فارسی", "עברית", "हिन्दी", "简体中文", "繁體中文",
    "繁体中文", "中文", "简中", "繁中", "日本語", "한국어", "Tiếng Việt", "ไทย", "Bahasa Indonesia",
    "Bahasa Melayu", "Монгол", "ភាសាខ្មែរ", "မြန်မာ",
)
# fmt: on
_LANGUAGE = "|".join(re.escape(n) for n in sorted(LANGUAGE_NAMES, key=len, reverse=True))
_MENU_SEPARATOR = r"(?:[ \t]*[|•·/][ \t]*|[ \t]*\n[ \t]*)?"
LANGUAGE_MENUS = re.compile(
    rf"(?:Available [Ii]n:?[ \t]*)?(?:{_LANGUAGE})(?:{_MENU_SEPARATOR}(?:{_LANGUAGE}))+"
    rf"(?:{_MENU_SEPARATOR}More languages)?|More languages"
)
# Site navigation: menu labels run together with no space ("SearchCountriesTopicsReports").
# Two labels glued together never happen in prose, so a run of two or more is a menu.
# fmt: off
NAV_LABELS: tuple[str, ...] = (
    "Search", "Countries", "Topics", "Reports", "Videos & Photos", "Impact", "Take Action",
    "About Us", "About", "Join Us", "Print", "Home", "News", "Contact Us", "Subscribe", "Sign Up",
    "Sign In", "Log In", "Login", "Register", "Menu", "Opinion", "Multimedia", "Podcasts",
    "Newsletters", "Events", "Careers", "Privacy Policy", "Terms of Use", "Site Map",
    "Corrections", "Permissions", "Donate", "Give", "Publications", "Videos", "Photos", "Regions",
    "Issues", "Resources", "Press", "Blog", "Shop", "Sections",
)
# fmt: on
_NAV = "|".join(re.escape(n) for n in sorted(NAV_LABELS, key=len, reverse=True))
NAV_MENUS = re.compile(rf"(?:{_NAV})(?:{_NAV})+(?![a-z])")
# Image widgets and photo credits: "Click to expand Image", " | License Photo",
# "© 2015 Reuters" right after a caption's full stop. A credit is the agency name after
# "© YEAR"; a "Copyright © YEAR" footer line is left to the footer rule below.
PHOTO_WIDGETS = re.compile(
    r"Click to expand Image|Enlarge this image|[ \t]*\|[ \t]*License Photo"
    r"|(?:(?<=[.!?”\"])|(?<=[.!?”\"] ))©[ \t]?\d{4}[ \t]+[A-Z][\w.&'-]*(?:[ /][A-Z][\w.&'-]*)*"
)
# A "Related Content" teaser glued into the text: the teaser title runs up to the next place where
# a capital letter follows a lower-case one with no space (the next block of the dump).
RELATED_TEASERS = re.compile(
    r"Related (?:Content|Articles?|Stories|Posts|Coverage)[^\n]{1,200}?(?<=[a-z?!])(?=[A-Z][a-z])"
)
# Newsletter sign-up boxes.
NEWSLETTER_SIGNUPS = re.compile(
    r"Get (?:updates|the latest)[^.!?\n]{0,80}?(?:\.|(?=Join))"
    r"|Join our (?:movement|mailing list|newsletter)(?: today)?[.!]?"
    r"|(?:Sign up|Subscribe) (?:for|to) (?:our|the) (?:newsletter|updates)[^.!?\n]{0,60}[.!]?"
    r"|Enter (?:an|your) email(?: address)?|Processing\.\.|Thank you for signing up!"
    r"|An error occurred while subscribing[^.!?\n]{0,80}\.(?: Please try again\.)?"
)

INLINE_FAMILIES: tuple[re.Pattern[str], ...] = (
    SHARE_WIDGETS,
    DONATION_PROMPTS,
    SKIP_AND_COOKIE,
    LANGUAGE_MENUS,
    NAV_MENUS,
    PHOTO_WIDGETS,
    RELATED_TEASERS,
    NEWSLETTER_SIGNUPS,
)

# --- line families: a whole line that is nothing but one of these is dropped -------------------

BOILERPLATE_LINES: tuple[re.Pattern[str], ...] = (
    # Ad slots and server-side-include errors left in saved pages.
    re.compile(
        r"Advertisement|ADVERTISEMENT|Sponsored|\[an error occurred while processing[^]]*\]"
    ),
    # Page furniture: "top of page", "Prev  Next", "Posted on by", age warnings, video promos.
    re.compile(r"(?:top|bottom) of page|Prev\s+Next|Posted on\s+by|Print|Share|Menu|Search"),
    re.compile(r"This (?:story|article) is over \d+ years old\.?|watch One-Minute World News"),
    re.compile(r"Related (?:Content|Articles?|Stories|Posts)|More Reading|Most Viewed|Read more"),
    # Blog and CMS leftovers: "This entry was posted in ...", comment forms.
    re.compile(r"This entry was posted in .*|Leave a Reply|Leave a comment|\d+ Comments?"),
    # Copyright footers and reprint bans in any language ("(c) 2017 Human Rights Watch",
    # "Copyright © 2008 ...", "무단전재 및 재배포 금지", "未经允许不得转载").
    re.compile(
        r"(?:(?:\(c\)|©|ⓒ)\s*|Copyright\s*(?:©|ⓒ|\(c\))?\s*)\d{4}(?:\s*[-–]\s*\d{4})?[^\n]{0,120}"
        r"|[©ⓒ][^\n]{0,120}"
    ),
    re.compile(
        r"[^\n]{0,80}(?:All [Rr]ights [Rr]eserved|무단\s*전재|재배포\s*금지|不得转载|版权所有)[^\n]{0,80}"
    ),
    # US nonprofit registration footers ("... is a 501(C)(3) nonprofit registered in the US ...").
    re.compile(r"[^\n]{0,80}\b501\s*\(c\)\s*\(3\)[^\n]*", re.IGNORECASE),
    # Lines of nothing but symbols, left over when a menu's labels are gone ("•", "|", "╢╢").
    re.compile(r"[^\w\s]{1,6}"),
    # Empty CMS field labels ("ID :", "Shortlink :"): a label with no value is not content.
    re.compile(r"[A-Z][A-Za-z]{0,15}(?: [A-Za-z]{1,15})?\s+:"),
    # Menu bullets: a short label with no lower-case word ("• Grey Twitter Icon", "• HOME",
    # "• 좋아요"). A bullet such as "• a pregnant woman" or "• 19 people" is content and stays.
    re.compile(r"[•·▪]\s*(?:[^\s\da-z•·][^\s•·]*\s*){1,4}"),
    re.compile(r"(?:Grey |White |Black )?(?:Facebook|Twitter|YouTube|Instagram|LinkedIn) Icon"),
    # Reader reactions, comment counters, login bars, app promos (Korean/Chinese portals).
    re.compile(r"댓글\s*\d*|기사에 대해 의견을 남겨주세요\.?|지금 뜨는 뉴스|좋아요|슬퍼요|화나요"),
    re.compile(r"登录\s*注册|[^\n]{0,20}app下载|本文网址[:：].*|关键词[:：].*|网友评论[^\n]*"),
)

# --- tail markers: in the last part of a text, everything from here on is page furniture -------

TAIL_MARKERS = re.compile(
    r"Your tax[- ]deductible (?:gift|donation)|More Reading|Most Viewed|Region / Country"
    r"|Follow [A-Z][\w ]{0,40} for more updates|Add your comment|Leave a Reply"
    r"|Comments are (?:approved|moderated)|(?m:^bottom of page$)"
)
# A tail marker in the first part of the text is more likely a menu item than the end of the page;
# only cut when it sits past this share of the text.
TAIL_MIN_POSITION = 0.4

# A line longer than this is a flattened page (paragraphs run together without line breaks).
FLATTENED_LINE_CHARS = 1000
# In a flattened line, a sentence end glued to the next capital is a paragraph boundary:
# "...said today.The refugees", "...safe third country.”The group".
# Straight quotes are left alone: in 'he said."The' the quote may close one sentence or open the
# next, and splitting on the wrong side would tear a quotation from its sentence.
GLUED_SENTENCE_END = re.compile(r"(?<=[a-z0-9][.!?])(?=[A-Z“])|(?<=[.!?,]”)(?=[A-Z“])")

# A headline-like line at the very end (related-article titles after the article): Title Case,
# no closing punctuation, a few words.
TRAILING_TITLE_MAX_WORDS = 14
TRAILING_TITLE_MIN_WORDS = 3
# Short lines without closing punctuation between two removed boilerplate blocks in the second
# half of a page are taglines ("X defends the rights of people in 90 countries...").
SANDWICH_MAX_WORDS = 30
SANDWICH_MIN_POSITION = 0.5
_CUT = "\x00"  # marks where boilerplate was removed, turned into a paragraph break at the end
_CLOSING_PUNCTUATION = tuple('.!?:;"”’)»」』')


def remove_boilerplate(text: str, *, title: str | None = None, outlet: str | None = None) -> str:
    """The article text: boilerplate dropped, blocks separated by blank lines, sentences intact."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_CUT, "")
    text = cut_tail(text)
    text = "\n".join(_split_flattened(line) for line in text.split("\n"))
    text = _remove_inline(text)
    if title:
        text = _split_after_headline(text, title)
    lines = _drop_boilerplate_lines(text.split("\n"), outlet)
    lines = _drop_repeated_lines(lines)
    lines = _drop_sandwiched_taglines(lines)
    lines = _drop_trailing_titles(lines)
    return _join(lines)


def cut_tail(text: str) -> str:
    """Drop everything from the first tail marker found in the last part of the text."""
    threshold = int(len(text) * TAIL_MIN_POSITION)
    match = TAIL_MARKERS.search(text, threshold)
    return text[: match.start()] if match else text


def _remove_inline(text: str) -> str:
    spans = sorted(
        (m.start(), m.end()) for rule in INLINE_FAMILIES for m in rule.finditer(text) if m.group()
    )
    pieces: list[str] = []
    position = 0
    for start, end in _merge(spans):
        pieces.append(text[position:start])
        pieces.append(_CUT)
        position = end
    pieces.append(text[position:])
    return "".join(pieces).replace(_CUT, "\n" + _CUT + "\n")


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _split_flattened(line: str) -> str:
    if len(line) <= FLATTENED_LINE_CHARS:
        return line
    return GLUED_SENTENCE_END.sub("\n\n", line)


def _split_after_headline(text: str, title: str) -> str:
    """A headline glued to the standfirst ("...RefugeesAllow Families") is split after it."""
    glued = re.compile(re.escape(title) + r"(?=[A-Z“(])")
    return glued.sub(lambda m: m.group() + "\n\n", text)


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    return any(rule.fullmatch(stripped) for rule in BOILERPLATE_LINES)


def _drop_boilerplate_lines(lines: Sequence[str], outlet: str | None) -> list[str]:
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped == _CUT or (stripped and is_boilerplate_line(stripped)):
            kept.append(_CUT)
        elif outlet and stripped == outlet:
            kept.append(_CUT)  # the site name repeated as a logo line
        else:
            kept.append(line.rstrip())
    return kept


def _drop_repeated_lines(lines: Sequence[str]) -> list[str]:
    """A line equal to the previous non-blank line (a caption or headline printed twice)."""
    kept: list[str] = []
    previous = ""
    for line in lines:
        stripped = line.strip()
        if stripped and stripped != _CUT:
            if stripped == previous:
                continue
            previous = stripped
        kept.append(line)
    return kept


def _drop_sandwiched_taglines(lines: list[str]) -> list[str]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    start = int(len(content) * SANDWICH_MIN_POSITION)
    doomed: set[int] = set()
    for pos in range(max(start, 1), len(content)):
        index = content[pos]
        line = lines[index].strip()
        if line == _CUT or len(line.split()) > SANDWICH_MAX_WORDS:
            continue
        if line.endswith(_CLOSING_PUNCTUATION):
            continue
        before = lines[content[pos - 1]].strip()
        # The end of the text is not a cut: excerpts often stop mid-sentence ("North Korea has").
        after = lines[content[pos + 1]].strip() if pos + 1 < len(content) else ""
        if before == _CUT and after == _CUT:
            doomed.add(index)
    return [_CUT if i in doomed else line for i, line in enumerate(lines)]


def _drop_trailing_titles(lines: list[str]) -> list[str]:
    """Headline-like lines after the article (related-article titles); never the whole text."""
    end = len(lines)
    while end > 0:
        line = lines[end - 1].strip()
        if line and line != _CUT and not _is_title_like(line):
            return lines[:end]
        end -= 1
    return lines  # nothing but headlines: a title-only note is kept as it is


def _is_title_like(line: str) -> bool:
    words = line.split()
    if not TRAILING_TITLE_MIN_WORDS <= len(words) <= TRAILING_TITLE_MAX_WORDS:
        return False
    if line.endswith(_CLOSING_PUNCTUATION):
        return False
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


def _join(lines: Sequence[str]) -> str:
    text = "\n".join(lines).replace(_CUT, "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
