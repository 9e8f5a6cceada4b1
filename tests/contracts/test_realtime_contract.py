"""The realtime contract: the committed schema and AsyncAPI match the code, and the schema has teeth."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from sanctum import domains
from sanctum.cli import render_contracts
from sanctum.core.events import EventKind
from sanctum.services import build_services
from sanctum.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def server_message_validator() -> jsonschema_rs.Validator:
    [schema_text] = [text for path, text in render_contracts(ROOT).items() if path.name == "realtime.schema.json"]
    return jsonschema_rs.validator_for({**json.loads(schema_text), "anyOf": [{"$ref": "#/$defs/ServerMessage"}]})


def test_the_committed_realtime_schema_and_asyncapi_match_the_code() -> None:
    for path, text in render_contracts(ROOT).items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is out of date: run `make openapi`"


def test_every_event_kind_a_domain_declares_is_in_the_contract_of_a_hub() -> None:
    declared: set[str] = set()
    for module in pkgutil.walk_packages(domains.__path__, "sanctum.domains."):
        loaded = importlib.import_module(module.name)
        declared |= {v.name for v in vars(loaded).values() if isinstance(v, EventKind)}
    hubs = build_services(Settings(app_env="test")).gateway.hubs.hubs
    registered = {kind.name for hub in hubs for kind in hub.events}
    assert declared - registered == set(), "declare these kinds in a hub's `events`"
    assert len(declared) >= 30


def test_the_schema_refuses_what_the_server_never_sends() -> None:
    validator = server_message_validator()
    good: dict[str, Any] = {"type": "member.joined", "topic": "room:x", "seq": 3, "data": {"user_id": "u"}}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "seq": "three"})
    assert not validator.is_valid({**good, "data": {}})
    assert not validator.is_valid({"type": "nobody.knows", "topic": "room:x", "data": {}})
    assert validator.is_valid({"type": "subscribed", "topic": "room:x", "seq": 0})


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    [text] = [t for p, t in render_contracts(ROOT).items() if p.name == "asyncapi.yaml"]
    document = yaml.safe_load(text)

    def refs(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [v for k, v in value.items() if k == "$ref"] + [r for v in value.values() for r in refs(v)]
        if isinstance(value, list):
            return [r for v in value for r in refs(v)]
        return []

    for ref in refs(document):
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert node is not None, ref
    assert len(document["operations"]["receiveServerMessage"]["messages"]) >= 35
