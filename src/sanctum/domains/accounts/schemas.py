"""Wire models of the accounts domain: the API contract."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from sanctum.core.text import Body, Name

USERNAME_PATTERN = r"^[A-Za-z0-9_]{3,32}$"

Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN, min_length=3, max_length=32)]


def _strong_password(value: str) -> str:
    if not re.search(r"[A-Za-z]", value) or not re.search(r"[^A-Za-z]", value):
        raise ValueError("must mix letters with digits or symbols")
    if len(set(value)) < 4:
        raise ValueError("is too repetitive")
    return value


Password = Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_strong_password)]
DisplayName = Annotated[str, Name("display name", max_length=64)]
Bio = Annotated[str, Body("bio", max_length=500, may_be_empty=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store or even compare text containing NUL: refuse it as input, not as a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class RegisterRequest(Strict):
    username: Username = Field(description="3-32 letters, digits or underscores; case-insensitive.")
    email: EmailStr = Field(max_length=254)
    password: Password = Field(description="8-128 characters mixing letters with digits or symbols.")

    @field_validator("password")
    @classmethod
    def _password_not_username(cls, password: str, info: ValidationInfo) -> str:
        # A field validator, not a model one, so the error names `password` in `fields`.
        username = info.data.get("username")
        if username and username.lower() in password.lower():
            raise ValueError("must not contain the username")
        return password


RefreshTokenDelivery = Literal["cookie", "body"]

DELIVERY_DESCRIPTION = (
    "Where the refresh token goes. `cookie` (browsers): an HttpOnly `sanctum_refresh` cookie "
    "(SameSite=Strict, Path=/api/auth) that script cannot read, and `refresh_token` in the answer is null. "
    "`body` (other API clients): returned as `refresh_token`, and no cookie is set."
)


class LoginRequest(Strict):
    login: str = Field(min_length=1, max_length=254, description="Username or email.")
    password: str = Field(min_length=1, max_length=128)
    refresh_token_delivery: RefreshTokenDelivery = Field("cookie", description=DELIVERY_DESCRIPTION)


class RefreshRequest(Strict):
    refresh_token: str | None = Field(
        None,
        min_length=1,
        max_length=256,
        description="The refresh token, for clients that keep it themselves. Omit it to use the "
        "`sanctum_refresh` cookie; that needs the header `X-Sanctum-CSRF: 1`.",
    )
    refresh_token_delivery: RefreshTokenDelivery | None = Field(
        None,
        description=DELIVERY_DESCRIPTION + " By default the new token goes where the presented one came from; "
        "a token from the cookie only ever goes back into the cookie.",
    )

    @field_validator("refresh_token_delivery")
    @classmethod
    def _cookie_tokens_stay_in_the_cookie(
        cls, delivery: RefreshTokenDelivery | None, info: ValidationInfo
    ) -> RefreshTokenDelivery | None:
        # Otherwise a script on the page could swap the cookie it cannot read for a token it can.
        if delivery == "body" and "refresh_token" in info.data and info.data["refresh_token"] is None:
            raise ValueError("`body` needs the refresh token in `refresh_token`; a cookie's token stays in the cookie")
        return delivery


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = Field(
        description="The new refresh token, or null when it was set as the HttpOnly `sanctum_refresh` cookie."
    )
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class SessionRead(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str
    current: bool


class SessionList(BaseModel):
    items: list[SessionRead]


class RevokedCount(BaseModel):
    revoked: int


class PublicUser(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    bio: str
    avatar_url: str | None
    created_at: datetime
    is_bot: bool = Field(default=False, description="A system account (the welcome bot), not a person.")


class UserSearchPage(BaseModel):
    items: list[PublicUser] = Field(description="Best match first: exact username, username prefixes, display names.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class Me(PublicUser):
    email: str
    email_verified_at: datetime | None = Field(description="When the address was verified; null until then.")
    is_admin: bool
    site_role: Literal["admin", "moderator"] | None = Field(
        None, description="The caller's site-wide role, if any (docs/moderation.md)."
    )


class SecondFactorRequired(BaseModel):
    """The answer to a right password when the account has a second factor: no tokens yet."""

    second_factor_required: Literal[True] = True
    challenge_token: str = Field(description="Send to /api/auth/login/second-factor with a code or a passkey.")
    methods: list[Literal["totp", "recovery_code", "passkey"]]
    expires_in: int = Field(description="Seconds the challenge token stays valid.")


def _http_url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("must be an http(s) URL")
    return value


class ProfileUpdate(Strict):
    display_name: DisplayName | None = None
    bio: Bio | None = None
    avatar_url: Annotated[str | None, Field(max_length=500), AfterValidator(_http_url)] = None


class DeleteAccountRequest(Strict):
    password: str = Field(min_length=1, max_length=128)


class WsTicket(BaseModel):
    ticket: str = Field(description="Single-use; pass as `/api/ws?ticket=...` within `expires_in` seconds.")
    expires_in: int


class BlockedUser(BaseModel):
    user: PublicUser
    since: datetime


class BlockList(BaseModel):
    items: list[BlockedUser] = Field(description="The people the caller blocked, newest first.")
    ids: list[uuid.UUID] = Field(description="Their ids, for the client to collapse their messages and posts.")
