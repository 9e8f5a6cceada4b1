"""The authorization matrix: for every moderation action, a member without the permission gets 403,
a stranger to the (private) sanctum gets 404 (nothing is revealed), and whoever holds it succeeds."""

from __future__ import annotations

from typing import Any

from tests.integration.moderation.moderation_api import Moderator, Site
from tests.support.http import error_of


async def test_every_moderation_action_is_refused_to_members_hidden_from_strangers_and_done_by_holders(
    site: Site,
) -> None:
    owner, moderator, member, stranger, target = await site.people(5)
    sanctum = await owner.create_sanctum("Guarded", visibility="private")
    slug, room = sanctum["slug"], sanctum["room_id"]
    for person in (moderator, member, target):
        await owner.add_to_sanctum(slug, person.id)
    await owner.set_role(slug, moderator.id, "moderator")
    pinned = await target.send(room, "pin me")
    doomed = await target.send(room, "delete me")
    post = await target.post("a post", sanctum)
    comment = await target.comment(post["id"], "a comment")
    reported = await member.ok(
        "POST", "/api/reports", 201, json={"target_type": "message", "target_id": str(doomed["id"]), "reason": "spam"}
    )
    t = target.id

    # (method, path, body, who holds the permission, the holder's status)
    actions: list[tuple[str, str, dict[str, Any] | None, Moderator, int]] = [
        ("POST", f"/api/rooms/{room}/messages/{pinned['id']}/pin", None, moderator, 200),
        ("DELETE", f"/api/rooms/{room}/messages/{pinned['id']}/pin", None, moderator, 200),
        ("POST", f"/api/rooms/{room}/mutes/{t}", {"duration_seconds": 600}, moderator, 200),
        ("DELETE", f"/api/rooms/{room}/mutes/{t}", None, moderator, 200),
        ("POST", f"/api/sanctums/{slug}/mutes/{t}", {"duration_seconds": 600}, moderator, 200),
        ("DELETE", f"/api/sanctums/{slug}/mutes/{t}", None, moderator, 200),
        ("DELETE", f"/api/rooms/{room}/messages/{doomed['id']}", None, moderator, 204),
        ("DELETE", f"/api/comments/{comment['id']}", None, moderator, 204),
        ("DELETE", f"/api/posts/{post['id']}", None, moderator, 204),
        ("POST", f"/api/reports/{reported['id']}/resolve", {"action": "dismiss"}, moderator, 200),
        ("GET", f"/api/audit?sanctum={slug}", None, moderator, 200),
        ("POST", f"/api/sanctums/{slug}/roles", {"name": "greeter", "permissions": []}, owner, 201),
        ("PATCH", f"/api/sanctums/{slug}/roles/greeter", {"permissions": ["message.pin"]}, owner, 200),
        ("PUT", f"/api/sanctums/{slug}/members/{t}/role", {"role": "greeter"}, owner, 200),
        ("DELETE", f"/api/sanctums/{slug}/members/{t}/role", None, owner, 200),
        ("DELETE", f"/api/sanctums/{slug}/roles/greeter", None, owner, 204),
        ("PATCH", f"/api/sanctums/{slug}", {"description": "kept"}, moderator, 200),
        ("GET", f"/api/sanctums/{slug}/bans", None, moderator, 200),
        ("POST", f"/api/sanctums/{slug}/bans/{t}", {"reason": "spam"}, moderator, 204),
        ("DELETE", f"/api/sanctums/{slug}/bans/{t}", None, moderator, 204),
    ]
    for method, path, body, holder, status in actions:
        kwargs = {"json": body} if body is not None else {}
        refused = await member.call(method, path, **kwargs)
        hidden = await stranger.call(method, path, **kwargs)
        done = await holder.call(method, path, **kwargs)

        assert refused.status_code == 403, (method, path, refused.text)
        assert hidden.status_code == 404, (method, path, hidden.text)
        assert done.status_code == status, (method, path, done.text)

    admin = await site.admin()
    suspend = f"/api/admin/users/{t}/suspension"
    error_of(await moderator.call("POST", suspend, json={"reason": "x"}), 403, "MISSING_PERMISSION")
    error_of(
        await owner.call("PUT", f"/api/admin/users/{t}/site-role", json={"role": "admin"}), 403, "MISSING_PERMISSION"
    )
    await admin.ok("POST", suspend, json={"reason": "spam"})
    await admin.ok("DELETE", suspend)
    actions_logged = [e["action"] for e in await owner.audit(sanctum=slug)]
    assert (
        actions_logged.count("user.mute") == 2 and "message.delete" in actions_logged and "user.ban" in actions_logged
    )
    assert "comment.delete" in actions_logged and "report.resolve" in actions_logged
