"""The process's secret key: ``OPENPROMO_SECRET_KEY``, or one generated once and kept in a file.

The embedded default must encrypt secrets at rest without any set-up, so when no key is
configured a random one is generated the first time it is needed and written, readable by the
owner only (0600), to ``openpromo.secret`` next to the SQLite database file (in the working
directory for other databases). Every later start, and every process sharing the database,
reads the same file. Production deployments set ``OPENPROMO_SECRET_KEY`` instead.
"""

from __future__ import annotations

import os
import secrets as _random
from pathlib import Path

SECRET_FILE_NAME = "openpromo.secret"  # noqa: S105 - a file name, not a secret


def secret_file_path(database_url: str) -> Path:
    """Where the generated key lives for this database URL."""
    if database_url.startswith("sqlite"):
        _, _, rest = database_url.partition(":///")
        rest = rest.split("?", 1)[0]
        if rest and rest != ":memory:":
            return Path(rest).expanduser().resolve().parent / SECRET_FILE_NAME
    return Path.cwd() / SECRET_FILE_NAME


def load_or_create_secret_key(configured: str, database_url: str) -> str:
    """The configured key, else the generated one (created atomically on first use)."""
    if configured:
        return configured
    path = secret_file_path(database_url)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = _random.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process won the race: use its key.
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
