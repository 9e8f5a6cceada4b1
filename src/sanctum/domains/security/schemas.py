"""Wire models of account security: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, EmailStr, Field, StringConstraints

from sanctum.core.text import Name
from sanctum.domains.accounts.schemas import DELIVERY_DESCRIPTION, Password, RefreshTokenDelivery, Strict

Token = Annotated[str, StringConstraints(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
RecoveryCodeText = Annotated[str, StringConstraints(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
PasskeyName = Annotated[str, Name("passkey name", max_length=64)]
# A WebAuthn credential as the browser's PublicKeyCredential.toJSON() gives it; py_webauthn parses it.
Credential = Annotated[dict[str, Any], Field(description="PublicKeyCredential.toJSON() of the browser.")]


class Accepted(BaseModel):
    """The same answer whatever the address: nothing here says whether an account has it."""

    detail: str = "If that address can receive it, a message is on its way."


class EmailAddress(Strict):
    email: EmailStr = Field(max_length=254)


class EmailTokenBody(Strict):
    token: Token


class ChangeEmail(Strict):
    new_email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128, description="The current password.")


class ResetPassword(Strict):
    token: Token
    new_password: Password


class ChangePassword(Strict):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: Password


class PasswordChanged(BaseModel):
    sessions_ended: int = Field(description="How many other sessions were ended.")


class TotpEnrolment(BaseModel):
    secret: str = Field(description="The base32 secret, for apps that cannot scan the QR code.")
    otpauth_uri: str
    qr_svg_data_url: str = Field(description="The otpauth URI as a QR code, an SVG data URL for an <img>.")


class TotpCodeBody(Strict):
    code: TotpCode


class RecoveryCodes(BaseModel):
    codes: list[str] = Field(description="Shown once: each works one time instead of a code.")


class DisableTotp(Strict):
    code: TotpCode | None = None
    password: str | None = Field(None, min_length=1, max_length=128)


class PasskeyRead(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


class SecurityStatus(BaseModel):
    email: str
    email_verified: bool
    totp_enabled: bool
    recovery_codes_left: int
    passkeys: list[PasskeyRead]


class WebAuthnOptions(BaseModel):
    ceremony_token: str = Field(description="Send back with the credential; single-use, lives 5 minutes.")
    options: dict[str, Any] = Field(description="PublicKeyCredential{Creation,Request}Options, JSON-encoded.")


class PasskeyRegistration(Strict):
    ceremony_token: Token
    credential: Credential
    name: PasskeyName = "Passkey"


class PasskeyLoginOptions(Strict):
    challenge_token: Token | None = Field(
        None,
        description="The login's challenge token, for a passkey as its second factor; omit for a passwordless login.",
    )


class PasskeyLogin(Strict):
    ceremony_token: Token
    credential: Credential
    refresh_token_delivery: RefreshTokenDelivery = Field("cookie", description=DELIVERY_DESCRIPTION)


class SecondFactor(Strict):
    challenge_token: Token
    method: Literal["totp", "recovery_code", "passkey"]
    code: TotpCode | RecoveryCodeText | None = None
    ceremony_token: Token | None = None
    credential: Credential | None = None
    refresh_token_delivery: RefreshTokenDelivery = Field("cookie", description=DELIVERY_DESCRIPTION)
