"""User markdown (chat messages, posts, comments): rendered with markdown-it-py, then sanitized with nh3.

Raw HTML in the source is never passed through (markdown-it's `html` option is off, so it is
escaped), and the rendered HTML is sanitized again against an allow-list: bold, italic,
strikethrough, code, code blocks, links (http, https, mailto; rel=noopener noreferrer nofollow),
lists, block quotes and paragraphs. The browser sanitizes once more with DOMPurify.

Mentions and room links (the only markup besides markdown, and the only relative links):
- `@name` of an existing account: `<a class="mention" href="/u/name">@name</a>` (a pill);
- `@here` / `@room` when the writer may call everyone: `<span class="mention">@here</span>`;
- `#name` of a room the caller resolved: `<a class="room-link" href="/chat/<id>">#name</a>`.
Which names resolve is the caller's decision (it knows who may read the text); anything unresolved
stays plain text. Nothing in code spans, code blocks or link labels becomes a pill.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,32})\b")
# `#name` of a room: letters, digits, `_` and `-` (a room whose name has spaces cannot be linked).
ROOM_REF = re.compile(r"(?<![\w#&/])#([A-Za-z0-9][\w-]{0,79})(?![\w-])")
_REFERENCE = re.compile(f"{MENTION.pattern}|{ROOM_REF.pattern}")
EVERYONE = frozenset({"here", "room"})
MAX_REFERENCES = 20

_TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "a", "ul", "ol", "li", "blockquote", "span"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}
# The pill markup and nothing more: nh3 drops every other class of <a> and <span>.
_CLASSES = {"a": {"mention", "room-link"}, "span": {"mention"}}


@dataclass(frozen=True, slots=True)
class Links:
    """What `@name`, `@here`/`@room` and `#name` resolve to: lower-cased name -> canonical username, or
    lower-cased room name -> room id; `everyone` renders `@here`/`@room` as a pill."""

    people: Mapping[str, str] = field(default_factory=dict)
    rooms: Mapping[str, str] = field(default_factory=dict)
    everyone: bool = False


NO_LINKS = Links()


@dataclass(frozen=True, slots=True)
class References:
    """The names a text refers to, outside code and link labels, lower-cased, first 20 of each, in order."""

    usernames: list[str]
    rooms: list[str]
    everyone: bool


def _text_tokens(tokens: list[Token]) -> list[tuple[list[Token], int]]:
    """(children, index) of every text token outside links, in the inline tokens of `tokens`."""
    found = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for i, child in enumerate(token.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                found.append((token.children, i))
    return found


def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("strikethrough")
    md.disable(["image", "heading", "lheading", "hr", "table"], ignoreInvalid=True)
    md.core.ruler.push("sanctum_links", _link_rule)
    return md


def _pieces(text: str, links: Links) -> list[Token] | None:
    out: list[Token] = []
    last = 0
    for match in _REFERENCE.finditer(text):
        user, room = match.group(1), match.group(2)
        if user is not None:
            key = user.lower()
            if key in EVERYONE and links.everyone:
                tokens = [Token("mention_open", "span", 1, attrs={"class": "mention"})]
                tokens.append(Token("text", "", 0, content=match.group(0)))
                tokens.append(Token("mention_close", "span", -1))
            elif key not in EVERYONE and key in links.people:
                href = f"/u/{links.people[key]}"
                tokens = [Token("link_open", "a", 1, attrs={"href": href, "class": "mention"})]
                tokens.append(Token("text", "", 0, content=f"@{links.people[key]}"))
                tokens.append(Token("link_close", "a", -1))
            else:
                continue
        elif room is not None and room.lower() in links.rooms:
            href = f"/chat/{links.rooms[room.lower()]}"
            tokens = [Token("link_open", "a", 1, attrs={"href": href, "class": "room-link"})]
            tokens.append(Token("text", "", 0, content=match.group(0)))
            tokens.append(Token("link_close", "a", -1))
        else:
            continue
        if match.start() > last:
            out.append(Token("text", "", 0, content=text[last : match.start()]))
        out.extend(tokens)
        last = match.end()
    if not out:
        return None
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


def _link_rule(state: StateCore) -> None:
    links: Links = state.env.get("links", NO_LINKS)
    if links is NO_LINKS:
        return
    # Right to left, so replacing one token keeps the indices of the ones still to do.
    for children, i in reversed(_text_tokens(state.tokens)):
        pieces = _pieces(children[i].content, links)
        if pieces is not None:
            children[i : i + 1] = pieces


_renderer = _md()


def references(body: str) -> References:
    """Who and which rooms `body` names as pills would (code and link labels excluded)."""
    people: dict[str, None] = {}
    rooms: dict[str, None] = {}
    everyone = False
    for children, i in _text_tokens(_renderer.parse(body)):
        for match in _REFERENCE.finditer(children[i].content):
            user, room = match.group(1), match.group(2)
            if user is not None:
                if user.lower() in EVERYONE:
                    everyone = True
                else:
                    people.setdefault(user.lower(), None)
            elif room is not None:
                rooms.setdefault(room.lower(), None)
    return References(list(people)[:MAX_REFERENCES], list(rooms)[:MAX_REFERENCES], everyone)


def render(body: str, links: Links = NO_LINKS) -> str:
    html = _renderer.render(body, {"links": links})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def render_plain(text: str) -> str:
    """System messages: escaped text, no markdown."""
    return nh3.clean_text(text)
