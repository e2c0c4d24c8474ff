"""Webhook signing secrets: generated in the Standard Webhooks form (``whsec_`` + base64 of
24 random bytes) and stored encrypted with Fernet, its key derived (HKDF-SHA256) from the
process's secret key. Rotating ``OPENPROMO_SECRET_KEY`` makes stored secrets unreadable:
rotate each endpoint's secret afterwards."""

from __future__ import annotations

import base64
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from openpromo.config import get_settings
from openpromo.errors import Conflict
from openpromo.kit.secret_key import load_or_create_secret_key

_INFO = b"openpromo webhook signing secrets v1"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@lru_cache(maxsize=8)
def _fernet_for(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> Fernet:
    settings = get_settings()
    return _fernet_for(load_or_create_secret_key(settings.secret_key, settings.database_url))


def seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


_unsealed: dict[tuple[str, str], str] = {}


@lru_cache(maxsize=8)
def _key(configured: str, database_url: str) -> str:
    # The generated key file never changes during a process's life: read it once.
    return load_or_create_secret_key(configured, database_url)


def unseal(token: str) -> str:
    """The plain secret (kept per process: the worker signs every message with it)."""
    settings = get_settings()
    key = _key(settings.secret_key, settings.database_url)
    cached = _unsealed.get((key, token))
    if cached is not None:
        return cached
    try:
        plain = _fernet_for(key).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise Conflict(
            detail="the endpoint's signing secret cannot be decrypted with the current secret "
            "key (OPENPROMO_SECRET_KEY changed?): rotate the endpoint's secret",
            code="webhook_secret_unreadable",
        ) from exc
    if len(_unsealed) > 10_000:
        _unsealed.clear()
    _unsealed[(key, token)] = plain
    return plain
