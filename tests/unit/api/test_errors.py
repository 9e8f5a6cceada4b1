"""`validation_fields`: which input was wrong and why, from pydantic's errors."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from sanctum.api.errors import error_response, validation_fields


class Address(BaseModel):
    city: str


class Person(BaseModel):
    name: str
    address: Address
    tags: list[int]


def errors_of(data: Any) -> list[dict[str, Any]]:
    try:
        Person.model_validate(data)
    except ValidationError as exc:
        return [dict(err) for err in exc.errors()]
    raise AssertionError("expected a validation error")


def test_fields_are_named_by_their_dotted_path_without_the_location_prefix() -> None:
    errors = [{**err, "loc": ("body", *err["loc"])} for err in errors_of({"address": {}, "tags": [1, "x"]})]

    assert validation_fields(errors) == {
        "name": "Field required",
        "address.city": "Field required",
        "tags.1": "Input should be a valid integer, unable to parse string as an integer",
    }


def test_query_path_and_header_prefixes_are_dropped_too() -> None:
    errors = [
        {"loc": ("query", "limit"), "msg": "Input should be greater than 0", "type": "greater_than"},
        {"loc": ("path", "session_id"), "msg": "Input should be a valid UUID", "type": "uuid_parsing"},
        {"loc": ("header", "x-token"), "msg": "Field required", "type": "missing"},
    ]

    assert validation_fields(errors) == {
        "limit": "Input should be greater than 0",
        "session_id": "Input should be a valid UUID",
        "x-token": "Field required",
    }


def test_invalid_json_is_reported_on_the_body() -> None:
    errors = [{"loc": ("body", 12), "msg": "JSON decode error", "type": "json_invalid"}]

    assert validation_fields(errors) == {"body": "is not valid JSON"}


def test_an_error_about_the_whole_body_is_reported_on_the_body() -> None:
    errors = [{"loc": ("body",), "msg": "Input should be a valid dictionary", "type": "dict_type"}]

    assert validation_fields(errors) == {"body": "Input should be a valid dictionary"}


def test_the_first_message_per_field_wins_and_the_value_error_prefix_is_dropped() -> None:
    errors = [
        {"loc": ("body", "password"), "msg": "Value error, must mix letters with digits", "type": "value_error"},
        {"loc": ("body", "password"), "msg": "String should have at least 8 characters", "type": "too_short"},
    ]

    assert validation_fields(errors) == {"password": "must mix letters with digits"}


def test_error_response_renders_the_envelope_and_omits_empty_parts() -> None:
    response = error_response(404, "NOT_FOUND", "Not found.", "req-1", headers={"X-Extra": "1"})

    assert response.status_code == 404
    envelope = {"error": {"code": "NOT_FOUND", "message": "Not found.", "request_id": "req-1"}}
    assert orjson.loads(response.body) == envelope
    assert response.headers["x-request-id"] == "req-1"
    assert response.headers["x-extra"] == "1"
