"""API key material: random, prefixed, shown once, stored as a SHA-256 digest.

Keys carry 256 bits of randomness, so a fast digest is enough (a slow password hash only
protects low-entropy secrets) and lets every request find its key with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "op_"


def generate_key() -> tuple[str, str]:
    """Return ``(key, display_prefix)``; the display prefix identifies the key in lists."""
    public = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    return key, f"{KEY_PREFIX}{public}"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
