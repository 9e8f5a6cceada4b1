"""User text: one Unicode policy for every name and every body (the table is in docs/text.md).

Problem: a display name, room name or sanctum name could hold U+202E RIGHT-TO-LEFT OVERRIDE, so
"adm\\u202eni" showed as someone else's name and flipped the text beside it; a name of U+3164 HANGUL
FILLER showed as nothing, and a message of a zero-width space was delivered as an empty bubble
("Trojan Source", CVE-2021-42574, applied to a social product).

Mechanism: schemas annotate each field with `Name(...)` or `Body(...)`, so one validator sees every
user string, and its error names the field and the code point. A name (a label shown next to other
text) follows the PRECIS Nickname profile (RFC 8266) with NFC instead of NFKC, so what is stored looks
exactly like what was typed: NFC, each run of spaces (Zs) made one U+0020, trimmed; then refused if it
holds a bidi control, a format character (Cf: zero-width characters, the soft hyphen, the BOM, tags),
another default-ignorable or blank character (Hangul fillers, variation selectors, U+2800), a control,
a line or paragraph separator, a private-use, unassigned or surrogate code point, a word mixing scripts
beyond UTS #39's Highly Restrictive level, or more combining marks than UTS #39 section 5.4 allows.
Emoji sequences (ZWJ, flags, keycaps, tags, VS16) are recognised by the `emoji` library and kept whole.
A body (messages, posts, comments, bios, topics, descriptions) may hold bidi characters, since people
write Arabic and Hebrew, but must show something, and holds no control character except tab and
newlines; clients isolate each rendered body (`dir="auto"`) so an override cannot leave it.

Price: a name validation costs microseconds (an emoji scan and a script look-up per letter, skipped for
ASCII). Scripts come from `confusable-homoglyphs` (Unicode 15 data) and categories from the stdlib
(Unicode 14 on Python 3.11): a letter newer than that is refused in a name as unassigned until the
interpreter's data catches up; emoji come from `emoji`'s own, newer data, so new emoji are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import emoji
from confusable_homoglyphs import categories
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside category Cf, which unicodedata does
# not expose: the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free
# variation selectors, variation selectors and the ideographic variation selectors.
_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
# Drawn as nothing by design, though no Unicode property says so: the braille blank, the null notehead.
_BLANKS = frozenset("\u2800\U0001d159")
_TEXT_PRESENTATION = "\ufe0e\ufe0f"  # VS15/VS16: kept right after an emoji, where they choose its style
_ZWJ = "\u200d"
_SPACE_RUN = re.compile("[" + "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Zs") + "]+")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# UTS #39 "Highly Restrictive": one script per word, or one of these combinations.
_SCRIPT_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED", "Unknown"})
MAX_COMBINING_MARKS = 4  # UTS #39 section 5.4: more nonspacing marks on one character hide what is there


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: the code point and its Unicode name (or what kind it is)."""
    point = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if name:
        return f"{point} {name}"
    kind = {"Cc": "a control character", "Cs": "a lone surrogate", "Co": "a private-use character"}
    return f"{point} ({kind.get(unicodedata.category(char), 'an unassigned code point')})"


def _ignorable(point: int) -> bool:
    return any(low <= point <= high for low, high in _IGNORABLE)


def invisible(char: str) -> bool:
    """Whether `char` shows nothing on its own: spaces, controls, format and default-ignorable
    characters, fillers and blanks."""
    category = unicodedata.category(char)
    return char.isspace() or category in ("Cc", "Cf", "Zs", "Zl", "Zp") or char in _BLANKS or _ignorable(ord(char))


def name_refuses(char: str) -> bool:
    """Whether a name refuses `char` outside an emoji sequence (spaces aside, which are normalised)."""
    category = unicodedata.category(char)
    return (
        char in BIDI_CONTROLS
        or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
        or char in _BLANKS
        or _ignorable(ord(char))
    )


def _in_emoji(text: str) -> list[bool]:
    """For each position of `text`, whether it belongs to an emoji sequence: the characters of each
    emoji the `emoji` library recognises, a ZWJ joining two of them, and one VS15/VS16 right after one."""
    inside = [False] * len(text)
    ends: set[int] = set()
    starts: set[int] = set()
    for match in emoji.emoji_list(text):
        start, end = int(match["match_start"]), int(match["match_end"])
        for i in range(start, end):
            inside[i] = True
        starts.add(start)
        ends.add(end)
    for i, char in enumerate(text):
        if inside[i]:
            continue
        if (char == _ZWJ and i in ends and i + 1 in starts) or (char in _TEXT_PRESENTATION and i in ends):
            inside[i] = True
    return inside


def normalize_name(value: str) -> str:
    """NFC, each run of spaces one U+0020, trimmed (RFC 8266's mapping, with NFC for NFKC)."""
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", value)).strip()


def name_problem(text: str, label: str) -> str | None:
    """Why the normalised name `text` is refused, naming the first offending code point; None if it is fine."""
    where = _article(label)
    if not text:
        return f"{where.capitalize()} cannot be empty"
    if text.isascii():
        bad = next((c for c in text if name_refuses(c)), None)
        return None if bad is None else f"{describe(bad)} is not allowed in {where}"
    inside = _in_emoji(text)
    for i, char in enumerate(text):
        if not inside[i] and name_refuses(char):
            return f"{describe(char)} is not allowed in {where}"
    if unicodedata.category(text[0])[0] == "M":
        return f"{describe(text[0])} cannot start {where}: it would join the text before it"
    return _marks_problem(text, where) or _mixed_script_problem(text, where)


def _marks_problem(text: str, where: str) -> str | None:
    # Counted on the decomposed form, as UTS #39 asks, so a precomposed letter counts its marks too.
    run = 0
    previous = ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.category(char) not in ("Mn", "Me"):
            run, previous = 0, ""
            continue
        run += 1
        if char == previous:
            return f"{describe(char)} is repeated on one character, which is not allowed in {where}"
        if run > MAX_COMBINING_MARKS:
            return f"{describe(char)} is more than {MAX_COMBINING_MARKS} combining marks on one character in {where}"
        previous = char
    return None


def _mixed_script_problem(text: str, where: str) -> str | None:
    """A word (a run of letters, marks and digits) may use one script, or a UTS #39 Highly
    Restrictive combination (Latin with Han and Japanese kana, Bopomofo or Hangul)."""
    scripts: set[str] = set()
    first = ""
    for char in text + " ":
        if unicodedata.category(char)[0] not in "LMN":
            scripts, first = set(), ""
            continue
        script = categories.alias(char)
        if script in _NEUTRAL_SCRIPTS:
            continue
        first = first or script
        scripts.add(script)
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _SCRIPT_SETS):
            return (
                f"{describe(char)} is not allowed beside {_script_name(first)} letters in one word of {where}: "
                "mixed scripts can imitate another name"
            )
    return None


def clean_name(value: str) -> tuple[str, list[str]]:
    """A stored name made to follow the policy by removing what a name refuses (for data written
    before the policy): the cleaned name and the code points removed, described. May return ""."""
    text = unicodedata.normalize("NFC", value)
    inside = _in_emoji(text)
    removed = [describe(c) for i, c in enumerate(text) if not inside[i] and name_refuses(c) and not c.isspace()]
    kept = "".join(c if inside[i] or not name_refuses(c) else (" " if c.isspace() else "") for i, c in enumerate(text))
    return normalize_name(kept), removed


def body_problem(text: str, label: str) -> str | None:
    """Why the body `text` is refused: a control character other than tab and newlines, or nothing
    visible (only spaces, format characters, fillers and blanks). None if it is fine."""
    where = _article(label)
    control = _BODY_CONTROL.search(text)
    if control is not None:
        return f"{describe(control.group())} is not allowed in {where}"
    surrogate = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    if surrogate is not None:
        return f"{describe(surrogate)} is not allowed in {where}"
    if not any(not invisible(c) for c in text):
        return f"{where.capitalize()} must show something: it holds only spaces or invisible characters"
    return None


def isolate(name: str) -> str:
    """A name inside a plain-text sentence, wrapped in FSI...PDI so its direction stays its own."""
    return f"{FIRST_STRONG_ISOLATE}{name}{POP_DIRECTIONAL_ISOLATE}"


def _article(label: str) -> str:
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _script_name(alias: str) -> str:
    return alias.replace("_", " ").title()


class _Policy:
    """The Pydantic hooks `Name` and `Body` share: validate after `str`, describe in the JSON schema."""

    label: str
    max_length: int

    def validate(self, value: str) -> str:
        text, problem = self.check(value)
        if problem is None and len(text) > self.max_length:
            problem = f"{_article(self.label).capitalize()} can be at most {self.max_length} characters"
        if problem is not None:
            raise PydanticCustomError("text_not_allowed", problem)
        return text

    def check(self, value: str) -> tuple[str, str | None]:
        """The text to store and why it is refused (None if it is not)."""
        raise NotImplementedError

    def accepts(self) -> tuple[int, str]:
        """The shortest accepted length and what the field accepts, for the OpenAPI description."""
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        low, description = self.accepts()
        json_schema.update(minLength=low, maxLength=self.max_length, description=description)
        return json_schema


@dataclass(frozen=True)
class Name(_Policy):
    """Pydantic metadata for a name field: `Annotated[str, Name("display name", max_length=64)]`."""

    label: str
    max_length: int

    def check(self, value: str) -> tuple[str, str | None]:
        text = normalize_name(value)
        return text, name_problem(text, self.label)

    def accepts(self) -> tuple[int, str]:
        return 1, (
            f"A {self.label}: 1-{self.max_length} characters once NFC-normalised, spaces collapsed and trimmed. "
            "Letters, digits, marks, punctuation, symbols and emoji (ZWJ, flag and keycap sequences included); "
            "no bidi controls, format, invisible or control characters, and no word mixing scripts "
            "(docs/text.md). A refused character is named in the 422."
        )


@dataclass(frozen=True)
class Body(_Policy):
    """Pydantic metadata for a body field: `Annotated[str, Body("message", max_length=4000)]`.

    `may_be_empty` is for optional text (bio, topic, description): it is trimmed, and "" clears it.
    """

    label: str
    max_length: int
    may_be_empty: bool = False

    def check(self, value: str) -> tuple[str, str | None]:
        if self.may_be_empty:
            text = value.strip()
            return text, None if text == "" or len(text) > self.max_length else body_problem(text, self.label)
        if value == "":
            return value, f"{_article(self.label).capitalize()} cannot be empty"
        return value, None if len(value) > self.max_length else body_problem(value, self.label)

    def accepts(self) -> tuple[int, str]:
        low = 0 if self.may_be_empty else 1
        return low, (
            f"The {self.label}: {low}-{self.max_length} characters"
            + (", trimmed; empty clears it" if self.may_be_empty else "")
            + ". Any script, bidi characters included (clients isolate it when shown); refused when it "
            "shows nothing (only spaces, format or invisible characters) or holds a control character "
            "other than tab and newlines (docs/text.md)."
        )
