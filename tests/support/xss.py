"""An XSS corpus for rendered markdown, and the check that HTML coming out of it is safe.

`problems(html)` parses the HTML as a browser's tokenizer would (html.parser) and lists everything
that is not allowed: a tag outside the allow-list, an event-handler attribute, a link to a scheme
other than http, https or mailto, or `<script` anywhere in the raw text. The chat unit tests run the
corpus through the renderer, the integration tests through the API.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "del", "s", "code", "pre", "a", "ul", "ol", "li", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}, "code": {"class"}}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_EVENT_HANDLER = re.compile(r"^on\w+$", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# What browsers drop from a URL before reading its scheme: ASCII whitespace and control characters.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]")

CORPUS: dict[str, str] = {
    # Raw HTML in every shape: it must come out as text, never as markup.
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg/onload=alert(1)>",
    "a-onclick": '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "a-javascript": '<a href="javascript:alert(1)">x</a>',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "style": "<style>*{background:url(javascript:alert(1))}</style>",
    "mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "comment": "<!--<img src=x onerror=alert(1)>-->",
    "inline-in-bold": "**<img src=x onerror=alert(1)>**",
    "in-blockquote": "> <img src=x onerror=alert(1)>",
    "in-list": "- <details open ontoggle=alert(1)>",
    "link-text-html": "[<img src=x onerror=alert(1)>](https://ok.example)",
    # Links to dangerous schemes, written every way markdown allows.
    "md-javascript": "[click](javascript:alert(1))",
    "md-mixed-case": "[click](JaVaScRiPt:alert(1))",
    "md-leading-space": "[click](  javascript:alert(1))",
    "md-angle": "[click](<javascript:alert(1)>)",
    "md-entity-j": "[click](&#106;avascript:alert(1))",
    "md-entity-tab": "[click](java&#x09;script:alert(1))",
    "md-entity-colon": "[click](javascript&colon;alert(1))",
    "md-percent": "[click](javascript%3Aalert(1))",
    "md-data": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-data-upper": "[click](DATA:text/html,<script>alert(1)</script>)",
    "md-vbscript": "[click](vbscript:msgbox(1))",
    "md-file": "[click](file:///etc/passwd)",
    "md-title-break-out": '[x](https://ok.example "a" onmouseover="alert(1)")',
    "md-title-quote": '[x](https://ok.example "\\" onmouseover=\\"alert(1)")',
    "autolink-javascript": "<javascript:alert(1)>",
    "autolink-data": "<data:text/html,alert(1)>",
    "reference-javascript": "[x][ref]\n\n[ref]: javascript:alert(1)",
    "reference-data": "[x]\n\n[x]: data:text/html,alert(1)",
    "image-javascript": "![img](javascript:alert(1))",
    "image-onerror": '![x](https://ok.example/y.png" onerror="alert(1))',
    "nested-link-in-link": "[a [b](javascript:alert(1)) c](https://ok.example)",
    "link-in-code-span": "`[x](javascript:alert(1))`",
    "html-in-code-block": "```\n<script>alert(1)</script>\n```",
    "html-in-fence-info": '```"><script>alert(1)</script>\ncode\n```',
    "html-in-indented-code": "    <img src=x onerror=alert(1)>",
    # Entities that decode to markup.
    "entities-named": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "entities-numeric": "&#60;script&#62;alert(1)&#60;/script&#62;",
    "entities-hex": "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "double-encoded": "&amp;lt;script&amp;gt;alert(1)",
    # Unicode tricks.
    "fullwidth-brackets": "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "dotless-i": "<scr\u0131pt>alert(1)</scr\u0131pt>",
    "zero-width-in-scheme": "[click](java\u200bscript:alert(1))",
    "control-in-scheme": "[click](\u0001javascript:alert(1))",
    "nbsp-before-scheme": "[click](\u00a0javascript:alert(1))",
    "rtl-override": "[\u202etxt.exe](javascript:alert(1))",
    "null-byte": "<scr\u0000ipt>alert(1)</script>",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.found.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if _EVENT_HANDLER.match(name):
                self.found.append(f"event handler {name}= on <{tag}>")
            elif name not in allowed:
                self.found.append(f"attribute {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                url = _URL_JUNK.sub("", value)
                scheme = _SCHEME.match(url)
                if scheme is not None and not url.lower().startswith(SAFE_SCHEMES):
                    self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    """Everything unsafe in `html`; empty when it may be inserted into a page as it is."""
    found = ["raw <script"] if re.search(r"<\s*script", html, re.IGNORECASE) else []
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return found + collector.found
