"""UI sessions: a signed cookie, no server-side state.

The cookie holds ``{"uid", "tid", "csrf", "iat"}`` as URL-safe base64 JSON followed by an
HMAC-SHA256 of it under the process secret (``OPENPROMO_SECRET_KEY`` or the generated key kept
next to the database, so every process and every restart accepts the same cookies). Sessions
expire 8 hours after login. An anonymous visitor gets a session without ``uid`` so that the
login form is CSRF-protected too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from openpromo.config import get_settings
from openpromo.kit.secret_key import load_or_create_secret_key

COOKIE_NAME = "openpromo_session"
SESSION_SECONDS = 8 * 3600
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class UiSession:
    user_id: str | None
    tenant_id: str | None
    csrf: str
    issued_at: float  # Unix time with sub-second precision (older cookies: whole seconds)

    @classmethod
    def anonymous(cls) -> UiSession:
        return cls(None, None, secrets.token_urlsafe(24), time.time())

    @classmethod
    def for_user(cls, user_id: str, tenant_id: str) -> UiSession:
        # A fresh CSRF token at login: a token seen before authentication is not reused.
        return cls(user_id, tenant_id, secrets.token_urlsafe(24), time.time())

    def expired(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) >= self.issued_at + SESSION_SECONDS

    def csrf_matches(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf)


@lru_cache
def _signing_key() -> bytes:
    settings = get_settings()
    secret = load_or_create_secret_key(settings.secret_key, settings.database_url)
    # A key of its own for cookies, derived from the process secret.
    return hashlib.sha256(b"openpromo-ui-session\x00" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    # Unpadded, so the cookie value needs no quoting ([A-Za-z0-9_-] and ".").
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _sign(payload: bytes) -> str:
    return _b64(hmac.new(_signing_key(), payload, "sha256").digest())


def encode_session(session: UiSession) -> str:
    payload = _b64(
        json.dumps(
            {
                "uid": session.user_id,
                "tid": session.tenant_id,
                "csrf": session.csrf,
                "iat": session.issued_at,
            },
            separators=(",", ":"),
        ).encode()
    )
    return f"{payload}.{_sign(payload.encode())}"


def decode_session(cookie: str | None) -> UiSession | None:
    """The session in a cookie, or None when it is absent, forged, malformed or expired."""
    if not cookie or "." not in cookie:
        return None
    payload, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(signature, _sign(payload.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        session = UiSession(
            user_id=data["uid"],
            tenant_id=data["tid"],
            csrf=str(data["csrf"]),
            issued_at=float(data["iat"]),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return None if session.expired() else session
