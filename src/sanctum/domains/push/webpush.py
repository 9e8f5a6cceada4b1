"""Web Push on the wire: the VAPID key pair and signature (RFC 8292), the payload's encryption for one
browser (RFC 8291, `aes128gcm`), and which endpoints the server agrees to post to.

The encryption is http-ece and the signature py-vapid (the building blocks of pywebpush); the post
itself is httpx, async, so a push never holds a worker thread. Each push gets a fresh server key pair
and salt, as RFC 8291 requires.
"""

from __future__ import annotations

import base64
import os
import time
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from sanctum.settings_groups import PushSettings

SIGNATURE_SECONDS = 12 * 3600  # RFC 8292: at most 24 h


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_vapid_pem() -> str:
    vapid = Vapid02()
    vapid.generate_keys()
    return str(vapid.private_pem().decode())


class VapidSigner:
    def __init__(self, pem: str, subject: str) -> None:
        self._vapid = Vapid02.from_pem(pem.encode())
        self._subject = subject
        point = self._vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.public_key = b64url(point)

    def authorization(self, endpoint: str) -> str:
        """`Authorization: vapid t=<JWT for the endpoint's origin>, k=<public key>`."""
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(time.time()) + SIGNATURE_SECONDS,
            "sub": self._subject,
        }
        return str(self._vapid.sign(claims)["Authorization"])


def client_key_problem(p256dh: str, auth: str) -> str | None:
    """Why a browser's keys cannot be used (None: they can)."""
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, TypeError):
        return "keys.p256dh is not a P-256 public key"
    if len(secret) != 16:
        return "keys.auth is not a 16-byte secret"
    return None


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The body of one push to one browser: aes128gcm with a fresh sender key and salt."""
    return bytes(
        http_ece.encrypt(
            payload,
            salt=os.urandom(16),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            dh=b64url_decode(p256dh),
            auth_secret=b64url_decode(auth),
            version="aes128gcm",
        )
    )


def endpoint_problem(endpoint: str, settings: PushSettings) -> str | None:
    """Why the server will not post to `endpoint` (None: it will). Only the browsers' push services
    (PUSH__ALLOWED_HOSTS, as host suffixes or exact hosts) over https: never an address a user chose."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "endpoint is not a URL"
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.allow_http):
        return "endpoint must be https"
    if parts.username or parts.password or not host:
        return "endpoint must name a host and no credentials"
    for allowed in settings.allowed_hosts:
        allowed = allowed.lower()
        if host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed)):
            return None
    return "endpoint is not a known push service"
