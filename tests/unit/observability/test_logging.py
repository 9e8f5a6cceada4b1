"""The log pipeline never writes a WebSocket ticket."""

from __future__ import annotations

import logging

from sanctum.observability.logging import RedactTickets


def make_record(msg: str, args: tuple[object, ...]) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, msg, args, None)


def test_uvicorn_websocket_line_has_its_ticket_redacted() -> None:
    record = make_record('%s - "WebSocket %s" [accepted]', ("127.0.0.1:5000", "/api/ws?ticket=s3cr3t-Tk_9&v=1"))
    assert RedactTickets().filter(record) is True
    message = record.getMessage()
    assert "s3cr3t" not in message
    assert "/api/ws?ticket=***&v=1" in message


def test_ticket_in_the_message_itself_is_redacted() -> None:
    record = make_record("refused /api/ws?ticket=abc123", ())
    RedactTickets().filter(record)
    assert record.getMessage() == "refused /api/ws?ticket=***"


def test_lines_without_tickets_are_unchanged() -> None:
    record = make_record("%s started on %d", ("server", 8375))
    RedactTickets().filter(record)
    assert record.getMessage() == "server started on 8375"
