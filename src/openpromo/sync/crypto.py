"""Encryption at rest of sync source secrets (a SQL URL's password) with Fernet.

The Fernet key is derived with HKDF-SHA256 from the process's secret key
(``OPENPROMO_SECRET_KEY`` or the generated ``openpromo.secret`` file), so rotating that key
makes stored secrets unreadable: the source password then has to be set again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from openpromo.config import get_settings
from openpromo.errors import Conflict
from openpromo.kit.secret_key import load_or_create_secret_key

_INFO = b"openpromo customer-sync source secrets v1"


@lru_cache(maxsize=8)
def _fernet_for(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> Fernet:
    settings = get_settings()
    return _fernet_for(load_or_create_secret_key(settings.secret_key, settings.database_url))


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise Conflict(
            detail="the stored sync source password cannot be decrypted with the current "
            "secret key (OPENPROMO_SECRET_KEY changed?): set the source URL again",
            code="sync_secret_unreadable",
        ) from exc
