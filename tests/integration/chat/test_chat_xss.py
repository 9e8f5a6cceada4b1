"""The XSS corpus through the API: every path that serves a message's HTML serves it sanitized."""

from __future__ import annotations

import httpx

from sanctum.core.text import body_problem
from tests.integration.chat.chat_api import in_parallel, people, user_messages
from tests.support.xss import CORPUS as FULL_CORPUS
from tests.support.xss import problems

# The API refuses control characters other than tab and newlines as input (docs/text.md,
# tests/integration/api/test_text_policy.py); the renderer's own tests cover them.
CORPUS = {name: body for name, body in FULL_CORPUS.items() if body_problem(body, "message") is None}


async def test_no_message_of_the_xss_corpus_is_served_with_unsafe_html(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Hostile")
    await bob.join(room["id"])
    parent = await alice.send(room["id"], "thread root")

    sent = dict(zip(CORPUS, await in_parallel(alice.send(room["id"], body) for body in CORPUS.values()), strict=True))
    # Replies and edits render through their own calls: a sample of the corpus through each.
    sample = dict(list(CORPUS.items())[::4])
    replies = {name: await bob.reply(room["id"], parent["id"], body) for name, body in sample.items()}
    edits = (alice.edit(room["id"], sent[name]["id"], f"edited {body}") for name, body in sample.items())
    edited = dict(zip(sample, await in_parallel(edits), strict=True))
    history = user_messages((await bob.history(room["id"], limit=100))["items"])
    thread = (await bob.thread(room["id"], parent["id"]))["replies"]
    last = (await bob.my_room(room["id"]))["last_message"]

    served = {
        **{f"sent {name}": m["html"] for name, m in sent.items()},
        **{f"reply {name}": m["html"] for name, m in replies.items()},
        **{f"edited {name}": m["html"] for name, m in edited.items()},
        **{f"history {m['id']}": m["html"] for m in history},
        **{f"thread {m['id']}": m["html"] for m in thread},
        "room list": last["html"],
    }
    unsafe = {where: (html, problems(html)) for where, html in served.items() if problems(html)}
    assert unsafe == {}
    # Everything was stored and served (and the raw text is returned untouched).
    assert len(history) == len(CORPUS) + 1 and len(thread) == len(sample)
    assert [sent[name]["body"] for name in CORPUS] == list(CORPUS.values())
    assert [m["body"] for m in thread] == list(sample.values())
