"""The call state machine over arbitrary orders of events, and the ICE credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctum.domains.calls import machine as m
from sanctum.domains.calls.ice import ice_servers
from sanctum.settings import CallSettings

T0 = datetime(2026, 1, 1, tzinfo=UTC)
USERS = [uuid.UUID(int=n) for n in range(1, 6)]
ROOMS = [uuid.UUID(int=100 + n) for n in range(3)]

event = st.one_of(
    st.tuples(st.just("start"), st.sampled_from(USERS), st.sampled_from(USERS), st.booleans()),
    st.tuples(st.sampled_from(["accept", "decline", "hangup", "drop"]), st.sampled_from(USERS), st.integers(0, 5)),
    st.tuples(st.just("wait"), st.integers(1, 40)),
)


class Phone:
    """What the service does with the pure functions, in memory: calls by id, and who is in which."""

    def __init__(self) -> None:
        self.calls: dict[uuid.UUID, m.CallState] = {}
        self.of_user: dict[uuid.UUID, uuid.UUID] = {}
        self.now = T0

    def busy(self, user: uuid.UUID) -> bool:
        call = self.calls.get(self.of_user.get(user, uuid.UUID(int=0)))
        return m.occupies(call, user, self.now)

    def put(self, state: m.CallState) -> None:
        self.calls[state.id] = state
        for user in (*state.participants, *state.invited):
            if m.occupies(state, user, self.now):
                self.of_user[user] = state.id

    def apply(self, ev: tuple[object, ...]) -> None:
        if ev[0] == "wait":
            self.now += timedelta(seconds=int(ev[1]))  # type: ignore[call-overload]
            return
        if ev[0] == "start":
            _, caller, callee, dm = ev
            assert isinstance(caller, uuid.UUID) and isinstance(callee, uuid.UUID)
            invited = frozenset({callee}) - {caller} if dm else frozenset()
            if dm and not invited:
                return
            if self.busy(caller) or any(self.busy(u) for u in invited):
                return
            self.put(m.start(uuid.uuid4(), ROOMS[0], "voice", caller, invited, self.now, 30))
            return
        kind, user, index = ev
        assert isinstance(user, uuid.UUID) and isinstance(index, int)
        if not self.calls:
            return
        state = list(self.calls.values())[index % len(self.calls)]
        if kind == "accept" and self.busy(user) and self.of_user.get(user) != state.id:
            return
        outcome = {
            "accept": lambda: m.accept(state, user, self.now, 4),
            "decline": lambda: m.decline(state, user, self.now),
            "hangup": lambda: m.leave(state, user, self.now),
            "drop": lambda: m.leave(state, user, self.now, dropped=True),
        }[str(kind)]()
        if state.status == "ended":
            assert outcome is m.Refusal.ENDED or outcome == state, "ended is terminal"
        if isinstance(outcome, m.CallState):
            self.put(outcome)


@settings(max_examples=300, deadline=None)
@given(st.lists(event, max_size=40))
def test_no_order_of_events_puts_anyone_in_two_live_calls_or_revives_an_ended_one(
    events: list[tuple[object, ...]],
) -> None:
    phone = Phone()
    ended: set[uuid.UUID] = set()
    for ev in events:
        phone.apply(ev)
        for call in phone.calls.values():
            live = m.expire(call, phone.now)
            if call.id in ended:
                assert live.status == "ended"
            if live.status == "ended":
                ended.add(call.id)
                assert live.participants == () and m.entry(live) is not None
            assert len(live.participants) <= 4
        for user in USERS:
            live = [c for c in phone.calls.values() if m.occupies(c, user, phone.now)]
            assert len(live) <= 1, f"{user} is in {len(live)} live calls"


def test_a_ring_nobody_answers_is_missed_at_its_deadline_and_an_accept_after_it_is_refused() -> None:
    alice, bob = USERS[:2]
    call = m.start(uuid.uuid4(), ROOMS[0], "video", alice, frozenset({alice, bob}), T0, 30)
    assert call.invited == {bob} and call.status == "ringing"
    assert m.expire(call, T0 + timedelta(seconds=29)).status == "ringing"
    missed = m.expire(call, T0 + timedelta(seconds=31))
    assert missed.reason == "missed" and missed.ended_at == call.deadline and m.entry(missed) == ("missed_call", "")
    assert m.accept(call, bob, T0 + timedelta(seconds=31), 4) is m.Refusal.ENDED


def test_an_answered_call_hung_up_after_four_minutes_reads_call_4_min() -> None:
    alice, bob, carol = USERS[:3]
    call = m.start(uuid.uuid4(), ROOMS[0], "voice", alice, frozenset({bob}), T0, 30)
    assert m.accept(call, carol, T0, 4) is m.Refusal.NOT_INVITED
    active = m.accept(call, bob, T0 + timedelta(seconds=5), 4)
    assert isinstance(active, m.CallState) and active.status == "active" and active.participants == (alice, bob)
    assert m.may_signal(active, alice, bob, T0) is None
    assert m.may_signal(active, carol, bob, T0) is m.Refusal.NOT_IN_CALL
    assert m.may_signal(call, alice, bob, T0) is m.Refusal.NOT_IN_CALL  # still ringing
    ended = m.leave(active, bob, T0 + timedelta(minutes=4, seconds=5))
    assert isinstance(ended, m.CallState) and ended.reason == "completed" and m.entry(ended) == ("call", "4 min")
    assert m.may_signal(ended, alice, bob, T0) is m.Refusal.ENDED


def test_a_room_call_takes_members_up_to_the_limit_and_goes_on_while_two_remain() -> None:
    a, b, c, d = USERS[:4]
    state: m.Outcome = m.start(uuid.uuid4(), ROOMS[1], "voice", a, frozenset(), T0, 30)
    for user in (b, c):
        assert isinstance(state, m.CallState)
        state = m.accept(state, user, T0, 3)
    assert isinstance(state, m.CallState)
    assert m.accept(state, d, T0, 3) is m.Refusal.FULL
    after = m.leave(state, a, T0, dropped=True)
    assert isinstance(after, m.CallState) and after.status == "active" and after.participants == (b, c)
    declined = m.decline(after, d, T0)
    assert isinstance(declined, m.CallState) and declined.status == "active"


def test_turn_credentials_follow_the_turn_rest_scheme_and_only_when_configured() -> None:
    user = USERS[0]
    plain = ice_servers(CallSettings(turn_urls=["turn:t.example:3478"]), user, 1000.0)
    assert [s.urls for s in plain.ice_servers] == [["stun:stun.l.google.com:19302"]]
    turn = ice_servers(
        CallSettings(turn_urls=["turn:t.example:3478"], turn_secret="s3cret", turn_ttl_seconds=600), user, 1000.0
    )
    server = turn.ice_servers[1]
    assert server.username == f"1600:{user}"
    expected = base64.b64encode(hmac.new(b"s3cret", server.username.encode(), hashlib.sha1).digest()).decode()
    assert server.credential == expected and turn.ttl_seconds == 600
