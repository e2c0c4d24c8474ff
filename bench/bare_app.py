"""The baseline of bench/validation.py: a bare FastAPI endpoint served the same way."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.post("/bare")
async def bare(body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "n": len(body)}
