"""Outgoing email: the `Mailer` port, SMTP (aiosmtplib) and the log-only mailer of development.

Infrastructure: imports `settings` and `observability`, never a domain. Domains send from background
jobs only (never from a request), so a slow or unreachable SMTP server slows no request; a failed send
raises, and the job queue retries it.

Without `EMAIL__SMTP_HOST` nothing is sent and each message is logged (`email_not_sent`). The body,
which holds the message's link, is logged only when `APP_ENV` is development or test: there the link
is how a developer follows the flow; anywhere else a logged link would be a credential in the logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from sanctum.observability.logging import get_logger
from sanctum.settings import Settings
from sanctum.settings_groups import EmailSettings

log = get_logger("sanctum.mail")


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    text: str


class Mailer(Protocol):
    async def send(self, email: Email) -> None: ...


class LogMailer:
    """Logs instead of sending: SMTP is not configured."""

    def __init__(self, *, show_body: bool) -> None:
        self._show_body = show_body

    async def send(self, email: Email) -> None:
        if self._show_body:
            log.info(
                "email_not_sent", reason="smtp_not_configured", to=email.to, subject=email.subject, body=email.text
            )
        else:
            log.warning("email_not_sent", reason="smtp_not_configured", subject=email.subject)


class SmtpMailer:
    def __init__(self, settings: EmailSettings) -> None:
        self._settings = settings

    def _message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message.set_content(email.text)
        return message

    async def send(self, email: Email) -> None:
        s = self._settings
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        await aiosmtplib.send(
            self._message(email),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=password,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            timeout=s.smtp_timeout_seconds,
        )
        log.info("email_sent", subject=email.subject)


def build_mailer(settings: Settings) -> Mailer:
    if settings.email.configured:
        return SmtpMailer(settings.email)
    return LogMailer(show_body=_links_logged(settings))


def _links_logged(settings: Settings) -> bool:
    return settings.app_env in ("development", "test")


def announce(settings: Settings) -> None:
    """One start-up line when nothing will be sent (serve and worker call it; other commands do not,
    their output stays theirs)."""
    if not settings.email.configured:
        log.warning(
            "email_not_configured",
            detail="EMAIL__SMTP_HOST is unset: emails are logged, not sent",
            links_logged=_links_logged(settings),
        )


__all__ = ["Email", "LogMailer", "Mailer", "SmtpMailer", "announce", "build_mailer"]
