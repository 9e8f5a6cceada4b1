"""The flag rules and the OpenFeature provider over a snapshot: no database needed."""

from __future__ import annotations

import uuid

from openfeature import api
from openfeature.evaluation_context import EvaluationContext

from sanctum.domains.flags.catalogue import CALLS, UPLOADS
from sanctum.domains.flags.provider import SanctumProvider
from sanctum.domains.flags.rules import FlagRow, Snapshot, bucket, decide

USERS = [uuid.UUID(int=i * 7919 + 1) for i in range(2000)]


def share_on(snapshot: Snapshot) -> set[uuid.UUID]:
    return {user for user in USERS if decide(snapshot, CALLS, user)[0]}


def test_a_rollout_only_adds_users_as_it_grows_and_matches_its_percentage() -> None:
    ten = share_on(Snapshot(1, {"calls": FlagRow(True, 10)}))
    thirty = share_on(Snapshot(2, {"calls": FlagRow(True, 30)}))
    assert ten < thirty
    assert 150 <= len(ten) <= 250 and 500 <= len(thirty) <= 700
    # The bucket mixes in the flag's name: another flag's first 10% are other people.
    other = {user for user in USERS if bucket(UPLOADS.name, user) < 1000}
    assert len(other & ten) < len(ten) // 2


def test_the_kill_switch_beats_a_user_override_which_beats_a_sanctum_override_which_beats_the_rollout() -> None:
    alice, bob = USERS[0], USERS[1]
    sanctum = uuid.uuid4()
    overrides = {("calls", "user", alice): False, ("calls", "sanctum", sanctum): True}
    rolled_out = Snapshot(1, {"calls": FlagRow(True, 100)}, overrides)
    assert decide(rolled_out, CALLS, alice, sanctum) == (False, "user_override")
    assert decide(rolled_out, CALLS, bob, sanctum) == (True, "sanctum_override")
    nobody = Snapshot(1, {"calls": FlagRow(True, 0)}, overrides)
    assert decide(nobody, CALLS, bob, sanctum) == (True, "sanctum_override")
    assert decide(nobody, CALLS, bob) == (False, "rollout")
    killed = Snapshot(1, {"calls": FlagRow(False, 100)}, overrides)
    assert decide(killed, CALLS, bob, sanctum) == (False, "disabled")
    assert decide(Snapshot(), CALLS, bob) == (True, "default")


def test_openfeature_clients_evaluate_through_the_provider_each_on_its_own_snapshot() -> None:
    alice = USERS[0]
    api.set_provider(SanctumProvider(lambda: Snapshot(1, {"calls": FlagRow(False, 100)})), "unit-off")
    api.set_provider(SanctumProvider(lambda: Snapshot(1, {}, {("calls", "user", alice): False})), "unit-default")
    context = EvaluationContext(str(alice), {})
    details = api.get_client("unit-off").get_boolean_details("calls", True, context)
    assert (details.value, details.reason) == (False, "DISABLED")
    assert api.get_client("unit-default").get_boolean_value("calls", False, context) is True
    unknown = api.get_client("unit-off").get_boolean_details("teleport", True, context)
    assert unknown.value is True and unknown.error_code == "FLAG_NOT_FOUND"
    assert api.get_client("unit-off").get_string_value("calls", "x", context) == "x"
