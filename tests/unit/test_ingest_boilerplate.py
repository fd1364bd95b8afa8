"""The cleaner drops web boilerplate and keeps every article sentence character for character."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from refugewatch.ingest import load_document
from refugewatch.ingest.boilerplate import is_boilerplate_line, remove_boilerplate

# (seed file, boilerplate that must be gone, article sentences that must survive verbatim)
SEEDS: list[tuple[str, list[str], list[str]]] = [
    (
        "000_1f8cb8fac909ba64.txt",
        [
            "Share this via",
            "Skip to cookie privacy notice",
            "Please give now to support our work",
            "More languages",
            "Français",
            "Videos & Photos",
            "Your tax deductible gift",
            "$50$100",
            "More Reading",
            "Most Viewed",
            "Enter an email address",
            "Privacy Policy",
            "© 2022 Human Rights Watch",
            "350 Fifth Avenue",
            "Click to expand Image",
            "© 2015 Reuters",
        ],
        [
            "Vietnamese police apprehended them on October 22, during a random check on a bus in "
            "Mong Cai, in northeastern Vietnam near the China border.",
            "Family members learned that on October 24, the Vietnamese authorities handed over "
            "the group to Chinese police in Dongxing, in China’s southern Guangxi province.",
            "(Seoul) – China should ensure that nine North Korean refugees are not returned to "
            "North Korea, where they would be at grave risk, Human Rights Watch said today.",
            "Allow Families, Including Infant, to go to South Korea",
            "“After being rebuked by the UN Committee Against Torture, China has its first "
            "opportunity to show that it is willing to combat torture by letting these nine North "
            "Koreans resettle somewhere safe,” Robertson said.",
        ],
    ),
    (
        "001_f9290cfb78d63ed9.txt",
        [
            "Share this via",
            "Other ways to share",
            "Please give now to support our work",
            "Join our movement today",
            "501(C)(3)",
            "defends the rights of people in 90 countries",
            "Denial of Education for Rohingya Refugee Children in Bangladesh",
        ],
        [
            "Chinese government officials detained a group of eight North Koreans in mid-March "
            "2017 during what appeared to be a random check on a road in northeastern China.",
            "(Seoul) [China](#) should immediately disclose the whereabouts of eight",
            "Her health situation has worsened in the past few months.",
            "Fleeing North Koreans Require Assistance and Urgent Protection",
        ],
    ),
    (
        "002_900f55720112a6a4.txt",
        ["Add your comment", "Comments are approved by a moderator", "Terms of Use"],
        [
            "The U.N. is asking Beijing not to repatriate seven detained refugees from North Korea",
            "RFA reported in July 2021 that 50 North Koreans were loaded onto buses in the Chinese "
            "border city of Dandong and taken across the Yalu River.",
            "As many as 60,000 North Koreans remain in China, despite having no legal status.",
            "Translated by Claire Lee and Leejin Jun.",
        ],
    ),
    (
        "003_dd61f38f9d85066e.txt",
        [
            "top of page",
            "bottom of page",
            "Follow Genocide Watch for more updates",
            "Grey Facebook Icon",
            "(c) 2017 Human Rights Watch",
        ],
        [
            "Redoubling Crackdowns on Fleeing North Koreans",
            "China has detained at least 41 North Korean refugees, and an undetermined number of "
            "their guides, in the past two months.",
            "It’s time for governments around the world to pressure China to do the right thing "
            "for North Korean refugees.”",
        ],
    ),
    (
        "004_11e3825e5b773045.txt",
        [
            "Share this via",
            "Related Content",
            "Letter from Human Rights Watch to President Xi Jinping re: North Korea Refugees",
            "Your tax deductible gift",
            "Most Viewed",
            "Skip to main content",
            "Donate Now",
            "Русский",
        ],
        [
            "We write to request that you urgently stop the forced return of a group of nine North "
            "Korean refugees currently in China’s custody",
            "this group was last being held at Tumen, in Jilin province, at a military garrison "
            "near the China-North Korea border.",
            "Re: Refoulement of North Korean Refugees",
            "Dear President Xi Jinping,",
        ],
    ),
]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _corpus_texts(corpus_dir: Path) -> list[Path]:
    return sorted(
        p for folder in ("seeds", "dev", "ko", "zh") for p in (corpus_dir / folder).glob("*.txt")
    )


@pytest.mark.parametrize(("name", "gone", "kept"), SEEDS, ids=[s[0][:3] for s in SEEDS])
def test_seed_boilerplate_removed_and_sentences_kept(
    corpus_dir: Path, name: str, gone: list[str], kept: list[str]
) -> None:
    path = corpus_dir / "seeds" / name
    clean = load_document(name, path.read_bytes()).clean_text
    for phrase in gone:
        assert phrase not in clean, f"boilerplate {phrase!r} survived in {name}"
    for sentence in kept:
        assert sentence in clean, f"article text {sentence!r} lost or altered in {name}"


def test_every_clean_line_occurs_verbatim_in_the_original(corpus_dir: Path) -> None:
    """The cleaner only drops spans and adds line breaks: each clean line is a slice of the file."""
    for path in _corpus_texts(corpus_dir):
        original = path.read_text(encoding="utf-8")
        clean = load_document(path.name, path.read_bytes()).clean_text
        for line in clean.split("\n"):
            assert line in original, f"{path.name}: {line[:80]!r} is not in the original"


def test_gold_evidence_quotes_survive_cleaning(corpus_dir: Path) -> None:
    """Every quote the annotators took from a text is still in its clean text."""
    checked = 0
    for path in _corpus_texts(corpus_dir):
        gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
        clean = _fold(load_document(path.name, path.read_bytes()).clean_text)
        for item in gold.get("incidents", []) + gold.get("statistics", []):
            if item.get("evidence"):
                checked += 1
                assert _fold(item["evidence"]) in clean, f"{path.name}: {item['evidence']!r}"
    assert checked > 50


def test_cleaning_shrinks_flattened_pages_substantially(corpus_dir: Path) -> None:
    """The two flattened HRW pages lose their menus and footers (a fifth of the text or more)."""
    for name in ("000_1f8cb8fac909ba64.txt", "004_11e3825e5b773045.txt"):
        raw = (corpus_dir / "seeds" / name).read_text(encoding="utf-8")
        clean = load_document(name, raw.encode()).clean_text
        assert len(clean) < 0.8 * len(raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "They were held.Share this via FacebookShare this via TwitterOther ways to shareThe "
            "next day they moved.",
            "They were held.\n\nThe next day they moved.",
            id="share-widgets-glued",
        ),
        pytest.param(
            "[Share this via Email](#)  [Share this via Telegram](#)\n\nPolice detained them.",
            "Police detained them.",
            id="share-widgets-markdown",
        ),
        pytest.param(
            "Skip to main contentHelp us keep working. Please donate now to support our work\n"
            "Police detained them.",
            "Police detained them.",
            id="skip-link-and-donate-prompt",
        ),
        pytest.param(
            "Title lineEnglishFrançaisDeutsch日本語More languages\nPolice detained them.",
            "Title line\n\nPolice detained them.",
            id="language-menu",
        ),
        pytest.param(
            "Site NameSearchCountriesTopicsReportsAboutJoin Us\nPolice detained them.",
            "Site Name\n\nPolice detained them.",
            id="nav-menu-glued",
        ),
        pytest.param(
            "Advertisement\nPolice detained them.\nAdvertisement",
            "Police detained them.",
            id="advert-slots",
        ),
        pytest.param(
            "Caption of the photo. UPI/Staff\nCaption of the photo. UPI/Staff | License Photo\n"
            "Police detained them.",
            "Caption of the photo. UPI/Staff\n\nPolice detained them.",
            id="license-photo-duplicate-caption",
        ),
        pytest.param(
            "Police detained them.\n\nCopyright © 2008 Some Publishing Group | www.example.org",
            "Police detained them.",
            id="copyright-footer",
        ),
        pytest.param(
            "경찰이 6명을 체포했다.\n< Copyright ⓒ 방송사. 무단전재 및 재배포 금지 >",
            "경찰이 6명을 체포했다.",
            id="korean-reprint-ban",
        ),
        pytest.param(
            "警方逮捕了19名朝鲜难民。\n未经允许不得转载:综合资讯",
            "警方逮捕了19名朝鲜难民。",
            id="chinese-reprint-ban",
        ),
        pytest.param(
            "".join(f"Police detained group {n} at the border.\n\n" for n in range(4))
            + "Leave a Reply\n\nYour email address will not be published.",
            "\n\n".join(f"Police detained group {n} at the border." for n in range(4)),
            id="comment-form-tail",
        ),
        pytest.param(
            "Police detained them.\n\nShare this via Twitter\n\nOur Group defends people worldwide"
            "\n\nSign up for our newsletter\n\nEnd.",
            "Police detained them.\n\nEnd.",
            id="tagline-between-widgets",
        ),
        pytest.param(
            "Police detained them and the report ends mid-sent",
            "Police detained them and the report ends mid-sent",
            id="truncated-last-line-kept",
        ),
    ],
)
def test_boilerplate_families(text: str, expected: str) -> None:
    assert remove_boilerplate(text) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("“We are concerned,” the letter stated — in English.", id="curly-quotes-dash"),
        pytest.param("Share prices fell.  Two  spaces stay.", id="inner-double-spaces"),
        pytest.param("He said: About 30 people were there.", id="nav-word-in-prose"),
        pytest.param("Copyright law in China does not help them.", id="copyright-word-in-prose"),
        pytest.param("English and Français are both spoken there.", id="language-names-in-prose"),
        pytest.param("Please give now what you can, the pastor said.", id="give-now-in-prose"),
    ],
)
def test_article_sentences_are_never_rewritten(sentence: str) -> None:
    text = f"Headline of the report\n\n{sentence}\n\nAnother sentence follows here."
    assert sentence in remove_boilerplate(text)


def test_flattened_page_is_not_split_around_straight_quotes() -> None:
    text = "Police detained a group near the border. " * 30 + 'He said "they will die."The end.'
    clean = remove_boilerplate(text)
    assert 'He said "they will die."The end.' in clean


def test_title_only_note_is_kept() -> None:
    assert remove_boilerplate("Nine Refugees Held In China") == "Nine Refugees Held In China"


def test_headline_glued_to_standfirst_is_split() -> None:
    text = "Nine Refugees Held | Outlet\n\nNine Refugees HeldAllow them to go\n\nBody text here."
    clean = remove_boilerplate(text, title="Nine Refugees Held", outlet="Outlet")
    assert "Nine Refugees Held\n\nAllow them to go" in clean


def test_site_name_logo_line_is_dropped() -> None:
    clean = remove_boilerplate("Example Outlet\n\nPolice detained them.", outlet="Example Outlet")
    assert clean == "Police detained them."


def test_flattened_page_gets_paragraph_breaks() -> None:
    sentence = "Police detained a group of people near the border on a Tuesday morning. "
    text = sentence * 15 + "They were moved.The next paragraph starts here."
    clean = remove_boilerplate(text)
    assert "They were moved.\n\nThe next paragraph starts here." in clean


@pytest.mark.parametrize(
    ("line", "is_boilerplate"),
    [
        pytest.param("Advertisement", True, id="advert"),
        pytest.param("• HOME", True, id="bullet-menu"),
        pytest.param("• 19 people arrested", False, id="bullet-with-number"),
        pytest.param("(c) 2017 Human Rights Watch", True, id="copyright"),
        pytest.param("ID :", True, id="empty-field-label"),
        pytest.param("Police detained them.", False, id="sentence"),
    ],
)
def test_boilerplate_line_rules(line: str, is_boilerplate: bool) -> None:
    assert is_boilerplate_line(line) is is_boilerplate
