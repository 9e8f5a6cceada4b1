"""The email digest of missed mentions, through a real SMTP server: who gets one, what it lists, and that
no mention is emailed twice. Rounds are run directly at a time past the delay (never by sleeping)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sanctum.core.clock import utcnow
from sanctum.db.locks import exclusive
from sanctum.domains.digest.scheduler import ADVISORY_LOCK_KEY, DigestScheduler
from sanctum.domains.digest.service import DigestService
from tests.integration.notifications.notifications_api import Instance, Reader
from tests.support.smtp import Mailbox


async def verify(instance: Instance, mailbox: Mailbox, person: Reader) -> None:
    message = await mailbox.next_to(person.user.email)
    response = await instance.http.post("/api/auth/email/verify", json={"token": message.link()[1]})
    assert response.status_code == 204, response.text


async def choose_digest(person: Reader) -> None:
    prefs = await person.ok("PATCH", "/api/preferences/notifications", json={"email_digest": True})
    assert prefs["email_digest"] is True


async def run_round(instance: Instance, minutes_later: float) -> int:
    digest: DigestService = instance.app.state.services.digest
    queued = await digest.run_round(utcnow() + timedelta(minutes=minutes_later))
    await instance.settle()
    return queued


async def test_one_digest_lists_the_unread_mentions_of_those_who_chose_it_and_never_repeats_them(
    instance: Instance, mailbox: Mailbox
) -> None:
    alice, bob, carol, dave, erin = [await instance.person() for _ in range(5)]
    for verified in (bob, carol, erin):  # dave chooses the digest but never verifies his address
        await verify(instance, mailbox, verified)
    for chose in (bob, dave, erin):
        await choose_digest(chose)
    room = await alice.create_room("Garden")
    for person in (bob, carol, dave):
        await person.join(room["id"])
    seen = await alice.send(room["id"], f"@{bob.username} the gate is open")
    await bob.ok("POST", f"/api/rooms/{room['id']}/read", json={"message_id": seen["id"]})
    everyone = f"@{bob.username} @{carol.username} @{dave.username} @{erin.username}"  # erin: not a member
    await alice.send(room["id"], f"water\nthe <b>roses</b>\n- https://evil.example/x {everyone} " + "long " * 40)
    await instance.settle()

    assert await run_round(instance, minutes_later=5) == 0  # too recent: they may still read it
    assert await run_round(instance, minutes_later=31) == 4
    [digest] = [m for m in mailbox.to(bob.user.email) if "mentioned" in m.subject]
    lines = digest.text.splitlines()

    assert digest.subject == "You were mentioned 1 time on Sanctum"
    assert alice.username in digest.text and "#Garden" in digest.text
    link = f"http://127.0.0.1:8375/chat/{room['id']}"
    assert f"  {link}" in lines
    assert (await bob.room(link.rsplit("/", 1)[1]))["id"] == room["id"]  # the room the link opens
    assert "the gate is open" not in digest.text  # read in the room: not missed
    [mention] = [line for line in lines if line.startswith(f"- {alice.username} in #Garden")]
    assert "water the <b>roses</b> - https://evil.exam" in mention and mention.endswith("…\u201d")
    assert not any(line.startswith("- https://evil") for line in lines)  # an excerpt cannot fake a line
    assert [m.subject for m in mailbox.to(carol.user.email)] == ["Confirm your email address for Sanctum"]
    assert [m.subject for m in mailbox.to(dave.user.email)] == ["Confirm your email address for Sanctum"]
    [for_erin] = [m for m in mailbox.to(erin.user.email) if "mentioned" in m.subject]  # a public room she never read
    assert "roses" in for_erin.text and f"  {link}" in for_erin.text.splitlines()

    await alice.send(room["id"], f"@{bob.username} and again")
    await instance.settle()
    assert await run_round(instance, minutes_later=31) == 1  # the newest only: the others were handled
    assert await run_round(instance, minutes_later=32) == 0
    digests = [m for m in mailbox.to(bob.user.email) if "mentioned" in m.subject]
    assert len(digests) == 2 and "and again" in digests[1].text and "roses" not in digests[1].text


class Unreachable:
    async def send(self, email: object) -> None:
        raise ConnectionRefusedError("the SMTP server is down")


async def test_a_digest_that_could_not_be_sent_keeps_its_mentions_for_the_retry(
    instance: Instance, mailbox: Mailbox
) -> None:
    alice, bob = await instance.person(), await instance.person()
    await verify(instance, mailbox, bob)
    await choose_digest(bob)
    dm = await alice.dm(bob)
    await alice.send(dm["id"], f"@{bob.username} are you there?")
    await instance.settle()
    digest: DigestService = instance.app.state.services.digest
    working, digest._mailer = digest._mailer, Unreachable()
    payload = {"user_id": bob.user.id, "cutoff": (utcnow() + timedelta(minutes=1)).isoformat()}

    with pytest.raises(ConnectionRefusedError):
        await digest.send(payload)
    digest._mailer = working
    await digest.send(payload)  # the queue's retry

    [sent] = [m for m in mailbox.to(bob.user.email) if "mentioned" in m.subject]
    assert f"{alice.username} in a direct message" in sent.text and "are you there?" in sent.text
    await digest.send(payload)
    assert len([m for m in mailbox.to(bob.user.email) if "mentioned" in m.subject]) == 1


@pytest.mark.scaled_only  # one process in embedded mode: there is no other to wait for
async def test_a_round_is_skipped_while_another_process_runs_one(instance: Instance) -> None:
    services = instance.app.state.services
    rounds: DigestScheduler = services.digest_rounds
    async with exclusive(services.db, ADVISORY_LOCK_KEY) as mine:  # another worker's round
        assert mine
        assert await rounds.run_round(utcnow()) is None
    assert await rounds.run_round(utcnow()) == 0
