"""HTTP routes of account security: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid

from fastapi import Response, status

from sanctum.api.rate_limits import per_ip
from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.cookies import RefreshCookieDep, SameOrigin
from sanctum.domains.accounts.deps import Client, CurrentActor, per_account
from sanctum.domains.accounts.schemas import TokenPair
from sanctum.domains.security.deps import EmailFlowsDep, LoginStepsDep, PasskeysDep, RelyingPartyDep, TwoFactorDep
from sanctum.domains.security.schemas import (
    Accepted,
    ChangeEmail,
    ChangePassword,
    DisableTotp,
    EmailAddress,
    EmailTokenBody,
    PasskeyLogin,
    PasskeyLoginOptions,
    PasskeyRead,
    PasskeyRegistration,
    PasswordChanged,
    RecoveryCodes,
    ResetPassword,
    SecondFactor,
    SecurityStatus,
    TotpCodeBody,
    TotpEnrolment,
    WebAuthnOptions,
)

security = DomainRouter(prefix="/api/auth", tags=["security"], responses=ERROR_RESPONSES)
ACCEPTED = status.HTTP_202_ACCEPTED


@security.get("/security", response_model=SecurityStatus)
async def get_security(actor: CurrentActor, steps: LoginStepsDep) -> SecurityStatus:
    """The caller's address and whether it is verified, two-factor, recovery codes left, passkeys."""
    return await steps.status(actor)


# -- email ---------------------------------------------------------------------------------------


@security.post("/email/verify", status_code=204, dependencies=[per_ip("token_per_ip")])
async def verify_email(body: EmailTokenBody, flows: EmailFlowsDep, client: Client) -> None:
    """Follow a verification or change-of-address link (its `#token=`). Single-use."""
    await flows.verify_email(body.token, client.ip)


@security.post(
    "/email/resend",
    status_code=ACCEPTED,
    response_model=Accepted,
    dependencies=[per_ip("email_per_ip"), per_account("security")],
)
async def resend_verification(actor: CurrentActor, flows: EmailFlowsDep) -> Accepted:
    """Send the verification link again (nothing is sent once the address is verified)."""
    await flows.resend_verification(actor)
    return Accepted()


@security.post(
    "/email/change",
    status_code=ACCEPTED,
    response_model=Accepted,
    dependencies=[per_ip("email_per_ip"), per_account("security")],
)
async def change_email(body: ChangeEmail, actor: CurrentActor, flows: EmailFlowsDep) -> Accepted:
    """Ask to use another address: it becomes the account's once the link sent to it is followed."""
    await flows.request_email_change(actor, str(body.new_email), body.password)
    return Accepted()


# -- passwords -----------------------------------------------------------------------------------


@security.post("/password/forgot", status_code=ACCEPTED, response_model=Accepted, dependencies=[per_ip("email_per_ip")])
async def forgot_password(body: EmailAddress, flows: EmailFlowsDep) -> Accepted:
    """Email a reset link (1 hour, single-use) if an account has this address; the answer is the same either way."""
    await flows.request_password_reset(str(body.email))
    return Accepted()


@security.post("/password/reset", response_model=PasswordChanged, dependencies=[per_ip("token_per_ip")])
async def reset_password(body: ResetPassword, flows: EmailFlowsDep, client: Client) -> PasswordChanged:
    """Set a new password with a reset link's token; every session of the account ends."""
    return PasswordChanged(sessions_ended=await flows.reset_password(body.token, body.new_password, client.ip))


@security.post("/password/change", response_model=PasswordChanged, dependencies=[per_account("security")])
async def change_password(body: ChangePassword, actor: CurrentActor, flows: EmailFlowsDep) -> PasswordChanged:
    """Change the password (the current one is required); every other session ends."""
    ended = await flows.change_password(actor, body.current_password, body.new_password)
    return PasswordChanged(sessions_ended=ended)


# -- two-factor ----------------------------------------------------------------------------------


@security.post("/totp/enrol", response_model=TotpEnrolment, dependencies=[per_account("security")])
async def enrol_totp(actor: CurrentActor, totp: TwoFactorDep) -> TotpEnrolment:
    """A new TOTP secret and its QR code; nothing changes at login until `/totp/confirm`."""
    return await totp.enrol(actor)


@security.post("/totp/confirm", response_model=RecoveryCodes, dependencies=[per_account("security")])
async def confirm_totp(body: TotpCodeBody, actor: CurrentActor, totp: TwoFactorDep) -> RecoveryCodes:
    """Turn two-factor on with a first code from the app; answers the 10 recovery codes, shown once."""
    return await totp.confirm(actor, body.code)


@security.post("/totp/disable", status_code=204, dependencies=[per_account("security")])
async def disable_totp(body: DisableTotp, actor: CurrentActor, totp: TwoFactorDep) -> None:
    """Turn two-factor off with a current code or the password; the recovery codes go too."""
    await totp.disable(actor, body.code, body.password)


@security.post("/totp/recovery-codes", response_model=RecoveryCodes, dependencies=[per_account("security")])
async def regenerate_recovery_codes(body: TotpCodeBody, actor: CurrentActor, totp: TwoFactorDep) -> RecoveryCodes:
    """10 new recovery codes (a current code is required); the old ones stop working."""
    return await totp.regenerate_recovery_codes(actor, body.code)


@security.post(
    "/login/second-factor", response_model=TokenPair, dependencies=[SameOrigin, per_ip("second_factor_per_ip")]
)
async def login_second_factor(
    body: SecondFactor,
    steps: LoginStepsDep,
    client: Client,
    rp: RelyingPartyDep,
    cookie: RefreshCookieDep,
    response: Response,
) -> TokenPair:
    """The second step of a login that answered `second_factor_required`: a TOTP code, a recovery code
    or a passkey assertion (with the `ceremony_token` of `/passkeys/login/options`)."""
    pair = await steps.second_factor(body, client, rp)
    return cookie.deliver(pair, body.refresh_token_delivery, response)


# -- passkeys ------------------------------------------------------------------------------------


@security.post("/passkeys/registration/options", response_model=WebAuthnOptions, dependencies=[per_account("security")])
async def passkey_registration_options(
    actor: CurrentActor, passkeys: PasskeysDep, rp: RelyingPartyDep
) -> WebAuthnOptions:
    """Options for navigator.credentials.create(), and the ceremony token to send back with its result."""
    return await passkeys.registration_options(actor, rp)


@security.post("/passkeys", status_code=201, response_model=PasskeyRead, dependencies=[per_account("security")])
async def register_passkey(
    body: PasskeyRegistration, actor: CurrentActor, passkeys: PasskeysDep, rp: RelyingPartyDep
) -> PasskeyRead:
    """Register the credential the browser made from the registration options."""
    return await passkeys.register(actor, body, rp)


@security.delete("/passkeys/{passkey_id}", status_code=204, dependencies=[per_account("security")])
async def remove_passkey(passkey_id: uuid.UUID, actor: CurrentActor, passkeys: PasskeysDep) -> None:
    await passkeys.remove(actor, passkey_id)


@security.post("/passkeys/login/options", response_model=WebAuthnOptions, dependencies=[per_ip("second_factor_per_ip")])
async def passkey_login_options(
    body: PasskeyLoginOptions, passkeys: PasskeysDep, rp: RelyingPartyDep
) -> WebAuthnOptions:
    """Options for navigator.credentials.get(): for a passwordless login, or a login's second factor."""
    return await passkeys.login_options(body.challenge_token, rp)


@security.post("/passkeys/login", response_model=TokenPair, dependencies=[SameOrigin, per_ip("second_factor_per_ip")])
async def passkey_login(
    body: PasskeyLogin,
    steps: LoginStepsDep,
    client: Client,
    rp: RelyingPartyDep,
    cookie: RefreshCookieDep,
    response: Response,
) -> TokenPair:
    """Log in with a passkey alone (it verifies the user itself, so it is both factors)."""
    pair = await steps.passkey_login(body, client, rp)
    return cookie.deliver(pair, body.refresh_token_delivery, response)
