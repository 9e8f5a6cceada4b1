"""What a push opens, and which endpoints the server agrees to post to."""

from __future__ import annotations

from sanctum.domains.push.service import url_of
from sanctum.domains.push.webpush import endpoint_problem
from sanctum.settings_groups import PushSettings


def test_each_pushed_kind_opens_its_screen_and_shares_a_tag_with_its_subject() -> None:
    assert url_of("mention", {"room_id": "r1", "message_id": "9"}) == ("/chat/r1", "room:r1")
    assert url_of("message", {"room_id": "r1", "message_id": "9", "room_kind": "dm"}) == ("/chat/r1", "room:r1")
    assert url_of("game_invite", {"game_id": "g1", "game": "connect_four"}) == ("/games/rooms/g1", "game:g1")
    assert url_of("friend_request", {}) == ("/friends", "friends")


def test_only_https_push_services_are_accepted_by_default() -> None:
    settings = PushSettings()
    assert endpoint_problem("https://fcm.googleapis.com/fcm/send/abc", settings) is None
    assert endpoint_problem("https://updates.push.services.mozilla.com/wpush/v2/x", settings) is None
    assert endpoint_problem("http://fcm.googleapis.com/fcm/send/abc", settings) == "endpoint must be https"
    assert endpoint_problem("https://googleapis.com.evil.example/x", settings) == "endpoint is not a known push service"
    assert endpoint_problem("https://evilgoogleapis.com/x", settings) == "endpoint is not a known push service"
    assert endpoint_problem("https://10.0.0.1/x", settings) == "endpoint is not a known push service"
