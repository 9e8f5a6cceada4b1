"""Email settings are checked at start-up; without SMTP, messages are logged, links only where that is safe."""

from __future__ import annotations

from typing import Any

import pytest
from structlog.testing import capture_logs

from sanctum.mail import Email, LogMailer, SmtpMailer, announce, build_mailer
from sanctum.settings import ConfigError, load_settings

BASE: dict[str, Any] = {"_env_file": None, "app_env": "test", "database_url": "sqlite+aiosqlite:///var/t.db"}
MESSAGE = Email(to="ada@example.com", subject="Reset", text="https://x/reset-password#token=secret-token")


def config_error(**email: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(**BASE, email=email)
    return str(raised.value)


def test_invalid_email_settings_stop_the_start_naming_the_variable_and_never_the_password() -> None:
    assert config_error(smtp_tls="ssl").startswith("EMAIL__SMTP_TLS: Input should be 'starttls', 'tls' or 'none'")
    assert config_error(sender="nobody").startswith("EMAIL__SENDER: expected an address")
    message = config_error(smtp_host="smtp.example.org", smtp_password="hunter2-secret")
    assert message.startswith("EMAIL__SMTP_PASSWORD: EMAIL__SMTP_USERNAME is needed")
    assert "hunter2" not in message


def test_smtp_settings_give_the_smtp_mailer() -> None:
    settings = load_settings(**BASE, email={"smtp_host": "smtp.example.org", "smtp_port": 465, "smtp_tls": "tls"})

    assert isinstance(build_mailer(settings), SmtpMailer)


@pytest.mark.parametrize(("app_env", "link_logged"), [("development", True), ("test", True), ("production", False)])
async def test_without_smtp_messages_are_logged_with_their_link_only_in_development(
    app_env: str, link_logged: bool
) -> None:
    settings = load_settings(**{**BASE, "app_env": app_env, "secret_key": "p" * 40})
    with capture_logs() as logs:
        announce(settings)
        mailer = build_mailer(settings)
        await mailer.send(MESSAGE)

    assert isinstance(mailer, LogMailer)
    assert logs[0]["event"] == "email_not_configured"
    sent = [line for line in logs if line["event"] == "email_not_sent"]
    assert sent and sent[0]["reason"] == "smtp_not_configured"
    assert ("secret-token" in repr(logs)) is link_logged
