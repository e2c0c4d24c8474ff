"""Plain-text logs (``OPENPROMO_LOG_JSON=false``) carry the JSON lines' fields (issue 18)."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import FastAPI

from openpromo.api.observability import configure_logging
from tests.conftest import make_client


@pytest.mark.parametrize("as_json", [True, False])
async def test_access_log_fields(
    app: FastAPI, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging("INFO", as_json=as_json)
        async with make_client(app, None) as client:
            response = await client.get("/healthz", headers={"X-Request-ID": "req-18"})
        assert response.status_code == 200
        lines = [line for line in capsys.readouterr().err.splitlines() if "/healthz" in line]
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    assert len(lines) == 1, lines
    line = lines[0]
    if as_json:
        entry = json.loads(line)
        assert {k: entry[k] for k in ("method", "path", "route", "status", "request_id")} == {
            "method": "GET",
            "path": "/healthz",
            "route": "/healthz",
            "status": 200,
            "request_id": "req-18",
        }
        assert isinstance(entry["duration_ms"], float)
    else:
        assert " INFO openpromo.access request " in line
        for pair in (
            "request_id=req-18",
            "method=GET",
            "path=/healthz",
            "route=/healthz",
            "status=200",
            "duration_ms=",
        ):
            assert f" {pair}" in line, (pair, line)


def test_text_values_with_spaces_are_quoted() -> None:
    from openpromo.api.observability import TextFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "grouped", None, None)
    record.fields = {"ids": ["a", "b"], "why": "two words", "n": 3}
    line = TextFormatter().format(record)
    assert line.endswith(' grouped ids="[\\"a\\", \\"b\\"]" why="two words" n=3'), line
