"""Access tokens and password hashing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from sanctum.core.security import AccessTokens, InvalidToken, PasswordHashing, token_digest

SECRET = "unit-test-secret-0123456789-0123456789"


@pytest.fixture
def tokens() -> AccessTokens:
    return AccessTokens(SECRET, timedelta(minutes=15))


def claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    payload: dict[str, object] = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "typ": "access",
        "iss": "sanctum",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def test_an_issued_access_token_decodes_to_its_user_session_and_expiry(tokens: AccessTokens) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()

    decoded = tokens.decode(tokens.issue(user_id, session_id))

    assert (decoded.user_id, decoded.session_id) == (user_id, session_id)
    remaining = decoded.expires_at - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    assert tokens.ttl_seconds == 900


def test_an_expired_access_token_is_invalid() -> None:
    expired = AccessTokens(SECRET, timedelta(seconds=-1))

    with pytest.raises(InvalidToken, match="expired"):
        expired.decode(expired.issue(uuid.uuid4(), uuid.uuid4()))


def test_a_token_signed_with_another_secret_is_invalid(tokens: AccessTokens) -> None:
    forged = AccessTokens("someone-elses-secret-0123456789-012345", timedelta(minutes=15)).issue(
        uuid.uuid4(), uuid.uuid4()
    )

    with pytest.raises(InvalidToken, match="Signature"):
        tokens.decode(forged)


def test_a_token_whose_payload_was_edited_is_invalid(tokens: AccessTokens) -> None:
    header, _, signature = tokens.issue(uuid.uuid4(), uuid.uuid4()).split(".")
    other_payload = jwt.encode(claims(), SECRET, algorithm="HS256").split(".")[1]

    with pytest.raises(InvalidToken):
        tokens.decode(f"{header}.{other_payload}.{signature}")


@pytest.mark.parametrize(
    "payload",
    [
        claims(typ="refresh"),
        claims(typ=None),
        claims(sid=None),
        claims(sub="not-a-uuid"),
        claims(iss="someone-else"),
    ],
    ids=["refresh-typ", "no-typ", "no-session", "bad-subject", "other-issuer"],
)
def test_a_correctly_signed_token_with_wrong_claims_is_invalid(
    tokens: AccessTokens, payload: dict[str, object]
) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(jwt.encode(payload, SECRET, algorithm="HS256"))


def test_an_unsigned_token_is_invalid(tokens: AccessTokens) -> None:
    unsigned = jwt.encode(claims(), key=None, algorithm="none")

    with pytest.raises(InvalidToken):
        tokens.decode(unsigned)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_garbage_is_an_invalid_token(tokens: AccessTokens, garbage: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(garbage)


def test_password_hashing_verifies_only_the_right_password() -> None:
    passwords = PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1)

    hashed = passwords.hash("correct-horse-42")

    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, "correct-horse-42")
    assert not passwords.verify(hashed, "correct-horse-43")
    assert not passwords.verify(None, "correct-horse-42")
    assert not passwords.verify("not-a-hash", "correct-horse-42")
    assert passwords.hash("correct-horse-42") != hashed


def test_token_digest_is_a_stable_sha256_hex() -> None:
    assert token_digest("abc") == token_digest("abc")
    assert token_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert token_digest("abd") != token_digest("abc")


def test_a_remembered_token_still_expires_and_a_changed_one_is_verified_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = AccessTokens("s" * 40, timedelta(seconds=60))
    user, session = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(user, session)
    assert tokens.decode(token).session_id == session
    assert tokens.decode(token).session_id == session  # now from memory

    head, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        tokens.decode(f"{head}.{payload}.{signature[:-2]}AA")  # a forged signature is checked, not remembered

    later = datetime.now(UTC) + timedelta(seconds=61)
    monkeypatch.setattr("sanctum.core.security.utcnow", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        tokens.decode(token)


def test_the_memory_of_verified_tokens_is_bounded() -> None:
    tokens = AccessTokens("s" * 40, timedelta(seconds=60))
    tokens.REMEMBERED = 3
    issued = [tokens.issue(uuid.uuid4(), uuid.uuid4()) for _ in range(5)]
    for token in issued:
        tokens.decode(token)
    assert len(tokens._verified) == 3
    assert list(tokens._verified) == issued[2:]
