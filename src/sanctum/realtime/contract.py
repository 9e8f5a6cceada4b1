"""The realtime contract, generated from the code: a JSON Schema of every frame, and an AsyncAPI 3 document.

Every frame on the socket is described by a model in the code: the gateway's control frames and
commands (protocol.py), each hub's commands (`Hub.handlers`) and each hub's events (`Hub.events`, an
`EventKind` with the model of its data). `realtime_schema` gathers them into one JSON Schema
(docs/realtime.schema.json: `ServerMessage` and `ClientMessage` are the two unions, every event
envelope and data model a definition) and `asyncapi` wraps the same definitions as AsyncAPI 3
(docs/asyncapi.yaml). `sanctum contracts` writes both and `--check` fails when a file is behind the
code; the web client's types are generated from the schema (`npm run generate`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import core_schema

from sanctum.core.events import EventKind, Redacted
from sanctum.realtime.hub import HubRegistry
from sanctum.realtime.protocol import CONTROL_FRAMES, GATEWAY_COMMANDS

REF = "#/$defs/{model}"


class _Schema(GenerateJsonSchema):
    """What the server sends always holds every field (a default is still sent), so in the
    serialization schema every field is required; commands keep their defaults optional."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        return self.mode == "serialization" or super().field_is_required(field, total)


def _envelope_name(kind: EventKind[Any]) -> str:
    return "".join(part.capitalize() for part in re.split(r"[._]", kind.name)) + "Event"


def envelope(kind: EventKind[Any]) -> type[BaseModel]:
    """The model of a whole event frame of `kind`: `{type, topic, seq?, data}`."""
    data = kind.data | Redacted if kind.redactable else kind.data
    seq: Any = None
    if kind.persistent:
        seq = (int, Field(description="The topic's sequence number (no gaps)."))
    elif kind.persistent is None:
        seq = (int | None, Field(None, description="The topic's sequence number, when the event was logged."))
    fields: dict[str, Any] = {
        "type": (Literal[kind.name], ...),
        "topic": (str, Field(description=f"`{kind.topic}`")),
        "data": (data, ...),
    }
    if seq is not None:
        fields["seq"] = seq
    model: type[BaseModel] = create_model(_envelope_name(kind), __doc__=kind.description, **fields)
    return model


def _kinds(hubs: HubRegistry) -> list[EventKind[Any]]:
    return [kind for hub in hubs.hubs for kind in hub.events]


def _messages(hubs: HubRegistry) -> tuple[list[type[BaseModel]], list[type[BaseModel]], list[type[BaseModel]]]:
    """(events, control frames the server builds by hand, client commands)."""
    events: list[type[BaseModel]] = []
    frames: list[type[BaseModel]] = list(CONTROL_FRAMES)
    client: list[type[BaseModel]] = list(GATEWAY_COMMANDS)
    seen: set[str] = set()
    for hub in hubs.hubs:
        for kind in hub.events:
            if kind.name not in seen:
                seen.add(kind.name)
                events.append(envelope(kind))
        for command in hub.handlers.values():
            if command.model not in client:
                client.append(command.model)
        frames.extend(extra for extra in hub.replies if extra not in frames)
    return events, frames, client


def realtime_schema(hubs: HubRegistry) -> dict[str, Any]:
    events, frames, client = _messages(hubs)
    # Events are whole model dumps (every field is sent); control frames omit what they do not hold.
    models = [(m, "serialization") for m in events] + [(m, "validation") for m in (*frames, *client)]
    keys, schema = models_json_schema(models, ref_template=REF, schema_generator=_Schema)  # type: ignore[arg-type]
    server_refs = [keys[(m, "validation")] for m in frames] + [keys[(m, "serialization")] for m in events]
    client_refs = [keys[(m, "validation")] for m in client]
    defs = {name: _without_field_titles(definition) for name, definition in schema["$defs"].items()}
    for kind in _kinds(hubs):
        if kind.persistent is None:  # logged or not, as the publisher decides: `seq` may be absent
            envelope_def = defs[_envelope_name(kind)]
            envelope_def["required"] = [name for name in envelope_def["required"] if name != "seq"]
    defs["ServerMessage"] = {"description": "A frame the server sends.", "oneOf": server_refs}
    defs["ClientMessage"] = {"description": "A frame a client sends.", "oneOf": client_refs}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sanctum realtime protocol",
        "description": "Every frame of the socket at /api/ws (docs/realtime.md). Generated: `sanctum contracts`.",
        "anyOf": [{"$ref": REF.format(model="ServerMessage")}, {"$ref": REF.format(model="ClientMessage")}],
        "$defs": dict(sorted(defs.items())),
    }


def _without_field_titles(definition: dict[str, Any]) -> dict[str, Any]:
    """Pydantic titles every field; generated clients would turn each title into a type alias."""
    properties = definition.get("properties")
    if not properties:
        return definition
    cleaned = {name: {k: v for k, v in field.items() if k != "title"} for name, field in properties.items()}
    return {**definition, "properties": cleaned}


def _components(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema's definitions with their refs pointed at AsyncAPI's components."""
    defs: dict[str, Any] = _retarget(schema["$defs"])
    return defs


def _retarget(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("#/components/schemas/" + v.removeprefix("#/$defs/") if k == "$ref" else _retarget(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_retarget(v) for v in value]
    return value


def asyncapi(schema: dict[str, Any], version: str) -> dict[str, Any]:
    schemas = _components(schema)
    names = {"server": _one_of(schemas["ServerMessage"]), "client": _one_of(schemas["ClientMessage"])}
    messages = {
        name: {"name": name, "payload": {"$ref": f"#/components/schemas/{name}"}}
        for side in names.values()
        for name in side
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sanctum realtime gateway",
            "version": version,
            "description": (
                "One WebSocket per tab, multiplexing topics. Authenticate with a single-use ticket from "
                "POST /api/ws/ticket. See docs/realtime.md for delivery guarantees, close codes and limits. "
                "Generated from the code by `sanctum contracts`; do not edit."
            ),
        },
        "servers": {"local": {"host": "localhost:8375", "protocol": "ws", "pathname": "/api/ws"}},
        "channels": {
            "gateway": {
                "address": "/api/ws?ticket={ticket}",
                "parameters": {"ticket": {"description": "Single-use ticket from POST /api/ws/ticket (lives 30 s)."}},
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
            }
        },
        "operations": {
            "sendClientMessage": {
                "action": "receive",
                "channel": {"$ref": "#/channels/gateway"},
                "messages": [{"$ref": f"#/channels/gateway/messages/{n}"} for n in names["client"]],
            },
            "receiveServerMessage": {
                "action": "send",
                "channel": {"$ref": "#/channels/gateway"},
                "messages": [{"$ref": f"#/channels/gateway/messages/{n}"} for n in names["server"]],
            },
        },
        "components": {"schemas": schemas, "messages": messages},
    }


def _one_of(union: dict[str, Any]) -> list[str]:
    return [ref["$ref"].rsplit("/", 1)[1] for ref in union["oneOf"]]
