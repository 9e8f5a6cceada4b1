"""`topic_uuid`: the one parser hubs use for `{prefix}{uuid}` topics."""

from __future__ import annotations

import uuid

from sanctum.realtime.hub import topic_uuid

ID = uuid.UUID("7a0f4b5e-1234-4000-8000-00000000abcd")


def test_only_the_canonical_spelling_under_the_prefix_names_a_topic() -> None:
    assert topic_uuid(f"room:{ID}", "room:") == ID
    for other in [f"room:{str(ID).upper()}", f"room:{{{ID}}}", f"room:{ID.hex}", f"room:{ID} ", "room:", "room:x"]:
        assert topic_uuid(other, "room:") is None, other
    assert topic_uuid(f"game:{ID}", "room:") is None
    assert topic_uuid(str(ID), "room:") is None
