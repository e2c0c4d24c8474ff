"""Response classes shared by the API."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    """JSON encoded with orjson: the same compact UTF-8 output as ``JSONResponse`` for plain
    JSON types, about ten times faster — it matters for validation answers, which can hold
    10,000 results and are the hot path. Only for content that is plain JSON types already
    (str, int, float, bool, None, lists, dicts with str keys)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
