"""Dependency aliases for the security routes: its services and the relying party of a passkey ceremony."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from sanctum.api.deps import provide
from sanctum.core.errors import ValidationFailed
from sanctum.domains.security.email_flows import EmailFlows
from sanctum.domains.security.login import LoginSteps
from sanctum.domains.security.passkeys import Passkeys, RelyingParty
from sanctum.domains.security.totp import TwoFactor
from sanctum.settings import Settings

EmailFlowsDep = Annotated[EmailFlows, Depends(provide(EmailFlows))]
TwoFactorDep = Annotated[TwoFactor, Depends(provide(TwoFactor))]
PasskeysDep = Annotated[Passkeys, Depends(provide(Passkeys))]
LoginStepsDep = Annotated[LoginSteps, Depends(provide(LoginSteps))]


async def relying_party(request: Request, settings: Annotated[Settings, Depends(provide(Settings))]) -> RelyingParty:
    """PUBLIC_URL, or this request's own origin when it is unset (development)."""
    origin = settings.public_url or f"{request.url.scheme}://{request.headers.get('host', '')}"
    try:
        host = urlsplit(origin).hostname
    except ValueError:
        host = None
    if not host:
        raise ValidationFailed("Passkeys need the site's address (set PUBLIC_URL).")
    return RelyingParty(id=host, origin=origin)


RelyingPartyDep = Annotated[RelyingParty, Depends(relying_party)]
