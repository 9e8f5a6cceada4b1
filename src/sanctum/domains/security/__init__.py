"""Account security: email verification, change of address, password reset and change, two-factor
(TOTP and recovery codes), passkeys (WebAuthn), and the second step of a login (docs/security.md).

Imports infrastructure (`core`, `db`, `mail`, `jobs`, `ratelimit`, `api`) and `AccountService`, through
which every change to a user or its sessions goes; accounts asks it whether a login needs a second
factor through the gate it is given (`AccountService.use_login_gate`).
"""
