"""Roles and permissions: custom sanctum roles, assignments, site roles, and the audit log of them."""

from __future__ import annotations

from tests.integration.moderation.moderation_api import Site
from tests.support.http import error_of


async def test_an_owner_makes_a_custom_role_gives_it_renames_and_deletes_it_and_the_audit_log_shows_each_step(
    site: Site,
) -> None:
    alice, bob, carol, mallory = await site.people(4)
    sanctum = await alice.create_sanctum(visibility="private")
    slug = sanctum["slug"]
    for person in (bob, carol):
        await alice.add_to_sanctum(slug, person.id)

    created = await alice.create_role(slug, "pinner", ["message.pin"])
    await alice.set_role(slug, bob.id, "pinner")
    bobs_view = await bob.sanctum(slug)
    refused = await carol.call("POST", f"/api/sanctums/{slug}/roles", json={"name": "mine", "permissions": []})
    hidden = await mallory.call("GET", f"/api/sanctums/{slug}/roles")
    renamed = await alice.ok("PATCH", f"/api/sanctums/{slug}/roles/pinner", json={"name": "pinners"})
    roles_after_rename = await alice.sanctum_roles(slug)
    await alice.ok("DELETE", f"/api/sanctums/{slug}/roles/pinners", 204)

    assert {r["name"]: r["builtin"] for r in created["items"]} == {
        "owner": True,
        "admin": True,
        "moderator": True,
        "member": True,
        "pinner": False,
    }
    assert (bobs_view["my_role"], bobs_view["my_permissions"]) == ("pinner", ["message.pin"])
    error_of(refused, 403, "MISSING_PERMISSION")
    error_of(hidden, 404, "SANCTUM_NOT_FOUND")
    assert [(r["name"], r["holders"]) for r in renamed["items"] if not r["builtin"]] == [("pinners", 1)]
    assert roles_after_rename[bob.id] == "pinners"
    assert (await alice.sanctum_roles(slug))[bob.id] == "member"
    assert (await alice.member_roles(sanctum["room_id"]))[bob.id] == "member"
    log = await alice.audit(sanctum=slug)
    assert [(e["action"], e["target_id"]) for e in log] == [
        ("role.delete", "pinners"),
        ("role.update", "pinner"),
        ("role.assign", bob.id),
        ("role.create", "pinner"),
    ]
    assert log[2]["metadata"] == {"from": "member", "to": "pinner"} and log[2]["actor"]["id"] == alice.id
    assert log[0]["ip"] is None  # addresses are for site admins
    error_of(await carol.call("GET", "/api/audit", params={"sanctum": slug}), 403, "MISSING_PERMISSION")
    error_of(await mallory.call("GET", "/api/audit", params={"sanctum": slug}), 404, "SANCTUM_NOT_FOUND")
    error_of(await carol.call("GET", "/api/audit"), 403, "MISSING_PERMISSION")


async def test_nobody_grants_what_they_do_not_hold_and_the_owner_keeps_their_role(site: Site) -> None:
    alice, bob, carol = await site.people(3)
    slug = (await alice.create_sanctum())["slug"]
    for person in (bob, carol):
        await person.join_sanctum(slug)
    await alice.create_role(slug, "steward", ["role.manage", "message.pin"])
    await alice.set_role(slug, bob.id, "steward")

    too_much = await bob.call("POST", f"/api/sanctums/{slug}/roles", json={"name": "x1", "permissions": ["user.ban"]})
    to_moderator = await bob.call("PUT", f"/api/sanctums/{slug}/members/{carol.id}/role", json={"role": "moderator"})
    demote_owner = await bob.call("PUT", f"/api/sanctums/{slug}/members/{alice.id}/role", json={"role": "member"})
    site_wide = await alice.call(
        "POST", f"/api/sanctums/{slug}/roles", json={"name": "x2", "permissions": ["site.admin"]}
    )
    await bob.ok("POST", f"/api/sanctums/{slug}/roles", 201, json={"name": "helper", "permissions": ["message.pin"]})
    await bob.set_role(slug, carol.id, "helper")

    error_of(too_much, 403, "MISSING_PERMISSION")
    error_of(to_moderator, 403, "MISSING_PERMISSION")
    error_of(demote_owner, 403, "NOT_OWNER")
    error_of(site_wide, 422, "VALIDATION_FAILED")
    assert (await alice.sanctum_roles(slug))[carol.id] == "helper"
    error_of(await alice.call("PATCH", f"/api/sanctums/{slug}/roles/moderator", json={}), 403, "MISSING_PERMISSION")
    error_of(await alice.call("DELETE", f"/api/sanctums/{slug}/roles/nope"), 404, "ROLE_NOT_FOUND")
    error_of(await alice.call("POST", f"/api/sanctums/{slug}/roles", json={"name": "helper"}), 409, "ROLE_EXISTS")


async def test_a_site_admin_makes_a_site_moderator_who_reads_the_whole_audit_log(site: Site) -> None:
    admin = await site.admin()
    dave, erin = await site.people(2)

    refused = await erin.call("PUT", f"/api/admin/users/{dave.id}/site-role", json={"role": "moderator"})
    await admin.ok("PUT", f"/api/admin/users/{dave.id}/site-role", 204, json={"role": "moderator"})
    me = await dave.ok("GET", "/api/users/me")
    log = await dave.audit(action="site_role.assign", target_id=dave.id)
    admins_view = await admin.audit(action="site_role.assign", target_id=dave.id)

    error_of(refused, 403, "MISSING_PERMISSION")
    assert (me["site_role"], me["is_admin"]) == ("moderator", False)
    assert [(e["actor"]["id"], e["metadata"]) for e in log] == [(admin.id, {"role": "moderator"})]
    assert log[0]["ip"] is None and admins_view[0]["ip"] == "127.0.0.1"
    catalogue = await dave.ok("GET", "/api/roles")
    assert "site.admin" in catalogue["permissions"]
