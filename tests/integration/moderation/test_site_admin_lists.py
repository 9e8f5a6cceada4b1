"""The site admins' lists: the accounts suspended now (with their reason and end, newest suspension
first, a page at a time) and whoever holds a site role. Only site admins read them; site moderators,
who review reports and read the log but do not suspend or give site roles, are refused like anyone."""

from __future__ import annotations

from datetime import timedelta

from sanctum.core.clock import utcnow
from tests.integration.moderation.moderation_api import Site
from tests.support.http import error_of


async def test_a_site_admin_lists_suspended_accounts_newest_first_a_page_at_a_time_until_each_is_lifted(
    site: Site,
) -> None:
    admin = await site.admin()
    mallory, trent, bystander = await site.people(3)
    until = (utcnow() + timedelta(days=7)).isoformat()
    await admin.ok("POST", f"/api/admin/users/{mallory.id}/suspension", json={"reason": "spam", "until": until})
    await admin.ok("POST", f"/api/admin/users/{trent.id}/suspension", json={"reason": "harassment"})

    first = await admin.ok("GET", "/api/admin/suspensions", params={"limit": 1})
    second = await admin.ok("GET", "/api/admin/suspensions", params={"limit": 1, "cursor": first["next_cursor"]})

    assert [(s["user"]["id"], s["reason"], s["until"]) for s in first["items"]] == [(trent.id, "harassment", None)]
    assert [(s["user"]["username"], s["reason"]) for s in second["items"]] == [(mallory.username, "spam")]
    assert second["items"][0]["until"] is not None and second["next_cursor"] is None
    await admin.ok("DELETE", f"/api/admin/users/{trent.id}/suspension")
    left = await admin.ok("GET", "/api/admin/suspensions")
    assert [s["user"]["id"] for s in left["items"]] == [mallory.id]
    log = await admin.audit(target_id=trent.id)
    assert [(e["action"], e["target_user"]["username"]) for e in log] == [
        ("account.unsuspend", trent.username),
        ("account.suspend", trent.username),
    ]
    assert bystander.id not in {s["user"]["id"] for s in left["items"]}


async def test_a_suspension_that_would_end_in_the_past_is_refused_and_changes_nothing(site: Site) -> None:
    admin = await site.admin()
    (mallory,) = await site.people(1)
    past = (utcnow() - timedelta(minutes=1)).isoformat()

    refused = await admin.call("POST", f"/api/admin/users/{mallory.id}/suspension", json={"reason": "x", "until": past})

    assert error_of(refused, 422, "VALIDATION_FAILED")["fields"] == {"until": "must be in the future"}
    assert (await mallory.call("GET", "/api/users/me")).status_code == 200
    assert (await admin.ok("GET", "/api/admin/suspensions"))["items"] == []


async def test_a_site_admin_lists_site_staff_by_username_and_a_role_taken_away_leaves_the_list(site: Site) -> None:
    admin = await site.admin()
    dave, erin = await site.people(2)
    await admin.ok("PUT", f"/api/admin/users/{dave.id}/site-role", 204, json={"role": "moderator"})
    await admin.ok("PUT", f"/api/admin/users/{erin.id}/site-role", 204, json={"role": "admin"})

    staff = await admin.ok("GET", "/api/admin/staff")
    page = await admin.ok("GET", "/api/admin/staff", params={"limit": 2})
    rest = await admin.ok("GET", "/api/admin/staff", params={"limit": 2, "cursor": page["next_cursor"]})

    expected = sorted([(admin.username, "admin"), (dave.username, "moderator"), (erin.username, "admin")])
    assert [(m["user"]["username"], m["role"]) for m in staff["items"]] == expected
    assert [m["user"]["username"] for m in page["items"] + rest["items"]] == [name for name, _ in expected]
    assert rest["next_cursor"] is None
    await admin.ok("PUT", f"/api/admin/users/{erin.id}/site-role", 204, json={"role": None})
    after = await admin.ok("GET", "/api/admin/staff")
    assert erin.id not in {m["user"]["id"] for m in after["items"]}


async def test_only_site_admins_read_the_suspension_and_staff_lists_site_moderators_included(site: Site) -> None:
    admin = await site.admin()
    plain, moderator = await site.people(2)
    await admin.ok("PUT", f"/api/admin/users/{moderator.id}/site-role", 204, json={"role": "moderator"})

    for path in ("/api/admin/suspensions", "/api/admin/staff"):
        error_of(await plain.call("GET", path), 403, "MISSING_PERMISSION")
        error_of(await moderator.call("GET", path), 403, "MISSING_PERMISSION")
        assert (await site.http.get(path)).status_code == 401, path
        assert (await admin.call("GET", path)).status_code == 200, path
    suspend = f"/api/admin/users/{plain.id}/suspension"
    error_of(await moderator.call("POST", suspend, json={"reason": "spam"}), 403, "MISSING_PERMISSION")
    error_of(await admin.call("GET", "/api/admin/suspensions", params={"cursor": "nonsense"}), 422, "VALIDATION_FAILED")
    assert (await moderator.ok("GET", "/api/audit"))["items"][0]["action"] == "site_role.assign"
