"""schemathesis against each operation of the app's own /openapi.json, in process.

Checks: no 5xx, every response matches its documented schema and content type. Cases are valid and
invalid inputs, some with hostile text appended to one string; about half carry a valid access token
of a registered user, the others none. Each operation gets a fresh app and database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from sanctum.main import create_app
from sanctum.settings import Settings
from tests.conftest import SettingsFactory
from tests.factories import DEFAULT_PASSWORD, unique_username

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Browsers' older CSP report format is JSON under its own media type (POST /api/csp-report).
schemathesis.serializer.alias("application/csp-report", "application/json")
# Operations that end the caller's session (or account) get a fresh login for each case.
SESSION_ENDING = {"auth-logout", "auth-logout_all", "auth-revoke_session", "users-delete_me"}

# The committed spec only names the operations (contracts/test_openapi.py keeps it equal to the
# code); the cases are generated from what the running app serves at /openapi.json.
_SPEC = json.loads((Path(__file__).resolve().parents[2] / "openapi.json").read_text())
OPERATION_IDS = sorted(op["operationId"] for item in _SPEC["paths"].values() for op in item.values())
# A budget for the whole run (about 30 s per mode on two idle cores), shared by however many operations
# the API has, within bounds that keep each operation meaningfully covered.
EXAMPLES_PER_OPERATION = max(15, min(40, 900 // len(OPERATION_IDS)))


# Characters valid in JSON that databases and parsers trip over. Plain generation rarely produces
# them inside otherwise valid input (NUL reached PostgreSQL as a 500 that way once).
HOSTILE_TEXT = ["\x00", "\u202e", "\ufeff", "\U0001f600", "'; --", "%00", "\\", "\n"]


@dataclass(frozen=True)
class HostileEdit:
    """Append one hostile piece of text to one string in the body or query of a generated case."""

    pick: int
    text: str

    def apply(self, case: schemathesis.Case) -> None:
        for part in ("body", "query"):
            values = getattr(case, part)
            if isinstance(values, dict):
                names = sorted(name for name, value in values.items() if isinstance(value, str))
                if names:
                    name = names[self.pick % len(names)]
                    setattr(case, part, {**values, name: values[name] + self.text})
                    return


hostile_edits = st.none() | st.builds(HostileEdit, pick=st.integers(0, 7), text=st.sampled_from(HOSTILE_TEXT))


@dataclass
class FuzzTarget:
    """The app under test and an account to call it as, through schemathesis' ASGI client."""

    app: FastAPI
    client: asgi.ASGIClient
    username: str

    def login(self) -> str:
        response = self.client.post("/api/auth/login", json={"login": self.username, "password": DEFAULT_PASSWORD})
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


@pytest.fixture
def fuzz_target(make_settings: SettingsFactory) -> Iterator[FuzzTarget]:
    app = create_app(make_settings())
    # The client runs the app, lifespan included, on schemathesis' event loop thread, where every
    # generated request runs too, so database connections never cross event loops.
    with asgi.get_client(app) as client:
        try:
            username = unique_username("fuzz")
            registered = client.post(
                "/api/auth/register",
                json={"username": username, "email": f"{username}@example.com", "password": DEFAULT_PASSWORD},
            )
            assert registered.status_code == 201, registered.text
            yield FuzzTarget(app=app, client=client, username=username)
        finally:
            asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def api_schema() -> schemathesis.BaseSchema:
    """The document the app serves at /openapi.json, loaded once: building it is the slow part, and
    serving it needs no database, so the app serving it is never started."""
    app = create_app(Settings(_env_file=None, app_env="test", database_url="sqlite+aiosqlite:///:memory:"))
    response = asgi.get_client(app).get("/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_never_fails_with_5xx_and_answers_as_documented(
    api_schema: schemathesis.BaseSchema, fuzz_target: FuzzTarget, operation_id: str
) -> None:
    operation = api_schema.find_operation_by_id(operation_id)
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    access_token = fuzz_target.login()

    @given(case=cases, authenticated=st.booleans(), hostile=hostile_edits)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case, authenticated: bool, hostile: HostileEdit | None) -> None:
        if hostile is not None:
            hostile.apply(case)
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if authenticated:
            token = fuzz_target.login() if operation_id in SESSION_ENDING else access_token
            headers["Authorization"] = f"Bearer {token}"
        case.headers = headers

        case.call_and_validate(session=fuzz_target.client, app=fuzz_target.app, checks=CHECKS)

    answers_as_documented()
