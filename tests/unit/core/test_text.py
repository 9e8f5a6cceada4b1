"""The text policy (core/text.py): what a name and a body accept, over every Unicode category."""

from __future__ import annotations

import unicodedata
from typing import Annotated

import emoji
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sanctum.core.text import Body, Name, clean_name, describe, invisible, name_refuses, normalize_name

DisplayName = TypeAdapter(Annotated[str, Name("display name", max_length=64)])
Message = TypeAdapter(Annotated[str, Body("message", max_length=4000)])
Bio = TypeAdapter(Annotated[str, Body("bio", max_length=500, may_be_empty=True)])

CATEGORIES = [
    *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"),
    *("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"),
    *("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"),
]
REFUSED_CATEGORIES = ["Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"]
FEW = settings(max_examples=40, deadline=None)

# The classes the policy names, one or more code points each.
BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]
INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"]
VARIATION_SELECTORS = ["\ufe0f", "\ufe00", "\U000e0100"]
CONTROLS = ["\x07", "\t", "\n", "\x7f", "\x85"]

ACCEPTED_NAMES = {
    "woman technologist": "👩\u200d💻",
    "rainbow flag": "🏳️\u200d🌈",
    "family": "👨\u200d👩\u200d👧\u200d👦",
    "flag of France": "🇫🇷",
    "flag of Scotland (tags)": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "keycap": "1\ufe0f\u20e3 place",
    "skin tone": "👍🏽 Sam",
    "Arabic": "محمد علي",
    "Hebrew": "דני כהן",
    "CJK": "東京タワー 王小明",
    "Korean with Han": "서울市",
    "accented Latin": "José Müller-Łukasiewicz",
    "combining marks": "Zoe\u0308 Nguye\u0302\u0303n",
    "Devanagari": "देवनागरी",
    "Cyrillic beside Latin words": "Иван Smith",
}


def refusal(adapter: TypeAdapter[str], value: str) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    errors = caught.value.errors()
    assert len(errors) == 1 and errors[0]["type"] == "text_not_allowed"
    return str(errors[0]["msg"])


def emoji_positions(text: str) -> set[int]:
    inside: set[int] = set()
    for match in emoji.emoji_list(text):
        inside.update(range(match["match_start"], match["match_end"]))
    return inside


@pytest.mark.parametrize("char", BIDI + INVISIBLE + VARIATION_SELECTORS + CONTROLS, ids=describe)
def test_a_name_refuses_each_class_and_names_the_code_point(char: str) -> None:
    message = refusal(DisplayName, f"adm{char}in")

    assert message == f"{describe(char)} is not allowed in a display name"


def test_the_example_of_the_issue_reads_as_promised() -> None:
    assert refusal(DisplayName, "adm\u202eni") == "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a display name"
    assert refusal(DisplayName, "\u3164") == "U+3164 HANGUL FILLER is not allowed in a display name"
    assert refusal(DisplayName, "   ") == "A display name cannot be empty"


@pytest.mark.parametrize("name", ACCEPTED_NAMES.values(), ids=ACCEPTED_NAMES.keys())
def test_a_name_accepts_emoji_sequences_and_every_script(name: str) -> None:
    assert DisplayName.validate_python(f"  {name} ") == unicodedata.normalize("NFC", name)


def test_a_name_is_nfc_with_its_spaces_collapsed_and_trimmed() -> None:
    assert DisplayName.validate_python("\u3000Zoe\u0308\u00a0 \u2003Smith ") == "Zoë Smith"


def test_a_word_mixing_scripts_is_refused_naming_the_intruder() -> None:
    assert refusal(DisplayName, "p\u0430ypal") == (
        "U+0430 CYRILLIC SMALL LETTER A is not allowed beside Latin letters in one word of a display name: "
        "mixed scripts can imitate another name"
    )


def test_stacked_repeated_or_leading_combining_marks_are_refused() -> None:
    assert "more than 4 combining marks" in refusal(DisplayName, "a\u0300\u0301\u0302\u0303\u0304")
    assert "is repeated on one character" in refusal(DisplayName, "a\u0301\u0301")
    assert "cannot start a display name" in refusal(DisplayName, "\u0301a")


def test_a_variation_selector_is_kept_only_inside_an_emoji_sequence() -> None:
    assert DisplayName.validate_python("❤\ufe0f") == "❤\ufe0f"
    assert "U+FE0F" in refusal(DisplayName, "a\ufe0f")
    assert "U+FE0F" in refusal(DisplayName, "😀\ufe0f\ufe0f")
    assert "U+200D" in refusal(DisplayName, "Zoe\u200d")


@pytest.mark.parametrize("category", CATEGORIES)
@FEW
@given(data=st.data())
def test_a_name_with_any_character_is_accepted_as_shown_or_refused_with_a_message(
    category: str, data: st.DataObject
) -> None:
    char = data.draw(st.characters(categories=[category]))  # type: ignore[list-item]
    typed = f"x {char} y"
    try:
        stored = DisplayName.validate_python(typed)
    except ValidationError as exc:
        assert exc.errors()[0]["type"] == "text_not_allowed" and exc.errors()[0]["msg"]
        return
    # What is stored is what was typed, normalised; nothing in it is invisible but single inner spaces.
    assert stored == normalize_name(typed)
    allowed = emoji_positions(stored)
    for i, c in enumerate(stored):
        assert i in allowed or c == " " or not invisible(c), describe(c)
        assert i in allowed or not name_refuses(c), describe(c)
    assert "  " not in stored and stored == stored.strip()


@pytest.mark.parametrize("category", REFUSED_CATEGORIES)
@FEW
@given(data=st.data())
def test_a_name_refuses_controls_separators_format_private_and_unassigned_characters(
    category: str, data: st.DataObject
) -> None:
    char = data.draw(st.characters(categories=[category]).filter(lambda c: not emoji.is_emoji(c)))  # type: ignore[list-item]

    message = refusal(DisplayName, f"x{char}y")

    assert f"U+{ord(char):04X}" in message


@FEW
@given(st.text(max_size=80))
def test_any_text_is_accepted_or_refused_as_a_name_and_as_a_body_never_anything_else(text: str) -> None:
    for adapter in (DisplayName, Message, Bio):
        try:
            adapter.validate_python(text)
        except ValidationError as exc:
            assert all(e["type"] in ("text_not_allowed", "string_unicode") for e in exc.errors())


INVISIBLE_TEXT = st.text(
    st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2028", *INVISIBLE, *BIDI, "\ufe0f", "\u200d"]),
    min_size=1,
    max_size=12,
)


@FEW
@given(INVISIBLE_TEXT)
def test_a_body_with_nothing_visible_is_refused(text: str) -> None:
    assert refusal(Message, text) in (
        "A message must show something: it holds only spaces or invisible characters",
        "A message cannot be empty",
    )


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c[0] in "LMNPS"])
@FEW
@given(data=st.data())
def test_a_body_with_something_visible_is_stored_exactly_as_typed(category: str, data: st.DataObject) -> None:
    visible = data.draw(st.characters(categories=[category]).filter(lambda c: not invisible(c)))  # type: ignore[list-item]
    around = data.draw(INVISIBLE_TEXT.filter(lambda t: not any(c in "\x85" for c in t)))
    typed = f"{around}{visible}\u202e{around}"

    assert Message.validate_python(typed) == typed


def test_a_body_keeps_bidi_text_and_refuses_control_characters() -> None:
    assert Message.validate_python("\u202eevil שלום مرحبا") == "\u202eevil שלום مرحبا"
    assert refusal(Message, "ring\x07") == "U+0007 (a control character) is not allowed in a message"
    assert Message.validate_python("tab\tand\r\nnewlines") == "tab\tand\r\nnewlines"


def test_optional_text_is_trimmed_and_may_be_cleared() -> None:
    assert Bio.validate_python("  ") == ""
    assert Bio.validate_python(" hello ") == "hello"
    assert "must show something" in refusal(Bio, "\u200b")


@FEW
@given(st.text(max_size=40))
def test_cleaning_a_stored_name_removes_every_refused_character_and_is_idempotent(text: str) -> None:
    cleaned, removed = clean_name(text)

    assert clean_name(cleaned) == (cleaned, [])
    allowed = emoji_positions(cleaned)
    assert all(i in allowed or not name_refuses(c) for i, c in enumerate(cleaned))
    assert len(removed) <= len(text)
