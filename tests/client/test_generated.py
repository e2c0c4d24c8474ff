"""The committed client (clients/python) is the one the app's current OpenAPI generates.

A change to the API (a route, a field, a response code, a limit) changes the schema the app
publishes; this test then fails and tells the developer to run
``uv run python scripts/generate_client.py`` — so the committed client, and the tests that use
it (tests/client/test_flows.py), always follow the published schema.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scripts.generate_client import CLIENT_DIR, COMMAND, compare_trees, stale_message

ROOT = Path(__file__).resolve().parents[2]


def test_committed_client_is_generated_from_the_current_schema() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_client.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr + done.stdout


def test_a_stale_client_is_named_file_by_file(tmp_path: Path) -> None:
    """What the check reports on a client that no longer matches (here: a hand edit, a model
    the schema lost, and a schema with one more field)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(CLIENT_DIR, fresh, ignore=shutil.ignore_patterns("__pycache__"))
    stale = tmp_path / "stale"
    shutil.copytree(fresh, stale)
    assert compare_trees(stale, fresh) == []

    (stale / "openpromo_client" / "models" / "problem.py").unlink()
    (stale / "openpromo_client" / "models" / "gone.py").write_text("class Gone: ...\n")
    schema = stale / "openapi.json"
    schema.write_text(schema.read_text().replace('"title": "Problem"', '"title": "Problem2"', 1))
    (stale / "openpromo_client" / "__pycache__").mkdir(exist_ok=True)
    (stale / "openpromo_client" / "__pycache__" / "x.pyc").write_bytes(b"ignored")

    differences = compare_trees(stale, fresh)
    assert differences[:3] == [
        "missing: openpromo_client/models/problem.py",
        "not generated any more: openpromo_client/models/gone.py",
        "differs: openapi.json",
    ]
    assert '-        "title": "Problem2",' in differences
    message = stale_message(differences)
    assert f"\n    {COMMAND}\n" in message
    assert COMMAND == "uv run python scripts/generate_client.py"
