"""Feeds: what the home feed holds, stable cursors, versioned-key caching and its invalidation."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ScaledServers
from tests.support.metrics import sample_value
from tests.support.social_api import make_friends, members, post_ids


async def hits(client: httpx.AsyncClient, cache: str) -> float:
    """Hits of a page cache: shared ones and those served from this instance's decoded copy."""
    shared = await sample_value(client, "cache_requests_total", cache=cache, result="hit")
    return shared + await sample_value(client, "cache_requests_total", cache=f"{cache}_near", result="hit")


async def test_the_home_feed_holds_my_sanctums_and_my_friends_and_my_own_profile_posts_newest_first(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol, dave = await members(client, 4)
    garden = await bob.create_sanctum()
    elsewhere = await dave.create_sanctum()
    await alice.join_sanctum(garden["slug"])
    await make_friends(alice, carol)

    in_garden = await bob.post("in my sanctum", garden)
    by_friend = await carol.post("from a friend")
    mine = await alice.post("my own")
    by_stranger = await dave.post("from a stranger")
    in_other = await dave.post("in a sanctum I'm not in", elsewhere)
    liked = await bob.like(in_garden["id"])

    feed = await alice.feed()

    assert post_ids(feed) == [mine["id"], by_friend["id"], in_garden["id"]]
    assert by_stranger["id"] not in post_ids(feed) and in_other["id"] not in post_ids(feed)
    assert feed["items"][2]["like_count"] == liked["like_count"] == 1
    assert post_ids(await dave.profile_posts(carol.username)) == [by_friend["id"]]
    assert post_ids(await dave.sanctum_posts(garden["slug"])) == [in_garden["id"]]


async def test_cursors_stay_stable_while_new_posts_arrive(client: httpx.AsyncClient) -> None:
    (alice,) = await members(client, 1)
    sanctum = await alice.create_sanctum()
    for n in range(5):
        await alice.post(f"post {n}", sanctum)

    for read in (alice.feed, lambda **p: alice.sanctum_posts(sanctum["slug"], **p)):
        everything = post_ids(await read(limit=100))
        seen: list[int] = []
        page = await read(limit=2)
        while True:
            seen += post_ids(page)
            await alice.post("newer than the cursor", sanctum)
            if page["next_before"] is None:
                break
            page = await read(limit=2, before=page["next_before"])
        assert seen == everything and everything == sorted(everything, reverse=True)


async def test_a_post_in_one_sanctum_refreshes_its_members_feeds_and_leaves_other_sanctums_cached(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    a = await alice.create_sanctum()
    b = await carol.create_sanctum()
    await bob.join_sanctum(a["slug"])
    await alice.post("old in A", a)
    await carol.post("old in B", b)
    for reader, slug in ((alice, a["slug"]), (bob, a["slug"]), (carol, b["slug"])):
        await reader.feed()
        await reader.sanctum_posts(slug)

    before = (await hits(client, "feed"), await hits(client, "sanctum_posts"))
    new = await alice.post("new in A", a)
    carol_feed = await carol.feed()
    carol_b = await carol.sanctum_posts(b["slug"])
    unaffected = (await hits(client, "feed"), await hits(client, "sanctum_posts"))
    bob_feed = await bob.feed()
    bob_a = await bob.sanctum_posts(a["slug"])

    assert unaffected == (before[0] + 1, before[1] + 1)  # carol's reads were both served from the cache
    assert new["id"] not in post_ids(carol_feed) and len(carol_b["items"]) == 1
    assert post_ids(bob_feed)[0] == new["id"] and post_ids(bob_a)[0] == new["id"]

    await alice.edit_post(new["id"], "edited in A")
    assert (await bob.feed())["items"][0]["body"] == "edited in A"
    assert (await bob.sanctum_posts(a["slug"]))["items"][0]["body"] == "edited in A"
    await alice.delete_post(new["id"])
    assert new["id"] not in post_ids(await bob.feed())
    assert new["id"] not in post_ids(await bob.sanctum_posts(a["slug"]))


async def test_joining_befriending_and_profile_posts_change_the_feed_at_once(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    sanctum = await bob.create_sanctum()
    in_sanctum = await bob.post("in the sanctum", sanctum)
    assert post_ids(await alice.feed()) == []
    assert post_ids(await alice.profile_posts(bob.username)) == [in_sanctum["id"]]  # a public sanctum

    await alice.join_sanctum(sanctum["slug"])
    assert post_ids(await alice.feed()) == [in_sanctum["id"]]
    await make_friends(alice, bob)
    on_profile = await bob.post("on my profile")
    assert post_ids(await alice.feed()) == [on_profile["id"], in_sanctum["id"]]
    assert post_ids(await alice.profile_posts(bob.username)) == [on_profile["id"], in_sanctum["id"]]
    await alice.unfriend(bob)
    await alice.leave_sanctum(sanctum["slug"])
    assert post_ids(await alice.feed()) == []


async def test_a_profile_lists_the_posts_the_viewer_may_read_private_sanctums_only_for_their_members(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    secret = await bob.create_sanctum(visibility="private")
    await bob.add_to_sanctum(secret["slug"], carol.id)
    hidden = await bob.post("members only", secret)
    mine = await bob.post("on my profile")

    assert post_ids(await bob.profile_posts(bob.username)) == [mine["id"], hidden["id"]]  # your own profile
    assert post_ids(await carol.profile_posts(bob.username)) == [mine["id"], hidden["id"]]
    assert post_ids(await alice.profile_posts(bob.username)) == [mine["id"]]
    await bob.remove_from_sanctum(secret["slug"], carol.id)
    assert post_ids(await carol.profile_posts(bob.username)) == [mine["id"]]  # access lost: at once


async def test_counts_in_a_cached_page_are_always_current(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    post = await alice.post("count me")
    await alice.feed()  # cached now
    await bob.like(post["id"])
    await bob.comment(post["id"], "hello")

    item = (await alice.feed())["items"][0]
    profile = (await bob.profile_posts(alice.username))["items"][0]

    assert (item["like_count"], item["comment_count"], item["liked_by_me"]) == (1, 1, False)
    assert (profile["like_count"], profile["liked_by_me"]) == (1, True)


async def test_profiles_are_read_through_the_cache_and_forgotten_on_update(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    await bob.ok("GET", f"/api/users/{alice.username}")
    before = await hits(client, "profile")
    cached = await bob.ok("GET", f"/api/users/{alice.username}")
    await alice.ok("PATCH", "/api/users/me", json={"display_name": "Alice Renamed"})
    fresh = await bob.ok("GET", f"/api/users/{alice.username}")

    assert await hits(client, "profile") == before + 1
    assert cached["display_name"] == alice.username and fresh["display_name"] == "Alice Renamed"


@pytest.mark.scaled_only
async def test_with_redis_stopped_feeds_posts_and_likes_work_and_stay_correct_after(
    client: httpx.AsyncClient, scaled_servers: ScaledServers
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum()
    await bob.join_sanctum(sanctum["slug"])
    old = await alice.post("before the outage", sanctum)
    await bob.feed()
    await bob.sanctum_posts(sanctum["slug"])

    async with scaled_servers.stopped(scaled_servers.redis):
        during = await alice.post("during the outage", sanctum)
        await alice.edit_post(old["id"], "edited during the outage")
        await bob.like(during["id"])
        await bob.comment(during["id"], "a comment")
        feed_during = await bob.feed()
        page_during = await bob.sanctum_posts(sanctum["slug"])
        profile_during = await bob.ok("GET", f"/api/users/{alice.username}")
        await make_friends(alice, bob)

    feed_after = await bob.feed()
    page_after = await bob.sanctum_posts(sanctum["slug"])
    assert post_ids(feed_during) == post_ids(page_during) == [during["id"], old["id"]]
    assert feed_during["items"][0]["like_count"] == 1 and feed_during["items"][0]["comment_count"] == 1
    assert profile_during["username"] == alice.username
    # Redis is back with the entries it held before it stopped: reads must show the new state.
    assert post_ids(feed_after) == post_ids(page_after) == [during["id"], old["id"]]
    assert page_after["items"][1]["body"] == "edited during the outage"
    assert await bob.friend_ids() == {alice.id}


@pytest.mark.parametrize("branches", [200, 0], ids=["merged-ranges", "one-or-query"])
async def test_pages_of_a_feed_from_many_sources_are_its_newest_posts_in_order(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, branches: int
) -> None:
    # The feed merges the newest posts of each source (one range per sanctum, one for profile posts);
    # past MAX_FEED_BRANCHES sanctums it is one OR query. Both must page through the same posts.
    monkeypatch.setattr("sanctum.domains.posts.repository.MAX_FEED_BRANCHES", branches)
    alice, bob, carol = await members(client, 3)
    sanctums = [await bob.create_sanctum() for _ in range(3)]
    for sanctum in sanctums:
        await alice.join_sanctum(sanctum["slug"])
    hidden = await carol.create_sanctum()
    await make_friends(alice, carol)
    expected = []
    for n in range(4):
        for sanctum in sanctums:
            expected.append((await bob.post(f"{n} in {sanctum['slug']}", sanctum))["id"])
        expected.append((await carol.post(f"{n} on carol's profile"))["id"])
        await carol.post(f"{n} where alice is not", hidden)
        expected.append((await alice.post(f"{n} on alice's profile"))["id"])
    expected.reverse()

    seen: list[int] = []
    page = await alice.feed(limit=3)
    while True:
        seen += post_ids(page)
        if page["next_before"] is None:
            break
        page = await alice.feed(limit=3, before=page["next_before"])

    assert seen == expected
    assert post_ids(await alice.feed(limit=100)) == expected
