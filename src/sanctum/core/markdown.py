"""User markdown (chat messages, posts, comments): rendered with markdown-it-py, then sanitized with nh3.

Raw HTML in the source is never passed through (markdown-it's `html` option is off, so it is
escaped), and the rendered HTML is sanitized again against an allow-list: bold, italic,
strikethrough, code, code blocks, links (http, https, mailto; rel=noopener noreferrer nofollow),
lists, block quotes and paragraphs. The browser sanitizes once more with DOMPurify.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("strikethrough")
_md.disable(["image", "heading", "lheading", "hr", "table"], ignoreInvalid=True)

_TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "a", "ul", "ol", "li", "blockquote"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}


def render(body: str) -> str:
    html = _md.render(body)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def render_plain(text: str) -> str:
    """System messages: escaped text, no markdown."""
    return nh3.clean_text(text)
