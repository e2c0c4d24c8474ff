from __future__ import annotations

import stat
from pathlib import Path

import pytest

from openpromo.config import get_settings
from openpromo.errors import Conflict
from openpromo.kit.secret_key import load_or_create_secret_key, secret_file_path
from openpromo.sync import crypto


def test_configured_key_wins(tmp_path: Path) -> None:
    assert load_or_create_secret_key("configured", f"sqlite:///{tmp_path}/x.db") == "configured"
    assert not (tmp_path / "openpromo.secret").exists()


def test_generated_key_is_stored_once_next_to_the_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/data.db"
    assert secret_file_path(url) == tmp_path / "openpromo.secret"
    first = load_or_create_secret_key("", url)
    second = load_or_create_secret_key("", url)
    assert first == second
    assert len(first) >= 48
    mode = stat.S_IMODE((tmp_path / "openpromo.secret").stat().st_mode)
    assert mode == 0o600


def test_non_sqlite_databases_keep_the_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert secret_file_path("postgresql://u@h/db") == tmp_path / "openpromo.secret"


def test_encrypt_round_trip_and_wrong_key(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "secret_key", "key-one")
    token = crypto.encrypt_secret("s3cret")
    assert "s3cret" not in token
    assert crypto.decrypt_secret(token) == "s3cret"
    monkeypatch.setattr(settings, "secret_key", "key-two")
    with pytest.raises(Conflict) as caught:
        crypto.decrypt_secret(token)
    assert caught.value.code == "sync_secret_unreadable"
